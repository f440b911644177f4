"""Agents that act from a graph brain in Gymnasium environments.

An :class:`Agent` keeps one :class:`~hebbian_brain.Brain`: a node per (state, action)
experience, a plastic synapse between consecutive experiences. It acts from the graph (node
values plus a bonus from the synapse leading out of the previous experience), learns every step
with the three-factor rule and TD(λ) on node values, and consolidates in dreams between episodes.

Two ways to drive it:

* the step API, inside your own loop: ``act(obs)``, ``observe(reward, next_obs, terminated,
  truncated)``, ``end_episode()``, ``dream()``;
* the stable-baselines3-style API: ``learn(env, episodes=...)``, ``predict(obs)``,
  ``save(path)`` / ``Agent.load(path)``.
"""

from __future__ import annotations

import json
import numbers
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from hebbian_brain._agent_history import EpisodeRecord, History
from hebbian_brain._agent_spaces import (
    MAX_ACTIONS,
    _action_space_n,
    _builtin_core,
    _Encoder,
    _space_module,
)
from hebbian_brain._core import (
    AgentCore,
    AgentParams,
    Brain,
    BrainConfig,
    DreamReport,
    FileFormatError,
    InvalidArgumentError,
    StateError,
)
from hebbian_brain._file_guard import check_container_file
from hebbian_brain._metadata import Metadata

__all__ = ["Agent", "AgentParams", "EpisodeRecord", "History"]

_FORMAT = "hebbian_brain.Agent/1"


class Agent:
    """A graph-brain agent for any Gymnasium environment with ``Discrete`` actions.

    Args:
        action_space_or_n: A ``gymnasium.spaces.Discrete`` action space, a number of actions,
            or an environment (its action and observation spaces are used).
        config: A :class:`~hebbian_brain.BrainConfig` for a new brain (None: defaults), or an
            existing :class:`~hebbian_brain.Brain` to act with (and keep training).
        seed: Seeds the agent's exploration and its brain (None: from the OS).
        observation: The observation space (``Discrete``, ``MultiDiscrete``, ``Tuple``, ...;
            observations are checked against it), a :class:`Discretizer` for ``Box`` spaces, or
            None (any hashable observation: ints, tuples, integer arrays, str, bytes).
        params: :class:`AgentParams` (exploration, synapse bonus, dreaming, pruning).

    Raises:
        TypeError: The action space is not ``Discrete``.
        InvalidArgumentError: A ``Box`` observation space without a discretizer.

    Example:
        >>> import gymnasium as gym, hebbian_brain as hb
        >>> env = gym.make("hebbian_brain/GridWorld-v0")
        >>> agent = hb.Agent(env, seed=0).learn(env, episodes=50)
        >>> action, _ = agent.predict(0, deterministic=True)
    """

    def __init__(
        self,
        action_space_or_n: Any,
        config: Any = None,
        *,
        seed: int | None = None,
        observation: Any = None,
        params: AgentParams | None = None,
    ) -> None:
        if hasattr(action_space_or_n, "action_space") and hasattr(
            action_space_or_n, "observation_space"
        ):
            env = action_space_or_n
            action_space_or_n = env.action_space
            if observation is None:
                observation = env.observation_space
        self._n, self._start, self.action_space = _action_space_n(action_space_or_n)
        if params is not None and not isinstance(params, AgentParams):
            raise TypeError(f"params must be an AgentParams, got {type(params).__name__}")
        self._encoder = _Encoder(observation)
        self._seed = seed
        self._reset_seed_used = False
        self._core = self._make_core(config, params, seed)

    def _make_core(self, config: Any, params: AgentParams | None, seed: int | None) -> AgentCore:
        kwargs: dict[str, Any] = {}
        if isinstance(config, Brain):
            kwargs["brain"] = config
        elif isinstance(config, BrainConfig):
            kwargs["config"] = config
        elif config is not None:
            raise TypeError(
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
            raise TypeError(f"params must be an AgentParams, got {type(value).__name__}")
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
        """Real steps observed so far."""
        return int(self._core.steps)

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
                a = self._core.act_index(enc.index("obs", obs))
            else:
                a = self._core.act(enc.hash("obs", obs))
        except OverflowError:
            raise InvalidArgumentError(
                f"invalid argument `obs`: {obs!r} is outside the observation space {enc.space}"
            ) from None
        return a + self._start

    def observe(self, reward: float, next_obs: Any, terminated: bool, truncated: bool) -> None:
        """Reports the outcome of the last action; a final step ends the episode.

        Raises:
            StateError: No action is waiting for its outcome (``observe`` before ``act``).
            InvalidArgumentError: A NaN or infinite reward, or ``next_obs`` outside the space.
        """
        if not isinstance(reward, numbers.Real):
            raise TypeError(f"reward must be a real number, got {type(reward).__name__}")
        enc = self._encoder
        try:
            if enc.kind == "index":
                self._core.observe_index(
                    float(reward),
                    enc.index("next_obs", next_obs),
                    bool(terminated),
                    bool(truncated),
                )
            else:
                self._core.observe(
                    float(reward), enc.hash("next_obs", next_obs), bool(terminated), bool(truncated)
                )
        except OverflowError:
            raise InvalidArgumentError(
                f"invalid argument `next_obs`: {next_obs!r} is outside the observation space "
                f"{enc.space}"
            ) from None

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
        env: Any,
        total_timesteps: int | None = None,
        episodes: int | None = None,
        dream_every: int = 1,
        callback: Callable[[Agent, EpisodeRecord], bool | None] | None = None,
        progress_bar: bool = False,
    ) -> Agent:
        """Trains in ``env`` for ``episodes`` episodes or ``total_timesteps`` steps.

        The built-in Chain, GridWorld, DeepSea and RiverSwim run entirely in Rust (GIL
        released) when trained by episodes without a callback. Any other Gymnasium environment
        with ``Discrete`` actions runs through :meth:`act` / :meth:`observe`.

        Args:
            env: A Gymnasium environment.
            total_timesteps: Stop after this many steps (the episode in progress is ended).
            episodes: Stop after this many episodes.
            dream_every: Dream after every this many episodes (0: never).
            callback: Called after each episode as ``callback(agent, record)``; returning False
                stops training.
            progress_bar: Show a tqdm progress bar.

        Returns:
            self
        """
        if (total_timesteps is None) == (episodes is None):
            raise InvalidArgumentError(
                "invalid argument `total_timesteps, episodes`: give exactly one of them"
            )
        budget = total_timesteps if total_timesteps is not None else episodes
        if not _is_count(budget):
            raise InvalidArgumentError(
                f"invalid argument `{'total_timesteps' if episodes is None else 'episodes'}`: "
                f"must be a non-negative integer, got {budget!r}"
            )
        if not _is_count(dream_every):
            raise InvalidArgumentError(
                f"invalid argument `dream_every`: must be an integer >= 0, got {dream_every!r}"
            )
        self._check_env(env)
        bar = _progress(progress_bar, budget, "episodes" if episodes is not None else "steps")
        try:
            core_env = _builtin_core(env)
            if core_env is not None and episodes is not None and callback is None:
                self._seed_builtin(env)
                chunk = max(1, int(episodes) // 100) if bar is not None else int(episodes)
                done = 0
                while done < episodes:
                    n = min(chunk, int(episodes) - done)
                    self._core.run_episodes(core_env, n, int(dream_every))
                    done += n
                    if bar is not None:
                        bar.update(n)
            else:
                self._learn_loop(env, total_timesteps, episodes, int(dream_every), callback, bar)
        finally:
            if bar is not None:
                bar.close()
        return self

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
            raise TypeError(
                "env: run_episodes needs a built-in ChainEnv, GridWorldEnv, DeepSeaEnv or "
                "RiverSwimEnv without wrappers "
                f"that change its dynamics, got {env!r}; use learn() for other environments"
            )
        for name, value in (("episodes", episodes), ("dream_every", dream_every)):
            if not _is_count(value):
                raise InvalidArgumentError(
                    f"invalid argument `{name}`: must be an integer >= 0, got {value!r}"
                )
        self._check_env(env)
        self._seed_builtin(env)
        n = self._core.run_episodes(core_env, int(episodes), int(dream_every))
        # The newest records (the history keeps at most params.history_limit of them).
        h = self.history
        return [h[i] for i in range(max(0, len(h) - n), len(h))]

    def _check_env(self, env: Any) -> None:
        spaces = _space_module()
        space = getattr(env, "action_space", None)
        if not isinstance(space, spaces.Discrete):
            raise TypeError(
                f"env: the action space must be gymnasium.spaces.Discrete, got {space!r}"
            )
        if int(space.n) != self._n:
            raise InvalidArgumentError(
                f"invalid argument `env`: it has {int(space.n)} actions, the agent {self._n}"
            )

    def _first_reset_seed(self) -> int | None:
        if self._reset_seed_used or self._seed is None:
            return None
        self._reset_seed_used = True
        return int(self._seed)

    def _seed_builtin(self, env: Any) -> None:
        seed = self._first_reset_seed()
        if seed is not None:
            env.reset(seed=seed)

    def _learn_loop(
        self,
        env: Any,
        total_timesteps: int | None,
        episodes: int | None,
        dream_every: int,
        callback: Callable[[Agent, EpisodeRecord], bool | None] | None,
        bar: Any,
    ) -> None:
        self._core.end_episode()
        steps = episodes_done = 0
        while True:
            if episodes is not None and episodes_done >= episodes:
                return
            if total_timesteps is not None and steps >= total_timesteps:
                return
            obs, _ = env.reset(seed=self._first_reset_seed())
            while True:
                action = self.act(obs)
                obs, reward, terminated, truncated, _ = env.step(action)
                self.observe(reward, obs, terminated, truncated)
                steps += 1
                if bar is not None and total_timesteps is not None:
                    bar.update(1)
                if terminated or truncated:
                    break
                if total_timesteps is not None and steps >= total_timesteps:
                    self._core.end_episode()
                    break
            episodes_done += 1
            if bar is not None and episodes is not None:
                bar.update(1)
            if dream_every > 0 and self._core.episodes % dream_every == 0:
                self._core.dream()
            if callback is not None:
                # Only the last record: building the whole history each episode is quadratic.
                ret, length, terminated, dream = self._core.last_record()
                if callback(self, EpisodeRecord(ret, length, terminated, dream)) is False:
                    return

    def predict(
        self,
        observation: Any,
        state: Any = None,
        episode_start: Any = None,
        deterministic: bool = False,
    ) -> tuple[Any, Any]:
        """The action for ``observation`` without learning (stable-baselines3 signature).

        A batch of observations (a numpy array with one more leading axis than the space, as SB3
        vector environments give) returns an array of actions. ``state`` is passed through
        unchanged (the agent is not recurrent), so SB3's ``evaluate_policy`` works as is.

        Args:
            observation: One observation or a batch.
            state: Ignored, returned as is.
            episode_start: Ignored.
            deterministic: The best-valued action (ties to the lowest index; untried actions
                score ``params.untried_value``) instead of an exploring draw.
        """
        enc = self._encoder
        n = enc.batch_size(observation)
        if n is not None:
            actions = np.array(
                [self._predict_one(o, deterministic) for o in observation], dtype=np.int64
            )
            return actions, state
        return self._predict_one(observation, deterministic), state

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
            f"{self.num_timesteps} steps, {self._core.episodes} episodes"
        )

    def to_dot(self, min_weight: float = 0.0, show_state_hash: bool = False) -> str:
        """The brain as Graphviz DOT text (see :func:`hebbian_brain.viz.render_brain`)."""
        return self.brain.to_dot(min_weight=min_weight, show_state_hash=show_state_hash)

    def evaluate(self, env: Any, episodes: int = 1, *, max_steps: int = 100_000) -> np.ndarray:
        """Returns of ``episodes`` greedy episodes in ``env`` (no learning, no exploration).

        An episode still running after ``max_steps`` steps is cut (its partial return counts).
        """
        returns = np.empty(int(episodes))
        for i in range(int(episodes)):
            obs, _ = env.reset()
            total = 0.0
            for _ in range(max_steps):
                action, _ = self.predict(obs, deterministic=True)
                obs, reward, terminated, truncated, _ = env.step(action)
                total += float(reward)
                if terminated or truncated:
                    break
            returns[i] = total
        return returns

    # ------------------------------------------------------------------ persistence
    def _metadata(self) -> str:
        return json.dumps(
            {
                "format": _FORMAT,
                "n_actions": self._n,
                "action_start": self._start,
                "observation": self._encoder.to_json(),
                "seed": self._seed,
            }
        )

    def to_bytes(self) -> bytes:
        """The agent (with its brain and history) as bytes in the library's file format."""
        return self._core.to_bytes(self._metadata())

    @classmethod
    def from_bytes(cls, data: bytes, *, origin: str = "<bytes>") -> Agent:
        """An agent from :meth:`to_bytes` output.

        Raises:
            FileFormatError: Truncated, corrupted or foreign data.
        """
        core, meta_text = AgentCore.from_bytes(bytes(data), origin)
        return cls._from_core(core, meta_text, origin)

    @classmethod
    def _from_core(cls, core: AgentCore, meta_text: Any, origin: str = "<bytes>") -> Agent:
        meta = Metadata.parse(origin, "agent", meta_text)
        meta.string("format", equal=_FORMAT)
        n = meta.integer("n_actions", low=1, high=MAX_ACTIONS)
        start = meta.integer("action_start", low=-(2**63), high=2**63 - 1 - n)
        seed = meta.integer("seed", low=0, none=True)
        observation = meta.mapping("observation", none=True)
        if n != core.n_actions:
            raise meta.bad("n_actions", f"is {n}, but the agent in the file has {core.n_actions}")
        spaces = _space_module()
        try:
            action_space = spaces.Discrete(n, start=start)
            encoder = _Encoder(_Encoder.from_json(observation))
        except FileFormatError as e:
            raise FileFormatError(f"{origin}: {e}") from None
        except (KeyError, TypeError, ValueError, AssertionError, OverflowError) as e:
            # gymnasium checks its arguments with assert
            raise meta.bad("observation", f"does not describe a space ({e!r})") from None
        agent = cls.__new__(cls)
        agent._n = n
        agent._start = start
        agent.action_space = action_space
        agent._encoder = encoder
        agent._seed = seed
        agent._reset_seed_used = True
        core.set_discrete(agent._encoder.discrete)
        agent._core = core
        return agent

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the agent to ``path`` atomically (temporary file + rename)."""
        self._core.save(os.fspath(path), self._metadata())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Agent:
        """Reads an agent written by :meth:`save`.

        Raises:
            FileNotFoundError: No such file.
            FileFormatError: Truncated, corrupted, foreign or unknown-version file, damaged
                metadata, or not a regular file (a device, FIFO or socket is refused unread).
        """
        origin = os.fspath(path)
        check_container_file(origin, b"AGT1")
        core, meta_text = AgentCore.load(origin)
        return cls._from_core(core, meta_text, origin)

    def __getstate__(self) -> dict[str, Any]:
        return {"bytes": self.to_bytes()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        other = Agent.from_bytes(state["bytes"], origin="<pickle>")
        self.__dict__.update(other.__dict__)

    def __repr__(self) -> str:
        try:
            head = (
                f"Agent(n_actions={self._n}, episodes={self._core.episodes}, "
                f"steps={self.num_timesteps}"
            )
        except StateError:  # the agent is busy in a GIL-released call in another thread
            return f"Agent(n_actions={self._n}, in use by another thread)"
        try:
            b = self.brain
            return f"{head}, nodes={b.node_count}, synapses={b.edge_count})"
        except StateError:  # the brain is borrowed by a GIL-released call in another thread
            return f"{head}, brain in use)"


def _is_count(value: Any) -> bool:
    """A non-negative integer (a bool is not a count)."""
    return (
        isinstance(value, (int, np.integer))
        and not isinstance(value, (bool, np.bool_))
        and value >= 0
    )


def _progress(enabled: bool, total: int, unit: str) -> Any:
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=int(total), unit=unit[:-1], desc="training")
