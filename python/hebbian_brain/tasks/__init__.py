"""Tasks that produce plain numpy trials (inputs, targets, scored window, condition)."""

# sequence tasks for the local-rules study and the neuromodulated RNN
# differentiable-plasticity task: pattern completion
# trials of NeuroGym-style environments (hebbian_brain.envs' cognitive tasks, NeuroGym tasks)
from hebbian_brain.tasks._env_trials import *  # noqa: F403
from hebbian_brain.tasks._env_trials import __all__ as _env_trials_all
from hebbian_brain.tasks._pattern_completion import *  # noqa: F403
from hebbian_brain.tasks._pattern_completion import __all__ as _pattern_all

# node-perturbation tasks: delayed non-match-to-sample, center-out reaching
from hebbian_brain.tasks._perturbation_tasks import *  # noqa: F403
from hebbian_brain.tasks._perturbation_tasks import __all__ as _perturbation_all
from hebbian_brain.tasks._sequence import *  # noqa: F403
from hebbian_brain.tasks._sequence import __all__ as _sequence_all

__all__ = [*_sequence_all, *_perturbation_all, *_pattern_all, *_env_trials_all]
