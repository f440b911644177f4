"""Argument checks shared by the pure-Python parts of the package (same messages everywhere)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from hebbian_brain._core import ArgumentTypeError, InvalidArgumentError, ShapeError

#: numpy dtype kinds accepted as real numbers: bool, signed, unsigned, float.
_REAL_KINDS = "biuf"


def real_array(
    name: str,
    x: Any,
    dtype: Any = np.float64,
    *,
    finite: bool = True,
    max_size: int | None = None,
) -> np.ndarray:
    """``x`` as a contiguous real array of ``dtype``.

    The size is checked before anything is copied: a broadcast view claiming billions of values
    is refused from its shape.

    Raises:
        TypeError: Strings, objects, complex numbers (nothing is converted silently).
        ShapeError: more than ``max_size`` values (default ``MAX_ELEMENTS``).
        InvalidArgumentError: NaN or infinite entries (with ``finite``).
    """
    try:
        raw = np.asarray(x)
    except (TypeError, ValueError) as e:
        raise ArgumentTypeError(f"`{name}` must be a real array: {e}") from None
    if raw.dtype.kind not in _REAL_KINDS:
        raise ArgumentTypeError(f"`{name}` must be a real array, got dtype {raw.dtype}")
    limit = MAX_ELEMENTS if max_size is None else max_size
    if raw.size > limit:
        raise ShapeError(
            f"shape mismatch for `{name}`: {raw.size} values (shape {raw.shape}), more than {limit}"
        )
    a = np.ascontiguousarray(raw, dtype=dtype)
    if finite and not np.isfinite(a).all():
        raise InvalidArgumentError(f"invalid argument `{name}`: contains NaN or infinite values")
    return a


def path(name: str, value: Any) -> str:
    """A file or folder argument (a ``str`` or an ``os.PathLike`` of one) as a ``str``.

    Raises:
        ArgumentTypeError: anything else (an int would be taken as a file descriptor; bytes
            paths are not taken).
        InvalidArgumentError: a NUL character, which no file system takes.
    """
    p = os.fspath(value) if isinstance(value, os.PathLike) else value
    if not isinstance(p, str):
        raise ArgumentTypeError(
            f"`{name}` must be a str or os.PathLike path, got {type(value).__name__}"
        )
    if "\x00" in p:
        raise InvalidArgumentError(f"invalid argument `{name}`: holds a NUL character: {p!r}")
    return p


def is_int(value: Any) -> bool:
    """A Python or numpy integer, not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def seed(value: Any) -> Any:
    """A ``seed=`` argument for numpy's generators: None or a non-negative int (not a bool)."""
    if value is not None and not is_int(value):
        raise ArgumentTypeError(f"seed must be an int or None, got {type(value).__name__}")
    if value is not None and value < 0:
        raise InvalidArgumentError(f"invalid argument `seed`: must be >= 0, got {value}")
    return value


#: Most elements one array built from user-given sizes may hold (2**31 float64 values: 16 GiB).
#: Sizes beyond it are refused before anything is allocated; within it, numpy's ``MemoryError``
#: says what does not fit.
MAX_ELEMENTS = 1 << 31


def size(
    name: str, value: Any, minimum: int, *, error: type[Exception] = InvalidArgumentError
) -> int:
    """An integer size in ``[minimum, MAX_ELEMENTS]`` (a bool is not a size).

    Raises:
        TypeError: not an integer.
        error: out of range (``InvalidArgumentError`` unless given, e.g. ``InvalidConfigError``).
    """
    if not is_int(value):
        raise ArgumentTypeError(f"`{name}` must be an int, got {type(value).__name__}")
    if not minimum <= value <= MAX_ELEMENTS:
        raise error(
            f"invalid value for `{name}`: must be an integer in [{minimum}, {MAX_ELEMENTS}], "
            f"got {value}"
        )
    return int(value)


def elements(
    name: str, what: str, *dims: int, error: type[Exception] = InvalidArgumentError
) -> None:
    """Refuses sizes whose array ``what`` of shape ``dims`` would exceed ``MAX_ELEMENTS``."""
    total = 1
    for d in dims:
        total *= int(d)
    if total > MAX_ELEMENTS:
        raise error(
            f"invalid value for `{name}`: {what} would hold {total} values, more than "
            f"{MAX_ELEMENTS}"
        )


def is_count(value: Any) -> bool:
    """An integer in ``[0, 2**63)`` (a bool is not a count; no larger count can be run)."""
    return bool(
        isinstance(value, (int, np.integer))
        and not isinstance(value, (bool, np.bool_))
        and 0 <= value < 2**63
    )


def progress(enabled: bool, total: int, unit: str) -> Any:
    """A tqdm bar over ``total`` ``unit`` (plural: "episodes", "steps"), or None when off."""
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=int(total), unit=unit[:-1], desc="training")
