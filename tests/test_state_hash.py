"""state_hash: stable across processes and platforms, type-aware, refuses floats."""

import os
import subprocess
import sys

import numpy as np
import pytest

import hebbian_brain as hb


def test_pinned_values():
    # The same numbers the Rust core pins: saved brains depend on them.
    assert hb.state_hash(0) == 0x4A4F356B284E6C0A
    assert hb.state_hash(1) == 0xA3CFE95DB6E2F4F8
    assert hb.state_hash(-1) == 0x5ABBB37265789069
    assert hb.state_hash((1, 2)) == 0x71E7517FB2B9A54D


def test_same_value_in_another_process_with_another_hash_seed():
    code = "import hebbian_brain as hb; print(hb.state_hash(('abc', b'xy', (1, -2), 2**80)))"
    outputs = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(out.stdout.strip())
    assert len(outputs) == 1
    assert outputs.pop() == str(hb.state_hash(("abc", b"xy", (1, -2), 2**80)))


def test_arrays_hash_like_nested_tuples_whatever_the_integer_dtype():
    t = ((1, 2), (3, 4))
    for dtype in (np.int8, np.int32, np.int64, np.uint16, np.uint64):
        assert hb.state_hash(np.array(t, dtype=dtype)) == hb.state_hash(t)
    assert hb.state_hash([[1, 2], [3, 4]]) == hb.state_hash(t)
    assert hb.state_hash(np.int64(5)) == hb.state_hash(5) == hb.state_hash(np.array(5))
    assert hb.state_hash(np.array([True, False])) == hb.state_hash((1, 0))
    assert hb.state_hash(True) == hb.state_hash(1)
    big = np.array([2**63 + 5], dtype=np.uint64)
    assert hb.state_hash(big) == hb.state_hash((2**63 + 5,))
    # Fortran order and non-contiguous views hash by value (row-major nesting).
    f = np.asfortranarray(np.arange(6).reshape(2, 3))
    assert hb.state_hash(f) == hb.state_hash(((0, 1, 2), (3, 4, 5)))
    a = np.arange(12).reshape(3, 4)
    assert hb.state_hash(a[:, ::2]) == hb.state_hash(tuple(map(tuple, a[:, ::2].tolist())))


def test_kinds_and_shapes_are_distinguished():
    values = [1, (1,), [[1]], b"\x01", "1", "", b"", (), ((),), (1, 2), (2, 1), 2**64, -(2**64)]
    hashes = [hb.state_hash(v) for v in values]
    assert len(set(hashes)) == len(values)
    assert hb.state_hash(np.zeros((2, 3), dtype=int)) != hb.state_hash(np.zeros((3, 2), dtype=int))


def test_floats_are_refused_with_a_pointer_to_discretization():
    for bad in (0.5, np.float32(1.0), np.array([0.1, 0.2]), (1, 2.5)):
        with pytest.raises(TypeError, match="discretiz"):
            hb.state_hash(bad)


def test_unsupported_objects_and_depth():
    for bad in (None, {1: 2}, {1, 2}, object(), np.array(["a"]), 1j):
        with pytest.raises(TypeError):
            hb.state_hash(bad)
    deep: tuple = ()
    for _ in range(100):
        deep = (deep,)
    with pytest.raises(ValueError, match="deep"):
        hb.state_hash(deep)


def test_masked_arrays_and_invalid_unicode_are_refused_clearly():
    with pytest.raises(TypeError, match="masked"):
        hb.state_hash(np.ma.array([1, 2], mask=[0, 1]))
    with pytest.raises(ValueError, match="surrogate"):
        hb.state_hash("\ud800")
