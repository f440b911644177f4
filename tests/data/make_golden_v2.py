"""Writes the golden files of format version 2: tests/data/{brain,agent,rnn_agent}_v2.hb.

Version 2 added the exploration values U, the reward range and the action count to brains, the
default abstraction of `Box` observations and the states' representative observations to agents,
and the recurrent agents' files (kind RNA1). Run once (``python tests/data/make_golden_v2.py``)
and commit the files; never regenerate them: test_persistence_golden_v2.py checks that every later
library still reads them and finds exactly what golden_v2.json describes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import gymnasium as gym
import numpy as np

import hebbian_brain as hb
from hebbian_brain import rnn

HERE = Path(__file__).parent

#: Observations the loaded agents are asked about (CartPole's four numbers).
PROBES = np.array(
    [[0.0, 0.0, 0.0, 0.0], [0.05, -0.2, 0.03, 0.4], [-0.1, 0.3, -0.05, -0.6], [1.0, 1.0, 0.2, 1.0]]
)


def golden_brain() -> hb.Brain:
    """An exploring agent's brain: exploration values, a reward range and an action count."""
    agent = hb.Agent(gym.make("hebbian_brain/GridWorld-v0", size=4), seed=5)
    agent.learn(episodes=4)
    return agent.brain


def golden_agent() -> hb.Agent:
    """A CartPole agent whose default quantile grid is fitted (1000 observations), mid-episode."""
    env = gym.make("CartPole-v1")
    agent = hb.Agent(env, seed=3, params=hb.AgentParams())  # the grid agent (no params: EXP1)
    agent.learn(episodes=60)
    obs, _ = env.reset(seed=3)
    agent.act(obs)  # an episode in progress, waiting for observe
    return agent


def golden_rnn_agent() -> rnn.NodePerturbationAgent:
    agent = rnn.NodePerturbationAgent(gym.make("CartPole-v1"), n_neurons=8, seed=7)
    agent.learn(episodes=3)
    return agent


def describe_brain(b: hb.Brain) -> dict:
    nodes, edges = b.nodes(), b.edges()
    return {
        "node_count": b.node_count,
        "edge_count": b.edge_count,
        "clock": b.clock,
        "episodes": b.episodes,
        "node_index": nodes["index"].tolist(),
        "state_hash": [str(h) for h in nodes["state_hash"].tolist()],
        "action": nodes["action"].tolist(),
        "value": nodes["value"].tolist(),
        "exploration_value": [b.exploration_value(int(i)) for i in nodes["index"]],
        "source": edges["source"].tolist(),
        "target": edges["target"].tolist(),
        "weight": edges["weight"].tolist(),
        "is_creative": edges["is_creative"].tolist(),
    }


def fingerprint(b: hb.Brain) -> dict:
    """Counts and a SHA-256 of every node and synapse column (a large brain, compactly)."""
    h = hashlib.sha256()
    for table in (b.nodes(), b.edges()):
        for name in sorted(table):
            h.update(name.encode())
            h.update(np.ascontiguousarray(table[name]).tobytes())
    u = np.array([b.exploration_value(int(i)) for i in b.nodes()["index"]])
    h.update(u.tobytes())
    return {"node_count": b.node_count, "edge_count": b.edge_count, "sha256": h.hexdigest()}


def main() -> None:
    b = golden_brain()
    b.save(HERE / "brain_v2.hb")
    a = golden_agent()
    a.save(HERE / "agent_v2.hb")
    actions, _ = a.predict(PROBES, deterministic=True)
    r = golden_rnn_agent()
    r.save(HERE / "rnn_agent_v2.hb")
    r_actions = [int(r.predict(o, deterministic=True)[0]) for o in PROBES]
    expected = {
        "brain": describe_brain(b),
        "agent": {
            "num_timesteps": a.num_timesteps,
            "returns": a.history.returns.tolist(),
            "n_actions": a.n_actions,
            "observation": repr(a.observation),
            "greedy_actions": np.asarray(actions).tolist(),
            "brain": fingerprint(a.brain),
        },
        "rnn_agent": {
            "num_episodes": r.num_episodes,
            "num_timesteps": r.num_timesteps,
            "weights": np.asarray(r.weights).tolist(),
            "input_weights": np.asarray(r.input_weights).tolist(),
            "greedy_actions": r_actions,
        },
    }
    (HERE / "golden_v2.json").write_text(json.dumps(expected, indent=1) + "\n")
    print("wrote", *(p.name for p in sorted(HERE.glob("*_v2.*"))))


if __name__ == "__main__":
    main()
