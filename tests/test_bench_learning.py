"""bench/learning.py's measuring stick: exact evaluation and the baselines (loaded from file)."""

import numpy as np
import pytest


@pytest.fixture(scope="module")
def bench(load_bench):
    return load_bench("learning.py")


def test_exact_evaluation_of_frozen_lake_policies(bench):
    prob = bench.problem("FrozenLake-4x4", None)
    # Down, down, right, down, right, right from the start: the shortest safe path.
    path = {0: 1, 4: 1, 8: 2, 9: 1, 13: 2, 14: 2}
    policy = np.zeros(16, dtype=np.int64)
    for s, a in path.items():
        policy[s] = a
    assert prob.exact.evaluate(policy, 100)[0] == 1.0
    assert prob.solved(policy)
    assert prob.exact.evaluate(np.zeros(16, dtype=np.int64), 100)[0] == 0.0
    assert not prob.solved(np.zeros(16, dtype=np.int64))


def test_slippery_frozen_lake_optimum_and_threshold(bench):
    prob = bench.problem("FrozenLake-4x4-slippery", None)
    assert prob.optimum == pytest.approx(0.7442, abs=1e-4)  # within the 100-step limit
    best = prob.exact.discounted_optimum(0.999).argmax(axis=1)
    assert prob.solved(best)  # the best greedy policy reaches success >= 0.7
    assert not prob.solved(np.zeros(16, dtype=np.int64))


def test_evaluation_of_a_stochastic_policy_matches_monte_carlo(bench):
    import gymnasium as gym

    prob = bench.problem("FrozenLake-4x4-slippery", None)
    policy = prob.exact.discounted_optimum(0.99).argmax(axis=1)
    exact = prob.exact.evaluate(policy, prob.horizon)[0]
    env = gym.make("FrozenLake-v1")
    rng_seed, wins, n = 0, 0.0, 1500
    for episode in range(n):
        obs, _ = env.reset(seed=rng_seed + episode)
        done = False
        while not done:
            obs, r, terminated, truncated, _ = env.step(int(policy[obs]))
            wins += r
            done = terminated or truncated
    assert wins / n == pytest.approx(exact, abs=0.04)  # ~3.5 standard errors


def test_river_swim_and_deep_sea_targets(bench):
    river = bench.problem("RiverSwim", None)
    assert river.solved(np.ones(6, dtype=np.int64))
    assert not river.solved(np.array([0, 1, 1, 1, 1, 1]))
    sea = bench.problem("DeepSea-20", 7)
    env = sea.world.make(7).unwrapped
    policy = np.zeros(401, dtype=np.int64)
    for row in range(20):
        for col in range(20):
            policy[row * 20 + col] = env.right_action(row, col)
    assert sea.optimum == pytest.approx(0.99)
    assert sea.solved(policy)
    policy[5 * 20 + 5] = 1 - policy[5 * 20 + 5]
    assert not sea.solved(policy)


@pytest.mark.parametrize("learner", ["ps", "mbie", "dyna"])
def test_model_based_baselines_solve_deterministic_frozen_lake(bench, learner):
    prob = bench.problem("FrozenLake-4x4", None)
    hp, _ = bench.hyperparameters(prob.world, learner)
    run = bench.run_baseline(prob, learner, 0, hp, 300)
    assert run.solved and run.episodes <= 300
    assert run.backups >= 1.0
