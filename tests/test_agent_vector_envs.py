"""Training from Gymnasium vector environments (one brain shared by all copies)."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode

import hebbian_brain as hb


@pytest.mark.parametrize("mode", [AutoresetMode.NEXT_STEP, AutoresetMode.SAME_STEP])
def test_one_shared_brain_learns_deterministic_frozen_lake_from_four_copies(mode):
    venv = gym.make_vec(
        "FrozenLake-v1", num_envs=4, is_slippery=False, vector_kwargs={"autoreset_mode": mode}
    )
    agent = hb.Agent(venv, seed=0).learn(total_timesteps=4000)
    assert agent.num_timesteps == 4000  # the steps of all copies
    assert hb.evaluate_policy(agent, gym.make("FrozenLake-v1", is_slippery=False)) == (1.0, 0.0)
    assert hb.evaluate_policy(agent, venv, n_eval_episodes=8) == (1.0, 0.0)
    venv.close()


def test_vector_episodes_reach_callbacks_and_the_step_counts_add_up():
    venv = gym.make_vec("FrozenLake-v1", num_envs=3, is_slippery=False)
    lengths = []
    agent = hb.Agent(venv, seed=0)
    agent.learn(total_timesteps=600, callback=lambda a, rec: lengths.append(rec.length))
    # Every step of every copy belongs to exactly one finished (or ended) episode.
    assert sum(lengths) == 600
    venv.close()


def test_blackjack_tuple_observations_train_through_make_vec():
    venv = gym.make_vec("Blackjack-v1", num_envs=2)
    agent = hb.Agent(venv, seed=0).learn(total_timesteps=500)
    assert agent.brain.node_count > 0
    venv.close()


def test_a_vector_env_with_other_actions_is_refused():
    venv = gym.make_vec("CliffWalking-v1", num_envs=2)
    with pytest.raises(hb.InvalidArgumentError, match="actions"):
        hb.Agent(2, seed=0).learn(venv, total_timesteps=10)
    venv.close()


@pytest.mark.parametrize(
    ("name", "kwargs", "limit"),
    [
        ("Chain", {}, 100),
        ("Chain", {"length": 30}, 300),
        ("GridWorld", {"size": 6}, 144),
        ("DeepSea", {"size": 20}, 20),
        ("RiverSwim", {"max_steps": 7}, 7),
    ],
)
def test_made_envs_state_their_step_limit_and_ids_have_a_vector_entry_point(name, kwargs, limit):
    env_id = f"hebbian_brain/{name}-v0"
    assert gym.spec(env_id).vector_entry_point is not None
    env = gym.make(env_id, **kwargs)
    assert env.spec.max_episode_steps == limit
    # The registered limit never cuts before the env does: the Rust fast path stays on.
    from hebbian_brain._agent_spaces import _builtin_core

    assert _builtin_core(env) is env.unwrapped.core
    venv = gym.make_vec(env_id, num_envs=3, vectorization_mode="vector_entry_point", **kwargs)
    obs, _ = venv.reset(seed=0)
    assert venv.num_envs == 3 and np.asarray(obs).shape == (3,)
    agent = hb.Agent(venv, seed=0).learn(total_timesteps=300)
    assert agent.num_timesteps == 300
    venv.close()


@pytest.mark.parametrize(
    "name",
    ["PerceptualDecisionMaking", "ContextDecisionMaking", "DelayMatchSample", "DelayedNonMatch"],
)
def test_cognitive_ids_have_a_vector_entry_point(name):
    env_id = f"hebbian_brain/{name}-v0"
    single = gym.make(env_id)
    venv = gym.make_vec(env_id, num_envs=2, vectorization_mode="vector_entry_point")
    obs, _ = venv.reset(seed=0)
    assert np.asarray(obs).shape == (2, *single.observation_space.shape)
    obs, reward, terminated, truncated, info = venv.step(np.zeros(2, dtype=np.int64))
    assert np.asarray(reward).shape == (2,) and np.asarray(terminated).shape == (2,)
    venv.close()
    single.close()


def test_a_shorter_time_limit_leaves_the_fast_path_and_is_respected():
    env = gym.make("hebbian_brain/GridWorld-v0", max_episode_steps=5)
    agent = hb.Agent(env, seed=0).learn(episodes=4)
    assert agent.history.lengths.max() <= 5


def test_a_population_trains_one_brain_per_copy_of_any_vector_env():
    venv = gym.make_vec("FrozenLake-v1", num_envs=3, is_slippery=False)
    pop = hb.Population(venv, seed=0).learn(total_timesteps=6000)
    assert len(pop) == 3 and pop.vector_env is venv
    assert len({id(m.brain) for m in pop}) == 3  # one brain per copy
    assert sum(m.num_timesteps for m in pop) == 6000
    for member in pop:
        assert hb.evaluate_policy(member, gym.make("FrozenLake-v1", is_slippery=False)) == (
            1.0,
            0.0,
        )
    again = hb.Population(venv, seed=0).learn(total_timesteps=6000)
    assert [m.brain for m in again] == [m.brain for m in pop]  # seeded: the same learning
    pop.learn(episodes=2)
    with pytest.raises(TypeError, match="built-in"):
        pop.run_episodes(1)
    with pytest.raises(TypeError, match="built-in"):
        pop.to_bytes()
    with pytest.raises(hb.InvalidArgumentError, match="copies"):
        hb.Population(venv, 4)
    venv.close()


@pytest.mark.parametrize("num_envs", [1, 4])
def test_dream_every_zero_runs_no_dream_walk_on_any_copy(num_envs):
    # With dreams, the steps that take a state's last untried action are followed by a short
    # sweep (rules.md §1.5a); dream_every=0 switches it off on every copy's core as well.
    venv = gym.make_vec("FrozenLake-v1", num_envs=num_envs, is_slippery=False)
    walks = []
    for dream_every in (0, 1):
        agent = hb.Agent(venv, seed=0)
        agent.brain.record_dream_walks(10_000)
        agent.learn(total_timesteps=1500, dream_every=dream_every)
        walks.append(len(agent.brain.dream_walks))
        assert agent._core.sweeps_on_closure  # restored after the call
    assert walks[0] == 0 and walks[1] > 0
    venv.close()
