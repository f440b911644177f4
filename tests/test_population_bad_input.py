"""Population refuses bad input with clear exceptions, and a member in use is not a panic."""

import threading

import numpy as np
import pytest

import hebbian_brain as hb


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n": 0}, hb.InvalidArgumentError, "`n`"),
        ({"n": -3}, hb.InvalidArgumentError, "`n`"),
        ({"n": 2**40}, hb.InvalidArgumentError, "`n`"),
        ({"n": 2.5}, TypeError, "n must be an integer"),
        ({"n": True}, TypeError, "n must be an integer"),
        ({"n": "4"}, TypeError, "n must be an integer"),
        ({"env": "Taxi"}, hb.InvalidArgumentError, "unknown environment 'Taxi'"),
        ({"env": 3}, TypeError, "env must be"),
        ({"env": hb.Agent}, TypeError, "env must be"),
        ({"config": hb.Brain()}, TypeError, "never share a brain"),
        ({"config": {"x": 1}}, TypeError, "config must be"),
        ({"params": {"epsilon": 0.1}}, TypeError, "params must be"),
        ({"seed": -1}, hb.InvalidArgumentError, "`seed`"),
        ({"seed": 2**64}, hb.InvalidArgumentError, "`seed`"),
        ({"seed": 1.0}, TypeError, "seed must be an integer"),
        ({"env_kwargs": [("size", 4)]}, TypeError, "env_kwargs must be a dict"),
        ({"env_kwargs": {"size": object()}}, TypeError, "plain Python literals"),
        ({"env_kwargs": {"no_such": 1}}, TypeError, "no_such"),
        ({"env_kwargs": {"size": 1}}, hb.InvalidConfigError, "size"),
        ({"n_threads": 0}, hb.InvalidArgumentError, "n_threads"),
        ({"n_threads": 2.0}, TypeError, "n_threads"),
    ],
)
def test_bad_constructor_arguments_raise_clearly(kwargs, exc, match):
    args = {"env": "GridWorld", "n": 2} | kwargs
    with pytest.raises(exc, match=match):
        hb.Population(args.pop("env"), args.pop("n"), **args)


def test_bad_run_arguments_raise_and_change_nothing():
    pop = hb.Population("Chain", 2, seed=0)
    for bad, exc in [(-1, hb.InvalidArgumentError), (1.5, TypeError), (None, TypeError)]:
        with pytest.raises(exc, match="episodes"):
            pop.run_episodes(bad)
    with pytest.raises(hb.InvalidArgumentError, match="dream_every"):
        pop.run_episodes(3, dream_every=-1)
    with pytest.raises(hb.InvalidArgumentError, match="n_threads"):
        pop.run_episodes(3, n_threads=0)
    with pytest.raises(hb.InvalidArgumentError, match="n_threads"):
        pop.n_threads = -2
    # Result arrays that cannot be addressed, or that do not fit, fail before any work.
    with pytest.raises(hb.InvalidArgumentError, match="too large"):
        pop.run_episodes(2**62)
    with pytest.raises(MemoryError):
        pop.run_episodes(2**42)
    assert all(len(m.history) == 0 for m in pop)


def test_the_core_function_checks_its_lists():
    from hebbian_brain import _core

    pop = hb.Population("Chain", 2, seed=0)
    cores = [m._core for m in pop]
    with pytest.raises(hb.ShapeError, match="envs"):
        _core.run_population_episodes(cores, [pop.envs[0].core], 1)
    with pytest.raises(TypeError, match="envs\\[1\\]"):
        _core.run_population_episodes(cores, [pop.envs[0].core, object()], 1)
    grid = hb.envs.GridWorldEnv()
    with pytest.raises(hb.InvalidArgumentError, match="member 1"):
        _core.run_population_episodes(cores, [pop.envs[0].core, grid.core], 1)
    with pytest.raises(hb.StateError, match="in use"):  # the same member twice
        _core.run_population_episodes([cores[0], cores[0]], [e.core for e in pop.envs], 1)
    with pytest.raises(hb.ShapeError, match="envs"):
        _core.population_to_bytes(cores, [pop.envs[0].core], "{}")
    with pytest.raises(TypeError, match="envs\\[0\\]"):
        _core.population_to_bytes(cores, [object(), object()], "{}")
    assert all(len(m.history) == 0 for m in pop)


def test_a_member_used_while_the_population_runs_is_refused_not_a_panic():
    pop = hb.Population("GridWorld", 2, seed=0, env_kwargs={"size": 6, "slip": 0.2})
    errors = []
    stop = threading.Event()

    def train():
        try:
            while not stop.is_set():
                pop.run_episodes(64)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    thread = threading.Thread(target=train)
    thread.start()
    refused = set()
    try:
        for _ in range(200_000):
            for call in (
                lambda: pop[0].predict(0),
                lambda: pop.envs[1].core.position,
                lambda: pop.run_episodes(1),
            ):
                try:
                    call()
                # StateError where the bindings borrow (another run, brains and envs of other
                # agents); pyo3's borrow RuntimeError on the member's own methods.
                except RuntimeError as e:
                    refused.add(type(e).__name__)
                    assert "in use" in str(e) or "borrowed" in str(e), e
            if len(refused) > 0 and "running" in repr(pop):
                break
    finally:
        stop.set()
        thread.join()
    assert not errors
    assert "StateError" in refused, refused
    pop[0].predict(0)  # usable again
    assert np.isfinite(pop.returns).all()
