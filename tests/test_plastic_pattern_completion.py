"""The pattern-completion task builds the episodes the papers describe."""

import numpy as np
import pytest

from hebbian_brain.tasks import PatternCompletion


def test_dp1000_preset_has_106_steps_of_scaled_patterns():
    task = PatternCompletion.preset("dp1000", seed=0)
    assert (task.n_neurons, task.n_steps) == (1000, 106)
    trial = task.sample(2)
    assert trial.inputs.shape == (2, 106, 1000) and trial.targets.shape == (2, 1000)
    assert set(np.unique(trial.inputs)) <= {-20.0, 0.0, 20.0}
    # The degraded cue: exactly half of the tested pattern's bits zeroed, the rest equal.
    cue = trial.inputs[0, -1] / 20
    assert np.sum(cue == 0) == 500
    np.testing.assert_array_equal(cue[cue != 0], trial.targets[0][cue != 0])
    # Presentation, then delay: steps 0-5 show a pattern, 6-9 are silent.
    assert np.all(trial.inputs[0, :6] != 0) and np.all(trial.inputs[0, 6:10] == 0)


def test_every_pattern_is_shown_each_cycle_and_the_target_is_one_of_them():
    task = PatternCompletion(pattern_size=16, n_patterns=3, seed=2)
    trial = task.sample(1)
    shown = {tuple(trial.inputs[0, s] / 20) for s in range(0, 60, 10)}
    assert len(shown) == 3
    assert tuple(trial.targets[0]) in shown


def test_bohp_preset_has_a_masked_bias_neuron():
    task = PatternCompletion.preset("bohp", n_neurons=61, seed=0)
    assert task.n_neurons == 61 and task.pattern_size == 60 and task.n_patterns == 3
    trial = task.sample(1)
    assert np.all(trial.inputs[0, :, 60] == 20.0)
    assert trial.mask[0, 60] == 0 and np.all(trial.mask[0, :60] == 1)


def test_same_seed_same_episodes():
    a = PatternCompletion.preset("bohp", seed=4).sample(3)
    b = PatternCompletion.preset("bohp", seed=4).sample(3)
    np.testing.assert_array_equal(a.inputs, b.inputs)


def test_error_rate_counts_wrong_signs_on_unmasked_bits():
    targets = np.array([[1.0, -1.0, 1.0, 1.0]])
    outputs = np.array([[0.5, 0.2, -0.1, 0.9]])
    assert PatternCompletion.error_rate(outputs, targets) == pytest.approx(0.5)
    mask = np.array([1.0, 0.0, 1.0, 0.0])
    assert PatternCompletion.error_rate(outputs, targets, mask) == pytest.approx(0.5)
    assert PatternCompletion.error_rate(outputs, targets, [1, 0, 0, 1]) == 0.0
