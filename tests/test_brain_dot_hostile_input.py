"""Hostile strings never reach DOT: what to_dot writes always parses as one well-formed graph.

No user string is written into DOT (labels hold indices, hex state hashes and numbers); strings
in observations are hashed, extra networkx attributes are ignored, and string values where
numbers belong are refused. pydot parses the output of brains built every way.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import hebbian_brain as hb

pydot = pytest.importorskip("pydot")

# pydot still calls pyparsing APIs that newer pyparsing deprecates; not our warning to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

HOSTILE = [
    '"; } digraph evil { x [label="pwned"',
    "line\nbreak\r\n",
    "back\\slash\\",
    "\\N\\G\\L",
    "\u202eRTL\u0000NUL\u0007BEL",
    "<b>html</b>",
    "' OR 1=1 --",
    "é漢字😀",
]


def parse_one(dot: str):
    graphs = pydot.graph_from_dot_data(dot)
    assert graphs is not None and len(graphs) == 1, dot
    return graphs[0]


def node_names(g) -> set[str]:
    return {n.get_name() for n in g.get_nodes() if n.get_name() not in ("node", "edge", "graph")}


def hostile_graph() -> nx.DiGraph:
    g = nx.DiGraph(name=HOSTILE[0], label=HOSTILE[1])
    for i, text in enumerate(HOSTILE):
        g.add_node(
            i,
            state_hash=2**64 - 1 - i,
            action=i % 3,
            value=float(i) - 3.5,
            label=text,
            name=text,
            comment=text,
        )
    for i in range(len(HOSTILE) - 1):
        g.add_edge(i, i + 1, weight=0.1 * i, label=HOSTILE[-1 - i], style=HOSTILE[i])
    g.add_edge(0, 5, weight=0.9, is_creative=True, color=HOSTILE[0])
    return g


@pytest.mark.parametrize("show_state_hash", [True, False])
@pytest.mark.parametrize("min_weight", [0.0, 0.35])
def test_a_brain_from_a_networkx_graph_with_hostile_attributes_gives_clean_dot(
    show_state_hash, min_weight
):
    brain = hb.Brain.from_networkx(hostile_graph(), seed=0)
    dot = brain.to_dot(min_weight=min_weight, show_state_hash=show_state_hash)
    g = parse_one(dot)
    assert g.get_name() == "brain"
    names = node_names(g)
    drawn = brain.edges()["weight"] >= min_weight
    assert len(g.get_edges()) == int(drawn.sum())
    if min_weight == 0.0:
        assert names == {f"n{i}" for i in brain.nodes()["index"].tolist()}
    for piece in ("evil", "pwned", "html", "OR 1=1", "漢字", "RTL"):
        assert piece not in dot, piece
    # Labels are quoted and carry only what the brain computed.
    for node in g.get_nodes():
        label = node.get_attributes().get("label")
        if label is not None and node.get_name().startswith("n"):
            assert label.startswith('"#') and label.endswith('"'), label


def test_hostile_observations_are_hashed_and_the_dot_parses():
    brain = hb.Brain(seed=0)
    ids = [brain.get_or_create_node(text, k) for k, text in enumerate(HOSTILE)]
    ids += [brain.get_or_create_node(text.encode("utf-8", "surrogatepass"), 0) for text in HOSTILE]
    for a, b in zip(ids, ids[1:]):
        brain.learn_transition(a, b, 1.0)
    brain.dream(5)
    g = parse_one(brain.to_dot())
    assert node_names(g) == {f"n{i}" for i in ids}


@pytest.mark.parametrize("field", ["state_hash", "action"])
def test_strings_where_numbers_belong_are_refused(field):
    g = nx.DiGraph()
    attrs = {"state_hash": 1, "action": 0, field: HOSTILE[0]}
    g.add_node(0, **attrs)
    with pytest.raises(TypeError, match=field):
        hb.Brain.from_networkx(g)


@pytest.mark.parametrize("field", ["weight", "value"])
def test_string_numbers_in_optional_fields_are_refused(field):
    g = nx.DiGraph()
    g.add_node(0, state_hash=1, action=0, **({"value": HOSTILE[1]} if field == "value" else {}))
    g.add_node(1, state_hash=2, action=0)
    g.add_edge(0, 1, **({"weight": HOSTILE[0]} if field == "weight" else {}))
    with pytest.raises((TypeError, ValueError)):
        hb.Brain.from_networkx(g)


def test_extreme_numbers_still_give_parseable_dot():
    g = nx.DiGraph()
    g.add_node(0, state_hash=0, action=2**32 - 1, value=-1e12, salience=1e3)
    g.add_node(1, state_hash=2**64 - 1, action=0, value=5e-324, average_reward=-1e6)
    g.add_edge(0, 1, weight=1.0, created_at=2**62, last_activated=2**62)
    g.add_edge(1, 0, weight=0.0, is_creative=True)
    brain = hb.Brain.from_networkx(g, seed=0)
    dot = brain.to_dot(min_weight=-1e300)
    graph = parse_one(dot)
    assert len(graph.get_edges()) == 2
    assert "ffffffffffffffff" in dot and "a=4294967295" in dot
    assert np.isfinite(brain.nodes()["value"]).all()
