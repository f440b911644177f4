"""Files for the rnn models: the library's container around an ``.npz`` archive.

The container is the one of brains and agents (header, format version, checksum, atomic write);
the archive holds the model's arrays and a JSON description of how to rebuild it from them.

The description is the model's own pickling recipe (``__reduce_ex__``) written as data: which
hebbian_brain class or ``_from_*`` constructor to call, with which numbers, strings and arrays.
Loading resolves names only among hebbian_brain's own classes and never unpickles anything, so
a foreign or crafted file cannot run code; the constructors then validate what they are given.
"""

from __future__ import annotations

import copyreg
import importlib
import io
import json
import os
import struct
import tokenize
import warnings
import zipfile
import zlib
from typing import Any, TypeVar, overload

import numpy as np

from hebbian_brain import _core
from hebbian_brain._core import ArgumentTypeError, FileFormatError, HebbianError
from hebbian_brain._file_guard import check_container_file
from hebbian_brain._validate import path as _path

KIND = b"MDL1"
_BASIC = (type(None), bool, int, float, str)


def _registry() -> dict[str, type]:
    """The classes a model file may name: every class hebbian_brain exports.

    The package's own classes are read from the modules that define them (their ``__all__`` is
    what the package re-exports), not from the package itself, which imports this module.
    """
    from hebbian_brain import agent, discretize, optim, population, rnn, tasks

    # the package's name `sweep` is the function; the module is read from the import system
    sweep = importlib.import_module("hebbian_brain.sweep")
    facade = [
        getattr(m, name) for m in (agent, discretize, population, sweep) for name in m.__all__
    ]
    found = [
        *(getattr(_core, name) for name in dir(_core)),
        *facade,
        *(getattr(m, name) for m in (rnn, tasks, optim) for name in dir(m)),
    ]
    out: dict[str, type] = {}
    for obj in found:
        if isinstance(obj, type) and (obj.__module__ or "").startswith("hebbian_brain"):
            out.setdefault(obj.__qualname__, obj)
    return out


class _Encoder:
    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self.classes = _registry()

    def cls(self, c: type) -> str:
        if self.classes.get(c.__qualname__) is not c:
            raise ArgumentTypeError(
                f"cannot save a {c.__qualname__}: not a hebbian_brain model class"
            )
        return c.__qualname__

    def value(self, x: Any) -> Any:
        if isinstance(x, _BASIC):
            return x
        if isinstance(x, np.generic):
            return x.item()
        if isinstance(x, np.ndarray):
            if x.dtype.hasobject:
                raise ArgumentTypeError("cannot save an object array")
            key = f"a{len(self.arrays)}"
            self.arrays[key] = x
            return {"array": key}
        if isinstance(x, list):
            return {"list": [self.value(v) for v in x]}
        if isinstance(x, tuple):
            return {"tuple": [self.value(v) for v in x]}
        if isinstance(x, dict):
            if not all(isinstance(k, str) for k in x):
                raise ArgumentTypeError("cannot save a dict with non-string keys")
            return {"dict": {k: self.value(v) for k, v in x.items()}}
        return self.obj(x)

    def obj(self, x: Any) -> Any:
        reduced = x.__reduce_ex__(2)
        if isinstance(reduced, str) or len(reduced) < 2:
            raise ArgumentTypeError(f"cannot save a {type(x).__qualname__}")
        fn, args, state = reduced[0], reduced[1], reduced[2] if len(reduced) > 2 else None
        if any(part is not None for part in reduced[3:]):
            raise ArgumentTypeError(f"cannot save a {type(x).__qualname__} (iterator state)")
        if fn is copyreg.__newobj_ex__:  # type: ignore[attr-defined]
            c, a, kw = args
            out = {"new": self.cls(c), "args": self.value(list(a)), "kwargs": self.value(kw)}
        elif fn is copyreg.__newobj__:  # type: ignore[attr-defined]
            out = {"new": self.cls(args[0]), "args": self.value(list(args[1:])), "kwargs": None}
        else:
            owner, _, method = getattr(fn, "__qualname__", "").rpartition(".")
            if not method.startswith("_from_") or owner != type(x).__qualname__:
                raise ArgumentTypeError(f"cannot save a {type(x).__qualname__}")
            out = {"call": self.cls(type(x)), "method": method, "args": self.value(list(args))}
        if state is not None:
            out["state"] = self.value(state)
        return {"object": out}


class _Decoder:
    def __init__(self, arrays: dict[str, np.ndarray], origin: str) -> None:
        self.arrays = arrays
        self.origin = origin
        self.classes = _registry()

    def bad(self, why: str) -> FileFormatError:
        return FileFormatError(f"{self.origin}: not a model file this library can read: {why}")

    def cls(self, name: Any) -> type:
        c = self.classes.get(name) if isinstance(name, str) else None
        if c is None or name in _NEVER_BUILT or issubclass(c, BaseException):
            raise self.bad(f"unknown class {name!r}")
        return c

    def value(self, x: Any) -> Any:
        if isinstance(x, _BASIC):
            return x
        if not (isinstance(x, dict) and len(x) == 1):
            raise self.bad(f"unexpected entry {str(x)[:60]!r}")
        ((tag, v),) = x.items()
        if tag == "array":
            if not isinstance(v, str) or v not in self.arrays:
                raise self.bad(f"missing array {v!r}")
            return self.arrays[v]
        if tag in ("list", "tuple") and isinstance(v, list):
            items = [self.value(i) for i in v]
            return items if tag == "list" else tuple(items)
        if tag == "dict" and isinstance(v, dict):
            return {k: self.value(i) for k, i in v.items()}
        if tag == "object" and isinstance(v, dict):
            return self.obj(v)
        raise self.bad(f"unexpected entry {tag!r}")

    def obj(self, d: dict[str, Any]) -> Any:
        args = self.value(d.get("args", {"list": []}))
        if not isinstance(args, list):
            raise self.bad("arguments must be a list")
        if "new" in d:
            c = self.cls(d["new"])
            kwargs = self.value(d["kwargs"]) if d.get("kwargs") is not None else {}
            obj: Any = c.__new__(c, *args, **kwargs)
        elif "call" in d:
            c, method = self.cls(d["call"]), d.get("method")
            if not (isinstance(method, str) and method.startswith("_from_")):
                raise self.bad(f"unknown constructor {method!r}")
            obj = getattr(c, method)(*args)
        else:
            raise self.bad("an object without a class")
        if "state" in d:
            state = self.value(d["state"])
            setstate = getattr(obj, "__setstate__", None)
            if setstate is not None:
                setstate(state)
            elif isinstance(state, dict):
                obj.__dict__.update(state)
            else:
                raise self.bad("object state must be a dict")
        return obj


def save_model(model: Any, path: str | os.PathLike[str]) -> None:
    """Saves an rnn model to ``path``, atomically.

    Models: ``RecurrentNetwork``, ``NodePerturbationTrainer``, ``PlasticRNN``, or any
    hebbian_brain object that pickles.

    The file is the library's versioned container (see docs/reference/format.md, kind ``MDL1``)
    around an ``.npz`` archive; it is read back by :func:`load_model` without unpickling anything.
    Brains, agents and populations have their own ``save`` (kinds ``BRN1``, ``AGT1``, ``POP1``).

    Raises:
        TypeError: ``model`` is not a hebbian_brain object that can be saved this way.
    """
    from hebbian_brain.agent import Agent
    from hebbian_brain.population import Population

    if isinstance(model, (_core.Brain, Agent, Population)):
        raise ArgumentTypeError(f"save a {type(model).__name__} with its own .save(path)")
    enc = _Encoder()
    enc.cls(type(model))  # a hebbian_brain class, or TypeError naming it
    tree = enc.obj(model)
    buf = io.BytesIO()
    arrays: dict[str, Any] = {"__tree__": np.array(json.dumps(tree)), **enc.arrays}
    np.savez(buf, **arrays)
    _core._container_save(_path("path", path), KIND, buf.getvalue())


#: Deepest nesting of the description a model file may hold (saved models nest a few levels).
MAX_DEPTH = 64
#: Integers in the description are Rust ``i64``/``u64`` values or sizes.
_INT_LIMIT = 2**64
#: Classes a file may not construct: their constructors allocate from a bare size (an
#: environment's grid), which a model never holds.
_NEVER_BUILT = frozenset({"GridWorldCore", "PredatorPreyCore", "Population", "PopulationRun"})
_LOCAL_HEADER = struct.Struct("<4s5HL2L2H")  # signature .. extra length: 30 bytes
_END_RECORD = struct.Struct("<4s4H2LH")  # 22 bytes
_ZIP64_LOCATOR = struct.Struct("<4sLQL")  # 20 bytes
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")  # 56 bytes


class _Bad(Exception):
    """A problem found in the payload (becomes ``FileFormatError`` naming the file)."""


def _directory_start(payload: bytes) -> int:
    """Where the central directory must start: the archive ends with its end records, exactly."""
    n = len(payload)
    if n < _END_RECORD.size:
        raise _Bad("too short for an archive")
    sig, _, _, _, _, size, _, comment = _END_RECORD.unpack_from(payload, n - _END_RECORD.size)
    if sig != b"PK\x05\x06" or comment != 0:
        raise _Bad("the archive does not end the payload (trailing bytes or a comment)")
    end = n - _END_RECORD.size
    at = end - _ZIP64_LOCATOR.size
    if at >= 0 and payload[at : at + 4] == b"PK\x06\x07":
        _, _, record_at, _ = _ZIP64_LOCATOR.unpack_from(payload, at)
        if record_at + _ZIP64_END.size != at:
            raise _Bad("misplaced zip64 end record")
        record = _ZIP64_END.unpack_from(payload, record_at)
        if record[0] != b"PK\x06\x06":
            raise _Bad("bad zip64 end record")
        end, size = record_at, record[-2]
    if size > end:
        raise _Bad("the directory is larger than the archive")
    return int(end - size)


def _member_bytes(payload: bytes, info: zipfile.ZipInfo) -> tuple[int, int]:
    """(start, end) of a member's stored data; refuses anything save_model never writes."""
    if info.compress_type != zipfile.ZIP_STORED:
        raise _Bad(f"member {info.filename!r}: compression method {info.compress_type}")
    if info.flag_bits & 0x0009:  # encrypted, or sizes in a data descriptor
        raise _Bad(f"member {info.filename!r}: unsupported flags {info.flag_bits:#x}")
    if info.compress_size != info.file_size:
        raise _Bad(f"member {info.filename!r}: stored sizes differ")
    at = info.header_offset
    if not 0 <= at <= len(payload) - _LOCAL_HEADER.size:
        raise _Bad(f"member {info.filename!r}: header outside the payload")
    fields = _LOCAL_HEADER.unpack_from(payload, at)
    if fields[0] != b"PK\x03\x04":
        raise _Bad(f"member {info.filename!r}: bad local header")
    start = at + _LOCAL_HEADER.size + fields[-2] + fields[-1]
    end = start + info.compress_size
    if end > len(payload):
        raise _Bad(f"member {info.filename!r}: data beyond the payload")
    return start, end


def _npy(name: str, data: bytes) -> np.ndarray:
    """A member's array, its header checked against the member's size before any allocation."""
    stream = io.BytesIO(data)
    try:
        with warnings.catch_warnings():
            # numpy re-parses a header it cannot read as a Python 2 one, with a warning: refused
            warnings.simplefilter("error")
            version = np.lib.format.read_magic(stream)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
            else:
                raise _Bad(f"array {name!r}: .npy version {version}")
    except (
        ValueError,
        SyntaxError,
        RecursionError,
        OverflowError,
        TypeError,
        tokenize.TokenError,
        Warning,
    ) as e:
        raise _Bad(f"array {name!r}: bad .npy header ({e})") from None
    if dtype.hasobject or dtype.fields is not None or dtype.subdtype is not None:
        raise _Bad(f"array {name!r}: dtype {dtype} is not a plain number or string type")
    count = 1
    for d in shape:
        count *= d
    body = len(data) - stream.tell()
    if count * dtype.itemsize != body or (dtype.itemsize == 0 and count > body):
        raise _Bad(
            f"array {name!r}: header claims shape {shape} of {dtype} "
            f"({count * dtype.itemsize} bytes), the member holds {body}"
        )
    flat = np.frombuffer(data, dtype=dtype, count=count, offset=stream.tell())
    return np.array(flat.reshape(shape, order="F" if fortran else "C"))


def _read_archive(payload: bytes) -> dict[str, np.ndarray]:
    """Every array of the payload's ``.npz`` archive, checked to be exactly the payload.

    Stored members lie end to end from byte 0, then the directory, then the end records.
    """
    directory_start = _directory_start(payload)
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        infos = sorted(archive.infolist(), key=lambda i: i.header_offset)
        start_dir = archive.start_dir
    arrays: dict[str, np.ndarray] = {}
    expected = 0
    for info in infos:
        if info.header_offset != expected:
            raise _Bad(
                f"member {info.filename!r} at byte {info.header_offset}, expected {expected}"
            )
        start, expected = _member_bytes(payload, info)
        name = info.filename.removesuffix(".npy")
        if name == info.filename or name in arrays:
            raise _Bad(f"unexpected member {info.filename!r}")
        data = payload[start:expected]
        if zlib.crc32(data) != info.CRC:
            raise _Bad(f"member {info.filename!r}: CRC mismatch")
        arrays[name] = _npy(name, data)
    if not start_dir == expected == directory_start:
        raise _Bad("bytes between the members and the directory")
    return arrays


def _tree(arrays: dict[str, np.ndarray]) -> Any:
    text = arrays.pop("__tree__", None)
    if text is None or text.shape != () or text.dtype.kind != "U":
        raise _Bad("no description (__tree__) of the model")
    try:
        tree = json.loads(str(text))
    except RecursionError:
        raise _Bad("the description is nested too deeply") from None
    _check_tree(tree)
    return tree


def _check_tree(tree: Any) -> None:
    """Refuses nesting beyond ``MAX_DEPTH`` and integers beyond 64 bits, without recursing."""
    stack = [(tree, 0)]
    while stack:
        x, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _Bad(f"the description is nested deeper than {MAX_DEPTH} levels")
        if isinstance(x, int) and not isinstance(x, bool) and not -_INT_LIMIT < x < _INT_LIMIT:
            raise _Bad(f"an integer of {x.bit_length()} bits in the description")
        elif isinstance(x, list):
            stack.extend((v, depth + 1) for v in x)
        elif isinstance(x, dict):
            stack.extend((v, depth + 1) for v in x.values())


_M = TypeVar("_M")


@overload
def load_model(path: str | os.PathLike[str], cls: None = None) -> object: ...


@overload
def load_model(path: str | os.PathLike[str], cls: type[_M]) -> _M: ...


def load_model(path: str | os.PathLike[str], cls: type[Any] | None = None) -> object:
    """Loads a model saved with :func:`save_model`.

    Args:
        path: The model file.
        cls: The class the model must be an instance of (None: any). Given, the result is
            typed as that class, e.g. ``load_model(path, RecurrentNetwork)``; without it the
            result is typed ``object`` (a file may hold any model class).

    Raises:
        TypeError: The model is not an instance of ``cls`` (or ``cls`` is not a class).
        FileFormatError: the file is not such a model file (wrong magic or kind, truncated or
            trailing bytes, checksum mismatch, a newer format version, an archive that is not
            exactly the payload, an array whose header claims more data than it holds, a
            description nested too deeply or holding integers beyond 64 bits, or content
            naming anything but hebbian_brain's own model classes), or not a regular file (a
            device, FIFO or socket is refused unread). Nothing is allocated beyond a small
            multiple of the file's size before these checks.
        OSError: the file cannot be read.
    """
    if cls is not None and not isinstance(cls, type):
        raise ArgumentTypeError(f"cls must be a class, got {cls!r}")
    origin = _path("path", path)
    check_container_file(origin, KIND)
    payload = _core._container_load(origin, KIND)
    model = _load_payload(origin, payload)
    if cls is not None and not isinstance(model, cls):
        raise ArgumentTypeError(f"{origin}: holds a {type(model).__name__}, not a {cls.__name__}")
    return model


def _load_payload(origin: str, payload: bytes) -> Any:
    """The model in a container's payload (``FileFormatError`` naming ``origin`` otherwise)."""
    try:
        arrays = _read_archive(payload)
        tree = _tree(arrays)
    except _Bad as e:
        raise FileFormatError(f"{origin}: damaged model payload: {e}") from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        KeyError,
        IndexError,
        OSError,
        EOFError,
        struct.error,
        zlib.error,
        NotImplementedError,
        OverflowError,
    ) as e:
        raise FileFormatError(f"{origin}: damaged model payload: {e!r}") from None
    dec = _Decoder(arrays, origin)
    if not (isinstance(tree, dict) and set(tree) == {"object"}):
        raise dec.bad("no model at the top")
    try:
        return dec.value(tree)
    except FileFormatError:
        raise
    except HebbianError as e:
        raise FileFormatError(f"{origin}: the model in this file is invalid: {e}") from None
    except (
        TypeError,
        ValueError,
        KeyError,
        IndexError,
        AttributeError,
        OverflowError,
        RecursionError,
        AssertionError,
    ) as e:
        raise FileFormatError(f"{origin}: the model in this file is invalid: {e!r}") from None
