"""Pattern completion: the auto-associative memory task of differentiable plasticity.

Miconi, Clune & Stanley (2018), "Differentiable plasticity: training plastic neural networks with
backpropagation", §4.1; Miconi (2016), "Backpropagation of Hebbian plasticity for continual
learning" (BOHP) for the small ``"bohp"`` variant.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from hebbian_brain import _validate
from hebbian_brain._core import (
    ArgumentTypeError,
    InvalidArgumentError,
    InvalidConfigError,
    ShapeError,
)
from hebbian_brain._validate import is_int

__all__ = ["PatternCompletion", "PatternTrial"]


@dataclass(frozen=True)
class PatternTrial:
    """A batch of pattern-completion episodes.

    Attributes:
        inputs: ``[B, T, N]`` inputs (already scaled by ``input_scale``).
        targets: ``[B, N]`` the full pattern expected at the last step (the bias neuron's
            target is 1 and it is masked out).
        mask: ``[B, N]`` 1 for the pattern bits, 0 for the bias neuron.
        condition: ``[B]`` index (in order of first presentation) of the pattern that is tested.
        degraded: ``[B, N]`` the degraded cue shown during the test steps (unscaled, ±1/0).
    """

    inputs: np.ndarray
    targets: np.ndarray
    mask: np.ndarray
    condition: np.ndarray
    degraded: np.ndarray


class PatternCompletion:
    """Memorize random ±1 patterns within an episode, then complete a degraded one.

    Each episode shows ``n_patterns`` random ±1 patterns of ``pattern_size`` bits, each for
    ``present_steps`` steps followed by ``delay_steps`` of zero input, ``n_cycles`` times (the order
    is shuffled in every cycle); then one of them, with a fraction ``degrade`` of its bits set to
    zero, for ``test_steps`` steps. The network must output the full pattern at the last step.
    Loss: sum of squared errors at the last step; score: the sign error rate (fraction of bits
    whose output has the wrong sign). Inputs are multiplied by ``input_scale``. With
    ``bias_neuron=True`` one extra neuron receives ``input_scale`` at every step (the BOHP
    network's bias unit); it is masked out of the loss.

    Args:
        pattern_size: bits per pattern.
        n_patterns: patterns to memorize per episode.
        n_cycles: presentations of the whole set.
        present_steps: steps each pattern is shown.
        delay_steps: zero-input steps after each presentation.
        test_steps: steps the degraded cue is shown at the end.
        degrade: fraction of the cue's bits set to zero (exactly ``round(degrade·size)`` bits).
        input_scale: multiplier of every input.
        bias_neuron: add a constantly driven bias neuron.
        seed: seed of the task's generator (None: fresh from the OS).
    """

    def __init__(
        self,
        *,
        pattern_size: int = 1000,
        n_patterns: int = 5,
        n_cycles: int = 2,
        present_steps: int = 6,
        delay_steps: int = 4,
        test_steps: int = 6,
        degrade: float = 0.5,
        input_scale: float = 20.0,
        bias_neuron: bool = False,
        seed: int | None = None,
    ) -> None:
        for name, value, low in (
            ("pattern_size", pattern_size, 1),
            ("n_patterns", n_patterns, 1),
            ("n_cycles", n_cycles, 1),
            ("present_steps", present_steps, 1),
            ("delay_steps", delay_steps, 0),
            ("test_steps", test_steps, 1),
        ):
            _validate.size(name, value, low, error=InvalidConfigError)
        period = present_steps + delay_steps
        steps = n_cycles * n_patterns * period + test_steps
        _validate.elements(
            "pattern_size", "an episode's inputs", steps, pattern_size + 1, error=InvalidConfigError
        )
        _validate.elements(
            "n_patterns",
            "an episode's patterns",
            n_patterns,
            pattern_size,
            error=InvalidConfigError,
        )
        checks: tuple[tuple[str, Any], ...] = (("degrade", degrade), ("input_scale", input_scale))
        for name, value in checks:
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
                raise ArgumentTypeError(f"{name} must be a real number, got {type(value).__name__}")
        if not 0.0 <= degrade < 1.0:
            raise InvalidConfigError(
                f"invalid value for `degrade`: must lie in [0, 1), got {degrade}"
            )
        if not (np.isfinite(input_scale) and input_scale > 0):
            raise InvalidConfigError(
                f"invalid value for `input_scale`: must be > 0 and finite, got {input_scale}"
            )
        self.pattern_size = int(pattern_size)
        self.n_patterns = int(n_patterns)
        self.n_cycles = int(n_cycles)
        self.present_steps = int(present_steps)
        self.delay_steps = int(delay_steps)
        self.test_steps = int(test_steps)
        self.degrade = float(degrade)
        self.input_scale = float(input_scale)
        self.bias_neuron = bool(bias_neuron)
        self.seed = seed
        self._rng = np.random.default_rng(_validate.seed(seed))

    @classmethod
    def preset(
        cls, name: str, *, n_neurons: int | None = None, seed: int | None = None
    ) -> PatternCompletion:
        """A task from the literature.

        Args:
            name: ``"dp1000"`` (Miconi et al. 2018: 1000 bits, 5 patterns, 2 cycles, 6 steps
                shown, 4 delay, 6 test, half the cue zeroed, inputs ×20: 106 steps) or ``"bohp"``
                (Miconi 2016: ``n_neurons − 1`` bits plus a bias neuron, 3 patterns, otherwise as
                dp1000: 66 steps).
            n_neurons: network size of the ``"bohp"`` preset (default 29).
            seed: seed of the task's generator.
        """
        if name == "dp1000":
            if n_neurons not in (None, 1000):
                raise InvalidArgumentError("invalid argument `n_neurons`: dp1000 has 1000 neurons")
            return cls(seed=seed)
        if name == "bohp":
            n = 29 if n_neurons is None else _validate.size("n_neurons", n_neurons, 0)
            if n < 2:
                raise InvalidArgumentError(f"invalid argument `n_neurons`: must be ≥ 2, got {n}")
            return cls(pattern_size=n - 1, n_patterns=3, bias_neuron=True, seed=seed)
        raise InvalidArgumentError(
            f"invalid argument `name`: unknown preset {name!r} (known: 'dp1000', 'bohp')"
        )

    @property
    def n_neurons(self) -> int:
        """Neurons the network needs: one per bit, plus the bias neuron."""
        return self.pattern_size + int(self.bias_neuron)

    @property
    def n_steps(self) -> int:
        """Steps per episode."""
        period = self.present_steps + self.delay_steps
        return self.n_cycles * self.n_patterns * period + self.test_steps

    def sample(self, batch_size: int = 1) -> PatternTrial:
        """Draws ``batch_size`` independent episodes from the task's generator."""
        if not is_int(batch_size):
            raise ArgumentTypeError(f"`batch_size` must be an int, got {type(batch_size).__name__}")
        if batch_size < 1:
            raise InvalidArgumentError(
                f"invalid argument `batch_size`: must be an integer ≥ 1, got {batch_size}"
            )
        _validate.elements(
            "batch_size", "the batch's inputs", batch_size, self.n_steps, self.n_neurons
        )
        b, n, size, t = int(batch_size), self.n_neurons, self.pattern_size, self.n_steps
        rng = self._rng
        inputs = np.zeros((b, t, n))
        targets = np.ones((b, n))
        degraded = np.zeros((b, n))
        condition = np.zeros(b, dtype=np.int64)
        period = self.present_steps + self.delay_steps
        n_zeroed = int(round(self.degrade * size))
        for e in range(b):
            patterns = rng.choice(np.array([-1.0, 1.0]), size=(self.n_patterns, size))
            step = 0
            for _ in range(self.n_cycles):
                for k in rng.permutation(self.n_patterns):
                    inputs[e, step : step + self.present_steps, :size] = patterns[k]
                    step += period
            tested = int(rng.integers(self.n_patterns))
            cue = patterns[tested].copy()
            cue[rng.choice(size, size=n_zeroed, replace=False)] = 0.0
            inputs[e, t - self.test_steps :, :size] = cue
            targets[e, :size] = patterns[tested]
            degraded[e, :size] = cue
            condition[e] = tested
        inputs *= self.input_scale
        if self.bias_neuron:
            inputs[:, :, size] = self.input_scale
            degraded[:, size] = 1.0
        mask = np.zeros((b, n))
        mask[:, :size] = 1.0
        return PatternTrial(inputs, targets, mask, condition, degraded)

    @staticmethod
    def error_rate(
        outputs: np.ndarray, targets: np.ndarray, mask: np.ndarray | None = None
    ) -> float:
        """Fraction of (unmasked) bits whose output has the wrong sign.

        Args:
            outputs: ``[B, N]`` final outputs (or ``[N]``).
            targets: same shape, ±1.
            mask: same shape (or broadcastable); bits with mask 0 are ignored.
        """
        outputs = np.asarray(outputs, dtype=np.float64)
        targets = np.asarray(targets, dtype=np.float64)
        if outputs.shape != targets.shape:
            raise ShapeError(
                f"shape mismatch for `outputs`: {outputs.shape} vs targets {targets.shape}"
            )
        wrong = np.sign(outputs) != np.sign(targets)
        if mask is None:
            return float(np.mean(wrong))
        m = np.broadcast_to(np.asarray(mask, dtype=np.float64), targets.shape) > 0
        return float(np.sum(wrong & m) / max(1, np.sum(m)))

    def __repr__(self) -> str:
        return (
            f"PatternCompletion(pattern_size={self.pattern_size}, n_patterns={self.n_patterns}, "
            f"n_cycles={self.n_cycles}, present_steps={self.present_steps}, "
            f"delay_steps={self.delay_steps}, test_steps={self.test_steps}, "
            f"degrade={self.degrade}, input_scale={self.input_scale}, "
            f"bias_neuron={self.bias_neuron}, seed={self.seed})"
        )
