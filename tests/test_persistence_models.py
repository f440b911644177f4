"""The rnn models save to the library's versioned container and load back exactly; bad or
foreign files are refused without running anything."""

import io
import json
import zlib

import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain import _core, rnn, tasks


def _inputs(t=30, n=2, seed=0):
    return np.random.default_rng(seed).standard_normal((t, n))


@pytest.mark.parametrize(
    "rule",
    [None, rnn.Hebbian(), rnn.Oja(), rnn.STDP(), rnn.NeuromodulatedHebbian()],
    ids=["none", "hebbian", "oja", "stdp", "neuromodulated"],
)
def test_recurrent_network_round_trip_continues_identically(tmp_path, rule):
    net = rnn.RecurrentNetwork(2, 8, 1, rule=rule, noise_std=0.1, seed=3)
    net.run(_inputs())  # learn and draw noise first, so the saved state is not the initial one
    path = tmp_path / "net.hb"
    hb.save_model(net, path)
    loaded = hb.load_model(path)
    assert type(loaded) is rnn.RecurrentNetwork
    np.testing.assert_array_equal(loaded.weights, net.weights)
    # Same weights, traces and noise stream: the next trial is the same, bit for bit.
    np.testing.assert_array_equal(loaded.run(_inputs(seed=1)), net.run(_inputs(seed=1)))
    np.testing.assert_array_equal(loaded.weights, net.weights)


def test_node_perturbation_trainer_round_trip_trains_identically(tmp_path):
    trainer = tasks.DelayedNonMatch().trainer(seed=4)
    trainer.learn(3)
    hb.save_model(trainer, tmp_path / "t.hb")
    loaded = hb.load_model(tmp_path / "t.hb")
    assert loaded.trials_done == trainer.trials_done
    trainer.learn(2)
    loaded.learn(2)
    np.testing.assert_array_equal(loaded.weights, trainer.weights)
    np.testing.assert_array_equal(loaded.evaluate(), trainer.evaluate())


def test_plastic_rnn_round_trip(tmp_path):
    net = rnn.PlasticRNN(6, per_connection_eta=True, dtype=np.float32, seed=2)
    hb.save_model(net, tmp_path / "p.hb")
    loaded = hb.load_model(tmp_path / "p.hb")
    for name in ("w", "alpha", "eta"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(net, name))
    assert loaded.w.dtype == np.float32
    x = np.random.default_rng(0).standard_normal((1, 5, 6))
    np.testing.assert_array_equal(loaded.forward(x), net.forward(x))


def test_bad_and_foreign_files_are_refused(tmp_path):
    net = rnn.RecurrentNetwork(2, 5, 1, seed=0)
    path = tmp_path / "net.hb"
    hb.save_model(net, path)
    data = path.read_bytes()
    (tmp_path / "short.hb").write_bytes(data[:-10])
    with pytest.raises(hb.FileFormatError):
        hb.load_model(tmp_path / "short.hb")
    flipped = bytearray(data)
    flipped[-5] ^= 0xFF
    (tmp_path / "flipped.hb").write_bytes(bytes(flipped))
    with pytest.raises(hb.FileFormatError, match="checksum"):
        hb.load_model(tmp_path / "flipped.hb")
    hb.Brain(seed=0).save(tmp_path / "brain.hb")
    with pytest.raises(hb.FileFormatError):
        hb.load_model(tmp_path / "brain.hb")
    with pytest.raises(TypeError, match="own .save"):
        hb.save_model(hb.Brain(), tmp_path / "x.hb")
    with pytest.raises(TypeError, match="not a hebbian_brain"):
        hb.save_model(zlib, tmp_path / "x.hb")


@pytest.mark.parametrize(
    "tree",
    [
        {"object": {"call": "system", "method": "_from_state", "args": {"list": ["echo hi"]}}},
        {"object": {"new": "Popen", "args": {"list": []}, "kwargs": None}},
        {"object": {"call": "RecurrentNetwork", "method": "__init__", "args": {"list": []}}},
        {"object": {"new": "PlasticRNN", "args": {"list": []}, "kwargs": None, "state": 3}},
        {"list": []},
        {"object": {"call": "RecurrentNetwork", "method": "_from_state", "args": {"list": [1]}}},
    ],
    ids=["unknown-function", "unknown-class", "not-a-constructor", "bad-state", "no-model", "bad"],
)
def test_crafted_payloads_name_only_library_classes(tmp_path, tree):
    buf = io.BytesIO()
    np.savez(buf, __tree__=np.array(json.dumps(tree)))
    path = tmp_path / "crafted.hb"
    _core._container_save(str(path), b"MDL1", buf.getvalue())
    with pytest.raises(hb.FileFormatError):
        hb.load_model(path)


@pytest.mark.parametrize(
    "payload", [b"", b"garbage", b"PK\x03\x04" + bytes(40)], ids=["empty", "text", "broken-zip"]
)
def test_a_damaged_payload_with_a_valid_checksum_is_a_file_format_error(tmp_path, payload):
    path = tmp_path / "damaged.hb"
    _core._container_save(str(path), b"MDL1", payload)
    with pytest.raises(hb.FileFormatError, match="damaged model payload"):
        hb.load_model(path)
