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
from hebbian_brain import rnn, tasks


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
