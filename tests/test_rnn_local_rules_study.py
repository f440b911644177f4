"""The local-rules finding, measured: STDP carries the order, symmetric Hebbian does not."""

import numpy as np

from hebbian_brain.analysis import classify, symmetry_index
from hebbian_brain.rnn import STDP, Hebbian, RecurrentNetwork
from hebbian_brain.tasks import SequenceGenerationTask


def trained(rule, seed):
    task = SequenceGenerationTask(80, 5, pattern_duration=2, input_strength=5.0, seed=seed)
    net = RecurrentNetwork(80, 80, 1, rule=rule, gain=0.5, seed=100 + seed)
    net.input_weights = np.eye(80)
    w0 = net.weights
    for _ in range(20):
        net.run(task.training_trial().inputs, keep_weights=True)
    return task, net, w0


def train(rule, seed):
    task, net, w0 = trained(rule, seed)
    _, rates = net.run(task.recall_trial().inputs, plastic=False, return_states=True)
    return task.score(rates).score, symmetry_index(net.weights - w0)


def test_stdp_recalls_in_order_and_hebbian_does_not():
    stdp = STDP(a_plus=0.003, a_minus=0.0015, tau_plus=1.0, tau_minus=1.0)
    hebb = Hebbian(learning_rate=0.001)
    stdp_runs = [train(stdp, s) for s in range(3)]
    hebb_runs = [train(hebb, s) for s in range(3)]
    assert np.mean([s for s, _ in stdp_runs]) >= 0.9
    assert max(s for s, _ in hebb_runs) == 0.0
    assert all(sym < -0.3 for _, sym in stdp_runs)  # asymmetric weights
    assert all(sym > 0.99 for _, sym in hebb_runs)  # symmetric weights


def test_in_plane_stability_of_the_origin_is_not_the_network_s():
    # The phase-plane figure's fixed points are those of the flow restricted to the plane of
    # patterns 0 and 1. At the origin (a true fixed point) the in-plane Jacobian P·J·Pᵀ of the STDP
    # network is a stable focus (rotation p0 -> p1), but the full network is a saddle there.
    stdp = STDP(a_plus=0.003, a_minus=0.0015, tau_plus=1.0, tau_minus=1.0)
    task, net, _ = trained(stdp, 0)
    q = np.linalg.qr(task.patterns[:2].T)[0].T
    origin = np.zeros(80)
    assert np.max(np.abs(net.vector_field(origin))) == 0.0
    jac = net.jacobian(origin)
    assert classify(q @ jac @ q.T) == "stable focus"
    assert classify(jac) == "saddle"
