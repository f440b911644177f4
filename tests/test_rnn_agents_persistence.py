"""Save/load and pickling of recurrent agents continue identically; same seed, same result."""

import json
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


class MyNodePerturbation(NodePerturbationAgent):
    pass


class MyRewardHebbian(RewardHebbianAgent):
    pass


class MyDeeperNodePerturbation(MyNodePerturbation):
    pass


def _learned(cls, episodes=5):
    return cls(PerceptualDecisionMakingEnv(), n_neurons=12, seed=3).learn(episodes=episodes)


@pytest.mark.parametrize(
    ("cls", "base"),
    [
        (MyNodePerturbation, NodePerturbationAgent),
        (MyRewardHebbian, RewardHebbianAgent),
        (MyDeeperNodePerturbation, NodePerturbationAgent),
    ],
)
def test_a_user_subclass_loads_and_unpickles_as_itself_and_as_its_base(cls, base, tmp_path):
    agent = _learned(cls)
    path = tmp_path / "agent.hb"
    agent.save(path)
    copies = (cls.load(path), pickle.loads(pickle.dumps(agent)), cls.from_bytes(agent.to_bytes()))
    for other in copies:
        assert type(other) is cls
        assert other.to_bytes() == agent.to_bytes()
        np.testing.assert_array_equal(other.history.returns, agent.history.returns)
    # the base class (the built-in kind the payload belongs to) reads the file as itself
    as_base = base.load(path)
    assert type(as_base) is base
    np.testing.assert_array_equal(as_base.weights, agent.weights)
    # the file names the built-in kind, so a reader that knows only those reads it too
    assert json.loads(agent._core.metadata)["class"] == base.__name__


def test_a_built_in_agent_file_loads_as_a_subclass_of_its_kind(tmp_path):
    agent = _learned(NodePerturbationAgent)
    path = tmp_path / "agent.hb"
    agent.save(path)
    loaded = MyDeeperNodePerturbation.load(path)
    assert type(loaded) is MyDeeperNodePerturbation
    np.testing.assert_array_equal(loaded.weights, agent.weights)
    for a in (loaded, agent):  # and it continues exactly as the agent it was saved from
        env = PerceptualDecisionMakingEnv()
        env.reset(seed=4)
        a.learn(episodes=3, env=env)
    np.testing.assert_array_equal(loaded.weights, agent.weights)
    np.testing.assert_array_equal(loaded.history.returns, agent.history.returns)


@pytest.mark.parametrize(
    ("writer", "reader", "held", "wanted"),
    [
        (RewardHebbianAgent, NodePerturbationAgent, "RewardHebbianAgent", "NodePerturbationAgent"),
        (MyRewardHebbian, NodePerturbationAgent, "RewardHebbianAgent", "NodePerturbationAgent"),
        (NodePerturbationAgent, MyRewardHebbian, "NodePerturbationAgent", "RewardHebbianAgent"),
        (MyNodePerturbation, MyRewardHebbian, "NodePerturbationAgent", "RewardHebbianAgent"),
    ],
)
def test_a_file_of_the_other_kind_is_refused_naming_both_kinds(
    writer, reader, held, wanted, tmp_path
):
    path = tmp_path / "agent.hb"
    _learned(writer, episodes=1).save(path)
    with pytest.raises(hb.FileFormatError, match=f"holds a {held}, not a {wanted}") as err:
        reader.load(path)
    assert reader.__name__ in str(err.value)
    with pytest.raises(hb.FileFormatError, match=f"holds a {held}, not a {wanted}"):
        reader.from_bytes(_learned(writer, episodes=0).to_bytes())


def _with_class_name(agent, name):
    meta = json.loads(agent._core.metadata)
    meta["class"] = name
    agent._core.metadata = json.dumps(meta)
    return agent.to_bytes()


def test_a_file_that_names_a_user_subclass_loads_by_the_kind_its_payload_holds():
    # files written by a subclass before its kind was recorded name the subclass itself
    agent = _learned(NodePerturbationAgent)
    data = _with_class_name(agent, "MyRecurrent")
    assert type(MyNodePerturbation.from_bytes(data)) is MyNodePerturbation
    assert type(NodePerturbationAgent.from_bytes(data)) is NodePerturbationAgent
    assert type(pickle.loads(pickle.dumps(NodePerturbationAgent.from_bytes(data)))) is (
        NodePerturbationAgent
    )
    refused = "holds a NodePerturbationAgent, not a RewardHebbianAgent"
    with pytest.raises(hb.FileFormatError, match=refused):
        RewardHebbianAgent.from_bytes(data)


@pytest.mark.parametrize("name", ["RewardHebbianAgent", 3, None])
def test_a_class_name_that_contradicts_the_payload_is_damaged_metadata(name):
    data = _with_class_name(_learned(NodePerturbationAgent, episodes=0), name)
    with pytest.raises(hb.FileFormatError, match="class"):
        NodePerturbationAgent.from_bytes(data)


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
