"""Helpers of the recurrent agents.

Episode records, spaces as JSON, built-in task cores and the defaults on trial tasks.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from hebbian_brain._agent_history import EpisodeHistory
from hebbian_brain._core import CognitiveEnvCore

__all__ = ["AgentEpisode", "History"]


class AgentEpisode(NamedTuple):
    """One finished episode of a recurrent agent."""

    episode_return: float
    length: int
    modulator: float


@dataclass(frozen=True, repr=False)
class History(EpisodeHistory[AgentEpisode]):
    """Per-episode records of a recurrent agent, oldest first (a snapshot).

    Attributes:
        returns: Undiscounted return of each episode, float64 ``[n]``.
        lengths: Steps of each episode, int64 ``[n]``.
        modulators: Mean reward modulator applied after each episode, float64 ``[n]``.
    """

    returns: np.ndarray
    lengths: np.ndarray
    modulators: np.ndarray

    def __getitem__(self, i: int) -> AgentEpisode:
        return AgentEpisode(float(self.returns[i]), int(self.lengths[i]), float(self.modulators[i]))

    def moving_average(self, window: int = 100) -> np.ndarray:
        """Mean return over the last ``window`` episodes at each episode (shorter at the start)."""
        return self._moving_average(window)


def _spaces() -> Any:
    from gymnasium import spaces

    return spaces


def _finite_scaling(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offset and half-width per dimension; (0, 1) where a bound is infinite or degenerate."""
    low = np.asarray(low, dtype=float).ravel()
    high = np.asarray(high, dtype=float).ravel()
    finite = np.isfinite(low) & np.isfinite(high) & (high > low)
    offset = np.zeros_like(low)
    half = np.ones_like(low)
    offset[finite] = (low[finite] + high[finite]) / 2
    half[finite] = (high[finite] - low[finite]) / 2
    return offset, half


def _space_json(space: Any) -> dict[str, Any]:
    spaces = _spaces()
    if isinstance(space, spaces.Discrete):
        return {"type": "Discrete", "n": int(space.n), "start": int(space.start)}
    return {
        "type": "Box",
        # in the space's own dtype: an int64 bound near 2**63 does not survive a float
        "low": np.asarray(space.low).ravel().tolist(),
        "high": np.asarray(space.high).ravel().tolist(),
        "shape": list(space.shape),
        "dtype": str(np.dtype(space.dtype)),
    }


def _space_from_json(d: dict[str, Any]) -> Any:
    spaces = _spaces()
    if d["type"] == "Discrete":
        return spaces.Discrete(int(d["n"]), start=int(d["start"]))
    shape = tuple(int(s) for s in d["shape"])
    dtype = np.dtype(d["dtype"])
    low = np.asarray(d["low"], dtype=dtype).reshape(shape)
    high = np.asarray(d["high"], dtype=dtype).reshape(shape)
    return spaces.Box(low, high, shape=shape, dtype=dtype)


def _cognitive_core(env: Any) -> CognitiveEnvCore | None:
    """The Rust core of a built-in cognitive task with only harmless wrappers, else None."""
    from gymnasium.wrappers import OrderEnforcing, PassiveEnvChecker

    layer = env
    while True:
        core = getattr(layer, "core", None)
        if isinstance(core, CognitiveEnvCore):
            return core
        if isinstance(layer, (OrderEnforcing, PassiveEnvChecker)):
            layer = layer.env
            continue
        return None


#: Trial tasks: 1/τ of the network (τ = 500 ms) and the half-life of the eligibility trace, in
#: ms (``docs/reference/rules.md`` § 5.1).
_TRIAL_INVERSE_TAU_PER_MS = 0.002
_TRIAL_TRACE_HALF_LIFE_MS = 100.0
#: Trial tasks: the value readout and the exploration measured best on tuning seeds (§ 5.1).
_TRIAL_READOUT: dict[str, Any] = {
    "readout": "value",
    "readout_learning_rate": 0.25,
    "readout_trace_decay": 0.5,
    "output_noise": 0.2,
}


def _trial_task_defaults(rule: str, env: Any) -> dict[str, Any]:
    """The agents' defaults for a trial task with NeuroGym's ``dt`` (ms) and ``timing``.

    ``leak = dt/τ`` (τ = 500 ms, so the state holds a sample over a delay), Miconi's ``gain``
    1.5, ``trace_decay = 0.5^(dt/100 ms)`` (the only reward is the answer at the trial's end),
    a value readout learned by the reward-prediction error of the chosen answer, and weak
    exploration inside the network (node perturbation: kicks of ±0.1 with probability 0.01;
    the Hebbian rule: noise of σ 0.01). Other environments keep the plain defaults.
    """
    layer = getattr(env, "unwrapped", env)
    dt, timing = getattr(layer, "dt", None), getattr(layer, "timing", None)
    if not isinstance(timing, Mapping):
        return {}
    if isinstance(dt, bool) or not isinstance(dt, numbers.Real):
        return {}
    dt = float(dt)
    if not (math.isfinite(dt) and dt > 0):
        return {}
    out: dict[str, Any] = {
        "leak": min(1.0, dt * _TRIAL_INVERSE_TAU_PER_MS),
        "gain": 1.5,
        "trace_decay": 0.5 ** (dt / _TRIAL_TRACE_HALF_LIFE_MS),
        **_TRIAL_READOUT,
    }
    if rule == "node_perturbation":
        out.update(perturbation_probability=0.01, noise=0.1)
    else:
        out["noise"] = 0.01
    return out
