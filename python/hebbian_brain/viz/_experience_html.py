"""The interactive viewer of an experience graph (re-exported by :mod:`hebbian_brain.viz`).

It is :func:`~hebbian_brain.viz.brain_html`'s page (:func:`~hebbian_brain.viz._html.page_html`)
filled with the experience graph's planned nodes: each one a marker fixed at the same 2-D
projection :func:`~hebbian_brain.viz.render_experience` draws, its shape the action and its fill
the greedy value; a click shows the step (every observation value, action, reward, value,
landing point); the links between the nodes in the file are drawn as arrows.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, overload

import numpy as np

from hebbian_brain._core import ArgumentTypeError, InvalidArgumentError
from hebbian_brain._validate import is_int
from hebbian_brain._validate import path as _path
from hebbian_brain.viz._experience import (
    DEFAULT_EXPERIENCE_NODES,
    Projection,
    Snapshot,
    check_dims,
    project,
    snapshot,
    the_core,
    value_range,
)
from hebbian_brain.viz._html import _finite, page_html, write_page

__all__ = ["experience_html"]

#: vis-network shapes, one per action (later actions are dots).
_SHAPES = ("dot", "square", "triangle", "diamond", "triangleDown", "star", "hexagon")
_SHAPE_WORDS = ("circle", "square", "triangle", "diamond", "down triangle", "star", "hexagon")
#: Half-width and half-height of the preset layout, in the page's canvas units.
_HALF = (600.0, 420.0)


def _fit(v: np.ndarray, half: float) -> np.ndarray:
    lo, hi = float(v.min()), float(v.max())
    if not hi > lo:
        return np.zeros_like(v)
    return np.asarray((v - lo) / (hi - lo) * 2 * half - half, dtype=np.float64)


def _text(v: Sequence[float]) -> str:
    return "[" + ", ".join(f"{x:.4g}" for x in v) + "]"


def _node_items(snap: Snapshot, proj: Projection, seed: int) -> list[dict[str, Any]]:
    ids = snap.ids
    x = np.round(_fit(proj.x[ids], _HALF[0]), 1) if len(ids) else ids
    y = np.round(-_fit(proj.y[ids], _HALF[1]), 1) if len(ids) else ids
    rank = np.random.default_rng(seed).permutation(len(ids))
    items = []
    for row, i in enumerate(ids.tolist()):
        a = int(snap.actions[i])
        obs = snap.observations[i].tolist()
        fields: list[list[Any]] = [[n, v] for n, v in zip(snap.dim_names, obs)]
        fields += [
            ["action", f"{snap.action_names[a]} ({a})"],
            ["reward", _finite(snap.rewards[i])],
            ["value", _finite(snap.values[i])],
            ["terminated", "yes" if snap.terminated[i] else "no"],
            ["landing point", _text(snap.next_observations[i].tolist())],
        ]
        items.append(
            {
                "id": i,
                "label": f"#{i}",
                "observation": _text(obs),
                "action": snap.action_names[a],
                "value": _finite(snap.values[i]),
                "visits": 0,
                "rank": int(rank[row]),
                "shape": _SHAPES[a] if a < len(_SHAPES) else "dot",
                "border": "#d62728" if snap.terminated[i] else None,
                "x": float(x[row]),
                "y": float(y[row]),
                "fields": fields,
            }
        )
    return items


def _edge_items(snap: Snapshot, core: Any) -> tuple[list[dict[str, Any]], int]:
    """The links between kept nodes, and the number of links out of the kept nodes."""
    src, dst, w = snap.links(core)
    keep = np.isin(dst, snap.ids)
    items = [
        {"source": s, "target": d, "weight": wt, "action": snap.action_names[snap.actions[d]]}
        for s, d, wt in zip(src[keep].tolist(), dst[keep].tolist(), w[keep].tolist())
    ]
    return items, len(src)


def _help(snap: Snapshot, proj: Projection) -> str:
    shapes = ", ".join(
        f"{_SHAPE_WORDS[a]} = {name}" for a, name in enumerate(snap.action_names[: len(_SHAPES)])
    )
    more = "; later actions: circles" if len(snap.action_names) > len(_SHAPES) else ""
    return (
        f"Nodes are steps placed at their observation: across {proj.xlabel}, up {proj.ylabel}. "
        f"Fill: greedy value. Shape: the action ({shapes}{more}). Red border: a terminal step. "
        "Arrows: links to the nodes near where a step landed (width: kernel weight). "
        "Click a node for its step, a link for its weight."
    )


def experience_data(
    snap: Snapshot, core: Any, *, dims: Sequence[int] | None, seed: int, top_k: int, title: str
) -> dict[str, Any]:
    """The JSON the viewer page reads, for the kept nodes of ``snap``."""
    if len(snap.ids):
        proj = project(snap, dims)
    else:
        check_dims(dims, snap.dim)
        proj = Projection(np.zeros(0), np.zeros(0), snap.dim_names[0], "", "")
    nodes = _node_items(snap, proj, seed)
    edges, out_links = _edge_items(snap, core)
    per_node = out_links / len(snap.ids) if len(snap.ids) else 0.0
    lo, hi, _ = value_range(snap.values[snap.ids])
    edge_total = f"≈{round(per_node * snap.total)}" if snap.sampled else out_links
    return {
        "title": title,
        "node_count": snap.total,
        "edge_count": edge_total,
        "grid": False,
        "preset": True,
        "scale": 0.0,
        "range": [lo, hi],
        "words": {"whole": "planned graph", "edges": "links", "edge": "link"},
        "rank_label": "a seeded random sample",
        "help": _help(snap, proj) if len(snap.ids) else "No planned nodes yet: call dream().",
        "hide": ["row-creative", "row-replay"],
        "edge_keys": ["weight", "action"],
        "search_hint": "node #id or observation text, e.g. #12 — Enter",
        "initial_top_k": int(top_k),
        "replay_ms": 400,
        "nodes": nodes,
        "edges": edges,
        "walks": [],
    }


@overload
def experience_html(
    core: Any,
    path: None = None,
    *,
    max_nodes: int | None = ...,
    top_k: int = ...,
    dims: Sequence[int] | None = ...,
    seed: int = ...,
    dim_names: Sequence[str] | None = ...,
    action_names: Sequence[str] | None = ...,
    title: str | None = ...,
) -> str: ...
@overload
def experience_html(
    core: Any,
    path: str | os.PathLike[str],
    *,
    max_nodes: int | None = ...,
    top_k: int = ...,
    dims: Sequence[int] | None = ...,
    seed: int = ...,
    dim_names: Sequence[str] | None = ...,
    action_names: Sequence[str] | None = ...,
    title: str | None = ...,
) -> Path: ...
def experience_html(
    core: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    max_nodes: int | None = DEFAULT_EXPERIENCE_NODES,
    top_k: int = 600,
    dims: Sequence[int] | None = None,
    seed: int = 0,
    dim_names: Sequence[str] | None = None,
    action_names: Sequence[str] | None = None,
    title: str | None = None,
) -> str | Path:
    """The interactive viewer of an experience graph: one self-contained HTML page.

    The viewer of :func:`~hebbian_brain.viz.brain_html` (pan, zoom, search, sliders), with the
    planned nodes fixed where :func:`~hebbian_brain.viz.render_experience` draws them (the same
    ``dims``, ``max_nodes`` and ``seed`` give the same nodes at the same places), the fill
    colour their greedy value on a sequential scale (legend in the side panel), the shape their
    action and a red border for terminal steps. Clicking a node shows its observation (one row
    per dimension), action, reward, value and landing point; clicking a link shows its weight.
    The page first shows ``top_k`` nodes of a seeded random order (a slider shows more).

    Args:
        core: An :class:`~hebbian_brain._core.ExperienceCore` (or an agent holding one).
        path: The HTML file to write; None returns the page as a string.
        max_nodes: Most nodes the file carries (a seeded uniform sample; None: all).
        top_k: Nodes shown when the page opens.
        dims: The two dimensions to place the nodes by (one for a 1-D observation).
        seed: Seed of the sample and of the shown order.
        dim_names: One name per observation dimension.
        action_names: One name per action.
        title: The page's title (default: the node counts).

    Returns:
        The page (``path`` None) or the path written.

    Raises:
        ArgumentTypeError: ``core`` is no ExperienceCore, or an argument has the wrong type.
        InvalidArgumentError: Bad ``dims``, ``max_nodes`` or ``top_k`` < 1, or a wrong number of
            names.
    """
    if path is not None:
        _path("path", path)
    if not is_int(top_k):
        raise ArgumentTypeError(f"top_k must be an int, got {type(top_k).__name__}")
    if top_k < 1:
        raise InvalidArgumentError(f"invalid argument `top_k`: must be >= 1, got {top_k}")
    snap = snapshot(
        core, max_nodes=max_nodes, seed=seed, dim_names=dim_names, action_names=action_names
    )
    counts = f"{snap.total} planned nodes"
    if snap.sampled:
        counts += f", showing {len(snap.ids)} of {snap.total}"
    caption = f"{title} ({counts})" if title else f"experience graph: {counts}"
    data = experience_data(snap, the_core(core), dims=dims, seed=seed, top_k=top_k, title=caption)
    page = page_html(data, caption)
    return page if path is None else write_page(path, page)
