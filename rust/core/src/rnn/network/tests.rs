use super::*;
use crate::rnn::{
    Hebbian, NetworkConfig, NeuromodulatedHebbian, Record, RunOptions, Stdp, TrialOutput,
};

fn config(n: usize) -> NetworkConfig {
    NetworkConfig {
        n_inputs: 2,
        n_units: n,
        n_outputs: 1,
        ..NetworkConfig::default()
    }
}

fn inputs(steps: usize) -> Vec<f64> {
    (0..steps * 2).map(|k| (k as f64 * 0.3).sin()).collect()
}

#[test]
fn discrete_step_matches_the_equation() {
    let mut net = RecurrentNetwork::new(config(5), None, Some(1)).unwrap();
    let u = inputs(1);
    let opts = RunOptions {
        record: Record::Currents,
        ..RunOptions::default()
    };
    let out = net.run_trial(&u, 1, &opts).unwrap();
    // x(1) = W·tanh(0) + W_in·u(0) = W_in·u(0)
    for i in 0..5 {
        let expected = net.input_weights()[i * 2] * u[0] + net.input_weights()[i * 2 + 1] * u[1];
        assert!((out.states[i] - expected).abs() < 1e-14);
    }
    let y: f64 = (0..5)
        .map(|i| net.output_weights()[i] * out.states[i].tanh())
        .sum();
    assert!((out.outputs[0] - y).abs() < 1e-14);
}

#[test]
fn same_seed_same_trial_and_batch_matches_single_trials() {
    let rule = Some(Rule::Hebbian(Hebbian::default()));
    let cfg = NetworkConfig {
        noise_std: 0.1,
        ..config(8)
    };
    let mut a = RecurrentNetwork::new(cfg.clone(), rule.clone(), Some(7)).unwrap();
    let mut b = RecurrentNetwork::new(cfg, rule, Some(7)).unwrap();
    let u = inputs(20);
    let o = RunOptions::default();
    assert_eq!(
        a.run_trial(&u, 20, &o).unwrap(),
        b.run_trial(&u, 20, &o).unwrap()
    );
    let batch: Vec<f64> = u.iter().chain(u.iter()).copied().collect();
    let outs = a.run_batch(&batch, 2, 20, &o).unwrap();
    let outs2 = b.run_batch(&batch, 2, 20, &o).unwrap();
    assert_eq!(outs, outs2);
    // Different noise streams per item, same weights: outputs differ with noise on.
    assert_ne!(outs[0].outputs, outs[1].outputs);
}

#[test]
fn weights_change_only_when_kept() {
    let rule = Some(Rule::Hebbian(Hebbian {
        learning_rate: 0.5,
        ..Hebbian::default()
    }));
    let mut net = RecurrentNetwork::new(config(6), rule, Some(3)).unwrap();
    let w0 = net.weights().to_vec();
    let u = inputs(10);
    net.run_trial(&u, 10, &RunOptions::default()).unwrap();
    assert_eq!(net.weights(), &w0[..]);
    let keep = RunOptions {
        keep_weights: true,
        ..RunOptions::default()
    };
    net.run_trial(&u, 10, &keep).unwrap();
    assert_ne!(net.weights(), &w0[..]);
    for i in 0..6 {
        assert_eq!(net.weights()[i * 6 + i], 0.0, "the diagonal is not plastic");
    }
}

#[test]
fn neuromodulated_trace_grows_only_with_modulation() {
    let rule = Some(Rule::NeuromodulatedHebbian(NeuromodulatedHebbian::default()));
    let mut net = RecurrentNetwork::new(config(6), rule, Some(3)).unwrap();
    let u = inputs(10);
    let zero = vec![0.0; 10];
    let keep = |m| RunOptions {
        keep_weights: true,
        modulation: Some(m),
        ..RunOptions::default()
    };
    net.run_trial(&u, 10, &keep(&zero)).unwrap();
    assert!(net.plastic_state().trace.iter().all(|&h| h == 0.0));
    let ones = vec![1.0; 10];
    net.run_trial(&u, 10, &keep(&ones)).unwrap();
    assert!(net.plastic_state().trace.iter().any(|&h| h != 0.0));
    let eff = net.effective_weights();
    assert_ne!(eff, net.weights().to_vec());
}

#[test]
fn readout_delta_rule_reduces_the_error() {
    let cfg = NetworkConfig {
        gain: 0.5,
        ..config(20)
    };
    let mut net = RecurrentNetwork::new(cfg, None, Some(5)).unwrap();
    let steps = 200;
    let u = inputs(steps);
    let targets: Vec<f64> = (0..steps)
        .map(|t| 0.5 * (0.6 * t as f64 - 0.6).sin())
        .collect();
    let mse = |o: &TrialOutput| {
        o.outputs
            .iter()
            .zip(&targets)
            .map(|(y, t)| (y - t).powi(2))
            .sum::<f64>()
    };
    let before = mse(&net.run_trial(&u, steps, &RunOptions::default()).unwrap());
    let learn = RunOptions {
        targets: Some(&targets),
        readout_rate: 0.05,
        keep_weights: true,
        ..RunOptions::default()
    };
    for _ in 0..50 {
        net.run_trial(&u, steps, &learn).unwrap();
    }
    let after = mse(&net.run_trial(&u, steps, &RunOptions::default()).unwrap());
    assert!(after < 0.2 * before, "{before} -> {after}");
}

#[test]
fn bad_inputs_are_rejected_and_leave_the_network_unchanged() {
    let rule = Some(Rule::Stdp(Stdp::default()));
    let mut net = RecurrentNetwork::new(config(4), rule, Some(1)).unwrap();
    let w0 = net.weights().to_vec();
    let mut u = inputs(5);
    assert!(matches!(
        net.run_trial(&u, 4, &RunOptions::default()),
        Err(Error::Shape { .. })
    ));
    u[3] = f64::NAN;
    let keep = RunOptions {
        keep_weights: true,
        ..RunOptions::default()
    };
    assert!(matches!(
        net.run_trial(&u, 5, &keep),
        Err(Error::InvalidArgument { .. })
    ));
    let u = inputs(5);
    let m = [1.0, f64::INFINITY, 0.0, 0.0, 0.0];
    let bad_m = RunOptions {
        modulation: Some(&m),
        keep_weights: true,
        ..RunOptions::default()
    };
    assert!(net
        .run_trial(&u, 5, &bad_m)
        .unwrap_err()
        .to_string()
        .contains("modulation"));
    assert_eq!(net.weights(), &w0[..]);
    assert!(net.set_weights(vec![0.0; 3]).is_err());
    assert!(net.set_alpha(vec![0.0; 16]).is_err());
    let cfg = NetworkConfig {
        dt: 2.0,
        tau: 1.0,
        ..config(4)
    };
    assert!(RecurrentNetwork::new(cfg, None, None)
        .unwrap_err()
        .to_string()
        .contains("dt"));
}

#[test]
fn jacobian_matches_finite_differences_of_the_vector_field() {
    let mut net = RecurrentNetwork::new(
        NetworkConfig {
            tau: 2.0,
            dt: 0.5,
            gain: 1.5,
            ..config(5)
        },
        None,
        Some(2),
    )
    .unwrap();
    net.set_input_weights(vec![0.1; 10]).unwrap();
    let x: Vec<f64> = (0..5).map(|k| 0.3 * k as f64 - 0.5).collect();
    let jac = net.jacobian(&x).unwrap();
    let eps = 1e-6;
    for j in 0..5 {
        let (mut xp, mut xm) = (x.clone(), x.clone());
        xp[j] += eps;
        xm[j] -= eps;
        let fp = net.vector_field(&xp, None).unwrap();
        let fm = net.vector_field(&xm, None).unwrap();
        for i in 0..5 {
            let fd = (fp[i] - fm[i]) / (2.0 * eps);
            assert!((fd - jac[i * 5 + j]).abs() < 1e-7);
        }
    }
}

/// Plain-loop reference of a whole trial (no kernels, no fusion) for the rank-one rules.
fn reference_trial(
    net: &RecurrentNetwork,
    rule: &Rule,
    u: &[f64],
    m: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    let c = net.config();
    let (n, n_in) = (c.n_units, c.n_inputs);
    let s = net.plastic_state();
    let (mut w, mut h, alpha) = (s.weights.to_vec(), s.trace.to_vec(), s.alpha.to_vec());
    let mut x = vec![0.0; n];
    let mut r = vec![0.0; n];
    let mut outputs = Vec::new();
    for t in 0..m.len() {
        let mut x_new = x.clone();
        for i in 0..n {
            let mut drive = 0.0;
            for j in 0..n {
                let eff = if h.is_empty() {
                    w[i * n + j]
                } else {
                    w[i * n + j] + alpha[i * n + j] * h[i * n + j]
                };
                drive += eff * r[j];
            }
            for k in 0..n_in {
                drive += net.input_weights()[i * n_in + k] * u[t * n_in + k];
            }
            x_new[i] = x[i] + c.dt / c.tau * (-x[i] + drive);
        }
        x = x_new;
        let r_new: Vec<f64> = x.iter().map(|v| v.tanh()).collect();
        outputs.push(
            (0..n)
                .map(|j| net.output_weights()[j] * r_new[j])
                .sum::<f64>(),
        );
        let step = rule.rank_one_step(c.dt, m[t]).unwrap();
        let pre = if step.pre_is_previous { &r } else { &r_new };
        let mat = if h.is_empty() { &mut w } else { &mut h };
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    let v = step.keep * mat[i * n + j] + step.scale * r_new[i] * pre[j];
                    mat[i * n + j] = v.clamp(-step.bound, step.bound);
                }
            }
        }
        r = r_new;
    }
    (outputs, if h.is_empty() { w } else { h })
}

#[test]
fn fused_trials_match_a_plain_loop_reference() {
    let rules = [
        Rule::Hebbian(Hebbian {
            learning_rate: 0.3,
            decay: 0.1,
            w_max: 0.4,
        }),
        Rule::NeuromodulatedHebbian(NeuromodulatedHebbian {
            learning_rate: 0.5,
            decay: 0.2,
            alpha: 0.7,
            h_max: 0.3,
        }),
    ];
    for rule in rules {
        let cfg = NetworkConfig {
            n_inputs: 2,
            n_units: 11,
            n_outputs: 1,
            tau: 2.0,
            dt: 1.0,
            gain: 1.5,
            ..NetworkConfig::default()
        };
        let mut net = RecurrentNetwork::new(cfg, Some(rule.clone()), Some(9)).unwrap();
        let u = inputs(15);
        let m: Vec<f64> = (0..15).map(|t| (t as f64 * 0.7).cos()).collect();
        let (ref_out, ref_mat) = reference_trial(&net, &rule, &u, &m);
        let opts = RunOptions {
            modulation: Some(&m),
            keep_weights: true,
            ..RunOptions::default()
        };
        let out = net.run_trial(&u, 15, &opts).unwrap();
        for (a, b) in out.outputs.iter().zip(&ref_out) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
        let s = net.plastic_state();
        let mat = if s.trace.is_empty() {
            &s.weights
        } else {
            &s.trace
        };
        for (a, b) in mat.iter().zip(&ref_mat) {
            assert!((a - b).abs() < 1e-12);
        }
    }
}

#[test]
fn a_network_rebuilt_from_its_parts_continues_identically() {
    let rule = Rule::NeuromodulatedHebbian(NeuromodulatedHebbian::default());
    let cfg = NetworkConfig {
        noise_std: 0.2,
        ..config(6)
    };
    let mut a = RecurrentNetwork::new(cfg.clone(), Some(rule.clone()), Some(4)).unwrap();
    let u = inputs(8);
    let keep = RunOptions {
        keep_weights: true,
        ..RunOptions::default()
    };
    a.run_trial(&u, 8, &keep).unwrap();
    let s = a.plastic_state().clone();
    let (base, runs) = a.stream_state();
    let mut b = RecurrentNetwork::from_parts(
        cfg,
        Some(rule),
        s.weights.to_vec(),
        a.input_weights().to_vec(),
        a.output_weights().to_vec(),
        Some(s.trace.to_vec()),
        Some(s.alpha.to_vec()),
        base,
        runs,
    )
    .unwrap();
    assert_eq!(
        a.run_trial(&u, 8, &keep).unwrap(),
        b.run_trial(&u, 8, &keep).unwrap()
    );
    assert_eq!(a.plastic_state(), b.plastic_state());
}

#[test]
fn batch_results_do_not_depend_on_the_thread_count() {
    let rule = Some(Rule::NeuromodulatedHebbian(NeuromodulatedHebbian::default()));
    let cfg = NetworkConfig {
        noise_std: 0.3,
        ..config(12)
    };
    let batch = 7;
    let u: Vec<f64> = (0..batch * 20 * 2)
        .map(|k| (k as f64 * 0.17).sin())
        .collect();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut net = RecurrentNetwork::new(cfg.clone(), rule.clone(), Some(5)).unwrap();
        pool.install(|| {
            net.run_batch(&u, batch, 20, &RunOptions::default())
                .unwrap()
        })
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(4));
}

#[test]
fn keep_weights_is_refused_for_any_batch_even_of_one() {
    let rule = Some(Rule::Hebbian(Hebbian {
        learning_rate: 0.5,
        ..Hebbian::default()
    }));
    let mut net = RecurrentNetwork::new(config(4), rule, Some(3)).unwrap();
    let keep = RunOptions {
        keep_weights: true,
        ..RunOptions::default()
    };
    let err = net.run_batch(&inputs(5), 1, 5, &keep).unwrap_err();
    assert!(err.to_string().contains("keep_weights"), "{err}");
}

#[test]
fn diverging_weights_are_not_kept() {
    let rule = Some(Rule::Hebbian(Hebbian {
        learning_rate: f64::MAX,
        w_max: f64::INFINITY,
        ..Hebbian::default()
    }));
    let mut net = RecurrentNetwork::new(config(4), rule, Some(3)).unwrap();
    let (w0, wo0) = (net.weights().to_vec(), net.output_weights().to_vec());
    let keep = RunOptions {
        keep_weights: true,
        ..RunOptions::default()
    };
    let err = net.run_trial(&inputs(20), 20, &keep).unwrap_err();
    assert!(matches!(err, Error::State(_)), "{err}");
    assert_eq!(net.weights(), &w0[..]);
    assert_eq!(net.output_weights(), &wo0[..]);
}

#[test]
fn decay_with_dt_above_one_is_refused_at_build() {
    let hebb = |decay| {
        Some(Rule::Hebbian(Hebbian {
            decay,
            ..Hebbian::default()
        }))
    };
    assert!(RecurrentNetwork::new(config(3), hebb(1.0), Some(1)).is_ok());
    let err = RecurrentNetwork::new(config(3), hebb(1.5), Some(1)).unwrap_err();
    assert!(err.to_string().contains("decay"), "{err}");
    let nm = Some(Rule::NeuromodulatedHebbian(NeuromodulatedHebbian {
        decay: 2.0,
        ..NeuromodulatedHebbian::default()
    }));
    assert!(RecurrentNetwork::new(config(3), nm, Some(1)).is_err());
    // With dt = 0.1 the same decay is a 15% shrink per step: fine.
    let fine = NetworkConfig {
        tau: 1.0,
        dt: 0.1,
        ..config(3)
    };
    assert!(RecurrentNetwork::new(fine, hebb(1.5), Some(1)).is_ok());
}

#[test]
fn an_unallocatable_recording_is_an_error_not_an_abort() {
    let err = crate::rnn::reserve_values("outputs", Some(usize::MAX / 4)).unwrap_err();
    assert!(err.to_string().contains("too many steps"), "{err}");
    assert!(crate::rnn::reserve_values("outputs", None).is_err());
}

#[test]
fn runs_on_the_reused_scratch_copy_match_runs_of_fresh_clones() {
    for rule in [
        Rule::Hebbian(Hebbian {
            learning_rate: 0.5,
            ..Hebbian::default()
        }),
        Rule::NeuromodulatedHebbian(NeuromodulatedHebbian::default()),
    ] {
        let mut net = RecurrentNetwork::new(config(24), Some(rule), Some(3)).unwrap();
        let (w0, h0) = (net.weights().to_vec(), net.plastic_state().trace.to_vec());
        let u = inputs(30);
        for _ in 0..3 {
            // A clone starts without a scratch copy; the network reuses its own.
            let mut fresh = net.clone();
            let want = fresh.run_trial(&u, 30, &RunOptions::default()).unwrap();
            let got = net.run_trial(&u, 30, &RunOptions::default()).unwrap();
            assert_eq!(got.outputs, want.outputs);
            assert_eq!(
                net.weights(),
                &w0[..],
                "a run without keep_weights changes nothing"
            );
            assert_eq!(&net.plastic_state().trace[..], &h0[..]);
        }
        // Batches lease the same pool, one copy per rayon job.
        let ub: Vec<f64> = (0..3).flat_map(|_| u.iter().copied()).collect();
        for _ in 0..2 {
            let mut fresh = net.clone();
            let want = fresh.run_batch(&ub, 3, 30, &RunOptions::default()).unwrap();
            let got = net.run_batch(&ub, 3, 30, &RunOptions::default()).unwrap();
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g.outputs, w.outputs);
            }
            assert_eq!(net.weights(), &w0[..]);
            assert_eq!(&net.plastic_state().trace[..], &h0[..]);
        }
        // Keeping weights afterwards still learns from the network's own state.
        let opts = RunOptions {
            keep_weights: true,
            ..RunOptions::default()
        };
        let mut fresh = net.clone();
        let want = fresh.run_trial(&u, 30, &opts).unwrap();
        let got = net.run_trial(&u, 30, &opts).unwrap();
        assert_eq!(got.outputs, want.outputs);
        assert_eq!(net.plastic_state(), fresh.plastic_state());
    }
}
