"""Dense plastic recurrent networks: numpy in, numpy out, computed in Rust.

Weight matrices are ``[post, pre]`` (drive = ``W @ r``); time series are ``[T, n]`` and
batches ``[B, T, n]``.
"""

# networks and local rules
# recurrent agents that learn from reward in Gymnasium environments
from hebbian_brain.rnn._agents import *  # noqa: F403
from hebbian_brain.rnn._agents import __all__ as _agents_all
from hebbian_brain.rnn._network import *  # noqa: F403
from hebbian_brain.rnn._network import __all__ as _network_all

# reward-modulated node perturbation
from hebbian_brain.rnn._perturbation import *  # noqa: F403
from hebbian_brain.rnn._perturbation import __all__ as _perturbation_all

# differentiable plasticity
from hebbian_brain.rnn._plastic import *  # noqa: F403
from hebbian_brain.rnn._plastic import __all__ as _plastic_all

__all__ = [*_network_all, *_perturbation_all, *_plastic_all, *_agents_all]
