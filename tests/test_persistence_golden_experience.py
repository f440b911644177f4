"""The committed experience agent file (kind EXP1) keeps loading, with the same contents.

tests/data/experience_agent_v2.hb was written once by tests/data/make_golden_experience.py;
golden_experience.json describes it. A change of the format must keep reading it, and while
format version 2 is current, rewriting it must give the same bytes.
"""

from __future__ import annotations

import importlib.util
import json
import struct
import sys
from pathlib import Path
from typing import Any

import gymnasium as gym

import hebbian_brain as hb

DATA = Path(__file__).parent / "data"
EXPECTED = json.loads((DATA / "golden_experience.json").read_text())


def _generator() -> Any:
    sys.path.insert(0, str(DATA))
    try:
        spec = importlib.util.spec_from_file_location(
            "make_golden_experience", DATA / "make_golden_experience.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(DATA))


GEN = _generator()


def test_the_golden_experience_agent_loads_as_described_and_continues():
    a = hb.Agent.load(DATA / "experience_agent_v2.hb", env=gym.make("CartPole-v1"))
    assert type(a) is hb.ExperienceAgent
    assert GEN.describe(a) == EXPECTED
    # Saved between act and observe: the step completes, and learning goes on.
    a.observe(1.0, GEN.PROBES[1], True, False)
    a.learn(episodes=2)
    assert a.num_timesteps > EXPECTED["num_timesteps"]
    assert a.node_count == a.num_timesteps


def test_rewriting_the_golden_file_is_byte_identical_while_v2_is_current():
    data = (DATA / "experience_agent_v2.hb").read_bytes()
    assert data[8:12] == b"EXP1"
    (version,) = struct.unpack_from("<I", data, 12)
    again = hb.ExperienceAgent.from_bytes(data).to_bytes()
    (current,) = struct.unpack_from("<I", again, 12)
    if current == version:

        def body(b: bytes) -> bytes:
            (n,) = struct.unpack_from("<H", b, 16)
            return b[18 + n + 12 :]

        assert body(again) == body(data)

