use super::*;

fn env(kind: TaskKind, seed: u64) -> CognitiveEnv {
    CognitiveEnv::new(kind, 100.0, vec![], Rewards::default(), false, Some(seed)).unwrap()
}

#[test]
fn ground_truth_only_in_the_decision_period_and_fixation_until_then() {
    for kind in [
        TaskKind::perceptual_default(),
        TaskKind::ContextDecisionMaking {
            cohs: vec![5.0, 15.0, 50.0],
            sigma: 1.0,
        },
        TaskKind::DelayMatchSample {
            sigma: 1.0,
            dim_ring: 2,
        },
        TaskKind::DelayedNonMatch { sigma: 0.0 },
    ] {
        let mut e = env(kind.clone(), 0);
        for _ in 0..20 {
            let trial = e.new_trial(&TrialParams::default()).unwrap().clone();
            let n = kind.n_obs();
            let (_, d0, d1) = trial
                .periods
                .iter()
                .find(|p| p.0 == "decision")
                .unwrap()
                .clone();
            for t in 0..trial.len() {
                let in_decision = (d0..d1).contains(&t);
                assert_eq!(trial.gt[t] != 0, in_decision, "{}", kind.name());
                assert_eq!(trial.ob[t * n] == 1.0, !in_decision);
            }
            assert!(trial.gt[d0] >= 1 && trial.gt[d0] < kind.n_actions());
        }
    }
}

#[test]
fn correct_answer_is_rewarded_and_ends_the_trial() {
    let mut e = env(TaskKind::perceptual_default(), 1);
    ContinuousEnv::reset(&mut e, None);
    let gt = e.trial().ground_truth;
    let steps = e.trial().len();
    for _ in 0..steps - 1 {
        let s = e.step_action(0).unwrap();
        assert!(!s.terminated);
    }
    let s = e.step_action(gt).unwrap();
    assert_eq!(s.reward, 1.0);
    assert!(s.terminated);
    assert_eq!(e.outcome(), Outcome::Correct);
    assert!(e.step_action(0).is_err());
}

#[test]
fn breaking_fixation_costs_the_abort_reward() {
    let mut e = CognitiveEnv::new(
        TaskKind::perceptual_default(),
        100.0,
        vec![],
        Rewards::default(),
        true,
        Some(0),
    )
    .unwrap();
    ContinuousEnv::reset(&mut e, None);
    let s = e.step_action(1).unwrap();
    assert_eq!(s.reward, -0.1);
    assert!(s.terminated);
    assert_eq!(e.outcome(), Outcome::Aborted);
}

#[test]
fn timing_changes_are_checked_and_applied() {
    let kind = TaskKind::perceptual_default();
    let mk = |t: Vec<(String, Duration)>| {
        CognitiveEnv::new(kind.clone(), 100.0, t, Rewards::default(), false, Some(0))
    };
    assert!(mk(vec![("nope".into(), Duration::Constant(1.0))]).is_err());
    assert!(mk(vec![("decision".into(), Duration::Constant(0.0))]).is_err());
    assert!(mk(vec![("stimulus".into(), Duration::Uniform(5.0, 1.0))]).is_err());
    let mut e = mk(vec![("stimulus".into(), Duration::Constant(500.0))]).unwrap();
    assert_eq!(
        e.new_trial(&TrialParams::default()).unwrap().len(),
        1 + 5 + 1
    );
    let d = Duration::TruncatedExponential {
        mean: 600.0,
        low: 300.0,
        high: 3000.0,
    };
    let mut rng = crate::rng::from_seed(Some(0));
    for _ in 0..100 {
        let v = d.sample(&mut rng);
        assert!((300.0..=3000.0).contains(&v));
    }
}

#[test]
fn fixed_trial_variables_are_used_and_checked() {
    let mut e = env(TaskKind::perceptual_default(), 3);
    let p = TrialParams {
        ground_truth: Some(2),
        coh: Some(51.2),
        ..Default::default()
    };
    let trial = e.new_trial(&p).unwrap();
    assert_eq!(trial.ground_truth, 2);
    assert_eq!(trial.values, vec![("coh".to_string(), 51.2)]);
    let bad = TrialParams {
        ground_truth: Some(3),
        ..Default::default()
    };
    assert!(e.new_trial(&bad).is_err());
}
