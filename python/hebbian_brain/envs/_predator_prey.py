"""``PredatorPreyEnv``: predators and prey on one grid (PettingZoo ``ParallelEnv``)."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from gymnasium import spaces

try:
    from pettingzoo import ParallelEnv
except ImportError as err:  # pragma: no cover - depends on the installation
    raise ImportError(
        "PredatorPreyEnv needs PettingZoo: pip install 'hebbian_brain[pettingzoo]'"
    ) from err

from hebbian_brain._core import PredatorPreyCore
from hebbian_brain.envs import _args

_ACTIONS = ("stay", "up", "right", "down", "left")


class PredatorPreyEnv(ParallelEnv):
    """Predators chase prey on a square grid; every animal moves at the same time.

    Agents are named ``predator_0 ... predator_{n_predators-1}`` and
    ``prey_0 ... prey_{n_prey-1}``.

    ## Action Space
    ``Discrete(5)`` for every agent: 0 stay, 1 up, 2 right, 3 down, 4 left. A move off the grid
    leaves the animal in place; a prey's move is carried out only with probability
    ``prey_move_probability``.

    ## Observation Space
    ``MultiDiscrete([2*size-1, 2*size-1])``: the offset (row, col) from the agent to the nearest
    live animal of the other kind, each shifted by ``size - 1`` (so ``(size-1, size-1)`` means
    "same cell" or "nobody left").

    ## Starting State
    Every animal on a distinct cell drawn uniformly.

    ## Rewards
    After the moves, a prey is captured when a predator stands on its cell or a predator and the
    prey swapped cells. Each capturing predator gets ``+capture_reward``, the prey gets
    ``-capture_reward``. Every other reward is 0.

    ## Episode End
    A captured prey terminates (and leaves ``agents``). When no prey is left the predators
    terminate too. Everyone still in the game is truncated after ``max_cycles`` cycles.

    ## Arguments
    * ``size`` (int, default 7), ``n_predators`` (int, default 2), ``n_prey`` (int, default 2),
      ``max_cycles`` (int, default 50), ``prey_move_probability`` (float, default 1.0),
      ``capture_reward`` (float, default 1.0), ``render_mode`` (``"ansi"``, ``"human"`` or None).

    ## Info
    ``infos[agent]["captures"]``: prey captured so far in the episode (the same for all agents).

    ## Version History
    * v0: initial version.
    """

    metadata = {
        "name": "predator_prey_v0",
        "render_modes": ["ansi", "human"],
        "is_parallelizable": True,
    }

    def __init__(
        self,
        size: int = 7,
        n_predators: int = 2,
        n_prey: int = 2,
        max_cycles: int = 50,
        prey_move_probability: float = 1.0,
        capture_reward: float = 1.0,
        render_mode: str | None = None,
    ) -> None:
        if render_mode not in (None, "ansi", "human"):
            raise ValueError(f"render_mode must be 'ansi', 'human' or None, got {render_mode!r}")
        self.core = PredatorPreyCore(
            size=_args.size("size", size),
            n_predators=_args.size("n_predators", n_predators),
            n_prey=_args.size("n_prey", n_prey),
            max_cycles=_args.size("max_cycles", max_cycles),
            prey_move_probability=prey_move_probability,
            capture_reward=capture_reward,
        )
        self.render_mode = render_mode
        self.possible_agents = [f"predator_{i}" for i in range(self.core.n_predators)] + [
            f"prey_{i}" for i in range(self.core.n_prey)
        ]
        self._index = {name: i for i, name in enumerate(self.possible_agents)}
        self.agents: list[str] = []
        self.captures = 0
        side = 2 * self.core.size - 1
        self._observation_space = spaces.MultiDiscrete([side, side])
        self._action_space = spaces.Discrete(len(_ACTIONS))
        #: The space of :meth:`state`: (row, col) of every possible agent.
        self.state_space = spaces.MultiDiscrete(
            np.full((len(self.possible_agents), 2), self.core.size, dtype=np.int64)
        )

    @functools.cache  # noqa: B019 - one space object per agent, as PettingZoo asks
    def observation_space(self, agent: str) -> spaces.MultiDiscrete:
        """The (shared) observation space of ``agent``."""
        self._check_agent(agent)
        return self._observation_space

    @functools.cache  # noqa: B019
    def action_space(self, agent: str) -> spaces.Discrete:
        """The (shared) action space of ``agent``."""
        self._check_agent(agent)
        return self._action_space

    def is_predator(self, agent: str) -> bool:
        """Whether ``agent`` is a predator."""
        self._check_agent(agent)
        return agent.startswith("predator_")

    def _check_agent(self, agent: str) -> None:
        if agent not in self._index:
            raise KeyError(f"unknown agent {agent!r}; agents are {self.possible_agents}")

    def _observe(self, agent: str) -> np.ndarray:
        return np.array(self.core.observe(self._index[agent]), dtype=np.int64)

    def reset(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, np.ndarray], dict[str, dict[str, Any]]]:
        """Starts an episode with every animal on a random cell."""
        self.core.reset(_args.seed(seed))
        self.agents = list(self.possible_agents)
        self.captures = 0
        observations = {a: self._observe(a) for a in self.agents}
        return observations, {a: {"captures": 0} for a in self.agents}

    def step(
        self, actions: dict[str, int]
    ) -> tuple[
        dict[str, np.ndarray],
        dict[str, float],
        dict[str, bool],
        dict[str, bool],
        dict[str, dict[str, Any]],
    ]:
        """One cycle: every live agent in ``actions`` moves; missing agents stay."""
        unknown = set(actions) - set(self.agents)
        if unknown:
            raise KeyError(f"actions for agents not in the game: {sorted(unknown)}")
        moves = [0] * len(self.possible_agents)
        for agent, action in actions.items():
            moves[self._index[agent]] = _args.action(action, len(_ACTIONS), f"actions[{agent!r}]")
        rewards, terminated, truncated, captured = self.core.step(moves)
        self.captures += len(captured)
        live = self.agents
        observations = {a: self._observe(a) for a in live}
        reward_d = {a: float(rewards[self._index[a]]) for a in live}
        term_d = {a: bool(terminated[self._index[a]]) for a in live}
        trunc_d = {a: bool(truncated[self._index[a]]) for a in live}
        infos = {a: {"captures": self.captures} for a in live}
        self.agents = [a for a in live if not (term_d[a] or trunc_d[a])]
        return observations, reward_d, term_d, trunc_d, infos

    def render(self) -> str | None:
        """The grid as text: ``P`` predator, ``p`` prey, ``X`` both, ``.`` empty.

        ``"ansi"`` returns the text, ``"human"`` prints it (and returns None).
        """
        if self.render_mode == "human":
            print(self._grid_text(), end="")
            return None
        if self.render_mode != "ansi":
            return None
        return self._grid_text()

    def _grid_text(self) -> str:
        n = self.core.size
        grid = [["."] * n for _ in range(n)]
        for agent in self.agents:
            r, c = self.core.position(self._index[agent])
            mark = "P" if agent.startswith("predator_") else "p"
            grid[r][c] = "X" if grid[r][c] not in (".", mark) else mark
        return "\n".join("".join(row) for row in grid) + "\n"

    def state(self) -> np.ndarray:
        """Global state: (row, col) of every possible agent, shape ``(n_agents, 2)``."""
        return np.array(
            [self.core.position(i) for i in range(len(self.possible_agents))], dtype=np.int64
        )

    def close(self) -> None:
        """Nothing to release."""

    def __repr__(self) -> str:
        return (
            f"PredatorPreyEnv(size={self.core.size}, n_predators={self.core.n_predators}, "
            f"n_prey={self.core.n_prey})"
        )
