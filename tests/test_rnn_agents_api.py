"""Recurrent agents in Gymnasium: construction, validation, predict, budgets, callbacks."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces

import hebbian_brain as hb
from hebbian_brain.envs import PerceptualDecisionMakingEnv
from hebbian_brain.rnn import History, NodePerturbationAgent, RewardHebbianAgent

AGENTS = [NodePerturbationAgent, RewardHebbianAgent]


class Bandit(gym.Env):
    """A cue, two silent steps, then the answer: action == cue is rewarded."""

    observation_space = spaces.Box(-1.0, 1.0, (2,), np.float32)
    action_space = spaces.Discrete(2)

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        self.cue = int(self.np_random.integers(2))
        self.t = 0
        return np.array([2 * self.cue - 1, 1 - 2 * self.cue], np.float32), {}

    def step(self, action):
        self.t += 1
        if self.t < 3:
            return np.zeros(2, np.float32), 0.0, False, False, {}
        return np.zeros(2, np.float32), float(action == self.cue), True, False, {}


@pytest.mark.parametrize("cls", AGENTS)
def test_unsupported_spaces_raise_naming_the_space(cls):
    with pytest.raises(hb.InvalidArgumentError, match="Discrete"):
        cls(gym.make("FrozenLake-v1"))  # Discrete observations
    env = gym.make("CartPole-v1")
    env.action_space = spaces.MultiBinary(3)
    with pytest.raises(hb.InvalidArgumentError, match="MultiBinary"):
        cls(env)


@pytest.mark.parametrize("cls", AGENTS)
def test_bad_observation_shape_dtype_and_nan_reward(cls):
    agent = cls(gym.make("CartPole-v1"), n_neurons=10, seed=0)
    core = agent._core
    with pytest.raises(hb.ShapeError, match="Box"):
        core.act(np.zeros(3), 0.0)
    with pytest.raises(hb.InvalidArgumentError, match="Box"):
        core.act(np.array(["a", "b", "c", "d"]), 0.0)
    with pytest.raises(hb.InvalidArgumentError, match="Box"):
        core.act("obs", 0.0)
    with pytest.raises(hb.HebbianError, match=r"shape \(2, 2\)"):
        core.act(np.zeros((2, 2)), 0.0)
    with pytest.raises(hb.InvalidArgumentError, match="reward"):
        core.act(np.zeros(4), float("nan"))
    with pytest.raises(hb.InvalidArgumentError, match="observation"):
        core.act(np.array([0, np.inf, 0, 0.0]), 0.0)
    assert agent.num_timesteps == 0
    with pytest.raises(hb.ShapeError):
        agent.predict(np.zeros(5))


def test_integer_observations_are_converted():
    agent = NodePerturbationAgent(gym.make("CartPole-v1"), n_neurons=10, seed=0)
    a = agent._core.act(np.zeros(4, dtype=np.int64), 0.0)
    b = agent._core.act([0, 0, 0, 0], 0.0)
    assert a in (0, 1) and b in (0, 1)


def test_nan_reward_from_the_env_is_refused():
    class NanReward(Bandit):
        def step(self, action):
            obs, _, term, trunc, info = super().step(action)
            return obs, float("nan"), term, trunc, info

    agent = NodePerturbationAgent(NanReward(), n_neurons=8, seed=0)
    with pytest.raises(hb.InvalidArgumentError, match="reward"):
        agent.learn(episodes=2)


def test_budgets_are_checked_and_obeyed():
    agent = NodePerturbationAgent(gym.make("CartPole-v1"), n_neurons=16, seed=0)
    with pytest.raises(hb.InvalidArgumentError):
        agent.learn()
    with pytest.raises(hb.InvalidArgumentError):
        agent.learn(total_timesteps=10, episodes=1)
    with pytest.raises(hb.InvalidArgumentError):
        agent.learn(episodes=-1)
    agent.learn(total_timesteps=123)
    assert agent.num_timesteps == 123
    agent.learn(episodes=4)
    assert len(agent.history) == agent.num_episodes


def test_callback_sees_each_episode_and_can_stop():
    seen = []

    def cb(agent, episode):
        seen.append(episode)
        return len(seen) < 3

    agent = NodePerturbationAgent(Bandit(), n_neurons=8, seed=0).learn(episodes=10, callback=cb)
    assert len(seen) == 3 and agent.num_episodes == 3
    assert all(e.length == 3 for e in seen)


def test_progress_bar_runs():
    pytest.importorskip("tqdm")
    NodePerturbationAgent(Bandit(), n_neurons=8, seed=0).learn(episodes=5, progress_bar=True)
    env = PerceptualDecisionMakingEnv()
    NodePerturbationAgent(env, n_neurons=8, seed=0).learn(episodes=5, progress_bar=True)


@pytest.mark.parametrize("cls", AGENTS)
def test_predict_carries_the_recurrent_state(cls):
    agent = cls(gym.make("CartPole-v1"), n_neurons=20, seed=0)
    obs = np.array([0.01, 0.0, 0.02, 0.0], np.float32)
    a1, s1 = agent.predict(obs, deterministic=True)
    assert a1 in (0, 1) and s1.shape == (20,)
    _, s2 = agent.predict(obs, state=s1, deterministic=True)
    assert not np.allclose(s1, s2)
    _, s_restart = agent.predict(obs, state=s1, episode_start=True, deterministic=True)
    np.testing.assert_array_equal(s_restart, s1)
    actions, states = agent.predict(np.stack([obs, obs]), deterministic=True)
    assert actions.shape == (2,) and states.shape == (2, 20)
    _, states2 = agent.predict(np.stack([obs, obs]), state=states, episode_start=[True, False])
    np.testing.assert_array_equal(states2[0] != 0, s1 != 0)


def test_box_actions_stay_in_their_bounds():
    env = gym.make("Pendulum-v1")
    agent = RewardHebbianAgent(env, n_neurons=16, seed=0).learn(episodes=2)
    obs, _ = env.reset(seed=0)
    state = None
    for _ in range(20):
        action, state = agent.predict(obs, state)
        assert action.shape == (1,) and action.dtype == np.float32
        assert -2.0 <= float(action[0]) <= 2.0
        obs, *_ = env.step(action)
    assert agent.history.lengths.tolist() == [200, 200]


def test_history_and_repr():
    agent = NodePerturbationAgent(Bandit(), n_neurons=8, seed=0).learn(episodes=7)
    h = agent.history
    assert isinstance(h, History) and len(h) == 7
    assert h.moving_average(3).shape == (7,)
    assert "episodes=7" in repr(agent)
    assert agent.config["rule"] == "node_perturbation"
    agent.set_params(learning_rate=0.01)
    assert agent.config["learning_rate"] == 0.01
    with pytest.raises(hb.InvalidConfigError, match="leak"):
        agent.set_params(leak=2.0)
    with pytest.raises(TypeError, match="unexpected"):
        agent.set_params(lerning_rate=0.1)
    assert agent.config["output_noise_correlation"] == 0.0  # white output noise by default
    with pytest.raises(hb.InvalidConfigError, match="output_noise_correlation"):
        agent.set_params(output_noise_correlation=1.0)
    assert agent.config["output_noise_correlation"] == 0.0


def test_env_with_other_spaces_is_refused():
    agent = NodePerturbationAgent(Bandit(), n_neurons=8, seed=0)
    with pytest.raises(hb.InvalidArgumentError, match="spaces"):
        agent.learn(episodes=1, env=gym.make("CartPole-v1"))
