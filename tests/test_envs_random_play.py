"""Random play, including invalid actions, never crashes the environments or leaves a bad state."""

from hypothesis import given, settings
from hypothesis import strategies as st

import hebbian_brain as hb
from hebbian_brain.envs import ChainEnv, GridWorldEnv, PredatorPreyEnv


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["chain", "grid"]),
    st.lists(st.integers(min_value=-3, max_value=6), max_size=80),
    st.integers(min_value=0, max_value=2**32),
)
def test_single_agent_envs_accept_or_reject_cleanly(kind, actions, seed):
    env = ChainEnv(length=5, slip=0.2) if kind == "chain" else GridWorldEnv(size=4, slip=0.2)
    n = env.action_space.n
    obs, _ = env.reset(seed=seed)
    for a in actions:
        if not 0 <= a < n:
            try:
                env.step(a)
            except hb.InvalidArgumentError:
                continue
            raise AssertionError("an invalid action was accepted")
        obs, reward, terminated, truncated, _ = env.step(a)
        assert env.observation_space.contains(obs)
        if terminated or truncated:
            obs, _ = env.reset()


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=4), min_size=4, max_size=400), st.integers(0, 99)
)
def test_predator_prey_random_play_keeps_observations_in_space(actions, seed):
    env = PredatorPreyEnv(size=5, n_predators=2, n_prey=2, max_cycles=20)
    observations, _ = env.reset(seed=seed)
    i = 0
    while env.agents and i + len(env.agents) <= len(actions):
        step = {a: actions[i + k] for k, a in enumerate(env.agents)}
        i += len(env.agents)
        observations, *_ = env.step(step)
        for agent, obs in observations.items():
            assert env.observation_space(agent).contains(obs)
