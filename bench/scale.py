"""Scale: Population throughput on 1 and 2 threads, and the overhead of sweep() per trial.

1. Agent steps per second of ``Population.run_episodes`` (GridWorld-v0 defaults, no dreams and
   with dreams) on 1 and 2 threads, against the reference measured in the same run: the same
   agents (same seeds, so exactly the same work) trained one after another from Python with
   ``Agent.run_episodes``. Each repeat builds fresh agents, so every repeat does the same work.
   "cores used" is process CPU time / wall time: on a shared machine (Linux autogroup gives each
   session an equal share) 2 threads may get no more CPU than 1, so steps per CPU-second (the
   parallel efficiency) is reported too.
2. Overhead of ``sweep()`` per trial for each backend with a trivial trial function: wall time of
   200 trials and of 2 trials (start-up: process pool or Ray connection), and the marginal cost
   per trial ``(t_200 - t_2) / 198``. Inline (``n_jobs=1``) is the reference.

Median of repeats. Needs joblib and ray for their rows (skipped otherwise).

    python bench/scale.py
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import time

import numpy as np

import hebbian_brain as hb

ENV_KWARGS: dict = {}  # GridWorld-v0 defaults (5x5 with walls)


def _population(n: int, seed: int) -> hb.Population:
    return hb.Population("GridWorld", n, seed=seed, env_kwargs=ENV_KWARGS)


def population_throughput(
    n: int, episodes: int, dream_every: int, repeats: int
) -> dict[str, tuple[float, int, float]]:
    """Median (steps/s, steps, cores used) of: sequential loop, population on 1 and 2 threads.

    Cores used = process CPU time / wall time: how many cores the run actually got (on a loaded
    machine 2 threads may get less than 2).
    """
    times: dict[str, list[float]] = {"sequential": [], "1 thread": [], "2 threads": []}
    cores: dict[str, list[float]] = {k: [] for k in times}
    steps: dict[str, int] = {}
    for r in range(repeats):
        seed = 1000 + r  # the same work for every variant of a repeat
        # Reference: the same members, trained one after another from Python.
        ref = _population(n, seed)
        c0, t0 = time.process_time(), time.perf_counter()
        total = 0
        for agent, env in zip(ref.members, ref.envs):
            records = agent.run_episodes(env, episodes, dream_every=dream_every)
            total += sum(rec.length for rec in records)
        times["sequential"].append(time.perf_counter() - t0)
        cores["sequential"].append((time.process_time() - c0) / times["sequential"][-1])
        steps["sequential"] = total
        for label, threads in (("1 thread", 1), ("2 threads", 2)):
            pop = _population(n, seed)
            c0, t0 = time.process_time(), time.perf_counter()
            run = pop.run_episodes(episodes, dream_every=dream_every, n_threads=threads)
            times[label].append(time.perf_counter() - t0)
            cores[label].append((time.process_time() - c0) / times[label][-1])
            steps[label] = run.steps
        if len(set(steps.values())) != 1:
            raise RuntimeError(f"the variants did different work: {steps}")
    return {
        k: (steps[k] / float(np.median(v)), steps[k], float(np.median(cores[k])))
        for k, v in times.items()
    }


def trivial(x: int, seed: int) -> int:
    return x + seed


def sweep_overhead(
    backend: str, n_jobs: int | None, trials: int, repeats: int
) -> tuple[float, float, float, float]:
    """(first call of 2 trials, 2 trials, `trials` trials, marginal s per trial); medians."""

    def timed(n_trials: int) -> float:
        t0 = time.perf_counter()
        result = hb.sweep(
            trivial, {"x": list(range(n_trials))}, seeds=1, backend=backend, n_jobs=n_jobs
        )
        elapsed = time.perf_counter() - t0
        if len(result) != n_trials:
            raise RuntimeError("missing rows")
        return elapsed

    cold = timed(2)  # start-up (joblib and Ray keep their workers afterwards)
    small = [timed(2) for _ in range(repeats)]
    big = [timed(trials) for _ in range(repeats)]
    t_small, t_big = float(np.median(small)), float(np.median(big))
    return cold, t_small, t_big, (t_big - t_small) / (trials - 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=64)
    parser.add_argument("--episodes", type=int, default=3000, help="per member, dreams off")
    parser.add_argument("--dream-episodes", type=int, default=300, help="per member, dreams on")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--trials", type=int, default=200)
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} logical CPUs; hebbian_brain {hb.__version__}")
    print(
        f"\nPopulation on GridWorld-v0 defaults: {args.members} members x {args.episodes} "
        f"episodes (dreams off) / {args.dream_episodes} (dreams on), median of {args.repeats}"
    )
    print(
        f"{'dreams':<8} {'variant':<32} {'steps':>9} {'steps/s':>12} {'vs sequential':>14} "
        f"{'cores used':>11} {'steps/CPU-s':>12}"
    )
    for dream_every, label, episodes in ((0, "off", args.episodes), (1, "on", args.dream_episodes)):
        res = population_throughput(args.members, episodes, dream_every, args.repeats)
        ref = res["sequential"][0]
        names = {
            "sequential": "sequential Agent.run_episodes",
            "1 thread": "Population, n_threads=1",
            "2 threads": "Population, n_threads=2",
        }
        for key, (rate, steps, used) in res.items():
            print(
                f"{label:<8} {names[key]:<32} {steps:>9} {rate:>12,.0f} {rate / ref:>13.2f}x "
                f"{used:>11.2f} {rate / used:>12,.0f}"
            )
        wall = res["2 threads"][0] / res["1 thread"][0]
        per_cpu = (res["2 threads"][0] / res["2 threads"][2]) / (
            res["1 thread"][0] / res["1 thread"][2]
        )
        print(
            f"{'':<8} 2 threads / 1 thread: wall {wall:.2f}x; per CPU-second {per_cpu:.2f} "
            f"(parallel efficiency: with 2 idle cores ~{2 * per_cpu:.2f}x)"
        )

    print(f"\nsweep() overhead, trivial trial, {args.trials} trials, median of {args.repeats}")
    print(
        f"{'backend':<22} {'first call (s)':>14} {'2 trials (s)':>13} "
        f"{str(args.trials) + ' trials (s)':>15} {'per trial (ms)':>15}"
    )
    rows = [("inline (n_jobs=1)", "local", 1), ("local, 2 processes", "local", 2)]
    if importlib.util.find_spec("joblib"):
        rows.append(("joblib, n_jobs=2", "joblib", 2))
    if importlib.util.find_spec("ray"):
        rows.append(("ray, local, 2 CPUs", "ray", None))
    for label, backend, jobs in rows:
        if backend == "ray":
            import ray

            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        cold, small, big, per = sweep_overhead(backend, jobs, args.trials, args.repeats)
        print(f"{label:<22} {cold:>14.3f} {small:>13.3f} {big:>15.3f} {per * 1e3:>15.3f}")
        if backend == "ray":
            ray.shutdown()


if __name__ == "__main__":
    main()
