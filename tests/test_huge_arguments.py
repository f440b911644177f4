"""Huge and out-of-range sizes are refused in the constructor, before any allocation.

Issue 15 items 6 and 8: a size a task or agent cannot hold raises the library's error naming
the argument (a ``HebbianError`` that is also a ``ValueError``), never a later plain
``ValueError``, a numpy ``MemoryError`` or an ``OverflowError``. Each call runs with the address
space capped a little above its current size, so an allocation from the size fails the test.
"""

from __future__ import annotations

import os
import resource
from contextlib import contextmanager

import numpy as np
import pytest

import hebbian_brain as hb
import hebbian_brain.viz
from hebbian_brain import rnn, tasks


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    """Relative paths some targets write ("x.html", "history.csv", "logs/") land in tmp_path."""
    monkeypatch.chdir(tmp_path)


@contextmanager
def address_space(extra_mib: int = 256):
    with open("/proc/self/statm") as f:
        now = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (now + extra_mib * 2**20, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def refused(call, error: type[Exception], argument: str) -> None:
    with address_space(), pytest.raises(error) as err:
        call()
    e = err.value
    assert isinstance(e, hb.HebbianError) and isinstance(e, ValueError), type(e).__mro__
    assert f"`{argument}`" in str(e), str(e)


TASK_SIZES = {
    "CenterOutReach(n_targets=2**63)": (lambda: tasks.CenterOutReach(n_targets=2**63), "n_targets"),
    "CenterOutReach(n_targets=2**20)": (lambda: tasks.CenterOutReach(n_targets=2**20), "n_targets"),
    "CenterOutReach(n_steps=2**63)": (lambda: tasks.CenterOutReach(n_steps=2**63), "n_steps"),
    "PatternCompletion(pattern_size=2**63)": (
        lambda: tasks.PatternCompletion(pattern_size=2**63),
        "pattern_size",
    ),
    "PatternCompletion(pattern_size=2**30)": (
        lambda: tasks.PatternCompletion(pattern_size=2**30),
        "pattern_size",
    ),
    "PatternCompletion(n_cycles=2**63)": (
        lambda: tasks.PatternCompletion(n_cycles=2**63),
        "n_cycles",
    ),
    "DelayedNonMatch(stimulus_ms=1e300)": (
        lambda: tasks.DelayedNonMatch(stimulus_ms=1e300),
        "stimulus_ms",
    ),
    "DelayedNonMatch(dt=1e-300)": (lambda: tasks.DelayedNonMatch(dt=1e-300), "stimulus_ms"),
    "SequenceGenerationTask(n_units=2**63)": (
        lambda: tasks.SequenceGenerationTask(n_units=2**63),
        "n_units",
    ),
    "SequenceGenerationTask(n_units=2**30)": (
        lambda: tasks.SequenceGenerationTask(n_units=2**30),
        "n_units",
    ),
    "SequencePredictionTask(n_symbols=2**20)": (
        lambda: tasks.SequencePredictionTask(n_symbols=2**20),
        "n_symbols",
    ),
    "SequencePredictionTask(trial_length=2**64)": (
        lambda: tasks.SequencePredictionTask(trial_length=2**64),
        "trial_length",
    ),
}


@pytest.mark.parametrize("case", list(TASK_SIZES))
def test_a_task_refuses_a_size_it_cannot_hold_in_its_constructor(case):
    call, argument = TASK_SIZES[case]
    refused(call, hb.InvalidConfigError, argument)


@pytest.mark.parametrize(
    ("case", "call", "argument"),
    [
        (
            "stimulus shorter than a step",
            lambda: tasks.DelayedNonMatch(stimulus_ms=0.0),
            "stimulus_ms",
        ),
        ("not a multiple of dt", lambda: tasks.DelayedNonMatch(delay_ms=0.5), "delay_ms"),
        ("nothing scored", lambda: tasks.DelayedNonMatch(scored_ms=0.0), "scored_ms"),
        ("hold as long as the trial", lambda: tasks.CenterOutReach(n_steps=3), "hold_steps"),
    ],
)
def test_a_task_that_could_not_build_its_trials_is_refused_when_built(case, call, argument):
    refused(call, hb.InvalidConfigError, argument)


def test_a_preset_refuses_a_huge_network():
    call = lambda: tasks.PatternCompletion.preset("bohp", n_neurons=2**64)  # noqa: E731
    refused(call, hb.InvalidArgumentError, "n_neurons")


def test_a_huge_batch_is_refused_before_allocation():
    task = tasks.PatternCompletion(pattern_size=10, n_patterns=2, seed=0)
    refused(lambda: task.sample(2**40), hb.InvalidArgumentError, "batch_size")
    with pytest.raises(TypeError):
        task.sample(1.5)
    assert task.sample(2).inputs.shape[0] == 2


def test_the_published_tasks_still_build():
    assert tasks.CenterOutReach().trials().inputs.shape == (4, 150, 5)
    assert tasks.DelayedNonMatch().trials().inputs.shape[0] == 4
    assert tasks.PatternCompletion.preset("dp1000", seed=0).n_steps == 106
    assert tasks.SequencePredictionTask(seed=0).trial().inputs.shape == (60, 6)


@pytest.mark.parametrize("n", [2**64, 2**63, 2**24 + 1, -(2**64)])
def test_an_agent_refuses_a_huge_number_of_actions(n):
    refused(lambda: hb.Agent(n), hb.InvalidArgumentError, "action_space_or_n")


# ---------------------------------------------------------------- integers beyond 64 bits
@pytest.mark.parametrize(
    ("call", "error", "argument"),
    [
        (lambda: hb.Brain().get_or_create_node(0, 2**64), hb.InvalidArgumentError, "action"),
        (lambda: hb.Brain().dream(2**64), hb.InvalidArgumentError, "cycles"),
        (lambda: hb.Brain().node(2**63), hb.InvalidNodeError, "index"),
    ],
    ids=["get_or_create_node", "dream", "node"],
)
def test_a_brain_refuses_integers_beyond_64_bits_naming_the_argument(call, error, argument):
    with pytest.raises(error, match=f"`?{argument}`?"):
        call()


def test_dream_params_refuse_a_count_beyond_64_bits():
    refused(lambda: hb.DreamParams(walks_per_cycle=2**64), hb.InvalidConfigError, "walks_per_cycle")


def test_node_perturbation_without_perturbations_is_refused():
    with pytest.raises(hb.InvalidConfigError, match="perturbation_rate"):
        rnn.NodePerturbationConfig(perturbation_rate=0.0)


def test_sizes_within_range_still_work():
    reach = tasks.CenterOutReach(n_targets=2, n_steps=3, hold_steps=1)
    assert np.asarray(reach.trials().inputs).shape == (
        2,
        3,
        3,
    )


# ---------------------------------------------------------------- the newer entry points, walked
# Every size or count of the newer public entry points gets 2**31, 2**63, 2**64, -1 and NaN with
# the address space capped: a size is refused (the library's error naming it, or a TypeError for
# NaN) before anything is allocated from it; a count that allocates nothing may be accepted.
WALK = {"2**31": 2**31, "2**63": 2**63, "2**64": 2**64, "-1": -1, "nan": float("nan")}
#: Values a count that runs work for each unit (episodes) must refuse: the rest would run.
NOT_RUN = {k: WALK[k] for k in ("2**64", "-1", "nan")}


def _box_env():
    return hb.envs.DelayedNonMatchEnv()


def _small_brain():
    b = hb.Brain(seed=0)
    for i in range(4):
        b.get_or_create_node(i, i % 2)
    b.learn_transitions([0, 1, 2], [1, 2, 3], [0.0, 0.5, 1.0])
    return b


def _chain_agent():
    from gymnasium import spaces

    return hb.Agent(2, seed=0, observation=spaces.Discrete(3))


def _started(cls):
    env = cls()
    env.reset(seed=0)
    return env


SIZES = {  # name -> (call(value), argument)
    "PerceptualDecisionMakingEnv(dim_ring)": (
        lambda v: hb.envs.PerceptualDecisionMakingEnv(dim_ring=v),
        "dim_ring",
    ),
    "DelayMatchSampleEnv(dim_ring)": (
        lambda v: hb.envs.DelayMatchSampleEnv(dim_ring=v),
        "dim_ring",
    ),
    "PerceptualDecisionMakingEnv(timing)": (
        lambda v: hb.envs.PerceptualDecisionMakingEnv(timing={"stimulus": v}),
        "timing",
    ),
    "DelayedNonMatchEnv(timing)": (
        lambda v: hb.envs.DelayedNonMatchEnv(timing={"delay": ("uniform", (0, v))}),
        "timing",
    ),
    "QuantileDiscretizer(cells)": (
        lambda v: hb.QuantileDiscretizer([0.0], [1.0], cells=v),
        "cells",
    ),
    "QuantileDiscretizer(max_cells)": (
        lambda v: hb.QuantileDiscretizer([0.0], [1.0], max_cells=v),
        "max_cells",
    ),
    "QuantileDiscretizer(warmup)": (
        lambda v: hb.QuantileDiscretizer([0.0], [1.0], warmup=v),
        "warmup",
    ),
    "NodePerturbationAgent(n_neurons)": (
        lambda v: rnn.NodePerturbationAgent(_box_env(), n_neurons=v),
        "n_neurons",
    ),
    "RewardHebbianAgent(n_neurons)": (
        lambda v: rnn.RewardHebbianAgent(_box_env(), n_neurons=v),
        "n_neurons",
    ),
    "DeepSeaEnv(size)": (lambda v: hb.envs.DeepSeaEnv(size=v), "size"),
    "RiverSwimEnv(n_states)": (lambda v: hb.envs.RiverSwimEnv(n_states=v), "n_states"),
    "new_trial(ground_truth)": (
        lambda v: _started(hb.envs.PerceptualDecisionMakingEnv).new_trial(ground_truth=v),
        "ground_truth",
    ),
    "new_trial(sample)": (
        lambda v: _started(hb.envs.DelayMatchSampleEnv).new_trial(sample=v),
        "sample",
    ),
    "cognitive step(action)": (
        lambda v: _started(hb.envs.ContextDecisionMakingEnv).step(v),
        "action",
    ),
    "DeepSeaEnv.right_action": (
        lambda v: hb.envs.DeepSeaEnv(size=4).unwrapped.core.right_action(v, 0),
        "row, column",
    ),
    "RiverSwimEnv.upstream_probabilities": (
        lambda v: hb.envs.RiverSwimEnv().unwrapped.core.upstream_probabilities(v),
        "state",
    ),
}


def _refused_cleanly(call, value, argument: str) -> None:
    with address_space():
        try:
            call(value)
        except TypeError:
            assert value != value, "only NaN (not an int) is a TypeError here"  # noqa: PLR0124
        except hb.HebbianError as e:
            assert isinstance(e, ValueError), type(e).__mro__
            assert argument in str(e), str(e)
        else:
            pytest.fail(f"{value!r} was accepted")


@pytest.mark.parametrize("case", list(SIZES))
@pytest.mark.parametrize("value", list(WALK))
def test_a_newer_entry_point_refuses_a_size_before_allocating(case, value):
    call, argument = SIZES[case]
    _refused_cleanly(call, WALK[value], argument)


COUNTS = {  # name -> (call(value), argument, values to try)
    "EvalCallback(n_eval_episodes)": (
        lambda v: hb.callbacks.EvalCallback(hb.envs.ChainEnv(length=3), n_eval_episodes=v),
        "n_eval_episodes",
        WALK,
    ),
    "EvalCallback(eval_freq)": (
        lambda v: hb.callbacks.EvalCallback(hb.envs.ChainEnv(length=3), eval_freq=v),
        "eval_freq",
        WALK,
    ),
    "CheckpointCallback(save_freq)": (
        lambda v: hb.callbacks.CheckpointCallback(v, "checkpoints"),
        "save_freq",
        WALK,
    ),
    "EveryNTimesteps(n_steps)": (
        lambda v: hb.callbacks.EveryNTimesteps(v, hb.callbacks.BaseCallback()),
        "n_steps",
        WALK,
    ),
    "evaluate_policy(n_eval_episodes)": (
        lambda v: hb.evaluate_policy(_chain_agent(), hb.envs.ChainEnv(length=3), v),
        "n_eval_episodes",
        NOT_RUN,
    ),
    "evaluate_policy(max_steps)": (
        lambda v: hb.evaluate_policy(_chain_agent(), hb.envs.ChainEnv(length=3), max_steps=v),
        "max_steps",
        WALK,
    ),
    "NodePerturbationAgent.learn(episodes)": (
        lambda v: rnn.NodePerturbationAgent(_box_env(), 8, seed=0).learn(episodes=v),
        "episodes",
        NOT_RUN,
    ),
    "RewardHebbianAgent.learn(total_timesteps)": (
        lambda v: rnn.RewardHebbianAgent(_box_env(), 8, seed=0).learn(total_timesteps=v),
        "total_timesteps",
        NOT_RUN,
    ),
    "brain_dot(max_nodes)": (
        lambda v: hb.viz.brain_dot(_small_brain(), max_nodes=v),
        "max_nodes",
        WALK,
    ),
    "brain_dot(hops)": (
        lambda v: hb.viz.brain_dot(_small_brain(), around=1, hops=v),
        "hops",
        WALK,
    ),
    "brain_dot(max_edges)": (
        lambda v: hb.viz.brain_dot(_small_brain(), max_edges=v),
        "max_edges",
        WALK,
    ),
    "brain_html(max_nodes)": (
        lambda v: hb.viz.brain_html(_small_brain(), "x.html", max_nodes=v),
        "max_nodes",
        WALK,
    ),
    "brain_html(top_k)": (
        lambda v: hb.viz.brain_html(_small_brain(), "x.html", top_k=v),
        "top_k",
        WALK,
    ),
    "StateLabels(rows)": (
        lambda v: hb.viz.StateLabels("grid", rows=v, cols=4).label(5),
        "rows",
        WALK,
    ),
}


@pytest.mark.parametrize("case", list(COUNTS))
def test_a_newer_count_is_accepted_or_refused_cleanly(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call, argument, values = COUNTS[case]
    for value in values.values():
        with address_space():
            try:
                call(value)
            except TypeError:
                assert value != value, f"{value!r}: only NaN is a TypeError"  # noqa: PLR0124
            except hb.HebbianError as e:
                assert isinstance(e, ValueError), type(e).__mro__
                assert argument in str(e), str(e)
            else:
                assert value in (2**31, 2**63, 2**64), f"{value!r} was accepted"


# ---------------------------------------------------------------- native integers of the bindings
def _core_calls():
    import hebbian_brain._core as core

    pp = core.PredatorPreyCore(size=5, n_predators=1, n_prey=1)
    pp.reset(0)
    env = hb.envs.DelayedNonMatchEnv()
    agent = rnn.NodePerturbationAgent(env, 8, seed=0)
    trainer = rnn.NodePerturbationTrainer(
        np.zeros((1, 5, 2)), np.zeros((1, 5, 1)), n_neurons=6, seed=0
    )
    w = np.zeros((3, 3))
    x, t = np.zeros((1, 2, 3)), np.zeros((1, 2, 3))
    return {  # name -> (call(value), argument)
        "PredatorPreyCore.observe": (pp.observe, "agent"),
        "PredatorPreyCore.position": (pp.position, "agent"),
        "PredatorPreyCore.is_alive": (pp.is_alive, "agent"),
        "PredatorPreyCore.step": (lambda v: pp.step([v, 0]), "action"),
        "RecurrentAgentCore.run_episodes": (
            lambda v: agent._core.run_episodes(env.core, v),
            "episodes",
        ),
        "RecurrentAgentCore.evaluate(max_steps)": (
            lambda v: agent._core.evaluate(env.core, 1, v),
            "max_steps",
        ),
        "RecurrentAgentCore(n_actions)": (
            lambda v: core.RecurrentAgentCore("reward_hebbian", 4, [0.0], [1.0], n_actions=v),
            "n_actions",
        ),
        "NodePerturbationTrainer.run": (trainer.run, "condition"),
        "NodePerturbationTrainer.condition_of": (trainer.condition_of, "trial"),
        "NodePerturbationTrainer(output_neurons)": (
            lambda v: rnn.NodePerturbationTrainer(
                np.zeros((1, 5, 2)), np.zeros((1, 5, 1)), n_neurons=6, output_neurons=[v]
            ),
            "output_neurons",
        ),
        "plastic_loss_and_grad(checkpoint_every)": (
            lambda v: core.plastic_loss_and_grad(w, w, 0.1, x, t, checkpoint_every=v),
            "checkpoint_every",
        ),
        "plastic_loss_and_grad(memory_budget)": (
            lambda v: core.plastic_loss_and_grad(w, w, 0.1, x, t, memory_budget=v),
            "memory_budget",
        ),
        "_delayed_non_match_arrays": (
            lambda v: core._delayed_non_match_arrays(
                stimulus_steps=v, delay_steps=1, response_steps=1, scored_steps=1
            ),
            "stimulus_steps",
        ),
    }


@pytest.mark.parametrize("value", [2**64, 2**200, -(2**64)], ids=["2**64", "2**200", "-2**64"])
def test_native_integers_of_the_bindings_name_the_argument_beyond_64_bits(value):
    """pyo3's own integer conversion raised a bare OverflowError here; guard::Int names it."""
    for name, (call, argument) in _core_calls().items():
        with pytest.raises(hb.HebbianError) as err:
            call(value)
        assert isinstance(err.value, ValueError), (name, type(err.value).__mro__)
        assert argument in str(err.value), (name, str(err.value))


@pytest.mark.parametrize("argument", ["synapses_removed", "nodes_removed"])
def test_a_prune_report_names_a_count_beyond_64_bits(argument):
    """PruneReport(synapses_removed=2**64) raised pyo3's bare OverflowError."""
    for value in (2**64, -1):
        with pytest.raises(hb.InvalidArgumentError, match=f"`{argument}`"):
            hb.PruneReport(**{argument: value})
    assert getattr(hb.PruneReport(**{argument: 3}), argument) == 3
