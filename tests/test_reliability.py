"""Issue 15's reproducers that need a child process: aborts, Ctrl-C, killed saves, threads.

* Item 1: a size that used to allocate before it was checked (``GridWorldEnv(size=2**31)`` asked
  for 16 GiB and aborted) runs in a child whose address space is capped a little above its
  current size, so an allocation from the size kills the child and fails the test.
* Item 5: a long call (one episode of a 10**9-cell chain, or one dream of 2**32 walks) answers
  SIGINT with ``KeyboardInterrupt`` while the episode or the dream runs, and the object stays
  usable.
* Item 9: a save removes the temporary files that killed saves to the same path left behind,
  and only those.
* Item 10: a brain is not shared between threads while one changes it: a writer racing readers
  is refused with a ``StateError`` that says so, never waits, and succeeds once they stop.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import hebbian_brain as hb
import hebbian_brain.viz

#: Prepended to every child: caps the address space at the current size plus 512 MiB.
CAP = textwrap.dedent(
    """
    import os, resource
    with open("/proc/self/statm") as f:
        now = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (now + 2**29, resource.RLIM_INFINITY))
    """
)


def run_child(code: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import hebbian_brain as hb\n" + CAP + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# ---------------------------------------------------------------- item 1
@pytest.mark.parametrize(
    "call",
    [
        "hb.envs.GridWorldEnv(size=2**31)",
        "hb.envs.GridWorldEnv(size=2**32 - 1)",
        "hb._core.GridWorldCore(size=2**31)",
        'hb.Population("GridWorld", 1, seed=0, env_kwargs={"size": 2**31})',
    ],
)
def test_a_huge_grid_is_refused_before_anything_is_allocated(call):
    out = run_child(
        f"""
        try:
            {call}
            print("accepted")
        except hb.HebbianError as e:
            assert isinstance(e, ValueError), type(e).__mro__
            print("refused", e)
        """
    )
    assert out.returncode == 0, f"the process died: {out.stderr[-500:]}"
    assert out.stdout.startswith("refused") and "`size`" in out.stdout, out.stdout


@pytest.mark.parametrize(
    ("make", "argument"),
    [
        (lambda v: hb._core.GridWorldCore(size=v), "size"),
        (lambda v: hb._core.GridWorldCore(size=4, max_steps=v), "max_steps"),
        (lambda v: hb._core.ChainCore(length=v), "length"),
        (lambda v: hb._core.ChainCore(max_steps=v), "max_steps"),
        (lambda v: hb._core.RiverSwimCore(n_states=v), "n_states"),
        (lambda v: hb._core.DeepSeaCore(size=v), "size"),
        (lambda v: hb._core.ChainCore().step(v), "action"),
        (lambda v: hb._core.PredatorPreyCore(size=v), "size"),
        (lambda v: hb._core.PredatorPreyCore(max_cycles=v), "max_cycles"),
    ],
)
@pytest.mark.parametrize("value", [2**32, 2**64, 2**200, -1])
def test_cores_and_reports_name_an_integer_they_cannot_hold(make, argument, value):
    with pytest.raises(hb.InvalidArgumentError, match=f"`{argument}`"):
        make(value)


#: Private `_core` entry points the Python layer calls with checked values: called directly with
#: an int no 64-bit argument holds, they name it too (never pyo3's raw `OverflowError`).
PRIVATE_CALLS = [
    (lambda v: hb._core.run_population_episodes([], [], v), "episodes"),
    (lambda v: hb._core.run_population_episodes([], [], 1, dream_every=v), "dream_every"),
    (lambda v: hb._core.run_population_episodes([], [], 1, n_threads=v), "n_threads"),
    (lambda v: hb._core.derive_seed(v, 0), "seed"),
    (lambda v: hb._core.derive_seed(0, v), "stream"),
    (lambda v: hb._core.AgentCore(2).act(v), "state"),
    (lambda v: hb._core.AgentCore(2).greedy(v), "state"),
    (lambda v: hb._core.AgentCore(2).sample(v), "state"),
    (lambda v: hb._core.AgentCore(2).observe(0.0, v, False, False), "next_state"),
    (lambda v: hb._core.AgentCore(2).run_episodes(hb._core.ChainCore(), v), "episodes"),
    (lambda v: hb._core.AgentCore(2).run_episodes(hb._core.ChainCore(), 1, v), "dream_every"),
    (lambda v: hb._core.AgentCore(2, discrete=(v, 2)), "discrete"),
    (lambda v: hb._core.AgentCore(2, discrete=(0, v)), "discrete"),
    (lambda v: hb._core.AgentCore(2).set_discrete((v, 2)), "discrete"),
]


@pytest.mark.parametrize("value", [2**64, -(2**64), 2**200])
@pytest.mark.parametrize(("call", "argument"), PRIVATE_CALLS)
def test_private_entry_points_name_an_integer_they_cannot_hold(call, argument, value):
    with pytest.raises(hb.InvalidArgumentError, match=f"`{argument}`"):
        call(value)


@pytest.mark.parametrize("value", [2**64, 2**200, -1])
@pytest.mark.parametrize("field", ["walks", "steps", "creative_edges_created"])
def test_a_dream_report_names_a_count_it_cannot_hold(field, value):
    with pytest.raises(hb.InvalidArgumentError, match=f"`{field}`"):
        hb.DreamReport(**{field: value})
    assert getattr(hb.DreamReport(**{field: 2**64 - 1}), field) == 2**64 - 1


def test_a_huge_broadcast_parameter_never_reaches_an_allocation():
    out = run_child(
        """
        import numpy as np
        from hebbian_brain import optim
        huge = np.broadcast_to(np.float64(0.0), (2**32,))
        for call in (lambda: optim.Adam(huge), lambda: optim.Adam([huge])):
            try:
                call()
                print("accepted")
            except (TypeError, hb.HebbianError) as e:
                print("refused", type(e).__name__)
        """
    )
    assert out.returncode == 0, f"the process died: {out.stderr[-500:]}"
    want = ["refused", "ArgumentTypeError", "refused", "InvalidArgumentError"]
    assert out.stdout.split() == want, out.stdout


# ---------------------------------------------------------------- item 5
LONG_CALLS = {
    "Agent.learn": """
        agent = hb.Agent(2, seed=0)
        env = hb.envs.ChainEnv(length=10**9)
        call = lambda: agent.learn(env, episodes=1)
        cut = lambda: [(len(agent.history), agent.history[-1].terminated)]
        after = lambda: agent.learn(hb.envs.ChainEnv(length=4), episodes=3)
        """,
    "Agent.run_episodes": """
        agent = hb.Agent(2, seed=0)
        env = hb.envs.ChainEnv(length=10**9)
        call = lambda: agent.run_episodes(env, 1)
        cut = lambda: [(len(agent.history), agent.history[-1].terminated)]
        after = lambda: agent.run_episodes(hb.envs.ChainEnv(length=4), 3)
        """,
    # About 2 * 10**9 multiply-adds per trial: a chunk of 64 trials took minutes; a chunk is
    # now sized by work (one trial here).
    "NodePerturbationTrainer.learn": """
        import numpy as np
        from hebbian_brain import rnn
        t = rnn.NodePerturbationTrainer(
            np.zeros((1, 1000, 2)), np.zeros((1, 1000, 1)), n_neurons=1500, seed=0
        )
        call = lambda: t.learn(10**6)
        cut = lambda: [(1, False)] if 0 <= t.trials_done < 10**6 else []
        after = lambda: t.learn(0)
        """,
    "Population.run_episodes": """
        pop = hb.Population("Chain", 2, seed=0, env_kwargs={"length": 10**9})
        call = lambda: pop.run_episodes(1)
        cut = lambda: [(len(m.history), m.history[-1].terminated) for m in pop._members]
        after = lambda: pop.run_episodes(0)
        """,
}


def interrupted_child(setup: str) -> tuple[list[str], str]:
    """Runs `setup`'s `call()` in a child, sends SIGINT a second in, and returns its output lines
    ("interrupted" or "finished", `cut()`, "usable" once `after()` worked) and its stderr."""
    code = (
        "import sys, time\nimport hebbian_brain as hb\n"
        + textwrap.dedent(setup)
        + textwrap.dedent(
            """
            print("start", flush=True)
            try:
                call()
                print("finished")
            except KeyboardInterrupt:
                print("interrupted", flush=True)
            print(cut(), flush=True)
            after()
            print("usable", flush=True)
            """
        )
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "start", proc.stderr.read()
        time.sleep(1.0)  # well inside the call (minutes long)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)  # unanswered, the call runs for minutes
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return out.split("\n"), err[-500:]


@pytest.mark.parametrize("name", list(LONG_CALLS))
def test_a_long_call_answers_ctrl_c_while_an_episode_runs(name):
    lines, err = interrupted_child(LONG_CALLS[name])
    assert lines[0] == "interrupted", (lines, err)
    # The episode cut short ended there, truncated, and is in every history.
    assert set(eval(lines[1])) == {(1, False)}, (lines, err)
    assert lines[2] == "usable", (lines, err)


#: One dream that runs for minutes: 2**32 - 1 walks in a single cycle, so no check between cycles
#: (or between a learning run's episodes) can answer Ctrl-C; only a check inside the dream can.
HUGE_DREAM = "hb.BrainConfig(dream=hb.DreamParams(walks_per_cycle=2**32 - 1))"

LONG_DREAMS = {
    "Brain.dream": f"""
        brain = hb.Brain({HUGE_DREAM}, seed=0)
        n = [brain.get_or_create_node(i, 0) for i in range(5)]
        for a, b in zip(n, n[1:]):
            brain.learn_transition(a, b, 1.0)
        call = lambda: brain.dream(cycles=1)
        cut = lambda: []
        after = lambda: (brain.learn_transition(n[0], n[1], 1.0), brain.dream(0))
        """,
    "Agent.dream": f"""
        agent = hb.Agent(2, {HUGE_DREAM}, seed=0)
        agent.run_episodes(hb.envs.ChainEnv(length=4), 2, dream_every=0)
        call = agent.dream
        cut = lambda: [agent.history[-1].dream.walks > 0]
        after = lambda: agent.run_episodes(hb.envs.ChainEnv(length=4), 1, dream_every=0)
        """,
    # A rebuild of the experience graph whose value iteration converges only after minutes.
    "ExperienceAgent.dream": """
        from gymnasium import spaces
        agent = hb.ExperienceAgent(spaces.Discrete(2), observation=spaces.Box(-1, 1, (3,)),
                                   gamma=0.9999999, tol=1e-12, max_sweeps=2**40, seed=0)
        for i in range(63):  # one short of the first scheduled rebuild
            x = [i / 63, 0.0, 0.0]
            agent._core.store(x, i % 2, -1.0, [(i + 1) / 63, 0.0, 0.0], False)
        call = agent.dream
        cut = lambda: [] if agent._core.planned == 0 else [agent._core.planned]
        after = lambda: agent.predict([0.0, 0.0, 0.0], deterministic=True)
        """,
    # The dream after the one episode, inside the Rust run (the run's stop flag reaches it).
    "Agent.learn": f"""
        agent = hb.Agent(2, {HUGE_DREAM}, seed=0)
        call = lambda: agent.learn(hb.envs.ChainEnv(length=4), episodes=1)
        cut = lambda: [agent.history[-1].dream.walks > 0]
        after = lambda: agent.run_episodes(hb.envs.ChainEnv(length=4), 1, dream_every=0)
        """,
}


@pytest.mark.parametrize("name", list(LONG_DREAMS))
def test_one_huge_dream_answers_ctrl_c_and_leaves_the_object_usable(name):
    lines, err = interrupted_child(LONG_DREAMS[name])
    assert lines[0] == "interrupted", (lines, err)
    # The walks done stay done: the dream's report is in the history when there is one.
    assert eval(lines[1]) in ([], [True]), (lines, err)
    assert lines[2] == "usable", (lines, err)


# ---------------------------------------------------------------- item 9
def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_save_removes_the_temporary_files_of_killed_saves_to_the_same_path(tmp_path):
    path = tmp_path / "b.hb"
    dead = dead_pid()
    stale = [f".b.hb.tmp-{dead}", f".b.hb.tmp-{dead}-7"]  # this release's name and the older one
    alive = [f".b.hb.tmp-{os.getppid()}-0", f".b.hb.tmp-{os.getpid()}-99"]
    others = [".c.hb.tmp-1", f".b.hb.tmp-x{dead}", "notes.txt"]
    for name in stale + alive + others:
        (tmp_path / name).write_bytes(b"partial")
    brain = hb.Brain(seed=0)
    brain.get_or_create_node(1, 0)
    brain.save(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["b.hb", *alive, *others])
    assert hb.Brain.load(path) == brain


def test_killed_saves_leave_at_most_one_temporary_file_behind(tmp_path):
    """Each save cleans up after the saves killed before it: stale files never pile up."""
    path = tmp_path / "b.hb"
    child = textwrap.dedent(
        f"""
        import hebbian_brain as hb
        b = hb.Brain(seed=0)
        for i in range(300):
            b.get_or_create_node(i, 0)
        print("ready", flush=True)
        while True:
            b.save({str(path)!r})
        """
    )
    for k in range(6):
        proc = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.05 * (k % 3))
        proc.kill()
        proc.wait()
        proc.stdout.close()
        temps = [p for p in tmp_path.iterdir() if p.name.startswith(".b.hb.tmp-")]
        assert len(temps) <= 1, temps
    hb.Brain(seed=1).save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["b.hb"]


# ---------------------------------------------------------------- item 10
def test_a_writer_racing_readers_is_refused_clearly_and_succeeds_once_they_stop():
    brain = hb.Brain(seed=0)
    rng = np.random.default_rng(0)
    for i in range(2000):
        brain.get_or_create_node(i, 0)
    brain.learn_transitions(
        rng.integers(0, 2000, 20000), rng.integers(0, 2000, 20000), rng.normal(size=20000)
    )
    stop = threading.Event()
    reader_errors: list[BaseException] = []

    def read() -> None:
        while not stop.is_set():
            try:
                brain.to_dot()  # holds the brain with the GIL released
            except hb.StateError:
                pass
            except BaseException as e:  # noqa: BLE001 - reported below
                reader_errors.append(e)
                return

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    refused = 0
    try:
        for _ in range(200):
            try:
                brain.dream(1)
            except hb.StateError as e:
                refused += 1
                assert "not shared between threads while one of them changes it" in str(e)
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert not reader_errors, reader_errors
    assert refused > 0  # the readers did hold the brain: the policy was exercised
    before = brain.clock
    brain.dream(1)  # no reader left: the writer is never refused for good
    brain.learn_transition(0, 1, 0.5)
    assert brain.clock == before + 1


# ---------------------------------------------------------------- item 7
def test_from_tables_names_a_missing_column_and_checks_the_traces():
    nodes = {"index": [0, 1], "state_hash": [1, 2], "action": [0, 0]}
    edges = {"source": [0], "target": [1]}
    for table, key in (
        ("nodes", "index"),
        ("nodes", "state_hash"),
        ("edges", "source"),
        ("edges", "target"),
    ):
        cut = {k: v for k, v in {"nodes": nodes, "edges": edges}[table].items() if k != key}
        args = {"nodes": nodes, "edges": edges, table: cut}
        with pytest.raises(hb.InvalidArgumentError, match=f"`{table}`.*{key}"):
            hb.Brain.from_tables(**args)
    for bad in (np.nan, np.inf, 1e300, -0.5, 1.5):
        with pytest.raises(hb.InvalidArgumentError, match="eligibility_trace"):
            hb.Brain.from_tables(nodes, {**edges, "eligibility_trace": [bad]})
    for not_a_table in ([1, 2], "index", np.zeros(3), 5):
        with pytest.raises(TypeError, match="nodes must be a mapping"):
            hb.Brain.from_tables(not_a_table, edges)
    b = hb.Brain.from_tables(nodes, {**edges, "eligibility_trace": [0.5]})
    assert b.edges()["eligibility_trace"].tolist() == [0.0]  # episode-local: not imported


BIG = 2**64


@pytest.mark.parametrize(
    "name, make",
    [
        ("dim_ring", lambda: hb.envs.PerceptualDecisionMakingEnv(dim_ring=BIG)),
        ("cells", lambda: hb.QuantileDiscretizer([0, 0], [1, 1], cells=BIG)),
        ("warmup", lambda: hb.QuantileDiscretizer([0, 0], [1, 1], warmup=BIG)),
        ("split_after", lambda: hb.QuantileDiscretizer([0, 0], [1, 1], split_after=BIG)),
        ("max_cells", lambda: hb.QuantileDiscretizer([0, 0], [1, 1], max_cells=-1)),
        ("n_neurons", lambda: _rnn_agent("NodePerturbationAgent", n_neurons=BIG)),
        ("n_neurons", lambda: _rnn_agent("RewardHebbianAgent", n_neurons=BIG)),
        ("episodes", lambda: _rnn_agent("NodePerturbationAgent", n_neurons=4).learn(episodes=BIG)),
        (
            "total_timesteps",
            lambda: _rnn_agent("RewardHebbianAgent", n_neurons=4).learn(total_timesteps=2**63),
        ),
    ],
)
def test_newer_classes_name_an_integer_they_cannot_hold(name, make):
    # Sizes and counts beyond what the class can hold are refused with the library's error
    # naming the argument (no raw OverflowError, no run that never ends).
    with pytest.raises(hb.HebbianError, match=name):
        make()


def _rnn_agent(cls, **kwargs):
    import gymnasium as gym

    from hebbian_brain import rnn

    return getattr(rnn, cls)(gym.make("CartPole-v1"), seed=0, **kwargs)


def test_a_render_format_that_is_not_a_graphviz_word_is_refused_before_graphviz_runs(tmp_path):
    # Found by the long sweep: format="\x00" reached subprocess ("embedded null byte").
    b = hb.Brain()
    b.learn_transition(b.get_or_create_node(0, 0), b.get_or_create_node(1, 0), 1.0)
    for fmt in ("\x00", "png -o /tmp/x", "../x"):
        with pytest.raises(hb.InvalidArgumentError, match="format"):
            hb.viz.render_brain(b, tmp_path / "x.png", format=fmt)


def test_a_diverging_trajectory_is_refused_not_returned_as_inf():
    # Found by the long sweep: x0 = 3e307 overflowed in simulate's RK4 step (numpy's warning).
    import warnings

    from hebbian_brain import analysis

    for x0 in (3.1e307, 1.7e308):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no numpy overflow warning escapes
            try:
                _, x = analysis.simulate(lambda x: -x, np.array([x0, 0.0]), t_max=1.0, dt=0.1)
                assert np.all(np.isfinite(x))
            except hb.InvalidArgumentError as e:
                assert "not finite after t" in str(e)
    with pytest.raises(hb.InvalidArgumentError, match="not finite after t = 1.3"):
        analysis.simulate(lambda x: x * x, np.array([1.0]), t_max=10.0, dt=0.1)
    t, x = analysis.simulate(lambda x: -x, np.array([1.0]), t_max=1.0, dt=0.1)
    assert abs(x[-1, 0] - np.exp(-1.0)) < 1e-6 and len(t) == 11
