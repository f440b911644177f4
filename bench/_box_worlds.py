"""Learning speed on continuous-observation worlds (Gymnasium classic control), defaults only.

The agent is ``hb.Agent(env, seed=seed)`` with every default: for ``Box`` observations an
:class:`hebbian_brain.ExperienceAgent` (docs/reference/rules.md §7), trained with
``learn(env, episodes=check_every)`` between evaluations. Beside it, in the same run:

  q         tabular Q-learning on the grid agent's default abstraction
            (``hb.abstraction.default_box_abstraction``, its own QuantileDiscretizer):
            epsilon-greedy (epsilon 0.1), alpha 0.1, gamma 0.99, zero initial values, random
            tie-breaking; not tuned
  grid      the graph-brain agent on that default abstraction (``hb.Agent(env,
            params=hb.AgentParams())``; rules.md §1.8), dreaming after every episode; not in
            the default set
  uniform   the graph-brain agent on ``Discretizer.from_space(space, bins=8)`` (what the
            README showed before the default abstraction existed); not in the default set

``--max-nodes N`` caps the agent's graph at N nodes (beyond, each new step overwrites a node
drawn at random). ``--split-after K`` gives the grid agent and Q-learning the default abstraction
with splitting (``QuantileDiscretizer(..., split_after=K)``, default bins; rules.md §1.8), the
agent's new cells inheriting their parent's experiences (rules.md §1.9); Q-learning's new cells
start from zero.

Every ``check_every`` episodes the greedy policy (``predict(deterministic=True)``) is run for
``eval_episodes`` episodes in a separate environment (reset seeds 10 000 + 100·seed + i); a
world is solved when their mean return reaches the target. Reported per world and learner
(medians over the seeds; a run that never gets there counts as the budget, ``never`` counts
them): episodes and env steps until solved, and the greedy mean at the end of the budget.
The zoo column is the env-step budget of the RL Baselines3 Zoo's DQN on that world.

    python bench/learning.py --box                       # the whole table (seeds 0-9)
    python bench/_box_worlds.py --seeds 3 --worlds CartPole-v1 --learners agent,q,grid
    python bench/_box_worlds.py --first-seed 100        # tuning seeds
    python bench/learning.py --box --split-after 1000   # the defaults with splitting
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

import hebbian_brain as hb


@dataclass(frozen=True)
class BoxWorld:
    name: str
    target: float
    max_steps: int  # env-step budget (the zoo's DQN budget where the issue sets one)
    max_episodes: int  # episode budget (none of the worlds sets one: steps are the budget)
    check_every: int
    zoo_dqn_steps: int


BOX_WORLDS = [
    BoxWorld("CartPole-v1", 475.0, 50_000, 10**9, 25, 50_000),
    BoxWorld("MountainCar-v0", -130.0, 120_000, 10**9, 25, 120_000),
    BoxWorld("Acrobot-v1", -100.0, 100_000, 10**9, 25, 100_000),
]
BY_NAME = {w.name: w for w in BOX_WORLDS}
LEARNERS = ("agent", "q", "grid", "uniform")
EVAL_EPISODES = 10


class QLearning:
    """Tabular Q-learning on cell ids (a dict of rows: only cells met use memory)."""

    def __init__(
        self, n_a: int, seed: int, alpha: float = 0.1, gamma: float = 0.99, epsilon: float = 0.1
    ) -> None:
        self.q: dict[int, np.ndarray] = {}
        self.n_a, self.alpha, self.gamma, self.epsilon = n_a, alpha, gamma, epsilon
        self.rng = np.random.default_rng(seed)

    def row(self, s: int) -> np.ndarray:
        r = self.q.get(s)
        if r is None:
            r = self.q[s] = np.zeros(self.n_a)
        return r

    def act(self, s: int) -> int:
        if self.rng.random() < self.epsilon:
            return int(self.rng.integers(self.n_a))
        r = self.row(s)
        return int(self.rng.choice(np.flatnonzero(r == r.max())))

    def greedy(self, s: int) -> int:
        r = self.q.get(s)
        return 0 if r is None else int(np.argmax(r))

    def update(self, s: int, a: int, reward: float, s2: int, terminated: bool) -> None:
        target = reward + (0.0 if terminated else self.gamma * self.row(s2).max())
        self.row(s)[a] += self.alpha * (target - self.row(s)[a])


def greedy_mean(policy: Any, env: gym.Env, seed: int) -> float:
    total = 0.0
    for i in range(EVAL_EPISODES):
        obs, _ = env.reset(seed=10_000 + 100 * seed + i)
        while True:
            obs, r, terminated, truncated, _ = env.step(policy(obs))
            total += float(r)
            if terminated or truncated:
                break
    return total / EVAL_EPISODES


def box_abstraction(space: Any, split_after: int) -> hb.QuantileDiscretizer:
    """The default abstraction of ``space``, splitting after ``split_after`` visits if > 0."""
    cells = hb.abstraction.default_box_abstraction(space)
    if split_after == 0:
        return cells
    return hb.QuantileDiscretizer(cells.low, cells.high, cells=cells.cells, split_after=split_after)


def run_one(task: tuple[str, str, int, int, int | None]) -> dict[str, Any]:
    """One learner on one world with one seed until solved or out of budget."""
    name, learner, seed, split_after, max_nodes = task
    world = BY_NAME[name]
    env, eval_env = gym.make(name), gym.make(name)
    n_a = int(env.action_space.n)
    if learner == "q":
        cells = box_abstraction(env.observation_space, split_after)
        q = QLearning(n_a, seed)

        def policy(o: Any) -> int:
            return q.greedy(cells.cell(o, record=False, add=False))
    elif learner == "agent":
        return _run_default_agent(world, seed, eval_env, max_nodes)
    else:
        obs_arg: Any = box_abstraction(env.observation_space, split_after)
        if learner == "uniform":
            obs_arg = hb.Discretizer.from_space(env.observation_space, bins=8)
        agent = hb.Agent(env.action_space, seed=seed, observation=obs_arg)

        def policy(o: Any) -> int:
            return int(agent.predict(o, deterministic=True)[0])

    steps = episodes = 0
    greedy = float("nan")
    solved_at: tuple[int, int] | None = None
    obs, _ = env.reset(seed=seed)
    start = time.perf_counter()
    while steps < world.max_steps and episodes < world.max_episodes:
        if learner == "q":
            s = cells.cell(obs)  # recorded towards the fit, as the agent's act() does
            while True:
                a = q.act(s)
                obs, r, terminated, truncated, _ = env.step(a)
                steps += 1
                if terminated or truncated:
                    q.update(s, a, float(r), cells.cell(obs, record=False), terminated)
                    break
                s2 = cells.cell(obs)
                q.update(s, a, float(r), s2, terminated)
                s = s2
        else:
            while True:
                obs, r, terminated, truncated, _ = env.step(agent.act(obs))
                agent.observe(float(r), obs, terminated, truncated)
                steps += 1
                if terminated or truncated:
                    break
            agent.dream()
        episodes += 1
        obs, _ = env.reset()
        if episodes % world.check_every == 0:
            greedy = greedy_mean(policy, eval_env, seed)
            if greedy >= world.target:
                solved_at = (episodes, steps)
                break
    return {
        "world": name,
        "learner": learner,
        "seed": seed,
        "solved": solved_at is not None,
        "episodes": solved_at[0] if solved_at else episodes,
        "steps": solved_at[1] if solved_at else steps,
        "greedy": greedy,
        "seconds": time.perf_counter() - start,
    }


def _run_default_agent(
    world: BoxWorld, seed: int, eval_env: gym.Env, max_nodes: int | None
) -> dict[str, Any]:
    """``hb.Agent(env, seed=seed)``, learning ``check_every`` episodes between evaluations."""
    env = gym.make(world.name)
    agent = hb.Agent(env, seed=seed, max_nodes=max_nodes)  # None: the default cap
    greedy = float("nan")
    solved_at: tuple[int, int] | None = None
    start = time.perf_counter()
    while agent.num_timesteps < world.max_steps:
        agent.learn(episodes=world.check_every)
        greedy = greedy_mean(
            lambda o: int(agent.predict(o, deterministic=True)[0]), eval_env, seed
        )
        if greedy >= world.target:
            solved_at = (len(agent.history), agent.num_timesteps)
            break
    return {
        "world": world.name,
        "learner": "agent",
        "seed": seed,
        "solved": solved_at is not None,
        "episodes": solved_at[0] if solved_at else len(agent.history),
        "steps": solved_at[1] if solved_at else agent.num_timesteps,
        "greedy": greedy,
        "seconds": time.perf_counter() - start,
        "nodes": agent.node_count,
    }


def _median(values: list[float]) -> str:
    return f"{float(np.median(values)):.0f}" if values else "-"


def print_table(
    runs: list[dict[str, Any]],
    worlds: list[BoxWorld],
    learners: list[str],
    seeds: list[int],
    command: str,
    elapsed: float,
) -> None:
    print(f"command: {command}")
    print(f"seeds: {seeds[0]}-{seeds[-1]} ({len(seeds)}); greedy mean of {EVAL_EPISODES} episodes")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} logical CPUs, "
        f"Python {platform.python_version()}; {elapsed:.0f} s"
    )
    print()
    print(
        "| world | learner | target | solved | episodes to target | env steps to target "
        "| zoo DQN budget | greedy mean at stop (median, range) | seconds per run (median) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for w in worlds:
        for lr in learners:
            rs = [r for r in runs if r["world"] == w.name and r["learner"] == lr]
            if not rs:
                continue
            solved = [r for r in rs if r["solved"]]
            g = [r["greedy"] for r in rs]
            print(
                f"| {w.name} | {lr} | {w.target:g} | {len(solved)}/{len(rs)} "
                f"| {_median([r['episodes'] for r in rs])} "
                f"| {_median([r['steps'] for r in rs])} | {w.zoo_dqn_steps:.2g} "
                f"| {np.median(g):.0f} ({min(g):.0f} … {max(g):.0f}) "
                f"| {np.median([r['seconds'] for r in rs]):.1f} |"
            )
    print()
    print(
        "Unsolved runs count at the budget (episodes/steps run), so a median with fewer than "
        "half solved is a lower bound."
    )


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """--seeds, --first-seed, --worlds and --jobs, as every Box-world script takes them."""
    parser.add_argument("--seeds", type=int, default=10, help="seeds first..first+N-1")
    parser.add_argument("--first-seed", type=int, default=0, help="100+ for tuning")
    parser.add_argument("--worlds", default=",".join(BY_NAME))
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")


def run_all(run: Any, tasks: list[Any], jobs: int) -> tuple[list[dict[str, Any]], float]:
    """``run`` on every task (in ``jobs`` worker processes if > 1), and the seconds it took."""
    start = time.perf_counter()
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            runs = list(pool.map(run, tasks))
    else:
        runs = [run(t) for t in tasks]
    return runs, time.perf_counter() - start


def command_line() -> str:
    """The command as typed, for the table's header."""
    return "python " + shlex.join([os.path.relpath(sys.argv[0])] + sys.argv[1:])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_run_arguments(parser)
    parser.add_argument("--learners", default="agent,q", help=f"comma-separated: {LEARNERS}")
    parser.add_argument(
        "--split-after", type=int, default=0, help="cells split after K visits (0: never)"
    )
    parser.add_argument(
        "--max-nodes", type=int, default=None, help="the agent's node cap (default: its own)"
    )
    args = parser.parse_args(argv)
    worlds = [BY_NAME[n] for n in args.worlds.split(",")]
    learners = [x for x in args.learners.split(",") if x]
    bad = [x for x in learners if x not in LEARNERS]
    if bad:
        parser.error(f"unknown learners {bad}; choose from {LEARNERS}")
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    tasks = [
        (w.name, lr, s, args.split_after, args.max_nodes)
        for w in worlds
        for lr in learners
        for s in seeds
    ]
    runs, elapsed = run_all(run_one, tasks, args.jobs)
    print_table(runs, worlds, learners, seeds, command_line(), elapsed)


if __name__ == "__main__":
    main()
