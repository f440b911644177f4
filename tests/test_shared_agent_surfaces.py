"""The pieces the graph agent, the recurrent agents and populations share behave alike for all.

The training skeleton (``_learn_loop``), the file surface (``_persist``) and the cognitive envs'
argument checks are written once; these tests hold every user of each piece to the same contract.
"""

import pickle

import gymnasium as gym
import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain.envs import (
    ContextDecisionMakingEnv,
    DelayedNonMatchEnv,
    DelayMatchSampleEnv,
    PerceptualDecisionMakingEnv,
)
from hebbian_brain.rnn import NodePerturbationAgent, RewardHebbianAgent


class MyAgent(hb.Agent):
    pass


class MyNodePerturbation(NodePerturbationAgent):
    pass


class MyRewardHebbian(RewardHebbianAgent):
    pass


def _agents():
    # user subclasses of every agent kind: each is saved, loaded and pickled as itself
    return [
        MyAgent(hb.envs.GridWorldEnv(), seed=0),
        MyNodePerturbation(PerceptualDecisionMakingEnv(), n_neurons=12, seed=0),
        MyRewardHebbian(PerceptualDecisionMakingEnv(), n_neurons=12, seed=0),
    ]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_a_pickled_agent_keeps_its_class_even_a_user_subclass_and_its_learning(index):
    agent = _agents()[index].learn(episodes=4)
    copy = pickle.loads(pickle.dumps(agent))
    assert type(copy) is type(agent)
    assert copy.to_bytes() == agent.to_bytes()
    np.testing.assert_array_equal(copy.history.returns, agent.history.returns)
    assert len(copy.history) == 4


@pytest.mark.parametrize("index", [0, 1, 2])
def test_load_binds_the_given_env_and_refuses_one_with_other_spaces(index, tmp_path):
    agent = _agents()[index]
    path = tmp_path / "agent.hb"
    agent.save(path)
    env = agent.get_env()
    loaded = type(agent).load(path, env=env)
    assert type(loaded) is type(agent)
    assert loaded.get_env() is env
    assert type(agent).load(path).get_env() is None
    with pytest.raises(hb.InvalidArgumentError, match="env"):
        type(agent).load(path, env=gym.make("CartPole-v1"))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "give exactly one of them"),
        ({"total_timesteps": 5, "episodes": 5}, "give exactly one of them"),
        ({"episodes": -1}, r"`episodes`: must be an integer in \[0, 2\*\*63\), got -1"),
        ({"total_timesteps": 2.5}, r"`total_timesteps`: must be an integer"),
        ({"episodes": 2, "log_interval": 0}, r"`log_interval`: must be an integer >= 1, got 0"),
    ],
)
def test_both_agent_kinds_refuse_a_bad_budget_alike_and_learn_nothing(kwargs, match):
    for agent in _agents():
        with pytest.raises(hb.InvalidArgumentError, match=match):
            agent.learn(**kwargs)
        assert agent.num_timesteps == 0
        assert len(agent.history) == 0


@pytest.mark.parametrize("index", [0, 1, 2])
def test_both_agent_kinds_count_the_same_steps_in_callbacks_and_history(index):
    agent = _agents()[index]
    seen = []
    agent.learn(total_timesteps=120, callback=lambda a, ep: seen.append(ep.length) or True)
    assert agent.num_timesteps == 120
    assert sum(seen) == 120  # the episode cut by the budget is counted too
    assert list(agent.history.lengths) == seen


def test_only_the_coherence_tasks_keep_cohs_and_sigma():
    pdm = PerceptualDecisionMakingEnv(cohs=[51.2], sigma=0.5)
    np.testing.assert_array_equal(pdm.cohs, [51.2])
    assert pdm.sigma == 0.5
    np.testing.assert_array_equal(ContextDecisionMakingEnv().cohs, [5.0, 15.0, 50.0])
    for env in (DelayMatchSampleEnv(), DelayedNonMatchEnv()):
        assert not hasattr(env, "cohs")
        assert not hasattr(env, "sigma")


def test_a_task_argument_is_checked_before_the_shared_ones():
    # cohs is refused first (the rewards are bad too), as before the checks were shared
    with pytest.raises(hb.ArgumentTypeError, match="cohs"):
        PerceptualDecisionMakingEnv(cohs=["a"], rewards=3)
    with pytest.raises(hb.ArgumentTypeError, match="dim_ring"):
        DelayMatchSampleEnv(dim_ring=1.5, rewards=3)
    with pytest.raises(hb.ArgumentTypeError, match="rewards"):
        DelayedNonMatchEnv(sigma=0.1, rewards=3)
