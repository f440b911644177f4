"""predict takes what stable-baselines3's predict takes and returns its shapes."""

import gymnasium as gym
import numpy as np

import hebbian_brain as hb


def test_one_observation_gives_a_0d_int64_array_like_sb3():
    agent = hb.Agent(gym.make("FrozenLake-v1"), seed=0)
    action, state = agent.predict(0, deterministic=True)
    assert isinstance(action, np.ndarray) and action.shape == () and action.dtype == np.int64
    assert state is None


def test_a_list_of_observations_is_a_batch():
    agent = hb.Agent(gym.make("FrozenLake-v1"), seed=0)
    actions, _ = agent.predict([0, 5, 15], deterministic=True)
    assert actions.shape == (3,) and actions.dtype == np.int64
    np.testing.assert_array_equal(
        actions, agent.predict(np.array([0, 5, 15]), deterministic=True)[0]
    )


def test_a_tuple_of_arrays_from_make_vec_is_a_batch_for_tuple_spaces():
    venv = gym.make_vec("Blackjack-v1", num_envs=3)
    agent = hb.Agent(venv, seed=0)
    obs, _ = venv.reset(seed=0)
    actions, _ = agent.predict(obs, deterministic=True)
    assert actions.shape == (3,)
    one, _ = agent.predict((14, 10, 0), deterministic=True)  # a single Tuple observation
    assert one.shape == ()
    venv.close()
