"""Conversion between brains and networkx graphs (networkx is imported only when used)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hebbian_brain._core import ArgumentTypeError

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


def to_networkx(brain: Brain) -> nx.DiGraph[int]:
    """Returns a ``networkx.DiGraph`` whose node keys are the brain's node indices.

    Every node and synapse field is an attribute (Python scalars); ``graph.graph`` holds the
    brain's clock, episode count and config. Eligibility traces are episode-local learning
    state: they are exported as attributes but ``from_networkx`` starts with none, so convert
    between episodes (after ``end_episode``) for a brain that continues the same way.

    What ``from_networkx(to_networkx(brain))`` keeps and loses, exactly:

    * kept bit for bit: node indices (with their holes), every node field, the synapses'
      endpoints, plasticity, creation and activation times, traversal counts and creative
      flags, the clock and the config;
    * weights: exported as float64, decayed to the brain's clock (the value ``brain.synapse``
      reads); the brain stores weights as float32, so a converted weight may differ from the
      original's decayed value by one float32 rounding (at most ``2**-24`` relative, e.g.
      ``3e-8`` on a weight of 0.5);
    * the episode count restarts at 0 (it is in ``graph.graph["episodes"]``);
    * eligibility traces start empty.

    ``save`` / ``load``, ``to_bytes`` and pickling are exact; use them to store a brain.
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


def from_networkx(
    graph: nx.DiGraph[int], config: BrainConfig | None = None, seed: int | None = None
) -> Brain:
    """Builds a brain from a directed networkx graph.

    Node keys must be non-negative ints (they become the node indices); each node needs integer
    ``state_hash`` and ``action`` attributes. A missing optional attribute takes its default for
    that node or edge alone (0; weights the config's initial weight, plasticity 1). ``config``
    defaults to ``graph.graph["config"]`` if present. The clock starts at the latest time any
    node or edge carries; eligibility traces start empty and the episode count at 0; weights
    are stored as float32 (see :func:`to_networkx` for what a round trip keeps).
    """
    from hebbian_brain._core import Brain, BrainConfig

    if not graph.is_directed():
        raise ArgumentTypeError("from_networkx needs a directed graph (networkx.DiGraph)")
    if config is None:
        config = graph.graph.get("config")
        if config is not None and not isinstance(config, BrainConfig):
            raise ArgumentTypeError("graph.graph['config'] must be a BrainConfig")
    keys = list(graph.nodes)
    for k in keys:
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 0:
            raise ArgumentTypeError(
                f"node keys must be non-negative ints (brain indices), got {k!r}"
            )
    node_table: dict[str, np.ndarray] = {"index": np.asarray(keys, dtype=np.int64)}
    for field in NODE_FIELDS:
        values = [graph.nodes[k].get(field) for k in keys]
        if field in ("state_hash", "action"):
            for k, v in zip(keys, values):
                if v is None:
                    raise ValueError(f"node {k} has no {field!r} attribute")
                if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                    raise ArgumentTypeError(f"node {k}: {field} must be an int, got {v!r}")
        # Missing optional attributes take their default per node, not per column.
        default = 0.0 if field in ("average_reward", "salience", "value") else 0
        values = [default if v is None else v for v in values]
        node_table[field] = np.asarray(values, dtype=np.uint64 if field == "state_hash" else None)
    edge_list = list(graph.edges(data=True))
    edge_table: dict[str, np.ndarray] = {
        "source": np.asarray([e[0] for e in edge_list], dtype=np.int64),
        "target": np.asarray([e[1] for e in edge_list], dtype=np.int64),
    }
    init = (config or BrainConfig()).plasticity
    init_weight = min(max(init.initial_weight, init.weight_min), init.weight_max)
    edge_defaults = {
        "weight": init_weight,
        "plasticity": 1.0,
        "created_at": 0,
        "last_activated": 0,
        "traversal_count": 0,
        "is_creative": False,
    }
    for field, default in edge_defaults.items():
        values = [default if e[2].get(field) is None else e[2][field] for e in edge_list]
        edge_table[field] = np.asarray(values, dtype=bool if field == "is_creative" else None)
    return Brain.from_tables(node_table, edge_table, config, seed=seed)
