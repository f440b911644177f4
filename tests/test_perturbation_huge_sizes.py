"""Sizes that cannot be allocated or addressed raise (MemoryError / a named error), never abort.

Each case runs in a fresh interpreter: before the fix these killed the process (SIGABRT) or
raised a PanicException, which a test in this process could not survive.
"""

import re
import subprocess
import sys
import textwrap

import pytest

PRELUDE = """
import resource
# A fixed address-space limit, so that "does not fit" does not depend on the machine's memory.
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
import numpy as np
import hebbian_brain as hb
from hebbian_brain import _core
from hebbian_brain.rnn import NodePerturbationTrainer
from hebbian_brain.tasks import CenterOutReach, DelayedNonMatch
small = DelayedNonMatch(stimulus_ms=5, delay_ms=5, response_ms=10, scored_ms=5).trials()
def small_trainer(**kw):
    return NodePerturbationTrainer(small.inputs, small.targets, small.mask, seed=0, **kw)
"""

CASES = {
    "n_neurons_1e6": (
        "small_trainer(n_neurons=10**6)",
        "MemoryError",
    ),
    "n_neurons_2_33": (
        "small_trainer(n_neurons=2**33)",
        "InvalidArgumentError|MemoryError",
    ),
    "train_1e12": (
        "small_trainer(n_neurons=10).learn(10**12)",
        "MemoryError",
    ),
    "train_2_62": (
        "small_trainer(n_neurons=10).learn(2**62)",
        "InvalidArgumentError: .*n_trials",
    ),
    "long_trial": (
        "NodePerturbationTrainer(np.ones((1, 3_000_000, 1)), np.zeros((1, 3_000_000, 1)),"
        " n_neurons=200, seed=0).learn(1)",
        "MemoryError",
    ),
    # the tasks refuse sizes they cannot hold when built (issue 15 item 8)
    "dnms_1e11": (
        "DelayedNonMatch(stimulus_ms=1e11).trials()",
        "InvalidConfigError: .*stimulus_ms",
    ),
    "reach_1e7": (
        "CenterOutReach(n_targets=10**7, n_steps=10**7).trials()",
        "InvalidConfigError: .*n_targets",
    ),
    "dnms_arrays_2_62": (
        "_core._delayed_non_match_arrays(stimulus_steps=2**62, delay_steps=1,"
        " response_steps=1, scored_steps=1)",
        "InvalidArgumentError: .*stimulus_steps",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_huge_size_raises_instead_of_aborting(name):
    call, expected = CASES[name]
    code = PRELUDE + textwrap.dedent(f"""
        try:
            {call}
        except BaseException as e:
            print(f"{{type(e).__name__}}: {{e}}")
        else:
            print("no exception")
        """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"died with {proc.returncode}: {proc.stderr[-2000:]}"
    last = proc.stdout.strip().splitlines()[-1]
    assert "Panic" not in last
    assert re.match(f"({expected})", last), last
