//! Tests of the saturated runs (`plastic_runs.rs`): finite differences with wholly and nearly
//! saturated steps, and agreement with keeping every trace (no run).

use crate::rnn::plastic_bptt::tests::{check_fd_problem, fd_net, max_rel_diff, Net, Problem};
use crate::rnn::plastic_bptt::{forward, Episodes, EtaGrad};

/// Drives every neuron with ±40 at the steps (1-based) of `runs`: whole saturated steps, whose
/// ∂L/∂a is 0 for every neuron (the backward pass fuses runs of them into one pass); checks
/// that they saturate (tanh = ±1 exactly).
fn saturate_steps(prob: &mut Problem, net: &Net, runs: &[std::ops::RangeInclusive<usize>]) {
    saturate_steps_except(prob, net, runs, &[]);
}

/// [`saturate_steps`] leaving the neurons `free` unsaturated (the "active" rows of a run).
fn saturate_steps_except(
    prob: &mut Problem,
    net: &Net,
    runs: &[std::ops::RangeInclusive<usize>],
    free: &[usize],
) {
    let n = net.n;
    for b in 0..prob.b {
        for run in runs {
            for t in run.clone() {
                let row = (b * prob.t + t - 1) * n;
                for (i, x) in prob.inputs[row..row + n].iter_mut().enumerate() {
                    if !free.contains(&i) {
                        *x = 40.0 * x.signum();
                    }
                }
            }
        }
    }
    let ep = Episodes {
        inputs: &prob.inputs,
        batch: prob.b,
        steps: prob.t,
    };
    let ys = forward(net.params(), ep).unwrap();
    for b in 0..prob.b {
        for t in runs.iter().flat_map(|r| r.clone()) {
            let row = (b * prob.t + t - 1) * n;
            let saturated = ys[row..row + n]
                .iter()
                .enumerate()
                .all(|(i, y)| free.contains(&i) || y.abs() == 1.0);
            assert!(saturated, "step {t} saturated");
        }
    }
}

#[test]
fn gradients_match_finite_differences_with_saturated_steps() {
    // Runs of whole saturated steps (fused into one backward pass each), one reaching the
    // first step; last-step and every-step targets, with a mask.
    for (every_step, masked) in [(false, false), (true, true)] {
        let mut prob = Problem::new(9, 2, 14, every_step, masked);
        saturate_steps(&mut prob, &fd_net(false), &[1..=3, 5..=8, 10..=10, 12..=13]);
        check_fd_problem(false, prob);
    }
}

#[test]
fn gradients_match_finite_differences_with_nearly_saturated_steps() {
    // Runs in which one or two neurons stay unsaturated (done step by step beside the fused
    // saturated rows), one in the SIMD chunk and one in the scalar tail.
    for (every_step, masked, free) in [(false, false, &[3usize][..]), (true, true, &[2, 8][..])] {
        let mut prob = Problem::new(9, 2, 14, every_step, masked);
        let runs = [1..=3, 5..=8, 10..=10, 12..=13];
        saturate_steps_except(&mut prob, &fd_net(false), &runs, free);
        check_fd_problem(false, prob);
    }
}

#[test]
fn fused_saturated_steps_match_the_stored_trace() {
    // dp1000-like schedule (presentations of 6 saturated steps, delays of 4), 24 neurons so
    // that the row blocks and both sweep directions are used; η = 0.01 (no copy) and η = 0.3
    // (copies every 15 steps: runs stop at them). Reference: every trace stored (no fusion).
    let n = 24;
    for eta in [0.01, 0.3] {
        let net = Net::random(n, eta, false, 3);
        let mut prob = Problem::new(n, 1, 66, false, false);
        let runs: Vec<_> = (0..6).map(|c| 10 * c + 1..=10 * c + 6).collect();
        saturate_steps(&mut prob, &net, &runs);
        let exact = prob.run(&net, Some(1));
        let fused = prob.run(&net, None);
        let e = max_rel_diff(&exact.grad_alpha, &fused.grad_alpha)
            .max(max_rel_diff(&exact.grad_w, &fused.grad_w));
        assert!(e < 1e-12, "η = {eta}: relative error {e:e}");
        let (EtaGrad::Shared(a), EtaGrad::Shared(b)) = (&exact.grad_eta, &fused.grad_eta) else {
            panic!("shared η");
        };
        assert!((a - b).abs() <= 1e-12 * a.abs(), "η = {eta}: {a} vs {b}");
        assert!(max_rel_diff(&exact.final_outputs, &fused.final_outputs) == 0.0);
    }
    // Active rows: 40 neurons (up to 2 active rows in a run), two of them never saturated.
    let n = 40;
    let net = Net::random(n, 0.01, false, 4);
    let mut prob = Problem::new(n, 1, 66, true, false);
    let runs: Vec<_> = (0..6).map(|c| 10 * c + 1..=10 * c + 6).collect();
    saturate_steps_except(&mut prob, &net, &runs, &[5, 33]);
    let exact = prob.run(&net, Some(1));
    let fused = prob.run(&net, None);
    let e = max_rel_diff(&exact.grad_alpha, &fused.grad_alpha)
        .max(max_rel_diff(&exact.grad_w, &fused.grad_w));
    assert!(e < 1e-12, "active rows: relative error {e:e}");
}
