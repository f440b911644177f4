"""Vector fields, nullclines, PCA projections and plots of 2-D views."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain.analysis import (
    PCAProjection,
    WilsonCowan,
    fixed_points,
    nullclines,
    projected_vector_field,
    symmetry_index,
    vector_field,
)
from hebbian_brain.rnn import RecurrentNetwork
from hebbian_brain.viz import plot_phase_portrait, plot_weight_matrices


def linear(v):
    return np.array([-v[0] + v[1], -v[1] + 0.5])


def test_vector_field_and_nullclines_of_a_linear_system():
    gx, gy, u, v = vector_field(linear, (-1, 1), (-1, 1), n=7)
    assert gx.shape == (7, 7)
    np.testing.assert_allclose(u, -gx + gy)
    x_null, y_null = nullclines(linear, (-1, 1), (-1, 1), n=41)
    pts = np.concatenate(x_null)
    np.testing.assert_allclose(pts[:, 1], pts[:, 0], atol=1e-9)  # dx/dt = 0 on y = x
    pts = np.concatenate(y_null)
    np.testing.assert_allclose(pts[:, 1], 0.5, atol=1e-9)  # dy/dt = 0 on y = 1/2


def test_pca_recovers_a_planar_trajectory():
    rng = np.random.default_rng(0)
    basis = np.linalg.qr(rng.standard_normal((50, 2)))[0].T
    t = np.linspace(0, 6, 200)
    z = np.stack([3 * np.cos(t), np.sin(t)], 1)
    states = 1.0 + z @ basis
    proj = PCAProjection.fit(states)
    assert proj.explained_variance_ratio.sum() == pytest.approx(1.0)
    assert proj.explained_variance_ratio[0] > proj.explained_variance_ratio[1]
    np.testing.assert_allclose(proj.inverse_transform(proj.transform(states)), states, atol=1e-10)
    assert PCAProjection.fit(states[None]).transform(states).shape == (200, 2)


def test_projected_vector_field_of_a_network_points_inwards_for_a_contracting_network():
    net = RecurrentNetwork(1, 30, 1, gain=0.3, seed=0)
    _, x = net.run(np.sin(np.arange(100) * 0.2)[:, None], return_states="currents")
    proj = PCAProjection.fit(x)
    gx, gy, u, v = projected_vector_field(net.vector_field, proj, (-1, 1), (-1, 1), n=5)
    z = np.stack([gx, gy], -1) + proj.transform(np.zeros(30))  # relative to the origin
    assert np.mean(np.sum(np.stack([u, v], -1) * z, -1) < 0) > 0.8


def test_symmetry_index():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((10, 10))
    assert symmetry_index(a + a.T) == pytest.approx(1.0)
    assert symmetry_index(a - a.T) == pytest.approx(-1.0)
    assert abs(symmetry_index(rng.standard_normal((200, 200)))) < 0.05
    with pytest.raises(hb.ShapeError, match="weights"):
        symmetry_index(np.zeros((2, 3)))


def test_plots_are_drawn_headless(tmp_path):
    wc = WilsonCowan()
    fps = fixed_points(wc, [[0.2, 0.1]])
    ax = plot_phase_portrait(
        wc, (0, 0.5), (0, 0.5), fixed_points=fps, n=10, nullcline_resolution=40
    )
    ax.figure.savefig(tmp_path / "phase.png")
    fig = plot_weight_matrices({"a": np.eye(4), "b": -np.eye(4)}, order=np.arange(4)[::-1])
    fig.savefig(tmp_path / "w.png")
    assert (tmp_path / "phase.png").stat().st_size > 1000 and (tmp_path / "w.png").exists()


def test_bad_grid_arguments():
    with pytest.raises(hb.InvalidArgumentError, match="xlim"):
        vector_field(linear, (1, -1), (0, 1))
    with pytest.raises(hb.InvalidArgumentError, match="n"):
        nullclines(linear, (0, 1), (0, 1), n=1)
    with pytest.raises(hb.InvalidArgumentError, match="n_components"):
        PCAProjection.fit(np.zeros((3, 2)), n_components=5)


def test_phase_portrait_without_nullclines_in_view_draws_no_empty_legend():
    # The flow (1, 1) has no nullcline anywhere: no legend handles. Under filterwarnings=error an
    # empty `ax.legend()` would raise its "No artists with labels" UserWarning.
    ax = plot_phase_portrait(lambda v: np.ones(2), (0, 1), (0, 1), n=5, nullcline_resolution=10)
    assert ax.get_legend() is None


def test_plots_do_not_leak_pyplot_figures():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    plot_phase_portrait(linear, (-1, 1), (-1, 1), n=5, nullcline_resolution=10)
    plot_weight_matrices({"a": np.eye(3)})
    assert plt.get_fignums() == before
