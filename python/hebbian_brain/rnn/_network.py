"""Rate RNNs whose recurrent weights change while they run, and the local rules that change them.

``RecurrentNetwork`` integrates ``x ← x + dt/τ·(−x + W_eff·φ(x) + W_in·u) (+ noise)``, reads out
``y = W_out·φ(x)`` and, after every step, lets its rule update the plastic state. The rules:

* ``Hebbian`` / ``AntiHebbian``: ``±η·m·r rᵀ`` with decay and a bound (symmetric changes);
* ``Oja``: Hebbian growth with per-unit normalisation;
* ``STDP``: pair-based, exponential pre/post traces (temporally asymmetric changes);
* ``NeuromodulatedHebbian``: a decaying trace ``H`` gated by the modulation ``m(t)``; the
  effective weights are ``W + α ⊙ H``.

Batches: every trial of a batch ``[B, T, n_inputs]`` learns on its own copy of the weights (run in
parallel); the network is unchanged. A single trial keeps what it learned only with
``keep_weights=True``. Equations: ``docs/reference/rules.md`` §2.
"""

from hebbian_brain._core import (
    STDP,
    AntiHebbian,
    Hebbian,
    NeuromodulatedHebbian,
    Oja,
    RecurrentNetwork,
)

__all__ = [
    "STDP",
    "AntiHebbian",
    "Hebbian",
    "NeuromodulatedHebbian",
    "Oja",
    "RecurrentNetwork",
]
