"""A neuromodulated RNN learns the toy sequence task without backpropagation: what does the work.

On this task the learning is done by the modulation-gated delta-rule readout; the recurrent Hebbian
trace is nearly inert (tiny alpha), so the same result holds with alpha = 0 or no trace growth
(tested below, so the claim stays honest). What the trace itself does is tested separately: with
alpha > 0 it changes the network's own dynamics within and across trials, with alpha = 0 it cannot.
"""

import numpy as np
import pytest

from hebbian_brain.rnn import NeuromodulatedHebbian, RecurrentNetwork
from hebbian_brain.tasks import SequencePredictionTask


def learn(modulated, seed=0, trials=40, alpha=0.01, learning_rate=0.05):
    task = SequencePredictionTask(6, 60, distractor_rate=0.3, seed=seed)
    rule = NeuromodulatedHebbian(learning_rate=learning_rate, decay=0.01, alpha=alpha)
    net = RecurrentNetwork(6, 60, 6, rule=rule, gain=0.9, input_scale=2.0, seed=seed)
    net.output_weights = np.zeros((6, 60))
    test = task.batch(10)
    inputs = np.stack([t.inputs for t in test])

    def loss():
        outputs = net.run(inputs, plastic=False)
        return np.mean([task.score(y, t) for y, t in zip(outputs, test, strict=True)])

    before = loss()
    for _ in range(trials):
        trial = task.trial()
        m = trial.modulation if modulated else np.ones(60)
        net.run(
            trial.inputs, modulation=m, keep_weights=True, targets=trial.targets, readout_rate=0.005
        )
    return before, loss()


def test_modulation_gated_readout_cuts_the_error_and_beats_unmodulated():
    before, modulated = learn(True)
    _, unmodulated = learn(False)
    assert modulated < 0.1 * before
    assert modulated < 0.5 * unmodulated


@pytest.mark.parametrize("kwargs", [{"alpha": 0.0}, {"learning_rate": 0.0}])
def test_the_readout_learns_as_well_without_the_trace(kwargs):
    _, with_trace = learn(True)
    _, without = learn(True, **kwargs)
    assert without < 1.5 * with_trace and with_trace < 1.5 * without


def _trace_net(alpha):
    rule = NeuromodulatedHebbian(learning_rate=0.5, decay=0.01, alpha=alpha)
    return RecurrentNetwork(3, 20, 2, rule=rule, gain=0.9, input_scale=2.0, seed=3)


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_the_trace_changes_the_dynamics_only_when_alpha_is_positive(alpha, rng):
    net = _trace_net(alpha)
    u = rng.standard_normal((30, 3))
    plastic, states = net.run(u, plastic=True, return_states="rates")
    frozen, frozen_states = net.run(u, plastic=False, return_states="rates")
    # Step 0 runs on the initial (zero) trace; the trace grows from then on.
    np.testing.assert_array_equal(plastic[0], frozen[0])
    differs = np.max(np.abs(states - frozen_states)) > 1e-3
    assert differs == (alpha > 0)


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_a_kept_trace_changes_later_outputs_only_when_alpha_is_positive(alpha, rng):
    net = _trace_net(alpha)
    u = rng.standard_normal((30, 3))
    before = net.run(u, plastic=False)
    net.run(u, keep_weights=True)
    assert np.max(np.abs(net.trace)) > 0.01  # the trace learned in both cases
    after = net.run(u, plastic=False)
    assert (np.max(np.abs(after - before)) > 1e-3) == (alpha > 0)
