"""PredatorPrey follows PettingZoo's parallel API and its capture rules."""

import warnings

import numpy as np
import pytest

import hebbian_brain as hb

pytest.importorskip("pettingzoo")
with warnings.catch_warnings():
    # pettingzoo.test imports its classic games through a deprecated path.
    warnings.simplefilter("ignore", DeprecationWarning)
    from pettingzoo.test import parallel_api_test

from hebbian_brain.envs import PredatorPreyEnv  # noqa: E402


@pytest.mark.parametrize("kwargs", [{}, {"size": 4, "n_predators": 3, "n_prey": 1}])
def test_passes_the_pettingzoo_parallel_api_test(kwargs):
    parallel_api_test(PredatorPreyEnv(**kwargs), num_cycles=300)


def test_agents_are_named_by_role_and_observe_offsets_in_their_space():
    env = PredatorPreyEnv(size=5, n_predators=2, n_prey=3)
    assert env.possible_agents == ["predator_0", "predator_1", "prey_0", "prey_1", "prey_2"]
    observations, infos = env.reset(seed=4)
    for agent, obs in observations.items():
        assert env.observation_space(agent).contains(obs)
        assert infos[agent] == {"captures": 0}
    assert env.is_predator("predator_1") and not env.is_predator("prey_0")


def test_same_seed_gives_the_same_episode():
    def run(seed):
        env = PredatorPreyEnv()
        obs, _ = env.reset(seed=seed)
        rng = np.random.default_rng(0)
        trace = [tuple(np.concatenate(list(obs.values())))]
        while env.agents:
            obs, *_ = env.step({a: int(rng.integers(5)) for a in env.agents})
            trace.append(tuple(np.concatenate(list(obs.values()))))
        return trace

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_chasing_predators_capture_and_the_episode_ends_when_no_prey_is_left():
    env = PredatorPreyEnv(size=5, n_predators=2, n_prey=1, max_cycles=100)
    obs, _ = env.reset(seed=0)
    centre = env.core.size - 1
    captured_reward = None
    for _ in range(100):
        actions = {}
        for agent in env.agents:
            if env.is_predator(agent):
                dr, dc = obs[agent] - centre
                if abs(dr) >= abs(dc):
                    actions[agent] = 3 if dr > 0 else 1
                else:
                    actions[agent] = 2 if dc > 0 else 4
            else:
                actions[agent] = 0  # a prey that stands still
        obs, rewards, terminations, _, infos = env.step(actions)
        if terminations.get("prey_0"):
            captured_reward = rewards["prey_0"]
            assert all(terminations.values())
            assert max(rewards[a] for a in rewards if a.startswith("predator")) == 1.0
            assert infos["predator_0"]["captures"] == 1
            break
    assert captured_reward == -1.0
    assert env.agents == []


def test_bad_input_is_a_clear_error():
    with pytest.raises(hb.InvalidConfigError, match="n_predators"):
        PredatorPreyEnv(size=2, n_predators=3, n_prey=2)
    env = PredatorPreyEnv()
    with pytest.raises(KeyError, match="wolf"):
        env.observation_space("wolf")
    env.reset(seed=0)
    with pytest.raises(hb.InvalidArgumentError, match="action"):
        env.step({"predator_0": 7})
    with pytest.raises(KeyError, match="nobody"):
        env.step({"nobody": 0})
    env.step({a: 0 for a in env.agents})  # still usable


def test_state_space_holds_every_state_and_render_test_passes(capsys):
    from pettingzoo.test import parallel_api_test, render_test
    from pettingzoo.utils.conversions import parallel_to_aec

    from hebbian_brain.envs import PredatorPreyEnv

    env = PredatorPreyEnv()
    obs, _ = env.reset(seed=3)
    for _ in range(60):
        assert env.state() in env.state_space
        if not env.agents:
            break
        env.step({a: env.action_space(a).sample() for a in env.agents})
    parallel_api_test(PredatorPreyEnv(), num_cycles=50)
    render_test(lambda render_mode=None: parallel_to_aec(PredatorPreyEnv(render_mode=render_mode)))
    assert "P" in capsys.readouterr().out  # "human" prints the grid
