"""Checkpoint storage that does not fit raises MemoryError instead of aborting the process."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain.rnn import PlasticRNN

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="uses RLIMIT_AS and /proc")

_SCRIPT = textwrap.dedent(
    """
    import resource
    import numpy as np
    from hebbian_brain.rnn import PlasticRNN

    net = PlasticRNN(200, eta=0.5, seed=0)
    x = np.zeros((1, 3000, 200))
    net.loss_and_grad(x[:, :10], np.zeros((1, 200)), checkpoint_every=1)  # warm up threads
    with open("/proc/self/status") as f:
        vm = next(int(line.split()[1]) for line in f if line.startswith("VmSize:")) * 1024
    # ~3000 copies of a 200x200 float64 trace need ~960 MB; allow 150 MB more than now.
    resource.setrlimit(resource.RLIMIT_AS, (vm + 150 * 2**20, resource.RLIM_INFINITY))
    try:
        net.loss_and_grad(x, np.zeros((1, 200)), checkpoint_every=1)
    except MemoryError as e:
        print("MemoryError:", e)
    """
)


def test_checkpoints_that_do_not_fit_raise_memory_error():
    r = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "MemoryError: out of memory" in r.stdout and "checkpoint_every" in r.stdout


def test_checkpoint_every_is_checked():
    net = PlasticRNN(3, seed=0)
    x, y = np.zeros((1, 4, 3)), np.zeros((1, 3))
    for bad in (True, np.bool_(True), 0, -1, 2.5, "3", 2**64, 2**63, float("inf")):
        with pytest.raises(hb.InvalidArgumentError, match="checkpoint_every"):
            net.loss_and_grad(x, y, checkpoint_every=bad)
    ref = net.loss_and_grad(x, y)
    for ok in (2**63 - 1, 2.0, np.int64(3)):
        loss, _ = net.loss_and_grad(x, y, checkpoint_every=ok)
        assert loss == ref[0]
