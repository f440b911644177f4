#!/usr/bin/env python
"""Graph brain benchmark: the Rust brain (``hebbian_brain.Brain``) against a pure-Python reference.

The reference, ``NxBrain`` below, is a port of the same operations onto ``networkx.DiGraph`` with
dict attributes, written the way a competent Python programmer would write it (no deliberate
slowness, no numpy tricks that change the algorithm): the three-factor rule with eligibility
traces kept only while live, TD(lambda) node values bootstrapping from the best action of the next
state, lazy weight decay, consolidation of plasticity, the salient set of dream starts, dreams
(reverse or forward walks biased by weight with the 1% floor, value backups, consolidation with
galvanize, creative edges), pruning with its three criteria and orphan removal, and DOT export.

Before timing anything the script checks that the reference computes the same thing as the Rust
brain on small cases (learning exactly up to float32 storage of weights, pruning exactly, one
deterministic dream walk exactly, DOT line by line).

Everything runs on one thread (the Rust calls used here are single-threaded).

    python bench/graph_brain.py            # full run
    python bench/graph_brain.py --quick    # about 10x smaller, a smoke run
"""

from __future__ import annotations

import argparse
import copy
import gc
import heapq
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import tracemalloc

# Single-thread figures: numpy's OpenBLAS threads spin after each call and would steal the
# second core from whichever side runs next.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402

import hebbian_brain as hb  # noqa: E402

# Constants of the Rust core (rust/core/src/graph/mod.rs).
SALIENT_CAPACITY = 1024
SALIENCE_CUTOFF = 1e-6


# --------------------------------------------------------------------------------------------
# The pure-Python reference
# --------------------------------------------------------------------------------------------


class NxBrain:
    """A graph brain on networkx: node keys are indices, every field is a dict attribute.

    Node attributes: state_hash, action, created_at, last_activated, activation_count,
    terminal_count, average_reward, salience, value, trace (TD(lambda) trace).
    Edge attributes: weight (stored, valid from max(last_activated, decay_epoch)), plasticity,
    eligibility_trace, created_at, last_activated, traversal_count, is_creative.
    """

    def __init__(self, config=None, seed=None):
        config = config if config is not None else hb.BrainConfig()
        self.config = config
        p, q, d = config.plasticity, config.pruning, config.dream
        self.eta = p.base_learning_rate
        self.eps = p.epsilon
        self.w_max = p.weight_max
        self.w_min = p.weight_min
        self.anti_hebbian = p.enable_anti_hebbian
        self.w_init = min(max(p.initial_weight, p.weight_min), p.weight_max)
        self.weight_decay = p.weight_decay
        self.log_retention = math.log(1.0 - p.weight_decay) if p.weight_decay < 1.0 else -math.inf
        self.gamma = p.discount
        self.trace_factor = p.discount * p.trace_decay
        self.alpha = p.value_learning_rate
        self.consolidation = p.consolidation_rate
        self.p_floor = p.plasticity_floor
        self.trace_cutoff = p.trace_cutoff
        self.inactivity = q.inactivity_threshold
        self.w_threshold = q.weight_threshold
        self.protection = q.protection_period
        self.walks_per_cycle = d.walks_per_cycle
        self.walk_length = d.walk_length
        self.boost = d.consolidation_boost
        self.creative_p = d.creative_edge_probability
        self.galvanize = d.enable_galvanize
        self.galvanize_mult = d.galvanize_boost_multiplier
        self.galvanize_age = d.galvanize_age_threshold
        self.reverse = d.direction == "reverse"
        self.rho = d.replay_learning_rate

        self.G = nx.DiGraph()
        self.rng = random.Random(seed)
        self.clock = 0
        self.episodes = 0
        self.decay_epoch = 0
        self.bound = 0  # one past the largest node index ever used
        self.free = []  # holes left by pruning, reused last-in first-out
        self.state_index = {}  # state_hash -> [node, ...]
        self.syn_traces = {}  # (u, v) -> edge dict, for synapses with a live trace
        self.node_traces = {}  # n -> node dict, for nodes with a live trace
        self.salient = {}  # members of the salient set (dream starts), as an ordered set
        self._heap = []  # (salience, node) entries; stale ones are skipped (lazy deletion)

    # ---- construction -----------------------------------------------------------------------

    @classmethod
    def from_brain(cls, brain, seed=None):
        """The reference holding the same nodes, synapses, clock and config as a Rust brain."""
        self = cls(brain.config, seed)
        self.clock = self.decay_epoch = brain.clock  # exported weights are decayed to now
        self.episodes = brain.episodes
        nodes, edges = brain.nodes(), brain.edges()
        cols = {k: v.tolist() for k, v in nodes.items()}
        G = self.G
        keys = (
            "state_hash",
            "action",
            "created_at",
            "last_activated",
            "activation_count",
            "terminal_count",
            "average_reward",
            "salience",
            "value",
        )
        for i, idx in enumerate(cols["index"]):
            attrs = {k: cols[k][i] for k in keys}
            attrs["trace"] = 0.0
            G.add_node(idx, **attrs)
            self.state_index.setdefault(attrs["state_hash"], []).append(idx)
        self.bound = max(cols["index"]) + 1 if cols["index"] else 0
        self.free = [i for i in range(self.bound - 1, -1, -1) if i not in G]
        ecols = {k: v.tolist() for k, v in edges.items()}
        ekeys = (
            "weight",
            "plasticity",
            "eligibility_trace",
            "created_at",
            "last_activated",
            "traversal_count",
            "is_creative",
        )
        G.add_edges_from(
            (u, v, {k: ecols[k][i] for k in ekeys})
            for i, (u, v) in enumerate(zip(ecols["source"], ecols["target"]))
        )
        for u, v, ed in G.edges(data=True):
            if ed["eligibility_trace"] != 0.0:
                self.syn_traces[(u, v)] = ed
        # The salient set: the SALIENT_CAPACITY most salient nodes (what Rust's import gets by
        # offering every node in index order; the two can differ only between equal saliences).
        nd = G.nodes
        candidates = [n for n, s in G.nodes(data="salience") if s >= SALIENCE_CUTOFF]
        top = heapq.nlargest(SALIENT_CAPACITY, candidates, key=lambda n: (nd[n]["salience"], -n))
        self.salient = dict.fromkeys(sorted(top))
        self._heap = [(nd[n]["salience"], n) for n in self.salient]
        heapq.heapify(self._heap)
        return self

    def get_or_create_node(self, state_hash, action):
        nodes = self.G.nodes
        for i in self.state_index.get(state_hash, ()):
            if nodes[i]["action"] == action:
                return i
        if self.free:
            idx = self.free.pop()
        else:
            idx = self.bound
            self.bound += 1
        self.G.add_node(
            idx,
            state_hash=state_hash,
            action=action,
            created_at=self.clock,
            last_activated=self.clock,
            activation_count=0,
            terminal_count=0,
            average_reward=0.0,
            salience=0.0,
            value=0.0,
            trace=0.0,
        )
        self.state_index.setdefault(state_hash, []).append(idx)
        return idx

    def _add_synapse(self, u, v, creative):
        self.G.add_edge(
            u,
            v,
            weight=self.w_init,
            plasticity=1.0,
            eligibility_trace=0.0,
            created_at=self.clock,
            last_activated=self.clock,
            traversal_count=0,
            is_creative=creative,
        )
        return self.G.succ[u][v]

    def _check(self, *nodes):
        for n in nodes:
            if n not in self.G:
                raise IndexError(f"no node {n}")

    # ---- weights ------------------------------------------------------------------------------

    def _weight(self, ed):
        """The stored weight decayed towards w_min since its last touch, clamped."""
        dt = self.clock - max(ed["last_activated"], self.decay_epoch)
        w = ed["weight"]
        if dt > 0 and self.weight_decay != 0.0:
            w = self.w_min + (w - self.w_min) * math.exp(self.log_retention * dt)
        return min(max(w, self.w_min), self.w_max)

    def _set_weight(self, ed, w):
        ed["weight"] = min(max(w, self.w_min), self.w_max)
        ed["last_activated"] = self.clock

    def weight(self, u, v):
        ed = self.G.succ[u].get(v)
        return None if ed is None else self._weight(ed)

    def apply_weight_decay(self):
        for _, _, ed in self.G.edges(data=True):
            ed["weight"] = self._weight(ed)
        self.decay_epoch = self.clock

    def state_value(self, state_hash):
        ids = self.state_index.get(state_hash)
        if not ids:
            return None
        nodes = self.G.nodes
        return max(nodes[i]["value"] for i in ids)

    # ---- learning -----------------------------------------------------------------------------

    def learn_transition(self, src, dst, reward):
        if not math.isfinite(reward):
            raise ValueError("reward must be finite")
        self._check(src, dst)
        nxt = self.state_value(self.G.nodes[dst]["state_hash"])
        return self._step(src, dst, reward, self.gamma * (nxt or 0.0), False)

    def learn_transitions(self, src, dst, rewards):
        if not (len(src) == len(dst) == len(rewards)):
            raise ValueError("lengths differ")
        if not all(math.isfinite(r) for r in rewards):
            raise ValueError("rewards must be finite")
        self._check(*set(src), *set(dst))
        nodes, sv, gamma, step = self.G.nodes, self.state_value, self.gamma, self._step
        out = []
        for s, d, r in zip(src, dst, rewards):
            nxt = sv(nodes[d]["state_hash"])
            out.append(step(s, d, r, gamma * (nxt or 0.0), False))
        return out

    def learn_terminal(self, src, reward):
        self._check(src)
        delta = self._step(src, None, reward, 0.0, True)
        self._clear_traces()
        return delta

    def end_episode(self):
        self._clear_traces()
        self.episodes += 1

    def _clear_traces(self):
        for ed in self.syn_traces.values():
            ed["eligibility_trace"] = 0.0
        for nd in self.node_traces.values():
            nd["trace"] = 0.0
        self.syn_traces.clear()
        self.node_traces.clear()

    def _decay_traces(self):
        f, cut = self.trace_factor, self.trace_cutoff
        for traces, key in ((self.syn_traces, "eligibility_trace"), (self.node_traces, "trace")):
            dead = []
            for k, d in traces.items():
                e = d[key] * f
                d[key] = e
                if abs(e) < cut or e == 0.0:
                    dead.append(k)
            for k in dead:
                traces[k][key] = 0.0
                del traces[k]

    def _step(self, src, dst, reward, bootstrap, terminal):
        self.clock += 1
        now = self.clock
        nodes = self.G.nodes
        sd = nodes[src]
        delta = reward + bootstrap - sd["value"]
        count = sd["activation_count"] + 1
        sd["activation_count"] = count
        sd["average_reward"] += (reward - sd["average_reward"]) / count
        sd["last_activated"] = now
        if terminal:
            sd["terminal_count"] += 1
        self._decay_traces()
        sd["trace"] = 1.0  # replacing trace
        self.node_traces[src] = sd
        if dst is not None:
            nodes[dst]["last_activated"] = now
            ed = self.G.succ[src].get(dst)
            if ed is None:
                ed = self._add_synapse(src, dst, False)
            self._set_weight(ed, self._weight(ed))  # materialise the owed decay
            ed["traversal_count"] += 1
            ed["plasticity"] = max(ed["plasticity"] * (1.0 - self.consolidation), self.p_floor)
            ed["eligibility_trace"] = min(ed["eligibility_trace"] + 1.0, 1.0)
            self.syn_traces[(src, dst)] = ed
        modulator = delta if self.anti_hebbian else max(delta, 0.0)
        gain = self.eta * (modulator + self.eps)
        weight, set_weight = self._weight, self._set_weight
        for ed in self.syn_traces.values():
            set_weight(ed, weight(ed) + gain * ed["plasticity"] * ed["eligibility_trace"])
        ad = self.alpha * delta
        for nd in self.node_traces.values():
            nd["value"] += ad * nd["trace"]
        self._set_salience(src, sd, abs(delta))
        return delta

    def _set_salience(self, n, nd, salience):
        """Sets a node's salience and keeps the salient set (at most SALIENT_CAPACITY members):
        negligible salience leaves it; a newcomer enters if there is room or if it beats the
        least salient member, which leaves. A heapq min-heap with lazy deletion finds that one."""
        nd["salience"] = salience
        members = self.salient
        if salience < SALIENCE_CUTOFF:
            members.pop(n, None)
            return
        if n not in members:
            if len(members) >= SALIENT_CAPACITY:
                weakest_salience, weakest = self._salient_min()
                if weakest_salience >= salience:
                    return
                del members[weakest]
            members[n] = None
        heap = self._heap
        heapq.heappush(heap, (salience, n))
        if len(heap) > 4 * SALIENT_CAPACITY + 64:  # too many stale entries: rebuild
            nodes = self.G.nodes
            heap[:] = [(nodes[m]["salience"], m) for m in members]
            heapq.heapify(heap)

    def _salient_min(self):
        heap, members, nodes = self._heap, self.salient, self.G.nodes
        while True:
            s, m = heap[0]
            if m in members and nodes[m]["salience"] == s:
                return s, m
            heapq.heappop(heap)

    # ---- pruning ------------------------------------------------------------------------------

    def prune(self):
        clock, weight = self.clock, self._weight
        doomed = [
            (u, v)
            for u, v, ed in self.G.edges(data=True)
            if clock - ed["last_activated"] > self.inactivity
            and weight(ed) < self.w_threshold
            and clock - ed["created_at"] > self.protection
        ]
        self.G.remove_edges_from(doomed)
        for k in doomed:
            self.syn_traces.pop(k, None)
        G = self.G
        orphans = sorted(
            n
            for n, nd in G.nodes(data=True)
            if not G._succ[n]
            and not G._pred[n]  # noqa: SLF001 (degree views are slower)
            and nd["value"] == 0.0
            and clock - nd["created_at"] > self.protection
        )
        for n in orphans:
            nd = G.nodes[n]
            ids = self.state_index[nd["state_hash"]]
            ids.remove(n)
            if not ids:
                del self.state_index[nd["state_hash"]]
            self.node_traces.pop(n, None)
            self.salient.pop(n, None)
            G.remove_node(n)
            self.free.append(n)
        return {"synapses_removed": len(doomed), "nodes_removed": len(orphans)}

    # ---- dreams -------------------------------------------------------------------------------

    def dream(self, cycles=1):
        report = {
            "walks": 0,
            "steps": 0,
            "synapses_reinforced": 0,
            "synapses_galvanized": 0,
            "creative_edges_created": 0,
            "value_change": 0.0,
        }
        if len(self.G) == 0:
            return report
        for _ in range(cycles):
            for _ in range(self.walks_per_cycle):
                self._dream_walk(report)
        return report

    def _dream_walk(self, report):
        start = self._draw_start()
        if start is None:
            return
        report["walks"] += 1
        path = [start]
        if self.reverse:
            report["value_change"] += self._backup(start)
        current = start
        for _ in range(self.walk_length):
            hop = self._draw_synapse(current)
            if hop is None:
                break
            nxt, ed = hop
            self._reinforce(ed, report)
            report["steps"] += 1
            current = nxt
            path.append(current)
            if self.reverse:
                report["value_change"] += self._backup(current)
        if not self.reverse:
            for n in reversed(path):
                report["value_change"] += self._backup(n)
        self._maybe_wire_creative(path, report)

    def _draw_start(self):
        """A start drawn with probability proportional to salience over the salient set, or
        uniformly over all nodes when no node is salient."""
        if self.salient:
            nodes = self.G.nodes
            u = self.rng.random()
            total = sum(nodes[n]["salience"] for n in self.salient)
            if total > 0.0:
                x = u * total
                for n in self.salient:
                    x -= nodes[n]["salience"]
                    if x <= 0.0:
                        return n
                return n
        for _ in range(64):
            i = self.rng.randrange(self.bound)
            if i in self.G:
                return i
        return min(self.G)

    def _draw_synapse(self, node):
        adj = self.G.pred[node] if self.reverse else self.G.succ[node]
        w_min, floor, weight = self.w_min, 0.01 * (self.w_max - self.w_min), self._weight
        candidates = [(m, ed, max(weight(ed) - w_min, 0.0) + floor) for m, ed in adj.items()]
        if not candidates:
            return None
        total = sum(c[2] for c in candidates)
        if total <= 0.0:
            return candidates[0][:2]
        x = self.rng.random() * total
        for m, ed, score in candidates:
            x -= score
            if x <= 0.0:
                return m, ed
        return candidates[-1][:2]

    def _reinforce(self, ed, report):
        age = self.clock - ed["created_at"]
        galvanized = self.galvanize and age > self.galvanize_age
        boost = self.boost * (self.galvanize_mult if galvanized else 1.0)
        self._set_weight(ed, self._weight(ed) + boost)
        report["synapses_reinforced"] += 1
        if galvanized:
            report["synapses_galvanized"] += 1

    def _backup(self, n):
        nodes = self.G.nodes
        nd = nodes[n]
        if nd["activation_count"] == 0:
            return 0.0
        total = float(nd["terminal_count"])
        expected = 0.0
        for m, ed in self.G.succ[n].items():
            if ed["is_creative"] or ed["traversal_count"] == 0:
                continue
            c = float(ed["traversal_count"])
            nxt = self.state_value(nodes[m]["state_hash"])
            expected += c * (nxt or 0.0)
            total += c
        if total == 0.0:
            return 0.0
        target = nd["average_reward"] + self.gamma * expected / total
        error = target - nd["value"]
        change = self.rho * error
        nd["value"] += change
        self._set_salience(n, nd, abs((1.0 - self.rho) * error))
        spread = self.gamma * abs(change)
        if spread >= SALIENCE_CUTOFF:
            for p in list(self.G.pred[n]):
                pd = nodes[p]
                if pd["salience"] < spread:
                    self._set_salience(p, pd, spread)
        return abs(change)

    def _maybe_wire_creative(self, path, report):
        p = self.creative_p
        if len(path) < 3 or p <= 0.0 or self.rng.random() >= p:
            return
        n = len(path)
        k = self.rng.randrange((n - 1) * (n - 2) // 2)
        i, j = 0, 2
        for a in range(n - 2):
            if k < n - a - 2:
                i, j = a, a + 2 + k
                break
            k -= n - a - 2
        src, dst = (path[j], path[i]) if self.reverse else (path[i], path[j])
        if src != dst and not self.G.has_edge(src, dst):
            self._add_synapse(src, dst, True)
            report["creative_edges_created"] += 1

    # ---- export -------------------------------------------------------------------------------

    def to_dot(self, min_weight=0.0, show_state_hash=True):
        G, weight = self.G, self._weight
        edges = []
        for u, v, ed in G.edges(data=True):
            w = weight(ed)
            if w >= min_weight:
                edges.append((u, v, w, ed["is_creative"]))
        if min_weight <= 0.0:
            shown = sorted(G)
        else:
            shown = sorted({u for u, *_ in edges} | {v for _, v, *_ in edges})
        nodes = G.nodes
        max_abs = max((abs(v) for _, v in G.nodes(data="value")), default=0.0)
        out = [
            "digraph brain {\n",
            '  graph [rankdir=LR, fontname="Helvetica", label="',
            _escape(
                f"hebbian_brain: {len(G)} nodes, {G.number_of_edges()} synapses, clock {self.clock}"
            ),
            '", labelloc=t];\n',
            '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];\n',
            '  edge [fontname="Helvetica", fontsize=8];\n',
        ]
        for n in shown:
            nd = nodes[n]
            if show_state_hash:
                label = f"#{n} s={nd['state_hash']:016x}\na={nd['action']} V={nd['value']:.3f}"
            else:
                label = f"#{n} a={nd['action']}\nV={nd['value']:.3f}"
            out.append(
                f'  n{n} [label="{_escape(label)}", '
                f'fillcolor="{_fill_color(nd["value"], max_abs)}"];\n'
            )
        span = self.w_max - self.w_min
        for u, v, w, creative in edges:
            rel = (w - self.w_min) / span if span > 0 else 1.0
            width = 0.5 + 3.5 * min(max(rel, 0.0), 1.0)
            style = ', style=dashed, color="#d95f02"' if creative else ""
            out.append(f'  n{u} -> n{v} [label="{w:.2f}", penwidth={width:.2f}{style}];\n')
        out.append("}\n")
        return "".join(out)


def _escape(text):
    out = []
    for c in text:
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif c == "\n":
            out.append("\\n")
        elif c == "\r" or (ord(c) < 32 or 127 <= ord(c) < 160):
            continue
        else:
            out.append(c)
    return "".join(out)


def _fill_color(value, max_abs):
    t = min(max(value / max_abs, -1.0), 1.0) if max_abs > 0.0 else 0.0
    fade = math.floor(255.0 - 120.0 * abs(t) + 0.5)  # Rust's f64::round: half away from zero
    return f"#{fade:02x}ff{fade:02x}" if t >= 0.0 else f"#ff{fade:02x}{fade:02x}"


# --------------------------------------------------------------------------------------------
# Synthetic experience
# --------------------------------------------------------------------------------------------


def grid_shape(n_states):
    w = int(math.isqrt(n_states))
    while n_states % w:
        w -= 1
    return w, n_states // w


def make_stream(n_states, n_transitions, episode_len, seed, slip=0.1):
    """Random-walk experience on a torus grid of n_states cells with 4 actions (N, E, S, W).

    An action moves the agent, except with probability `slip` a random move is made instead;
    episodes start in uniform random cells; reaching one of n_states/1000 goal cells pays +1,
    every other step -0.01. Node index = state * 4 + action (nodes created in that order).
    Returns (src, dst, reward) arrays of `n_transitions` consecutive learned steps; a transition
    joins the (state, action) of step t to the (state, action) of step t + 1 of the same episode.
    """
    rng = np.random.default_rng(seed)
    width, height = grid_shape(n_states)
    dx, dy = np.array([0, 1, 0, -1]), np.array([-1, 0, 1, 0])
    per_episode = episode_len - 1
    n_ep = -(-n_transitions // per_episode)
    s = np.empty((n_ep, episode_len), np.int64)
    a = rng.integers(0, 4, (n_ep, episode_len))
    s[:, 0] = rng.integers(0, n_states, n_ep)
    for t in range(episode_len - 1):
        move = a[:, t].copy()
        slipped = rng.random(n_ep) < slip
        move[slipped] = rng.integers(0, 4, int(slipped.sum()))
        x = (s[:, t] % width + dx[move]) % width
        y = (s[:, t] // width + dy[move]) % height
        s[:, t + 1] = y * width + x
    goal = np.zeros(n_states, bool)
    goal[rng.choice(n_states, max(1, n_states // 1000), replace=False)] = True
    reward = np.where(goal[s[:, 1:]], 1.0, -0.01)
    src = (s[:, :-1] * 4 + a[:, :-1]).ravel()[:n_transitions]
    dst = (s[:, 1:] * 4 + a[:, 1:]).ravel()[:n_transitions]
    return src, dst, reward.ravel()[:n_transitions].copy()


def rust_brain_with_nodes(n_states, config=None, seed=0):
    brain = hb.Brain(config, seed=seed)
    for s in range(n_states):
        for a in range(4):
            idx = brain.get_or_create_node(s, a)
            assert idx == s * 4 + a
    return brain


def nx_brain_with_nodes(n_states, config=None, seed=0):
    ref = NxBrain(config, seed=seed)
    for s in range(n_states):
        h = hb.state_hash(s)
        for a in range(4):
            idx = ref.get_or_create_node(h, a)
            assert idx == s * 4 + a
    return ref


# --------------------------------------------------------------------------------------------
# Equivalence checks (small cases)
# --------------------------------------------------------------------------------------------


def compare(brain, ref, tol=1e-5):
    """Max differences between a Rust brain and the reference; raises on a structural mismatch."""
    nodes, edges = brain.nodes(), brain.edges()
    G = ref.G
    idx = nodes["index"].tolist()
    if sorted(idx) != sorted(G):
        raise AssertionError("node sets differ")
    worst = {}

    def note(name, a, b, exact=False):
        d = abs(a - b)
        worst[name] = max(worst.get(name, 0.0), d)
        if (exact and d != 0) or d > tol:
            raise AssertionError(f"{name} differs: rust {a!r} vs python {b!r}")

    for i, n in enumerate(idx):
        nd = G.nodes[n]
        for f in ("value", "average_reward", "salience"):
            note(f, float(nodes[f][i]), nd[f])
        for f in ("activation_count", "terminal_count", "last_activated", "created_at"):
            note(f, int(nodes[f][i]), nd[f], exact=True)
    pairs = list(zip(edges["source"].tolist(), edges["target"].tolist()))
    if set(pairs) != set(G.edges):
        raise AssertionError(f"synapse sets differ ({len(pairs)} vs {G.number_of_edges()})")
    for i, (u, v) in enumerate(pairs):
        ed = G.succ[u][v]
        note("weight", float(edges["weight"][i]), ref._weight(ed))
        note("plasticity", float(edges["plasticity"][i]), ed["plasticity"])
        note("eligibility_trace", float(edges["eligibility_trace"][i]), ed["eligibility_trace"])
        for f in ("traversal_count", "last_activated", "created_at"):
            note(f, int(edges[f][i]), ed[f], exact=True)
        if bool(edges["is_creative"][i]) != ed["is_creative"]:
            raise AssertionError("is_creative differs")
    return worst


def check_equivalence():
    """Same results on small cases; returns lines to print."""
    lines = []
    cfg = hb.BrainConfig(
        plasticity=hb.PlasticityParams(weight_decay=0.01),
        pruning=hb.PruningParams(
            inactivity_threshold=60, weight_threshold=0.3, protection_period=40
        ),
    )
    n_states, steps = 60, 600
    brain = rust_brain_with_nodes(n_states, cfg)
    ref = nx_brain_with_nodes(n_states, cfg)
    src, dst, rew = make_stream(n_states, steps, 25, seed=7, slip=0.2)
    rew = rew + np.random.default_rng(8).normal(0.0, 0.3, steps)  # rewards of both signs
    # Per-call learning with episode ends (terminal step + end_episode) every 24 steps.
    for k, (s, d, r) in enumerate(zip(src.tolist(), dst.tolist(), rew.tolist())):
        d_rust, d_py = brain.learn_transition(s, d, r), ref.learn_transition(s, d, r)
        assert abs(d_rust - d_py) < 1e-9, (k, d_rust, d_py)
        if k % 24 == 23:
            brain.learn_terminal(d, 1.0)
            ref.learn_terminal(d, 1.0)
            brain.end_episode()
            ref.end_episode()
    # then a batch without episode ends
    src2, dst2, rew2 = make_stream(n_states, 200, 25, seed=9)
    brain.learn_transitions(src2, dst2, rew2)
    ref.learn_transitions(src2.tolist(), dst2.tolist(), rew2.tolist())
    worst = compare(brain, ref)
    lines.append(
        f"  learning: {steps + 200} steps on {4 * n_states} nodes / {brain.edge_count} synapses; "
        f"max |diff| value {worst['value']:.1e}, weight {worst['weight']:.1e}, "
        f"plasticity {worst['plasticity']:.1e}, trace {worst['eligibility_trace']:.1e}, "
        "counts and times exact -> OK"
    )
    # Pruning, on the brains learned independently, then on an exact copy of the Rust state.
    snapshot = copy.deepcopy(brain)
    brain.apply_weight_decay()
    ref.apply_weight_decay()
    compare(brain, ref)
    rp, pp = brain.prune(), ref.prune()
    compare(brain, ref)
    same_indep = (rp.synapses_removed, rp.nodes_removed) == (
        pp["synapses_removed"],
        pp["nodes_removed"],
    )
    ref2 = NxBrain.from_brain(snapshot)
    rp2, pp2 = snapshot.prune(), ref2.prune()
    compare(snapshot, ref2, tol=0.0 + 1e-12)
    assert (rp2.synapses_removed, rp2.nodes_removed) == (
        pp2["synapses_removed"],
        pp2["nodes_removed"],
    )
    assert same_indep
    lines.append(
        f"  pruning: removed {rp.synapses_removed} synapses and {rp.nodes_removed} nodes on both "
        "(independently learned brains and an exact copy); survivors identical -> OK"
    )
    # Learning continues identically after pruning left holes (node reuse included).
    for s, d, r in zip(src2[:100].tolist(), dst2[:100].tolist(), rew2[:100].tolist()):
        if brain.contains_node(s) and brain.contains_node(d):
            brain.learn_transition(s, d, r)
            ref.learn_transition(s, d, r)
    h = hb.state_hash("new state")
    assert brain.get_or_create_node("new state", 3) == ref.get_or_create_node(h, 3)
    compare(brain, ref)
    # DOT: same lines (order of synapses within a node differs: Rust lists most recent first).
    a = brain.to_dot().splitlines()
    b = ref.to_dot().splitlines()
    a2 = brain.to_dot(min_weight=0.5, show_state_hash=False).splitlines()
    b2 = ref.to_dot(min_weight=0.5, show_state_hash=False).splitlines()
    dot_diff = len(set(a) ^ set(b)) + len(set(a2) ^ set(b2))
    lines.append(
        f"  DOT: {len(a)} + {len(a2)} lines, {dot_diff} differing lines"
        + (" -> OK" if dot_diff == 0 else " (float32 rounding of weights)")
    )
    # Dreams: one walk on a chain is deterministic (one salient start, one synapse per step).
    for direction in ("reverse", "forward"):
        dcfg = hb.BrainConfig(
            dream=hb.DreamParams(
                walks_per_cycle=1,
                walk_length=10,
                creative_edge_probability=0.0,
                direction=direction,
                galvanize_age_threshold=5,
            )
        )
        n = 14
        start = n - 1 if direction == "reverse" else 0
        node_t = {
            "index": np.arange(n),
            "state_hash": np.arange(n, dtype=np.uint64) * 7919 + 1,
            "action": np.zeros(n, np.int64),
            "value": np.linspace(-0.5, 0.7, n),
            "activation_count": np.full(n, 3, np.uint64),
            "terminal_count": (np.arange(n) == n - 1).astype(np.uint64),
            "average_reward": np.where(np.arange(n) == n - 1, 1.0, -0.05),
            "salience": np.where(np.arange(n) == start, 0.5, 0.0),
            "created_at": np.zeros(n, np.uint64),
            "last_activated": np.full(n, 12, np.uint64),
        }
        edge_t = {
            "source": np.arange(n - 1),
            "target": np.arange(1, n),
            "weight": np.linspace(0.2, 0.9, n - 1),
            "traversal_count": np.full(n - 1, 2, np.uint64),
            "created_at": np.arange(n - 1, dtype=np.uint64),
            "last_activated": np.full(n - 1, 12, np.uint64),
        }
        chain = hb.Brain.from_tables(node_t, edge_t, dcfg, seed=1)
        cref = NxBrain.from_brain(chain, seed=1)
        rr, pr = chain.dream(1), cref.dream(1)
        compare(chain, cref, tol=1e-6)
        assert (rr.walks, rr.steps, rr.synapses_reinforced, rr.synapses_galvanized) == (
            pr["walks"],
            pr["steps"],
            pr["synapses_reinforced"],
            pr["synapses_galvanized"],
        )
        assert abs(rr.value_change - pr["value_change"]) < 1e-9
    lines.append(
        "  dream: one deterministic walk (reverse and forward) on a 14-node chain: "
        "values, saliences, weights, galvanize counts identical -> OK"
    )
    # Dreams with creative edges and weight-biased choices are random: same amount of work.
    big = rust_brain_with_nodes(n_states, cfg)
    big.learn_transitions(src, dst, rew)
    bref = NxBrain.from_brain(big, seed=3)
    dr, dp = big.dream(200), bref.dream(200)
    lines.append(
        f"  dream (random, 200 cycles): rust {dr.walks} walks / {dr.steps} steps / "
        f"{dr.creative_edges_created} creative; python {dp['walks']} / {dp['steps']} / "
        f"{dp['creative_edges_created']} (statistically alike, not compared exactly)"
    )
    return lines


# --------------------------------------------------------------------------------------------
# Timing helpers
# --------------------------------------------------------------------------------------------


# The clock of every measurement: CPU time of this process by default (single-threaded work on
# both sides, so it is the work itself, not time spent waiting for a core on a shared machine);
# `--clock wall` uses wall time.
_CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
_clock = _CLOCKS["cpu"]


def clock():
    return _clock()


def median_time(fn, repeats, setup=None):
    times = []
    for _ in range(repeats):
        arg = setup() if setup else None
        gc.collect()
        t = clock()
        fn(arg) if setup else fn()
        times.append(clock() - t)
    return statistics.median(times)


def trim():
    """Collects garbage and returns freed heap pages to the OS (glibc), so RSS is live memory."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def fmt_rate(per_second):
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if per_second >= scale:
            return f"{per_second / scale:.3g} {unit}tr/s"
    return f"{per_second:.3g} tr/s"


def fmt_time(seconds):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def verdict(ok):
    return "met" if ok else "MISSED"


# --------------------------------------------------------------------------------------------
# Benchmarks
# --------------------------------------------------------------------------------------------


def rss_child(n_syn):
    """Builds a brain of n_syn synapses (4 per node) and prints its RSS growth as JSON."""
    trim()
    rss0 = rss_bytes()
    t = clock()
    n_states = n_syn // 16
    big = rust_brain_with_nodes(n_states, seed=6)
    width, height = grid_shape(n_states)
    dx, dy = np.array([0, 1, 0, -1]), np.array([-1, 0, 1, 0])
    step = 250_000
    for i in range(0, 16 * n_states, step):
        k = np.arange(i, min(i + step, 16 * n_states))
        node = k // 4  # each node joined to the 4 actions of the cell its action leads to
        s, a = node // 4, node % 4
        nxt = ((s // width + dy[a]) % height) * width + (s % width + dx[a]) % width
        big.learn_transitions(node, nxt * 4 + k % 4, np.zeros(len(k)))
        del k, node, s, a, nxt
    seconds = clock() - t
    trim()
    print(
        json.dumps(
            {
                "rss_growth": rss_bytes() - rss0,
                "seconds": seconds,
                "edges": big.edge_count,
                "nodes": big.node_count,
                "memory_bytes": big.memory_bytes(),
            }
        )
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="about 10x smaller (smoke run)")
    ap.add_argument("--rss-child", type=int, help=argparse.SUPPRESS)
    ap.add_argument(
        "--clock",
        choices=sorted(_CLOCKS),
        default="cpu",
        help="time measurements by process CPU time (default) or wall time",
    )
    args = ap.parse_args()
    global _clock
    _clock = _CLOCKS[args.clock]
    if args.rss_child:
        return rss_child(args.rss_child)
    q = 10 if args.quick else 1
    rows, notes = [], []
    t_start = time.perf_counter()

    print(f"hebbian_brain graph-brain benchmark{' (--quick)' if args.quick else ''}")
    print(
        f"python {platform.python_version()}, networkx {nx.__version__}, numpy {np.__version__},"
        f" {platform.machine()}, {os.cpu_count()} CPUs; single thread;"
        f" clock: {args.clock} time"
    )
    print(
        f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        " (shared machine: timings are under load)"
    )
    print("\nequivalence checks (the reference computes what the Rust brain computes):")
    for line in check_equivalence():
        print(line)
    sys.stdout.flush()

    bench_learn(q, rows, notes)
    print(f"\n[{time.perf_counter() - t_start:.0f}s] learning measured", flush=True)
    n_edges, n_nodes, rust_bytes, py_bytes = bench_graph(q, rows, notes, t_start)
    bench_memory(q, rows, notes, n_edges, n_nodes, rust_bytes, py_bytes)
    print_table(rows, notes, t_start)


def bench_learn(q, rows, notes):
    """1. Learning throughput, per call and batch."""
    n_states, n_tr = 10_000 // q, 1_000_000 // q
    # The reference learns the whole stream too: its per-step cost grows with the brain as
    # Rust's does, so timing it on a prefix and extrapolating would flatter it.
    n_py = n_tr
    chunk = 100_000 // q
    src, dst, rew = make_stream(n_states, n_tr, 100, seed=42)
    src_l, dst_l, rew_l = src.tolist(), dst.tolist(), rew.tolist()

    def per_call(brain):
        learn = brain.learn_transition
        for s, d, r in zip(src_l, dst_l, rew_l):
            learn(s, d, r)

    def batch(brain):
        for i in range(0, n_tr, chunk):
            brain.learn_transitions(src[i : i + chunk], dst[i : i + chunk], rew[i : i + chunk])

    # Rust's runs take about a second, the reference's about a minute each; the host's speed
    # drifts over minutes (a shared VM). So Rust is measured before, between and after the two
    # reference runs, and the median of those three is compared with the reference's average.
    t_calls, t_batches = [], []

    def rust_round():
        t_calls.append(median_time(per_call, 1, lambda: rust_brain_with_nodes(n_states)))
        t_batches.append(median_time(batch, 1, lambda: rust_brain_with_nodes(n_states)))

    rust_round()
    check_b = rust_brain_with_nodes(n_states)
    ref = nx_brain_with_nodes(n_states)
    gc.collect()
    t = clock()
    ref_learn = ref.learn_transition
    for s, d, r in zip(src_l[:n_py], dst_l[:n_py], rew_l[:n_py]):
        ref_learn(s, d, r)
    t_py = (clock() - t) / n_py
    rust_round()
    ref_b = nx_brain_with_nodes(n_states)
    gc.collect()
    t = clock()
    ref_b.learn_transitions(src_l[:n_py], dst_l[:n_py], rew_l[:n_py])
    t_py_b = (clock() - t) / n_py
    del ref_b
    rust_round()
    t_call, t_batch = statistics.median(t_calls), statistics.median(t_batches)
    # The Rust brain on the same prefix, to confirm the reference learned the same thing.
    check_b.learn_transitions(src[:n_py], dst[:n_py], rew[:n_py])
    w = compare(check_b, ref, tol=1e-4)
    notes.append(
        f"learn: stream of {n_tr:,} transitions on {n_states:,} states x 4 actions "
        f"(torus random walk, episodes of 100 steps, numpy seed 42); the networkx "
        f"reference ran all {n_py:,} transitions once per API (a learn_transition "
        f"loop; one learn_transitions call on lists); afterwards it matched the Rust "
        f"brain (max |dV| "
        f"{w['value']:.1e}, max |dw| {w['weight']:.1e}); Rust per call and batch: median of 3 "
        f"runs made before, between and after the reference's two runs (Rust per call "
        f"{', '.join(f'{n_tr / x / 1e6:.2f}' for x in t_calls)} M/s, batch "
        f"{', '.join(f'{n_tr / x / 1e6:.2f}' for x in t_batches)} M/s), chunks of "
        f"{chunk:,}; no end_episode inside the stream (the batch "
        "API has no episode ends), the same in all three"
    )
    r_call, r_batch, r_py, r_py_b = n_tr / t_call, n_tr / t_batch, 1.0 / t_py, 1.0 / t_py_b
    rows.append(
        (
            "learn, per call (learn_transition loop)",
            fmt_rate(r_call),
            fmt_rate(r_py),
            r_call / r_py,
            f">= 20x {verdict(r_call / r_py >= 20)}",
        )
    )
    rows.append(
        (
            "learn, batch (learn_transitions)",
            fmt_rate(r_batch),
            fmt_rate(r_py_b),
            r_batch / r_py_b,
            f">= 100x {verdict(r_batch / r_py_b >= 100)}",
        )
    )


def bench_graph(q, rows, notes, t_start):
    """2-4. Dream, prune and DOT export on the 100k-node brain; the memory of both sides."""
    n_states2, n_tr2 = 25_000 // q, 1_000_000 // q
    src, dst, rew = make_stream(n_states2, n_tr2, 50, seed=43)
    t = clock()
    brain = rust_brain_with_nodes(n_states2, seed=5)
    for i in range(0, n_tr2, 100_000):
        brain.learn_transitions(src[i : i + 100_000], dst[i : i + 100_000], rew[i : i + 100_000])
    t_build = clock() - t
    del src, dst, rew
    n_nodes, n_edges = brain.node_count, brain.edge_count
    rust_bytes = brain.memory_bytes() / n_edges
    snapshot = copy.deepcopy(brain)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    t = clock()
    ref = NxBrain.from_brain(brain, seed=5)
    t_convert = clock() - t
    gc.collect()
    py_bytes = (tracemalloc.get_traced_memory()[0] - base) / n_edges
    tracemalloc.stop()
    notes.append(
        f"brain for dream/prune/DOT: {n_nodes:,} nodes, {n_edges:,} synapses, learned "
        f"by learn_transitions from {n_tr2:,} transitions ({n_states2:,} states, torus "
        f"random walk, seed 43) in {t_build:.1f} s; networkx copy built from "
        f"brain.nodes()/edges() in {t_convert:.1f} s (under tracemalloc)"
    )
    print(
        f"[{time.perf_counter() - t_start:.0f}s] built {n_nodes:,} nodes / {n_edges:,} synapses",
        flush=True,
    )

    # DOT export
    t_dot = median_time(lambda: brain.to_dot(), 3)
    t = clock()
    dot_py = ref.to_dot()
    t_dot_py = clock() - t
    dot_rs = brain.to_dot()
    la, lb = dot_rs.splitlines(), dot_py.splitlines()
    same = len(set(la) ^ set(lb))
    notes.append(
        f"DOT: {len(dot_rs) / 1e6:.1f} MB, {len(la):,} lines from Rust, {len(lb):,} from "
        f"Python, {same} differing lines (compared as sets: synapse order within a node "
        "differs)"
    )
    rows.append(("DOT export (to_dot)", fmt_time(t_dot), fmt_time(t_dot_py), t_dot_py / t_dot, "-"))

    # Dreams (each side on its own brain; both mutate it, as a dream does)
    cycles_rs, cycles_py = 2000 // q, 200 // q
    reports = []

    def rust_dream():
        reports.append(brain.dream(cycles_rs))

    # Interleaved like learning: Rust, half the reference, Rust, the other half, Rust.
    t_dreams, t_dream_py = [], 0.0
    prs = []
    for half in range(3):
        t_dreams.append(median_time(rust_dream, 1) / cycles_rs)
        if half < 2:
            t = clock()
            prs.append(ref.dream(cycles_py // 2))
            t_dream_py += clock() - t
    t_dream = statistics.median(t_dreams)
    t_dream_py /= 2 * (cycles_py // 2)
    pr = {k: sum(p[k] for p in prs) for k in ("steps", "creative_edges_created")}
    rr = reports[-1]
    notes.append(
        f"dream: default DreamParams (10 reverse walks of <= 10 steps per cycle); Rust "
        f"{cycles_rs} cycles x median of 3 runs before, between and after the reference's two "
        f"halves ({', '.join(f'{x * 1e6:.0f}' for x in t_dreams)} us/cycle) -> "
        f"{rr.steps / cycles_rs:.1f} steps/cycle, "
        f"{rr.creative_edges_created} creative edges; Python {cycles_py} cycles in two halves -> "
        f"{pr['steps'] / cycles_py:.1f} steps/cycle, {pr['creative_edges_created']} "
        "creative edges"
    )
    rows.append(
        (
            "dream, per cycle",
            fmt_time(t_dream),
            fmt_time(t_dream_py),
            t_dream_py / t_dream,
            f">= 100x {verdict(t_dream_py / t_dream >= 100)}",
        )
    )
    del ref
    gc.collect()

    # Pruning: both sides start from the same (undreamt) state.
    ref = NxBrain.from_brain(snapshot, seed=5)
    prune_reports = []

    def rust_prune(b):
        prune_reports.append(b.prune())

    t_prune = median_time(rust_prune, 3, lambda: copy.deepcopy(snapshot))
    t = clock()
    pp = ref.prune()
    t_prune_py = clock() - t
    rp = prune_reports[-1]
    same_work = (rp.synapses_removed, rp.nodes_removed) == (
        pp["synapses_removed"],
        pp["nodes_removed"],
    )
    rows.append(
        (
            f"prune ({n_edges // 1000}k synapses)",
            fmt_time(t_prune),
            fmt_time(t_prune_py),
            t_prune_py / t_prune,
            "-",
        )
    )
    notes.append(
        f"prune: default PruningParams at clock {snapshot.clock:,}; removed "
        f"{rp.synapses_removed:,} synapses / {rp.nodes_removed:,} nodes (Rust) and "
        f"{pp['synapses_removed']:,} / {pp['nodes_removed']:,} (Python): "
        f"{'the same work' if same_work else 'DIFFERENT WORK'}; Rust median of 3 on "
        "fresh copies, Python once"
    )
    print(f"[{time.perf_counter() - t_start:.0f}s] DOT, dream and prune measured", flush=True)
    return n_edges, n_nodes, rust_bytes, py_bytes


def bench_memory(q, rows, notes, n_edges, n_nodes, rust_bytes, py_bytes):
    """5. Memory per synapse, and RSS growth of a 10M-synapse brain in a fresh process."""
    rows.append(
        (
            f"memory per synapse ({n_edges // 1000}k-synapse brain)",
            f"{rust_bytes:.0f} B",
            f"{py_bytes:.0f} B",
            py_bytes / rust_bytes,
            f"<= 64 B {verdict(rust_bytes <= 64)}",
        )
    )
    notes.append(
        "memory: Rust = brain.memory_bytes() (allocated capacity of every vector and the "
        "state index) / synapses; Python = tracemalloc growth while building the "
        "networkx reference (graph + attribute dicts + index) / synapses; nodes are "
        f"included in both ({n_edges / n_nodes:.1f} synapses per node)"
    )
    n_syn_big = 10_000_000 // q
    child = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--rss-child", str(n_syn_big)],
        capture_output=True,
        text=True,
        check=True,
    )
    res = json.loads(child.stdout.strip().splitlines()[-1])
    rss_growth, t_big = res["rss_growth"], res["seconds"]
    big_edges, big_nodes, big_mem = res["edges"], res["nodes"], res["memory_bytes"]
    scale = 10_000_000 / big_edges
    label = "10M" if q == 1 else f"{big_edges / 1e6:.0f}M (x{scale:.0f} extrapolated)"
    rows.append(
        (
            f"RSS growth, {label}-synapse brain",
            f"{rss_growth * scale / 2**20:.0f} MiB",
            f"{py_bytes * 1e7 / 2**20:.0f} MiB*",
            py_bytes * 1e7 / (rss_growth * scale),
            f"< 1024 MiB {verdict(rss_growth * scale < 2**30)}",
        )
    )
    notes.append(
        f"10M brain: {big_nodes:,} nodes, {big_edges:,} synapses built in {t_big:.1f} s "
        "in a fresh subprocess (get_or_create_node loop, then learn_transitions over "
        "every synapse once in chunks of 250k, rewards 0); RSS growth = resident set "
        "after - before, each after gc + malloc_trim(0) "
        f"({rss_growth / big_edges:.1f} B/synapse); memory_bytes() reports "
        f"{big_mem / 2**20:.0f} MiB ({big_mem / big_edges:.1f} B/synapse, counts "
        "untouched vector capacity); * networkx: extrapolated from the tracemalloc "
        "figure, not built"
    )


def print_table(rows, notes, t_start):
    head = ("operation", "rust", "python(networkx)", "ratio", "target")
    body = [(a, b, c, f"{r:.0f}x" if r >= 10 else f"{r:.1f}x", e) for a, b, c, r, e in rows]
    widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(5)]
    print()
    for i, line in enumerate([head, *body]):
        print("  ".join(str(x).ljust(widths[j]) for j, x in enumerate(line)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print()
    for n in notes:
        print(f"- {n}")
    print(
        f"- ratio = python time / rust time (memory: python bytes / rust bytes); "
        f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"total {time.perf_counter() - t_start:.0f} s"
    )


if __name__ == "__main__":
    main()
