"""Per-step time of RecurrentNetwork + rule against numpy doing the same update, same run.

Configurations: Hebbian and NeuromodulatedHebbian, N = 200 and N = 1000, a single trial and a
batch of 32 trials (each with its own copy of the plastic weights: numpy keeps a [B, N, N] stack,
ours runs the trials in parallel with rayon). The numpy reference is checked to give the same
outputs as ours before timing. When alpha is uniform (the rule's initial value everywhere, the
case benchmarked), both ours and the reference use it as a scalar.

Memory-bandwidth bound. The minimal traffic of one step is what the update must touch once:
read and write W (Hebbian, per trial), read and write H per trial plus read W and alpha once
(neuromodulated; W and alpha are shared by the trials of a batch; alpha is not read when it is
uniform, the rule's initial value everywhere, as here), 8 bytes per entry. It is divided by the
bandwidth of a STREAM-like copy (np.copyto, single thread; bytes = read + write) measured on
arrays whose total size equals the step's own working set: the distinct matrices a step touches
(Hebbian: W, 7.6 MiB at N = 1000; neuromodulated: W and H, 15.3 MiB, plus alpha when it is not
uniform), times the trials in flight for a batch (min(B, cpus) plastic matrices; the shared
ones once). So the copy sees
the same cache level the step does: the bound is "moving the step's bytes at the copy bandwidth
this much data gets". Two more bounds are printed for reference: the copy of one N x N matrix
(source and destination 8 N^2 bytes each, the bound used before) and a 256 MiB copy (DRAM, the
STREAM convention). Every copy is measured next to each configuration; each measurement keeps its
fastest repeat, and each bound uses the best bandwidth observed over the whole run for that array
size, so a copy that happened to run under load cannot loosen the bound.

numpy's BLAS is pinned to one thread (OPENBLAS_NUM_THREADS=1 and friends, set before numpy is
imported) so the reference is the single-thread numpy a user gets on a busy machine, and does not
compete with our rayon threads for the cores.

Timing: single trials, numpy and the copies by the CPU time of the calling thread (time spent
waiting for a core on a busy machine is not counted; `--clock wall` for wall time), batches by
the wall clock (they use several threads). Ours and numpy are interleaved repeat by repeat.

Run: python bench/dense_rules.py [--repeats 5] [--quick] [--clock cpu|wall]
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
DRAM_BYTES = 256 * 2**20


# Single-thread work (single trials, numpy, the copies) is timed by the CPU time of the calling
# thread, so that time spent waiting for a core on a shared machine is not counted; batches run
# on several threads and are timed by the wall clock. `--clock wall` times everything by the
# wall clock.
CLOCKS = {"cpu": time.thread_time, "wall": time.perf_counter}
single_thread_clock = CLOCKS["cpu"]


def median_times(fns, repeats, clock):
    """Median time of each function, the repeats interleaved (fair under a varying load)."""
    times = [[] for _ in fns]
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            t0 = clock()
            fn()
            times[k].append(clock() - t0)
    return [float(np.median(t)) for t in times]


def best_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = single_thread_clock()
        fn()
        times.append(single_thread_clock() - t0)
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


def working_set(kind, n, batch, shared):
    """Bytes of the distinct matrices one step touches (see the module docstring); `shared` is
    the number of read-only matrices shared by the trials (W, and alpha unless uniform)."""
    in_flight = min(batch, os.cpu_count() or 1)
    matrices = in_flight if kind == "hebbian" else in_flight + shared
    return matrices * 8 * n * n


def bench_config(kind, n, batch, steps, repeats, bandwidth):
    net, rule = make(kind, n)
    rng = np.random.default_rng(1)
    inputs = rng.standard_normal((batch, steps, N_INPUTS))
    w, w_in, w_out = net.weights, net.input_weights, net.output_weights
    alpha = net.alpha if kind != "hebbian" else None
    uniform = alpha is not None and bool(np.all(alpha == alpha.flat[0]))
    if uniform:
        # The rule's initial alpha, the same everywhere: ours then broadcasts it instead of
        # streaming the alpha matrix, and so does the reference (a scalar alpha).
        alpha = float(alpha.flat[0])
    # correctness: same outputs on a short run
    check = inputs[:1, : min(steps, 5)]
    ours = net.run(check[0])
    ref = numpy_run(kind, w, w_in, w_out, alpha, rule, check)[0]
    err = float(np.max(np.abs(ours - ref)))
    feed = inputs if batch > 1 else inputs[0]
    t_ours, t_np = median_times(
        [
            lambda: net.run(feed),
            lambda: numpy_run(kind, w, w_in, w_out, alpha, rule, inputs),
        ],
        repeats,
        single_thread_clock if batch == 1 else time.perf_counter,
    )
    # Hebbian: every trial reads and writes its own W. Neuromodulated: every trial reads and
    # writes its own H; W and alpha (unless uniform) are shared by the trials and need to be
    # read once per step.
    shared = 1 if uniform else 2
    matrices = 2 * batch if kind == "hebbian" else 2 * batch + shared
    ws = working_set(kind, n, batch, shared)
    bandwidth(n, ws)  # measured next to the configuration; bounds use the best seen in the run
    return t_ours / steps, t_np / steps, err, matrices * 8 * n * n, ws


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="fewer steps (smoke test)")
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="single-thread timings by thread CPU time (default) or wall clock; batches: wall",
    )
    args = parser.parse_args()
    global single_thread_clock
    single_thread_clock = CLOCKS[args.clock]

    seen = {}  # array bytes -> copy bandwidths measured

    def copy(n_bytes):
        bw = stream_copy_bandwidth(n_bytes)
        seen.setdefault(n_bytes, []).append(bw)
        return bw

    def bandwidth(n, ws):
        # measured next to each configuration, so that both see the same machine load
        copy(DRAM_BYTES)
        copy(8 * n * n)  # one N x N matrix to another
        copy(ws // 2)  # source + destination = the step's working set

    def best(n_bytes):
        return max(seen[n_bytes])

    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
        f"numpy {np.__version__}"
    )
    header = (
        f"{'rule':<14}{'N':>6}{'B':>4}{'ours ms':>10}{'numpy ms':>10}{'speed-up':>10}"
        f"{'ws MiB':>8}{'bound ms: ws / NxN / dram':>28}{'ours/bound: ws (NxN, dram)':>28}"
        f"{'max|diff|':>10}"
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
    for kind, n, batch, t_ours, t_np, err, min_bytes, ws in rows:
        b_ws = min_bytes / best(ws // 2)
        b_nxn = min_bytes / best(8 * n * n)
        b_dram = min_bytes / best(DRAM_BYTES)
        print(
            f"{kind:<14}{n:>6}{batch:>4}{t_ours * 1e3:>10.3f}{t_np * 1e3:>10.3f}"
            f"{t_np / t_ours:>9.1f}x{ws / 2**20:>8.1f}"
            f"{b_ws * 1e3:>10.3f} /{b_nxn * 1e3:>7.3f} /{b_dram * 1e3:>7.3f}"
            f"{t_ours / b_ws:>14.2f}x ({t_ours / b_nxn:.2f}, {t_ours / b_dram:.2f}){err:>10.1e}"
        )
    print("# copy GB/s (best of each measurement, every configuration):")
    for n_bytes, measured in sorted(seen.items()):
        label = "256 MiB (DRAM)" if n_bytes == DRAM_BYTES else f"{2 * n_bytes / 2**20:.2f} MiB"
        bws = " ".join(f"{b / 1e9:.0f}" for b in measured)
        print(f"#   source + destination {label}: [{bws}]")
    print(
        "# ours/bound: ws = copy of the step's working set; NxN = copy of one N x N matrix; "
        "dram = 256 MiB copy. Best copy bandwidth of the run; numpy BLAS pinned to one thread."
    )
    print(f"# clock: {args.clock} for single trials and copies, wall for batches")


if __name__ == "__main__":
    main()
