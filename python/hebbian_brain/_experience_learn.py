"""The training loops behind ``ExperienceAgent.learn``: a Gymnasium env or a VectorEnv.

The skeleton (budget, callbacks in stable-baselines3's order, logger, progress bar) is
:class:`~hebbian_brain._learn_loop.TrainingLoop`'s. One env steps through the agent's
``act`` / ``observe``; the copies of a VectorEnv each keep their own step in progress and
store into the one graph (``ExperienceCore.choose`` / ``store``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from hebbian_brain._agent_history import EpisodeRecord
from hebbian_brain._learn_loop import TrainingLoop
from hebbian_brain._vector import autoreset_mode, is_vector_env, sub_observations

if TYPE_CHECKING:
    from hebbian_brain.logger import Logger


class ExperienceTraining(TrainingLoop):
    """One ``learn`` call of the experience agent."""

    #: Rebuild after every this many episodes as well as on the schedule (0: schedule only).
    dream_every: int = 0

    def _rust_env(self) -> Any:
        return None

    def _run_steps(self) -> None:
        if is_vector_env(self.env):
            self._run_vector()
        else:
            self._run_env()

    # ------------------------------------------------------------------ one Gymnasium env
    def _run_env(self) -> None:
        agent, env, cb = self.agent, self.env, self.callback
        agent.end_episode()
        while self._budget_left():
            if cb is not None:
                cb.on_rollout_start()
            obs, _info = env.reset(seed=agent._first_reset_seed())
            stop = False
            record = None
            while record is None:
                action = agent.act(obs)
                obs, reward, terminated, truncated, info = env.step(action)
                agent.observe(reward, obs, terminated, truncated)
                self._count_step()
                done = bool(terminated or truncated)
                record = agent._last_record() if done else None
                stop = self._on_step(action, obs, reward, done, info)
                if record is None and (stop or not self._budget_left()):
                    record = agent.end_episode()
            self._episode_end(record)
            if self._end_rollout() or stop:
                return

    def _episode_end(self, record: EpisodeRecord) -> None:
        """The optional dream after an episode, the statistics, the callback's record."""
        self._count_episode(bar=True)
        if self.dream_every > 0 and self.episodes_done % self.dream_every == 0:
            self.agent.dream()
        self._record_episode(record, record.episode_return, record.length)

    # ------------------------------------------------------------------ a Gymnasium VectorEnv
    def _run_vector(self) -> None:
        agent, env, cb = self.agent, self.env, self.callback
        agent.end_episode()
        k = int(env.num_envs)
        mode = autoreset_mode(env)
        obs = sub_observations(env, env.reset(seed=agent._first_reset_seed())[0])
        skip = np.zeros(k, dtype=bool)  # copies whose next step is Gymnasium's autoreset step
        running = [[0.0, 0] for _ in range(k)]
        if cb is not None:
            cb.on_rollout_start()
        stop = False
        while self._budget_left() and not stop:
            actions = np.array(
                [agent._start if skip[i] else agent._choose(obs[i]) for i in range(k)],
                dtype=np.int64,
            )
            batch, rewards, terminated, truncated, infos = env.step(actions)
            new_obs = sub_observations(env, batch)
            dones = np.logical_or(terminated, truncated)
            for i in range(k):
                if skip[i]:
                    skip[i] = False
                    continue
                last = new_obs[i]
                if mode == "same_step" and dones[i]:
                    last = infos["final_obs"][i]
                agent._store(obs[i], int(actions[i]), float(rewards[i]), last, bool(terminated[i]))
                self._count_step()
                running[i][0] += float(rewards[i])
                running[i][1] += 1
                if dones[i]:
                    skip[i] = mode == "next_step"
                    self._vector_episode(running[i], bool(terminated[i]))
                    if cb is not None:
                        stop = self._end_rollout() or stop
                        cb.on_rollout_start()
                if not self._budget_left():
                    break
            if mode == "disabled" and dones.any():
                new_obs = sub_observations(env, env.reset(options={"reset_mask": dones})[0])
            obs = new_obs
            stop = self._vector_step_hook(actions, new_obs, rewards, dones, infos) or stop
        self.bar = None  # the budget is spent: the cut episodes below do not count toward it
        for run in running:
            if run[1] > 0:
                self._vector_episode(run, False)
        self._end_rollout()  # the one rollout still open (on_rollout_start after each end)

    def _vector_episode(self, run: list[Any], terminated: bool) -> None:
        record = self.agent._record_episode_of(float(run[0]), int(run[1]), terminated)
        run[0], run[1] = 0.0, 0
        self._episode_end(record)

    def _vector_step_hook(
        self, actions: Any, new_obs: Any, rewards: Any, dones: Any, infos: Any
    ) -> bool:
        cb = self.callback
        if cb is None:
            return False
        cb.update_locals(
            {
                "actions": actions,
                "new_obs": new_obs,
                "rewards": np.asarray(rewards, dtype=np.float64),
                "dones": dones,
                "infos": infos,
            }
        )
        return not cb.on_step()

    # ------------------------------------------------------------------ logging
    def _record_extra(self, logger: Logger) -> None:
        core = self.agent._core
        logger.record("brain/nodes", core.node_count)
        logger.record("brain/planned", core.planned)
