"""Jupyter display of Brains and Agents (``_repr_html_``): a summary and the viewer.

The viewer page (:func:`~hebbian_brain.viz.brain_html`) is shown in an ``<iframe srcdoc>``, so
its script runs isolated from the notebook; above :data:`NOTEBOOK_VIEWER_LIMIT` nodes only the
summary is shown, with the call that writes the viewer to a file.
"""

from __future__ import annotations

import html
from typing import Any

from hebbian_brain._core import StateError

__all__ = ["NOTEBOOK_VIEWER_LIMIT", "agent_repr_html", "brain_repr_html"]

#: Brains with more nodes are summarised without an embedded viewer.
NOTEBOOK_VIEWER_LIMIT = 5_000


def _summary_table(rows: list[tuple[str, Any]]) -> str:
    cells = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
        f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>"
        for k, v in rows
    )
    return f"<table>{cells}</table>"


def _viewer_frame(obj: Any, node_count: int) -> str:
    if node_count == 0:
        return "<p><i>The brain is empty.</i></p>"
    if node_count > NOTEBOOK_VIEWER_LIMIT:
        return (
            f"<p><i>{node_count} nodes: write the viewer to a file with "
            "<code>hebbian_brain.viz.brain_html(obj, 'brain.html')</code>.</i></p>"
        )
    from hebbian_brain.viz._html import viewer_html

    return _frame(viewer_html(obj, top_k=100))


def _frame(page: str) -> str:
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" '
        'style="width:100%;height:520px;border:1px solid #ccc" '
        'sandbox="allow-scripts"></iframe>'
    )


def brain_repr_html(brain: Any) -> str:
    """The notebook display of a :class:`~hebbian_brain.Brain`."""
    try:
        rows = [
            ("nodes", brain.node_count),
            ("synapses", brain.edge_count),
            ("clock (steps learned)", brain.clock),
            ("episodes", brain.episodes),
        ]
        return (
            "<div><b>hebbian_brain.Brain</b>"
            + _summary_table(rows)
            + _viewer_frame(brain, brain.node_count)
            + "</div>"
        )
    except StateError:
        return "<div><b>hebbian_brain.Brain</b> (in use by another thread)</div>"


def agent_repr_html(agent: Any) -> str:
    """The notebook display of an :class:`~hebbian_brain.Agent`."""
    try:
        b = agent.brain
        rows = [
            ("actions", agent.n_actions),
            ("episodes", agent.history.returns.size),
            ("steps", agent.num_timesteps),
            ("nodes", b.node_count),
            ("synapses", b.edge_count),
        ]
        return (
            "<div><b>hebbian_brain.Agent</b>"
            + _summary_table(rows)
            + _viewer_frame(agent, b.node_count)
            + "</div>"
        )
    except StateError:
        return "<div><b>hebbian_brain.Agent</b> (in use by another thread)</div>"


def experience_repr_html(agent: Any) -> str:
    """The notebook display of an :class:`~hebbian_brain.ExperienceAgent`.

    Its counts and the viewer of its planned nodes (a seeded sample of at most 500).
    """
    try:
        core = agent._core
        rows = [
            ("actions", agent.n_actions),
            ("episodes", agent.history.returns.size),
            ("steps", agent.num_timesteps),
            ("nodes", core.node_count),
            ("planned", core.planned),
        ]
        body = "<p><i>No planned nodes yet (learn, or dream() to plan).</i></p>"
        if core.planned > 0:
            from hebbian_brain.viz._experience_html import experience_html

            body = _frame(str(experience_html(agent, max_nodes=500, top_k=200)))
        return "<div><b>hebbian_brain.ExperienceAgent</b>" + _summary_table(rows) + body + "</div>"
    except StateError:
        return "<div><b>hebbian_brain.ExperienceAgent</b> (in use by another thread)</div>"
