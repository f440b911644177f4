use super::*;
use crate::rnn::perturbation::arm::TwoJointArm;
use crate::rnn::perturbation::config::Precision;
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
fn splitting_at_multiples_of_the_batch_size_changes_nothing() {
    let mut whole = small_dnms(7);
    let mut split = small_dnms(7);
    let mut ragged = small_dnms(7);
    whole.train(20, 4, None).unwrap();
    split.train(8, 4, None).unwrap();
    split.train(12, 4, None).unwrap();
    assert_eq!(whole.weights(), split.weights());
    assert_eq!(whole.expected_error(), split.expected_error());
    // A split inside a batch moves the later batch boundaries: a different (valid) run.
    ragged.train(6, 4, None).unwrap();
    ragged.train(14, 4, None).unwrap();
    assert_ne!(whole.weights(), ragged.weights());
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

fn with_precision(mut t: NodePerturbationTrainer, p: Precision) -> NodePerturbationTrainer {
    let mut cfg = t.config().clone();
    cfg.precision = p;
    t.set_config(cfg).unwrap();
    t
}

/// Float32 arithmetic runs the same trial (same perturbations) to float32 accuracy: the
/// errors and weight changes of a few trials agree closely with float64.
#[test]
fn float32_precision_follows_float64() {
    let mut a = with_precision(small_dnms(6), Precision::Float64);
    let mut b = with_precision(small_dnms(6), Precision::Float32);
    let before = a.weights().to_vec();
    let ra = a.train(3, 1, None).unwrap();
    let rb = b.train(3, 1, None).unwrap();
    for (x, y) in ra.errors.iter().zip(&rb.errors) {
        assert!((x - y).abs() < 1e-4 * x.abs().max(1.0), "{x} vs {y}");
    }
    let change = |w: &[f64]| -> Vec<f64> { w.iter().zip(&before).map(|(x, y)| x - y).collect() };
    let (da, db) = (change(a.weights()), change(b.weights()));
    let scale = da.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let diff = da
        .iter()
        .zip(&db)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
    assert!(scale > 0.0 && diff < 0.02 * scale, "{diff} vs {scale}");
    // Clean runs use the float32 copy of the (float64) weights too, and it follows J.
    let ea = a.evaluate().unwrap();
    let eb = b.evaluate().unwrap();
    for (x, y) in ea.iter().zip(&eb) {
        assert!((x - y).abs() < 1e-3, "{x} vs {y}");
    }
    // Switching back to float64 frees the copy and gives float64 results again.
    let mut back = with_precision(b.clone(), Precision::Float64);
    back.set_weights(a.weights().to_vec()).unwrap();
    assert_eq!(back.evaluate().unwrap(), a.evaluate().unwrap());
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

/// DNMS at half length (500 steps, τ = 15 ms, 6 Hz) on 100 neurons with Miconi's other
/// parameters: the clean error falls clearly within 1500 trials.
#[test]
fn dnms_error_falls() {
    let set = delayed_non_match(100, 100, 200, 100).unwrap();
    let mut spec = NetworkSpec::new(100, 2);
    spec.tau = 15.0;
    spec.bias_neurons = vec![1, 10, 11];
    spec.bias_values = vec![1.0, 1.0, -1.0];
    spec.initial_noise = 0.1;
    let config = NodePerturbationConfig {
        perturbation_rate: 6.0,
        amplitude: 16.0 / 30.0,
        scale_by_expected_error: true,
        ..Default::default()
    };
    let mut t = NodePerturbationTrainer::new(spec, config, set, 1.5, None, None, Some(0)).unwrap();
    let start = mean(&t.evaluate().unwrap());
    let report = t.train(1500, 4, None).unwrap();
    let end = mean(&t.evaluate().unwrap());
    assert!(end < 0.75 * start, "clean error {start} -> {end}");
    assert!(mean(&report.errors[1400..]) < mean(&report.errors[..100]));
}

/// hebbRNN's reaching network (150 neurons, τ = 20 ms, 4 targets): the clean error falls
/// clearly within 400 passes. Run in float32 precision (the float64 runs of the same rule are
/// covered by `dnms_error_falls` and the Python learning tests).
#[test]
fn reaching_error_falls_in_float32() {
    let arm = TwoJointArm::default();
    let set = center_out_reach(4, 150, 1.0, &arm).unwrap();
    let mut spec = NetworkSpec::new(150, 5);
    spec.tau = 20.0;
    spec.output_neurons = vec![0, 1];
    spec.bias_neurons = vec![2, 3, 4, 5];
    spec.bias_values = vec![0.5, -0.3, 0.8, -0.6];
    spec.readout = Readout::Arm(arm);
    spec.error_metric = ErrorMetric::Euclidean;
    spec.energy_cost = 0.1;
    let config = NodePerturbationConfig {
        activity_trace_decay: 0.0,
        error_trace_decay: 0.33,
        max_dw: 1e-4,
        condition_order: ConditionOrder::Shuffled,
        precision: Precision::Float32,
        ..Default::default()
    };
    let mut t = NodePerturbationTrainer::new(spec, config, set, 1.1, None, None, Some(0)).unwrap();
    let start = mean(&t.evaluate().unwrap());
    t.train(1600, 4, None).unwrap();
    let end = mean(&t.evaluate().unwrap());
    assert!(end < 0.8 * start, "clean error {start} -> {end}");
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
