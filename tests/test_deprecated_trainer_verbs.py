"""Every trainer learns with ``learn``; the old verbs still work, give the same result, and warn."""

import numpy as np
import pytest

from hebbian_brain.rnn import PlasticRNN
from hebbian_brain.tasks import DelayedNonMatch, PatternCompletion

TASK = DelayedNonMatch(stimulus_ms=20, delay_ms=20, response_ms=40, scored_ms=20)


def small_trainer():
    config = TASK.published_config().replace(warmup_trials=0)
    return TASK.trainer(seed=3, n_neurons=30, tau=10.0, config=config)


def test_node_perturbation_train_is_a_deprecated_alias_of_learn():
    new, old = small_trainer(), small_trainer()
    e_new, c_new = new.learn(6, batch_size=2)
    with pytest.warns(DeprecationWarning, match=r"NodePerturbationTrainer\.learn"):
        e_old, c_old = old.train(6, batch_size=2)
    np.testing.assert_array_equal(e_new, e_old)
    np.testing.assert_array_equal(c_new, c_old)
    np.testing.assert_array_equal(new.weights, old.weights)
    assert old.trials_done == new.trials_done == 6


def test_node_perturbation_train_validates_like_learn():
    t = small_trainer()
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="batch_size"):
        t.train(4, batch_size=0)
    assert t.trials_done == 0


def test_plastic_rnn_fit_is_a_deprecated_alias_of_learn():
    def make():
        task = PatternCompletion.preset("bohp", n_neurons=9, seed=5)
        return task, PlasticRNN(task.n_neurons, seed=5)

    (task_a, a), (task_b, b) = make(), make()
    hist_new = a.learn(task_a, 4, batch_size=2, progress=False)
    with pytest.warns(DeprecationWarning, match=r"PlasticRNN\.learn"):
        hist_old = b.fit(task_b, 4, batch_size=2, progress=False)
    assert hist_new == hist_old
    np.testing.assert_array_equal(a.w, b.w)
    np.testing.assert_array_equal(a.alpha, b.alpha)
