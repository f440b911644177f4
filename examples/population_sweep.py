"""Many agents at once, then a sweep over a setting x seeds in worker processes.

1. A Population of 16 agents learns GridWorld in parallel (Rust, all cores, GIL released):
   the learning curve is the mean episode length over members, with its spread.
2. sweep() tries three exploration rates x 4 seeds in 2 worker processes; each trial trains a
   small population and reports how short its paths got. The table and a summary are printed.

Writes population_curve.png. Runs in well under a minute.

    python examples/population_sweep.py
"""

from __future__ import annotations

import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import hebbian_brain as hb  # noqa: E402

MEMBERS = 16
EPISODES = 300
ENV_KWARGS = {"size": 6, "slip": 0.05}
EPSILONS = [0.01, 0.05, 0.2]
SEEDS = 4
SWEEP_EPISODES = 200


def trial(epsilon: float, seed: int) -> dict[str, float]:
    """One setting and seed: a 4-member population; the mean path length at the end."""
    pop = hb.Population(
        "GridWorld", 4, seed=seed, params=hb.AgentParams(epsilon=epsilon), env_kwargs=ENV_KWARGS
    )
    run = pop.run_episodes(SWEEP_EPISODES)
    return {"final_length": float(run.lengths[:, -20:].mean()), "steps": run.steps}


def main() -> None:
    pop = hb.Population("GridWorld", MEMBERS, seed=0, env_kwargs=ENV_KWARGS)
    t0 = time.perf_counter()
    run = pop.run_episodes(EPISODES)
    elapsed = time.perf_counter() - t0
    print(pop)
    print(f"{run.steps:,} agent steps in {elapsed:.2f} s ({run.steps / elapsed:,.0f} steps/s)")
    shortest = pop.envs[0].core.shortest_path_length()
    lengths = run.lengths.astype(float)
    mean, std = lengths.mean(axis=0), lengths.std(axis=0)
    print(
        f"mean episode length: first 10 episodes {mean[:10].mean():.1f}, "
        f"last 10 {mean[-10:].mean():.1f} (shortest path {shortest})"
    )
    fig, ax = plt.subplots(figsize=(6, 3.5))
    x = np.arange(1, EPISODES + 1)
    ax.plot(x, mean, label=f"mean of {MEMBERS} members")
    ax.fill_between(x, mean - std, mean + std, alpha=0.3, label="± std")
    ax.axhline(shortest, color="k", ls="--", lw=1, label="shortest path")
    ax.set(xlabel="episode", ylabel="steps", yscale="log", title="Population on GridWorld")
    ax.legend()
    fig.tight_layout()
    fig.savefig("population_curve.png", dpi=100)
    print("wrote population_curve.png")

    t0 = time.perf_counter()
    result = hb.sweep(trial, {"epsilon": EPSILONS}, seeds=SEEDS, n_jobs=2)
    print(f"\nsweep: {len(result)} trials in {time.perf_counter() - t0:.1f} s (2 processes)")
    print(result)
    print("\nper setting (mean ± std over seeds):")
    for row in result.summary("final_length"):
        print(
            f"  epsilon={row['epsilon']:<5} final length {row['final_length_mean']:5.1f} "
            f"± {row['final_length_std']:.1f}"
        )


if __name__ == "__main__":
    main()
