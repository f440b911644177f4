"""Vector entry points of the registered ids (``gymnasium.make_vec``, vector_entry_point mode)."""

from __future__ import annotations

from typing import Any

from hebbian_brain._core import ArgumentTypeError

__all__ = [
    "make_ChainEnv",
    "make_ContextDecisionMakingEnv",
    "make_DeepSeaEnv",
    "make_DelayMatchSampleEnv",
    "make_DelayedNonMatchEnv",
    "make_GridWorldEnv",
    "make_PerceptualDecisionMakingEnv",
    "make_RiverSwimEnv",
]


def _make(cls_name: str, num_envs: int, max_episode_steps: int | None, kwargs: Any) -> Any:
    from gymnasium.vector import SyncVectorEnv
    from gymnasium.wrappers import TimeLimit

    import hebbian_brain.envs as envs

    if isinstance(num_envs, bool) or not isinstance(num_envs, int) or num_envs < 1:
        raise ArgumentTypeError(f"num_envs must be a positive int, got {num_envs!r}")
    cls = getattr(envs, cls_name)

    def one() -> Any:
        env = cls(**kwargs)
        if max_episode_steps is not None:
            env = TimeLimit(env, max_episode_steps=max_episode_steps)
        return env

    return SyncVectorEnv([one for _ in range(num_envs)])


def make_ChainEnv(num_envs: int = 1, max_episode_steps: int | None = None, **kwargs: Any) -> Any:  # noqa: N802
    """``num_envs`` copies of :class:`~hebbian_brain.envs.ChainEnv`."""
    return _make("ChainEnv", num_envs, max_episode_steps, kwargs)


def make_GridWorldEnv(  # noqa: N802
    num_envs: int = 1, max_episode_steps: int | None = None, **kwargs: Any
) -> Any:
    """``num_envs`` copies of :class:`~hebbian_brain.envs.GridWorldEnv`."""
    return _make("GridWorldEnv", num_envs, max_episode_steps, kwargs)


def make_DeepSeaEnv(num_envs: int = 1, max_episode_steps: int | None = None, **kwargs: Any) -> Any:  # noqa: N802
    """``num_envs`` copies of :class:`~hebbian_brain.envs.DeepSeaEnv`."""
    return _make("DeepSeaEnv", num_envs, max_episode_steps, kwargs)


def make_RiverSwimEnv(  # noqa: N802
    num_envs: int = 1, max_episode_steps: int | None = None, **kwargs: Any
) -> Any:
    """``num_envs`` copies of :class:`~hebbian_brain.envs.RiverSwimEnv`."""
    return _make("RiverSwimEnv", num_envs, max_episode_steps, kwargs)


def make_PerceptualDecisionMakingEnv(  # noqa: N802
    num_envs: int = 1, max_episode_steps: int | None = None, **kwargs: Any
) -> Any:
    """``num_envs`` copies of :class:`~hebbian_brain.envs.PerceptualDecisionMakingEnv`."""
    return _make("PerceptualDecisionMakingEnv", num_envs, max_episode_steps, kwargs)


def make_ContextDecisionMakingEnv(  # noqa: N802
    num_envs: int = 1, max_episode_steps: int | None = None, **kwargs: Any
) -> Any:
    """``num_envs`` copies of :class:`~hebbian_brain.envs.ContextDecisionMakingEnv`."""
    return _make("ContextDecisionMakingEnv", num_envs, max_episode_steps, kwargs)


def make_DelayMatchSampleEnv(  # noqa: N802
    num_envs: int = 1, max_episode_steps: int | None = None, **kwargs: Any
) -> Any:
    """``num_envs`` copies of :class:`~hebbian_brain.envs.DelayMatchSampleEnv`."""
    return _make("DelayMatchSampleEnv", num_envs, max_episode_steps, kwargs)


def make_DelayedNonMatchEnv(  # noqa: N802
    num_envs: int = 1, max_episode_steps: int | None = None, **kwargs: Any
) -> Any:
    """``num_envs`` copies of :class:`~hebbian_brain.envs.DelayedNonMatchEnv`."""
    return _make("DelayedNonMatchEnv", num_envs, max_episode_steps, kwargs)
