"""sweep() with the local backend: inline and in 2 worker processes; table, errors, pickling."""

import os

import numpy as np
import pytest
import sweep_trials as trials

import hebbian_brain as hb


def test_grid_times_seeds_in_grid_order_inline():
    result = hb.sweep(trials.score, {"lr": [1, 2], "width": [3, 4, 5]}, seeds=[0, 7], n_jobs=1)
    assert len(result) == 12
    assert result.params == ["lr", "width"]
    assert result.columns == ["lr", "width", "seed", "value"]
    assert [(r["lr"], r["width"], r["seed"]) for r in result][:4] == [
        (1, 3, 0),
        (1, 3, 7),
        (1, 4, 0),
        (1, 4, 7),
    ]
    assert all(r["value"] == r["lr"] * 100 + r["width"] * 10 + r["seed"] for r in result)
    table = result.to_numpy()
    assert table.shape == (6, 2)
    np.testing.assert_array_equal(table[:, 1] - table[:, 0], 7)
    summary = result.summary()
    assert summary[0] == {"lr": 1, "width": 3, "n": 2, "value_mean": 133.5, "value_std": 3.5}
    assert "SweepResult(trials=12, settings=6, seeds=2" in repr(result)
    assert "width" in str(result).splitlines()[0]


def test_two_processes_give_the_same_table_as_inline():
    grid = [{"lr": 0.5}, {"lr": 1.5}]
    inline = hb.sweep(trials.scores, grid, seeds=3, n_jobs=1)
    spread = hb.sweep(trials.scores, grid, seeds=3, n_jobs=2)
    assert [r["score"] for r in spread] == [r["score"] for r in inline]
    assert spread.columns == ["lr", "seed", "score", "square", "pid"]
    assert os.getpid() not in {r["pid"] for r in spread}
    assert {r["pid"] for r in inline} == {os.getpid()}
    np.testing.assert_allclose(spread.to_numpy("square"), inline.to_numpy("square"))


def test_trials_can_train_populations_in_workers():
    result = hb.sweep(trials.population_trial, {"episodes": [10, 30]}, seeds=2, n_jobs=2)
    assert result.to_numpy("steps").shape == (2, 2)
    again = hb.sweep(trials.population_trial, {"episodes": [10, 30]}, seeds=2, n_jobs=1)
    assert result.rows == again.rows


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_failing_trial_names_its_setting_and_seed(n_jobs):
    with pytest.raises(hb.TrialError, match=r"fails_on_seed_2\(lr=0.25, seed=2\)") as info:
        hb.sweep(trials.fails_on_seed_2, {"lr": [0.25]}, seeds=4, n_jobs=n_jobs)
    assert "ValueError: bad luck with lr=0.25" in str(info.value)
    assert info.value.setting == {"lr": 0.25} and info.value.seed == 2
    assert "raise ValueError" in info.value.remote_traceback


def test_failures_can_be_recorded_as_rows():
    result = hb.sweep(
        trials.fails_on_seed_2, {"lr": [1.0, 2.0]}, seeds=3, n_jobs=2, on_error="record"
    )
    assert len(result.errors) == 2
    assert result.errors[0] == {"lr": 1.0, "seed": 2, "error": "ValueError: bad luck with lr=1.0"}
    table = result.to_numpy("value")
    assert np.isnan(table[:, 2]).all() and (table[:, :2] == [[1, 1], [2, 2]]).all()
    assert result.summary("value")[1]["n"] == 2
    assert "failed=2" in repr(result)


def test_unpicklable_things_are_explained():
    with pytest.raises(TypeError, match="module level"):
        hb.sweep(lambda x, seed: x, {"x": [1]}, seeds=2, n_jobs=2)
    # Inline needs no pickling.
    assert hb.sweep(lambda x, seed: x, {"x": [1]}, n_jobs=1).column("value") == [1]
    # A result that does not pickle is a trial error, not a hang or a crash.
    with pytest.raises(hb.TrialError, match="returns_unpicklable"):
        hb.sweep(trials.returns_unpicklable, [{}], seeds=2, n_jobs=2)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"backend": "dask"}, hb.InvalidArgumentError, "backend"),
        ({"on_error": "ignore"}, hb.InvalidArgumentError, "on_error"),
        ({"n_jobs": 0}, hb.InvalidArgumentError, "n_jobs"),
        ({"n_jobs": 1.5}, TypeError, "n_jobs"),
        ({"seeds": 0}, hb.InvalidArgumentError, "seeds"),
        ({"seeds": []}, hb.InvalidArgumentError, "seeds"),
        ({"seeds": [0.5]}, TypeError, "seeds"),
        ({"grid": {"x": 3}}, TypeError, r"grid\['x'\] must be a list"),
        ({"grid": {"x": "abc"}}, TypeError, r"grid\['x'\] must be a list"),
        ({"grid": 5}, TypeError, "grid must be"),
        ({"grid": [1, 2]}, TypeError, r"grid\[0\]"),
        ({"grid": {"seed": [1]}}, hb.InvalidArgumentError, "seeds"),
        ({"grid": [{"not valid": 1}]}, hb.InvalidArgumentError, "identifiers"),
        ({"fn": 42}, TypeError, "callable"),
    ],
)
def test_bad_arguments_raise_clearly(kwargs, exc, match):
    args = {"fn": trials.trivial, "grid": {"x": [1]}} | kwargs
    with pytest.raises(exc, match=match):
        hb.sweep(args.pop("fn"), args.pop("grid"), **args)


def test_pandas_export_or_a_clear_import_error():
    result = hb.sweep(trials.scores, {"lr": [1.0]}, seeds=2, n_jobs=1)
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pandas"):
            result.to_pandas()
    else:
        frame = result.to_pandas()
        assert list(frame.columns) == result.columns and len(frame) == 2


def test_an_empty_grid_list_gives_an_empty_table_and_a_dict_gives_one_setting():
    assert len(hb.sweep(trials.trivial, [], seeds=2)) == 0
    result = hb.sweep(trials.seed_only, {}, seeds=2, n_jobs=1)
    assert result.settings == [{}] and result.column("value") == [0, 2]


def test_a_function_the_workers_cannot_import_is_explained(monkeypatch):
    import sys
    import types

    ghost = types.ModuleType("ghost_trials")  # importable here only: pickles, but not in workers
    exec("def trial(x, seed):\n    return x\n", ghost.__dict__)
    monkeypatch.setitem(sys.modules, "ghost_trials", ghost)
    with pytest.raises(hb.TrialError, match=r"trial\(x=1, seed=0\).*(import|died)"):
        hb.sweep(ghost.trial, {"x": [1]}, seeds=1, n_jobs=2)


def test_progress_bar_counts_trials(capsys):
    result = hb.sweep(trials.trivial, {"x": [1, 2]}, seeds=2, n_jobs=1, progress_bar=True)
    assert len(result) == 4
    assert "sweep (local)" in capsys.readouterr().err
