"""Measurements shared by :mod:`hebbian_brain.analysis` (their public home) and the plots in viz.

A 2-D vector field and its nullclines sampled on a grid, and a weight matrix's symmetry index.
They live here, below both, so that the plots can use them without viz and analysis importing
each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from hebbian_brain._core import InvalidArgumentError, ShapeError
from hebbian_brain._validate import real_array

__all__ = ["nullclines", "symmetry_index", "vector_field"]

VectorField = Callable[[np.ndarray], np.ndarray]


def _grid(xlim: tuple[float, float], ylim: tuple[float, float], n: int) -> Any:
    if n < 2:
        raise InvalidArgumentError(f"invalid argument `n`: must be >= 2, got {n}")
    for name, lim in (("xlim", xlim), ("ylim", ylim)):
        if len(lim) != 2 or not (np.isfinite(lim[0]) and np.isfinite(lim[1]) and lim[0] < lim[1]):
            raise InvalidArgumentError(
                f"invalid argument `{name}`: expected (low, high), got {lim}"
            )
    xs = np.linspace(xlim[0], xlim[1], n)
    ys = np.linspace(ylim[0], ylim[1], n)
    return np.meshgrid(xs, ys)


def vector_field(
    f: VectorField,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    *,
    n: int = 20,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(X, Y, U, V)`` on an ``n × n`` grid of a 2-D system (for ``quiver``/``streamplot``)."""
    gx, gy = _grid(xlim, ylim, n)
    u = np.empty_like(gx)
    v = np.empty_like(gy)
    for idx in np.ndindex(gx.shape):
        d = np.asarray(f(np.array([gx[idx], gy[idx]])), dtype=np.float64)
        if d.shape != (2,):
            raise ShapeError(f"shape mismatch for `f`: must return 2 values, returned {d.shape}")
        u[idx], v[idx] = d
    return gx, gy, u, v


def nullclines(
    f: VectorField,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    *,
    n: int = 200,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The nullclines ``dx/dt = 0`` and ``dy/dt = 0`` of a 2-D system as polylines.

    Zero crossings are found by marching squares (linear interpolation on an ``n × n`` grid).

    Returns:
        ``(x_nullcline, y_nullcline)``: each a list of ``[k, 2]`` arrays of points (segments).
    """
    gx, gy, u, v = vector_field(f, xlim, ylim, n=n)
    return _zero_segments(gx, gy, u), _zero_segments(gx, gy, v)


def _zero_segments(gx: np.ndarray, gy: np.ndarray, z: np.ndarray) -> list[np.ndarray]:
    """Line segments of the zero level of ``z`` sampled on the grid ``(gx, gy)``."""
    segments = []
    rows, cols = z.shape
    for i in range(rows - 1):
        for j in range(cols - 1):
            corners = [(i, j), (i, j + 1), (i + 1, j + 1), (i + 1, j)]
            pts = []
            for a, b in zip(corners, corners[1:] + corners[:1], strict=True):
                za, zb = z[a], z[b]
                if (za < 0) != (zb < 0) and za != zb:
                    s = za / (za - zb)
                    pts.append((gx[a] + s * (gx[b] - gx[a]), gy[a] + s * (gy[b] - gy[a])))
            if len(pts) == 2:
                segments.append(np.array(pts))
            elif len(pts) == 4:  # saddle cell: pair the crossings in order
                segments.append(np.array(pts[:2]))
                segments.append(np.array(pts[2:]))
    return segments


def symmetry_index(weights: np.ndarray, *, include_diagonal: bool = False) -> float:
    """``(|S|² − |A|²) / (|S|² + |A|²)`` with ``S, A`` the symmetric/antisymmetric parts.

    +1 for a symmetric matrix, −1 for an antisymmetric one, about 0 for a random one (Frobenius
    norms; the diagonal, which is always symmetric, is left out unless asked).
    """
    w = real_array("weights", weights)
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise ShapeError(f"shape mismatch for `weights`: expected a square matrix, got {w.shape}")
    if not include_diagonal:
        w = w - np.diag(np.diag(w))
    s = 0.5 * (w + w.T)
    a = 0.5 * (w - w.T)
    ss, aa = float(np.sum(s * s)), float(np.sum(a * a))
    return 0.0 if ss + aa == 0 else (ss - aa) / (ss + aa)
