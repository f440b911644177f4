"""hebbian_brain: learning by local plasticity instead of backpropagation.

Graph brains for agents (nodes are (state, action) experiences, edges are plastic synapses)
and dense plastic recurrent networks, computed in a Rust core.
"""

from hebbian_brain._core import (
    FileFormatError,
    HebbianError,
    InvalidArgumentError,
    InvalidConfigError,
    InvalidNodeError,
    NoSynapseError,
    ShapeError,
    StateError,
    __version__,
)

__all__ = [
    "FileFormatError",
    "HebbianError",
    "InvalidArgumentError",
    "InvalidConfigError",
    "InvalidNodeError",
    "NoSynapseError",
    "ShapeError",
    "StateError",
    "__version__",
]

# agents and environments
from hebbian_brain.envs import register_envs as _register_envs

_register_envs()
