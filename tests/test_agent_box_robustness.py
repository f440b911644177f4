"""Box observations: bounded grid memory, refused steps that change nothing, batch shapes,
and inputs refused by name (rules.md §1.8)."""

from __future__ import annotations

import pickle
import struct
import zlib

import gymnasium as gym
import numpy as np
import pytest
from gymnasium import spaces

import hebbian_brain as hb
from hebbian_brain._state_memory import MAX_ELEMENTS, StateMemory
from hebbian_brain.abstraction import default_bins, default_box_abstraction

Q = hb.QuantileDiscretizer


def test_a_grid_over_the_memory_budget_is_refused_by_name():
    big = np.zeros(65536), np.ones(65536)
    with pytest.raises(hb.InvalidArgumentError) as err:
        Q(*big)  # the defaults: ~26 GB of cell keys at the cap
    for word in ("max_cells", "warmup", "65536 values", "budget"):
        assert word in str(err.value)
    assert Q.memory_bound(65536) > Q.MEMORY_BUDGET == 1 << 30
    assert Q.memory_bound(65536, warmup=2, max_cells=100) < Q.MEMORY_BUDGET
    assert Q.memory_bound(4) < 20 << 20  # CartPole with the defaults


def test_a_grid_that_never_splits_stores_no_running_sums():
    # 65 536 values: a cell's key is 128 KiB, its sums (if kept) would be 1 MiB.
    rng = np.random.default_rng(0)
    q = Q(np.zeros(65536), np.ones(65536), warmup=2, max_cells=100)
    for _ in range(12):
        q.cell(rng.random(65536))
    assert q.fitted and q.n_cells >= 10
    assert len(q.to_bytes()) < 4 << 20


def test_the_default_abstraction_of_large_images_fits_the_budget():
    sp = spaces.Box(0, 255, (256, 256), np.uint8)
    q = default_box_abstraction(sp)
    assert (q.warmup, q.max_cells) == (512, 2041)
    bound = Q.memory_bound(q.dims, cells=q.cells, warmup=q.warmup, max_cells=q.max_cells)
    assert bound <= Q.MEMORY_BUDGET
    small = default_box_abstraction(spaces.Box(-1, 1, (4,)))
    assert (small.warmup, small.max_cells) == (1000, 65536)
    agent = hb.Agent(spaces.Discrete(4), observation=sp, seed=0, params=hb.AgentParams())
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 256, (256, 256), dtype=np.uint8)
    for i in range(20):
        agent.act(frame)
        frame = rng.integers(0, 256, (256, 256), dtype=np.uint8)
        agent.observe(0.0, frame, False, i == 19)
    assert agent.observation.n_cells <= agent.observation.max_cells


def _with_nan_low(data: bytes) -> bytes:
    """A 1-d grid's bytes with low = [NaN] (CRC fixed)."""
    n = 18 + int.from_bytes(data[16:18], "little")
    head, body = data[: n + 8], data[n + 12 :]
    i = body.index(struct.pack("<d", 0.0) + b"\x01" + struct.pack("<d", 1.0))
    body = body[:i] + struct.pack("<d", float("nan")) + body[i + 8 :]
    return head + zlib.crc32(head + body).to_bytes(4, "little") + body


def test_a_loaded_grid_is_checked_as_the_constructor_checks():
    data = Q([0.0], [1.0], warmup=2).to_bytes()
    Q.from_bytes(data)
    with pytest.raises(hb.FileFormatError, match="low, high"):
        Q.from_bytes(_with_nan_low(data))


def _grid_agent(split_after: int = 1) -> tuple[hb.Agent, Q]:
    q = Q([0.0, 0.0], [1.0, 1.0], warmup=3, split_after=split_after)
    return hb.Agent(spaces.Discrete(2), observation=q, seed=0), q


def test_a_refused_act_or_observe_leaves_the_grid_and_brain_unchanged():
    agent, q = _grid_agent()
    agent.act(np.array([0.1, 0.1]))
    before, nodes = q.to_bytes(), agent.brain.node_count
    for x in ([0.5, 0.5], [0.9, 0.9], [0.2, 0.7]):  # would fit the grid, add cells
        with pytest.raises(hb.StateError):
            agent.act(np.array(x))
    assert q.to_bytes() == before and not q.fitted
    with pytest.raises(hb.InvalidArgumentError, match="reward"):
        agent.observe(float("nan"), np.array([0.3, 0.8]), False, False)
    assert q.to_bytes() == before and agent.brain.node_count == nodes
    agent.observe(1.0, np.array([0.3, 0.8]), False, True)
    fresh, q2 = _grid_agent()
    with pytest.raises(hb.StateError):
        fresh.observe(0.0, np.array([0.3, 0.8]), False, False)
    assert q2.n_cells == 0


def test_a_refused_step_of_a_vector_copy_leaves_the_grid_unchanged():
    from hebbian_brain._agent_learn import _act, _helper_core, _observe

    agent, q = _grid_agent()
    helper = _helper_core(agent, 1)
    _act(agent, helper, np.array([0.1, 0.1]))
    before = q.to_bytes()
    with pytest.raises(hb.StateError):
        _act(agent, helper, np.array([0.6, 0.6]))
    with pytest.raises(hb.InvalidArgumentError):
        _observe(agent, helper, float("inf"), np.array([0.9, 0.2]), False, False)
    assert q.to_bytes() == before


@pytest.mark.parametrize("shape", [(2, 3), (), (4,)])
def test_predict_tells_a_batch_from_one_observation_by_the_box_shape(shape, tmp_path):
    sp = spaces.Box(0, 1, shape)
    agent = hb.Agent(spaces.Discrete(2), observation=sp, seed=0)
    rng = np.random.default_rng(0)
    obs = rng.random(shape).astype(np.float32)
    agent.act(obs)
    agent.observe(0.0, obs, False, True)
    batch = rng.random((5, *shape)).astype(np.float32)
    agent.save(tmp_path / "a.hb")
    for a in (agent, hb.Agent.load(tmp_path / "a.hb")):
        assert a.predict(obs)[0].shape == ()
        assert a.predict(batch)[0].shape == (5,)
        assert a.predict(list(batch))[0].shape == (5,)


def test_a_discretizer_without_a_space_keeps_the_flat_batch_rule():
    agent = hb.Agent(spaces.Discrete(2), observation=Q([0.0] * 3, [1.0] * 3), seed=0)
    assert agent.predict(np.full(3, 0.5))[0].shape == ()
    assert agent.predict(np.full((4, 3), 0.5))[0].shape == (4,)


@pytest.mark.parametrize("shape", [(0,), (2, 0)])
def test_an_empty_box_is_refused_by_name(shape):
    with pytest.raises(hb.ShapeError, match="observation space"):
        hb.Agent(spaces.Discrete(2), observation=spaces.Box(0, 1, shape))
    with pytest.raises(hb.ShapeError, match="observation space"):
        hb.Agent(spaces.Discrete(2), observation=spaces.Box(0, 1, shape), params=hb.AgentParams())
    with pytest.raises(hb.InvalidArgumentError, match="dims"):
        default_bins(0)


def test_a_discretizer_must_match_the_environments_observations():
    env = gym.make("CartPole-v1")
    with pytest.raises(hb.ShapeError, match="4"):
        hb.Agent(env, observation=Q([0, 0], [1, 1]))
    hb.Agent(env, observation=Q([-1.0] * 4, [1.0] * 4))
    with pytest.raises(hb.ArgumentTypeError, match="high"):
        Q([0.0], ["a"])


def test_large_observations_are_summarised_whatever_their_container():
    memory = StateMemory()
    rng = np.random.default_rng(0)
    memory.remember(1, list(rng.random((2, 20000))))
    memory.remember(2, {"a": rng.random(MAX_ELEMENTS + 1)})
    memory.remember(3, [np.zeros(3), (1, 2)])
    loop: list[object] = []
    loop.append(loop)
    memory.remember(4, loop)  # a list holding itself is counted without end
    assert isinstance(memory.observations[1], str) and isinstance(memory.observations[2], str)
    assert isinstance(memory.observations[3], list)
    assert isinstance(memory.observations[4], str)


def test_the_summary_threshold_counts_values_not_containers():
    memory = StateMemory()
    at_limit = [np.arange(MAX_ELEMENTS // 2), np.arange(MAX_ELEMENTS // 2)]
    memory.remember(1, list(range(MAX_ELEMENTS)))
    memory.remember(2, at_limit)
    memory.remember(3, {"a": np.arange(MAX_ELEMENTS - 1)})
    memory.remember(4, list(range(MAX_ELEMENTS + 1)))
    memory.remember(5, [[[]]] * 10)  # nests of empty lists hold no values
    for key in (1, 2, 3, 5):
        assert not isinstance(memory.observations[key], str), key
    assert isinstance(memory.observations[4], str)


def test_a_plain_discretizer_keeps_the_box_shape_through_a_file():
    class Env(gym.Env):
        observation_space = gym.spaces.Box(0.0, 1.0, (2, 3))
        action_space = gym.spaces.Discrete(2)

    agent = hb.Agent(Env(), observation=hb.Discretizer([0.0] * 6, [1.0] * 6, 3), seed=0)
    obs = np.full((2, 3), 0.5)
    assert np.shape(agent.predict(obs)[0]) == ()
    for copy in (pickle.loads(pickle.dumps(agent)), hb.Agent.from_bytes(agent.to_bytes())):
        assert np.shape(copy.predict(obs)[0]) == ()
        assert np.shape(copy.predict(np.stack([obs] * 3))[0]) == (3,)


@pytest.mark.parametrize("call", ["default_limits", "memory_bound"])
def test_sizes_for_no_values_are_refused_by_name(call):
    from hebbian_brain.abstraction import default_limits

    with pytest.raises(hb.InvalidArgumentError, match="dims"):
        if call == "default_limits":
            default_limits(0, 4)
        else:
            hb.QuantileDiscretizer.memory_bound(0)


def test_an_agent_saved_without_its_box_shape_learns_it_from_the_env(tmp_path):
    class Env(gym.Env):
        observation_space = gym.spaces.Box(0.0, 1.0, (2, 3))
        action_space = gym.spaces.Discrete(2)

    agent = hb.Agent(Env(), seed=0, params=hb.AgentParams())  # the grid agent
    agent._encoder.obs_shape = None  # what a file written before shapes were saved holds
    path = tmp_path / "old.hb"
    agent.save(path)
    obs = np.full((2, 3), 0.5)
    with pytest.raises(hb.ShapeError):
        hb.Agent.load(path).predict(obs)  # the flat rule takes (2, 3) for a batch of 2
    loaded = hb.Agent.load(path, env=Env())
    assert np.shape(loaded.predict(obs)[0]) == ()
    assert np.shape(loaded.predict(np.stack([obs] * 4))[0]) == (4,)

    class Other(Env):
        observation_space = gym.spaces.Box(0.0, 1.0, (3, 2))

    with pytest.raises(hb.InvalidArgumentError, match="shape"):
        loaded.set_env(Other())
