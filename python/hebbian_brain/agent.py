"""Agents that act from a graph brain in Gymnasium environments.

An :class:`Agent` keeps one :class:`~hebbian_brain.Brain`: a node per (state, action)
experience, a plastic synapse between consecutive experiences. It acts from the graph (node
values plus a bonus from the synapse leading out of the previous experience), learns every step
with the three-factor rule and TD(λ) on node values, and consolidates in dreams between episodes.

Two ways to drive it:

* the step API, inside your own loop: ``act(obs)``, ``observe(reward, next_obs, terminated,
  truncated)``, ``end_episode()``, ``dream()``;
* the stable-baselines3 API: ``Agent(env)``, ``learn(total_timesteps=..., callback=...)``,
  ``predict(obs)``, ``save(path)`` / ``Agent.load(path, env=env)``, ``get_env`` / ``set_env``,
  ``get_parameters`` / ``set_parameters``, callbacks (:mod:`hebbian_brain.callbacks`) and a
  logger (:mod:`hebbian_brain.logger`). ``learn`` also takes a Gymnasium ``VectorEnv``.
"""

from __future__ import annotations

import logging
import numbers
import os
from typing import TYPE_CHECKING, Any

import numpy as np

from hebbian_brain._agent_dispatch import (
    BOX_AGENT_KIND,
    box_agent_for,
    make_env,
    registered_box_agent,
)
from hebbian_brain._agent_file import agent_metadata, restore_agent
from hebbian_brain._agent_history import EpisodeRecord, History
from hebbian_brain._agent_sb3 import SB3Surface
from hebbian_brain._agent_spaces import (
    _action_space_n,
    _builtin_core,
    _Encoder,
    labels_of,
)
from hebbian_brain._core import (
    AgentCore,
    AgentParams,
    ArgumentTypeError,
    Brain,
    BrainConfig,
    DreamReport,
    InvalidArgumentError,
    StateError,
)
from hebbian_brain._file_guard import holds_kind
from hebbian_brain._learn_loop import check_budget, check_log_interval, learn_target, train
from hebbian_brain._persist import FileSurface
from hebbian_brain._state_memory import StateMemory
from hebbian_brain._validate import is_count as _is_count
from hebbian_brain._validate import path as _path
from hebbian_brain._vector import is_vector_env

if TYPE_CHECKING:
    import numpy.typing as npt


_log = logging.getLogger(__name__)

__all__ = ["Agent", "AgentParams", "EpisodeRecord", "History"]


class Agent(SB3Surface, FileSurface):
    """A graph-brain agent for any Gymnasium environment with ``Discrete`` actions.

    Args:
        action_space_or_n: An environment (its spaces are used and it is bound to the agent, as
            in stable-baselines3: ``learn`` then needs no env), a Gymnasium id (made with
            ``gymnasium.make``), a Gymnasium ``VectorEnv`` (its single-copy spaces), a
            ``gymnasium.spaces.Discrete`` action space, or a number of actions.
        config: A :class:`~hebbian_brain.BrainConfig` for a new brain (None: defaults), or an
            existing :class:`~hebbian_brain.Brain` to act with (and keep training).
        seed: Seeds the agent's exploration and its brain (None: from the OS).
        observation: The observation space (``Discrete``, ``MultiDiscrete``, ``Tuple``, ...;
            observations are checked against it), a :class:`Discretizer` or
            :class:`~hebbian_brain.QuantileDiscretizer`, or None (the environment's space, or
            any hashable observation: ints, tuples, integer arrays, str, bytes). A ``Box``
            observation space with no ``config`` or ``params`` makes the agent an
            :class:`~hebbian_brain.ExperienceAgent` (every step a node; no bins to choose);
            with either, or given a discretizer, it is this grid agent (a ``Box`` then gets the
            default :class:`~hebbian_brain.QuantileDiscretizer`).
        params: :class:`AgentParams` (exploration, synapse bonus, dreaming, pruning).
        tensorboard_log: A folder for TensorBoard runs (one sub-folder per ``learn``, named
            from ``tb_log_name``; needs the ``tensorboard`` extra), or None.
        verbose: 1 also logs the training metrics to stdout.

    Raises:
        TypeError: The action space is not ``Discrete``.

    Example:
        >>> import gymnasium as gym, hebbian_brain as hb
        >>> env = gym.make("hebbian_brain/GridWorld-v0")
        >>> agent = hb.Agent(env, seed=0).learn(total_timesteps=2_000)
        >>> action, _ = agent.predict(0, deterministic=True)
    """

    #: The environment ``__new__`` made from a Gymnasium id (read by the Box agent's init).
    _made_env: Any = None

    def __new__(
        cls,
        action_space_or_n: Any = None,
        config: Any = None,
        *,
        observation: Any = None,
        params: Any = None,
        **kwargs: Any,
    ) -> Agent:
        """An :class:`~hebbian_brain.ExperienceAgent` for a ``Box`` space (see ``observation``)."""
        if cls is Agent:
            box: Agent | None = box_agent_for(action_space_or_n, config, observation, params)
            if box is not None:
                return box
        return object.__new__(cls)

    def __init__(
        self,
        action_space_or_n: Any,
        config: BrainConfig | Brain | None = None,
        *,
        seed: int | None = None,
        observation: Any = None,
        params: AgentParams | None = None,
        tensorboard_log: str | os.PathLike[str] | None = None,
        verbose: int = 0,
    ) -> None:
        self._state_labels: Any = None  # how pictures name states and actions (viz._labels)
        env = env_space = None
        if isinstance(action_space_or_n, str):
            action_space_or_n = make_env(action_space_or_n)
        if is_vector_env(action_space_or_n):
            env = action_space_or_n
            action_space_or_n = env.single_action_space
            env_space = env.single_observation_space
            if observation is None:
                observation = env_space
        elif hasattr(action_space_or_n, "action_space") and hasattr(
            action_space_or_n, "observation_space"
        ):
            env = action_space_or_n
            action_space_or_n = env.action_space
            self._state_labels = labels_of(env)
            env_space = env.observation_space
            if observation is None:
                observation = env_space
        self._n, self._start, self.action_space = _action_space_n(action_space_or_n)
        if params is not None and not isinstance(params, AgentParams):
            raise ArgumentTypeError(f"params must be an AgentParams, got {type(params).__name__}")
        self._encoder = _Encoder(observation, env_space)
        self._seed = seed
        self._reset_seed_used = False
        self._core = self._make_core(config, params, seed)
        self._state_memory = StateMemory()
        self._init_sb3(env, tensorboard_log, verbose)

    def _make_core(self, config: Any, params: AgentParams | None, seed: int | None) -> AgentCore:
        kwargs: dict[str, Any] = {}
        if isinstance(config, Brain):
            kwargs["brain"] = config
        elif isinstance(config, BrainConfig):
            kwargs["config"] = config
        elif config is not None:
            raise ArgumentTypeError(
                f"config must be a BrainConfig, a Brain or None, got {type(config).__name__}"
            )
        return AgentCore(
            self._n, params=params, seed=seed, discrete=self._encoder.discrete, **kwargs
        )

    # ------------------------------------------------------------------ properties
    @property
    def n_actions(self) -> int:
        """Number of actions."""
        return self._n

    @property
    def observation(self) -> Any:
        """The observation space or discretizer the agent was built with (or None)."""
        return self._encoder.discretizer or self._encoder.space

    @property
    def params(self) -> AgentParams:
        """The agent's parameters (assign a new :class:`AgentParams` to change them)."""
        return self._core.params

    @params.setter
    def params(self, value: AgentParams) -> None:
        if not isinstance(value, AgentParams):
            raise ArgumentTypeError(f"params must be an AgentParams, got {type(value).__name__}")
        self._core.params = value

    @property
    def brain(self) -> Brain:
        """The agent's live :class:`~hebbian_brain.Brain` (changes to it affect the agent)."""
        return self._core.brain

    @property
    def history(self) -> History:
        """Per-episode returns, lengths and dream reports (a snapshot).

        Holds the last ``params.history_limit`` episodes (default 100 000; 0 keeps all), so a
        long run does not grow without end.
        """
        returns, lengths, terminated = self._core.history_arrays()
        return History(
            returns, lengths.astype(np.int64), terminated, list(self._core.history_dreams())
        )

    @property
    def num_timesteps(self) -> int:
        """Real steps the agent has learned from (all copies of a VectorEnv included).

        Steps survive ``save`` / ``load`` and pickling, except those of the copies other than the
        first of a ``VectorEnv`` (their learning is in the brain; the count is not in the file).
        """
        return int(self._core.steps) + self._vector_steps

    # ------------------------------------------------------------------ step API
    def act(self, obs: Any) -> int:
        """Chooses an action for ``obs`` (exploring) and learns the step before it.

        Raises:
            InvalidArgumentError: ``obs`` is outside the observation space.
            StateError: The previous action was not reported with :meth:`observe`.
        """
        enc = self._encoder
        try:
            if enc.kind == "index":
                key = enc.learning_index(self._core, "obs", obs)
                a = self._core.act_index(key)
            else:
                key = enc.hash("obs", obs)
                a = self._core.act(key)
        except OverflowError:
            raise InvalidArgumentError(
                f"invalid argument `obs`: {obs!r} is outside the observation space {enc.space}"
            ) from None
        if enc.kind == "hash" or enc.discretizer is not None:  # names states in pictures
            self._state_memory.remember(key, obs)
        return a + self._start

    def observe(self, reward: float, next_obs: Any, terminated: bool, truncated: bool) -> None:
        """Reports the outcome of the last action; a final step ends the episode.

        Raises:
            StateError: No action is waiting for its outcome (``observe`` before ``act``).
            InvalidArgumentError: A NaN or infinite reward, or ``next_obs`` outside the space.
        """
        if not isinstance(reward, numbers.Real):
            raise ArgumentTypeError(f"reward must be a real number, got {type(reward).__name__}")
        for name, flag in (("terminated", terminated), ("truncated", truncated)):
            if not isinstance(flag, (bool, np.bool_)):  # bool(array) would be ambiguous
                raise ArgumentTypeError(f"{name} must be a bool, got {type(flag).__name__}")
        enc = self._encoder
        try:
            if enc.kind == "index":
                key = enc.learning_index(self._core, "next_obs", next_obs, float(reward))
                self._core.observe_index(float(reward), key, bool(terminated), bool(truncated))
            else:
                key = enc.hash("next_obs", next_obs)
                self._core.observe(float(reward), key, bool(terminated), bool(truncated))
        except OverflowError:
            raise InvalidArgumentError(
                f"invalid argument `next_obs`: {next_obs!r} is outside the observation space "
                f"{enc.space}"
            ) from None
        if enc.kind == "hash" or enc.discretizer is not None:
            self._state_memory.remember(key, next_obs)

    def end_episode(self) -> EpisodeRecord | None:
        """Ends the episode in progress early (the last observed step is learned as truncated).

        Returns the episode's record, or None when no episode was in progress (e.g. it already
        ended with a terminated/truncated :meth:`observe`).
        """
        rec = self._core.end_episode()
        if rec is None:
            return None
        return EpisodeRecord(rec[0], rec[1], rec[2], None)

    def dream(self) -> DreamReport:
        """Dreams ``params.dream_cycles`` cycles (replay with value backups); returns the report."""
        return self._core.dream()

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
        dream_every: int = 1,
    ) -> Agent:
        """Trains for ``total_timesteps`` steps or ``episodes`` episodes (stable-baselines3).

        The environment is the one bound at construction or with :meth:`set_env`; one given
        here (``learn(env, ...)`` or ``env=``) is used for this call only. A Gymnasium
        ``VectorEnv`` trains **one shared brain** from all its copies: each copy keeps its own
        trajectory (previous experience, episode return) while nodes, synapses, values and
        eligibility traces live in the one brain; ``total_timesteps`` counts the steps of all
        copies. Its autoreset mode is read from its metadata (Gymnasium 1.x: next-step by
        default, same-step and disabled handled too).

        The built-in Chain, GridWorld, DeepSea and RiverSwim run entirely in Rust (GIL
        released) when trained by ``episodes`` and no callback needs the per-step hook. Any
        other environment runs through :meth:`act` / :meth:`observe`.

        Args:
            total_timesteps_or_env: ``total_timesteps`` given by position (stable-baselines3's
                ``learn(10_000)``), or an environment (the older ``learn(env, ...)`` form).
            callback: A :class:`~hebbian_brain.callbacks.BaseCallback`, a list of them, or a
                function ``callback(agent, record)`` called after each episode (returning
                False stops training).
            log_interval: Write the logger's metrics every this many episodes.
            tb_log_name: Name of the TensorBoard run folder (``{tb_log_name}_{i}`` under
                ``tensorboard_log``).
            reset_num_timesteps: Start a new TensorBoard run (True) or continue the latest one.
                ``num_timesteps`` itself always counts every step the agent has learned from.
            progress_bar: Show a tqdm progress bar.
            total_timesteps: Stop after this many steps (the episode in progress is ended).
            env: The environment for this call (default: the bound one).
            episodes: Stop after this many episodes instead.
            dream_every: Dream after every this many episodes (0: never).

        Returns:
            self

        Raises:
            InvalidArgumentError: No environment, a bad budget, or an environment whose
                spaces do not match the agent's.
        """
        from hebbian_brain._agent_learn import Training

        run = self._train(
            Training,
            (total_timesteps_or_env, env, total_timesteps, episodes, dream_every),
            callback=callback,
            log_interval=log_interval,
            tb_log_name=tb_log_name,
            reset_num_timesteps=reset_num_timesteps,
            progress_bar=progress_bar,
        )
        _log.info(
            "learned %d episodes, %d steps; brain: %s",
            run.episodes_done,
            run.steps,
            self.brain_summary(),
        )
        return self

    def _train(self, loop: Any, budget: tuple[Any, ...], **options: Any) -> Any:
        """``learn``'s checks, then ``loop`` run by :func:`~hebbian_brain._learn_loop.train`.

        ``budget`` is ``(total_timesteps_or_env, env, total_timesteps, episodes, dream_every)``
        as ``learn`` got them; ``options`` its callback, logging and progress-bar arguments.
        """
        first, env, total_timesteps, episodes, dream_every = budget
        env, total_timesteps = learn_target(self, first, env, total_timesteps, options["callback"])
        check_budget(total_timesteps, episodes)
        if not _is_count(dream_every):
            raise InvalidArgumentError(
                f"invalid argument `dream_every`: must be an integer in [0, 2**63), "
                f"got {dream_every!r}"
            )
        check_log_interval(options["log_interval"])
        self._check_env(env)
        if self._state_labels is None:
            self._state_labels = labels_of(env)
        return train(
            loop, self, env, total_timesteps, episodes, **options, dream_every=int(dream_every)
        )

    def run_episodes(self, env: Any, episodes: int, dream_every: int = 1) -> list[EpisodeRecord]:
        """Runs whole episodes of a built-in environment inside Rust, the GIL released.

        Args:
            env: ``ChainEnv``, ``GridWorldEnv``, ``DeepSeaEnv`` or ``RiverSwimEnv`` (bare or as
                ``gymnasium.make`` returns them, without wrappers that change the dynamics).
            episodes: Number of episodes.
            dream_every: Dream after every this many episodes (0: never).

        Returns:
            The records of the new episodes.

        Raises:
            TypeError: ``env`` is not a built-in environment (use :meth:`learn`).
        """
        core_env = _builtin_core(env)
        if core_env is None:
            raise ArgumentTypeError(
                "env: run_episodes needs a built-in ChainEnv, GridWorldEnv, DeepSeaEnv or "
                "RiverSwimEnv without wrappers "
                f"that change its dynamics, got {env!r}; use learn() for other environments"
            )
        for name, value in (("episodes", episodes), ("dream_every", dream_every)):
            if not _is_count(value):
                raise InvalidArgumentError(
                    f"invalid argument `{name}`: must be an integer in [0, 2**63), got {value!r}"
                )
        self._check_env(env)
        self._seed_builtin(env)
        n = self._core.run_episodes(core_env, int(episodes), int(dream_every))
        # The newest records (the history keeps at most params.history_limit of them).
        h = self.history
        return [h[i] for i in range(max(0, len(h) - n), len(h))]

    def _first_reset_seed(self) -> int | None:
        if self._reset_seed_used or self._seed is None:
            return None
        self._reset_seed_used = True
        return int(self._seed)

    def _seed_builtin(self, env: Any) -> None:
        seed = self._first_reset_seed()
        if seed is not None:
            env.reset(seed=seed)

    def predict(
        self,
        observation: Any,
        state: Any = None,
        episode_start: Any = None,
        deterministic: bool = False,
    ) -> tuple[npt.NDArray[np.int64], Any]:
        """The action for ``observation`` without learning (stable-baselines3's contract).

        One observation gives a 0-d int64 array (as stable-baselines3 returns for a
        ``Discrete`` action space); a batch gives an int64 array ``[n]``. A batch is a numpy
        array with one more leading axis than the space, a list of observations, or, for a
        ``Tuple`` observation space, the tuple of arrays a Gymnasium ``VectorEnv`` gives
        (Blackjack's ``make_vec`` observations). ``state`` is passed through unchanged (the
        agent is not recurrent), so SB3's ``evaluate_policy`` works as is.

        Args:
            observation: One observation or a batch.
            state: Ignored, returned as is.
            episode_start: Ignored.
            deterministic: The best-valued action (ties to the lowest index; untried actions
                score ``params.untried_value``) instead of an exploring draw.
        """
        batch = self._encoder.batch_of(observation)
        if batch is not None:
            if len(batch) == 0:
                return np.empty(0, dtype=np.int64), state
            # The first observation is checked before the (possibly huge) output is made.
            first = self._predict_one(batch[0], deterministic)
            actions = np.empty(len(batch), dtype=np.int64)
            actions[0] = first
            for i in range(1, len(batch)):
                actions[i] = self._predict_one(batch[i], deterministic)
            return actions, state
        return np.array(self._predict_one(observation, deterministic), dtype=np.int64), state

    def _predict_one(self, obs: Any, deterministic: bool) -> int:
        enc = self._encoder
        if enc.kind == "index":
            i = enc.index("observation", obs)
            if not -(2**63) <= i < 2**63:
                raise InvalidArgumentError(
                    f"invalid argument `observation`: {obs!r} is outside the observation space "
                    f"{enc.space}"
                )
            a = self._core.greedy_index(i) if deterministic else self._core.sample_index(i)
        else:
            h = enc.hash("observation", obs)
            a = self._core.greedy(h) if deterministic else self._core.sample(h)
        return a + self._start

    def brain_summary(self) -> str:
        """One line: nodes, synapses and steps of the brain."""
        b = self.brain
        return (
            f"{b.node_count} nodes, {b.edge_count} synapses, "
            f"{self._core.steps} steps, {self._core.episodes} episodes"
        )

    def to_dot(self, min_weight: float = 0.0, show_state_hash: bool = False) -> str:
        """The brain as Graphviz DOT text (see :func:`hebbian_brain.viz.render_brain`)."""
        return self.brain.to_dot(min_weight=min_weight, show_state_hash=show_state_hash)

    def evaluate(self, env: Any, episodes: int = 1, *, max_steps: int = 100_000) -> np.ndarray:
        """Returns of ``episodes`` greedy episodes in ``env`` (no learning, no exploration).

        An episode still running after ``max_steps`` steps is cut (its partial return counts).
        """
        from hebbian_brain.evaluation import greedy_returns

        return greedy_returns(self, env, int(episodes), max_steps)

    # ------------------------------------------------------------------ persistence
    def _metadata(self) -> str:
        return agent_metadata(self)

    def to_bytes(self) -> bytes:
        """The agent (with its brain and history) as bytes in the library's file format."""
        return self._core.to_bytes(self._metadata())

    @classmethod
    def from_bytes(cls, data: bytes, *, origin: str = "<bytes>") -> Agent:
        """An agent from :meth:`to_bytes` output.

        Raises:
            FileFormatError: Truncated, corrupted or foreign data.
        """
        data = bytes(data)
        box_agent = registered_box_agent()
        if box_agent is not None and data[8:12] == BOX_AGENT_KIND:
            loaded: Agent = box_agent.from_bytes(data, origin=origin)
            return loaded
        core, meta_text = AgentCore.from_bytes(data, origin)
        return cls._from_core(core, meta_text, origin)

    @classmethod
    def _from_core(cls, core: AgentCore, meta_text: Any, origin: str = "<bytes>") -> Agent:
        agent = cls.__new__(cls)
        restore_agent(agent, core, meta_text, origin)
        agent._init_sb3(None, None, 0)
        return agent

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the agent to ``path`` atomically (temporary file + rename)."""
        self._core.save(_path("path", path), self._metadata())

    @classmethod
    def load(
        cls, path: str | os.PathLike[str], env: Any = None, *, force_reset: bool = True
    ) -> Agent:
        """Reads an agent written by :meth:`save` and binds ``env`` to it (stable-baselines3).

        Args:
            path: The agent file.
            env: An environment to bind (checked against the agent's spaces), or None.
            force_reset: Accepted for stable-baselines3 compatibility: ``learn`` always starts
                with a reset.

        Raises:
            FileNotFoundError: No such file.
            FileFormatError: Truncated, corrupted, foreign or unknown-version file, damaged
                metadata, or not a regular file (a device, FIFO or socket is refused unread).
            InvalidArgumentError: ``env`` does not match the agent's spaces.
        """
        agent: Agent = cls._load_with_env(path, env)
        return agent

    @classmethod
    def _read(cls, origin: str) -> Agent:
        box_agent = registered_box_agent()
        if box_agent is not None and holds_kind(origin, BOX_AGENT_KIND):
            read: Agent = box_agent._read(origin)
            return read
        core, meta_text = AgentCore.load(origin)
        return cls._from_core(core, meta_text, origin)

    def _repr_html_(self) -> str:
        from hebbian_brain.viz._notebook import agent_repr_html

        return agent_repr_html(self)

    def __repr__(self) -> str:
        try:
            head = (
                f"Agent(n_actions={self._n}, episodes={self._core.episodes}, "
                f"steps={self._core.steps}"
            )
        except StateError:  # the agent is busy in a GIL-released call in another thread
            return f"Agent(n_actions={self._n}, in use by another thread)"
        try:
            b = self.brain
            return f"{head}, nodes={b.node_count}, synapses={b.edge_count})"
        except StateError:  # the brain is borrowed by a GIL-released call in another thread
            return f"{head}, brain in use)"
