"""Alternatives to the default Box abstraction, measured one at a time (tuning seeds 100+).

Each run trains ``hb.Agent`` on one classic-control world exactly as ``bench/_box_worlds.py``
does (one episode at a time, a dream after each, every 25 episodes the greedy mean of 10
episodes in a separate environment), with one thing changed from the defaults:

  --gamma G            the brain's discount (PlasticityParams.discount; default 0.95)
  --optimism B         the exploration value's beta (DreamParams.optimism; default 5)
  --bins B             QuantileDiscretizer with B bins in every dimension (cells = B**d)
  --split-after K      QuantileDiscretizer's visit-count splitting (with --bins, default 4)
  --alloc B1,B2,...    bins per dimension (a Python grid with the library's edge rule,
                       ``ListGrid``: the library's grid has one bin count for all dimensions)
  --even-multiple M    ListGrid: even cuts of finite bounds into M·b bins instead of b
  --spread-doublings K ListGrid: also cut at median ± σ·2^k (k = 1 … K) inside the bounds

``--steps`` changes the env-step budget and ``--full`` keeps training after the target is
reached (to see where a run plateaus); ``--curve`` prints every greedy evaluation.
The figures in docs/reference/rules.md §1.8 ("Measured again") come from this script, e.g.

    python bench/box_abstraction_sweep.py CartPole-v1 --seeds 100-105 --alloc 2,4,6,8
    python bench/box_abstraction_sweep.py CartPole-v1 --seeds 100-103 --steps 150000 --full --curve
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import gymnasium as gym
import numpy as np
from _box_worlds import greedy_mean  # the same evaluation as the benchmark

import hebbian_brain as hb

TARGET = {"CartPole-v1": 475.0, "MountainCar-v0": -130.0, "Acrobot-v1": -100.0}
BUDGET = {"CartPole-v1": 50_000, "MountainCar-v0": 120_000, "Acrobot-v1": 100_000}
CHECK_EVERY = 25
UNKNOWN = -1  # ListGrid's id of a cell never met (a lookup that may not add cells)


class ListGrid:
    """The library's grid rule (rules.md §1.8) with a bin count per dimension, in numpy.

    Before the fit a cell is the orthant around the first observation; the fit (at the
    ``warmup``-th recorded observation) cuts dimension d at the union of the quantiles
    j / b_d of the recorded values (kept when above the smallest) and, when both bounds are
    finite, the even cuts into ``even_multiple``·b_d bins; ``spread_doublings`` = K adds
    median ± σ·2^k (k = 1 … K) where inside the bounds. Keys get dense ids in the order met.
    """

    def __init__(
        self,
        low: np.ndarray,
        high: np.ndarray,
        bins: list[int],
        warmup: int = 1000,
        even_multiple: int = 1,
        spread_doublings: int = 0,
    ) -> None:
        if len(bins) != low.size:
            raise ValueError(f"{len(bins)} bin counts for {low.size} dimensions")
        self.low, self.high, self.bins, self.warmup = low, high, bins, warmup
        self.even_multiple, self.spread_doublings = even_multiple, spread_doublings
        self.samples: list[np.ndarray] = []
        self.origin: np.ndarray | None = None
        self.edges: list[np.ndarray] | None = None
        self.ids: dict[tuple[int, ...], int] = {}

    @property
    def n_cells(self) -> int:
        return len(self.ids)

    def fit(self) -> None:
        x = np.array(self.samples)
        n = len(x)
        self.edges = []
        for d, b in enumerate(self.bins):
            col = np.sort(x[:, d])
            e = [col[j * n // b] for j in range(1, b) if col[j * n // b] > col[0]]
            lo, hi = self.low[d], self.high[d]
            if np.isfinite(lo) and np.isfinite(hi):
                m = b * self.even_multiple
                e += [lo + j * (hi - lo) / m for j in range(1, m)]
            med, sd = float(np.median(col)), float(col.std())
            for k in range(1, self.spread_doublings + 1):
                e += [v for v in (med - sd * 2**k, med + sd * 2**k) if lo < v < hi]
            self.edges.append(np.unique(np.array(e, dtype=np.float64)))
        self.samples = []

    def cell(self, obs: Any, record: bool = True, add: bool = True) -> int:
        x = np.asarray(obs, dtype=np.float64).ravel()
        if record and self.edges is None:
            if self.origin is None:
                self.origin = x.copy()
            self.samples.append(x.copy())
            if len(self.samples) >= self.warmup:
                self.fit()
        if self.edges is not None:
            key = (1,) + tuple(
                int(np.searchsorted(e, v, side="right")) for e, v in zip(self.edges, x)
            )
        elif self.origin is not None:
            key = (0,) + tuple(int(v) for v in x > self.origin)
        else:
            key = (0,) + (0,) * x.size
        i = self.ids.get(key)
        if i is None:
            if not add:
                return UNKNOWN
            i = self.ids[key] = len(self.ids)
        return i


class GridAgent:
    """An agent on int states with a ListGrid in front (as the agent's encoder feeds it)."""

    def __init__(self, agent: hb.Agent, grid: ListGrid) -> None:
        self.agent, self.grid = agent, grid

    def act(self, obs: Any) -> int:
        return int(self.agent.act(self.grid.cell(obs)))

    def observe(self, r: float, obs: Any, terminated: bool, truncated: bool) -> None:
        self.agent.observe(r, self.grid.cell(obs, record=False), terminated, truncated)

    def greedy(self, obs: Any) -> int:
        s = self.grid.cell(obs, record=False, add=False)
        state = s if s != UNKNOWN else (1 << 31) - 1  # a state without nodes
        return int(self.agent.predict(state, deterministic=True)[0])


def make_learner(env: gym.Env, seed: int, cfg: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(act/observe object, greedy policy, object with n_cells) for one run."""
    config = hb.BrainConfig()
    if cfg.get("gamma") is not None:
        plast = config.plasticity.to_dict() | {"discount": cfg["gamma"]}
        config = config.replace(plasticity=hb.PlasticityParams(**plast))
    if cfg.get("optimism") is not None:
        dream = config.dream.to_dict() | {"optimism": cfg["optimism"]}
        config = config.replace(dream=hb.DreamParams(**dream))
    space = env.observation_space
    low = np.asarray(space.low, dtype=np.float64).ravel()
    high = np.asarray(space.high, dtype=np.float64).ravel()
    if cfg.get("alloc"):
        grid = ListGrid(
            low,
            high,
            cfg["alloc"],
            even_multiple=cfg["even_multiple"],
            spread_doublings=cfg["spread_doublings"],
        )
        states = gym.spaces.Discrete(1 << 31)
        wrapped = GridAgent(hb.Agent(env.action_space, config, seed=seed, observation=states), grid)
        return wrapped, wrapped.greedy, grid
    observation: Any = space
    if cfg.get("bins") or cfg.get("split_after"):
        bins = cfg.get("bins") or 4
        observation = hb.QuantileDiscretizer(
            low, high, cells=min(bins**low.size, 1 << 30), split_after=cfg.get("split_after") or 0
        )
    agent = hb.Agent(env.action_space, config, seed=seed, observation=observation)

    def greedy(obs: Any) -> int:
        return int(agent.predict(obs, deterministic=True)[0])

    return agent, greedy, agent.observation


def train_until_solved(
    env: gym.Env, seed: int, cfg: dict[str, Any], learner: Any, end_episode: Any, greedy: Any
) -> dict[str, Any]:
    """Trains ``learner`` (``act``/``observe``) on ``env`` one episode at a time, calling
    ``end_episode()`` after each; every ``CHECK_EVERY`` episodes ``greedy`` plays its greedy
    episodes. Returns the seed, the (episodes, steps) at which the target was first reached, the
    last greedy mean, the time taken and the curve; stops at the target unless ``cfg["full"]``."""
    name = env.spec.id
    eval_env = gym.make(name)
    budget = cfg["steps"] or BUDGET[name]
    steps = episodes = 0
    curve: list[tuple[int, int, float]] = []
    solved: tuple[int, int] | None = None
    obs, _ = env.reset(seed=seed)
    start = time.perf_counter()
    while steps < budget:
        while True:
            obs, r, terminated, truncated, _ = env.step(learner.act(obs))
            learner.observe(float(r), obs, terminated, truncated)
            steps += 1
            if terminated or truncated:
                break
        end_episode()
        episodes += 1
        obs, _ = env.reset()
        if episodes % CHECK_EVERY == 0:
            g = greedy_mean(greedy, eval_env, seed)
            curve.append((episodes, steps, g))
            if g >= TARGET[name] and solved is None:
                solved = (episodes, steps)
                if not cfg["full"]:
                    break
    return {
        "seed": seed,
        "solved": solved,
        "final": curve[-1][2] if curve else float("nan"),
        "seconds": time.perf_counter() - start,
        "curve": curve,
    }


def run_one(task: tuple[str, int, dict[str, Any]]) -> dict[str, Any]:
    name, seed, cfg = task
    env = gym.make(name)
    learner, greedy, cells = make_learner(env, seed, cfg)
    end = learner.agent.dream if isinstance(learner, GridAgent) else learner.dream
    out = train_until_solved(env, seed, cfg, learner, end, greedy)
    return {**out, "cells": int(cells.n_cells)}


def seed_list(text: str) -> list[int]:
    """Seeds from "100-105" (a range) or "100,102" (a list)."""
    if "-" in text:
        a, b = text.split("-")
        return list(range(int(a), int(b) + 1))
    return [int(s) for s in text.split(",")]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("world", choices=sorted(TARGET))
    p.add_argument("--seeds", default="100-103")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--steps", type=int, default=0, help="env-step budget (0: the world's)")
    p.add_argument("--full", action="store_true")
    p.add_argument("--curve", action="store_true")
    p.add_argument("--gamma", type=float)
    p.add_argument("--optimism", type=float)
    p.add_argument("--bins", type=int)
    p.add_argument("--split-after", type=int)
    p.add_argument("--alloc", type=lambda s: [int(b) for b in s.split(",")])
    p.add_argument("--even-multiple", type=int, default=1)
    p.add_argument("--spread-doublings", type=int, default=0)
    args = p.parse_args(argv)
    cfg = {k: v for k, v in vars(args).items() if k not in ("world", "seeds", "jobs", "curve")}
    if (args.even_multiple != 1 or args.spread_doublings) and not args.alloc:
        p.error("--even-multiple and --spread-doublings need --alloc")
    tasks = [(args.world, s, cfg) for s in seed_list(args.seeds)]
    with ProcessPoolExecutor(args.jobs) as pool:
        runs = list(pool.map(run_one, tasks))
    for r in runs:
        at = f"solved at episode {r['solved'][0]}" if r["solved"] else "unsolved"
        print(f"seed {r['seed']}: {at}, greedy at stop {r['final']:.0f}, cells {r['cells']}")
        if args.curve:
            print("   ", " ".join(f"{e}:{g:.0f}" for e, _, g in r["curve"]))
    score = [TARGET[args.world] if r["solved"] else r["final"] for r in runs]
    n_solved = sum(r["solved"] is not None for r in runs)
    print(f"{args.world}: solved {n_solved}/{len(runs)}, median {np.median(score):.0f}")


if __name__ == "__main__":
    main()
