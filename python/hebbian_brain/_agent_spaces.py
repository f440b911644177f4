"""Observation and action spaces of an agent: validation, hashing, the index fast path."""

from __future__ import annotations

import base64
import pickle
from collections.abc import Sequence
from typing import Any

import numpy as np

from hebbian_brain._core import (
    ArgumentTypeError,
    FileFormatError,
    InvalidArgumentError,
    ShapeError,
    state_hash,
)
from hebbian_brain._vector import TupleBatch
from hebbian_brain.abstraction import QuantileDiscretizer, default_box_abstraction
from hebbian_brain.discretize import Discretizer


def _space_module() -> Any:
    from gymnasium import spaces

    return spaces


class _Encoder:
    """Validates observations and turns them into what the core takes.

    ``kind`` is "index" (a ``Discrete`` space or a discretizer: an int goes to the core's index
    fast path) or "hash" (anything else: hashed with ``state_hash``). A ``Box`` space without a
    discretizer gets the default abstraction (:mod:`hebbian_brain.abstraction`).

    ``env_space``: the environment's observation space when a discretizer is given with an
    environment; a ``Box`` one must hold as many values as the discretizer takes.
    """

    def __init__(self, observation: Any, env_space: Any = None) -> None:
        spaces = _space_module()
        self.space = None
        self.discretizer: Discretizer | QuantileDiscretizer | None = None
        self.discrete: tuple[int, int] | None = None
        self.splitting = False
        # The shape of one observation when a Box space is known (tells a batch from one).
        self.obs_shape: tuple[int, ...] | None = None
        # A QuantileDiscretizer: learning lookups change it, so the core checks a step first.
        self.stateful = False
        if isinstance(observation, spaces.Box):
            self.obs_shape = tuple(int(n) for n in observation.shape)
            observation = default_box_abstraction(observation)
        if observation is None:
            self.kind = "hash"
        elif isinstance(observation, (Discretizer, QuantileDiscretizer)):
            self.discretizer = observation
            self.stateful = isinstance(observation, QuantileDiscretizer)
            # A splitting grid: a cell's experiences go to its halves when it splits.
            self.splitting = (
                isinstance(observation, QuantileDiscretizer) and observation.split_after > 0
            )
            if self.obs_shape is None and isinstance(env_space, spaces.Box):
                self.obs_shape = _matching_shape(observation, env_space)
            self.discrete = (0, int(observation.n))
            self.kind = "index"
        elif isinstance(observation, spaces.Discrete):
            self.space = observation
            self.discrete = (int(observation.start), int(observation.n))
            self.kind = "index"
        elif isinstance(observation, spaces.Space):
            self.space = observation
            self.kind = "hash"
        else:
            raise ArgumentTypeError(
                "observation must be a gymnasium Space, a Discretizer or None, "
                f"got {type(observation).__name__}"
            )

    def index(self, name: str, obs: Any) -> Any:
        """The int handed to the core's index fast path."""
        if self.discretizer is not None:
            try:
                if isinstance(self.discretizer, QuantileDiscretizer):
                    # Learning calls place new cells; acting records towards the fit (each
                    # observation reaches act() once); predict() only looks up.
                    return self.discretizer.cell(
                        obs, record=name == "obs", add=name != "observation"
                    )
                return self.discretizer(obs)
            except (ValueError, TypeError) as err:
                raise type(err)(f"{name}: {err}") from None
        if isinstance(obs, (bool, np.bool_)):
            raise ArgumentTypeError(
                f"{name}: expected an int observation of {self.space}, got a bool"
            )
        if isinstance(obs, (int, np.integer)):
            return obs
        arr = np.asarray(obs)
        if arr.shape == () and np.issubdtype(arr.dtype, np.integer):
            return int(arr)
        raise InvalidArgumentError(
            f"invalid argument `{name}`: {obs!r} is outside the observation space {self.space}"
        )

    def learning_index(self, core: Any, name: str, obs: Any, reward: float | None = None) -> Any:
        """:meth:`index` for ``act`` (``reward`` None) or ``observe`` on ``core``.

        A fitted grid changes with a learning lookup (records, new cells, splits), so the core
        first raises what its ``act`` / ``observe`` would: a refused step changes nothing.
        """
        if self.stateful:
            if reward is None:
                core.check_act()
            else:
                core.check_observe(reward)
        key = self.index(name, obs)
        if reward is None and self.splitting:
            self.hand_over_split(core)
        return key

    def hand_over_split(self, core: Any) -> None:
        """Hands a split cell's experiences to its halves (after a recorded lookup).

        When the last ``index("obs", ...)`` split a cell, the brain's nodes of the retired
        cell are inherited by its two halves (rules.md §1.9).
        """
        assert isinstance(self.discretizer, QuantileDiscretizer)
        split = self.discretizer.last_split
        if split is not None:
            core.split_index(*split)

    def hash(self, name: str, obs: Any) -> int:
        """The state hash of an observation (validated against the space when there is one)."""
        if self.space is not None and not self.space.contains(obs):
            raise InvalidArgumentError(
                f"invalid argument `{name}`: {obs!r} is outside the observation space {self.space}"
            )
        try:
            return int(state_hash(obs))
        except TypeError as err:
            raise ArgumentTypeError(f"{name}: {err}") from None

    def batch_of(self, observation: Any) -> Sequence[Any] | np.ndarray | None:
        """The observations of a batch (``predict``'s input), or None for a single observation."""
        enc = self
        spaces = _space_module()
        space = enc.space
        if isinstance(observation, tuple):
            if not isinstance(space, spaces.Tuple) or space.contains(observation):
                return None
            parts = [np.asarray(p) for p in observation]
            sizes = {p.shape[0] if p.ndim > 0 else -1 for p in parts}
            if len(parts) != len(space.spaces) or len(sizes) != 1 or -1 in sizes:
                return None
            return TupleBatch(parts, sizes.pop())
        if isinstance(observation, list):
            if enc.discretizer is not None or isinstance(space, (spaces.Box, spaces.MultiDiscrete)):
                arr = np.asarray(observation)
                return arr if arr.ndim == self._single_ndim() + 1 else None
            return observation
        n = enc.batch_size(observation)
        return None if n is None else observation

    def batch_size(self, obs: Any) -> int | None:
        """The batch size when ``obs`` is a batch of observations (SB3 vector envs), else None."""
        if isinstance(obs, (list, tuple)) or not isinstance(obs, np.ndarray):
            return None
        if self.discretizer is not None or (
            self.space is not None and self.space.shape is not None
        ):
            return int(obs.shape[0]) if obs.ndim == self._single_ndim() + 1 else None
        return None

    def _single_ndim(self) -> int:
        """Axes of one observation.

        The Box's when known, else 1 for a discretizer (a flat vector; a batch is then 2-d),
        else the space's.
        """
        if self.obs_shape is not None:
            return len(self.obs_shape)
        if self.discretizer is not None:
            return 1
        return len(getattr(self.space, "shape", None) or ())

    def to_json(self) -> dict[str, Any] | None:
        spaces = _space_module()
        if isinstance(self.discretizer, QuantileDiscretizer):
            data = base64.b64encode(self.discretizer.to_bytes()).decode("ascii")
            out: dict[str, Any] = {"kind": "quantile_discretizer", "data": data}
            if self.obs_shape is not None:
                out["shape"] = list(self.obs_shape)
            return out
        if self.discretizer is not None:
            out = {"kind": "discretizer", **self.discretizer.to_dict()}
            if self.obs_shape is not None:
                out["shape"] = list(self.obs_shape)
            return out
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
        if kind == "quantile_discretizer":
            return QuantileDiscretizer.from_bytes(base64.b64decode(data["data"]), "<agent file>")
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


def _matching_shape(discretizer: Any, space: Any) -> tuple[int, ...]:
    """The shape of ``space`` (a Box) when it holds the values ``discretizer`` takes."""
    shape = tuple(int(n) for n in space.shape)
    if int(np.prod(shape)) != discretizer.dims:
        raise ShapeError(
            f"shape mismatch for `observation`: the discretizer takes {discretizer.dims} values, "
            f"but the observation space {space} holds {int(np.prod(shape))}"
        )
    return shape


def restore_shape(encoder: _Encoder, data: Any) -> None:
    """Sets ``encoder.obs_shape`` from an agent file's ``observation`` entry.

    Older files and other kinds have none; a shape that disagrees with the grid is a
    ``FileFormatError``.
    """
    shape = data.get("shape") if isinstance(data, dict) else None
    if shape is None or encoder.discretizer is None:
        return
    if (
        not isinstance(shape, list)
        or len(shape) > 32
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)
        or int(np.prod(shape, dtype=object)) != encoder.discretizer.dims
    ):
        raise FileFormatError(
            f"the observation's shape {str(shape)[:80]} does not fit its discretizer"
        )
    encoder.obs_shape = tuple(shape)


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
    raise ArgumentTypeError(
        "action_space_or_n must be a gymnasium.spaces.Discrete or an int (graph-brain agents "
        f"choose among discrete actions), got {action_space_or_n!r}"
    )


def _builtin_core(env: Any) -> Any:
    """The Rust core of a built-in env when only harmless wrappers surround it, else None."""
    from gymnasium.wrappers import OrderEnforcing, PassiveEnvChecker, TimeLimit

    from hebbian_brain.envs import ChainEnv, DeepSeaEnv, GridWorldEnv, RiverSwimEnv

    layer = env
    while True:
        if isinstance(layer, (ChainEnv, GridWorldEnv, DeepSeaEnv, RiverSwimEnv)):
            return layer.core
        if isinstance(layer, (OrderEnforcing, PassiveEnvChecker)):
            layer = layer.env
            continue
        if isinstance(layer, TimeLimit) and _limit_is_harmless(layer):
            layer = layer.env
            continue
        return None


def _limit_is_harmless(layer: Any) -> bool:
    """A TimeLimit that never cuts an episode before the built-in env's own limit does."""
    core = getattr(layer.unwrapped, "core", None)
    own = getattr(core, "max_steps", None)
    if own is None:  # DeepSea: every episode ends after `size` steps
        own = getattr(core, "size", None)
    return own is not None and int(layer._max_episode_steps) >= int(own)


def labels_of(env: Any) -> Any:
    """How pictures name ``env``'s states and actions (:func:`hebbian_brain.viz.labels_for`)."""
    from hebbian_brain.viz._labels import labels_for

    return labels_for(env)
