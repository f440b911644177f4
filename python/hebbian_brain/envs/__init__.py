"""Built-in environments, computed in Rust.

* :class:`ChainEnv` (``hebbian_brain/Chain-v0``) and :class:`GridWorldEnv`
  (``hebbian_brain/GridWorld-v0``): Gymnasium environments, registered when ``hebbian_brain`` is
  imported, so ``gymnasium.make("hebbian_brain/GridWorld-v0")`` works.
* :class:`DeepSeaEnv` (``hebbian_brain/DeepSea-v0``) and :class:`RiverSwimEnv`
  (``hebbian_brain/RiverSwim-v0``): exploration benchmarks, with their exact transition
  tables (``env.unwrapped.P``, toy_text's format).
* Cognitive tasks with NeuroGym's conventions (``dt``, ``timing``, fixation, ``info["gt"]``):
  :class:`PerceptualDecisionMakingEnv`, :class:`ContextDecisionMakingEnv`,
  :class:`DelayMatchSampleEnv`, :class:`DelayedNonMatchEnv` (``hebbian_brain/<Name>-v0``), and
  :class:`NeuroGymTrials`, which makes each trial of a NeuroGym task one episode.
* :class:`PredatorPreyEnv`: a PettingZoo ``ParallelEnv`` with several predators and prey
  (needs the ``pettingzoo`` extra: ``pip install "hebbian_brain[pettingzoo]"``).

Dynamics and rewards: ``docs/guide/environments.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hebbian_brain.envs._chain import ChainEnv
from hebbian_brain.envs._cognitive import (
    ContextDecisionMakingEnv,
    DelayedNonMatchEnv,
    DelayMatchSampleEnv,
    PerceptualDecisionMakingEnv,
)
from hebbian_brain.envs._deep_sea import DeepSeaEnv
from hebbian_brain.envs._grid_world import GridWorldEnv
from hebbian_brain.envs._neurogym import NeuroGymTrials
from hebbian_brain.envs._river_swim import RiverSwimEnv

if TYPE_CHECKING:  # imported on first use at run time (it needs pettingzoo): see __getattr__
    from hebbian_brain.envs._predator_prey import PredatorPreyEnv

__all__ = [
    "ChainEnv",
    "ContextDecisionMakingEnv",
    "DelayMatchSampleEnv",
    "DelayedNonMatchEnv",
    "NeuroGymTrials",
    "PerceptualDecisionMakingEnv",
    "DeepSeaEnv",
    "GridWorldEnv",
    "PredatorPreyEnv",
    "RiverSwimEnv",
    "register_envs",
]

#: Gymnasium ids of the built-in single-agent environments.
ENV_IDS = (
    "hebbian_brain/Chain-v0",
    "hebbian_brain/GridWorld-v0",
    "hebbian_brain/DeepSea-v0",
    "hebbian_brain/RiverSwim-v0",
    "hebbian_brain/PerceptualDecisionMaking-v0",
    "hebbian_brain/ContextDecisionMaking-v0",
    "hebbian_brain/DelayMatchSample-v0",
    "hebbian_brain/DelayedNonMatch-v0",
)


#: Each id's environment class (its vector entry point is ``envs._vector_entry.make_{class}``).
_ENTRIES = {
    "hebbian_brain/Chain-v0": "ChainEnv",
    "hebbian_brain/GridWorld-v0": "GridWorldEnv",
    "hebbian_brain/DeepSea-v0": "DeepSeaEnv",
    "hebbian_brain/RiverSwim-v0": "RiverSwimEnv",
}

#: The cognitive tasks' ids (one trial per episode; no vector entry point).
_COGNITIVE = {
    "hebbian_brain/PerceptualDecisionMaking-v0": "PerceptualDecisionMakingEnv",
    "hebbian_brain/ContextDecisionMaking-v0": "ContextDecisionMakingEnv",
    "hebbian_brain/DelayMatchSample-v0": "DelayMatchSampleEnv",
    "hebbian_brain/DelayedNonMatch-v0": "DelayedNonMatchEnv",
}


def register_envs() -> None:
    """Registers the built-in environments with Gymnasium (idempotent).

    Each made environment's ``env.spec.max_episode_steps`` is its own step limit (``max_steps``,
    DeepSea's ``size``), enforced in Rust, for any arguments; no ``TimeLimit`` is added (a
    fixed registered limit would cut larger worlds short). Each id also has a
    ``vector_entry_point``: ``gymnasium.make_vec(id, num_envs=n)`` gives ``n`` copies, each
    stepping in Rust, batched by Gymnasium's ``SyncVectorEnv`` (next-step autoreset).
    """
    import gymnasium

    for env_id, cls in {**_ENTRIES, **_COGNITIVE}.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(
                id=env_id,
                entry_point=f"hebbian_brain.envs:{cls}",
                vector_entry_point=f"hebbian_brain.envs._vector_entry:make_{cls}",
            )


def __getattr__(name: str) -> Any:
    # PredatorPreyEnv subclasses pettingzoo.ParallelEnv: import it (and pettingzoo) on first use.
    if name == "PredatorPreyEnv":
        from hebbian_brain.envs._predator_prey import PredatorPreyEnv

        return PredatorPreyEnv
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
