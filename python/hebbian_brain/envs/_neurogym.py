"""An adapter for tasks written for NeuroGym: one trial, one episode.

NeuroGym's ``TrialEnv`` chains trials into one endless episode and marks the last step of
each with ``info["new_trial"] = True``. Agents that learn per episode (the recurrent agents of
:mod:`hebbian_brain.rnn`) need the trial to end the episode: :class:`NeuroGymTrials` does that,
and nothing else. NeuroGym itself is not imported: any environment that follows its
conventions (``Box`` observations, ``Discrete`` actions, ``info["new_trial"]``) works, and its
trials feed the supervised trainers through :func:`hebbian_brain.tasks.trial_batch`.

Example:
    >>> import neurogym as ngym  # doctest: +SKIP
    >>> env = NeuroGymTrials(ngym.make("PerceptualDecisionMaking-v0"))  # doctest: +SKIP
    >>> agent = NodePerturbationAgent(env, seed=0).learn(episodes=5000)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym

__all__ = ["NeuroGymTrials"]


class NeuroGymTrials(gym.Wrapper[Any, Any, Any, Any]):
    """Ends the episode at the end of each trial of a NeuroGym-style task.

    ``step`` returns ``terminated=True`` on the step whose ``info["new_trial"]`` is true;
    ``reset`` starts a fresh trial (the wrapped env's ``reset``). Everything else — the
    spaces, ``info["gt"]``, ``new_trial()``, ``ob``, ``gt``, ``timing``, ``dt`` — passes through.

    Args:
        env: A task with NeuroGym's conventions.
        max_trial_steps: Truncates a trial that runs longer (None: never).
    """

    def __init__(self, env: Any, max_trial_steps: int | None = None) -> None:
        super().__init__(env)
        self.max_trial_steps = max_trial_steps
        self._steps = 0

    def reset(self, **kwargs: Any) -> Any:
        """Resets the wrapped task (a new trial)."""
        self._steps = 0
        return self.env.reset(**kwargs)

    def step(self, action: Any) -> Any:
        """One step; the trial's last step terminates the episode."""
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._steps += 1
        if info.get("new_trial", False):
            terminated = True
        if self.max_trial_steps is not None and self._steps >= self.max_trial_steps:
            truncated = True
        return obs, reward, terminated, truncated, info

    def new_trial(self, **kwargs: Any) -> Any:
        """The wrapped task's ``new_trial``."""
        return getattr(self.env.unwrapped, "new_trial")(**kwargs)  # noqa: B009 (duck-typed)
