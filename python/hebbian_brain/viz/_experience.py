"""Pictures of an experience graph: the learner of ``Box`` observations (re-exported by ``viz``).

An :class:`~hebbian_brain._core.ExperienceCore` stores every real step as a node
``(x, a, r, x', terminal)`` in observation coordinates; after a rebuild each planned node links,
per action, to the planned nodes nearest its landing point ``x'`` (kernel weights). Three views:

* :func:`experience_networkx`: the planned nodes and their links as a ``networkx.DiGraph``;
* :func:`render_experience`: a picture (PNG, SVG or PDF) of the nodes in a 2-D projection of
  the observation space, coloured by value, one marker per action, each node's strongest link
  as a faint arrow;
* :func:`experience_html`: the interactive viewer (:func:`~hebbian_brain.viz.brain_html`'s page)
  with the nodes fixed at the same projection.

Large graphs are cut to ``max_nodes`` planned nodes by a seeded uniform sample (the same nodes
for the same ``seed``) before any per-node work.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from hebbian_brain._core import ArgumentTypeError, InvalidArgumentError
from hebbian_brain._validate import is_int
from hebbian_brain._validate import path as _path
from hebbian_brain._validate import seed as _seed

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["DEFAULT_EXPERIENCE_NODES", "experience_networkx", "render_experience"]

#: Planned nodes the views keep by default (a seeded uniform sample above it).
DEFAULT_EXPERIENCE_NODES = 2000
#: Node attributes of :func:`experience_networkx` that a dimension name may not take.
RESERVED_ATTRIBUTES = frozenset(
    {"obs", "next_obs", "action", "action_name", "reward", "value", "terminated"}
)
PICTURE_SUFFIXES = (".png", ".svg", ".pdf")
_CORE_API = ("planned", "node_count", "dim", "n_actions", "steps", "node_values", "links", "scale")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">", "p")


@dataclass(frozen=True)
class Snapshot:
    """The kept planned nodes of an experience core, with what every view needs.

    Attributes:
        ids: Kept node ids, ascending (all planned nodes, or a seeded sample).
        total: Planned nodes (the ids are drawn from ``range(total)``).
        stored: Nodes stored (planned ones and steps since the last rebuild).
        observations: ``[planned, dim]`` observations of every planned node (link targets too).
        next_observations: ``[planned, dim]`` landing points.
        actions: ``[planned]`` action of each planned node.
        rewards: ``[planned]`` reward of each planned node.
        terminated: ``[planned]`` whether the step ended the episode.
        values: ``[planned]`` greedy values of the last rebuild.
        scale: Per-dimension scale of the last rebuild.
        dim_names: One name per dimension.
        action_names: One name per action.
    """

    ids: np.ndarray
    total: int
    stored: int
    observations: np.ndarray
    next_observations: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    terminated: np.ndarray
    values: np.ndarray
    scale: np.ndarray
    dim_names: tuple[str, ...]
    action_names: tuple[str, ...]

    @property
    def sampled(self) -> bool:
        """Whether fewer nodes are kept than were planned."""
        return len(self.ids) < self.total

    @property
    def dim(self) -> int:
        """Values per observation."""
        return len(self.dim_names)

    def links(self, core: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(source, target, weight)`` of every link out of the kept nodes (any target)."""
        if len(self.ids) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        src, dst, w = core.links(self.ids.tolist())
        return np.asarray(src), np.asarray(dst), np.asarray(w, dtype=np.float64)


def the_core(obj: Any) -> Any:
    """The ExperienceCore of ``obj``: itself, or the ``_core`` of an agent that holds one.

    Recognised by what the views read (``planned``, ``steps``, ``node_values``, ``links``,
    ``scale``), so a stand-in with the same methods works too.
    """
    for candidate in (obj, getattr(obj, "_core", None)):
        if all(hasattr(candidate, name) for name in _CORE_API):
            return candidate
    raise ArgumentTypeError(
        "expected an ExperienceCore (or an agent holding one), got " + type(obj).__name__
    )


def _names(name: str, given: Sequence[str] | None, count: int, default: str) -> tuple[str, ...]:
    if given is None:
        return tuple(default.format(i) for i in range(count))
    if isinstance(given, (str, bytes)) or not isinstance(given, Sequence):
        raise ArgumentTypeError(f"`{name}` must be a sequence of str, got {type(given).__name__}")
    if len(given) != count:
        raise InvalidArgumentError(
            f"invalid argument `{name}`: needs {count} names, got {len(given)}"
        )
    for item in given:
        if not isinstance(item, str):
            raise ArgumentTypeError(f"`{name}` must hold str, got {type(item).__name__}")
    return tuple(given)


def _max_nodes(max_nodes: int | None) -> int | None:
    if max_nodes is not None and not is_int(max_nodes):
        raise ArgumentTypeError(f"max_nodes must be an int or None, got {type(max_nodes).__name__}")
    if max_nodes is not None and max_nodes < 1:
        raise InvalidArgumentError(f"invalid argument `max_nodes`: must be >= 1, got {max_nodes}")
    return None if max_nodes is None else int(max_nodes)


def snapshot(
    obj: Any,
    *,
    max_nodes: int | None,
    seed: int,
    dim_names: Sequence[str] | None,
    action_names: Sequence[str] | None,
) -> Snapshot:
    """Checks the arguments and reads the core once: the kept node ids first, then the arrays.

    Above ``max_nodes`` planned nodes, ``max_nodes`` of them are drawn uniformly without
    replacement by ``numpy.random.default_rng(seed)`` (in O(max_nodes) work).
    """
    core = the_core(obj)
    cap = _max_nodes(max_nodes)
    seed = _seed(seed) or 0
    # an agent built on a known environment names its dimensions and actions
    labels = getattr(obj, "_state_labels", None)
    known_dims = list(getattr(labels, "dims", None) or ())
    known_acts = list(getattr(labels, "action_names", None) or ())
    if dim_names is None and len(known_dims) == int(core.dim):
        dim_names = known_dims
    if action_names is None and len(known_acts) == int(core.n_actions):
        action_names = known_acts
    dims = _names("dim_names", dim_names, int(core.dim), "x{}")
    acts = _names("action_names", action_names, int(core.n_actions), "{}")
    if len(set(dims)) != len(dims):
        raise InvalidArgumentError("invalid argument `dim_names`: names must differ")
    total = int(core.planned)
    if cap is None or total <= cap:
        ids = np.arange(total, dtype=np.int64)
    else:
        ids = np.sort(np.random.default_rng(seed).choice(total, cap, replace=False))
    obs, actions, rewards, next_obs, terminated = core.steps()
    values = np.asarray(core.node_values(), dtype=np.float64)
    return Snapshot(
        ids=ids.astype(np.int64),
        total=total,
        stored=int(core.node_count),
        observations=np.asarray(obs, dtype=np.float64)[:total],
        next_observations=np.asarray(next_obs, dtype=np.float64)[:total],
        actions=np.asarray(actions, dtype=np.int64)[:total],
        rewards=np.asarray(rewards, dtype=np.float64)[:total],
        terminated=np.asarray(terminated, dtype=bool)[:total],
        values=values[:total],
        scale=np.asarray(core.scale, dtype=np.float64),
        dim_names=dims,
        action_names=acts,
    )


def experience_networkx(
    core: Any,
    *,
    max_nodes: int | None = DEFAULT_EXPERIENCE_NODES,
    seed: int = 0,
    action_names: Sequence[str] | None = None,
    dim_names: Sequence[str] | None = None,
) -> nx.DiGraph[int]:
    """The planned nodes of an experience graph and their links as a ``networkx.DiGraph``.

    Only the nodes the last rebuild planned have values and links, so only they are exported
    (steps stored since then are not). Above ``max_nodes`` planned nodes a uniform sample of
    ``max_nodes`` of them is kept, drawn by ``numpy.random.default_rng(seed)`` (the same nodes
    for the same seed); ``G.graph`` then says ``sampled=True`` and ``total_nodes``.

    Node keys are the core's node ids. Node attributes: ``obs`` and ``next_obs`` (lists of
    floats), ``action`` (int), ``action_name``, ``reward``, ``value`` (greedy value of the last
    rebuild), ``terminated``, and one float attribute per dimension named by ``dim_names``
    (default ``x0``, ``x1``, ...). Edges are the links between kept nodes with their kernel
    ``weight`` and the ``action`` of their target (the action the link stands for).

    Args:
        core: An :class:`~hebbian_brain._core.ExperienceCore` (or an agent holding one).
        max_nodes: Most nodes kept (None: every planned node).
        seed: Seed of the sample.
        action_names: One name per action (default: the action's number).
        dim_names: One name per observation dimension; none may be a node attribute above.

    Returns:
        The graph; ``G.graph`` holds ``total_nodes``, ``sampled``, ``stored_nodes``, ``seed``,
        ``dim``, ``n_actions``, ``scale``, ``dim_names`` and ``action_names``.

    Raises:
        ArgumentTypeError: ``core`` is no ExperienceCore, or a name is not a str.
        InvalidArgumentError: ``max_nodes`` < 1, a wrong number of names, or a dimension name
            that repeats or clashes with a node attribute.
    """
    import networkx as nx

    snap = snapshot(
        core, max_nodes=max_nodes, seed=seed, dim_names=dim_names, action_names=action_names
    )
    clash = RESERVED_ATTRIBUTES.intersection(snap.dim_names)
    if clash:
        raise InvalidArgumentError(
            f"invalid argument `dim_names`: {sorted(clash)} would replace node attributes"
        )
    g: nx.DiGraph[int] = nx.DiGraph()
    g.graph.update(
        total_nodes=snap.total,
        sampled=snap.sampled,
        stored_nodes=snap.stored,
        seed=seed,
        dim=snap.dim,
        n_actions=len(snap.action_names),
        scale=snap.scale.tolist(),
        dim_names=list(snap.dim_names),
        action_names=list(snap.action_names),
    )
    for i in snap.ids.tolist():
        obs = snap.observations[i].tolist()
        a = int(snap.actions[i])
        g.add_node(
            i,
            obs=obs,
            next_obs=snap.next_observations[i].tolist(),
            action=a,
            action_name=snap.action_names[a],
            reward=float(snap.rewards[i]),
            value=float(snap.values[i]),
            terminated=bool(snap.terminated[i]),
            **dict(zip(snap.dim_names, obs)),
        )
    src, dst, w = snap.links(the_core(core))
    keep = np.isin(dst, snap.ids)
    for s, d, wt in zip(src[keep].tolist(), dst[keep].tolist(), w[keep].tolist()):
        g.add_edge(s, d, weight=wt, action=int(snap.actions[d]))
    return g


@dataclass(frozen=True)
class Projection:
    """Where each planned node sits in the picture, and what the axes mean.

    Attributes:
        x: ``[planned]`` horizontal positions.
        y: ``[planned]`` vertical positions.
        xlabel: The horizontal axis's name.
        ylabel: The vertical axis's name.
        note: How the axes were chosen, for the picture's caption.
    """

    x: np.ndarray
    y: np.ndarray
    xlabel: str
    ylabel: str
    note: str


def check_dims(dims: Sequence[int] | None, dim: int) -> tuple[int, ...] | None:
    if dims is None:
        return None
    if isinstance(dims, (str, bytes)) or not isinstance(dims, Sequence):
        raise ArgumentTypeError(f"`dims` must be a sequence of int, got {type(dims).__name__}")
    want = min(2, dim)
    if len(dims) != want or not all(is_int(d) for d in dims):
        raise InvalidArgumentError(f"invalid argument `dims`: needs {want} int(s), got {dims!r}")
    out = tuple(int(d) for d in dims)
    if any(not 0 <= d < dim for d in out) or len(set(out)) != len(out):
        raise InvalidArgumentError(
            f"invalid argument `dims`: needs distinct dimensions in [0, {dim}), got {dims!r}"
        )
    return out


def project(snap: Snapshot, dims: Sequence[int] | None) -> Projection:
    """The 2-D projection of every planned node's observation.

    By default the two dimensions of largest variance after the core's own scaling (its
    per-dimension 2–98 % range, so units do not matter) over the kept nodes, ties to the lower
    index, in index order. A 1-D observation is drawn against the node's value.
    """
    chosen = check_dims(dims, snap.dim)
    obs = snap.observations
    if snap.dim == 1:
        return Projection(obs[:, 0], snap.values, snap.dim_names[0], "value (greedy)", "")
    if chosen is None:
        kept = obs[snap.ids] / snap.scale if len(snap.ids) else obs[:0]
        spread = kept.var(axis=0) if len(kept) > 1 else np.zeros(snap.dim)
        top = np.argsort(-spread, kind="stable")[:2]
        chosen = (int(min(top)), int(max(top)))
        note = "axes: the 2 dimensions of largest scaled variance"
    else:
        note = ""
    i, j = chosen
    return Projection(obs[:, i], obs[:, j], snap.dim_names[i], snap.dim_names[j], note)


def strongest_links(snap: Snapshot, core: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each kept node's heaviest link: ``(source, target, weight)``, one row per source."""
    src, dst, w = snap.links(core)
    if len(src) == 0:
        return src, dst, w
    order = np.lexsort((-w, src))
    first = np.unique(src[order], return_index=True)[1]
    pick = order[first]
    return src[pick], dst[pick], w[pick]


def value_range(values: np.ndarray) -> tuple[float, float, str]:
    """The colour range of ``values``: their 2nd–98th percentile, and matplotlib's ``extend``.

    A few extreme nodes (a failure's low value) then do not wash the others out; values beyond
    the range saturate, which the colorbar's pointed ends show. Values equal up to rounding
    (1e-9 relative: nothing learned yet) get one colour, not their rounding noise stretched.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return -1.0, 1.0, "neither"

    def flat(a: float, b: float) -> bool:
        return b - a <= 1e-9 * max(1.0, abs(a), abs(b))

    lo, hi = (float(v) for v in np.percentile(finite, [2, 98]))
    if flat(lo, hi):
        lo, hi = float(finite.min()), float(finite.max())
    if flat(lo, hi):
        mid = (lo + hi) / 2
        return mid - 0.5, mid + 0.5, "neither"
    below, above = bool(finite.min() < lo), bool(finite.max() > hi)
    extend = {(True, True): "both", (True, False): "min", (False, True): "max"}
    return lo, hi, extend.get((below, above), "neither")


def _caption(snap: Snapshot, title: str | None, note: str = "") -> str:
    counts = f"{snap.total} planned nodes"
    if snap.sampled:
        counts += f", showing {len(snap.ids)} of {snap.total} (seeded sample)"
    if snap.stored > snap.total:
        counts += f"; {snap.stored - snap.total} newer steps not planned yet"
    lines = [title, counts] if title else [f"experience graph: {counts}"]
    return "\n".join(lines + ([note] if note else []))


def _picture_path(path: str | os.PathLike[str]) -> Path:
    out = Path(_path("path", path))
    if out.suffix.lower() not in PICTURE_SUFFIXES:
        raise InvalidArgumentError(
            f"invalid argument `path`: the suffix picks the format, one of "
            f"{', '.join(PICTURE_SUFFIXES)}; got {out.name!r}"
        )
    return out


def _draw_empty(ax: Any, snap: Snapshot) -> None:
    more = f" ({snap.stored} steps stored: call dream() to plan them)" if snap.stored else ""
    ax.text(
        0.5,
        0.5,
        "no planned nodes yet" + more,
        ha="center",
        va="center",
        fontsize=13,
        wrap=True,
        transform=ax.transAxes,
    )
    ax.set_xticks([])
    ax.set_yticks([])


def _draw_links(ax: Any, snap: Snapshot, proj: Projection, core: Any) -> None:
    src, dst, _ = strongest_links(snap, core)
    if len(src) == 0:
        return
    x0, y0 = proj.x[src], proj.y[src]
    # fainter as they get many, so that thousands of arrows do not paint the nodes over
    alpha = float(np.clip(0.3 * np.sqrt(2000.0 / len(src)), 0.04, 0.3))
    ax.quiver(
        x0,
        y0,
        proj.x[dst] - x0,
        proj.y[dst] - y0,
        angles="xy",
        scale_units="xy",
        scale=1.0,
        color="0.25",
        alpha=alpha,
        width=0.0016,
        headwidth=4.5,
        headlength=5.0,
        zorder=1,
    )
    ax.plot([], [], color="0.25", alpha=0.5, linewidth=1.0, label="strongest link of each node")


def _key(ax: Any, marker: str, label: str, face: str = "0.6", edge: str = "0.3") -> None:
    """A legend entry drawn in neutral grey (the fill colour means value, not action)."""
    ax.plot([], [], ls="none", marker=marker, markersize=7, color=face, mec=edge, label=label)


def _draw_nodes(ax: Any, fig: Any, snap: Snapshot, proj: Projection) -> None:
    lo, hi, extend = value_range(snap.values[snap.ids])
    ids, actions = snap.ids, snap.actions[snap.ids]
    # marker area shrinks with the count; dense pictures drop the grey edge (terminal red stays)
    size = float(np.clip(20000.0 / max(len(ids), 1), 3.0, 60.0))
    edge = 0.3 if size >= 8.0 else 0.0
    mappable = None
    for a in np.unique(actions).tolist():
        rows = ids[actions == a]
        named = a < len(_MARKERS)
        mappable = ax.scatter(
            proj.x[rows],
            proj.y[rows],
            c=snap.values[rows],
            cmap="viridis",
            vmin=lo,
            vmax=hi,
            s=size,
            marker=_MARKERS[a] if named else "o",
            edgecolors=np.where(snap.terminated[rows], "#d62728", "0.3"),
            linewidths=np.where(snap.terminated[rows], 1.2, edge),
            zorder=2,
        )
        if named:
            _key(ax, _MARKERS[a], f"action {snap.action_names[a]}")
    if np.any(actions >= len(_MARKERS)):
        _key(ax, "o", f"actions {len(_MARKERS)}+ (circles)")
    if snap.terminated[ids].any():
        _key(ax, "o", "terminal step", face="white", edge="#d62728")
    bar = fig.colorbar(mappable, ax=ax, extend=extend, shrink=0.9)
    bar.set_label("node value (greedy, last rebuild)")


def render_experience(
    core: Any,
    path: str | os.PathLike[str],
    *,
    max_nodes: int | None = DEFAULT_EXPERIENCE_NODES,
    dims: Sequence[int] | None = None,
    seed: int = 0,
    dim_names: Sequence[str] | None = None,
    action_names: Sequence[str] | None = None,
    title: str | None = None,
) -> Path:
    """Draws an experience graph's planned nodes in a 2-D projection; returns the path written.

    Each node sits at its observation's two chosen dimensions (default: the two of largest
    variance after the core's own per-dimension scaling, in index order; a 1-D observation is
    drawn against the node's value). Fill colour is the node's greedy value (viridis, spanning
    the 2nd–98th percentile, colorbar beside), the marker says the action (legend with the
    action names), a red edge marks a terminal step, and a faint arrow goes from each node to
    the target of its heaviest link (near where its step landed), so the arrows trace the flow
    of the dynamics. The title counts the planned nodes and says "showing N of M" when more
    than ``max_nodes`` were planned and a seeded uniform sample is drawn. A core without
    planned nodes gives a picture saying "no planned nodes yet". No window opens.

    Args:
        core: An :class:`~hebbian_brain._core.ExperienceCore` (or an agent holding one).
        path: The file to write; its suffix (``.png``, ``.svg``, ``.pdf``) picks the format.
        max_nodes: Most nodes drawn (None: all).
        dims: The two dimensions to draw (one for a 1-D observation).
        seed: Seed of the sample.
        dim_names: One name per observation dimension, for the axes.
        action_names: One name per action, for the legend.
        title: First line of the title (the counts follow on a second line).

    Returns:
        The path written.

    Raises:
        ArgumentTypeError: ``core`` is no ExperienceCore, or an argument has the wrong type.
        InvalidArgumentError: An unknown suffix, bad ``dims``, ``max_nodes`` < 1 or a wrong
            number of names.
        ImportError: matplotlib is missing (``pip install "hebbian_brain[plot]"``).
    """
    from hebbian_brain.viz._figure import new_figure

    out = _picture_path(path)
    snap = snapshot(
        core, max_nodes=max_nodes, seed=seed, dim_names=dim_names, action_names=action_names
    )
    fig = new_figure((8.6, 6.6), layout="constrained", user="render_experience")
    ax = fig.subplots()
    if len(snap.ids) == 0:
        check_dims(dims, snap.dim)
        _draw_empty(ax, snap)
    else:
        proj = project(snap, dims)
        _draw_links(ax, snap, proj, the_core(core))
        _draw_nodes(ax, fig, snap, proj)
        ax.set_xlabel(proj.xlabel)
        ax.set_ylabel(proj.ylabel)
        ax.grid(alpha=0.25, zorder=0)
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.09),
            ncol=4,
            fontsize=9,
            frameon=False,
            markerscale=1.5,
        )
    ax.set_title(_caption(snap, title, "" if len(snap.ids) == 0 else proj.note), fontsize=11)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    return out
