"""Which class ``Agent(...)`` builds, loads and unpickles: the Box agent registry.

:class:`~hebbian_brain.Agent` is the graph-brain agent; for a ``Box`` observation space with no
``params``, ``config`` or discretizer it builds the class registered here instead
(:class:`~hebbian_brain.ExperienceAgent`, which registers itself when the package is imported:
it subclasses ``Agent``, so ``agent.py`` cannot import it).
"""

from __future__ import annotations

from typing import Any

from hebbian_brain._agent_spaces import _space_module
from hebbian_brain._core import ArgumentTypeError
from hebbian_brain._vector import is_vector_env

__all__ = [
    "BOX_AGENT_KIND",
    "box_agent_for",
    "make_env",
    "register_box_agent",
    "registered_box_agent",
    "wants_box_agent",
]

#: The container kind of the Box-observation agent's files (``ExperienceAgent``).
BOX_AGENT_KIND = b"EXP1"
#: The class ``Agent(...)`` builds for Box observations; hebbian_brain._experience_agent
#: registers ``ExperienceAgent`` here when the package is imported (it subclasses Agent, so
#: this module cannot import it).
_BOX_AGENT: list[Any] = [None]


def register_box_agent(cls: type) -> None:
    """Makes ``cls`` what ``Agent(...)`` builds, loads and unpickles for Box observations."""
    _BOX_AGENT[0] = cls


def wants_box_agent(first: Any, config: Any, observation: Any, params: Any) -> bool:
    """Whether ``Agent(first, config, observation=, params=)`` is for the Box agent.

    That is: no ``config``, ``params`` or discretizer chosen, and a ``Box`` observation space
    given (``observation=``) or read from the environment or VectorEnv.
    """
    if config is not None or params is not None:
        return False
    space = observation
    if space is None:
        if is_vector_env(first):
            space = first.single_observation_space
        elif hasattr(first, "observation_space") and hasattr(first, "action_space"):
            space = first.observation_space
    return isinstance(space, _space_module().Box)


def make_env(env_id: str) -> Any:
    """``gymnasium.make(env_id)`` for a registered id (else ``ArgumentTypeError``)."""
    import gymnasium

    if env_id not in gymnasium.registry:
        raise ArgumentTypeError(
            "action_space_or_n must be an environment, a registered Gymnasium id, a Discrete "
            f"space or an int, got the unregistered id {env_id!r}"
        )
    return gymnasium.make(env_id)


def registered_box_agent() -> Any:
    """The registered Box agent class (None before it is registered)."""
    return _BOX_AGENT[0]


def box_agent_for(first: Any, config: Any, observation: Any, params: Any) -> Any:
    """A bare instance of the Box agent class when ``Agent(...)`` is for it, else None.

    An environment made from a Gymnasium id is kept on it (``_made_env``) for its ``__init__``.
    """
    box_agent = _BOX_AGENT[0]
    if box_agent is None or first is None:
        return None
    made = make_env(first) if isinstance(first, str) else first
    if not wants_box_agent(made, config, observation, params):
        return None
    agent = object.__new__(box_agent)
    agent._made_env = made if made is not first else None
    return agent
