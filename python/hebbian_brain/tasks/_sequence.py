"""Sequence tasks for the dense plastic networks.

* :class:`SequenceGenerationTask`: the local-rules study. Training trials clamp the network to an
  ordered sequence of random ±1 patterns; a recall trial gives only a cue (the first pattern),
  then the network must replay the rest, in order, by itself. :meth:`~SequenceGenerationTask.score`
  measures ordered recall from the overlaps of the activity with each pattern.
* :class:`SequencePredictionTask`: the toy task of the neuromodulated Hebbian RNN. A noisy stream
  of symbols mostly follows a fixed cycle; the network predicts the next symbol; a modulatory
  reward signal is 1 on transitions that follow the cycle and 0 on random (distractor) ones.

Trials are plain numpy (:class:`SequenceTrial`), so trials from other suites can be used too.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from hebbian_brain import _validate
from hebbian_brain._core import (
    ArgumentTypeError,
    InvalidArgumentError,
    InvalidConfigError,
    ShapeError,
)

__all__ = [
    "RecallScore",
    "SequenceGenerationTask",
    "SequencePredictionTask",
    "SequenceTrial",
    "ordered_recall_score",
    "pattern_overlaps",
]


@dataclass(frozen=True)
class SequenceTrial:
    """One trial as plain arrays.

    Attributes:
        inputs: ``[T, n_inputs]`` network input.
        targets: ``[T, n_outputs]`` desired output (or reference activity).
        mask: ``[T]`` booleans, True on the steps that are scored.
        modulation: ``[T]`` neuromodulatory signal (1 where learning is allowed/rewarded).
        condition: an integer id of the trial's condition (e.g. its start symbol).
    """

    inputs: np.ndarray
    targets: np.ndarray
    mask: np.ndarray
    modulation: np.ndarray
    condition: int


@dataclass(frozen=True)
class RecallScore:
    """How well a run replayed an ordered sequence.

    Attributes:
        score: fraction of the patterns after the cue (1 .. K-1) recalled in order: the length
            of the longest prefix whose onsets are strictly increasing, divided by ``K - 1``.
        onset_times: ``[K]`` first step at which each overlap reached the threshold (-1: never).
        peak_overlaps: ``[K]`` the largest overlap reached by each pattern.
        in_order: True when every pattern was recalled and in the right order (``score == 1``).
    """

    score: float
    onset_times: np.ndarray
    peak_overlaps: np.ndarray
    in_order: bool


def _require(condition: bool, field: str, reason: str) -> None:
    if not condition:
        raise InvalidConfigError(f"invalid value for `{field}`: {reason}")


def _int_at_least(field: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ArgumentTypeError(f"`{field}` must be an int, got {type(value).__name__}")
    _require(int(value) >= minimum, field, f"must be >= {minimum}, got {value}")
    _require(
        int(value) <= _validate.MAX_ELEMENTS,
        field,
        f"must be <= {_validate.MAX_ELEMENTS}, got {value}",
    )
    return int(value)


def _finite_at_least(field: str, value: float, minimum: float) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.number)):
        raise ArgumentTypeError(f"`{field}` must be a real number, got {type(value).__name__}")
    try:
        value = float(value)
    except (TypeError, ValueError, OverflowError):  # a complex numpy scalar, an int beyond floats
        raise InvalidConfigError(
            f"invalid value for `{field}`: must be a finite real number, got {value!r}"
        ) from None
    _require(np.isfinite(value) and value >= minimum, field, f"must be finite and >= {minimum}")
    return value


def pattern_overlaps(states: np.ndarray, patterns: np.ndarray) -> np.ndarray:
    """Overlap ``m_k(t) = p_k · r(t) / n`` of the activity with each pattern.

    Args:
        states: ``[T, n]`` activity (rates).
        patterns: ``[K, n]`` patterns (±1 entries give overlaps in [-1, 1] for rates in [-1, 1]).

    Returns:
        ``[T, K]`` overlaps.
    """
    states = np.asarray(states, dtype=np.float64)
    patterns = np.asarray(patterns, dtype=np.float64)
    if states.ndim != 2 or patterns.ndim != 2 or states.shape[1] != patterns.shape[1]:
        raise ShapeError(
            "shape mismatch for `states`: expected [T, n] with n = patterns.shape[1] "
            f"({patterns.shape}), got {states.shape}"
        )
    if not np.all(np.isfinite(states)):
        raise InvalidArgumentError("invalid argument `states`: must be finite")
    return np.asarray(states @ patterns.T / patterns.shape[1], dtype=np.float64)


def ordered_recall_score(
    overlaps: np.ndarray, *, threshold: float = 0.5, start: int = 0
) -> RecallScore:
    """Scores ordered recall from overlaps ``[T, K]`` (pattern 0 is the cue).

    A pattern is recalled at its *onset*, the first step ``t >= start`` at which its overlap
    reaches ``threshold``. The score is the number of patterns 1, 2, ... recalled with strictly
    increasing onsets (after the cue's onset), stopping at the first miss, over ``K - 1``.

    Args:
        overlaps: ``[T, K]`` overlaps, e.g. from :func:`pattern_overlaps`.
        threshold: overlap that counts as recall, in (0, 1].
        start: first step considered, in ``[0, T)``.

    Returns:
        A :class:`RecallScore`.

    Raises:
        ShapeError: ``overlaps`` is not ``[T >= 1, K >= 2]``.
        InvalidArgumentError: ``threshold`` outside (0, 1] or ``start`` outside ``[0, T)``.
    """
    overlaps = np.asarray(overlaps, dtype=np.float64)
    if overlaps.ndim != 2 or overlaps.shape[1] < 2:
        raise ShapeError(
            f"shape mismatch for `overlaps`: expected [T, K >= 2], got {overlaps.shape}"
        )
    steps = overlaps.shape[0]
    if steps == 0:
        raise ShapeError("shape mismatch for `overlaps`: expected at least one step (T >= 1)")
    if not (0.0 < threshold <= 1.0):
        raise InvalidArgumentError(
            f"invalid argument `threshold`: must be in (0, 1], got {threshold}"
        )
    if isinstance(start, bool) or not isinstance(start, (int, np.integer)):
        raise InvalidArgumentError(f"invalid argument `start`: must be an integer, got {start!r}")
    if not 0 <= start < steps:
        raise InvalidArgumentError(
            f"invalid argument `start`: must be in [0, T) = [0, {steps}), got {start}"
        )
    window = overlaps[start:]
    hit = window >= threshold
    onsets = np.where(hit.any(axis=0), hit.argmax(axis=0) + start, -1)
    n_patterns = overlaps.shape[1]
    recalled = 0
    previous = onsets[0]
    for k in range(1, n_patterns):
        if previous < 0 or onsets[k] <= previous:
            break
        recalled += 1
        previous = onsets[k]
    score = recalled / (n_patterns - 1)
    return RecallScore(
        score=score,
        onset_times=onsets,
        peak_overlaps=window.max(axis=0),
        in_order=recalled == n_patterns - 1,
    )


class SequenceGenerationTask:
    """Learn an ordered sequence of activity patterns, then replay it from a cue.

    The network is meant to have one input per unit (``n_inputs == n_units``, input weights the
    identity) so that a training trial clamps the units to each pattern in turn.

    Args:
        n_units: pattern size (network units).
        n_patterns: sequence length ``K`` (>= 2).
        pattern_duration: steps each pattern is shown in a training trial.
        input_strength: input amplitude (large values clamp the units to the pattern).
        cue_duration: steps the first pattern is shown in a recall trial.
        recall_duration: free-running steps after the cue.
        seed: seed of the random ±1 patterns.
    """

    def __init__(
        self,
        n_units: int = 100,
        n_patterns: int = 6,
        *,
        pattern_duration: int = 2,
        input_strength: float = 5.0,
        cue_duration: int = 2,
        recall_duration: int = 30,
        seed: int | None = None,
    ) -> None:
        self.n_units = _int_at_least("n_units", n_units, 1)
        self.n_patterns = _int_at_least("n_patterns", n_patterns, 2)
        self.pattern_duration = _int_at_least("pattern_duration", pattern_duration, 1)
        self.input_strength = _finite_at_least("input_strength", input_strength, 0.0)
        self.cue_duration = _int_at_least("cue_duration", cue_duration, 1)
        self.recall_duration = _int_at_least("recall_duration", recall_duration, 1)
        pattern_steps = self.n_patterns * self.pattern_duration
        steps = max(pattern_steps, self.cue_duration + self.recall_duration)
        _validate.elements(
            "n_units", "a trial's inputs", steps, self.n_units, error=InvalidConfigError
        )
        rng = np.random.default_rng(_validate.seed(seed))
        self.patterns: np.ndarray = rng.choice([-1.0, 1.0], size=(self.n_patterns, self.n_units))

    def __repr__(self) -> str:
        return (
            f"SequenceGenerationTask(n_units={self.n_units}, n_patterns={self.n_patterns}, "
            f"pattern_duration={self.pattern_duration}, input_strength={self.input_strength}, "
            f"cue_duration={self.cue_duration}, recall_duration={self.recall_duration})"
        )

    def training_trial(self) -> SequenceTrial:
        """The whole sequence, each pattern clamped for ``pattern_duration`` steps."""
        sequence = np.repeat(self.patterns, self.pattern_duration, axis=0)
        steps = len(sequence)
        return SequenceTrial(
            inputs=self.input_strength * sequence,
            targets=sequence.copy(),
            mask=np.ones(steps, dtype=bool),
            modulation=np.ones(steps),
            condition=0,
        )

    def recall_trial(self) -> SequenceTrial:
        """The cue (pattern 0 for ``cue_duration`` steps), then no input.

        ``targets`` hold the sequence at the training pace after the cue (a reference for
        plots; :meth:`score` does not assume any pace), ``mask`` marks the free-running steps.
        """
        steps = self.cue_duration + self.recall_duration
        inputs = np.zeros((steps, self.n_units))
        inputs[: self.cue_duration] = self.input_strength * self.patterns[0]
        paced = np.repeat(self.patterns[1:], self.pattern_duration, axis=0)
        targets = np.zeros((steps, self.n_units))
        targets[: self.cue_duration] = self.patterns[0]
        room = min(len(paced), self.recall_duration)
        targets[self.cue_duration : self.cue_duration + room] = paced[:room]
        mask = np.zeros(steps, dtype=bool)
        mask[self.cue_duration :] = True
        return SequenceTrial(inputs, targets, mask, np.zeros(steps), condition=0)

    def overlaps(self, states: np.ndarray) -> np.ndarray:
        """``[T, K]`` overlaps of rates ``[T, n_units]`` with the patterns."""
        return pattern_overlaps(states, self.patterns)

    def score(self, states: np.ndarray, *, threshold: float = 0.5) -> RecallScore:
        """Ordered-recall score of the rates ``[T, n_units]`` of a recall trial."""
        return ordered_recall_score(self.overlaps(states), threshold=threshold)


class SequencePredictionTask:
    """Predict the next symbol of a noisy stream that mostly follows a fixed cycle.

    Symbols are one-hot vectors. A hidden cycle (a random permutation) gives each symbol its
    successor; on each step the stream follows the cycle with probability
    ``1 - distractor_rate`` and jumps to a uniformly random symbol otherwise. The target at step
    ``t`` is the symbol at ``t + 1``; the modulatory reward signal is 1 on transitions that follow
    the cycle and 0 on distractor jumps (which nothing can predict). Only predictable steps are
    scored.

    Args:
        n_symbols: alphabet size (>= 2).
        trial_length: steps per trial.
        distractor_rate: probability of a random jump, in [0, 1).
        input_noise: standard deviation of Gaussian noise added to the inputs.
        seed: seed of the cycle and of the trials.
    """

    def __init__(
        self,
        n_symbols: int = 6,
        trial_length: int = 60,
        *,
        distractor_rate: float = 0.3,
        input_noise: float = 0.1,
        seed: int | None = None,
    ) -> None:
        self.n_symbols = _int_at_least("n_symbols", n_symbols, 2)
        self.trial_length = _int_at_least("trial_length", trial_length, 1)
        _validate.elements(
            "n_symbols",
            "the one-hot table",
            self.n_symbols,
            self.n_symbols,
            error=InvalidConfigError,
        )
        _validate.elements(
            "trial_length",
            "a trial's inputs",
            self.trial_length + 1,
            self.n_symbols,
            error=InvalidConfigError,
        )
        self.distractor_rate = _finite_at_least("distractor_rate", distractor_rate, 0.0)
        _require(self.distractor_rate < 1.0, "distractor_rate", "must be < 1")
        self.input_noise = _finite_at_least("input_noise", input_noise, 0.0)
        self._rng = np.random.default_rng(_validate.seed(seed))
        # a single cycle through every symbol
        order = self._rng.permutation(self.n_symbols)
        self.successor: np.ndarray = np.empty(self.n_symbols, dtype=np.int64)
        self.successor[order] = np.roll(order, -1)

    def __repr__(self) -> str:
        return (
            f"SequencePredictionTask(n_symbols={self.n_symbols}, trial_length={self.trial_length}, "
            f"distractor_rate={self.distractor_rate}, input_noise={self.input_noise})"
        )

    @property
    def n_inputs(self) -> int:
        """Input size (one-hot symbols)."""
        return self.n_symbols

    @property
    def n_outputs(self) -> int:
        """Output size (the predicted next symbol, one-hot)."""
        return self.n_symbols

    def trial(self) -> SequenceTrial:
        """A fresh random trial (``condition`` is the start symbol)."""
        steps = self.trial_length
        symbols = np.empty(steps + 1, dtype=np.int64)
        symbols[0] = self._rng.integers(self.n_symbols)
        follows = self._rng.random(steps) >= self.distractor_rate
        jumps = self._rng.integers(self.n_symbols, size=steps)
        for t in range(steps):
            symbols[t + 1] = self.successor[symbols[t]] if follows[t] else jumps[t]
        onehot = np.eye(self.n_symbols)[symbols]
        inputs = onehot[:-1] + self.input_noise * self._rng.standard_normal((steps, self.n_symbols))
        predictable = symbols[1:] == self.successor[symbols[:-1]]
        return SequenceTrial(
            inputs=inputs,
            targets=onehot[1:],
            mask=predictable,
            modulation=predictable.astype(np.float64),
            condition=int(symbols[0]),
        )

    def batch(self, n_trials: int) -> list[SequenceTrial]:
        """``n_trials`` fresh trials."""
        return [self.trial() for _ in range(_int_at_least("n_trials", n_trials, 1))]

    def score(self, outputs: np.ndarray, trial: SequenceTrial) -> float:
        """Mean squared error of ``outputs`` ``[T, n_symbols]`` on the predictable steps."""
        outputs = np.asarray(outputs, dtype=np.float64)
        if outputs.shape != trial.targets.shape:
            raise ShapeError(
                f"shape mismatch for `outputs`: expected {trial.targets.shape}, got {outputs.shape}"
            )
        err = (outputs - trial.targets)[trial.mask]
        return float(np.mean(err**2)) if err.size else 0.0
