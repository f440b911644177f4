"""Per-step cost of agents.

1. ``act`` + ``observe`` from Python on FrozenLake-v1 (4x4, not slippery), as a ratio to the
   environment's own ``step`` (``gymnasium.make`` output, wrappers included) measured in the same
   run on the same trajectory. Target: <= 0.5. The same on CartPole-v1 for the default agent of
   ``Box`` observations (an ExperienceAgent, learning from scratch, its rebuilds included: they
   replan every stored step and make most of its cost; no target).
2. Steps per second of ``Agent.learn`` on GridWorld-v0 run entirely in Rust
   (``run_episodes``, GIL released, one thread), with dreaming on (defaults) and off.
   Target: >= 1M steps/s. Reference: tabular Q-learning written in Python on the same Rust
   environment core (the loop one would write without this library).

Median of 5 repeats.

    python bench/agent_step.py
"""

from __future__ import annotations

import time

import gymnasium as gym
import numpy as np

import hebbian_brain as hb

REPEATS = 5
STEPS = 20_000


def step_ratio(env: gym.Env, agent: hb.Agent, steps: int = STEPS) -> tuple[float, float, float]:
    """Seconds per step of ``act`` + ``observe`` and of ``env.step`` on the agent's own
    trajectory (timed separately, learning on), and their ratio; medians of REPEATS runs."""
    env_times, agent_times = [], []
    for _ in range(REPEATS):
        obs, _ = env.reset(seed=1)
        t_env = 0.0
        t_agent = 0.0
        for _ in range(steps):
            t0 = time.perf_counter()
            a = agent.act(obs)
            t1 = time.perf_counter()
            nxt, r, term, trunc, _ = env.step(a)
            t2 = time.perf_counter()
            agent.observe(r, nxt, term, trunc)
            t3 = time.perf_counter()
            t_agent += (t1 - t0) + (t3 - t2)
            t_env += t2 - t1
            obs = nxt
            if term or trunc:
                obs, _ = env.reset()
        env_times.append(t_env / steps)
        agent_times.append(t_agent / steps)
    e, a = float(np.median(env_times)), float(np.median(agent_times))
    return a, e, a / e


def frozen_lake_ratio() -> tuple[float, float, float]:
    env = gym.make("FrozenLake-v1", is_slippery=False)
    agent = hb.Agent(env, seed=0)
    # Warm up: learn the task so that episodes are of realistic length.
    agent.learn(env, episodes=200)
    return step_ratio(env, agent)


def cart_pole_ratio() -> tuple[float, float, float]:
    """The Box default (an ExperienceAgent) from a fresh start: 5 x 4 000 steps, rebuilds
    included (the graph grows to 20 000 steps, its first CartPole solutions)."""
    env = gym.make("CartPole-v1")
    return step_ratio(env, hb.Agent(env, seed=0), steps=4_000)


def grid_world_rust(dream: bool) -> tuple[float, float]:
    rates = []
    episodes = 20_000
    steps_total = 0
    for r in range(REPEATS):
        env = gym.make("hebbian_brain/GridWorld-v0")
        agent = hb.Agent(env, seed=r)
        agent.learn(env, episodes=200, dream_every=1 if dream else 0)  # learn the task first
        before = agent.num_timesteps
        t0 = time.perf_counter()
        agent.learn(env, episodes=episodes, dream_every=1 if dream else 0)
        dt = time.perf_counter() - t0
        steps_total = agent.num_timesteps - before
        rates.append(steps_total / dt)
    # Reference: tabular Q-learning (alpha 0.5, gamma 0.99, epsilon 0.05) written in Python on the
    # same Rust env core, the loop a user would write without this library; same step count.
    core = hb.envs.GridWorldEnv().core
    q = np.zeros((25, 4))
    rng = np.random.default_rng(0)
    s = core.reset(0)
    t0 = time.perf_counter()
    for _ in range(steps_total):
        a = int(rng.integers(4)) if rng.random() < 0.05 else int(q[s].argmax())
        s2, r, term, trunc = core.step(a)
        q[s, a] += 0.5 * (r + (0.0 if term else 0.99 * q[s2].max()) - q[s, a])
        s = core.reset() if term or trunc else s2
    ref_rate = steps_total / (time.perf_counter() - t0)
    return float(np.median(rates)), ref_rate


def main() -> None:
    print("per step, median of", REPEATS)
    print(f"{'':46s} {'ours':>10s} {'reference':>10s} {'ratio':>7s}")
    for name, measure in (
        ("FrozenLake-v1 4x4: act+observe vs env.step (us)", frozen_lake_ratio),
        ("CartPole-v1 Box: act+observe vs env.step (us)", cart_pole_ratio),
    ):
        a, e, ratio = measure()
        print(f"{name:46s} {a * 1e6:10.2f} {e * 1e6:10.2f} {ratio:7.2f}")
    for dream in (True, False):
        rate, ref = grid_world_rust(dream)
        label = f"GridWorld run_episodes, dreams {'on ' if dream else 'off'} (steps/s)"
        print(f"{label:46s} {rate:10.3g} {ref:10.3g} {rate / ref:7.1f}")
    print("reference of run_episodes: tabular Q-learning in a Python loop on the same env core")


if __name__ == "__main__":
    main()
