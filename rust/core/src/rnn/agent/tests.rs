use super::*;
use crate::envs::cognitive::{CognitiveEnv, Rewards, TaskKind};

fn pdm(seed: u64) -> CognitiveEnv {
    CognitiveEnv::new(
        TaskKind::perceptual_default(),
        100.0,
        vec![],
        Rewards::default(),
        false,
        Some(seed),
    )
    .unwrap()
}

fn agent(rule: AgentRule, seed: u64) -> RecurrentAgent {
    let config = match rule {
        AgentRule::NodePerturbation => AgentConfig::node_perturbation(20),
        AgentRule::RewardHebbian => AgentConfig::reward_hebbian(20),
    };
    RecurrentAgent::new(
        config,
        vec![0.0; 3],
        vec![1.0; 3],
        ActionMap::Discrete(3),
        Some(seed),
    )
    .unwrap()
}

#[test]
fn same_seed_same_weights_for_both_rules() {
    for rule in [AgentRule::NodePerturbation, AgentRule::RewardHebbian] {
        let (mut a, mut b) = (agent(rule, 3), agent(rule, 3));
        let (mut ea, mut eb) = (pdm(1), pdm(1));
        a.run_episodes(&mut ea, 30, 1000).unwrap();
        b.run_episodes(&mut eb, 30, 1000).unwrap();
        assert_eq!(a.weights(), b.weights());
        assert_ne!(
            a.weights(),
            agent(rule, 3).weights(),
            "{rule:?} learned nothing"
        );
    }
}

#[test]
fn population_does_not_depend_on_the_thread_count() {
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut agents: Vec<_> = (0..4)
                .map(|s| agent(AgentRule::NodePerturbation, s))
                .collect();
            let mut envs: Vec<_> = (0..4).map(pdm).collect();
            train_population(&mut agents, &mut envs, 20, 1000).unwrap();
            agents
                .iter()
                .map(|a| a.weights().to_vec())
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(run(1), run(3));
}

#[test]
fn the_gemm_equals_the_decaying_trace_modulated_by_every_reward() {
    // Forward view: Σ_t r_t e(t), e(t) = γ e(t−1) + q(t) a(t)ᵀ, equals Σ_s q(s) a(s)ᵀ G_s.
    let (t, n, k, gamma) = (7, 3, 2, 0.8);
    let q: Vec<f64> = (0..t * n)
        .map(|i| ((i * 7 % 5) as f64 - 2.0) / 3.0)
        .collect();
    let a: Vec<f64> = (0..t * k)
        .map(|i| ((i * 3 % 4) as f64 - 1.5) / 2.0)
        .collect();
    let r: Vec<f64> = (0..t).map(|i| (i as f64 - 3.0) * 0.5).collect();
    let mut e = vec![0.0; n * k];
    let mut backward = vec![0.0; n * k];
    for s in 0..t {
        for i in 0..n {
            for j in 0..k {
                e[i * k + j] = gamma * e[i * k + j] + q[s * n + i] * a[s * k + j];
                backward[i * k + j] += r[s] * e[i * k + j];
            }
        }
    }
    let mut to_go = vec![0.0; t];
    let mut acc = 0.0;
    for s in (0..t).rev() {
        acc = r[s] + gamma * acc;
        to_go[s] = acc;
    }
    let mut forward = vec![0.0; n * k];
    for s in 0..t {
        for i in 0..n {
            for j in 0..k {
                forward[i * k + j] += q[s * n + i] * a[s * k + j] * to_go[s];
            }
        }
    }
    for (x, y) in forward.iter().zip(&backward) {
        assert!((x - y).abs() < 1e-12);
    }
}

/// Acts once, saves and reloads `a` mid-episode, then takes the same step and ends the episode
/// on both: the caller compares `a` with the returned copy.
pub(super) fn reload_mid_episode_and_finish_both(a: &mut RecurrentAgent) -> RecurrentAgent {
    let mut act = Vec::new();
    a.act(&[1.0, 0.4, 0.6], 0.0, &mut act).unwrap();
    let mut b = RecurrentAgent::from_bytes("mem", &a.to_bytes()).unwrap();
    for agent in [&mut *a, &mut b] {
        agent.act(&[1.0, 0.2, 0.1], 0.5, &mut act).unwrap();
        agent.end_episode(1.0).unwrap();
    }
    b
}

#[test]
fn save_and_load_mid_episode_continue_identically() {
    let mut a = agent(AgentRule::RewardHebbian, 5);
    let mut env = pdm(2);
    a.run_episodes(&mut env, 5, 1000).unwrap();
    let b = reload_mid_episode_and_finish_both(&mut a);
    assert_eq!(a.weights(), b.weights());
    assert_eq!(a.input_weights(), b.input_weights());
    let bytes = a.to_bytes();
    assert!(RecurrentAgent::from_bytes("mem", &bytes[..bytes.len() - 3]).is_err());
}

#[test]
fn bad_observations_and_rewards_are_refused_without_change() {
    let mut a = agent(AgentRule::NodePerturbation, 1);
    let mut act = Vec::new();
    assert!(matches!(
        a.act(&[1.0, 0.0], 0.0, &mut act),
        Err(crate::Error::Shape { .. })
    ));
    assert!(a.act(&[1.0, f64::NAN, 0.0], 0.0, &mut act).is_err());
    assert!(a.act(&[1.0, 0.0, 0.0], f64::NAN, &mut act).is_err());
    assert_eq!(a.episode_steps(), 0);
    assert!(a.end_episode(f64::INFINITY).is_err());
}

#[test]
fn continuous_actions_map_rates_into_the_bounds() {
    let map = ActionMap::Continuous {
        offset: vec![0.0, 1.0],
        scale: vec![2.0, 0.5],
    };
    let mut out = Vec::new();
    map.apply(&[1.0, -1.0], &mut out);
    assert_eq!(out, vec![2.0, 0.5]);
    let mut d = Vec::new();
    ActionMap::Discrete(3).apply(&[0.1, 0.3, 0.3], &mut d);
    assert_eq!(d, vec![1.0]);
}

#[test]
fn fast_tanh_matches_libm() {
    let mut worst: f64 = 0.0;
    for k in -400_000..=400_000 {
        let x = k as f64 * 5e-5;
        worst = worst.max((super::recurrent::fast_tanh(x) - x.tanh()).abs());
    }
    for x in [-1e3, -25.0, 25.0, 1e3] {
        assert_eq!(super::recurrent::fast_tanh(x), x.tanh().signum());
    }
    assert!(worst < 1e-9, "{worst}");
}

#[test]
fn the_sparse_kick_trace_equals_the_dense_product() {
    let mut a = agent(AgentRule::NodePerturbation, 9);
    a.config.perturbation_probability = 0.3;
    let mut env = pdm(4);
    let mut act = Vec::new();
    ContinuousEnv::reset(&mut env, None);
    for _ in 0..6 {
        a.act(env.observation(), 0.2, &mut act).unwrap();
    }
    a.rewards.push(1.0);
    let (n, k, t) = (a.config.n_neurons, a.n_obs + 1, 6);
    assert!(a.post.iter().any(|v| *v != 0.0));
    let (w0, win0) = (a.weights.clone(), a.input_weights.clone());
    let m = vec![0.7; t];
    let q: Vec<f64> = a.post.iter().map(|v| v * 0.7).collect();
    let (mut e, mut e_in) = (vec![0.0; n * n], vec![0.0; n * k]);
    super::learning::modulated_trace(&q, &a.pre_rates, t, n, n, &mut e);
    super::learning::modulated_trace(&q, &a.pre_inputs, t, n, k, &mut e_in);
    a.learn_from_kicks(&m, t);
    let (eta, clip) = (a.config.learning_rate, a.config.max_dw);
    for (before, after, trace) in [(&w0, &a.weights, &e), (&win0, &a.input_weights, &e_in)] {
        for ((b, w), e) in before.iter().zip(after.iter()).zip(trace) {
            assert!((w - (b + (eta * e).clamp(-clip, clip))).abs() < 1e-12);
        }
    }
}

/// Lag-1 autocorrelation of output neuron 0's injected noise over one long episode.
fn output_noise_autocorrelation(rho: f64) -> f64 {
    let mut config = AgentConfig::node_perturbation(20);
    config.perturbation_probability = 0.0; // only the output noise
    config.output_noise_correlation = rho;
    let mut a = RecurrentAgent::new(
        config,
        vec![0.0; 3],
        vec![1.0; 3],
        ActionMap::Discrete(3),
        Some(5),
    )
    .unwrap();
    let mut act = Vec::new();
    let steps = 4000;
    for _ in 0..steps {
        a.act(&[0.1, -0.2, 0.3], 0.0, &mut act).unwrap();
    }
    let z: Vec<f64> = (0..steps).map(|s| a.post[s * 20]).collect();
    let var = z.iter().map(|v| v * v).sum::<f64>() / steps as f64;
    let cov = z.windows(2).map(|w| w[0] * w[1]).sum::<f64>() / (steps - 1) as f64;
    // the stationary spread stays `output_noise` (0.5) whatever ρ
    assert!((var.sqrt() - 0.5).abs() < 0.05, "spread {}", var.sqrt());
    cov / var
}

#[test]
fn correlated_output_noise_has_the_configured_autocorrelation() {
    assert!(output_noise_autocorrelation(0.0).abs() < 0.06);
    let r = output_noise_autocorrelation(0.9);
    assert!((r - 0.9).abs() < 0.05, "autocorrelation {r}");
    let mut config = AgentConfig::node_perturbation(20);
    config.output_noise_correlation = 1.0;
    assert!(matches!(
        config.validate(),
        Err(crate::Error::InvalidConfig { .. })
    ));
}

/// One learning step written neuron by neuron, as `act` first was: the noise of neuron `i`
/// drawn just before its update.
fn reference_step(a: &mut RecurrentAgent, obs: &[f64]) {
    use rand::Rng as _;
    use rand_distr::StandardNormal;
    let (n, m) = (a.config.n_neurons, a.n_obs + 1);
    let n_out = a.action.n_outputs();
    let c = a.config.clone();
    let mut drive = vec![0.0; n];
    crate::rnn::kernels::matvec(&mut drive, &a.weights, &a.r);
    let u: Vec<f64> = obs.iter().chain([1.0].iter()).copied().collect();
    for (i, d) in drive.iter_mut().enumerate() {
        let row = &a.input_weights[i * m..(i + 1) * m];
        *d += row.iter().zip(&u).map(|(w, u)| w * u).sum::<f64>();
    }
    if c.output_noise_correlation > 0.0 && a.output_noise_state.len() != n_out {
        a.output_noise_state = vec![0.0; n_out];
    }
    for (i, &drive_i) in drive.iter().enumerate() {
        let mut xi = match c.rule {
            AgentRule::NodePerturbation => {
                let p = c.perturbation_probability;
                if p > 0.0 && a.rng.gen::<f64>() < p {
                    a.rng.gen_range(-1.0..=1.0) * c.noise
                } else {
                    0.0
                }
            }
            AgentRule::RewardHebbian => c.noise * a.rng.sample::<f64, _>(StandardNormal),
        };
        let rho = c.output_noise_correlation;
        if i < n_out && rho > 0.0 {
            let eps: f64 = a.rng.sample(StandardNormal);
            let z = rho * a.output_noise_state[i] + (1.0 - rho * rho).sqrt() * c.output_noise * eps;
            a.output_noise_state[i] = z;
            xi += z;
        } else if i < n_out && c.output_noise > 0.0 {
            xi += c.output_noise * a.rng.sample::<f64, _>(StandardNormal);
        }
        let x = a.x[i] + c.leak * (drive_i - a.x[i]) + xi;
        a.x[i] = x;
        let d = x - a.x_average[i];
        let alpha = c.activity_trace_decay;
        a.x_average[i] = alpha * a.x_average[i] + (1.0 - alpha) * x;
        a.post.push(match c.eligibility {
            AgentEligibility::CubedFluctuation => d * d * d,
            AgentEligibility::Fluctuation => d,
            AgentEligibility::Perturbation => xi,
        });
        a.r[i] = super::recurrent::fast_tanh(x);
    }
}

#[test]
fn act_gives_the_bits_of_the_neuron_by_neuron_step() {
    use rand::RngCore;
    let mut configs = vec![
        AgentConfig::node_perturbation(37),
        AgentConfig::reward_hebbian(37),
    ];
    let mut c = AgentConfig::node_perturbation(37);
    (c.output_noise_correlation, c.eligibility) = (0.8, AgentEligibility::CubedFluctuation);
    c.leak = 0.3;
    configs.push(c);
    let mut c = AgentConfig::reward_hebbian(37);
    (c.eligibility, c.output_noise) = (AgentEligibility::Fluctuation, 0.0);
    configs.push(c);
    let mut c = AgentConfig::node_perturbation(37);
    c.perturbation_probability = 0.0;
    configs.push(c);
    for config in configs {
        let map = ActionMap::Discrete(3);
        let mut a =
            RecurrentAgent::new(config.clone(), vec![0.0; 3], vec![1.0; 3], map, Some(7)).unwrap();
        let mut b = a.clone();
        let mut act = Vec::new();
        for s in 0..12 {
            let obs = [1.0, (s as f64 * 0.7).sin(), 0.3];
            a.act(&obs, 0.1, &mut act).unwrap();
            reference_step(&mut b, &obs);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a.x), bits(&b.x), "{config:?}, step {s}");
            assert_eq!(bits(&a.r), bits(&b.r), "{config:?}, step {s}");
            assert_eq!(bits(&a.x_average), bits(&b.x_average));
            assert_eq!(bits(&a.post), bits(&b.post), "{config:?}, step {s}");
        }
        assert_eq!(a.rng.next_u64(), b.rng.next_u64(), "{config:?}: same draws");
    }
}
