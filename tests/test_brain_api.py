"""The smaller pieces of the Brain API: lookups, explicit edges, views, repr."""

import pytest

import hebbian_brain as hb


def test_lookups_and_explicit_edges():
    b = hb.Brain(hb.BrainConfig(plasticity=hb.PlasticityParams(initial_weight=0.3)), seed=0)
    assert b.find_node("s", 0) is None and len(b) == 0
    x = b.get_or_create_node("s", 0)
    y = b.get_or_create_node("s", 1)
    z = b.get_or_create_node(b"t", 0)
    assert b.find_node("s", 1) == y and b.contains_node(z) and not b.contains_node(99)
    s = b.get_or_create_edge(x, z)
    assert isinstance(s, hb.Synapse) and s.weight == pytest.approx(0.3) and not s.is_creative
    assert b.get_or_create_edge(x, z) == s and b.edge_count == 1
    assert b.create_creative_edge(y, z) is True
    assert b.create_creative_edge(y, z) is False  # already joined
    assert b.create_creative_edge(x, z) is False  # a real synapse joins them
    assert b.create_creative_edge(z, z) is False  # no self-loops
    assert b.synapse(y, z).is_creative
    assert b.state_value("s") == 0.0 and b.state_value("unknown") is None
    assert sorted(b.predecessors(z)) == [x, y] and b.successors(z) == []


def test_views_and_reprs():
    b = hb.Brain(seed=0)
    x = b.get_or_create_node(1, 0)
    y = b.get_or_create_node(2, 0)
    b.learn_transition(x, y, 0.5)
    n = b.node(x)
    assert (n.index, n.action, n.state_hash) == (x, 0, hb.state_hash(1))
    assert "Node(index=0" in repr(n) and "Synapse(source=0, target=1" in repr(b.synapse(x, y))
    assert repr(b) == "Brain(nodes=2, synapses=1, clock=1, episodes=0)"
    assert b.node(x) == n  # views compare by value
    with pytest.raises(AttributeError):
        n.value = 3.0  # type: ignore[misc]


def test_config_is_kept_and_positional():
    cfg = hb.BrainConfig(pruning=hb.PruningParams(protection_period=3))
    assert hb.Brain(cfg).config == cfg
    assert hb.Brain().config == hb.BrainConfig()
