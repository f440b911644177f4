"""``hebbian_brain/RiverSwim-v0``: swim against the current for the large reward upstream."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from hebbian_brain._core import RiverSwimCore
from hebbian_brain.envs import _args
from hebbian_brain.envs._spec import OwnStepLimit, own_limit

Transitions = dict[int, dict[int, list[tuple[float, int, float, bool]]]]


class RiverSwimEnv(OwnStepLimit, gym.Env[Any, Any]):
    """A chain of states against a current: a trickle of reward nearby, a large one upstream.

    ## Description
    RiverSwim (Strehl & Littman 2008, "An analysis of model-based Interval Estimation for
    Markov Decision Processes", Journal of Computer and System Sciences 74(8)), with the
    probabilities and rewards of Osband, Russo & Van Roy (2013, "(More) Efficient Reinforcement
    Learning via Posterior Sampling", NeurIPS), the variant most later work uses. Swimming
    downstream is easy and the near bank pays a little at once; swimming upstream usually fails
    but the far end pays 200 times more per step. Swimming right everywhere is optimal; an agent
    that exploits its first rewards stays at the near bank.

    ## Action Space
    ``Discrete(2)``: 0 swims downstream (left), 1 upstream (right).

    ## Observation Space
    ``Discrete(n_states)``: the agent's state, 0 at the near bank.

    ## Starting State
    Always state 0.

    ## Rewards
    Left always moves one state left (staying at 0); taking it in state 0 pays ``left_reward``
    (0.005). Right in state 0 moves right with probability 0.6 and stays with 0.4; in the middle
    states it moves right with 0.35, stays with 0.6 and drifts left with 0.05; in the last
    state it stays with 0.6, paying ``right_reward`` (1), and drifts left with 0.4. Every other
    step pays 0.

    ## Episode End
    The task is continuing: nothing terminates. Truncation after ``max_steps`` steps (default
    20, as in Osband et al. 2013). With 20 steps, swimming right everywhere is also the best
    stationary policy from state 0 (its optimality for a discount of 0.95 is what
    ``bench/learning.py`` checks).

    ## Arguments
    * ``n_states`` (int, default 6): length of the river, 2 to 2**20.
    * ``max_steps`` (int or None): step limit of an episode; ``None`` means 20.
    * ``left_reward`` (float, default 0.005) and ``right_reward`` (float, default 1.0): the two
      rewards, finite (Strehl & Littman used 5 and 10 000).
    * ``render_mode`` (``"ansi"`` or None).

    The transition table :attr:`P` (Gymnasium toy_text's format) and
    :attr:`initial_state_distrib` give the exact model.

    ## Version History
    * v0: initial version.
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(
        self,
        n_states: int = 6,
        max_steps: int | None = None,
        left_reward: float = 0.005,
        right_reward: float = 1.0,
        render_mode: str | None = None,
    ) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(
                f"render_mode must be one of {self.metadata['render_modes']} or None, "
                f"got {render_mode!r}"
            )
        self.core = RiverSwimCore(
            n_states=_args.size("n_states", n_states),
            max_steps=_args.size("max_steps", max_steps, optional=True),
            left_reward=float(left_reward),
            right_reward=float(right_reward),
        )
        self.observation_space = spaces.Discrete(self.core.n_states)
        self.action_space = spaces.Discrete(2)
        self.render_mode = render_mode
        self._table: Transitions | None = None

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        """Starts an episode in state 0 (``seed`` reseeds the current)."""
        seed = _args.seed(seed)
        super().reset(seed=seed)
        obs = self.core.reset(seed)
        return int(obs), {}

    def step(self, action: int) -> tuple[int, float, bool, bool, dict[str, Any]]:
        """Swims left (0) or right (1)."""
        obs, reward, terminated, truncated = self.core.step(_args.action(action, 2))
        return int(obs), float(reward), terminated, truncated, {}

    @property
    def P(self) -> Transitions:  # noqa: N802 (Gymnasium's toy_text name)
        """The transition table ``P[s][a] = [(probability, next_state, reward, terminated)]``."""
        if self._table is None:
            n = self.core.n_states
            left_r, right_r = self.core.left_reward, self.core.right_reward
            table: Transitions = {}
            for s in range(n):
                p_left, p_stay, p_right = self.core.upstream_probabilities(s)
                up = [
                    (p_left, s - 1, 0.0, False),
                    (p_stay, s, right_r if s == n - 1 else 0.0, False),
                    (p_right, s + 1, 0.0, False),
                ]
                table[s] = {
                    0: [(1.0, max(s - 1, 0), left_r if s == 0 else 0.0, False)],
                    1: [entry for entry in up if entry[0] > 0.0],
                }
            self._table = table
        return self._table

    @property
    def initial_state_distrib(self) -> np.ndarray:
        """Probability of each state at the start of an episode (all on 0)."""
        dist = np.zeros(self.core.n_states)
        dist[0] = 1.0
        return dist

    def render(self) -> str | None:
        """The river as text: ``A`` agent, ``~`` water, ``G`` the rewarding far end."""
        if self.render_mode != "ansi":
            return None
        n = self.core.n_states
        cells = ["~"] * min(n, 200)
        if n <= 200:
            cells[-1] = "G"
        if self.core.position < len(cells):
            cells[self.core.position] = "A"
        return "".join(cells) + "\n"

    def __repr__(self) -> str:
        return f"RiverSwimEnv(n_states={self.core.n_states}, max_steps={self.core.max_steps})"

    def _own_step_limit(self) -> int:
        return own_limit(self.core)
