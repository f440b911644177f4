"""Dynamical-systems analysis of small systems and of large networks' projections.

* :func:`fixed_points`: roots of a vector field from many starts (scipy's ``root``, extra
  ``analysis``), de-duplicated, each with its Jacobian, eigenvalues and :func:`classify` label;
* :func:`jacobian`: central finite differences (or pass an exact one, e.g.
  ``RecurrentNetwork.jacobian``);
* :func:`vector_field` and :func:`nullclines` on a grid of a 2-D system; :func:`simulate` (RK4)
  for trajectories;
* :class:`PCAProjection` and :func:`projected_vector_field`: a large network's dynamics seen in
  the plane of its first two principal components;
* :class:`WilsonCowan`: the excitatory/inhibitory pair of Wilson & Cowan (1972), a built-in 2-D
  system;
* :func:`symmetry_index`: how symmetric a weight matrix is (+1 symmetric, -1 antisymmetric).

A vector field here is any callable ``f(x) -> dx/dt`` on 1-D arrays. This module computes numbers
only; the pictures of them (phase portraits, weight matrices) are in :mod:`hebbian_brain.viz`.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hebbian_brain._core import (
    ArgumentTypeError,
    InvalidArgumentError,
    InvalidConfigError,
    ShapeError,
)
from hebbian_brain._measures import VectorField, nullclines, symmetry_index, vector_field
from hebbian_brain._validate import MAX_ELEMENTS, real_array

__all__ = [
    "FixedPoint",
    "PCAProjection",
    "WilsonCowan",
    "classify",
    "fixed_points",
    "jacobian",
    "nullclines",
    "projected_vector_field",
    "simulate",
    "symmetry_index",
    "vector_field",
]

#: Plots that lived here before they moved to :mod:`hebbian_brain.viz` (deprecated aliases).
_MOVED_TO_VIZ = ("plot_phase_portrait", "plot_weight_matrices")


def __getattr__(name: str) -> Any:
    """The deprecated plot names: they warn and return the function from :mod:`hebbian_brain.viz`.

    Raises:
        AttributeError: ``name`` is not an attribute of this module.
    """
    if name in _MOVED_TO_VIZ:
        warnings.warn(
            f"hebbian_brain.analysis.{name} is deprecated: plots live in hebbian_brain.viz "
            f"(use hebbian_brain.viz.{name})",
            DeprecationWarning,
            stacklevel=2,
        )
        from hebbian_brain import viz

        return getattr(viz, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _require_scipy() -> Any:
    try:
        import scipy.optimize
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "hebbian_brain.analysis.fixed_points needs scipy: pip install 'hebbian_brain[analysis]'"
        ) from err
    return scipy.optimize


def _as_points(x: np.ndarray | list[Any], name: str, dim: int | None = None) -> np.ndarray:
    arr = real_array(name, x, finite=False)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or (dim is not None and arr.shape[1] != dim):
        want = f"[m, {dim}]" if dim is not None else "[m, d]"
        raise ShapeError(f"shape mismatch for `{name}`: expected {want}, got {np.shape(x)}")
    if not np.all(np.isfinite(arr)):
        raise InvalidArgumentError(f"invalid argument `{name}`: must be finite")
    return arr


def jacobian(f: VectorField, x: np.ndarray, *, eps: float = 1e-6) -> np.ndarray:
    """The Jacobian ``J[i, j] = ∂f_i/∂x_j`` at ``x`` by central differences.

    Args:
        f: vector field on 1-D arrays.
        x: point ``[d]``.
        eps: step (scaled by ``max(1, |x_j|)``).

    Returns:
        ``[d, d]`` matrix.
    """
    x = _as_points(x, "x")[0]
    if not (eps > 0):
        raise InvalidArgumentError(f"invalid argument `eps`: must be > 0, got {eps}")
    d = x.size
    jac = np.empty((d, d))
    for j in range(d):
        h = eps * max(1.0, abs(x[j]))
        xp, xm = x.copy(), x.copy()
        xp[j] += h
        xm[j] -= h
        jac[:, j] = (np.asarray(f(xp), dtype=np.float64) - np.asarray(f(xm), dtype=np.float64)) / (
            2 * h
        )
    return jac


def classify(jac: np.ndarray, *, tol: float = 1e-9) -> str:
    """Names the local dynamics from the Jacobian's eigenvalues.

    Returns one of ``"stable node"``, ``"unstable node"``, ``"stable focus"``,
    ``"unstable focus"``, ``"saddle"``, ``"center"`` (purely imaginary pair, linearisation
    undecided) or ``"non-hyperbolic"`` (a zero eigenvalue, or zero real parts mixed with others).
    Focus means the eigenvalues with the slowest decay/growth include a complex pair.
    """
    jac = real_array("jac", jac)
    if jac.ndim != 2 or jac.shape[0] != jac.shape[1]:
        raise ShapeError(f"shape mismatch for `jac`: expected a square matrix, got {jac.shape}")
    ev = np.linalg.eigvals(jac)
    re = ev.real
    complex_pair = bool(np.any(np.abs(ev.imag) > tol))
    if np.any(np.abs(re) <= tol):
        if np.all(np.abs(re) <= tol) and np.all(np.abs(ev) > tol):
            return "center"
        return "non-hyperbolic"
    if np.all(re < 0):
        return "stable focus" if complex_pair else "stable node"
    if np.all(re > 0):
        return "unstable focus" if complex_pair else "unstable node"
    return "saddle"


@dataclass(frozen=True)
class FixedPoint:
    """A fixed point of a vector field.

    Attributes:
        x: location ``[d]``.
        jacobian: ``[d, d]`` Jacobian at ``x``.
        eigenvalues: its eigenvalues (complex), sorted by decreasing real part.
        kind: :func:`classify` label.
        residual: ``|f(x)|`` (max norm).
    """

    x: np.ndarray
    jacobian: np.ndarray
    eigenvalues: np.ndarray
    kind: str
    residual: float

    @property
    def stable(self) -> bool:
        """All eigenvalues have negative real part."""
        return bool(np.all(self.eigenvalues.real < 0))


def fixed_points(
    f: VectorField,
    starts: np.ndarray,
    *,
    jac: Callable[[np.ndarray], np.ndarray] | None = None,
    tol: float = 1e-8,
    merge_tol: float = 1e-5,
    method: str = "hybr",
) -> list[FixedPoint]:
    """Fixed points of ``dx/dt = f(x)`` found from many starting points.

    Each start is polished with ``scipy.optimize.root``; converged roots with
    ``max|f(x)| <= sqrt(tol)`` are kept and merged when closer than ``merge_tol`` (max norm).

    Args:
        f: vector field on 1-D arrays.
        starts: ``[m, d]`` initial guesses (e.g. a grid, or states visited by a simulation).
        jac: optional exact Jacobian ``jac(x) -> [d, d]`` (finite differences otherwise).
        tol: solver tolerance.
        merge_tol: distance under which two roots are the same fixed point.
        method: any ``scipy.optimize.root`` method.

    Returns:
        Fixed points sorted by their first coordinate.

    Raises:
        ImportError: scipy is missing (install the ``analysis`` extra).
    """
    optimize = _require_scipy()
    pts = _as_points(starts, "starts")
    if not (tol > 0 and merge_tol > 0):
        raise InvalidArgumentError("invalid argument `tol`: tol and merge_tol must be > 0")
    found: list[np.ndarray] = []
    for x0 in pts:
        sol = optimize.root(
            lambda x: np.asarray(f(x), dtype=np.float64),
            x0,
            jac=jac,
            method=method,
            tol=tol,
        )
        x = np.asarray(sol.x, dtype=np.float64)
        if not np.all(np.isfinite(x)):
            continue
        residual = float(np.max(np.abs(f(x))))
        if residual > np.sqrt(tol):
            continue
        if any(np.max(np.abs(x - y)) < merge_tol for y in found):
            continue
        found.append(x)
    result = []
    for x in sorted(found, key=lambda v: tuple(v)):
        jm = np.asarray(jac(x), dtype=np.float64) if jac is not None else jacobian(f, x)
        ev = np.linalg.eigvals(jm)
        ev = ev[np.argsort(-ev.real, kind="stable")]
        result.append(
            FixedPoint(
                x=x,
                jacobian=jm,
                eigenvalues=ev,
                kind=classify(jm),
                residual=float(np.max(np.abs(f(x)))),
            )
        )
    return result


def simulate(
    f: VectorField, x0: np.ndarray, *, t_max: float, dt: float = 0.01
) -> tuple[np.ndarray, np.ndarray]:
    """Integrates ``dx/dt = f(x)`` from ``x0`` with classical Runge–Kutta (RK4).

    Returns:
        ``(t, x)``: times ``[T]`` and states ``[T, d]`` (including ``x0``).

    Raises:
        InvalidArgumentError: ``x0`` not finite, ``dt``/``t_max`` not finite and positive, too
            many steps, or a trajectory that stops being finite (the field diverges).
    """
    x = _as_points(x0, "x0")[0]
    for name, value in (("t_max", t_max), ("dt", dt)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise ArgumentTypeError(f"`{name}` must be a real number, got {type(value).__name__}")
    t_max, dt = float(t_max), float(dt)
    if not (dt > 0 and np.isfinite(dt) and t_max > 0 and np.isfinite(t_max)):
        raise InvalidArgumentError("invalid argument `dt`: dt and t_max must be finite and > 0")
    steps = t_max / dt
    if not (np.isfinite(steps) and (steps + 1) * x.size <= MAX_ELEMENTS):
        raise InvalidArgumentError(
            f"invalid argument `t_max`: {t_max} / dt = {steps} steps of {x.size} values, more "
            f"than {MAX_ELEMENTS} in all"
        )
    steps = int(np.ceil(steps))
    out = np.empty((steps + 1, x.size))
    out[0] = x

    def g(v: np.ndarray) -> np.ndarray:
        return np.asarray(f(v), dtype=np.float64)

    # A field that diverges overflows: the trajectory is refused from the first non-finite step
    # (not returned with inf/nan, not left to numpy's overflow warnings).
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            k1 = g(x)
            k2 = g(x + 0.5 * dt * k1)
            k3 = g(x + 0.5 * dt * k2)
            k4 = g(x + dt * k3)
            x = x + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
            if not np.all(np.isfinite(x)):
                t = (k + 1) * dt
                raise InvalidArgumentError(
                    f"invalid argument `x0`: the trajectory is not finite after t = {t:g} "
                    "(the field diverges from x0, or dt is too large for it)"
                )
            out[k + 1] = x
    return np.arange(steps + 1) * dt, out


@dataclass
class PCAProjection:
    """Principal-component projection of states ``[..., n]`` onto ``n_components`` dimensions.

    Build it with :meth:`fit`. ``transform`` maps states to the plane, ``inverse_transform`` lifts
    plane points back to state space (on the affine subspace through the mean).

    Attributes:
        mean: ``[n]`` mean state.
        components: ``[n_components, n]`` orthonormal principal directions.
        explained_variance_ratio: ``[n_components]`` share of the total variance of each.
    """

    mean: np.ndarray
    components: np.ndarray
    explained_variance_ratio: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def fit(cls, states: np.ndarray, n_components: int = 2) -> PCAProjection:
        """Fits on states ``[T, n]`` or ``[B, T, n]`` (all time points pooled)."""
        arr = np.asarray(states, dtype=np.float64)
        if arr.ndim not in (2, 3):
            raise ShapeError(
                f"shape mismatch for `states`: expected [T, n] or [B, T, n], got {arr.shape}"
            )
        arr = arr.reshape(-1, arr.shape[-1])
        if not np.all(np.isfinite(arr)):
            raise InvalidArgumentError("invalid argument `states`: must be finite")
        if not (1 <= n_components <= min(arr.shape)):
            raise InvalidArgumentError(
                "invalid argument `n_components`: "
                f"must be in [1, {min(arr.shape)}], got {n_components}"
            )
        mean = arr.mean(axis=0)
        centred = arr - mean
        _, s, vt = np.linalg.svd(centred, full_matrices=False)
        var = s**2
        total = var.sum()
        ratio = var[:n_components] / total if total > 0 else np.zeros(n_components)
        return cls(mean=mean, components=vt[:n_components], explained_variance_ratio=ratio)

    def transform(self, states: np.ndarray) -> np.ndarray:
        """Projects states ``[..., n]`` to ``[..., n_components]``."""
        arr = np.asarray(states, dtype=np.float64)
        if arr.shape[-1] != self.mean.size:
            raise ShapeError(
                f"shape mismatch for `states`: last axis must be {self.mean.size}, got {arr.shape}"
            )
        return np.asarray((arr - self.mean) @ self.components.T, dtype=np.float64)

    def inverse_transform(self, z: np.ndarray) -> np.ndarray:
        """Lifts plane points ``[..., n_components]`` to state space ``[..., n]``."""
        z = np.asarray(z, dtype=np.float64)
        if z.shape[-1] != self.components.shape[0]:
            raise ShapeError(
                "shape mismatch for `z`: "
                f"last axis must be {self.components.shape[0]}, got {z.shape}"
            )
        return np.asarray(self.mean + z @ self.components, dtype=np.float64)


def projected_vector_field(
    f: VectorField,
    projection: PCAProjection,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    *,
    n: int = 15,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A large system's flow seen in a 2-D projection.

    Each grid point ``z`` of the plane is lifted to ``x = mean + Pᵀz``, and the velocity
    ``f(x)`` is projected back, ``P·f(x)``. (An approximation: the off-plane coordinates are fixed
    at the mean.) ``f`` may be ``RecurrentNetwork.vector_field`` (states in current space).

    Returns:
        ``(X, Y, U, V)`` as :func:`vector_field`.
    """
    if projection.components.shape[0] != 2:
        raise InvalidArgumentError("invalid argument `projection`: needs exactly 2 components")

    def flow(z: np.ndarray) -> np.ndarray:
        x = projection.inverse_transform(z)
        return projection.components @ np.asarray(f(x), dtype=np.float64)

    return vector_field(flow, xlim, ylim, n=n)


def _sigmoid(x: np.ndarray | float, slope: float, threshold: float) -> np.ndarray | float:
    """Wilson–Cowan response function, shifted so that S(0) = 0."""
    s: np.ndarray | float = 1.0 / (1.0 + np.exp(-slope * (x - threshold))) - 1.0 / (
        1.0 + np.exp(slope * threshold)
    )
    return s


@dataclass(frozen=True)
class WilsonCowan:
    """The Wilson–Cowan (1972) excitatory/inhibitory population pair.

    ``τ_E dE/dt = -E + (k_E - r_E E)·S_E(c1 E - c2 I + P)``,
    ``τ_I dI/dt = -I + (k_I - r_I I)·S_I(c3 E - c4 I + Q)``,
    with ``S(x) = 1/(1 + exp(-a(x - θ))) - 1/(1 + exp(aθ))`` and ``k = S(∞)``. The defaults are the
    limit-cycle set of Wilson & Cowan (1972) (the same as The Virtual Brain's "limit cycle"
    parametrisation): a stable limit cycle around an unstable fixed point.
    Call the object on ``[E, I]`` to get ``[dE/dt, dI/dt]``.
    """

    c1: float = 16.0
    c2: float = 12.0
    c3: float = 15.0
    c4: float = 3.0
    a_e: float = 1.3
    theta_e: float = 4.0
    a_i: float = 2.0
    theta_i: float = 3.7
    r_e: float = 1.0
    r_i: float = 1.0
    tau_e: float = 1.0
    tau_i: float = 1.0
    p: float = 1.25
    q: float = 0.0

    def __post_init__(self) -> None:
        for name in ("a_e", "a_i", "tau_e", "tau_i"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value > 0):
                raise InvalidConfigError(f"invalid value for `{name}`: must be finite and > 0")

    @property
    def k_e(self) -> float:
        """Saturation ``S_E(∞)``."""
        return float(1.0 - 1.0 / (1.0 + np.exp(self.a_e * self.theta_e)))

    @property
    def k_i(self) -> float:
        """Saturation ``S_I(∞)``."""
        return float(1.0 - 1.0 / (1.0 + np.exp(self.a_i * self.theta_i)))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """``[dE/dt, dI/dt]`` at ``x = [E, I]``."""
        e, i = np.asarray(x, dtype=np.float64)
        de = (
            -e
            + (self.k_e - self.r_e * e)
            * _sigmoid(self.c1 * e - self.c2 * i + self.p, self.a_e, self.theta_e)
        ) / self.tau_e
        di = (
            -i
            + (self.k_i - self.r_i * i)
            * _sigmoid(self.c3 * e - self.c4 * i + self.q, self.a_i, self.theta_i)
        ) / self.tau_i
        return np.array([de, di])
