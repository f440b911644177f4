"""Bad input raises a clear exception, never a Rust panic, and changes nothing."""

import numpy as np
import pytest

import hebbian_brain as hb


def brain():
    b = hb.Brain(seed=5)
    for i in range(4):
        b.get_or_create_node(i, 0)
    b.learn_transition(0, 1, 1.0)
    b.learn_transition(1, 2, 0.0)
    return b


BAD_CALLS = [
    (lambda b: b.learn_transition(0, 99, 1.0), hb.InvalidNodeError, "99"),
    (lambda b: b.learn_transition(-1, 1, 1.0), hb.InvalidNodeError, None),
    (lambda b: b.learn_transition(0, 1, float("nan")), hb.InvalidArgumentError, "reward"),
    (lambda b: b.learn_transition(0, 1, float("inf")), hb.InvalidArgumentError, "reward"),
    (lambda b: b.learn_transition(0.5, 1, 1.0), TypeError, None),
    (lambda b: b.learn_terminal(7, 1.0), hb.InvalidNodeError, "7"),
    (lambda b: b.learn_truncated(0, float("-inf"), 3), hb.InvalidArgumentError, "reward"),
    (lambda b: b.activate_node(42, 0.0), hb.InvalidNodeError, "42"),
    (lambda b: b.activate_node(0, float("nan")), hb.InvalidArgumentError, "reward"),
    (lambda b: b.get_or_create_node(0, -1), hb.InvalidArgumentError, "action"),
    (lambda b: b.get_or_create_node(0.5, 0), TypeError, "discretiz"),
    (lambda b: b.get_or_create_node(None, 0), TypeError, None),
    (lambda b: b.get_or_create_edge(0, 10**12), hb.InvalidNodeError, None),
    (lambda b: b.create_creative_edge(2**40, 0), hb.InvalidNodeError, None),
    (lambda b: b.node(100), hb.InvalidNodeError, "100"),
    (lambda b: b.synapse(0, 3), hb.NoSynapseError, "0 to node 3"),
    (lambda b: b.synapse(0, 300), hb.InvalidNodeError, None),
    (lambda b: b.successors(-5), hb.InvalidNodeError, None),
    (lambda b: b.dream(-2), hb.InvalidArgumentError, "cycles"),
    (lambda b: b.learn_transitions([0, 1], [1], [0.0, 0.0]), hb.ShapeError, "lengths"),
    (lambda b: b.learn_transitions([0, 1], [1, 99], [0.0, 0.0]), hb.InvalidNodeError, "99"),
    (lambda b: b.learn_transitions([0], [1], [np.nan]), hb.InvalidArgumentError, "rewards"),
    (lambda b: b.learn_transitions(np.array([0.0]), [1], [0.0]), TypeError, "src"),
    (lambda b: b.learn_transitions([0], [1], np.array(["a"])), TypeError, "rewards"),
    (lambda b: b.learn_transitions([[0]], [[1]], [[0.0]]), hb.ShapeError, "1-D"),
    (lambda b: b.learn_transitions([0], [-3], [0.0]), hb.InvalidNodeError, None),
    (lambda b: hb.Brain.from_bytes(b"nonsense"), hb.FileFormatError, "magic"),
    (lambda b: hb.Brain(config="not a config"), TypeError, None),
    (lambda b: hb.Brain(seed=-1), hb.InvalidArgumentError, "seed"),
]


@pytest.mark.parametrize(("call", "exc", "words"), BAD_CALLS)
def test_bad_input_raises_clearly_and_changes_nothing(call, exc, words):
    b = brain()
    before = b.to_bytes()
    try:
        call(b)
    except BaseException as e:  # a PanicException is a BaseException: it must never appear
        assert type(e).__name__ != "PanicException", f"Rust panic reached Python: {e}"
        assert isinstance(e, exc), f"expected {exc.__name__}, got {type(e).__name__}: {e}"
        if words:
            assert words in str(e)
    else:
        pytest.fail(f"no exception, expected {exc.__name__}")
    assert b.to_bytes() == before


def test_errors_share_the_hierarchy():
    b = brain()
    with pytest.raises(hb.HebbianError):
        b.node(99)
    with pytest.raises(IndexError):
        b.node(99)
    with pytest.raises(LookupError):
        b.synapse(0, 3)


def table_brain(**node_columns):
    nodes = {"index": [0, 1], "state_hash": [1, 2], "action": [0, 0], **node_columns}
    edges = {"source": [0], "target": [1]}
    return hb.Brain.from_tables(nodes, edges)


@pytest.mark.parametrize(
    ("columns", "words"),
    [
        ({"created_at": np.array([-1, 0])}, "created_at"),
        ({"state_hash": [-5, 2]}, "state_hash"),
        ({"activation_count": [0, -1]}, "activation_count"),
        ({"salience": [0.0, -1.0]}, "salience"),
        ({"last_activated": np.array([2**63, 0], dtype=np.uint64)}, "2**62"),
        ({"value": [np.nan, 0.0]}, "value"),
    ],
)
def test_tables_with_out_of_range_columns_are_refused(columns, words):
    with pytest.raises(hb.InvalidArgumentError, match=words.replace("*", r"\*")):
        table_brain(**columns)


def test_negative_node_indices_are_reported_as_given():
    with pytest.raises(hb.InvalidNodeError, match="node -1 does not exist"):
        brain().node(-1)


def test_empty_batches_are_fine():
    b = brain()
    before = b.to_bytes()
    assert len(b.learn_transitions([], [], [])) == 0
    assert b.to_bytes() == before
