"""Type stubs of the compiled module `hebbian_brain._core` (checked with mypy.stubtest)."""

from collections.abc import Hashable, Mapping, Sequence
from os import PathLike
from typing import Any, final

import numpy as np
import numpy.typing as npt

__version__: str

# ---------------------------------------------------------------- errors
class HebbianError(Exception): ...
class InvalidConfigError(HebbianError, ValueError): ...
class InvalidArgumentError(HebbianError, ValueError): ...
class ShapeError(HebbianError, ValueError): ...
class InvalidNodeError(HebbianError, IndexError): ...
class NoSynapseError(HebbianError, LookupError): ...
class StateError(HebbianError, RuntimeError): ...
class FileFormatError(HebbianError, ValueError): ...

# ---------------------------------------------------------------- graph brain (config, Brain)

# ---------------------------------------------------------------- agents and environments

# ---------------------------------------------------------------- rnn: networks and rules

# ---------------------------------------------------------------- rnn: node perturbation

# ---------------------------------------------------------------- rnn: differentiable plasticity, optim
def plastic_loss_and_grad(
    w: npt.NDArray[np.floating[Any]],
    alpha: npt.NDArray[np.floating[Any]],
    eta: float | npt.NDArray[np.floating[Any]],
    inputs: npt.NDArray[np.floating[Any]],
    targets: npt.NDArray[np.floating[Any]],
    mask: npt.NDArray[np.floating[Any]] | None = None,
    checkpoint_every: int | None = None,
) -> tuple[float, dict[str, Any], npt.NDArray[np.floating[Any]], int]: ...
def plastic_forward(
    w: npt.NDArray[np.floating[Any]],
    alpha: npt.NDArray[np.floating[Any]],
    eta: float | npt.NDArray[np.floating[Any]],
    inputs: npt.NDArray[np.floating[Any]],
) -> npt.NDArray[np.floating[Any]]: ...
@final
class Adam:
    def __new__(
        cls,
        params: Sequence[npt.NDArray[np.floating[Any]]],
        *,
        lr: float = 1e-3,
        betas: tuple[float, float] = ...,
        eps: float = 1e-8,
    ) -> Adam: ...
    def step(self, grads: Sequence[npt.NDArray[np.floating[Any]] | float]) -> None: ...
    @property
    def lr(self) -> float: ...
    @lr.setter
    def lr(self, value: float) -> None: ...
    @property
    def betas(self) -> tuple[float, float]: ...
    @property
    def eps(self) -> float: ...
    @property
    def steps(self) -> int: ...
    @property
    def params(self) -> list[npt.NDArray[np.floating[Any]]]: ...
