"""stable-baselines3's ``evaluate_policy``, for Gymnasium environments and vector environments."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal, overload

import numpy as np

from hebbian_brain._core import ArgumentTypeError, InvalidArgumentError

__all__ = ["evaluate_policy"]


@overload
def evaluate_policy(
    model: Any,
    env: Any,
    n_eval_episodes: int = 10,
    deterministic: bool = True,
    render: bool = False,
    callback: Callable[[dict[str, Any], dict[str, Any]], None] | None = None,
    reward_threshold: float | None = None,
    return_episode_rewards: Literal[False] = False,
    *,
    max_steps: int = 100_000,
) -> tuple[float, float]: ...


@overload
def evaluate_policy(
    model: Any,
    env: Any,
    n_eval_episodes: int = 10,
    deterministic: bool = True,
    render: bool = False,
    callback: Callable[[dict[str, Any], dict[str, Any]], None] | None = None,
    reward_threshold: float | None = None,
    *,
    return_episode_rewards: Literal[True],
    max_steps: int = 100_000,
) -> tuple[list[float], list[int]]: ...


@overload
def evaluate_policy(
    model: Any,
    env: Any,
    n_eval_episodes: int = 10,
    deterministic: bool = True,
    render: bool = False,
    callback: Callable[[dict[str, Any], dict[str, Any]], None] | None = None,
    reward_threshold: float | None = None,
    return_episode_rewards: bool = False,
    *,
    max_steps: int = 100_000,
) -> tuple[float, float] | tuple[list[float], list[int]]: ...


def evaluate_policy(
    model: Any,
    env: Any,
    n_eval_episodes: int = 10,
    deterministic: bool = True,
    render: bool = False,
    callback: Callable[[dict[str, Any], dict[str, Any]], None] | None = None,
    reward_threshold: float | None = None,
    return_episode_rewards: bool = False,
    *,
    max_steps: int = 100_000,
) -> tuple[float, float] | tuple[list[float], list[int]]:
    """Plays ``n_eval_episodes`` episodes with ``model.predict``, without learning.

    The same contract as stable-baselines3's ``evaluate_policy`` for a single Gymnasium
    environment or a Gymnasium ``VectorEnv`` (episodes are spread over its sub-environments,
    as evenly as stable-baselines3 does).

    Args:
        model: Anything with ``predict(obs, state, episode_start, deterministic)``.
        env: A Gymnasium environment or ``VectorEnv``.
        n_eval_episodes: Episodes to play (> 0).
        deterministic: Greedy actions.
        render: Call ``env.render()`` after each step.
        callback: Called as ``callback(locals(), globals())`` after each step.
        reward_threshold: Raise if the mean return is below it.
        return_episode_rewards: Return the per-episode returns and lengths instead of
            the mean and standard deviation of the returns.
        max_steps: An episode still running after this many steps is cut.

    Returns:
        ``(mean_return, std_return)``, or ``(returns, lengths)`` with
        ``return_episode_rewards``.

    Raises:
        InvalidArgumentError: The mean return is below ``reward_threshold``.
    """
    n = _positive("n_eval_episodes", n_eval_episodes)
    max_steps = _positive("max_steps", max_steps)
    if reward_threshold is not None:
        reward_threshold = _real("reward_threshold", reward_threshold)
    from hebbian_brain._vector import is_vector_env

    if is_vector_env(env):
        returns, lengths = _evaluate_vector(model, env, n, deterministic, render, callback)
    else:
        returns, lengths = [], []
        for _ in range(n):
            obs, _info = env.reset()
            state = None
            total, length = 0.0, 0
            for _step in range(max_steps):
                action, state = model.predict(
                    obs, state=state, episode_start=length == 0, deterministic=deterministic
                )
                obs, reward, terminated, truncated, _info = env.step(_scalar_action(action))
                total += float(reward)
                length += 1
                if render:
                    env.render()
                if callback is not None:
                    callback(locals(), globals())
                if terminated or truncated:
                    break
            returns.append(total)
            lengths.append(length)
    mean = float(np.mean(returns))
    if reward_threshold is not None and mean < reward_threshold:
        raise InvalidArgumentError(
            f"invalid argument `reward_threshold`: the mean return {mean:.3f} is below "
            f"{reward_threshold:.3f}"
        )
    if return_episode_rewards:
        return returns, lengths
    return mean, float(np.std(returns))


def _evaluate_vector(
    model: Any,
    env: Any,
    n: int,
    deterministic: bool,
    render: bool,
    callback: Callable[[dict[str, Any], dict[str, Any]], None] | None,
) -> tuple[list[float], list[int]]:
    """Episodes of a Gymnasium 1.x ``VectorEnv`` (next-step autoreset), spread over its copies."""
    from hebbian_brain._vector import autoreset_mode

    k = int(env.num_envs)
    targets = np.array([(n + i) // k for i in range(k)], dtype=np.int64)
    counts = np.zeros(k, dtype=np.int64)
    totals = np.zeros(k)
    steps = np.zeros(k, dtype=np.int64)
    returns: list[float] = []
    lengths: list[int] = []
    next_step = autoreset_mode(env) == "next_step"
    skip = np.zeros(k, dtype=bool)  # sub-envs whose next step is an autoreset step
    obs, _info = env.reset()
    # A recurrent model's state is passed back each step; episode_starts restarts a copy's.
    states: Any = None
    episode_starts = np.ones(k, dtype=bool)
    while (counts < targets).any():
        actions, states = model.predict(
            obs, state=states, episode_start=episode_starts, deterministic=deterministic
        )
        obs, rewards, terminated, truncated, _info = env.step(np.asarray(actions))
        done = np.logical_or(terminated, truncated)
        # Next-step autoreset: a copy's reset observation comes from the step after its end.
        episode_starts = skip.copy() if next_step else done.copy()
        for i in range(k):
            if skip[i]:
                skip[i] = False
                continue
            totals[i] += float(rewards[i])
            steps[i] += 1
            if done[i]:
                if counts[i] < targets[i]:
                    returns.append(float(totals[i]))
                    lengths.append(int(steps[i]))
                    counts[i] += 1
                totals[i] = 0.0
                steps[i] = 0
                skip[i] = next_step
        if render:
            env.render()
        if callback is not None:
            callback(locals(), globals())
    return returns, lengths


def _scalar_action(action: Any) -> Any:
    """A 0-d action array as a Python int (what Gymnasium's Discrete envs expect)."""
    if isinstance(action, np.ndarray) and action.shape == ():
        return action.item()
    return action


def _real(name: str, value: Any) -> float:
    """A real number that is not NaN (``TypeError`` for a non-number, e.g. a string)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise ArgumentTypeError(f"{name} must be a real number, got {value!r}")
    try:
        x = float(value)
    except OverflowError:
        x = math.nan
    if math.isnan(x):
        raise InvalidArgumentError(
            f"invalid argument `{name}`: must be a number in float range, got {value!r}"
        )
    return x


def _positive(name: str, value: Any) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ArgumentTypeError(f"{name} must be an integer, got {value!r}")
    if not 0 < value < 2**63:
        raise InvalidArgumentError(
            f"invalid argument `{name}`: must be an integer in [1, 2**63), got {value}"
        )
    return int(value)


def greedy_returns(agent: Any, env: Any, episodes: int, max_steps: int) -> np.ndarray:
    """Returns of ``episodes`` greedy episodes of ``agent`` in ``env`` (``Agent.evaluate``).

    An episode still running after ``max_steps`` steps is cut (its partial return counts).
    """
    returns = np.empty(episodes)
    for i in range(episodes):
        obs, _ = env.reset()
        total = 0.0
        for _ in range(max_steps):
            action, _ = agent.predict(obs, deterministic=True)
            obs, reward, terminated, truncated, _ = env.step(int(action))
            total += float(reward)
            if terminated or truncated:
                break
        returns[i] = total
    return returns
