"""Learning speed: episodes until the greedy policy first reaches the optimal return.

For Chain-v0, GridWorld-v0, FrozenLake-v1 (4x4, not slippery), CliffWalking-v1 (TimeLimit 200)
and Taxi-v4, over 10 seeds, four learners are trained one episode at a time and, after each
episode (every 10 for Taxi), their greedy policy is checked:

  (a) hebbian_brain.Agent with dreaming (defaults: one dream after every episode),
  (b) the same agent without dreaming (dream_every=0),
  (c) tabular Q-learning, (c+) the same with optimistic initial values (Q0 = the largest
      one-step reward of the task, at least 0: optimism in the face of uncertainty, the
      baseline that explores like our agent's untried-action rule), (d) Dyna-Q — all written
      here, hyperparameters tuned with ``--tune`` (grid below, on seeds 100-102, not the
      reported seeds) and stated in BASELINES.

"Optimal" is the optimal undiscounted return from value iteration on the environment's model
(every one of Taxi's 300 start states must be solved optimally). Greedy ties go to the lowest
action for every learner. A learner that never gets there within the budget counts as the budget
(reported as ">budget" when that is the median).

    python bench/learning.py            # the table (a few minutes on 2 cores)
    python bench/learning.py --seeds 3  # quicker
    python bench/learning.py --tune     # re-tune the baselines' hyperparameters
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

import gymnasium as gym
import numpy as np
from gymnasium.wrappers import TimeLimit

import hebbian_brain as hb

# ----------------------------------------------------------------------------- environments


@dataclass(frozen=True)
class Task:
    name: str
    make: Callable[[], gym.Env]
    budget: int  # most training episodes
    check_every: int  # greedy policy checked after every this many episodes
    baseline: str = ""  # key of BASELINES (default: name)

    @property
    def key(self) -> str:
        return self.baseline or self.name


TASKS = [
    Task("Chain-v0", lambda: gym.make("hebbian_brain/Chain-v0", length=10), 500, 1),
    Task(
        "Chain-v0 (len 30)",
        lambda: gym.make("hebbian_brain/Chain-v0", length=30),
        500,
        1,
        baseline="Chain-v0",
    ),
    Task("GridWorld-v0", lambda: gym.make("hebbian_brain/GridWorld-v0", size=5), 500, 1),
    Task("FrozenLake-v1", lambda: gym.make("FrozenLake-v1", is_slippery=False), 1000, 1),
    Task(
        "CliffWalking-v1",
        lambda: TimeLimit(gym.make("CliffWalking-v1"), max_episode_steps=200),
        1000,
        1,
    ),
    Task("Taxi-v4", lambda: gym.make("Taxi-v4"), 6000, 10),
]


class Model:
    """A deterministic tabular model (s, a) -> (s', r, done) and the start states."""

    def __init__(self, env: gym.Env) -> None:
        u = env.unwrapped
        self.n_states = int(env.observation_space.n)
        self.n_actions = int(env.action_space.n)
        self.next = np.zeros((self.n_states, self.n_actions), dtype=np.int64)
        self.reward = np.zeros((self.n_states, self.n_actions))
        self.done = np.zeros((self.n_states, self.n_actions), dtype=bool)
        if hasattr(u, "P"):
            for s in range(self.n_states):
                for a in range(self.n_actions):
                    ((_, s2, r, d),) = u.P[s][a]  # deterministic in these settings
                    self.next[s, a], self.reward[s, a], self.done[s, a] = s2, r, d
            self.starts = np.flatnonzero(u.initial_state_distrib)
        else:  # our envs: step a copy of the core from every state
            self._from_core(env)
        self.max_steps = getattr(env.spec, "max_episode_steps", None) or 200
        if hasattr(u, "core"):
            self.max_steps = u.core.max_steps
        if isinstance(env, TimeLimit):
            self.max_steps = env._max_episode_steps

    def _from_core(self, env: gym.Env) -> None:
        u = env.unwrapped
        if isinstance(u, hb.envs.ChainEnv):
            n = u.core.length
            for s in range(n):
                for a in range(2):
                    s2 = max(s - 1, 0) if a == 0 else s + 1
                    s2 = min(s2, n - 1)
                    self.next[s, a] = s2
                    self.done[s, a] = s2 == n - 1
                    self.reward[s, a] = 1.0 if s2 == n - 1 else 0.0
        else:
            size = u.size
            walls = u.walls.ravel()
            moves = [(-1, 0), (0, 1), (1, 0), (0, -1)]
            for s in range(size * size):
                r, c = divmod(s, size)
                for a, (dr, dc) in enumerate(moves):
                    nr, nc = r + dr, c + dc
                    s2 = nr * size + nc if 0 <= nr < size and 0 <= nc < size else s
                    if walls[s2]:
                        s2 = s
                    self.next[s, a] = s2
                    self.done[s, a] = s2 == u.core.goal
                    self.reward[s, a] = -1.0
        self.starts = np.array([0 if isinstance(u, hb.envs.ChainEnv) else u.core.start])

    @property
    def q_init(self) -> float:
        """Optimistic initial value: the largest one-step reward, at least 0."""
        return max(0.0, float(self.reward.max()))

    def optimal_returns(self) -> np.ndarray:
        v = np.zeros(self.n_states)
        for _ in range(10_000):
            q = self.reward + np.where(self.done, 0.0, v[self.next])
            new = q.max(axis=1)
            if np.allclose(new, v):
                break
            v = new
        return v[self.starts]

    def greedy_returns(self, policy: np.ndarray) -> np.ndarray:
        out = np.empty(self.starts.size)
        for i, s in enumerate(self.starts):
            total = 0.0
            for _ in range(self.max_steps):
                a = policy[s]
                total += self.reward[s, a]
                if self.done[s, a]:
                    break
                s = self.next[s, a]
            out[i] = total
        return out


# ----------------------------------------------------------------------------- learners


class QLearning:
    """Tabular Q-learning, ε-greedy with random tie-breaking, Q initialised to ``q_init``."""

    def __init__(
        self,
        n_s: int,
        n_a: int,
        seed: int,
        alpha: float,
        gamma: float,
        epsilon: float,
        q_init: float = 0.0,
    ):
        self.q = np.full((n_s, n_a), float(q_init))
        self.rng = np.random.default_rng(seed)
        self.alpha, self.gamma, self.epsilon = alpha, gamma, epsilon

    def act(self, s: int) -> int:
        if self.rng.random() < self.epsilon:
            return int(self.rng.integers(self.q.shape[1]))
        row = self.q[s]
        return int(self.rng.choice(np.flatnonzero(row == row.max())))

    def update(self, s: int, a: int, r: float, s2: int, terminated: bool) -> None:
        target = r + (0.0 if terminated else self.gamma * self.q[s2].max())
        self.q[s, a] += self.alpha * (target - self.q[s, a])

    def end_episode(self) -> None:
        pass

    def policy(self) -> np.ndarray:
        return self.q.argmax(axis=1)


class DynaQ(QLearning):
    """Dyna-Q: Q-learning plus `planning_steps` replayed model transitions per real step."""

    def __init__(
        self,
        n_s: int,
        n_a: int,
        seed: int,
        alpha: float,
        gamma: float,
        epsilon: float,
        planning_steps: int,
    ):
        super().__init__(n_s, n_a, seed, alpha, gamma, epsilon)
        self.planning_steps = planning_steps
        self.model: dict[tuple[int, int], tuple[float, int, bool]] = {}
        self.keys: list[tuple[int, int]] = []

    def update(self, s: int, a: int, r: float, s2: int, terminated: bool) -> None:
        super().update(s, a, r, s2, terminated)
        if (s, a) not in self.model:
            self.keys.append((s, a))
        self.model[(s, a)] = (r, s2, terminated)
        for _ in range(self.planning_steps):
            ps, pa = self.keys[int(self.rng.integers(len(self.keys)))]
            pr, ps2, pt = self.model[(ps, pa)]
            super().update(ps, pa, pr, ps2, pt)


# Tuned with --tune (grid: alpha in {0.1, 0.5, 1.0}, epsilon in {0.05, 0.1, 0.2} — {0, 0.05, 0.1}
# for the optimistic variant, which can explore without ε —, gamma 0.99; Dyna-Q with 10 planning
# steps), best median on seeds 100-102 per environment.
BASELINES: dict[str, dict[str, dict[str, float]]] = {
    "Chain-v0": {
        "q": {"alpha": 0.1, "epsilon": 0.05, "gamma": 0.99},
        "q_opt": {"alpha": 1.0, "epsilon": 0.05, "gamma": 0.99},
        "dyna": {"alpha": 0.1, "epsilon": 0.2, "gamma": 0.99, "planning_steps": 10},
    },
    "GridWorld-v0": {
        "q": {"alpha": 0.5, "epsilon": 0.05, "gamma": 0.99},
        "q_opt": {"alpha": 0.5, "epsilon": 0.0, "gamma": 0.99},
        "dyna": {"alpha": 1.0, "epsilon": 0.1, "gamma": 0.99, "planning_steps": 10},
    },
    "FrozenLake-v1": {
        "q": {"alpha": 0.1, "epsilon": 0.05, "gamma": 0.99},
        "q_opt": {"alpha": 0.1, "epsilon": 0.0, "gamma": 0.99},
        "dyna": {"alpha": 0.1, "epsilon": 0.05, "gamma": 0.99, "planning_steps": 10},
    },
    "CliffWalking-v1": {
        "q": {"alpha": 1.0, "epsilon": 0.2, "gamma": 0.99},
        "q_opt": {"alpha": 1.0, "epsilon": 0.0, "gamma": 0.99},
        "dyna": {"alpha": 0.1, "epsilon": 0.05, "gamma": 0.99, "planning_steps": 10},
    },
    "Taxi-v4": {
        "q": {"alpha": 0.1, "epsilon": 0.2, "gamma": 0.99},
        "q_opt": {"alpha": 1.0, "epsilon": 0.05, "gamma": 0.99},
        "dyna": {"alpha": 0.5, "epsilon": 0.1, "gamma": 0.99, "planning_steps": 10},
    },
}


def run_tabular(task: Task, learner: QLearning, seed: int, model: Model, target: np.ndarray) -> int:
    env = task.make()
    obs, _ = env.reset(seed=seed)
    for episode in range(1, task.budget + 1):
        if episode > 1:
            obs, _ = env.reset()
        done = False
        while not done:
            a = learner.act(obs)
            obs2, r, terminated, truncated, _ = env.step(a)
            learner.update(obs, a, float(r), obs2, terminated)
            obs, done = obs2, terminated or truncated
        if episode % task.check_every == 0 and _solved(model, learner.policy(), target):
            return episode
    return task.budget + 1


def run_agent(task: Task, seed: int, dream: bool, model: Model, target: np.ndarray) -> int:
    env = task.make()
    agent = hb.Agent(env, seed=seed)
    env.reset(seed=seed)
    states = np.arange(model.n_states)
    for episode in range(1, task.budget + 1):
        agent.learn(env, episodes=1, dream_every=1 if dream else 0)
        if episode % task.check_every == 0:
            policy, _ = agent.predict(states, deterministic=True)
            if _solved(model, policy, target):
                return episode
    return task.budget + 1


def _solved(model: Model, policy: np.ndarray, target: np.ndarray) -> bool:
    return bool(np.all(model.greedy_returns(policy) >= target - 1e-9))


def _median(values: list[int], budget: int) -> str:
    m = float(np.median(values))
    return f">{budget}" if m > budget else f"{m:g}"


def tune(seeds: list[int], only: str | None, kinds: tuple[str, ...]) -> None:
    for task in TASKS:
        if (only and only != task.name) or task.baseline:
            continue
        env = task.make()
        model = Model(env)
        target = model.optimal_returns()
        n_s, n_a = model.n_states, model.n_actions
        for kind in kinds:
            results = []
            epsilons = (0.0, 0.05, 0.1) if kind == "q_opt" else (0.05, 0.1, 0.2)
            for alpha, eps in itertools.product((0.1, 0.5, 1.0), epsilons):
                eps_needed = []
                for seed in seeds:
                    if kind == "q":
                        learner = QLearning(n_s, n_a, seed, alpha, 0.99, eps)
                    elif kind == "q_opt":
                        learner = QLearning(n_s, n_a, seed, alpha, 0.99, eps, model.q_init)
                    else:
                        learner = DynaQ(n_s, n_a, seed, alpha, 0.99, eps, 10)
                    eps_needed.append(run_tabular(task, learner, seed, model, target))
                results.append((float(np.median(eps_needed)), alpha, eps))
            best = min(results)
            print(
                f"{task.name:16s} {kind:5s} best median {best[0]:g}: alpha={best[1]} "
                f"epsilon={best[2]}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--only", default=None, help="run one environment")
    parser.add_argument(
        "--kind",
        action="append",
        choices=("q", "q_opt", "dyna"),
        help="baselines to tune (default: all)",
    )
    args = parser.parse_args()
    if args.tune:
        tune([100, 101, 102], args.only, tuple(args.kind or ("q", "q_opt", "dyna")))
        return
    seeds = list(range(args.seeds))
    print(f"episodes until the greedy policy is optimal (median over {len(seeds)} seeds)")
    header = (
        f"{'environment':18s} {'(a) dreams':>11s} {'(b) no dreams':>14s} "
        f"{'(c) Q-learning':>15s} {'(c+) optimistic Q':>18s} {'(d) Dyna-Q':>11s} {'a/c':>6s}  "
        f"{'time':>6s}"
    )
    print(header)
    print("-" * len(header))
    for task in TASKS:
        if args.only and args.only != task.name:
            continue
        start = time.perf_counter()
        env = task.make()
        model = Model(env)
        target = model.optimal_returns()
        n_s, n_a = model.n_states, model.n_actions
        hp = BASELINES[task.key]
        a = [run_agent(task, s, True, model, target) for s in seeds]
        b = [run_agent(task, s, False, model, target) for s in seeds]
        c = [run_tabular(task, QLearning(n_s, n_a, s, **hp["q"]), s, model, target) for s in seeds]
        c_opt = [
            run_tabular(
                task, QLearning(n_s, n_a, s, **hp["q_opt"], q_init=model.q_init), s, model, target
            )
            for s in seeds
        ]
        d = [run_tabular(task, DynaQ(n_s, n_a, s, **hp["dyna"]), s, model, target) for s in seeds]
        ratio = float(np.median(a)) / float(np.median(c))
        print(
            f"{task.name:18s} {_median(a, task.budget):>11s} {_median(b, task.budget):>14s} "
            f"{_median(c, task.budget):>15s} {_median(c_opt, task.budget):>18s} "
            f"{_median(d, task.budget):>11s} {ratio:6.2f}  "
            f"{time.perf_counter() - start:5.1f}s",
            flush=True,
        )


if __name__ == "__main__":
    main()
