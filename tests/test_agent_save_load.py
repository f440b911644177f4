"""Agents round-trip through files and pickle, and bad files raise clear errors."""

import pickle

import gymnasium as gym
import numpy as np
import pytest

import hebbian_brain as hb


@pytest.fixture
def trained():
    env = gym.make("hebbian_brain/GridWorld-v0")
    return hb.Agent(env, seed=0).learn(env, episodes=40), env


def test_save_load_keeps_policy_history_and_brain(tmp_path, trained):
    agent, env = trained
    path = tmp_path / "agent.hb"
    agent.save(path)
    back = hb.Agent.load(path)
    np.testing.assert_array_equal(back.history.returns, agent.history.returns)
    assert back.brain.node_count == agent.brain.node_count
    assert back.params == agent.params
    for s in range(25):
        assert back.predict(s, deterministic=True) == agent.predict(s, deterministic=True)
    with pytest.raises(hb.InvalidArgumentError):
        back.act(25)  # the observation space came back too


def test_loaded_agent_continues_exactly_like_the_original(tmp_path, trained):
    agent, _ = trained
    path = tmp_path / "agent.hb"
    agent.save(path)
    back = hb.Agent.load(path)
    env_a = gym.make("hebbian_brain/GridWorld-v0", slip=0.3)
    env_b = gym.make("hebbian_brain/GridWorld-v0", slip=0.3)
    env_a.reset(seed=5)
    env_b.reset(seed=5)
    agent.learn(env_a, episodes=10)
    back.learn(env_b, episodes=10)
    np.testing.assert_array_equal(agent.history.returns, back.history.returns)


def test_pickle_round_trip_with_a_discretizer():
    env = gym.make("CartPole-v1")
    d = hb.Discretizer.from_space(env.observation_space, bins=5)
    agent = hb.Agent(env.action_space, seed=0, observation=d).learn(env, episodes=2)
    back = pickle.loads(pickle.dumps(agent))
    assert back.observation == d
    obs = np.array([0.01, -0.2, 0.03, 0.1])
    assert back.predict(obs, deterministic=True) == agent.predict(obs, deterministic=True)


def test_bad_files_raise_clear_errors(tmp_path, trained):
    agent, _ = trained
    path = tmp_path / "agent.hb"
    agent.save(path)
    data = path.read_bytes()
    (tmp_path / "short.hb").write_bytes(data[: len(data) // 2])
    with pytest.raises(hb.FileFormatError):
        hb.Agent.load(tmp_path / "short.hb")
    flipped = bytearray(data)
    flipped[-10] ^= 0xFF
    (tmp_path / "flipped.hb").write_bytes(bytes(flipped))
    with pytest.raises(hb.FileFormatError):
        hb.Agent.load(tmp_path / "flipped.hb")
    with pytest.raises(FileNotFoundError):
        hb.Agent.load(tmp_path / "missing.hb")
    brain_file = tmp_path / "brain.hb"
    agent.brain.save(brain_file)
    with pytest.raises(hb.FileFormatError):
        hb.Agent.load(brain_file)


@pytest.mark.parametrize("how", ["save", "pickle"])
def test_a_tuple_space_keeps_validating_observations_after_loading(tmp_path, how):
    from gymnasium import spaces

    space = spaces.Tuple((spaces.Discrete(3), spaces.Discrete(2)))
    agent = hb.Agent(2, seed=0, observation=space)
    agent.act((1, 1))
    agent.observe(0.0, (2, 0), True, False)
    if how == "save":
        agent.save(tmp_path / "a.hb")
        back = hb.Agent.load(tmp_path / "a.hb")
    else:
        back = pickle.loads(pickle.dumps(agent))
    assert back.observation == space
    with pytest.raises(hb.InvalidArgumentError, match="outside the observation space"):
        back.act((5, 0))
    assert back.act((1, 1)) == agent.act((1, 1))
