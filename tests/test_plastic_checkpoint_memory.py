"""Checkpoint storage that does not fit raises MemoryError instead of aborting the process; by
default the copies are capped and the segments between them recomputed, exactly."""

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

    net = PlasticRNN(200, eta=0.95, seed=0)
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
    # The default caps the copies (160 MiB; here ~2·sqrt(T) = 110 matrices, 35 MB) and
    # recomputes the segments between them: it fits where keeping every trace did not.
    out = net._loss_grad_outputs(x, np.zeros((1, 200)), None, None)
    print("auto:", out[3], out[4], np.isfinite(out[0]))
    """
)


def test_checkpoints_that_do_not_fit_raise_memory_error():
    r = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "MemoryError: out of memory" in r.stdout and "checkpoint_every" in r.stdout
    k, recomputed, finite = r.stdout.split("auto:")[1].split()
    assert recomputed == "True" and finite == "True" and 40 <= int(k) <= 70


def test_recomputed_segments_match_keeping_every_trace(rng):
    n, t = 11, 50
    net = PlasticRNN(n, eta=0.9, seed=4)
    net.w[:] = 0.5 * rng.standard_normal((n, n))
    net.alpha[:] = rng.standard_normal((n, n))
    x = rng.standard_normal((2, t, n))
    targets = rng.uniform(-1, 1, (2, t, n))
    _, stored = net.loss_and_grad(x, targets, checkpoint_every=1)
    # A budget of a few matrices forces the recomputation (K = 1 would keep 48 of them).
    out = net._loss_grad_outputs(x, targets, None, None, 10 * n * n * 8)
    assert out[4] and out[3] > 1
    for name in ("w", "alpha"):
        np.testing.assert_array_equal(out[1][name], stored[name])
    assert out[1]["eta"] == stored["eta"]
    loss, grads = net.loss_and_grad(x, targets, memory_budget=10 * n * n * 8)
    np.testing.assert_array_equal(grads["alpha"], stored["alpha"])


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
