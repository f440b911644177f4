"""Mutation fuzzing of the model-file loader (``hebbian_brain.load_model``'s payload reader).

Seeds are the payloads of saved models (a ``RecurrentNetwork`` per rule, a ``PlasticRNN``, a
``NodePerturbationTrainer``). Each execution mutates one seed and hands it to the loader:

* raw: bit flips, random bytes, inserted / deleted / duplicated runs, truncation, appended bytes;
* structured: the archive is rebuilt after mutating the JSON description (edits at random
  places, huge numbers, deep nesting, swapped names) or an array's ``.npy`` header (shape, dtype),
  so members' checksums are right and the mutation reaches the decoder and the constructors;
* container: every ``--file-every``-th input is written as a complete file (header and CRC) and
  loaded with ``load_model`` through the file check and the Rust container reader.

An execution passes when the loader returns a model or raises ``FileFormatError``; anything
else is a crash (reported with its input saved under ``--crashes``). The address space is
limited (``--memory-mb`` above the start), so an allocation the size of a claimed shape fails
loudly instead of succeeding; every ``--trace-every``-th input runs under ``tracemalloc`` and the
largest ratio of peak Python allocation to the input size (at least 4 KiB) is reported.

Usage::

    python bench/fuzz_model_file.py --runs 1000000 --seed 0
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import numpy as np

import hebbian_brain as hb
from hebbian_brain import _model_file, rnn, tasks
from hebbian_brain._core import FileFormatError

INTERESTING = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFFFFFF, 2**31, 2**32 - 1, 2**63 - 1, 2**64 - 1]
JSON_INSERTS = [
    "1" + "0" * 400,
    "1e400",
    "-1e400",
    "NaN",
    "18446744073709551616",
    "9223372036854775808",
    "[" * 5000,
    '{"list": ' * 200,
    '{"object": {"new": "GridWorldCore", "args": {"list": [2147483648]}}}',
    '{"object": {"call": "RecurrentNetwork", "method": "_from_state", "args": {"list": []}}}',
    '{"array": "a9"}',
    "null",
    "true",
    '"x"',
    "-1",
    "1000000000",
]
SHAPES = [b"(1000000000,)", b"(0,)", b"(-1,)", b"(2**64,)", b"(4294967296, 4294967296)", b"()"]
DTYPES = [b"'<f8'", b"'|O'", b"'<U1000000'", b"'V0'", b"'<c16'", b"[('a', '<f8')]", b"'S0'"]


def seeds() -> list[bytes]:
    models = [
        rnn.RecurrentNetwork(2, 6, 1, rule=rnn.Hebbian(), seed=0),
        rnn.RecurrentNetwork(2, 5, 1, rule=rnn.Oja(), seed=1),
        rnn.RecurrentNetwork(1, 4, 2, rule=rnn.STDP(), seed=2),
        rnn.RecurrentNetwork(2, 4, 1, rule=rnn.NeuromodulatedHebbian(), seed=3),
        rnn.PlasticRNN(5, seed=0),
        tasks.CenterOutReach(n_targets=2, n_steps=5, hold_steps=1).trainer(
            seed=0, n_neurons=8, bias_neurons=[2, 3, 4, 5]
        ),
    ]
    out = []
    for m in models:
        enc = _model_file._Encoder()
        tree = enc.obj(m)
        buf = io.BytesIO()
        np.savez(buf, __tree__=np.array(json.dumps(tree)), **enc.arrays)
        out.append(buf.getvalue())
    return out


def members(payload: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(payload)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def rezip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 4, 16])):
        op = rng.randrange(8)
        at = rng.randrange(len(b) + 1) if b else 0
        if op == 0 and b:
            b[min(at, len(b) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1 and b:
            b[min(at, len(b) - 1)] = rng.randrange(256)
        elif op == 2:
            b[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
        elif op == 3:
            del b[at : at + rng.randrange(1, 64)]
        elif op == 4 and b:
            n = rng.choice([4, 8])
            v = rng.choice(INTERESTING) & ((1 << (8 * n)) - 1)
            b[at : at + n] = v.to_bytes(n, "little")
        elif op == 5:
            del b[at:]
        elif op == 6:
            b += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 32)))
        elif op == 7 and b:
            j = rng.randrange(len(b))
            b[at:at] = b[j : j + rng.randrange(1, 128)]
    return bytes(b)


def mutate_structured(rng: random.Random, payload: bytes) -> bytes:
    parts = members(payload)
    name = rng.choice(list(parts))
    data = parts[name]
    if name == "__tree__.npy":
        arr = np.load(io.BytesIO(data))
        text = str(arr)
        if rng.random() < 0.5:
            at = rng.randrange(len(text) + 1)
            cut = rng.randrange(0, 16)
            text = text[:at] + rng.choice(JSON_INSERTS) + text[at + cut :]
        else:
            text = mutate_bytes(rng, text.encode()).decode("utf-8", "replace")
        buf = io.BytesIO()
        np.save(buf, np.array(text))
        parts[name] = buf.getvalue()
    else:
        header_end = data.index(b"\n") + 1
        header = data[:header_end]
        r = rng.random()
        if r < 0.4:
            at = header.find(b"'shape': ") + len(b"'shape': ")
            close = header.find(b")", at) + 1
            header = header[:at] + rng.choice(SHAPES) + header[close:]
        elif r < 0.7:
            at = header.find(b"'descr': ") + len(b"'descr': ")
            close = header.find(b",", at)
            header = header[:at] + rng.choice(DTYPES) + header[close:]
        else:
            header = mutate_bytes(rng, header)
        parts[name] = header + data[header_end:]
    if rng.random() < 0.1:
        parts[f"a{rng.randrange(9)}.npy"] = rng.choice(list(parts.values()))
    return rezip(parts)


def container(payload: bytes) -> bytes:
    version = hb.__version__.encode()
    head = b"HEBBRAIN" + b"MDL1" + (1).to_bytes(4, "little")
    head += len(version).to_bytes(2, "little") + version + len(payload).to_bytes(8, "little")
    crc = zlib.crc32(payload, zlib.crc32(head))
    return head + crc.to_bytes(4, "little") + payload


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--memory-mb", type=int, default=1024, help="address space above the start")
    p.add_argument("--trace-every", type=int, default=100)
    p.add_argument("--file-every", type=int, default=100)
    p.add_argument("--crashes", type=Path, default=Path("fuzz-crashes"))
    args = p.parse_args()

    rng = random.Random(args.seed)
    corpus = seeds()
    with open("/proc/self/statm") as f:
        vm = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = vm + args.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))

    counts = {"loaded": 0, "refused": 0, "crashes": 0, "files": 0}
    worst_ratio, worst_peak = 0.0, 0
    tmp = Path(tempfile.mkdtemp(prefix="fuzz-model-"))
    path = tmp / "m.hb"
    start = time.perf_counter()
    for i in range(args.runs):
        seed_payload = rng.choice(corpus)
        payload = (
            mutate_structured(rng, seed_payload)
            if rng.random() < 0.5
            else mutate_bytes(rng, seed_payload)
        )
        traced = i % args.trace_every == 0
        if traced:
            tracemalloc.start()
        try:
            if i % args.file_every == 0:
                counts["files"] += 1
                path.write_bytes(container(payload))
                hb.load_model(path)
            else:
                _model_file._load_payload("<fuzz>", payload)
            counts["loaded"] += 1
        except FileFormatError:
            counts["refused"] += 1
        except BaseException as e:  # noqa: BLE001 - every other outcome is the finding
            if isinstance(e, KeyboardInterrupt):
                raise
            counts["crashes"] += 1
            args.crashes.mkdir(exist_ok=True)
            (args.crashes / f"crash-{i}.npz").write_bytes(payload)
            print(f"crash {i}: {type(e).__name__}: {str(e)[:200]}", file=sys.stderr)
        finally:
            if traced:
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                ratio = peak / max(len(payload), 4096)  # a 4 KiB floor: fixed overhead
                if ratio > worst_ratio:
                    worst_ratio, worst_peak = ratio, peak
        if (i + 1) % 100_000 == 0:
            rate = (i + 1) / (time.perf_counter() - start)
            print(f"{i + 1} runs, {rate:.0f}/s, {counts}", flush=True)
    elapsed = time.perf_counter() - start
    print(
        f"runs {args.runs} in {elapsed:.0f} s ({args.runs / elapsed:.0f}/s): "
        f"loaded {counts['loaded']}, refused {counts['refused']} (FileFormatError), "
        f"crashes {counts['crashes']}; through files {counts['files']}; "
        f"address space limit {args.memory_mb} MiB above start; traced peak/input size "
        f"at most {worst_ratio:.1f}x ({worst_peak} bytes)"
    )
    return 1 if counts["crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
