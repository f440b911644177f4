"""``hebbian_brain/GridWorld-v0``: a walled grid; reach the goal by the shortest path."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from hebbian_brain._core import GridWorldCore
from hebbian_brain.envs import _args
from hebbian_brain.envs._spec import OwnStepLimit, own_limit

_CELL_PIXELS = 32
_COLOURS = {
    "free": (235, 235, 235),
    "wall": (60, 60, 60),
    "goal": (60, 170, 80),
    "agent": (40, 90, 200),
    "grid": (200, 200, 200),
}


class GridWorldEnv(OwnStepLimit, gym.Env[Any, Any]):
    """A square grid with walls: walk from the start to the goal in as few steps as possible.

    ## Action Space
    ``Discrete(4)``: 0 up, 1 right, 2 down, 3 left (the order of CliffWalking). A move into a
    wall or off the grid leaves the agent where it is.

    ## Observation Space
    ``Discrete(size * size)``: the agent's cell ``row * size + col``, row 0 at the top.

    ## Starting State
    Always ``start`` (default the top-left cell).

    ## Rewards
    -1 for every step, including the one into the goal. The return is minus the number of
    steps; the optimal return is minus the shortest path length (``shortest_path_length``).

    ## Episode End
    Termination: the agent enters the goal. Truncation: ``max_steps`` steps
    (default ``4 * size**2``).

    ## Arguments
    * ``size`` (int, default 5): side length, 2 to 256.
    * ``obstacles`` (sequence of (row, col), or None): wall cells. ``None`` gives the default
      layout: the middle row walled except its two end cells (no walls below size 4).
    * ``start`` ((row, col), default (0, 0)) and ``goal`` ((row, col), default the bottom-right
      cell); the goal must be reachable.
    * ``slip`` (float, default 0.0): probability that a uniformly random action replaces the
      chosen one.
    * ``max_steps`` (int or None): step limit; ``None`` means ``4 * size**2``.
    * ``render_mode`` (``"ansi"``, ``"rgb_array"`` or None).

    ## Version History
    * v0: initial version.
    """

    metadata = {"render_modes": ["ansi", "rgb_array"], "render_fps": 4}

    def __init__(
        self,
        size: int = 5,
        obstacles: Sequence[tuple[int, int]] | None = None,
        start: tuple[int, int] = (0, 0),
        goal: tuple[int, int] | None = None,
        slip: float = 0.0,
        max_steps: int | None = None,
        render_mode: str | None = None,
    ) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(
                f"render_mode must be one of {self.metadata['render_modes']} or None, "
                f"got {render_mode!r}"
            )

        def cell(name: str, rc: Any) -> tuple[int, int]:
            r, c = rc
            return (_args.size(f"{name} row", r), _args.size(f"{name} column", c))

        if obstacles is not None:
            obstacles = [cell("obstacles", rc) for rc in obstacles]
        self.core = GridWorldCore(
            size=_args.size("size", size),
            obstacles=obstacles,
            start=cell("start", start),
            goal=None if goal is None else cell("goal", goal),
            slip=slip,
            max_steps=_args.size("max_steps", max_steps, optional=True),
        )
        self.size = self.core.size
        self.observation_space = spaces.Discrete(self.size * self.size)
        self.action_space = spaces.Discrete(4)
        self.render_mode = render_mode
        self._walls = np.array(self.core.walls(), dtype=bool).reshape(self.size, self.size)

    @property
    def shortest_path_length(self) -> int:
        """Number of steps of the shortest start-goal path (minus the optimal return)."""
        length = self.core.shortest_path_length()
        assert length is not None  # the constructor rejects unreachable goals
        return int(length)

    @property
    def walls(self) -> np.ndarray:
        """Wall flags, shape ``(size, size)``."""
        return np.array(self._walls, dtype=bool)

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        """Starts an episode at ``start`` (``seed`` reseeds the slip generator)."""
        seed = _args.seed(seed)
        super().reset(seed=seed)
        obs = self.core.reset(seed)
        return int(obs), {}

    def step(self, action: int) -> tuple[int, float, bool, bool, dict[str, Any]]:
        """Moves up (0), right (1), down (2) or left (3)."""
        obs, reward, terminated, truncated = self.core.step(_args.action(action, 4))
        return int(obs), float(reward), terminated, truncated, {}

    def render(self) -> str | np.ndarray | None:
        """Text (``ansi``: ``A`` agent, ``G`` goal, ``#`` wall) or an RGB image (``rgb_array``)."""
        if self.render_mode == "ansi":
            return self.core.render_ansi()
        if self.render_mode == "rgb_array":
            return self._render_rgb()
        return None

    def _render_rgb(self) -> np.ndarray:
        n, px = self.size, _CELL_PIXELS
        cells = np.empty((n, n, 3), dtype=np.uint8)
        cells[:] = _COLOURS["free"]
        cells[self._walls] = _COLOURS["wall"]
        cells[divmod(self.core.goal, n)] = _COLOURS["goal"]
        cells[divmod(self.core.position, n)] = _COLOURS["agent"]
        image = np.repeat(np.repeat(cells, px, axis=0), px, axis=1)
        image[::px, :] = _COLOURS["grid"]
        image[:, ::px] = _COLOURS["grid"]
        return image

    def __repr__(self) -> str:
        return f"GridWorldEnv(size={self.size}, slip={self.core.slip})"

    def _own_step_limit(self) -> int:
        return own_limit(self.core)
