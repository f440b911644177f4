"""DelayedNonMatch.tuned_config(): Miconi's rule with the documented changes, and it learns the
full-size task."""

import pytest

from hebbian_brain.rnn import trials_to_criterion
from hebbian_brain.tasks import DelayedNonMatch


def test_tuned_config_changes_only_warmup_amplitude_and_rate():
    task = DelayedNonMatch()
    pub, tuned = task.published_config(), task.tuned_config()
    assert pub.warmup_trials == 100 and tuned.warmup_trials == 0
    assert tuned.amplitude == pytest.approx(0.35) and tuned.perturbation_rate == 6.0
    assert pub.amplitude == pytest.approx(16 / 30) and pub.perturbation_rate == 3.0
    same = pub.replace(warmup_trials=0, amplitude=tuned.amplitude, perturbation_rate=6.0)
    assert same == tuned and tuned.scale_by_expected_error
    # The amplitude follows dt/τ like the published one.
    assert DelayedNonMatch(tau=15.0).tuned_config().amplitude == pytest.approx(0.7)


@pytest.mark.slow
def test_tuned_config_reaches_the_criterion_on_the_full_task():
    # N = 200, 1000-ms trials; this seed reached the criterion at trial 252 when measured.
    task = DelayedNonMatch()
    trainer = task.trainer(seed=6, config=task.tuned_config())
    errors, _ = trainer.train(600, n_threads=1)
    reached = trials_to_criterion(errors)
    assert reached is not None and reached <= 600, reached
    assert errors[-100:].mean() < 0.75 * errors[:100].mean()
