"""Every public entry point that takes user data, fed wrong values one argument at a time.

For each target (a constructor, a function, or a method on a freshly built object) and each of
its arguments, a battery of bad values of the argument's kind is substituted for a good value:
wrong types, bools where ints are expected, NaN/inf, negative and huge sizes, wrong shapes and
dtypes. Each call must raise a clean Python exception of the expected built-in family (never a
bare RuntimeError, SystemError or a Rust panic), and a method call must leave its object exactly
as it was (a snapshot is compared).
"""

from __future__ import annotations

import copy
import json
import os
import pickle
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

import hebbian_brain as hb
import hebbian_brain.viz
from hebbian_brain import analysis, optim, rnn, tasks


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    """Relative paths some targets write ("x.html", "history.csv", "logs/") land in tmp_path."""
    monkeypatch.chdir(tmp_path)


HUGE = 2**62
CLEAN = (TypeError, ValueError, IndexError, LookupError, OverflowError, MemoryError, OSError)

# ---------------------------------------------------------------- bad values by kind
#: (value, expected exception family)
INT = [
    (True, TypeError),
    (False, TypeError),
    (1.5, (TypeError, ValueError)),
    ("3", (TypeError, ValueError)),
    (None, (TypeError, ValueError)),
    (np.float64(2.0), (TypeError, ValueError)),
    (-1, (ValueError, IndexError, OverflowError)),
    (2**64, (ValueError, IndexError, OverflowError)),
]
SIZE = [*INT, (HUGE, (ValueError, IndexError, OverflowError, MemoryError))]
INDEX = [*INT, (HUGE, (ValueError, IndexError, OverflowError))]
REAL = [
    (np.nan, ValueError),
    (np.inf, ValueError),
    (-np.inf, ValueError),
    ("0.5", TypeError),
    (None, TypeError),
    (1j, TypeError),
]
#: numpy-seeded objects take any non-negative int; Rust-seeded ones need it below 2**64.
SEED = [(-1, (ValueError, OverflowError)), (1.5, TypeError), ("1", TypeError), (True, TypeError)]
SEED64 = [*SEED, (2**64, (ValueError, OverflowError))]
#: a real parameter whose None means "the default"
REAL_OR_NONE = [v for v in REAL if v[0] is not None]
PATH = [(3.5, TypeError), (None, TypeError), (["a"], TypeError)]


def arrays(shape: tuple[int, ...], square: bool = False) -> list[tuple[Any, Any]]:
    """Bad versions of a float array of `shape`: ndim, length, dtype, NaN, inf."""
    good = np.zeros(shape)
    wrong = tuple(s + i + 1 for i, s in enumerate(shape))  # a different shape, never square
    bad: list[tuple[Any, Any]] = [
        (good[..., None], ValueError),
        (good.reshape(-1)[:0] if good.ndim > 1 else good[None, None], ValueError),
        (np.zeros(wrong if square else tuple(s + 1 for s in shape)), ValueError),
        (good.astype(str), TypeError),
        (good.astype(object), (TypeError, ValueError)),
        (good.astype(complex), TypeError),
        (np.full(shape, np.nan), ValueError),
        (np.full(shape, np.inf), ValueError),
        ("abc", (TypeError, ValueError)),
        (None, (TypeError, ValueError)),
    ]
    return bad


# ---------------------------------------------------------------- targets
@dataclass
class Target:
    """`call(obj, **kwargs)` on `make()`'s object; `bad` maps an argument to its bad values."""

    name: str
    make: Callable[[], Any]
    call: Callable[..., Any]
    good: dict[str, Any]
    bad: dict[str, list[tuple[Any, Any]]]
    snapshot: Callable[[Any], Any] | None = None
    skip: set[tuple[str, Any]] = field(default_factory=set)


def small_brain() -> hb.Brain:
    b = hb.Brain(seed=0)
    for i in range(4):
        b.get_or_create_node(i, i % 2)
    b.learn_transitions([0, 1, 2], [1, 2, 3], [0.0, 0.5, 1.0])
    return b


def brain_snapshot(b: hb.Brain) -> bytes:
    return b.to_bytes()


def agent() -> hb.Agent:
    """An agent between steps (the next call is act)."""
    from gymnasium import spaces

    a = hb.Agent(2, seed=0, observation=spaces.Discrete(5))
    a.act(0)
    a.observe(1.0, 1, False, False)
    return a


def agent_awaiting() -> hb.Agent:
    """An agent that acted (the next call is observe)."""
    a = agent()
    a.act(1)
    return a


def agent_snapshot(a: hb.Agent) -> bytes:
    return a.to_bytes()


def network() -> rnn.RecurrentNetwork:
    return rnn.RecurrentNetwork(2, 6, 1, rule=rnn.Hebbian(), seed=0)


def network_snapshot(n: rnn.RecurrentNetwork) -> bytes:
    return pickle.dumps(n)


def plastic() -> rnn.PlasticRNN:
    return rnn.PlasticRNN(5, seed=0)


def plastic_snapshot(p: rnn.PlasticRNN) -> tuple[bytes, ...]:
    return tuple(x.tobytes() for x in (p.w, p.alpha, p.eta))


def none() -> None:
    return None


# ------------------------------------------------ newer entry points (issue 15, continued)
COGNITIVE = {
    "PerceptualDecisionMakingEnv": hb.envs.PerceptualDecisionMakingEnv,
    "ContextDecisionMakingEnv": hb.envs.ContextDecisionMakingEnv,
    "DelayMatchSampleEnv": hb.envs.DelayMatchSampleEnv,
    "DelayedNonMatchEnv": hb.envs.DelayedNonMatchEnv,
}
TIMING = [
    ({"stimulus": np.nan}, ValueError),
    ({"stimulus": -100.0}, ValueError),
    ({"stimulus": 1e300}, ValueError),
    ({"stimulus": ("uniform", (1.0,))}, ValueError),
    ({"stimulus": ("gamma", (1.0, 2.0))}, ValueError),
    ({"stimulus": "x"}, ValueError),
    ("x", TypeError),
]
REWARDS = [({"correct": np.nan}, ValueError), ({"bogus": 1.0}, ValueError),
           ({"correct": "x"}, (TypeError, ValueError)), (3, TypeError)]


def _cognitive_targets(name: str, cls: Any) -> list[Target]:
    bad: dict[str, list[tuple[Any, Any]]] = {
        "dt": [*REAL, (0.0, ValueError), (-1.0, ValueError), (1e-300, ValueError)],
        "timing": TIMING,
        "rewards": REWARDS,
        "sigma": [*REAL, (-1.0, ValueError)],
    }
    if "dim_ring" in cls.__init__.__code__.co_varnames:
        bad["dim_ring"] = [*SIZE, (0, ValueError), (1, ValueError)]
    if "cohs" in cls.__init__.__code__.co_varnames:
        bad["cohs"] = [([np.nan], ValueError), ([], ValueError), (3, (TypeError, ValueError)),
                       (["x"], TypeError)]
    started = lambda: _reset(cls())  # noqa: E731
    return [
        Target(f"{name}()", none, lambda _, **k: cls(**k), {"dt": 100.0}, bad),
        Target(f"{name}.step", started, lambda e, **k: e.step(**k), {"action": 0},
               {"action": [(True, TypeError), (-1, ValueError), (2**64, ValueError),
                           (cls().action_space.n, ValueError), (1.5, TypeError),
                           (None, TypeError)]}),
        Target(f"{name}.reset", cls, lambda e, **k: e.reset(**k),
               {"seed": 0, "options": None},
               {"seed": [(-1, ValueError), (1.5, TypeError), (2**64, ValueError),
                         ("1", TypeError), (True, TypeError)],
                "options": [({"ground_truth": 0}, ValueError),
                            ({"ground_truth": 2**64}, ValueError),
                            ({"bogus": 1}, TypeError), ("x", (TypeError, ValueError))]}),
        Target(f"{name}.new_trial", started, lambda e, **k: e.new_trial(**k),
               {"ground_truth": 1},
               {"ground_truth": [(0, ValueError), (-1, ValueError), (2**64, ValueError),
                                 (HUGE, ValueError), (True, TypeError), (1.5, TypeError)]}),
    ]


def quantile() -> hb.QuantileDiscretizer:
    q = hb.QuantileDiscretizer([0.0, 0.0], [1.0, 1.0], warmup=2)
    q([0.1, 0.2])
    q([0.7, 0.9])
    return q


def quantile_snapshot(q: hb.QuantileDiscretizer) -> bytes:
    return q.to_bytes()


def _box_env() -> Any:
    return hb.envs.DelayedNonMatchEnv()


def _recurrent_targets(name: str, cls: Any) -> list[Target]:
    make = lambda: cls(_box_env(), 8, seed=0)  # noqa: E731
    snap = lambda a: a.to_bytes()  # noqa: E731
    return [
        Target(f"{name}()", none, lambda _, **k: cls(_box_env(), **k),
               {"n_neurons": 8, "seed": 0},
               {"n_neurons": [*SIZE, (0, ValueError)], "seed": SEED64,
                # obs_scale is checked in Python: a non-number is a library ValueError
                "obs_scale": [(np.nan, ValueError), (np.inf, ValueError), (0.0, ValueError),
                              (-1.0, ValueError), ("0.5", (TypeError, ValueError)),
                              (None, (TypeError, ValueError))],
                "learning_rate": [*REAL, (-1.0, ValueError)],
                "bogus_parameter": [(1.0, TypeError)]}),
        Target(f"{name}.predict", make, lambda a, **k: a.predict(**k),
               {"observation": np.zeros(3, dtype=np.float32)},
               {"observation": [*arrays((3,)), (np.zeros(3, dtype=bool), TypeError)],
                "state": [(np.zeros(5), ValueError), (np.full(8, np.nan), ValueError)]}, snap),
        Target(f"{name}.learn", make, lambda a, **k: a.learn(**k), {"episodes": 1},
               {"episodes": [(True, (TypeError, ValueError)), (-1, ValueError),
                             (1.5, (TypeError, ValueError)), ("1", (TypeError, ValueError)),
                             (2**64, ValueError)],
                "log_interval": [(0, ValueError), (-1, ValueError),
                                 (True, (TypeError, ValueError))]}),
    ]


def trained_agent() -> hb.Agent:
    from gymnasium import spaces

    a = hb.Agent(2, seed=0, observation=spaces.Discrete(3))
    a.learn(hb.envs.ChainEnv(length=3), episodes=2)
    return a


def _set_parameters(a: hb.Agent, **k: Any) -> None:
    a.set_parameters(**k)


def _evaluate(a: hb.Agent, **k: Any) -> Any:
    return hb.evaluate_policy(a, hb.envs.ChainEnv(length=3), **k)


QUANTILE_OBS = [
    (np.array([np.nan, 0.5]), ValueError), (np.zeros(3), ValueError), (np.zeros(1), ValueError),
    (np.zeros(2).astype(str), TypeError), (np.zeros(2).astype(object), TypeError),
    (np.zeros(2).astype(complex), TypeError), ("abc", TypeError), (None, TypeError),
]
COUNT = [(True, TypeError), (0, ValueError), (-1, ValueError), (1.5, TypeError), ("1", TypeError),
         (None, TypeError)]
NEWER_TARGETS = [
    *(t for name, cls in COGNITIVE.items() for t in _cognitive_targets(name, cls)),
    Target("QuantileDiscretizer()", none, lambda _, **k: hb.QuantileDiscretizer(**k),
           {"low": [0.0, 0.0], "high": [1.0, 1.0], "warmup": 2},
           {"low": [([np.nan, 0.0], ValueError), ([0.0, 0.0, 0.0], ValueError),
                    ("a", (TypeError, ValueError)), ([], ValueError)],
            "high": [([np.nan, 1.0], ValueError), ([-1.0, 1.0], ValueError)],
            "cells": [*SIZE, (0, ValueError)],
            "warmup": INT[:6] + [(-1, ValueError), (2**64, ValueError), (HUGE, ValueError)],
            "max_cells": SIZE, "split_after": INT}),
    # an observation's values are flattened and +-inf falls in the outer cells (documented)
    Target("QuantileDiscretizer.cell", quantile, lambda q, **k: q.cell(**k),
           {"obs": np.array([0.5, 0.5])}, {"obs": QUANTILE_OBS}, quantile_snapshot),
    Target("QuantileDiscretizer.__call__(warmup)",
           lambda: hb.QuantileDiscretizer([0.0, 0.0], [1.0, 1.0], warmup=5),
           lambda q, **k: q(k["obs"]), {"obs": np.array([0.5, 0.5])}, {"obs": QUANTILE_OBS},
           quantile_snapshot),
    Target("QuantileDiscretizer.from_bytes", none,
           lambda _, **k: hb.QuantileDiscretizer.from_bytes(**k), {"data": quantile().to_bytes()},
           {"data": [(b"", ValueError), (b"\x00" * 64, ValueError), ("text", TypeError),
                     (None, TypeError)]}),
    *_recurrent_targets("NodePerturbationAgent", rnn.NodePerturbationAgent),
    *_recurrent_targets("RewardHebbianAgent", rnn.RewardHebbianAgent),
    Target("EvalCallback()", none, lambda _, **k: hb.callbacks.EvalCallback(**k),
           {"eval_env": hb.envs.ChainEnv(length=3), "n_eval_episodes": 1, "eval_freq": 1},
           {"n_eval_episodes": COUNT, "eval_freq": COUNT,
            "log_path": [(3.5, TypeError), (["a"], TypeError)],
            "best_model_save_path": [(3.5, TypeError)],
            "callback_on_new_best": [(3, TypeError), ("x", TypeError)],
            "callback_after_eval": [(3, TypeError)]}),
    Target("CheckpointCallback()", none, lambda _, **k: hb.callbacks.CheckpointCallback(**k),
           {"save_freq": 1, "save_path": "checkpoints"},
           {"save_freq": COUNT, "save_path": [(3.5, TypeError), (None, TypeError)]}),
    Target("StopTrainingOnRewardThreshold()", none,
           lambda _, **k: hb.callbacks.StopTrainingOnRewardThreshold(**k),
           {"reward_threshold": 1.0},
           {"reward_threshold": [(np.nan, ValueError), ("0.5", TypeError), (None, TypeError),
                                 (1j, TypeError), ("x", TypeError)]}),
    Target("EveryNTimesteps()", none, lambda _, **k: hb.callbacks.EveryNTimesteps(**k),
           {"n_steps": 1, "callback": hb.callbacks.BaseCallback()},
           {"n_steps": COUNT, "callback": [(None, TypeError), (3, TypeError)]}),
    Target("logger.configure", none, lambda _, **k: hb.logger.configure(**k),
           {"folder": "logs", "format_strings": ["csv"]},
           {"folder": [(3.5, TypeError), (["a"], TypeError)],
            "format_strings": [(["bogus"], ValueError), (3, TypeError), ([3], ValueError)]}),
    Target("logger.make_output_format", none, lambda _, **k: hb.logger.make_output_format(**k),
           {"name": "csv", "folder": "logs"},
           {"name": [("bogus", ValueError), (None, TypeError), (3, TypeError)],
            "folder": [(3.5, TypeError), (None, TypeError)],
            "suffix": [("/x", ValueError), ("\x00", ValueError), (3, TypeError)]}),
    Target("evaluate_policy", trained_agent, _evaluate, {"n_eval_episodes": 1},
           {"n_eval_episodes": COUNT,
            "max_steps": [(True, TypeError), (0, ValueError), (-1, ValueError), (1.5, TypeError)],
            "reward_threshold": [(np.nan, ValueError), ("x", TypeError)]}),
    Target("viz.brain_dot", small_brain, lambda b, **k: hb.viz.brain_dot(b, **k),
           {"max_nodes": 10},
           {"max_nodes": [(0, ValueError), (-1, ValueError), (True, (TypeError, ValueError)),
                          ("x", ValueError), (1.5, (TypeError, ValueError))],
            "rank_by": [("bogus", ValueError), (None, (TypeError, ValueError))],
            "start": [(12345, ValueError), (np.nan, (TypeError, ValueError))],
            "around": [(12345, ValueError), (object(), TypeError)],
            "hops": [(-1, ValueError), (True, TypeError), (1.5, TypeError)],
            "max_edges": [(-1, ValueError), (True, TypeError), (1.5, TypeError)],
            "min_weight": [(np.nan, ValueError), ("x", (TypeError, ValueError))],
            "layout": [("bogus", ValueError)]}, brain_snapshot),
    Target("viz.render_brain", small_brain, lambda b, **k: hb.viz.render_brain(b, **k),
           {"path": "x.dot", "max_nodes": 10},
           {"path": PATH, "max_nodes": [(0, ValueError), ("x", ValueError)],
            "rank_by": [("bogus", ValueError)], "around": [(12345, ValueError)],
            "start": [(12345, ValueError)],
            "format": [("bogus", ValueError), ("\x00", ValueError), ("png -o x", ValueError)],
            "engine": [("bogus", ValueError)]}, brain_snapshot),
    Target("viz.brain_html", small_brain, lambda b, **k: hb.viz.brain_html(b, **k),
           {"path": "x.html"},
           {"path": PATH,
            "max_nodes": [(0, ValueError), (-1, ValueError), ("x", (TypeError, ValueError))],
            "top_k": [(0, ValueError), (-1, ValueError), ("x", ValueError)],
            "replay_ms": [(-1, ValueError), (np.nan, ValueError), ("x", ValueError)]},
           brain_snapshot),
    Target("viz.StateLabels()", none, lambda _, **k: hb.viz.StateLabels(**k).label(5),
           {"kind": "grid", "rows": 4, "cols": 4},
           {"kind": [("bogus", ValueError), (None, ValueError)],
            "rows": [(None, ValueError), (-1, ValueError), (0, ValueError), (True, ValueError)],
            "cols": [(1.5, ValueError), (0, ValueError)],
            "cells": [(3, TypeError)]}),
    Target("Agent.set_parameters", trained_agent, _set_parameters,
           {"load_path_or_dict": trained_agent().get_parameters()},
           {"load_path_or_dict": [
               ({"brain": 3, "params": 4}, ValueError), ({}, ValueError), ({"x": 1}, ValueError),
               ({"brain": {"brain": 3}, "params": {"params": 4}}, TypeError),
               ({"brain": {}, "params": {}}, ValueError),
               ({1: 2, "a": 3}, ValueError), ("/nonexistent/x.hb", FileNotFoundError),
               (__file__, ValueError), (None, TypeError)],
           }, agent_snapshot),
    Target("History.to_csv", lambda: trained_agent().history, lambda h, **k: h.to_csv(**k),
           {"path": "history.csv"},
           {"path": [*PATH, ("/nonexistent/x.csv", FileNotFoundError), ("/", OSError)]}),
    Target("load_model", none, lambda _, **k: hb.load_model(**k), {"path": "m.hb"},
           {"path": [*PATH, ("/nonexistent/m.hb", FileNotFoundError), ("/", OSError),
                     (__file__, ValueError), ("/dev/zero", ValueError)],
            "cls": [(3, TypeError)]}),
    Target("Agent.load", none, lambda _, **k: hb.Agent.load(**k), {"path": "a.hb"},
           {"path": [*PATH, ("/nonexistent/a.hb", FileNotFoundError), (__file__, ValueError),
                     ("/dev/zero", ValueError)]}),
]


B = "brain"
TARGETS = [
    # ------------------------------------------------ graph brain
    Target("Brain()", none, lambda _, **k: hb.Brain(**k), {"seed": 0}, {"seed": SEED64}),
    Target(
        "Brain.get_or_create_node", small_brain, lambda b, **k: b.get_or_create_node(**k),
        {"state": 1, "action": 0},
        {"action": INDEX, "state": [(1.5, TypeError), (np.nan, TypeError), (object(), TypeError),
                                     (np.array([0.5]), TypeError)]},
        brain_snapshot,
    ),
    Target("Brain.find_node", small_brain, lambda b, **k: b.find_node(**k),
           {"state": 1, "action": 0}, {"action": INDEX}, brain_snapshot),
    Target("Brain.contains_node", small_brain, lambda b, **k: b.contains_node(**k),
           {"index": 0}, {"index": INT[:6]}, brain_snapshot),
    Target("Brain.activate_node", small_brain, lambda b, **k: b.activate_node(**k),
           {"index": 0, "reward": 1.0}, {"index": INDEX, "reward": REAL}, brain_snapshot),
    Target("Brain.get_or_create_edge", small_brain, lambda b, **k: b.get_or_create_edge(**k),
           {"src": 0, "dst": 1}, {"src": INDEX, "dst": INDEX}, brain_snapshot),
    Target("Brain.create_creative_edge", small_brain,
           lambda b, **k: b.create_creative_edge(**k), {"src": 0, "dst": 3},
           {"src": INDEX, "dst": INDEX}, brain_snapshot),
    Target("Brain.learn_transition", small_brain, lambda b, **k: b.learn_transition(**k),
           {"src": 0, "dst": 1, "reward": 0.5},
           {"src": INDEX, "dst": INDEX, "reward": [*REAL, (1e300, ValueError)]}, brain_snapshot),
    Target("Brain.learn_terminal", small_brain, lambda b, **k: b.learn_terminal(**k),
           {"src": 0, "reward": 0.5}, {"src": INDEX, "reward": REAL}, brain_snapshot),
    Target("Brain.learn_truncated", small_brain, lambda b, **k: b.learn_truncated(**k),
           {"src": 0, "reward": 0.5, "next_state": 2},
           {"src": INDEX, "reward": REAL, "next_state": [(0.5, TypeError)]}, brain_snapshot),
    Target(
        "Brain.learn_transitions", small_brain, lambda b, **k: b.learn_transitions(**k),
        {"src": np.array([0, 1]), "dst": np.array([1, 2]), "rewards": np.array([0.0, 1.0])},
        {
            "src": [(np.array([True, False]), TypeError), (np.array([0.5, 1.0]), TypeError),
                    (np.array([-1, 0]), IndexError), (np.array([HUGE, 0]), IndexError),
                    (np.array([[0, 1]]), ValueError), (np.array([0]), ValueError),
                    (np.array(["a", "b"]), TypeError), (None, (TypeError, ValueError))],
            "rewards": [(np.array([np.nan, 0.0]), ValueError), (np.array([0.0, np.inf]),
                        ValueError), (np.array([0.0, 1e300]), ValueError),
                        (np.array([[0.0, 1.0]]), ValueError), (np.array(["a", "b"]), TypeError),
                        (np.array([1j, 0]), TypeError)],
        },
        brain_snapshot,
    ),
    Target("Brain.dream", small_brain, lambda b, **k: b.dream(**k), {"cycles": 1},
           {"cycles": INT}, brain_snapshot),
    Target("Brain.node", small_brain, lambda b, **k: b.node(**k), {"index": 0},
           {"index": INDEX}, brain_snapshot),
    Target("Brain.synapse", small_brain, lambda b, **k: b.synapse(**k), {"src": 0, "dst": 1},
           {"src": INDEX, "dst": INDEX}, brain_snapshot),
    Target("Brain.successors", small_brain, lambda b, **k: b.successors(**k), {"index": 0},
           {"index": INDEX}, brain_snapshot),
    Target("Brain.to_dot", small_brain, lambda b, **k: b.to_dot(**k), {"min_weight": 0.0},
           {"min_weight": REAL}, brain_snapshot),
    Target("Brain.save", small_brain, lambda b, **k: b.save(**k), {"path": "/nonexistent/x.hb"},
           {"path": PATH}, brain_snapshot),
    Target("Brain.load", none, lambda _, **k: hb.Brain.load(**k), {"path": "x.hb"},
           {"path": [*PATH, ("/nonexistent/x.hb", FileNotFoundError), ("/", OSError)]}),
    Target("Brain.from_bytes", none, lambda _, **k: hb.Brain.from_bytes(**k), {"data": b""},
           {"data": [(b"", ValueError), (b"HEBBRAIN" * 10, ValueError), ("text", TypeError),
                     (None, TypeError), (3, TypeError)]}),
    Target("Brain.from_tables", none, lambda _, **k: hb.Brain.from_tables(**k),
           {"nodes": {"index": [0], "state_hash": [1], "action": [0]},
            "edges": {"source": [], "target": []}},
           {"nodes": [({"index": [0], "state_hash": [1], "action": [True]}, TypeError),
                      ({"index": [-1], "state_hash": [1], "action": [0]}, IndexError),
                      ({"index": [0], "state_hash": [-1], "action": [0]}, ValueError),
                      ({"index": [0], "state_hash": [1], "action": [0], "value": [np.nan]},
                       ValueError),
                      ({"index": [0, 1], "state_hash": [1], "action": [0, 0]}, ValueError),
                      ({"index": [HUGE], "state_hash": [1], "action": [0]}, IndexError),
                      ({"index": [0], "state_hash": [1.5], "action": [0]}, TypeError),
                      ({"state_hash": [1], "action": [0]}, ValueError),  # names the column
                      (None, TypeError)],
            "edges": [({"source": [0], "target": [5]}, IndexError),
                      ({"source": [0], "target": [0], "weight": [np.nan]}, ValueError),
                      ({"source": [0], "target": [0], "weight": [7.0]}, ValueError),
                      ({"source": [0, 0], "target": [0]}, ValueError)]}),
    Target("state_hash", none, lambda _, **k: hb.state_hash(k["obs"]), {"obs": 1},
           {"obs": [(1.5, TypeError), (np.nan, TypeError), (object(), TypeError),
                    (np.array([0.5]), TypeError), ([1, [2.5]], TypeError),
                    (np.ma.masked_array([1, 2], mask=[0, 1]), TypeError)]}),
    # ------------------------------------------------ agents
    Target("Agent()", none, lambda _, **k: hb.Agent(**k), {"action_space_or_n": 3},
           {"action_space_or_n": [(True, TypeError), (0, ValueError), (-1, ValueError),
                                  (2**64, (ValueError, OverflowError)), (1.5, TypeError),
                                  (2**32 - 1, ValueError), (2**24 + 1, ValueError),
                                  ("3", TypeError)],
            "seed": SEED64}),
    Target("Agent.act", agent, lambda a, **k: a.act(**k), {"obs": 0},
           {"obs": [(True, TypeError), (-1, ValueError), (5, ValueError), (HUGE, ValueError),
                    (2**70, ValueError), (1.5, (TypeError, ValueError)),
                    ("0", (TypeError, ValueError)),
                    (None, (TypeError, ValueError))]}, agent_snapshot),
    Target("Agent.observe", agent_awaiting, lambda a, **k: a.observe(**k),
           {"reward": 0.0, "next_obs": 0, "terminated": False, "truncated": False},
           {"reward": [*REAL, (1e300, ValueError)],
            "next_obs": [(True, TypeError), (-1, ValueError), (7, ValueError)]},
           agent_snapshot),
    Target("Agent.predict", agent, lambda a, **k: a.predict(**k), {"observation": 0},
           {"observation": [(True, TypeError), (-1, ValueError), (2**70, ValueError)]},
           agent_snapshot),
    Target("Agent.learn", agent, lambda a, **k: a.learn(hb.envs.ChainEnv(length=3), **k),
           {"episodes": 1}, {"episodes": [(True, (TypeError, ValueError)), (-1, ValueError),
                                          (1.5, (TypeError, ValueError)), ("1", ValueError)]},
           None),
    Target("Agent.run_episodes", agent,
           lambda a, **k: a.run_episodes(hb.envs.ChainEnv(length=3), **k), {"episodes": 1},
           {"episodes": [(True, (TypeError, ValueError)), (-1, ValueError),
                         (1.5, (TypeError, ValueError))],
            "dream_every": [(True, (TypeError, ValueError)), (-1, ValueError)]}),
    Target("AgentParams()", none, lambda _, **k: hb.AgentParams(**k), {"epsilon": 0.1},
           {"epsilon": [*REAL, (-0.1, ValueError), (1.1, ValueError)],
            "temperature": [*REAL, (0.0, ValueError)],
            "prune_every": [(-1, (ValueError, OverflowError)), (2**40, (ValueError,
                                                                       OverflowError)),
                            (1.5, TypeError), (True, TypeError)],
            "history_limit": [(-1, (ValueError, OverflowError)), (True, TypeError)],
            "exploration": [("greedy", ValueError), (1, TypeError)]}),
    Target("Discretizer()", none, lambda _, **k: hb.Discretizer(**k),
           {"low": [0.0, 0.0], "high": [1.0, 1.0], "bins": 4},
           {"low": [([np.nan, 0.0], ValueError), ([0.0, 0.0, 0.0], ValueError),
                    ("a", (TypeError, ValueError))],
            "high": [([np.nan, 1.0], ValueError), ([-1.0, 1.0], ValueError)],
            "bins": [(True, (TypeError, ValueError)), (0, ValueError), (-1, ValueError),
                     (1.5, (TypeError, ValueError)),
                     (2**62, ValueError), ([4, 4, 4], ValueError)]}),
    # ------------------------------------------------ environments
    Target("ChainEnv()", none, lambda _, **k: hb.envs.ChainEnv(**k), {"length": 4},
           {"length": SIZE[:6] + [(1, ValueError), (-1, ValueError), (HUGE, ValueError)],
            "slip": [*REAL, (1.5, ValueError)]}),
    Target("GridWorldEnv()", none, lambda _, **k: hb.envs.GridWorldEnv(**k), {"size": 4},
           {"size": SIZE[:6] + [(0, ValueError), (-1, ValueError), (HUGE, ValueError)]}),
    Target("ChainEnv.step", lambda: _reset(hb.envs.ChainEnv(length=4)),
           lambda e, **k: e.step(**k), {"action": 0},
           {"action": [(True, TypeError), (2, ValueError), (-1, ValueError), (1.5, TypeError),
                       ("1", TypeError), (None, TypeError)]}),
    Target("GridWorldEnv.step", lambda: _reset(hb.envs.GridWorldEnv(size=4)),
           lambda e, **k: e.step(**k), {"action": 0},
           {"action": [(True, TypeError), (4, ValueError), (-1, ValueError), (1.5, TypeError),
                       (2**70, (ValueError, OverflowError))]}),
    # checked before Gymnasium's own seeding, whose errors are not the library's
    Target("GridWorldEnv.reset", lambda: hb.envs.GridWorldEnv(size=4),
           lambda e, **k: e.reset(**k), {"seed": 0},
           {"seed": [(-1, ValueError), (1.5, TypeError), ("1", TypeError), (True, TypeError),
                     (2**64, ValueError)]}),
    Target("PredatorPreyEnv()", none, lambda _, **k: hb.envs.PredatorPreyEnv(**k), {"size": 5},
           {"size": SIZE[:6] + [(0, ValueError), (-1, ValueError), (HUGE, ValueError)],
            "n_predators": [(True, TypeError), (-1, ValueError), (HUGE, ValueError)],
            "prey_move_probability": [*REAL, (1.5, ValueError)]}),
    Target("Discretizer.__call__", lambda: hb.Discretizer([0.0, 0.0], [1.0, 1.0], 4),
           lambda d, **k: d(k["obs"]), {"obs": np.array([0.5, 0.5])},
           {"obs": [(np.array([np.nan, 0.5]), ValueError), (np.array([0.5]), ValueError),
                    (np.array(["a", "b"]), TypeError), (None, (TypeError, ValueError)),
                    (np.zeros((2, 2)), ValueError)]}),
    Target("Agent(observation)", none, lambda _, **k: hb.Agent(2, **k),
           {"observation": None},
           {"observation": [(3, TypeError), ("Discrete(3)", TypeError)]}),
    # ------------------------------------------------ dense networks
    Target("RecurrentNetwork()", none, lambda _, **k: rnn.RecurrentNetwork(**k),
           {"n_inputs": 2, "n_units": 4, "n_outputs": 1},
           {"n_inputs": SIZE, "n_units": SIZE, "n_outputs": SIZE,
            "tau": [*REAL, (0.0, ValueError), (-1.0, ValueError)],
            "noise_std": [*REAL, (-1.0, ValueError)], "seed": SEED64}),
    Target("RecurrentNetwork.run", network, lambda n, **k: n.run(**k),
           {"inputs": np.zeros((5, 2))}, {"inputs": arrays((5, 2))}, network_snapshot),
    Target("Hebbian()", none, lambda _, **k: rnn.Hebbian(**k), {"learning_rate": 0.01},
           {"learning_rate": REAL_OR_NONE, "decay": REAL_OR_NONE}),
    Target("PlasticRNN()", none, lambda _, **k: rnn.PlasticRNN(**k), {"n_neurons": 4},
           {"n_neurons": SIZE, "eta": REAL, "seed": SEED}),
    Target("PlasticRNN.forward", plastic, lambda p, **k: p.forward(**k),
           {"inputs": np.zeros((3, 5))}, {"inputs": arrays((3, 5))}, plastic_snapshot),
    Target("NodePerturbationConfig()", none, lambda _, **k: rnn.NodePerturbationConfig(**k),
           {"learning_rate": 0.1},
           {"learning_rate": [*REAL_OR_NONE, (-1.0, ValueError)],
            "amplitude": [*REAL_OR_NONE, (-1.0, ValueError)]}),
    Target("NodePerturbationTrainer()", none,
           lambda _, **k: rnn.NodePerturbationTrainer(**k),
           {"inputs": np.zeros((1, 5, 2)), "targets": np.zeros((1, 5, 1)), "n_neurons": 6},
           {"inputs": [(np.full((1, 5, 2), np.nan), ValueError), (np.zeros((5, 2)), ValueError),
                       (np.zeros((1, 5, 2)).astype(str), TypeError)],
            "targets": [(np.zeros((2, 5, 1)), ValueError), (np.full((1, 5, 1), np.inf),
                                                            ValueError)],
            "n_neurons": [(True, TypeError), (-1, ValueError), (0, ValueError),
                          (HUGE, (ValueError, MemoryError)), (1.5, TypeError)],
            "seed": SEED64}),
    Target("NodePerturbationTrainer.learn", lambda: rnn.NodePerturbationTrainer(
               np.zeros((1, 5, 2)), np.zeros((1, 5, 1)), n_neurons=6, seed=0),
           lambda t, **k: t.learn(**k), {"n_trials": 1},
           {"n_trials": [(True, TypeError), (-1, (ValueError, OverflowError)), (1.5, TypeError),
                         (None, TypeError)],
            "batch_size": [(True, TypeError), (0, ValueError), (-1, (ValueError, OverflowError))],
            "n_threads": [(0, ValueError), (-1, (ValueError, OverflowError)), (True, TypeError)]},
           lambda t: t.weights.tobytes()),
    # ------------------------------------------------ tasks, analysis, optim
    Target("DelayedNonMatch()", none, lambda _, **k: tasks.DelayedNonMatch(**k).trials(),
           {"dt": 1.0},
           {"dt": [*REAL, (0.0, ValueError), (-1.0, ValueError)],
            "stimulus_ms": [*REAL, (-1.0, ValueError)]}),
    Target("CenterOutReach()", none, lambda _, **k: tasks.CenterOutReach(**k).trials(),
           {"n_targets": 4},
           {"n_targets": [(True, TypeError), (0, ValueError), (-1, ValueError),
                          (1.5, (TypeError, ValueError))],
            "radius": [*REAL, (-1.0, ValueError)]}),
    Target("SequencePredictionTask()", none,
           lambda _, **k: tasks.SequencePredictionTask(**k).trial(),
           {"n_symbols": 3, "trial_length": 10},
           {"n_symbols": SIZE, "trial_length": SIZE, "distractor_rate": REAL, "seed": SEED}),
    Target("PatternCompletion()", none, lambda _, **k: tasks.PatternCompletion(**k).sample(1),
           {"pattern_size": 10, "n_patterns": 2},
           {"pattern_size": SIZE, "n_patterns": SIZE, "seed": SEED}),
    Target("symmetry_index", none, lambda _, **k: analysis.symmetry_index(**k),
           {"weights": np.eye(3)}, {"weights": arrays((3, 3), square=True)}),
    Target("classify", none, lambda _, **k: analysis.classify(**k),
           {"jac": np.eye(2)}, {"jac": arrays((2, 2), square=True)}),
    Target("simulate", none,
           lambda _, **k: analysis.simulate(lambda x: -x, **k),
           {"x0": np.zeros(2), "t_max": 1.0, "dt": 0.1},
           {"x0": [(np.array([np.nan, 0.0]), ValueError), ("a", (TypeError, ValueError))],
            "t_max": [*REAL, (-1.0, ValueError), (1e30, ValueError)],
            "dt": [*REAL, (0.0, ValueError), (-0.1, ValueError)]}),
    Target("optim.Adam()", none, lambda _, **k: optim.Adam(**k),
           {"params": [np.zeros(3)], "lr": 0.01},
           {"lr": [*REAL, (-0.1, ValueError)],
            "params": [([np.zeros(3, dtype=int)], TypeError), ("abc", (TypeError, ValueError)),
                       (None, TypeError)]}),
    *NEWER_TARGETS,
]


def _reset(env):
    env.reset(seed=0)
    return env


CASES = [
    pytest.param(t, arg, value, expected, id=f"{t.name}-{arg}-{i}")
    for t in TARGETS
    for arg, values in t.bad.items()
    for i, (value, expected) in enumerate(values)
]


@pytest.mark.parametrize(("target", "arg", "value", "expected"), CASES)
def test_bad_argument_raises_cleanly_and_changes_nothing(target, arg, value, expected):
    obj = target.make()
    before = target.snapshot(obj) if target.snapshot else None
    kwargs = {**target.good, arg: copy.copy(value)}
    try:
        target.call(obj, **kwargs)
    except CLEAN as e:
        assert isinstance(e, expected), f"{type(e).__name__}: {e} (expected {expected})"
        assert not isinstance(e, (SystemError, NotImplementedError))
        # the library's own error (also the builtin), except for a path the OS refuses
        assert isinstance(e, (hb.HebbianError, OSError)), f"plain {type(e).__name__}: {e}"
    except BaseException as e:  # noqa: BLE001 - a panic or a bare RuntimeError fails here
        kind = f"{type(e).__module__}.{type(e).__name__}"
        pytest.fail(f"{target.name}({arg}={value!r}) raised {kind}: {e}")
    else:
        pytest.fail(f"{target.name}({arg}={value!r}) was accepted")
    if target.snapshot:
        assert target.snapshot(obj) == before, "the object changed on a refused call"


def test_good_arguments_are_accepted():
    """The sweep's good values work, so every refusal above is due to the bad value."""
    failures = []
    for t in TARGETS:
        if t.name in {"Brain.load", "Brain.from_bytes", "Brain.save", "load_model", "Agent.load"}:
            continue
        try:
            t.call(t.make(), **t.good)
        except Exception as e:
            failures.append(f"{t.name}: {type(e).__name__}: {e}")
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------- hostile values, every argument
# Issue 15, "hold by construction": every argument of every target above (its good and its bad
# ones) gets every hostile value below. A call either succeeds or raises a HebbianError that is
# also the matching builtin (pyo3's conversion of a Rust method's arguments included: its errors
# become ArgumentTypeError / InvalidArgumentError), or an OSError for a path the OS refuses. Any
# other exception fails: a plain TypeError or ValueError, OverflowError, KeyError, RecursionError,
# MemoryError, NotImplementedError, SystemError, a third-party library's error.
HUGE_SHAPES = [
    np.broadcast_to(np.float64(0.0), (2**32,)),  # 32 GiB if copied: refused from the shape
    np.broadcast_to(np.float64(0.0), (2**20, 2**20)),
]
HOSTILE = [
    2**31,
    2**63,
    2**64,
    2**200,
    -1,
    -(2**64),
    float("nan"),
    float("inf"),
    -float("inf"),
    1e300,
    None,
    True,
    "x",
    b"\x00",
    1.5,
    [2**64],
    np.int64(-1),
    np.float64("nan"),
    *HUGE_SHAPES,
]


def hostile_name(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array{value.shape}"
    return repr(value)


#: Outcomes of the calls `classify` made in this process: "succeeded", an exception's class
#: name, or "FAILED" (counted for docs/benchmarks.md; see HEBBIAN_SWEEP_REPORT below).
OUTCOMES: Counter[str] = Counter()


def classify(target: Target, kwargs: dict[str, Any]) -> str | None:
    """None when the call behaved; otherwise what went wrong."""
    why = _classify(target, kwargs)
    if why is not None:
        OUTCOMES["FAILED"] += 1
    return why


def _classify(target: Target, kwargs: dict[str, Any]) -> str | None:
    try:
        target.call(target.make(), **kwargs)
        OUTCOMES["succeeded"] += 1
    except BaseException as e:  # noqa: BLE001 - counted, then judged below
        if isinstance(e, KeyboardInterrupt):
            raise
        OUTCOMES[type(e).__name__] += 1
        return _judge(target, e)
    return None


def _judge(target: Target, e: BaseException) -> str | None:
    try:
        raise e
    except hb.HebbianError as e:
        if not isinstance(e, (ValueError, TypeError, IndexError, LookupError, RuntimeError)):
            return f"{type(e).__name__} is not also a builtin"
    except OSError:
        pass  # a path that does not exist or cannot be read
    except BaseException as e:  # noqa: BLE001 - everything else is the finding
        return f"{type(e).__module__}.{type(e).__name__}: {str(e)[:120]}"
    return None


#: Arguments that count work: a huge legal value runs (for a very long time) instead of failing,
#: so the sweep gives them only values that must be refused. Answering Ctrl-C during such long
#: calls is issue 15 item 5.
WORK = {
    ("Brain.dream", "cycles"),
    ("Agent.learn", "episodes"),
    ("Agent.run_episodes", "episodes"),
    ("Agent.run_episodes", "dream_every"),
    ("NodePerturbationTrainer.learn", "n_trials"),
    *((f"{n}.learn", "episodes") for n in ("NodePerturbationAgent", "RewardHebbianAgent")),
    ("evaluate_policy", "n_eval_episodes"),
    ("evaluate_policy", "max_steps"),
    # simulated time: t_max / dt steps of a Python RK4 loop
    ("simulate", "t_max"),
    ("simulate", "dt"),
}
LEGAL_WORK = (2**31, 2**63)

#: Targets with hostile-value failures that are fixed in code other helpers own, pending. Each
#: is a strict xfail: when the fix lands, the entry must go.
PENDING: dict[str, str] = {}
#: Targets whose failure once aborted the process (an allocation sized by the argument): swept
#: in a child process with a capped address space, so that a regression fails this test
#: instead of killing the test run.
IN_CHILD = {"GridWorldEnv()", "optim.Adam()", "PlasticRNN()", "Brain.learn_transitions"}


def hostile_problems(target: Target) -> list[str]:
    problems = []
    for arg in dict.fromkeys([*target.good, *target.bad]):
        for value in HOSTILE:
            if (target.name, arg) in WORK and any(value is v for v in LEGAL_WORK):
                continue
            why = classify(target, {**target.good, arg: value})
            if why is not None:
                problems.append(f"{target.name}({arg}={hostile_name(value)}): {why}")
    return problems


def _hostile_targets() -> list[Any]:
    out = []
    for t in TARGETS:
        marks = ()
        if t.name in PENDING:
            marks = pytest.mark.xfail(strict=True, reason=PENDING[t.name])
        out.append(pytest.param(t, id=t.name, marks=marks))
    return out


@pytest.mark.parametrize("target", _hostile_targets())
def test_every_hostile_value_in_every_argument_raises_a_library_error(
    target, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # a hostile string path ("x") is written there, not here
    if target.name in IN_CHILD:
        import subprocess
        import sys
        from pathlib import Path

        code = (  # with 2 GiB more address space: a huge allocation fails instead of paging
            "import os, resource, sys; "
            "now = int(open('/proc/self/statm').read().split()[0]) * os.sysconf('SC_PAGE_SIZE'); "
            "resource.setrlimit(resource.RLIMIT_AS, (now + 2**31, resource.RLIM_INFINITY)); "
            f"sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            "import test_bad_input_sweep as s; "
            f"t = next(t for t in s.TARGETS if t.name == {target.name!r}); "
            "print(*s.hostile_problems(t), sep=chr(10))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, f"{target.name}: the process died: {out.stderr[-500:]}"
        problems = [line for line in out.stdout.splitlines() if line]
    else:
        problems = hostile_problems(target)
    assert not problems, "\n".join(problems)


def test_every_pending_entry_names_a_target():
    names = {t.name for t in TARGETS}
    assert set(PENDING) <= names and IN_CHILD <= names
    assert {t for t, _ in WORK} <= names


# ---------------------------------------------------------------- the same promise, drawn at random
# Hypothesis draws the argument and a hostile value of any kind (ints beyond 32 bits or
# negative, any float, strings, bytes, lists, huge broadcast arrays). A short derandomized run
# is part of the default suite; `-m slow` runs many more examples per target.
def _hostile_values(work: bool, path: bool) -> Any:
    from hypothesis import strategies as st

    ints = st.one_of(
        st.integers(max_value=-1),
        st.integers(min_value=2**64),
        *(() if work else (st.integers(min_value=2**31, max_value=2**64 - 1),)),
    )
    floats = (
        st.sampled_from([float("nan"), float("inf"), -float("inf"), -1.0, 0.0, -1e300, 1e-300])
        if work
        else st.floats(allow_nan=True, allow_infinity=True)
    )
    kinds = [
        ints,
        floats,
        st.none(),
        st.booleans(),
        st.binary(max_size=4),
        st.lists(st.integers(min_value=-(2**70), max_value=2**70), max_size=3),
        st.sampled_from(HUGE_SHAPES),
        st.sampled_from([np.int64(-1), np.uint64(2**64 - 1), np.float32("nan")]),
    ]
    if not path:  # a random string path would create files
        kinds.append(st.text(max_size=4))
    return st.one_of(*kinds)


def _random_targets() -> list[Any]:
    return [pytest.param(t, id=t.name) for t in TARGETS if t.name not in PENDING]


def _check_random(target: Target, data: Any) -> None:
    from hypothesis import strategies as st

    arg = data.draw(st.sampled_from(list(dict.fromkeys([*target.good, *target.bad]))))
    value = data.draw(
        _hostile_values((target.name, arg) in WORK, arg == "path"), label=f"{target.name}({arg})"
    )
    why = classify(target, {**target.good, arg: value})
    assert why is None, f"{target.name}({arg}={hostile_name(value)}): {why}"


@pytest.mark.parametrize("target", _random_targets())
def test_random_hostile_values_raise_library_errors(target, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a hostile string path ("x") is written there, not here
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    run = settings(
        max_examples=10,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )(given(data=st.data())(lambda data: _check_random(target, data)))
    run()


#: Examples per target of the long run (`-m slow`): HEBBIAN_SWEEP_EXAMPLES (default 2000).
LONG_EXAMPLES = int(os.environ.get("HEBBIAN_SWEEP_EXAMPLES", "2000"))


@pytest.mark.slow
@pytest.mark.parametrize("target", _random_targets())
def test_random_hostile_values_raise_library_errors_long(target, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a hostile string path ("x") is written there, not here
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    before = Counter(OUTCOMES)
    run = settings(
        max_examples=LONG_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
    )(given(data=st.data())(lambda data: _check_random(target, data)))
    try:
        run()
    finally:
        # HEBBIAN_SWEEP_REPORT=file appends each target's outcome counts as a JSON line
        report = os.environ.get("HEBBIAN_SWEEP_REPORT")
        if report:
            counts = dict(OUTCOMES - before)
            with open(report, "a", encoding="utf-8") as f:
                f.write(json.dumps({"target": target.name, "outcomes": counts}) + "\n")
