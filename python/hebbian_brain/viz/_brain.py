"""Pictures of a brain's graph through Graphviz (re-exported by :mod:`hebbian_brain.viz`)."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hebbian_brain._core import (
    ArgumentTypeError,
    Brain,
    ExperienceCore,
    ExternalToolError,
    InvalidArgumentError,
    MissingDependencyError,
    state_hash,
)
from hebbian_brain._validate import path as _path
from hebbian_brain.viz._dot import engine_for, picture_dot
from hebbian_brain.viz._graph import collect, select, shown_edges
from hebbian_brain.viz._labels import StateLabels

__all__ = [
    "DEFAULT_MAX_FREE_NODES",
    "DEFAULT_MAX_NODES",
    "DOT_NODE_LIMIT",
    "MAX_PIXELS",
    "brain_dot",
    "render_brain",
]

_TEXT_SUFFIXES = {".dot", ".gv"}
#: Nodes a picture shows by default on a grid world (the best ranked; ``max_nodes=None``: all).
DEFAULT_MAX_NODES = 150
#: Nodes a picture shows by default elsewhere: a free layout needs more room per node.
DEFAULT_MAX_FREE_NODES = 60
#: Above this many nodes (or more than twice as many synapses as nodes, or 60 nodes) a picture
#: is never laid out with the layered ``dot`` program, which is slow on large dense graphs.
DOT_NODE_LIMIT = 60
#: Largest side of a rendered picture in pixels (Graphviz scales a larger layout down).
MAX_PIXELS = 2000
#: Seconds a Graphviz program may run before render_brain gives up.
RENDER_TIMEOUT = 120.0


#: Graphviz's layout programs (``engine=``).
ENGINES = ("dot", "neato", "fdp", "sfdp", "circo", "twopi", "osage", "patchwork")


def state_key(obj: Any, obs: Any) -> int:
    """The state hash of observation ``obs`` as ``obj`` (an Agent or a Brain) keys it."""
    enc = getattr(obj, "_encoder", None)
    if enc is not None and enc.kind == "index":
        return int(state_hash(int(enc.index("observation", obs))))
    if enc is not None:
        return int(enc.hash("observation", obs))
    return int(state_hash(obs))


def brain_dot(
    brain: Any,
    *,
    min_weight: float = 0.0,
    show_state_hash: bool = False,
    max_nodes: int | str | None = "auto",
    rank_by: str = "visits",
    start: Any = None,
    around: Any = None,
    hops: int = 2,
    max_edges: int | None = None,
    state_label: Callable[[Any], Any] | None = None,
    observations: Iterable[Any] | None = None,
    labels: StateLabels | None = None,
    layout: str = "auto",
) -> str:
    """The DOT text of a readable picture of a brain (or of an Agent's brain).

    Nodes are labelled with their state (the observation the agent kept, named by the
    environment's :class:`StateLabels` or your ``state_label``), their action's name and their
    value; fill colour is the value (a legend shows the scale), a thick border marks each state's
    greedy action, synapse width is the weight and darkness the use, creative synapses are
    dashed. Grid worlds get fixed positions on their grid.

    Args:
        brain: A :class:`~hebbian_brain.Brain`, an :class:`~hebbian_brain.Agent`, or DOT text
            (returned as is).
        min_weight: Synapses weaker than this are left out.
        show_state_hash: Add each node's index and state hash to its label.
        max_nodes: Most nodes shown (None: all). ``"auto"`` keeps pictures readable:
            :data:`DEFAULT_MAX_NODES` on grid worlds, ``DEFAULT_MAX_FREE_NODES`` (60) otherwise.
        rank_by: Which nodes win when there are more: ``"visits"``, ``"value"``,
            ``"salience"`` or ``"recent"``.
        start: An observation: show the greedy path from its state (and the other actions of
            the states on it) instead of the top-ranked nodes.
        around: An observation: show its state's nodes and their neighbourhood.
        hops: Radius of ``around`` in synapses.
        max_edges: Most synapses drawn (the most used; None: ``4 * max_nodes`` on grids,
            ``2 * max_nodes`` otherwise).
        state_label: ``state_label(observation) -> str`` names states (overrides the
            environment's labels).
        observations: Observations to name the states of a bare Brain (or states an agent did
            not keep).
        labels: :class:`StateLabels` to use instead of the agent's.
        layout: ``"auto"`` (grid positions on grid worlds, else a layout without overlaps),
            ``"grid"`` or ``"free"``.

    Raises:
        InvalidArgumentError: A NaN ``min_weight``, an unknown ``rank_by`` or ``layout``,
            ``max_nodes < 1``, or a ``start``/``around`` state the brain does not have.
        TypeError: ``brain`` is not a Brain, an Agent or a string.
    """
    if isinstance(brain, str):
        return brain
    return _picture(
        brain,
        min_weight=min_weight,
        show_state_hash=show_state_hash,
        max_nodes=max_nodes,
        rank_by=rank_by,
        start=start,
        around=around,
        hops=hops,
        max_edges=max_edges,
        state_label=state_label,
        observations=observations,
        labels=labels,
        layout=layout,
    )[0]


def _picture(
    brain: Any,
    *,
    layout: str,
    min_weight: float,
    max_edges: int | None,
    show_state_hash: bool,
    size_inches: float | None = None,
    **select_args: Any,
) -> tuple[str, str, list[str]]:
    """(DOT text, engine, engine flags)."""
    if not isinstance(min_weight, (int, float)) or not math.isfinite(min_weight):
        raise InvalidArgumentError(
            f"invalid argument `min_weight`: must be finite, got {min_weight}"
        )
    if not isinstance(layout, str) or layout not in ("auto", "grid", "free"):
        raise InvalidArgumentError(
            f"invalid argument `layout`: must be 'auto', 'grid' or 'free', got {layout!r}"
        )
    if not isinstance(brain, Brain) and not isinstance(getattr(brain, "brain", None), Brain):
        raise ArgumentTypeError(
            f"brain must be a Brain, an Agent or DOT text, got {type(brain).__name__}"
        )
    g = collect(
        brain,
        observations=select_args.pop("observations"),
        state_label=select_args.pop("state_label"),
        labels=select_args.pop("labels"),
    )
    grid_world = g.labels.kind == "grid"
    limit = select_args.pop("max_nodes")
    if isinstance(limit, str) and limit == "auto":
        limit = DEFAULT_MAX_NODES if grid_world else DEFAULT_MAX_FREE_NODES
    elif limit is not None and (isinstance(limit, (bool, str)) or not isinstance(limit, int)):
        raise InvalidArgumentError(
            f"invalid argument `max_nodes`: must be an int >= 1, 'auto' or None, got {limit!r}"
        )
    start, around = select_args.pop("start"), select_args.pop("around")
    rows = select(
        g,
        max_nodes=limit,
        start=None if start is None else state_key(brain, start),
        around=None if around is None else state_key(brain, around),
        **select_args,
    )
    if max_edges is None and limit is not None:
        max_edges = (4 if grid_world else 2) * int(limit)
    edges = shown_edges(g, rows, min_weight=min_weight, max_edges=max_edges)
    if min_weight > 0 and len(rows):
        # only the nodes the remaining synapses join (or nodes without any synapse at all)
        joined = set(g.edges["source"][edges].tolist()) | set(g.edges["target"][edges].tolist())
        rows = rows[[int(g.nodes["index"][r]) in joined for r in rows.tolist()]]
    on_grid = g.labels.kind == "grid" and all(g.cell[r] is not None for r in rows.tolist())
    if layout == "grid" and not on_grid:
        raise InvalidArgumentError(
            "invalid argument `layout`: 'grid' needs grid-world labels and every shown state "
            "named by its cell"
        )
    grid = on_grid and layout != "free" and len(rows) > 0
    dot = picture_dot(
        g, rows, edges, grid=grid, show_state_hash=show_state_hash, size_inches=size_inches
    )
    engine, flags = engine_for(len(rows), len(edges), grid)
    return dot, engine, flags


def render_brain(
    brain: Any,
    path: str | os.PathLike[str],
    *,
    min_weight: float = 0.0,
    show_state_hash: bool = False,
    format: str | None = None,
    engine: str | None = None,
    max_nodes: int | str | None = "auto",
    rank_by: str = "visits",
    start: Any = None,
    around: Any = None,
    hops: int = 2,
    max_edges: int | None = None,
    state_label: Callable[[Any], Any] | None = None,
    observations: Iterable[Any] | None = None,
    labels: StateLabels | None = None,
    layout: str = "auto",
) -> Path:
    """Draws a brain into ``path`` through Graphviz; returns the path written.

    The picture is the one :func:`brain_dot` describes, at most :data:`MAX_PIXELS` pixels a side.
    An :class:`~hebbian_brain.ExperienceAgent` (or its graph) is drawn by
    :func:`~hebbian_brain.viz.render_experience` instead (``max_nodes`` passed on when it is a
    number or None; the graph-only arguments must keep their defaults).

    Args:
        brain: A :class:`~hebbian_brain.Brain`, an :class:`~hebbian_brain.Agent`, or DOT text.
        path: Output file. ``.dot`` / ``.gv`` write the DOT text (no Graphviz needed); any
            other suffix (``.png``, ``.svg``, ``.pdf``, ...) is rendered.
        min_weight: Synapses weaker than this are left out (creative synapses are dashed).
        show_state_hash: Label nodes with their index and state hash too.
        format: Output format; by default the path's suffix.
        engine: Graphviz layout program (``dot``, ``neato``, ``sfdp``, ...). By default fixed
            positions (``neato -n2``) on grid worlds, ``dot`` on small sparse graphs, ``sfdp``
            without overlaps otherwise (never ``dot`` on a large dense graph).
        max_nodes: Most nodes shown (None: all); see :func:`brain_dot` for this and the other
            selection and naming arguments.
        rank_by: See :func:`brain_dot`.
        start: See :func:`brain_dot`.
        around: See :func:`brain_dot`.
        hops: See :func:`brain_dot`.
        max_edges: See :func:`brain_dot`.
        state_label: See :func:`brain_dot`.
        observations: See :func:`brain_dot`.
        labels: See :func:`brain_dot`.
        layout: See :func:`brain_dot`.

    Raises:
        InvalidArgumentError: An unknown ``engine``, or a ``format`` Graphviz does not know.
        MissingDependencyError: The Graphviz program (``dot``, or ``engine``) is not installed
            (a ``RuntimeError``).
        ExternalToolError: Graphviz failed or took more than ``RENDER_TIMEOUT`` seconds (a
            ``RuntimeError``).
    """
    if _is_experience(brain):
        return _render_experience(brain, path, max_nodes, format, engine, labels, state_label)

    path = Path(_path("path", path))
    if engine is not None and (not isinstance(engine, str) or engine not in ENGINES):
        raise InvalidArgumentError(
            f"invalid argument `engine`: must be one of {', '.join(ENGINES)}, got {engine!r}"
        )
    if format is not None and not isinstance(format, str):
        raise ArgumentTypeError(f"format must be a string, got {type(format).__name__}")
    fmt = format or path.suffix.lstrip(".").lower()
    if not fmt:
        raise InvalidArgumentError(
            f"invalid argument `path`: {str(path)!r} has no suffix; pass format= (e.g. 'png')"
        )
    if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", fmt):
        # Graphviz's -T formats are short words ("png", "svg:cairo"); anything else (a NUL byte,
        # spaces, a path) would reach the command line.
        raise InvalidArgumentError(f"invalid argument `format`: not a Graphviz format: {fmt!r}")
    flags: list[str]
    if isinstance(brain, str):
        dot, auto_engine, flags = brain, "dot", []
    else:
        dot, auto_engine, flags = _picture(
            brain,
            min_weight=min_weight,
            show_state_hash=show_state_hash,
            max_nodes=max_nodes,
            rank_by=rank_by,
            start=start,
            around=around,
            hops=hops,
            max_edges=max_edges,
            state_label=state_label,
            observations=observations,
            labels=labels,
            layout=layout,
            size_inches=MAX_PIXELS / 96.0,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if f".{fmt}" in _TEXT_SUFFIXES:
        path.write_text(dot)
        return path
    if engine is not None:
        auto_engine, flags = engine, ["-n2"] if engine == "neato" and 'pos="' in dot else []
    program = shutil.which(auto_engine)
    if program is None:
        raise MissingDependencyError(
            f"render_brain needs the Graphviz programs (`{auto_engine}`): install Graphviz from "
            "your OS (e.g. apt install graphviz, brew install graphviz), or write a .dot file "
            "instead"
        )
    try:
        done = subprocess.run(
            [program, *flags, f"-T{fmt}"],
            input=dot.encode("utf-8"),
            capture_output=True,
            timeout=RENDER_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExternalToolError(
            f"Graphviz `{auto_engine}` took more than {RENDER_TIMEOUT:.0f} s; show fewer nodes "
            "(max_nodes=...) or write a .dot file"
        ) from None
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip()[:500]
        if "not recognized" in message:  # Graphviz's answer to an unknown -T format
            raise InvalidArgumentError(f"invalid argument `format`: {fmt!r}: {message}")
        raise ExternalToolError(f"Graphviz `{auto_engine}` failed: {message}")
    path.write_bytes(done.stdout)
    return path


def _is_experience(obj: Any) -> bool:
    """Whether ``obj`` is an experience graph or an agent holding one."""
    core = getattr(obj, "_core", None)
    return isinstance(obj, ExperienceCore) or isinstance(core, ExperienceCore)


def _render_experience(
    obj: Any, path: Any, max_nodes: Any, format: Any, engine: Any, labels: Any, label: Any
) -> Path:
    """``render_brain`` of an experience graph: :func:`render_experience` (a picture by path)."""
    from hebbian_brain.viz._experience import DEFAULT_EXPERIENCE_NODES, render_experience

    if format is not None or engine is not None or labels is not None or label is not None:
        raise ArgumentTypeError(
            "an experience graph is drawn by viz.render_experience: format, engine, labels and "
            "state_label do not apply (the picture's format is the path's suffix)"
        )
    cap = max_nodes if max_nodes is None or isinstance(max_nodes, int) else DEFAULT_EXPERIENCE_NODES
    return render_experience(obj, path, max_nodes=cap)
