"""The stable-baselines3 surface of Agent: env binding, learn's arguments, load(env=),
get/set_env, get/set_parameters; each checked against SB3's documented behaviour."""

import gymnasium as gym
import numpy as np
import pytest

import hebbian_brain as hb


def lake():
    return gym.make("FrozenLake-v1", is_slippery=False)


def test_learn_uses_the_env_bound_at_construction():
    env = lake()
    model = hb.Agent(env, seed=0)
    assert model.get_env() is env and model.env is env
    assert model.learn(total_timesteps=300) is model
    assert model.num_timesteps == 300
    model.learn(200)  # SB3's positional total_timesteps
    assert model.num_timesteps == 500


def test_the_older_learn_env_form_still_works_and_an_unbound_agent_asks_for_an_env():
    env = lake()
    agent = hb.Agent(env.action_space, observation=env.observation_space, seed=0)
    assert agent.get_env() is None
    with pytest.raises(hb.InvalidArgumentError, match="no environment"):
        agent.learn(total_timesteps=10)
    agent.learn(env, total_timesteps=50)
    agent.learn(env=env, episodes=2)
    assert agent.get_env() is None  # an env given to learn is for that call only


def test_set_env_checks_the_spaces():
    agent = hb.Agent(lake(), seed=0)
    agent.set_env(gym.make("FrozenLake-v1", is_slippery=True))
    with pytest.raises(hb.InvalidArgumentError, match="actions"):
        agent.set_env(hb.envs.ChainEnv())
    with pytest.raises(hb.InvalidArgumentError, match="observation space"):
        agent.set_env(gym.make("FrozenLake-v1", map_name="8x8"))


def test_a_gymnasium_id_builds_and_binds_the_env():
    agent = hb.Agent("FrozenLake-v1", seed=0)
    assert agent.get_env().spec.id == "FrozenLake-v1"
    agent.learn(total_timesteps=20)


def test_load_binds_the_env_and_training_continues(tmp_path):
    env = lake()
    model = hb.Agent(env, seed=0).learn(total_timesteps=500)
    model.save(tmp_path / "a.hb")
    back = hb.Agent.load(tmp_path / "a.hb", env=env)
    assert back.get_env() is env
    back.learn(total_timesteps=100, reset_num_timesteps=False)
    assert back.num_timesteps == 600
    with pytest.raises(hb.InvalidArgumentError):
        hb.Agent.load(tmp_path / "a.hb", env=gym.make("CliffWalking-v1"))


def test_get_and_set_parameters_move_a_learned_brain_between_agents(tmp_path):
    env = lake()
    teacher = hb.Agent(env, seed=0).learn(total_timesteps=3000)
    student = hb.Agent(env, seed=1)
    params = teacher.get_parameters()
    assert set(params) == {"brain", "params"}
    student.set_parameters(params)
    states = np.arange(16)
    np.testing.assert_array_equal(
        student.predict(states, deterministic=True)[0],
        teacher.predict(states, deterministic=True)[0],
    )
    assert student.brain is not teacher.brain  # a copy: training one leaves the other
    student.learn(total_timesteps=50)
    assert student.brain != teacher.brain
    teacher.save(tmp_path / "t.hb")
    other = hb.Agent(env, seed=2)
    other.set_parameters(tmp_path / "t.hb")
    assert other.brain == teacher.brain
    with pytest.raises(hb.InvalidArgumentError, match="keys"):
        other.set_parameters({"brain": params["brain"]})
    other.set_parameters({"brain": params["brain"]}, exact_match=False)
    with pytest.raises(hb.InvalidArgumentError, match="keys"):
        other.set_parameters({"policy": {}}, exact_match=False)


def test_tensorboard_runs_are_numbered_like_sb3(tmp_path):
    pytest.importorskip("tensorboardX", reason="the tensorboard extra is not installed")
    model = hb.Agent(lake(), seed=0, tensorboard_log=tmp_path)
    model.learn(total_timesteps=200, tb_log_name="lake")
    model.learn(total_timesteps=200, tb_log_name="lake")
    model.learn(total_timesteps=200, tb_log_name="lake", reset_num_timesteps=False)
    runs = sorted(p.name for p in tmp_path.iterdir())
    assert runs == ["lake_1", "lake_2"]
    assert any(p.name.startswith("events.out.tfevents") for p in (tmp_path / "lake_2").iterdir())


def test_learn_refuses_a_budget_given_twice_and_an_int_callback():
    env = lake()
    agent = hb.Agent(env, seed=0)
    with pytest.raises(TypeError):
        agent.learn(10, total_timesteps=10)
    with pytest.raises(TypeError, match="keyword"):
        agent.learn(env, 100)
    with pytest.raises(hb.InvalidArgumentError, match="log_interval"):
        agent.learn(total_timesteps=10, log_interval=0)
