"""Pictures of a brain's graph through Graphviz (re-exported by :mod:`hebbian_brain.viz`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from hebbian_brain._core import InvalidArgumentError

__all__ = ["DOT_NODE_LIMIT", "brain_dot", "render_brain"]

_TEXT_SUFFIXES = {".dot", ".gv"}
#: Above this many nodes render_brain lays the graph out with ``sfdp`` instead of ``dot``.
DOT_NODE_LIMIT = 400


def brain_dot(brain: Any, *, min_weight: float = 0.0, show_state_hash: bool = False) -> str:
    """The DOT text of a brain (or of an :class:`~hebbian_brain.Agent`'s brain).

    Args:
        brain: A :class:`~hebbian_brain.Brain`, an :class:`~hebbian_brain.Agent`, or DOT text.
        min_weight: Synapses weaker than this are left out.
        show_state_hash: Label nodes with their state hash as well as their action.
    """
    if isinstance(brain, str):
        return brain
    if not np.isfinite(min_weight):
        raise InvalidArgumentError(
            f"invalid argument `min_weight`: must be finite, got {min_weight}"
        )
    to_dot = getattr(brain, "to_dot", None)
    if to_dot is None:
        raise TypeError(f"brain must be a Brain, an Agent or DOT text, got {type(brain).__name__}")
    return str(to_dot(min_weight=min_weight, show_state_hash=show_state_hash))


def render_brain(
    brain: Any,
    path: str | os.PathLike[str],
    *,
    min_weight: float = 0.0,
    show_state_hash: bool = False,
    format: str | None = None,
    engine: str | None = None,
) -> Path:
    """Draws a brain into ``path`` through Graphviz; returns the path written.

    Args:
        brain: A :class:`~hebbian_brain.Brain`, an :class:`~hebbian_brain.Agent`, or DOT text.
        path: Output file. ``.dot`` / ``.gv`` write the DOT text (no Graphviz needed); any
            other suffix (``.png``, ``.svg``, ``.pdf``, ...) is rendered.
        min_weight: Synapses weaker than this are left out (creative synapses are dashed).
        show_state_hash: Label nodes with their state hash too.
        format: Output format; by default the path's suffix.
        engine: Graphviz layout program (``dot``, ``neato``, ``sfdp``, ...). By default ``dot``
            (layered) up to ``DOT_NODE_LIMIT`` nodes and ``sfdp`` (force-directed, much faster on
            large graphs) above.

    Raises:
        ImportError: The ``graphviz`` Python package is missing (``pip install
            "hebbian_brain[graphviz]"``).
        RuntimeError: The Graphviz ``dot`` program is not installed.
    """
    path = Path(path)
    dot = brain_dot(brain, min_weight=min_weight, show_state_hash=show_state_hash)
    fmt = format or path.suffix.lstrip(".").lower()
    if not fmt:
        raise InvalidArgumentError(
            f"invalid argument `path`: {str(path)!r} has no suffix; pass format= (e.g. 'png')"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if f".{fmt}" in _TEXT_SUFFIXES:
        path.write_text(dot)
        return path
    try:
        import graphviz
    except ImportError as err:
        raise ImportError(
            "render_brain needs the graphviz package: pip install 'hebbian_brain[graphviz]'"
        ) from err
    if engine is None:
        nodes = sum(
            1
            for line in dot.splitlines()
            if line.lstrip().startswith("n") and "[" in line and "->" not in line
        )
        engine = "dot" if nodes <= DOT_NODE_LIMIT else "sfdp"
    source = graphviz.Source(dot, engine=engine)
    try:
        data = source.pipe(format=fmt)
    except graphviz.ExecutableNotFound as err:
        raise RuntimeError(
            "render_brain needs the Graphviz programs (`dot`): install Graphviz from your OS "
            "(e.g. apt install graphviz, brew install graphviz), or write a .dot file instead"
        ) from err
    path.write_bytes(data)
    return path
