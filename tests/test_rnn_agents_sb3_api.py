"""The recurrent agents' stable-baselines3 surface: callbacks, logger, parameters, load, eval."""

import csv

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces

import hebbian_brain as hb
from hebbian_brain.callbacks import (
    BaseCallback,
    CallbackList,
    CheckpointCallback,
    EvalCallback,
    StopTrainingOnRewardThreshold,
)
from hebbian_brain.envs import PerceptualDecisionMakingEnv
from hebbian_brain.evaluation import evaluate_policy
from hebbian_brain.logger import configure
from hebbian_brain.rnn import AgentEpisode, NodePerturbationAgent, RewardHebbianAgent

AGENTS = [NodePerturbationAgent, RewardHebbianAgent]


class Cue(gym.Env):
    """A cue, two silent steps, then the answer: action == cue is rewarded (3 steps)."""

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


class Recorder(BaseCallback):
    def __init__(self, stop_after=None):
        super().__init__()
        self.events = []
        self.episodes = []
        self.stop_after = stop_after

    def _on_training_start(self):
        self.events.append("start")

    def _on_rollout_start(self):
        self.events.append("rollout_start")

    def _on_step(self):
        self.events.append("step")
        assert self.locals["dones"].shape == (1,)
        return self.stop_after is None or self.n_calls < self.stop_after

    def _on_rollout_end(self):
        self.events.append("rollout_end")
        self.episodes.append(self.locals["episode"])

    def _on_training_end(self):
        self.events.append("end")


class EpisodeCounter(BaseCallback):
    """Only episode hooks: whole episodes of the built-in tasks may still run in Rust."""

    def __init__(self):
        super().__init__()
        self.episodes = []

    def _on_rollout_end(self):
        self.episodes.append(self.locals["episode"])


@pytest.mark.parametrize("cls", AGENTS)
def test_callback_hooks_in_sb3_order_each_step(cls):
    agent = cls(Cue(), n_neurons=10, seed=0)
    cb = Recorder()
    agent.learn(30, callback=cb)
    assert cb.events[0] == "start" and cb.events[-1] == "end"
    assert cb.events.count("step") == 30 == cb.n_calls == agent.num_timesteps
    assert cb.events[1:5] == ["rollout_start", "step", "step", "step"]
    assert cb.events.count("rollout_end") == 10 == agent.num_episodes
    assert all(isinstance(e, AgentEpisode) and e.length == 3 for e in cb.episodes)
    assert [e.episode_return for e in cb.episodes] == list(agent.history.returns)
    assert cb.model is agent and cb.num_timesteps == 30


@pytest.mark.parametrize("cls", AGENTS)
def test_on_step_false_stops_and_learns_the_cut_episode(cls):
    agent = cls(Cue(), n_neurons=10, seed=0)
    cb = Recorder(stop_after=7)
    agent.learn(total_timesteps=1000, callback=cb)
    assert agent.num_timesteps == 7
    assert agent.num_episodes == 3  # two whole episodes and the cut one
    assert cb.events[-1] == "end"


def test_plain_function_still_stops_training():
    agent = NodePerturbationAgent(Cue(), n_neurons=10, seed=0)
    seen = []

    def fn(a, episode):
        seen.append(episode)
        return len(seen) < 4

    agent.learn(episodes=50, callback=fn)
    assert len(seen) == 4 == agent.num_episodes


@pytest.mark.parametrize("cls", AGENTS)
def test_episode_only_callback_keeps_the_rust_path_and_its_result(cls):
    env = PerceptualDecisionMakingEnv()
    plain = cls(env, n_neurons=20, seed=3).learn(episodes=12)
    cb = EpisodeCounter()
    watched = cls(PerceptualDecisionMakingEnv(), n_neurons=20, seed=3)
    watched.learn(episodes=12, callback=cb)
    assert len(cb.episodes) == 12
    np.testing.assert_array_equal(watched.weights, plain.weights)
    assert [e.episode_return for e in cb.episodes] == list(plain.history.returns)
    assert [e.modulator for e in cb.episodes] == list(plain.history.modulators)


@pytest.mark.parametrize("cls", AGENTS)
def test_eval_callback_saves_best_and_threshold_stops(cls, tmp_path):
    agent = cls(Cue(), n_neurons=10, seed=0)
    stop = StopTrainingOnRewardThreshold(reward_threshold=-1.0)  # any return reaches it
    ev = EvalCallback(
        Cue(),
        callback_on_new_best=stop,
        n_eval_episodes=4,
        eval_freq=9,
        log_path=tmp_path,
        best_model_save_path=tmp_path,
        verbose=0,
    )
    ckpt = CheckpointCallback(save_freq=6, save_path=tmp_path / "ckpt", name_prefix="rnn")
    agent.learn(total_timesteps=300, callback=CallbackList([ckpt, ev]))
    assert agent.num_timesteps == 9  # stopped at the first evaluation
    assert len(ev.evaluations_results) == 1 and len(ev.evaluations_results[0]) == 4
    assert ev.evaluations_length == [[3, 3, 3, 3]]
    best = cls.load(tmp_path / "best_model.hb", env=Cue())
    # Saved from on_step at step 9, before the third episode's end-of-episode update.
    assert best.num_timesteps == 9 and best.num_episodes == 2 == agent.num_episodes - 1
    assert best.get_env() is not None
    with np.load(tmp_path / "evaluations.npz") as f:
        assert f["timesteps"].tolist() == [9]
    assert sorted(p.name for p in (tmp_path / "ckpt").iterdir()) == ["rnn_6_steps.hb"]


@pytest.mark.parametrize("cls", AGENTS)
def test_csv_logger_records_rollout_and_rule_metrics(cls, tmp_path):
    agent = cls(Cue(), n_neurons=10, seed=0)
    agent.set_logger(configure(str(tmp_path), ["csv"]))
    agent.learn(episodes=25, log_interval=10)
    agent.logger.close()
    with open(tmp_path / "progress.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["time/episodes"]) for r in rows] == [10, 20, 25]
    assert [int(r["time/total_timesteps"]) for r in rows] == [30, 60, 75]
    assert float(rows[-1]["rollout/ep_len_mean"]) == 3.0
    mean = np.mean(agent.history.returns[-25:])
    assert float(rows[-1]["rollout/ep_rew_mean"]) == pytest.approx(mean)
    assert float(rows[-1]["rnn/modulator"]) == pytest.approx(agent.history.modulators[-1])
    assert "rnn/baseline" in rows[-1]


def test_cognitive_task_logging_by_episodes_in_rust(tmp_path):
    agent = NodePerturbationAgent(PerceptualDecisionMakingEnv(), n_neurons=20, seed=0)
    agent.set_logger(configure(str(tmp_path), ["csv"]))
    agent.learn(episodes=20, log_interval=5)
    agent.logger.close()
    with open(tmp_path / "progress.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["time/episodes"]) for r in rows] == [5, 10, 15, 20]
    assert int(rows[-1]["time/total_timesteps"]) == agent.num_timesteps


def test_tensorboard_runs_under_tensorboard_log(tmp_path):
    pytest.importorskip("tensorboardX")
    agent = RewardHebbianAgent(Cue(), n_neurons=10, seed=0, tensorboard_log=tmp_path)
    agent.learn(30, tb_log_name="rnn")
    agent.learn(30, tb_log_name="rnn", reset_num_timesteps=False)
    agent.learn(30, tb_log_name="rnn")
    agent.logger.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rnn_1", "rnn_2"]
    assert any(p.name.startswith("events") for p in (tmp_path / "rnn_1").iterdir())


@pytest.mark.parametrize("cls", AGENTS)
def test_get_set_parameters_round_trip_and_bad_input(cls, tmp_path):
    a = cls(Cue(), n_neurons=10, seed=0).learn(episodes=20)
    b = cls(Cue(), n_neurons=10, seed=1)
    params = a.get_parameters()
    assert set(params) == {"policy"} and set(params["policy"]) == {"weights", "input_weights"}
    before = b.weights
    bad = {"policy": {"weights": np.zeros((3, 3)), "input_weights": a.input_weights}}
    with pytest.raises(hb.ShapeError, match="weights"):
        b.set_parameters(bad)
    with pytest.raises(hb.InvalidArgumentError, match="unknown"):
        b.set_parameters({"policy": {**params["policy"], "bias": np.zeros(2)}})
    with pytest.raises(hb.InvalidArgumentError, match="missing"):
        b.set_parameters({"policy": {"weights": a.weights}})
    np.testing.assert_array_equal(b.weights, before)  # unchanged after each refusal
    b.set_parameters({"policy": {"weights": a.weights}}, exact_match=False)
    np.testing.assert_array_equal(b.weights, a.weights)
    b.set_parameters(params)
    np.testing.assert_array_equal(b.input_weights, a.input_weights)
    obs, _ = Cue().reset(seed=5)
    assert a.predict(obs, deterministic=True)[0] == b.predict(obs, deterministic=True)[0]
    path = tmp_path / "a.hb"
    a.save(path)
    c = cls(Cue(), n_neurons=10, seed=2)
    c.set_parameters(path)
    np.testing.assert_array_equal(c.weights, a.weights)


@pytest.mark.parametrize("cls", AGENTS)
def test_load_binds_env_and_checks_its_spaces(cls, tmp_path):
    agent = cls(Cue(), n_neurons=10, seed=0).learn(episodes=5)
    agent.save(tmp_path / "a.hb")
    env = Cue()
    loaded = cls.load(tmp_path / "a.hb", env=env)
    assert loaded.get_env() is env
    loaded.learn(9)  # continues with the bound env
    assert loaded.num_timesteps == agent.num_timesteps + 9
    with pytest.raises(hb.InvalidArgumentError, match="spaces"):
        cls.load(tmp_path / "a.hb", env=gym.make("CartPole-v1"))
    with pytest.raises(hb.InvalidArgumentError, match="spaces"):
        loaded.set_env(gym.make("CartPole-v1"))
    assert loaded.get_env() is env


class Spy:
    """Wraps a recurrent agent's predict to check the state is threaded through."""

    def __init__(self, agent):
        self.agent = agent
        self.calls = []
        self.last = None

    def predict(self, obs, state=None, episode_start=None, deterministic=False):
        self.calls.append((state is self.last and state is not None, np.copy(episode_start)))
        action, self.last = self.agent.predict(obs, state, episode_start, deterministic)
        return action, self.last


def test_evaluate_policy_threads_the_recurrent_state():
    agent = NodePerturbationAgent(Cue(), n_neurons=10, seed=0).learn(episodes=10)
    spy = Spy(agent)
    returns, lengths = evaluate_policy(spy, Cue(), n_eval_episodes=3, return_episode_rewards=True)
    assert lengths == [3, 3, 3] and len(returns) == 3
    # Per episode: a fresh start, then the state returned by the previous step.
    assert [c[0] for c in spy.calls] == [False, True, True] * 3
    assert [bool(c[1]) for c in spy.calls] == [True, False, False] * 3


def test_evaluate_policy_on_a_vector_env_restarts_only_finished_copies():
    agent = RewardHebbianAgent(Cue(), n_neurons=10, seed=0)
    spy = Spy(agent)
    venv = gym.vector.SyncVectorEnv([Cue, Cue])
    returns, lengths = evaluate_policy(spy, venv, n_eval_episodes=4, return_episode_rewards=True)
    assert lengths == [3, 3, 3, 3]
    starts = [c[1].tolist() for c in spy.calls]
    # Steps 1-3 play the first episodes, step 4 is the autoreset step, steps 5-7 the second.
    assert starts[0] == [True, True] and starts[1] == [False, False]
    assert starts[4] == [True, True] and starts[5] == [False, False]
    assert all(c[0] for c in spy.calls[1:])  # the batch state is always passed back


@pytest.mark.parametrize("cls", AGENTS)
def test_get_set_parameters_carry_the_value_readout(cls):
    a = cls(Cue(), n_neurons=10, seed=0, readout="value").learn(episodes=50)
    params = a.get_parameters()["policy"]
    assert set(params) == {"weights", "input_weights", "readout_weights", "readout_mean"}
    assert params["readout_weights"].shape == (2, 11) and params["readout_mean"].shape == (10,)
    assert np.abs(params["readout_weights"]).sum() > 0  # learned
    b = cls(Cue(), n_neurons=10, seed=1, readout="value")
    with pytest.raises(hb.InvalidArgumentError, match="missing"):
        b.set_parameters({"policy": {"weights": a.weights, "input_weights": a.input_weights}})
    with pytest.raises(hb.ShapeError, match="readout_weights"):
        b.set_parameters({"policy": {**params, "readout_weights": np.zeros((3, 11))}})
    b.set_parameters({"policy": params})
    np.testing.assert_array_equal(b._core.readout_weights, params["readout_weights"])
    for seed in range(4):
        obs, _ = Cue().reset(seed=seed)
        assert a.predict(obs, deterministic=True)[0] == b.predict(obs, deterministic=True)[0]
    with pytest.raises(hb.InvalidConfigError, match="readout"):
        cls(gym.make("Pendulum-v1"), n_neurons=10, seed=0, readout="value")
    with pytest.raises(hb.InvalidConfigError, match="readout"):
        cls(Cue(), n_neurons=10, seed=0, readout="values")
