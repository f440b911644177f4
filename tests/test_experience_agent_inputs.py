"""ExperienceAgent against hostile or odd input: every refusal is the library's error, before
anything changes (tests/test_experience_agent.py has the ordinary refusals)."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces

import hebbian_brain as hb

BOX3 = spaces.Box(-1.0, 1.0, (3,))


def _agent(**kw):
    return hb.ExperienceAgent(spaces.Discrete(2), observation=BOX3, seed=0, **kw)


@pytest.mark.parametrize(
    "obs",
    [
        [10**400, 0, 0],  # an int beyond 64 bits
        np.array(["1", "2", "3"]),
        [1j, 0, 0],
        np.array([object(), 0, 0], dtype=object),
        [[0, 0, 0], [1, 1]],  # ragged
        [1e200, 0, 0],  # beyond ±1e100
    ],
)
def test_observations_that_are_not_moderate_real_numbers_are_refused(obs):
    agent = _agent()
    before = agent.to_bytes()
    with pytest.raises(hb.InvalidArgumentError):
        agent.act(obs)
    with pytest.raises(hb.HebbianError):
        agent.predict(obs, deterministic=True)
    assert agent.to_bytes() == before


def test_sequences_that_claim_huge_lengths_are_refused_before_any_allocation():
    agent = _agent()
    with pytest.raises(hb.ShapeError):
        agent.brain.values(range(10**12))
    with pytest.raises(hb.ShapeError):
        agent.brain.act(range(2**61))
    with pytest.raises(hb.InvalidArgumentError, match="nodes"):
        agent.brain.links(range(10**12))
    with pytest.raises(TypeError):
        agent.brain.values([0.0, 0.0, 0.0], optimistic=None)


def test_a_refused_batch_changes_nothing_even_when_exploring():
    agent = _agent()
    agent.act([0.0, 0.0, 0.0])
    agent.observe(1.0, [0.1, 0.0, 0.0], False, True)
    before = agent.to_bytes()
    with pytest.raises(hb.InvalidArgumentError):
        agent.predict(np.array([[0, 0, 0], [np.nan, 0, 0]]))
    assert agent.to_bytes() == before


def test_huge_rewards_and_bad_seeds_are_the_librarys_errors():
    agent = _agent()
    agent.act([0.0, 0.0, 0.0])
    with pytest.raises(hb.InvalidArgumentError, match="reward"):
        agent.observe(10**400, [0.0, 0.0, 0.0], False, False)
    with pytest.raises(TypeError):
        hb.Agent(2, observation=BOX3, seed="a")
    with pytest.raises(TypeError):
        hb.Agent(2, observation=BOX3, seed=True)
    with pytest.raises(hb.InvalidArgumentError):
        hb.Agent(2, observation=BOX3, seed=-1)


def test_integer_spaces_with_extreme_bounds_survive_save_and_load():
    for dtype in (np.int64, np.uint64):
        info = np.iinfo(dtype)
        space = spaces.Box(info.min, info.max, (2,), dtype)
        agent = hb.ExperienceAgent(spaces.Discrete(2), observation=space, seed=0)
        back = hb.Agent.from_bytes(agent.to_bytes())
        assert back.observation_space == space


def test_an_environment_with_another_action_offset_is_refused():
    class Env(gym.Env):
        observation_space = BOX3
        action_space = spaces.Discrete(2, start=5)

    agent = hb.ExperienceAgent(spaces.Discrete(2, start=-1), observation=BOX3, seed=0)
    with pytest.raises(hb.InvalidArgumentError, match="actions"):
        agent.set_env(Env())
    with pytest.raises(hb.HebbianError):
        agent.set_env(object())
    grid = hb.Agent(spaces.Discrete(2, start=-1), observation=BOX3, params=hb.AgentParams())
    with pytest.raises(hb.InvalidArgumentError, match="actions"):
        grid.set_env(Env())


def test_learn_at_the_node_cap_still_ends_with_a_rebuild():
    agent = hb.Agent(gym.make("CartPole-v1"), seed=0, max_nodes=100).learn(total_timesteps=150)
    assert agent.node_count == 100 and agent.brain.unplanned == 0
    q = agent.brain.node_values().copy()
    agent.dream()
    assert np.abs(agent.brain.node_values() - q).max() < 1e-2  # only the tolerance moves it


def test_vector_env_callbacks_open_and_close_each_rollout_once():
    counts = {"start": 0, "end": 0}

    class Count(hb.callbacks.BaseCallback):
        def _on_rollout_start(self):
            counts["start"] += 1

        def _on_rollout_end(self):
            counts["end"] += 1

        def _on_step(self):
            return True

    hb.Agent(gym.make_vec("CartPole-v1", 3), seed=0).learn(total_timesteps=100, callback=Count())
    assert counts["start"] == counts["end"] > 1


def test_a_population_on_a_box_vector_env_has_grid_members():
    pop = hb.Population(gym.make_vec("CartPole-v1", 2, vectorization_mode="sync"), seed=0)
    pop.learn(total_timesteps=200)
    assert "steps=200" in repr(pop) and all(type(m) is hb.Agent for m in pop._members)


def test_set_parameters_refuses_hostile_steps_and_keeps_the_graph():
    agent = _agent()
    agent.act([0.0, 0.0, 0.0])
    agent.observe(1.0, [0.1, 0.0, 0.0], False, True)
    good = agent.get_parameters()["graph"]
    before = agent.to_bytes()
    for change in (
        {"actions": np.array([2**70], dtype=object)},
        {"actions": 3},
        {"actions": np.array([0.5])},
        {"actions": np.array([7])},
        {"terminated": ["no"]},
        {"rewards": np.array([np.nan])},
        {"observations": np.zeros((1, 4))},
    ):
        with pytest.raises(hb.HebbianError):
            agent.set_parameters({"graph": {**good, **change}})
        assert agent.to_bytes() == before
