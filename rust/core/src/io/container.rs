//! The library's one binary container, shared by every saved object (brains, agents, models).
//!
//! ```text
//! offset  size  field
//! 0       8     magic  b"HEBBRAIN"
//! 8       4     kind   e.g. b"BRN1" (brain), b"AGT1" (agent)
//! 12      4     format version, u32 little-endian
//! 16      2     length L of the library version string, u16 LE
//! 18      L     library version (UTF-8) that wrote the file
//! 18+L    8     payload length P, u64 LE
//! 26+L    4     CRC-32 (IEEE) of every byte before it and of the payload, u32 LE
//! 30+L    P     payload: bincode (varint, little-endian) of the object
//! ```
//! Loading checks every field before decoding and bounds every allocation by the payload size,
//! so a file that claims a billion nodes in a 100-byte body is refused without allocating.
//! Files are read and written by `io::file` (header first, never past the payload; atomic
//! writes), re-exported here.

use bincode::Options;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, Result};

// Reading and writing files (one read path, atomic writes) live in `io::file`; re-exported here,
// where every loader and saver has always found them.
pub use super::file::{load, read_container, save, write_atomic};

/// File magic.
pub const MAGIC: &[u8; 8] = b"HEBBRAIN";
/// Current format version. Older versions are listed in docs/reference/format.md with how they load.
pub const FORMAT_VERSION: u32 = 2;
/// Version of this library, written into every file.
pub const LIBRARY_VERSION: &str = env!("CARGO_PKG_VERSION");

fn options(limit: u64) -> impl Options {
    bincode::DefaultOptions::new().with_limit(limit)
}

/// Serialises `value` into a complete container of the given kind.
pub fn to_bytes<T: Serialize>(kind: &[u8; 4], value: &T) -> Vec<u8> {
    let payload = options(u64::MAX)
        .serialize(value)
        .expect("in-memory serialisation cannot fail");
    wrap_payload(kind, &payload)
}

/// Wraps an already encoded payload into a container (header and checksum); fuzzers use it to
/// reach the decoder with mutated payloads.
pub fn wrap_payload(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(kind);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(LIBRARY_VERSION.len() as u16).to_le_bytes());
    out.extend_from_slice(LIBRARY_VERSION.as_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    let crc = checksum(&out, payload);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(payload);
    out
}

fn checksum(header: &[u8], payload: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(header);
    h.update(payload);
    h.finalize()
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    origin: &'a str,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        if self.bytes.len() - self.pos < n {
            return Err(Error::format(
                self.origin,
                format!(
                    "truncated: the file ends inside the {what} (at byte {})",
                    self.pos
                ),
            ));
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
}

/// Format versions this library reads: 1 to [`FORMAT_VERSION`] (every version ever written so
/// far). A version retired in the future is listed in [`RETIRED_VERSIONS`] with the reason.
pub const OLDEST_READABLE_VERSION: u32 = 1;

/// Format versions that existed but this library no longer reads, with the library release
/// that still reads them (none yet).
pub const RETIRED_VERSIONS: &[(u32, &str)] = &[];

/// The writer's library version from the header (the reader stands just after the version
/// field), or a placeholder when the header is cut short or not UTF-8.
fn library_version_of(r: &mut Reader<'_>) -> String {
    let Ok(len) = r.take(2, "header") else {
        return "an unknown version".into();
    };
    let len = u16::from_le_bytes([len[0], len[1]]) as usize;
    match r.take(len, "library version").map(std::str::from_utf8) {
        Ok(Ok(v)) if !v.is_empty() && v.len() <= 64 && !v.chars().any(char::is_control) => {
            v.to_string()
        }
        _ => "an unknown version".into(),
    }
}

/// Refuses, with the reason, a format version this library cannot read.
fn check_version(origin: &str, version: u32, writer: &str) -> Result<()> {
    if (OLDEST_READABLE_VERSION..=FORMAT_VERSION).contains(&version) {
        return Ok(());
    }
    let reason = if version > FORMAT_VERSION {
        format!(
            "written in format version {version} by hebbian_brain {writer}; this library \
             (hebbian_brain {LIBRARY_VERSION}) reads format versions \
             {OLDEST_READABLE_VERSION} to {FORMAT_VERSION}: upgrade hebbian_brain to load it"
        )
    } else if let Some((_, last)) = RETIRED_VERSIONS.iter().find(|(v, _)| *v == version) {
        format!(
            "written in format version {version} (by hebbian_brain {writer}), which this library \
             no longer reads; load it with hebbian_brain {last} and save it again"
        )
    } else {
        format!(
            "format version {version} never existed (versions start at \
             {OLDEST_READABLE_VERSION}; header claims hebbian_brain {writer}): the header is \
             damaged or the file was not written by hebbian_brain"
        )
    };
    Err(Error::format(origin, reason))
}

/// What a checked header says.
pub(crate) struct Header {
    /// Bytes covered by the checksum before the payload (everything up to the CRC).
    pub(crate) checked_len: usize,
    /// Where the payload starts (just after the CRC).
    pub(crate) payload_at: usize,
    /// Payload length announced by the header.
    pub(crate) payload_len: u64,
    /// The checksum stored in the header.
    pub(crate) crc: u32,
}

/// Checks the header at the start of `bytes` (magic, kind, version) and returns what it says.
/// Needs only the header's bytes (at most `30 + 65535`), not the payload: the file reader
/// checks a header before it reads anything else.
pub(crate) fn check_header(origin: &str, kind: &[u8; 4], bytes: &[u8]) -> Result<Header> {
    let mut r = Reader {
        bytes,
        pos: 0,
        origin,
    };
    if r.take(8, "header")? != MAGIC {
        return Err(Error::format(
            origin,
            "not a hebbian_brain file (bad magic number)",
        ));
    }
    let found_kind = r.take(4, "header")?;
    if found_kind != kind {
        return Err(Error::format(
            origin,
            format!(
                "holds a {:?} object, expected {:?}",
                String::from_utf8_lossy(found_kind),
                String::from_utf8_lossy(kind)
            ),
        ));
    }
    let version = u32::from_le_bytes(r.take(4, "header")?.try_into().expect("4 bytes"));
    // The writer's library version is read before the version is judged: the layout up to and
    // including it is the same in every format version (docs/reference/format.md, version policy), so a
    // file from a newer library can say which library wrote it.
    let version_string_at = r.pos;
    let writer = library_version_of(&mut r);
    check_version(origin, version, &writer)?;
    r.pos = version_string_at;
    let vlen = u16::from_le_bytes(r.take(2, "header")?.try_into().expect("2 bytes")) as usize;
    let _writer_version = r.take(vlen, "library version")?;
    let payload_len = u64::from_le_bytes(r.take(8, "header")?.try_into().expect("8 bytes"));
    let checked_len = r.pos;
    let crc = u32::from_le_bytes(r.take(4, "header")?.try_into().expect("4 bytes"));
    Ok(Header {
        checked_len,
        payload_at: r.pos,
        payload_len,
        crc,
    })
}

/// Refuses a payload length that differs from the `present` bytes after the header.
pub(crate) fn check_payload_len(origin: &str, announced: u64, present: u64) -> Result<()> {
    if announced == present {
        return Ok(());
    }
    Err(Error::format(
        origin,
        if announced > present {
            format!("truncated: header announces {announced} payload bytes, {present} present")
        } else {
            format!("{} unexpected bytes after the payload", present - announced)
        },
    ))
}

/// Checks the container and returns its payload. `origin` names the source in messages.
pub fn payload<'a>(origin: &'a str, kind: &[u8; 4], bytes: &'a [u8]) -> Result<&'a [u8]> {
    let h = check_header(origin, kind, bytes)?;
    check_payload_len(origin, h.payload_len, (bytes.len() - h.payload_at) as u64)?;
    let payload = &bytes[h.payload_at..];
    if checksum(&bytes[..h.checked_len], payload) != h.crc {
        return Err(Error::format(
            origin,
            "checksum mismatch: the file is corrupted",
        ));
    }
    Ok(payload)
}

thread_local! {
    /// Format version of the payload being decoded on this thread (see [`since_version_2`]).
    static DECODING: std::cell::Cell<u32> = const { std::cell::Cell::new(FORMAT_VERSION) };
}

/// The format version of the payload this thread is decoding ([`FORMAT_VERSION`] outside
/// [`from_bytes`], e.g. for pickles, which always hold the current version).
pub fn decoding_version() -> u32 {
    DECODING.with(|v| v.get())
}

/// Serde `deserialize_with` of a field added in format version 2: a version-1 payload does not
/// hold it (bincode is not self-describing, so nothing is read) and it takes its `Default`.
/// The migration of each such field is listed in docs/reference/format.md.
pub fn since_version_2<'de, D, T>(d: D) -> std::result::Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de> + Default,
{
    if decoding_version() < 2 {
        Ok(T::default())
    } else {
        T::deserialize(d)
    }
}

/// Decodes a container of the given kind (allocation bounded by the payload size), converting
/// older format versions on the way (fields they lack take their documented defaults).
pub fn from_bytes<T: DeserializeOwned>(origin: &str, kind: &[u8; 4], bytes: &[u8]) -> Result<T> {
    let payload = payload(origin, kind, bytes)?;
    let version = u32::from_le_bytes(bytes[12..16].try_into().expect("checked header"));
    let outer = DECODING.with(|v| v.replace(version));
    let decoded = options(payload.len() as u64).deserialize(payload);
    DECODING.with(|v| v.set(outer));
    decoded.map_err(|e| Error::format(origin, format!("undecodable payload: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_every_corruption_is_refused() {
        let value: Vec<u64> = (0..100).collect();
        let bytes = to_bytes(b"TEST", &value);
        let back: Vec<u64> = from_bytes("mem", b"TEST", &bytes).unwrap();
        assert_eq!(back, value);
        for cut in 0..bytes.len() {
            assert!(
                from_bytes::<Vec<u64>>("mem", b"TEST", &bytes[..cut]).is_err(),
                "cut {cut}"
            );
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x40;
            assert!(
                from_bytes::<Vec<u64>>("mem", b"TEST", &b).is_err(),
                "flip at {i}"
            );
        }
        assert!(from_bytes::<Vec<u64>>("mem", b"OTHR", &bytes).is_err());
    }

    fn with_version(bytes: &[u8], version: u32) -> Vec<u8> {
        let mut b = bytes.to_vec();
        b[12..16].copy_from_slice(&version.to_le_bytes());
        b
    }

    #[test]
    fn a_newer_version_names_its_writer_and_says_to_upgrade() {
        let bytes = to_bytes(b"TEST", &7u64);
        let mut newer = with_version(&bytes, FORMAT_VERSION + 1);
        // A future writer's version string.
        let at = 18;
        let old_len = LIBRARY_VERSION.len();
        newer.splice(at..at + old_len, b"9.9.9".iter().copied());
        newer[16..18].copy_from_slice(&5u16.to_le_bytes());
        let err = from_bytes::<u64>("f.hb", b"TEST", &newer)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!("format version {}", FORMAT_VERSION + 1)),
            "{err}"
        );
        assert!(err.contains("hebbian_brain 9.9.9"), "{err}");
        assert!(
            err.contains(&format!("reads format versions 1 to {FORMAT_VERSION}")),
            "{err}"
        );
        assert!(err.contains("upgrade"), "{err}");
        // Even with the rest of the file unreadable (a newer layout), the message is the same.
        let cut = &newer[..at + 5];
        let err = from_bytes::<u64>("f.hb", b"TEST", cut)
            .unwrap_err()
            .to_string();
        assert!(err.contains("upgrade") && err.contains("9.9.9"), "{err}");
    }

    #[test]
    fn version_zero_is_refused_as_damaged() {
        let bytes = with_version(&to_bytes(b"TEST", &7u64), 0);
        let err = from_bytes::<u64>("f.hb", b"TEST", &bytes)
            .unwrap_err()
            .to_string();
        assert!(err.contains("format version 0 never existed"), "{err}");
        // A garbage library version string is not echoed back.
        let mut b = bytes.clone();
        b[18] = 0x07;
        let err = from_bytes::<u64>("f.hb", b"TEST", &b)
            .unwrap_err()
            .to_string();
        assert!(err.contains("an unknown version"), "{err}");
    }

    #[test]
    fn huge_claimed_lengths_do_not_allocate() {
        // A payload claiming 2^60 elements in a few bytes: refused by the limit, not an OOM.
        let mut payload = Vec::new();
        payload.push(253u8); // bincode varint marker for a u64
        payload.extend_from_slice(&(1u64 << 60).to_le_bytes());
        let mut bytes = Vec::new();
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(b"TEST");
        bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        bytes.extend_from_slice(&0u16.to_le_bytes());
        bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        let crc = checksum(&bytes, &payload);
        bytes.extend_from_slice(&crc.to_le_bytes());
        bytes.extend_from_slice(&payload);
        let err = from_bytes::<Vec<u64>>("mem", b"TEST", &bytes).unwrap_err();
        assert!(err.to_string().contains("undecodable"), "{err}");
    }
}
