"""RecurrentNetwork runs trials and batches with the documented equations and semantics."""

import copy

import numpy as np
import pytest

from hebbian_brain.rnn import Hebbian, NeuromodulatedHebbian, RecurrentNetwork


def test_single_trial_matches_the_euler_equation(rng):
    net = RecurrentNetwork(3, 8, 2, tau=2.0, dt=0.5, gain=1.3, seed=0)
    u = rng.standard_normal((6, 3))
    y, x = net.run(u, return_states="currents")
    w, w_in, w_out = net.weights, net.input_weights, net.output_weights
    xs = np.zeros(8)
    for t in range(6):
        xs = xs + 0.25 * (-xs + w @ np.tanh(xs) + w_in @ u[t])
        np.testing.assert_allclose(x[t], xs, atol=1e-12)
        np.testing.assert_allclose(y[t], w_out @ np.tanh(xs), atol=1e-12)
    _, r = net.run(u, return_states=True)
    np.testing.assert_allclose(r, np.tanh(x), atol=1e-12)


def test_shapes_of_trials_and_batches(rng):
    net = RecurrentNetwork(2, 10, 3, seed=1)
    assert net.run(rng.random((7, 2))).shape == (7, 3)
    y, s = net.run(rng.random((4, 7, 2)), return_states=True)
    assert y.shape == (4, 7, 3) and s.shape == (4, 7, 10)
    assert net.weights.shape == (10, 10)
    assert net.input_weights.shape == (10, 2)
    assert net.output_weights.shape == (3, 10)


def test_same_seed_gives_the_same_network_and_runs(rng):
    u = rng.random((20, 2))
    a = RecurrentNetwork(2, 12, 1, rule=Hebbian(), noise_std=0.1, seed=7)
    b = RecurrentNetwork(2, 12, 1, rule=Hebbian(), noise_std=0.1, seed=7)
    np.testing.assert_array_equal(a.weights, b.weights)
    np.testing.assert_array_equal(a.run(u), b.run(u))
    c = RecurrentNetwork(2, 12, 1, rule=Hebbian(), noise_std=0.1, seed=8)
    assert not np.array_equal(a.weights, c.weights)


@pytest.mark.parametrize(
    "rule", [Hebbian(learning_rate=0.5), NeuromodulatedHebbian(alpha=2.0, learning_rate=0.5)]
)
def test_batch_items_are_independent_copies_equal_to_single_trials(rule, rng):
    net = RecurrentNetwork(2, 16, 2, rule=rule, seed=3)
    before = (net.weights, net.trace)
    batch = rng.standard_normal((5, 30, 2))
    out = net.run(batch)
    np.testing.assert_array_equal(net.weights, before[0])  # a batch never changes the network
    if before[1] is not None:
        np.testing.assert_array_equal(net.trace, before[1])
    for b in range(5):
        np.testing.assert_allclose(out[b], net.run(batch[b]), atol=0, rtol=0)
    assert not np.allclose(out, net.run(batch, plastic=False))  # plasticity did act


def test_learning_is_kept_only_when_asked(rng):
    net = RecurrentNetwork(2, 16, 1, rule=Hebbian(learning_rate=0.5), seed=3)
    u = rng.standard_normal((30, 2))
    w0 = net.weights
    first = net.run(u)
    np.testing.assert_array_equal(net.weights, w0)
    np.testing.assert_array_equal(net.run(u), first)
    net.run(u, keep_weights=True)
    assert not np.array_equal(net.weights, w0)
    np.testing.assert_array_equal(np.diag(net.weights), np.diag(w0))  # no plastic self-connections
    net2 = RecurrentNetwork(2, 16, 1, rule=Hebbian(learning_rate=0.5), seed=3)
    net2.run(u, keep_weights=True, plastic=False)
    np.testing.assert_array_equal(net2.weights, w0)


def test_neuromodulated_trace_is_gated_and_feeds_effective_weights(rng):
    net = RecurrentNetwork(2, 10, 1, rule=NeuromodulatedHebbian(alpha=0.3), seed=2)
    u = rng.standard_normal((20, 2))
    net.run(u, modulation=np.zeros(20), keep_weights=True)
    np.testing.assert_array_equal(net.trace, 0.0)
    net.run(u, modulation=np.ones(20), keep_weights=True)
    assert np.abs(net.trace).max() > 0
    np.testing.assert_allclose(net.effective_weights, net.weights + net.alpha * net.trace)
    np.testing.assert_array_equal(net.alpha, 0.3)
    net.reset_trace()
    np.testing.assert_array_equal(net.trace, 0.0)


def test_readout_delta_rule_learns_a_target(rng):
    net = RecurrentNetwork(1, 30, 1, gain=0.5, seed=4)
    t = np.arange(200)
    u = np.sin(0.3 * t)[:, None]
    target = -0.5 * np.sin(0.3 * (t - 1))[:, None]
    before = np.mean((net.run(u) - target) ** 2)
    for _ in range(40):
        net.run(u, targets=target, readout_rate=0.05, keep_weights=True)
    after = np.mean((net.run(u) - target) ** 2)
    assert after < 0.1 * before


def test_weights_can_be_set_and_copies_are_independent(rng):
    net = RecurrentNetwork(2, 4, 1, rule=Hebbian(), seed=0)
    w = rng.standard_normal((4, 4))
    net.weights = w
    np.testing.assert_array_equal(net.weights, w)
    net.weights[0, 0] = 99.0  # a copy: the network is not changed through it
    assert net.weights[0, 0] == w[0, 0]
    twin = copy.deepcopy(net)
    twin.run(rng.random((10, 2)), keep_weights=True)
    np.testing.assert_array_equal(net.weights, w)
    assert net.copy().rule == Hebbian()
    assert "RecurrentNetwork(n_inputs=2, n_units=4" in repr(net)


def test_float32_and_integer_inputs_are_accepted(rng):
    net = RecurrentNetwork(2, 4, 1, seed=0)
    u = rng.random((5, 2))
    np.testing.assert_allclose(
        net.run(u.astype(np.float32)), net.run(u.astype(np.float32).astype(float))
    )
    assert net.run(np.ones((5, 2), dtype=np.int64)).shape == (5, 1)
    # Fortran-ordered and strided inputs are read in logical order, not memory order.
    np.testing.assert_array_equal(net.run(np.asfortranarray(u)), net.run(u))
    np.testing.assert_array_equal(net.run(u.T.copy().T), net.run(u))
    wide = rng.random((5, 4))
    np.testing.assert_array_equal(net.run(wide[:, ::2]), net.run(wide[:, ::2].copy()))


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
def test_jacobian_matches_finite_differences(activation, rng):
    net = RecurrentNetwork(2, 6, 1, activation=activation, gain=1.5, tau=2.0, dt=1.0, seed=5)
    x = rng.standard_normal(6) + 0.1
    jac = net.jacobian(x)
    eps = 1e-6
    for j in range(6):
        e = np.zeros(6)
        e[j] = eps
        fd = (net.vector_field(x + e) - net.vector_field(x - e)) / (2 * eps)
        np.testing.assert_allclose(jac[:, j], fd, atol=1e-6)
    assert net.vector_field(np.stack([x, x])).shape == (2, 6)


def test_batch_modulation_and_initial_states_are_per_item(rng):
    net = RecurrentNetwork(2, 8, 1, rule=NeuromodulatedHebbian(alpha=1.0), seed=6)
    u = rng.standard_normal((3, 10, 2))
    m = rng.random((3, 10))
    x0 = rng.standard_normal((3, 8))
    out = net.run(u, modulation=m, initial_state=x0)
    for b in range(3):
        np.testing.assert_array_equal(out[b], net.run(u[b], modulation=m[b], initial_state=x0[b]))
    shared = net.run(u, initial_state=x0[0])  # one initial state for every item
    np.testing.assert_array_equal(shared[2], net.run(u[2], initial_state=x0[0]))


def test_pickled_network_continues_exactly_like_the_original(rng):
    import pickle

    net = RecurrentNetwork(
        2, 9, 2, rule=NeuromodulatedHebbian(), noise_std=0.1, tau=3.0, activation="relu", seed=11
    )
    u = rng.standard_normal((12, 2))
    net.run(u, keep_weights=True)
    clone = pickle.loads(pickle.dumps(net))
    assert repr(clone) == repr(net) and clone.rule == net.rule
    for name in ("weights", "input_weights", "output_weights", "trace", "alpha"):
        np.testing.assert_array_equal(getattr(clone, name), getattr(net, name))
    np.testing.assert_array_equal(clone.run(u, keep_weights=True), net.run(u, keep_weights=True))
    np.testing.assert_array_equal(clone.run(np.stack([u, u])), net.run(np.stack([u, u])))
    plain = pickle.loads(pickle.dumps(RecurrentNetwork(1, 3, 1, seed=0)))
    assert plain.rule is None and plain.trace is None
