"""Files of format version 2 (committed in tests/data) keep loading, with the same contents.

The files were written once by tests/data/make_golden_v2.py; golden_v2.json describes what they
hold: a brain with exploration values, an agent with its fitted default grid of `Box`
observations (saved mid-episode) and a recurrent agent. A change of the format must keep reading
them, and while version 2 is current, rewriting them must give the same bytes.
"""

from __future__ import annotations

import importlib.util
import json
import struct
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain import rnn

DATA = Path(__file__).parent / "data"


def _generator() -> Any:
    """tests/data/make_golden_v2.py, whose ``fingerprint`` the files were written with."""
    sys.path.insert(0, str(DATA))
    try:
        spec = importlib.util.spec_from_file_location("make_golden_v2", DATA / "make_golden_v2.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(DATA))


fingerprint = _generator().fingerprint
EXPECTED = json.loads((DATA / "golden_v2.json").read_text())
PROBES = np.array(
    [[0.0, 0.0, 0.0, 0.0], [0.05, -0.2, 0.03, 0.4], [-0.1, 0.3, -0.05, -0.6], [1.0, 1.0, 0.2, 1.0]]
)  # make_golden_v2.PROBES


def assert_brain_matches(b: hb.Brain, want: dict) -> None:
    nodes, edges = b.nodes(), b.edges()
    assert (b.node_count, b.edge_count) == (want["node_count"], want["edge_count"])
    assert (b.clock, b.episodes) == (want["clock"], want["episodes"])
    assert nodes["index"].tolist() == want["node_index"]
    assert [str(h) for h in nodes["state_hash"].tolist()] == want["state_hash"]
    assert nodes["action"].tolist() == want["action"]
    assert nodes["value"].tolist() == want["value"]
    u = [b.exploration_value(int(i)) for i in nodes["index"]]
    assert u == want["exploration_value"]
    assert edges["source"].tolist() == want["source"]
    assert edges["target"].tolist() == want["target"]
    assert edges["weight"].tolist() == want["weight"]
    assert edges["is_creative"].tolist() == want["is_creative"]


def test_the_v2_brain_loads_with_its_exploration_values():
    b = hb.Brain.load(DATA / "brain_v2.hb")
    assert_brain_matches(b, EXPECTED["brain"])
    # Exploration values differ from values somewhere (the file really holds U).
    nodes = b.nodes()
    assert any(b.exploration_value(int(i)) != v for i, v in zip(nodes["index"], nodes["value"]))
    b.dream(2)
    assert hb.Brain.from_bytes(b.to_bytes()) == b


def test_the_v2_box_agent_loads_with_its_grid_and_continues():
    import gymnasium as gym

    a = hb.Agent.load(DATA / "agent_v2.hb", env=gym.make("CartPole-v1"))
    want = EXPECTED["agent"]
    assert a.num_timesteps == want["num_timesteps"]
    assert a.n_actions == want["n_actions"]
    np.testing.assert_array_equal(a.history.returns, want["returns"])
    assert repr(a.observation) == want["observation"]
    assert fingerprint(a.brain) == want["brain"]
    actions, _ = a.predict(PROBES, deterministic=True)
    assert np.asarray(actions).tolist() == want["greedy_actions"]
    # Saved between act and observe: the step completes, and learning goes on.
    a.observe(1.0, PROBES[1], True, False)
    a.learn(episodes=1)
    assert a.num_timesteps > want["num_timesteps"]


def test_the_v2_recurrent_agent_loads_and_acts_as_saved():
    r = rnn.NodePerturbationAgent.load(DATA / "rnn_agent_v2.hb")
    want = EXPECTED["rnn_agent"]
    assert (r.num_episodes, r.num_timesteps) == (want["num_episodes"], want["num_timesteps"])
    np.testing.assert_array_equal(r.weights, want["weights"])
    np.testing.assert_array_equal(r.input_weights, want["input_weights"])
    assert [int(r.predict(o, deterministic=True)[0]) for o in PROBES] == want["greedy_actions"]


def _body(data: bytes) -> bytes:
    """A file without its library version string (which may differ between releases)."""
    (n,) = struct.unpack_from("<H", data, 16)
    return data[18 + n + 12 :]


@pytest.mark.parametrize("name", ["brain_v2.hb", "agent_v2.hb", "rnn_agent_v2.hb"])
def test_rewriting_a_v2_file_is_byte_identical_while_v2_is_current(name, tmp_path):
    data = (DATA / name).read_bytes()
    (version,) = struct.unpack_from("<I", data, 12)
    assert version == 2
    if name.startswith("brain"):
        again = hb.Brain.from_bytes(data).to_bytes()
    elif name.startswith("agent"):
        again = hb.Agent.from_bytes(data).to_bytes()
    else:
        path = tmp_path / name
        rnn.NodePerturbationAgent.load(DATA / name).save(path)
        again = path.read_bytes()
    (current,) = struct.unpack_from("<I", again, 12)
    if current != 2:
        pytest.skip(f"the library writes format version {current} now")
    assert _body(again) == _body(data)
