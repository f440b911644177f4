"""What a networkx round trip keeps, exactly as to_networkx's docstring and the guide state."""

import gymnasium as gym
import numpy as np
import pytest

import hebbian_brain as hb

pytest.importorskip("networkx")


def test_round_trip_keeps_everything_but_weight_rounding_episodes_and_traces():
    agent = hb.Agent(gym.make("FrozenLake-v1"), seed=0).learn(total_timesteps=5000)
    brain = agent.brain
    graph = brain.to_networkx()
    assert graph.graph["episodes"] == brain.episodes > 0
    back = hb.Brain.from_networkx(graph)
    assert back.clock == brain.clock and back.config == brain.config
    assert back.episodes == 0
    for key, column in brain.nodes().items():
        np.testing.assert_array_equal(back.nodes()[key], column, err_msg=key)
    edges, back_edges = brain.edges(), back.edges()
    for key, column in edges.items():
        if key not in ("weight", "eligibility_trace"):
            np.testing.assert_array_equal(back_edges[key], column, err_msg=key)
    # One float32 rounding of the decayed weight, no more.
    np.testing.assert_array_equal(back_edges["weight"], edges["weight"].astype(np.float32))
    np.testing.assert_allclose(back_edges["weight"], edges["weight"], rtol=2.0**-24, atol=0)
    assert not back_edges["eligibility_trace"].any()
