"""The training loops behind ``Agent.learn``: Rust episodes, a Gymnasium env, a VectorEnv.

Callbacks and the logger are driven from here, in stable-baselines3's order: ``on_training_start``;
per episode ``on_rollout_start``, per step ``update_locals`` + ``on_step``, then the episode's dream
and ``on_rollout_end``; ``on_training_end``. Metrics are written every ``log_interval`` episodes.
"""

from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from hebbian_brain._agent_history import EpisodeRecord
from hebbian_brain._agent_spaces import _builtin_core
from hebbian_brain._core import AgentCore, DreamReport, derive_seed
from hebbian_brain._vector import autoreset_mode, is_vector_env, sub_observations

if TYPE_CHECKING:
    from hebbian_brain.callbacks import BaseCallback
    from hebbian_brain.logger import Logger

#: A hebbian_brain.Agent (typed loosely: ``agent`` imports this module).
Agent = Any

#: Episodes the ``rollout/`` means are taken over (stable-baselines3's ``stats_window_size``).
STATS_WINDOW = 100


class Training:
    """One ``learn`` call: the budget, the callback, the logger's episode statistics."""

    def __init__(
        self,
        agent: Agent,
        env: Any,
        total_timesteps: int | None,
        episodes: int | None,
        dream_every: int,
        callback: BaseCallback | None,
        bar: Any,
        log_interval: int,
    ) -> None:
        self.agent = agent
        self.env = env
        self.total_timesteps = None if total_timesteps is None else int(total_timesteps)
        self.episodes = None if episodes is None else int(episodes)
        self.dream_every = dream_every
        self.callback = callback
        self.bar = bar
        self.log_interval = log_interval
        self.steps = 0
        self.episodes_done = 0
        self.returns: deque[float] = deque(maxlen=STATS_WINDOW)
        self.lengths: deque[int] = deque(maxlen=STATS_WINDOW)
        self.last_dream: DreamReport | None = None
        self.start_time = time.perf_counter()
        self.logging = bool(agent.logger.output_formats)

    # ------------------------------------------------------------------ driver
    def run(self) -> None:
        """Runs the loop that fits the environment and the callback."""
        cb = self.callback
        if cb is not None:
            cb.init_callback(self.agent)
            cb.on_training_start({"self": self.agent, "total_timesteps": self.total_timesteps}, {})
        try:
            core_env = _builtin_core(self.env)
            if (
                core_env is not None
                and self.episodes is not None
                and (cb is None or not cb.needs_steps)
            ):
                self._run_rust(core_env)
            elif is_vector_env(self.env):
                self._run_vector()
            else:
                self._run_env()
        finally:
            if self.logging and self.episodes_done % self.log_interval != 0:
                self._dump()
            if cb is not None:
                cb.on_training_end()

    def _budget_left(self) -> bool:
        if self.episodes is not None:
            return self.episodes_done < self.episodes
        assert self.total_timesteps is not None
        return self.steps < self.total_timesteps

    # ------------------------------------------------------------------ episodes in Rust
    def _run_rust(self, core_env: Any) -> None:
        agent, cb = self.agent, self.callback
        assert self.episodes is not None
        agent._seed_builtin(self.env)
        if cb is not None:
            chunk = 1
        elif self.logging:
            chunk = self.log_interval
        elif self.bar is not None:
            chunk = max(1, self.episodes // 100)
        else:
            chunk = self.episodes
        while self.episodes_done < self.episodes:
            n = min(chunk, self.episodes - self.episodes_done)
            if cb is not None:
                cb.on_rollout_start()
            ran = agent._core.run_episodes(core_env, n, self.dream_every)
            if self.bar is not None:
                self.bar.update(ran)
            if self.logging or cb is not None:
                returns, lengths, _ = agent._core.history_arrays()
                k = min(ran, returns.size)
                for r, length in zip(returns[returns.size - k :], lengths[lengths.size - k :]):
                    self.returns.append(float(r))
                    self.lengths.append(int(length))
                self.steps += int(lengths[lengths.size - k :].sum())
                record = agent._core.last_record()
                if record is not None and record[3] is not None:
                    self.last_dream = record[3]
            for _ in range(ran):
                self.episodes_done += 1
                if self.logging and self.episodes_done % self.log_interval == 0:
                    self._dump()
            if cb is not None:
                record = agent._core.last_record()
                if record is not None:
                    cb.update_locals({"episode": EpisodeRecord(*record)})
                cb.on_rollout_end()
                if wants_stop(cb):
                    return

    # ------------------------------------------------------------------ one Gymnasium env
    def _run_env(self) -> None:
        agent, env, cb = self.agent, self.env, self.callback
        agent._core.end_episode()
        while self._budget_left():
            if cb is not None:
                cb.on_rollout_start()
            obs, _info = env.reset(seed=agent._first_reset_seed())
            stop = False
            while True:
                action = agent.act(obs)
                new_obs, reward, terminated, truncated, info = env.step(action)
                agent.observe(reward, new_obs, terminated, truncated)
                self.steps += 1
                if self.bar is not None and self.total_timesteps is not None:
                    self.bar.update(1)
                done = bool(terminated or truncated)
                cut = not done and self.total_timesteps is not None and not self._budget_left()
                if cut:
                    agent._core.end_episode()
                if cb is not None:
                    cb.update_locals(
                        {
                            "actions": np.array([action]),
                            "new_obs": [new_obs],
                            "rewards": np.array([float(reward)]),
                            "dones": np.array([done]),
                            "infos": [info],
                        }
                    )
                    if not cb.on_step():
                        stop = True
                if stop and not (done or cut):
                    agent._core.end_episode()
                if done or cut or stop:
                    break
                obs = new_obs
            self._episode_end(agent._core)
            if cb is not None:
                cb.on_rollout_end()
                if wants_stop(cb):
                    stop = True
            if stop:
                return

    def _episode_end(self, core: AgentCore) -> EpisodeRecord:
        """The dream after an episode, the statistics, the record handed to callbacks."""
        self.episodes_done += 1
        if self.bar is not None and self.episodes is not None:
            self.bar.update(1)
        # One env: the agent's own episode count (as run_episodes in Rust counts); a VectorEnv:
        # the episodes of all copies in this call.
        count = self.episodes_done if is_vector_env(self.env) else int(core.episodes)
        if self.dream_every > 0 and count % self.dream_every == 0:
            core.dream()
        last = core.last_record()
        assert last is not None
        record = EpisodeRecord(*last)
        self.returns.append(record.episode_return)
        self.lengths.append(record.length)
        if record.dream is not None:
            self.last_dream = record.dream
        if self.callback is not None:
            self.callback.update_locals({"episode": record})
        if self.logging and self.episodes_done % self.log_interval == 0:
            self._dump()
        return record

    # ------------------------------------------------------------------ a Gymnasium VectorEnv
    def _run_vector(self) -> None:
        agent, env, cb = self.agent, self.env, self.callback
        k = int(env.num_envs)
        cores = [agent._core] + [_helper_core(agent, i) for i in range(1, k)]
        for core in cores:
            core.end_episode()
        mode = autoreset_mode(env)
        seed = agent._first_reset_seed()
        obs = sub_observations(env, env.reset(seed=seed)[0])
        skip = np.zeros(k, dtype=bool)  # copies whose next step is Gymnasium's autoreset step
        if cb is not None:
            cb.on_rollout_start()
        while self._budget_left():
            actions = np.empty(k, dtype=np.int64)
            for i in range(k):
                actions[i] = agent._start if skip[i] else _act(agent, cores[i], obs[i])
            batch, rewards, terminated, truncated, infos = env.step(actions)
            new_obs = sub_observations(env, batch)
            dones = np.logical_or(terminated, truncated)
            stop = False
            for i in range(k):
                if skip[i]:
                    skip[i] = False
                    continue
                last_obs = new_obs[i]
                if mode == "same_step" and dones[i]:
                    last_obs = infos["final_obs"][i]
                _observe(agent, cores[i], rewards[i], last_obs, terminated[i], truncated[i])
                self.steps += 1
                if i > 0:
                    agent._vector_steps += 1
                if self.bar is not None and self.total_timesteps is not None:
                    self.bar.update(1)
                if dones[i]:
                    skip[i] = mode == "next_step"
                    self._episode_end(cores[i])
                    if cb is not None:
                        cb.on_rollout_end()
                        stop = stop or wants_stop(cb)
                        cb.on_rollout_start()
                if not self._budget_left():
                    break
            if mode == "disabled" and dones.any():
                obs_reset = env.reset(options={"reset_mask": dones})[0]
                new_obs = sub_observations(env, obs_reset)
            obs = new_obs
            if cb is not None:
                cb.update_locals(
                    {
                        "actions": actions,
                        "new_obs": new_obs,
                        "rewards": np.asarray(rewards, dtype=np.float64),
                        "dones": dones,
                        "infos": infos,
                    }
                )
                if not cb.on_step():
                    stop = True
            if stop:
                break
        self.bar = None  # the budget is spent: the cut episodes below do not count toward it
        for core in cores:  # episodes still running are ended (learned as truncated)
            if core.end_episode() is not None:
                self._episode_end(core)
                if cb is not None:
                    cb.on_rollout_end()

    # ------------------------------------------------------------------ logging
    def _dump(self) -> None:
        agent = self.agent
        logger = agent.logger
        record_rollout(logger, self, agent.num_timesteps)
        d = self.last_dream
        if d is not None:
            logger.record("dream/walks", d.walks)
            logger.record("dream/steps", d.steps)
            logger.record("dream/synapses_reinforced", d.synapses_reinforced)
            logger.record("dream/synapses_galvanized", d.synapses_galvanized)
            logger.record("dream/creative_edges_created", d.creative_edges_created)
            logger.record("dream/value_change", d.value_change)
        brain = agent.brain
        logger.record("brain/nodes", brain.node_count)
        logger.record("brain/synapses", brain.edge_count)
        logger.dump(agent.num_timesteps)


class RolloutStats(Protocol):
    """What :func:`record_rollout` reads from a training loop."""

    returns: deque[float]
    lengths: deque[int]
    episodes_done: int
    steps: int
    start_time: float


def record_rollout(logger: Logger, stats: RolloutStats, num_timesteps: int) -> None:
    """Records the ``rollout/`` and ``time/`` metrics every agent's ``learn`` writes."""
    elapsed = max(time.perf_counter() - stats.start_time, 1e-9)
    if stats.returns:
        logger.record("rollout/ep_rew_mean", float(np.mean(stats.returns)))
        logger.record("rollout/ep_len_mean", float(np.mean(stats.lengths)))
    logger.record("time/episodes", stats.episodes_done)
    logger.record("time/total_timesteps", num_timesteps)
    logger.record("time/fps", int(stats.steps / elapsed))
    logger.record("time/time_elapsed", round(elapsed, 3))


def wants_stop(cb: BaseCallback) -> bool:
    """Whether an episode-level callback (a plain function returning False) asked to stop."""
    from hebbian_brain.callbacks import CallbackList, _EpisodeFunctionCallback

    if isinstance(cb, _EpisodeFunctionCallback):
        return cb.stop
    if isinstance(cb, CallbackList):
        return any(wants_stop(c) for c in cb.callbacks)
    return False


def _helper_core(agent: Agent, i: int) -> AgentCore:
    """The learner of copy ``i`` of a VectorEnv: its own trajectory, the agent's brain."""
    seed = None if agent._seed is None else derive_seed(agent._seed, i)
    return AgentCore(
        agent._n,
        params=agent.params,
        seed=seed,
        discrete=agent._encoder.discrete,
        brain=agent.brain,
    )


def _act(agent: Agent, core: AgentCore, obs: Any) -> int:
    if core is agent._core:
        return int(agent.act(obs))
    enc = agent._encoder
    key = enc.index("obs", obs) if enc.kind == "index" else enc.hash("obs", obs)
    if enc.splitting:
        enc.hand_over_split(core)
    a = core.act_index(key) if enc.kind == "index" else core.act(key)
    _remember(agent, key, obs)
    return int(a) + int(agent._start)


def _remember(agent: Agent, key: int, obs: Any) -> None:
    """Keeps the observation that names a state in pictures (as ``Agent.act`` does)."""
    enc = agent._encoder
    if enc.kind == "hash" or enc.discretizer is not None:
        agent._state_memory.remember(key, obs)


def _observe(
    agent: Agent, core: AgentCore, reward: Any, obs: Any, terminated: Any, truncated: Any
) -> None:
    if core is agent._core:
        agent.observe(float(reward), obs, bool(terminated), bool(truncated))
        return
    enc = agent._encoder
    if enc.kind == "index":
        key = enc.index("next_obs", obs)
        core.observe_index(float(reward), key, bool(terminated), bool(truncated))
    else:
        key = enc.hash("next_obs", obs)
        core.observe(float(reward), key, bool(terminated), bool(truncated))
    _remember(agent, key, obs)
