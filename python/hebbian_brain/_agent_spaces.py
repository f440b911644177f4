"""Observation and action spaces of an agent: validation, hashing, the index fast path."""

from __future__ import annotations

import base64
import pickle
from typing import Any

import numpy as np

from hebbian_brain._core import FileFormatError, InvalidArgumentError, state_hash
from hebbian_brain.discretize import Discretizer


def _space_module() -> Any:
    from gymnasium import spaces

    return spaces


class _Encoder:
    """Validates observations and turns them into what the core takes.

    ``kind`` is "index" (a ``Discrete`` space or a discretizer: an int goes to the core's index
    fast path) or "hash" (anything else: hashed with ``state_hash``).
    """

    def __init__(self, observation: Any) -> None:
        spaces = _space_module()
        self.space = None
        self.discretizer: Discretizer | None = None
        self.discrete: tuple[int, int] | None = None
        if observation is None:
            self.kind = "hash"
        elif isinstance(observation, Discretizer):
            self.discretizer = observation
            self.discrete = (0, observation.n)
            self.kind = "index"
        elif isinstance(observation, spaces.Discrete):
            self.space = observation
            self.discrete = (int(observation.start), int(observation.n))
            self.kind = "index"
        elif isinstance(observation, spaces.Box):
            raise InvalidArgumentError(
                "invalid argument `observation`: a Box (continuous) observation space needs a "
                "Discretizer, e.g. Agent(env.action_space, observation="
                "Discretizer.from_space(env.observation_space, bins=8))"
            )
        elif isinstance(observation, spaces.Space):
            self.space = observation
            self.kind = "hash"
        else:
            raise TypeError(
                "observation must be a gymnasium Space, a Discretizer or None, "
                f"got {type(observation).__name__}"
            )

    def index(self, name: str, obs: Any) -> Any:
        """The int handed to the core's index fast path."""
        if self.discretizer is not None:
            try:
                return self.discretizer(obs)
            except (ValueError, TypeError) as err:
                raise type(err)(f"{name}: {err}") from None
        if isinstance(obs, (bool, np.bool_)):
            raise TypeError(f"{name}: expected an int observation of {self.space}, got a bool")
        if isinstance(obs, (int, np.integer)):
            return obs
        arr = np.asarray(obs)
        if arr.shape == () and np.issubdtype(arr.dtype, np.integer):
            return int(arr)
        raise InvalidArgumentError(
            f"invalid argument `{name}`: {obs!r} is outside the observation space {self.space}"
        )

    def hash(self, name: str, obs: Any) -> int:
        """The state hash of an observation (validated against the space when there is one)."""
        if self.space is not None and not self.space.contains(obs):
            raise InvalidArgumentError(
                f"invalid argument `{name}`: {obs!r} is outside the observation space {self.space}"
            )
        try:
            return int(state_hash(obs))
        except TypeError as err:
            raise TypeError(f"{name}: {err}") from None

    def batch_size(self, obs: Any) -> int | None:
        """The batch size when ``obs`` is a batch of observations (SB3 vector envs), else None."""
        if isinstance(obs, (list, tuple)) or not isinstance(obs, np.ndarray):
            return None
        if self.discretizer is not None:
            return obs.shape[0] if obs.ndim == 2 else None
        if self.space is not None and self.space.shape is not None:
            if obs.ndim == len(self.space.shape) + 1:
                return obs.shape[0]
            return None
        return None

    def to_json(self) -> dict[str, Any] | None:
        spaces = _space_module()
        if self.discretizer is not None:
            return {"kind": "discretizer", **self.discretizer.to_dict()}
        if isinstance(self.space, spaces.Discrete):
            return {"kind": "discrete", "n": int(self.space.n), "start": int(self.space.start)}
        if isinstance(self.space, spaces.MultiDiscrete):
            return {
                "kind": "multidiscrete",
                "nvec": self.space.nvec.tolist(),
                "start": self.space.start.tolist(),
            }
        if self.space is not None:
            # Tuple, Dict, Text, ...: no JSON form, so the space itself is pickled (loading an
            # agent file then trusts it like a pickle) to keep validating observations.
            data = base64.b64encode(pickle.dumps(self.space)).decode("ascii")
            return {"kind": "pickled_space", "repr": repr(self.space), "data": data}
        return None

    @staticmethod
    def from_json(data: dict[str, Any] | None) -> Any:
        spaces = _space_module()
        if data is None:
            return None
        kind = data["kind"]
        if kind == "discretizer":
            return Discretizer(
                data["low"], data["high"], data["bins"], infinite_bound=data["infinite_bound"]
            )
        if kind == "discrete":
            return spaces.Discrete(data["n"], start=data["start"])
        if kind == "multidiscrete":
            return spaces.MultiDiscrete(data["nvec"], start=data["start"])
        if kind == "pickled_space":
            try:
                space = pickle.loads(base64.b64decode(data["data"]))
            except Exception as err:
                raise FileFormatError(
                    f"the observation space {data.get('repr')} cannot be restored: {err}"
                ) from None
            if not isinstance(space, spaces.Space):
                raise FileFormatError(
                    f"the stored observation space is a {type(space).__name__}, not a Space"
                )
            return space
        raise ValueError(f"unknown observation kind {kind!r}")


#: Most actions an agent may have (``MAX_ACTIONS`` in rust/core/src/agent/mod.rs).
MAX_ACTIONS = 1 << 24


def _action_space_n(action_space_or_n: Any) -> tuple[int, int, Any]:
    """(n, start, space) of a Discrete action space or an int."""
    spaces = _space_module()
    if isinstance(action_space_or_n, spaces.Discrete):
        return int(action_space_or_n.n), int(action_space_or_n.start), action_space_or_n
    if isinstance(action_space_or_n, (int, np.integer)) and not isinstance(action_space_or_n, bool):
        n = int(action_space_or_n)
        if not 1 <= n <= MAX_ACTIONS:
            raise InvalidArgumentError(
                f"invalid argument `action_space_or_n`: must be at least 1 action and at most "
                f"{MAX_ACTIONS}, got {n}"
            )
        return n, 0, spaces.Discrete(n)
    raise TypeError(
        "action_space_or_n must be a gymnasium.spaces.Discrete or an int (graph-brain agents "
        f"choose among discrete actions), got {action_space_or_n!r}"
    )


def _builtin_core(env: Any) -> Any:
    """The Rust core of a built-in env when only harmless wrappers surround it, else None."""
    from gymnasium.wrappers import OrderEnforcing, PassiveEnvChecker

    from hebbian_brain.envs import ChainEnv, DeepSeaEnv, GridWorldEnv, RiverSwimEnv

    layer = env
    while True:
        if isinstance(layer, (ChainEnv, GridWorldEnv, DeepSeaEnv, RiverSwimEnv)):
            return layer.core
        if isinstance(layer, (OrderEnforcing, PassiveEnvChecker)):
            layer = layer.env
            continue
        return None
