"""The sequence tasks produce consistent trials and the recall score measures order."""

import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain.tasks import (
    SequenceGenerationTask,
    SequencePredictionTask,
    ordered_recall_score,
    pattern_overlaps,
)


def test_generation_trials_have_the_documented_layout():
    task = SequenceGenerationTask(
        20, 4, pattern_duration=3, cue_duration=2, recall_duration=10, seed=0
    )
    train = task.training_trial()
    assert train.inputs.shape == (12, 20)
    np.testing.assert_array_equal(
        train.inputs[3:6], np.tile(task.input_strength * task.patterns[1], (3, 1))
    )
    recall = task.recall_trial()
    assert recall.inputs.shape == (12, 20)
    np.testing.assert_array_equal(recall.inputs[2:], 0.0)
    assert recall.mask.sum() == 10 and not recall.mask[:2].any()
    assert set(np.unique(task.patterns)) == {-1.0, 1.0}


def test_recall_score_rewards_order_only():
    k, t = 4, 12
    ordered = np.full((t, k), -0.2)
    for j in range(k):
        ordered[2 * j + 1, j] = 0.9
    result = ordered_recall_score(ordered)
    assert result.score == 1.0 and result.in_order
    np.testing.assert_array_equal(result.onset_times, [1, 3, 5, 7])
    stuck = np.zeros((t, k))
    stuck[:, 0] = 1.0
    assert ordered_recall_score(stuck).score == 0.0
    shuffled = ordered[:, [0, 2, 1, 3]]
    assert ordered_recall_score(shuffled).score == pytest.approx(1 / 3)  # stops at the swap
    partial = ordered.copy()
    partial[:, 3] = 0.0
    assert ordered_recall_score(partial).score == pytest.approx(2 / 3)


def test_overlaps_of_a_pattern_with_itself_are_one():
    task = SequenceGenerationTask(30, 3, seed=1)
    ov = task.overlaps(task.patterns)
    np.testing.assert_allclose(np.diag(ov), 1.0)
    with pytest.raises(hb.ShapeError, match="states"):
        pattern_overlaps(np.zeros((4, 5)), task.patterns)


def test_prediction_trials_mark_cycle_transitions_as_rewarded():
    task = SequencePredictionTask(5, 200, distractor_rate=0.3, input_noise=0.0, seed=2)
    trial = task.trial()
    current = trial.inputs.argmax(1)
    nxt = trial.targets.argmax(1)
    follows = nxt == task.successor[current]
    np.testing.assert_array_equal(trial.mask, follows)
    np.testing.assert_array_equal(trial.modulation, follows.astype(float))
    assert 0.6 < trial.mask.mean() < 0.85  # 1 - 0.3 + 0.3/5 expected
    assert sorted(task.successor) == list(range(5))
    assert task.score(trial.targets, trial) == 0.0


@pytest.mark.parametrize(
    "factory,name",
    [
        (lambda: SequenceGenerationTask(0), "n_units"),
        (lambda: SequenceGenerationTask(10, 1), "n_patterns"),
        (lambda: SequenceGenerationTask(10, input_strength=float("nan")), "input_strength"),
        (lambda: SequencePredictionTask(distractor_rate=1.0), "distractor_rate"),
        (lambda: SequencePredictionTask(n_symbols=1), "n_symbols"),
    ],
)
def test_bad_task_config(factory, name):
    with pytest.raises(hb.InvalidConfigError, match=name):
        factory()


@pytest.mark.parametrize(
    ("overlaps", "kwargs", "error", "match"),
    [
        (np.zeros((0, 3)), {}, hb.ShapeError, "at least one step"),
        (np.eye(3), {"start": 3}, hb.InvalidArgumentError, "start"),
        (np.eye(3), {"start": -1}, hb.InvalidArgumentError, "start"),
        (np.eye(3), {"start": 1.5}, hb.InvalidArgumentError, "start"),
        (np.eye(3), {"threshold": float("nan")}, hb.InvalidArgumentError, "threshold"),
    ],
)
def test_recall_score_refuses_empty_overlaps_and_bad_start(overlaps, kwargs, error, match):
    with pytest.raises(error, match=match):
        ordered_recall_score(overlaps, **kwargs)
