"""The float32 network computes the same gradients as float64, to float32 precision, and learns."""

import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain.rnn import PlasticRNN
from hebbian_brain.tasks import PatternCompletion


@pytest.mark.parametrize("per_connection", [False, True])
def test_float32_gradients_agree_with_float64(per_connection):
    task = PatternCompletion(pattern_size=40, seed=2)
    net64 = PlasticRNN(40, per_connection_eta=per_connection, seed=2)
    net64.alpha *= 20
    net32 = PlasticRNN(40, per_connection_eta=per_connection, dtype=np.float32, seed=2)
    net32.w, net32.alpha, net32.eta = net64.w, net64.alpha, net64.eta
    trial = task.sample(2)
    l64, g64 = net64.loss_and_grad(trial.inputs, trial.targets, trial.mask)
    l32, g32 = net32.loss_and_grad(trial.inputs, trial.targets, trial.mask)
    assert g32["w"].dtype == np.float32 and g32["alpha"].dtype == np.float32
    assert l32 == pytest.approx(l64, rel=1e-4)
    for name in ("w", "alpha", "eta"):
        a, b = np.asarray(g64[name]), np.asarray(g32[name], dtype=np.float64)
        assert np.max(np.abs(a - b)) <= 1e-3 * np.max(np.abs(a)), name


def test_float32_network_learns_and_keeps_its_dtype():
    task = PatternCompletion.preset("bohp", n_neurons=29, seed=0)
    net = PlasticRNN(task.n_neurons, dtype=np.float32, seed=0)
    history = net.learn(task, 600, lr=3e-3, progress=False)
    assert np.mean(history["error_rate"][-200:]) < 0.08
    assert net.w.dtype == net.alpha.dtype == net.eta.dtype == np.float32
    assert net.forward(task.sample(1).inputs).dtype == np.float32
    assert "float32" in repr(net)


def test_unsupported_dtype_is_a_type_error():
    with pytest.raises(TypeError, match="dtype"):
        PlasticRNN(3, dtype=np.int32)
    net = PlasticRNN(3, dtype=np.float32)
    with pytest.raises(hb.ShapeError, match="w"):
        net.w = np.zeros((3, 4))


def test_an_eta_that_rounds_out_of_range_in_float32_is_rejected():
    for eta in (1 - 1e-9, 1e-50):
        with pytest.raises(hb.InvalidArgumentError, match="eta.*float32"):
            PlasticRNN(3, eta=eta, dtype=np.float32)
        PlasticRNN(3, eta=eta)  # fine in float64
