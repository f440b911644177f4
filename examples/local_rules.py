"""How local rules shape a random RNN trained on a sequence: Hebbian vs anti-Hebbian vs STDP.

The same random network (same seed) is trained by clamping it to an ordered sequence of random
±1 patterns, once per rule, with plasticity on. Then it gets only the first pattern as a cue and
runs freely: does it replay the sequence, in order? We read the answer from
* the learned weight matrices (heatmaps, and a symmetry index: +1 symmetric, -1 antisymmetric),
* the ordered-recall score and the overlaps of the activity with each pattern over time,
* the dynamics projected on the first two principal components, with the network's flow there;
* a phase-plane view: the flow of the trained network restricted to the plane of patterns 0 and 1
  (nullclines, in-plane fixed points and their type, checked against the full network's Jacobian),
  next to the Wilson-Cowan E/I pair for reference.

Two STDP windows are compared: potentiation-dominated (A- = A+/2) and balanced (A- = A+).

Run: python examples/local_rules.py   (writes local_rules_*.png; about 10 s)
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from hebbian_brain.analysis import (  # noqa: E402
    PCAProjection,
    WilsonCowan,
    classify,
    fixed_points,
    projected_vector_field,
    simulate,
    symmetry_index,
)
from hebbian_brain.rnn import STDP, AntiHebbian, Hebbian, RecurrentNetwork  # noqa: E402
from hebbian_brain.tasks import SequenceGenerationTask  # noqa: E402
from hebbian_brain.viz import plot_phase_portrait, plot_weight_matrices  # noqa: E402

# ---- hyperparameters
N_UNITS = 100
N_PATTERNS = 6
PATTERN_DURATION = 2  # steps per pattern while training
INPUT_STRENGTH = 5.0  # clamps the units to the pattern during training
EPOCHS = 20  # presentations of the whole sequence
GAIN = 0.5  # random initial recurrent weights ~ N(0, GAIN^2 / N)
SEEDS = [0, 1, 2, 3, 4]  # pattern/network seeds for the summary table
RULES = {
    "Hebbian": Hebbian(learning_rate=0.001, w_max=1.0),
    "anti-Hebbian": AntiHebbian(learning_rate=0.001, w_max=1.0),
    "STDP (A- = A+/2)": STDP(a_plus=0.003, a_minus=0.0015, tau_plus=1.0, tau_minus=1.0),
    "STDP balanced": STDP(a_plus=0.003, a_minus=0.003, tau_plus=1.0, tau_minus=1.0),
}


def train_and_recall(rule, seed):
    task = SequenceGenerationTask(
        N_UNITS,
        N_PATTERNS,
        pattern_duration=PATTERN_DURATION,
        input_strength=INPUT_STRENGTH,
        recall_duration=30,
        seed=seed,
    )
    net = RecurrentNetwork(N_UNITS, N_UNITS, 1, rule=rule, gain=GAIN, seed=100 + seed)
    net.input_weights = np.eye(N_UNITS)
    initial = net.weights
    train = task.training_trial()
    for _ in range(EPOCHS):
        net.run(train.inputs, keep_weights=True)
    recall = task.recall_trial()
    _, rates = net.run(recall.inputs, plastic=False, return_states=True)
    _, currents = net.run(recall.inputs, plastic=False, return_states="currents")
    return task, net, net.weights - initial, rates, currents


def main():
    print(f"{'rule':<18} {'recall score (5 seeds)':<24} {'mean':>5} {'symmetry of dW':>15}")
    for name, rule in RULES.items():
        scores, sym = [], []
        for seed in SEEDS:
            task, _, dw, rates, _ = train_and_recall(rule, seed)
            scores.append(task.score(rates).score)
            sym.append(symmetry_index(dw))
        cells = " ".join(f"{s:.1f}" for s in scores)
        print(f"{name:<18} {cells:<24} {np.mean(scores):5.2f} {np.mean(sym):+15.2f}")

    # ---- figures for seed 0
    runs = {name: train_and_recall(rule, SEEDS[0]) for name, rule in RULES.items()}
    task = runs["Hebbian"][0]
    # order units by the sign pattern of the first two patterns, so blocks are visible
    order = np.lexsort((task.patterns[1], task.patterns[0]))
    fig = plot_weight_matrices({name: r[2] for name, r in runs.items()}, order=order)
    fig.suptitle("learned change of the recurrent weights (units sorted by patterns 0, 1)", y=1.02)
    fig.savefig("local_rules_weights.png", dpi=110, bbox_inches="tight")

    fig, axes = plt.subplots(2, len(runs), figsize=(4 * len(runs), 7))
    for col, (name, (task, net, _, rates, currents)) in enumerate(runs.items()):
        ov = task.overlaps(rates)
        ax = axes[0, col]
        for k in range(N_PATTERNS):
            ax.plot(ov[:, k], label=f"pattern {k}")
        ax.axvspan(0, task.cue_duration - 0.5, color="0.9")
        ax.set_title(f"{name}: score {task.score(rates).score:.1f}")
        ax.set_xlabel("step")
        ax.set_ylabel("overlap")
        ax.set_ylim(-1.05, 1.05)
        if col == 0:
            ax.legend(fontsize=7)
        proj = PCAProjection.fit(currents)
        z = proj.transform(currents)
        lim = float(np.max(np.abs(z))) * 1.2 + 1e-9
        gx, gy, u, v = projected_vector_field(net.vector_field, proj, (-lim, lim), (-lim, lim))
        ax = axes[1, col]
        ax.quiver(gx, gy, u, v, color="0.6")
        ax.plot(z[:, 0], z[:, 1], "-", color="tab:green", lw=1)
        ax.plot(z[0, 0], z[0, 1], "o", color="black", label="start")
        ax.set_title(f"PC plane ({proj.explained_variance_ratio.sum():.0%} var.)")
        ax.set_xlabel("PC 1")
        ax.set_ylabel("PC 2")
    fig.tight_layout()
    fig.savefig("local_rules_dynamics.png", dpi=110)

    # ---- phase plane: the flow dx/dt = -x + W tanh(x) restricted to x = z0 q0 + z1 q1, where
    # q0, q1 are the orthonormalised patterns 0 and 1 (z in units of sqrt(N) per unit current)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
    # The fixed points found here are those of the flow *restricted to the plane* (in-plane): the
    # off-plane part of dx/dt is ignored, so they need not be fixed points of the network. For each
    # we print the full-network residual max|dx/dt| there and the full N-dimensional classification
    # from net.jacobian (which also sees the off-plane directions).
    print("in-plane fixed points (flow restricted to the plane of patterns 0 and 1):")
    for ax, name in zip(axes, ["Hebbian", "STDP (A- = A+/2)"], strict=False):
        task, net = runs[name][0], runs[name][1]
        q = np.linalg.qr(task.patterns[:2].T)[0].T
        q *= np.sign(np.sum(q * task.patterns[:2], axis=1))[:, None]  # q_k along +p_k
        plane = PCAProjection(mean=np.zeros(N_UNITS), components=q)

        def flow(z, net=net, plane=plane):
            return plane.components @ net.vector_field(plane.inverse_transform(z))

        lim = 4.5 * np.sqrt(N_UNITS)
        grid = np.stack(np.meshgrid(*[np.linspace(-lim, lim, 5)] * 2), -1).reshape(-1, 2)
        fps = fixed_points(flow, grid)
        print(f"  {name}:")
        for fp in fps:
            x = plane.inverse_transform(fp.x)
            residual = float(np.max(np.abs(net.vector_field(x))))
            full = classify(net.jacobian(x))
            verdict = (
                f"a network fixed point, {full}"
                if residual < 1e-6
                else f"not a network fixed point (max|dx/dt| = {residual:.2g}; Jacobian: {full})"
            )
            print(f"    in-plane {fp.kind} at z = {np.round(fp.x, 1)}: {verdict}")
        plot_phase_portrait(
            flow, (-lim, lim), (-lim, lim), ax=ax, fixed_points=fps, labels=("z0", "z1")
        )
        ax.set_title(f"{name}: flow in the plane of patterns 0, 1 (in-plane fixed points)")
    wc = WilsonCowan()
    _, cycle = simulate(wc, [0.1, 0.05], t_max=40.0, dt=0.02)
    wc_fps = fixed_points(wc, [[0.2, 0.1], [0.0, 0.0], [0.4, 0.3]])
    plot_phase_portrait(
        wc,
        (0, 0.5),
        (0, 0.5),
        ax=axes[2],
        fixed_points=wc_fps,
        trajectories=[cycle],
        labels=("E", "I"),
    )
    axes[2].set_title("Wilson-Cowan: limit cycle around an unstable focus")
    fig.tight_layout()
    fig.savefig("local_rules_phase.png", dpi=110)
    print("wrote local_rules_weights.png, local_rules_dynamics.png, local_rules_phase.png")


if __name__ == "__main__":
    main()
