"""Rewards the brain refuses, and agents sharing one brain across threads."""

import threading

import pytest
from gymnasium import spaces

import hebbian_brain as hb


@pytest.mark.parametrize("terminated", [False, True])
def test_a_reward_beyond_the_brain_limit_is_refused_and_changes_nothing(terminated):
    agent = hb.Agent(2, seed=0, observation=spaces.Discrete(4))
    agent.act(0)
    nodes = agent.brain.node_count
    with pytest.raises(hb.InvalidArgumentError, match="reward"):
        agent.observe(1e13, 1, terminated, False)
    assert agent.num_timesteps == 0
    assert len(agent.history) == 0
    assert agent.brain.node_count == nodes
    # The agent is not wedged: the step can be reported properly and training goes on.
    agent.observe(1.0, 1, False, False)
    agent.act(1)
    agent.observe(0.0, 2, True, False)
    assert len(agent.history) == 1
    assert agent.history.returns[0] == 1.0


def test_acting_while_another_thread_trains_the_shared_brain_is_a_state_error():
    env = hb.envs.ChainEnv(length=30)
    trainer = hb.Agent(env, seed=0)
    other = hb.Agent(env, trainer.brain, seed=1)
    errors = []
    stop = threading.Event()

    def train():
        try:
            while not stop.is_set():
                trainer.run_episodes(env, 50)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    thread = threading.Thread(target=train)
    thread.start()
    seen_busy = False
    try:
        for _ in range(100_000):
            try:
                other.act(0)
                other.end_episode()
            except hb.StateError as e:
                assert "in use by another call" in str(e)
                seen_busy = True
                repr(other)
                break
    finally:
        stop.set()
        thread.join()
    assert not errors
    assert seen_busy, "the training thread never held the brain while act was called"
    other.end_episode()
    other.act(0)  # usable again once the brain is free
