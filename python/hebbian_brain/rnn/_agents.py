"""Recurrent agents that learn from reward alone in Gymnasium environments.

A rate network ``x ← x + (dt/τ)(−x + J r + W_in u) + ξ``, ``r = tanh(x)`` reads the scaled
observation ``u`` (and a constant bias input) and acts through its first neurons: the action
whose output neuron has the largest rate (``Discrete``), or ``offset + scale · r`` inside the
bounds (``Box``). The exploratory noise ``ξ`` is the only exploration; the reward tells the
local rule what the noise did, and the weights ``J`` and ``W_in`` change at the end of each
episode (no backpropagation):

* :class:`NodePerturbationAgent` (Miconi 2017): sparse kicks, one modulator per episode
  ``M = (G − Ḡ)/σ̄`` from the return ``G`` against a running baseline;
* :class:`RewardHebbianAgent` (Legenstein et al. 2010; Hoerzer et al. 2014; Miconi 2015):
  Gaussian noise in every neuron, an eligibility trace ``(x_i − x̄_i)·r_j`` decaying by ``γ``
  per step and modulated by every reward.

Equations and sources: ``docs/reference/rules.md`` (§ Recurrent agents). Each step is one call
into Rust; whole episodes of the built-in cognitive tasks (``hebbian_brain.envs``) run in Rust.

Example:
    >>> import gymnasium as gym
    >>> from hebbian_brain.rnn import NodePerturbationAgent
    >>> env = gym.make("CartPole-v1")
    >>> agent = NodePerturbationAgent(env, n_neurons=50, seed=0).learn(episodes=20)
    >>> obs, _ = env.reset(seed=1)
    >>> action, state = agent.predict(obs, deterministic=True)
"""

from __future__ import annotations

import json
import math
import os
from typing import Any, ClassVar

import numpy as np

from hebbian_brain._core import (
    ArgumentTypeError,
    FileFormatError,
    InvalidArgumentError,
    RecurrentAgentCore,
    ShapeError,
)
from hebbian_brain._core import train_population as _train_population
from hebbian_brain._file_guard import check_container_file
from hebbian_brain._learn_loop import check_budget, check_log_interval, train
from hebbian_brain._persist import FileSurface
from hebbian_brain._validate import path as _path
from hebbian_brain.rnn._agent_sb3 import RecurrentSB3Surface, RecurrentTraining
from hebbian_brain.rnn._agent_support import (
    AgentEpisode,
    History,
    _cognitive_core,
    _finite_scaling,
    _space_from_json,
    _space_json,
    _spaces,
    _trial_task_defaults,
)

__all__ = [
    "AgentEpisode",
    "History",
    "NodePerturbationAgent",
    "RewardHebbianAgent",
    "train_population",
]

_FORMAT = "hebbian_brain.rnn.RecurrentAgent/1"


class _RecurrentAgent(RecurrentSB3Surface, FileSurface):
    """Shared machinery of the recurrent agents (see the module docs)."""

    _rule: ClassVar[str] = ""

    def __init__(
        self,
        env: Any,
        n_neurons: int = 100,
        *,
        seed: int | None = None,
        obs_scale: float = 1.0,
        tensorboard_log: str | os.PathLike[str] | None = None,
        verbose: int = 0,
        **params: Any,
    ) -> None:
        spaces = _spaces()
        obs_space = getattr(env, "observation_space", None)
        act_space = getattr(env, "action_space", None)
        name = type(self).__name__
        if not isinstance(obs_space, spaces.Box):
            raise InvalidArgumentError(
                f"invalid argument `env`: {name} needs a Box observation space, got {obs_space!r}"
            )
        if isinstance(act_space, spaces.Discrete):
            action_kw: dict[str, Any] = {"n_actions": int(act_space.n)}
        elif isinstance(act_space, spaces.Box) and len(act_space.shape) == 1:
            a_off, a_half = _finite_scaling(act_space.low, act_space.high)
            action_kw = {"action_offset": a_off.tolist(), "action_scale": a_half.tolist()}
        else:
            raise InvalidArgumentError(
                f"invalid argument `env`: {name} supports Discrete or 1-D Box action spaces, "
                f"got {act_space!r}"
            )
        if not (isinstance(obs_scale, (int, float)) and math.isfinite(obs_scale) and obs_scale > 0):
            raise InvalidArgumentError(
                f"invalid argument `obs_scale`: must be a finite number > 0, got {obs_scale!r}"
            )
        params = {**_trial_task_defaults(self._rule, env), **params}
        offset, half = _finite_scaling(obs_space.low, obs_space.high)
        # Bounded dimensions map to [-1, 1]; unbounded ones are multiplied by obs_scale.
        bounded = np.isfinite(obs_space.low.ravel()) & np.isfinite(obs_space.high.ravel())
        scale = np.full(offset.shape, float(obs_scale))
        scale[bounded] = 1.0 / half[bounded]
        self._core = RecurrentAgentCore(
            self._rule,
            n_neurons,
            offset.tolist(),
            scale.tolist(),
            observation_space=repr(obs_space),
            seed=seed,
            **action_kw,
            **params,
        )
        self.observation_space = obs_space
        self.action_space = act_space
        self.env: Any = env if hasattr(env, "step") else None
        self._seed = None if seed is None else int(seed)  # a numpy int goes into JSON metadata
        self._reset_seed_used = False
        self._obs_shape = tuple(obs_space.shape)
        self._core.metadata = self._metadata()
        self._init_logger(tensorboard_log, verbose)

    # ------------------------------------------------------------------ properties
    @property
    def config(self) -> dict[str, Any]:
        """The network's and the rule's parameters (see ``docs/reference/rules.md``)."""
        return dict(self._core.config)

    def set_params(self, **params: Any) -> None:
        """Changes parameters (``learning_rate=...``, ``noise=...``; the size stays)."""
        self._core.set_params(**params)

    @property
    def n_neurons(self) -> int:
        """N, the number of neurons."""
        return int(self._core.config["n_neurons"])

    @property
    def weights(self) -> np.ndarray:
        """Recurrent weights ``J`` ``[N, N]`` (``[post, pre]``; a copy)."""
        return self._core.weights

    @property
    def input_weights(self) -> np.ndarray:
        """Input weights ``W_in`` ``[N, n_obs + 1]`` (last column: biases; a copy)."""
        return self._core.input_weights

    @property
    def history(self) -> History:
        """Per-episode returns, lengths and modulators (a snapshot)."""
        returns, lengths, modulators = self._core.history()
        return History(returns, lengths.astype(np.int64), modulators)

    @property
    def num_timesteps(self) -> int:
        """Steps taken while learning."""
        return int(self._core.steps)

    @property
    def num_episodes(self) -> int:
        """Episodes learned from."""
        return int(self._core.episodes)

    def get_env(self) -> Any:
        """The environment :meth:`learn` uses by default."""
        return self.env

    def set_env(self, env: Any, force_reset: bool = True) -> None:
        """Sets the environment :meth:`learn` uses (its spaces must match the agent's).

        ``force_reset`` is accepted for stable-baselines3 compatibility: ``learn`` always
        starts with a reset.
        """
        self._check_env(env)
        self.env = env

    # ------------------------------------------------------------------ learning
    def learn(
        self,
        total_timesteps: int | None = None,
        callback: Any = None,
        log_interval: int = 100,
        tb_log_name: str = "run",
        reset_num_timesteps: bool = True,
        progress_bar: bool = False,
        *,
        episodes: int | None = None,
        env: Any = None,
    ) -> Any:
        """Trains for ``total_timesteps`` steps or ``episodes`` episodes; returns self.

        stable-baselines3's signature and callbacks (:mod:`hebbian_brain.callbacks`). The
        built-in cognitive tasks (``hebbian_brain.envs``) run whole episodes in Rust (GIL
        released) when trained by episodes and no callback needs the per-step hook; any other
        environment runs one Rust call per step.

        Args:
            total_timesteps: Stop after this many steps (the episode in progress is learned).
            callback: A :class:`~hebbian_brain.callbacks.BaseCallback`, a list of them, or a
                function ``callback(agent, episode)`` called after each episode with its
                :class:`AgentEpisode` (returning False stops training).
            log_interval: Write the logger's metrics every this many episodes.
            tb_log_name: Name of the TensorBoard run folder under ``tensorboard_log``.
            reset_num_timesteps: Start a new TensorBoard run (True) or continue the latest one.
            progress_bar: Show a tqdm progress bar.
            episodes: Stop after this many episodes instead.
            env: The environment for this call (default: the bound one).

        Raises:
            InvalidArgumentError: Neither or both budgets, a negative one, a NaN reward.
            ShapeError: An observation of the wrong shape.
            TypeError: An observation of the wrong dtype, or a bad callback.
        """
        env = self.env if env is None else env
        if env is None:
            raise InvalidArgumentError("invalid argument `env`: the agent has no environment")
        check_budget(total_timesteps, episodes)
        check_log_interval(log_interval)
        self._check_env(env)
        train(
            RecurrentTraining,
            self,
            env,
            total_timesteps,
            episodes,
            callback=callback,
            log_interval=log_interval,
            tb_log_name=tb_log_name,
            reset_num_timesteps=reset_num_timesteps,
            progress_bar=progress_bar,
        )
        return self

    def _action_kind(self) -> str:
        return "n_actions" if isinstance(self.action_space, _spaces().Discrete) else "box"

    def _first_reset_seed(self) -> int | None:
        if self._reset_seed_used or self._seed is None:
            return None
        self._reset_seed_used = True
        return int(self._seed)

    def _check_env(self, env: Any) -> None:
        obs_space = getattr(env, "observation_space", None)
        act_space = getattr(env, "action_space", None)
        if obs_space != self.observation_space or act_space != self.action_space:
            raise InvalidArgumentError(
                f"invalid argument `env`: its spaces ({obs_space!r}, {act_space!r}) differ from "
                f"the agent's ({self.observation_space!r}, {self.action_space!r})"
            )

    # ------------------------------------------------------------------ acting
    def predict(
        self,
        observation: Any,
        state: Any = None,
        episode_start: Any = None,
        deterministic: bool = False,
    ) -> tuple[Any, np.ndarray]:
        """The action for ``observation`` and the network's next state, without learning.

        The signature of sb3-contrib's ``RecurrentPPO.predict``: pass the returned ``state``
        back with the next observation; ``state=None`` or ``episode_start=True`` starts from
        rest. A batch (one more leading axis than the observation space) gives a batch of
        actions and states ``[n_envs, N]``.

        Args:
            observation: One observation or a batch.
            state: The previous state (``[N]`` or ``[n_envs, N]``) or None.
            episode_start: Whether each observation starts an episode (bool or bool array).
            deterministic: Without the exploratory noise.
        """
        obs = np.asarray(observation)
        if obs.dtype.kind not in "iuf":
            raise ArgumentTypeError(
                f"observation must be real numbers, got an array of dtype {obs.dtype}"
            )
        batched = obs.ndim == len(self._obs_shape) + 1
        if obs.shape[int(batched) :] != self._obs_shape:
            raise ShapeError(
                f"invalid shape for `observation`: expected {self._obs_shape} or a batch of "
                f"them, got {obs.shape}"
            )
        if obs.dtype not in (np.float32, np.float64):
            obs = obs.astype(np.float64)
        if not batched:
            start = bool(np.any(episode_start)) if episode_start is not None else False
            s = None if (state is None or start) else self._state(state, ())
            action, new_state = self._core.predict(obs.ravel(), s, bool(deterministic))
            return self._wrap_action(action), new_state
        n = obs.shape[0]
        starts = (
            np.zeros(n, dtype=bool)
            if episode_start is None
            else np.broadcast_to(np.asarray(episode_start, dtype=bool), (n,))
        )
        states = None if state is None else self._state(state, (n,))
        actions, new_states = [], []
        for i in range(n):
            s = None if (states is None or starts[i]) else states[i]
            a, ns = self._core.predict(obs[i].ravel(), s, bool(deterministic))
            actions.append(self._wrap_action(a))
            new_states.append(ns)
        return np.array(actions), np.stack(new_states)

    def _state(self, state: Any, lead: tuple[int, ...]) -> np.ndarray:
        """``state`` as float64 ``[*lead, N]``, checked before it is copied."""
        arr = np.asarray(state)
        if arr.dtype.kind not in "iuf":
            raise ArgumentTypeError(
                f"state must be real numbers, got an array of dtype {arr.dtype}"
            )
        if arr.shape != (*lead, self.n_neurons):
            raise ShapeError(
                f"invalid shape for `state`: expected {(*lead, self.n_neurons)}, got {arr.shape}"
            )
        return arr.astype(np.float64)

    def _wrap_action(self, action: Any) -> Any:
        if isinstance(action, int):
            return action + int(self.action_space.start)
        return np.asarray(action, dtype=self.action_space.dtype)

    def evaluate(
        self,
        env: Any = None,
        episodes: int = 10,
        *,
        deterministic: bool = True,
        max_steps: int = 100_000,
    ) -> np.ndarray:
        """Returns of ``episodes`` episodes without learning (noise-free by default)."""
        env = self.env if env is None else env
        core_env = _cognitive_core(env)
        if core_env is not None and deterministic:
            return self._core.evaluate(core_env, int(episodes), int(max_steps))
        out = np.empty(int(episodes))
        for i in range(int(episodes)):
            obs, _ = env.reset()
            state, total = None, 0.0
            for _ in range(max_steps):
                action, state = self.predict(obs, state, deterministic=deterministic)
                obs, reward, terminated, truncated, _ = env.step(action)
                total += float(reward)
                if terminated or truncated:
                    break
            out[i] = total
        return out

    # ------------------------------------------------------------------ persistence
    def _metadata(self) -> str:
        return json.dumps(
            {
                "format": _FORMAT,
                # the built-in kind, also for a user subclass (any reader can load the file)
                "class": _KINDS[self._core.config["rule"]].__name__,
                "observation_space": _space_json(self.observation_space),
                "action_space": _space_json(self.action_space),
                "seed": self._seed,
            }
        )

    def to_bytes(self) -> bytes:
        """The agent (weights, state, baseline, generator, history) in the library's format."""
        return self._core.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes, *, origin: str = "<bytes>") -> Any:
        """An agent from :meth:`to_bytes` output (``FileFormatError`` if damaged or foreign).

        The payload's rule says which built-in kind it holds. Called on a class of that kind
        (the built-in class or a user subclass of it) the agent is of that class; called on
        the other kind it is refused, naming both.
        """
        core = RecurrentAgentCore.from_bytes(bytes(data), origin)
        kind = _KINDS[core.config["rule"]]
        try:
            meta = json.loads(core.metadata)
            if meta.get("format") != _FORMAT:
                raise ValueError(f"format {meta.get('format')!r}")
            obs_space = _space_from_json(meta["observation_space"])
            act_space = _space_from_json(meta["action_space"])
            name = meta["class"]
        except (ValueError, KeyError, TypeError, AssertionError, AttributeError) as e:
            raise FileFormatError(f"{origin}: damaged agent metadata ({e!r})") from None
        # a built-in name must be the payload's kind; another one is a user subclass's (files
        # written before the kind was recorded there)
        if not isinstance(name, str) or (name in _KIND_NAMES and name != kind.__name__):
            raise FileFormatError(
                f"{origin}: damaged agent metadata (class {name!r}, but the payload holds a "
                f"{kind.__name__})"
            )
        wanted = _kind_of(cls)
        if wanted is not None and wanted is not kind:
            which = "" if cls is wanted else f" ({cls.__name__} is a {wanted.__name__})"
            raise FileFormatError(
                f"{origin}: holds a {kind.__name__}, not a {wanted.__name__}{which}"
            )
        klass = kind if wanted is None else cls
        agent = klass.__new__(klass)
        agent._core = core
        agent.observation_space = obs_space
        agent.action_space = act_space
        agent.env = None
        agent._seed = meta.get("seed")
        agent._reset_seed_used = True
        agent._obs_shape = tuple(obs_space.shape)
        agent._init_logger(None, 0)
        return agent

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the agent to ``path`` atomically (the environment is not saved)."""
        self._core.save(_path("path", path))

    @classmethod
    def load(
        cls, path: str | os.PathLike[str], env: Any = None, *, force_reset: bool = True
    ) -> Any:
        """Reads an agent written by :meth:`save`; ``env`` becomes its environment.

        stable-baselines3's ``load(path, env=)`` (``force_reset`` is accepted for
        compatibility: ``learn`` always starts with a reset).

        Raises:
            FileNotFoundError: No such file.
            FileFormatError: Truncated, corrupted or foreign file.
            InvalidArgumentError: ``env``'s spaces differ from the agent's.
        """
        return cls._load_with_env(path, env)

    @classmethod
    def _read(cls, origin: str) -> Any:
        check_container_file(origin, b"RNA1")
        with open(origin, "rb") as f:
            return cls.from_bytes(f.read(), origin=origin)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(n_neurons={self.n_neurons}, episodes={self.num_episodes}, "
            f"steps={self.num_timesteps})"
        )


class NodePerturbationAgent(_RecurrentAgent):
    """A recurrent agent trained by node perturbation with an episode-level reward (Miconi 2017).

    At each step every neuron is kicked with probability ``perturbation_probability`` by
    ``U(−noise, noise)``. Over the episode the eligibility trace sums, per synapse, the kick
    (``eligibility="perturbation"``, Fiete & Seung 2006; the default) or the activity
    fluctuation ``(x − x̄)`` cubed (``"cubed_fluctuation"``, Miconi's local rule) times the
    presynaptic rate or input. At the episode's end
    ``ΔJ = clip(η · M · e, ±max_dw)`` with ``M = (G − Ḡ)/σ̄``: the return ``G`` against a running
    average ``Ḡ`` (decay ``baseline_decay``), scaled by the running spread ``σ̄``.

    Args:
        env: A Gymnasium environment (or any object with ``observation_space`` and
            ``action_space``): ``Box`` observations, ``Discrete`` or 1-D ``Box`` actions.
        n_neurons: N (100); the first neurons are the outputs (one per action or dimension)
            unless the value readout reads the actions.
        seed: Seeds the weights, the noise and the environment's first reset.
        obs_scale: Factor on unbounded observation dimensions (bounded ones map to [−1, 1]).
        tensorboard_log: Folder of TensorBoard runs written by :meth:`learn` (None: none).
        verbose: 1 prints the logger's metrics to stdout during :meth:`learn`.
        **params: ``learning_rate`` (0.002), ``perturbation_probability`` (0.05), ``noise``
            (0.5), ``output_noise`` (0.5, Gaussian noise on the output neurons at every step),
            ``output_noise_correlation`` (0: white; ρ in [0, 1) makes it an Ornstein-Uhlenbeck
            process while learning, for sparse goals such as Acrobot's), ``max_dw`` (0.05),
            ``baseline_decay`` (0.9), ``eligibility``, ``leak``
            (dt/τ, 1), ``gain`` (1), ``trace_decay`` (1), ``input_scale`` (1),
            ``activity_trace_decay`` (0.05), ``learn_input_weights`` (True), ``readout``
            ("neurons"; "value": a linear readout of action values learned by the chosen
            action's reward-prediction error, discrete actions only), ``readout_learning_rate``
            (0.01), ``readout_trace_decay`` (0.5). On a trial task with NeuroGym's ``dt`` (ms)
            and ``timing`` (``hebbian_brain.envs``, NeuroGym's envs) the defaults are
            ``leak = dt/500 ms``, ``gain`` 1.5, ``trace_decay = 0.5^(dt/100 ms)``, the value
            readout (``readout_learning_rate`` 0.25, ``output_noise`` 0.2) and weak kicks
            (``perturbation_probability`` 0.01, ``noise`` 0.1).

    Raises:
        InvalidArgumentError: The observation space is not ``Box`` or the action space neither
            ``Discrete`` nor 1-D ``Box`` (the message names the space).
        InvalidConfigError: A parameter out of range.

    Example:
        >>> import gymnasium as gym
        >>> from hebbian_brain.rnn import NodePerturbationAgent
        >>> agent = NodePerturbationAgent(gym.make("CartPole-v1"), seed=0)
        >>> agent = agent.learn(total_timesteps=2000)
    """

    _rule = "node_perturbation"


class RewardHebbianAgent(_RecurrentAgent):
    """A recurrent agent trained by a reward-modulated Hebbian rule with exploratory noise.

    Every neuron receives Gaussian noise of standard deviation ``noise`` at every step
    (Legenstein et al. 2010; Hoerzer et al. 2014; Miconi 2015). The eligibility trace
    ``e_ij(t) = γ e_ij(t−1) + δx_i(t) · r_j(t−1)`` (``γ = trace_decay``), with ``δx`` the
    noise-driven deviation of the activity, is modulated by every reward; the sum
    ``Σ_t r_t e(t)`` is computed at the episode's end in its exact forward view,
    ``Σ_s δx_i(s) r_j(s−1) · M_s`` with the discounted reward-to-go ``G_s`` against a running
    baseline, ``M_s = (G_s − Ḡ)/σ̄``.

    Args:
        env: A Gymnasium environment: ``Box`` observations, ``Discrete`` or 1-D ``Box`` actions.
        n_neurons: N (100).
        seed: Seeds the weights, the noise and the environment's first reset.
        obs_scale: Factor on unbounded observation dimensions.
        tensorboard_log: Folder of TensorBoard runs written by :meth:`learn` (None: none).
        verbose: 1 prints the logger's metrics to stdout during :meth:`learn`.
        **params: ``learning_rate`` (0.002), ``noise`` (0.1), ``output_noise`` (0.5),
            ``output_noise_correlation`` (0, see NodePerturbationAgent), ``trace_decay`` (0.99),
            ``max_dw`` (0.05), ``baseline_decay`` (0.9),
            ``eligibility`` ("perturbation": the noise-driven deviation ``ξ``; "fluctuation":
            its local estimate ``x − x̄``, the EH rule of Legenstein et al.),
            ``activity_trace_decay`` (0.05), the readout's ``readout``,
            ``readout_learning_rate``, ``readout_trace_decay`` (see NodePerturbationAgent), and
            the network's ``leak``, ``gain``, ``input_scale``, ``learn_input_weights``. On a
            trial task the defaults are NodePerturbationAgent's, with ``noise`` 0.01.

    Raises:
        InvalidArgumentError: Unsupported spaces (the message names the space).
        InvalidConfigError: A parameter out of range.
    """

    _rule = "reward_hebbian"


#: The built-in kinds by the rule their payload holds.
_KINDS: dict[str, type[_RecurrentAgent]] = {
    c._rule: c for c in (NodePerturbationAgent, RewardHebbianAgent)
}
_KIND_NAMES = frozenset(c.__name__ for c in _KINDS.values())


def _kind_of(cls: type) -> type[_RecurrentAgent] | None:
    """The built-in kind ``cls`` is or derives from (None for the shared base)."""
    return next((c for c in cls.__mro__ if c in _KINDS.values()), None)


def train_population(agents: list[Any], env: Any, episodes: int) -> np.ndarray:
    """Trains several agents on copies of a built-in cognitive task in parallel (rayon).

    Each agent gets its own copy of the task, seeded from the agent's position in the list
    (copy ``i`` is reset with seed ``i``), so the result is the same on any number of threads.

    Args:
        agents: Recurrent agents with the task's spaces.
        env: A built-in cognitive task (``hebbian_brain.envs``).
        episodes: Episodes per agent.

    Returns:
        The returns, ``[len(agents), episodes]``.
    """
    core = _cognitive_core(env)
    if core is None:
        raise ArgumentTypeError(
            f"env: train_population needs a built-in cognitive task from hebbian_brain.envs, got "
            f"{env!r}"
        )
    import copy

    envs = []
    for i, agent in enumerate(agents):
        agent._check_env(env)
        c = copy.copy(core)
        c.reset(i)
        envs.append(c)
    return _train_population([a._core for a in agents], envs, int(episodes))
