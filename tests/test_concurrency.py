"""One brain / one agent shared by several Python threads.

Long calls release the GIL (dream, learn_transitions, prune, run_episodes), so other threads run
meanwhile. Every call must then either work (and leave the brain consistent) or raise
``StateError`` saying the object is in use; never a Rust panic, never pyo3's bare
``RuntimeError("Already borrowed")``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
from gymnasium import spaces

import hebbian_brain as hb


def shared_brain(seed: int = 0) -> hb.Brain:
    b = hb.Brain(hb.BrainConfig(dream=hb.DreamParams(creative_edge_probability=0.2)), seed=seed)
    rng = np.random.default_rng(seed)
    for i in range(300):
        b.get_or_create_node(i, i % 3)
    src, dst = rng.integers(0, 300, 5000), rng.integers(0, 300, 5000)
    b.learn_transitions(src, dst, rng.normal(size=5000))
    return b


def check_brain(b: hb.Brain) -> None:
    p = b.config.plasticity
    nodes, edges = b.nodes(), b.edges()
    assert b.node_count == len(nodes["index"]) and b.edge_count == len(edges["source"])
    index = set(nodes["index"].tolist())
    assert set(edges["source"].tolist()) <= index and set(edges["target"].tolist()) <= index
    w = edges["weight"]
    assert ((w >= p.weight_min) & (w <= p.weight_max)).all()
    assert np.isfinite(nodes["value"]).all()


class Outcomes:
    """Counts what each call did; anything but success or StateError is kept as a failure."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ok = 0
        self.busy = 0
        self.failures: list[str] = []

    def call(self, name: str, fn: Callable[[], object]) -> None:
        try:
            fn()
        except hb.StateError as e:
            # Busy (another thread holds the object) or, in the step API, a call out of order
            # because another thread stepped in between (act twice, observe before act, an
            # environment step after the episode ended).
            with self.lock:
                if "in use by another call" in str(e):
                    self.busy += 1
                elif any(m in str(e) for m in ("before act", "without observe", "before step")):
                    self.ok += 1
                else:
                    self.failures.append(f"{name}: unexpected StateError: {e}")
        except BaseException as e:  # noqa: BLE001 - a panic is a BaseException
            with self.lock:
                self.failures.append(f"{name}: {type(e).__module__}.{type(e).__name__}: {e}")
        else:
            with self.lock:
                self.ok += 1


def run_threads(workers: list[Callable[[threading.Event], None]], min_busy: Outcomes) -> None:
    """Runs the workers until StateError was seen a few times (or a bounded number of rounds)."""
    stop = threading.Event()
    threads = [threading.Thread(target=w, args=(stop,)) for w in workers]
    for t in threads:
        t.start()
    try:
        for _ in range(400):
            if min_busy.busy >= 5 and min_busy.ok >= 5:
                break
            stop.wait(0.01)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung"


def test_a_brain_shared_by_threads_stays_consistent_or_refuses_clearly():
    brain = shared_brain()
    out = Outcomes()
    rng = np.random.default_rng(1)
    src, dst = rng.integers(0, 300, 200_000), rng.integers(0, 300, 200_000)
    rewards = rng.normal(size=200_000)

    def dreamer(stop: threading.Event) -> None:
        while not stop.is_set():
            out.call("dream", lambda: brain.dream(300))

    def learner(stop: threading.Event) -> None:
        while not stop.is_set():
            out.call("learn_transitions", lambda: brain.learn_transitions(src, dst, rewards))
            out.call("prune", brain.prune)

    def poker(stop: threading.Event) -> None:
        k = 0
        while not stop.is_set():
            k += 1
            out.call("node_count", lambda: brain.node_count)
            out.call("get_or_create_node", lambda k=k: brain.get_or_create_node(("t", k % 50), 0))
            out.call("learn_transition", lambda: brain.learn_transition(1, 2, 0.5))
            out.call("nodes", brain.nodes)
            out.call("to_dot", lambda: brain.to_dot(min_weight=0.9))
            out.call("to_bytes", brain.to_bytes)
            out.call("repr", lambda: repr(brain))
            out.call("eq", lambda: brain == brain)

    run_threads([dreamer, learner, poker, poker], out)
    assert not out.failures, out.failures[:5]
    assert out.busy > 0, "the threads never met: the test did not exercise sharing"
    check_brain(brain)
    assert hb.Brain.from_bytes(brain.to_bytes()) == brain


def test_an_agent_shared_by_threads_stays_consistent_or_refuses_clearly():
    env = hb.envs.ChainEnv(length=20)
    agent = hb.Agent(env, seed=0)
    other = hb.Agent(env, agent.brain, seed=1)  # a second agent on the same brain
    out = Outcomes()

    def trainer(stop: threading.Event) -> None:
        while not stop.is_set():
            out.call("run_episodes", lambda: agent.run_episodes(env, 20))

    def stepper(stop: threading.Event) -> None:
        k = 0
        while not stop.is_set():
            k += 1
            out.call("act", lambda k=k: agent.act(k % 20))
            out.call("observe", lambda k=k: agent.observe(0.0, (k + 1) % 20, False, False))
            out.call("other.act", lambda k=k: other.act(k % 20))
            out.call("other.observe", lambda: other.observe(1.0, 0, True, False))
            out.call("predict", lambda: agent.predict(3, deterministic=True))
            out.call("history", lambda: agent.history)
            out.call("num_timesteps", lambda: agent.num_timesteps)
            out.call("repr", lambda: repr(agent))
            out.call("to_bytes", agent.to_bytes)

    def dreamer(stop: threading.Event) -> None:
        while not stop.is_set():
            out.call("agent.dream", agent.dream)
            out.call("brain.dream", lambda: agent.brain.dream(50))

    run_threads([trainer, stepper, dreamer], out)
    # Step-order errors (act twice, observe before act) are StateErrors too and count as refusals.
    assert not out.failures, out.failures[:5]
    assert out.busy > 0
    check_brain(agent.brain)
    assert agent.history.lengths.min(initial=1) >= 1
    back = hb.Agent.from_bytes(agent.to_bytes())
    assert back.brain == agent.brain and back.num_timesteps == agent.num_timesteps


def test_the_step_api_from_many_threads_with_a_discrete_space():
    """Short calls only (no GIL release): they serialize and every step is counted once."""
    agent = hb.Agent(2, seed=0, observation=spaces.Discrete(4))
    lock = threading.Lock()
    out = Outcomes()

    def worker(stop: threading.Event) -> None:
        for k in range(200):
            with lock:  # act+observe as one step; the agent itself is not re-entrant by design
                out.call("act", lambda k=k: agent.act(k % 4))
                out.call("observe", lambda k=k: agent.observe(0.1, (k + 1) % 4, k % 10 == 9, False))

    threads = [threading.Thread(target=worker, args=(threading.Event(),)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not out.failures and out.busy == 0
    assert agent.num_timesteps == 800
    check_brain(agent.brain)


def test_an_environment_core_used_while_an_agent_runs_episodes_on_it_refuses_clearly():
    env = hb.envs.GridWorldEnv()
    agent = hb.Agent(env, seed=0)
    out = Outcomes()

    def trainer(stop: threading.Event) -> None:
        while not stop.is_set():
            out.call("run_episodes", lambda: agent.run_episodes(env, 30))

    def user(stop: threading.Event) -> None:
        while not stop.is_set():
            out.call("core.step", lambda: env.core.step(0))
            out.call("core.position", lambda: env.core.position)
            out.call("core.reset", env.core.reset)
            out.call("core.repr", lambda: repr(env.core))

    run_threads([trainer, user], out)
    assert not out.failures, out.failures[:5]
    assert out.busy > 0
