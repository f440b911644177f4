"""The default agent of Box observations on variants of the classic-control worlds.

Issue 19 asks for an agent built for the class, not for three worlds: here ``hb.Agent(env,
seed=seed)`` with every default meets other time limits, observations reshaped to 2x2 and
observations rescaled and shifted by large factors (a hand-set bound or bin would break on each).
Protocol as bench/_box_worlds.py: ``learn(episodes=25)`` between greedy evaluations of 10
episodes (reset seeds 30 000 + i), until the target or the budget.

    python bench/box_variants.py                # seeds 0 and 1
    python bench/box_variants.py --seeds 5
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time
from collections.abc import Callable
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.wrappers import TransformObservation

import hebbian_brain as hb

Make = Callable[[], gym.Env]


def greedy_mean(agent: Any, make: Make, episodes: int = 10, seed: int = 30_000) -> float:
    env = make()
    total = 0.0
    for i in range(episodes):
        obs, _ = env.reset(seed=seed + i)
        while True:
            action = int(agent.predict(obs, deterministic=True)[0])
            obs, r, terminated, truncated, _ = env.step(action)
            total += float(r)
            if terminated or truncated:
                break
    return total / episodes


def limited(name: str, steps: int) -> Make:
    """``name`` with another time limit."""
    return lambda: gym.make(name, max_episode_steps=steps)


def scaled(name: str, a: float, b: float) -> Make:
    """``name`` whose observations are ``a * obs + b`` (bounds mapped the same way)."""

    def make() -> gym.Env:
        env = gym.make(name)
        space = env.observation_space
        low, high = space.low * a + b, space.high * a + b
        box = gym.spaces.Box(np.minimum(low, high), np.maximum(low, high), dtype=np.float32)
        return TransformObservation(env, lambda o: (o * a + b).astype(np.float32), box)

    return make


def reshaped(name: str, shape: tuple[int, ...]) -> Make:
    """``name`` whose observations come as an array of ``shape``."""

    def make() -> gym.Env:
        env = gym.make(name)
        box = gym.spaces.Box(-np.inf, np.inf, shape, np.float32)
        return TransformObservation(env, lambda o: o.reshape(shape), box)

    return make


#: (label, environment maker, greedy target, env-step budget)
CASES: list[tuple[str, Make, float, int]] = [
    ("CartPole-v1, time limit 1000", limited("CartPole-v1", 1000), 950.0, 60_000),
    ("CartPole-v1, observations 2x2", reshaped("CartPole-v1", (2, 2)), 475.0, 50_000),
    ("MountainCar-v0, time limit 500", limited("MountainCar-v0", 500), -130.0, 120_000),
    ("Acrobot-v1, observations x100 + 7", scaled("Acrobot-v1", 100.0, 7.0), -100.0, 100_000),
    ("MountainCar-v0, observations x(-1000)", scaled("MountainCar-v0", -1e3, 0.0), -130.0, 120_000),
]


def run(make: Make, target: float, budget: int, seed: int) -> tuple[float, int, float]:
    """(greedy mean at stop, env steps, seconds) of the default agent."""
    start = time.perf_counter()
    agent = hb.Agent(make(), seed=seed)
    greedy = float("-inf")
    while agent.num_timesteps < budget and greedy < target:
        agent.learn(episodes=25)
        greedy = greedy_mean(agent, make)
    return greedy, agent.num_timesteps, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=2, help="seeds 0..N-1")
    args = parser.parse_args()
    print("command: python " + shlex.join([os.path.relpath(sys.argv[0])] + sys.argv[1:]))
    print(f"machine: {platform.machine()}, {os.cpu_count()} logical CPUs")
    print()
    print("| world | seed | target | greedy mean at stop | env steps | budget | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, make, target, budget in CASES:
        for seed in range(args.seeds):
            greedy, steps, seconds = run(make, target, budget, seed)
            print(
                f"| {label} | {seed} | {target:g} | {greedy:.0f} | {steps} | {budget} "
                f"| {seconds:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
