"""Random sequences of Agent calls keep the agent and its brain consistent after every call.

A hypothesis state machine drives an agent on a small Chain through the step API (act /
observe / end_episode / dream), whole episodes in Rust (run_episodes), predictions, calls in the
wrong order or with observations outside the space (refused, nothing changes) and save/load
round trips (bytes, file, pickle). After every call: the brain's weights are within bounds and
its synapses join live nodes; counts agree with the tables; the history holds at most
``history_limit`` records while the lifetime episode count keeps counting; steps never go back.

The CI variant is small and derandomized (deterministic); ``pytest -m slow`` runs many more.
"""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import hebbian_brain as hb

LENGTH = 6
HISTORY_LIMIT = 4
OBS = st.integers(0, LENGTH - 1)
REWARDS = st.floats(-2.0, 2.0, allow_nan=False)


def make_agent(env) -> hb.Agent:
    cfg = hb.BrainConfig(
        plasticity=hb.PlasticityParams(weight_decay=0.01),
        pruning=hb.PruningParams(inactivity_threshold=5, weight_threshold=0.7, protection_period=3),
        dream=hb.DreamParams(creative_edge_probability=0.3),
    )
    params = hb.AgentParams(prune_every=2, history_limit=HISTORY_LIMIT, epsilon=0.2)
    return hb.Agent(env, cfg, seed=0, params=params)


class AgentMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.env = hb.envs.ChainEnv(length=LENGTH, max_steps=12)
        self.agent = make_agent(self.env)
        self.steps = 0
        self.episodes = 0

    @property
    def awaiting(self) -> bool:
        return self.agent._core.awaiting_observation

    def refused_changes_nothing(self, call, exc) -> None:
        before = self.agent.to_bytes()
        with pytest.raises(exc):
            call()
        assert self.agent.to_bytes() == before

    # ---------------------------------------------------------------- rules
    @precondition(lambda self: not self.awaiting)
    @rule(obs=OBS)
    def act(self, obs):
        a = self.agent.act(obs)
        assert a in (0, 1)
        assert self.awaiting

    @precondition(lambda self: self.awaiting)
    @rule(obs=OBS)
    def act_twice_is_refused(self, obs):
        self.refused_changes_nothing(lambda: self.agent.act(obs), hb.StateError)

    @precondition(lambda self: self.awaiting)
    @rule(reward=REWARDS, next_obs=OBS, end=st.sampled_from(["", "terminated", "truncated"]))
    def observe(self, reward, next_obs, end):
        self.agent.observe(reward, next_obs, end == "terminated", end == "truncated")
        self.steps += 1
        self.episodes += end != ""
        assert not self.awaiting

    @precondition(lambda self: not self.awaiting)
    @rule(reward=REWARDS, next_obs=OBS)
    def observe_before_act_is_refused(self, reward, next_obs):
        self.refused_changes_nothing(
            lambda: self.agent.observe(reward, next_obs, False, False), hb.StateError
        )

    @rule(obs=st.sampled_from([-1, LENGTH, 2**40, 2**70, "a", 1.5]))
    def observation_outside_the_space_is_refused(self, obs):
        if self.awaiting:
            call = lambda: self.agent.observe(0.0, obs, False, False)  # noqa: E731
        else:
            call = lambda: self.agent.act(obs)  # noqa: E731
        self.refused_changes_nothing(call, (ValueError, TypeError))

    @precondition(lambda self: self.awaiting)
    @rule(reward=st.sampled_from([np.nan, np.inf, -np.inf, 1e300]))
    def bad_reward_is_refused(self, reward):
        self.refused_changes_nothing(
            lambda: self.agent.observe(reward, 0, False, False), hb.InvalidArgumentError
        )

    @rule()
    def end_episode(self):
        in_progress = self.agent._core.current_episode()[1] > 0
        record = self.agent.end_episode()
        assert (record is not None) == in_progress
        self.episodes += record is not None
        assert not self.awaiting

    @rule()
    def dream(self):
        report = self.agent.dream()
        assert report.walks >= 0

    @rule(episodes=st.integers(0, 3), dream_every=st.integers(0, 2))
    def run_episodes(self, episodes, dream_every):
        in_progress = self.agent._core.current_episode()[1] > 0
        before = self.agent.num_timesteps
        records = self.agent.run_episodes(self.env, episodes, dream_every)
        assert len(records) == min(episodes, HISTORY_LIMIT)
        assert all(1 <= r.length <= 12 for r in records)
        self.episodes += episodes + in_progress
        self.steps = self.agent.num_timesteps
        assert self.steps >= before + episodes

    @rule(obs=OBS, deterministic=st.booleans())
    def predict(self, obs, deterministic):
        brain = self.agent.brain.to_bytes()
        action, state = self.agent.predict(obs, deterministic=deterministic)
        assert action in (0, 1) and state is None
        assert self.agent.brain.to_bytes() == brain  # prediction never learns

    @rule(via=st.sampled_from(["bytes", "file", "pickle"]))
    def save_and_load(self, via):
        a = self.agent
        if via == "bytes":
            b = hb.Agent.from_bytes(a.to_bytes())
        elif via == "pickle":
            b = pickle.loads(pickle.dumps(a))
        else:
            with tempfile.TemporaryDirectory() as d:
                a.save(Path(d) / "agent.hb")
                b = hb.Agent.load(Path(d) / "agent.hb")
        assert b.brain == a.brain
        assert b.num_timesteps == a.num_timesteps
        assert b._core.episodes == a._core.episodes
        assert b._core.awaiting_observation == a._core.awaiting_observation
        np.testing.assert_array_equal(b.history.returns, a.history.returns)
        assert b.to_bytes() == a.to_bytes()
        self.agent = b

    # ---------------------------------------------------------------- invariants
    @invariant()
    def brain_is_consistent(self):
        brain = self.agent.brain
        p = brain.config.plasticity
        nodes, edges = brain.nodes(), brain.edges()
        w = edges["weight"]
        assert ((w >= p.weight_min) & (w <= p.weight_max)).all()
        index = set(nodes["index"].tolist())
        assert set(edges["source"].tolist()) <= index and set(edges["target"].tolist()) <= index
        assert brain.node_count == len(index) and brain.edge_count == len(w)
        assert set(nodes["action"].tolist()) <= {0, 1}
        assert np.isfinite(nodes["value"]).all()

    @invariant()
    def counts_only_grow_and_history_is_bounded(self):
        assert self.agent.num_timesteps == self.steps
        assert self.agent._core.episodes == self.episodes
        assert len(self.agent.history) == min(self.episodes, HISTORY_LIMIT)


FAST = settings(
    max_examples=20,
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

TestAgentMachine = AgentMachine.TestCase
TestAgentMachine.settings = FAST


class SlowAgentMachine(AgentMachine):
    pass


@pytest.mark.slow
def test_agent_machine_many_examples():
    SlowAgentMachine.TestCase.settings = settings(FAST, max_examples=300, derandomize=False)
    SlowAgentMachine.TestCase().runTest()


def test_run_episodes_ends_the_episode_in_progress_even_for_zero_episodes():
    """Found by the slow state machine: run_episodes(env, 0) left the episode open."""
    env = hb.envs.ChainEnv(length=4)
    for n in (0, 2):
        agent = hb.Agent(env, seed=0)
        agent.act(0)
        agent.observe(0.0, 1, False, False)
        agent.run_episodes(env, n)
        assert agent._core.episodes == n + 1
        assert agent._core.current_episode() == (0.0, 0)
