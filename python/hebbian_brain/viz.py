"""Pictures of brains and learning curves, usable headless.

* :func:`render_brain` draws a brain's graph through Graphviz (the ``graphviz`` extra plus the
  ``dot`` program from the OS, e.g. ``apt install graphviz``); a ``.dot``/``.gv`` path just
  writes the DOT text.
* :func:`plot_history` draws an agent's returns per episode with matplotlib (the ``plot``
  extra); it never opens a window.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from hebbian_brain._core import InvalidArgumentError

__all__ = ["brain_dot", "plot_history", "render_brain"]

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


def _returns_of(history: Any) -> np.ndarray:
    h = getattr(history, "history", history)  # an Agent
    returns = getattr(h, "returns", h)  # a History
    arr = np.asarray(returns, dtype=np.float64)
    if arr.ndim != 1:
        raise InvalidArgumentError(
            f"invalid argument `history`: expected one return per episode, got shape {arr.shape}"
        )
    return arr


def _smooth(values: np.ndarray, window: int) -> np.ndarray:
    c = np.cumsum(np.concatenate(([0.0], values)))
    idx = np.arange(1, values.size + 1)
    lo = np.maximum(idx - window, 0)
    return (c[idx] - c[lo]) / (idx - lo)


def _draw(ax: Any, values: np.ndarray, window: int, ylabel: str, label: str | None) -> None:
    episodes = np.arange(1, values.size + 1)
    line = ax.plot(episodes, values, alpha=0.3, linewidth=0.8)[0]
    if values.size:
        ax.plot(
            episodes,
            _smooth(values, window),
            color=line.get_color(),
            linewidth=2.0,
            label=label or f"mean of last {window}",
        )
        ax.legend(loc="best")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)


def plot_history(
    history: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    window: int = 10,
    ax: Any = None,
    title: str | None = None,
    label: str | None = None,
    details: bool | None = None,
) -> Any:
    """Plots an agent's learning curve; returns the matplotlib Figure (never opens a window).

    The top panel shows the return of each episode and its moving average. With ``details``
    (the default for an Agent or a History drawn into a new figure) two more panels show the
    episode lengths and the value change of the dream after each episode.

    Args:
        history: An :class:`~hebbian_brain.Agent`, its :class:`~hebbian_brain.History`, or a
            sequence of returns.
        path: Save the figure there (format from the suffix) when given.
        window: Episodes in the moving averages.
        ax: Draw the returns into this matplotlib Axes instead of a new figure (no details).
        title: Title of the top panel.
        label: Legend label of the moving average (for several curves in one Axes).
        details: Add the length and dream panels (None: when the history has them and no
            ``ax`` was given).

    Raises:
        ImportError: matplotlib is missing (``pip install "hebbian_brain[plot]"``).
    """
    if not isinstance(window, (int, np.integer)) or window < 1:
        raise InvalidArgumentError(f"invalid argument `window`: must be >= 1, got {window!r}")
    returns = _returns_of(history)
    h = getattr(history, "history", history)
    has_details = hasattr(h, "lengths") and hasattr(h, "dreams")
    if details is None:
        details = has_details and ax is None
    if details and not has_details:
        raise InvalidArgumentError(
            "invalid argument `details`: needs an Agent or a History (lengths and dreams)"
        )
    if details and ax is not None:
        raise InvalidArgumentError("invalid argument `details`: cannot draw details into one `ax`")
    try:
        from matplotlib.figure import Figure
    except ImportError as err:
        raise ImportError(
            "plot_history needs matplotlib: pip install 'hebbian_brain[plot]'"
        ) from err
    if ax is None:
        rows = 3 if details else 1
        fig = Figure(figsize=(6.4, 4.0 if rows == 1 else 7.5), layout="constrained")
        axes = fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
        ax = axes[0]
    else:
        fig, axes = ax.figure, [ax]
    _draw(ax, returns, window, "return", label)
    ax.set_title(title or "learning curve")
    if details:
        _draw(axes[1], np.asarray(h.lengths, dtype=np.float64), window, "steps", None)
        change = np.array(
            [np.nan if d is None else d.value_change for d in h.dreams], dtype=np.float64
        )
        axes[2].plot(np.arange(1, change.size + 1), change, linewidth=1.0)
        axes[2].set_ylabel("dream |ΔV|")
        axes[2].set_yscale("symlog", linthresh=1e-3)
        axes[2].grid(alpha=0.3)
    axes[-1].set_xlabel("episode")
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(os.fspath(path), dpi=120)
    return fig
