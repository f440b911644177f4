"""The skeleton every agent's ``learn`` shares: budget, callbacks, logger, progress bar.

:class:`~hebbian_brain.Agent` (``_agent_learn.Training``) and the recurrent agents
(``rnn._agent_sb3.RecurrentTraining``) differ in how they act and learn; what they share is
here: the checks of ``total_timesteps`` / ``episodes`` / ``log_interval``, the callback and
logger set-up (:func:`train`), and :class:`TrainingLoop`, which counts steps and episodes,
keeps the ``rollout/`` statistics and drives the hooks in stable-baselines3's order:
``on_training_start``; per episode ``on_rollout_start``, per step ``update_locals`` +
``on_step``, then the episode's update and ``on_rollout_end``; ``on_training_end``.
"""

from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING, Any

import numpy as np

from hebbian_brain._core import ArgumentTypeError, InvalidArgumentError
from hebbian_brain._validate import is_count, progress

if TYPE_CHECKING:
    from hebbian_brain.callbacks import BaseCallback
    from hebbian_brain.logger import Logger

__all__ = [
    "STATS_WINDOW",
    "TrainingLoop",
    "check_budget",
    "check_log_interval",
    "learn_target",
    "train",
]

#: Episodes the ``rollout/`` means are taken over (stable-baselines3's ``stats_window_size``).
STATS_WINDOW = 100


def check_budget(total_timesteps: Any, episodes: Any) -> None:
    """The budget of a ``learn`` call: exactly one of the two, a count.

    Raises:
        InvalidArgumentError: Neither or both given, or not an integer in ``[0, 2**63)``.
    """
    if (total_timesteps is None) == (episodes is None):
        raise InvalidArgumentError(
            "invalid argument `total_timesteps, episodes`: give exactly one of them"
        )
    budget = total_timesteps if total_timesteps is not None else episodes
    if not is_count(budget):
        raise InvalidArgumentError(
            f"invalid argument `{'total_timesteps' if episodes is None else 'episodes'}`: "
            f"must be an integer in [0, 2**63), got {budget!r}"
        )


def learn_target(
    agent: Any, first: Any, env: Any, total_timesteps: Any, callback: Any
) -> tuple[Any, Any]:
    """The environment and step budget of ``agent.learn(first, ..., env=, total_timesteps=)``.

    ``first`` is stable-baselines3's positional ``total_timesteps`` or the older positional
    environment; without either environment, the agent's bound one.

    Raises:
        ArgumentTypeError: Either given twice, or ``learn(env, N)`` (the budget as callback).
        InvalidArgumentError: No environment at all.
    """
    from hebbian_brain._vector import is_env

    if first is not None and is_env(first):
        if env is not None:
            raise ArgumentTypeError("learn() got an environment both by position and as env=")
        env = first
    elif first is not None:
        if total_timesteps is not None:
            raise ArgumentTypeError("learn() got total_timesteps both by position and by keyword")
        total_timesteps = first
    if isinstance(callback, (int, np.integer)) and not isinstance(callback, bool):
        raise ArgumentTypeError(
            "learn(env, N): give the budget by keyword, learn(env, total_timesteps=N)"
        )
    if env is None:
        env = agent.env
        if env is None:
            raise InvalidArgumentError(
                "invalid argument `env`: the agent has no environment; build it with "
                "Agent(env), bind one with set_env(env), or pass learn(env=...)"
            )
    return env, total_timesteps


def check_log_interval(log_interval: Any) -> None:
    """Refuses a ``log_interval`` that is not an integer >= 1 (``InvalidArgumentError``)."""
    if not is_count(log_interval) or log_interval == 0:
        raise InvalidArgumentError(
            f"invalid argument `log_interval`: must be an integer >= 1, got {log_interval!r}"
        )


def train(
    loop: type[TrainingLoop],
    agent: Any,
    env: Any,
    total_timesteps: int | None,
    episodes: int | None,
    *,
    callback: Any,
    log_interval: int,
    tb_log_name: str,
    reset_num_timesteps: bool,
    progress_bar: bool,
    **options: Any,
) -> TrainingLoop:
    """Runs one checked ``learn`` call: callback, logger and progress bar around ``loop``.

    Args:
        loop: The agent's :class:`TrainingLoop` class.
        agent: The agent (a ``LoggerSurface``).
        env: The environment of this call (already checked against the agent).
        total_timesteps: The step budget, or None.
        episodes: The episode budget, or None (exactly one of the two; see
            :func:`check_budget`).
        callback: What ``learn`` was given (converted by ``convert_callback``).
        log_interval: Write the logger's metrics every this many episodes.
        tb_log_name: Name of the TensorBoard run folder.
        reset_num_timesteps: Start a new TensorBoard run.
        progress_bar: Show a tqdm progress bar.
        **options: Settings of ``loop`` (class attributes it overrides: the graph agent's
            ``dream_every``).

    Returns:
        The finished loop (its counts).
    """
    from hebbian_brain.callbacks import convert_callback

    cb = convert_callback(callback)
    agent._setup_logger(str(tb_log_name), bool(reset_num_timesteps))
    budget = total_timesteps if total_timesteps is not None else episodes
    assert budget is not None  # checked by check_budget
    bar = progress(progress_bar, int(budget), "episodes" if episodes is not None else "steps")
    run = loop(agent, env, total_timesteps, episodes, cb, bar, int(log_interval))
    for name, value in options.items():
        assert hasattr(loop, name), name  # a setting the loop class declares
        setattr(run, name, value)
    try:
        run.run()
    finally:
        if bar is not None:
            bar.close()
    return run


class TrainingLoop:
    """One ``learn`` call: the budget, the callback, the logger's episode statistics.

    Subclasses implement :meth:`_rust_env` (the environment's Rust core, or None),
    :meth:`_run_rust` (whole episodes in Rust), :meth:`_run_steps` (one step at a time) and
    :meth:`_record_extra` (their own logger metrics).
    """

    def __init__(
        self,
        agent: Any,
        env: Any,
        total_timesteps: int | None,
        episodes: int | None,
        callback: BaseCallback | None,
        bar: Any,
        log_interval: int,
    ) -> None:
        self.agent = agent
        self.env = env
        self.total_timesteps = None if total_timesteps is None else int(total_timesteps)
        self.episodes = None if episodes is None else int(episodes)
        self.callback = callback
        self.bar = bar
        self.log_interval = log_interval
        self.steps = 0
        self.episodes_done = 0
        self.returns: deque[float] = deque(maxlen=STATS_WINDOW)
        self.lengths: deque[int] = deque(maxlen=STATS_WINDOW)
        self.start_time = time.perf_counter()
        self.logging = bool(agent.logger.output_formats)

    # ------------------------------------------------------------------ driver
    def run(self) -> None:
        """Runs whole episodes in Rust when nothing needs the per-step hook, else steps."""
        cb = self.callback
        if cb is not None:
            cb.init_callback(self.agent)
            cb.on_training_start({"self": self.agent, "total_timesteps": self.total_timesteps}, {})
        try:
            core_env = self._rust_env()
            if (
                core_env is not None
                and self.episodes is not None
                and (cb is None or not cb.needs_steps)
            ):
                self._run_rust(core_env)
            else:
                self._run_steps()
        finally:
            if self.logging and self.episodes_done % self.log_interval != 0:
                self._dump()
            if cb is not None:
                cb.on_training_end()

    def _rust_env(self) -> Any:
        """The Rust core of the environment when whole episodes can run in Rust, else None."""
        raise NotImplementedError

    def _run_rust(self, core_env: Any) -> None:
        """Runs ``self.episodes`` episodes in Rust, chunked by :meth:`_chunk`."""
        raise NotImplementedError

    def _run_steps(self) -> None:
        """Runs the budget one environment step at a time."""
        raise NotImplementedError

    def _budget_left(self) -> bool:
        if self.episodes is not None:
            return self.episodes_done < self.episodes
        assert self.total_timesteps is not None
        return self.steps < self.total_timesteps

    def _chunk(self) -> int:
        """Episodes per Rust call: one per callback hook, log line or 1 % of the bar."""
        assert self.episodes is not None
        if self.callback is not None:
            return 1
        if self.logging:
            return self.log_interval
        if self.bar is not None:
            return max(1, self.episodes // 100)
        return self.episodes

    # ------------------------------------------------------------------ steps and episodes
    def _count_step(self) -> None:
        """One more step (and on the bar, when the budget is steps)."""
        self.steps += 1
        if self.bar is not None and self.total_timesteps is not None:
            self.bar.update(1)

    def _on_step(self, action: Any, new_obs: Any, reward: Any, done: bool, info: Any) -> bool:
        """The callback's per-step hook for one env's step; whether it asked to stop."""
        cb = self.callback
        if cb is None:
            return False
        cb.update_locals(
            {
                "actions": np.array([action]),
                "new_obs": [new_obs],
                "rewards": np.array([float(reward)]),
                "dones": np.array([done]),
                "infos": [info],
            }
        )
        return not cb.on_step()

    def _count_episode(self, bar: bool) -> None:
        """One more episode (and on the bar, when ``bar`` and the budget is episodes)."""
        self.episodes_done += 1
        if bar and self.bar is not None and self.episodes is not None:
            self.bar.update(1)

    def _record_episode(self, record: Any, episode_return: float, length: int) -> None:
        """Statistics, the callback's ``locals["episode"]`` and the logger after an episode."""
        self.returns.append(episode_return)
        self.lengths.append(length)
        if self.callback is not None:
            self.callback.update_locals({"episode": record})
        if self.logging and self.episodes_done % self.log_interval == 0:
            self._dump()

    def _end_rollout(self) -> bool:
        """``on_rollout_end``; whether an episode-level callback asked to stop."""
        cb = self.callback
        if cb is None:
            return False
        cb.on_rollout_end()
        return wants_stop(cb)

    # ------------------------------------------------------------------ logging
    def _dump(self) -> None:
        logger = self.agent.logger
        elapsed = max(time.perf_counter() - self.start_time, 1e-9)
        if self.returns:
            logger.record("rollout/ep_rew_mean", float(np.mean(self.returns)))
            logger.record("rollout/ep_len_mean", float(np.mean(self.lengths)))
        logger.record("time/episodes", self.episodes_done)
        logger.record("time/total_timesteps", self.agent.num_timesteps)
        logger.record("time/fps", int(self.steps / elapsed))
        logger.record("time/time_elapsed", round(elapsed, 3))
        self._record_extra(logger)
        logger.dump(self.agent.num_timesteps)

    def _record_extra(self, logger: Logger) -> None:
        """The agent's own metrics, after ``rollout/`` and ``time/``."""


def wants_stop(cb: BaseCallback) -> bool:
    """Whether an episode-level callback (a plain function returning False) asked to stop."""
    from hebbian_brain.callbacks import CallbackList, _EpisodeFunctionCallback

    if isinstance(cb, _EpisodeFunctionCallback):
        return cb.stop
    if isinstance(cb, CallbackList):
        return any(wants_stop(c) for c in cb.callbacks)
    return False
