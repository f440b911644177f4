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

from hebbian_brain._core import QuantileDiscretizer

__all__ = ["DEFAULT_CELL_BUDGET", "QuantileDiscretizer", "default_bins", "default_box_abstraction"]

#: The agent's default cell budget C: each of d dimensions gets max(2, floor(C ** (1 / d))) bins,
#: so the grid never has more than C cells unless every dimension is at its 2-bin floor.
DEFAULT_CELL_BUDGET = 256


def default_bins(dims: int, budget: int = DEFAULT_CELL_BUDGET) -> int:
    """Bins per dimension of the default abstraction: max(2, floor(budget ** (1 / dims))).

    Rounded down (not to the nearest) so that the budget is a ceiling: with 256, CartPole (4
    values) gets 4 bins, MountainCar (2) 16 and Acrobot (6) 2 (rules.md §1.8).
    """
    if dims < 1:
        raise ValueError(f"dims must be at least 1, got {dims}")
    b = 2
    while (b + 1) ** dims <= budget:  # exact integer floor of budget ** (1 / dims)
        b += 1
    return b


def default_box_abstraction(space: Any) -> QuantileDiscretizer:
    """The default abstraction of a Gymnasium ``Box`` space (its bounds, flattened).

    A :class:`QuantileDiscretizer` with :func:`default_bins` bins per dimension (passed as
    ``cells = bins ** dims``, which the grid turns back into exactly ``bins``), the other
    parameters at their defaults.
    """
    low = np.asarray(space.low, dtype=np.float64).ravel()
    high = np.asarray(space.high, dtype=np.float64).ravel()
    bins = default_bins(low.size)
    return QuantileDiscretizer(low, high, cells=min(bins**low.size, 1 << 30))
