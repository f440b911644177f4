"""A plastic network and its task survive pickling (joblib / Ray workers)."""

import pickle

import numpy as np

from hebbian_brain.rnn import PlasticRNN
from hebbian_brain.tasks import PatternCompletion


def test_network_round_trips_through_pickle(rng):
    net = PlasticRNN(6, per_connection_eta=True, seed=3)
    net.alpha[:] = rng.standard_normal((6, 6))
    copy = pickle.loads(pickle.dumps(net))
    x = rng.standard_normal((2, 5, 6))
    np.testing.assert_array_equal(copy.forward(x), net.forward(x))
    assert repr(copy) == repr(net) == "PlasticRNN(n_neurons=6, eta=per-connection)"


def test_task_round_trips_with_its_generator_state():
    task = PatternCompletion.preset("bohp", n_neurons=9, seed=1)
    task.sample(2)
    copy = pickle.loads(pickle.dumps(task))
    np.testing.assert_array_equal(copy.sample(1).inputs, task.sample(1).inputs)
