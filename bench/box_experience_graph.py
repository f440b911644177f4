"""The numpy stand-in of the experience graph (the reference of ``hb.ExperienceAgent``'s core).

Every real step is kept as a node i = (x_i, a_i, r_i, x'_i, terminal_i) in the observation's own
coordinates: no grid. The synapses of node i go to the k nodes of each action a nearest to its
next observation x'_i, in coordinates scaled per dimension by the 2–98 % quantile range of the
observations kept, with weights w_ij = exp(−(‖x'_i − x_j‖/ρ)²) normalized per action
(kernel-based RL, Ormoneit & Sen 2002; each node a sampled transition of the model). Planning
("dreaming") is value iteration over the nodes, twice:

  optimistic   Q⁺_i = r_i + γ(1 − term_i) · max_a min(V_max, Σ_j ŵ_ij Q⁺_j + β / √W_ia)
  greedy       Q_i  = r_i + γ(1 − term_i) · max_a Σ_j ŵ_ij Q_j

with W_ia = Σ_j w_ij the kernel mass of a around x'_i (few nearby visits: a large bonus, as
MBIE-EB's β/√n), V_max = max(r_max, 0)/(1 − γ) and an action without nodes worth V_max. The
agent acts on Q⁺ at its actual observation (ties broken at random), as the same kernel means as
in the backups. The greedy policy (``predict``) looks one step ahead on Q: the steps of the
observation's neighbours are replayed from the observation and V is read where they land,

  Q(x, a) = Σ_j ŵ_j(x) · [r_j + γ(1 − term_j) · V(x + x′_j − x_j)]

(``--lookahead both`` acts so too; ``none`` uses the kernel mean for both). The graph is relinked
and replanned when it has grown by a quarter and before each evaluation. ``--merge ε`` bounds the
nodes by folding a step into the nearest node of its action when it starts within ε of it (scaled
units): the node keeps its start, averages the reward, displacement and ending, and weighs as many
steps as it holds (off by default: it costs MountainCar, whose steps are short).

Defaults are k = 8, ρ = 0.1, β = 1, γ = 0.99, lookahead in the greedy policy, the same on every
world; they were chosen on seeds 100+ (docs/design/defaults.md, "Box observations"). The
protocol, budgets and table are ``bench/_box_worlds.py``'s; ``agent`` is the library's default
agent (``hb.ExperienceAgent``, learning between evaluations) in the same run. The Rust core
matches this stand-in's numbers on a fixture (bench/experience_graph_fixture.py).

    python bench/box_experience_graph.py --jobs 2                    # seeds 0-9, all worlds
    python bench/box_experience_graph.py --first-seed 100 --seeds 4 --worlds Acrobot-v1 --rho 0.07
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import gymnasium as gym
import numpy as np
from _box_worlds import (
    BY_NAME,
    add_run_arguments,
    command_line,
    greedy_mean,
    print_table,
    run_all,
)
from _box_worlds import run_one as run_library_agent
from scipy.spatial import cKDTree


class ExperienceGraph:
    """Nodes are real steps; synapses are kernel links from a step's outcome to nearby steps."""

    def __init__(
        self,
        n_actions: int,
        seed: int,
        *,
        k: int = 8,
        rho: float = 0.1,
        beta: float = 1.0,
        gamma: float = 0.99,
        growth: float = 1.25,
        tol: float = 1e-3,
        max_sweeps: int = 400,
        lookahead: str = "greedy",
        merge: float = 0.0,
    ) -> None:
        self.n_actions, self.k, self.rho, self.beta, self.gamma = n_actions, k, rho, beta, gamma
        self.growth, self.tol, self.max_sweeps = growth, tol, max_sweeps
        self.lookahead = lookahead  # "none", "greedy" (predict) or "both" (predict and act)
        self.rng = np.random.default_rng(seed)
        self.pending: list[tuple[np.ndarray, int, float, np.ndarray, bool]] = []
        self.x = self.x2 = np.zeros((0, 0))
        self.a, self.r, self.term = np.zeros(0, int), np.zeros(0), np.zeros(0)
        self.count = np.zeros(0)  # steps folded into each node (1 without merging)
        self.merge = merge  # fold a step into a node of its action nearer than this (scaled)
        self.q_opt, self.q = np.zeros(0), np.zeros(0)
        self.trees: list[Any] = [None] * n_actions
        self.members = [np.zeros(0, int)] * n_actions
        self.scale = np.ones(1)
        self.v_max = 0.0
        self.next_rebuild = 64

    def __len__(self) -> int:
        return len(self.a) + len(self.pending)

    def store(self, obs: Any, action: int, reward: float, next_obs: Any, terminated: bool) -> None:
        x, x2 = np.asarray(obs, float).ravel(), np.asarray(next_obs, float).ravel()
        self.pending.append((x, int(action), float(reward), x2, bool(terminated)))
        if len(self) >= self.next_rebuild:
            self.rebuild()

    def act(self, obs: Any) -> int:
        look = self.lookahead == "both"
        v = self.values(obs, optimistic=True, lookahead=look)
        return int(self.rng.choice(np.flatnonzero(v >= v.max() - 1e-9)))

    def predict(self, obs: Any) -> int:
        look = self.lookahead != "none"
        return int(np.argmax(self.values(obs, optimistic=False, lookahead=look)))

    def values(self, obs: Any, *, optimistic: bool, lookahead: bool = False) -> np.ndarray:
        """Each action's value at one observation.

        Without lookahead, the kernel mean of the action's nearest nodes' values. With it, the
        kernel mean over those nodes j of r_j + γ·V(x + x′_j − x_j): each neighbour's step is
        replayed from the observation itself, and V (the best kernel mean) is read where it lands.
        """
        x = np.asarray(obs, float).ravel()
        if not lookahead:
            return self._kernel_means(x[None, :], optimistic)[0]
        out = np.full(self.n_actions, self.v_max)
        for a in range(self.n_actions):
            if self.trees[a] is None:
                continue
            w, j = self._kernel(self.trees[a], (x / self.scale)[None, :])
            j = self.members[a][j[0]]
            w = w[0] * self.count[j]
            mass = w.sum()
            landed = x[None, :] + (self.x2[j] - self.x[j])
            after = self._kernel_means(landed, optimistic).max(1)
            target = self.r[j] + self.gamma * (1.0 - self.term[j]) * after
            mean = float((w * target).sum() / max(mass, 1e-300))
            if optimistic:
                out[a] = min(mean + self.beta / np.sqrt(max(mass, 1e-12)), self.v_max)
            else:
                out[a] = mean if mass > 1e-12 else self.v_max
        return out

    def _kernel_means(self, xs: np.ndarray, optimistic: bool) -> np.ndarray:
        """(points, actions): kernel means of the planned values (plus the bonus if optimistic)."""
        out = np.full((len(xs), self.n_actions), self.v_max)
        scaled = xs / self.scale
        q = self.q_opt if optimistic else self.q
        for a in range(self.n_actions):
            if self.trees[a] is None:
                continue
            w, j = self._kernel(self.trees[a], scaled)
            w = w * self.count[self.members[a][j]]
            mass = w.sum(1)
            mean = (w * q[self.members[a][j]]).sum(1) / np.maximum(mass, 1e-300)
            if optimistic:
                bonus = self.beta / np.sqrt(np.maximum(mass, 1e-12))
                out[:, a] = np.minimum(mean + bonus, self.v_max)
            else:
                out[:, a] = np.where(mass > 1e-12, mean, self.v_max)
        return out

    def _kernel(self, tree: Any, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        kk = min(self.k, tree.n)
        d, j = tree.query(x, k=kk)
        d, j = np.asarray(d).reshape(len(x), kk), np.asarray(j).reshape(len(x), kk)
        return np.exp(-((d / self.rho) ** 2)), j

    def rebuild(self) -> None:
        """Folds the pending steps in, rescales, relinks and replans both value functions."""
        if self.merge > 0 and len(self.a):
            self.pending = [step for step in self.pending if not self._fold(*step)]
        if self.pending:
            x, a, r, x2, t = zip(*self.pending)
            self.count = np.concatenate([self.count, np.ones(len(a))])
            n0 = len(self.a)
            self.x = np.vstack([self.x, np.array(x)]) if n0 else np.array(x)
            self.x2 = np.vstack([self.x2, np.array(x2)]) if n0 else np.array(x2)
            self.a = np.concatenate([self.a, a])
            self.r = np.concatenate([self.r, r])
            self.term = np.concatenate([self.term, np.asarray(t, float)])
            self.pending = []
        self.next_rebuild = int(len(self.a) * self.growth) + 1
        seen = np.vstack([self.x, self.x2])
        lo, hi = np.quantile(seen, [0.02, 0.98], axis=0)
        self.scale = np.where(hi - lo > 1e-12, hi - lo, 1.0)
        self.v_max = max(float(self.r.max()), 0.0) / (1.0 - self.gamma)
        links, weights, bonus = self._link()
        n = len(self.a)
        start = np.full(n, self.v_max)
        start[: len(self.q_opt)] = self.q_opt
        q_opt = self._plan(start, links, weights, bonus)
        # The greedy plan starts from the previous greedy values (new nodes: their optimistic
        # ones): they change little between rebuilds, so far fewer sweeps are needed.
        start = q_opt.copy()
        start[: len(self.q)] = self.q
        self.q_opt = q_opt
        self.q = self._plan(start, links, weights, np.zeros_like(bonus))

    def _fold(self, x: np.ndarray, a: int, r: float, x2: np.ndarray, t: bool) -> bool:
        """Folds a step into the nearest node of its action if nearer than ``merge`` (scaled).

        The node keeps its start and takes the running means of the reward, the displacement
        x′ − x and the chance of ending; it then weighs as many steps as it holds.
        """
        tree = self.trees[a]
        if tree is None:
            return False
        d, j = tree.query(x / self.scale, k=1)
        if d >= self.merge:
            return False
        i = self.members[a][j]
        n = self.count[i]
        self.r[i] = (n * self.r[i] + r) / (n + 1)
        self.x2[i] = self.x[i] + (n * (self.x2[i] - self.x[i]) + (x2 - x)) / (n + 1)
        self.term[i] = (n * self.term[i] + t) / (n + 1)
        self.count[i] = n + 1
        return True

    def _link(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per action: the k nearest nodes of each next observation, their weights, the bonus."""
        n = len(self.a)
        links = np.zeros((self.n_actions, n, self.k), int)
        weights = np.zeros((self.n_actions, n, self.k))
        bonus = np.full((self.n_actions, n), np.inf)
        x, x2 = self.x / self.scale, self.x2 / self.scale
        for a in range(self.n_actions):
            self.members[a] = np.flatnonzero(self.a == a)
            if len(self.members[a]) == 0:
                self.trees[a] = None
                continue
            self.trees[a] = cKDTree(x[self.members[a]])
            w, j = self._kernel(self.trees[a], x2)
            w = w * self.count[self.members[a][j]]
            mass = w.sum(1)
            kk = w.shape[1]
            links[a, :, :kk] = self.members[a][j]
            weights[a, :, :kk] = w / np.maximum(mass, 1e-300)[:, None]
            bonus[a] = self.beta / np.sqrt(np.maximum(mass, 1e-12))
        return links, weights, bonus

    def _plan(
        self, q: np.ndarray, links: np.ndarray, weights: np.ndarray, bonus: np.ndarray
    ) -> np.ndarray:
        keep = self.gamma * (1.0 - self.term)
        for _ in range(self.max_sweeps):
            v = np.minimum((weights * q[links]).sum(2) + bonus, self.v_max).max(0)
            new = self.r + keep * v
            done = float(np.abs(new - q).max()) < self.tol
            q = new
            if done:
                break
        return q


def run_graph(task: tuple[str, int, dict[str, Any]]) -> dict[str, Any]:
    """The experience graph on one world with one seed, in ``_box_worlds.run_one``'s protocol."""
    name, seed, params = task
    world = BY_NAME[name]
    env, eval_env = gym.make(name), gym.make(name)
    graph = ExperienceGraph(int(env.action_space.n), seed, **params)  # type: ignore[arg-type]
    steps = episodes = 0
    greedy = float("nan")
    solved_at: tuple[int, int] | None = None
    obs, _ = env.reset(seed=seed)
    start = time.perf_counter()
    while steps < world.max_steps:
        while True:
            action = graph.act(obs)
            next_obs, r, terminated, truncated, _ = env.step(action)
            graph.store(obs, action, float(r), next_obs, terminated)
            obs, steps = next_obs, steps + 1
            if terminated or truncated:
                break
        episodes += 1
        obs, _ = env.reset()
        if episodes % world.check_every == 0:
            graph.rebuild()
            greedy = greedy_mean(graph.predict, eval_env, seed)
            if greedy >= world.target:
                solved_at = (episodes, steps)
                break
    if graph.pending:  # steps since the last rebuild: fold them in before counting nodes
        graph.rebuild()
    return {
        "world": name,
        "learner": "graph",
        "seed": seed,
        "solved": solved_at is not None,
        "episodes": solved_at[0] if solved_at else episodes,
        "steps": solved_at[1] if solved_at else steps,
        "greedy": greedy,
        "seconds": time.perf_counter() - start,
        "nodes": len(graph.a),
    }


def _run(task: tuple[Any, ...]) -> dict[str, Any]:
    if task[0] == "graph":
        return run_graph(task[1:])  # type: ignore[arg-type]
    return run_library_agent(task[1:])  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_run_arguments(parser)
    parser.add_argument("--learners", default="graph,agent", help="graph and/or agent")
    parser.add_argument("--k", type=int, default=8, help="nearest nodes per action")
    parser.add_argument("--rho", type=float, default=0.1, help="kernel width (scaled units)")
    parser.add_argument("--beta", type=float, default=1.0, help="exploration bonus")
    parser.add_argument(
        "--merge", type=float, default=0.0, help="fold steps nearer than this (scaled) into a node"
    )
    parser.add_argument(
        "--lookahead",
        default="greedy",
        choices=["none", "greedy", "both"],
        help="one step replayed from the observation: for no policy, the greedy one, or both",
    )
    args = parser.parse_args(argv)
    worlds = [BY_NAME[n] for n in args.worlds.split(",")]
    learners = [x for x in args.learners.split(",") if x]
    if not learners or set(learners) - {"graph", "agent"}:
        parser.error(f"unknown learners {learners}; choose from graph, agent")
    params = {
        "k": args.k,
        "rho": args.rho,
        "beta": args.beta,
        "lookahead": args.lookahead,
        "merge": args.merge,
    }
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    tasks: list[tuple[Any, ...]] = [
        ("graph", w.name, s, params) if lr == "graph" else ("agent", w.name, lr, s, 0, None)
        for w in worlds
        for lr in learners
        for s in seeds
    ]
    runs, elapsed = run_all(_run, tasks, args.jobs)
    print_table(runs, worlds, learners, seeds, command_line(), elapsed)
    for w in worlds:
        kept = [
            r["nodes"] / r["steps"]
            for r in runs
            if r["world"] == w.name and r["learner"] == "graph" and "nodes" in r
        ]
        if kept:
            print(f"{w.name}: the graph keeps {np.median(kept):.0%} of its steps as nodes (median)")


if __name__ == "__main__":
    main()
