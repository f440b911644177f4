"""sweep() with the Ray backend on a local Ray instance (needs the ray extra; required in CI)."""

import os

import pytest
import sweep_trials as trials

import hebbian_brain as hb

ray = pytest.importorskip("ray", reason='Ray is optional: pip install "hebbian_brain[ray]"')


@pytest.fixture(scope="module")
def local_ray():
    # The trial module is not importable by Ray's workers (tests/ is not a package on their
    # path): ship it by value, as a user would for functions defined in a script.
    from ray import cloudpickle

    cloudpickle.register_pickle_by_value(trials)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()
    cloudpickle.unregister_pickle_by_value(trials)


def test_ray_gives_the_inline_table_in_grid_order(local_ray):
    grid = {"lr": [0.5, 1.5], "width": [1, 2]}
    inline = hb.sweep(trials.score, grid, seeds=2, n_jobs=1)
    result = hb.sweep(trials.score, grid, seeds=2, backend="ray")
    assert result.rows == inline.rows
    limited = hb.sweep(trials.score, grid, seeds=2, backend="ray", n_jobs=1)
    assert limited.rows == inline.rows


def test_ray_tasks_train_populations_and_report_failures(local_ray):
    result = hb.sweep(trials.population_trial, {"episodes": [10]}, seeds=2, backend="ray")
    again = hb.sweep(trials.population_trial, {"episodes": [10]}, seeds=2, n_jobs=1)
    assert result.rows == again.rows
    pids = hb.sweep(trials.scores, {"lr": [1.0]}, seeds=2, backend="ray").column("pid")
    assert os.getpid() not in pids
    with pytest.raises(hb.TrialError, match=r"lr=0.5, seed=2\) raised ValueError"):
        hb.sweep(trials.fails_on_seed_2, {"lr": [0.5]}, seeds=3, backend="ray")
    recorded = hb.sweep(
        trials.fails_on_seed_2, {"lr": [0.5]}, seeds=3, backend="ray", on_error="record"
    )
    assert len(recorded.errors) == 1


def test_a_function_ray_workers_cannot_import_is_explained(local_ray, monkeypatch):
    import sys
    import types

    ghost = types.ModuleType("ghost_trials")  # importable here only
    exec("def trial(x, seed):\n    return x\n", ghost.__dict__)
    monkeypatch.setitem(sys.modules, "ghost_trials", ghost)
    with pytest.raises(hb.TrialError, match="register_pickle_by_value"):
        hb.sweep(ghost.trial, {"x": [1]}, seeds=1, backend="ray")
