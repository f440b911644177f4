"""What an ``ExperienceAgent`` saves beside its graph, and its stable-baselines3 parameters.

The graph itself (steps, values, generator) is the Rust core's ``EXP1`` container
(``rust/core/src/experience/file.rs``); the Python side adds JSON metadata: the spaces, the
seed, the step and episode counts and the per-episode history.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from hebbian_brain._agent_file import saved_labels
from hebbian_brain._agent_spaces import MAX_ACTIONS, _space_module
from hebbian_brain._core import ExperienceCore, FileFormatError, InvalidArgumentError, ShapeError
from hebbian_brain._metadata import Metadata
from hebbian_brain.rnn._agent_support import _space_from_json, _space_json

__all__ = [
    "MAX_OBSERVATION",
    "agent_metadata",
    "core_from_parameters",
    "graph_parameters",
    "real_array",
    "restore_agent",
]

#: The metadata's format tag.
FORMAT = "hebbian_brain.ExperienceAgent/1"

#: Largest magnitude of an observation value (``hebbian_core::experience::MAX_OBSERVATION``).
MAX_OBSERVATION = 1e100


def real_array(name: str, value: Any, what: str) -> np.ndarray:
    """``value`` as a float64 array, refused unless it holds real numbers (bool, int, float).

    Raises:
        InvalidArgumentError: Not an array of real numbers (strings, complex, objects, ragged
            lists, ints beyond 64 bits), naming ``name`` and what was expected.
    """
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        arr = None
    if arr is None or arr.dtype.kind not in "biuf":
        kind = "a ragged sequence" if arr is None else f"dtype {arr.dtype}"
        raise InvalidArgumentError(
            f"invalid argument `{name}`: expected {what} (real numbers), got {kind}"
        )
    return arr.astype(np.float64, copy=False)


def agent_metadata(agent: Any) -> str:
    """The JSON metadata saved with an ``ExperienceAgent``."""
    return json.dumps(
        {
            "format": FORMAT,
            "observation_space": _space_json(agent.observation_space),
            "n_actions": agent._n,
            "action_start": agent._start,
            "seed": agent._seed,
            "steps": agent._steps,
            "episodes": agent._episodes,
            "returns": agent._returns,
            "lengths": agent._lengths,
            "terminated": agent._terminated,
            "episode": agent._episode,
            "state_labels": agent._state_labels and agent._state_labels.to_json(),
        }
    )


def restore_agent(agent: Any, core: ExperienceCore, meta_text: str, origin: str) -> None:
    """Fills a bare ``agent`` from a loaded core and its metadata (checked, named errors)."""
    meta = Metadata.parse(origin, "agent", meta_text)
    meta.string("format", equal=FORMAT)
    n = meta.integer("n_actions", low=1, high=MAX_ACTIONS)
    start = meta.integer("action_start", low=-(2**63), high=2**63 - 1 - n)
    if n != core.n_actions:
        raise meta.bad("n_actions", f"is {n}, but the graph in the file has {core.n_actions}")
    try:
        space = _space_from_json(meta.mapping("observation_space"))
        returns = [_real(v) for v in meta.items("returns")]
        lengths = [_count(v) for v in meta.items("lengths", length=len(returns))]
        terminated = [_flag(v) for v in meta.items("terminated", length=len(returns))]
        ep_return, ep_len = meta.items("episode", length=2)
        episode = [_real(ep_return), _count(ep_len)]
    except FileFormatError:
        raise
    except (KeyError, TypeError, ValueError, AssertionError, OverflowError) as e:
        raise FileFormatError(f"{origin}: damaged agent metadata ({e!r})") from None
    try:
        agent._set_spaces(_space_module().Discrete(n, start=start), space)
    except (ShapeError, InvalidArgumentError) as e:
        raise meta.bad("observation_space", str(e)) from None
    if agent._dim != core.dim:
        raise meta.bad("observation_space", f"has {agent._dim} values, the graph {core.dim}")
    core.observation_space = repr(space)
    agent._core = core
    agent._seed = meta.integer("seed", low=0, none=True)
    agent._init_counts()
    agent._reset_seed_used = True
    agent._steps = meta.integer("steps", low=0)
    agent._episodes = meta.integer("episodes", low=0)
    agent._returns, agent._lengths, agent._terminated = returns, lengths, terminated
    agent._episode = episode
    agent._state_labels = saved_labels(meta)


def _real(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v):
        raise ValueError(f"{v!r} is not a finite number")
    return float(v)


def _count(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise ValueError(f"{v!r} is not a count")
    return v


def _flag(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError(f"{v!r} is not true or false")
    return v


def graph_parameters(agent: Any) -> dict[str, dict[str, Any]]:
    """``get_parameters()`` of an ``ExperienceAgent``: its steps (copies) and parameters."""
    x, a, r, x2, term = agent._core.steps()
    return {
        "graph": {
            "observations": x,
            "actions": a,
            "rewards": r,
            "next_observations": x2,
            "terminated": term,
        },
        "params": agent.params,
    }


def core_from_parameters(agent: Any, d: Any) -> ExperienceCore:
    """A new planned core holding the steps of ``d`` (``get_parameters()`` layout).

    Raises:
        InvalidArgumentError: Unknown or missing keys, or values that do not convert.
        ShapeError: Arrays that do not fit the agent's observations or each other.
    """
    if not isinstance(d, dict) or "graph" not in d or (set(d) - {"graph", "params"}):
        raise InvalidArgumentError(
            "invalid argument `load_path_or_dict`: expected the keys 'graph' (and optionally "
            f"'params') as get_parameters() returns them, got {sorted(map(str, d))}"
        )
    g = d["graph"]
    name = "load_path_or_dict"
    try:
        x = real_array(name, g["observations"], "observations")
        a = np.asarray(g["actions"])
        r = real_array(name, g["rewards"], "rewards")
        x2 = real_array(name, g["next_observations"], "next observations")
        term = np.asarray(g["terminated"])
    except (KeyError, TypeError) as e:
        raise InvalidArgumentError(f"invalid argument `{name}`: {e!r}") from None
    if a.dtype.kind not in "iu" or term.dtype.kind != "b":
        raise InvalidArgumentError(
            f"invalid argument `{name}`: 'actions' must be integers and 'terminated' booleans, "
            f"got dtypes {a.dtype} and {term.dtype}"
        )
    n, dim = (len(a) if a.ndim == 1 else -1), agent._dim
    if a.shape != (n,) or x.shape != (n, dim) or x2.shape != (n, dim):
        raise ShapeError(f"invalid shape of `load_path_or_dict`: steps of {dim} values expected")
    if r.shape != (n,) or term.shape != (n,):
        raise ShapeError("invalid shape of `load_path_or_dict`: one reward and flag per step")
    params = d.get("params") or {}
    if not isinstance(params, dict) or set(params) - set(agent.params):
        raise InvalidArgumentError(
            f"invalid argument `load_path_or_dict`: 'params' must hold keys of {agent.params}"
        )
    core = ExperienceCore(
        dim,
        agent._n,
        seed=agent._seed,
        observation_space=repr(agent.observation_space),
        **{**agent.params, **params},
    )
    if a.size and (a.min() < 0 or a.max() >= agent._n):
        raise InvalidArgumentError(
            f"invalid argument `load_path_or_dict`: actions must be in [0, {agent._n})"
        )
    core.store_many(np.ascontiguousarray(x), a.astype(np.int64), r, np.ascontiguousarray(x2), term)
    if n:
        core.dream()
    return core
