"""Same seed, same population: independent of thread count and call splitting, and each member
learns exactly what a lone agent with its seed learns."""

import numpy as np
import pytest

import hebbian_brain as hb


def _population(**kwargs):
    kwargs.setdefault("env_kwargs", {"size": 4, "slip": 0.1})
    return hb.Population("GridWorld", 6, seed=11, **kwargs)


def test_one_and_two_threads_give_identical_populations():
    a = _population(n_threads=1)
    b = _population(n_threads=2)
    ra = a.run_episodes(40)
    rb = b.run_episodes(40)
    np.testing.assert_array_equal(ra.returns, rb.returns)
    np.testing.assert_array_equal(ra.lengths, rb.lengths)
    np.testing.assert_array_equal(ra.terminated, rb.terminated)
    for ma, mb in zip(a, b, strict=True):
        assert ma.brain.to_bytes() == mb.brain.to_bytes()
    # Members have their own seeds: they do not all learn the same thing.
    assert len({tuple(r) for r in ra.lengths}) > 1


def test_splitting_a_run_and_the_global_pool_do_not_change_results():
    a = _population()
    b = _population(n_threads=2)
    whole = a.run_episodes(70)
    first = b.run_episodes(33, n_threads=1)
    second = b.run_episodes(37)
    np.testing.assert_array_equal(whole.returns, np.hstack([first.returns, second.returns]))
    np.testing.assert_array_equal(a.returns, b.returns)


@pytest.mark.parametrize(
    ("env", "env_kwargs", "env_cls"),
    [
        ("Chain", {"length": 8, "slip": 0.2}, hb.envs.ChainEnv),
        ("hebbian_brain/GridWorld-v0", {"size": 4, "slip": 0.1}, hb.envs.GridWorldEnv),
    ],
)
def test_each_member_learns_what_a_lone_agent_with_its_seed_learns(env, env_kwargs, env_cls):
    pop = hb.Population(env, 3, seed=5, env_kwargs=env_kwargs)
    run = pop.run_episodes(25)
    for i, seed in enumerate(pop.member_seeds):
        alone_env = env_cls(**env_kwargs)
        alone = hb.Agent(alone_env, seed=int(seed))
        records = alone.run_episodes(alone_env, 25)
        np.testing.assert_array_equal([r.episode_return for r in records], run.returns[i])
        assert alone.brain.to_bytes() == pop[i].brain.to_bytes()


def test_seed_none_draws_a_seed_that_reproduces_the_population():
    a = hb.Population("Chain", 2, env_kwargs={"slip": 0.3})
    b = hb.Population("Chain", 2, seed=a.seed, env_kwargs={"slip": 0.3})
    np.testing.assert_array_equal(a.run_episodes(10).lengths, b.run_episodes(10).lengths)
    assert 0 <= a.seed < 2**64
    assert a.member_seeds.dtype == np.uint64
    assert int(a.member_seeds[1]) == hb.population.derive_seed(a.seed, 1)
