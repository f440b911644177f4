"""An interactive viewer of a brain: one self-contained HTML file (re-exported by ``viz``).

The page embeds the vendored vis-network library (``_vendor/``, MIT / Apache-2.0) and the
brain's nodes, synapses and recorded dream walks as JSON, so it opens without a network. What a
user can do in it: pan and zoom, find a state by its label, hover or click a node for every
node field and its observation, click a synapse for every synapse field, choose how many nodes
(most visited first) and which minimum weight to show, hide creative synapses, double-click a
node to show its neighbours, and replay the recorded dream walks.

Nothing from the brain reaches the page as markup: the data sits in a JSON script block with
``<``, ``>`` and ``&`` escaped, and the page writes it with ``textContent`` only, so a hostile
state label cannot inject a script.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from hebbian_brain._core import InvalidArgumentError
from hebbian_brain._validate import path as _path
from hebbian_brain.viz._dot import _node_point, colour_scale
from hebbian_brain.viz._graph import BrainGraph, collect, select
from hebbian_brain.viz._labels import StateLabels

__all__ = ["MAX_VIEWER_NODES", "graph_html", "page_html", "viewer_html", "write_page"]

#: Most nodes a viewer file carries (the most visited; the page shows a subset of them).
MAX_VIEWER_NODES = 20_000
_HERE = Path(__file__).parent


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    template = (_HERE / "_viewer.html").read_text(encoding="utf-8")
    vis = (_HERE / "_vendor" / "vis-network.min.js").read_text(encoding="utf-8")
    return template, vis


def _json_for_script(value: Any) -> str:
    """JSON that cannot end its ``<script>`` block or open markup (HTML-safe escapes)."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _node_item(g: BrainGraph, r: int, grid: bool) -> dict[str, Any]:
    """One node of a brain as the page reads it (``x``, ``y`` on grid worlds only)."""
    nd = g.nodes
    x = y = None
    if grid:
        px, py = _node_point(g, r, g.action_name(r))
        x, y = round(px * 2.2, 1), round(-py * 2.2, 1)
    return {
        "id": int(nd["index"][r]),
        "label": g.state_text[r],
        "observation": g.observation_text[r],
        "state_hash": f"{int(nd['state_hash'][r]):016x}",
        "action": g.action_name(r),
        "action_index": int(nd["action"][r]),
        "greedy": bool(g.greedy[r]),
        "value": _finite(nd["value"][r]),
        "visits": int(nd["activation_count"][r]),
        "terminal_count": int(nd["terminal_count"][r]),
        "average_reward": _finite(nd["average_reward"][r]),
        "salience": _finite(nd["salience"][r]),
        "created_at": int(nd["created_at"][r]),
        "last_activated": int(nd["last_activated"][r]),
        "x": x,
        "y": y,
    }


def viewer_html(
    obj: Any,
    *,
    top_k: int = 150,
    max_nodes: int | None = MAX_VIEWER_NODES,
    state_label: Callable[[Any], Any] | None = None,
    observations: Iterable[Any] | None = None,
    labels: StateLabels | None = None,
    title: str | None = None,
    replay_ms: int = 400,
) -> str:
    """The viewer page of a Brain or an Agent as a string (see :func:`brain_html`)."""
    if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 1:
        raise InvalidArgumentError(f"invalid argument `top_k`: must be an int >= 1, got {top_k!r}")
    if isinstance(replay_ms, bool) or not isinstance(replay_ms, (int, np.integer)) or replay_ms < 1:
        raise InvalidArgumentError(
            f"invalid argument `replay_ms`: must be an int >= 1, got {replay_ms!r}"
        )
    g = collect(obj, observations=observations, state_label=state_label, labels=labels)
    rows = select(g, max_nodes=max_nodes, rank_by="visits")
    grid = g.labels.kind == "grid" and all(g.cell[r] is not None for r in rows.tolist())
    nd = g.nodes
    kept = set(nd["index"][rows].tolist())
    node_items = [_node_item(g, r, grid) for r in rows.tolist()]
    ed = g.edges
    edge_items = []
    for e in range(len(ed["source"])):
        s, d = int(ed["source"][e]), int(ed["target"][e])
        if s in kept and d in kept:
            edge_items.append(
                {
                    "source": s,
                    "target": d,
                    "weight": _finite(ed["weight"][e]),
                    "plasticity": _finite(ed["plasticity"][e]),
                    "eligibility_trace": _finite(ed["eligibility_trace"][e]),
                    "traversal_count": int(ed["traversal_count"][e]),
                    "is_creative": bool(ed["is_creative"][e]),
                    "created_at": int(ed["created_at"][e]),
                    "last_activated": int(ed["last_activated"][e]),
                }
            )
    brain = obj if not hasattr(obj, "brain") else obj.brain
    walks = [[int(i) for i in w] for w in brain.dream_walks]
    caption = title or f"hebbian_brain: {g.node_count} nodes, {g.edge_count} synapses"
    data = {
        "title": caption,
        "node_count": g.node_count,
        "edge_count": g.edge_count,
        "grid": grid,
        "scale": colour_scale(nd["value"][rows]),
        "initial_top_k": int(top_k),
        "replay_ms": int(replay_ms),
        "nodes": node_items,
        "edges": edge_items,
        "walks": walks,
    }
    return page_html(data, caption)


def page_html(data: dict[str, Any], caption: str) -> str:
    """The viewer page showing ``data`` (the JSON the page's script reads), titled ``caption``.

    Besides a brain's fields, ``data`` may hold (for other graphs, e.g. the experience graph):
    ``preset`` (nodes stay at their ``x``, ``y``), ``range`` (``[lo, hi]``: a sequential value
    scale instead of the diverging ``scale``), ``words`` (``whole``, ``edges``, ``edge``: what
    the page calls the graph and its edges), ``rank_label``, ``help``, ``search_hint``,
    ``hide`` (ids of controls to hide) and ``edge_keys`` (edge fields shown on click); a node
    may hold ``shape`` (a marker without text), ``border``, ``rank`` (lower is shown first) and
    ``fields`` (the ``[name, value]`` rows shown on click).
    """
    template, vis = _assets()
    # Replaced in an order where no inserted text is searched again.
    head, rest = template.split("__VIS__", 1)
    head = head.replace("__TITLE__", html.escape(caption))
    rest = rest.replace("__DATA__", _json_for_script(data), 1)
    return head + vis + rest


def write_page(path: str | os.PathLike[str], page: str) -> Path:
    """Writes a viewer page to ``path`` (parents created); returns the path."""
    out = Path(_path("path", path))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


def graph_html(
    obj: Any,
    path: str | os.PathLike[str],
    *,
    top_k: int = 150,
    max_nodes: int | None = MAX_VIEWER_NODES,
    state_label: Callable[[Any], Any] | None = None,
    observations: Iterable[Any] | None = None,
    labels: StateLabels | None = None,
    title: str | None = None,
    replay_ms: int = 400,
) -> Path:
    """:func:`~hebbian_brain.viz.brain_html` of a graph brain (a Brain or a grid Agent)."""
    path = _path("path", path)  # checked before the page is built
    page = viewer_html(
        obj,
        top_k=top_k,
        max_nodes=max_nodes,
        state_label=state_label,
        observations=observations,
        labels=labels,
        title=title,
        replay_ms=replay_ms,
    )
    return write_page(path, page)
