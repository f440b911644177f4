"""The interactive viewer of any brain: a graph brain's or an ExperienceAgent's.

:func:`brain_html` sends a :class:`~hebbian_brain.Brain` or grid :class:`~hebbian_brain.Agent` to
the graph viewer (:mod:`hebbian_brain.viz._html`) and an experience graph to its own
(:mod:`hebbian_brain.viz._experience_html`), which builds on the first; this module imports both.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hebbian_brain.viz._brain import _is_experience
from hebbian_brain.viz._experience import DEFAULT_EXPERIENCE_NODES
from hebbian_brain.viz._experience_html import experience_html
from hebbian_brain.viz._html import MAX_VIEWER_NODES, graph_html
from hebbian_brain.viz._labels import StateLabels

__all__ = ["brain_html"]


def brain_html(
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
    """Writes an interactive viewer of a brain to ``path`` (one HTML file, no network needed).

    An :class:`~hebbian_brain.ExperienceAgent` (or its graph) gets
    :func:`~hebbian_brain.viz.experience_html` (nodes where its picture puts them).

    The page pans and zooms, finds states by label, shows every field of a node (with its
    observation) or synapse on click, filters by minimum weight and number of nodes, hides
    creative synapses, expands a node's neighbours on double-click and replays the dream walks
    the brain recorded (``brain.record_dream_walks(n)`` before dreaming). Grid worlds keep their
    grid layout. Large brains stay responsive: the page shows the ``top_k`` most visited nodes
    and adds others on demand.

    Args:
        obj: A :class:`~hebbian_brain.Brain` or an :class:`~hebbian_brain.Agent`.
        path: The HTML file to write.
        top_k: Nodes shown when the page opens (a slider changes it).
        max_nodes: Most nodes the file carries (the most visited; None: all).
        state_label: ``state_label(observation) -> str`` names states (see
            :func:`~hebbian_brain.viz.brain_dot`).
        observations: Observations to name the states of a bare Brain.
        labels: :class:`~hebbian_brain.viz.StateLabels` to use instead of the agent's.
        title: The page's title (default: the brain's size).
        replay_ms: Milliseconds per step of the dream replay.

    Returns:
        The path written.
    """
    if _is_experience(obj):
        # the graph viewer's default cap is for grid brains; step-nodes get their own
        small = max_nodes is None or max_nodes < MAX_VIEWER_NODES
        cap = max_nodes if small else DEFAULT_EXPERIENCE_NODES
        return Path(experience_html(obj, path, max_nodes=cap, top_k=top_k, title=title))
    return graph_html(
        obj,
        path,
        top_k=top_k,
        max_nodes=max_nodes,
        state_label=state_label,
        observations=observations,
        labels=labels,
        title=title,
        replay_ms=replay_ms,
    )
