"""State abstraction for ``Box`` observations that needs no numbers about the environment.

An :class:`~hebbian_brain.Agent` built on a ``Box`` observation space without a
:class:`~hebbian_brain.Discretizer` uses a :class:`QuantileDiscretizer` (the Rust core's
``QuantileGrid``): each dimension is cut at the quantiles of the first ``warmup``
observations (joined by even cuts of the space's bounds where they are finite), into
b = max(2, floor(256 ** (1 / dims))) bins (:data:`DEFAULT_CELL_BUDGET`), then the edges are
frozen so that a cell keeps its identity and the brain's nodes stay (cell, action) experiences.
The rule, its defaults and the measurements that chose them: docs/reference/rules.md §1.8.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hebbian_brain._core import InvalidArgumentError, QuantileDiscretizer, ShapeError

__all__ = [
    "DEFAULT_CELL_BUDGET",
    "QuantileDiscretizer",
    "default_bins",
    "default_box_abstraction",
    "default_limits",
]

#: The agent's default cell budget C: each of d dimensions gets max(2, floor(C ** (1 / d))) bins,
#: so the grid never has more than C cells unless every dimension is at its 2-bin floor.
DEFAULT_CELL_BUDGET = 256


def default_bins(dims: int, budget: int = DEFAULT_CELL_BUDGET) -> int:
    """Bins per dimension of the default abstraction: max(2, floor(budget ** (1 / dims))).

    Rounded down (not to the nearest) so that the budget is a ceiling: with 256, CartPole (4
    values) gets 4 bins, MountainCar (2) 16 and Acrobot (6) 2 (rules.md §1.8).
    """
    if dims < 1:
        raise InvalidArgumentError(f"invalid argument `dims`: must be at least 1, got {dims}")
    b = 2
    while (b + 1) ** dims <= budget:  # exact integer floor of budget ** (1 / dims)
        b += 1
    return b


def default_box_abstraction(space: Any) -> QuantileDiscretizer:
    """The default abstraction of a Gymnasium ``Box`` space (its bounds, flattened).

    A :class:`QuantileDiscretizer` with :func:`default_bins` bins per dimension (passed as
    ``cells = bins ** dims``, which the grid turns back into exactly ``bins``), ``warmup`` and
    ``max_cells`` from :func:`default_limits` (the grid's defaults unless the observations are
    so large that the grid could outgrow its memory budget), ``split_after`` 0.

    Raises:
        ShapeError: The space holds no values (shape ``(0,)``, ``(2, 0)``, ...).
    """
    low = np.asarray(space.low, dtype=np.float64).ravel()
    high = np.asarray(space.high, dtype=np.float64).ravel()
    if low.size == 0:
        raise ShapeError(
            f"shape mismatch for `observation`: the observation space {space} holds no values "
            f"(shape {space.shape}); a state abstraction needs at least one"
        )
    bins = default_bins(low.size)
    cells = min(bins**low.size, 1 << 30)
    warmup, max_cells = default_limits(low.size, cells)
    return QuantileDiscretizer(low, high, cells=cells, warmup=warmup, max_cells=max_cells)


def default_limits(dims: int, cells: int) -> tuple[int, int]:
    """``(warmup, max_cells)`` of the default abstraction for observations of ``dims`` values.

    The grid's defaults, 1000 and 65 536, while its :meth:`QuantileDiscretizer.memory_bound`
    stays within ``QuantileDiscretizer.MEMORY_BUDGET`` (1 GiB; up to about 2 600 values per
    observation). Past that the warm-up record gets at most a quarter of the budget (warmup =
    budget / (4 · 8 · dims), e.g. 512 for 256 × 256 images) and ``max_cells`` whatever is left
    (e.g. 2 041 for 256 × 256), so a large image ``Box`` works in bounded memory (rules.md §1.8).

    Raises:
        InvalidArgumentError: ``dims`` is below 1.
    """
    if dims < 1:
        raise InvalidArgumentError(f"invalid argument `dims`: must be at least 1, got {dims}")
    budget = QuantileDiscretizer.MEMORY_BUDGET
    warmup = max(1, min(1000, budget // (4 * 8 * dims)))
    fixed = QuantileDiscretizer.memory_bound(dims, cells=cells, warmup=warmup, max_cells=0)
    per_cell = QuantileDiscretizer.memory_bound(dims, cells=cells, warmup=warmup, max_cells=1)
    per_cell -= fixed
    return warmup, int(max(1, min(1 << 16, (budget - fixed) // per_cell)))
