"""Gymnasium vector environments: detection, autoreset mode, per-copy observations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hebbian_brain._core import ArgumentTypeError

__all__ = ["TupleBatch", "autoreset_mode", "is_env", "is_vector_env", "sub_observations"]


def is_vector_env(env: Any) -> bool:
    """Whether ``env`` is a Gymnasium ``VectorEnv`` (or a wrapper of one)."""
    from gymnasium.vector import VectorEnv, VectorWrapper

    return isinstance(env, (VectorEnv, VectorWrapper))


def autoreset_mode(env: Any) -> str:
    """``"next_step"`` (Gymnasium 1.x's default), ``"same_step"`` or ``"disabled"``."""
    mode = getattr(env, "metadata", {}).get("autoreset_mode")
    value = getattr(mode, "value", mode)
    if value in (None, "NextStep"):
        return "next_step"
    if value == "SameStep":
        return "same_step"
    if value == "Disabled":
        return "disabled"
    raise ArgumentTypeError(f"unknown autoreset mode {mode!r} of {env!r}")


def sub_observations(env: Any, obs: Any) -> list[Any]:
    """The batched observation ``obs`` of a vector env as one observation per copy."""
    from gymnasium.vector.utils import iterate

    return list(iterate(env.observation_space, obs))


class TupleBatch(Sequence[Any]):
    """Observation ``i`` of a tuple of batched arrays (a VectorEnv's Tuple observations)."""

    def __init__(self, parts: list[np.ndarray], n: int) -> None:
        self.parts = parts
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: Any) -> Any:
        return tuple(p[i] for p in self.parts)


def is_env(value: Any) -> bool:
    """A Gymnasium environment or VectorEnv (anything with an action space)."""
    return hasattr(value, "action_space") or hasattr(value, "single_action_space")
