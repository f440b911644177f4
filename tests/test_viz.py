"""render_brain and plot_history work headless."""

import shutil

import gymnasium as gym
import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain import viz


@pytest.fixture(scope="module")
def agent():
    env = gym.make("hebbian_brain/GridWorld-v0", size=4)
    return hb.Agent(env, seed=0).learn(env, episodes=30)


def test_dot_output_needs_no_graphviz_and_filters_weak_synapses(tmp_path, agent):
    path = viz.render_brain(agent, tmp_path / "brain.dot")
    text = path.read_text()
    assert text.startswith("digraph")
    strong = viz.render_brain(agent.brain, tmp_path / "strong.gv", min_weight=0.9).read_text()
    assert strong.count("->") < text.count("->")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")
@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_renders_images_through_graphviz(tmp_path, agent, suffix):
    path = viz.render_brain(agent, tmp_path / f"brain.{suffix}")
    data = path.read_bytes()
    assert data[:4] == b"\x89PNG" if suffix == "png" else b"<svg" in data


def test_render_brain_bad_input(tmp_path, agent):
    with pytest.raises(hb.InvalidArgumentError, match="suffix"):
        viz.render_brain(agent, tmp_path / "brain")
    with pytest.raises(TypeError, match="brain"):
        viz.render_brain(42, tmp_path / "x.dot")
    with pytest.raises(hb.InvalidArgumentError, match="min_weight"):
        viz.render_brain(agent, tmp_path / "x.dot", min_weight=float("nan"))


def test_plot_history_from_agent_history_or_returns(tmp_path, agent):
    fig = viz.plot_history(agent, tmp_path / "curve.png", window=5)
    assert (tmp_path / "curve.png").read_bytes()[:4] == b"\x89PNG"
    assert len(fig.axes) == 3, "returns, lengths and dream panels"
    ax = fig.axes[0]
    assert len(ax.lines) == 2
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), agent.history.returns)
    np.testing.assert_array_equal(fig.axes[1].lines[0].get_ydata(), agent.history.lengths)
    fig2 = viz.plot_history([1.0, 2.0, 3.0], ax=ax, label="other")
    assert fig2 is fig and len(ax.lines) == 4
    assert len(viz.plot_history(agent, details=False).axes) == 1
    with pytest.raises(hb.InvalidArgumentError, match="details"):
        viz.plot_history([1.0, 2.0], details=True)
    with pytest.raises(hb.InvalidArgumentError, match="window"):
        viz.plot_history(agent, window=0)
    with pytest.raises(hb.InvalidArgumentError, match="history"):
        viz.plot_history(np.zeros((2, 2)))


@pytest.mark.parametrize("name", ["plot_phase_portrait", "plot_weight_matrices"])
def test_the_plots_that_moved_out_of_analysis_still_work_there_with_a_warning(name):
    from hebbian_brain import analysis

    with pytest.warns(DeprecationWarning, match=f"hebbian_brain.viz.{name}"):
        old = getattr(analysis, name)
    assert old is getattr(viz, name)
    assert name not in analysis.__all__
    with pytest.raises(AttributeError, match="no_such_name"):
        analysis.no_such_name  # noqa: B018
