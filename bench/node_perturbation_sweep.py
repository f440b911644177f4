"""Sweep: DNMS trials to criterion for variants of the node-perturbation configuration.

Each variant is a JSON object ``{name: [config_changes, options]}``: ``config_changes`` are
``NodePerturbationConfig.replace`` keywords applied to ``DelayedNonMatch().tuned_config()`` (or
to ``published_config()`` with the option ``"base": "published"``), always in float32. Other
options: ``"seeds": [a, b]`` restricts the variant to seeds a..b-1; ``"target_scale": 0.98``
scales the targets (Miconi's ±0.98, a diagnostic: it changes the task); ``"norm": {"eta0": η₀,
"decay": a}`` emulates a per-condition normalised error signal, η_k = η₀ / σ_c with
σ_c² ← a σ_c² + (1 − a)(E − Ē_c)², by setting the learning rate before every trial.

Each run trains until the criterion (95 of 100 successive trials with error < 1) or
``max_trials`` (runs that do not reach it count as ``max_trials + 1``); prints one line per run
(variant, seed, trials or None, CPU seconds) and a summary per variant. Runs go to
``--workers`` processes (each single-threaded).

Run:  python bench/node_perturbation_sweep.py \\
          '{"tuned": [{}, {}], "3Hz": [{"amplitude": 0.5333, "perturbation_rate": 3.0}, {}]}' \\
          --seeds 0 40 --max-trials 3000
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from hebbian_brain.rnn import NodePerturbationTrainer, trials_to_criterion
from hebbian_brain.tasks import DelayedNonMatch


def make_trainer(seed: int, changes: dict[str, Any], options: dict[str, Any]):
    task = DelayedNonMatch()
    base = task.published_config() if options.get("base") == "published" else task.tuned_config()
    cfg = base.replace(precision="float32", **changes)
    trainer = task.trainer(seed=seed, config=cfg)
    scale = options.get("target_scale", 1.0)
    if scale != 1.0:
        trials = task.trials()
        trainer = NodePerturbationTrainer(
            trials.inputs,
            trials.targets * scale,
            trials.mask,
            config=cfg,
            seed=seed,
            n_neurons=200,
            output_neurons=[0],
            dt=task.dt,
            tau=task.tau,
            gain=1.5,
            bias_neurons=[1, 10, 11],
            bias_values=[1.0, 1.0, -1.0],
            initial_noise=0.1,
            error_metric="mean_absolute",
            weights=trainer.weights,
            input_weights=trainer.input_weights,
        )
    return trainer


def run(job: tuple[str, dict, int, int, dict]) -> tuple[str, int, int | None, float]:
    name, changes, seed, max_trials, options = job
    trainer = make_trainer(seed, changes, options)
    norm = options.get("norm")
    errors: list[float] = []
    t0 = time.process_time()
    reached = None
    if norm is None:
        while len(errors) < max_trials and reached is None:
            e, _ = trainer.learn(100, batch_size=1, n_threads=1)
            errors.extend(e)
            reached = trials_to_criterion(errors)
        return name, seed, reached, time.process_time() - t0
    base = trainer.config
    decay, floor = norm.get("decay", 0.9), norm.get("floor", 1e-3)
    var = None
    while len(errors) < max_trials and reached is None:
        c = trainer.condition_of(trainer.trials_done)
        eta = base.learning_rate if var is None else norm["eta0"] / max(np.sqrt(var[c]), floor)
        trainer.config = base.replace(learning_rate=eta)
        expected = trainer.expected_error.copy()
        e, _ = trainer.learn(1, batch_size=1, n_threads=1)
        if var is None:
            var = np.full(trainer.n_conditions, norm.get("init", 0.01))
        elif len(expected):
            var[c] = decay * var[c] + (1 - decay) * (e[0] - expected[c]) ** 2
        errors.append(float(e[0]))
        if len(errors) % 100 == 0:
            reached = trials_to_criterion(errors)
    return name, seed, reached, time.process_time() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("variants", help="JSON {name: [config_changes, options]}")
    ap.add_argument("--seeds", type=int, nargs=2, default=[0, 20], metavar=("FIRST", "END"))
    ap.add_argument("--max-trials", type=int, default=3000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    variants = json.loads(args.variants)
    jobs = []
    for seed in range(*args.seeds):
        for name, (changes, options) in variants.items():
            lo, hi = options.get("seeds", args.seeds)
            if lo <= seed < hi:
                rest = {k: v for k, v in options.items() if k != "seeds"}
                jobs.append((name, changes, seed, args.max_trials, rest))
    results: dict[str, dict[int, int]] = {}
    with ProcessPoolExecutor(args.workers) as pool:
        for name, seed, reached, cpu in pool.map(run, jobs):
            print(name, seed, reached, f"{cpu:.0f}s", flush=True)
            results.setdefault(name, {})[seed] = (
                reached if reached is not None else args.max_trials + 1
            )
    for name, by_seed in results.items():
        vals = [by_seed[s] for s in sorted(by_seed)]
        q1, med, q3 = np.percentile(vals, [25, 50, 75])
        over = sum(v > args.max_trials for v in vals)
        print(
            f"SUMMARY {name}: median {med:.0f} IQR {q1:.0f}-{q3:.0f} n={len(vals)} "
            f"over {args.max_trials}: {over} {vals}",
            flush=True,
        )


if __name__ == "__main__":
    main()
