"""Per-step time of RecurrentNetwork + rule against numpy doing the same update, same run.

Configurations: Hebbian and NeuromodulatedHebbian, N = 200 and N = 1000, a single trial and a
batch of 32 trials (each with its own copy of the plastic weights: numpy keeps a [B, N, N] stack,
ours runs the trials in parallel with rayon). The numpy reference is checked to give the same
outputs as ours before timing.

Memory-bandwidth bound: a STREAM-like copy (np.copyto, single thread; bytes = read + write) is
measured twice: on 256 MiB arrays (DRAM, the STREAM convention of arrays much larger than the last
level cache), and on arrays of the size of one N x N matrix (what a step streams through; at
N = 1000, 7.6 MiB, so source and destination still fit in a 32 MiB L3). The bound of one step is the
minimal traffic of the update — read and write W (Hebbian, per trial), read and write H per trial
plus read W and alpha once (neuromodulated; W and alpha are shared by the trials of a batch),
8 bytes per entry — divided by that bandwidth; ours/bound uses the stricter (higher) bandwidth.
Both copies are measured next to each configuration; each measurement keeps its fastest repeat, and
the bound uses the best bandwidth observed over the whole run (for the N x N copy, at that N), so a
copy that happened to run under load cannot loosen the bound.

numpy's BLAS is pinned to one thread (OPENBLAS_NUM_THREADS=1 and friends, set before numpy is
imported) so the reference is the single-thread numpy a user gets on a busy machine, and does not
compete with our rayon threads for the cores.

Run: python bench/dense_rules.py [--repeats 5] [--quick]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

# Before numpy is imported: BLAS reads these once, at load time.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402

from hebbian_brain.rnn import Hebbian, NeuromodulatedHebbian, RecurrentNetwork  # noqa: E402

N_INPUTS = 4
N_OUTPUTS = 2


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def median_times(fns, repeats):
    """Median time of each function, the repeats interleaved (fair under a varying load)."""
    times = [[] for _ in fns]
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t0)
    return [float(np.median(t)) for t in times]


def best_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def stream_copy_bandwidth(n_bytes, repeats=7):
    """Best bytes per second of np.copyto on float64 arrays of n_bytes each (read + write
    counted; the fastest repeat, as STREAM reports)."""
    n = max(n_bytes // 8, 1)
    src = np.random.default_rng(0).random(n)
    dst = np.empty_like(src)
    np.copyto(dst, src)
    reps = max(1, int(64e6 // n_bytes))  # amortise the call overhead on small arrays
    t = best_time(lambda: [np.copyto(dst, src) for _ in range(reps)], repeats) / reps
    return 2 * n * 8 / t


def numpy_run(kind, w, w_in, w_out, alpha, rule, inputs):
    """Same equations as RecurrentNetwork (tau = dt = 1, tanh, modulation 1), batched on axis 0."""
    b, steps, _ = inputs.shape
    n = w.shape[-1]
    di = np.arange(n)
    x = np.zeros((b, n))
    r = np.zeros((b, n))
    out = np.empty((b, steps, w_out.shape[0]))
    if kind == "hebbian":
        plastic = np.repeat(w[None], b, axis=0)
        keep, scale, bound = 1.0 - rule.decay, rule.learning_rate, rule.w_max
    else:
        plastic = np.zeros((b, n, n))
        keep, scale, bound = 1.0 - rule.decay, rule.learning_rate, rule.h_max
    diag = plastic[:, di, di].copy()
    for t in range(steps):
        if kind == "hebbian":
            drive = np.matmul(plastic, r[:, :, None])[:, :, 0]
        else:
            drive = r @ w.T + np.matmul(alpha * plastic, r[:, :, None])[:, :, 0]
        x = drive + inputs[:, t] @ w_in.T  # tau == dt: x(t+1) = W r(t) + W_in u(t)
        r_new = np.tanh(x)
        out[:, t] = r_new @ w_out.T
        pre = r_new if kind == "hebbian" else r
        plastic *= keep
        plastic += scale * r_new[:, :, None] * pre[:, None, :]
        np.clip(plastic, -bound, bound, out=plastic)
        plastic[:, di, di] = diag
        r = r_new
    return out


def make(kind, n, seed=0):
    rule = (
        Hebbian(learning_rate=0.001, decay=0.001, w_max=1.0)
        if kind == "hebbian"
        else NeuromodulatedHebbian(learning_rate=0.01, decay=0.01, alpha=0.1, h_max=1.0)
    )
    net = RecurrentNetwork(N_INPUTS, n, N_OUTPUTS, rule=rule, gain=1.2, seed=seed)
    return net, rule


def bench_config(kind, n, batch, steps, repeats, bandwidth):
    net, rule = make(kind, n)
    rng = np.random.default_rng(1)
    inputs = rng.standard_normal((batch, steps, N_INPUTS))
    w, w_in, w_out = net.weights, net.input_weights, net.output_weights
    alpha = net.alpha if kind != "hebbian" else None
    # correctness: same outputs on a short run
    check = inputs[:1, : min(steps, 5)]
    ours = net.run(check[0])
    ref = numpy_run(kind, w, w_in, w_out, alpha, rule, check)[0]
    err = float(np.max(np.abs(ours - ref)))
    feed = inputs if batch > 1 else inputs[0]
    t_ours = median_time(lambda: net.run(feed), repeats) / steps
    t_np = (
        median_time(lambda: numpy_run(kind, w, w_in, w_out, alpha, rule, inputs), repeats) / steps
    )
    # Hebbian: every trial reads and writes its own W. Neuromodulated: every trial reads and
    # writes its own H; W and alpha are shared by the trials and need to be read once per step.
    matrices = 2 * batch if kind == "hebbian" else 2 * batch + 2
    bandwidth(n)  # measured next to the configuration; the bound uses the best seen in the run
    return t_ours, t_np, err, matrices * 8 * n * n


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="fewer steps (smoke test)")
    args = parser.parse_args()

    seen = {}

    def bandwidth(n):
        # measured next to each configuration, so that both see the same machine load
        matrix = 8 * n * n
        bw = {"dram": stream_copy_bandwidth(256 * 2**20), "ws": stream_copy_bandwidth(matrix)}
        seen.setdefault(n, []).append(bw)
        return bw

    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
        f"numpy {np.__version__}"
    )
    header = (
        f"{'rule':<14}{'N':>6}{'B':>4}{'ours ms/step':>14}{'numpy ms/step':>15}{'speed-up':>10}"
        f"{'bound ms (NxN/dram)':>21}{'ours/bound':>12}{'max|diff|':>11}"
    )
    print(header)
    print("-" * len(header))
    steps_for = {200: 200, 1000: 40}
    rows = []
    for kind in ("hebbian", "neuromodulated"):
        for n in (200, 1000):
            for batch in (1, 32):
                steps = steps_for[n] // (4 if batch > 1 else 1)
                if args.quick:
                    steps = max(2, steps // 10)
                rows.append(
                    (kind, n, batch, *bench_config(kind, n, batch, steps, args.repeats, bandwidth))
                )
    best_dram = max(b["dram"] for measured in seen.values() for b in measured)
    for kind, n, batch, t_ours, t_np, err, min_bytes in rows:
        bound_ws = min_bytes / max(b["ws"] for b in seen[n])
        bound_dram = min_bytes / best_dram
        bound = min(bound_ws, bound_dram)  # the stricter (faster) of the two
        print(
            f"{kind:<14}{n:>6}{batch:>4}{t_ours * 1e3:>14.3f}{t_np * 1e3:>15.3f}"
            f"{t_np / t_ours:>9.1f}x{bound_ws * 1e3:>10.3f} /{bound_dram * 1e3:>8.3f}"
            f"{t_ours / bound:>11.2f}x{err:>11.1e}"
        )
    for n, measured in sorted(seen.items()):
        ws = " ".join(f"{b['ws'] / 1e9:.0f}" for b in measured)
        dram = " ".join(f"{b['dram'] / 1e9:.0f}" for b in measured)
        print(f"# copy GB/s, N = {n}: one N x N matrix [{ws}], 256 MiB (DRAM) [{dram}]")
    print("# bounds use the best copy bandwidth observed; numpy BLAS pinned to one thread")


if __name__ == "__main__":
    main()
