"""Differentiable plasticity: our hand-derived BPTT in Rust against a plain numpy BPTT.

Prints, in one run:
  * seconds per episode (loss + all gradients, one thread) and peak memory (whole process, each
    measurement in a fresh subprocess) of ours and of a plain numpy BPTT, on the dp1000 preset
    (N = 1000, 106 steps) and on the bohp preset at N = 29 and N = 61; both wall-clock seconds and
    CPU seconds of the process (on a machine shared with other jobs the CPU time is the stabler
    figure; the ratio uses CPU time);
  * dp1000 with η = 0.95 (ours only): the trace copies are capped by the memory budget and the
    segments between them recomputed, so the peak stays below 300 MB;
  * the largest relative difference between the two gradients over every entry of W, α and η
    (they compute the same thing);
  * the literature figures (PyTorch autograd 1.15 s per dp1000 episode on one CPU thread;
    forward-mode BOHP 3 s at N = 29 and 70 s at N = 61) and our speed-up over them;
  * the dp1000 learning curve: sign error rate per 10 episodes (Adam lr 3e-4 for W and α as the
    paper; η trained by its own Adam at lr 3e-5, the library's default — the paper's simple.py
    used 3e-4 for η too: `--eta-lr 3e-4`; `--freeze-eta` keeps η = 0.01 as its simplest.py).

Usage:
    python bench/plasticity_bptt.py                 # everything (curve: 300 episodes)
    python bench/plasticity_bptt.py --episodes 0    # timings only (dp1000: 3 alternating rounds)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

LITERATURE = {"dp1000": 1.15, "bohp29": 3.0, "bohp61": 70.0}
SINGLE_THREAD = {
    "RAYON_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


def numpy_bptt(w, alpha, eta, x, target, mask):
    """What a user without this library would write: keep every trace, then backpropagate.

    Vectorized per step (one matrix expression per quantity, no Python loop over neurons),
    without materializing W + α ⊙ H: W y and (α ⊙ H) y are separate matrix-vector products.
    """
    steps, n = x.shape
    dt = x.dtype
    ys = [np.zeros(n, dtype=dt)]
    hs = [np.zeros((n, n), dtype=dt)]
    for t in range(steps):
        y_prev, h = ys[-1], hs[-1]
        y = np.tanh(w @ y_prev + (alpha * h) @ y_prev + x[t])
        hs.append((1 - eta) * h + eta * np.outer(y, y_prev))
        ys.append(y)
    loss = float(np.sum(mask * (ys[-1] - target) ** 2))
    gy = 2 * mask * (ys[-1] - target)
    g_hebb = np.zeros((n, n), dtype=dt)
    g_w = np.zeros((n, n), dtype=dt)
    g_alpha = np.zeros((n, n), dtype=dt)
    g_eta = 0.0
    for t in range(steps, 0, -1):
        y, y_prev, h_prev = ys[t], ys[t - 1], hs[t - 1]
        g_eta += float(np.sum(g_hebb * (np.outer(y, y_prev) - h_prev)))
        gy = gy + eta * (g_hebb @ y_prev)
        gy_prev_from_hebb = eta * (g_hebb.T @ y)
        gz = gy * (1 - y**2)
        outer = np.outer(gz, y_prev)
        g_w += outer
        g_alpha += outer * h_prev
        g_hebb = (1 - eta) * g_hebb + alpha * outer
        gy = w.T @ gz + (alpha * h_prev).T @ gz + gy_prev_from_hebb
    return loss, {"w": g_w, "alpha": g_alpha, "eta": g_eta}


def _problem(preset, dtype):
    from hebbian_brain.rnn import PlasticRNN
    from hebbian_brain.tasks import PatternCompletion

    eta = 0.01
    if preset.startswith("dp1000"):
        task = PatternCompletion.preset("dp1000", seed=0)
        if preset.startswith("dp1000eta"):
            eta = float(preset[len("dp1000eta") :])
    else:
        task = PatternCompletion.preset("bohp", n_neurons=int(preset[4:]), seed=0)
    net = PlasticRNN(task.n_neurons, eta=eta, dtype=dtype, seed=0)
    net.alpha *= 10  # a trained-looking network: plasticity matters in the gradient
    trial = task.sample(1)
    return net, trial.inputs.astype(dtype), trial.targets.astype(dtype), trial.mask.astype(dtype)


def child(impl, preset, dtype, repeats):
    net, inputs, targets, mask = _problem(preset, np.dtype(dtype))
    times, cpu = [], []
    for _ in range(repeats + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        if impl == "ours":
            loss, grads = net.loss_and_grad(inputs, targets, mask)
        else:
            loss, grads = numpy_bptt(
                net.w, net.alpha, float(net.eta), inputs[0], targets[0], mask[0]
            )
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The full gradients go through a file (a million values each at N = 1000).
    fd, path = tempfile.mkstemp(suffix=".npz", prefix="plasticity_bptt_")
    os.close(fd)
    np.savez(path, grad_w=np.asarray(grads["w"]), grad_alpha=np.asarray(grads["alpha"]))
    out = {
        "seconds": float(np.median(times[1:])),
        "cpu_seconds": float(np.median(cpu[1:])),
        "peak_mb": peak_mb,
        "loss": float(loss),
        "grads_file": path,
        "grad_eta": float(grads["eta"]),
    }
    print(json.dumps(out))


def measure(impl, preset, dtype, repeats):
    env = {**os.environ, **SINGLE_THREAD}
    cmd = [sys.executable, __file__, "--child", impl, preset, dtype, "--repeats", str(repeats)]
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    out = json.loads(res.stdout.strip().splitlines()[-1])
    path = out.pop("grads_file")
    with np.load(path) as f:
        out.update(grad_w=f["grad_w"], grad_alpha=f["grad_alpha"])
    os.remove(path)
    return out


def rel_diff(a, b):
    """Largest |a − b| over *every* entry, relative to the largest |a| (shapes must agree)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"gradients of different shapes {a.shape} and {b.shape}")
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a)), 1e-300))


def grad_diff(ref, ours):
    """Largest relative difference between two gradient sets (all of W, all of α, and η)."""
    return max(
        rel_diff(ref["grad_alpha"], ours["grad_alpha"]),
        rel_diff(ref["grad_w"], ours["grad_w"]),
        abs(ref["grad_eta"] - ours["grad_eta"]) / max(abs(ref["grad_eta"]), 1e-300),
    )


def curve(episodes, dtype, train_eta=True, eta_lr=None, seed=1):
    from hebbian_brain.rnn import PlasticRNN
    from hebbian_brain.tasks import PatternCompletion

    task = PatternCompletion.preset("dp1000", seed=seed)
    net = PlasticRNN(task.n_neurons, dtype=dtype, seed=seed)
    t0 = time.perf_counter()
    hist = net.learn(task, episodes, lr=3e-4, eta_lr=eta_lr, train_eta=train_eta, progress=False)
    elapsed = time.perf_counter() - t0
    err = np.asarray(hist["error_rate"])
    how = "eta fixed at 0.01"
    if train_eta:
        how = f"eta trained, its Adam lr {3e-5 if eta_lr is None else eta_lr:g}"
    print(
        f"\ndp1000 learning curve, {dtype}, seed {seed}, {how} "
        f"(W, alpha: Adam lr 3e-4; batch 1, {elapsed:.0f} s, {episodes} ep.)"
    )
    print("episodes   sign error rate (mean over the 10)")
    first_below = None
    for i in range(0, episodes, 10):
        m = float(err[i : i + 10].mean())
        if first_below is None and m <= 0.01:
            first_below = i + 10
        print(f"{i + 1:4d}-{i + 10:<4d}  {m:.4f}")
    print(f"first block of 10 with error ≤ 0.01 ends at episode: {first_below}")
    if episodes >= 300:
        print(f"mean error over episodes 201-300: {float(err[200:300].mean()):.4f}")
    positive = float((net.alpha > 0).mean())
    print(f"learned eta = {float(net.eta):.4f}; fraction of alpha > 0 = {positive:.3f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", nargs=3, metavar=("IMPL", "PRESET", "DTYPE"), help=argparse.SUPPRESS)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="dp1000: alternate ours/numpy measurements this many times (median of the rounds)",
    )
    ap.add_argument("--episodes", type=int, default=300, help="learning-curve episodes (0: none)")
    ap.add_argument("--no-timing", action="store_true", help="only the learning curve")
    ap.add_argument("--curve-dtype", default="float64", choices=["float64", "float32"])
    ap.add_argument(
        "--freeze-eta", action="store_true", help="keep eta at 0.01 (as the paper's simplest.py)"
    )
    ap.add_argument(
        "--eta-lr",
        type=float,
        default=None,
        help="Adam lr of eta (default: the library's lr/10 = 3e-5; the paper's simple.py: 3e-4)",
    )
    ap.add_argument("--seed", type=int, default=1, help="seed of the learning curve")
    args = ap.parse_args()
    if args.child:
        child(*args.child, args.repeats)
        return
    if not args.no_timing:
        timing_table(args.repeats, args.rounds)
    if args.episodes > 0:
        curve(
            args.episodes,
            args.curve_dtype,
            train_eta=not args.freeze_eta,
            eta_lr=args.eta_lr,
            seed=args.seed,
        )


def combine(runs):
    """Median wall and CPU seconds over rounds (each a fresh process); largest peak."""
    out = dict(runs[-1])
    for key in ("seconds", "cpu_seconds"):
        out[key] = float(np.median([r[key] for r in runs]))
    out["peak_mb"] = max(r["peak_mb"] for r in runs)
    return out


def measure_pair(preset, dtype, reps_ours, reps_np, rounds):
    """Ours and numpy measured alternately (ours first in even rounds): on a shared machine a
    load change then hits both sides alike. Returns (ours, numpy, per-round CPU ratios, largest
    gradient difference)."""
    ours_runs, ref_runs, ratios, diff = [], [], [], 0.0
    for r in range(rounds):
        if r % 2 == 0:
            o = measure("ours", preset, dtype, reps_ours)
            f = measure("numpy", preset, dtype, reps_np)
        else:
            f = measure("numpy", preset, dtype, reps_np)
            o = measure("ours", preset, dtype, reps_ours)
        diff = max(diff, grad_diff(f, o))
        # No gradients are kept across rounds: the children inherit this process's peak RSS at
        # fork (Linux ru_maxrss), so gradients held here would inflate their "peak MB".
        for run in (o, f):
            run.pop("grad_w")
            run.pop("grad_alpha")
        ours_runs.append(o)
        ref_runs.append(f)
        ratios.append(f["cpu_seconds"] / o["cpu_seconds"])
    return combine(ours_runs), combine(ref_runs), ratios, diff


def timing_table(repeats, rounds=1):
    print(
        "Differentiable plasticity BPTT, one thread, median of repeats; s/ep = wall-clock (CPU) "
        "seconds per episode; ratio = numpy CPU / ours CPU; peak = whole process RSS"
    )
    if rounds > 1:
        print(
            f"dp1000 rows: {rounds} rounds alternating ours and numpy, medians of the rounds; "
            "ratio = median numpy CPU / median ours CPU [per-round ratios]"
        )
    notes = []
    header = (
        f"{'preset':<12} {'dtype':<7} {'N':>5} {'ours s/ep':>16} {'numpy s/ep':>16} {'ratio':>7} "
        f"{'ours MB':>8} {'numpy MB':>9} {'grad diff':>10} {'literature s':>13} {'vs lit.':>9}"
    )
    print(header)
    print("-" * len(header))
    cases = (
        ("dp1000", "float64", 1000, 3),
        ("dp1000", "float32", 1000, 3),
        ("dp1000eta0.95", "float64", 1000, 0),
        ("bohp29", "float64", 29, 20),
        ("bohp61", "float64", 61, 20),
    )
    for preset, dtype, n, reps_np in cases:
        ours = ref = pair_diff = None  # drop the previous case's gradients (see measure_pair)
        reps_ours = repeats if preset.startswith("dp1000") else 50
        if reps_np and preset.startswith("dp1000") and rounds > 1:
            ours, ref, ratios, pair_diff = measure_pair(preset, dtype, reps_ours, reps_np, rounds)
            spread = ", ".join(f"{q:.1f}" for q in ratios)
            notes.append(f"{preset} {dtype}: per-round CPU ratios [{spread}]")
        else:
            ours = measure("ours", preset, dtype, reps_ours)
            ref = measure("numpy", preset, dtype, reps_np) if reps_np else None
        lit = LITERATURE.get(preset)
        ours_s = f"{ours['seconds']:.4g} ({ours['cpu_seconds']:.4g})"
        if ref is None:
            ref_s, ratio, ref_mb, diff = "—", "—", "—", "—"
        else:
            ref_s = f"{ref['seconds']:.4g} ({ref['cpu_seconds']:.4g})"
            ratio = f"{ref['cpu_seconds'] / ours['cpu_seconds']:.1f}×"
            ref_mb = f"{ref['peak_mb']:.0f}"
            diff = f"{grad_diff(ref, ours) if pair_diff is None else pair_diff:.1e}"
        lit_s = "—" if lit is None else f"{lit:.4g}"
        vs = "—" if lit is None else f"{lit / ours['seconds']:.0f}×"
        print(
            f"{preset:<12} {dtype:<7} {n:>5} {ours_s:>16} {ref_s:>16} {ratio:>7} "
            f"{ours['peak_mb']:>8.0f} {ref_mb:>9} {diff:>10} {lit_s:>13} {vs:>9}"
        )
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
