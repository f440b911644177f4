"""The default state abstraction of Box observations (QuantileDiscretizer): learning, NaN
refusal, save/load and pickle continuing identically, determinism, the cell cap."""

import pickle

import gymnasium as gym
import numpy as np
import pytest

import hebbian_brain as hb

#: Parameters make ``hb.Agent`` on a Box space the grid agent (without, an ExperienceAgent).
GRID = hb.AgentParams()

def _train(agent, env, episodes, seed):
    env.reset(seed=seed)
    returns = []
    for _ in range(episodes):
        obs, _ = env.reset()
        total = 0.0
        while True:
            obs, r, terminated, truncated, _ = env.step(agent.act(obs))
            agent.observe(float(r), obs, terminated, truncated)
            total += r
            if terminated or truncated:
                break
        agent.dream()
        returns.append(total)
    return returns


def _greedy_mean(agent, env, episodes=10, seed=10_000):
    total = 0.0
    for i in range(episodes):
        obs, _ = env.reset(seed=seed + i)
        while True:
            obs, r, terminated, truncated, _ = env.step(agent.predict(obs, deterministic=True)[0])
            total += r
            if terminated or truncated:
                break
    return total / episodes


def test_a_grid_agent_on_a_box_space_gets_the_default_abstraction():
    env = gym.make("CartPole-v1")
    agent = hb.Agent(env, seed=0, params=hb.AgentParams())  # no params: an ExperienceAgent
    d = agent.observation
    assert isinstance(d, hb.QuantileDiscretizer)
    # the agent's budget: floor(256 ** (1/4)) = 4 bins a dimension, passed as cells = 4**4
    assert (d.dims, d.cells, d.bins, d.warmup, d.max_cells) == (4, 256, 4, 1000, 65536)
    assert not d.fitted
    _train(agent, env, 80, seed=0)
    assert d.fitted and d.recorded == 0
    # x and the angle have finite bounds: their edges include the even cuts of the bounds
    assert np.isclose(d.edges[0], -2.4).any()
    assert np.isclose(d.edges[2], 0.4189 / 2, atol=1e-3).any()
    assert all(len(e) >= 1 for e in d.edges)
    actions, _ = agent.predict(np.zeros((3, 4), dtype=np.float32), deterministic=True)
    assert actions.shape == (3,)
    agent.learn(env, episodes=2)  # the SB3-style loop takes the same path
    assert agent.observation is d and len(agent.history) == 82


def test_default_bins_round_down_to_stay_within_the_budget():
    from hebbian_brain.abstraction import DEFAULT_CELL_BUDGET, default_bins

    assert DEFAULT_CELL_BUDGET == 256
    assert [default_bins(d) for d in (1, 2, 3, 4, 5, 6, 8, 40)] == [256, 16, 6, 4, 3, 2, 2, 2]
    for d in range(1, 6):
        assert default_bins(d) ** d <= 256 < (default_bins(d) + 1) ** d
    for name, bins in (("MountainCar-v0", 16), ("Acrobot-v1", 2)):
        assert hb.Agent(gym.make(name), seed=0, params=GRID).observation.bins == bins
    space = gym.make("Pendulum-v1").observation_space
    assert hb.abstraction.default_box_abstraction(space).bins == 6
    with pytest.raises(ValueError):
        default_bins(0)


def test_quantile_edges_and_frozen_grid():
    d = hb.QuantileDiscretizer([-np.inf], [np.inf], cells=4, warmup=8)
    for x in [7.0, 1.0, 5.0, 3.0, 0.0, 6.0, 2.0, 4.0]:
        d.cell([x])
    assert d.edges == [[2.0, 4.0, 6.0]]
    d.cell([1e6])
    assert d.edges == [[2.0, 4.0, 6.0]]
    a = d.cell([1.5], record=False)
    assert d.cell([-50.0], record=False) == a != d.cell([2.0], record=False)
    assert d([1.9]) == a
    fresh = hb.QuantileDiscretizer([-np.inf], [np.inf], cells=4, warmup=4)
    for x in [0.0, 1.0, 2.0, 3.0]:
        fresh.cell([x])  # provisional cells, then the fit, then 3.0 in the last bin
    n = fresh.n_cells
    assert fresh([0.5]) == fresh.max_cells + 1  # never met: a lookup does not add it
    assert fresh.n_cells == n


def test_nan_observations_are_refused_and_change_nothing():
    env = gym.make("CartPole-v1")
    agent = hb.Agent(env, seed=0)
    _train(agent, env, 3, seed=0)
    before = agent.to_bytes()
    with pytest.raises(hb.InvalidArgumentError, match="obs.*NaN"):
        agent.act(np.array([0.0, np.nan, 0.0, 0.0], dtype=np.float32))
    with pytest.raises(hb.InvalidArgumentError, match="NaN"):
        agent.predict(np.full(4, np.nan))
    with pytest.raises(hb.ShapeError, match="obs"):
        agent.act(np.zeros(3))
    assert agent.to_bytes() == before
    agent.act(np.zeros(4))
    with pytest.raises(hb.InvalidArgumentError, match="next_obs.*NaN"):
        agent.observe(1.0, np.full(4, np.nan), False, False)


@pytest.mark.parametrize(
    ("episodes", "split_after"), [(2, 0), (40, 0), (40, 30)]
)  # before and after the grid is fitted; with cells splitting
def test_save_load_and_pickle_continue_identically(tmp_path, episodes, split_after):
    env = gym.make("CartPole-v1")
    agent = hb.Agent(
        env.action_space,
        seed=3,
        observation=hb.QuantileDiscretizer(
            env.observation_space.low,
            env.observation_space.high,
            warmup=300,
            split_after=split_after,
        ),
    )
    _train(agent, env, episodes, seed=3)
    assert agent.observation.fitted == (episodes == 40)
    path = tmp_path / "agent.hb"
    agent.save(path)
    copies = [hb.Agent.load(path), pickle.loads(pickle.dumps(agent))]
    for c in copies:
        assert c.observation == agent.observation
        assert c.observation is not agent.observation
    runs = []
    for a in [agent, *copies]:
        e = gym.make("CartPole-v1")
        runs.append((_train(a, e, 20, seed=11), a.observation.to_bytes()))
    assert runs[0] == runs[1] == runs[2]


def test_same_seed_same_learning():
    env = gym.make("CartPole-v1")
    results = []
    for seed in (7, 7, 8):
        agent = hb.Agent(env, seed=seed, params=GRID)
        results.append((_train(agent, env, 60, seed=seed), agent.observation.to_bytes()))
    assert results[0] == results[1]
    assert results[0][0] != results[2][0] and results[0][1] != results[2][1]


def test_the_cell_cap_bounds_memory():
    env = gym.make("Acrobot-v1")
    space = env.observation_space
    d = hb.QuantileDiscretizer(space.low, space.high, warmup=100, max_cells=20)
    agent = hb.Agent(env.action_space, seed=0, observation=d)
    _train(agent, env, 3, seed=0)
    assert d.fitted
    assert d.n_cells == 20  # every cell beyond the 20th shares the overflow id 20
    assert d.cell(np.full(6, 1e9), record=False) == 20
    assert d(np.full(6, -1e9)) == 21  # never met, lookup only
    assert agent.brain.node_count <= (20 + 1) * 3
    assert d.n == 22


def test_bad_arguments():
    with pytest.raises(hb.InvalidArgumentError, match="cells"):
        hb.QuantileDiscretizer([0.0], [1.0], cells=1)
    with pytest.raises(hb.InvalidArgumentError, match="warmup"):
        hb.QuantileDiscretizer([0.0], [1.0], warmup=0)
    with pytest.raises(hb.InvalidArgumentError, match="max_cells"):
        hb.QuantileDiscretizer([0.0], [1.0], max_cells=0)
    with pytest.raises(hb.InvalidArgumentError, match="low < high"):
        hb.QuantileDiscretizer([1.0], [1.0])
    with pytest.raises(hb.InvalidArgumentError, match="low < high"):
        hb.QuantileDiscretizer([np.nan], [1.0])
    with pytest.raises(hb.ShapeError):
        hb.QuantileDiscretizer([0.0, 0.0], [1.0])
    with pytest.raises(hb.FileFormatError):
        hb.QuantileDiscretizer.from_bytes(b"garbage")
    d = hb.QuantileDiscretizer([0.0], [1.0])
    data = d.to_bytes()
    with pytest.raises(hb.FileFormatError):
        hb.QuantileDiscretizer.from_bytes(data[:-3])
    assert pickle.loads(pickle.dumps(d)) == d
    assert "QuantileDiscretizer(dims=1" in repr(d)


def _cartpole_greedy_after(episodes, seed, observation=None):
    env = gym.make("CartPole-v1")
    agent = hb.Agent(env.action_space, seed=seed, observation=observation or env.observation_space)
    _train(agent, env, episodes, seed=seed)
    return _greedy_mean(agent, gym.make("CartPole-v1"))


def test_the_default_learns_cartpole_well_ahead_of_equal_bins():
    # Measured (seeds 0, 1, 2; greedy mean of 10 episodes after 200 training episodes): the
    # default 310, 500, 500 (mean 437); Discretizer.from_space(bins=8) (the old README's way)
    # 170, 182, 256 (mean 203).
    space = gym.make("CartPole-v1").observation_space
    default = np.mean([_cartpole_greedy_after(200, s) for s in (0, 1, 2)])
    equal = np.mean(
        [
            _cartpole_greedy_after(200, s, hb.Discretizer.from_space(space, bins=8))
            for s in (0, 1, 2)
        ]
    )
    assert default >= 300
    assert default >= equal + 100


def test_cells_split_where_the_agent_goes():
    env = gym.make("CartPole-v1")
    space = env.observation_space
    plain = hb.QuantileDiscretizer(space.low, space.high, warmup=200)
    split = hb.QuantileDiscretizer(space.low, space.high, warmup=200, split_after=20)
    for d in (plain, split):
        _train(hb.Agent(env.action_space, seed=0, observation=d), env, 30, seed=0)
    assert plain.edges == split.edges  # the same fit; only the splits differ
    assert split.n_cells >= plain.n_cells + 10
    assert split.split_after == 20 and plain.split_after == 0


def _median_greedy(world, seeds, steps, observation=None):
    results = []
    for seed in seeds:
        env = gym.make(world)
        obs = observation(env.observation_space) if observation else env.observation_space
        agent = hb.Agent(env.action_space, seed=seed, observation=obs)
        env.reset(seed=seed)
        while agent.num_timesteps < steps:
            _train(agent, env, 10, seed=None)
        results.append(_greedy_mean(agent, gym.make(world)))
    return float(np.median(results))


@pytest.mark.slow
def test_cartpole_in_the_zoo_budget_beats_equal_bins():
    # bench/learning.py --box (seeds 0-9, 5e4 steps): greedy median 406 (3 of 10 solved); the
    # issue's target (>= 475 within 250 episodes) is not met. Equal bins: 183 (earlier agent).
    default = _median_greedy("CartPole-v1", range(5), 50_000)
    equal = _median_greedy(
        "CartPole-v1", range(5), 50_000, lambda s: hb.Discretizer.from_space(s, bins=8)
    )
    assert default >= 200
    assert default >= equal + 30


@pytest.mark.slow
def test_acrobot_in_the_zoo_budget():
    # bench/learning.py --box (seeds 0-9, 1e5 steps): greedy median -193; random play -500;
    # the target (>= -100) is not met.
    assert _median_greedy("Acrobot-v1", range(3), 100_000) >= -250


def _values(brain, cell, n_actions=2):
    """(value, exploration value, activation count) of each action's node of a cell."""
    out = []
    for a in range(n_actions):
        i = brain.find_node(cell, a)
        if i is not None:
            node = brain.node(i)
            out.append((a, node.value, brain.exploration_value(i), node.activation_count))
    return out


def test_the_halves_of_a_split_cell_inherit_its_experiences():
    # Without inheritance the halves would start with no nodes (untried, value 0).
    env = gym.make("CartPole-v1")
    space = env.observation_space
    d = hb.QuantileDiscretizer(space.low, space.high, warmup=200, split_after=20)
    agent = hb.Agent(env.action_space, seed=0, observation=d)
    brain, splits, with_nodes = agent.brain, 0, 0
    obs, _ = env.reset(seed=0)
    while splits < 20:
        cell = d.cell(obs, record=False, add=False)
        before = _values(brain, cell)
        obs, r, terminated, truncated, _ = env.step(agent.act(obs))
        if d.last_split is not None:
            parent, left, right = d.last_split
            assert parent == cell
            splits += 1
            with_nodes += bool(before)
            for child in (left, right):
                got = _values(brain, child)
                assert [g[:3] for g in got] == [b[:3] for b in before]
                assert all(1 <= g[3] <= max(b[3], 5) for g, b in zip(got, before))
            # The retired cell's nodes keep their values but lose their synapses (only the
            # step just learned may leave one of them, the agent's previous node).
            retired = [brain.find_node(parent, a) for a, *_ in before]
            assert all(brain.predecessors(i) == [] for i in retired)
            assert sum(len(brain.successors(i)) for i in retired) <= 1
        agent.observe(float(r), obs, terminated, truncated)
        if terminated or truncated:
            agent.dream()
            obs, _ = env.reset()
    assert splits == 20 and with_nodes >= 15


def test_splitting_agents_are_deterministic():
    runs = []
    for seed in (4, 4):
        env = gym.make("CartPole-v1")
        space = env.observation_space
        d = hb.QuantileDiscretizer(space.low, space.high, warmup=200, split_after=20)
        agent = hb.Agent(env.action_space, seed=seed, observation=d)
        returns = _train(agent, env, 40, seed=seed)
        runs.append((returns, d.to_bytes(), agent.brain.to_bytes()))
    assert runs[0] == runs[1]
