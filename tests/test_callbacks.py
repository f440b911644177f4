"""Callback objects (stable-baselines3's BaseCallback contract) and plain functions."""

import gymnasium as gym
import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain.callbacks import (
    BaseCallback,
    CallbackList,
    CheckpointCallback,
    EvalCallback,
    StopTrainingOnRewardThreshold,
)


def lake():
    return gym.make("FrozenLake-v1", is_slippery=False)


class Recorder(BaseCallback):
    def __init__(self, stop_at=None):
        super().__init__()
        self.events = []
        self.stop_at = stop_at

    def _on_training_start(self):
        self.events.append("start")

    def _on_rollout_start(self):
        self.events.append("rollout_start")

    def _on_step(self):
        self.events.append("step")
        assert self.locals["rewards"].shape == (1,) and self.locals["dones"].shape == (1,)
        return self.stop_at is None or self.n_calls < self.stop_at

    def _on_rollout_end(self):
        self.events.append("rollout_end")

    def _on_training_end(self):
        self.events.append("end")


def test_hooks_run_in_sb3_order_with_one_on_step_per_step():
    agent = hb.Agent(lake(), seed=0)
    rec = Recorder()
    agent.learn(total_timesteps=60, callback=rec)
    assert rec.model is agent and rec.training_env is agent.get_env()
    assert rec.events[0] == "start" and rec.events[-1] == "end"
    assert rec.events.count("step") == 60 == rec.n_calls == rec.num_timesteps
    assert (
        rec.events.count("rollout_start") == rec.events.count("rollout_end") == len(agent.history)
    )
    assert rec.events[1] == "rollout_start" and rec.events[-2] == "rollout_end"


def test_on_step_returning_false_stops_training_at_that_step():
    agent = hb.Agent(lake(), seed=0)
    rec = Recorder(stop_at=7)
    agent.learn(total_timesteps=1000, callback=rec)
    assert agent.num_timesteps == 7
    assert rec.events[-1] == "end"
    assert not agent._core.awaiting_observation  # the episode in progress was ended


def test_callback_list_gives_every_member_every_step():
    a, b = Recorder(), Recorder(stop_at=5)
    hb.Agent(lake(), seed=0).learn(total_timesteps=100, callback=CallbackList([a, b]))
    assert a.n_calls == b.n_calls == 5
    c, d = Recorder(), Recorder()
    hb.Agent(lake(), seed=0).learn(total_timesteps=30, callback=[c, d])  # a list, as in SB3
    assert c.n_calls == d.n_calls == 30


def test_plain_functions_still_get_each_episode_and_can_stop():
    seen = []
    agent = hb.Agent(lake(), seed=0)
    agent.learn(episodes=50, callback=lambda a, rec: seen.append(rec) or len(seen) < 4)
    assert len(seen) == 4 == len(agent.history)
    assert isinstance(seen[0], hb.EpisodeRecord)


def test_anything_else_is_refused_with_a_clear_message():
    with pytest.raises(TypeError, match="BaseCallback"):
        hb.Agent(lake(), seed=0).learn(total_timesteps=5, callback=object())


class EpisodeCounter(BaseCallback):
    def __init__(self):
        super().__init__()
        self.episodes = 0

    def _on_rollout_end(self):
        self.episodes += 1


def test_an_episode_only_callback_keeps_the_rust_fast_path(monkeypatch):
    env = gym.make("hebbian_brain/GridWorld-v0")
    agent = hb.Agent(env, seed=0)

    def no_python_steps(*_):
        raise AssertionError("the fast path stepped in Python")

    monkeypatch.setattr(hb.Agent, "act", no_python_steps)
    counter = EpisodeCounter()
    assert not counter.needs_steps
    agent.learn(episodes=12, callback=counter)
    assert counter.episodes == 12 == len(agent.history)
    # The same learning as without a callback (episodes run one run_episodes call at a time).
    other = hb.Agent(gym.make("hebbian_brain/GridWorld-v0"), seed=0).learn(episodes=12)
    np.testing.assert_array_equal(other.history.returns, agent.history.returns)
    for a, b in (
        (other.brain.nodes(), agent.brain.nodes()),
        (other.brain.edges(), agent.brain.edges()),
    ):
        for key in a:
            np.testing.assert_array_equal(a[key], b[key])


def test_eval_callback_saves_the_best_agent_and_the_threshold_stops_training(tmp_path):
    env = lake()
    stop = StopTrainingOnRewardThreshold(reward_threshold=1.0)
    ev = EvalCallback(
        lake(),
        callback_on_new_best=stop,
        n_eval_episodes=3,
        eval_freq=100,
        best_model_save_path=tmp_path / "best",
        log_path=tmp_path / "eval",
        verbose=0,
    )
    agent = hb.Agent(env, seed=0)
    agent.learn(total_timesteps=50_000, callback=ev)
    assert ev.best_mean_reward == 1.0 and stop.parent is ev
    assert agent.num_timesteps < 50_000 and agent.num_timesteps % 100 == 0
    data = np.load(tmp_path / "eval" / "evaluations.npz")
    assert data["results"].shape == (len(ev.evaluations_timesteps), 3)
    assert data["timesteps"][-1] == agent.num_timesteps
    best = hb.Agent.load(tmp_path / "best" / "best_model.hb")
    assert hb.evaluate_policy(best, lake(), n_eval_episodes=3)[0] == 1.0


def test_stop_on_threshold_outside_an_eval_callback_is_a_state_error():
    with pytest.raises(hb.StateError, match="EvalCallback"):
        hb.Agent(lake(), seed=0).learn(
            total_timesteps=5, callback=StopTrainingOnRewardThreshold(1.0)
        )


def test_checkpoints_are_named_by_step(tmp_path):
    agent = hb.Agent(lake(), seed=0)
    agent.learn(total_timesteps=250, callback=CheckpointCallback(100, tmp_path, name_prefix="m"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m_100_steps.hb", "m_200_steps.hb"]
    assert hb.Agent.load(tmp_path / "m_200_steps.hb").num_timesteps == 200


def test_evaluate_policy_returns_sb3_shapes():
    agent = hb.Agent(lake(), seed=0).learn(total_timesteps=3000)
    mean, std = hb.evaluate_policy(agent, lake(), n_eval_episodes=4)
    assert (mean, std) == (1.0, 0.0)
    returns, lengths = hb.evaluate_policy(
        agent, lake(), n_eval_episodes=4, return_episode_rewards=True
    )
    assert returns == [1.0] * 4 and lengths == [6] * 4
    with pytest.raises(hb.InvalidArgumentError, match="reward_threshold"):
        hb.evaluate_policy(agent, lake(), n_eval_episodes=2, reward_threshold=2.0)
