"""The cognitive task ids state their trial step limit in each made env's spec (issue 18, gap 6)."""

import gymnasium as gym
import pytest

import hebbian_brain as hb
from hebbian_brain.envs import ENV_IDS
from hebbian_brain.rnn._agent_support import _cognitive_core

COGNITIVE = [i for i in ENV_IDS if "Chain" not in i and "Grid" not in i and "Deep" not in i]
COGNITIVE = [i for i in COGNITIVE if "River" not in i]


def _lengths(env, episodes):
    out = []
    for i in range(episodes):
        env.reset(seed=0 if i == 0 else None)
        n, done = 0, False
        while not done:
            _obs, _r, terminated, truncated, _info = env.step(0)  # keep fixating
            n += 1
            done = terminated or truncated
        out.append(n)
    return out


def test_every_cognitive_id_is_checked():
    assert len(COGNITIVE) == 4


@pytest.mark.parametrize("env_id", COGNITIVE)
@pytest.mark.parametrize("dt", [100.0, 20.0])
def test_made_env_states_the_longest_trial_and_no_trial_exceeds_it(env_id, dt):
    env = gym.make(env_id, dt=dt)
    limit = env.spec.max_episode_steps
    assert isinstance(limit, int) and limit > 0
    lengths = _lengths(env, 60)
    assert max(lengths) <= limit
    # No TimeLimit is added: the whole-episode Rust path of the recurrent agents stays on.
    assert _cognitive_core(env) is env.unwrapped.core
    # The registry entry has no fixed limit (it would cut longer timings short).
    assert gym.spec(env_id).max_episode_steps is None


@pytest.mark.parametrize(
    ("env_id", "timing", "dt", "limit"),
    [
        # default: 22 steps of 100 ms; dt 50: fixation 2 + stimulus at most 17 + decision 2
        ("hebbian_brain/PerceptualDecisionMaking-v0", None, 100.0, 22),
        ("hebbian_brain/PerceptualDecisionMaking-v0", {"stimulus": 4000}, 100.0, 42),
        (
            "hebbian_brain/PerceptualDecisionMaking-v0",
            {"stimulus": ("uniform", (500, 850))},
            50.0,
            21,
        ),
        ("hebbian_brain/DelayMatchSample-v0", {"delay": ("choice", (200, 600, 1000))}, 100.0, None),
    ],
)
def test_the_limit_follows_timing_and_dt_and_is_reached(env_id, timing, dt, limit):
    kwargs = {"dt": dt} if timing is None else {"dt": dt, "timing": timing}
    env = gym.make(env_id, **kwargs)
    if limit is not None:
        assert env.spec.max_episode_steps == limit
    # Keeping fixation never ends a trial early, so the longest draws reach the limit.
    assert max(_lengths(env, 300)) == env.spec.max_episode_steps


def test_a_recurrent_agent_learns_on_a_made_task_in_rust():
    env = gym.make("hebbian_brain/DelayedNonMatch-v0")
    agent = hb.rnn.NodePerturbationAgent(env, n_neurons=16, seed=0).learn(episodes=5)
    assert agent.history.lengths.max() <= env.spec.max_episode_steps
