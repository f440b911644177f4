"""Each rule's step is the equation of docs/reference/rules.md; STDP's window is the closed form."""

import pickle

import numpy as np
import pytest

from hebbian_brain.rnn import (
    STDP,
    AntiHebbian,
    Hebbian,
    NeuromodulatedHebbian,
    Oja,
    RecurrentNetwork,
)


def one_step(rule, w, u, m=1.0, dt=1.0, tau=1.0):
    """Runs one step from x = 0 with identity inputs; returns (r, weights or trace after)."""
    n = w.shape[0]
    net = RecurrentNetwork(n, n, 1, rule=rule, tau=tau, dt=dt, seed=0)
    net.weights = w
    net.input_weights = np.eye(n)
    _, r = net.run(u[None, :], modulation=np.array([m]), keep_weights=True, return_states=True)
    return r[0], net


@pytest.fixture
def setup(rng):
    n = 5
    w = 0.1 * rng.standard_normal((n, n))
    np.fill_diagonal(w, 0.0)
    return w, rng.standard_normal(n)


def off_diagonal(a):
    return a[~np.eye(a.shape[0], dtype=bool)]


def test_hebbian_step(setup):
    w, u = setup
    rule = Hebbian(learning_rate=0.3, decay=0.2, w_max=0.15)
    r, net = one_step(rule, w, u, m=0.7, dt=0.5, tau=1.0)
    expected = np.clip((1 - 0.5 * 0.2) * w + 0.5 * 0.3 * 0.7 * np.outer(r, r), -0.15, 0.15)
    np.testing.assert_allclose(off_diagonal(net.weights), off_diagonal(expected), atol=1e-14)
    np.testing.assert_array_equal(np.diag(net.weights), 0.0)


def test_anti_hebbian_step(setup):
    w, u = setup
    r, net = one_step(AntiHebbian(learning_rate=0.3, decay=0.0, w_max=10.0), w, u)
    expected = w - 0.3 * np.outer(r, r)
    np.testing.assert_allclose(off_diagonal(net.weights), off_diagonal(expected), atol=1e-14)


def test_oja_step(setup):
    w, u = setup
    r, net = one_step(Oja(learning_rate=0.2), w, u, m=0.5)
    expected = w + 0.2 * 0.5 * r[:, None] * (r[None, :] - r[:, None] * w)
    np.testing.assert_allclose(off_diagonal(net.weights), off_diagonal(expected), atol=1e-14)


def test_neuromodulated_step_pairs_post_after_with_pre_before(rng):
    n = 4
    rule = NeuromodulatedHebbian(learning_rate=0.4, decay=0.1, alpha=0.2, h_max=5.0)
    net = RecurrentNetwork(n, n, 1, rule=rule, seed=0)
    net.input_weights = np.eye(n)
    u = rng.standard_normal((2, n))
    _, r = net.run(u, modulation=np.array([0.0, 2.0]), keep_weights=True, return_states=True)
    expected = 0.4 * 2.0 * np.outer(r[1], r[0])  # H was 0 after the unmodulated first step
    np.testing.assert_allclose(off_diagonal(net.trace), off_diagonal(expected), atol=1e-14)


@pytest.mark.parametrize("t_pre,t_post", [(2, 5), (3, 4), (6, 2), (8, 1), (4, 4)])
def test_stdp_spike_pairs_follow_the_closed_form_window(t_pre, t_post):
    rule = STDP(a_plus=0.02, a_minus=0.015, tau_plus=3.0, tau_minus=6.0, w_max=1.0)
    net = RecurrentNetwork(2, 2, 1, rule=rule, activation="linear", seed=0)
    net.weights = np.zeros((2, 2))
    net.input_weights = np.eye(2)
    steps = max(t_pre, t_post) + 1
    u = np.zeros((steps, 2))
    u[t_post, 0] = 1.0  # a spike is a one-step pulse r = 1/dt (dt = 1)
    u[t_pre, 1] = 1.0
    net.run(u, keep_weights=True)
    pre_trace, post_trace = net.activity_traces
    assert pre_trace[1] == pytest.approx(np.exp(-(steps - 1 - t_pre) / 3.0))  # decayed unit spike
    expected = rule.window(np.array([t_post - t_pre], dtype=float))[0]
    assert net.weights[0, 1] == pytest.approx(expected, abs=1e-15)
    if t_post > t_pre:
        assert expected == pytest.approx(0.02 * np.exp(-(t_post - t_pre) / 3.0))
    elif t_post < t_pre:
        assert expected == pytest.approx(-0.015 * np.exp((t_post - t_pre) / 6.0))
    else:
        assert expected == 0.0


def test_rules_are_frozen_comparable_and_picklable():
    rules = [
        Hebbian(learning_rate=0.2),
        AntiHebbian(decay=0.1),
        Oja(),
        STDP(tau_minus=30.0),
        NeuromodulatedHebbian(alpha=-0.5),
    ]
    for rule in rules:
        again = pickle.loads(pickle.dumps(rule))
        assert again == rule and repr(again) == repr(rule)
        assert rule.__class__.__module__ == "hebbian_brain.rnn"
    assert Hebbian() == Hebbian() and Hebbian() != Hebbian(learning_rate=0.5)
    with pytest.raises(AttributeError):
        Hebbian().learning_rate = 1.0  # type: ignore[misc]
    assert STDP().a_minus == 0.0105 and NeuromodulatedHebbian().h_max == 1.0
