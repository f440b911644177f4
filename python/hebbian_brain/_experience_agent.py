"""The agent of ``Box`` observations: an experience graph (``hb.Agent(env)``'s default for them).

Every real step is a node ``(x, a, r, x', terminated)`` in the observation's own coordinates;
a rebuild (the agent's dream) links each node to the nearest steps of every action around where
it landed and plans optimistic and greedy values over the graph (docs/reference/rules.md,
"Experience graph"). The agent acts on the optimistic values, predicts with one step of
lookahead on the greedy ones, and needs no bounds, bins or other per-environment numbers.
"""

from __future__ import annotations

import math
import numbers
import os
from typing import TYPE_CHECKING, Any

import numpy as np

from hebbian_brain._agent_dispatch import make_env, register_box_agent
from hebbian_brain._agent_history import EpisodeRecord, History
from hebbian_brain._agent_sb3 import parameters_from
from hebbian_brain._agent_spaces import _action_space_n, _space_module, labels_of
from hebbian_brain._core import (
    ArgumentTypeError,
    ExperienceCore,
    InvalidArgumentError,
    ShapeError,
    StateError,
)
from hebbian_brain._experience_file import (
    MAX_OBSERVATION,
    agent_metadata,
    core_from_parameters,
    graph_parameters,
    real_array,
    restore_agent,
)
from hebbian_brain._validate import path as _path
from hebbian_brain._vector import is_env, is_vector_env
from hebbian_brain.agent import Agent

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["ExperienceAgent"]


class ExperienceAgent(Agent):
    """A graph-brain agent for ``Box`` observations that keeps every step as a node.

    What ``hb.Agent(env)`` returns when the observations are a ``Box`` and neither a
    discretizer (``observation=``), a ``config`` nor ``params`` is given; build one directly to
    set its parameters. Nodes are real steps, synapses the kernel links from where a step
    landed to the nearest steps of each action, values are planned over them in the agent's
    dreams (see docs/reference/rules.md, "Experience graph").

    Args:
        action_space_or_n: An environment (bound to the agent), a Gymnasium id, a
            ``VectorEnv``, a ``Discrete`` action space or a number of actions (then give
            ``observation``).
        config: Must be None (the grid agent's ``BrainConfig`` does not apply).
        seed: Seeds the tie-breaking and node overwriting (None: from the OS).
        observation: The ``Box`` observation space (None: the environment's).
        params: Must be None (the grid agent's ``AgentParams`` do not apply).
        tensorboard_log: A folder for TensorBoard runs, or None.
        verbose: 1 also logs the training metrics to stdout.
        k: Nearest steps of each action a step links to.
        rho: Kernel width in units of each dimension's 2–98 % range.
        beta: Exploration bonus scale (``β/√W``; 0: greedy acting).
        gamma: Discount factor in ``[0, 1)``.
        tol: Value iteration stops when no value moves more than this.
        max_sweeps: Most sweeps per value iteration.
        max_nodes: Most nodes kept (None: what 1 GiB holds); a full graph overwrites a node
            drawn at random for every new step.

    Raises:
        TypeError: Not a ``Discrete`` action space, or a ``config`` / ``params`` given.
        InvalidArgumentError: No ``Box`` observation space, or a parameter out of range.

    Example:
        >>> import gymnasium as gym, hebbian_brain as hb
        >>> agent = hb.Agent(gym.make("CartPole-v1"), seed=0)
        >>> agent = agent.learn(total_timesteps=2_000)
    """

    _core: ExperienceCore  # type: ignore[assignment]  # the grid agent's is an AgentCore

    def __init__(
        self,
        action_space_or_n: Any,
        config: Any = None,
        *,
        seed: int | None = None,
        observation: Any = None,
        params: Any = None,
        tensorboard_log: str | os.PathLike[str] | None = None,
        verbose: int = 0,
        k: int = 8,
        rho: float = 0.1,
        beta: float = 1.0,
        gamma: float = 0.99,
        tol: float = 1e-3,
        max_sweeps: int = 400,
        max_nodes: int | None = None,
    ) -> None:
        if config is not None or params is not None:
            raise ArgumentTypeError(
                "ExperienceAgent takes no config or params (they set the grid agent); its "
                "parameters are the keywords k, rho, beta, gamma, tol, max_sweeps, max_nodes"
            )
        first = getattr(self, "_made_env", None) or action_space_or_n
        if isinstance(first, str):
            first = make_env(first)
        env = None
        if is_vector_env(first):
            env, space, actions = first, first.single_observation_space, first.single_action_space
        elif is_env(first):
            env, space, actions = first, first.observation_space, first.action_space
        else:
            space, actions = None, first
        space = observation if observation is not None else space
        self._set_spaces(actions, space)
        if env is not None:
            self._state_labels = labels_of(env)  # names dimensions and actions in pictures
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise ArgumentTypeError(f"seed must be an int or None, got {type(seed).__name__}")
        self._seed = None if seed is None else int(seed)
        self._core = ExperienceCore(
            self._dim,
            self._n,
            k=k,
            rho=rho,
            beta=beta,
            gamma=gamma,
            tol=tol,
            max_sweeps=max_sweeps,
            max_nodes=max_nodes,
            seed=seed,
            observation_space=repr(space),
        )
        self._init_counts()
        self._init_sb3(env, tensorboard_log, verbose)

    def _set_spaces(self, actions: Any, space: Any) -> None:
        spaces = _space_module()
        if not isinstance(space, spaces.Box):
            raise InvalidArgumentError(
                f"invalid argument `observation`: ExperienceAgent needs a Box observation space, "
                f"got {space!r}"
            )
        shape = tuple(int(s) for s in space.shape)
        if math.prod(shape) == 0:
            raise ShapeError(
                f"shape mismatch for `observation`: the observation space {space} holds no values"
            )
        self._n, self._start, self.action_space = _action_space_n(actions)
        self.observation_space = space
        self._shape = shape
        self._dim = math.prod(shape)
        self._state_labels = None

    def _init_counts(self) -> None:
        self._reset_seed_used = False
        self._steps = 0
        self._episodes = 0
        self._returns: list[float] = []
        self._lengths: list[int] = []
        self._terminated: list[bool] = []
        self._episode = [0.0, 0]  # return and length of the episode in progress

    # ------------------------------------------------------------------ properties
    @property
    def observation(self) -> Any:
        """The ``Box`` observation space."""
        return self.observation_space

    @property  # type: ignore[override]  # a dict of keywords, not the grid's AgentParams
    def params(self) -> dict[str, Any]:
        """The learner's parameters (k, rho, beta, gamma, tol, max_sweeps, max_nodes).

        They are set at construction; to change them, build a new agent and move the graph
        with ``new.set_parameters({**old.get_parameters(), "params": {...}})``.
        """
        return dict(self._core.config)

    @params.setter
    def params(self, value: Any) -> None:
        raise ArgumentTypeError(
            "an ExperienceAgent's params are set at construction (keywords k, rho, beta, gamma, "
            "tol, max_sweeps, max_nodes); set_parameters({'graph': ..., 'params': {...}}) "
            "replans a graph with new ones"
        )

    @property
    def brain(self) -> ExperienceCore:  # type: ignore[override]
        """The experience graph (nodes, values, links); changes to it affect the agent."""
        return self._core

    @property
    def node_count(self) -> int:
        """Steps stored as nodes (at most ``params["max_nodes"]``)."""
        return int(self._core.node_count)

    @property
    def history(self) -> History:
        """Per-episode returns, lengths and whether each terminated (a snapshot)."""
        return History(
            np.array(self._returns, dtype=np.float64),
            np.array(self._lengths, dtype=np.int64),
            np.array(self._terminated, dtype=bool),
            [None] * len(self._returns),
        )

    @property
    def num_timesteps(self) -> int:
        """Real steps the agent has learned from (all copies of a VectorEnv included)."""
        return self._steps

    # ------------------------------------------------------------------ step API
    def _obs(self, name: str, obs: Any) -> Any:
        """``obs`` as the core reads it: float arrays as they are, anything else converted."""
        if isinstance(obs, np.ndarray) and obs.dtype in (np.float64, np.float32):
            if obs.shape == self._shape or obs.size == self._dim and obs.ndim <= 1:
                return obs
        arr = real_array(name, obs, f"an observation of {self.observation_space}")
        if arr.shape != self._shape and arr.size != self._dim:
            raise ShapeError(
                f"invalid shape of `{name}`: expected {self._shape} (the observation space "
                f"{self.observation_space}), got {arr.shape}"
            )
        return arr

    def act(self, obs: Any) -> int:
        """Chooses an action for ``obs``: the best optimistic value (exploring).

        Raises:
            InvalidArgumentError: ``obs`` holds NaN or infinite values.
            ShapeError: ``obs`` does not have the observation space's shape.
            StateError: The previous action was not reported with :meth:`observe`.
        """
        return int(self._core.act(self._obs("obs", obs))) + self._start

    def observe(self, reward: float, next_obs: Any, terminated: bool, truncated: bool) -> None:
        """Stores the step of the last action; a final step ends the episode.

        A rebuild that falls due here runs with the GIL released; Ctrl-C stops it and leaves
        the values as they were (the step is kept).

        Raises:
            StateError: No action is waiting for its outcome.
            InvalidArgumentError: A NaN, infinite or larger than 1e12 reward, or a bad
                ``next_obs``.
        """
        if not isinstance(reward, numbers.Real):
            raise ArgumentTypeError(f"reward must be a real number, got {type(reward).__name__}")
        for name, flag in (("terminated", terminated), ("truncated", truncated)):
            if not isinstance(flag, (bool, np.bool_)):
                raise ArgumentTypeError(f"{name} must be a bool, got {type(flag).__name__}")
        try:
            r = float(reward)
        except OverflowError:
            raise InvalidArgumentError(
                f"invalid argument `reward`: must be finite with |r| <= 1e12, got {reward!r}"
            ) from None
        try:
            self._core.observe(r, self._obs("next_obs", next_obs), bool(terminated))
        except KeyboardInterrupt:  # the step is stored; the rebuild it started was stopped
            self._count(r, bool(terminated), bool(truncated))
            raise
        self._count(r, bool(terminated), bool(truncated))

    def _count(self, reward: float, terminated: bool, truncated: bool) -> None:
        self._steps += 1
        self._episode[0] += reward
        self._episode[1] += 1
        if terminated or truncated:
            self._finish(terminated)

    def _finish(self, terminated: bool) -> EpisodeRecord:
        self._core.end_episode()
        ret, length = float(self._episode[0]), int(self._episode[1])
        self._episode = [0.0, 0]
        return self._record_episode_of(ret, length, terminated)

    def _last_record(self) -> EpisodeRecord:
        return EpisodeRecord(self._returns[-1], self._lengths[-1], self._terminated[-1], None)

    def _choose(self, obs: Any) -> int:
        """The exploring action at ``obs`` for one copy of a VectorEnv (nothing remembered)."""
        return int(self._core.choose(self._obs("obs", obs))) + self._start

    def _store(self, obs: Any, action: int, reward: float, next_obs: Any, term: bool) -> None:
        """Stores one step of a VectorEnv copy (its episode is counted by the caller)."""
        x, x2 = self._obs("obs", obs), self._obs("next_obs", next_obs)
        try:
            self._core.store(x, action - self._start, reward, x2, term)
        except KeyboardInterrupt:  # the step is stored; the rebuild it started was stopped
            self._steps += 1
            raise
        self._steps += 1

    def _record_episode_of(self, ret: float, length: int, terminated: bool) -> EpisodeRecord:
        self._returns.append(ret)
        self._lengths.append(length)
        self._terminated.append(terminated)
        self._episodes += 1
        return EpisodeRecord(ret, length, terminated, None)

    def end_episode(self) -> EpisodeRecord | None:
        """Ends the episode in progress early; its record, or None when none was running."""
        if self._episode[1] == 0:
            self._core.end_episode()
            return None
        return self._finish(False)

    def dream(self) -> bool:  # type: ignore[override]
        """Rebuilds the graph now: links and values over every stored step.

        Runs with the GIL released; Ctrl-C stops it and leaves the values as they were.

        Returns:
            True (the rebuild ran to its end).
        """
        return bool(self._core.dream())

    # ------------------------------------------------------------------ SB3-style API
    def learn(
        self,
        total_timesteps_or_env: Any = None,
        /,
        callback: Any = None,
        log_interval: int = 100,
        tb_log_name: str = "run",
        reset_num_timesteps: bool = True,
        progress_bar: bool = False,
        *,
        total_timesteps: int | None = None,
        env: Any = None,
        episodes: int | None = None,
        dream_every: int = 0,
    ) -> ExperienceAgent:
        """Trains for ``total_timesteps`` steps or ``episodes`` episodes (stable-baselines3).

        As :meth:`Agent.learn`; the graph is rebuilt on its schedule (after 64 steps, then
        whenever a quarter of its size has been stored since the last rebuild), after every
        ``dream_every`` episodes when that is not 0, and at the end of the call, so
        :meth:`predict` then uses every step.

        Returns:
            self
        """
        from hebbian_brain._experience_learn import ExperienceTraining

        self._train(
            ExperienceTraining,
            (total_timesteps_or_env, env, total_timesteps, episodes, dream_every),
            callback=callback,
            log_interval=log_interval,
            tb_log_name=tb_log_name,
            reset_num_timesteps=reset_num_timesteps,
            progress_bar=progress_bar,
        )
        if self._core.unplanned > 0:  # so predict uses every step (also at the node cap)
            self._core.dream()
        return self

    def run_episodes(self, env: Any, episodes: int, dream_every: int = 1) -> list[EpisodeRecord]:
        """Not available: the built-in Rust environments have discrete observations.

        Raises:
            TypeError: Always; use :meth:`learn`.
        """
        raise ArgumentTypeError(
            "run_episodes runs the built-in discrete environments; an ExperienceAgent learns "
            "with learn(env, ...)"
        )

    def predict(
        self,
        observation: Any,
        state: Any = None,
        episode_start: Any = None,
        deterministic: bool = False,
    ) -> tuple[npt.NDArray[np.int64], Any]:
        """The action for ``observation`` without learning (stable-baselines3's contract).

        One observation gives a 0-d int64 array; a batch (one more leading axis than the
        space, or a list of observations) an int64 array ``[n]``.

        Args:
            observation: One observation or a batch.
            state: Ignored, returned as is.
            episode_start: Ignored.
            deterministic: The greedy action with one step of lookahead (ties to the lowest
                index) instead of the exploring one (best optimistic value, seeded ties).
        """
        batch = self._batch_of(observation)
        if batch is not None:
            if deterministic:
                out = self._core.predict_batch(batch)
            else:
                out = np.array([self._core.choose(row) for row in batch], dtype=np.int64)
            return out + self._start, state
        x = self._obs("observation", observation)
        a = self._core.predict(x) if deterministic else self._core.choose(x)
        return np.array(int(a) + self._start, dtype=np.int64), state

    def _batch_of(self, observation: Any) -> np.ndarray | None:
        """``observation`` as a ``[n, dim]`` float64 batch, or None for one observation."""
        if not isinstance(observation, (np.ndarray, list)):
            return None
        arr = real_array("observation", observation, "observations")
        if arr.ndim != len(self._shape) + 1:
            return None
        return self._batch(arr)

    def _batch(self, arr: np.ndarray) -> np.ndarray:
        """A float64 ``[n, dim]`` batch, every value checked before any is used."""
        if tuple(arr.shape[1:]) != self._shape:
            raise ShapeError(
                f"invalid shape of `observation`: expected [n, *{self._shape}] for a batch, "
                f"got {arr.shape}"
            )
        if arr.size and not (np.isfinite(arr).all() and np.abs(arr).max() <= MAX_OBSERVATION):
            raise InvalidArgumentError(
                "invalid argument `observation`: the batch holds NaN, infinite or larger than "
                f"{MAX_OBSERVATION:g} values"
            )
        return np.ascontiguousarray(arr.reshape(len(arr), self._dim))

    def brain_summary(self) -> str:
        """One line: nodes, planned nodes, steps and episodes."""
        c = self._core
        return (
            f"{c.node_count} nodes ({c.planned} planned), {self._steps} steps, "
            f"{self._episodes} episodes"
        )

    def to_dot(self, min_weight: float = 0.0, show_state_hash: bool = False) -> str:
        """Not available for step-nodes: draw them with :func:`hebbian_brain.viz.render_brain`.

        It draws an ExperienceAgent with :func:`~hebbian_brain.viz.render_experience`.

        Raises:
            TypeError: Always.
        """
        raise ArgumentTypeError(
            "an ExperienceAgent's nodes are steps in a continuous space: draw them with "
            "hebbian_brain.viz.render_experience(agent, path)"
        )

    # ------------------------------------------------------------------ parameters
    def get_parameters(self) -> dict[str, dict[str, Any]]:
        """The learned state (stable-baselines3's ``get_parameters``): the stored steps.

        Returns:
            ``{"graph": {"observations", "actions", "rewards", "next_observations",
            "terminated"}, "params": {...}}`` (copies; observations ``[n, dim]``).
        """
        return graph_parameters(self)

    def set_parameters(
        self,
        load_path_or_dict: str | os.PathLike[str] | dict[str, dict[str, Any]],
        exact_match: bool = True,
    ) -> None:
        """Replaces the graph with the steps of :meth:`get_parameters` or an agent file.

        The steps are stored into a fresh graph (this agent's parameters updated by the given
        ``"params"``, its seed) and planned; the history and step count start over.

        Args:
            load_path_or_dict: A dict as :meth:`get_parameters` returns, or an agent file.
            exact_match: Accepted for stable-baselines3 compatibility (``"graph"`` is always
                required, ``"params"`` optional).

        Raises:
            InvalidArgumentError: Unknown or missing keys, or steps that do not fit.
        """
        self._core = core_from_parameters(self, parameters_from(self, load_path_or_dict))
        self._init_counts()

    def _check_env(self, env: Any, observation: bool = False) -> tuple[int, ...] | None:
        """Refuses ``env`` unless its spaces fit the agent's; changes nothing."""
        obs_space = self._env_observation_space(env)
        if not isinstance(obs_space, _space_module().Box) or tuple(obs_space.shape) != self._shape:
            raise InvalidArgumentError(
                f"invalid argument `env`: its observation space {obs_space} does not have the "
                f"agent's shape {self._shape}"
            )
        return None

    # ------------------------------------------------------------------ persistence
    def _metadata(self) -> str:
        return agent_metadata(self)

    def to_bytes(self) -> bytes:
        """The agent (its graph, values, generator and history) in the library's format."""
        return bytes(self._core.to_bytes(self._metadata()))

    @classmethod
    def from_bytes(cls, data: bytes, *, origin: str = "<bytes>") -> ExperienceAgent:
        """An agent from :meth:`to_bytes` output.

        Raises:
            FileFormatError: Truncated, corrupted, foreign or inconsistent data.
        """
        core, meta_text = ExperienceCore.from_bytes(bytes(data), origin)
        agent: ExperienceAgent = cls._from_experience(core, meta_text, origin)
        return agent

    @classmethod
    def _from_experience(cls, core: ExperienceCore, meta_text: str, origin: str) -> Any:
        agent = object.__new__(cls)
        restore_agent(agent, core, meta_text, origin)
        agent._init_sb3(None, None, 0)
        return agent

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the agent to ``path`` atomically (temporary file + rename)."""
        self._core.save(_path("path", path), self._metadata())

    @classmethod
    def _read(cls, origin: str) -> Any:
        core, meta_text = ExperienceCore.load(origin)
        return cls._from_experience(core, meta_text, origin)

    def _repr_html_(self) -> str:
        from hebbian_brain.viz._notebook import experience_repr_html

        return experience_repr_html(self)

    def to_networkx(self, *, max_nodes: int | None = 2000, seed: int = 0) -> Any:
        """The planned step-nodes and their links as a ``networkx.DiGraph``.

        See :func:`hebbian_brain.viz.experience_networkx` (a seeded sample above ``max_nodes``).
        """
        from hebbian_brain.viz import experience_networkx

        return experience_networkx(self, max_nodes=max_nodes, seed=seed)

    def __repr__(self) -> str:
        try:
            nodes = self._core.node_count
        except StateError:
            return f"ExperienceAgent(n_actions={self._n}, in use by another thread)"
        return (
            f"ExperienceAgent(n_actions={self._n}, dim={self._dim}, episodes={self._episodes}, "
            f"steps={self._steps}, nodes={nodes})"
        )


register_box_agent(ExperienceAgent)
