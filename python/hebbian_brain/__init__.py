"""hebbian_brain: learning by local plasticity instead of backpropagation.

Graph brains for agents (nodes are (state, action) experiences, edges are plastic synapses)
and dense plastic recurrent networks, computed in a Rust core.
"""

from hebbian_brain._core import (
    ArgumentTypeError,
    Brain,
    BrainConfig,
    DreamParams,
    DreamReport,
    ExternalToolError,
    FileFormatError,
    HebbianError,
    InvalidArgumentError,
    InvalidConfigError,
    InvalidNodeError,
    MissingDependencyError,
    Node,
    NoSynapseError,
    PlasticityParams,
    PruneReport,
    PruningParams,
    ShapeError,
    StateError,
    Synapse,
    __version__,
    state_hash,
)

__all__ = [
    "ArgumentTypeError",
    "Brain",
    "BrainConfig",
    "DreamParams",
    "DreamReport",
    "FileFormatError",
    "HebbianError",
    "InvalidArgumentError",
    "InvalidConfigError",
    "InvalidNodeError",
    "MissingDependencyError",
    "ExternalToolError",
    "NoSynapseError",
    "Node",
    "PlasticityParams",
    "PruneReport",
    "PruningParams",
    "ShapeError",
    "StateError",
    "Synapse",
    "__version__",
    "state_hash",
]

# agents and environments
from hebbian_brain import envs  # noqa: E402  (registers the Gymnasium ids below)
from hebbian_brain._core import AgentParams  # noqa: E402
from hebbian_brain._experience_agent import ExperienceAgent  # noqa: E402
from hebbian_brain.abstraction import QuantileDiscretizer  # noqa: E402
from hebbian_brain.agent import Agent, EpisodeRecord, History  # noqa: E402
from hebbian_brain.discretize import Discretizer  # noqa: E402

envs.register_envs()
__all__ += ["Agent", "AgentParams", "Discretizer", "EpisodeRecord", "History", "envs"]
__all__ += ["ExperienceAgent", "QuantileDiscretizer"]

# stable-baselines3's companions: callbacks, metric logging, evaluation
from hebbian_brain import callbacks, evaluation, logger  # noqa: E402
from hebbian_brain.evaluation import evaluate_policy  # noqa: E402

__all__ += ["callbacks", "evaluate_policy", "evaluation", "logger"]

# scale: populations trained in parallel, sweeps over settings x seeds
from hebbian_brain.population import Population, PopulationRun  # noqa: E402
from hebbian_brain.sweep import SweepResult, TrialError, sweep  # noqa: E402

__all__ += ["Population", "PopulationRun", "SweepResult", "TrialError", "sweep"]

# files of the rnn models (the same versioned container as brains and agents)
from hebbian_brain._model_file import load_model, save_model  # noqa: E402

__all__ += ["load_model", "save_model"]
