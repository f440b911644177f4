"""DeepSea and RiverSwim: Gymnasium API, seeding, rewards, exact tables, bad arguments."""

import math

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import hebbian_brain as hb
from hebbian_brain.envs import DeepSeaEnv, RiverSwimEnv

WRAPPED = "ignore:.*is different from the unwrapped version"


@pytest.mark.filterwarnings(WRAPPED)
@pytest.mark.parametrize(
    ("env_id", "kwargs"),
    [
        ("hebbian_brain/DeepSea-v0", {}),
        ("hebbian_brain/DeepSea-v0", {"size": 5, "deterministic": False, "render_mode": "ansi"}),
        ("hebbian_brain/RiverSwim-v0", {"render_mode": "ansi"}),
        ("hebbian_brain/RiverSwim-v0", {"n_states": 3, "max_steps": 7}),
    ],
)
def test_registered_envs_pass_the_gymnasium_checker(env_id, kwargs):
    env = gym.make(env_id, **kwargs)
    check_env(env, skip_render_check=False)
    check_env(env.unwrapped, skip_render_check=False)


def test_ids_are_registered():
    assert "hebbian_brain/DeepSea-v0" in gym.registry
    assert "hebbian_brain/RiverSwim-v0" in gym.registry


def _play(env, rights):
    """Plays right (True) / left (False) moves in DeepSea; returns (rewards, observations)."""
    env.reset(seed=0)
    rewards, observations = [], []
    for go_right in rights:
        right = env.right_action(env.core.row, env.core.column)
        obs, reward, terminated, truncated, _ = env.step(right if go_right else 1 - right)
        rewards.append(reward)
        observations.append(obs)
        assert not truncated
    assert terminated
    return rewards, observations


def test_deep_sea_all_right_path_pays_one_minus_the_move_cost():
    env = DeepSeaEnv(size=6, mapping_seed=3)
    rewards, observations = _play(env, [True] * 6)
    assert rewards[:-1] == pytest.approx([-0.01 / 6] * 5)
    assert rewards[-1] == pytest.approx(1 - 0.01 / 6)
    assert sum(rewards) == pytest.approx(0.99)
    assert observations == [7, 14, 21, 28, 35, 36]  # the diagonal, then the end index 36


def test_deep_sea_one_left_move_loses_the_reward():
    env = DeepSeaEnv(size=6, mapping_seed=3)
    rewards, _ = _play(env, [True, True, True, False, True, True])
    assert sum(rewards) == pytest.approx(-5 * 0.01 / 6)
    rewards, observations = _play(env, [False] * 6)
    assert rewards == [0.0] * 6
    assert observations == [6, 12, 18, 24, 30, 36]


def test_deep_sea_mapping_is_fixed_by_mapping_seed_and_random_per_cell():
    def mapping(env):
        return [env.right_action(r, c) for r in range(12) for c in range(12)]

    a = DeepSeaEnv(size=12, mapping_seed=5)
    b = DeepSeaEnv(size=12, mapping_seed=5)
    b.reset(seed=99)  # reseeding the episode does not change the world
    assert mapping(a) == mapping(b)
    assert mapping(a) != mapping(DeepSeaEnv(size=12, mapping_seed=6))
    assert 40 < sum(mapping(a)) < 104  # both meanings occur (144 cells)
    assert set(mapping(DeepSeaEnv(size=12, randomize_actions=False))) == {1}
    # With a random mapping, always pressing the same action does not find the reward.
    env = DeepSeaEnv(size=12, mapping_seed=5)
    env.reset(seed=0)
    total = sum(env.step(1)[1] for _ in range(12))
    assert total < 0.5


def test_deep_sea_stochastic_variant_is_reproducible_per_seed():
    def run(seed):
        env = DeepSeaEnv(size=8, deterministic=False, randomize_actions=False)
        env.reset(seed=seed)
        return [env.step(1)[:2] for _ in range(8)]

    assert run(1) == run(1)
    assert any(run(1) != run(s) for s in range(2, 6))


def test_river_swim_rewards_on_hand_played_steps():
    env = RiverSwimEnv()
    assert env.reset(seed=0) == (0, {})
    assert env.step(0)[:4] == (0, 0.005, False, False)  # left at the bank pays a little
    # Swim right until the far end; then staying there pays 1.
    obs, total = 0, 0.0
    for _ in range(200):
        obs, reward, terminated, truncated, _ = env.step(1)
        assert not terminated
        if obs == 5 and reward == 1.0:
            break
        if truncated:
            env.reset()
    else:
        pytest.fail("never paid at the far end")
    env.reset(seed=1)
    obs, total, truncated = 0, 0.0, False
    while not truncated:
        obs, reward, _, truncated, _ = env.step(0)
        total += reward
    assert total == pytest.approx(20 * 0.005)  # 20 steps, the default limit


def test_river_swim_current_is_reproducible_per_seed():
    def run(seed):
        env = RiverSwimEnv(max_steps=100)
        env.reset(seed=seed)
        return [env.step(1)[0] for _ in range(100)]

    assert run(3) == run(3)
    assert run(3) != run(4)


@pytest.mark.parametrize(
    "make",
    [
        lambda: DeepSeaEnv(size=5, mapping_seed=2),
        lambda: DeepSeaEnv(size=5, deterministic=False, mapping_seed=2),
        lambda: RiverSwimEnv(),
        lambda: RiverSwimEnv(n_states=2, max_steps=5),
    ],
)
def test_transition_table_is_a_distribution_and_matches_the_steps(make):
    env = make()
    table = env.P
    n = env.observation_space.n
    for s in range(n):
        for a in range(2):
            assert sum(p for p, *_ in table[s][a]) == pytest.approx(1.0)
    assert env.initial_state_distrib.sum() == 1.0
    rng = np.random.default_rng(0)
    obs, _ = env.reset(seed=0)
    for _ in range(300):
        a = int(rng.integers(2))
        nxt, reward, terminated, truncated, _ = env.step(a)
        outcomes = [(s2, d) for _, s2, _, d in table[obs][a]]
        assert (nxt, terminated) in outcomes
        if env.core.deterministic if isinstance(env, DeepSeaEnv) else True:
            r_expected = [r for _, s2, r, _ in table[obs][a] if s2 == nxt]
            assert reward == pytest.approx(r_expected[0])
        obs = nxt
        if terminated or truncated:
            obs, _ = env.reset()


def _value_iteration(env, gamma):
    n = env.observation_space.n
    q = np.zeros((n, 2))
    for _ in range(5000):
        v = q.max(axis=1)
        q = np.array(
            [
                [sum(p * (r + (0.0 if d else gamma * v[s2])) for p, s2, r, d in env.P[s][a])
                 for a in range(2)]
                for s in range(n)
            ]
        )  # fmt: skip
    return q


def test_deep_sea_optimum_is_the_all_right_path():
    env = DeepSeaEnv(size=6, mapping_seed=4)
    q = _value_iteration(env, 1.0)
    assert q[0].max() == pytest.approx(0.99)
    for row in range(6):  # along the diagonal the greedy action is the cell's "right"
        assert int(q[row * 6 + row].argmax()) == env.right_action(row, row)


def test_river_swim_optimal_policy_swims_right_everywhere():
    q = _value_iteration(RiverSwimEnv(), 0.95)
    assert list(q.argmax(axis=1)) == [1] * 6


@pytest.mark.parametrize(
    ("make", "error", "name"),
    [
        (lambda: DeepSeaEnv(size=0), hb.InvalidConfigError, "size"),
        (lambda: DeepSeaEnv(size=-1), hb.InvalidArgumentError, "size"),
        (lambda: DeepSeaEnv(size=2**31), hb.InvalidConfigError, "size"),
        (lambda: DeepSeaEnv(size=2**64), hb.InvalidArgumentError, "size"),
        (lambda: DeepSeaEnv(size=math.nan), TypeError, "size"),
        (lambda: DeepSeaEnv(move_cost=math.nan), hb.InvalidConfigError, "move_cost"),
        (lambda: DeepSeaEnv(move_cost=-1.0), hb.InvalidConfigError, "move_cost"),
        (lambda: DeepSeaEnv(mapping_seed=-1), hb.InvalidArgumentError, "seed"),
        (lambda: DeepSeaEnv(mapping_seed=2**64), hb.InvalidArgumentError, "seed"),
        (lambda: RiverSwimEnv(n_states=0), hb.InvalidConfigError, "n_states"),
        (lambda: RiverSwimEnv(n_states=1), hb.InvalidConfigError, "n_states"),
        (lambda: RiverSwimEnv(n_states=-1), hb.InvalidArgumentError, "n_states"),
        (lambda: RiverSwimEnv(n_states=2**31), hb.InvalidConfigError, "n_states"),
        (lambda: RiverSwimEnv(n_states=math.nan), TypeError, "n_states"),
        (lambda: RiverSwimEnv(max_steps=0), hb.InvalidConfigError, "max_steps"),
        (lambda: RiverSwimEnv(max_steps=2**32), hb.InvalidArgumentError, "max_steps"),
        (lambda: RiverSwimEnv(left_reward=math.nan), hb.InvalidConfigError, "left_reward"),
        (lambda: RiverSwimEnv(right_reward=math.inf), hb.InvalidConfigError, "right_reward"),
    ],
)
def test_bad_arguments_raise_the_library_errors(make, error, name):
    with pytest.raises(error, match=name):
        make()


@pytest.mark.parametrize("make", [DeepSeaEnv, RiverSwimEnv])
def test_bad_actions_and_steps_outside_an_episode(make):
    env = make()
    with pytest.raises(hb.StateError):
        env.step(0)
    env.reset(seed=0)
    with pytest.raises(hb.InvalidArgumentError, match="action"):
        env.step(2)
    with pytest.raises(TypeError, match="action must be an integer"):
        env.step(0.5)
    env.step(np.int64(1))


def test_deep_sea_right_action_checks_the_cell():
    env = DeepSeaEnv(size=4)
    with pytest.raises(hb.InvalidArgumentError, match="row"):
        env.right_action(4, 0)
    with pytest.raises(hb.InvalidArgumentError, match="row"):
        env.right_action(-1, 0)


def test_agent_learns_on_the_new_envs():
    env = gym.make("hebbian_brain/RiverSwim-v0")
    agent = hb.Agent(env, seed=0).learn(env, episodes=5)
    assert len(agent.history) == 5
    env = gym.make("hebbian_brain/DeepSea-v0", size=4)
    agent = hb.Agent(env, seed=0).learn(env, episodes=5)
    assert list(agent.history.lengths) == [4] * 5
