//! Tests of the perturbed network trial (`network.rs`).

use super::*;
use crate::rng::from_seed;

/// Marks the cells of an `n_steps × n` grid that `KickTimes` perturbs.
fn kicked_cells(p: f64, n_steps: usize, n: usize, rng: &mut Rng) -> Vec<bool> {
    let mut hit = vec![false; n_steps * n];
    let mut k = KickTimes::new(p, rng);
    let end = (n_steps * n) as u64;
    while k.next < end {
        assert!(!hit[k.next as usize], "a cell is kicked at most once");
        hit[k.next as usize] = true;
        k.next = k.next.saturating_add(1).saturating_add(k.gap(rng));
    }
    hit
}

#[test]
fn kick_times_have_the_law_of_one_bernoulli_draw_per_cell() {
    let mut rng = from_seed(Some(11));
    let (n_steps, n, reps) = (50, 40, 400);
    let p = 0.02;
    let mut per_cell = vec![0u32; n_steps * n];
    let mut pairs = 0u32; // cells (t, i) and (t, i + 1) both kicked: independence
    for _ in 0..reps {
        let hit = kicked_cells(p, n_steps, n, &mut rng);
        for (c, &h) in per_cell.iter_mut().zip(&hit) {
            *c += u32::from(h);
        }
        pairs += hit.windows(2).filter(|w| w[0] && w[1]).count() as u32;
    }
    let total: u32 = per_cell.iter().sum();
    let cells = (n_steps * n * reps) as f64;
    let mean = f64::from(total) / cells;
    // Binomial(800 000, 0.02): sd of the mean 1.6e-4.
    assert!((mean - p).abs() < 8e-4, "{mean}");
    // Every region of the grid is hit at the same rate (first vs last step, first vs
    // last neuron).
    let rate = |cells: Vec<usize>| {
        let k = cells.len() as f64 * reps as f64;
        cells.iter().map(|&c| f64::from(per_cell[c])).sum::<f64>() / k
    };
    let first_step = rate((0..n).collect());
    let last_step = rate(((n_steps - 1) * n..n_steps * n).collect());
    let first_neuron = rate((0..n_steps).map(|t| t * n).collect());
    let last_neuron = rate((0..n_steps).map(|t| t * n + n - 1).collect());
    for r in [first_step, last_step, first_neuron, last_neuron] {
        assert!((r - p).abs() < 0.006, "{r}");
    }
    let pair_rate = f64::from(pairs) / ((n_steps * n - 1) * reps) as f64;
    assert!((pair_rate - p * p).abs() < 1.5e-4, "{pair_rate}");
}

/// The perturbation trace is `Σ_t ξ(t) r(t−1)ᵀ` with the kicks `ξ` the trial applied:
/// recovered from the recorded states as `x(t)` minus the unperturbed Euler step. Checked
/// in both precisions and over successive trials in one workspace (each trial's trace
/// starts from zero).
#[test]
fn perturbation_trace_sums_the_kicks_times_the_previous_rates() {
    use crate::rnn::perturbation::tasks::delayed_non_match;
    let set = delayed_non_match(10, 5, 10, 5).unwrap();
    let (n, n_in, t_steps) = (16, set.n_inputs, set.n_steps);
    let mut spec = NetworkSpec::new(n, n_in);
    spec.tau = 4.0;
    spec.bias_neurons = vec![3];
    spec.bias_values = vec![0.7];
    let mut rng = from_seed(Some(5));
    let j: Vec<f64> = (0..n * n)
        .map(|_| 0.6 * (2.0 * rng.gen::<f64>() - 1.0))
        .collect();
    let j32: Vec<f32> = j.iter().map(|&v| v as f32).collect();
    let w_in: Vec<f64> = (0..n * n_in)
        .map(|_| 2.0 * rng.gen::<f64>() - 1.0)
        .collect();
    let exploration = Exploration {
        probability: 0.1,
        amplitude: 0.4,
        activity_trace_decay: 0.05,
        eligibility: Eligibility::Perturbation,
    };
    let mut ws = Workspace::default();
    for (trial, weights) in [Weights::F64(&j), Weights::F32(&j32), Weights::F64(&j)]
        .into_iter()
        .enumerate()
    {
        let c = trial % set.n_conditions;
        let view = TrialView {
            inputs: set.inputs_of(c),
            targets: set.targets_of(c),
            mask: set.mask_of(c),
            n_steps: t_steps,
        };
        let mut rec = TrialRecord::default();
        simulate(
            &spec,
            weights,
            &w_in,
            view,
            Some(exploration),
            &mut rng,
            &mut ws,
            Some(&mut rec),
        )
        .unwrap();
        // float32 drives are rounded: recovered kicks carry errors of ~1e-7 there.
        let (found, tol) = match weights {
            Weights::F64(_) => (1e-9, 1e-10),
            Weights::F32(_) => (1e-4, 1e-5),
        };
        let mut x_prev = vec![0.0; n];
        x_prev[3] = 0.7;
        let mut r_prev: Vec<f64> = x_prev.iter().map(|v: &f64| v.tanh()).collect();
        let mut expected = vec![0.0; n * n];
        let mut kicks = 0;
        for t in 0..t_steps {
            let u = &view.inputs[t * n_in..(t + 1) * n_in];
            for i in 0..n {
                let drive: f64 = (0..n).map(|k| j[i * n + k] * r_prev[k]).sum::<f64>()
                    + (0..n_in).map(|k| w_in[i * n_in + k] * u[k]).sum::<f64>();
                let pred = x_prev[i] + (drive - x_prev[i]) / spec.tau;
                let kick = rec.activations[t * n + i] - pred;
                if i != 3 && kick.abs() > found {
                    kicks += 1;
                    for k in 0..n {
                        expected[i * n + k] += kick * r_prev[k];
                    }
                }
            }
            x_prev.copy_from_slice(&rec.activations[t * n..(t + 1) * n]);
            r_prev.copy_from_slice(&rec.rates[t * n..(t + 1) * n]);
        }
        assert!(kicks > 20, "trial {trial}: {kicks} kicks");
        for (k, (a, b)) in ws.trace[..n * n].iter().zip(&expected).enumerate() {
            assert!((a - b).abs() < tol, "trial {trial}, entry {k}: {a} vs {b}");
        }
        assert!(ws.trace[3 * n..4 * n].iter().all(|&v| v == 0.0));
    }
}

#[test]
fn kick_times_at_the_ends_of_the_probability_range() {
    let mut rng = from_seed(Some(2));
    assert!(kicked_cells(1.0, 7, 5, &mut rng).iter().all(|&h| h));
    assert!(!kicked_cells(0.0, 7, 5, &mut rng).iter().any(|&h| h));
    // A tiny probability: a gap that saturates instead of wrapping around.
    assert!(!kicked_cells(1e-300, 7, 5, &mut rng).iter().any(|&h| h));
}
