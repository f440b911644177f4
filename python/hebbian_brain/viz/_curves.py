"""Learning curves of agents with matplotlib (re-exported by :mod:`hebbian_brain.viz`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from hebbian_brain._core import InvalidArgumentError
from hebbian_brain._validate import path as _path
from hebbian_brain.viz._figure import new_figure

__all__ = ["plot_history"]


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
    return np.asarray((c[idx] - c[lo]) / (idx - lo), dtype=np.float64)


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
    if ax is None:
        rows = 3 if details else 1
        fig = new_figure(
            (6.4, 4.0 if rows == 1 else 7.5), layout="constrained", user="plot_history"
        )
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
        path = _path("path", path)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=120)
    return fig
