"""Cognitive tasks as Gymnasium environments with NeuroGym's conventions; trials for trainers."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces
from gymnasium.utils.env_checker import check_env

import hebbian_brain as hb
from hebbian_brain.envs import (
    ContextDecisionMakingEnv,
    DelayedNonMatchEnv,
    DelayMatchSampleEnv,
    NeuroGymTrials,
    PerceptualDecisionMakingEnv,
)
from hebbian_brain.rnn import NodePerturbationAgent, NodePerturbationTrainer
from hebbian_brain.tasks import trial_batch

ENVS = [
    PerceptualDecisionMakingEnv,
    ContextDecisionMakingEnv,
    DelayMatchSampleEnv,
    DelayedNonMatchEnv,
]


# NeuroGym's observation spaces are unbounded too; the checker's only complaint is that.
@pytest.mark.filterwarnings("ignore:.*infinity")
@pytest.mark.parametrize("cls", ENVS)
def test_passes_gymnasiums_checker_and_is_registered(cls):
    check_env(cls(), skip_render_check=True)
    name = cls.__name__.removesuffix("Env")
    env = gym.make(f"hebbian_brain/{name}-v0")
    assert isinstance(env.unwrapped, cls)


@pytest.mark.parametrize("cls", ENVS)
def test_neurogym_conventions(cls):
    env = cls()
    obs, info = env.reset(seed=0)
    assert obs.dtype == np.float32 and obs[0] == 1.0  # fixation input on
    trial = env.new_trial()
    ob, gt = env.ob, env.gt
    assert ob.shape == (gt.size, env.observation_space.shape[0])
    decision = np.arange(env.start_ind["decision"], env.end_ind["decision"])
    assert (gt[decision] == trial["ground_truth"]).all() and (np.delete(gt, decision) == 0).all()
    assert (ob[decision, 0] == 0).all()
    # fixate until the decision, then answer correctly
    rewards = []
    for t in range(gt.size):
        a = trial["ground_truth"] if t == decision[0] else 0
        obs, r, term, trunc, info = env.step(a)
        assert info["gt"] == gt[t]
        rewards.append(r)
        if term:
            break
    assert term and not trunc and info["new_trial"] and info["performance"] == 1.0
    assert rewards[-1] == env.rewards["correct"] and sum(rewards) == rewards[-1]
    with pytest.raises(hb.StateError):
        env.step(0)


def test_wrong_answer_no_answer_and_abort():
    env = PerceptualDecisionMakingEnv(rewards={"fail": -1.0}, abort=True)
    env.reset(seed=1)
    trial = env.new_trial(ground_truth=1)
    _, r, term, _, info = env.step(2)  # breaks fixation in the first step
    assert term and r == -0.1 and info["outcome"] == "aborted"
    env.new_trial(ground_truth=1)
    while True:
        _, r, term, _, info = env.step(0 if env.core.period != "decision" else 2)
        if term:
            break
    assert r == -1.0 and info["performance"] == 0.0 and trial["ground_truth"] == 1
    env.new_trial()
    for _ in range(env.gt.size):
        _, r, term, _, info = env.step(0)
    assert term and info["outcome"] == "no_response"


def test_timing_changes_and_errors():
    env = PerceptualDecisionMakingEnv(timing={"stimulus": 500, "delay": ("uniform", (0, 300))})
    lengths = {env.new_trial() and env.gt.size for _ in range(50)}
    assert lengths <= {7, 8, 9, 10} and len(lengths) > 1
    assert env.timing["stimulus"] == 500.0
    with pytest.raises(hb.InvalidConfigError, match="unknown period"):
        PerceptualDecisionMakingEnv(timing={"sample": 100})
    with pytest.raises(hb.InvalidConfigError, match="decision"):
        PerceptualDecisionMakingEnv(timing={"decision": 0})
    with pytest.raises(hb.InvalidConfigError, match="uniform"):
        PerceptualDecisionMakingEnv(timing={"delay": ("uniform", (3, 1))})
    with pytest.raises(hb.InvalidConfigError, match="cohs"):
        PerceptualDecisionMakingEnv(cohs=[150])
    with pytest.raises(hb.InvalidArgumentError, match="ground_truth"):
        PerceptualDecisionMakingEnv().new_trial(ground_truth=5)
    with pytest.raises(hb.InvalidConfigError, match="rewards"):
        PerceptualDecisionMakingEnv(rewards={"bonus": 1})
    ctx = ContextDecisionMakingEnv()
    for _ in range(20):
        d = ctx.core.timing[2]
        assert d[1] == "truncated_exponential"
        ctx.new_trial()
        delay = ctx.end_ind["delay"] - ctx.start_ind["delay"]
        assert 3 <= delay <= 30


def test_context_selects_the_modality():
    env = ContextDecisionMakingEnv(sigma=0.0)
    env.reset(seed=0)
    env.new_trial(ground_truth=1, other_choice=2, context=1, coh_0=50, coh_1=50)
    stim = env.ob[env.start_ind["stimulus"]]
    assert stim[6] == 1.0 and stim[5] == 0.0  # context 2 on
    assert stim[3] > stim[4]  # modality 2 points to choice 1
    assert stim[1] < stim[2]  # modality 1 points to the other choice


def test_same_seed_same_trials():
    a, b = DelayMatchSampleEnv(), DelayMatchSampleEnv()
    a.reset(seed=3)
    b.reset(seed=3)
    for _ in range(5):
        a.new_trial()
        b.new_trial()
        np.testing.assert_array_equal(a.ob, b.ob)


class StandIn(gym.Env):
    """A tiny task written the NeuroGym way (trials chained, info["new_trial"])."""

    observation_space = spaces.Box(-np.inf, np.inf, (2,), np.float32)
    action_space = spaces.Discrete(3)

    def __init__(self):
        self.rng = np.random.default_rng(0)
        self.new_trial()

    def new_trial(self, **kwargs):
        self.cue = int(self.rng.integers(2))
        self.ob = np.zeros((3, 2), np.float32)
        self.ob[:2, 0] = 1.0
        self.ob[0, 1] = 1.0 if self.cue else -1.0
        self.gt = np.array([0, 0, 1 + self.cue])
        self.t = 0
        return {"ground_truth": 1 + self.cue}

    def reset(self, seed=None, options=None):
        if seed is not None:
            self.rng = np.random.default_rng(seed)
        self.new_trial()
        return self.ob[0], {}

    def step(self, action):
        gt = int(self.gt[self.t])
        reward = float(action == gt) if gt else 0.0
        self.t += 1
        new = self.t == 3
        if new:
            self.new_trial()
        return self.ob[self.t], reward, False, False, {"new_trial": new, "gt": gt}


def test_neurogym_style_task_plugs_into_agents_and_trainers():
    env = NeuroGymTrials(StandIn())
    agent = NodePerturbationAgent(env, n_neurons=30, seed=0).learn(episodes=1500)
    assert (agent.history.lengths == 3).all()
    assert agent.history.returns[-300:].mean() > 0.8  # chance 0.5
    batch = trial_batch(env, 16, seed=0, score="decision")
    assert batch.inputs.shape == (16, 3, 2) and batch.targets.shape == (16, 3, 3)
    assert batch.mask.sum() == 16
    trainer = NodePerturbationTrainer(
        batch.inputs, batch.targets, batch.mask, n_neurons=20, output_neurons=[0, 1, 2], seed=0
    )
    errors, _ = trainer.learn(20)
    assert np.isfinite(errors).all()


def test_trial_batch_pads_and_checks():
    env = ContextDecisionMakingEnv()
    batch = trial_batch(env, 10, seed=1, low=-1.0, high=1.0)
    assert batch.inputs.shape[1] == batch.lengths.max()
    assert (batch.gt[batch.mask == 0] == -1).all()
    one_hot = batch.targets[batch.mask == 1]
    assert ((one_hot == 1.0).sum(axis=1) == 1).all()
    with pytest.raises(hb.InvalidArgumentError, match="new_trial"):
        trial_batch(gym.make("CartPole-v1"), 2)
    with pytest.raises(hb.InvalidArgumentError, match="n_trials"):
        trial_batch(env, 0)
