"""A neuromodulated Hebbian RNN learns to predict a noisy symbol sequence, with no backpropagation.

The stream mostly follows a hidden cycle of symbols, but 30 % of the transitions are random
distractors. A modulatory reward signal m(t) is 1 on transitions that follow the cycle and 0 on
distractors. Two local, modulation-gated rules learn online, trial after trial:
* the recurrent Hebbian trace H (NeuromodulatedHebbian: decay, growth gated by m, bounded;
  effective weights W + alpha*H), kept across trials;
* the readout, by the delta rule dW_out = rate * m * (target - y) r^T.
Loss = MSE of the next-symbol prediction on the predictable steps of held-out trials, with
learning frozen. Compared: the modulated learner, the same with m = 1 everywhere (learns from
distractors too), and the modulated learner without the recurrent trace (alpha = 0).

Run: python examples/neuromodulated_sequence.py   (writes neuromodulated_*.png; a few seconds)
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from hebbian_brain.rnn import NeuromodulatedHebbian, RecurrentNetwork  # noqa: E402
from hebbian_brain.tasks import SequencePredictionTask  # noqa: E402

# ---- hyperparameters
N_SYMBOLS = 6
TRIAL_LENGTH = 60
DISTRACTOR_RATE = 0.3
N_UNITS = 100
GAIN = 0.9
INPUT_SCALE = 2.0
TRACE_RATE = 0.05  # eta of the Hebbian trace
TRACE_DECAY = 0.01
ALPHA = 0.01  # plasticity coefficient of every recurrent connection
READOUT_RATE = 0.005
TRAINING_TRIALS = 200
EVAL_EVERY = 10
N_TEST = 20
SEEDS = [0, 1, 2]


def learn(seed, *, modulated=True, alpha=ALPHA):
    task = SequencePredictionTask(
        N_SYMBOLS, TRIAL_LENGTH, distractor_rate=DISTRACTOR_RATE, seed=seed
    )
    rule = NeuromodulatedHebbian(learning_rate=TRACE_RATE, decay=TRACE_DECAY, alpha=alpha)
    net = RecurrentNetwork(
        N_SYMBOLS, N_UNITS, N_SYMBOLS, rule=rule, gain=GAIN, input_scale=INPUT_SCALE, seed=seed
    )
    net.output_weights = np.zeros((N_SYMBOLS, N_UNITS))
    test = task.batch(N_TEST)
    test_inputs = np.stack([t.inputs for t in test])

    def loss():
        outputs = net.run(test_inputs, plastic=False)  # a batch: learning frozen anyway
        return float(np.mean([task.score(y, t) for y, t in zip(outputs, test, strict=True)]))

    curve = [loss()]
    for i in range(TRAINING_TRIALS):
        trial = task.trial()
        m = trial.modulation if modulated else np.ones(TRIAL_LENGTH)
        net.run(
            trial.inputs,
            modulation=m,
            keep_weights=True,
            targets=trial.targets,
            readout_rate=READOUT_RATE,
        )
        if (i + 1) % EVAL_EVERY == 0:
            curve.append(loss())
    return task, net, np.array(curve)


def main():
    variants = {
        "modulated (m = reward)": {},
        "unmodulated (m = 1)": {"modulated": False},
        "modulated, no trace (alpha = 0)": {"alpha": 0.0},
    }
    curves = {}
    print(f"{'variant':<34} {'loss before':>11} {'after (mean of seeds)':>22}")
    for name, kwargs in variants.items():
        runs = [learn(seed, **kwargs)[2] for seed in SEEDS]
        curves[name] = np.mean(runs, axis=0)
        print(f"{name:<34} {curves[name][0]:11.4f} {curves[name][-1]:22.4f}")

    trials = np.arange(len(next(iter(curves.values())))) * EVAL_EVERY
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, curve in curves.items():
        ax.plot(trials, curve, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("training trials")
    ax.set_ylabel("test MSE (predictable steps)")
    ax.legend()
    fig.tight_layout()
    fig.savefig("neuromodulated_loss.png", dpi=110)

    task, net, _ = learn(SEEDS[0])
    trial = task.trial()
    prediction = net.run(trial.inputs, plastic=False)
    fig, axes = plt.subplots(3, 1, figsize=(9, 6), sharex=True)
    for ax, data, title in zip(
        axes,
        (trial.inputs, trial.targets, prediction),
        ("input (noisy symbol)", "target (next symbol)", "prediction"),
        strict=True,
    ):
        ax.imshow(data.T, aspect="auto", cmap="viridis", interpolation="nearest")
        ax.set_ylabel("symbol")
        ax.set_title(title, fontsize=10)
    for t in np.flatnonzero(trial.modulation == 0):
        axes[1].axvline(t, color="red", lw=0.6)
    axes[2].set_xlabel("step (red: distractor transitions, m = 0)")
    fig.tight_layout()
    fig.savefig("neuromodulated_sequences.png", dpi=110)
    hits = np.mean((prediction.argmax(1) == trial.targets.argmax(1))[trial.mask])
    print(f"sample trial: next symbol predicted correctly on {hits:.0%} of the predictable steps")
    print("wrote neuromodulated_loss.png, neuromodulated_sequences.png")


if __name__ == "__main__":
    main()
