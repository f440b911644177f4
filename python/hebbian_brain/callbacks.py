"""Training callbacks with the stable-baselines3 interface.

A callback is an object whose hooks :meth:`Agent.learn <hebbian_brain.Agent.learn>` calls at
fixed points of training, with the same names and order as in stable-baselines3:

* ``on_training_start`` once, when ``learn`` starts;
* ``on_rollout_start`` / ``on_rollout_end`` around each episode (a *rollout* is one episode
  here: the graph brain learns online, there is no rollout buffer);
* ``on_step`` after every environment step (after the agent has learned from it); returning
  False stops training;
* ``on_training_end`` once, when ``learn`` returns.

Subclasses override the underscored hooks (``_on_step``, ``_on_rollout_end``, ...). Inside a
hook, ``self.model`` is the agent, ``self.num_timesteps`` its step count, ``self.n_calls`` the
number of ``on_step`` calls so far, ``self.locals`` the loop's variables (``rewards``,
``dones``, ``infos``, ``new_obs``, ``actions`` as length-``n_envs`` arrays and lists, and
``episode``, the :class:`~hebbian_brain.EpisodeRecord` of the last finished episode) and
``self.logger`` the agent's :class:`~hebbian_brain.logger.Logger`.

A callback that overrides no per-step hook (``_on_step``) lets ``learn`` keep the built-in
environments' fast path: whole episodes run in Rust and only the episode hooks run in Python.

Plain functions keep working: ``callback(agent, record)`` is called after each episode, and
returning False stops training.

The recurrent agents of :mod:`hebbian_brain.rnn` take the same callbacks: there
``locals["episode"]`` is an :class:`~hebbian_brain.rnn.AgentEpisode`, and the weights change
at each episode's end (after the last ``on_step``, before ``on_rollout_end``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from hebbian_brain._core import ArgumentTypeError, StateError
from hebbian_brain._validate import path as _path
from hebbian_brain.evaluation import _positive, _real, evaluate_policy

if TYPE_CHECKING:
    from hebbian_brain._agent_history import EpisodeRecord
    from hebbian_brain.logger import Logger

#: The model a callback is attached to: a :class:`hebbian_brain.Agent` (typed loosely here
#: because ``agent`` imports this module).
Agent = Any

__all__ = [
    "BaseCallback",
    "CallbackList",
    "CheckpointCallback",
    "EvalCallback",
    "EveryNTimesteps",
    "StopTrainingOnRewardThreshold",
]

_log = logging.getLogger(__name__)

#: The old callback form: called after each episode; returning False stops training.
EpisodeFunction = Callable[[Any, "EpisodeRecord"], "bool | None"]


class BaseCallback:
    """Base class of training callbacks (stable-baselines3's interface).

    Args:
        verbose: 0 silent, 1 info messages (through the standard ``logging`` module, logger
            ``hebbian_brain.callbacks``), 2 debug messages.

    Attributes:
        model: The agent being trained (set by ``init_callback``).
        n_calls: Number of ``on_step`` calls so far.
        num_timesteps: The agent's step count at the last hook.
        locals: The training loop's variables at the last step (see the module docstring).
        globals: Always empty (kept for stable-baselines3 compatibility).
        parent: The callback that owns this one (e.g. an :class:`EvalCallback` for its
            ``callback_on_new_best``), or None.
    """

    def __init__(self, verbose: int = 0) -> None:
        self.verbose = int(verbose)
        self.model: Agent | None = None
        self.n_calls = 0
        self.num_timesteps = 0
        self.locals: dict[str, Any] = {}
        self.globals: dict[str, Any] = {}
        self.parent: BaseCallback | None = None

    # ------------------------------------------------------------------ properties
    @property
    def training_env(self) -> Any:
        """The environment the agent is training in (``model.get_env()``)."""
        return None if self.model is None else self.model.get_env()

    @property
    def logger(self) -> Logger:
        """The agent's logger."""
        if self.model is None:
            raise StateError("the callback is not attached to an agent yet (init_callback)")
        logger: Logger = self.model.logger
        return logger

    @property
    def needs_steps(self) -> bool:
        """Whether the callback needs the per-step hook (else whole episodes may run in Rust)."""
        return type(self)._on_step is not BaseCallback._on_step

    # ------------------------------------------------------------------ hooks called by learn
    def init_callback(self, model: Agent) -> None:
        """Attaches the callback to ``model`` (called by ``learn``)."""
        self.model = model
        self._init_callback()

    def on_training_start(self, locals_: dict[str, Any], globals_: dict[str, Any]) -> None:
        """Called once when training starts."""
        self.locals = locals_
        self.globals = globals_
        self._update_timesteps()
        self._on_training_start()

    def on_rollout_start(self) -> None:
        """Called before each episode."""
        self._on_rollout_start()

    def on_step(self) -> bool:
        """Called after each environment step; returns False to stop training."""
        self.n_calls += 1
        self._update_timesteps()
        return bool(self._on_step())

    def on_rollout_end(self) -> None:
        """Called after each episode (after its dream)."""
        self._update_timesteps()
        self._on_rollout_end()

    def on_training_end(self) -> None:
        """Called once when training ends."""
        self._update_timesteps()
        self._on_training_end()

    def update_locals(self, locals_: dict[str, Any]) -> None:
        """Updates ``self.locals`` (and those of child callbacks)."""
        self.locals.update(locals_)
        self.update_child_locals(locals_)

    def update_child_locals(self, locals_: dict[str, Any]) -> None:
        """Passes ``locals_`` on to child callbacks (none in the base class)."""

    def _update_timesteps(self) -> None:
        if self.model is not None:
            self.num_timesteps = self.model.num_timesteps

    # ------------------------------------------------------------------ what subclasses override
    def _init_callback(self) -> None:
        pass

    def _on_training_start(self) -> None:
        pass

    def _on_rollout_start(self) -> None:
        pass

    def _on_step(self) -> bool:
        return True

    def _on_rollout_end(self) -> None:
        pass

    def _on_training_end(self) -> None:
        pass


class CallbackList(BaseCallback):
    """Runs several callbacks in order; training stops when any ``on_step`` returns False.

    Args:
        callbacks: The callbacks.
    """

    def __init__(self, callbacks: Sequence[BaseCallback]) -> None:
        super().__init__()
        self.callbacks = list(callbacks)
        for c in self.callbacks:
            if not isinstance(c, BaseCallback):
                raise ArgumentTypeError(f"CallbackList holds BaseCallback objects, got {c!r}")

    @property
    def needs_steps(self) -> bool:
        """Whether any member needs the per-step hook."""
        return any(c.needs_steps for c in self.callbacks)

    def _init_callback(self) -> None:
        assert self.model is not None
        for c in self.callbacks:
            c.init_callback(self.model)

    def _on_training_start(self) -> None:
        for c in self.callbacks:
            c.on_training_start(self.locals, self.globals)

    def _on_rollout_start(self) -> None:
        for c in self.callbacks:
            c.on_rollout_start()

    def _on_step(self) -> bool:
        keep_going = True
        for c in self.callbacks:
            # Every member sees every step, as in stable-baselines3.
            keep_going = c.on_step() and keep_going
        return keep_going

    def _on_rollout_end(self) -> None:
        for c in self.callbacks:
            c.on_rollout_end()

    def _on_training_end(self) -> None:
        for c in self.callbacks:
            c.on_training_end()

    def update_child_locals(self, locals_: dict[str, Any]) -> None:
        """Passes ``locals_`` on to every member."""
        for c in self.callbacks:
            c.update_locals(locals_)


class _EpisodeFunctionCallback(BaseCallback):
    """Adapts a plain ``callback(agent, record)`` function (called after each episode)."""

    def __init__(self, function: EpisodeFunction) -> None:
        super().__init__()
        self.function = function
        self.stop = False

    @property
    def needs_steps(self) -> bool:
        # A plain function keeps learn() in its act/observe loop, as it always did.
        return True

    def _on_rollout_end(self) -> None:
        assert self.model is not None
        record = self.locals.get("episode")
        if record is not None and self.function(self.model, record) is False:
            self.stop = True

    def _on_step(self) -> bool:
        return not self.stop


class EveryNTimesteps(BaseCallback):
    """Runs ``callback`` every ``n_steps`` environment steps.

    Args:
        n_steps: The period in steps (> 0).
        callback: The callback triggered.
    """

    def __init__(self, n_steps: int, callback: BaseCallback) -> None:
        super().__init__()
        self.n_steps = _positive("n_steps", n_steps)
        self.callback: BaseCallback = _child("callback", callback)
        callback.parent = self
        self._last = 0

    def _init_callback(self) -> None:
        assert self.model is not None
        self.callback.init_callback(self.model)

    def _on_step(self) -> bool:
        if self.num_timesteps - self._last >= self.n_steps:
            self._last = self.num_timesteps
            return self.callback.on_step()
        return True


class StopTrainingOnRewardThreshold(BaseCallback):
    """Stops training once the best mean evaluation return reaches ``reward_threshold``.

    Use it as an :class:`EvalCallback`'s ``callback_on_new_best``.

    Args:
        reward_threshold: The mean return to reach.
        verbose: 1 logs a message when training stops.
    """

    def __init__(self, reward_threshold: float, verbose: int = 0) -> None:
        super().__init__(verbose=verbose)
        self.reward_threshold = _real("reward_threshold", reward_threshold)

    def _on_step(self) -> bool:
        if not isinstance(self.parent, EvalCallback):
            raise StateError(
                "StopTrainingOnRewardThreshold must be used as an EvalCallback's "
                "callback_on_new_best (it reads the evaluation's best mean return)"
            )
        keep_going = bool(self.parent.best_mean_reward < self.reward_threshold)
        if not keep_going and self.verbose >= 1:
            _log.info(
                "stopping training: the best mean return %.3f reached the threshold %.3f",
                self.parent.best_mean_reward,
                self.reward_threshold,
            )
        return keep_going


class CheckpointCallback(BaseCallback):
    """Saves the agent every ``save_freq`` steps as ``{name_prefix}_{steps}_steps.hb``.

    Args:
        save_freq: The period in calls of ``on_step`` (environment steps; > 0).
        save_path: The folder (created if missing).
        name_prefix: The start of each file name.
        verbose: 2 logs each checkpoint's path.
    """

    def __init__(
        self,
        save_freq: int,
        save_path: str | os.PathLike[str],
        name_prefix: str = "rl_model",
        verbose: int = 0,
    ) -> None:
        super().__init__(verbose=verbose)
        self.save_freq = _positive("save_freq", save_freq)
        self.save_path = Path(_path("save_path", save_path))
        self.name_prefix = str(name_prefix)

    def _init_callback(self) -> None:
        self.save_path.mkdir(parents=True, exist_ok=True)

    def checkpoint_path(self) -> Path:
        """Where the checkpoint at the current step goes."""
        return self.save_path / f"{self.name_prefix}_{self.num_timesteps}_steps.hb"

    def _on_step(self) -> bool:
        if self.n_calls % self.save_freq == 0:
            assert self.model is not None
            path = self.checkpoint_path()
            self.model.save(path)
            if self.verbose >= 2:
                _log.info("saved a checkpoint to %s", path)
        return True


class EvalCallback(BaseCallback):
    """Evaluates the agent every ``eval_freq`` steps and keeps the best one.

    Each evaluation plays ``n_eval_episodes`` episodes in ``eval_env`` (greedy when
    ``deterministic``, without learning), records ``eval/mean_reward`` and
    ``eval/mean_ep_length`` in the agent's logger, appends to ``evaluations.npz`` in
    ``log_path`` (arrays ``timesteps``, ``results``, ``ep_lengths`` as in stable-baselines3),
    and saves the agent to ``best_model_save_path/best_model.hb`` when the mean return is the
    best so far; then ``callback_on_new_best`` runs (e.g. :class:`StopTrainingOnRewardThreshold`),
    and ``callback_after_eval`` after every evaluation.

    Args:
        eval_env: A Gymnasium environment (not the training one: evaluation resets it).
        callback_on_new_best: Runs after a new best; its False stops training.
        callback_after_eval: Runs after each evaluation; its False stops training.
        n_eval_episodes: Episodes per evaluation.
        eval_freq: The period in environment steps (``on_step`` calls; > 0).
        log_path: Folder for ``evaluations.npz`` (None: not written).
        best_model_save_path: Folder for ``best_model.hb`` (None: not saved).
        deterministic: Greedy actions (True) or exploring draws.
        render: Render the environment during evaluation.
        verbose: 1 logs each evaluation's result.
        warn: Accepted for stable-baselines3 compatibility (no effect).

    Attributes:
        best_mean_reward: Best mean return so far (``-inf`` before the first evaluation).
        last_mean_reward: Mean return of the last evaluation.
        evaluations_timesteps, evaluations_results, evaluations_length: One entry per
            evaluation.
    """

    def __init__(
        self,
        eval_env: Any,
        callback_on_new_best: BaseCallback | None = None,
        callback_after_eval: BaseCallback | None = None,
        n_eval_episodes: int = 5,
        eval_freq: int = 10_000,
        log_path: str | os.PathLike[str] | None = None,
        best_model_save_path: str | os.PathLike[str] | None = None,
        deterministic: bool = True,
        render: bool = False,
        verbose: int = 1,
        warn: bool = True,
    ) -> None:
        super().__init__(verbose=verbose)
        self.eval_env = eval_env
        self.callback_on_new_best: BaseCallback | None = _child(
            "callback_on_new_best", callback_on_new_best, True
        )
        self.callback_after_eval: BaseCallback | None = _child(
            "callback_after_eval", callback_after_eval, True
        )
        for child in (callback_on_new_best, callback_after_eval):
            if child is not None:
                child.parent = self
        self.n_eval_episodes = _positive("n_eval_episodes", n_eval_episodes)
        self.eval_freq = _positive("eval_freq", eval_freq)
        self.log_path = None if log_path is None else Path(_path("log_path", log_path))
        self.best_model_save_path = (
            None
            if best_model_save_path is None
            else Path(_path("best_model_save_path", best_model_save_path))
        )
        self.deterministic = bool(deterministic)
        self.render = bool(render)
        self.warn = bool(warn)
        self.best_mean_reward = -np.inf
        self.last_mean_reward = -np.inf
        self.evaluations_timesteps: list[int] = []
        self.evaluations_results: list[list[float]] = []
        self.evaluations_length: list[list[int]] = []

    def _init_callback(self) -> None:
        assert self.model is not None
        for folder in (self.log_path, self.best_model_save_path):
            if folder is not None:
                folder.mkdir(parents=True, exist_ok=True)
        for child in (self.callback_on_new_best, self.callback_after_eval):
            if child is not None:
                child.init_callback(self.model)

    def _on_step(self) -> bool:
        if self.n_calls % self.eval_freq != 0:
            return True
        return self.evaluate()

    def evaluate(self) -> bool:
        """Runs one evaluation now; returns False when a child callback stops training."""
        assert self.model is not None
        returns, lengths = evaluate_policy(
            self.model,
            self.eval_env,
            n_eval_episodes=self.n_eval_episodes,
            deterministic=self.deterministic,
            render=self.render,
            return_episode_rewards=True,
        )
        self.evaluations_timesteps.append(self.num_timesteps)
        self.evaluations_results.append(list(returns))
        self.evaluations_length.append(list(lengths))
        if self.log_path is not None:
            np.savez(
                self.log_path / "evaluations.npz",
                timesteps=np.asarray(self.evaluations_timesteps, dtype=np.int64),
                results=np.asarray(self.evaluations_results, dtype=np.float64),
                ep_lengths=np.asarray(self.evaluations_length, dtype=np.int64),
            )
        mean_reward = float(np.mean(returns))
        mean_length = float(np.mean(lengths))
        self.last_mean_reward = mean_reward
        if self.verbose >= 1:
            _log.info(
                "eval at %d steps: return %.3f +/- %.3f, length %.1f",
                self.num_timesteps,
                mean_reward,
                float(np.std(returns)),
                mean_length,
            )
        self.logger.record("eval/mean_reward", mean_reward)
        self.logger.record("eval/mean_ep_length", mean_length)
        self.logger.record("time/total_timesteps", self.num_timesteps)
        self.logger.dump(self.num_timesteps)
        keep_going = True
        if mean_reward > self.best_mean_reward:
            self.best_mean_reward = mean_reward
            if self.best_model_save_path is not None:
                self.model.save(self.best_model_save_path / "best_model.hb")
            if self.callback_on_new_best is not None:
                keep_going = self.callback_on_new_best.on_step()
        if self.callback_after_eval is not None:
            keep_going = self.callback_after_eval.on_step() and keep_going
        return keep_going

    def update_child_locals(self, locals_: dict[str, Any]) -> None:
        """Passes ``locals_`` on to the child callbacks."""
        for child in (self.callback_on_new_best, self.callback_after_eval):
            if child is not None:
                child.update_locals(locals_)


def _child(name: str, callback: Any, optional: bool = False) -> Any:
    """A callback argument that must be a :class:`BaseCallback` (or None when ``optional``)."""
    if (callback is None and optional) or isinstance(callback, BaseCallback):
        return callback
    raise ArgumentTypeError(
        f"{name} must be a hebbian_brain.callbacks.BaseCallback, got {callback!r}"
    )


def convert_callback(callback: Any) -> BaseCallback | None:
    """A callback object from ``callback=`` (None, an object, a list of them, or a function)."""
    if callback is None:
        return None
    if isinstance(callback, BaseCallback):
        return callback
    if isinstance(callback, (list, tuple)):
        return CallbackList([c if isinstance(c, BaseCallback) else _bad(c) for c in callback])
    if callable(callback):
        return _EpisodeFunctionCallback(callback)
    return _bad(callback)


def _bad(callback: Any) -> BaseCallback:
    raise ArgumentTypeError(
        "callback must be a hebbian_brain.callbacks.BaseCallback, a list of them, or a function "
        f"callback(agent, record) called after each episode, got {callback!r}"
    )
