"""Every loader refuses hostile files with FileFormatError before reading or allocating much.

Issue 15, items 2-4: non-regular files (devices, FIFOs), files whose header does not match their
size, model files whose archive claims huge arrays, crafted descriptions (deep nesting, huge
numbers, unknown compression, trailing bytes), and agent / population metadata that is damaged
behind a valid checksum. Loads that could exhaust memory on a broken loader run in a child
process with a capped address space and a timeout, so a regression fails instead of hanging.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import threading
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain import _core, rnn
from hebbian_brain._core import population_to_bytes
from hebbian_brain._file_guard import FORMAT_VERSION

LOADERS = {
    "Brain.load": "hb.Brain.load",
    "Agent.load": "hb.Agent.load",
    "Population.load": "hb.Population.load",
    "load_model": "hb.load_model",
}


def loader_params() -> list:
    return list(LOADERS)


# ---------------------------------------------------------------- helpers
def container(kind: bytes, payload: bytes, version: int = FORMAT_VERSION) -> bytes:
    """A container as rust/core/src/io/container.rs writes it (CRC-32 over header and payload)."""
    writer = hb.__version__.encode()
    head = b"HEBBRAIN" + kind + version.to_bytes(4, "little")
    head += len(writer).to_bytes(2, "little") + writer + len(payload).to_bytes(8, "little")
    crc = zlib.crc32(payload, zlib.crc32(head))
    return head + crc.to_bytes(4, "little") + payload


def test_the_crafted_container_is_the_one_the_library_writes(tmp_path):
    """The helper above is right: a model saved by the library has exactly these bytes."""
    path = tmp_path / "m.hb"
    hb.save_model(rnn.PlasticRNN(3, seed=0), path)
    data = path.read_bytes()
    head_len = 30 + len(hb.__version__)
    assert container(b"MDL1", data[head_len:]) == data


def npz(tree: object, arrays: dict[str, np.ndarray] | None = None) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, __tree__=np.array(json.dumps(tree)), **(arrays or {}))
    return buf.getvalue()


def model_file(tmp_path: Path, payload: bytes, name: str = "crafted.hb") -> Path:
    path = tmp_path / name
    path.write_bytes(container(b"MDL1", payload))
    return path


def saved_payload(model: object) -> bytes:
    from hebbian_brain import _model_file

    enc = _model_file._Encoder()
    tree = enc.obj(model)
    return npz(tree, enc.arrays)


@contextmanager
def address_space(extra_mib: int):
    """Caps this process's address space at its current size plus ``extra_mib`` MiB."""
    with open("/proc/self/statm") as f:
        now = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (now + extra_mib * 2**20, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def isolated_load(loader: str, path: str, timeout: float = 60.0) -> str:
    """Runs ``loader(path)`` in a child process limited to 1 GiB more address space.

    Returns the name of the exception it raised ("ok" when it loaded), or "killed"/"timeout".
    """
    code = f"""
import resource, os, sys
import hebbian_brain as hb
with open("/proc/self/statm") as f:
    now = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
resource.setrlimit(resource.RLIMIT_AS, (now + 2**30, resource.RLIM_INFINITY))
try:
    {LOADERS[loader]}({path!r})
    print("ok")
except BaseException as e:
    print(type(e).__name__, e)
"""
    try:
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return "timeout"
    if out.returncode != 0:
        return f"killed ({out.returncode}): {out.stderr[-300:]}"
    return out.stdout.strip()


# ---------------------------------------------------------------- item 2: what a loader reads
@pytest.mark.parametrize("loader", loader_params())
def test_a_device_is_refused_without_being_read(loader):
    result = isolated_load(loader, "/dev/zero")
    assert result.startswith("FileFormatError"), result
    assert "/dev/zero" in result and "not a regular file" in result


@pytest.mark.parametrize("loader", loader_params())
def test_a_fifo_is_refused_without_blocking(tmp_path, loader):
    fifo = tmp_path / "pipe.hb"
    os.mkfifo(fifo)
    outcome: list[object] = []

    def load() -> None:
        try:
            eval(LOADERS[loader], {"hb": hb})(fifo)
            outcome.append("loaded")
        except BaseException as e:  # noqa: BLE001 - the outcome is inspected below
            outcome.append(e)

    t = threading.Thread(target=load, daemon=True)
    t.start()
    t.join(10)
    if t.is_alive():  # blocked in open: give it a writer and an immediate EOF so it ends
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        t.join(10)
        pytest.fail(f"{loader} blocked on a FIFO")
    assert isinstance(outcome[0], hb.FileFormatError), outcome
    assert "FIFO" in str(outcome[0]) and str(fifo) in str(outcome[0])


@pytest.mark.parametrize("loader", loader_params())
def test_a_huge_file_is_refused_from_its_header(tmp_path, loader):
    """A 4 GiB (sparse) file whose header announces a 10-byte payload is never read whole."""
    kind = {"Brain.load": b"BRN1", "Agent.load": b"AGT1", "Population.load": b"POP1"}.get(
        loader, b"MDL1"
    )
    path = tmp_path / "huge.hb"
    path.write_bytes(container(kind, bytes(10)))
    with open(path, "r+b") as f:
        f.truncate(4 * 2**30)
    result = isolated_load(loader, str(path))
    assert result.startswith("FileFormatError"), result
    assert "unexpected bytes after the payload" in result


@pytest.mark.parametrize("loader", [n for n in LOADERS if n != "Brain.load"])
def test_a_file_of_another_kind_or_truncated_is_refused_with_the_reason(tmp_path, loader):
    load = eval(LOADERS[loader], {"hb": hb})
    other = tmp_path / "other.hb"
    other.write_bytes(container(b"XXX1", b"payload"))
    with pytest.raises(hb.FileFormatError, match="expected"):
        load(other)
    short = tmp_path / "short.hb"
    short.write_bytes(container(b"MDL1", b"payload")[:-3])
    with pytest.raises(hb.FileFormatError, match="truncated|expected"):
        load(short)
    foreign = tmp_path / "foreign.hb"
    foreign.write_bytes(b"not a hebbian file at all")
    with pytest.raises(hb.FileFormatError, match="bad magic"):
        load(foreign)


# ---------------------------------------------------------------- item 3: model payloads
def test_an_array_claiming_a_huge_shape_is_refused_before_allocation(tmp_path):
    """An 800-byte model whose array claims 10**9 float64 values (7.45 GiB)."""
    payload = saved_payload(rnn.PlasticRNN(5, seed=0))
    with zipfile.ZipFile(io.BytesIO(payload)) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**9,)}
    )
    parts["a0.npy"] = header.getvalue() + bytes(200)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:  # member CRCs and offsets right: only the shape lies
        for name, data in parts.items():
            z.writestr(name, data)
    path = model_file(tmp_path, buf.getvalue())
    with address_space(512), pytest.raises(hb.FileFormatError, match="shape") as err:
        hb.load_model(path)
    assert str(path) in str(err.value)


def test_deep_nesting_is_refused(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    buf = io.BytesIO()
    np.savez(buf, __tree__=np.array(deep))
    path = model_file(tmp_path, buf.getvalue())
    with pytest.raises(hb.FileFormatError, match="nested") as err:
        hb.load_model(path)
    assert str(path) in str(err.value)
    # nesting the decoder would recurse through, within what JSON itself parses
    text = '{"object": {"new": "PlasticRNN", "args": ' + '{"list": [' * 900 + "]}" * 900 + "}}"
    buf = io.BytesIO()
    np.savez(buf, __tree__=np.array(text))
    with pytest.raises(hb.FileFormatError, match="nested"):
        hb.load_model(model_file(tmp_path, buf.getvalue(), "nested.hb"))


@pytest.mark.parametrize("number", ["1" + "0" * 400, "-" + "1" + "0" * 400, "18446744073709551616"])
def test_huge_numbers_in_the_description_are_refused(tmp_path, number):
    net = rnn.RecurrentNetwork(2, 4, 1, rule=rnn.Hebbian(), seed=0)
    payload = saved_payload(net)
    with zipfile.ZipFile(io.BytesIO(payload)) as z:
        arrays = {i.filename[:-4]: np.load(io.BytesIO(z.read(i))) for i in z.infolist()}
    text = str(arrays.pop("__tree__")).replace('"runs": 0', f'"runs": {number}')
    assert number in text
    buf = io.BytesIO()
    np.savez(buf, __tree__=np.array(text), **arrays)
    path = model_file(tmp_path, buf.getvalue())
    with pytest.raises(hb.FileFormatError, match="integer") as err:
        hb.load_model(path)
    assert str(path) in str(err.value)


def test_an_unknown_compression_method_is_refused(tmp_path):
    payload = bytearray(saved_payload(rnn.PlasticRNN(3, seed=0)))
    # method field: offset 8 of every local header, offset 10 of every directory entry
    for sig, at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        i = payload.find(sig)
        while i >= 0:
            payload[i + at : i + at + 2] = (99).to_bytes(2, "little")
            i = payload.find(sig, i + 4)
    path = model_file(tmp_path, bytes(payload))
    with pytest.raises(hb.FileFormatError, match="compression") as err:
        hb.load_model(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize("where", ["after", "before"])
def test_bytes_around_the_archive_are_refused(tmp_path, where):
    """Brain files refuse trailing bytes; so does the archive inside a model file."""
    payload = saved_payload(rnn.PlasticRNN(3, seed=0))
    payload = payload + b"junk" if where == "after" else b"junk" + payload
    path = model_file(tmp_path, payload)
    with pytest.raises(hb.FileFormatError) as err:
        hb.load_model(path)
    assert str(path) in str(err.value)


def test_a_model_file_still_round_trips_after_the_checks(tmp_path):
    net = rnn.RecurrentNetwork(2, 6, 1, rule=rnn.Oja(), seed=3)
    hb.save_model(net, tmp_path / "net.hb")
    back = hb.load_model(tmp_path / "net.hb")
    np.testing.assert_array_equal(back.weights, net.weights)


def test_constructors_that_allocate_from_a_bare_size_are_not_callable_from_a_file(tmp_path):
    tree = {"object": {"new": "GridWorldCore", "args": {"list": [2**31]}, "kwargs": None}}
    with pytest.raises(hb.FileFormatError, match="unknown class"):
        hb.load_model(model_file(tmp_path, npz(tree)))


# ---------------------------------------------------------------- item 4: metadata
def small_agent() -> hb.Agent:
    from gymnasium import spaces

    a = hb.Agent(2, seed=0, observation=spaces.Discrete(3))
    a.act(0)
    a.observe(1.0, 1, False, False)
    return a


def agent_meta(**change: object) -> dict:
    meta = json.loads(small_agent()._metadata())
    for k, v in change.items():
        if v is KeyError:
            meta.pop(k)
        else:
            meta[k] = v
    return meta


AGENT_META = {
    "renamed n_actions": lambda: json.dumps(
        {("n_actionz" if k == "n_actions" else k): v for k, v in agent_meta().items()}
    ),
    "missing seed": lambda: json.dumps(agent_meta(seed=KeyError)),
    "n_actions a string": lambda: json.dumps(agent_meta(n_actions="2")),
    "n_actions huge": lambda: json.dumps(agent_meta(n_actions=10**30)),
    "n_actions wrong": lambda: json.dumps(agent_meta(n_actions=3)),
    "action_start a float": lambda: json.dumps(agent_meta(action_start=0.5)),
    "observation not a space": lambda: json.dumps(agent_meta(observation={"kind": "discrete"})),
    "observation negative": lambda: json.dumps(
        agent_meta(observation={"kind": "discrete", "n": -3, "start": 0})
    ),
    "unknown observation": lambda: json.dumps(agent_meta(observation={"kind": "torus"})),
    "format": lambda: json.dumps(agent_meta(format="something else")),
    "not JSON": lambda: "{not json",
    "a list": lambda: "[1, 2]",
    "deep": lambda: "[" * 100_000,
}


@pytest.mark.parametrize("case", list(AGENT_META))
def test_damaged_agent_metadata_behind_a_valid_checksum_is_a_file_format_error(tmp_path, case):
    meta = AGENT_META[case]()
    a = small_agent()
    path = tmp_path / "agent.hb"
    a._core.save(str(path), meta)  # the library writes it: the checksum is valid
    with pytest.raises(hb.FileFormatError) as err:
        hb.Agent.load(path)
    assert str(path) in str(err.value)
    with pytest.raises(hb.FileFormatError):
        hb.Agent.from_bytes(a._core.to_bytes(meta))


def test_a_renamed_key_with_its_crc_fixed_up_names_the_key(tmp_path):
    path = tmp_path / "agent.hb"
    small_agent().save(path)
    data = path.read_bytes()
    head_len = 30 + len(hb.__version__)
    payload = data[head_len:].replace(b'"n_actions"', b'"n_actionz"')
    assert payload != data[head_len:]
    path.write_bytes(container(b"AGT1", payload))
    with pytest.raises(hb.FileFormatError, match="'n_actions' is missing"):
        hb.Agent.load(path)


def population(n: int = 2) -> hb.Population:
    pop = hb.Population("Chain", n, seed=0, env_kwargs={"length": 4})
    pop.run_episodes(1)
    return pop


def pop_bytes(pop: hb.Population, meta: str) -> bytes:
    return population_to_bytes([m._core for m in pop._members], [e.core for e in pop._envs], meta)


POP_META = {
    "renamed members": lambda m: {("memberz" if k == "members" else k): v for k, v in m.items()},
    "too few members": lambda m: {**m, "members": m["members"][:1]},
    "members not a list": lambda m: {**m, "members": "x"},
    "seed a string": lambda m: {**m, "seed": "0"},
    "n_threads zero": lambda m: {**m, "n_threads": 0},
    "unknown env": lambda m: {**m, "env": "Torus"},
    "env_kwargs code": lambda m: {**m, "env_kwargs": "__import__('os')"},
    "env_kwargs a list": lambda m: {**m, "env_kwargs": "[1]"},
    "env_kwargs wrong": lambda m: {**m, "env_kwargs": "{'colour': 3}"},
    "member damaged": lambda m: {**m, "members": ["{}", *m["members"][1:]]},
    "format": lambda m: {**m, "format": 1},
}


@pytest.mark.parametrize("case", list(POP_META))
def test_damaged_population_metadata_behind_a_valid_checksum_is_a_file_format_error(case):
    pop = population()
    meta = json.dumps(POP_META[case](json.loads(pop._metadata())))
    with pytest.raises(hb.FileFormatError):
        hb.Population.from_bytes(pop_bytes(pop, meta))


@pytest.mark.parametrize("meta", ["{not json", "null", "[" * 100_000])
def test_population_metadata_that_is_not_a_json_object_is_a_file_format_error(meta):
    with pytest.raises(hb.FileFormatError, match="metadata"):
        hb.Population.from_bytes(pop_bytes(population(), meta))


def test_a_saved_population_and_agent_still_load(tmp_path):
    pop = population()
    pop.save(tmp_path / "p.hb")
    assert len(hb.Population.load(tmp_path / "p.hb")) == 2
    a = small_agent()
    a.save(tmp_path / "a.hb")
    assert hb.Agent.load(tmp_path / "a.hb").to_bytes() == a.to_bytes()


def test_every_loader_is_covered():
    assert set(LOADERS) == {"Brain.load", "Agent.load", "Population.load", "load_model"}
    assert callable(_core._container_load)


def test_the_guard_knows_the_version_the_library_writes(tmp_path: Path) -> None:
    path = tmp_path / "brain.hb"
    hb.Brain(seed=0).save(path)
    assert int.from_bytes(path.read_bytes()[12:16], "little") == FORMAT_VERSION
