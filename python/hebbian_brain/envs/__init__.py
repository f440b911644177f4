"""Built-in environments, computed in Rust.

* :class:`ChainEnv` (``hebbian_brain/Chain-v0``) and :class:`GridWorldEnv`
  (``hebbian_brain/GridWorld-v0``): Gymnasium environments, registered when ``hebbian_brain`` is
  imported, so ``gymnasium.make("hebbian_brain/GridWorld-v0")`` works.
* :class:`DeepSeaEnv` (``hebbian_brain/DeepSea-v0``) and :class:`RiverSwimEnv`
  (``hebbian_brain/RiverSwim-v0``): exploration benchmarks, with their exact transition
  tables (``env.unwrapped.P``, toy_text's format).
* :class:`PredatorPreyEnv`: a PettingZoo ``ParallelEnv`` with several predators and prey
  (needs the ``pettingzoo`` extra: ``pip install "hebbian_brain[pettingzoo]"``).

Dynamics and rewards: ``docs/environments.md``.
"""

from __future__ import annotations

from typing import Any

from hebbian_brain.envs._chain import ChainEnv
from hebbian_brain.envs._deep_sea import DeepSeaEnv
from hebbian_brain.envs._grid_world import GridWorldEnv
from hebbian_brain.envs._river_swim import RiverSwimEnv

__all__ = [
    "ChainEnv",
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
)


def register_envs() -> None:
    """Registers the built-in environments with Gymnasium (idempotent)."""
    import gymnasium

    entries = {
        "hebbian_brain/Chain-v0": "hebbian_brain.envs:ChainEnv",
        "hebbian_brain/GridWorld-v0": "hebbian_brain.envs:GridWorldEnv",
        "hebbian_brain/DeepSea-v0": "hebbian_brain.envs:DeepSeaEnv",
        "hebbian_brain/RiverSwim-v0": "hebbian_brain.envs:RiverSwimEnv",
    }
    for env_id, entry_point in entries.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(id=env_id, entry_point=entry_point)


def __getattr__(name: str) -> Any:
    # PredatorPreyEnv subclasses pettingzoo.ParallelEnv: import it (and pettingzoo) on first use.
    if name == "PredatorPreyEnv":
        from hebbian_brain.envs._predator_prey import PredatorPreyEnv

        return PredatorPreyEnv
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
