"""A brain's graph with readable names, and the choice of what part of it to show.

:func:`collect` reads a brain's node and edge tables (numpy, one call each) and names every
state: from the observation the agent kept (or the ones passed in), through the user's
``state_label`` callable, the environment's :class:`~hebbian_brain.viz.StateLabels`, or, last, the
state hash. :func:`select` picks the nodes a picture shows.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hebbian_brain._core import ArgumentTypeError, Brain, InvalidArgumentError, state_hash
from hebbian_brain.viz._labels import MAX_LABEL, StateLabels, short_text

__all__ = ["RANKS", "BrainGraph", "collect", "select"]

#: How ``rank_by`` may order nodes: the node-table column each name reads.
RANKS = {
    "visits": "activation_count",
    "value": "value",
    "salience": "salience",
    "recent": "last_activated",
}
#: Integer observation spaces up to this size are enumerated to name their states.
ENUMERATE_LIMIT = 1 << 20


@dataclass
class BrainGraph:
    """A brain's tables plus the name, observation and grid cell of each node's state."""

    nodes: dict[str, np.ndarray]
    edges: dict[str, np.ndarray]
    labels: StateLabels
    state_text: list[str]
    observation_text: list[str | None]
    cell: list[tuple[int, int] | None]
    greedy: np.ndarray
    node_count: int
    edge_count: int
    row_of: dict[int, int] = field(default_factory=dict)

    def action_name(self, row: int) -> str:
        """The name of node ``row``'s action."""
        return self.labels.action(int(self.nodes["action"][row]))


def _brain_and_agent(obj: Any) -> tuple[Brain, Any]:
    if isinstance(obj, Brain):
        return obj, None
    brain = getattr(obj, "brain", None)
    if isinstance(brain, Brain):
        return brain, obj
    raise ArgumentTypeError(f"expected a Brain or an Agent, got {type(obj).__name__}")


def _known_observations(agent: Any, hashes: set[int]) -> tuple[dict[int, Any], Any]:
    """State hash -> observation for the states of ``hashes`` an agent can name; discretizer."""
    known: dict[int, Any] = {}
    if agent is None:
        return known, None
    enc = agent._encoder
    memory = getattr(agent, "_state_memory", None)
    stored = {} if memory is None else memory.observations
    if enc.kind == "index":
        start, n = enc.discrete
        keys: Iterable[int] = range(start, start + n) if n <= ENUMERATE_LIMIT else stored.keys()
        for i in keys:
            h = int(state_hash(int(i)))
            if h in hashes:
                known[h] = int(i)
        return known, enc.discretizer
    for h in hashes & stored.keys():
        known[h] = stored[h]
    return known, None


def collect(
    obj: Any,
    *,
    observations: Iterable[Any] | None = None,
    state_label: Callable[[Any], Any] | None = None,
    labels: StateLabels | None = None,
) -> BrainGraph:
    """The graph of a Brain or an Agent's brain with every state named.

    Args:
        obj: A :class:`~hebbian_brain.Brain` or an :class:`~hebbian_brain.Agent`.
        observations: Observations whose states should be named (hashed with
            :func:`~hebbian_brain.state_hash`); needed for a bare Brain to show observations.
        state_label: Called with a state's observation, returns its label (any object: shown
            as ``str``). Overrides the environment's labels.
        labels: The environment's labels (default: the agent's, or generic).
    """
    if state_label is not None and not callable(state_label):
        raise ArgumentTypeError(f"state_label must be callable, got {type(state_label).__name__}")
    brain, agent = _brain_and_agent(obj)
    nodes = brain.nodes()
    edges = brain.edges()
    if labels is None:
        labels = getattr(agent, "_state_labels", None) or StateLabels()
    hashes = [int(h) for h in nodes["state_hash"].tolist()]
    hash_set = set(hashes)
    known, discretizer = _known_observations(agent, hash_set)
    if observations is not None:
        for obs in observations:
            known.setdefault(int(state_hash(obs)), obs)
    cells_seen: dict[int, Any] = {}
    if discretizer is not None:
        cells_seen = agent._state_memory.observations
    text_cache: dict[int, tuple[str, str | None, tuple[int, int] | None]] = {}
    state_text: list[str] = []
    obs_text: list[str | None] = []
    cell: list[tuple[int, int] | None] = []
    for h in hashes:
        if h not in text_cache:
            text_cache[h] = _name(h, known, labels, discretizer, cells_seen, state_label)
        t, o, c = text_cache[h]
        state_text.append(t)
        obs_text.append(o)
        cell.append(c)
    greedy = _greedy_mask(nodes)
    row_of = {int(i): r for r, i in enumerate(nodes["index"].tolist())}
    return BrainGraph(
        nodes,
        edges,
        labels,
        state_text,
        obs_text,
        cell,
        greedy,
        int(brain.node_count),
        int(brain.edge_count),
        row_of,
    )


def _name(
    h: int,
    known: dict[int, Any],
    labels: StateLabels,
    discretizer: Any,
    cells_seen: dict[int, Any],
    state_label: Callable[[Any], Any] | None,
) -> tuple[str, str | None, tuple[int, int] | None]:
    """(label, observation text, grid cell) of the state with hash ``h``."""
    if h not in known:
        return f"state {h:016x}", None, None
    obs = known[h]
    seen = cells_seen.get(obs) if discretizer is not None else None
    if state_label is not None:
        text = _cut(str(state_label(seen if seen is not None else obs)))
    else:
        text = labels.label(obs, discretizer)
    if discretizer is not None:
        obs_text = f"cell {obs}" + ("" if seen is None else f"; first seen: {short_text(seen)}")
    else:
        obs_text = short_text(obs, 200)
    return text, obs_text, labels.position(obs)


def _cut(text: str) -> str:
    lines = text.splitlines() or [""]
    lines = [ln if len(ln) <= MAX_LABEL else ln[: MAX_LABEL - 1] + "…" for ln in lines[:6]]
    return "\n".join(lines)


def _greedy_mask(nodes: dict[str, np.ndarray]) -> np.ndarray:
    """True for each state's best-valued node, as `predict` picks it.

    Values within a relative 1e-12 of the state's best tie, and ties go to the lowest action.
    """
    n = len(nodes["index"])
    mask = np.zeros(n, dtype=bool)
    if n == 0:
        return mask
    states, inverse = np.unique(nodes["state_hash"], return_inverse=True)
    best = np.full(len(states), -np.inf)
    np.maximum.at(best, inverse, nodes["value"])
    top = best[inverse]
    tied = nodes["value"] >= top - 1e-12 * np.maximum(np.abs(top), 1.0)
    order = np.lexsort((nodes["action"], ~tied, inverse))
    first = np.ones(n, dtype=bool)
    first[1:] = inverse[order][1:] != inverse[order][:-1]
    mask[order[first]] = True
    return mask


def select(
    g: BrainGraph,
    *,
    max_nodes: int | None = 150,
    rank_by: str = "visits",
    start: int | None = None,
    around: int | None = None,
    hops: int = 2,
) -> np.ndarray:
    """Rows of the nodes to show (sorted).

    Args:
        g: The graph.
        max_nodes: Most nodes (None: all).
        rank_by: ``"visits"``, ``"value"``, ``"salience"`` or ``"recent"``: which nodes win
            when there are more than ``max_nodes``.
        start: A state hash: show the greedy path from it (each state's best action, then the
            most travelled synapse out of it) and the other actions of the states on it.
        around: A state hash: show its nodes and those up to ``hops`` synapses away.
        hops: Radius of ``around``.
    """
    if not isinstance(rank_by, str) or rank_by not in RANKS:
        raise InvalidArgumentError(
            f"invalid argument `rank_by`: must be one of {sorted(RANKS)}, got {rank_by!r}"
        )
    if max_nodes is not None:
        max_nodes = count_argument("max_nodes", max_nodes, 1)
    hops = count_argument("hops", hops, 0)
    n = len(g.nodes["index"])
    limit = n if max_nodes is None else min(n, int(max_nodes))
    score = g.nodes[RANKS[rank_by]].astype(float)
    if start is not None or around is not None:
        key = start if start is not None else around
        assert key is not None
        rows = np.flatnonzero(g.nodes["state_hash"] == np.uint64(key))
        if rows.size == 0:
            raise InvalidArgumentError(
                f"invalid argument `{'start' if start is not None else 'around'}`: the brain has "
                "no node of that state"
            )
        chosen = _greedy_path(g, rows, limit) if start is not None else _ball(g, rows, hops)
        if len(chosen) > limit:
            # keep the seed state's nodes first, then the best ranked
            seed = set(rows.tolist())
            ordered = sorted(chosen, key=lambda r: (r not in seed, -score[r], r))
            chosen = ordered[:limit]
        return np.array(sorted(chosen), dtype=np.int64)
    if limit >= n:
        return np.arange(n, dtype=np.int64)
    return _grow(g, score, limit)


def _grow(g: BrainGraph, score: np.ndarray, limit: int) -> np.ndarray:
    """The ``limit`` best-ranked nodes, grown as connected pieces.

    From the best node, the best-ranked neighbour of the chosen set is added next (among the
    ``3 * limit`` best), then the best remaining node seeds a new piece: a picture of scattered
    top nodes would have no synapses to show.
    """
    import heapq

    order = np.lexsort((g.nodes["index"], -score)).tolist()
    rank = {r: i for i, r in enumerate(order[: 3 * limit])}
    out, inn = _adjacency(g)
    src, dst = g.edges["source"], g.edges["target"]
    chosen: set[int] = set()
    frontier: list[int] = []
    next_seed = 0
    while len(chosen) < limit:
        if frontier:
            r = order[heapq.heappop(frontier)]
            if r in chosen:
                continue
        else:
            while order[next_seed] in chosen:
                next_seed += 1
            r = order[next_seed]
        chosen.add(r)
        for e in out.get(r, []):
            nb = g.row_of[int(dst[e])]
            if nb in rank and nb not in chosen:
                heapq.heappush(frontier, rank[nb])
        for e in inn.get(r, []):
            nb = g.row_of[int(src[e])]
            if nb in rank and nb not in chosen:
                heapq.heappush(frontier, rank[nb])
    return np.array(sorted(chosen), dtype=np.int64)


def _adjacency(g: BrainGraph) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    out: dict[int, list[int]] = {}
    inn: dict[int, list[int]] = {}
    src, dst = g.edges["source"].tolist(), g.edges["target"].tolist()
    for e, (s, d) in enumerate(zip(src, dst)):
        out.setdefault(g.row_of[s], []).append(e)
        inn.setdefault(g.row_of[d], []).append(e)
    return out, inn


def _greedy_path(g: BrainGraph, rows: np.ndarray, limit: int) -> list[int]:
    out, _ = _adjacency(g)
    by_state: dict[int, list[int]] = {}
    for r, h in enumerate(g.nodes["state_hash"].tolist()):
        by_state.setdefault(h, []).append(r)
    traversals = g.edges["traversal_count"]
    chosen: list[int] = []
    seen_states: set[int] = set()
    state = int(g.nodes["state_hash"][rows[0]])
    while state not in seen_states and len(chosen) < limit:
        seen_states.add(state)
        members = by_state[state]
        chosen.extend(members)
        best = next(r for r in members if g.greedy[r])
        edges = [e for e in out.get(best, []) if g.edges["target"][e] != g.nodes["index"][best]]
        if not edges:
            break
        e = max(edges, key=lambda e: (int(traversals[e]), -int(g.edges["target"][e])))
        state = int(g.nodes["state_hash"][g.row_of[int(g.edges["target"][e])]])
    return chosen


def _ball(g: BrainGraph, rows: np.ndarray, hops: int) -> list[int]:
    out, inn = _adjacency(g)
    dist = {int(r): 0 for r in rows}
    queue = deque(dist)
    while queue:
        r = queue.popleft()
        if dist[r] >= hops:
            continue
        for e in out.get(r, []):
            for nb in (g.row_of[int(g.edges["target"][e])],):
                if nb not in dist:
                    dist[nb] = dist[r] + 1
                    queue.append(nb)
        for e in inn.get(r, []):
            nb = g.row_of[int(g.edges["source"][e])]
            if nb not in dist:
                dist[nb] = dist[r] + 1
                queue.append(nb)
    return list(dist)


def count_argument(name: str, value: Any, minimum: int) -> int:
    """An int argument >= ``minimum`` (``TypeError`` for bools, floats and other non-ints)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ArgumentTypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise InvalidArgumentError(f"invalid argument `{name}`: must be >= {minimum}, got {value}")
    return int(value)


def shown_edges(
    g: BrainGraph, rows: np.ndarray, *, min_weight: float = 0.0, max_edges: int | None = None
) -> np.ndarray:
    """Positions of the synapses joining shown nodes, at least ``min_weight`` strong.

    With ``max_edges``, the most travelled ones (every shown node keeps its most travelled
    synapse out).
    """
    if not math.isfinite(min_weight):
        raise InvalidArgumentError(
            f"invalid argument `min_weight`: must be finite, got {min_weight}"
        )
    if max_edges is not None:
        max_edges = count_argument("max_edges", max_edges, 0)
    shown = np.zeros(len(g.nodes["index"]), dtype=bool)
    shown[rows] = True
    index_shown = set(g.nodes["index"][rows].tolist())
    src, dst = g.edges["source"], g.edges["target"]
    keep = (
        np.array(
            [s in index_shown and d in index_shown for s, d in zip(src.tolist(), dst.tolist())],
            dtype=bool,
        )
        if len(src)
        else np.zeros(0, dtype=bool)
    )
    keep &= g.edges["weight"] >= min_weight
    pos = np.flatnonzero(keep)
    if max_edges is None or len(pos) <= max_edges:
        return pos
    usage = g.edges["traversal_count"][pos].astype(float) + g.edges["weight"][pos]
    order = pos[np.lexsort((pos, -usage))]
    best_out: dict[int, int] = {}
    for e in order.tolist():
        best_out.setdefault(int(src[e]), e)
    chosen = list(dict.fromkeys(list(best_out.values()) + order.tolist()))[
        : max(max_edges, len(best_out))
    ]
    return np.sort(np.array(chosen, dtype=np.int64))
