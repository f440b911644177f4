"""``hebbian_brain/DeepSea-v0``: bsuite's deep sea, a test of deep exploration."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from hebbian_brain._core import DeepSeaCore
from hebbian_brain.envs import _args
from hebbian_brain.envs._spec import OwnStepLimit, own_limit

Transitions = dict[int, dict[int, list[tuple[float, int, float, bool]]]]


class DeepSeaEnv(OwnStepLimit, gym.Env[Any, Any]):
    """An N x N grid descended one row per step; only the all-right path is rewarded.

    ## Description
    bsuite's ``deep_sea`` (Osband et al. 2020, "Behaviour Suite for Reinforcement Learning",
    ICLR; from Osband et al. 2019, "Deep Exploration via Randomized Value Functions", JMLR). The
    agent starts in the top-left cell and falls one row per step, moving one column left or
    right as it falls. Which of the two actions means "right" is drawn per cell (a fixed
    mapping for a given ``mapping_seed``, the same world in every episode). Moving right costs a
    little, and the reward waits at the bottom-right cell, so it is reached only by moving right
    ``size`` times in a row: an agent that dithers (epsilon-greedy, Boltzmann) finds it with
    probability ``2**-size`` per episode, while directed exploration needs about ``size**2``
    episodes.

    ## Action Space
    ``Discrete(2)``; in each cell one action moves right and the other left
    (:meth:`right_action`; with ``randomize_actions=False`` action 1 is always right).

    ## Observation Space
    ``Discrete(size * size + 1)``: ``row * size + column`` during the episode, ``size * size``
    after the last step (bsuite's empty observation).

    ## Starting State
    Always the top-left cell, observation 0.

    ## Rewards
    ``-move_cost / size`` for every right move (made or, in the stochastic variant, failed);
    +1 for the right move in the last column, which only the all-right path reaches, on its last
    step. The optimal return is ``1 - move_cost`` (0.99 by default); never moving right gives 0.
    In the stochastic variant the last step from column 0 or the last column adds standard
    normal noise.

    ## Episode End
    Termination after exactly ``size`` steps (the agent leaves the last row). No truncation.

    ## Arguments
    * ``size`` (int, default 10): N, 1 to 10 000.
    * ``deterministic`` (bool, default True): False gives bsuite's ``deep_sea_stochastic``: a
      right move fails (the column stays) with probability ``1 / size``, and the reward noise.
    * ``move_cost`` (float, default 0.01): cost of the whole all-right path (bsuite's
      ``unscaled_move_cost``), finite and >= 0.
    * ``randomize_actions`` (bool, default True): False makes action 1 "right" in every cell
      (bsuite's debug mode).
    * ``mapping_seed`` (int, default 0): seed of the per-cell action mapping, in [0, 2**64).
    * ``render_mode`` (``"ansi"`` or None).

    The transition table :attr:`P` (Gymnasium toy_text's format; expected rewards, the
    noise left out) and :attr:`initial_state_distrib` give the exact model.

    ## Version History
    * v0: initial version.
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(
        self,
        size: int = 10,
        deterministic: bool = True,
        move_cost: float = 0.01,
        randomize_actions: bool = True,
        mapping_seed: int = 0,
        render_mode: str | None = None,
    ) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(
                f"render_mode must be one of {self.metadata['render_modes']} or None, "
                f"got {render_mode!r}"
            )
        self.core = DeepSeaCore(
            size=_args.size("size", size),
            deterministic=bool(deterministic),
            move_cost=float(move_cost),
            randomize_actions=bool(randomize_actions),
            mapping_seed=_args.integer("mapping_seed", mapping_seed),
        )
        self.size = self.core.size
        self.observation_space = spaces.Discrete(self.core.n_observations)
        self.action_space = spaces.Discrete(2)
        self.render_mode = render_mode
        self._table: Transitions | None = None

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        """Starts an episode in the top-left cell (``seed`` reseeds the stochastic variant)."""
        seed = _args.seed(seed)
        super().reset(seed=seed)
        obs = self.core.reset(seed)
        return int(obs), {}

    def step(self, action: int) -> tuple[int, float, bool, bool, dict[str, Any]]:
        """Falls one row, moving left or right as ``action`` means in the current cell."""
        obs, reward, terminated, truncated = self.core.step(_args.action(action, 2))
        return int(obs), float(reward), terminated, truncated, {}

    def right_action(self, row: int, column: int) -> int:
        """The action that moves right in cell (``row``, ``column``)."""
        return int(self.core.right_action(_args.size("row", row), _args.size("column", column)))

    @property
    def P(self) -> Transitions:  # noqa: N802 (Gymnasium's toy_text name)
        """The transition table ``P[s][a] = [(probability, next_state, reward, terminated)]``.

        Built on first use (``2 * (size**2 + 1)`` entries); rewards are expected values (the
        stochastic variant's noise has mean 0). The end state ``size**2`` loops on itself.
        """
        if self._table is None:
            self._table = self._build_table()
        return self._table

    @property
    def initial_state_distrib(self) -> np.ndarray:
        """Probability of each observation at the start of an episode (all on 0)."""
        space = self.observation_space
        assert isinstance(space, spaces.Discrete)
        dist = np.zeros(int(space.n))
        dist[0] = 1.0
        return dist

    def _build_table(self) -> Transitions:
        n = self.size
        end = n * n
        cost = self.core.move_cost / n
        fail = 0.0 if self.core.deterministic else 1.0 / n
        table: Transitions = {}
        for row in range(n):
            done = row == n - 1
            below = end if done else (row + 1) * n  # the next row's first cell (or the end)
            step = 0 if done else 1
            for col in range(n):
                right = self.core.right_action(row, col)
                moved = min(col + 1, n - 1)
                r_right = (1.0 if col == n - 1 else 0.0) - cost
                if fail == 0.0 or moved == col:
                    go_right = [(1.0, below + step * moved, r_right, done)]
                else:
                    go_right = [(1.0 - fail, below + step * moved, r_right, done),
                                (fail, below + step * col, r_right, done)]  # fmt: skip
                go_left = [(1.0, below + step * max(col - 1, 0), 0.0, done)]
                table[row * n + col] = {right: go_right, 1 - right: go_left}
        table[end] = {a: [(1.0, end, 0.0, True)] for a in range(2)}
        return table

    def render(self) -> str | None:
        """The grid as text: ``A`` agent, ``G`` the rewarding corner, ``.`` other cells."""
        if self.render_mode != "ansi":
            return None
        n = min(self.size, 64)
        rows = [["."] * n for _ in range(n)]
        if self.size <= 64:
            rows[n - 1][n - 1] = "G"
        r, c = self.core.row, self.core.column
        if r < n and c < n:
            rows[r][c] = "A"
        return "\n".join("".join(x) for x in rows) + "\n"

    def __repr__(self) -> str:
        c = self.core
        return (
            f"DeepSeaEnv(size={c.size}, deterministic={c.deterministic}, "
            f"mapping_seed={c.mapping_seed})"
        )

    def _own_step_limit(self) -> int:
        return own_limit(self.core)
