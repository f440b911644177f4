"""A process killed while saving never leaves a broken or half-written file behind.

A child process saves a large-ish brain (or agent) to the same path again and again, one new node
per version, and prints each version number once its save returned. The parent SIGKILLs it at
random moments. After every kill the file at the path must load and be exactly version k or k+1
(the save in flight may have completed its rename before the print), never a mixture; a leftover
temporary file may exist (the kill can land mid-write) and is ignored by loading and by the next
writer.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import hebbian_brain as hb

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

N_BASE = 4000


def base_brain() -> hb.Brain:
    """The same brain in the parent and the child: ~4000 nodes, ~40000 synapses (~2 MB)."""
    b = hb.Brain(seed=1)
    rng = np.random.default_rng(1)
    for i in range(N_BASE):
        b.get_or_create_node(i, 0)
    b.learn_transitions(
        rng.integers(0, N_BASE, 40_000), rng.integers(0, N_BASE, 40_000), rng.normal(size=40_000)
    )
    return b


def version(base: hb.Brain, k: int) -> hb.Brain:
    b = base.__copy__()
    for j in range(k + 1):
        b.get_or_create_node(("version", j), 0)
    return b


CHILD = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from test_persistence_atomic import base_brain, make_agent
    path, what = sys.argv[1], sys.argv[2]
    if what == "brain":
        obj = base_brain()
        for k in range(10**9):
            obj.get_or_create_node(("version", k), 0)
            obj.save(path)
            print(k, flush=True)
    else:
        obj = make_agent()
        for k in range(10**9):
            obj.act(k % 7)
            obj.observe(1.0, (k + 1) % 7, False, False)
            obj.save(path)
            print(k, flush=True)
    """
).format(tests=os.path.dirname(os.path.abspath(__file__)))


def make_agent() -> hb.Agent:
    from gymnasium import spaces

    brain = base_brain()
    return hb.Agent(4, brain, seed=2, observation=spaces.Discrete(7))


def run_and_kill(path, what: str, rng: np.random.Generator) -> tuple[int, bool]:
    """Starts the child, waits for its first save, kills it at a random moment.

    Returns the last version the child reported saved and whether a temporary file is there.
    """
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), what],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Wait for the first complete save, then let it run a random time.
        first = proc.stdout.readline()
        assert first, proc.stderr.read()
        os.set_blocking(proc.stdout.fileno(), False)
        time.sleep(float(rng.uniform(0.0, 0.25)))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    os.set_blocking(proc.stdout.fileno(), True)
    rest = proc.stdout.read()
    proc.stdout.close()
    proc.stderr.close()
    lines = [first, *rest.splitlines()]
    last = int([ln for ln in lines if ln.strip()][-1])
    temps = [p for p in path.parent.iterdir() if p.name.startswith(f".{path.name}.tmp-")]
    return last, bool(temps)


def test_a_brain_save_killed_at_random_moments_leaves_a_whole_version(tmp_path):
    rng = np.random.default_rng(0)
    base = base_brain()
    path = tmp_path / "brain.hb"
    for _ in range(5):
        last, _ = run_and_kill(path, "brain", rng)
        loaded = hb.Brain.load(path)
        k = loaded.node_count - N_BASE - 1
        assert k in (last, last + 1), (k, last)
        assert loaded == version(base, k)
    # Kills inside a write leave a temporary file named by the dead process (one per kill at
    # most); it never confuses a later writer or loader.
    temps = [p for p in tmp_path.iterdir() if p.name != "brain.hb"]
    assert len(temps) <= 5
    assert all(p.name.startswith(".brain.hb.tmp-") for p in temps)
    base.save(path)
    assert hb.Brain.load(path) == base
    known = {"brain.hb", *(t.name for t in temps)}
    assert not [p for p in tmp_path.iterdir() if p.name not in known]


def test_an_agent_save_killed_at_random_moments_leaves_a_whole_version(tmp_path):
    rng = np.random.default_rng(1)
    path = tmp_path / "agent.hb"
    for _ in range(3):
        last, _ = run_and_kill(path, "agent", rng)
        agent = hb.Agent.load(path)
        k = agent.num_timesteps - 1
        assert k in (last, last + 1), (k, last)
        # It is usable: the step in progress continues.
        agent.act(0)


def test_a_failed_save_leaves_the_previous_file_and_no_temporary(tmp_path):
    b = hb.Brain(seed=0)
    b.get_or_create_node(1, 0)
    path = tmp_path / "b.hb"
    b.save(path)
    before = path.read_bytes()
    # A path whose parent is a file: the save fails before touching anything.
    with pytest.raises(OSError):
        b.save(path / "inside")
    # A folder that cannot be written (unless running as root, which ignores permissions).
    os.chmod(tmp_path, 0o500)
    try:
        if not os.access(tmp_path, os.W_OK):
            b.get_or_create_node(2, 0)
            with pytest.raises(PermissionError):
                b.save(path)
    finally:
        os.chmod(tmp_path, 0o700)
    # A target that is a folder: the rename fails, the temporary file is removed.
    (tmp_path / "dir.hb").mkdir()
    with pytest.raises(OSError):
        b.save(tmp_path / "dir.hb")
    (tmp_path / "dir.hb").rmdir()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.hb"]
