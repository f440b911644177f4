"""Population training in a Gymnasium VectorEnv: member ``i``, its own brain, acts in copy ``i``."""

from __future__ import annotations

from typing import Any

import numpy as np

from hebbian_brain._vector import autoreset_mode, sub_observations

__all__ = ["learn_members"]


def learn_members(
    members: list[Any],
    env: Any,
    total_timesteps: int | None,
    episodes: int | None,
    dream_every: int,
    bar: Any,
) -> None:
    """Steps ``env`` with one member per copy until the budget is spent.

    ``total_timesteps`` counts the steps of all copies; ``episodes`` is reached when every member
    has finished that many episodes in this call (members already there keep learning while the
    others finish). Episodes still running at the end are ended (learned as truncated).
    Gymnasium 1.x autoreset modes: next-step (the reset step is not learned from), same-step
    (the final observation comes from ``infos["final_obs"]``) and disabled (finished copies are
    reset with ``reset_mask``).
    """
    from hebbian_brain._agent_learn import closure_sweeps

    with closure_sweeps([m._core for m in members], dream_every > 0):
        k = len(members)
        for m in members:
            m._core.end_episode()
        mode = autoreset_mode(env)
        seed = members[0]._first_reset_seed()
        obs = sub_observations(env, env.reset(seed=seed)[0])
        skip = np.zeros(k, dtype=bool)
        done_episodes = np.zeros(k, dtype=np.int64)
        steps = 0

        def budget_left() -> bool:
            if total_timesteps is not None:
                return steps < total_timesteps
            assert episodes is not None
            return bool(done_episodes.min() < episodes)

        while budget_left():
            actions = np.empty(k, dtype=np.int64)
            for i, m in enumerate(members):
                actions[i] = m._start if skip[i] else m.act(obs[i])
            batch, rewards, terminated, truncated, infos = env.step(actions)
            new_obs = sub_observations(env, batch)
            dones = np.logical_or(terminated, truncated)
            for i, m in enumerate(members):
                if skip[i]:
                    skip[i] = False
                    continue
                last = infos["final_obs"][i] if mode == "same_step" and dones[i] else new_obs[i]
                m.observe(float(rewards[i]), last, bool(terminated[i]), bool(truncated[i]))
                steps += 1
                if bar is not None and total_timesteps is not None:
                    bar.update(1)
                if dones[i]:
                    skip[i] = mode == "next_step"
                    before = int(done_episodes.min())
                    done_episodes[i] += 1
                    if bar is not None and episodes is not None:
                        bar.update(int(done_episodes.min()) - before)
                    if dream_every > 0 and m._core.episodes % dream_every == 0:
                        m._core.dream()
                if total_timesteps is not None and steps >= total_timesteps:
                    break  # the copies after this one took an action that is not learned from
            if mode == "disabled" and dones.any():
                new_obs = sub_observations(env, env.reset(options={"reset_mask": dones})[0])
            obs = new_obs
        for m in members:
            m._core.end_episode()
