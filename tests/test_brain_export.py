"""DOT (parses with pydot, renders with Graphviz), report, networkx round trip, tables."""

import shutil
import subprocess

import numpy as np
import pytest

import hebbian_brain as hb


def small_brain():
    b = hb.Brain(hb.BrainConfig(dream=hb.DreamParams(creative_edge_probability=1.0)), seed=2)
    nodes = [b.get_or_create_node((i, "s"), i % 2) for i in range(6)]
    for i in range(5):
        b.learn_transition(nodes[i], nodes[i + 1], 0.1 * i)
    b.learn_terminal(nodes[5], 1.0)
    b.end_episode()
    b.dream(2)
    return b


# pydot still calls pyparsing APIs that newer pyparsing deprecates; not our warning to fix.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_dot_parses_with_pydot_and_has_every_node_and_edge():
    pydot = pytest.importorskip("pydot")
    b = small_brain()
    (graph,) = pydot.graph_from_dot_data(b.to_dot())
    assert len([n for n in graph.get_nodes() if n.get_name()[1:].isdigit()]) == b.node_count
    assert len(graph.get_edges()) == b.edge_count
    dashed = [e for e in graph.get_edges() if e.get("style") == "dashed"]
    assert len(dashed) == int(b.edges()["is_creative"].sum()) > 0


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")
def test_dot_renders_with_graphviz(tmp_path):
    b = small_brain()
    out = subprocess.run(
        ["dot", "-Tsvg"], input=b.to_dot(), capture_output=True, text=True, check=True
    )
    assert "<svg" in out.stdout and out.stderr == ""


def test_min_weight_and_hash_display_options():
    b = small_brain()
    weights = b.edges()["weight"]
    cut = float(np.median(weights))
    dot = b.to_dot(min_weight=cut)
    assert dot.count("->") == int((weights >= cut).sum())
    state = b.node(0).state_hash
    assert f"{state:016x}" in b.to_dot()
    assert f"{state:016x}" not in b.to_dot(show_state_hash=False)
    with pytest.raises(hb.InvalidArgumentError):
        b.to_dot(min_weight=float("nan"))


def test_report_states_the_sizes():
    b = small_brain()
    text = b.report()
    assert f"nodes                 : {b.node_count}" in text
    assert f"synapses              : {b.edge_count}" in text
    assert "most valuable" in text


def test_tables_have_equal_lengths_and_match_the_views():
    b = small_brain()
    nodes, edges = b.nodes(), b.edges()
    assert {len(v) for v in nodes.values()} == {b.node_count}
    assert {len(v) for v in edges.values()} == {b.edge_count}
    assert nodes["state_hash"].dtype == np.uint64 and edges["is_creative"].dtype == bool
    i = int(nodes["index"][3])
    assert b.node(i).value == nodes["value"][3]
    s, t = int(edges["source"][0]), int(edges["target"][0])
    assert b.synapse(s, t).weight == edges["weight"][0]
    assert sorted(b.successors(s)) == sorted(edges["target"][edges["source"] == s].tolist())
    assert sorted(b.predecessors(t)) == sorted(edges["source"][edges["target"] == t].tolist())


def test_networkx_round_trip_keeps_indices_and_fields():
    nx = pytest.importorskip("networkx")
    b = small_brain()
    b2 = hb.Brain.from_tables(
        {**b.nodes(), "index": b.nodes()["index"] + 3},  # shift indices: holes 0..2
        {**b.edges(), "source": b.edges()["source"] + 3, "target": b.edges()["target"] + 3},
        b.config,
    )
    g = b2.to_networkx()
    assert isinstance(g, nx.DiGraph)
    assert sorted(g.nodes) == sorted(b2.nodes()["index"].tolist())
    assert g.graph["config"] == b2.config
    back = hb.Brain.from_networkx(g)
    for table in ("nodes", "edges"):
        ta, tb = getattr(b2, table)(), getattr(back, table)()
        key = ("index",) if table == "nodes" else ("target", "source")
        oa, ob = np.lexsort([ta[k] for k in key]), np.lexsort([tb[k] for k in key])
        for k in ta:
            if k != "eligibility_trace":
                np.testing.assert_array_equal(ta[k][oa], tb[k][ob], err_msg=k)
    assert not back.contains_node(0)


def test_from_networkx_refuses_what_it_cannot_use():
    nx = pytest.importorskip("networkx")
    g = nx.DiGraph()
    g.add_node("a", state_hash=1, action=0)
    with pytest.raises(TypeError, match="non-negative ints"):
        hb.Brain.from_networkx(g)
    g = nx.DiGraph()
    g.add_node(0, action=0)
    with pytest.raises(ValueError, match="state_hash"):
        hb.Brain.from_networkx(g)
    with pytest.raises(TypeError, match="directed"):
        hb.Brain.from_networkx(nx.Graph())
    g = nx.DiGraph()
    g.add_node(0, state_hash=1, action=0)
    g.add_node(1, state_hash=1, action=0)
    with pytest.raises(hb.InvalidArgumentError, match="share state"):
        hb.Brain.from_networkx(g)
    g = nx.DiGraph()
    g.add_node(0, state_hash=1, action=0)
    g.add_node(1, state_hash=2, action=0)
    g.add_edge(0, 1, weight=5.0)
    with pytest.raises(hb.InvalidArgumentError, match="weight"):
        hb.Brain.from_networkx(g)


def test_from_networkx_fills_missing_attributes_per_row_not_per_column():
    nx = pytest.importorskip("networkx")
    b = small_brain()
    g = b.to_networkx()
    g.add_node(99, state_hash=7, action=0)  # a node without value etc.
    first = int(b.edges()["source"][0])
    g.add_edge(first, 99)  # an edge without weight etc.
    back = hb.Brain.from_networkx(g)
    for i in b.nodes()["index"]:
        assert back.node(int(i)).value == b.node(int(i)).value
    e = b.edges()
    for s, t, w in zip(e["source"], e["target"], e["weight"]):
        assert back.synapse(int(s), int(t)).weight == w
    assert back.node(99).value == 0.0
    assert back.synapse(first, 99).weight == pytest.approx(b.config.plasticity.initial_weight)
    g.add_node(100, state_hash=1.5, action=0)
    with pytest.raises(TypeError, match="state_hash"):
        hb.Brain.from_networkx(g)
    del nx
