"""Readable brain pictures: states named, what is shown chosen, a legend, sizes that fit a page."""

from __future__ import annotations

import io
import pickle
import re
import shutil
import subprocess

import gymnasium as gym
import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain import viz
from hebbian_brain.viz import StateLabels

pydot = pytest.importorskip("pydot")
# pydot still calls pyparsing APIs that newer pyparsing deprecates; not our warning to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
needs_graphviz = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz not installed")


def trained(env_id, episodes, observation=None, **kwargs):
    env = gym.make(env_id, **kwargs)
    return hb.Agent(env, seed=0, observation=observation).learn(env, episodes=episodes)


@pytest.fixture(scope="module")
def lake8():
    return trained("FrozenLake-v1", 150, map_name="8x8", is_slippery=False)


@pytest.fixture(scope="module")
def taxi():
    return trained("Taxi-v4", 150)


@pytest.fixture(scope="module")
def cartpole():
    d = hb.Discretizer([-2.4, -3, -0.21, -3.5], [2.4, 3, 0.21, 3.5], bins=[3, 4, 6, 4])
    return trained("CartPole-v1", 60, observation=d)


def parse(dot):
    graphs = pydot.graph_from_dot_data(dot)
    assert graphs is not None and len(graphs) == 1
    return graphs[0]


NODE_LABEL = re.compile(r'^  n\d+ \[label="((?:[^"\\]|\\.)*)"', re.MULTILINE)


def labels_of(dot):
    """The node labels of our DOT text (a regex: pydot takes minutes on a 1000-node graph; the
    tests that check DOT syntax parse small graphs with pydot)."""
    return [m.replace("\\n", "\n") for m in NODE_LABEL.findall(dot)]


# ---------------------------------------------------------------- states a person recognises
def test_frozen_lake_nodes_name_their_cell_and_action(lake8):
    dot = viz.brain_dot(lake8)
    assert 'label="(0, 0) S"' in dot, "the start cell is named and lettered"
    assert "(5, 1) H" in dot, "holes are drawn even without nodes"
    assert "(7, 7) G" in dot
    names = {lab.split("\n")[0] for lab in labels_of(dot)}
    assert names <= {"left", "down", "right", "up"}
    assert 'pos="' in dot, "grid worlds have fixed positions"


def test_taxi_states_are_decoded(taxi):
    dot = viz.brain_dot(taxi)
    parse(dot)
    labels = labels_of(dot)
    assert len(labels) == len([n for n in parse(dot).get_nodes() if n.get_name()[1:].isdigit()])
    assert labels and all(lab.startswith("taxi (") for lab in labels)
    assert any("passenger at" in lab or "passenger in taxi" in lab for lab in labels)
    assert StateLabels("taxi").label(328) == "taxi (3, 1)\npassenger at Y\nto R"


def test_cliff_walking_is_a_grid_with_its_cliff():
    agent = trained("CliffWalking-v1", 30)
    dot = viz.brain_dot(agent)
    assert "(3, 5) C" in dot and "(3, 0) S" in dot and "(3, 11) G" in dot
    assert any(lab.startswith(("up", "right", "down", "left")) for lab in labels_of(dot))


def test_discretized_cells_show_their_intervals(cartpole):
    labels = labels_of(viz.brain_dot(cartpole))
    assert labels
    first = labels[0].split("\n")
    assert any("x" in line and ("<" in line or "≥" in line) for line in first)
    assert any("angle" in line for line in first)
    assert first[-1].split()[0] == "push", "CartPole's actions are named"
    assert "e-17" not in "".join(labels), "interval edges that are 0 read as 0"


def test_a_state_label_callable_overrides_and_observations_name_a_bare_brain(lake8):
    dot = viz.brain_dot(lake8, state_label=lambda obs: f"cell #{obs}")
    assert "cell #0" in dot
    bare = hb.Brain.from_bytes(lake8.brain.to_bytes())
    assert "state " in viz.brain_dot(bare), "a bare brain without observations shows hashes"
    named = viz.brain_dot(bare, observations=range(64), state_label=lambda o: f"obs {o}")
    assert "obs 0" in named


def test_the_agent_keeps_one_observation_per_state_through_save_load_and_pickle(tmp_path):
    env = gym.make("Blackjack-v1")
    agent = hb.Agent(env, seed=0).learn(env, episodes=40)
    memory = agent._state_memory.observations
    hashes = set(agent.brain.nodes()["state_hash"].tolist())
    assert hashes <= set(memory), "every state with a node has its observation"
    assert all(isinstance(obs, tuple) for obs in memory.values())
    text = viz.brain_dot(agent)
    some = next(iter(memory.values()))
    assert str(some) in text or str(tuple(int(v) for v in some)) in text
    agent.save(tmp_path / "a.hbagent")
    for back in (hb.Agent.load(tmp_path / "a.hbagent"), pickle.loads(pickle.dumps(agent))):
        assert back._state_memory.observations == memory
        assert back._state_labels == agent._state_labels
        assert viz.brain_dot(back) == text


def test_the_memory_is_bounded():
    from hebbian_brain._state_memory import StateMemory

    m = StateMemory(capacity=3)
    for i in range(10):
        m.remember(i, np.arange(1000))
    assert len(m) == 3
    assert isinstance(m.observations[0], str), "big observations are kept as a description"


def test_damaged_state_memory_in_a_file_is_a_file_format_error(tmp_path):
    import json

    env = gym.make("Blackjack-v1")
    agent = hb.Agent(env, seed=0).learn(env, episodes=3)
    meta = json.loads(agent._metadata())
    meta["state_observations"] = {"capacity": 1, "items": [["x", 1], ["y", 2]]}
    core = hb.Agent.from_bytes(agent.to_bytes())._core
    with pytest.raises(hb.FileFormatError, match="state_observations"):
        hb.Agent._from_core(core, json.dumps(meta))
    for dtype in ("V1000000000", "object"):
        item = {"ndarray": [1], "dtype": dtype, "shape": [1]}
        meta["state_observations"] = {"capacity": 1, "items": [["1", item]]}
        with pytest.raises(hb.FileFormatError, match="state_observations"):
            hb.Agent._from_core(core, json.dumps(meta))
    meta["state_observations"] = None
    meta["state_labels"] = {"kind": "nonsense"}
    with pytest.raises(hb.FileFormatError, match="state_labels"):
        hb.Agent._from_core(core, json.dumps(meta))


# ---------------------------------------------------------------- what is shown
def test_max_nodes_and_rank_by_choose_the_nodes(taxi):
    assert taxi.brain.node_count > 60
    dot = viz.brain_dot(taxi)
    assert len(labels_of(dot)) == viz.DEFAULT_MAX_FREE_NODES, "a readable default"
    assert "showing 60 nodes" in dot
    assert len(labels_of(viz.brain_dot(taxi, max_nodes=10, rank_by="value"))) == 10
    everything = viz.brain_dot(taxi, max_nodes=None, max_edges=None)
    assert len(labels_of(everything)) == taxi.brain.node_count
    with pytest.raises(hb.InvalidArgumentError, match="rank_by"):
        viz.brain_dot(taxi, rank_by="nope")
    with pytest.raises(hb.InvalidArgumentError, match="max_nodes"):
        viz.brain_dot(taxi, max_nodes=0)


def test_greedy_path_and_neighbourhood(lake8):
    path_dot = viz.brain_dot(lake8, start=0)
    cells = {lab for lab in labels_of(path_dot)}
    assert cells, "the path has nodes"
    assert "(0, 0) S" in path_dot
    around = viz.brain_dot(lake8, around=9, hops=1)
    assert "(1, 1)" in around
    assert len(labels_of(around)) < len(labels_of(viz.brain_dot(lake8)))
    with pytest.raises(hb.InvalidArgumentError, match="around"):
        viz.brain_dot(lake8, around=19)  # a hole: the agent never acts there


def test_the_greedy_action_is_marked(lake8):
    nodes = lake8.brain.nodes()
    rows = np.flatnonzero(nodes["state_hash"] == np.uint64(hb.state_hash(0)))
    # The best value, ties to the lowest action (as predict breaks them).
    top = rows[nodes["value"][rows] >= nodes["value"][rows].max() - 1e-12]
    best = int(nodes["index"][top[np.argmin(nodes["action"][top])]])
    line = next(
        ln for ln in viz.brain_dot(lake8).splitlines() if ln.lstrip().startswith(f"n{best} ")
    )
    assert "penwidth=3" in line
    assert lake8.predict(0, deterministic=True)[0] == int(
        nodes["action"][nodes["index"] == best][0]
    )


def test_legend_says_what_colour_width_and_dashes_mean(cartpole):
    dot = viz.brain_dot(cartpole)
    for phrase in ("node value", "greedy action", "synapse weight", "creative"):
        assert phrase in dot
    parse(dot)


# ---------------------------------------------------------------- rendered pictures
@needs_graphviz
@pytest.mark.parametrize("which", ["lake8", "taxi", "cartpole"])
def test_pictures_fit_a_page(tmp_path, request, which):
    from PIL import Image

    agent = request.getfixturevalue(which)
    path = viz.render_brain(agent, tmp_path / f"{which}.png")
    image = Image.open(io.BytesIO(path.read_bytes()))
    assert max(image.size) <= viz.MAX_PIXELS
    assert min(image.size) >= 300


@needs_graphviz
def test_the_dot_text_renders_with_dot_and_the_legend_is_drawn(tmp_path, lake8):
    dot = viz.brain_dot(lake8, max_nodes=30)  # `dot` itself ignores the grid positions
    svg = subprocess.run(
        ["dot", "-Tsvg"], input=dot, capture_output=True, text=True, check=True
    ).stdout
    assert "node value" in svg and "(0, 0) S" in svg


def test_brain_to_dot_max_nodes_keeps_the_most_visited(lake8):
    b = lake8.brain
    dot = b.to_dot(max_nodes=5)
    assert len([n for n in parse(dot).get_nodes() if n.get_name()[1:].isdigit()]) == 5
    assert "greedy action" in dot
    with pytest.raises(hb.InvalidArgumentError, match="max_nodes"):
        b.to_dot(max_nodes=-1)


# ---------------------------------------------------------------- hostile labels
HOSTILE = [
    'quote " and \\" escaped',
    "back\\slash\\",
    "new\nline\r\n",
    "<html><b>bold</b></html>",
    "<script>alert(1)</script>",
    "x" * 5000,
    "\x00\x07 control",
    "}; n0 -> n0; digraph {",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_labels_stay_escaped_in_dot_and_html(tmp_path, text):
    env = gym.make("hebbian_brain/GridWorld-v0", size=3)
    agent = hb.Agent(env, seed=0).learn(env, episodes=5)
    dot = viz.brain_dot(agent, state_label=lambda obs: text, layout="free")
    graph = parse(dot)
    ids = {n.get_name() for n in graph.get_nodes()} - {"node", "edge", "graph"}
    assert ids == {f"n{i}" for i in agent.brain.nodes()["index"].tolist()}
    assert len(graph.get_edges()) <= agent.brain.edge_count
    for label in labels_of(dot):
        assert label.count("\n") <= 8
    page = viz.brain_html(agent, tmp_path / "x.html", state_label=lambda obs: text).read_text()
    data = page.split('id="brain-data" type="application/json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data


@needs_graphviz
def test_hostile_labels_render(tmp_path):
    env = gym.make("hebbian_brain/GridWorld-v0", size=3)
    agent = hb.Agent(env, seed=0).learn(env, episodes=5)
    for text in HOSTILE:
        viz.render_brain(agent, tmp_path / "h.svg", state_label=lambda obs, t=text: t)


# ---------------------------------------------------------------- notebooks and dreams
def test_brains_and_agents_display_in_notebooks(lake8):
    for obj in (lake8, lake8.brain):
        page = obj._repr_html_()
        assert "<iframe srcdoc=" in page and "nodes" in page
        assert str(lake8.brain.node_count) in page
    assert "empty" in hb.Brain()._repr_html_()


def test_the_brain_records_its_last_dream_walks(lake8):
    b = hb.Brain.from_bytes(lake8.brain.to_bytes())
    assert b.dream_walks == []
    b.record_dream_walks(3)
    b.dream(2)
    walks = b.dream_walks
    assert 0 < len(walks) <= 3
    live = set(b.nodes()["index"].tolist())
    assert all(set(w) <= live for w in walks)
    b.record_dream_walks(0)
    assert b.dream_walks == []
    with pytest.raises(hb.InvalidArgumentError):
        b.record_dream_walks(-1)


# ---------------------------------------------------------------- the command line
@needs_graphviz
def test_the_cli_writes_the_picture_and_the_viewer(tmp_path, capsys):
    from hebbian_brain.cli import main

    png, html = tmp_path / "b.png", tmp_path / "b.html"
    argv = ["train", "--env", "FrozenLake-v1", "--episodes", "20", "--seed", "0", "--quiet"]
    assert main([*argv, "--png", str(png), "--html", str(html), "--max-nodes", "12"]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert "hebbianViewer" in html.read_text()
    assert "brain (viewer)" in capsys.readouterr().out
    assert main([*argv, "--max-nodes", "none"]) == 2
    assert "--max-nodes" in capsys.readouterr().err
