"""Fixed points are found, their Jacobians are right, and they are classified correctly."""

import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain.analysis import WilsonCowan, classify, fixed_points, jacobian, simulate
from hebbian_brain.rnn import RecurrentNetwork


@pytest.mark.parametrize(
    "jac,kind",
    [
        ([[-1.0, 0.0], [0.0, -2.0]], "stable node"),
        ([[1.0, 0.0], [0.0, 3.0]], "unstable node"),
        ([[-0.5, -2.0], [2.0, -0.5]], "stable focus"),
        ([[0.5, -2.0], [2.0, 0.5]], "unstable focus"),
        ([[1.0, 0.0], [0.0, -1.0]], "saddle"),
        ([[0.0, -1.0], [1.0, 0.0]], "center"),
        ([[0.0, 0.0], [0.0, -1.0]], "non-hyperbolic"),
    ],
)
def test_classification_of_linear_systems(jac, kind):
    assert classify(np.array(jac)) == kind


def test_pitchfork_system_has_a_saddle_and_two_stable_nodes():
    def f(v):
        x, y = v
        return np.array([x - x**3, -2.0 * y])

    starts = np.stack(np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-1, 1, 3)), -1).reshape(-1, 2)
    fps = fixed_points(f, starts)
    assert [fp.kind for fp in fps] == ["stable node", "saddle", "stable node"]
    np.testing.assert_allclose([fp.x[0] for fp in fps], [-1.0, 0.0, 1.0], atol=1e-8)
    np.testing.assert_allclose(fps[0].jacobian, [[-2.0, 0.0], [0.0, -2.0]], atol=1e-5)
    assert fps[0].stable and not fps[1].stable


def test_finite_difference_jacobian_is_accurate():
    def f(v):
        return np.array([np.sin(v[0]) * v[1], v[0] ** 2 - np.exp(v[1])])

    x = np.array([0.3, -0.7])
    exact = np.array([[np.cos(0.3) * -0.7, np.sin(0.3)], [0.6, -np.exp(-0.7)]])
    np.testing.assert_allclose(jacobian(f, x), exact, atol=1e-8)


def test_wilson_cowan_defaults_oscillate_around_an_unstable_focus():
    wc = WilsonCowan()
    grid = np.stack(np.meshgrid(np.linspace(0, 0.5, 5), np.linspace(0, 0.5, 5)), -1).reshape(-1, 2)
    fps = fixed_points(wc, grid)
    assert len(fps) == 1 and fps[0].kind == "unstable focus"
    _, traj = simulate(wc, [0.1, 0.05], t_max=60.0, dt=0.02)
    late = traj[len(traj) // 2 :, 0]
    assert late.max() - late.min() > 0.1  # a sustained oscillation (limit cycle)
    quiet = WilsonCowan(p=0.0)
    fps = fixed_points(quiet, grid)
    assert any(
        fp.kind in ("stable node", "stable focus") and np.allclose(fp.x, 0, atol=1e-6) for fp in fps
    )


def test_network_fixed_points_with_its_exact_jacobian():
    net = RecurrentNetwork(1, 20, 1, gain=0.5, seed=0)
    starts = np.random.default_rng(0).standard_normal((5, 20))
    fps = fixed_points(net.vector_field, starts, jac=net.jacobian)
    assert len(fps) == 1 and fps[0].stable  # a contracting network: the origin only
    np.testing.assert_allclose(fps[0].x, 0.0, atol=1e-8)
    strong = RecurrentNetwork(1, 2, 1, seed=0)
    strong.weights = np.array([[0.0, 2.0], [2.0, 0.0]])  # two stable states and a saddle
    kinds = [
        fp.kind for fp in fixed_points(strong.vector_field, np.linspace(-3, 3, 7)[:, None] * [1, 1])
    ]
    assert kinds.count("stable node") == 2 and kinds.count("saddle") == 1


def test_bad_arguments():
    with pytest.raises(hb.ShapeError, match="jac"):
        classify(np.zeros((2, 3)))
    with pytest.raises(hb.InvalidArgumentError, match="starts"):
        fixed_points(lambda v: v, np.array([[np.nan, 0.0]]))
    with pytest.raises(hb.InvalidConfigError, match="tau_e"):
        WilsonCowan(tau_e=0.0)
