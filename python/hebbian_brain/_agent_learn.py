"""The training loops behind ``Agent.learn``: Rust episodes, a Gymnasium env, a VectorEnv.

The skeleton (budget, callbacks in stable-baselines3's order, logger, progress bar) is
:class:`~hebbian_brain._learn_loop.TrainingLoop`'s; here are the graph agent's loops, the
episode's dream (between the last ``on_step`` and ``on_rollout_end``) and its ``dream/`` and
``brain/`` metrics.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from hebbian_brain._agent_history import EpisodeRecord
from hebbian_brain._agent_spaces import _builtin_core
from hebbian_brain._core import AgentCore, DreamReport, derive_seed
from hebbian_brain._learn_loop import TrainingLoop
from hebbian_brain._vector import autoreset_mode, is_vector_env, sub_observations

if TYPE_CHECKING:
    from hebbian_brain.logger import Logger

#: A hebbian_brain.Agent (typed loosely: ``agent`` imports this module).
Agent = Any


@contextmanager
def closure_sweeps(cores: Sequence[AgentCore], on: bool) -> Iterator[None]:
    """Sets ``sweeps_on_closure`` of every core for the block, restoring each one after.

    The sweep after a frontier-closing step is part of dreaming (rules.md §1.5a), so a call
    with ``dream_every=0`` runs without it.
    """
    before = [core.sweeps_on_closure for core in cores]
    try:
        for core in cores:
            core.sweeps_on_closure = on
        yield
    finally:
        for core, was in zip(cores, before, strict=True):
            core.sweeps_on_closure = was


class Training(TrainingLoop):
    """One ``learn`` call of the graph agent: Rust episodes, a Gymnasium env or a VectorEnv."""

    #: Dream after every this many episodes (0: never); ``learn``'s ``dream_every``.
    dream_every: int = 1
    #: The report of the latest dream, for the ``dream/`` metrics.
    last_dream: DreamReport | None = None

    def run(self) -> None:
        """The loop of :class:`TrainingLoop`; with ``dream_every=0`` no sweep either."""
        with closure_sweeps([self.agent._core], self.dream_every > 0):
            super().run()

    def _rust_env(self) -> Any:
        return _builtin_core(self.env)

    def _run_steps(self) -> None:
        if is_vector_env(self.env):
            self._run_vector()
        else:
            self._run_env()

    # ------------------------------------------------------------------ episodes in Rust
    def _run_rust(self, core_env: Any) -> None:
        agent, cb = self.agent, self.callback
        assert self.episodes is not None
        agent._seed_builtin(self.env)
        chunk = self._chunk()
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
            if self._end_rollout():
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
                self._count_step()
                done = bool(terminated or truncated)
                cut = not done and self.total_timesteps is not None and not self._budget_left()
                if cut:
                    agent._core.end_episode()
                stop = self._on_step(action, new_obs, reward, done, info)
                if stop and not (done or cut):
                    agent._core.end_episode()
                if done or cut or stop:
                    break
                obs = new_obs
            self._episode_end(agent._core)
            if self._end_rollout():
                stop = True
            if stop:
                return

    def _episode_end(self, core: AgentCore) -> EpisodeRecord:
        """The dream after an episode, the statistics, the record handed to callbacks."""
        self._count_episode(bar=True)
        # One env: the agent's own episode count (as run_episodes in Rust counts); a VectorEnv:
        # the episodes of all copies in this call.
        count = self.episodes_done if is_vector_env(self.env) else int(core.episodes)
        if self.dream_every > 0 and count % self.dream_every == 0:
            core.dream()
        last = core.last_record()
        assert last is not None
        record = EpisodeRecord(*last)
        if record.dream is not None:
            self.last_dream = record.dream
        self._record_episode(record, record.episode_return, record.length)
        return record

    # ------------------------------------------------------------------ a Gymnasium VectorEnv
    def _run_vector(self) -> None:
        agent, env, cb = self.agent, self.env, self.callback
        k = int(env.num_envs)
        cores = [agent._core] + [_helper_core(agent, i) for i in range(1, k)]
        for core in cores:
            core.sweeps_on_closure = self.dream_every > 0
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
                self._count_step()
                if i > 0:
                    agent._vector_steps += 1
                if dones[i]:
                    skip[i] = mode == "next_step"
                    self._episode_end(cores[i])
                    if cb is not None:
                        stop = self._end_rollout() or stop
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
                self._end_rollout()

    # ------------------------------------------------------------------ logging
    def _record_extra(self, logger: Logger) -> None:
        d = self.last_dream
        if d is not None:
            logger.record("dream/walks", d.walks)
            logger.record("dream/steps", d.steps)
            logger.record("dream/synapses_reinforced", d.synapses_reinforced)
            logger.record("dream/synapses_galvanized", d.synapses_galvanized)
            logger.record("dream/creative_edges_created", d.creative_edges_created)
            logger.record("dream/value_change", d.value_change)
        brain = self.agent.brain
        logger.record("brain/nodes", brain.node_count)
        logger.record("brain/synapses", brain.edge_count)


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
    if enc.kind == "index":
        key = enc.learning_index(core, "obs", obs)
    else:
        key = enc.hash("obs", obs)
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
        key = enc.learning_index(core, "next_obs", obs, float(reward))
        core.observe_index(float(reward), key, bool(terminated), bool(truncated))
    else:
        key = enc.hash("next_obs", obs)
        core.observe(float(reward), key, bool(terminated), bool(truncated))
    _remember(agent, key, obs)
