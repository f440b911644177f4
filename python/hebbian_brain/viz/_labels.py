"""Names of states and actions, so that a picture says *which* state a node is.

:class:`StateLabels` describes how one environment's observations and actions read: grid cells
as ``(row, col)`` (with the cell's letter: ``S`` start, ``H`` hole, ``G`` goal, ``C`` cliff,
``#`` wall), Taxi states decoded into taxi, passenger and destination, discretized ``Box``
cells as the intervals they cover, and action names where the environment has them.
:func:`labels_for` picks one for an environment; an agent built from (or trained in) an
environment keeps it, in its files too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hebbian_brain._core import ArgumentTypeError, InvalidArgumentError

__all__ = ["StateLabels", "labels_for"]

#: Longest label drawn for a state (longer ones are cut with an ellipsis).
MAX_LABEL = 60

_ACTION_NAMES: dict[str, tuple[str, ...]] = {
    "FrozenLakeEnv": ("left", "down", "right", "up"),
    "CliffWalkingEnv": ("up", "right", "down", "left"),
    "TaxiEnv": ("south", "north", "east", "west", "pickup", "dropoff"),
    "CartPoleEnv": ("push left", "push right"),
    "MountainCarEnv": ("push left", "no push", "push right"),
    "AcrobotEnv": ("torque -1", "torque 0", "torque +1"),
    "BlackjackEnv": ("stick", "hit"),
    "LunarLander": ("noop", "left engine", "main engine", "right engine"),
    "GridWorldEnv": ("up", "right", "down", "left"),
    "ChainEnv": ("left", "right"),
    "RiverSwimEnv": ("left", "right"),
}

_DIM_NAMES: dict[str, tuple[str, ...]] = {
    "CartPoleEnv": ("x", "x'", "angle", "angle'"),
    "MountainCarEnv": ("position", "velocity"),
    "AcrobotEnv": ("cos1", "sin1", "cos2", "sin2", "vel1", "vel2"),
}

_TAXI_PLACES = ("R", "G", "Y", "B")


class StateLabels:
    """How an environment's states and actions are named.

    Args:
        kind: ``"grid"`` (integer cell ``row * cols + col``), ``"taxi"`` (Taxi's encoding),
            ``"cells"`` (discretized ``Box`` cells, named by their intervals, see ``dims``) or
            ``"generic"`` (the observation's own short text).
        action_names: One name per action (None: ``a0``, ``a1``, ...).
        rows: Grid rows (``"grid"``).
        cols: Grid columns (``"grid"``).
        cells: One string per grid row giving each cell's letter (``"grid"``, optional).
        dims: Names of the ``Box`` dimensions (``"cells"``, optional).

    Example:
        >>> labels = StateLabels("grid", rows=4, cols=4, cells=["SFFF", "FHFH", "FFFH", "HFFG"])
        >>> labels.label(5), labels.position(5)
        ('(1, 1) H', (1, 1))
    """

    def __init__(
        self,
        kind: str = "generic",
        *,
        action_names: Sequence[str] | None = None,
        rows: int | None = None,
        cols: int | None = None,
        cells: Sequence[str] | None = None,
        dims: Sequence[str] | None = None,
    ) -> None:
        if not isinstance(kind, str) or kind not in ("grid", "taxi", "cells", "generic"):
            raise InvalidArgumentError(
                f"invalid argument `kind`: must be 'grid', 'taxi', 'cells' or 'generic', "
                f"got {kind!r}"
            )
        for name, value in (("rows", rows), ("cols", cols)):
            if value is None and kind != "grid":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidArgumentError(
                    f"invalid argument `{name}`: a grid needs an integer >= 1, got {value!r}"
                )
        self.kind = kind
        self.action_names = _names("action_names", action_names)
        self.rows = rows
        self.cols = cols
        self.cells = _names("cells", cells)
        self.dims = _names("dims", dims)

    # ------------------------------------------------------------------ naming
    def action(self, action: int) -> str:
        """The name of action ``action`` (its index in the brain, from 0)."""
        names = self.action_names
        if names is not None and 0 <= action < len(names):
            return names[action]
        return f"a{action}"

    def label(self, obs: Any, discretizer: Any = None) -> str:
        """A short text for observation ``obs`` (a cell index with ``discretizer``)."""
        if self.kind == "grid" and _is_int(obs):
            rc = self.position(obs)
            if rc is None:
                return f"end ({int(obs)})"
            letter = self._letter(*rc)
            return f"({rc[0]}, {rc[1]})" + (f" {letter}" if letter else "")
        if self.kind == "taxi" and _is_int(obs) and 0 <= int(obs) < 500:
            return _taxi_label(int(obs))
        if discretizer is not None and _is_int(obs):
            return _cell_label(int(obs), discretizer, self.dims)
        return short_text(obs)

    def position(self, obs: Any) -> tuple[int, int] | None:
        """The grid cell ``(row, col)`` of ``obs`` on a grid world, else None."""
        if self.kind != "grid" or not _is_int(obs) or self.rows is None or self.cols is None:
            return None
        i = int(obs)
        if not 0 <= i < self.rows * self.cols:
            return None
        return divmod(i, self.cols)

    def _letter(self, row: int, col: int) -> str:
        if self.cells is None or row >= len(self.cells) or col >= len(self.cells[row]):
            return ""
        c = self.cells[row][col]
        return "" if c in "F. " else c

    # ------------------------------------------------------------------ persistence
    def to_json(self) -> dict[str, Any]:
        """A JSON form (read back by :meth:`from_json`)."""
        return {
            "kind": self.kind,
            "action_names": None if self.action_names is None else list(self.action_names),
            "rows": self.rows,
            "cols": self.cols,
            "cells": None if self.cells is None else list(self.cells),
            "dims": None if self.dims is None else list(self.dims),
        }

    @classmethod
    def from_json(cls, data: Any) -> StateLabels:
        """Labels from :meth:`to_json` output.

        Raises:
            ValueError: ``data`` does not describe labels.
        """
        if not isinstance(data, dict):
            raise ValueError("state labels must be an object")
        kwargs: dict[str, Any] = {}
        for key in ("action_names", "cells", "dims"):
            v = data.get(key)
            if v is not None and not (
                isinstance(v, list) and len(v) <= 1 << 16 and all(isinstance(s, str) for s in v)
            ):
                raise ValueError(f"{key!r} must be a list of strings")
            kwargs[key] = v
        for key in ("rows", "cols"):
            v = data.get(key)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
                raise ValueError(f"{key!r} must be a positive integer")
            kwargs[key] = v
        kind = data.get("kind")
        if not isinstance(kind, str):
            raise ValueError("'kind' must be a string")
        return cls(kind, **kwargs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StateLabels) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash(repr(self))

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.to_json().items() if v is not None)
        return f"StateLabels({fields})"


#: Most names a StateLabels sequence holds (checked before reading it).
MAX_NAMES = 1 << 16


def _names(name: str, values: Sequence[str] | None) -> tuple[str, ...] | None:
    """``values`` as a tuple of strings (None stays None), refused when too long to be names."""
    if values is None:
        return None
    if (
        isinstance(values, (str, bytes))
        or not hasattr(values, "__len__")
        or getattr(values, "ndim", 1) != 1
    ):
        raise ArgumentTypeError(
            f"{name} must be a sequence of strings, got {type(values).__name__}"
        )
    if len(values) > MAX_NAMES:
        raise InvalidArgumentError(
            f"invalid argument `{name}`: {len(values)} entries (at most {MAX_NAMES})"
        )
    return tuple(str(v) for v in values)


def labels_for(env: Any) -> StateLabels:
    """The labels that fit ``env`` (a Gymnasium environment, wrapped or not).

    FrozenLake, CliffWalking, the built-in GridWorld and DeepSea are grids; Taxi is decoded;
    CartPole, MountainCar and Acrobot name their dimensions; anything else is ``"generic"``.
    Known environments name their actions. Never raises: an environment that does not look
    as expected gets generic labels.
    """
    try:
        return _labels_for(env)
    except Exception:  # an env variant with other attributes: generic labels
        return StateLabels("generic")


def _labels_for(env: Any) -> StateLabels:
    u = getattr(env, "unwrapped", env)
    name = type(u).__name__
    actions = _ACTION_NAMES.get(name)
    if name == "FrozenLakeEnv" and getattr(u, "desc", None) is not None:
        desc = np.asarray(u.desc)
        cells = ["".join(_text(c) for c in row) for row in desc]
        return StateLabels(
            "grid", action_names=actions, rows=desc.shape[0], cols=desc.shape[1], cells=cells
        )
    if name == "CliffWalkingEnv":
        rows, cols = (int(s) for s in getattr(u, "shape", (4, 12)))
        cliff = np.asarray(getattr(u, "_cliff", np.zeros((rows, cols), dtype=bool)))
        grid = [["C" if cliff[r, c] else "F" for c in range(cols)] for r in range(rows)]
        grid[rows - 1][0], grid[rows - 1][cols - 1] = "S", "G"
        return StateLabels(
            "grid", action_names=actions, rows=rows, cols=cols, cells=["".join(r) for r in grid]
        )
    if name == "TaxiEnv":
        return StateLabels("taxi", action_names=actions)
    if name == "GridWorldEnv":
        n = int(u.size)
        walls = u.walls
        walls = np.asarray(walls() if callable(walls) else walls)
        grid = [["#" if walls[r, c] else "F" for c in range(n)] for r in range(n)]
        core = getattr(u, "core", None)
        for attr, letter in (("start", "S"), ("goal", "G")):
            cell = getattr(core, attr, None)
            if isinstance(cell, int) and 0 <= cell < n * n:
                grid[cell // n][cell % n] = letter
        return StateLabels(
            "grid", action_names=actions, rows=n, cols=n, cells=["".join(r) for r in grid]
        )
    if name == "DeepSeaEnv":
        n = int(u.size)
        return StateLabels("grid", action_names=("action 0", "action 1"), rows=n, cols=n)
    space = getattr(env, "observation_space", None)
    if type(space).__name__ == "Box":
        dims = _DIM_NAMES.get(name)
        return StateLabels("cells", action_names=actions, dims=dims)
    return StateLabels("generic", action_names=actions)


# ---------------------------------------------------------------------- helpers
def _is_int(obs: Any) -> bool:
    return isinstance(obs, (int, np.integer)) and not isinstance(obs, (bool, np.bool_))


def _text(c: Any) -> str:
    return c.decode("ascii", "replace") if isinstance(c, bytes) else str(c)


def short_text(obs: Any, limit: int = MAX_LABEL) -> str:
    """A short one-line text of any observation (numbers rounded, long text cut)."""
    if isinstance(obs, np.ndarray):
        if obs.dtype.kind == "f":
            text = np.array2string(obs, precision=2, separator=", ", threshold=16)
        else:
            text = np.array2string(obs, separator=", ", threshold=16)
        text = " ".join(text.split())
    elif isinstance(obs, float):
        text = f"{obs:.3g}"
    elif isinstance(obs, tuple):
        text = (
            "("
            + ", ".join(short_text(o, limit) for o in obs)
            + ("," if len(obs) == 1 else "")
            + ")"
        )
    else:
        text = str(obs)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _taxi_label(state: int) -> str:
    # Taxi's encoding: ((taxi_row * 5 + taxi_col) * 5 + passenger) * 4 + destination.
    rest, dest = divmod(state, 4)
    rest, passenger = divmod(rest, 5)
    row, col = divmod(rest, 5)
    where = "in taxi" if passenger == 4 else f"at {_TAXI_PLACES[passenger]}"
    return f"taxi ({row}, {col})\npassenger {where}\nto {_TAXI_PLACES[dest]}"


def _cell_label(cell: int, discretizer: Any, dims: Sequence[str] | None) -> str:
    bins = [int(b) for b in discretizer.bins]
    low = np.asarray(discretizer.low, dtype=float)
    high = np.asarray(discretizer.high, dtype=float)
    if not 0 <= cell < int(discretizer.n):
        return f"cell {cell}"
    index = []
    rest = cell
    for b in reversed(bins):
        rest, i = divmod(rest, b)
        index.append(i)
    index.reverse()
    lines = []
    for d, (i, b) in enumerate(zip(index, bins)):
        name = dims[d] if dims is not None and d < len(dims) else f"x{d}"
        width = (high[d] - low[d]) / b
        lo, hi = low[d] + i * width, low[d] + (i + 1) * width
        if b == 1:
            continue  # one bin: the dimension says nothing
        lo_t, hi_t = _num(lo, width), _num(hi, width)
        if i == 0:
            lines.append(f"{name} < {hi_t}")
        elif i == b - 1:
            lines.append(f"{name} ≥ {lo_t}")
        else:
            lines.append(f"{lo_t} ≤ {name} < {hi_t}")
        if len(lines) == 8 and len(bins) > 8:
            lines.append(f"… ({len(bins)} dims)")
            break
    return "\n".join(lines) if lines else "all states"


def _num(x: float, width: float = 1.0) -> str:
    if abs(x) < 1e-9 * max(abs(width), 1e-300):
        return "0"  # an edge that is 0 up to rounding (e.g. -2.8e-17)
    text = f"{x:.3g}"
    return "0" if text in ("-0", "0") else text
