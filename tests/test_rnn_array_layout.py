"""Arrays are read in logical (C) order whatever their memory layout, and huge ones fail cleanly."""

import subprocess
import sys

import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain.rnn import STDP, NeuromodulatedHebbian, RecurrentNetwork


@pytest.mark.parametrize("name", ["weights", "input_weights", "output_weights", "trace", "alpha"])
def test_setters_read_fortran_ordered_arrays_in_logical_order(name, rng):
    net = RecurrentNetwork(3, 4, 2, rule=NeuromodulatedHebbian(), seed=0)
    shape = getattr(net, name).shape
    value = rng.standard_normal(shape)
    if name == "weights" or name == "trace":
        np.fill_diagonal(value, 0.0)
    if name == "alpha":
        value = np.abs(value)
    setattr(net, name, np.asfortranarray(value))
    np.testing.assert_array_equal(getattr(net, name), value)


def test_batch_modulation_targets_and_initial_states_in_fortran_order(rng):
    net = RecurrentNetwork(2, 5, 2, rule=NeuromodulatedHebbian(alpha=1.0), seed=1)
    u = rng.random((3, 6, 2))
    m = rng.random((3, 6))
    x0 = rng.standard_normal((3, 5))
    y = rng.random((3, 6, 2))
    expected = net.copy().run(u, modulation=m, initial_state=x0, targets=y, readout_rate=0.1)
    got = net.copy().run(
        np.asfortranarray(u),
        modulation=np.asfortranarray(m),
        initial_state=np.asfortranarray(x0),
        targets=np.asfortranarray(y),
        readout_rate=0.1,
    )
    np.testing.assert_array_equal(got, expected)


def test_stdp_window_reads_fortran_order_and_maps_nan_to_nan():
    rule = STDP()
    dt = np.array([[1.0, -2.0, 3.0], [0.0, -1.0, 2.0]])
    np.testing.assert_array_equal(rule.window(np.asfortranarray(dt)), rule.window(dt))
    assert rule.window(dt)[0, 1] == rule.window(-2.0)
    assert np.isnan(rule.window(np.nan))


_HUGE = """
import numpy as np
from hebbian_brain.rnn import RecurrentNetwork
net = RecurrentNetwork({n_in}, 4, 1)
try:
    net.run({inputs})
except (MemoryError, ValueError) as e:
    print(type(e).__name__)
"""


@pytest.mark.parametrize(
    ("n_in", "inputs", "expected"),
    [
        # 10**12 steps without inputs: the [T, 1] output cannot be allocated.
        (0, "np.zeros((10**12, 0))", "InvalidArgumentError"),
        # A broadcast view of 10**11 steps: numpy cannot make the copy.
        (1, "np.broadcast_to(np.zeros(1), (10**11, 1))", "MemoryError"),
    ],
)
def test_huge_runs_raise_instead_of_aborting(n_in, inputs, expected):
    # In a subprocess, so an abort would fail the test rather than kill pytest.
    code = _HUGE.format(n_in=n_in, inputs=inputs)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert expected in done.stdout


def test_huge_run_error_in_process_leaves_network_usable():
    net = RecurrentNetwork(0, 4, 1, seed=0)
    with pytest.raises(hb.InvalidArgumentError, match="too many steps"):
        net.run(np.zeros((10**12, 0)))
    assert net.run(np.zeros((3, 0))).shape == (3, 1)
