"""DOT text of a readable brain picture: labelled nodes, a legend, grid positions.

What the picture encodes (the legend drawn under it says the same):

* node fill: the node's value on a diverging scale (red below 0, white at 0, blue above),
  with swatches of the scale's values in the legend;
* a thick black border: the state's greedy action (its best-valued node, what the agent does);
* synapse width: weight; synapse darkness: use (traversal count, log scale);
* dashed orange synapses: creative ones (wired by dreams, not yet lived).

On grid worlds every node sits on its cell (the cell's label at its top, its letter's colour
as background), an action's node on the side it moves to; positions are fixed (``neato -n``).
"""

from __future__ import annotations

import html
import math

import numpy as np

from hebbian_brain.viz._graph import BrainGraph

__all__ = ["dot_escape", "picture_dot"]

#: Points per cell of a grid layout (width, height).
CELL = (134.0, 110.0)
#: Gap between neighbouring cells' backgrounds, so synapses between cells stay visible.
CELL_GAP = 16.0
#: Where an action's node sits in its cell, by the action's name (x, y in points; y up).
_SIDE = {
    "left": (-38.0, -8.0),
    "right": (38.0, -8.0),
    "up": (0.0, 12.0),
    "north": (0.0, 12.0),
    "down": (0.0, -28.0),
    "south": (0.0, -28.0),
    "east": (38.0, -8.0),
    "west": (-38.0, -8.0),
}
_CELL_COLOURS = {
    "S": "#d9f0d3",
    "G": "#fee391",
    "H": "#9ecae1",
    "C": "#bdbdbd",
    "#": "#636363",
}
# RdBu, lightened at the ends so that black text stays readable.
_NEG = (214, 96, 77)
_POS = (67, 147, 195)
_FONT = "Helvetica"


def dot_escape(text: str) -> str:
    r"""``text`` made safe inside a double-quoted DOT string.

    Backslashes and quotes are escaped, line breaks become DOT's centred line break, other
    control characters are dropped: any text yields one well-formed quoted string.
    """
    out = []
    for c in str(text):
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif c == "\n":
            out.append("\\n")
        elif c == "\r" or (ord(c) < 32) or 0x7F <= ord(c) < 0xA0:
            continue
        else:
            out.append(c)
    return "".join(out)


def value_colour(value: float, scale: float) -> str:
    """Fill colour of ``value`` on the diverging scale of half-width ``scale``."""
    t = 0.0 if scale <= 0 else max(-1.0, min(1.0, value / scale))
    end = _POS if t >= 0 else _NEG
    a = abs(t)
    rgb = [round(255 + (c - 255) * a) for c in end]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _usage_grey(count: float, top: float) -> str:
    t = 0.0 if top <= 0 else math.log1p(count) / math.log1p(top)
    g = round(180 - 160 * t)
    return f"#{g:02x}{g:02x}{g:02x}"


def colour_scale(values: np.ndarray) -> float:
    """Half-width of the value colour scale: the 90th percentile of |value|.

    A few extreme nodes (a cliff's -100) then do not wash every other colour out; beyond the
    scale colours saturate (the legend's end swatches say so).
    """
    if len(values) == 0:
        return 0.0
    return float(np.percentile(np.abs(values), 90)) or float(np.max(np.abs(values)))


def _legend(scale: float, caption: str, saturated: bool) -> str:
    """An HTML-like table: the value scale's swatches and what width, darkness and dashes mean."""
    cells = []
    for t in (-1.0, -0.5, 0.0, 0.5, 1.0):
        v = t * scale
        text = f"{v:+.3g}"
        if saturated and t == -1.0:
            text = "≤ " + text
        elif saturated and t == 1.0:
            text = "≥ " + text
        cells.append(f'<td bgcolor="{value_colour(v, scale)}" width="56">{html.escape(text)}</td>')
    rows = [
        f'<tr><td colspan="6" align="left"><b>{html.escape(caption)}</b></td></tr>',
        '<tr><td align="left">node value</td>' + "".join(cells) + "</tr>",
        '<tr><td colspan="6" align="left">thick black border: the greedy action of its state'
        "</td></tr>",
        '<tr><td colspan="6" align="left">arrow width: synapse weight; darker: used more'
        "; dashed orange: creative synapse</td></tr>",
    ]
    return (
        '<<table border="0" cellborder="1" cellspacing="0" cellpadding="3">'
        + "".join(rows)
        + "</table>>"
    )


def picture_dot(
    g: BrainGraph,
    rows: np.ndarray,
    edges: np.ndarray,
    *,
    grid: bool,
    show_state_hash: bool = False,
    title: str | None = None,
    size_inches: float | None = None,
) -> str:
    """The DOT text of the nodes ``rows`` and synapses ``edges`` of ``g``."""
    nodes = g.nodes
    values = nodes["value"][rows] if len(rows) else np.zeros(0)
    scale = colour_scale(values)
    saturated = bool(len(values)) and float(np.max(np.abs(values))) > scale
    caption = title or (
        f"hebbian_brain: {g.node_count} nodes, {g.edge_count} synapses"
        + (
            f" (showing {len(rows)} nodes, {len(edges)} synapses)"
            if len(rows) < g.node_count or len(edges) < g.edge_count
            else ""
        )
    )
    out = ["digraph brain {"]
    graph_attrs = [
        f'fontname="{_FONT}"',
        "labelloc=b",
        f"label={_legend(scale, caption, saturated)}",
        'bgcolor="white"',
        "outputorder=edgesfirst",
        "pad=0.3",
    ]
    if size_inches is not None:
        graph_attrs.append(f'size="{size_inches:.2f},{size_inches:.2f}"')
    if grid:
        graph_attrs.append("splines=false")
    else:
        # curved synapses routed around nodes cost much more than the layout on big graphs
        splines = "true" if len(edges) <= 300 else "false"
        graph_attrs += ["overlap=false", 'sep="+8"', f"splines={splines}", "rankdir=LR"]
        graph_attrs.append("nodesep=0.25")
    out.append("  graph [" + ", ".join(graph_attrs) + "];")
    out.append(
        f'  node [shape=box, style="rounded,filled", fontname="{_FONT}", fontsize=10, '
        'margin="0.06,0.03", color="#777777", penwidth=1];'
    )
    out.append('  edge [arrowsize=0.6, color="#888888"];')
    if grid:
        out.extend(_grid_cells(g, rows))
    for r in rows.tolist():
        idx = int(nodes["index"][r])
        action = g.action_name(r)
        value = float(nodes["value"][r])
        if grid:
            text = f"{action}\n{value:+.2f}"
        else:
            text = f"{g.state_text[r]}\n{action}  {value:+.2f}"
        if show_state_hash:
            text += f"\n#{idx} {int(nodes['state_hash'][r]):016x}"
        attrs = [f'label="{dot_escape(text)}"', f'fillcolor="{value_colour(value, scale)}"']
        if g.greedy[r]:
            attrs += ['color="black"', "penwidth=3"]
        if grid and g.cell[r] is not None:
            x, y = _node_point(g, r, action)
            attrs += [
                f'pos="{x:.1f},{y:.1f}!"',
                "fontsize=9",
                'margin="0.02,0.01"',
                "width=0.48",
                "height=0.34",
            ]
        out.append(f"  n{idx} [" + ", ".join(attrs) + "];")
    if len(edges):
        w = g.edges["weight"]
        top = float(g.edges["traversal_count"][edges].max())
        wmin, wmax = float(w[edges].min()), float(w[edges].max())
        for e in edges.tolist():
            s, d = int(g.edges["source"][e]), int(g.edges["target"][e])
            rel = 1.0 if wmax <= wmin else (float(w[e]) - wmin) / (wmax - wmin)
            width = 0.6 + 3.0 * rel
            attrs = [f"penwidth={width:.2f}"]
            if g.edges["is_creative"][e]:
                attrs += ["style=dashed", 'color="#d95f02"']
            else:
                attrs.append(f'color="{_usage_grey(float(g.edges["traversal_count"][e]), top)}"')
            out.append(f"  n{s} -> n{d} [" + ", ".join(attrs) + "];")
    out.append("}")
    return "\n".join(out) + "\n"


def _cell_point(g: BrainGraph, rc: tuple[int, int]) -> tuple[float, float]:
    rows = g.labels.rows or 1
    return rc[1] * CELL[0], (rows - 1 - rc[0]) * CELL[1]


def _node_point(g: BrainGraph, r: int, action: str) -> tuple[float, float]:
    cell = g.cell[r]
    assert cell is not None
    cx, cy = _cell_point(g, cell)
    side = _SIDE.get(action)
    if side is None:
        # no direction in the name: around the cell's centre
        n = max(1, len(g.labels.action_names or ()) or 4)
        a = int(g.nodes["action"][r])
        angle = 2 * math.pi * a / n
        side = (38 * math.cos(angle), -8 + 22 * math.sin(angle))
    return cx + side[0], cy + side[1]


def _grid_cells(g: BrainGraph, rows: np.ndarray) -> list[str]:
    """A background box per grid cell with a shown node or a letter (hole, goal, wall...).

    Each box is labelled with its state.
    """
    out = []
    seen: dict[tuple[int, int], str] = {}
    for r in rows.tolist():
        c = g.cell[r]
        if c is not None and c not in seen:
            seen[c] = g.state_text[r]
    labels = g.labels
    if labels.cells is not None and labels.rows is not None and labels.cols is not None:
        if labels.rows * labels.cols <= 4096:
            for row in range(labels.rows):
                for col in range(labels.cols):
                    if (row, col) not in seen and labels._letter(row, col):
                        seen[(row, col)] = labels.label(row * labels.cols + col)
    for (row, col), text in sorted(seen.items()):
        x, y = _cell_point(g, (row, col))
        letter = g.labels._letter(row, col)
        fill = _CELL_COLOURS.get(letter, "#f0f0f0") + "b0"  # translucent: synapses show through
        fontcolor = "white" if letter == "#" else "black"
        out.append(
            f'  cell_{row}_{col} [label="{dot_escape(text)}", shape=box, style="filled", '
            f'fillcolor="{fill}", color="#d9d9d9", fontcolor="{fontcolor}", fontsize=11, '
            f"labelloc=t, fixedsize=true, width={(CELL[0] - CELL_GAP) / 72:.3f}, "
            f'height={(CELL[1] - CELL_GAP) / 72:.3f}, pos="{x:.1f},{y:.1f}!"];'
        )
    return out


def engine_for(node_count: int, edge_count: int, grid: bool) -> tuple[str, list[str]]:
    """The Graphviz program and flags for a picture.

    Fixed positions on grids; ``dot`` only on small sparse graphs (its layered layout is slow
    on dense ones, and wide); else ``sfdp`` (force-directed, fast, compact) without overlaps.
    """
    if grid:
        return "neato", ["-n2"]
    if node_count <= 60 and edge_count <= 1.5 * node_count:
        return "dot", []
    return "sfdp", []
