"""Random sequences of Brain calls keep the brain's invariants after every call.

A hypothesis state machine drives one brain through node and synapse creation, learning (single
and batched, terminal and truncated), decay, pruning, dreaming, bad calls and save/load round
trips, and after every call checks: weights within [weight_min, weight_max]; every synapse joins
two live nodes; node_count / edge_count agree with nodes() / edges(); a node keeps its index,
state and action until pruning removes it (indices are never reused for a different experience
while the node lives); a refused call changes nothing; a save/load round trip is equal.

The CI variant is small and derandomized (deterministic); ``pytest -m slow`` runs many more.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import hebbian_brain as hb

STATES = st.one_of(
    st.integers(-5, 40), st.tuples(st.integers(0, 3), st.integers(0, 3)), st.text(max_size=3)
)
ACTIONS = st.integers(0, 3)
REWARDS = st.floats(-5.0, 5.0, allow_nan=False)
PICK = st.integers(0, 10_000)


def brain_config(weight_min: float) -> hb.BrainConfig:
    """Small pruning thresholds so that pruning and decay act within a few dozen steps."""
    return hb.BrainConfig(
        plasticity=hb.PlasticityParams(weight_min=weight_min, weight_max=1.0, weight_decay=0.01),
        pruning=hb.PruningParams(
            inactivity_threshold=3, weight_threshold=0.6, protection_period=2
        ),
        dream=hb.DreamParams(creative_edge_probability=0.3, walks_per_cycle=3, walk_length=4),
    )


def tables_equal(a: hb.Brain, b: hb.Brain) -> None:
    for table in ("nodes", "edges"):
        ta, tb = getattr(a, table)(), getattr(b, table)()
        assert ta.keys() == tb.keys()
        for k in ta:
            np.testing.assert_array_equal(ta[k], tb[k], err_msg=f"{table}[{k}]")


class BrainMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.brain = hb.Brain(brain_config(0.0), seed=0)
        #: index -> (state_hash, action) of every node created and not yet pruned.
        self.model: dict[int, tuple[int, int]] = {}

    # ---------------------------------------------------------------- helpers
    def live(self) -> list[int]:
        return sorted(self.model)

    def pick(self, i: int) -> int:
        live = self.live()
        return live[i % len(live)]

    def dead_index(self, i: int) -> int:
        """An index that names no live node (a hole, or past the end)."""
        live = set(self.model)
        candidates = [j for j in range(max(live, default=-1) + 2) if j not in live]
        return candidates[i % len(candidates)]

    def sync_after_removals(self) -> None:
        """Drops pruned nodes from the model; survivors must be unchanged."""
        nodes = self.brain.nodes()
        alive = {
            int(i): (int(h), int(a))
            for i, h, a in zip(nodes["index"], nodes["state_hash"], nodes["action"])
        }
        for i in list(self.model):
            if i not in alive:
                del self.model[i]
        assert alive == self.model

    def refused_changes_nothing(self, call, exc) -> None:
        before = self.brain.to_bytes()
        with pytest.raises(exc):
            call()
        assert self.brain.to_bytes() == before

    # ---------------------------------------------------------------- rules
    @rule(state=STATES, action=ACTIONS)
    def get_or_create_node(self, state, action):
        i = self.brain.get_or_create_node(state, action)
        key = (hb.state_hash(state), action)
        if i in self.model:
            assert self.model[i] == key
        else:
            assert key not in self.model.values()
            self.model[i] = key
        assert self.brain.find_node(state, action) == i

    @precondition(lambda self: self.model)
    @rule(i=PICK, reward=REWARDS)
    def activate_node(self, i, reward):
        self.brain.activate_node(self.pick(i), reward)

    @precondition(lambda self: self.model)
    @rule(i=PICK, j=PICK)
    def get_or_create_edge(self, i, j):
        s = self.brain.get_or_create_edge(self.pick(i), self.pick(j))
        assert (s.source, s.target) == (self.pick(i), self.pick(j))

    @precondition(lambda self: self.model)
    @rule(i=PICK, j=PICK)
    def create_creative_edge(self, i, j):
        a, b = self.pick(i), self.pick(j)
        existed = b in self.brain.successors(a)
        edges = self.brain.edge_count
        created = self.brain.create_creative_edge(a, b)
        # Never a creative self-loop, never a second synapse between the same pair.
        assert created == (not existed and a != b)
        assert self.brain.edge_count == edges + created
        if created:
            assert b in self.brain.successors(a) and a in self.brain.predecessors(b)
            assert self.brain.synapse(a, b).is_creative

    @precondition(lambda self: self.model)
    @rule(i=PICK, j=PICK, reward=REWARDS)
    def learn_transition(self, i, j, reward):
        delta = self.brain.learn_transition(self.pick(i), self.pick(j), reward)
        assert np.isfinite(delta)

    @precondition(lambda self: self.model)
    @rule(
        picks=st.lists(st.tuples(PICK, PICK, REWARDS), max_size=20),
    )
    def learn_transitions(self, picks):
        src = np.array([self.pick(i) for i, _, _ in picks], dtype=np.int64)
        dst = np.array([self.pick(j) for _, j, _ in picks], dtype=np.int64)
        rewards = np.array([r for _, _, r in picks], dtype=np.float64)
        deltas = self.brain.learn_transitions(src, dst, rewards)
        assert deltas.shape == (len(picks),) and np.isfinite(deltas).all()

    @precondition(lambda self: self.model)
    @rule(i=PICK, reward=REWARDS, truncated_to=st.none() | STATES)
    def learn_last_step(self, i, reward, truncated_to):
        if truncated_to is None:
            self.brain.learn_terminal(self.pick(i), reward)
        else:
            self.brain.learn_truncated(self.pick(i), reward, truncated_to)

    @rule()
    def end_episode(self):
        episodes = self.brain.episodes
        self.brain.end_episode()
        assert self.brain.episodes == episodes + 1

    @rule()
    def apply_weight_decay(self):
        before = self.brain.edges()["weight"]
        self.brain.apply_weight_decay()
        # Decay is lazy: writing it out does not change any weight read, up to the rounding of
        # the stored single-precision weight.
        np.testing.assert_allclose(self.brain.edges()["weight"], before, rtol=1e-6, atol=1e-12)

    @rule()
    def prune(self):
        edges = self.brain.edge_count
        report = self.brain.prune()
        assert self.brain.edge_count == edges - report.synapses_removed
        self.sync_after_removals()

    @rule(cycles=st.integers(0, 3))
    def dream(self, cycles):
        report = self.brain.dream(cycles)
        assert report.walks <= cycles * 3
        self.sync_after_removals()  # dreams never remove nodes

    @rule(via=st.sampled_from(["bytes", "file", "pickle"]))
    def save_and_load(self, via, tmp_path_factory=None):
        if via == "bytes":
            other = hb.Brain.from_bytes(self.brain.to_bytes())
        elif via == "pickle":
            import pickle

            other = pickle.loads(pickle.dumps(self.brain))
        else:
            import tempfile
            from pathlib import Path

            with tempfile.TemporaryDirectory() as d:
                path = Path(d) / "brain.hb"
                self.brain.save(path)
                other = hb.Brain.load(path)
        assert other == self.brain
        tables_equal(other, self.brain)
        self.brain = other  # carry on with the loaded brain

    @rule(i=PICK, reward=REWARDS)
    def bad_node_is_refused(self, i, reward):
        bad = self.dead_index(i)
        self.refused_changes_nothing(
            lambda: self.brain.learn_transition(bad, bad, reward), hb.InvalidNodeError
        )
        self.refused_changes_nothing(lambda: self.brain.activate_node(bad, reward), IndexError)
        assert not self.brain.contains_node(bad)

    @precondition(lambda self: self.model)
    @rule(i=PICK, bad=st.sampled_from([np.nan, np.inf, -np.inf, 1e300]))
    def bad_reward_is_refused(self, i, bad):
        a = self.pick(i)
        self.refused_changes_nothing(lambda: self.brain.learn_transition(a, a, bad), ValueError)
        self.refused_changes_nothing(
            lambda: self.brain.learn_transitions([a, a], [a, a], [0.0, bad]), ValueError
        )

    # ---------------------------------------------------------------- invariants
    @invariant()
    def weights_within_bounds(self):
        p = self.brain.config.plasticity
        w = self.brain.edges()["weight"]
        assert ((w >= p.weight_min) & (w <= p.weight_max)).all(), w

    @invariant()
    def edges_join_live_nodes_and_counts_match(self):
        nodes, edges = self.brain.nodes(), self.brain.edges()
        index = set(nodes["index"].tolist())
        assert set(edges["source"].tolist()) <= index
        assert set(edges["target"].tolist()) <= index
        assert self.brain.node_count == len(nodes["index"]) == len(self.brain)
        assert self.brain.edge_count == len(edges["source"])
        pairs = set(zip(edges["source"].tolist(), edges["target"].tolist()))
        assert len(pairs) == len(edges["source"])  # at most one synapse per ordered pair

    @invariant()
    def nodes_keep_index_state_and_action(self):
        nodes = self.brain.nodes()
        alive = {
            int(i): (int(h), int(a))
            for i, h, a in zip(nodes["index"], nodes["state_hash"], nodes["action"])
        }
        assert alive == self.model

    @invariant()
    def numbers_are_finite(self):
        nodes, edges = self.brain.nodes(), self.brain.edges()
        for k in ("value", "average_reward", "salience"):
            assert np.isfinite(nodes[k]).all(), k
        for k in ("weight", "plasticity", "eligibility_trace"):
            assert np.isfinite(edges[k]).all(), k


class AntiHebbianBrainMachine(BrainMachine):
    """The same with a negative weight floor (weights may go below zero)."""

    def __init__(self) -> None:
        super().__init__()
        self.brain = hb.Brain(brain_config(-1.0), seed=1)


FAST = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
SLOW = settings(
    max_examples=400,
    stateful_step_count=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

TestBrainMachine = BrainMachine.TestCase
TestBrainMachine.settings = FAST
TestAntiHebbianBrainMachine = AntiHebbianBrainMachine.TestCase
TestAntiHebbianBrainMachine.settings = settings(FAST, max_examples=10)


class SlowBrainMachine(BrainMachine):
    pass


@pytest.mark.slow
def test_brain_machine_many_examples():
    SlowBrainMachine.TestCase.settings = SLOW
    SlowBrainMachine.TestCase().runTest()
