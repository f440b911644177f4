"""The container check for loaders whose file Python opens or decodes itself.

Brains, agents and populations are read by the Rust core alone (``rust/core/src/io/file.rs``),
which makes these same checks with the same messages; this module is for the loaders that read
the file in Python (recurrent agents) or decode its payload in Python (model files), which check
here before anything is read or allocated.

The container (docs/reference/format.md; ``rust/core/src/io/container.rs``) starts with a fixed
header:

    magic b"HEBBRAIN" (8) | kind (4) | format version u32 LE (4) | L u16 LE (2) |
    library version (L) | payload length P u64 LE (8) | CRC-32 u32 LE (4) | payload (P)

:func:`check_container_file` looks at the path and at that header only (a bounded read of at most
``30 + 65535`` bytes) and refuses, with ``FileFormatError`` naming the file, anything the reader
should never be handed: a device, FIFO or socket (``/dev/zero`` would be read until memory runs
out; opening a FIFO would block), a foreign file, a file of another kind, and a header whose
payload length does not match the file's size exactly (truncated, or trailing bytes). So the
reader that follows reads a regular file whose size the header accounts for, byte for byte.
"""

from __future__ import annotations

import os
import stat

from hebbian_brain._core import ArgumentTypeError, FileFormatError, InvalidArgumentError

MAGIC = b"HEBBRAIN"
#: The newest format version (``io::container::FORMAT_VERSION``); versions 1 to this one share the
#: header layout known here. A file of another version goes to the reader, which names the
#: version and the library that wrote it.
FORMAT_VERSION = 2
_FIXED = 18  # magic, kind, version, L
_AFTER_VERSION_STRING = 12  # P and the CRC


def _file_type(mode: int) -> str:
    for test, name in (
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISFIFO, "FIFO (named pipe)"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISDIR, "directory"),
    ):
        if test(mode):
            return name
    return "special file"


def _refuse_special(origin: str, mode: int) -> None:
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):  # a directory: the reader's IsADirectoryError
        return
    raise FileFormatError(
        f"{origin}: not a regular file (a {_file_type(mode)}): only files written by save can "
        "be loaded"
    )


def _read_exactly(fd: int, n: int) -> bytes:
    out = bytearray()
    while len(out) < n:
        chunk = os.read(fd, n - len(out))
        if not chunk:
            break
        out += chunk
    return bytes(out)


def check_container_file(path: str, kind: bytes) -> None:
    """Refuses ``path`` unless it is a regular file whose container header fits its size.

    A path that cannot be inspected (missing, no permission, a directory) is left to the reader,
    which raises the usual ``OSError`` naming it.

    Raises:
        FileFormatError: a device, FIFO or socket; bad magic; another kind; a payload length
            that does not match the file's size.
    """
    origin = path
    if not isinstance(path, str):
        raise ArgumentTypeError(
            f"path must be a str or os.PathLike of str, got {type(path).__name__}"
        )
    if "\x00" in path:  # os.stat would raise a bare ValueError
        raise InvalidArgumentError(f"invalid argument `path`: holds a NUL character: {path!r}")
    try:
        _refuse_special(origin, os.stat(path).st_mode)  # before open: a FIFO would block it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return
    try:
        info = os.fstat(fd)  # the file actually opened (the path may have been swapped)
        _refuse_special(origin, info.st_mode)
        if not stat.S_ISREG(info.st_mode):
            return
        size = info.st_size
        head = _read_exactly(fd, _FIXED)
        if len(head) < 8 or head[:8] != MAGIC:
            if MAGIC.startswith(head):
                raise FileFormatError(f"{origin}: truncated: the file ends inside the header")
            raise FileFormatError(f"{origin}: not a hebbian_brain file (bad magic number)")
        if len(head) < _FIXED:
            raise FileFormatError(f"{origin}: truncated: the file ends inside the header")
        found = head[8:12]
        if found != kind:
            raise FileFormatError(
                f"{origin}: holds a {found.decode('latin-1')!r} object, expected "
                f"{kind.decode('latin-1')!r}"
            )
        if not 1 <= int.from_bytes(head[12:16], "little") <= FORMAT_VERSION:
            return  # the reader explains the version; the layout after it may differ
        vlen = int.from_bytes(head[16:18], "little")
        rest = _read_exactly(fd, vlen + _AFTER_VERSION_STRING)
        if len(rest) < vlen + _AFTER_VERSION_STRING:
            raise FileFormatError(f"{origin}: truncated: the file ends inside the header")
        announced = int.from_bytes(rest[vlen : vlen + 8], "little")
        present = size - (_FIXED + vlen + _AFTER_VERSION_STRING)
        if announced > present:
            raise FileFormatError(
                f"{origin}: truncated: header announces {announced} payload bytes, "
                f"{present} present"
            )
        if announced < present:
            raise FileFormatError(
                f"{origin}: {present - announced} unexpected bytes after the payload"
            )
    finally:
        os.close(fd)


def holds_kind(path: str, kind: bytes) -> bool:
    """Whether ``path`` is a regular file starting with a container header of ``kind``.

    Reads at most the fixed header; anything unreadable or not a regular file is False (the
    reader that follows refuses it with the usual error).
    """
    if not isinstance(path, str) or "\x00" in path:
        return False
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        head = _read_exactly(fd, 12)
    except OSError:
        return False
    finally:
        os.close(fd)
    return head[:8] == MAGIC and head[8:12] == kind
