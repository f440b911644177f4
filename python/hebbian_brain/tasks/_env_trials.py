"""Trials of a NeuroGym-style environment as plain arrays, for the supervised trainers.

Any environment with NeuroGym's trial interface plugs in: ``new_trial()`` draws a trial and
leaves its observations in ``env.ob`` ``[T, n_obs]`` and its ground-truth actions in
``env.gt`` ``[T]``; ``env.action_space.n`` counts the actions. The cognitive tasks of
:mod:`hebbian_brain.envs` have that interface, and so has a task written for NeuroGym
(``neurogym.TrialEnv``) — NeuroGym itself is not needed.

Example:
    >>> from hebbian_brain.envs import PerceptualDecisionMakingEnv
    >>> from hebbian_brain.tasks import trial_batch
    >>> batch = trial_batch(PerceptualDecisionMakingEnv(), 8, seed=0)
    >>> batch.inputs.shape[0], batch.targets.shape[2]
    (8, 3)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from hebbian_brain._core import InvalidArgumentError

__all__ = ["TrialBatch", "trial_batch"]


@dataclass(frozen=True)
class TrialBatch:
    """Trials padded to one length: what ``NodePerturbationTrainer(inputs, targets, mask)`` takes.

    Attributes:
        inputs: Observations ``[B, T, n_obs]`` (zero after a trial's end).
        targets: The ground truth coded per action ``[B, T, n_actions]``: ``high`` for the
            ground-truth action, ``low`` for the others.
        mask: Steps that are scored ``[B, T]`` (1.0 inside the trial, or only where the
            ground truth is not fixation, with ``score="decision"``).
        gt: Ground-truth action per step ``[B, T]`` (−1 after a trial's end).
        lengths: Steps of each trial ``[B]``.
    """

    inputs: np.ndarray
    targets: np.ndarray
    mask: np.ndarray
    gt: np.ndarray
    lengths: np.ndarray


def trial_batch(
    env: Any,
    n_trials: int,
    *,
    seed: int | None = None,
    score: str = "all",
    low: float = 0.0,
    high: float = 1.0,
) -> TrialBatch:
    """Draws ``n_trials`` trials of a NeuroGym-style environment as padded arrays.

    Args:
        env: An environment with ``new_trial()``, ``ob``, ``gt`` and a ``Discrete`` action
            space (a :mod:`hebbian_brain.envs` cognitive task, a NeuroGym task, or a wrapper of
            one: ``env.unwrapped`` is used when the wrapper lacks ``new_trial``).
        n_trials: Number of trials (>= 1).
        seed: Reseeds the environment first (through ``reset(seed=...)``) when given.
        score: ``"all"`` scores every step of a trial; ``"decision"`` only the steps whose
            ground truth is an answer (not fixation).
        low: Target value of the actions other than the ground truth.
        high: Target value of the ground-truth action.

    Returns:
        A :class:`TrialBatch`.

    Raises:
        InvalidArgumentError: ``n_trials`` < 1, an unknown ``score``, or an environment without
            the trial interface (the message names what is missing).
    """
    if not isinstance(n_trials, (int, np.integer)) or isinstance(n_trials, bool) or n_trials < 1:
        raise InvalidArgumentError(
            f"invalid argument `n_trials`: must be an integer >= 1, got {n_trials!r}"
        )
    if score not in ("all", "decision"):
        raise InvalidArgumentError(
            f"invalid argument `score`: must be 'all' or 'decision', got {score!r}"
        )
    unwrapped = getattr(env, "unwrapped", env)
    base = unwrapped if hasattr(unwrapped, "new_trial") else env
    missing = [name for name in ("new_trial", "action_space") if not hasattr(base, name)]
    if missing:
        raise InvalidArgumentError(
            f"invalid argument `env`: {type(env).__name__} lacks {missing}; a NeuroGym-style "
            "task needs new_trial(), ob, gt and a Discrete action_space"
        )
    n_actions = int(getattr(base.action_space, "n", 0))
    if n_actions < 1:
        raise InvalidArgumentError(
            f"invalid argument `env`: the action space must be Discrete, got {base.action_space!r}"
        )
    if seed is not None:
        base.reset(seed=seed)
    obs, gts = [], []
    for _ in range(int(n_trials)):
        base.new_trial()
        ob = np.asarray(base.ob, dtype=np.float64)
        gt = np.asarray(base.gt).astype(np.int64)
        if ob.ndim != 2 or gt.shape != (ob.shape[0],):
            raise InvalidArgumentError(
                f"invalid argument `env`: after new_trial(), ob must be [T, n_obs] and gt [T]; "
                f"got {ob.shape} and {gt.shape}"
            )
        if gt.size and (gt.min() < 0 or gt.max() >= n_actions):
            raise InvalidArgumentError(
                f"invalid argument `env`: gt holds actions outside 0..{n_actions - 1}"
            )
        obs.append(ob)
        gts.append(gt)
    lengths = np.array([o.shape[0] for o in obs], dtype=np.int64)
    t_max, n_obs = int(lengths.max()), obs[0].shape[1]
    inputs = np.zeros((n_trials, t_max, n_obs))
    gt_arr = np.full((n_trials, t_max), -1, dtype=np.int64)
    for b, (o, g) in enumerate(zip(obs, gts)):
        if o.shape[1] != n_obs:
            raise InvalidArgumentError("invalid argument `env`: trials differ in observation size")
        inputs[b, : o.shape[0]] = o
        gt_arr[b, : g.shape[0]] = g
    inside = gt_arr >= 0
    targets = np.full((n_trials, t_max, n_actions), float(low))
    bi, ti = np.nonzero(inside)
    targets[bi, ti, gt_arr[bi, ti]] = float(high)
    targets[~inside] = float(low)
    mask = (inside & (gt_arr > 0) if score == "decision" else inside).astype(np.float64)
    return TrialBatch(inputs, targets, mask, gt_arr, lengths)
