"""Benchmark: reward-modulated node perturbation (Miconi 2017 / hebbRNN).

Three parts, one table each:

1. Speed of one DNMS training trial (N = 200, T = 1000, trace + update included), single
   thread, in float64 and float32 precision: ours against a straightforward numpy
   implementation of the same rule written below (the per-step cubed outer product of
   hebbRNN, float64), measured in the same run; plus trials per second with all cores.
2. DNMS learning over seeds (sequential rule, batch 1) with Miconi's published parameters,
   with ``DelayedNonMatch.tuned_config()`` (the same rule without the warm-up) and with
   ``perturbation_trace_config()`` (the trace sums the kicks themselves, Miconi's NODEPERT
   method): trials to the criterion (95 of 100
   successive trials with error < 1), median and IQR (paper: median 843, IQR 692-1125,
   20 runs), and the error after ``--dnms-trials`` trials.
3. Center-out reaching with hebbRNN's parameters: passes (one trial per target) until the
   clean error averaged over the 4 targets falls to 0.08.

Run:  python bench/node_perturbation.py                 (20 seeds, 10 000 DNMS trials)
      python bench/node_perturbation.py --seeds 10 --precision float64
      python bench/node_perturbation.py --seeds 4 --dnms-trials 3000 --co-seeds 4
Seeds of the learning parts run side by side on all cores (each run is sequential); the
learning runs use ``--precision`` (float32 by default: see docs/design/numerics.md).
"""

from __future__ import annotations

import os

# Single-threaded numpy for a fair single-thread reference (must precede the numpy import).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

import numpy as np  # noqa: E402

from hebbian_brain.rnn import trials_to_criterion  # noqa: E402
from hebbian_brain.tasks import CenterOutReach, DelayedNonMatch  # noqa: E402


# --------------------------------------------------------------------------- numpy reference
class NumpyNodePerturbation:
    """The same rule in numpy, three ways. ``method="power"``: the literal translation of
    hebbRNN's Matlab (``e += np.outer(dx, r_prev) ** 3`` per step); ``"outer"``: the
    straightforward per-step outer product with the cube as ``o * o * o`` (numpy's ``** 3``
    calls ``pow``); ``"matrix"``: numpy with the core's trick (store r³ and Δx³, one matrix
    product per trial), the best a numpy loop can do. ``dtype`` float32 runs every array of
    the trial in float32 (what a user after speed would try first)."""

    def __init__(
        self, trainer, task: DelayedNonMatch, seed: int, method: str, dtype=np.float64
    ) -> None:
        cfg = trainer.config
        self.method = method
        self.dtype = dtype
        self.J = trainer.weights.astype(dtype)
        self.W_in = trainer.input_weights.astype(dtype)
        self.trials = task.trials()
        self.dt_tau = 1.0 / 30.0
        self.p = cfg.perturbation_rate * 1.0 / 1000.0
        self.amp = cfg.amplitude
        self.alpha_x = cfg.activity_trace_decay
        self.alpha_r = cfg.error_trace_decay
        self.eta = cfg.learning_rate
        self.max_dw = cfg.max_dw
        self.bias_idx = np.array([1, 10, 11])
        self.bias_val = np.array([1.0, 1.0, -1.0])
        self.rng = np.random.default_rng(seed)
        self.expected = np.ones(4)
        self.k = 0

    def trial(self) -> float:
        c = self.k % 4
        self.k += 1
        inputs, targets, mask = self.trials.inputs[c], self.trials.targets[c], self.trials.mask[c]
        inputs = inputs.astype(self.dtype)
        n = self.J.shape[0]
        dt = self.dtype
        x = self.rng.uniform(-0.1, 0.1, n).astype(dt)
        x[self.bias_idx] = self.bias_val
        r = np.tanh(x)
        x_avg = x.copy()
        e = np.zeros_like(self.J)
        out = np.empty(len(inputs))
        pre3 = np.empty((len(inputs), n), dtype=dt)
        post3 = np.empty((len(inputs), n), dtype=dt)
        for t in range(len(inputs)):
            r_prev = r
            x = x + self.dt_tau * (-x + self.J @ r + self.W_in @ inputs[t])
            kick = self.rng.random(n) < self.p
            xi = (kick * self.amp * self.rng.uniform(-1.0, 1.0, n)).astype(dt)
            x = x + xi
            x[self.bias_idx] = self.bias_val
            r = np.tanh(x)
            dx = x - x_avg
            x_avg = self.alpha_x * x_avg + (1.0 - self.alpha_x) * x
            if self.method == "kicks":  # eligibility="perturbation": e += ξ r(t-1)ᵀ, kicked rows
                hit = np.flatnonzero(kick)
                if hit.size:
                    e[hit] += np.outer(xi[hit], r_prev)
            elif self.method == "matrix":
                pre3[t] = r_prev * r_prev * r_prev
                post3[t] = dx * dx * dx
            elif self.method == "outer":
                o = np.outer(dx, r_prev)
                e += o * o * o
            else:  # "power": the literal translation of hebbRNN's (rprev*(x - xtrace)').^3
                e += np.outer(dx, r_prev) ** 3
            out[t] = r[0]
        if self.method == "matrix":
            e = post3.T @ pre3
        elif self.method == "kicks":
            e[self.bias_idx] = 0.0  # a kick on a clamped neuron changed nothing
        scored = mask > 0
        err = float(np.mean(np.abs(out[scored] - targets[scored, 0])))
        dJ = -self.eta * abs(self.expected[c]) * e * (err - self.expected[c])
        self.J += np.clip(dJ, -self.max_dw, self.max_dw).astype(dt)
        self.expected[c] = self.alpha_r * self.expected[c] + (1.0 - self.alpha_r) * err
        return err


METHODS = {
    "power": "numpy, literal hebbRNN translation (** 3)",
    "outer": "numpy, per-step outer product (o * o * o)",
    "matrix": "numpy, one matrix product per trial",
}
KICKS = "numpy, kicked rows += ξ r(t-1) per step"


def check_trace_identity(rng: np.random.Generator) -> float:
    """Max difference between Σ_t (outer(dx, r))³ and (dx³)ᵀ(r³): the identity the core uses."""
    r, dx = rng.normal(size=(50, 20)), rng.normal(size=(50, 20))
    naive = sum(np.outer(dx[t], r[t]) ** 3 for t in range(50))
    return float(np.max(np.abs(naive - (dx**3).T @ (r**3))))


def median_time(fn, repeats: int) -> np.ndarray:
    """Median (wall seconds, CPU seconds of the process) of ``repeats`` calls of ``fn``.

    CPU time counts the work of every thread of the process, so on a loaded machine it shows
    the cost of a single-threaded run without the time spent waiting for a core.
    """
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return np.array([statistics.median(wall), statistics.median(cpu)])


def print_time_rows(
    rows: list[tuple[str, np.ndarray]], reference: np.ndarray, wall_ratio: str, cpu_ratio: str
) -> None:
    """A markdown table of (label, [wall s, CPU s]) rows with their ratios reference / row."""
    w = max(len(wall_ratio), 7)
    print(
        f"| {'implementation':<52} | {'wall ms':>8} | {'CPU ms':>8} "
        f"| {wall_ratio:>{w}} | {cpu_ratio:>6} |"
    )
    print(f"|{'-' * 54}|{'-' * 10}|{'-' * 10}|{'-' * (w + 2)}|{'-' * 8}|")
    for label, t in rows:
        ratio = reference / t
        print(
            f"| {label:<52} | {t[0] * 1e3:8.2f} | {t[1] * 1e3:8.2f} "
            f"| {ratio[0]:{w}.1f} | {ratio[1]:6.1f} |"
        )


def bench_speed(repeats: int, ours_trials: int, numpy_trials: int) -> None:
    task = DelayedNonMatch()
    cfg = task.published_config().replace(warmup_trials=0)  # every trial computes the trace
    ours = {
        p: task.trainer(seed=0, config=cfg.replace(precision=p)) for p in ("float64", "float32")
    }
    refs = {
        (m, "float64"): NumpyNodePerturbation(ours["float64"], task, seed=0, method=m)
        for m in METHODS
    }
    refs[("outer", "float32")] = NumpyNodePerturbation(
        ours["float64"], task, seed=0, method="outer", dtype=np.float32
    )
    t_ours = {}
    for p, tr in ours.items():
        tr.learn(4, n_threads=1)  # warm-up (Ē initialisation, buffers)
        t_ours[p] = median_time(lambda tr=tr: tr.learn(ours_trials, n_threads=1), repeats)
        t_ours[p] /= ours_trials
    t_ref = {}
    for key, ref in refs.items():
        ref.trial()
        trials = 1 if key[0] == "power" else numpy_trials
        t_ref[key] = median_time(lambda ref=ref, k=trials: [ref.trial() for _ in range(k)], repeats)
        t_ref[key] /= trials
    # The other trace (eligibility="perturbation"): ours against its own numpy loop.
    kick_cfg = task.perturbation_trace_config()
    kick_ours = {
        p: task.trainer(seed=0, config=kick_cfg.replace(precision=p))
        for p in ("float64", "float32")
    }
    t_kick = {}
    for p, tr in kick_ours.items():
        tr.learn(4, n_threads=1)
        t_kick[p] = median_time(lambda tr=tr: tr.learn(ours_trials, n_threads=1), repeats)
        t_kick[p] /= ours_trials
    kick_ref = NumpyNodePerturbation(kick_ours["float64"], task, seed=0, method="kicks")
    kick_ref.trial()
    t_kick_ref = (
        median_time(lambda: [kick_ref.trial() for _ in range(numpy_trials)], repeats) / numpy_trials
    )
    batch = 8
    par = ours["float32"]
    t_par = median_time(lambda: par.learn(8 * batch, batch_size=batch), repeats) / (8 * batch)
    cores = os.cpu_count()
    rng = np.random.default_rng(0)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    reference = t_ref[("outer", "float64")]
    print("\n## Speed: one DNMS training trial (N = 200, T = 1000), median of", repeats, "repeats")
    print(f"load average at the end: {load:.1f}")
    print(f"trace identity check (max |naive - matrix|): {check_trace_identity(rng):.1e}")
    rows = [(f"{METHODS[m]}, {p}", t) for (m, p), t in t_ref.items()]
    rows += [(f"hebbian_brain, 1 thread, precision={p}", t) for p, t in t_ours.items()]
    print_time_rows(rows, reference, "reference / this, wall", "CPU")
    label = f"hebbian_brain, float32, batch {batch}, {cores} cores"
    print(f"| {label:<52} | {t_par[0] * 1e3:8.2f} | {'':>8} | {reference[0] / t_par[0]:22.1f} | |")
    for p in t_ours:
        r = reference / t_ours[p]
        print(
            f"reference (numpy per-step outer product, float64) / ours {p}: {r[0]:.1f}x wall, "
            f"{r[1]:.1f}x CPU"
        )
    print(
        '\n### The same trial with eligibility="perturbation" '
        "(DelayedNonMatch().perturbation_trace_config()), against its own numpy loop"
    )
    kick_rows = [(f"{KICKS}, float64", t_kick_ref)]
    kick_rows += [(f"hebbian_brain, 1 thread, precision={p}", t) for p, t in t_kick.items()]
    print_time_rows(kick_rows, t_kick_ref, "× wall", "× CPU")
    r32 = t_ref[("outer", "float32")] / t_ours["float32"]
    print(f"float32 numpy outer product / ours float32: {r32[0]:.1f}x wall, {r32[1]:.1f}x CPU")
    print(
        f"trials per second (wall): 1 thread {1 / t_ours['float32'][0]:.0f} (float32), "
        f"{1 / t_ours['float64'][0]:.0f} (float64); all {cores} cores {1 / t_par[0]:.0f} (float32)"
    )


# --------------------------------------------------------------------------- learning
PRESETS = {
    "published": DelayedNonMatch.published_config,
    "tuned": DelayedNonMatch.tuned_config,
    "perturbation": DelayedNonMatch.perturbation_trace_config,
}


def dnms_config(preset: str, precision: str):
    return PRESETS[preset](DelayedNonMatch()).replace(precision=precision)


def dnms_run(seed: int, n_trials: int, preset: str, precision: str) -> dict:
    task = DelayedNonMatch()
    trainer = task.trainer(seed=seed, config=dnms_config(preset, precision))
    t0 = time.perf_counter()
    errors, _ = trainer.learn(n_trials, batch_size=1, n_threads=1)
    wall = time.perf_counter() - t0
    return {
        "seed": seed,
        "criterion": trials_to_criterion(errors, threshold=1.0, window=100, fraction=0.95),
        "final_train": float(np.mean(errors[-100:])),
        "final_clean": float(np.mean(trainer.evaluate())),
        "wall": wall,
    }


def reach_run(seed: int, max_passes: int, precision: str) -> dict:
    task = CenterOutReach()
    trainer = task.trainer(seed=seed, config=task.published_config().replace(precision=precision))
    t0 = time.perf_counter()
    passes, curve = task.train_until_tolerance(trainer, max_passes=max_passes)
    return {
        "seed": seed,
        "passes": passes,
        "start": curve[0],
        "final": curve[-1],
        "wall": time.perf_counter() - t0,
    }


def quartiles(values: list[float]) -> tuple[float, float, float]:
    q = np.percentile(values, [25, 50, 75])
    return float(q[0]), float(q[1]), float(q[2])


def bench_dnms(seeds: int, n_trials: int, workers: int, preset: str, precision: str) -> None:
    with ThreadPoolExecutor(workers) as pool:
        runs = list(pool.map(lambda s: dnms_run(s, n_trials, preset, precision), range(seeds)))
    print(
        f"\n## DNMS learning, preset {preset!r}, precision {precision}, {seeds} seeds, "
        f"{n_trials} trials each"
    )
    print(dnms_config(preset, precision))
    print(
        f"| {'seed':>4} | {'trials to criterion':>19} | {'train error (last 100)':>22} "
        f"| {'clean error':>11} | {'wall s':>7} |"
    )
    print(f"|{'-' * 6}|{'-' * 21}|{'-' * 24}|{'-' * 13}|{'-' * 9}|")
    for r in runs:
        crit = "not reached" if r["criterion"] is None else str(r["criterion"])
        print(
            f"| {r['seed']:>4} | {crit:>19} | {r['final_train']:>22.3f} "
            f"| {r['final_clean']:>11.3f} | {r['wall']:>7.1f} |"
        )
    # Runs that never reach the criterion count as n_trials + 1 (i.e. "more than n_trials").
    crit_all = [r["criterion"] if r["criterion"] is not None else n_trials + 1 for r in runs]
    groups = [("all", crit_all)]
    if seeds > 10:
        groups.append(("seeds 0-9", crit_all[:10]))
    for name, vals in groups:
        q1, med, q3 = quartiles(vals)
        reached = sum(v <= n_trials for v in vals)
        print(
            f"trials to criterion ({name}): median {med:.0f}, IQR {q1:.0f}-{q3:.0f}, "
            f"min {min(vals)}, max {max(vals)}; reached {reached}/{len(vals)} "
            f"(paper: median 843, IQR 692-1125)"
        )
    print(
        f"error after {n_trials} trials (mean of last 100 training trials): median "
        f"{statistics.median(r['final_train'] for r in runs):.3f}; clean error median "
        f"{statistics.median(r['final_clean'] for r in runs):.3f}"
    )


def bench_reach(seeds: int, max_passes: int, workers: int, precision: str) -> None:
    with ThreadPoolExecutor(workers) as pool:
        runs = list(pool.map(lambda s: reach_run(s, max_passes, precision), range(seeds)))
    print(
        f"\n## Center-out reaching, hebbRNN's parameters, precision {precision}, {seeds} seeds, "
        "tolerance 0.08"
    )
    print(
        f"| {'seed':>4} | {'passes to 0.08':>14} | {'clean error start':>17} "
        f"| {'final':>7} | {'wall s':>7} |"
    )
    print(f"|{'-' * 6}|{'-' * 16}|{'-' * 19}|{'-' * 9}|{'-' * 9}|")
    for r in runs:
        passes = f"> {max_passes}" if r["passes"] is None else str(r["passes"])
        print(
            f"| {r['seed']:>4} | {passes:>14} | {r['start']:>17.3f} | {r['final']:>7.3f} "
            f"| {r['wall']:>7.1f} |"
        )
    vals = [r["passes"] if r["passes"] is not None else max_passes + 1 for r in runs]
    q1, med, q3 = quartiles(vals)
    print(f"passes to tolerance: median {med:.0f}, IQR {q1:.0f}-{q3:.0f}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--seeds",
        type=int,
        default=20,
        help="DNMS seeds (20: the paper's number of runs; seeds 0-9 are also summarised alone)",
    )
    ap.add_argument("--dnms-trials", type=int, default=10_000)
    ap.add_argument("--co-seeds", type=int, default=10)
    ap.add_argument("--co-max-passes", type=int, default=5000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--skip", nargs="*", default=[], choices=["speed", "dnms", "reach"])
    ap.add_argument("--presets", nargs="*", default=list(PRESETS), choices=list(PRESETS))
    ap.add_argument(
        "--precision",
        default="float32",
        choices=["float64", "float32"],
        help="precision of the learning runs (float32: same trials to criterion on 19 of 20 "
        "seeds in our runs, half the time)",
    )
    args = ap.parse_args(argv)
    print(
        f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} cores, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    if "speed" not in args.skip:
        bench_speed(args.repeats, ours_trials=50, numpy_trials=2)
    if "dnms" not in args.skip:
        for preset in args.presets:
            bench_dnms(args.seeds, args.dnms_trials, args.workers, preset, args.precision)
    if "reach" not in args.skip:
        bench_reach(args.co_seeds, args.co_max_passes, args.workers, args.precision)


if __name__ == "__main__":
    main()
