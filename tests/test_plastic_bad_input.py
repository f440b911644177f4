"""Bad input raises clear exceptions and leaves the network and optimizer unchanged."""

import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain.optim import Adam
from hebbian_brain.rnn import PlasticRNN
from hebbian_brain.tasks import PatternCompletion


@pytest.fixture
def net():
    return PlasticRNN(4, seed=0)


def _snapshot(net):
    return [p.copy() for p in net.parameters()]


def _unchanged(net, snap):
    return all(np.array_equal(p, q) for p, q in zip(net.parameters(), snap, strict=True))


def test_shape_mismatches_raise_shape_error(net):
    snap = _snapshot(net)
    x = np.zeros((2, 5, 4))
    with pytest.raises(hb.ShapeError, match="inputs"):
        net.loss_and_grad(np.zeros((2, 5, 3)), np.zeros((2, 4)))
    with pytest.raises(hb.ShapeError, match="targets"):
        net.loss_and_grad(x, np.zeros((3, 4)))
    with pytest.raises(hb.ShapeError, match="targets"):
        net.loss_and_grad(x, np.zeros((2, 4, 4)))
    with pytest.raises(hb.ShapeError, match="mask"):
        net.loss_and_grad(x, np.zeros((2, 4)), np.ones(3))
    with pytest.raises(hb.ShapeError, match="inputs"):
        net.forward(np.zeros(4))
    with pytest.raises(hb.ShapeError, match="w"):
        net.w = np.zeros((4, 3))
    with pytest.raises(hb.InvalidArgumentError, match="alpha"):
        net.alpha = np.full((4, 4), np.inf)
    with pytest.raises(hb.InvalidArgumentError, match="eta"):
        net.eta = 1.0
    assert _unchanged(net, snap)
    w_array = net.w
    net.w = np.ones((4, 4))
    assert net.w is w_array and np.all(w_array == 1)


def test_non_finite_values_raise_invalid_argument(net):
    x = np.zeros((1, 3, 4))
    bad = x.copy()
    bad[0, 1, 2] = np.nan
    with pytest.raises(hb.InvalidArgumentError, match="inputs"):
        net.loss_and_grad(bad, np.zeros((1, 4)))
    with pytest.raises(hb.InvalidArgumentError, match="targets"):
        net.loss_and_grad(x, np.full((1, 4), np.inf))
    with pytest.raises(hb.InvalidArgumentError, match="mask"):
        net.loss_and_grad(x, np.zeros((1, 4)), np.full(4, np.nan))
    with pytest.raises(hb.InvalidArgumentError, match="mask"):
        net.loss_and_grad(x, np.zeros((1, 4)), -np.ones(4))
    net.alpha[0, 0] = np.nan
    with pytest.raises(hb.InvalidArgumentError, match="alpha"):
        net.forward(x)


@pytest.mark.parametrize("eta", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_eta_outside_the_open_unit_interval_is_rejected(eta):
    with pytest.raises(hb.InvalidArgumentError, match="eta"):
        PlasticRNN(3, eta=eta)
    net = PlasticRNN(3, seed=0)
    with pytest.raises(hb.InvalidArgumentError, match="eta"):
        net.eta = eta
    net.eta[...] = eta  # bypassing the setter: caught by the Rust core
    with pytest.raises(hb.InvalidArgumentError, match="eta"):
        net.loss_and_grad(np.zeros((1, 2, 3)), np.zeros((1, 3)))
    per = PlasticRNN(3, per_connection_eta=True, seed=0)
    per.eta[1, 2] = eta
    with pytest.raises(hb.InvalidArgumentError, match="eta"):
        per.forward(np.zeros((1, 2, 3)))


def test_wrong_types_raise_type_error(net):
    with pytest.raises(TypeError, match="inputs"):
        net.forward([["a", "b", "c", "d"]])


def test_bad_learning_rate_and_batch_leave_the_network_unchanged(net):
    task = PatternCompletion(pattern_size=4, n_patterns=2, seed=0)
    snap = _snapshot(net)
    for lr in (0.0, -1e-3, float("nan")):
        with pytest.raises(hb.InvalidArgumentError, match="lr"):
            net.learn(task, 3, lr=lr, progress=False)
    for eta_lr in (0.0, -1e-3, float("nan"), float("inf")):
        with pytest.raises(hb.InvalidArgumentError, match="eta_lr"):
            net.learn(task, 3, eta_lr=eta_lr, progress=False)
    for budget in (-1, 1.5, True, "big", 2**63):
        with pytest.raises(hb.InvalidArgumentError, match="memory_budget"):
            net.loss_and_grad(np.zeros((1, 2, 4)), np.zeros((1, 4)), memory_budget=budget)
    with pytest.raises(hb.InvalidArgumentError, match="batch_size"):
        net.learn(task, 3, batch_size=0, progress=False)
    with pytest.raises(hb.ShapeError, match="task"):
        net.learn(PatternCompletion(pattern_size=5, seed=0), 3, progress=False)
    with pytest.raises(hb.InvalidArgumentError, match="checkpoint_every"):
        net.loss_and_grad(np.zeros((1, 2, 4)), np.zeros((1, 4)), checkpoint_every=0)
    with pytest.raises(hb.InvalidArgumentError, match="optimizer"):
        net.learn(task, 3, optimizer=Adam([np.zeros(3)]), progress=False)
    assert _unchanged(net, snap)


def test_bad_task_configuration_is_rejected():
    with pytest.raises(hb.InvalidConfigError, match="degrade"):
        PatternCompletion(degrade=1.0)
    with pytest.raises(hb.InvalidConfigError, match="n_patterns"):
        PatternCompletion(n_patterns=0)
    with pytest.raises(hb.InvalidArgumentError, match="preset"):
        PatternCompletion.preset("nope")
    with pytest.raises(hb.InvalidArgumentError, match="batch_size"):
        PatternCompletion(pattern_size=3).sample(0)


def test_empty_batches_and_mixed_dtypes_are_rejected(net):
    from hebbian_brain import _core

    with pytest.raises(hb.ShapeError, match="inputs"):
        net.loss_and_grad(np.zeros((0, 3, 4)), np.zeros((0, 4)))
    with pytest.raises(hb.ShapeError, match="inputs"):
        net.forward(np.zeros((1, 0, 4)))
    w32 = net.w.astype(np.float32)
    with pytest.raises(TypeError, match="inputs"):
        _core.plastic_forward(w32, net.alpha.astype(np.float32), 0.1, np.zeros((1, 2, 4)))
    with pytest.raises(TypeError, match="alpha"):
        _core.plastic_forward(w32, net.alpha, 0.1, np.zeros((1, 2, 4), dtype=np.float32))
