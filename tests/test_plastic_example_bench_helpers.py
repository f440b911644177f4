"""Helpers of the pattern-completion example and of the BPTT benchmark (loaded from their files)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(relative):
    spec = importlib.util.spec_from_file_location(Path(relative).stem, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # top-level code only defines things (main() is guarded)
    return module


def test_example_pictures_are_two_dimensional_unless_the_size_is_prime():
    image_shape = _load("examples/pattern_completion.py").image_shape
    assert image_shape(1000) == (25, 40)  # --full: not a 1×1000 strip
    assert image_shape(200) == (10, 20)
    assert image_shape(64) == (8, 8)
    assert image_shape(97) == (1, 97)
    for size in range(1, 300):
        rows, cols = image_shape(size)
        assert rows * cols == size and rows <= cols


def test_benchmark_compares_every_gradient_entry(rng):
    bench = _load("bench/plasticity_bptt.py")
    n = 1000
    ref = {
        "grad_w": rng.standard_normal((n, n)),
        "grad_alpha": rng.standard_normal((n, n)),
        "grad_eta": 0.5,
    }
    same = {k: np.copy(v) for k, v in ref.items()}
    assert bench.grad_diff(ref, same) == 0.0
    for key in ("grad_w", "grad_alpha"):
        off = {k: np.copy(v) for k, v in ref.items()}
        off[key][-1, -1] += 1.0  # far past the first 2000 entries
        assert bench.grad_diff(ref, off) == pytest.approx(1.0 / np.abs(ref[key]).max())
    with pytest.raises(ValueError, match="shapes"):
        bench.rel_diff(ref["grad_w"], ref["grad_w"][:10])


def test_benchmark_numpy_reference_computes_our_gradients(rng):
    from hebbian_brain.rnn import PlasticRNN

    bench = _load("bench/plasticity_bptt.py")
    n, t = 12, 15
    net = PlasticRNN(n, eta=0.2, seed=3)
    net.w[:] = 0.5 * rng.standard_normal((n, n))
    net.alpha[:] = rng.standard_normal((n, n))
    x = rng.standard_normal((1, t, n))
    target = rng.uniform(-1, 1, (1, n))
    mask = (rng.random((1, n)) > 0.3).astype(float)
    loss, grads = net.loss_and_grad(x, target, mask)
    ref_loss, ref = bench.numpy_bptt(net.w, net.alpha, 0.2, x[0], target[0], mask[0])
    assert ref_loss == pytest.approx(loss, rel=1e-12)
    for name in ("w", "alpha"):
        np.testing.assert_allclose(ref[name], grads[name], rtol=1e-9, atol=1e-12)
    assert ref["eta"] == pytest.approx(grads["eta"], rel=1e-9)
