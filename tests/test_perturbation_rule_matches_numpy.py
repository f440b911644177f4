"""One trial of the Rust rule equals the documented equations written out in numpy.

Without perturbations (rate 0) the trial is deterministic, so numpy can replay it; the expected
error is set through the pickling path so that E − Ē_c is not zero.
"""

import numpy as np
import pytest

from hebbian_brain.rnn import NodePerturbationConfig, NodePerturbationTrainer


def numpy_trial(J, W_in, inputs, targets, mask, *, dt_tau, alpha_x, bias, energy_cost, out):
    n = J.shape[0]
    x = np.zeros(n)
    for i, v in bias.items():
        x[i] = v
    r = np.tanh(x)
    x_avg = x.copy()
    e = np.zeros_like(J)
    z = np.empty((len(inputs), len(out)))
    for t in range(len(inputs)):
        r_prev = r
        x = x + dt_tau * (-x + J @ r + W_in @ inputs[t])
        for i, v in bias.items():
            x[i] = v
        r = np.tanh(x)
        dx = x - x_avg
        x_avg = alpha_x * x_avg + (1 - alpha_x) * x
        e += np.outer(dx, r_prev) ** 3  # [post, pre]
        z[t] = r[out]
    scored = mask > 0
    err = np.sum(mask[scored] * np.abs(z[scored] - targets[scored]).mean(axis=1)) / mask.sum()
    err += energy_cost * np.abs(z).mean()
    return e, err


@pytest.mark.parametrize(("alpha_x", "scale"), [(0.0, False), (0.3, True)])
def test_one_trial_matches_numpy(alpha_x, scale):
    rng = np.random.default_rng(4)
    c, t_steps, n_in, n = 2, 30, 3, 12
    inputs = rng.normal(size=(c, t_steps, n_in))
    targets = rng.uniform(-1, 1, size=(c, t_steps, 2))
    mask = (rng.random((c, t_steps)) < 0.5) * rng.uniform(0.5, 2.0, (c, t_steps))
    mask[:, -1] = 1.0
    config = NodePerturbationConfig(
        amplitude=0.0,  # perturbations drawn but of size zero: the deterministic trial
        learning_rate=0.7,
        max_dw=1e3,  # the largest accepted: no change here reaches it
        activity_trace_decay=alpha_x,
        scale_by_expected_error=scale,
        error_trace_decay=0.6,
        precision="float64",  # numpy computes in float64
    )
    kwargs = dict(
        n_neurons=n,
        output_neurons=[0, 5],
        config=config,
        tau=4.0,
        gain=1.3,
        bias_neurons=[2],
        bias_values=[0.7],
        energy_cost=0.2,
        seed=9,
    )
    fresh = NodePerturbationTrainer(inputs, targets, mask, **kwargs)
    J, W_in = fresh.weights, fresh.input_weights
    expected = np.array([0.35, 1.4])
    trainer = NodePerturbationTrainer._from_state(
        (inputs, targets, mask), kwargs, (J, W_in, expected, 0)
    )
    errors, conditions = trainer.learn(1)
    assert conditions[0] == 0
    e, err = numpy_trial(
        J,
        W_in,
        inputs[0],
        targets[0],
        mask[0],
        dt_tau=1 / 4.0,
        alpha_x=alpha_x,
        bias={2: 0.7},
        energy_cost=0.2,
        out=[0, 5],
    )
    assert errors[0] == pytest.approx(err, rel=1e-10)
    factor = -0.7 * (err - expected[0]) * (abs(expected[0]) if scale else 1.0)
    np.testing.assert_allclose(trainer.weights - J, factor * e, rtol=1e-7, atol=1e-13)
    assert trainer.expected_error[0] == pytest.approx(0.6 * expected[0] + 0.4 * err)
    assert trainer.expected_error[1] == expected[1]
