"""Reward-modulated node perturbation (Miconi 2017, eLife 6:e20899; the rule of hebbRNN).

A rate network ``x ← x + (dt/τ)(−x + J r + W_in u) + ξ``, ``r = tanh(x)``, is perturbed at
random moments; an eligibility trace accumulates ``(r_j(t−1)·(x_i(t) − x̄_i(t)))³`` over the
trial (or, with ``eligibility="perturbation"``, ``ξ_i(t)·r_j(t−1)`` over the kicks ``ξ``); after
the trial ``ΔJ = −η·e·(E − Ē_c)`` (clipped), where ``Ē_c`` is the running average error of the
trial's condition. The simulation, the trace (one matrix product per trial) and the parallel
batches run in Rust; see ``docs/reference/rules.md`` §3.

Example:
    >>> from hebbian_brain.tasks import DelayedNonMatch
    >>> task = DelayedNonMatch()
    >>> trainer = task.trainer(seed=0)
    >>> errors, conditions = trainer.learn(400, batch_size=4)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hebbian_brain._core import NodePerturbationConfig, NodePerturbationTrainer, TwoJointArm

__all__ = [
    "NodePerturbationConfig",
    "NodePerturbationTrainer",
    "TwoJointArm",
    "trials_to_criterion",
]


def trials_to_criterion(
    errors: Sequence[float] | np.ndarray,
    *,
    threshold: float = 1.0,
    window: int = 100,
    fraction: float = 0.95,
) -> int | None:
    """Number of trials until ``fraction`` of ``window`` successive trials had error < threshold.

    Miconi's (2017) DNMS criterion: 95 of 100 successive trials with error below 1.

    Args:
        errors: the per-trial errors, in training order.
        threshold: an error below this counts as a success.
        window: length of the sliding window.
        fraction: share of successes the window needs.

    Returns:
        The index of the trial that completes the first such window (so trials run), or None
        if the criterion is never met.

    Raises:
        ValueError: if ``window`` < 1 or ``fraction`` is outside (0, 1].
    """
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"fraction must lie in (0, 1], got {fraction}")
    ok = (np.asarray(errors, dtype=float) < threshold).astype(np.int64)
    if ok.size < window:
        return None
    counts = np.convolve(ok, np.ones(window, dtype=np.int64), mode="valid")
    hits = np.flatnonzero(counts >= int(np.ceil(fraction * window)))
    return int(hits[0] + window) if hits.size else None
