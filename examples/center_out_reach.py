"""Center-out reaching learned by reward-modulated node perturbation (the hebbRNN example).

Two output neurons of a 150-neuron rate network drive the joint velocities of a two-joint arm.
After a hold period the hand must move from the origin to one of four targets; the only
learning signal is, once per trial, the hand's final distance to the target plus a small
energy cost. Training goes pass by pass (one trial per target) until the clean error averaged
over the targets falls to 0.08, hebbRNN's stopping rule. Prints the learning curve and plots
the hand trajectories to center_out_reach.png.

Run: python examples/center_out_reach.py   (about 20-40 s on one core)
"""

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from hebbian_brain.tasks import CenterOutReach  # noqa: E402

# ---- hyperparameters (hebbRNN's network and rule; see CenterOutReach.trainer)
SEED = 0
MAX_PASSES = 3000
REPORT_EVERY = 200  # passes
OUT_DIR = os.environ.get("HEBBIAN_BRAIN_OUT", ".")


def main() -> None:
    task = CenterOutReach()
    trainer = task.trainer(seed=SEED)
    print(trainer)
    print(trainer.config)
    print(f"pass     0: clean error {trainer.evaluate().mean():.3f}")
    passes, curve = None, []
    for start in range(0, MAX_PASSES, REPORT_EVERY):
        p, c = task.train_until_tolerance(trainer, max_passes=REPORT_EVERY)
        curve.extend(c)
        print(f"pass {len(curve):5d}: clean error {curve[-1]:.3f}")
        if p is not None:
            passes = start + p
            break
    print(
        f"tolerance {task.tolerance} reached after: "
        f"{passes if passes is not None else f'more than {MAX_PASSES}'} passes "
        f"({trainer.trials_done} trials)"
    )

    fig, axes = plt.subplots(1, 2, figsize=(10, 4.5))
    ax = axes[0]
    arm = task.arm
    for c, target in enumerate(task.target_positions):
        run = trainer.run(c)
        hand = run["outputs"]
        (line,) = ax.plot(hand[:, 0], hand[:, 1], lw=2)
        ax.add_patch(plt.Circle(target, 0.1, color=line.get_color(), alpha=0.3))
        dist = np.linalg.norm(hand[-1] - target)
        print(f"target {c} at ({target[0]:+.2f}, {target[1]:+.2f}): final distance {dist:.3f}")
    ax.plot(0, 0, "ko")
    ax.set(aspect="equal", xlim=(-1.4, 1.4), ylim=(-1.4, 1.4), title="hand paths after training")
    axes[1].plot(np.arange(1, len(curve) + 1), curve)
    axes[1].axhline(task.tolerance, color="k", lw=0.5)
    axes[1].set(
        xlabel="pass (one trial per target)",
        ylabel="clean error",
        yscale="log",
        title="learning curve",
    )
    fig.suptitle(f"arm: segments {arm.segment_lengths}, moves from step {arm.movement_start}")
    fig.tight_layout()
    path = os.path.join(OUT_DIR, "center_out_reach.png")
    fig.savefig(path, dpi=100)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
