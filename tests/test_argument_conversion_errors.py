"""Wrong argument types and values raise the library's errors, never a plain builtin (issue 15).

pyo3 converts a Rust method's arguments before the library's code runs; its errors (a plain
`TypeError`, `OverflowError` or `ValueError`) become `ArgumentTypeError` / `InvalidArgumentError`
with the same message, and pyo3's note names the argument. The Python layers' own checks (paths,
Gymnasium seeds, trial variables, Graphviz) raise the library's errors as well.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import hebbian_brain as hb
import hebbian_brain.viz
from hebbian_brain import rnn


def _brain() -> hb.Brain:
    b = hb.Brain(seed=0)
    b.get_or_create_node(0, 0)
    return b


def _trainer(**kwargs):
    return rnn.NodePerturbationTrainer(
        np.zeros((1, 5, 2)), np.zeros((1, 5, 1)), n_neurons=6, seed=0, **kwargs
    )


def _agent_core():
    return rnn.NodePerturbationAgent(hb.envs.DelayedNonMatchEnv(), 8, seed=0)._core


OBS = np.zeros(3, dtype=np.float32)

#: (kind, call, argument named by pyo3's note)
WRONG_TYPES = [
    ("float", lambda: _brain().to_dot(min_weight="x"), "min_weight"),
    ("float", lambda: _brain().activate_node(0, None), "reward"),
    ("float", lambda: hb.envs.PredatorPreyEnv(prey_move_probability=[0.5]), "prey_move_"),
    ("float in a config", lambda: hb.AgentParams(epsilon="x"), "epsilon"),
    ("float, optional", lambda: rnn.Hebbian(learning_rate="x"), "learning_rate"),
    ("bool", lambda: _brain().to_dot(show_state_hash="yes"), "show_state_hash"),
    ("bool", lambda: _agent_core().predict(OBS, None, "yes"), "deterministic"),
    ("str", lambda: rnn.RecurrentNetwork(2, 4, 1, activation=3), "activation"),
    ("str in a config", lambda: hb.DreamParams(direction=3), "direction"),
    ("int", lambda: _brain().dream("x"), "cycles"),
    ("int", lambda: _brain().dream(1.5), "cycles"),
    ("int", lambda: _brain().node(True), "index"),
    ("seed", lambda: hb.Brain(seed=True), "seed"),
    ("seed", lambda: hb.Brain(seed="1"), "seed"),
    ("bytes", lambda: hb.Brain.from_bytes("text"), "data"),
    ("path", lambda: hb.Brain.load(3.5), "path"),
    ("list", lambda: _trainer(output_neurons="ab"), "output_neurons"),
    ("list", lambda: _trainer(bias_values=3), "bias_values"),
    ("config object", lambda: hb.Brain(config=3), "config"),
    ("config object", lambda: hb.Brain(config=hb.PlasticityParams()), "config"),
    ("config object", lambda: hb.BrainConfig(plasticity=hb.DreamParams()), "plasticity"),
    ("config object", lambda: _trainer(config=hb.AgentParams()), "config"),
    ("array dtype", lambda: _agent_core().predict(OBS, np.zeros(8, np.float32)), "state"),
    ("array", lambda: _agent_core().predict(OBS, [0.0] * 8), "state"),
]


@pytest.mark.parametrize(("kind", "call", "name"), WRONG_TYPES, ids=[w[0] for w in WRONG_TYPES])
def test_a_wrong_type_is_argument_type_error_naming_the_argument(kind, call, name):
    with pytest.raises(hb.ArgumentTypeError) as info:
        call()
    assert isinstance(info.value, TypeError)
    named = str(info.value) + " ".join(getattr(info.value, "__notes__", []))
    assert name in named, f"{kind}: {info.value!r} does not name {name}"


#: Values pyo3 cannot convert although their type is right: out of a float's or u32's range.
WRONG_VALUES = [
    (lambda: _brain().to_dot(min_weight=10**400), "min_weight"),
    (lambda: hb.envs.GridWorldEnv(start=(2**40, 0)), "start"),
    (lambda: _trainer(bias_values=[10**400]), "bias_values"),
]


@pytest.mark.parametrize(("call", "name"), WRONG_VALUES)
def test_a_value_pyo3_cannot_convert_is_invalid_argument_error(call, name):
    with pytest.raises(hb.InvalidArgumentError) as info:
        call()
    assert isinstance(info.value, ValueError)
    named = str(info.value) + " ".join(getattr(info.value, "__notes__", []))
    assert name in named


def test_the_array_shape_is_still_a_shape_error():
    with pytest.raises(hb.ShapeError, match="state"):
        _agent_core().predict(OBS, np.zeros(5))


def test_a_good_call_is_unchanged():
    b = _brain()
    assert b.to_dot(min_weight=0.0, show_state_hash=True).startswith("digraph")
    assert hb.Brain(config=hb.BrainConfig(plasticity=hb.PlasticityParams()), seed=1).node_count == 0


# ---------------------------------------------------------------- paths (the Python layers)
@pytest.mark.parametrize("path", [3, None, b"x.hb", ["a"]])
def test_a_path_that_is_not_a_str_or_pathlike_is_argument_type_error(path, tmp_path):
    for call in (hb.load_model, hb.Agent.load, hb.Brain.load):
        with pytest.raises(hb.ArgumentTypeError):
            call(path)
    with pytest.raises(hb.ArgumentTypeError, match="save_path"):
        hb.callbacks.CheckpointCallback(1, save_path=path)
    if path is not None:  # None: no TensorBoard log
        with pytest.raises(hb.ArgumentTypeError, match="tensorboard_log"):
            hb.Agent(2, tensorboard_log=path)


def test_a_path_with_a_nul_character_is_invalid_argument_error():
    with pytest.raises(hb.InvalidArgumentError, match="NUL"):
        hb.load_model("a\x00b")
    with pytest.raises(hb.InvalidArgumentError, match="folder"):
        hb.logger.configure("logs\x00", ["csv"])


# ---------------------------------------------------------------- Gymnasium seeds
ENVS = [
    hb.envs.ChainEnv,
    hb.envs.GridWorldEnv,
    hb.envs.DeepSeaEnv,
    hb.envs.RiverSwimEnv,
    hb.envs.PerceptualDecisionMakingEnv,
    hb.envs.ContextDecisionMakingEnv,
    hb.envs.DelayMatchSampleEnv,
    hb.envs.DelayedNonMatchEnv,
]


@pytest.mark.parametrize("cls", ENVS, ids=[c.__name__ for c in ENVS])
def test_reset_checks_the_seed_before_gymnasium(cls):
    env = cls()
    for bad in (-1, 2**64):
        with pytest.raises(hb.InvalidArgumentError, match="seed"):
            env.reset(seed=bad)
    for bad in ("a", 1.5, True):
        with pytest.raises(hb.ArgumentTypeError, match="seed"):
            env.reset(seed=bad)
    first = env.reset(seed=2**64 - 1)[0]  # the largest legal seed is taken, and repeatable
    assert np.array_equal(first, env.reset(seed=2**64 - 1)[0])


def test_predator_prey_reset_checks_the_seed():
    env = hb.envs.PredatorPreyEnv()
    with pytest.raises(hb.InvalidArgumentError, match="seed"):
        env.reset(seed=-1)
    with pytest.raises(hb.ArgumentTypeError, match="seed"):
        env.reset(seed="a")


def test_cognitive_trial_variables_are_checked():
    env = hb.envs.DelayedNonMatchEnv()
    with pytest.raises(hb.ArgumentTypeError, match="options"):
        env.reset(seed=0, options=3)
    with pytest.raises(hb.ArgumentTypeError, match="bogus"):
        env.reset(seed=0, options={"bogus": 1})
    with pytest.raises(hb.ArgumentTypeError, match="bogus"):
        env.new_trial(bogus=1)
    assert env.reset(seed=0, options={"ground_truth": 2})[1]["ground_truth"] == 2


# ---------------------------------------------------------------- Graphviz
def test_render_brain_without_graphviz_is_missing_dependency_error(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    with pytest.raises(hb.MissingDependencyError, match="install Graphviz") as info:
        hb.viz.render_brain(_brain(), tmp_path / "b.png")
    assert isinstance(info.value, RuntimeError) and isinstance(info.value, hb.HebbianError)
    assert not (tmp_path / "b.png").exists()
    # a .dot file needs no Graphviz
    assert hb.viz.render_brain(_brain(), tmp_path / "b.dot").read_text().startswith("digraph")


def test_a_failing_or_slow_graphviz_is_external_tool_error(tmp_path, monkeypatch):
    import subprocess

    def failing(*args, **kwargs):
        return subprocess.CompletedProcess(args, 1, stdout=b"", stderr=b"Error: syntax error")

    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(cmd="dot", timeout=1)

    for run, message in [(failing, "failed: Error: syntax error"), (slow, "took more than")]:
        monkeypatch.setattr(subprocess, "run", run)
        with pytest.raises(hb.ExternalToolError, match=message) as info:
            hb.viz.render_brain(_brain(), tmp_path / "b.png")
        assert isinstance(info.value, RuntimeError) and isinstance(info.value, hb.HebbianError)
        assert not (tmp_path / "b.png").exists()


def test_missing_dependency_error_is_exported():
    assert "MissingDependencyError" in hb.__all__
    assert issubclass(hb.MissingDependencyError, (hb.HebbianError, RuntimeError))
    assert "ExternalToolError" in hb.__all__
    assert issubclass(hb.ExternalToolError, hb.HebbianError)
    assert issubclass(hb.ExternalToolError, RuntimeError)


@pytest.mark.parametrize("cls", [rnn.NodePerturbationAgent, rnn.RewardHebbianAgent])
def test_a_numpy_int_seed_is_taken_by_the_recurrent_agents(cls, tmp_path):
    """Found by the long sweep: np.uint64(2**64 - 1) reached the JSON metadata as a numpy int."""
    agent = cls(hb.envs.DelayedNonMatchEnv(), 8, seed=np.uint64(2**64 - 1))
    agent.save(tmp_path / "a.hb")
    assert cls.load(tmp_path / "a.hb")._seed == 2**64 - 1
