"""Config objects, task arrays, the criterion, and trials from other suites."""

import math
import pickle

import numpy as np
import pytest

from hebbian_brain.rnn import (
    NodePerturbationConfig,
    NodePerturbationTrainer,
    TwoJointArm,
    trials_to_criterion,
)
from hebbian_brain.tasks import CenterOutReach, DelayedNonMatch


def test_config_defaults_repr_eq_replace_pickle():
    cfg = NodePerturbationConfig()
    assert cfg.learning_rate == 0.1 and cfg.perturbation_rate == 3.0 and cfg.max_dw == 3e-4
    assert cfg.activity_trace_decay == 0.05 and cfg.error_trace_decay == 0.75
    assert not cfg.scale_by_expected_error and cfg.warmup_trials == 0
    assert cfg.condition_order == "cycle" and cfg.eligibility == "fluctuation"
    assert eval(repr(cfg), {"NodePerturbationConfig": NodePerturbationConfig}) == cfg
    kicks = cfg.replace(eligibility="perturbation")
    assert kicks.eligibility == "perturbation" and kicks != cfg
    assert eval(repr(kicks), {"NodePerturbationConfig": NodePerturbationConfig}) == kicks
    assert pickle.loads(pickle.dumps(kicks)) == kicks
    # trainers pickled before the field existed load with the trace they were trained with
    older = {k: v for k, v in cfg._asdict().items() if k != "eligibility"}
    assert NodePerturbationConfig._from_kwargs(older) == cfg
    other = cfg.replace(learning_rate=0.05)
    assert other.learning_rate == 0.05 and other != cfg and cfg.learning_rate == 0.1
    assert pickle.loads(pickle.dumps(other)) == other
    arm = TwoJointArm(movement_start=10)
    assert pickle.loads(pickle.dumps(arm)) == arm
    assert eval(repr(arm), {"TwoJointArm": TwoJointArm}) == arm
    with pytest.raises(AttributeError):
        cfg.learning_rate = 1.0


def test_dnms_arrays():
    trials = DelayedNonMatch().trials()
    assert trials.inputs.shape == (4, 1000, 2)
    assert trials.targets.shape == (4, 1000, 1)
    assert trials.mask.shape == (4, 1000)
    # AB: A on channel 0 for 200 ms, B on channel 1 from 400 to 600 ms
    ab = trials.inputs[1]
    assert ab[:200, 0].all() and not ab[200:400].any() and ab[400:600, 1].all()
    assert not ab[600:].any()
    assert list(trials.targets[:, -1, 0]) == [-1.0, 1.0, 1.0, -1.0]
    assert trials.mask.sum(axis=1).tolist() == [200.0] * 4
    assert trials.mask[:, -200:].all()
    trainer = DelayedNonMatch().trainer(seed=0)
    assert not trainer.input_weights[0].any() and trainer.input_weights[1:].all()


def test_reach_arrays_and_arm():
    task = CenterOutReach()
    trials = task.trials()
    assert trials.inputs.shape == (4, 150, 5)
    assert trials.inputs[:, :49, 4].all() and not trials.inputs[:, 49:, 4].any()
    np.testing.assert_allclose(trials.targets[:, -1], task.target_positions, atol=1e-12)
    assert trials.mask[:, -1].all() and trials.mask.sum() == 4
    hand = task.arm.hand_trajectory(np.full((150, 2), 0.5))
    assert np.all(hand[:49] == 0.0) and np.linalg.norm(hand[-1]) > 0.1
    assert math.isclose(task.arm.velocity_scale, 1 / 150)


def test_trials_to_criterion():
    errors = np.r_[np.full(300, 1.5), np.full(200, 0.2)]
    assert trials_to_criterion(errors) == 395
    assert trials_to_criterion(np.full(500, 1.5)) is None
    assert trials_to_criterion(errors[:50]) is None
    mixed = np.r_[np.full(100, 0.5), [2.0] * 4]
    assert trials_to_criterion(mixed, fraction=0.95) == 100
    with pytest.raises(ValueError, match="window"):
        trials_to_criterion(errors, window=0)


def test_trials_from_another_suite():
    # NeuroGym-style (ob, gt) arrays, one trial per condition, scored on the last 5 steps
    rng = np.random.default_rng(0)
    ob = rng.normal(size=(3, 30, 4))
    gt = np.sign(rng.normal(size=(3, 1, 2))) * np.ones((3, 30, 2)) * 0.5
    mask = np.r_[np.zeros(25), np.ones(5)]
    t = NodePerturbationTrainer(
        ob,
        gt,
        mask,
        n_neurons=25,
        output_neurons=[0, 1],
        tau=5.0,
        seed=0,
        config=NodePerturbationConfig(condition_order="shuffled"),
    )
    assert t.n_conditions == 3 and t.n_steps == 30
    errors, conditions = t.learn(9, batch_size=3)
    assert errors.shape == (9,) and sorted(conditions[:3]) == [0, 1, 2]
    run = t.run(0)
    assert run["outputs"].shape == (30, 2) and run["rates"].shape == (30, 25)
    np.testing.assert_array_equal(run["outputs"], run["rates"][:, :2])
    # the same arrays as lists work too
    NodePerturbationTrainer(
        ob.tolist(), gt.tolist(), None, n_neurons=25, seed=0, output_neurons=[0, 1], tau=5.0
    )


def test_dnms_published_amplitude_follows_tau_and_dt():
    assert math.isclose(DelayedNonMatch().published_config().amplitude, 16 / 30)
    assert math.isclose(DelayedNonMatch(tau=15.0).published_config().amplitude, 16 / 15)
    assert math.isclose(DelayedNonMatch(dt=2.0).published_config().amplitude, 32 / 30)
    small = DelayedNonMatch(stimulus_ms=5, delay_ms=5, response_ms=10, scored_ms=5)
    trainer = small.trainer(seed=0, n_neurons=20, tau=10.0)
    assert math.isclose(trainer.config.amplitude, 1.6)


def test_getters_are_documented():
    for name in ("n_neurons", "n_conditions", "n_steps", "output_neurons"):
        assert getattr(NodePerturbationTrainer, name).__doc__, name
