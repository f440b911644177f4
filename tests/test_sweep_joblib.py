"""sweep() with the joblib backend (needs the joblib extra; required in CI)."""

import os

import numpy as np
import pytest
import sweep_trials as trials

import hebbian_brain as hb

pytest.importorskip("joblib")


def test_joblib_gives_the_inline_table_in_grid_order():
    grid = {"lr": [0.5, 1.5], "width": [1, 2]}
    inline = hb.sweep(trials.score, grid, seeds=3, n_jobs=1)
    result = hb.sweep(trials.score, grid, seeds=3, backend="joblib", n_jobs=2)
    assert result.rows == inline.rows
    np.testing.assert_array_equal(result.to_numpy(), inline.to_numpy())


def test_joblib_runs_in_other_processes_and_reports_failures():
    result = hb.sweep(trials.scores, {"lr": [1.0]}, seeds=4, backend="joblib", n_jobs=2)
    assert os.getpid() not in set(result.column("pid"))
    with pytest.raises(hb.TrialError, match=r"lr=0.5, seed=2\) raised ValueError"):
        hb.sweep(trials.fails_on_seed_2, {"lr": [0.5]}, seeds=3, backend="joblib", n_jobs=2)
    recorded = hb.sweep(
        trials.fails_on_seed_2, {"lr": [0.5]}, seeds=3, backend="joblib", on_error="record"
    )
    assert [r.get("error") is not None for r in recorded] == [False, False, True]
