"""Population: members are ordinary agents; records, histories, save/load, pickling, repr."""

import pickle

import numpy as np
import pytest

import hebbian_brain as hb


@pytest.fixture
def trained():
    pop = hb.Population(
        "GridWorld", 3, seed=0, env_kwargs={"size": 4, "start": (0, 0), "slip": 0.3}
    )
    run = pop.run_episodes(20)
    return pop, run


def test_members_are_ordinary_agents_with_their_own_brains(trained, tmp_path):
    pop, run = trained
    assert len(pop) == 3 and len(pop.members) == 3 and len(pop.envs) == 3
    assert all(isinstance(m, hb.Agent) for m in pop)
    assert pop[0] is pop.members[0] and pop[-1] is pop[2]
    assert pop[0].brain is not pop[1].brain
    action, _ = pop[0].predict(0, deterministic=True)
    assert 0 <= action < 4
    assert len(pop[1].history) == 20
    np.testing.assert_array_equal(pop[1].history.returns, run.returns[1])
    pop[0].save(tmp_path / "member.hb")
    assert hb.Agent.load(tmp_path / "member.hb").brain.node_count == pop[0].brain.node_count
    # Training one member alone works and shows in the NaN-padded returns table.
    pop[2].learn(pop.envs[2], episodes=2)
    assert pop.returns.shape == (3, 22)
    assert np.isnan(pop.returns[0, 20:]).all()
    with pytest.raises(IndexError):
        pop[3]


def test_run_records_and_learn(trained):
    pop, run = trained
    assert run.returns.shape == run.lengths.shape == run.terminated.shape == (3, 20)
    assert run.returns.dtype == np.float64 and run.lengths.dtype == np.int64
    assert run.terminated.dtype == np.bool_
    assert run.steps == sum(m.num_timesteps for m in pop)
    assert run.mean_return().shape == (3,)
    assert "episodes=20" in repr(run)
    assert pop.learn(5) is pop
    assert pop.returns.shape == (3, 25)
    assert len(pop.histories) == 3
    assert pop.run_episodes(0).returns.shape == (3, 0)
    assert np.isnan(pop.run_episodes(0).mean_return()).all()


def test_learning_shows_in_the_returns():
    pop = hb.Population("Chain", 4, seed=1, env_kwargs={"length": 12})
    run = pop.run_episodes(60)
    # The first episode is a random walk; at the end every member walks the corridor (11 steps).
    assert run.lengths[:, 0].mean() > 2 * run.lengths[:, -10:].mean()
    assert (run.lengths[:, -10:].mean(axis=1) < 15).all()


def test_save_load_and_pickle_round_trip(trained, tmp_path):
    pop, run = trained
    path = tmp_path / "pop.hbp"
    pop.save(path)
    for back in (hb.Population.load(path), pickle.loads(pickle.dumps(pop))):
        assert len(back) == 3 and back.seed == pop.seed and back.env_name == "GridWorld"
        assert back.env_kwargs == {"size": 4, "start": (0, 0), "slip": 0.3}
        np.testing.assert_array_equal(back.returns, pop.returns)
        for a, b in zip(back, pop, strict=True):
            assert a.brain.to_bytes() == b.brain.to_bytes()
    # Environments are saved with their state and generator: copies continue exactly as the
    # original does.
    a, b = hb.Population.load(path), pickle.loads(pickle.dumps(pop))
    ra, rb, rp = (p.run_episodes(15, dream_every=0) for p in (a, b, pop))
    np.testing.assert_array_equal(ra.lengths, rp.lengths)
    np.testing.assert_array_equal(rb.lengths, rp.lengths)


def test_corrupted_and_missing_files_raise_clearly(trained, tmp_path):
    pop, _ = trained
    data = bytearray(pop.to_bytes())
    data[-1] ^= 0xFF
    with pytest.raises(hb.FileFormatError):
        hb.Population.from_bytes(bytes(data))
    with pytest.raises(hb.FileFormatError):
        hb.Population.from_bytes(pop[0].to_bytes())
    with pytest.raises(FileNotFoundError):
        hb.Population.load(tmp_path / "missing.hbp")


def test_repr_names_env_size_and_progress(trained):
    pop, _ = trained
    text = repr(pop)
    assert text.startswith("Population(env='GridWorld', n=3, seed=0")
    assert "episodes=60" in text


def test_env_classes_configs_and_params_reach_every_member():
    config = hb.BrainConfig(dream=hb.DreamParams(walks_per_cycle=3))
    params = hb.AgentParams(epsilon=0.3)
    pop = hb.Population(hb.envs.ChainEnv, 2, config, params=params, seed=2)
    assert pop.env_name == "Chain"
    assert all(m.brain.config == config and m.params == params for m in pop)
    assert all(isinstance(e, hb.envs.ChainEnv) for e in pop.envs)
    pop.learn(3, progress_bar=False)
    assert pop.lengths.shape == (2, 3) and (pop.lengths >= 9).all()


def test_a_long_run_can_be_interrupted_and_keeps_finished_episodes():
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals need the main thread")
    pop = hb.Population("Chain", 2, seed=0, env_kwargs={"length": 5})
    old = signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        with pytest.raises(KeyboardInterrupt):
            pop.run_episodes(5 * 10**6, dream_every=0)  # ~170 MB of results
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    done = [len(m.history) for m in pop]
    assert done[0] == done[1] > 0 and done[0] % 32 == 0  # whole chunks, every member alike
    pop.run_episodes(1)  # usable again


def test_learn_by_total_timesteps_runs_whole_episodes_until_the_budget():
    a = hb.Population("GridWorld", 3, seed=4).learn(total_timesteps=5_000)
    steps = sum(m.num_timesteps for m in a)
    assert steps >= 5_000
    episodes = {len(m.history) for m in a}
    assert len(episodes) == 1  # every member ran the same episodes
    b = hb.Population("GridWorld", 3, seed=4).learn(total_timesteps=5_000, progress_bar=True)
    np.testing.assert_array_equal(a.returns, b.returns)
    with pytest.raises(hb.InvalidArgumentError, match="exactly one"):
        a.learn()
    with pytest.raises(hb.InvalidArgumentError, match="exactly one"):
        a.learn(3, total_timesteps=10)
    with pytest.raises(hb.InvalidArgumentError, match="total_timesteps"):
        a.learn(total_timesteps=-1)
