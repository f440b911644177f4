"""The step API, predict, spaces and bad input."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces

import hebbian_brain as hb


def test_act_observe_end_episode_protocol():
    agent = hb.Agent(3, seed=0, observation=spaces.Discrete(4))
    a = agent.act(0)
    assert a in (0, 1, 2)
    agent.observe(-1.0, 1, False, False)
    agent.act(1)
    agent.observe(-1.0, 2, False, False)
    record = agent.end_episode()
    assert record.episode_return == -2.0 and record.length == 2 and not record.terminated
    assert agent.end_episode() is None
    assert len(agent.history) == 1


def test_observe_before_act_and_double_act_are_state_errors_and_agent_stays_usable():
    agent = hb.Agent(2, seed=0, observation=spaces.Discrete(3))
    with pytest.raises(hb.StateError, match="before act"):
        agent.observe(0.0, 1, False, False)
    agent.act(0)
    with pytest.raises(hb.StateError, match="twice"):
        agent.act(0)
    agent.observe(1.0, 1, True, False)
    assert agent.history[0].episode_return == 1.0


def test_nan_reward_is_rejected_without_changing_the_agent():
    agent = hb.Agent(2, seed=0, observation=spaces.Discrete(3))
    agent.act(0)
    with pytest.raises(hb.InvalidArgumentError, match="reward"):
        agent.observe(float("nan"), 1, False, False)
    with pytest.raises(hb.InvalidArgumentError, match="reward"):
        agent.observe(float("inf"), 1, False, False)
    agent.observe(0.5, 1, True, False)  # the pending action is still there
    assert agent.history.returns.tolist() == [0.5]


def test_observation_outside_the_space_names_the_argument():
    agent = hb.Agent(2, seed=0, observation=spaces.Discrete(3))
    with pytest.raises(hb.InvalidArgumentError, match="obs.*outside"):
        agent.act(3)
    with pytest.raises(hb.InvalidArgumentError, match="obs"):
        agent.act(-1)
    with pytest.raises(hb.InvalidArgumentError, match="obs"):
        agent.act("a")
    with pytest.raises(hb.InvalidArgumentError, match="obs"):
        agent.act(2**70)
    with pytest.raises(hb.InvalidArgumentError, match="observation"):
        agent.predict(2**70)
    agent.act(2)
    with pytest.raises(hb.InvalidArgumentError, match="next_obs"):
        agent.observe(0.0, 7, False, False)
    agent.observe(0.0, 1, False, False)
    multi = hb.Agent(2, seed=0, observation=spaces.MultiDiscrete([3, 3]))
    with pytest.raises(hb.InvalidArgumentError, match="outside"):
        multi.act(np.array([3, 0]))
    assert multi.act(np.array([2, 0])) in (0, 1)


def test_action_space_must_be_discrete():
    with pytest.raises(TypeError, match="Discrete"):
        hb.Agent(spaces.Box(-1, 1, (2,)))
    with pytest.raises(hb.InvalidArgumentError, match="at least 1"):
        hb.Agent(0)
    env = gym.make("MountainCarContinuous-v0")
    with pytest.raises(TypeError, match="Discrete"):
        hb.Agent(env)


def test_box_observations_get_the_default_abstraction_or_a_discretizer():
    env = gym.make("CartPole-v1")
    assert type(hb.Agent(env)) is hb.ExperienceAgent  # tests/test_experience_agent.py
    grid = hb.Agent(env, params=hb.AgentParams())  # the grid agent: the default abstraction
    assert isinstance(grid.observation, hb.QuantileDiscretizer)
    d = hb.Discretizer.from_space(env.observation_space, bins=6)
    agent = hb.Agent(env.action_space, seed=0, observation=d).learn(env, episodes=3)
    assert len(agent.history) == 3
    with pytest.raises(hb.InvalidArgumentError, match="NaN"):
        agent.act(np.full(4, np.nan))
    with pytest.raises(hb.ShapeError, match="obs"):
        agent.act(np.zeros(3))


def test_hashable_observations_without_a_space():
    agent = hb.Agent(2, seed=0)
    agent.act((1, 2))
    agent.observe(1.0, (1, 3), False, False)
    agent.act((1, 3))
    agent.observe(0.0, "goal", True, False)
    assert agent.brain.node_count == 2
    with pytest.raises(TypeError):
        agent.act(1.5)  # floats need a discretizer


def test_discrete_spaces_with_a_start_offset():
    agent = hb.Agent(spaces.Discrete(3, start=10), seed=0, observation=spaces.Discrete(2, start=-1))
    assert agent.act(-1) in (10, 11, 12)
    agent.observe(0.0, 0, True, False)
    with pytest.raises(hb.InvalidArgumentError):
        agent.act(1)


def test_predict_does_not_learn_and_handles_batches():
    env = gym.make("hebbian_brain/GridWorld-v0")
    agent = hb.Agent(env, seed=0).learn(env, episodes=60)
    nodes, steps = agent.brain.node_count, agent.num_timesteps
    action, state = agent.predict(0, deterministic=True)
    assert action in (1, 2) and state is None
    actions, state = agent.predict(np.array([0, 4, 20]), state="s", deterministic=True)
    assert actions.shape == (3,) and state == "s"
    agent.predict(np.array([0]), deterministic=False)
    assert (agent.brain.node_count, agent.num_timesteps) == (nodes, steps)


def test_predict_works_like_sb3_evaluate_policy():
    # SB3's evaluate_policy wraps the env in a one-env VecEnv: batched observations.
    env = gym.make("FrozenLake-v1", is_slippery=False)
    agent = hb.Agent(env, seed=1).learn(env, episodes=150)
    obs, _ = env.reset(seed=0)
    observations = np.array([obs])
    total = 0.0
    for _ in range(100):
        actions, _ = agent.predict(
            observations, state=None, episode_start=np.array([True]), deterministic=True
        )
        obs, reward, terminated, truncated, _ = env.step(int(actions[0]))
        total += reward
        observations = np.array([obs])
        if terminated or truncated:
            break
    assert total == 1.0


def test_learn_rejects_bad_arguments():
    env = gym.make("hebbian_brain/Chain-v0")
    agent = hb.Agent(env, seed=0)
    with pytest.raises(hb.InvalidArgumentError, match="exactly one"):
        agent.learn(env)
    with pytest.raises(hb.InvalidArgumentError, match="episodes"):
        agent.learn(env, episodes=-1)
    with pytest.raises(hb.InvalidArgumentError, match="actions"):
        agent.learn(gym.make("hebbian_brain/GridWorld-v0"), episodes=1)
    with pytest.raises(TypeError, match="config"):
        hb.Agent(2, config="fast")


def test_agent_params_validate_and_pickle():
    import pickle

    p = hb.AgentParams(exploration="softmax", temperature=0.5)
    assert pickle.loads(pickle.dumps(p)) == p
    assert p.replace(epsilon=0.3).epsilon == 0.3
    with pytest.raises(hb.InvalidConfigError, match="epsilon"):
        hb.AgentParams(epsilon=1.5)
    with pytest.raises(hb.InvalidConfigError, match="exploration"):
        hb.AgentParams(exploration="greedy")
    with pytest.raises(hb.InvalidConfigError, match="temperature"):
        hb.AgentParams(temperature=0.0)
    assert "softmax" in repr(p)


def test_softmax_agent_learns_the_chain():
    env = gym.make("hebbian_brain/Chain-v0", length=6)
    params = hb.AgentParams(exploration="softmax", temperature=0.05)
    agent = hb.Agent(env, seed=0, params=params).learn(env, episodes=30)
    assert agent.evaluate(env)[0] == 1.0


def test_agent_can_use_a_given_brain_config_or_brain():
    config = hb.BrainConfig()
    agent = hb.Agent(2, config, seed=0, observation=spaces.Discrete(3))
    assert agent.brain.config == config
    brain = hb.Brain(seed=1)
    shared = hb.Agent(2, brain, seed=0, observation=spaces.Discrete(3))
    shared.act(0)
    assert brain.node_count == 1, "the agent acts on the given live brain"
