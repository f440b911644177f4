"""Can tile coding on the default quantile grid reach issue 19's targets? A model-based stand-in.

Before building tile coding into the graph brain (Rust), this measures the idea cheaply on
the tuning seeds (100+) with a numpy learner that plans as the graph agent does: each of T
tilings is its own aggregated model of the world (per (cell, action): visit count, mean
reward, terminations and successor-cell counts — what a node and its synapses hold), whose
values are solved by value iteration on the empirical model (the expected backup of
rules.md §1.5, run to convergence every ``replan`` steps and at each episode's end instead of
by dream walks), with an exploration value U (the count bonus β·σ/√C, untried = U_max,
γ_U from (1 − γ_U) = (1 − γ)/2; the brain's rule without the outcome-spread refinement).
An observation activates one cell per tiling; the value of (obs, a) is the mean over the
tilings of their (cell, a) values (Sutton & Barto 2018 §9.5.4), for acting (U) and for the
greedy policy (V, untried counting 0). Each tiling's model learns on its own (a model
cannot bootstrap from the combined value of an observation it does not store), so this is
an average of T offset state aggregations rather than linear TD on the tile features.

Tiling t is the default grid (``ListGrid``, the library's edge rule; fitted on the first
``warmup`` observations, the orthant cells before that) shifted by a fraction
o_{t,k} = ((2k + 1)·t mod T)/T of a bin in dimension k (Sutton & Barto's asymmetric
offsets), bins measured in the grid's own coordinates: a value in bin j between edges
e_{j−1} ≤ x < e_j has coordinate j + (x − e_{j−1})/(e_j − e_{j−1}); the two outer bins
take their neighbour's width (then clip). T = 1 is the default grid itself, which
calibrates the stand-in against the agent's figures in docs/design/defaults.md.

    python bench/box_tile_coding.py CartPole-v1 --seeds 100-105 --tilings 1,8
    python bench/box_tile_coding.py MountainCar-v0 --seeds 100-103 --tilings 8 --bins 8
"""

from __future__ import annotations

import argparse
import math
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import gymnasium as gym
import numpy as np
from box_abstraction_sweep import TARGET, ListGrid, seed_list, train_until_solved
from scipy import sparse

import hebbian_brain as hb


class Model:
    """One tiling's empirical model and its solved values V (greedy) and U (exploring)."""

    def __init__(self, n_a: int, gamma: float, beta: float) -> None:
        self.n_a, self.gamma, self.beta = n_a, gamma, beta
        self.gamma_u = 1.0 - (1.0 - gamma) / 2.0
        self.ids: dict[Any, int] = {}
        self.n = np.zeros((0, n_a))  # visits of (cell, action)
        self.rsum = np.zeros((0, n_a))
        self.trans: dict[tuple[int, int], int] = {}  # (sa, next cell) -> count
        self.outcomes: dict[int, set[int]] = {}  # sa -> distinct outcomes (-1 = the end)
        self.q = np.zeros((0, n_a))
        self.u = np.zeros((0, n_a))

    def cell(self, key: Any, add: bool = True) -> int:
        i = self.ids.get(key)
        if i is None:
            if not add:
                return -1
            i = self.ids[key] = len(self.ids)
            if i >= len(self.n):
                grow = max(64, len(self.n))
                pad = np.zeros((grow, self.n_a))
                self.n, self.rsum = np.vstack([self.n, pad]), np.vstack([self.rsum, pad])
                self.q, self.u = np.vstack([self.q, pad]), np.vstack([self.u, pad])
        return i

    def learn(self, c: int, a: int, r: float, c2: int | None) -> None:
        """One real step; c2 None when the episode terminated (value 0 after it)."""
        self.n[c, a] += 1
        self.rsum[c, a] += r
        sa = c * self.n_a + a
        if c2 is not None:
            self.trans[(sa, c2)] = self.trans.get((sa, c2), 0) + 1
        self.outcomes.setdefault(sa, set()).add(-1 if c2 is None else c2)

    def plan(self, r_hi: float, sigma: float, sweeps: int = 300, tol: float = 1e-4) -> None:
        m = len(self.ids)
        if m == 0 or not self.trans:
            return
        n = self.n[:m]
        keys = np.array(list(self.trans.keys()), dtype=np.int64)
        counts = np.array(list(self.trans.values()), dtype=np.float64)
        tried = n > 0
        denom = np.where(tried, n, 1.0).ravel()
        p = sparse.csr_matrix(
            (counts / denom[keys[:, 0]], (keys[:, 0], keys[:, 1])), shape=(m * self.n_a, m)
        )
        rbar = (self.rsum[:m] / np.where(tried, n, 1.0)).ravel()
        single = np.ones(m * self.n_a, dtype=bool)
        for sa, outs in self.outcomes.items():
            single[sa] = len(outs) < 2
        nf = n.ravel()
        bonus = np.where(
            (nf > 0) & ((nf <= 5) | ~single), self.beta * sigma / np.sqrt(np.maximum(nf, 1)), 0.0
        )
        h_u = 1.0 / (1.0 - self.gamma_u)
        u_max = (r_hi + sigma * h_u) * h_u
        q, u = self.q[:m].copy(), self.u[:m].copy()
        for _ in range(sweeps):
            v = np.where(tried, q, -np.inf).max(axis=1)
            v[~tried.any(axis=1)] = 0.0
            q_new = np.where(tried, (rbar + self.gamma * (p @ v)).reshape(m, -1), 0.0)
            vu = np.where(tried, u, u_max).max(axis=1)
            u_new = np.minimum(rbar + bonus + self.gamma_u * (p @ vu), u_max).reshape(m, -1)
            u_new = np.where(tried, u_new, u_max)
            change = max(np.abs(q_new - q).max(), np.abs(u_new - u).max() / h_u)
            q, u = q_new, u_new
            if change < tol:
                break
        self.q[:m], self.u[:m] = q, u

    def values(self, c: int, u_max: float) -> tuple[np.ndarray, np.ndarray]:
        """(V with untried 0, U with untried U_max) of cell c (-1: a cell never met)."""
        if c < 0:
            return np.zeros(self.n_a), np.full(self.n_a, u_max)
        tried = self.n[c] > 0
        return np.where(tried, self.q[c], 0.0), np.where(tried, self.u[c], u_max)


def coordinates(edges: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """Each value's position in its dimension's bins (bin j + the fraction of its width)."""
    u = np.empty(len(edges))
    for k, (e, v) in enumerate(zip(edges, x)):
        m = len(e)
        if m == 0:
            u[k] = 0.5
            continue
        j = int(np.searchsorted(e, v, side="right"))
        if 0 < j < m:
            u[k] = j + (v - e[j - 1]) / (e[j] - e[j - 1])
        elif j == 0:
            w = e[1] - e[0] if m > 1 else 1.0
            u[k] = max(0.0, 1.0 - (e[0] - v) / w)
        else:
            w = e[m - 1] - e[m - 2] if m > 1 else 1.0
            u[k] = m + min((v - e[m - 1]) / w, 1.0 - 1e-9)
    return u


class TileLearner:
    """T offset copies of the default grid, one empirical model each, values averaged."""

    def __init__(self, env: gym.Env, seed: int, cfg: dict[str, Any]) -> None:
        space = env.observation_space
        low = np.asarray(space.low, dtype=np.float64).ravel()
        high = np.asarray(space.high, dtype=np.float64).ravel()
        bins = cfg["bins"] or hb.abstraction.default_bins(low.size)
        self.grid = ListGrid(low, high, [bins] * low.size)
        self.t = cfg["tilings"]
        d = low.size
        self.offsets = np.array(
            [[((2 * k + 1) * t % self.t) / self.t for k in range(d)] for t in range(self.t)]
        )
        self.n_a = int(env.action_space.n)
        self.models = [Model(self.n_a, cfg["gamma"], cfg["beta"]) for _ in range(self.t)]
        self.rng = np.random.default_rng(seed)
        self.replan, self.since = cfg["replan"], 0
        self.r_lo, self.r_hi = math.inf, -math.inf
        self.prev: list[int] | None = None
        self.prev_a = 0

    def keys(self, obs: Any, record: bool) -> list[Any]:
        x = np.asarray(obs, dtype=np.float64).ravel()
        pre = self.grid.cell(x, record=record, add=True)
        if self.grid.edges is None:
            return [("pre", pre)] * self.t
        idx = np.floor(coordinates(self.grid.edges, x)[None, :] + self.offsets).astype(np.int64)
        return [tuple(row) for row in idx.tolist()]

    def scale(self) -> tuple[float, float]:
        if self.r_hi == -math.inf:
            return 0.0, 1.0
        if self.r_hi > self.r_lo:
            return self.r_hi, self.r_hi - self.r_lo
        return self.r_hi, max(abs(self.r_hi), 1.0)

    def u_max(self) -> float:
        r_hi, sigma = self.scale()
        h_u = 1.0 / (1.0 - self.models[0].gamma_u)
        return (r_hi + sigma * h_u) * h_u

    def act(self, obs: Any) -> int:
        cells = [m.cell(k) for m, k in zip(self.models, self.keys(obs, record=True))]
        um = self.u_max()
        score = np.mean([m.values(c, um)[1] for m, c in zip(self.models, cells)], axis=0)
        best = np.flatnonzero(score >= score.max() - 1e-9 * max(1.0, abs(score.max())))
        self.prev, self.prev_a = cells, int(self.rng.choice(best))
        return self.prev_a

    def observe(self, r: float, obs: Any, terminated: bool, truncated: bool) -> None:
        self.r_lo, self.r_hi = min(self.r_lo, r), max(self.r_hi, r)
        assert self.prev is not None
        nxt: list[int | None]
        if terminated:
            nxt = [None] * self.t
        else:
            nxt = [m.cell(k) for m, k in zip(self.models, self.keys(obs, record=False))]
        for m, c, c2 in zip(self.models, self.prev, nxt):
            m.learn(c, self.prev_a, r, c2)
        self.since += 1
        if terminated or truncated or self.since >= self.replan:
            self.since = 0
            for m in self.models:
                m.plan(*self.scale())

    def greedy(self, obs: Any) -> int:
        keys = self.keys(obs, record=False)
        cells = [m.cell(k, add=False) for m, k in zip(self.models, keys)]
        v = np.mean([m.values(c, 0.0)[0] for m, c in zip(self.models, cells)], axis=0)
        return int(np.argmax(v))


class LinearLearner(TileLearner):
    """Linear Sarsa(λ) on the same tile features (true tile coding, model-free; a reference).

    Q(obs, a) = Σ_t w_t(c_t, a) and one TD error moves each active tile's weight by α/T of it
    (α = 0.5, λ = 0.9, replacing traces, γ from ``--gamma``, ε = 0.05 while training,
    weights from 0; Sutton & Barto 2018 §12.7's mountain-car setting, with ε for CartPole's
    positive rewards).
    """

    def __init__(self, env: gym.Env, seed: int, cfg: dict[str, Any]) -> None:
        super().__init__(env, seed, cfg)
        self.w = [np.zeros((0, self.n_a)) for _ in range(self.t)]
        self.z: list[dict[tuple[int, int], float]] = [{} for _ in range(self.t)]
        self.alpha, self.lam, self.eps = 0.5 / self.t, 0.9, 0.05
        self.q_prev = 0.0

    def _cells(self, obs: Any, record: bool, add: bool = True) -> list[int]:
        cells = [m.cell(k, add) for m, k in zip(self.models, self.keys(obs, record))]
        for t, c in enumerate(cells):
            if c >= len(self.w[t]):
                self.w[t] = np.vstack([self.w[t], np.zeros((max(64, len(self.w[t])), self.n_a))])
        return cells

    def _q(self, cells: list[int]) -> np.ndarray:
        rows = [self.w[t][c] if c >= 0 else np.zeros(self.n_a) for t, c in enumerate(cells)]
        return np.sum(rows, axis=0)

    def _choose(self, q: np.ndarray) -> int:
        if self.rng.random() < self.eps:
            return int(self.rng.integers(self.n_a))
        return int(self.rng.choice(np.flatnonzero(q >= q.max() - 1e-12)))

    def act(self, obs: Any) -> int:
        if self.prev is None:  # first step of an episode
            self.prev = self._cells(obs, record=True)
            self.prev_a = self._choose(self._q(self.prev))
        return self.prev_a

    def observe(self, r: float, obs: Any, terminated: bool, truncated: bool) -> None:
        assert self.prev is not None
        delta = r - float(self._q(self.prev)[self.prev_a])
        nxt, a2 = None, 0
        if not terminated:
            nxt = self._cells(obs, record=not truncated)
            q2 = self._q(nxt)
            a2 = self._choose(q2)
            delta += self.models[0].gamma * float(q2[a2])
        for t, c in enumerate(self.prev):
            z = self.z[t]
            for key in list(z):
                z[key] *= self.models[0].gamma * self.lam
                if z[key] < 1e-3:
                    del z[key]
            z[(c, self.prev_a)] = 1.0
            for (cc, aa), e in z.items():
                self.w[t][cc, aa] += self.alpha * delta * e
        if terminated or truncated:
            self.prev = None
            self.z = [{} for _ in range(self.t)]
        else:
            self.prev, self.prev_a = nxt, a2

    def greedy(self, obs: Any) -> int:
        return int(np.argmax(self._q(self._cells(obs, record=False, add=False))))


def run_one(task: tuple[str, int, dict[str, Any]]) -> dict[str, Any]:
    name, seed, cfg = task
    env = gym.make(name)
    learner = (LinearLearner if cfg["linear"] else TileLearner)(env, seed, cfg)
    out = train_until_solved(env, seed, cfg, learner, lambda: None, learner.greedy)
    return {**out, "cells": [len(m.ids) for m in learner.models]}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("world", choices=sorted(TARGET))
    p.add_argument("--seeds", default="100-103")
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--tilings", default="1,8", help="comma-separated T values to compare")
    p.add_argument("--bins", type=int, default=0, help="bins per dimension (0: the default)")
    p.add_argument("--gamma", type=float, default=0.95)
    p.add_argument("--beta", type=float, default=5.0)
    p.add_argument("--replan", type=int, default=100, help="value iteration every N steps")
    p.add_argument("--steps", type=int, default=0)
    p.add_argument("--linear", action="store_true", help="linear Sarsa(λ) instead")
    p.add_argument("--full", action="store_true")
    p.add_argument("--curve", action="store_true")
    args = p.parse_args(argv)
    base = {k: v for k, v in vars(args).items() if k not in ("world", "seeds", "jobs", "tilings")}
    for t in [int(x) for x in args.tilings.split(",")]:
        cfg = base | {"tilings": t}
        tasks = [(args.world, s, cfg) for s in seed_list(args.seeds)]
        with ProcessPoolExecutor(args.jobs) as pool:
            runs = list(pool.map(run_one, tasks))
        for r in runs:
            at = f"solved at episode {r['solved'][0]}" if r["solved"] else "unsolved"
            print(
                f"T={t} seed {r['seed']}: {at}, greedy at stop {r['final']:.0f}, "
                f"cells/tiling {int(np.median(r['cells']))}, {r['seconds']:.0f} s"
            )
            if args.curve:
                print("   ", " ".join(f"{e}:{g:.0f}" for e, _, g in r["curve"]))
        score = [TARGET[args.world] if r["solved"] else r["final"] for r in runs]
        n_solved = sum(r["solved"] is not None for r in runs)
        print(f"{args.world} T={t}: solved {n_solved}/{len(runs)}, median {np.median(score):.0f}")


if __name__ == "__main__":
    main()
