"""Per-episode records of an agent (returns, lengths, dream reports)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from hebbian_brain._core import DreamReport, InvalidArgumentError

__all__ = ["EpisodeRecord", "History"]


class EpisodeRecord(NamedTuple):
    """One finished episode: its return, length, whether it terminated, and its dream report."""

    episode_return: float
    length: int
    terminated: bool
    dream: DreamReport | None


@dataclass(frozen=True)
class History:
    """Per-episode records of an agent, oldest first (a snapshot).

    Attributes:
        returns: Undiscounted return of each episode, float64 ``[n]``.
        lengths: Steps of each episode, int64 ``[n]``.
        terminated: Whether each episode reached a terminal state, bool ``[n]``.
        dreams: The :class:`~hebbian_brain.DreamReport` that followed each episode, or None.
    """

    returns: np.ndarray
    lengths: np.ndarray
    terminated: np.ndarray
    dreams: list[DreamReport | None]

    def __len__(self) -> int:
        return int(self.returns.size)

    def __getitem__(self, i: int) -> EpisodeRecord:
        return EpisodeRecord(
            float(self.returns[i]), int(self.lengths[i]), bool(self.terminated[i]), self.dreams[i]
        )

    def __iter__(self) -> Iterator[EpisodeRecord]:
        return (self[i] for i in range(len(self)))

    def moving_average(self, window: int = 10) -> np.ndarray:
        """Mean return over the last ``window`` episodes at each episode (shorter at the start)."""
        if window < 1:
            raise InvalidArgumentError(f"invalid argument `window`: must be >= 1, got {window}")
        r = self.returns
        if r.size == 0:
            return r.copy()
        c = np.cumsum(np.concatenate(([0.0], r)))
        idx = np.arange(1, r.size + 1)
        lo = np.maximum(idx - window, 0)
        return (c[idx] - c[lo]) / (idx - lo)

    def __repr__(self) -> str:
        if len(self) == 0:
            return "History(episodes=0)"
        tail = self.returns[-10:].mean()
        return f"History(episodes={len(self)}, mean_return_last_10={tail:.3f})"
