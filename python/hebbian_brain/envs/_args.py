"""Argument checks shared by the built-in environments (clear errors naming the argument)."""

from __future__ import annotations

import numbers
import operator
from typing import Any, Literal, overload

from hebbian_brain._core import ArgumentTypeError, InvalidArgumentError

_U32 = 2**32
_U64 = 2**64


def integer(name: str, value: Any) -> int:
    """``value`` as an int (``operator.index``: no silent truncation of floats)."""
    if isinstance(value, bool):
        raise ArgumentTypeError(f"{name} must be an integer, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise ArgumentTypeError(
            f"{name} must be an integer, got {value!r} ({type(value).__name__})"
        ) from None


def seed(value: Any) -> int | None:
    """A ``reset(seed=...)`` argument: None or an int in ``[0, 2**64)`` (not a bool).

    Checked before Gymnasium's own seeding, whose errors are not the library's.
    """
    if value is None:
        return None
    v = integer("seed", value)
    if not 0 <= v < _U64:
        raise InvalidArgumentError(
            f"invalid argument `seed`: must be an int in [0, 2**64) or None, got {v}"
        )
    return v


def action(value: Any, n: int, name: str = "action") -> int:
    """A discrete action in ``0 .. n - 1``."""
    a = integer(name, value)
    if not 0 <= a < n:
        raise InvalidArgumentError(f"invalid argument `{name}`: must be in 0..{n}, got {a}")
    return a


@overload
def size(name: str, value: Any, *, optional: Literal[False] = False) -> int: ...
@overload
def size(name: str, value: Any, *, optional: bool) -> int | None: ...
def size(name: str, value: Any, *, optional: bool = False) -> int | None:
    """A count or size that the Rust core stores as u32 (its own checks follow)."""
    if value is None and optional:
        return None
    v = integer(name, value)
    if not 0 <= v < _U32:
        raise InvalidArgumentError(f"invalid argument `{name}`: must be in 0..{_U32 - 1}, got {v}")
    return v


def real(name: str, value: Any) -> float:
    """A real number as a float (``TypeError`` for strings, bools and other non-numbers).

    Range checks (NaN included) are the Rust core's, which names the argument.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentTypeError(
            f"{name} must be a real number, got {value!r} ({type(value).__name__})"
        )
    try:
        return float(value)
    except OverflowError:
        raise InvalidArgumentError(
            f"invalid argument `{name}`: {value!r} is beyond float range"
        ) from None


def reals(name: str, values: Any, limit: int = 1 << 16) -> list[float]:
    """A 1-D sequence of at most ``limit`` real numbers as floats (checked before copying)."""
    import numpy as np

    arr = np.asarray(values)  # a broadcast or other view is not copied here
    if arr.dtype.kind not in "iuf" or arr.dtype == bool:
        raise ArgumentTypeError(f"{name} must be a sequence of real numbers, got {values!r:.80}")
    if arr.ndim != 1 or arr.size > limit:
        raise InvalidArgumentError(
            f"invalid argument `{name}`: must be a 1-D sequence of at most {limit} numbers, "
            f"got shape {arr.shape}"
        )
    return [float(v) for v in arr.tolist()]
