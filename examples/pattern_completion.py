"""Differentiable plasticity: a network learns *how to memorize* within an episode.

Each episode shows a few random ±1 patterns, then half of one of them; the network must
complete it. W, α (how plastic each connection is) and η (how fast the Hebbian trace moves)
are trained by exact BPTT computed in Rust. The patterns change every episode, so what is
learned is a memory mechanism, not the patterns.

Prints the error-rate curve, the learned η and the sign of α, and writes
pattern_completion.png (cue | network's completion | target). `python
examples/pattern_completion.py --full` trains the paper's dp1000 preset (1000 neurons, float32,
about two minutes); the default is a 200-bit version that runs in well under a minute.
"""

import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from hebbian_brain.rnn import PlasticRNN  # noqa: E402
from hebbian_brain.tasks import PatternCompletion  # noqa: E402

# ---- hyperparameters
FULL = "--full" in sys.argv
PATTERN_SIZE = 1000 if FULL else 200  # bits per pattern (= neurons)
EPISODES = 300 if FULL else 800
LEARNING_RATE = 3e-4 if FULL else 1e-3  # Adam (the paper: 3e-4 for dp1000)
DTYPE = np.float32 if FULL else np.float64  # float32: ~3x faster at 1000 neurons, same curve
SEED = 0
OUTPUT = "pattern_completion.png"


def image_shape(size: int) -> tuple[int, int]:
    """The most nearly square ``(rows, cols)`` with ``rows * cols == size`` (rows ≤ cols).

    E.g. 200 → (10, 20), 1000 → (25, 40); a prime size falls back to a single row.
    """
    rows = max(d for d in range(1, int(np.sqrt(size)) + 1) if size % d == 0)
    return rows, size // rows


def main() -> None:
    # 5 patterns, 106 steps, half of the cue zeroed
    task = PatternCompletion(pattern_size=PATTERN_SIZE, seed=SEED)
    net = PlasticRNN(task.n_neurons, eta=0.01, dtype=DTYPE, seed=SEED)
    print(f"{task}\n{net}: {task.n_steps} steps per episode")

    start = time.perf_counter()
    history = net.learn(task, EPISODES, lr=LEARNING_RATE, progress=True)
    elapsed = time.perf_counter() - start
    errors = np.asarray(history["error_rate"])
    per = elapsed / EPISODES
    print(f"\ntrained {EPISODES} episodes in {elapsed:.1f} s ({per:.3f} s per episode)")
    print("episodes     sign error rate (chance on the zeroed half of the cue: 0.25)")
    block = max(10, EPISODES // 16)
    for i in range(0, EPISODES, block):
        bar = "#" * int(round(errors[i : i + block].mean() * 200))
        print(f"{i + 1:5d}-{min(i + block, EPISODES):<5d} {errors[i : i + block].mean():.4f} {bar}")

    print(f"\nlearned eta = {float(net.eta):.4f} (started at 0.01)")
    positive = (net.alpha > 0).mean()
    print(f"alpha > 0 on {positive:.1%} of connections: the learned plasticity is Hebbian")
    print(f"mean |W| = {np.abs(net.w).mean():.4f}, mean alpha = {net.alpha.mean():.4f}")

    # A fresh episode: the degraded cue, the network's completion, the target.
    trial = task.sample(1)
    outputs = net.forward(trial.inputs)[0, -1]
    err = PatternCompletion.error_rate(outputs, trial.targets[0])
    print(f"fresh episode: {err:.1%} of bits wrong")
    shape = image_shape(PATTERN_SIZE)
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
    for ax, img, title in zip(
        axes,
        (trial.degraded[0], np.sign(outputs), trial.targets[0]),
        ("degraded cue", f"network ({err:.1%} wrong)", "target"),
        strict=True,
    ):
        ax.imshow(img[:PATTERN_SIZE].reshape(shape), cmap="gray", vmin=-1, vmax=1)
        ax.set_title(title)
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(OUTPUT, dpi=100)
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
