"""precision="float32" (the default): the same rule as float64 to float32 accuracy, learns, and is a
plain config field."""

import pickle

import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain.rnn import NodePerturbationConfig
from hebbian_brain.tasks import DelayedNonMatch

SMALL = DelayedNonMatch(stimulus_ms=20, delay_ms=20, response_ms=40, scored_ms=20)


def test_precision_is_a_config_field():
    assert NodePerturbationConfig().precision == "float32"
    assert DelayedNonMatch().published_config().precision == "float32"
    cfg = NodePerturbationConfig(precision="float64")
    assert cfg.precision == "float64"
    assert "precision='float64'" in repr(cfg)
    assert eval(repr(cfg), {"NodePerturbationConfig": NodePerturbationConfig}) == cfg
    assert pickle.loads(pickle.dumps(cfg)) == cfg
    assert cfg.replace(learning_rate=0.2).precision == "float64"
    assert cfg != NodePerturbationConfig()
    with pytest.raises(hb.InvalidConfigError, match="precision"):
        NodePerturbationConfig(precision="float16")


def test_float32_trials_follow_float64():
    cfg = SMALL.published_config().replace(
        warmup_trials=0, perturbation_rate=30.0, precision="float64"
    )
    t64 = SMALL.trainer(seed=3, n_neurons=40, config=cfg)
    t32 = SMALL.trainer(seed=3, n_neurons=40, config=cfg.replace(precision="float32"))
    before = t64.weights
    e64, _ = t64.learn(3)
    e32, _ = t32.learn(3)
    # Same perturbations, same trial: the errors agree to float32 accuracy.
    np.testing.assert_allclose(e32, e64, rtol=1e-4, atol=1e-5)
    d64, d32 = t64.weights - before, t32.weights - before
    assert np.abs(d64).max() > 0
    assert np.abs(d32 - d64).max() < 0.02 * np.abs(d64).max()
    # J stays float64 and is the sum of float64 changes.
    assert t32.weights.dtype == np.float64
    np.testing.assert_allclose(t32.evaluate(), t64.evaluate(), atol=1e-3)


def test_float32_is_deterministic_and_survives_pickling():
    cfg = SMALL.published_config().replace(warmup_trials=0, precision="float32")
    a = SMALL.trainer(seed=5, n_neurons=40, config=cfg)
    b = SMALL.trainer(seed=5, n_neurons=40, config=cfg)
    ea, _ = a.learn(8, batch_size=4, n_threads=1)
    eb, _ = b.learn(8, batch_size=4, n_threads=2)
    np.testing.assert_array_equal(ea, eb)
    np.testing.assert_array_equal(a.weights, b.weights)
    c = pickle.loads(pickle.dumps(a))
    assert c.config.precision == "float32"
    np.testing.assert_array_equal(c.learn(4)[0], a.learn(4)[0])


def test_switching_precision_keeps_the_weights_in_step():
    cfg = SMALL.published_config().replace(warmup_trials=0, precision="float64")
    t = SMALL.trainer(seed=7, n_neurons=40, config=cfg)
    clean64 = t.evaluate()
    t.config = cfg.replace(precision="float32")
    np.testing.assert_allclose(t.evaluate(), clean64, atol=1e-4)
    t.learn(4)
    w = t.weights
    # Weights set from outside reach the float32 copy too.
    t.weights = np.zeros_like(w)
    zero32 = t.evaluate()
    t.config = cfg
    np.testing.assert_allclose(zero32, t.evaluate(), atol=1e-5)


def test_float32_learns_dnms():
    # The half-length DNMS of test_perturbation_learning, in float32.
    task = DelayedNonMatch(stimulus_ms=100, delay_ms=100, response_ms=200, scored_ms=100)
    config = task.published_config().replace(
        perturbation_rate=6.0, warmup_trials=0, precision="float32"
    )
    trainer = task.trainer(seed=0, config=config, n_neurons=100, tau=15.0)
    start = trainer.evaluate().mean()
    errors, _ = trainer.learn(1500, batch_size=4)
    end = trainer.evaluate().mean()
    assert end < 0.75 * start, (start, end)
    assert errors[-100:].mean() < errors[:100].mean()
