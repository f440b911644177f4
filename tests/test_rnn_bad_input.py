"""Bad input raises a clear exception naming the argument and leaves the network unchanged."""

import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain.rnn import STDP, Hebbian, NeuromodulatedHebbian, Oja, RecurrentNetwork


@pytest.fixture
def net():
    return RecurrentNetwork(2, 6, 1, rule=NeuromodulatedHebbian(), seed=0)


def snapshot(net):
    return [net.weights, net.trace, net.alpha, net.input_weights, net.output_weights]


@pytest.mark.parametrize(
    "kwargs,error,name",
    [
        ({"inputs": np.zeros((5, 3))}, hb.ShapeError, "inputs"),
        ({"inputs": np.zeros(5)}, hb.ShapeError, "inputs"),
        ({"inputs": np.full((5, 2), np.nan)}, hb.InvalidArgumentError, "inputs"),
        ({"inputs": np.zeros((5, 2), dtype=complex)}, TypeError, "inputs"),
        ({"inputs": np.zeros((5, 2), dtype=bool)}, TypeError, "inputs"),
        ({"inputs": [["a", "b"]]}, TypeError, "inputs"),
        ({"modulation": np.ones(4)}, hb.ShapeError, "modulation"),
        ({"modulation": np.array([1, 1, np.inf, 1, 1.0])}, hb.InvalidArgumentError, "modulation"),
        ({"initial_state": np.zeros(5)}, hb.ShapeError, "initial_state"),
        ({"targets": np.zeros((5, 2))}, hb.ShapeError, "targets"),
        (
            {"readout_rate": -1.0, "targets": np.zeros((5, 1))},
            hb.InvalidArgumentError,
            "readout_rate",
        ),
        ({"readout_rate": 0.1}, hb.InvalidArgumentError, "targets"),
        ({"return_states": "spikes"}, hb.InvalidArgumentError, "return_states"),
    ],
)
def test_bad_run_arguments(net, kwargs, error, name):
    before = snapshot(net)
    args = {"inputs": np.zeros((5, 2)), "keep_weights": True, **kwargs}
    inputs = args.pop("inputs")
    with pytest.raises(error, match=name):
        net.run(inputs, **args)
    for a, b in zip(before, snapshot(net), strict=True):
        np.testing.assert_array_equal(a, b)


def test_keep_weights_needs_a_single_trial(net):
    with pytest.raises(hb.InvalidArgumentError, match="keep_weights"):
        net.run(np.zeros((3, 5, 2)), keep_weights=True)


@pytest.mark.parametrize(
    "kwargs,name",
    [
        ({"n_units": -3}, "n_units"),
        ({"n_units": 0}, "n_units"),
        ({"n_inputs": -1}, "n_inputs"),
        ({"dt": 2.0, "tau": 1.0}, "dt"),
        ({"tau": 0.0}, "tau"),
        ({"dt": float("nan")}, "dt"),
        ({"gain": -1.0}, "gain"),
        ({"noise_std": float("inf")}, "noise_std"),
        ({"activation": "softplus"}, "activation"),
    ],
)
def test_bad_network_config(kwargs, name):
    args = {"n_inputs": 2, "n_units": 4, "n_outputs": 1, **kwargs}
    with pytest.raises(hb.InvalidConfigError, match=name):
        RecurrentNetwork(args.pop("n_inputs"), args.pop("n_units"), args.pop("n_outputs"), **args)


@pytest.mark.parametrize(
    "factory,name",
    [
        (lambda: Hebbian(learning_rate=-0.1), "learning_rate"),
        (lambda: Hebbian(w_max=0.0), "w_max"),
        (lambda: Oja(learning_rate=float("nan")), "learning_rate"),
        (lambda: STDP(tau_plus=-1.0), "tau_plus"),
        (lambda: STDP(a_minus=-0.1), "a_minus"),
        (lambda: NeuromodulatedHebbian(decay=-1.0), "decay"),
        (lambda: NeuromodulatedHebbian(alpha=float("inf")), "alpha"),
    ],
)
def test_rule_parameters_out_of_range(factory, name):
    with pytest.raises(hb.InvalidConfigError, match=name):
        factory()


def test_wrong_rule_type_is_a_type_error():
    with pytest.raises(TypeError, match="rule"):
        RecurrentNetwork(1, 2, 1, rule="hebbian")  # type: ignore[arg-type]


def test_bad_writes_leave_weights_unchanged(net):
    before = snapshot(net)
    with pytest.raises(hb.ShapeError, match="weights"):
        net.weights = np.zeros((5, 5))
    bad = np.zeros((6, 6))
    bad[1, 2] = np.nan
    with pytest.raises(hb.InvalidArgumentError, match="weights"):
        net.weights = bad
    with pytest.raises(hb.ShapeError, match="input_weights"):
        net.input_weights = np.zeros((2, 6))
    with pytest.raises(TypeError, match="alpha"):
        net.alpha = np.zeros((6, 6), dtype=complex)
    for a, b in zip(before, snapshot(net), strict=True):
        np.testing.assert_array_equal(a, b)
    plain = RecurrentNetwork(1, 3, 1, rule=Hebbian())
    assert plain.trace is None and plain.alpha is None
    with pytest.raises(hb.StateError, match="trace"):
        plain.trace = np.zeros((3, 3))


def test_bad_analysis_inputs_of_the_network(net):
    with pytest.raises(hb.ShapeError, match="x"):
        net.vector_field(np.zeros(5))
    with pytest.raises(hb.ShapeError, match="u"):
        net.vector_field(np.zeros(6), np.zeros(3))
    with pytest.raises(hb.InvalidArgumentError, match="x"):
        net.jacobian(np.full(6, np.nan))


def test_absurd_sizes_are_refused_not_allocated():
    with pytest.raises(hb.InvalidConfigError, match="n_units"):
        RecurrentNetwork(1, 10**9, 1)
    with pytest.raises(hb.InvalidConfigError, match="n_inputs"):
        RecurrentNetwork(2**40, 4, 1)


def test_empty_runs_have_empty_outputs():
    net = RecurrentNetwork(2, 4, 3, rule=Hebbian(), seed=0)
    assert net.run(np.zeros((0, 2))).shape == (0, 3)
    y, s = net.run(np.zeros((0, 5, 2)), return_states=True)
    assert y.shape == (0, 5, 3) and s.shape == (0, 5, 4)


def test_keep_weights_is_refused_for_a_batch_of_one(rng):
    net = RecurrentNetwork(2, 4, 1, rule=Hebbian(learning_rate=0.5), seed=0)
    w = net.weights
    with pytest.raises(hb.InvalidArgumentError, match="keep_weights"):
        net.run(rng.random((1, 5, 2)), keep_weights=True)
    np.testing.assert_array_equal(net.weights, w)


@pytest.mark.parametrize(
    "rule",
    [Hebbian(decay=1.5), hb.rnn.AntiHebbian(decay=1.5), NeuromodulatedHebbian(decay=1.5)],
)
def test_decay_that_flips_weight_signs_is_refused(rule):
    with pytest.raises(hb.InvalidConfigError, match="decay"):
        RecurrentNetwork(2, 4, 1, rule=rule, dt=1.0, tau=1.0)
    RecurrentNetwork(2, 4, 1, rule=rule, dt=0.5, tau=1.0)  # dt·decay = 0.75 is fine


def test_diverged_weights_are_not_kept_so_the_network_still_pickles(rng):
    import pickle

    net = RecurrentNetwork(2, 4, 1, rule=Hebbian(learning_rate=1e308, w_max=np.inf), seed=0)
    w = net.weights
    with pytest.raises(hb.StateError, match="non-finite"):
        net.run(rng.random((20, 2)), keep_weights=True)
    np.testing.assert_array_equal(net.weights, w)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(net)).weights, w)
