"""bench/box_experience_graph.py: its planning, optimism and runs do what its doc says.

The experience-graph figures in docs/design/defaults.md ("Box observations") come from this
stand-in; they speak for kernel backups on stored steps only if its value iteration gives the
discounted values of a known world, its bonus fades where steps are many, and a seed fixes a run.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
GAMMA = 0.9


@pytest.fixture(scope="module")
def eg(load_bench):
    pytest.importorskip("gymnasium")
    pytest.importorskip("scipy")
    return load_bench("box_experience_graph.py")


def _corridor(eg, length=6, repeats=1, **params):
    """Positions 0..length-1; action 1 steps right, 0 left (stays at 0); −1 a step; the end ends."""
    graph = eg.ExperienceGraph(2, seed=0, gamma=GAMMA, **params)
    for _ in range(repeats):
        for p in range(length - 1):
            for a in (0, 1):
                q = max(p - 1, 0) if a == 0 else p + 1
                graph.store([float(p)], a, -1.0, [float(q)], q == length - 1)
    graph.rebuild()
    return graph


def test_planning_gives_the_discounted_cost_to_the_end(eg):
    graph = _corridor(eg, rho=0.02)  # neighbours 1/5 of the range apart: weight e^-100
    for p in range(5):
        right = graph.values([float(p)], optimistic=False)
        steps = 5 - p
        assert right[1] == pytest.approx(-(1 - GAMMA**steps) / (1 - GAMMA), abs=1e-2)
        assert right[0] < right[1]
        assert graph.predict([float(p)]) == 1


def test_lookahead_replays_the_neighbours_steps_from_the_observation(eg):
    graph = eg.ExperienceGraph(1, seed=0, gamma=GAMMA, rho=1.0)
    graph.store([0.0], 0, -1.0, [1.0], False)  # A: one step right
    graph.store([1.0], 0, 0.0, [1.0], True)  # B: the end
    graph.rebuild()
    plain = graph.values([0.5], optimistic=False)[0]
    ahead = graph.values([0.5], optimistic=False, lookahead=True)[0]
    # A and B are equally near 0.5: A's step replayed from 0.5 lands at 1.5, B's ends.
    v = lambda x: graph.values([x], optimistic=False)[0]  # noqa: E731
    assert ahead == pytest.approx(0.5 * (-1 + GAMMA * v(1.5)), abs=1e-12)
    assert plain == pytest.approx(0.5 * (-1 + GAMMA * v(1.0)), abs=1e-3)  # A's own Q, from 1.0
    assert abs(ahead - plain) > 0.01


def test_the_bonus_fades_with_visits_and_never_passes_v_max(eg):
    once, often = _corridor(eg, rho=0.1), _corridor(eg, rho=0.1, repeats=16)
    for p in range(5):
        g1, o1 = once.values([p], optimistic=False), once.values([p], optimistic=True)
        g16, o16 = often.values([p], optimistic=False), often.values([p], optimistic=True)
        assert np.all(o1 <= once.v_max) and np.all(o16 <= often.v_max)
        assert np.all(o16 - g16 < o1 - g1)  # more visits, less optimism
        assert np.all(o16 >= g16)
    assert once.v_max == 0.0  # rewards never positive: unknown is worth 0


def test_merging_folds_a_near_step_into_its_node(eg):
    graph = eg.ExperienceGraph(2, seed=0, merge=0.05)
    for i in range(50):  # spread 0..1 so that the scale is about 1
        graph.store([i / 49.0], 0, -1.0, [i / 49.0 + 0.01], False)
    graph.rebuild()
    n = len(graph.a)
    graph.store([0.501], 0, -3.0, [0.531], True)  # within 0.05 of the node at 0.5 (25/49)
    graph.store([0.5], 1, -1.0, [0.5], False)  # another action: a node of its own
    graph.rebuild()
    assert len(graph.a) == n + 1
    i = int(np.argmin(np.abs(graph.x[:n, 0] - 0.501)))
    assert graph.count[i] == 2
    assert graph.r[i] == pytest.approx(-2.0)
    assert graph.term[i] == pytest.approx(0.5)
    assert graph.x2[i, 0] - graph.x[i, 0] == pytest.approx((0.01 + 0.03) / 2)


def test_an_action_never_taken_is_tried(eg):
    graph = eg.ExperienceGraph(3, seed=0)
    for i in range(100):
        graph.store([i / 100.0], 0, -1.0, [(i + 1) / 100.0], False)
    graph.rebuild()
    picks = {graph.act([0.5]) for _ in range(50)}
    assert picks == {1, 2}  # both untried actions are worth v_max; ties broken at random


def test_a_seed_fixes_the_actions(eg):
    import gymnasium as gym

    def actions(seed):
        env, graph, taken = gym.make("CartPole-v1"), eg.ExperienceGraph(2, seed=seed), []
        obs, _ = env.reset(seed=3)
        for _ in range(400):
            a = graph.act(obs)
            nxt, r, term, trunc, _ = env.step(a)
            graph.store(obs, a, float(r), nxt, term)
            taken.append(a)
            obs = env.reset()[0] if term or trunc else nxt
        return taken

    assert actions(1) == actions(1)
    assert actions(1) != actions(2)


@pytest.mark.slow
def test_mountain_car_reaches_the_target_within_the_zoo_budget(eg):
    run = eg.run_graph(("MountainCar-v0", 0, {}))
    assert run["solved"] and run["greedy"] >= -130
    assert run["steps"] <= 100_000  # 8/8 tuning seeds took 43 000 - 75 000


def test_the_rust_fixture_is_the_stand_ins_current_output():
    """rust/core/src/experience/testdata/standin.json must follow the stand-in it ties Rust to."""
    pytest.importorskip("scipy")
    import subprocess

    done = subprocess.run(
        [sys.executable, str(ROOT / "bench/experience_graph_fixture.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "up to date" in done.stdout
