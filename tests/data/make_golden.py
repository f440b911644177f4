"""Writes the golden files of format version 1: tests/data/{brain,agent,model}_v1.hb.

Run once per format version (``python tests/data/make_golden.py``) and commit the files; never
regenerate the files of an existing version, since test_persistence_golden.py checks that every
later library still reads them and finds exactly what is described in EXPECTED below.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import hebbian_brain as hb
from hebbian_brain import rnn

HERE = Path(__file__).parent


def golden_brain() -> hb.Brain:
    """A small brain with every feature a file holds: holes, creative synapses, traces."""
    cfg = hb.BrainConfig(
        pruning=hb.PruningParams(inactivity_threshold=5, weight_threshold=0.6, protection_period=2),
        dream=hb.DreamParams(creative_edge_probability=0.5),
    )
    b = hb.Brain(cfg, seed=7)
    b.get_or_create_node("never used", 0)  # isolated: pruning leaves a hole at index 0
    for i in range(12):
        b.get_or_create_node((i % 4, i // 4), i % 3)
    rng = np.random.default_rng(7)
    b.learn_transitions(rng.integers(1, 13, 80), rng.integers(1, 13, 80), rng.normal(size=80))
    b.end_episode()
    b.dream(4)
    b.prune()
    live = b.nodes()["index"]
    b.create_creative_edge(int(live[0]), int(live[-1]))
    b.learn_transition(1, 2, 0.5)  # a live trace in the file
    return b


def golden_agent() -> hb.Agent:
    from gymnasium import spaces

    agent = hb.Agent(3, seed=11, observation=spaces.Discrete(6), params=hb.AgentParams(epsilon=0.2))
    env_steps = [(0, 1.0, 1), (1, 0.0, 2), (2, 1.0, 5)]
    for _episode in range(3):
        for k, (obs, reward, nxt) in enumerate(env_steps):
            agent.act(obs)
            agent.observe(reward, nxt, k == len(env_steps) - 1, False)
        agent.dream()
    agent.act(0)  # an episode in progress, waiting for observe
    return agent


def golden_model() -> rnn.RecurrentNetwork:
    """A plastic network part-way through learning (weights, trace, noise stream moved on)."""
    net = rnn.RecurrentNetwork(
        2, 5, 1, rule=rnn.NeuromodulatedHebbian(), noise_std=0.05, seed=13
    )
    net.run(MODEL_INPUTS, modulation=np.linspace(-1.0, 1.0, len(MODEL_INPUTS)))
    return net


MODEL_INPUTS = np.sin(np.arange(16.0)[:, None] * np.array([0.3, 0.7]))


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
        "source": edges["source"].tolist(),
        "target": edges["target"].tolist(),
        "weight": edges["weight"].tolist(),
        "is_creative": edges["is_creative"].tolist(),
        "eligibility_trace": edges["eligibility_trace"].tolist(),
    }


def main() -> None:
    b = golden_brain()
    b.save(HERE / "brain_v1.hb")
    a = golden_agent()
    a.save(HERE / "agent_v1.hb")
    expected = {
        "brain": describe_brain(b),
        "agent": {
            "num_timesteps": a.num_timesteps,
            "returns": a.history.returns.tolist(),
            "n_actions": a.n_actions,
            "brain": describe_brain(a.brain),
        },
    }
    net = golden_model()
    hb.save_model(net, HERE / "model_v1.hb")
    expected["model"] = {
        "weights": net.weights.tolist(),
        "trace": net.trace.tolist(),
        "next_outputs": net.copy().run(MODEL_INPUTS).tolist(),
    }
    (HERE / "golden_v1.json").write_text(json.dumps(expected, indent=1) + "\n")
    print("wrote", *(p.name for p in sorted(HERE.glob("*_v1.*"))))


if __name__ == "__main__":
    main()
