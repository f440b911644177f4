"""Times the numpy stand-in's rebuild on the steps the Rust core's ignored timing test uses.

100 000 steps in 6-d with 3 actions from a splitmix64 stream (the same numbers as
``rebuild_time_of_100_000_steps_in_6_d`` in rust/core/src/experience/tests.rs), one rebuild
from scratch; the mean greedy node value is printed so the two runs can be seen to agree.

    python bench/experience_graph_timing.py --standin bench/box_experience_graph.py
    cargo test --release -p hebbian_core rebuild_time -- --ignored --nocapture
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from experience_graph_fixture import ROOT, load_standin

MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def uniforms(seed: int, count: int) -> np.ndarray:
    """splitmix64 uniforms in [0, 1), as the Rust test draws them."""
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + np.arange(1, count + 1, dtype=np.uint64) * np.uint64(
            0x9E3779B97F4A7C15
        )
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(float) * 2.0**-53


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--standin", type=Path, default=ROOT / "bench/box_experience_graph.py")
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args(argv)
    n, dim = args.n, 6
    u = uniforms(2026, n * (2 * dim + 1)).reshape(n, 2 * dim + 1)
    x = u[:, :dim]
    x2 = x + 0.1 * (u[:, dim : 2 * dim] - 0.5)
    a = np.minimum((u[:, 2 * dim] * 3.0).astype(int), 2)
    r = np.where(x2[:, 0] > 0.95, 1.0, -1.0)
    graph = load_standin(args.standin)(3, seed=0, growth=1e12)
    graph.next_rebuild = 10**15
    for i in range(n):
        graph.store(x[i], int(a[i]), float(r[i]), x2[i], bool(x2[i, 0] > 0.98))
    start = time.perf_counter()
    graph.rebuild()
    seconds = time.perf_counter() - start
    print(f"rebuild of {n} steps: {seconds:.3f} s (numpy stand-in); mean Q {graph.q.mean():.6f}")


if __name__ == "__main__":
    main()
