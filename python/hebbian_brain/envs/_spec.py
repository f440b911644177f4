"""``env.spec.max_episode_steps`` of the built-in environments: their own step limit."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from gymnasium.envs.registration import EnvSpec


class OwnStepLimit:
    """Gives ``env.spec`` the episode step limit the environment enforces itself (in Rust).

    The registered ids carry no ``TimeLimit``: a fixed registered limit would cut episodes of
    larger worlds (DeepSea of size 20 after 10 steps, a Chain of 30 cells after 100 steps)
    or longer trials of the cognitive tasks (a larger ``timing`` or a smaller ``dt``), and
    switch off the Rust fast path. Instead each made environment's ``spec`` states its own
    limit, so ``gymnasium.make(id, **kwargs).spec.max_episode_steps`` is exact for any
    arguments.
    """

    _spec: EnvSpec | None = None

    def _own_step_limit(self) -> int:
        raise NotImplementedError

    @property
    def spec(self) -> EnvSpec | None:
        """The Gymnasium spec, with ``max_episode_steps`` the environment's own limit."""
        return self._spec

    @spec.setter
    def spec(self, value: EnvSpec | None) -> None:
        if value is not None and value.max_episode_steps is None:
            value = dataclasses.replace(value, max_episode_steps=int(self._own_step_limit()))
        self._spec = value


def own_limit(core: Any) -> int:
    """A core's episode step limit (``max_steps``; DeepSea: its ``size``)."""
    limit = getattr(core, "max_steps", None)
    return int(core.size if limit is None else limit)


def trial_step_limit(core: Any) -> int:
    """The longest trial of a cognitive task, in steps.

    Each period's longest duration in steps of ``dt`` (rounded half away from zero, as the
    Rust core rounds), summed.
    A trial is one episode and always ends (terminated) by its last step, so this is the
    episode step limit; no trial is truncated.
    """
    dt = float(core.dt)
    total = 0
    for _name, kind, values in core.timing:
        # constant: (v,); uniform: (low, high); choice: the values;
        # truncated_exponential: (mean, low, high).
        longest = (
            float(values[-1])
            if kind in ("uniform", "truncated_exponential")
            else max(float(v) for v in values)
        )
        total += math.floor(longest / dt + 0.5)
    return total
