"""The neuromodulated Hebbian RNN learns the toy sequence task without backpropagation."""

import numpy as np

from hebbian_brain.rnn import NeuromodulatedHebbian, RecurrentNetwork
from hebbian_brain.tasks import SequencePredictionTask


def learn(modulated, seed=0, trials=40):
    task = SequencePredictionTask(6, 60, distractor_rate=0.3, seed=seed)
    rule = NeuromodulatedHebbian(learning_rate=0.05, decay=0.01, alpha=0.01)
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


def test_modulated_learning_cuts_the_error_and_beats_unmodulated():
    before, modulated = learn(True)
    _, unmodulated = learn(False)
    assert modulated < 0.1 * before
    assert modulated < 0.5 * unmodulated
