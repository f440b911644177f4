"""Plots of dynamical systems and weight matrices (re-exported by :mod:`hebbian_brain.viz`).

Every function takes an optional ``ax`` (or figure) and returns what it drew on; nothing is shown
or saved here. The numbers drawn come from :mod:`hebbian_brain.analysis`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from hebbian_brain._measures import nullclines, symmetry_index, vector_field
from hebbian_brain.viz._figure import new_figure

__all__ = ["plot_phase_portrait", "plot_weight_matrices"]


_KIND_STYLE = {
    "stable node": ("o", "black"),
    "stable focus": ("o", "black"),
    "unstable node": ("o", "white"),
    "unstable focus": ("o", "white"),
    "saddle": ("X", "tab:red"),
}


def plot_phase_portrait(
    f: Callable[[np.ndarray], np.ndarray],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    *,
    ax: Any = None,
    fixed_points: Sequence[Any] = (),
    trajectories: Sequence[np.ndarray] = (),
    n: int = 20,
    nullcline_resolution: int = 150,
    labels: tuple[str, str] = ("x", "y"),
) -> Any:
    """Vector field (streamlines), both nullclines, fixed points and trajectories of a 2-D system.

    Args:
        f: the 2-D vector field.
        xlim: x range.
        ylim: y range.
        ax: matplotlib axes (if None, a new standalone ``Figure``, not registered with pyplot:
            save it with ``ax.figure.savefig``).
        fixed_points: :class:`hebbian_brain.analysis.FixedPoint` objects (filled: stable,
            open: unstable, cross: saddle).
        trajectories: ``[T, 2]`` arrays drawn as lines.
        n: streamline grid size.
        nullcline_resolution: grid size for the nullclines.
        labels: axis labels.

    Returns:
        The axes.
    """
    if ax is None:
        ax = new_figure((5, 4.5)).subplots()
    gx, gy, u, v = vector_field(f, xlim, ylim, n=n)
    ax.streamplot(gx, gy, u, v, color="0.7", density=1.0, linewidth=0.7)
    xn, yn = nullclines(f, xlim, ylim, n=nullcline_resolution)
    for segments, colour, name in ((xn, "tab:blue", labels[0]), (yn, "tab:orange", labels[1])):
        for k, seg in enumerate(segments):
            label = f"d{name}/dt = 0" if k == 0 else None
            ax.plot(seg[:, 0], seg[:, 1], color=colour, lw=1.5, label=label)
    for traj in trajectories:
        traj = np.asarray(traj)
        ax.plot(traj[:, 0], traj[:, 1], color="tab:green", lw=1.2)
    for fp in fixed_points:
        marker, face = _KIND_STYLE.get(fp.kind, ("s", "tab:gray"))
        ax.plot(fp.x[0], fp.x[1], marker=marker, ms=9, mfc=face, mec="black", ls="none", zorder=5)
        ax.annotate(fp.kind, fp.x[:2], textcoords="offset points", xytext=(6, 6), fontsize=8)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    if ax.get_legend_handles_labels()[0]:  # no nullcline in view: no (empty) legend
        ax.legend(loc="upper right", fontsize=8)
    return ax


def plot_weight_matrices(
    matrices: Mapping[str, np.ndarray],
    *,
    fig: Any = None,
    order: np.ndarray | None = None,
) -> Any:
    """Heatmaps of weight matrices side by side (shared symmetric colour scale per panel).

    Args:
        matrices: title -> ``[post, pre]`` matrix.
        fig: matplotlib figure (if None, a new standalone ``Figure``, not registered with pyplot).
        order: optional permutation of units applied to rows and columns (e.g. sorted by the
            pattern they prefer), so structure is visible.

    Returns:
        The figure.
    """
    if fig is None:
        fig = new_figure((4 * len(matrices), 3.8))
    axes = fig.subplots(1, len(matrices), squeeze=False)[0]
    for ax, (title, w) in zip(axes, matrices.items(), strict=True):
        w = np.asarray(w)
        if order is not None:
            w = w[np.ix_(order, order)]
        lim = float(np.max(np.abs(w))) or 1.0
        im = ax.imshow(w, cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
        ax.set_title(f"{title}\nsymmetry index {symmetry_index(w):+.2f}", fontsize=10)
        ax.set_xlabel("pre")
        ax.set_ylabel("post")
        fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    return fig
