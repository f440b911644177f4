"""Argument checks shared by the pure-Python parts of the package (same messages everywhere)."""

from __future__ import annotations

from typing import Any

import numpy as np

from hebbian_brain._core import InvalidArgumentError

#: numpy dtype kinds accepted as real numbers: bool, signed, unsigned, float.
_REAL_KINDS = "biuf"


def real_array(name: str, x: Any, dtype: Any = np.float64, *, finite: bool = True) -> np.ndarray:
    """``x`` as a contiguous real array of ``dtype``.

    Raises:
        TypeError: Strings, objects, complex numbers (nothing is converted silently).
        InvalidArgumentError: NaN or infinite entries (with ``finite``).
    """
    try:
        raw = np.asarray(x)
    except (TypeError, ValueError) as e:
        raise TypeError(f"`{name}` must be a real array: {e}") from None
    if raw.dtype.kind not in _REAL_KINDS:
        raise TypeError(f"`{name}` must be a real array, got dtype {raw.dtype}")
    a = np.ascontiguousarray(raw, dtype=dtype)
    if finite and not np.isfinite(a).all():
        raise InvalidArgumentError(f"invalid argument `{name}`: contains NaN or infinite values")
    return a


def is_int(value: Any) -> bool:
    """A Python or numpy integer, not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def seed(value: Any) -> Any:
    """A ``seed=`` argument for numpy's generators: None or a non-negative int (not a bool)."""
    if value is not None and not is_int(value):
        raise TypeError(f"seed must be an int or None, got {type(value).__name__}")
    if value is not None and value < 0:
        raise InvalidArgumentError(f"invalid argument `seed`: must be >= 0, got {value}")
    return value
