"""Arrays in Fortran order are never read transposed: the Rust functions reject them."""

import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain import _core
from hebbian_brain.optim import Adam
from hebbian_brain.rnn import PlasticRNN


def test_adam_rejects_fortran_ordered_gradients_and_changes_nothing():
    p = np.zeros((2, 3))
    g = np.zeros((2, 3))
    g[0, 1] = 1.0
    opt = Adam([p], lr=0.1)
    with pytest.raises(hb.InvalidArgumentError, match=r"grads\[0\].*C-contiguous"):
        opt.step([np.asfortranarray(g)])
    assert not p.any() and opt.steps == 0
    opt.step([g])  # the C-ordered gradient moves p[0, 1] only
    assert p[0, 1] < 0 and np.count_nonzero(p) == 1


@pytest.mark.parametrize("name", ["w", "alpha", "eta", "inputs", "targets", "mask"])
def test_private_core_functions_reject_fortran_order(rng, name):
    n, b, t = 3, 2, 4
    args = {
        "w": rng.standard_normal((n, n)) * 0.5,
        "alpha": rng.standard_normal((n, n)) * 0.5,
        "eta": np.full((n, n), 0.1),
        "inputs": rng.standard_normal((b, t, n)),
        "targets": rng.standard_normal((b, n)),
        "mask": np.ones((b, n)),
    }
    ref = _core.plastic_loss_and_grad(*args.values())
    args[name] = np.asfortranarray(args[name])
    assert not args[name].flags.c_contiguous
    with pytest.raises(hb.InvalidArgumentError, match=f"`{name}`.*C-contiguous"):
        _core.plastic_loss_and_grad(*args.values())
    if name in ("w", "alpha", "eta", "inputs"):
        fwd = {k: args[k] for k in ("w", "alpha", "eta", "inputs")}
        with pytest.raises(hb.InvalidArgumentError, match=f"`{name}`.*C-contiguous"):
            _core.plastic_forward(*fwd.values())
    # A C-ordered copy gives the reference result (the check is about layout, not values).
    args[name] = np.ascontiguousarray(args[name])
    again = _core.plastic_loss_and_grad(*args.values())
    assert again[0] == ref[0]
    np.testing.assert_array_equal(again[1]["w"], ref[1]["w"])


def test_the_network_copies_fortran_ordered_input_to_c_order(rng):
    net = PlasticRNN(3, seed=0)
    x = rng.standard_normal((2, 5, 3))
    y = rng.standard_normal((2, 3))
    ref = net.loss_and_grad(x, y)
    got = net.loss_and_grad(np.asfortranarray(x), np.asfortranarray(y))
    assert got[0] == ref[0]
    np.testing.assert_array_equal(got[1]["w"], ref[1]["w"])
