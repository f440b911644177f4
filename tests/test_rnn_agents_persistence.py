"""Save/load and pickling of recurrent agents continue identically; same seed, same result."""

import pickle

import gymnasium as gym
import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain.envs import DelayedNonMatchEnv, PerceptualDecisionMakingEnv
from hebbian_brain.rnn import NodePerturbationAgent, RewardHebbianAgent, train_population


@pytest.mark.parametrize("cls", [NodePerturbationAgent, RewardHebbianAgent])
def test_save_load_and_pickle_continue_identically(cls, tmp_path):
    env = PerceptualDecisionMakingEnv()
    env.reset(seed=0)
    agent = cls(env, n_neurons=30, seed=1).learn(episodes=50)
    path = tmp_path / "agent.hb"
    agent.save(path)
    loaded = cls.load(path, env=env)
    unpickled = pickle.loads(pickle.dumps(agent))
    for other in (loaded, unpickled):
        assert type(other) is cls
        np.testing.assert_array_equal(other.weights, agent.weights)
        assert other.observation_space == agent.observation_space
    obs = env.reset(seed=5)[0]
    outs = []
    for a in (agent, loaded, unpickled):
        env_copy = PerceptualDecisionMakingEnv()
        env_copy.reset(seed=9)
        a.learn(episodes=20, env=env_copy)
        outs.append((a.weights, a.predict(obs)[1]))
    for w, s in outs[1:]:
        np.testing.assert_array_equal(w, outs[0][0])
        np.testing.assert_array_equal(s, outs[0][1])


def test_damaged_or_foreign_files_are_refused(tmp_path):
    agent = NodePerturbationAgent(gym.make("CartPole-v1"), n_neurons=10, seed=0)
    data = agent.to_bytes()
    with pytest.raises(hb.FileFormatError):
        NodePerturbationAgent.from_bytes(data[:-5])
    with pytest.raises(hb.FileFormatError, match="not a RewardHebbianAgent"):
        RewardHebbianAgent.from_bytes(data)
    bad = tmp_path / "bad.hb"
    bad.write_bytes(b"junk" * 10)
    with pytest.raises(hb.FileFormatError):
        NodePerturbationAgent.load(bad)


def test_same_seed_same_learning_in_gymnasium():
    runs = []
    for _ in range(2):
        env = gym.make("CartPole-v1")
        agent = NodePerturbationAgent(env, n_neurons=20, seed=7).learn(episodes=30)
        runs.append((agent.history.returns, agent.weights))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    np.testing.assert_array_equal(runs[0][1], runs[1][1])


def test_population_is_parallel_and_deterministic():
    env = DelayedNonMatchEnv()

    def run():
        agents = [NodePerturbationAgent(env, n_neurons=20, seed=s) for s in range(4)]
        returns = train_population(agents, env, 30)
        return returns, [a.weights for a in agents]

    (r1, w1), (r2, w2) = run(), run()
    assert r1.shape == (4, 30)
    np.testing.assert_array_equal(r1, r2)
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    # the same as training each agent alone on a copy reset with its index
    solo = NodePerturbationAgent(env, n_neurons=20, seed=2)
    e = DelayedNonMatchEnv()
    e.core.reset(2)
    solo._core.run_episodes(e.core, 30)
    np.testing.assert_array_equal(solo.weights, w1[2])
