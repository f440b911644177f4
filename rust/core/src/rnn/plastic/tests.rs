//! Tests of the hand-derived BPTT: central finite differences, trace reversal error,
//! independence from the number of threads, bad input.

use super::*;
use crate::error::Error;
use crate::rng;
use crate::rnn::plastic::shared::PARALLEL_MIN_N;
use rand::Rng as _;

pub(crate) struct Net {
    pub(crate) n: usize,
    w: Vec<f64>,
    alpha: Vec<f64>,
    eta: f64,
    eta_conn: Option<Vec<f64>>,
}

impl Net {
    pub(crate) fn random(n: usize, eta: f64, per_connection: bool, seed: u64) -> Net {
        let mut r = rng::from_seed(Some(seed));
        let mut draw = |s: f64| -> Vec<f64> {
            (0..n * n)
                .map(|_| s * (2.0 * r.gen::<f64>() - 1.0))
                .collect()
        };
        let w = draw(0.6);
        let alpha = draw(0.8);
        let eta_conn =
            per_connection.then(|| draw(1.0).iter().map(|u| eta * (1.0 + 0.5 * u)).collect());
        Net {
            n,
            w,
            alpha,
            eta,
            eta_conn,
        }
    }

    pub(crate) fn params(&self) -> PlasticParams<'_, f64> {
        PlasticParams {
            n: self.n,
            w: &self.w,
            alpha: &self.alpha,
            eta: match &self.eta_conn {
                Some(e) => EtaRef::PerConnection(e),
                None => EtaRef::Shared(self.eta),
            },
        }
    }
}

fn random_vec(len: usize, scale: f64, seed: u64) -> Vec<f64> {
    let mut r = rng::from_seed(Some(seed));
    (0..len)
        .map(|_| scale * (2.0 * r.gen::<f64>() - 1.0))
        .collect()
}

pub(crate) struct Problem {
    pub(crate) b: usize,
    pub(crate) t: usize,
    pub(crate) inputs: Vec<f64>,
    targets: Vec<f64>,
    every_step: bool,
    mask: Option<Vec<f64>>,
}

impl Problem {
    pub(crate) fn new(n: usize, b: usize, t: usize, every_step: bool, masked: bool) -> Problem {
        let tl = if every_step { b * t * n } else { b * n };
        let mask = masked.then(|| {
            random_vec(tl, 1.0, 7)
                .iter()
                .map(|u| if *u > 0.0 { 1.0 } else { 0.25 * (u + 1.0) })
                .collect()
        });
        Problem {
            b,
            t,
            inputs: random_vec(b * t * n, 1.5, 3),
            targets: random_vec(tl, 1.0, 5),
            every_step,
            mask,
        }
    }

    pub(crate) fn run(&self, net: &Net, k: Option<usize>) -> LossAndGrad<f64> {
        let c = match k {
            None => Checkpointing::Auto {
                budget_bytes: DEFAULT_TRACE_BUDGET,
            },
            Some(every) => Checkpointing::Reverse { every },
        };
        self.run_with(net, c)
    }

    fn run_with(&self, net: &Net, c: Checkpointing) -> LossAndGrad<f64> {
        let targets = if self.every_step {
            Targets::EveryStep(&self.targets)
        } else {
            Targets::LastStep(&self.targets)
        };
        let ep = Episodes {
            inputs: &self.inputs,
            batch: self.b,
            steps: self.t,
        };
        loss_and_grad_with(net.params(), ep, targets, self.mask.as_deref(), c).unwrap()
    }
}

fn rel_err(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(1e-3)
}

/// Central differences of every parameter against the analytic gradient.
fn check_fd(per_connection: bool, every_step: bool, masked: bool) {
    check_fd_inputs(per_connection, every_step, masked, false);
}

/// `saturate`: drive every other neuron with ±30 so its tanh derivative is exactly 0
/// (the kernels skip such silent rows).
fn check_fd_inputs(per_connection: bool, every_step: bool, masked: bool, saturate: bool) {
    let mut prob = Problem::new(9, 2, 7, every_step, masked);
    if saturate {
        for (k, x) in prob.inputs.iter_mut().enumerate() {
            if k % 2 == 0 {
                *x = 30.0 * x.signum();
            }
        }
    }
    check_fd_problem(per_connection, prob);
}

/// The network of the finite-difference checks: 9 neurons, one 8-wide SIMD chunk plus the
/// scalar tail, so both paths are checked.
pub(crate) fn fd_net(per_connection: bool) -> Net {
    Net::random(9, 0.3, per_connection, 11)
}

pub(crate) fn check_fd_problem(per_connection: bool, prob: Problem) {
    let mut net = fd_net(per_connection);
    let n = net.n;
    let g = prob.run(&net, None);
    let h = 1e-5;
    let mut worst: f64 = 0.0;
    for which in 0..3 {
        for idx in 0..n * n {
            let analytic = match which {
                0 => g.grad_w[idx],
                1 => g.grad_alpha[idx],
                _ => match &g.grad_eta {
                    EtaGrad::PerConnection(v) => v[idx],
                    EtaGrad::Shared(v) if idx == 0 => *v,
                    EtaGrad::Shared(_) => continue,
                },
            };
            let mut eval = |delta: f64| {
                let slot: &mut f64 = match which {
                    0 => &mut net.w[idx],
                    1 => &mut net.alpha[idx],
                    _ => match &mut net.eta_conn {
                        Some(e) => &mut e[idx],
                        None => &mut net.eta,
                    },
                };
                let orig = *slot;
                *slot = orig + delta;
                let l = prob.run(&net, None).loss;
                let slot: &mut f64 = match which {
                    0 => &mut net.w[idx],
                    1 => &mut net.alpha[idx],
                    _ => match &mut net.eta_conn {
                        Some(e) => &mut e[idx],
                        None => &mut net.eta,
                    },
                };
                *slot = orig;
                l
            };
            let numeric = (eval(h) - eval(-h)) / (2.0 * h);
            let e = rel_err(analytic, numeric);
            worst = worst.max(e);
            assert!(
                e <= 1e-6,
                "param {which} index {idx}: analytic {analytic} numeric {numeric}"
            );
        }
    }
    assert!(worst.is_finite());
}

#[test]
fn gradients_match_finite_differences_shared_eta() {
    check_fd(false, false, false);
    check_fd(false, true, false);
}

#[test]
fn gradients_match_finite_differences_with_mask() {
    check_fd(false, false, true);
    check_fd(true, true, true);
}

#[test]
fn gradients_match_finite_differences_with_saturated_neurons() {
    check_fd_inputs(false, false, false, true);
    check_fd_inputs(true, true, true, true);
}

#[test]
fn gradients_match_finite_differences_per_connection_eta() {
    check_fd(true, false, false);
}

pub(crate) fn max_rel_diff(a: &[f64], b: &[f64]) -> f64 {
    let scale = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    // NaN counts as an infinite error (f64::max would skip it).
    let worst = a.iter().zip(b).fold(0.0f64, |m, (x, y)| {
        let d = (x - y).abs();
        if d.is_nan() {
            f64::INFINITY
        } else {
            m.max(d)
        }
    });
    worst / scale
}

#[test]
fn reversed_trace_costs_almost_nothing_at_small_eta() {
    // dp1000-like: η = 0.01, 106 steps; no checkpoint at all by default.
    let n = 24;
    let net = Net::random(n, 0.01, false, 3);
    let prob = Problem::new(n, 1, 106, false, false);
    let exact = prob.run(&net, Some(1));
    let reversed = prob.run(&net, None);
    assert!(reversed.checkpoint_every >= 106);
    let e = max_rel_diff(&exact.grad_alpha, &reversed.grad_alpha)
        .max(max_rel_diff(&exact.grad_w, &reversed.grad_w));
    assert!(e < 1e-12, "relative error {e:e}");
}

#[test]
fn checkpoints_keep_large_eta_exact_where_pure_reversal_fails() {
    let n = 16;
    let net = Net::random(n, 0.7, false, 4);
    let prob = Problem::new(n, 1, 80, true, false);
    let exact = prob.run(&net, Some(1));
    let anchored = prob.run(&net, None);
    assert!(anchored.checkpoint_every < 80);
    let e_anchored = max_rel_diff(&exact.grad_alpha, &anchored.grad_alpha);
    assert!(e_anchored < 1e-10, "anchored relative error {e_anchored:e}");
    let pure = prob.run(&net, Some(usize::MAX));
    let e_pure = max_rel_diff(&exact.grad_alpha, &pure.grad_alpha);
    assert!(
        e_pure.is_nan() || e_pure >= 1e-3,
        "pure reversal should have blown up, error {e_pure:e}"
    );
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let n = 9;
    let net = Net::random(n, 0.2, false, 5);
    let prob = Problem::new(n, 5, 12, false, true);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| prob.run(&net, None))
    };
    let (a, b) = (run(1), run(3));
    assert_eq!(a.loss.to_bits(), b.loss.to_bits());
    assert_eq!(a.grad_w, b.grad_w);
    assert_eq!(a.grad_alpha, b.grad_alpha);
    assert_eq!(a.grad_eta, b.grad_eta);
}

#[test]
fn forward_outputs_match_the_final_outputs_of_the_gradient_pass() {
    let n = 6;
    let net = Net::random(n, 0.1, true, 6);
    let prob = Problem::new(n, 2, 9, false, false);
    let g = prob.run(&net, None);
    let ys = forward(
        net.params(),
        Episodes {
            inputs: &prob.inputs,
            batch: 2,
            steps: 9,
        },
    )
    .unwrap();
    for b in 0..2 {
        assert_eq!(
            &ys[(b * 9 + 8) * n..(b * 9 + 9) * n],
            &g.final_outputs[b * n..(b + 1) * n]
        );
    }
}

#[test]
fn one_step_episodes_have_zero_parameter_gradients() {
    let net = Net::random(3, 0.1, false, 1);
    let prob = Problem::new(3, 1, 1, false, false);
    let g = prob.run(&net, None);
    assert!(g.loss > 0.0);
    assert!(g.grad_w.iter().chain(&g.grad_alpha).all(|&v| v == 0.0));
}

#[test]
fn bad_input_gives_errors_not_panics() {
    let net = Net::random(3, 0.1, false, 1);
    let prob = Problem::new(3, 2, 4, false, false);
    let ep = Episodes {
        inputs: &prob.inputs,
        batch: 2,
        steps: 4,
    };
    let t = Targets::LastStep(&prob.targets);
    let mut p = net.params();
    p.eta = EtaRef::Shared(1.0);
    assert!(matches!(
        loss_and_grad(p, ep, t, None, None),
        Err(Error::InvalidArgument { .. })
    ));
    p.eta = EtaRef::Shared(0.0);
    assert!(matches!(
        loss_and_grad(p, ep, t, None, None),
        Err(Error::InvalidArgument { .. })
    ));
    let p = net.params();
    let short = Episodes {
        inputs: &prob.inputs[1..],
        ..ep
    };
    assert!(matches!(
        loss_and_grad(p, short, t, None, None),
        Err(Error::Shape { .. })
    ));
    assert!(matches!(
        loss_and_grad(p, ep, Targets::EveryStep(&prob.targets), None, None),
        Err(Error::Shape { .. })
    ));
    assert!(matches!(
        loss_and_grad(p, ep, t, Some(&[1.0]), None),
        Err(Error::Shape { .. })
    ));
    assert!(matches!(
        loss_and_grad(p, ep, t, None, Some(0)),
        Err(Error::InvalidArgument { .. })
    ));
    let mut bad = prob.inputs.clone();
    bad[5] = f64::NAN;
    let nan = Episodes { inputs: &bad, ..ep };
    assert!(matches!(
        loss_and_grad(p, nan, t, None, None),
        Err(Error::InvalidArgument { .. })
    ));
    let zero = PlasticParams {
        n: 0,
        w: &[],
        alpha: &[],
        eta: EtaRef::Shared(0.1),
    };
    assert!(loss_and_grad(zero, ep, t, None, None).is_err());
}

#[test]
fn row_parallel_steps_do_not_depend_on_the_number_of_threads() {
    // n ≥ PARALLEL_MIN_N: the rows of each step are shared between threads.
    let n = PARALLEL_MIN_N + 5;
    let net = Net::random(n, 0.05, false, 8);
    let prob = Problem::new(n, 1, 6, true, false);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| prob.run(&net, None))
    };
    let (a, b) = (run(1), run(4));
    assert_eq!(a.loss.to_bits(), b.loss.to_bits());
    assert_eq!(a.grad_w, b.grad_w);
    assert_eq!(a.grad_alpha, b.grad_alpha);
    assert_eq!(a.grad_eta, b.grad_eta);
}

#[test]
fn float32_gradients_agree_with_float64() {
    let n = 21; // two SIMD chunks and a tail
    let net = Net::random(n, 0.05, false, 9);
    let prob = Problem::new(n, 2, 30, false, true);
    let exact = prob.run(&net, None);
    let to32 = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
    let (w, alpha) = (to32(&net.w), to32(&net.alpha));
    let (inputs, targets) = (to32(&prob.inputs), to32(&prob.targets));
    let mask = prob.mask.as_deref().map(to32);
    let p = PlasticParams {
        n,
        w: &w,
        alpha: &alpha,
        eta: EtaRef::Shared(0.05f32),
    };
    let ep = Episodes {
        inputs: &inputs,
        batch: 2,
        steps: 30,
    };
    let single = loss_and_grad(p, ep, Targets::LastStep(&targets), mask.as_deref(), None).unwrap();
    let widen = |v: &[f32]| v.iter().map(|&x| x as f64).collect::<Vec<f64>>();
    assert!(max_rel_diff(&exact.grad_alpha, &widen(&single.grad_alpha)) < 1e-4);
    assert!(max_rel_diff(&exact.grad_w, &widen(&single.grad_w)) < 1e-4);
    assert!((exact.loss - single.loss).abs() < 1e-4 * exact.loss);
    let (EtaGrad::Shared(a), EtaGrad::Shared(b)) = (&exact.grad_eta, &single.grad_eta) else {
        panic!("shared eta expected");
    };
    assert!((a - *b as f64).abs() < 1e-3 * a.abs());
}

#[test]
fn recomputed_segments_give_the_stored_trace_gradients_bit_for_bit() {
    // Every spacing, including no copy at all (one segment from H_0) and spacings that do not
    // divide T − 2; the recomputation repeats the forward pass's arithmetic exactly.
    for (n, eta, per_connection) in [(10, 0.9, false), (9, 0.6, true), (200, 0.95, false)] {
        let net = Net::random(n, eta, per_connection, 6);
        let t = if n > 100 { 12 } else { 23 };
        let prob = Problem::new(n, 2, t, true, true);
        let exact = prob.run(&net, Some(1));
        for every in [1, 2, 3, 5, 7, 21, 22, 100] {
            let r = prob.run_with(&net, Checkpointing::Recompute { every });
            assert!(r.recomputed);
            assert_eq!(r.loss, exact.loss);
            assert_eq!(r.grad_w, exact.grad_w, "K = {every}");
            assert_eq!(r.grad_alpha, exact.grad_alpha, "K = {every}");
            assert_eq!(r.grad_eta, exact.grad_eta, "K = {every}");
        }
    }
}

#[test]
fn automatic_plan_caps_the_stored_traces_by_the_budget() {
    let mib = 1 << 20;
    // dp1000 in float64: η = 0.01 keeps no copy; η = 0.5 keeps 13 (104 MB, within 160 MiB).
    let p = TracePlan::resolve(
        Checkpointing::Auto {
            budget_bytes: 160 * mib,
        },
        0.01,
        106,
        1000,
        8,
    );
    assert!(!p.recompute && p.stored_matrices(106) == 0);
    let p = TracePlan::resolve(
        Checkpointing::Auto {
            budget_bytes: 160 * mib,
        },
        0.5,
        106,
        1000,
        8,
    );
    assert_eq!(
        (p.every, p.recompute, p.stored_matrices(106)),
        (8, false, 13)
    );
    // η near 1 would need a copy of every step (104 × 8 MB): recompute with ≈ 2√T matrices.
    for eta in [0.8, 0.95, 0.999] {
        let p = TracePlan::resolve(
            Checkpointing::Auto {
                budget_bytes: 160 * mib,
            },
            eta,
            106,
            1000,
            8,
        );
        assert!(p.recompute, "eta {eta}");
        assert_eq!(p.stored_matrices(106), 19, "eta {eta}: {p:?}");
        assert!(p.stored_matrices(106) * 8_000_000 <= 160 * mib);
    }
    // The least memory any spacing gives, even when the budget is smaller than that.
    let p = TracePlan::resolve(Checkpointing::Auto { budget_bytes: 0 }, 0.9, 3000, 100, 8);
    let least = (1..=3000)
        .map(|k| checkpoint_count(3000, k) + segment_slots(3000, k))
        .min()
        .unwrap();
    assert_eq!(p.stored_matrices(3000), least);
    assert!(least <= 2 * 55);
}

#[test]
fn large_eta_defaults_to_recomputation_and_stays_exact() {
    let n = 12;
    let net = Net::random(n, 0.97, false, 8);
    let prob = Problem::new(n, 1, 60, true, false);
    let exact = prob.run(&net, Some(1));
    let budget = 10 * n * n * 8; // room for 10 matrices: fewer than the 58 copies of K = 1
    let auto = prob.run_with(
        &net,
        Checkpointing::Auto {
            budget_bytes: budget,
        },
    );
    assert!(auto.recomputed);
    assert_eq!(auto.grad_alpha, exact.grad_alpha);
    assert_eq!(auto.grad_eta, exact.grad_eta);
}
