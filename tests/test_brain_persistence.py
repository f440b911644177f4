"""save/load, bytes, pickle and deepcopy round trips; bad files raise clearly."""

import copy
import os
import pickle

import numpy as np
import pytest

import hebbian_brain as hb


def trained_brain(seed=0):
    cfg = hb.BrainConfig(
        pruning=hb.PruningParams(inactivity_threshold=5, weight_threshold=0.6, protection_period=2)
    )
    b = hb.Brain(cfg, seed=seed)
    rng = np.random.default_rng(seed)
    b.get_or_create_node("never used", 0)  # isolated and valueless: pruning leaves a hole
    for i in range(40):
        b.get_or_create_node(i % 10, i // 10)
    b.learn_transitions(rng.integers(1, 41, 300), rng.integers(1, 41, 300), rng.normal(size=300))
    b.dream(3)
    return b


def assert_same(a, b):
    assert a == b
    for table in ("nodes", "edges"):
        ta, tb = getattr(a, table)(), getattr(b, table)()
        assert ta.keys() == tb.keys()
        for k in ta:
            np.testing.assert_array_equal(ta[k], tb[k])


def test_round_trips_are_equal_even_after_pruning_left_holes(tmp_path):
    b = trained_brain()
    report = b.prune()
    assert report.synapses_removed > 0 and report.nodes_removed > 0
    path = tmp_path / "brain.hb"
    b.save(path)
    assert_same(hb.Brain.load(path), b)
    assert_same(hb.Brain.load(str(path)), b)
    assert_same(hb.Brain.from_bytes(b.to_bytes()), b)
    assert_same(pickle.loads(pickle.dumps(b)), b)
    assert_same(copy.deepcopy(b), b)
    assert_same(copy.copy(b), b)


def test_a_loaded_brain_continues_exactly_like_the_original(tmp_path):
    b = trained_brain()
    b.save(tmp_path / "b.hb")
    c = hb.Brain.load(tmp_path / "b.hb")
    for brain in (b, c):
        brain.learn_transition(0, 1, 1.0)
        brain.dream(5)
        brain.prune()
    assert_same(b, c)


def test_same_seed_same_brain():
    assert trained_brain(3) == trained_brain(3)
    assert trained_brain(3) != trained_brain(4)


def test_copies_are_independent():
    b = trained_brain()
    c = copy.deepcopy(b)
    c.learn_transition(0, 1, 5.0)
    assert b != c


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign", "empty", "append"])
def test_damaged_files_raise_file_format_error(tmp_path, damage):
    b = trained_brain()
    path = tmp_path / "b.hb"
    b.save(path)
    data = path.read_bytes()
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data = data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]
    elif damage == "foreign":
        data = b"PK\x03\x04 this is a zip file, not a brain" * 4
    elif damage == "empty":
        data = b""
    else:
        data = data + b"\x00"
    path.write_bytes(data)
    with pytest.raises(hb.FileFormatError, match=str(path.name)):
        hb.Brain.load(path)
    with pytest.raises(hb.FileFormatError):
        hb.Brain.from_bytes(data)


def test_a_huge_claimed_size_is_refused_without_allocating():
    b = hb.Brain(seed=0)
    data = bytearray(b.to_bytes())
    # Payload-length field sits after magic(8) kind(4) version(4) len(2) + version string.
    vlen = int.from_bytes(data[16:18], "little")
    at = 18 + vlen
    data[at : at + 8] = (10**12).to_bytes(8, "little")
    with pytest.raises(hb.FileFormatError, match="truncated"):
        hb.Brain.from_bytes(bytes(data))


def test_os_errors_name_the_path_and_leave_things_unchanged(tmp_path):
    b = trained_brain()
    with pytest.raises(FileNotFoundError):
        hb.Brain.load(tmp_path / "missing.hb")
    with pytest.raises(OSError):
        b.save(tmp_path / "no" / "such" / "dir" / "b.hb")
    if os.geteuid() != 0:  # root ignores permissions
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        with pytest.raises(PermissionError):
            b.save(ro / "b.hb")
    # A failed save leaves the old file as it was.
    good = tmp_path / "good.hb"
    b.save(good)
    before = good.read_bytes()
    with pytest.raises(OSError):
        b.save(tmp_path / "good.hb" / "child")
    assert good.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
