"""Pruning removes exactly the synapses the criteria name; survivors keep their indices."""

import numpy as np

import hebbian_brain as hb


def brain_from(nodes, edges, clock_node_time):
    """A brain from tables, with a far-future node forcing the clock."""
    n = len(nodes)
    node_table = {
        "index": np.arange(n + 1),
        "state_hash": np.arange(n + 1, dtype=np.uint64),
        "action": np.zeros(n + 1, dtype=np.int64),
        "value": np.array([v for v in nodes] + [1.0]),
        "created_at": np.array([0] * n + [clock_node_time]),
    }
    edge_table = {k: np.array([e[k] for e in edges]) for k in edges[0]}
    cfg = hb.BrainConfig(
        plasticity=hb.PlasticityParams(weight_decay=0.0),
        pruning=hb.PruningParams(
            inactivity_threshold=100, weight_threshold=0.3, protection_period=50
        ),
    )
    return hb.Brain.from_tables(node_table, edge_table, cfg, seed=0)


def test_only_synapses_meeting_all_three_criteria_go():
    # clock = 1000. Criteria: inactive > 100, weight < 0.3, age > 50.
    edges = [
        dict(source=0, target=1, weight=0.1, created_at=0, last_activated=10),  # all three: pruned
        dict(source=1, target=2, weight=0.5, created_at=0, last_activated=10),  # strong: kept
        dict(
            source=2, target=3, weight=0.1, created_at=0, last_activated=950
        ),  # recently active: kept
        dict(source=3, target=4, weight=0.1, created_at=960, last_activated=960),  # young: kept
        dict(source=4, target=5, weight=0.29, created_at=0, last_activated=0),  # pruned
    ]
    b = brain_from([0.0, 1.0, 1.0, 1.0, 1.0, 0.0], edges, 1000)
    assert b.clock == 1000
    before = {(s, t) for s, t in zip(b.edges()["source"], b.edges()["target"])}
    report = b.prune()
    after = {(s, t) for s, t in zip(b.edges()["source"], b.edges()["target"])}
    assert before - after == {(0, 1), (4, 5)}
    assert report.synapses_removed == 2
    # Node 0 (value 0, isolated now) and node 5 (value 0, isolated) go; node 1 keeps its value.
    assert report.nodes_removed == 2
    assert not b.contains_node(0) and not b.contains_node(5)
    assert b.contains_node(1) and b.node(1).value == 1.0
    # Survivors keep indices and data.
    assert [int(i) for i in b.nodes()["index"]] == [1, 2, 3, 4, 6]
    assert b.synapse(1, 2).weight == np.float32(0.5)
    # Holes are reused by new nodes; other indices unchanged.
    new = b.get_or_create_node(("new",), 0)
    assert new in (0, 5)
    assert b.node(6).state_hash == 6


def test_pruning_a_brain_that_learned_keeps_what_is_used():
    cfg = hb.BrainConfig(pruning=hb.PruningParams(inactivity_threshold=50, protection_period=10))
    b = hb.Brain(cfg, seed=3)
    used = [b.get_or_create_node(i, 0) for i in range(4)]
    stale_a, stale_b = b.get_or_create_node(100, 0), b.get_or_create_node(101, 0)
    b.learn_transition(stale_a, stale_b, -100.0)  # weak from the start
    b.end_episode()
    for _ in range(200):
        for i in range(3):
            b.learn_transition(used[i], used[i + 1], 0.0)
        b.learn_terminal(used[3], 1.0)
        b.end_episode()
    b.prune()
    for i in range(3):
        b.synapse(used[i], used[i + 1])  # still there
    assert not b.contains_node(stale_b)
    assert b.edge_count == 3


def test_criteria_are_strict_at_their_thresholds():
    # clock = 1000; thresholds: inactive > 100, weight < 0.3, age > 50 (all strict).
    edges = [
        dict(source=0, target=1, weight=0.1, created_at=0, last_activated=900),  # inactive == 100
        dict(source=1, target=2, weight=0.3, created_at=0, last_activated=0),  # weight == 0.3
        dict(source=2, target=3, weight=0.1, created_at=950, last_activated=0),  # age == 50
        dict(source=3, target=4, weight=0.1, created_at=949, last_activated=899),  # just past all
    ]
    b = brain_from([1.0] * 5, edges, 1000)
    assert b.clock == 1000
    b.prune()
    left = {(int(s), int(t)) for s, t in zip(b.edges()["source"], b.edges()["target"])}
    assert left == {(0, 1), (1, 2), (2, 3)}


def test_pruning_a_hub_is_linear_not_quadratic_and_keeps_survivor_order():
    cfg = hb.BrainConfig(
        plasticity=hb.PlasticityParams(weight_decay=0.0),
        pruning=hb.PruningParams(inactivity_threshold=0, weight_threshold=0.5, protection_period=0),
    )
    n = 20_000
    nodes = {
        "index": np.arange(n + 1),
        "state_hash": np.arange(n + 1, dtype=np.uint64),
        "action": np.zeros(n + 1, dtype=np.int64),
        "value": np.ones(n + 1),
        "created_at": np.r_[np.zeros(n, dtype=np.int64), 10],
    }
    weights = np.where(np.arange(n) % 3 == 0, 0.9, 0.1)  # a third survive
    edges = {
        "source": np.arange(1, n + 1),
        "target": np.zeros(n, dtype=np.int64),
        "weight": weights,
    }
    b = hb.Brain.from_tables(nodes, edges, cfg, seed=0)
    before = [p for p in b.predecessors(0)]
    report = b.prune()
    assert report.synapses_removed == int((weights < 0.5).sum())
    survivors = set(np.arange(1, n + 1)[weights >= 0.5].tolist())
    assert b.predecessors(0) == [p for p in before if p in survivors]
    assert hb.Brain.from_bytes(b.to_bytes()) == b
