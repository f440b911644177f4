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
import zipfile
import zlib
from typing import Any

import numpy as np

from hebbian_brain import _core
from hebbian_brain._core import FileFormatError

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
            raise TypeError(f"cannot save a {c.__qualname__}: not a hebbian_brain model class")
        return c.__qualname__

    def value(self, x: Any) -> Any:
        if isinstance(x, _BASIC):
            return x
        if isinstance(x, np.generic):
            return x.item()
        if isinstance(x, np.ndarray):
            if x.dtype.hasobject:
                raise TypeError("cannot save an object array")
            key = f"a{len(self.arrays)}"
            self.arrays[key] = x
            return {"array": key}
        if isinstance(x, list):
            return {"list": [self.value(v) for v in x]}
        if isinstance(x, tuple):
            return {"tuple": [self.value(v) for v in x]}
        if isinstance(x, dict):
            if not all(isinstance(k, str) for k in x):
                raise TypeError("cannot save a dict with non-string keys")
            return {"dict": {k: self.value(v) for k, v in x.items()}}
        return self.obj(x)

    def obj(self, x: Any) -> Any:
        reduced = x.__reduce_ex__(2)
        if isinstance(reduced, str) or len(reduced) < 2:
            raise TypeError(f"cannot save a {type(x).__qualname__}")
        fn, args, state = reduced[0], reduced[1], reduced[2] if len(reduced) > 2 else None
        if any(part is not None for part in reduced[3:]):
            raise TypeError(f"cannot save a {type(x).__qualname__} (iterator state)")
        if fn is copyreg.__newobj_ex__:
            c, a, kw = args
            out = {"new": self.cls(c), "args": self.value(list(a)), "kwargs": self.value(kw)}
        elif fn is copyreg.__newobj__:
            out = {"new": self.cls(args[0]), "args": self.value(list(args[1:])), "kwargs": None}
        else:
            owner, _, method = getattr(fn, "__qualname__", "").rpartition(".")
            if not method.startswith("_from_") or owner != type(x).__qualname__:
                raise TypeError(f"cannot save a {type(x).__qualname__}")
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
        if c is None:
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
            obj = c.__new__(c, *args, **kwargs)
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
        raise TypeError(f"save a {type(model).__name__} with its own .save(path)")
    enc = _Encoder()
    enc.cls(type(model))  # a hebbian_brain class, or TypeError naming it
    tree = enc.obj(model)
    buf = io.BytesIO()
    np.savez(buf, __tree__=np.array(json.dumps(tree)), **enc.arrays)
    _core._container_save(os.fspath(path), KIND, buf.getvalue())


def load_model(path: str | os.PathLike[str]) -> Any:
    """Loads a model saved with :func:`save_model`.

    Raises:
        FileFormatError: the file is not such a model file (wrong magic or kind, truncated,
            checksum mismatch, a newer format version, or content naming anything but
            hebbian_brain's own classes).
        OSError: the file cannot be read.
    """
    origin = os.fspath(path)
    payload = _core._container_load(origin, KIND)
    try:  # every member read here, so a damaged archive fails here and nowhere later
        with np.load(io.BytesIO(payload), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        tree = json.loads(str(arrays.pop("__tree__")))
    except (ValueError, KeyError, OSError, EOFError, zipfile.BadZipFile, zlib.error) as e:
        raise FileFormatError(f"{origin}: damaged model payload: {e}") from None
    dec = _Decoder(arrays, origin)
    if not (isinstance(tree, dict) and set(tree) == {"object"}):
        raise dec.bad("no model at the top")
    try:
        return dec.value(tree)
    except FileFormatError:
        raise
    except (TypeError, ValueError, KeyError, IndexError) as e:
        raise FileFormatError(f"{origin}: the model in this file is invalid: {e}") from None
