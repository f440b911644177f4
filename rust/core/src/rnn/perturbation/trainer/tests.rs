use super::*;
use crate::rnn::perturbation::arm::TwoJointArm;
use crate::rnn::perturbation::config::{ErrorMetric, Readout};
use crate::rnn::perturbation::tasks::{center_out_reach, delayed_non_match};

/// A shortened DNMS (80 steps) on a small network: learns in a few hundred trials.
fn small_dnms(seed: u64) -> NodePerturbationTrainer {
    let set = delayed_non_match(10, 10, 30, 10).unwrap();
    let mut spec = NetworkSpec::new(40, 2);
    spec.tau = 5.0;
    spec.bias_neurons = vec![1, 2];
    spec.bias_values = vec![1.0, -1.0];
    let config = NodePerturbationConfig {
        perturbation_rate: 30.0,
        learning_rate: 0.3,
        max_dw: 3e-3,
        ..Default::default()
    };
    NodePerturbationTrainer::new(spec, config, set, 1.5, None, None, Some(seed)).unwrap()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

#[test]
fn same_seed_same_weights_whatever_the_thread_count() {
    let mut a = small_dnms(3);
    let mut b = small_dnms(3);
    let ra = a.train(12, 4, Some(1)).unwrap();
    let rb = b.train(12, 4, Some(2)).unwrap();
    assert_eq!(ra, rb);
    assert_eq!(a.weights(), b.weights());
    assert_eq!(a.expected_error(), b.expected_error());
}

#[test]
fn batch_of_one_is_the_sequential_rule() {
    // Splitting the same trials over several calls changes nothing.
    let mut a = small_dnms(5);
    let mut b = small_dnms(5);
    a.train(6, 1, None).unwrap();
    b.train(2, 1, None).unwrap();
    b.train(4, 1, None).unwrap();
    assert_eq!(a.weights(), b.weights());
    assert_eq!(a.trials_done(), 6);
}

#[test]
fn weight_change_is_clipped() {
    let mut t = small_dnms(1);
    let before = t.weights().to_vec();
    t.train(1, 1, None).unwrap();
    let max = t.config().max_dw;
    let biggest = before
        .iter()
        .zip(t.weights())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(biggest <= max + 1e-15 && biggest > 0.0, "{biggest}");
}

#[test]
fn warmup_trials_leave_weights_alone() {
    let mut t = small_dnms(2);
    let mut cfg = t.config().clone();
    cfg.warmup_trials = 5;
    t.set_config(cfg).unwrap();
    let before = t.weights().to_vec();
    t.train(5, 2, None).unwrap();
    assert_eq!(t.weights(), &before[..]);
    t.train(1, 1, None).unwrap();
    assert_ne!(t.weights(), &before[..]);
}

#[test]
fn shuffled_order_visits_every_condition_each_pass() {
    let mut t = small_dnms(4);
    let mut cfg = t.config().clone();
    cfg.condition_order = ConditionOrder::Shuffled;
    t.set_config(cfg).unwrap();
    for pass in 0..5u64 {
        let mut seen: Vec<usize> = (0..4).map(|k| t.condition_of(pass * 4 + k)).collect();
        seen.sort_unstable();
        assert_eq!(seen, vec![0, 1, 2, 3]);
    }
}

#[test]
fn dnms_error_falls() {
    let mut t = small_dnms(7);
    let start = mean(&t.evaluate());
    t.train(1200, 4, None).unwrap();
    let end = mean(&t.evaluate());
    assert!(end < 0.6 * start, "clean error {start} -> {end}");
}

#[test]
fn reaching_error_falls() {
    let arm = TwoJointArm {
        movement_start: 10,
        velocity_scale: 1.0 / 20.0,
        ..Default::default()
    };
    let set = center_out_reach(4, 40, 1.0, &arm).unwrap();
    let mut spec = NetworkSpec::new(40, 5);
    spec.tau = 5.0;
    spec.output_neurons = vec![0, 1];
    spec.readout = Readout::Arm(arm);
    spec.error_metric = ErrorMetric::Euclidean;
    spec.energy_cost = 0.1;
    let config = NodePerturbationConfig {
        perturbation_rate: 30.0,
        activity_trace_decay: 0.0,
        error_trace_decay: 0.33,
        max_dw: 3e-3,
        condition_order: ConditionOrder::Shuffled,
        ..Default::default()
    };
    let mut t = NodePerturbationTrainer::new(spec, config, set, 1.1, None, None, Some(11)).unwrap();
    let start = mean(&t.evaluate());
    t.train(800, 4, None).unwrap();
    let end = mean(&t.evaluate());
    assert!(end < 0.6 * start, "clean error {start} -> {end}");
}

#[test]
fn bad_inputs_are_rejected() {
    let set = delayed_non_match(10, 10, 30, 10).unwrap();
    let ok = NetworkSpec::new(20, 2);
    let cfg = NodePerturbationConfig::default();
    let build = |spec: NetworkSpec, cfg: NodePerturbationConfig, set: ConditionSet| {
        NodePerturbationTrainer::new(spec, cfg, set, 1.5, None, None, Some(0))
    };
    let mut spec = ok.clone();
    spec.output_neurons = vec![20];
    assert!(matches!(
        build(spec, cfg.clone(), set.clone()),
        Err(Error::InvalidConfig { .. })
    ));
    let mut spec = ok.clone();
    spec.tau = 0.0;
    assert!(build(spec, cfg.clone(), set.clone()).is_err());
    let mut spec = ok.clone();
    spec.dt = 40.0;
    assert!(build(spec, cfg.clone(), set.clone()).is_err());
    let bad_rate = NodePerturbationConfig {
        perturbation_rate: 2000.0,
        ..cfg.clone()
    };
    assert!(build(ok.clone(), bad_rate, set.clone()).is_err());
    let mut nan = set.clone();
    nan.inputs[3] = f64::NAN;
    assert!(matches!(
        build(ok.clone(), cfg.clone(), nan),
        Err(Error::InvalidArgument { .. })
    ));
    let mut short = set.clone();
    short.targets.pop();
    assert!(matches!(
        build(ok.clone(), cfg.clone(), short),
        Err(Error::Shape { .. })
    ));
    let mut t = build(ok, cfg, set).unwrap();
    let before = t.weights().to_vec();
    assert!(t.set_weights(vec![0.0; 3]).is_err());
    assert!(t.train(3, 0, None).is_err());
    assert!(t.run(4).is_err());
    assert_eq!(t.weights(), &before[..]);
}

#[test]
#[ignore]
fn scratch_full_dnms() {
    let set = delayed_non_match(200, 200, 400, 200).unwrap();
    let mut spec = NetworkSpec::new(200, 2);
    spec.bias_neurons = vec![1, 10, 11];
    spec.bias_values = vec![1.0, 1.0, -1.0];
    spec.initial_noise = 0.1;
    let config = NodePerturbationConfig {
        amplitude: 16.0 / 30.0,
        scale_by_expected_error: true,
        warmup_trials: 100,
        ..Default::default()
    };
    let seed: u64 = std::env::var("SEED")
        .map(|s| s.parse().unwrap())
        .unwrap_or(0);
    let mut t =
        NodePerturbationTrainer::new(spec, config, set, 1.5, None, None, Some(seed)).unwrap();
    let t0 = std::time::Instant::now();
    for _ in 0..25 {
        std::hint::black_box(t.run(0).unwrap());
    }
    eprintln!(
        "ms/clean run with record {}",
        t0.elapsed().as_secs_f64() * 1000.0 / 25.0
    );
    let (a, b) = (vec![0.5; 200_000], vec![0.25; 200_000]);
    let mut c = vec![0.0; 40_000];
    let t0 = std::time::Instant::now();
    for _ in 0..50 {
        crate::rnn::perturbation::trace::eligibility_trace(&a, &b, 1000, 200, &mut c);
    }
    eprintln!("ms/dgemm {}", t0.elapsed().as_secs_f64() * 1000.0 / 50.0);
    let x: Vec<f64> = (0..200_000).map(|k| (k as f64) * 1e-5 - 1.0).collect();
    let t0 = std::time::Instant::now();
    let s: f64 = x.iter().map(|v| v.tanh()).sum();
    eprintln!("ms/200k tanh {} {s}", t0.elapsed().as_secs_f64() * 1000.0);
    let t0 = std::time::Instant::now();
    let r = t.train(200, 1, Some(1)).unwrap();
    eprintln!(
        "ms/trial single {}",
        t0.elapsed().as_secs_f64() * 1000.0 / 200.0
    );
    let mut errs = r.errors;
    let t0 = std::time::Instant::now();
    let r = t.train(2800, 4, None).unwrap();
    eprintln!(
        "ms/trial batch4 {}",
        t0.elapsed().as_secs_f64() * 1000.0 / 2800.0
    );
    errs.extend(r.errors);
    let mut crit = None;
    for k in 100..errs.len() {
        if errs[k - 100..k].iter().filter(|&&e| e < 1.0).count() >= 95 {
            crit = Some(k);
            break;
        }
    }
    for chunk in errs.chunks(200) {
        eprint!("{:.3} ", mean(chunk));
    }
    eprintln!("\ncriterion {crit:?}");
}
