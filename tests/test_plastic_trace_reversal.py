"""Reversing the Hebbian trace instead of storing it costs (almost) no accuracy."""

import numpy as np

from hebbian_brain.rnn import PlasticRNN
from hebbian_brain.tasks import PatternCompletion


def _rel(a, b):
    return np.max(np.abs(a - b)) / np.max(np.abs(a))


def test_reversed_trace_matches_stored_trace_on_a_dp1000_like_episode():
    # 106 steps, η = 0.01, inputs ×20 (the dp1000 preset on 64 neurons): no copy is kept.
    task = PatternCompletion(pattern_size=64, seed=3)
    net = PlasticRNN(64, seed=3)
    net.alpha *= 20
    trial = task.sample(2)
    _, stored = net.loss_and_grad(trial.inputs, trial.targets, trial.mask, checkpoint_every=1)
    _, reversed_ = net.loss_and_grad(trial.inputs, trial.targets, trial.mask)
    for name in ("w", "alpha"):
        assert _rel(stored[name], reversed_[name]) < 1e-12
    assert abs(stored["eta"] - reversed_["eta"]) <= 1e-12 * abs(stored["eta"])


def test_large_eta_is_kept_exact_by_the_automatic_copies(rng):
    n, t = 12, 60
    net = PlasticRNN(n, eta=0.6, seed=2)
    net.w[:] = 0.5 * rng.standard_normal((n, n))
    net.alpha[:] = rng.standard_normal((n, n))
    x = rng.standard_normal((1, t, n))
    targets = rng.uniform(-1, 1, (1, t, n))
    _, stored = net.loss_and_grad(x, targets, checkpoint_every=1)
    _, auto = net.loss_and_grad(x, targets)
    assert _rel(stored["alpha"], auto["alpha"]) < 1e-10
    # Without any copy the reversal amplifies rounding by (1/(1−η))^t: unusable.
    _, pure = net.loss_and_grad(x, targets, checkpoint_every=10**9)
    err = _rel(stored["alpha"], pure["alpha"])
    assert not err < 1e-3
