"""Per-episode records of an agent (returns, lengths, dream reports)."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

import numpy as np

from hebbian_brain._core import DreamReport, InvalidArgumentError
from hebbian_brain._validate import path as _path

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EpisodeRecord", "History"]


class EpisodeRecord(NamedTuple):
    """One finished episode: its return, length, whether it terminated, and its dream report."""

    episode_return: float
    length: int
    terminated: bool
    dream: DreamReport | None


#: The record one episode of a history reads as.
R = TypeVar("R")


class EpisodeHistory(Generic[R]):
    """What every agent's ``History`` shares: length, iteration, moving average, repr.

    A subclass is a frozen dataclass (``repr=False``, keeping this repr) with a ``returns``
    array and a ``__getitem__`` giving episode ``i``'s record.
    """

    returns: np.ndarray

    def __len__(self) -> int:
        return int(self.returns.size)

    def __getitem__(self, i: int) -> R:
        raise NotImplementedError

    def __iter__(self) -> Iterator[R]:
        return (self[i] for i in range(len(self)))

    def _moving_average(self, window: int) -> np.ndarray:
        """Mean return over the last ``window`` episodes at each episode (a copy when empty)."""
        if window < 1:
            raise InvalidArgumentError(f"invalid argument `window`: must be >= 1, got {window}")
        r = self.returns
        if r.size == 0:
            return np.array(r, copy=True)
        c = np.cumsum(np.concatenate(([0.0], r)))
        idx = np.arange(1, r.size + 1)
        lo = np.maximum(idx - window, 0)
        averages: np.ndarray = (c[idx] - c[lo]) / (idx - lo)
        return averages

    def __repr__(self) -> str:
        if len(self) == 0:
            return "History(episodes=0)"
        tail = self.returns[-10:].mean()
        return f"History(episodes={len(self)}, mean_return_last_10={tail:.3f})"


@dataclass(frozen=True, repr=False)
class History(EpisodeHistory[EpisodeRecord]):
    """Per-episode records of an agent, oldest first (a snapshot).

    Attributes:
        returns: Undiscounted return of each episode, float64 ``[n]``.
        lengths: Steps of each episode, int64 ``[n]``.
        terminated: Whether each episode reached a terminal state, bool ``[n]``.
        dreams: The :class:`~hebbian_brain.DreamReport` of each episode (the sweeps after its
            frontier-closing steps and the dream that followed it), or None.
    """

    returns: np.ndarray
    lengths: np.ndarray
    terminated: np.ndarray
    dreams: list[DreamReport | None]

    def __getitem__(self, i: int) -> EpisodeRecord:
        return EpisodeRecord(
            float(self.returns[i]), int(self.lengths[i]), bool(self.terminated[i]), self.dreams[i]
        )

    def moving_average(self, window: int = 10) -> np.ndarray:
        """Mean return over the last ``window`` episodes at each episode (shorter at the start)."""
        return np.asarray(self._moving_average(window), dtype=np.float64)

    #: Columns of :meth:`to_dict`, :meth:`to_pandas` and :meth:`to_csv`, in order.
    COLUMNS = (
        "episode",
        "return",
        "length",
        "terminated",
        "dream_walks",
        "dream_steps",
        "dream_synapses_reinforced",
        "dream_synapses_galvanized",
        "dream_creative_edges_created",
        "dream_value_change",
    )

    def to_dict(self) -> dict[str, np.ndarray]:
        """One numpy column per field (see ``COLUMNS``); dream columns are 0 without a dream.

        ``episode`` numbers the episodes from 0 (the oldest kept one: a history cut at
        ``params.history_limit`` starts later).
        """
        n = len(self)
        out: dict[str, np.ndarray] = {
            "episode": np.arange(n, dtype=np.int64),
            "return": self.returns.astype(np.float64, copy=True),
            "length": self.lengths.astype(np.int64, copy=True),
            "terminated": self.terminated.astype(bool, copy=True),
        }
        fields = (
            "walks",
            "steps",
            "synapses_reinforced",
            "synapses_galvanized",
            "creative_edges_created",
        )
        for f in fields:
            out[f"dream_{f}"] = np.array(
                [0 if d is None else getattr(d, f) for d in self.dreams], dtype=np.int64
            )
        out["dream_value_change"] = np.array(
            [0.0 if d is None else d.value_change for d in self.dreams], dtype=np.float64
        )
        return out

    def to_pandas(self) -> pd.DataFrame:
        """The history as a ``pandas.DataFrame``, one row per episode (columns: ``COLUMNS``).

        Raises:
            ImportError: pandas is not installed (``pip install pandas``).
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("History.to_pandas needs pandas: pip install pandas") from None
        return pd.DataFrame(self.to_dict(), columns=list(self.COLUMNS))

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Writes the history as CSV, one row per episode (header: ``COLUMNS``; no pandas)."""
        path = _path("path", path)  # an int would be taken as a file descriptor
        columns = self.to_dict()
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(self.COLUMNS)
            rows: list[list[Any]] = [columns[c].tolist() for c in self.COLUMNS]
            w.writerows(zip(*rows))
