//! Containers on disk: the one read path every loader uses, and atomic writes.
//!
//! Reading ([`read_container`]): a regular file only (devices, FIFOs and sockets are refused
//! before they are opened), the header read and checked first, the announced payload compared
//! with the file's size, and never a byte read past it. Writing ([`write_atomic`]): a temporary
//! file `.NAME.tmp-PID-N` in the same folder, fsync, rename, fsync of the folder; the temporary
//! files that killed saves to the same path left behind are removed first.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::container::{check_header, check_payload_len, from_bytes, to_bytes};
use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically: temporary file, fsync, rename, fsync of the folder.
/// The temporary files that saves to the same path killed mid-write left behind are removed
/// first (see [`remove_stale_temporaries`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::argument("path", format!("{} has no file name", path.display())))?;
    let name = name.to_string_lossy();
    remove_stale_temporaries(&dir, &name);
    // Unique per process (PID) and per save within it: two threads saving to the same path
    // never write into one temporary file.
    static SAVES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let serial = SAVES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(
        "{}{}-{serial}",
        temp_prefix(&name),
        std::process::id()
    ));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        if let Ok(d) = fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// The start of the name of every temporary file of a save to `name`: `.NAME.tmp-`, followed
/// by the writer's PID and `-N`.
fn temp_prefix(name: &str) -> String {
    format!(".{name}.tmp-")
}

/// Whether process `pid` is gone (a PID that cannot be checked counts as alive).
fn process_is_gone(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: `kill` with signal 0 only checks that the process exists; it sends nothing.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        false
    }
}

/// Removes the temporary files of earlier saves to `name` in `dir` whose writer process no
/// longer exists (a save killed mid-write: nothing can clean up after SIGKILL). A live
/// writer's file, this process's own (another thread may be writing it) and every other file
/// are left alone; failures are ignored (the save itself does not depend on this).
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let prefix = temp_prefix(name);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let me = std::process::id();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        // `PID` (older releases) or `PID-N`.
        let pid_text = rest.split('-').next().unwrap_or("");
        let Ok(pid) = pid_text.parse::<u32>() else {
            continue;
        };
        if pid != me && pid != 0 && process_is_gone(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Saves `value` to `path` as a container of the given kind, atomically.
pub fn save<T: Serialize>(path: &Path, kind: &[u8; 4], value: &T) -> Result<()> {
    write_atomic(path, &to_bytes(kind, value))
}

/// The file type's name when `t` is not a regular file or a directory (a directory is left to
/// the read, which fails with the operating system's own error naming it).
fn special_file(t: &fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("FIFO (named pipe)");
        }
        if t.is_char_device() {
            return Some("character device");
        }
        if t.is_block_device() {
            return Some("block device");
        }
        if t.is_socket() {
            return Some("socket");
        }
    }
    (!t.is_file() && !t.is_dir()).then_some("special file")
}

fn refuse_special(origin: &str, t: &fs::FileType) -> Result<()> {
    match special_file(t) {
        None => Ok(()),
        Some(name) => Err(Error::format(
            origin,
            format!("not a regular file (a {name}): only files written by save can be loaded"),
        )),
    }
}

/// Opens `path` for reading if it is a regular file (or a directory, whose read fails), and
/// returns it with its size. A device or FIFO is refused before it is opened (opening a FIFO
/// blocks until a writer comes); the file actually opened is checked again (the path may have
/// been swapped meanwhile), and on Linux it is opened non-blocking so that even then the open
/// cannot block.
fn open_regular(path: &Path, origin: &str) -> Result<(fs::File, u64)> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    refuse_special(origin, &fs::metadata(path).map_err(io)?.file_type())?;
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    refuse_special(origin, &meta.file_type())?;
    Ok((file, meta.len()))
}

/// Appends bytes from `f` to `buf` until it holds `len` bytes or the file ends.
fn read_until(f: &mut fs::File, buf: &mut Vec<u8>, len: usize, path: &Path) -> Result<()> {
    let want = len.saturating_sub(buf.len());
    f.take(want as u64)
        .read_to_end(buf)
        .map(|_| ())
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
}

/// The container of `kind` at `path`, read the one way every loader reads: the path must be a
/// regular file; its header is read and checked first (a bounded read of at most `30 + 65535`
/// bytes); the payload length it announces must match the file's size exactly; only then is
/// the payload read, into a buffer of exactly that size, and never past it. So a device, a
/// FIFO, a foreign file or a header that lies about the size costs a few bytes of reading,
/// not the file's (or the device's) whole length. Returns the whole container (header and
/// payload; the checksum is checked by [`payload`] / [`from_bytes`]).
pub fn read_container(path: &Path, kind: &[u8; 4]) -> Result<Vec<u8>> {
    let origin = path.display().to_string();
    let (mut file, size) = open_regular(path, &origin)?;
    let mut buf = Vec::new();
    // The fixed fields up to the length of the library version string, then the rest.
    read_until(&mut file, &mut buf, 18, path)?;
    if buf.len() >= 18 {
        let vlen = u16::from_le_bytes([buf[16], buf[17]]) as usize;
        read_until(&mut file, &mut buf, 30 + vlen, path)?;
    }
    let h = check_header(&origin, kind, &buf)?;
    check_payload_len(
        &origin,
        h.payload_len,
        size.saturating_sub(h.payload_at as u64),
    )?;
    // The payload fits in the file, whose size the header now accounts for byte for byte.
    let total = usize::try_from(h.payload_len)
        .ok()
        .and_then(|p| p.checked_add(h.payload_at))
        .ok_or_else(|| Error::format(&origin, "too large to load on this platform"))?;
    let more = total - buf.len();
    crate::error::try_reserve(&mut buf, more, || format!("the {total} bytes of {origin}"))?;
    read_until(&mut file, &mut buf, total, path)?;
    // A file that changed size while it was read: what was read is checked as it is.
    let mut probe = [0u8; 1];
    if buf.len() == total && file.read(&mut probe).unwrap_or(0) > 0 {
        return Err(Error::format(
            &origin,
            "unexpected bytes after the payload (the file grew while it was read)",
        ));
    }
    Ok(buf)
}

/// Loads a container of the given kind from `path` (read by [`read_container`]).
pub fn load<T: DeserializeOwned>(path: &Path, kind: &[u8; 4]) -> Result<T> {
    from_bytes(
        &path.display().to_string(),
        kind,
        &read_container(path, kind)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::container::LIBRARY_VERSION;

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("hb-container-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn the_reader_reads_what_was_written() {
        let d = temp_dir("roundtrip");
        let path = d.join("v.hb");
        save(&path, b"TEST", &vec![1u64, 2, 3]).unwrap();
        let back: Vec<u64> = load(&path, b"TEST").unwrap();
        assert_eq!(back, vec![1, 2, 3]);
        let _ = fs::remove_dir_all(&d);
    }

    #[test]
    fn a_huge_file_is_refused_from_its_header_without_reading_it() {
        let d = temp_dir("huge");
        let path = d.join("huge.hb");
        fs::write(&path, to_bytes(b"TEST", &7u64)).unwrap();
        // 4 GiB, sparse: the header announces a few bytes.
        fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(1 << 32)
            .unwrap();
        let err = read_container(&path, b"TEST").unwrap_err().to_string();
        assert!(err.contains("unexpected bytes after the payload"), "{err}");
        // A header that claims more than the file holds is refused before allocating.
        let mut bytes = to_bytes(b"TEST", &7u64);
        let at = 18 + LIBRARY_VERSION.len();
        bytes[at..at + 8].copy_from_slice(&(1u64 << 60).to_le_bytes());
        fs::write(&path, &bytes).unwrap();
        let err = read_container(&path, b"TEST").unwrap_err().to_string();
        assert!(err.contains("truncated: header announces"), "{err}");
        // Another kind, a foreign file, an empty one: named from the first bytes.
        fs::write(&path, to_bytes(b"OTHR", &7u64)).unwrap();
        let err = read_container(&path, b"TEST").unwrap_err().to_string();
        assert!(err.contains("expected"), "{err}");
        fs::write(&path, b"not ours").unwrap();
        let err = read_container(&path, b"TEST").unwrap_err().to_string();
        assert!(
            err.contains("truncated") || err.contains("bad magic"),
            "{err}"
        );
        fs::write(&path, b"").unwrap();
        assert!(read_container(&path, b"TEST").is_err());
        let _ = fs::remove_dir_all(&d);
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_refused_without_blocking() {
        let err = read_container(Path::new("/dev/zero"), b"TEST")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("not a regular file (a character device)"),
            "{err}"
        );
        let d = temp_dir("fifo");
        let fifo = d.join("pipe.hb");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            let err = read_container(&fifo, b"TEST").unwrap_err().to_string();
            assert!(err.contains("FIFO"), "{err}");
        }
        let _ = fs::remove_dir_all(&d);
    }
}
