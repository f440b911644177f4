"""Conversion between brains and networkx graphs (networkx is imported only when used)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import networkx as nx

    from hebbian_brain._core import Brain, BrainConfig

NODE_FIELDS = (
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
EDGE_FIELDS = (
    "weight",
    "plasticity",
    "eligibility_trace",
    "created_at",
    "last_activated",
    "traversal_count",
    "is_creative",
)


def to_networkx(brain: Brain) -> nx.DiGraph:
    """Returns a ``networkx.DiGraph`` whose node keys are the brain's node indices.

    Every node and synapse field is an attribute (Python scalars); ``graph.graph`` holds the
    brain's clock and config. Eligibility traces are episode-local learning state: they are
    exported as attributes but ``from_networkx`` starts with none, so convert between episodes
    (after ``end_episode``) for a brain that continues exactly the same way.
    """
    import networkx as nx

    nodes = brain.nodes()
    edges = brain.edges()
    g = nx.DiGraph(clock=brain.clock, episodes=brain.episodes, config=brain.config)
    columns = {f: nodes[f].tolist() for f in NODE_FIELDS}
    for i, index in enumerate(nodes["index"].tolist()):
        g.add_node(index, **{f: columns[f][i] for f in NODE_FIELDS})
    ecolumns = {f: edges[f].tolist() for f in EDGE_FIELDS}
    for i, (s, t) in enumerate(zip(edges["source"].tolist(), edges["target"].tolist())):
        g.add_edge(s, t, **{f: ecolumns[f][i] for f in EDGE_FIELDS})
    return g


def from_networkx(graph: Any, config: BrainConfig | None = None, seed: int | None = None) -> Brain:
    """Builds a brain from a directed networkx graph.

    Node keys must be non-negative ints (they become the node indices); each node needs
    ``state_hash`` and ``action`` attributes. Missing optional attributes default to 0 (weights
    to the config's initial weight). ``config`` defaults to ``graph.graph["config"]`` if present.
    """
    from hebbian_brain._core import Brain, BrainConfig

    if not graph.is_directed():
        raise TypeError("from_networkx needs a directed graph (networkx.DiGraph)")
    if config is None:
        config = graph.graph.get("config")
        if config is not None and not isinstance(config, BrainConfig):
            raise TypeError("graph.graph['config'] must be a BrainConfig")
    keys = list(graph.nodes)
    for k in keys:
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 0:
            raise TypeError(f"node keys must be non-negative ints (brain indices), got {k!r}")
    node_table: dict[str, np.ndarray] = {"index": np.asarray(keys, dtype=np.int64)}
    for field in NODE_FIELDS:
        values = [graph.nodes[k].get(field) for k in keys]
        if field in ("state_hash", "action") and any(v is None for v in values):
            missing = keys[[v is None for v in values].index(True)]
            raise ValueError(f"node {missing} has no {field!r} attribute")
        if any(v is None for v in values):
            continue
        dtype = np.uint64 if field == "state_hash" else None
        node_table[field] = np.asarray(values, dtype=dtype)
    edge_list = list(graph.edges(data=True))
    edge_table: dict[str, np.ndarray] = {
        "source": np.asarray([e[0] for e in edge_list], dtype=np.int64),
        "target": np.asarray([e[1] for e in edge_list], dtype=np.int64),
    }
    for field in EDGE_FIELDS:
        if field == "eligibility_trace":
            continue
        values = [e[2].get(field) for e in edge_list]
        if edge_list and all(v is not None for v in values):
            edge_table[field] = np.asarray(values, dtype=bool if field == "is_creative" else None)
    return Brain.from_tables(node_table, edge_table, config, seed=seed)
