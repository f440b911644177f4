"""Adam (in Rust) follows PyTorch's update, checks its input and changes nothing on errors."""

import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain.optim import Adam


def test_matches_the_bias_corrected_reference_update(rng):
    p = rng.standard_normal((3, 4))
    ref = p.copy()
    opt = Adam([p], lr=0.01)
    assert opt.betas == (0.9, 0.999)
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for t in range(1, 8):
        g = rng.standard_normal((3, 4))
        opt.step([g])
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        ref -= 0.01 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        np.testing.assert_allclose(p, ref, rtol=1e-12, atol=1e-14)
    assert opt.steps == 7


def test_scalar_parameters_accept_float_gradients():
    eta = np.array(0.5)
    opt = Adam([eta], lr=0.1)
    opt.step([1.0])
    assert float(eta) == pytest.approx(0.4)


def test_bad_input_changes_nothing(rng):
    a, b = rng.standard_normal(3), rng.standard_normal((2, 2))
    snap = (a.copy(), b.copy())
    opt = Adam([a, b], lr=0.1)
    with pytest.raises(hb.ShapeError):
        opt.step([np.ones(3)])
    with pytest.raises(hb.ShapeError):
        opt.step([np.ones(3), np.ones(4)])
    with pytest.raises(hb.InvalidArgumentError):
        opt.step([np.ones(3), np.full((2, 2), np.nan)])
    with pytest.raises(TypeError):
        opt.step([np.ones(3), "x"])
    with pytest.raises(hb.InvalidArgumentError):
        opt.lr = 0.0
    np.testing.assert_array_equal(a, snap[0])
    np.testing.assert_array_equal(b, snap[1])
    assert opt.steps == 0 and opt.lr == 0.1


@pytest.mark.parametrize("kwargs", [{"lr": 0.0}, {"lr": -1.0}, {"betas": (0.9, 1.0)}, {"eps": 0}])
def test_bad_hyperparameters_are_rejected(kwargs):
    with pytest.raises(hb.InvalidArgumentError):
        Adam([np.zeros(2)], **kwargs)


def test_parameters_must_be_float_arrays_of_one_dtype():
    with pytest.raises(TypeError, match="params"):
        Adam([np.zeros(2, dtype=np.float32), np.zeros(2)])
    with pytest.raises(TypeError, match="params"):
        Adam([np.zeros(2, dtype=np.int64)])
    with pytest.raises(TypeError, match="params"):
        Adam([[1.0, 2.0]])
    with pytest.raises(hb.InvalidArgumentError, match="params"):
        Adam([np.zeros((4, 4))[:, ::2]])


def test_repr_names_the_hyperparameters():
    assert "lr=0.5" in repr(Adam([np.zeros(1)], lr=0.5))


def test_float32_parameters_follow_the_float64_update(rng):
    p64 = rng.standard_normal(5)
    p32 = p64.astype(np.float32)
    a, b = Adam([p64], lr=0.01), Adam([p32], lr=0.01)
    for _ in range(5):
        g = rng.standard_normal(5)
        a.step([g])
        b.step([g.astype(np.float32)])
    assert p32.dtype == np.float32
    np.testing.assert_allclose(p32, p64, rtol=1e-6, atol=1e-6)
    with pytest.raises(TypeError, match="grads"):
        b.step([np.zeros(5)])


def test_a_non_finite_update_raises_and_changes_nothing():
    p = np.array([1.0, 2.0])
    opt = Adam([p], lr=0.1)
    opt.step([np.array([0.5, 0.5])])
    snap = p.copy()
    with pytest.raises(hb.InvalidArgumentError, match="not finite"):
        opt.step([np.array([0.5, 1e200])])  # g² overflows the second moment
    np.testing.assert_array_equal(p, snap)
    assert opt.steps == 1
    # The state is untouched too: the next step matches a fresh optimizer given the same history.
    q = np.array([1.0, 2.0])
    ref = Adam([q], lr=0.1)
    ref.step([np.array([0.5, 0.5])])
    opt.step([np.array([0.1, -0.2])])
    ref.step([np.array([0.1, -0.2])])
    np.testing.assert_array_equal(p, q)
    f = np.ones(1, dtype=np.float32)
    big = Adam([f], lr=1e39)
    with pytest.raises(hb.InvalidArgumentError, match="not finite"):
        big.step([np.ones(1, dtype=np.float32)])  # past float32's range
    assert f[0] == 1.0 and big.steps == 0


def test_empty_and_repeated_parameter_lists_are_rejected():
    p = np.zeros(3)
    with pytest.raises(hb.InvalidArgumentError, match="params"):
        Adam([])
    with pytest.raises(hb.InvalidArgumentError, match="shares memory"):
        Adam([p, p])
    with pytest.raises(hb.InvalidArgumentError, match="shares memory"):
        Adam([p, p[1:]])
    Adam([p, np.zeros(3)])


def test_repr_shows_floats_as_literals():
    r = repr(Adam([np.zeros(2)]))
    assert "eps=1e-8" in r and "lr=0.001" in r and "0.00000001" not in r
