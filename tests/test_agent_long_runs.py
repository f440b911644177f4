"""Long training runs: callbacks see one record at a time, and run_episodes can be interrupted."""

import signal

import pytest

import hebbian_brain as hb


def test_the_callback_gets_the_last_record_without_building_the_history(monkeypatch):
    env = hb.envs.ChainEnv(length=6)
    agent = hb.Agent(env, seed=0)
    seen = []

    def no_history(self):
        raise AssertionError("learn() built the whole history for a callback")

    monkeypatch.setattr(hb.Agent, "history", property(no_history))
    agent.learn(env, episodes=5, callback=lambda a, rec: seen.append(rec))
    monkeypatch.undo()
    history = agent.history
    assert seen == [history[i] for i in range(5)]
    assert all(rec.dream is not None for rec in seen)


class _Alarm(Exception):
    pass


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers")
def test_run_episodes_without_a_progress_bar_can_be_interrupted():
    env = hb.envs.ChainEnv(length=30)
    agent = hb.Agent(env, seed=0)
    episodes = 200_000

    def on_alarm(signum, frame):
        raise _Alarm

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        with pytest.raises(_Alarm):
            agent.run_episodes(env, episodes, dream_every=0)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    done = len(agent.history)
    assert 0 < done < episodes, "the run stopped between chunks, keeping what it finished"
    agent.run_episodes(env, 3)  # still usable
    assert len(agent.history) == done + 3
