"""Recurrent agents learn from reward alone (fixed seeds, margins far from chance)."""

import pytest
from test_rnn_agents_api import Bandit

from hebbian_brain.envs import PerceptualDecisionMakingEnv
from hebbian_brain.rnn import NodePerturbationAgent, RewardHebbianAgent


@pytest.mark.parametrize("cls", [NodePerturbationAgent, RewardHebbianAgent])
def test_a_cue_held_over_two_silent_steps_is_learned(cls):
    agent = cls(Bandit(), n_neurons=50, seed=1).learn(episodes=1500)
    late = agent.history.returns[-300:].mean()
    assert late > 0.85, late  # chance 0.5


@pytest.mark.parametrize("cls", [NodePerturbationAgent, RewardHebbianAgent])
def test_correlated_output_noise_lets_acrobot_returns_differ_and_improve(cls):
    # With white output noise early Acrobot episodes hit the 500-step limit (for this seed's
    # node-perturbation agent all of them: equal returns, no signal). Ornstein-Uhlenbeck noise
    # reaches the goal here, and learning improves on it. Seed-dependent: see benchmarks.md.
    gym = pytest.importorskip("gymnasium")
    if cls is NodePerturbationAgent:
        white = cls(gym.make("Acrobot-v1"), seed=100).learn(episodes=40)
        assert (white.history.returns == -500).all()
    agent = cls(
        gym.make("Acrobot-v1"), seed=100, learning_rate=0.0003, output_noise_correlation=0.8
    ).learn(episodes=200)
    returns = agent.history.returns
    assert (returns[:40] > -500).mean() > 0.2, returns[:40]
    assert returns[-50:].mean() > -250, returns[-50:].mean()


def test_perceptual_decision_at_high_coherence_from_reward():
    # Reward only at the decision: the trace decays toward it (trace_decay < 1).
    env = PerceptualDecisionMakingEnv(cohs=[51.2], timing={"stimulus": 500}, rewards={"abort": 0})
    env.reset(seed=0)
    agent = NodePerturbationAgent(env, n_neurons=50, seed=0, learning_rate=0.005, trace_decay=0.5)
    agent.learn(episodes=3000)
    correct = agent.evaluate(env, 300)
    assert correct.mean() > 0.9, correct.mean()  # chance 0.5 (measured: 1.0)
