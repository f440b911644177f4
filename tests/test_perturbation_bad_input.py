"""Bad input raises a clear exception and leaves the trainer unchanged."""

import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain.rnn import NodePerturbationConfig, NodePerturbationTrainer, TwoJointArm
from hebbian_brain.tasks import DelayedNonMatch

TASK = DelayedNonMatch(stimulus_ms=10, delay_ms=10, response_ms=20, scored_ms=10)
TRIALS = TASK.trials()


def build(**kwargs):
    arrays = {"inputs": TRIALS.inputs, "targets": TRIALS.targets, "mask": TRIALS.mask}
    for k in ("inputs", "targets", "mask"):
        if k in kwargs:
            arrays[k] = kwargs.pop(k)
    kwargs.setdefault("n_neurons", 20)
    kwargs.setdefault("seed", 0)
    return NodePerturbationTrainer(arrays["inputs"], arrays["targets"], arrays["mask"], **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"inputs": TRIALS.inputs[0]}, hb.ShapeError, "inputs"),
        ({"targets": TRIALS.targets[:3]}, hb.ShapeError, "targets"),
        ({"mask": np.ones(7)}, hb.ShapeError, "mask"),
        ({"mask": np.zeros_like(TRIALS.mask)}, hb.InvalidArgumentError, "mask"),
        ({"inputs": np.where(TRIALS.inputs > 0, np.nan, 0.0)}, hb.InvalidArgumentError, "inputs"),
        ({"targets": TRIALS.targets * np.inf}, hb.InvalidArgumentError, "targets"),
        ({"inputs": np.full(TRIALS.inputs.shape, "a")}, TypeError, "inputs"),
        ({"output_neurons": [20]}, hb.InvalidConfigError, "output_neurons"),
        ({"output_neurons": [-1]}, hb.InvalidConfigError, "output_neurons"),
        ({"output_neurons": []}, hb.InvalidConfigError, "output_neurons"),
        ({"bias_neurons": [0], "bias_values": [1.0]}, hb.InvalidConfigError, "bias_neurons"),
        ({"bias_neurons": [3], "bias_values": []}, hb.InvalidConfigError, "bias_values"),
        ({"tau": 0.0}, hb.InvalidConfigError, "tau"),
        ({"tau": -5.0}, hb.InvalidConfigError, "tau"),
        ({"dt": 40.0}, hb.InvalidConfigError, "dt"),
        ({"dt": float("nan")}, hb.InvalidConfigError, "dt"),
        ({"config": NodePerturbationConfig(perturbation_rate=2000.0)}, hb.InvalidConfigError, "p"),
        ({"weights": np.zeros((20, 19))}, hb.ShapeError, "weights"),
        ({"weights": np.full((20, 20), np.nan)}, hb.InvalidArgumentError, "weights"),
        ({"input_weights": np.zeros((20, 3))}, hb.ShapeError, "input_weights"),
        ({"error_metric": "l7"}, hb.InvalidArgumentError, "error_metric"),
        ({"arm": TwoJointArm()}, hb.InvalidConfigError, "output_neurons"),
        ({"initial_state": np.zeros(3)}, hb.InvalidConfigError, "initial_state"),
        ({"gain": -1.0}, hb.InvalidConfigError, "gain"),
    ],
)
def test_constructor_rejects(kwargs, error, match):
    with pytest.raises(error, match=match):
        build(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"learning_rate": -0.1}, "learning_rate"),
        ({"perturbation_rate": float("nan")}, "perturbation_rate"),
        ({"amplitude": -1.0}, "amplitude"),
        ({"activity_trace_decay": 1.0}, "activity_trace_decay"),
        ({"error_trace_decay": -0.1}, "error_trace_decay"),
        ({"max_dw": float("inf")}, "max_dw"),
        ({"condition_order": "random"}, "condition_order"),
        ({"eligibility": "kicks"}, "eligibility"),
    ],
)
def test_config_rejects(kwargs, match):
    with pytest.raises(hb.InvalidConfigError, match=match):
        NodePerturbationConfig(**kwargs)


def test_arm_rejects_bad_geometry():
    with pytest.raises(hb.InvalidConfigError):
        TwoJointArm(segment_lengths=(0.0, 3.0))
    with pytest.raises(hb.InvalidConfigError):
        TwoJointArm(elbow_limits=(2.0, 1.0))
    with pytest.raises(hb.ShapeError, match="rates"):
        TwoJointArm().hand_trajectory(np.zeros((5, 3)))


def test_failed_calls_leave_the_trainer_unchanged():
    t = build()
    t.learn(3)
    weights, expected, done = t.weights, t.expected_error, t.trials_done
    input_weights = t.input_weights
    with pytest.raises(hb.ShapeError, match="weights"):
        t.weights = np.zeros((3, 3))
    with pytest.raises(hb.InvalidArgumentError, match="weights"):
        t.weights = np.full((20, 20), np.inf)
    with pytest.raises(hb.ShapeError, match="input_weights"):
        t.input_weights = np.zeros((20, 5))
    with pytest.raises(hb.InvalidArgumentError, match="input_weights"):
        t.input_weights = np.full((20, 2), np.nan)
    with pytest.raises(hb.InvalidArgumentError, match="batch_size"):
        t.learn(4, batch_size=0)
    with pytest.raises(hb.InvalidArgumentError, match="n_threads"):
        t.learn(4, n_threads=0)
    with pytest.raises(hb.InvalidArgumentError, match="condition"):
        t.run(4)
    with pytest.raises(hb.InvalidArgumentError, match="condition"):
        t.run(-1)
    with pytest.raises(TypeError):
        t.config = "fast"
    with pytest.raises(hb.InvalidConfigError, match="perturbation_rate"):
        t.config = NodePerturbationConfig(perturbation_rate=5000.0)
    np.testing.assert_array_equal(t.weights, weights)
    np.testing.assert_array_equal(t.input_weights, input_weights)
    np.testing.assert_array_equal(t.expected_error, expected)
    assert t.trials_done == done


def test_task_rejects_times_that_are_not_multiples_of_dt():
    with pytest.raises(ValueError, match="stimulus_ms"):
        DelayedNonMatch(stimulus_ms=10.5).trials()


def test_negative_integers_raise_named_errors():
    t = build()
    with pytest.raises(hb.InvalidArgumentError, match="n_trials"):
        t.learn(-1)
    with pytest.raises(hb.InvalidArgumentError, match="batch_size"):
        t.learn(2, batch_size=-4)
    with pytest.raises(hb.InvalidArgumentError, match="trial"):
        t.condition_of(-1)
    with pytest.raises(hb.InvalidConfigError, match="warmup_trials"):
        NodePerturbationConfig(warmup_trials=-1)
    with pytest.raises(hb.InvalidConfigError, match="n_neurons"):
        build(n_neurons=-1)
    with pytest.raises(hb.InvalidArgumentError, match="seed"):
        build(seed=-1)
    assert build(seed=2**64 - 1).seed == 2**64 - 1
    assert t.trials_done == 0


def test_max_dw_is_bounded():
    with pytest.raises(hb.InvalidConfigError, match="max_dw"):
        NodePerturbationConfig(max_dw=1e6)


def test_non_finite_state_raises_and_leaves_the_trainer_unchanged():
    # Finite but huge inputs overflow the drive: the state becomes inf, then NaN.
    inputs = np.full((2, 12, 2), 1e308)
    targets = np.zeros((2, 12, 1))
    t = NodePerturbationTrainer(
        inputs, targets, n_neurons=10, input_weights=np.ones((10, 2)), seed=0
    )
    weights = t.weights
    with pytest.raises(hb.StateError, match="non-finite"):
        t.evaluate()
    with pytest.raises(hb.StateError, match="non-finite"):
        t.run(0)
    with pytest.raises(hb.StateError, match="non-finite"):
        t.learn(5, batch_size=2)
    np.testing.assert_array_equal(t.weights, weights)
    assert t.trials_done == 0
    assert t.expected_error.size == 0


def test_fortran_order_and_strided_inputs_equal_contiguous_ones():
    a = build(weights=np.ones((20, 20)) * 0.05, input_weights=np.full((20, 2), 0.5))
    b = build(
        input_weights=np.broadcast_to(np.array(0.5), (20, 2)),
        inputs=np.asfortranarray(TRIALS.inputs),
        targets=np.repeat(TRIALS.targets, 2, axis=1)[:, ::2],
        mask=np.asfortranarray(TRIALS.mask),
        weights=np.asfortranarray(a.weights),
    )
    np.testing.assert_array_equal(a.weights, b.weights)
    ea, ca = a.learn(6, batch_size=2)
    eb, cb = b.learn(6, batch_size=2)
    np.testing.assert_array_equal(ea, eb)
    np.testing.assert_array_equal(ca, cb)
    np.testing.assert_array_equal(a.weights, b.weights)
