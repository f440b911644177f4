"""The stable-baselines3 surface of the recurrent agents: callbacks, logger, parameters.

The graph agent's pieces are reused: callback objects from :mod:`hebbian_brain.callbacks`
(converted by the same ``convert_callback``), the logger half of its surface
(:class:`~hebbian_brain._agent_sb3.LoggerSurface`) and the training skeleton with its
``rollout/`` and ``time/`` metrics (:class:`~hebbian_brain._learn_loop.TrainingLoop`). What
differs is the loop: a recurrent agent acts with ``core.act(obs, reward)`` and learns at the
episode's end.

Hooks run in stable-baselines3's order: ``on_training_start``; per episode
``on_rollout_start``, per step ``update_locals`` + ``on_step``, then the episode's update and
``on_rollout_end`` (``locals["episode"]`` is its :class:`AgentEpisode`); ``on_training_end``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from hebbian_brain._agent_sb3 import LoggerSurface, parameters_from
from hebbian_brain._core import (
    InvalidArgumentError,
    RecurrentAgentCore,
    ShapeError,
)
from hebbian_brain._learn_loop import TrainingLoop
from hebbian_brain.rnn._agent_support import AgentEpisode, _cognitive_core

if TYPE_CHECKING:
    from hebbian_brain.logger import Logger

__all__ = ["RecurrentSB3Surface", "RecurrentTraining"]

#: ``get_parameters()``: stable-baselines3's ``{"policy": {name: array}}`` layout.
Parameters = dict[str, dict[str, npt.NDArray[np.float64]]]


class RecurrentSB3Surface(LoggerSurface):
    """Methods of the recurrent agents that stable-baselines3 users expect."""

    _core: RecurrentAgentCore

    def get_parameters(self) -> Parameters:
        """The learned weights, as stable-baselines3's ``get_parameters`` lays them out.

        Returns:
            ``{"policy": {"weights": J [N, N], "input_weights": W_in [N, n_obs + 1]}}``
            (copies), with a value readout also ``"readout_weights"`` V [n_actions, N + 1] and
            ``"readout_mean"`` r̄ [N].
        """
        policy = {"weights": self._core.weights, "input_weights": self._core.input_weights}
        if self._core.config["readout"] == "value":
            policy["readout_weights"] = self._core.readout_weights
            policy["readout_mean"] = self._core.readout_mean
        return {"policy": policy}

    def set_parameters(
        self,
        load_path_or_dict: str | os.PathLike[str] | Parameters,
        exact_match: bool = True,
    ) -> None:
        """Replaces the weights with those of :meth:`get_parameters` or of an agent file.

        The rule's state (baseline, history, generator) and the environment stay.

        Args:
            load_path_or_dict: A dict as :meth:`get_parameters` returns, or the path of an
                agent file of the same size.
            exact_match: Require every key :meth:`get_parameters` gives (else the missing ones
                are kept).

        Raises:
            InvalidArgumentError: Unknown or missing keys.
            ShapeError: Weights of another shape.
        """
        params = parameters_from(self, load_path_or_dict)
        policy = params.get("policy")
        if set(params) != {"policy"} or not isinstance(policy, dict):
            raise InvalidArgumentError(
                "invalid argument `load_path_or_dict`: expected {'policy': {...}}, got the keys "
                f"{sorted(params)}"
            )
        names = {"weights", "input_weights"}
        if self._core.config["readout"] == "value":
            names |= {"readout_weights", "readout_mean"}
        unknown, missing = set(policy) - names, names - set(policy)
        if unknown or (exact_match and missing):
            raise InvalidArgumentError(
                f"invalid argument `load_path_or_dict`: expected the keys {sorted(names)} "
                f"(unknown: {sorted(unknown)}, missing: {sorted(missing)})"
            )
        new = {}
        for name in sorted(names):
            current = getattr(self._core, name)
            value = np.asarray(policy.get(name, current), dtype=np.float64)
            if value.shape != current.shape:
                raise ShapeError(
                    f"invalid argument `{name}`: expected shape {current.shape}, got {value.shape}"
                )
            new[name] = value
        self._core.set_weights(
            new["weights"].ravel().tolist(), new["input_weights"].ravel().tolist()
        )
        if "readout_weights" in new:
            self._core.set_readout(
                new["readout_weights"].ravel().tolist(), new["readout_mean"].ravel().tolist()
            )


class RecurrentTraining(TrainingLoop):
    """One ``learn`` call of a recurrent agent: whole episodes in Rust, or one step a call."""

    #: The modulator of the latest episode, for the ``rnn/modulator`` metric.
    last_modulator: float | None = None

    def _rust_env(self) -> Any:
        return _cognitive_core(self.env)

    def _run_rust(self, core_env: Any) -> None:
        agent, cb = self.agent, self.callback
        assert self.episodes is not None
        seed = agent._first_reset_seed()
        if seed is not None:
            core_env.reset(seed)
        chunk = self._chunk()
        while self.episodes_done < self.episodes:
            n = min(chunk, self.episodes - self.episodes_done)
            if cb is not None:
                cb.on_rollout_start()
            returns, lengths = agent._core.run_episodes(core_env, n)
            self.steps += int(np.sum(lengths))
            if self.bar is not None:
                self.bar.update(n)
            if cb is None and not self.logging:
                self.episodes_done += n
                continue
            modulators = agent._core.history()[2][-n:]
            for r, length, m in zip(returns, lengths, modulators):
                self._count(AgentEpisode(float(r), int(length), float(m)), bar=False)
            if self._end_rollout():
                return

    def _run_steps(self) -> None:
        agent, env, cb = self.agent, self.env, self.callback
        core = agent._core
        core.discard_episode()
        discrete = agent._action_kind() == "n_actions"
        start = int(agent.action_space.start) if discrete else 0
        flatten = len(agent._obs_shape) > 1
        while self._budget_left():
            if cb is not None:
                cb.on_rollout_start()
            obs, _info = env.reset(seed=agent._first_reset_seed())
            reward, stop = 0.0, False
            while True:
                action = core.act(obs.ravel() if flatten else obs, reward)
                if discrete:
                    action += start
                obs, reward, terminated, truncated, info = env.step(action)
                self._count_step()
                done = bool(terminated or truncated)
                stop = self._on_step(action, obs, reward, done, info)
                if done or stop or not self._budget_left():
                    break
            # The episode in progress is learned from, even when cut by the budget or a stop.
            self._count(AgentEpisode(*core.end_episode(float(reward))), bar=True)
            stop = self._end_rollout() or stop
            if stop:
                return

    def _count(self, episode: AgentEpisode, bar: bool) -> None:
        """Counts a finished episode and hands it to the statistics, callback and logger."""
        self._count_episode(bar)
        self.last_modulator = episode.modulator
        self._record_episode(episode, episode.episode_return, episode.length)

    def _record_extra(self, logger: Logger) -> None:
        if self.last_modulator is not None:
            logger.record("rnn/modulator", self.last_modulator)
        baseline, spread = self.agent._core.baseline
        logger.record("rnn/baseline", baseline)
        logger.record("rnn/baseline_spread", spread)
