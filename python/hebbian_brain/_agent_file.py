"""An agent's file metadata: what the Python side saves beside the Rust core, and reads back."""

from __future__ import annotations

import json
from typing import Any

from hebbian_brain._agent_spaces import MAX_ACTIONS, _Encoder, _space_module, restore_shape
from hebbian_brain._core import AgentCore, FileFormatError
from hebbian_brain._metadata import Metadata
from hebbian_brain._state_memory import StateMemory

#: The metadata's format tag.
FORMAT = "hebbian_brain.Agent/1"


def agent_metadata(agent: Any) -> str:
    """The JSON metadata saved with an ``Agent``: spaces, seed and state names."""
    return json.dumps(
        {
            "format": FORMAT,
            "n_actions": agent._n,
            "action_start": agent._start,
            "observation": agent._encoder.to_json(),
            "seed": agent._seed,
            "state_observations": agent._state_memory.to_json(),
            "state_labels": agent._state_labels and agent._state_labels.to_json(),
        }
    )


def restore_agent(agent: Any, core: AgentCore, meta_text: Any, origin: str) -> None:
    """Fills a bare ``agent`` from a loaded core and its metadata (checked, named errors)."""
    meta = Metadata.parse(origin, "agent", meta_text)
    meta.string("format", equal=FORMAT)
    n = meta.integer("n_actions", low=1, high=MAX_ACTIONS)
    start = meta.integer("action_start", low=-(2**63), high=2**63 - 1 - n)
    seed = meta.integer("seed", low=0, none=True)
    observation = meta.mapping("observation", none=True)
    if n != core.n_actions:
        raise meta.bad("n_actions", f"is {n}, but the agent in the file has {core.n_actions}")
    spaces = _space_module()
    try:
        action_space = spaces.Discrete(n, start=start)
        encoder = _Encoder(_Encoder.from_json(observation))
        restore_shape(encoder, observation)
    except FileFormatError as e:
        raise FileFormatError(f"{origin}: {e}") from None
    except (KeyError, TypeError, ValueError, AssertionError, OverflowError) as e:
        # gymnasium checks its arguments with assert
        raise meta.bad("observation", f"does not describe a space ({e!r})") from None
    agent._n = n
    agent._start = start
    agent.action_space = action_space
    agent._encoder = encoder
    agent._seed = seed
    agent._reset_seed_used = True
    core.set_discrete(encoder.discrete)
    agent._core = core
    agent._state_memory, agent._state_labels = _restore_state_names(meta)


def _restore_state_names(meta: Metadata) -> tuple[StateMemory, Any]:
    """The kept observations and state labels of an agent file (absent in older files)."""
    memory = StateMemory()
    if meta.data.get("state_observations") is not None:
        memory = StateMemory.from_json(meta.data["state_observations"], meta.origin)
    return memory, saved_labels(meta)


def saved_labels(meta: Metadata) -> Any:
    """The saved ``state_labels`` (how pictures name states and actions), None if absent."""
    from hebbian_brain.viz._labels import StateLabels

    if meta.data.get("state_labels") is None:
        return None
    try:
        return StateLabels.from_json(meta.data["state_labels"])
    except ValueError as e:
        raise meta.bad("state_labels", f"does not describe labels ({e})") from None
