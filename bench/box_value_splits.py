"""Value-directed refinement of the default Box grid, measured on a Python stand-in (tuning seeds).

The agent is ``hb.Agent`` with every default, fed cell ids by ``ListGrid`` (the library's grid
rule with the default bins, bench/box_abstraction_sweep.py), trained and evaluated exactly as in
``bench/_box_worlds.py``. Two things the default grid does not do are tried:

``--split value`` / ``--split advantage``: each grid cell is the root of a binary tree whose
leaves collect, for every real step taken from them, the observation x and the TD error
δ = r + γ·V(s') − V(s, a) of the agent's node before it learned the step (V(s') the best value
of the next cell, 0 at a terminal). Every K·2^depth visits a leaf is tested, and split at the
mean of its visits along the dimension d with the largest statistic when that is at least
``--threshold``; the brain hands the leaf's experiences to its halves (rules.md §1.9):

  value       n·r²_d, r_d the correlation of x_d and δ over the leaf's steps (a value that
              changes along d inside the cell: the "value non-linearity" of Munos & Moore 2002,
              estimated from samples as in Uther & Veloso's Continuous U Tree)
  advantage   Σ_a w_a (b_a − b̄)² / Var(δ), b_a the slope of δ on x_d over the steps with
              action a (w_a = n_a·Var_a(x_d), b̄ their weighted mean): the actions' values cross
              inside the cell along d (Munos & Moore's policy disagreement)

``--interpolate``: the greedy policy (evaluation only) takes the action maximizing
Σ_c w_c(x)·V(c, a) over the 2^d cells whose centres surround x (multilinear weights in each
dimension between neighbouring bin centres; cells never met or without a node for a are left
out and the weights renormalized per action), instead of V of x's own cell.

``--hold H`` (without splits): the agent decides only when the cell changes. An action is
repeated while the observation stays in its cell, up to H steps; the brain learns one step from
the cell to the cell left for, with the rewards summed (and its discount γ per such step: a
semi-Markov model of the grid, as Munos & Moore's cells are left under a held action, with γ
instead of γ^k). The greedy policy is the same function of the cell either way.

    python bench/box_value_splits.py MountainCar-v0 --seeds 100-103 --split advantage --threshold 30
    python bench/box_value_splits.py Acrobot-v1 --seeds 104-111 --split value --threshold 10
    python bench/box_value_splits.py MountainCar-v0 --seeds 100-103 --interpolate
    python bench/box_value_splits.py MountainCar-v0 --seeds 104-111 --hold 50
"""

from __future__ import annotations

import argparse
import itertools
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import gymnasium as gym
import numpy as np
from _box_worlds import greedy_mean
from box_abstraction_sweep import BUDGET, CHECK_EVERY, TARGET, UNKNOWN, ListGrid, seed_list

import hebbian_brain as hb
from hebbian_brain.abstraction import default_bins

NO_STATE = (1 << 31) - 1  # a state without nodes (a cell never met)


class Leaf:
    """A region of one grid cell: its id and the sums of its steps' (x, action, δ)."""

    def __init__(self, ident: int, depth: int, dims: int, n_actions: int, due: int) -> None:
        self.id, self.depth, self.due, self.n = ident, depth, due, 0
        self.sx, self.sxx, self.sxd = np.zeros(dims), np.zeros(dims), np.zeros(dims)
        self.sd = self.sdd = 0.0
        self.na = np.zeros(n_actions)
        self.sxa, self.sxxa = np.zeros((n_actions, dims)), np.zeros((n_actions, dims))
        self.sda, self.sxda = np.zeros(n_actions), np.zeros((n_actions, dims))

    def count(self, x: np.ndarray, a: int, delta: float) -> None:
        self.n += 1
        self.sx += x
        self.sxx += x * x
        self.sxd += x * delta
        self.sd += delta
        self.sdd += delta * delta
        self.na[a] += 1
        self.sxa[a] += x
        self.sxxa[a] += x * x
        self.sda[a] += delta
        self.sxda[a] += x * delta

    def statistic(self, mode: str) -> np.ndarray:
        """Per dimension: how much a split along it would tell δ apart (see the module doc)."""
        n = self.n
        mx = self.sx / n
        vx = self.sxx / n - mx * mx
        md = self.sd / n
        vd = self.sdd / n - md * md
        if vd <= 1e-12:
            return np.zeros_like(mx)
        if mode == "value":
            cov = self.sxd / n - mx * md
            return np.where(vx > 1e-12, n * cov * cov / (np.maximum(vx, 1e-300) * vd), 0.0)
        stat = np.zeros_like(mx)
        for d in range(mx.size):
            slopes, weights = [], []
            for a in np.flatnonzero(self.na >= 10):
                k = self.na[a]
                m = self.sxa[a, d] / k
                v = self.sxxa[a, d] / k - m * m
                if v > 1e-12:
                    slopes.append((self.sxda[a, d] / k - m * self.sda[a] / k) / v)
                    weights.append(k * v)
            if len(slopes) >= 2:
                b, w = np.array(slopes), np.array(weights)
                stat[d] = float((w * (b - (w * b).sum() / w.sum()) ** 2).sum()) / vd
        return stat


class ValueSplits:
    """Trees of leaves under the cells of a ``ListGrid`` (ids from ``first_id`` on for halves)."""

    def __init__(
        self, grid: ListGrid, n_actions: int, mode: str, every: int, threshold: float
    ) -> None:
        self.grid, self.n_actions, self.mode = grid, n_actions, mode
        self.every, self.threshold = every, threshold
        self.roots: dict[int, int] = {}
        self.nodes: list[Any] = []  # Leaf, or (dim, threshold, left, right)
        self.next_id, self.splits = 1 << 24, 0

    def leaf(self, obs: Any, add: bool = True) -> int | None:
        """The leaf index of ``obs`` (None before the grid's fit or for an unknown cell)."""
        cell = self.grid.cell(obs, record=add, add=add)
        if cell == UNKNOWN or self.grid.edges is None:
            return None
        node = self.roots.get(cell)
        if node is None:
            if not add:
                return None
            self.nodes.append(Leaf(cell, 0, len(self.grid.bins), self.n_actions, self.every))
            node = self.roots[cell] = len(self.nodes) - 1
        x = np.asarray(obs, dtype=np.float64).ravel()
        while not isinstance(self.nodes[node], Leaf):
            dim, threshold, left, right = self.nodes[node]
            node = left if x[dim] < threshold else right
        return node

    def state(self, obs: Any, add: bool = True) -> int:
        """The id the agent sees for ``obs``."""
        node = self.leaf(obs, add)
        if node is not None:
            return int(self.nodes[node].id)
        cell = self.grid.cell(obs, record=False, add=add)
        return NO_STATE if cell == UNKNOWN else cell

    def count(self, node: int, x: np.ndarray, a: int, delta: float) -> tuple[int, int, int] | None:
        """Counts a step of leaf ``node``; (retired, left, right) ids when it splits."""
        leaf = self.nodes[node]
        leaf.count(x, a, delta)
        if self.mode == "none" or leaf.n < leaf.due:
            return None
        leaf.due += self.every << leaf.depth
        stat = leaf.statistic(self.mode)
        dim = int(np.argmax(stat))
        if stat[dim] < self.threshold:
            return None
        dims, depth = len(self.grid.bins), leaf.depth + 1
        halves = [
            Leaf(self.next_id + i, depth, dims, self.n_actions, self.every << depth) for i in (0, 1)
        ]
        self.nodes += halves
        self.nodes[node] = (
            dim,
            float(leaf.sx[dim] / leaf.n),
            len(self.nodes) - 2,
            len(self.nodes) - 1,
        )
        self.next_id += 2
        self.splits += 1
        return leaf.id, halves[0].id, halves[1].id


def bin_centres(edges: np.ndarray) -> np.ndarray:
    """Centres of the bins cut by ``edges`` (an outer bin as wide as its neighbour)."""
    e = np.asarray(edges, dtype=np.float64)
    if e.size < 2:
        return e - 1.0 if e.size == 0 else np.array([e[0] - 1.0, e[0] + 1.0])
    return np.concatenate(
        [[1.5 * e[0] - 0.5 * e[1]], (e[:-1] + e[1:]) / 2, [1.5 * e[-1] - 0.5 * e[-2]]]
    )


def corner_weights(centres: list[np.ndarray], x: np.ndarray) -> list[tuple[tuple[int, ...], float]]:
    """(bin indices, multilinear weight) of the up to 2^d cells around ``x`` (weights sum to 1)."""
    lows, fracs = [], []
    for c, v in zip(centres, x):
        j = int(np.clip(np.searchsorted(c, v, side="right") - 1, 0, max(c.size - 2, 0)))
        f = 0.0 if c.size < 2 else float(np.clip((v - c[j]) / (c[j + 1] - c[j]), 0.0, 1.0))
        lows.append(j)
        fracs.append(f)
    out = []
    for corner in itertools.product((0, 1), repeat=len(lows)):
        w = float(np.prod([f if up else 1.0 - f for f, up in zip(fracs, corner)]))
        if w > 0.0:
            out.append((tuple(j + up for j, up in zip(lows, corner)), w))
    return out


def run_one(task: tuple[str, int, dict[str, Any]]) -> dict[str, Any]:
    """Trains one agent until the budget; the greedy mean every CHECK_EVERY episodes."""
    name, seed, cfg = task
    env, eval_env = gym.make(name), gym.make(name)
    dims = int(np.prod(env.observation_space.shape))
    n_a = int(env.action_space.n)
    grid = ListGrid(
        np.asarray(env.observation_space.low, np.float64).ravel(),
        np.asarray(env.observation_space.high, np.float64).ravel(),
        [default_bins(dims)] * dims,
    )
    tree = ValueSplits(grid, n_a, cfg["split"], cfg["every"], cfg["threshold"])
    agent = hb.Agent(env.action_space, seed=seed, observation=gym.spaces.Discrete(1 << 31))
    brain, gamma = agent.brain, agent.brain.config.plasticity.discount

    def value(state: int, a: int) -> float | None:
        i = brain.find_node(state, a)
        return None if i is None else brain.node(i).value

    def greedy(obs: Any) -> int:
        own = int(agent.predict(tree.state(obs, add=False), deterministic=True)[0])
        if not cfg["interpolate"] or grid.edges is None or tree.splits:
            return own
        num, den = np.zeros(n_a), np.zeros(n_a)
        centres = [bin_centres(e) for e in grid.edges]
        for key, w in corner_weights(centres, np.asarray(obs, np.float64).ravel()):
            cell = grid.ids.get((1, *key))
            for a in range(n_a):
                v = None if cell is None else value(cell, a)
                if v is not None:
                    num[a], den[a] = num[a] + w * v, den[a] + w
        if not den.any():
            return own
        return int(np.argmax(np.where(den > 0, num / np.where(den > 0, den, 1.0), -np.inf)))

    steps = episodes = 0
    curve: list[tuple[int, float]] = []
    obs, _ = env.reset(seed=seed)
    while steps < BUDGET[name]:
        node, state = tree.leaf(obs), tree.state(obs, add=False)
        while True:
            x, a = np.asarray(obs, np.float64).ravel(), agent.act(state)
            before = value(state, a)
            r = 0.0
            for _held in range(cfg["hold"]):  # one step unless --hold: until the cell changes
                obs, r1, terminated, truncated, _ = env.step(a)
                r, steps = r + float(r1), steps + 1
                node2 = tree.leaf(obs)
                state2 = tree.state(obs, add=False)
                if terminated or truncated or state2 != state:
                    break
            v2 = brain.state_value(state2)
            target = r + (0.0 if terminated or v2 is None else gamma * v2)
            agent.observe(r, state2, terminated, truncated)
            if node is not None and before is not None:
                split = tree.count(node, x, a, target - before)
                if split is not None:
                    agent._core.split_index(*split)
                    node2, state2 = tree.leaf(obs, add=False), tree.state(obs, add=False)
            node, state = node2, state2
            if terminated or truncated:
                break
        agent.dream()
        episodes += 1
        obs, _ = env.reset()
        if episodes % CHECK_EVERY == 0:
            curve.append((episodes, greedy_mean(greedy, eval_env, seed)))
    best = max(g for _, g in curve)
    return {"seed": seed, "last": curve[-1][1], "best": best, "splits": tree.splits}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("world", choices=sorted(TARGET))
    p.add_argument("--seeds", default="100-103")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--split", choices=("none", "value", "advantage"), default="none")
    p.add_argument(
        "--every", type=int, default=200, help="K: a leaf is tested every K·2^depth steps"
    )
    p.add_argument("--threshold", type=float, default=30.0)
    p.add_argument("--interpolate", action="store_true")
    p.add_argument("--hold", type=int, default=1, help="H: repeat an action up to H steps")
    args = p.parse_args(argv)
    if args.hold < 1 or (args.hold > 1 and args.split != "none"):
        p.error("--hold must be at least 1, and 1 with --split")
    cfg = {k: getattr(args, k) for k in ("split", "every", "threshold", "interpolate", "hold")}
    tasks = [(args.world, s, cfg) for s in seed_list(args.seeds)]
    with ProcessPoolExecutor(args.jobs) as ex:
        rows = list(ex.map(run_one, tasks))
    target = TARGET[args.world]
    for row in rows:
        last, best = row["last"], row["best"]
        seed, splits = row["seed"], row["splits"]
        print(f"seed {seed}: greedy last {last:.0f}, best {best:.0f}, splits {splits}")
    scored = [target if r["best"] >= target else r["last"] for r in rows]
    solved = sum(r["best"] >= target for r in rows)
    print(f"{args.world} {cfg}: solved {solved}/{len(rows)}, median {np.median(scored):.0f}")


if __name__ == "__main__":
    main()
