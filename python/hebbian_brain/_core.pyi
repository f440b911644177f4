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
