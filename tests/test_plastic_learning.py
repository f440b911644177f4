"""A plastic network learns to complete patterns it saw only within the episode."""

import numpy as np

from hebbian_brain.optim import Adam
from hebbian_brain.rnn import PlasticRNN
from hebbian_brain.tasks import PatternCompletion


def test_bohp_network_learns_pattern_completion():
    task = PatternCompletion.preset("bohp", n_neurons=29, seed=0)
    net = PlasticRNN(task.n_neurons, seed=0)
    history = net.learn(task, 1000, lr=3e-3, progress=False)
    errors = np.asarray(history["error_rate"])
    assert len(errors) == len(history["loss"]) == 1000
    # Chance on the zeroed half of the cue: 25% wrong bits; learned: a few percent.
    assert errors[:30].mean() > 0.15
    assert errors[-200:].mean() < 0.08
    # The learned plasticity is Hebbian (α mostly positive) and η moved from its start.
    assert (net.alpha[:28, :28] > 0).mean() > 0.75
    assert float(net.eta) != 0.01


def test_fit_is_reproducible_and_callback_can_stop_it():
    def run():
        task = PatternCompletion.preset("bohp", n_neurons=9, seed=5)
        net = PlasticRNN(task.n_neurons, seed=5)
        hist = net.learn(task, 20, batch_size=3, progress=False, callback=lambda i, h: i == 9)
        return net, hist

    (a, ha), (b, hb_) = run(), run()
    assert len(ha["loss"]) == 10
    assert ha == hb_
    np.testing.assert_array_equal(a.alpha, b.alpha)


def test_fit_with_progress_bar_and_frozen_eta(capsys):
    task = PatternCompletion.preset("bohp", n_neurons=7, seed=1)
    net = PlasticRNN(task.n_neurons, seed=1)
    opt = Adam([net.w, net.alpha], lr=1e-2)
    hist = net.learn(task, 5, optimizer=opt, progress=True)
    assert float(net.eta) == 0.01
    assert opt.steps == 5 and len(hist["error_rate"]) == 5


def test_eta_has_its_own_learning_rate():
    # η is moved by its own Adam (default lr / 10): after a few steps it has moved by at most
    # about steps × eta_lr (Adam's step is bounded by its learning rate), and an explicit eta_lr
    # moves it further.
    task = PatternCompletion.preset("bohp", n_neurons=9, seed=2)
    moved = {}
    for eta_lr in (None, 1e-2):
        net = PlasticRNN(task.n_neurons, seed=2)
        net.learn(task, 5, lr=1e-2, eta_lr=eta_lr, progress=False)
        moved[eta_lr] = abs(float(net.eta) - 0.01)
    assert 0 < moved[None] <= 5 * 1e-3 * 1.01
    assert moved[1e-2] > 2 * moved[None]
