"""Node perturbation learns both published tasks (reduced settings, fixed seeds)."""

import numpy as np

from hebbian_brain.tasks import CenterOutReach, DelayedNonMatch


def test_dnms_error_falls_clearly():
    # Half-length DNMS (500 steps, tau 15 ms, 6 Hz) on 100 neurons, Miconi's other parameters.
    task = DelayedNonMatch(stimulus_ms=100, delay_ms=100, response_ms=200, scored_ms=100)
    config = task.published_config().replace(perturbation_rate=6.0, warmup_trials=0)
    trainer = task.trainer(seed=0, config=config, n_neurons=100, tau=15.0)
    start = trainer.evaluate().mean()
    errors, conditions = trainer.learn(1500, batch_size=4)
    end = trainer.evaluate().mean()
    assert end < 0.75 * start, (start, end)
    assert errors[-100:].mean() < errors[:100].mean()
    assert list(conditions[:8]) == [0, 1, 2, 3, 0, 1, 2, 3]


def test_dnms_error_falls_with_the_perturbation_trace():
    # The same reduced DNMS with perturbation_trace_config(): the trace sums the kicks.
    task = DelayedNonMatch(stimulus_ms=100, delay_ms=100, response_ms=200, scored_ms=100)
    config = task.perturbation_trace_config()
    assert config.eligibility == "perturbation" and config.learning_rate == 0.006
    trainer = task.trainer(seed=0, config=config, n_neurons=100, tau=15.0)
    start = trainer.evaluate().mean()
    errors, _ = trainer.learn(1500, batch_size=4)
    end = trainer.evaluate().mean()
    assert end < 0.75 * start, (start, end)
    assert errors[-100:].mean() < 0.75 * errors[:100].mean()


def test_reaching_error_falls_clearly():
    task = CenterOutReach()
    trainer = task.trainer(seed=0)
    start = trainer.evaluate().mean()
    errors, conditions = trainer.learn(1600, batch_size=4)
    end = trainer.evaluate().mean()
    assert end < 0.8 * start, (start, end)
    # "shuffled": every pass of 4 trials visits each target once
    assert all(sorted(conditions[k : k + 4]) == [0, 1, 2, 3] for k in range(0, 1600, 4))


def test_run_error_matches_the_task_error_functions():
    dnms = DelayedNonMatch(stimulus_ms=20, delay_ms=20, response_ms=40, scored_ms=20)
    trainer = dnms.trainer(seed=1, n_neurons=30)
    for c in range(4):
        run = trainer.run(c)
        assert np.isclose(run["error"], dnms.error(run["outputs"], c))
        assert np.isclose(run["error"], trainer.evaluate()[c])
    reach = CenterOutReach(n_steps=60, hold_steps=20)
    trainer = reach.trainer(seed=1, n_neurons=40)
    run = trainer.run(2)
    rates = run["rates"][:, trainer.output_neurons]
    assert np.isclose(run["error"], reach.error(run["outputs"], 2, rates))
    # the hand is the arm's response to the output rates, and rests during the hold
    assert np.allclose(run["outputs"], reach.arm.hand_trajectory(rates))
    assert np.all(run["outputs"][:20] == 0.0)
