"""Differentiable plasticity: plastic recurrent networks whose plasticity is learned.

``PlasticRNN`` is the network of Miconi, Clune & Stanley (2018) (and of BOHP, Miconi 2016):

    y_t    = tanh((W + α ⊙ Hebb_{t−1}) y_{t−1} + x_t)      ([post, pre], y_0 = 0)
    Hebb_t = (1 − η) ⊙ Hebb_{t−1} + η ⊙ y_t y_{t−1}ᵀ        (Hebb_0 = 0)

W, α and η are trained by gradient descent; the gradients are exact, computed in Rust by
backpropagation through time derived by hand (``docs/reference/rules.md`` §4), with O(N²) memory:
the trace is reversed step by step instead of being stored, re-anchored on exact copies when η is
large; when those copies would exceed a memory budget, segments between fewer copies are
recomputed forward instead (≈ 2√T·N² values at most).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from hebbian_brain import _core, _validate
from hebbian_brain._core import ArgumentTypeError, InvalidArgumentError, ShapeError
from hebbian_brain._validate import is_int, real_array
from hebbian_brain.optim import Adam

__all__ = ["PlasticRNN"]

#: η is kept in [ETA_MIN, ETA_MAX] after every optimizer step (the model needs 0 < η < 1).
ETA_MIN = 1e-6
ETA_MAX = 0.999


def _as_array(name: str, x: Any, ndim: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    a = real_array(name, x, dtype, finite=False)
    if a.ndim not in ndim:
        raise ShapeError(
            f"shape mismatch for `{name}`: expected {' or '.join(f'{d}-D' for d in ndim)}, "
            f"got shape {a.shape}"
        )
    return a


def _checkpoint_every(k: Any) -> int:
    """Checks ``checkpoint_every``: an integer (not a bool) in [1, 2**63 − 1]."""
    bad = isinstance(k, bool | np.bool_)
    if not bad:
        try:
            bad = int(k) != k
        except (TypeError, ValueError, OverflowError):
            bad = True
    if bad or not 1 <= k <= _CHECKPOINT_EVERY_MAX:
        raise InvalidArgumentError(
            "invalid argument `checkpoint_every`: must be an integer in [1, 2**63 − 1] "
            f"(any value ≥ the episode length keeps no copy), got {k!r}"
        )
    return int(k)


#: Largest accepted ``checkpoint_every`` (any value ≥ T already means "no copies").
_CHECKPOINT_EVERY_MAX = 2**63 - 1

#: Default ``memory_budget``: bytes of exact trace copies per episode in flight (160 MiB).
DEFAULT_MEMORY_BUDGET = 160 * 2**20


def _memory_budget(b: Any) -> int:
    """Checks ``memory_budget``: an integer (not a bool) number of bytes in [0, 2**63 − 1]."""
    bad = isinstance(b, bool | np.bool_)
    if not bad:
        try:
            bad = int(b) != b
        except (TypeError, ValueError, OverflowError):
            bad = True
    if bad or not 0 <= b <= _CHECKPOINT_EVERY_MAX:
        raise InvalidArgumentError(
            "invalid argument `memory_budget`: must be an integer number of bytes in "
            f"[0, 2**63 − 1], got {b!r}"
        )
    return int(b)


def _is_real(value: Any) -> bool:
    """A Python or numpy real scalar (not a bool, not an array)."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


class PlasticRNN:
    """A recurrent network with plastic connections ``W + α ⊙ Hebb`` and a learned η.

    Args:
        n_neurons: number of neurons N.
        eta: initial plasticity rate, in (0, 1).
        per_connection_eta: learn one η per connection (``[N, N]``) instead of one shared η.
        init_scale: W and α start as ``init_scale`` × standard normal (0.01 in the paper).
        dtype: ``np.float64`` (default; exact gradients, used by the gradient checks) or
            ``np.float32`` (half the memory traffic of the bandwidth-bound passes, about twice as
            fast on large networks; gradients agree with float64 to ~1e-4 relative).
        seed: seed of the initialization (None: fresh from the OS).

    ``w``, ``alpha`` and ``eta`` are numpy arrays updated in place by training; assigning to
    them copies the new values in (shape and range checked).
    """

    def __init__(
        self,
        n_neurons: int,
        *,
        eta: float = 0.01,
        per_connection_eta: bool = False,
        init_scale: float = 0.01,
        dtype: Any = np.float64,
        seed: int | None = None,
    ) -> None:
        if not is_int(n_neurons):
            raise ArgumentTypeError(f"n_neurons must be an int, got {type(n_neurons).__name__}")
        if n_neurons < 1:
            raise InvalidArgumentError(
                f"invalid argument `n_neurons`: must be an integer ≥ 1, got {n_neurons}"
            )
        # Before anything is allocated: the weights are N x N.
        _validate.elements("n_neurons", "the N x N weights", n_neurons, n_neurons)
        if not _is_real(eta):  # an array here would compare elementwise (and copy)
            raise ArgumentTypeError(f"`eta` must be a real number, got {type(eta).__name__}")
        if not 0.0 < eta < 1.0:
            raise InvalidArgumentError(f"invalid argument `eta`: must lie in (0, 1), got {eta}")
        if not _is_real(init_scale):
            raise ArgumentTypeError(
                f"`init_scale` must be a real number, got {type(init_scale).__name__}"
            )
        if not (np.isfinite(init_scale) and init_scale >= 0):
            raise InvalidArgumentError(
                f"invalid argument `init_scale`: must be ≥ 0 and finite, got {init_scale}"
            )
        try:
            dt = np.dtype(dtype)
        except TypeError:
            raise ArgumentTypeError(f"`dtype` must be float64 or float32, got {dtype!r}") from None
        if dt not in (np.dtype(np.float64), np.dtype(np.float32)):
            raise ArgumentTypeError(f"`dtype` must be float64 or float32, got {dt}")
        if not 0.0 < dt.type(eta) < 1.0:
            raise InvalidArgumentError(
                f"invalid argument `eta`: {eta} rounds to {dt.type(eta)} in {dt}, outside (0, 1)"
            )
        n = int(n_neurons)
        rng = np.random.default_rng(_validate.seed(seed))
        self._w = (init_scale * rng.standard_normal((n, n))).astype(dt)
        self._alpha = (init_scale * rng.standard_normal((n, n))).astype(dt)
        self._eta = np.full((n, n) if per_connection_eta else (), float(eta), dtype=dt)

    # The parameter arrays keep their identity (an optimizer holds them): assigning copies the
    # new values in, after checking them.
    def _assign(self, name: str, target: np.ndarray, value: Any) -> None:
        v = np.asarray(value, dtype=target.dtype)
        if v.shape != target.shape:
            raise ShapeError(f"shape mismatch for `{name}`: expected {target.shape}, got {v.shape}")
        if not np.all(np.isfinite(v)):
            raise InvalidArgumentError(f"invalid argument `{name}`: must be finite")
        if name == "eta" and not np.all((v > 0) & (v < 1)):
            raise InvalidArgumentError("invalid argument `eta`: must lie in (0, 1)")
        np.copyto(target, v)

    @property
    def w(self) -> np.ndarray:
        """``[N, N]`` baseline weights (``[post, pre]``)."""
        return self._w

    @w.setter
    def w(self, value: Any) -> None:
        self._assign("w", self._w, value)

    @property
    def alpha(self) -> np.ndarray:
        """``[N, N]`` plasticity coefficients."""
        return self._alpha

    @alpha.setter
    def alpha(self, value: Any) -> None:
        self._assign("alpha", self._alpha, value)

    @property
    def eta(self) -> np.ndarray:
        """The plasticity rate: a 0-d array (shared) or ``[N, N]`` (per connection)."""
        return self._eta

    @eta.setter
    def eta(self, value: Any) -> None:
        self._assign("eta", self._eta, value)

    @property
    def n_neurons(self) -> int:
        """Number of neurons N."""
        return int(self.w.shape[0])

    @property
    def dtype(self) -> np.dtype:
        """The float type of the parameters and of every computation (float64 or float32)."""
        return self._w.dtype

    @property
    def per_connection_eta(self) -> bool:
        """Whether η is learned per connection."""
        return self.eta.ndim == 2

    def parameters(self) -> list[np.ndarray]:
        """The trained arrays ``[w, alpha, eta]`` (updated in place by an optimizer)."""
        return [self.w, self.alpha, self.eta]

    def _eta_arg(self) -> float | np.ndarray:
        return float(self.eta) if self.eta.ndim == 0 else self.eta

    def _inputs(self, inputs: Any) -> np.ndarray:
        x = _as_array("inputs", inputs, (2, 3), self.dtype)
        return x[None] if x.ndim == 2 else x

    def forward(self, inputs: Any) -> np.ndarray:
        """Runs episodes from y_0 = 0, Hebb_0 = 0.

        Args:
            inputs: ``[B, T, N]`` (or ``[T, N]`` for one episode).

        Returns:
            The outputs y_1..y_T, ``[B, T, N]`` (``[T, N]`` for a 2-D input).
        """
        x = self._inputs(inputs)
        y = _core.plastic_forward(self.w, self.alpha, self._eta_arg(), x)
        return y[0] if np.ndim(inputs) == 2 else y

    def loss_and_grad(
        self,
        inputs: Any,
        targets: Any,
        mask: Any = None,
        *,
        checkpoint_every: int | None = None,
        memory_budget: int | None = None,
    ) -> tuple[float, dict[str, Any]]:
        """Loss and its exact gradients (hand-derived BPTT, computed in Rust, GIL released).

        ``loss = (1/B) Σ_b Σ_t Σ_i mask · (y − target)²`` over the scored steps: the last step
        when ``targets`` is ``[B, N]``, every step when it is ``[B, T, N]``.

        Args:
            inputs: ``[B, T, N]``.
            targets: ``[B, N]`` (last step) or ``[B, T, N]`` (every step).
            mask: weights ≥ 0 broadcastable to the targets' shape (None: all 1).
            checkpoint_every: spacing K of exact copies of the trace kept by the forward pass,
                the trace being reversed between them (None: automatic, see ``memory_budget``;
                1: keep every step, as autograd would, for reference).
            memory_budget: bytes the exact trace copies of one episode in flight may take when
                ``checkpoint_every`` is None (default 160 MiB). The copies η calls for (spaced
                so that reversal stays accurate) are kept if they fit; otherwise fewer copies
                are kept and each segment between them is recomputed forward (exact; one more
                pass over the trace), using the least memory possible, ≈ 2√T·N² values — even
                if that exceeds the budget.

        Returns:
            ``(loss, {"w": [N, N], "alpha": [N, N], "eta": float or [N, N]})``.
        """
        loss, grads, _, _, _ = self._loss_grad_outputs(
            inputs, targets, mask, checkpoint_every, memory_budget
        )
        return loss, grads

    def _loss_grad_outputs(
        self,
        inputs: Any,
        targets: Any,
        mask: Any,
        checkpoint_every: int | None,
        memory_budget: int | None = None,
    ) -> tuple[float, dict[str, Any], np.ndarray, int, bool]:
        x = self._inputs(inputs)
        t = _as_array("targets", targets, (2, 3), self.dtype)
        m = None
        if mask is not None:
            m = _as_array("mask", mask, (0, 1, 2, 3), self.dtype)
            try:
                m = np.ascontiguousarray(np.broadcast_to(m, t.shape))
            except ValueError:
                raise ShapeError(
                    f"shape mismatch for `mask`: {m.shape} does not broadcast to targets {t.shape}"
                ) from None
        k = None if checkpoint_every is None else _checkpoint_every(checkpoint_every)
        budget = None if memory_budget is None else _memory_budget(memory_budget)
        return _core.plastic_loss_and_grad(self.w, self.alpha, self._eta_arg(), x, t, m, k, budget)

    def learn(
        self,
        task: Any,
        n_episodes: int,
        *,
        batch_size: int = 1,
        lr: float = 3e-4,
        eta_lr: float | None = None,
        optimizer: Adam | None = None,
        train_eta: bool = True,
        progress: bool = True,
        callback: Callable[[int, dict[str, list[float]]], bool | None] | None = None,
    ) -> dict[str, list[float]]:
        """Trains W, α (and η) on episodes drawn from ``task`` with Adam.

        Args:
            task: an object with ``sample(batch_size)`` returning a trial with ``inputs``,
                ``targets``, ``mask``, and an ``error_rate(outputs, targets, mask)`` method
                (e.g. :class:`hebbian_brain.tasks.PatternCompletion`).
            n_episodes: optimizer steps (each on ``batch_size`` episodes).
            batch_size: episodes per step (run in parallel in Rust).
            lr: Adam's learning rate of W and α (ignored when ``optimizer`` is given).
            eta_lr: Adam's learning rate of η, a separate optimizer (None: ``lr / 10``; the
                paper's ``simple.py`` used ``lr``, which lets the shared η jump by ~lr per
                episode and measured slower to settle: ``docs/design/defaults.md``). Ignored when
                ``optimizer`` is given or ``train_eta`` is False.
            optimizer: an :class:`hebbian_brain.optim.Adam` over ``self.parameters()`` (or over
                ``[w, alpha]``); None: a new Adam with ``lr``.
            train_eta: also train η (ignored when ``optimizer`` is given).
            progress: show a tqdm progress bar with the recent error rate.
            callback: called as ``callback(episode, history)`` after each step; returning True
                stops training.

        Returns:
            ``{"loss": [...], "error_rate": [...]}``, one value per step. η is clipped into
            ``[1e-6, 0.999]`` after each step.
        """
        if int(n_episodes) != n_episodes or n_episodes < 0:
            raise InvalidArgumentError(
                f"invalid argument `n_episodes`: must be an integer ≥ 0, got {n_episodes}"
            )
        if int(batch_size) != batch_size or batch_size < 1:
            raise InvalidArgumentError(
                f"invalid argument `batch_size`: must be an integer ≥ 1, got {batch_size}"
            )
        if getattr(task, "n_neurons", self.n_neurons) != self.n_neurons:
            raise ShapeError(
                f"shape mismatch for `task`: it needs {task.n_neurons} neurons, "
                f"the network has {self.n_neurons}"
            )
        if eta_lr is not None and not (np.isfinite(eta_lr) and eta_lr > 0):
            raise InvalidArgumentError(
                f"invalid argument `eta_lr`: must be > 0 and finite, got {eta_lr}"
            )
        eta_optimizer = None
        if optimizer is None:
            optimizer = Adam([self.w, self.alpha], lr=lr)
            if train_eta:
                eta_optimizer = Adam([self.eta], lr=lr / 10 if eta_lr is None else eta_lr)
        n_params = len(optimizer.params)
        if not all(p is q for p, q in zip(optimizer.params, self.parameters(), strict=False)):
            raise InvalidArgumentError(
                "invalid argument `optimizer`: must update this network's [w, alpha(, eta)]"
            )
        history: dict[str, list[float]] = {"loss": [], "error_rate": []}
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=int(n_episodes), desc="PlasticRNN.learn", unit="ep", leave=False)
        try:
            for episode in range(int(n_episodes)):
                trial = task.sample(batch_size)
                loss, grads, outputs, _, _ = self._loss_grad_outputs(
                    trial.inputs, trial.targets, trial.mask, None
                )
                all_grads = [grads["w"], grads["alpha"], grads["eta"]]
                optimizer.step(all_grads[:n_params])
                if eta_optimizer is not None:
                    eta_optimizer.step([grads["eta"]])
                if n_params == 3 or eta_optimizer is not None:
                    np.clip(self.eta, ETA_MIN, ETA_MAX, out=self.eta)
                history["loss"].append(float(loss))
                history["error_rate"].append(task.error_rate(outputs, trial.targets, trial.mask))
                if bar is not None:
                    recent = history["error_rate"][-10:]
                    bar.set_postfix(error_rate=f"{np.mean(recent):.4f}", refresh=False)
                    bar.update(1)
                if callback is not None and callback(episode, history):
                    break
        finally:
            if bar is not None:
                bar.close()
        return history

    def fit(
        self,
        task: Any,
        n_episodes: int,
        *,
        batch_size: int = 1,
        lr: float = 3e-4,
        eta_lr: float | None = None,
        optimizer: Adam | None = None,
        train_eta: bool = True,
        progress: bool = True,
        callback: Callable[[int, dict[str, list[float]]], bool | None] | None = None,
    ) -> dict[str, list[float]]:
        """Deprecated alias of :meth:`learn` (same arguments, same result).

        Warns:
            DeprecationWarning: always; call :meth:`learn` instead.
        """
        warnings.warn(
            "PlasticRNN.fit is deprecated; use PlasticRNN.learn (same arguments)",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.learn(
            task,
            n_episodes,
            batch_size=batch_size,
            lr=lr,
            eta_lr=eta_lr,
            optimizer=optimizer,
            train_eta=train_eta,
            progress=progress,
            callback=callback,
        )

    def __repr__(self) -> str:
        kind = "per-connection" if self.per_connection_eta else f"{float(self.eta):.4g}"
        dt = "" if self.dtype == np.float64 else f", dtype={self.dtype}"
        return f"PlasticRNN(n_neurons={self.n_neurons}, eta={kind}{dt})"
