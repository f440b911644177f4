"""``hebbian_brain/Chain-v0``: a corridor with one reward at its far end."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
from gymnasium import spaces

from hebbian_brain._core import ChainCore
from hebbian_brain.envs import _args
from hebbian_brain.envs._spec import OwnStepLimit, own_limit


class ChainEnv(OwnStepLimit, gym.Env[Any, Any]):
    """A corridor of ``length`` cells; the only reward waits in the last one.

    A random walk needs about ``length**2`` steps to reach the end, so the chain tests directed
    exploration: an agent must keep walking right with nothing to show for it until the end.

    ## Action Space
    ``Discrete(2)``: 0 moves left, 1 moves right.

    ## Observation Space
    ``Discrete(length)``: the index of the agent's cell, 0 at the left end.

    ## Starting State
    Always cell 0.

    ## Rewards
    +1 for the step that enters the last cell, 0 for every other step. The optimal return is 1,
    reached in ``length - 1`` steps.

    ## Episode End
    Termination: the agent enters cell ``length - 1``. Truncation: ``max_steps`` steps
    (default ``10 * length``).

    ## Arguments
    * ``length`` (int, default 10): number of cells, at least 2.
    * ``slip`` (float, default 0.0): probability that a move goes the opposite way.
    * ``max_steps`` (int or None): step limit of an episode; ``None`` means ``10 * length``.
    * ``render_mode`` (``"ansi"`` or None).

    ## Version History
    * v0: initial version.
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(
        self,
        length: int = 10,
        slip: float = 0.0,
        max_steps: int | None = None,
        render_mode: str | None = None,
    ) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(
                f"render_mode must be one of {self.metadata['render_modes']} or None, "
                f"got {render_mode!r}"
            )
        self.core = ChainCore(
            length=_args.size("length", length),
            slip=slip,
            max_steps=_args.size("max_steps", max_steps, optional=True),
        )
        self.observation_space = spaces.Discrete(self.core.length)
        self.action_space = spaces.Discrete(2)
        self.render_mode = render_mode

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        """Starts an episode in cell 0 (``seed`` reseeds the slip generator)."""
        seed = _args.seed(seed)
        super().reset(seed=seed)
        obs = self.core.reset(seed)
        return int(obs), {}

    def step(self, action: int) -> tuple[int, float, bool, bool, dict[str, Any]]:
        """Moves left (0) or right (1)."""
        obs, reward, terminated, truncated = self.core.step(_args.action(action, 2))
        return int(obs), float(reward), terminated, truncated, {}

    def render(self) -> str | None:
        """The corridor as text: ``A`` agent, ``G`` the rewarding end, ``.`` other cells."""
        if self.render_mode != "ansi":
            return None
        cells = ["."] * self.core.length
        cells[-1] = "G"
        cells[self.core.position] = "A"
        return "".join(cells) + "\n"

    def __repr__(self) -> str:
        return f"ChainEnv(length={self.core.length}, slip={self.core.slip})"

    def _own_step_limit(self) -> int:
        return own_limit(self.core)
