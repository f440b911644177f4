"""Discretizer: turns continuous (``Box``) observations into a single integer index.

A graph brain keys its nodes on hashed observations, so floats must be binned first. A
:class:`Discretizer` cuts each dimension of ``[low, high]`` into ``bins`` equal intervals and
numbers the resulting cells ``0 .. n - 1`` (mixed radix, first dimension most significant).
Values outside ``[low, high]`` fall into the edge bins.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hebbian_brain._core import ArgumentTypeError, InvalidArgumentError, ShapeError
from hebbian_brain._validate import real_array

#: Most dimensions a discretizer may have (every dimension has at least one cell, and the cells
#: are counted below 2**63, so more dimensions only ever add bins of one cell).
MAX_DIMS = 1 << 20

__all__ = ["Discretizer"]


class Discretizer:
    """Equal-width binning of a box ``[low, high]`` into one integer per observation.

    Args:
        low: Lower bounds, a scalar or one per dimension. ``-inf`` becomes ``-infinite_bound``.
        high: Upper bounds, like ``low``. ``+inf`` becomes ``+infinite_bound``.
        bins: Number of bins, a scalar or one per dimension (each at least 1).
        infinite_bound: Finite stand-in for infinite bounds (default 10.0): observations beyond
            it land in the edge bins.

    Raises:
        InvalidArgumentError: NaN bounds, ``low >= high``, an infinite ``high - low``, fewer
            than 1 bin, or 2**63 cells or more.
        ShapeError: ``low``, ``high`` and ``bins`` disagree in shape.

    Example:
        >>> d = Discretizer(low=[-1.0, 0.0], high=[1.0, 1.0], bins=[4, 2])
        >>> d([0.1, 0.9]), d.n
        (5, 8)
    """

    def __init__(
        self,
        low: float | Sequence[float] | np.ndarray,
        high: float | Sequence[float] | np.ndarray,
        bins: int | Sequence[int] | np.ndarray = 10,
        *,
        infinite_bound: float = 10.0,
    ) -> None:
        if not (np.isfinite(infinite_bound) and infinite_bound > 0):
            raise InvalidArgumentError(
                f"invalid argument `infinite_bound`: must be finite and > 0, got {infinite_bound}"
            )
        # sizes checked from the shapes before anything is copied
        low_a = np.atleast_1d(real_array("low", low, finite=False, max_size=MAX_DIMS)).ravel()
        high_a = np.atleast_1d(real_array("high", high, finite=False, max_size=MAX_DIMS)).ravel()
        try:
            bins_raw = np.asarray(bins)
        except (TypeError, ValueError) as e:
            raise ArgumentTypeError(f"`bins` must be integers: {e}") from None
        if bins_raw.size > MAX_DIMS:
            raise ShapeError(f"shape mismatch for `bins`: more than {MAX_DIMS} dimensions")
        bins_a = np.atleast_1d(bins_raw).ravel()
        sizes = {low_a.size, high_a.size, bins_a.size}
        if len(sizes - {1}) > 1:
            raise ShapeError(
                "shape mismatch for `low, high, bins`: lengths "
                f"{low_a.size}, {high_a.size}, {bins_a.size} do not agree"
            )
        shape = (max(sizes),)
        low_a, high_a, bins_a = (np.broadcast_to(a, shape).copy() for a in (low_a, high_a, bins_a))
        if np.isnan(low_a).any() or np.isnan(high_a).any():
            raise InvalidArgumentError("invalid argument `low, high`: must not be NaN")
        if not np.issubdtype(bins_a.dtype, np.integer) or (bins_a < 1).any():
            raise InvalidArgumentError(
                f"invalid argument `bins`: must be integers >= 1, got {bins_a.tolist()}"
            )
        low_a = np.clip(low_a, -infinite_bound, infinite_bound)
        high_a = np.clip(high_a, -infinite_bound, infinite_bound)
        if (low_a >= high_a).any():
            i = int(np.argmax(low_a >= high_a))
            raise InvalidArgumentError(
                f"invalid argument `low, high`: low must be < high in every dimension "
                f"(dimension {i}: {low_a[i]} >= {high_a[i]} after clipping infinite bounds "
                f"to ±{infinite_bound})"
            )
        with np.errstate(over="ignore"):
            span = high_a - low_a
        if not np.isfinite(span).all():
            i = int(np.argmin(np.isfinite(span)))
            raise InvalidArgumentError(
                f"invalid argument `low, high`: high - low must be finite (dimension {i}: "
                f"{high_a[i]} - {low_a[i]} overflows; lower infinite_bound={infinite_bound})"
            )
        # Cell count and place values in Python ints: numpy's int64 products wrap silently.
        n = 1
        for b in bins_a.tolist():
            n *= int(b)
        if n >= 2**63:
            raise InvalidArgumentError(
                f"invalid argument `bins`: the number of cells {n} (product of bins) must be "
                "< 2**63"
            )
        radix = [1] * shape[0]
        for i in range(shape[0] - 2, -1, -1):
            radix[i] = radix[i + 1] * int(bins_a[i + 1])
        self.low = low_a
        self.high = high_a
        self.bins = bins_a.astype(np.int64)
        self.infinite_bound = float(infinite_bound)
        self._width = span / self.bins
        # Mixed-radix place values, first dimension most significant.
        self._radix = np.array(radix, dtype=np.int64)
        self.n = n

    @classmethod
    def from_space(
        cls, space: Any, bins: int | Sequence[int] = 10, *, infinite_bound: float = 10.0
    ) -> Discretizer:
        """A discretizer over a Gymnasium ``Box`` space's bounds (flattened)."""
        from gymnasium import spaces

        if not isinstance(space, spaces.Box):
            raise ArgumentTypeError(f"space must be a gymnasium.spaces.Box, got {space!r}")
        return cls(space.low.ravel(), space.high.ravel(), bins, infinite_bound=infinite_bound)

    @property
    def dims(self) -> int:
        """Number of dimensions."""
        return int(self.low.size)

    def bin_indices(self, obs: Any) -> np.ndarray:
        """Per-dimension bin indices of one observation."""
        x = real_array("obs", obs, finite=False, max_size=self.dims).ravel()
        if x.size != self.dims:
            raise ShapeError(f"shape mismatch for `obs`: expected {self.dims} values, got {x.size}")
        if np.isnan(x).any():
            raise InvalidArgumentError(f"invalid argument `obs`: contains NaN: {x.tolist()}")
        idx = np.floor((x - self.low) / self._width)
        return np.asarray(np.clip(idx, 0, self.bins - 1), dtype=np.int64)

    def __call__(self, obs: Any) -> int:
        """The cell index in ``0 .. n - 1`` of one observation."""
        return int(self.bin_indices(obs) @ self._radix)

    def to_dict(self) -> dict[str, Any]:
        """The constructor's arguments as plain lists (JSON-friendly)."""
        return {
            "low": self.low.tolist(),
            "high": self.high.tolist(),
            "bins": self.bins.tolist(),
            "infinite_bound": self.infinite_bound,
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Discretizer) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(repr(self))

    def __repr__(self) -> str:
        return (
            f"Discretizer(low={self.low.tolist()}, high={self.high.tolist()}, "
            f"bins={self.bins.tolist()})"
        )
