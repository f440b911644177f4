"""Files of format version 1 (committed in tests/data) keep loading, with the same contents.

The files were written once by tests/data/make_golden.py; golden_v1.json describes what they
hold. A change of the format must keep reading them (or retire version 1 deliberately, with a
message saying which release still reads it). Files claiming other versions are refused with a
message that says why.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

import hebbian_brain as hb

DATA = Path(__file__).parent / "data"
EXPECTED = json.loads((DATA / "golden_v1.json").read_text())


def assert_brain_matches(b: hb.Brain, want: dict) -> None:
    nodes, edges = b.nodes(), b.edges()
    assert b.node_count == want["node_count"]
    assert b.edge_count == want["edge_count"]
    assert b.clock == want["clock"] and b.episodes == want["episodes"]
    assert nodes["index"].tolist() == want["node_index"]
    assert [str(h) for h in nodes["state_hash"].tolist()] == want["state_hash"]
    assert nodes["action"].tolist() == want["action"]
    assert nodes["value"].tolist() == want["value"]
    assert edges["source"].tolist() == want["source"]
    assert edges["target"].tolist() == want["target"]
    assert edges["weight"].tolist() == want["weight"]
    assert edges["is_creative"].tolist() == want["is_creative"]
    assert edges["eligibility_trace"].tolist() == want["eligibility_trace"]


def test_the_v1_brain_file_loads_with_its_contents():
    b = hb.Brain.load(DATA / "brain_v1.hb")
    assert_brain_matches(b, EXPECTED["brain"])
    # The golden brain has what makes the format hard: holes, creative synapses, live traces.
    assert 0 not in b.nodes()["index"].tolist()
    assert b.edges()["is_creative"].any()
    assert (b.edges()["eligibility_trace"] != 0).any()
    # And it keeps working.
    b.dream(2)
    b.prune()
    assert hb.Brain.from_bytes(b.to_bytes()) == b


def test_the_v1_agent_file_loads_with_its_contents():
    a = hb.Agent.load(DATA / "agent_v1.hb")
    want = EXPECTED["agent"]
    assert a.num_timesteps == want["num_timesteps"]
    assert a.n_actions == want["n_actions"]
    np.testing.assert_array_equal(a.history.returns, want["returns"])
    assert_brain_matches(a.brain, want["brain"])
    # It was saved between act and observe: the step can be completed.
    a.observe(1.0, 1, True, False)
    assert len(a.history) == len(want["returns"]) + 1


def test_the_v1_model_file_loads_and_continues_as_saved():
    from hebbian_brain import rnn

    net = hb.load_model(DATA / "model_v1.hb")
    want = EXPECTED["model"]
    assert isinstance(net, rnn.RecurrentNetwork)
    assert isinstance(net.rule, rnn.NeuromodulatedHebbian)
    np.testing.assert_array_equal(net.weights, want["weights"])
    np.testing.assert_array_equal(net.trace, want["trace"])
    inputs = np.sin(np.arange(16.0)[:, None] * np.array([0.3, 0.7]))  # make_golden.MODEL_INPUTS
    np.testing.assert_array_equal(net.run(inputs), want["next_outputs"])


@pytest.mark.parametrize("name", ["brain_v1.hb", "agent_v1.hb"])
def test_rewriting_a_v1_file_with_this_library_is_byte_identical_while_v1_is_current(name):
    data = (DATA / name).read_bytes()
    assert data[:8] == b"HEBBRAIN"
    (version,) = struct.unpack_from("<I", data, 12)
    assert version == 1
    if name.startswith("brain"):
        again = hb.Brain.from_bytes(data).to_bytes()
    else:
        again = hb.Agent.from_bytes(data).to_bytes()
    (current,) = struct.unpack_from("<I", again, 12)
    if current != 1:
        pytest.skip(f"the library writes format version {current} now")
    # The library version string may differ; everything after it must not.
    def body(b: bytes) -> bytes:
        (n,) = struct.unpack_from("<H", b, 16)
        return b[18 + n + 12 :]

    assert body(again) == body(data)


def with_version(data: bytes, version: int, library: bytes | None = None) -> bytes:
    out = bytearray(data)
    struct.pack_into("<I", out, 12, version)
    if library is not None:
        (n,) = struct.unpack_from("<H", out, 16)
        out[18 : 18 + n] = library
        struct.pack_into("<H", out, 16, len(library))
    return bytes(out)


def test_a_newer_format_version_says_who_wrote_it_and_to_upgrade(tmp_path):
    data = with_version((DATA / "brain_v1.hb").read_bytes(), 3, b"7.3.0")
    path = tmp_path / "future.hb"
    path.write_bytes(data)
    with pytest.raises(hb.FileFormatError) as e:
        hb.Brain.load(path)
    msg = str(e.value)
    assert "format version 3" in msg and "hebbian_brain 7.3.0" in msg
    assert "reads format versions 1 to 2" in msg and "upgrade" in msg
    assert str(path) in msg
    agent = with_version((DATA / "agent_v1.hb").read_bytes(), 9, b"9.0")
    with pytest.raises(hb.FileFormatError, match="format version 9 by hebbian_brain 9.0"):
        hb.Agent.from_bytes(agent)


def test_an_impossible_version_is_called_damaged():
    data = with_version((DATA / "brain_v1.hb").read_bytes(), 0)
    with pytest.raises(hb.FileFormatError, match="format version 0 never existed"):
        hb.Brain.from_bytes(data)


def test_a_v1_file_migrates_to_version_2_without_exploration_values():
    # Version 1 has no DreamParams.optimism and no exploration values: the brain loads with
    # optimism 0 (it keeps exploring as it was saved to) and saves as version 2, which loads
    # back to the same brain.
    b = hb.Brain.from_bytes((DATA / "brain_v1.hb").read_bytes())
    assert b.config.dream.optimism == 0.0
    again = b.to_bytes()
    (version,) = struct.unpack_from("<I", again, 12)
    assert version == 2
    back = hb.Brain.from_bytes(again)
    assert back.to_bytes() == again and back.config == b.config
    agent = hb.Agent.from_bytes((DATA / "agent_v1.hb").read_bytes())
    assert agent.brain.config.dream.optimism == 0.0
    assert hb.Agent.from_bytes(agent.to_bytes()).to_bytes() == agent.to_bytes()
