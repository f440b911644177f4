"""The table a sweep returns."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from hebbian_brain._core import ArgumentTypeError

__all__ = ["SweepResult"]


class SweepResult:
    """The table of a sweep: one row per trial, in grid order (settings, then seeds).

    Each row is a dict with the setting's keyword arguments, ``seed``, and what the trial
    returned: a dict's items as columns, any other value under ``"value"``. With
    ``on_error="record"`` failed trials have an ``"error"`` column (``"Type: message"``) and no
    values.

    Attributes:
        rows: The rows (dicts), in grid order.
        settings: The settings, in grid order.
        seeds: The seeds, in order.
    """

    def __init__(
        self, rows: list[dict[str, Any]], settings: list[dict[str, Any]], seeds: list[int]
    ) -> None:
        self.rows = rows
        self.settings = settings
        self.seeds = seeds

    @property
    def params(self) -> list[str]:
        """Names of the swept keyword arguments, in grid order."""
        names: dict[str, None] = {}
        for s in self.settings:
            names.update(dict.fromkeys(s))
        return list(names)

    @property
    def columns(self) -> list[str]:
        """All column names: settings, ``seed``, then the values (first-seen order)."""
        names: dict[str, None] = dict.fromkeys(self.params)
        names["seed"] = None
        for r in self.rows:
            names.update(dict.fromkeys(r))
        return list(names)

    @property
    def value_columns(self) -> list[str]:
        """The columns that hold what the trials returned (and ``error``, if any failed)."""
        fixed = set(self.params) | {"seed"}
        return [c for c in self.columns if c not in fixed]

    @property
    def errors(self) -> list[dict[str, Any]]:
        """The rows of failed trials (with ``on_error="record"``)."""
        return [r for r in self.rows if r.get("error") is not None]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __getitem__(self, i: int) -> dict[str, Any]:
        return self.rows[i]

    def column(self, name: str) -> list[Any]:
        """One column as a list (None where a row lacks it)."""
        if name not in self.columns:
            raise KeyError(f"no column {name!r}; columns: {self.columns}")
        return [r.get(name) for r in self.rows]

    def to_numpy(self, column: str = "value") -> np.ndarray:
        """A numeric column as float64 ``[n_settings, n_seeds]`` (NaN for failed trials)."""
        values = [np.nan if v is None else v for v in self.column(column)]
        try:
            flat = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise ArgumentTypeError(f"column {column!r} is not numeric") from None
        return flat.reshape(len(self.settings), len(self.seeds))

    def summary(self, column: str | None = None) -> list[dict[str, Any]]:
        """Mean and standard deviation over seeds of numeric columns, one dict per setting.

        Args:
            column: One value column (None: every numeric value column).

        Returns:
            Per setting: its keyword arguments, ``n`` (successful seeds), and
            ``<column>_mean`` / ``<column>_std`` (population std, NaN-ignoring).
        """
        cols = [column] if column is not None else self._numeric_columns()
        tables = {c: self.to_numpy(c) for c in cols}
        out = []
        for k, setting in enumerate(self.settings):
            row: dict[str, Any] = dict(setting)
            ok = [
                r.get("error") is None
                for r in self.rows[k * len(self.seeds) : (k + 1) * len(self.seeds)]
            ]
            row["n"] = int(sum(ok))
            for c, t in tables.items():
                vals = t[k][~np.isnan(t[k])]
                row[f"{c}_mean"] = float(vals.mean()) if vals.size else math.nan
                row[f"{c}_std"] = float(vals.std()) if vals.size else math.nan
            out.append(row)
        return out

    def _numeric_columns(self) -> list[str]:
        numeric = []
        for c in self.value_columns:
            vals = [v for v in self.column(c) if v is not None]
            if vals and all(
                isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                for v in vals
            ):
                numeric.append(c)
        return numeric

    def to_pandas(self) -> Any:
        """The rows as a ``pandas.DataFrame`` (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("SweepResult.to_pandas needs pandas: pip install pandas") from None
        return pd.DataFrame(self.rows, columns=self.columns)

    def format_table(self, max_rows: int = 20) -> str:
        """The rows as a plain-text table (the first ``max_rows``)."""
        cols = self.columns
        shown = self.rows[:max_rows]

        def cell(v: Any) -> str:
            if isinstance(v, (float, np.floating)):
                return f"{v:.4g}"
            return str(v)

        cells = [[cell(r.get(c, "")) for c in cols] for r in shown]
        widths = [max([len(c)] + [len(row[j]) for row in cells]) for j, c in enumerate(cols)]
        lines = ["  ".join(c.rjust(w) for c, w in zip(cols, widths))]
        lines += ["  ".join(v.rjust(w) for v, w in zip(row, widths)) for row in cells]
        if len(self.rows) > max_rows:
            lines.append(f"... {len(self.rows) - max_rows} more rows")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format_table()

    def __repr__(self) -> str:
        failed = len(self.errors)
        return (
            f"SweepResult(trials={len(self.rows)}, settings={len(self.settings)}, "
            f"seeds={len(self.seeds)}, columns={self.columns}"
            + (f", failed={failed}" if failed else "")
            + ")"
        )
