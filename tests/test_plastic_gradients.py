"""Hand-derived BPTT gradients match central finite differences (float64, small networks)."""

import numpy as np
import pytest

from hebbian_brain.rnn import PlasticRNN


def _problem(rng, n, b, t, every_step, masked):
    x = 1.5 * rng.standard_normal((b, t, n))
    shape = (b, t, n) if every_step else (b, n)
    targets = rng.uniform(-1, 1, shape)
    mask = (rng.uniform(size=shape) > 0.3).astype(float) if masked else None
    return x, targets, mask


def _net(rng, n, per_connection):
    net = PlasticRNN(n, eta=0.2, per_connection_eta=per_connection, seed=1)
    net.w[:] = 0.5 * rng.standard_normal((n, n))
    net.alpha[:] = 0.7 * rng.standard_normal((n, n))
    if per_connection:
        net.eta[:] = rng.uniform(0.1, 0.4, (n, n))
    return net


def _fd_check(net, x, targets, mask, h=1e-5):
    _, grads = net.loss_and_grad(x, targets, mask)
    worst = 0.0
    for name in ("w", "alpha", "eta"):
        param = getattr(net, name)
        analytic = np.asarray(grads[name], dtype=float).reshape(param.shape)
        flat = param.reshape(-1)
        for k in range(flat.size):
            orig = flat[k]
            flat[k] = orig + h
            lp, _ = net.loss_and_grad(x, targets, mask)
            flat[k] = orig - h
            lm, _ = net.loss_and_grad(x, targets, mask)
            flat[k] = orig
            numeric = (lp - lm) / (2 * h)
            a = analytic.reshape(-1)[k]
            rel = abs(a - numeric) / max(abs(a), abs(numeric), 1e-3)
            worst = max(worst, rel)
            assert rel <= 1e-6, f"{name}[{k}]: analytic {a} vs numeric {numeric}"
    return worst


@pytest.mark.parametrize("per_connection", [False, True])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("every_step", [False, True])
def test_gradients_match_central_differences(rng, per_connection, masked, every_step):
    n = 9  # one 8-wide SIMD chunk plus the scalar tail
    net = _net(rng, n, per_connection)
    x, targets, mask = _problem(rng, n, b=2, t=8, every_step=every_step, masked=masked)
    _fd_check(net, x, targets, mask)


def test_gradients_match_with_large_eta_and_checkpoints(rng):
    # η = 0.8 forces exact trace copies every few steps; the gradient must stay exact.
    n = 9
    net = _net(rng, n, per_connection=False)
    net.eta[...] = 0.8
    x, targets, _ = _problem(rng, n, b=1, t=20, every_step=False, masked=False)
    _fd_check(net, x, targets, None)


def test_shared_eta_gradient_is_the_sum_of_per_connection_gradients(rng):
    n = 6
    net = _net(rng, n, per_connection=False)
    x, targets, mask = _problem(rng, n, b=3, t=10, every_step=False, masked=True)
    _, shared = net.loss_and_grad(x, targets, mask)
    per = PlasticRNN(n, eta=float(net.eta), per_connection_eta=True)
    per.w[:], per.alpha[:] = net.w, net.alpha
    _, grads = per.loss_and_grad(x, targets, mask)
    np.testing.assert_allclose(grads["eta"].sum(), shared["eta"], rtol=1e-10)
    np.testing.assert_allclose(grads["alpha"], shared["alpha"], rtol=1e-12, atol=1e-15)


def test_loss_is_the_mean_over_episodes_of_masked_squared_error(rng):
    n = 5
    net = _net(rng, n, per_connection=False)
    x, targets, mask = _problem(rng, n, b=3, t=7, every_step=False, masked=True)
    loss, _ = net.loss_and_grad(x, targets, mask)
    y = net.forward(x)[:, -1]
    assert loss == pytest.approx(np.sum(mask * (y - targets) ** 2) / 3, rel=1e-12)


def test_gradients_match_with_saturated_neurons(rng):
    # Inputs of ±30 saturate tanh exactly (derivative 0): the kernels skip those rows.
    n = 10
    net = _net(rng, n, per_connection=False)
    x, targets, mask = _problem(rng, n, b=2, t=9, every_step=True, masked=True)
    x[:, ::2, ::3] = 30 * np.sign(x[:, ::2, ::3])
    _fd_check(net, x, targets, mask)
