"""Writes the golden file of the experience agent (kind EXP1): tests/data/experience_agent_v2.hb.

A CartPole ``ExperienceAgent`` after 1 000 steps, saved mid-episode (an action waiting for its
outcome). Run once (``python tests/data/make_golden_experience.py``) and commit the file and
golden_experience.json; never regenerate them: test_persistence_golden_experience.py checks that
every later library still reads the file and finds exactly what the JSON describes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import gymnasium as gym
import numpy as np

import hebbian_brain as hb

HERE = Path(__file__).parent

#: Observations the loaded agent is asked about (CartPole's four numbers).
PROBES = np.array(
    [[0.0, 0.0, 0.0, 0.0], [0.05, -0.2, 0.03, 0.4], [-0.1, 0.3, -0.05, -0.6], [1.0, 1.0, 0.2, 1.0]]
)


def golden_agent() -> hb.ExperienceAgent:
    env = gym.make("CartPole-v1")
    agent = hb.Agent(env, seed=11).learn(total_timesteps=1_000)
    agent.act(env.reset(seed=11)[0])  # an episode in progress, waiting for observe
    return agent


def fingerprint(agent: hb.ExperienceAgent) -> str:
    """A SHA-256 of the stored steps and the planned values."""
    h = hashlib.sha256()
    for array in (*agent.brain.steps(), agent.brain.node_values(), agent.brain.scale):
        h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()


def describe(agent: hb.ExperienceAgent) -> dict:
    return {
        "num_timesteps": agent.num_timesteps,
        "node_count": agent.node_count,
        "planned": agent.brain.planned,
        "returns": agent.history.returns.tolist(),
        "params": agent.params,
        "fingerprint": fingerprint(agent),
        "greedy_actions": agent.predict(PROBES, deterministic=True)[0].tolist(),
        "greedy_values": [agent.brain.values(p).tolist() for p in PROBES],
    }


def main() -> None:
    agent = golden_agent()
    agent.save(HERE / "experience_agent_v2.hb")
    (HERE / "golden_experience.json").write_text(json.dumps(describe(agent), indent=1) + "\n")


if __name__ == "__main__":
    main()
