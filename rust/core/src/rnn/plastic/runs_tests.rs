//! Tests of the saturated runs (`plastic_runs.rs`): finite differences with wholly and nearly
//! saturated steps, and agreement with keeping every trace (no run).

use crate::rnn::plastic::tests::{check_fd_problem, fd_net, max_rel_diff, Net, Problem};
use crate::rnn::plastic::{forward, Episodes, EtaGrad};

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

/// The portable path (CPUs without AVX2+FMA) walks a whole row from element 0 with the scalar
/// tail: rows longer than the 8 lanes must wrap into them (it once indexed past them), and it
/// must agree with the dispatched kernel of this machine.
#[test]
fn the_portable_saturated_run_handles_long_rows_and_matches_the_dispatched_kernel() {
    use crate::rnn::plastic::kernels::{silent_run_row_f64, LANES};
    use crate::rnn::plastic::kernels::{silent_run_tail, SilentRun};
    let (n, k) = (21usize, 3usize);
    let val = |i: usize, s: f64| (i as f64 * 0.37 + s).sin() * 0.9;
    let pre: Vec<f64> = (0..k * n).map(|i| val(i, 0.1)).collect();
    let post: Vec<f64> = (0..k).map(|i| val(i, 0.5)).collect();
    let y2: Vec<f64> = (0..n).map(|i| val(i, 0.9)).collect();
    let run = |portable: bool| {
        let mut hebb: Vec<f64> = (0..n).map(|i| val(i, 1.3) * 0.1).collect();
        let mut grad: Vec<f64> = (0..n).map(|i| val(i, 1.7)).collect();
        let mut col = vec![0.25; n];
        let eta = 0.05;
        let r = SilentRun {
            eta,
            inv_keep: 1.0 / (1.0 - eta),
            hebb: &mut hebb,
            grad_hebb: &mut grad,
            col: &mut col,
            pre: &pre,
            post: &post,
            y_prev2: &y2,
        };
        let sums = if portable {
            let mut r = r;
            let (mut row, mut eta_l) = ([0.0; LANES], [0.0; LANES]);
            silent_run_tail::<f64, false>(&mut r, 0, &mut row, &mut eta_l);
            (row.iter().sum::<f64>(), eta_l.iter().sum::<f64>())
        } else {
            silent_run_row_f64(r)
        };
        (sums, hebb, grad, col)
    };
    let (a, b) = (run(true), run(false));
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-12 * (1.0 + x.abs());
    assert!(
        close(a.0 .0, b.0 .0) && close(a.0 .1, b.0 .1),
        "{:?} {:?}",
        a.0,
        b.0
    );
    for (x, y) in
        a.1.iter()
            .chain(&a.2)
            .chain(&a.3)
            .zip(b.1.iter().chain(&b.2).chain(&b.3))
    {
        assert!(close(*x, *y), "{x} vs {y}");
    }
}
