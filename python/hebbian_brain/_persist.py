"""The file half every saved object shares: loading with an environment, pickling as bytes.

The container itself (header, version, checksum, atomic write and the checks on reading) is the
Rust core's (``rust/core/src/io``) or, for the loaders that read the file in Python,
:mod:`hebbian_brain._file_guard`'s. Each class keeps its own payload and metadata
(``to_bytes``, ``from_bytes``, ``_read``); what they all did alike is here.
"""

from __future__ import annotations

import os
from typing import Any

from hebbian_brain._validate import path as _path

__all__ = ["FileSurface"]


class FileSurface:
    """``load(path, env=)`` and pickling through the library's own format.

    A class lists this mixin among its bases and defines ``to_bytes``, ``from_bytes`` and (for
    :meth:`_load_with_env`) ``_read(origin)``. A pickle holds the bytes of ``to_bytes`` (the
    bound environment and the logger, which holds open files, are left out, as in
    stable-baselines3's ``save``) and is decoded by the ``from_bytes`` of the class that lists
    this mixin (so a subclass of it unpickles as the original class decodes).
    """

    def to_bytes(self) -> bytes:
        """The object in the library's format (defined by each class)."""
        raise NotImplementedError

    @classmethod
    def from_bytes(cls, data: bytes, *, origin: str = "<bytes>") -> Any:
        """The object of :meth:`to_bytes` output (defined by each class)."""
        raise NotImplementedError

    @classmethod
    def _read(cls, origin: str) -> Any:
        """The object in the file ``origin`` (defined by each class that loads with an env)."""
        raise NotImplementedError

    @classmethod
    def _load_with_env(cls, path: str | os.PathLike[str], env: Any) -> Any:
        """The object in the file at ``path``, with ``env`` bound to it when not None."""
        obj = cls._read(_path("path", path))
        if env is not None:
            obj.set_env(env)
        return obj

    def __getstate__(self) -> dict[str, Any]:
        return {"bytes": self.to_bytes()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        decoder: Any = next(c for c in type(self).__mro__ if FileSurface in c.__bases__)
        other = decoder.from_bytes(state["bytes"], origin="<pickle>")
        self.__dict__.update(other.__dict__)
