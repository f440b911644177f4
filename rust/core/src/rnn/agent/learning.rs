//! The weight change at the end of an episode, and the agent's file format.
//!
//! With the rows of one episode stacked (`A[t] = a(t)`, the presynaptic rates and inputs each
//! step read, `Q[t] = q(t)`, the post factor), both rules change the weights by
//!
//! ```text
//! ΔJ = clip(η · Σ_t M_t · q(t) a(t)ᵀ, ±max_dw) = clip(η · (diag(M) Q)ᵀ A, ±max_dw)
//! ```
//!
//! one matrix product per episode (or, for sparse kicks, a sum over the kicks). Node
//! perturbation uses one modulator for the whole episode, `M_t = γ^{T−1−t} (G − Ḡ)/σ̄`
//! (`γ = trace_decay`, 1 by default: the plain sum of Miconi 2017). The Hebbian rule's trace `e(t) = γ e(t−1) + q(t) a(t)ᵀ`, modulated by
//! every reward (`Δw ∝ Σ_t r_t e(t)`), equals `Σ_s q(s) a(s)ᵀ G_s` with the discounted
//! reward-to-go `G_s = Σ_{t≥s} γ^{t−s} r_t` (the forward view), so `M_s = (G_s − Ḡ)/σ̄`
//! with a baseline over steps. `Ḡ` and `σ̄²` are running averages (decay `β`) of the return
//! (or reward-to-go) and of its squared deviation, the deviation's own included, so
//! `|M| ≤ 1/√(1 − β)`.

use super::config::{AgentConfig, AgentEligibility, AgentReadout, AgentRule};
use super::recurrent::{ActionMap, EpisodeSummary, RecurrentAgent};
use crate::error::{Error, Result};
use crate::io::container;
use crate::rnn::kernels::{add_clipped, axpy};
use crate::simd::Gemm;

/// File kind of a saved recurrent agent.
pub const RECURRENT_AGENT_KIND: &[u8; 4] = b"RNA1";

/// `c = (diag(m) q)ᵀ a` for row-major `q [T, n]`, `a [T, k]`: `c` is `[n, k]`.
pub(super) fn modulated_trace(q: &[f64], a: &[f64], t: usize, n: usize, k: usize, c: &mut [f64]) {
    debug_assert!(q.len() >= t * n && a.len() >= t * k && c.len() >= n * k);
    // SAFETY: A = qᵀ is n × t with (i, s) at s·n + i; B = a is t × k with (s, j) at s·k + j;
    // C is n × k with (i, j) at i·k + j; the lengths are checked by the callers' construction.
    assert!(q.len() >= t * n && a.len() >= t * k && c.len() >= n * k);
    unsafe {
        f64::gemm(
            false,
            n,
            t,
            k,
            q.as_ptr(),
            1,
            n as isize,
            a.as_ptr(),
            k as isize,
            1,
            c.as_mut_ptr(),
            k as isize,
            1,
        );
    }
}

impl RecurrentAgent {
    /// Ends the episode: `final_reward` follows its last step. Learns from the episode (unless
    /// it had no step) and resets the network's state for the next one.
    pub fn end_episode(&mut self, final_reward: f64) -> Result<EpisodeSummary> {
        if !final_reward.is_finite() {
            return Err(Error::argument(
                "reward",
                format!("must be finite, got {final_reward}"),
            ));
        }
        let n = self.config.n_neurons;
        let t = self.pre_rates.len() / n;
        if t == 0 {
            self.clear_episode();
            return Ok(EpisodeSummary {
                episode_return: 0.0,
                length: 0,
                modulator: 0.0,
            });
        }
        self.rewards.push(final_reward);
        self.readout_learn_end(final_reward);
        let episode_return: f64 = self.rewards.iter().sum();
        let modulator = self.learn(t);
        let summary = EpisodeSummary {
            episode_return,
            length: t as u64,
            modulator,
        };
        self.history.push(summary);
        self.episodes += 1;
        self.clear_episode();
        Ok(summary)
    }

    /// The running normalisation: returns `(M for each deviation, mean |M|)` after updating
    /// `Ḡ` and `σ̄²` from `values`.
    fn modulators(&mut self, values: &[f64]) -> Vec<f64> {
        let beta = self.config.baseline_decay;
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        if !self.has_baseline {
            self.has_baseline = true;
            self.baseline = mean;
            self.spread =
                values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64;
            return vec![0.0; values.len()];
        }
        let dev2 = values
            .iter()
            .map(|v| (v - self.baseline).powi(2))
            .sum::<f64>()
            / values.len() as f64;
        self.spread = beta * self.spread + (1.0 - beta) * dev2;
        let sd = self.spread.sqrt();
        let bound = 1.0 / (1.0 - beta).sqrt();
        let out = values
            .iter()
            .map(|v| {
                let d = v - self.baseline;
                if sd > 1e-12 * (1.0 + self.baseline.abs()) {
                    (d / sd).clamp(-bound, bound)
                } else {
                    0.0
                }
            })
            .collect();
        self.baseline = beta * self.baseline + (1.0 - beta) * mean;
        out
    }

    /// Applies the episode's weight change; returns the mean modulator.
    fn learn(&mut self, t: usize) -> f64 {
        let n = self.config.n_neurons;
        let k = self.n_obs + 1;
        let m: Vec<f64> = match self.config.rule {
            AgentRule::NodePerturbation => {
                let g: f64 = self.rewards.iter().sum();
                let m = self.modulators(&[g])[0];
                // The trace decays by γ per step toward the episode's end (γ = 1: Miconi's
                // plain sum over the trial).
                let gamma = self.config.trace_decay;
                let mut out = vec![m; t];
                if gamma < 1.0 {
                    let mut w = m;
                    for v in out.iter_mut().rev() {
                        *v = w;
                        w *= gamma;
                    }
                }
                out
            }
            AgentRule::RewardHebbian => {
                let gamma = self.config.trace_decay;
                let mut to_go = vec![0.0; t];
                let mut acc = 0.0;
                for s in (0..t).rev() {
                    acc = self.rewards[s] + gamma * acc;
                    to_go[s] = acc;
                }
                self.modulators(&to_go)
            }
        };
        let mean_m = m.iter().sum::<f64>() / t as f64;
        if self.config.learning_rate == 0.0 || m.iter().all(|v| *v == 0.0) {
            return mean_m;
        }
        if self.config.eligibility == AgentEligibility::Perturbation
            && self.config.rule == AgentRule::NodePerturbation
        {
            self.learn_from_kicks(&m, t);
            return mean_m;
        }
        let mut q = std::mem::take(&mut self.post);
        for (row, ms) in q.chunks_exact_mut(n).zip(&m) {
            row.iter_mut().for_each(|v| *v *= ms);
        }
        let cubed = self.config.eligibility == AgentEligibility::CubedFluctuation;
        let cube = |v: &[f64]| -> Vec<f64> { v.iter().map(|a| a * a * a).collect() };
        let (eta, clip) = (self.config.learning_rate, self.config.max_dw);
        // The product overwrites the trace (β = 0 in the gemm): the scratch needs no zeroing.
        let mut trace = std::mem::take(&mut self.scratch);
        trace.resize(n * n.max(k), 0.0);
        if cubed {
            modulated_trace(&q, &cube(&self.pre_rates), t, n, n, &mut trace[..n * n]);
        } else {
            modulated_trace(&q, &self.pre_rates, t, n, n, &mut trace[..n * n]);
        }
        add_clipped(&mut self.weights, eta, &trace[..n * n], clip);
        if self.config.learn_input_weights {
            if cubed {
                modulated_trace(&q, &cube(&self.pre_inputs), t, n, k, &mut trace[..n * k]);
            } else {
                modulated_trace(&q, &self.pre_inputs, t, n, k, &mut trace[..n * k]);
            }
            add_clipped(&mut self.input_weights, eta, &trace[..n * k], clip);
        }
        self.scratch = trace;
        self.post = q;
        mean_m
    }

    /// The kick trace is sparse (a row per kick): `e_i· = Σ_kicks M_t ξ_i(t) a(t)`, summed
    /// row by row, so a step costs O(kicks · (N + inputs)) instead of a dense product.
    pub(super) fn learn_from_kicks(&mut self, m: &[f64], t: usize) {
        let n = self.config.n_neurons;
        let k = self.n_obs + 1;
        let (eta, clip) = (self.config.learning_rate, self.config.max_dw);
        let mut rows = std::mem::take(&mut self.scratch);
        rows.resize(n + k, 0.0);
        let (row_j, row_in) = rows.split_at_mut(n);
        for i in 0..n {
            let mut kicked = false;
            for (s, ms) in m.iter().enumerate().take(t) {
                let xi = self.post[s * n + i];
                if xi == 0.0 {
                    continue;
                }
                if !kicked {
                    row_j.fill(0.0);
                    row_in.fill(0.0);
                    kicked = true;
                }
                let c = ms * xi;
                axpy(row_j, c, &self.pre_rates[s * n..(s + 1) * n]);
                axpy(row_in, c, &self.pre_inputs[s * k..(s + 1) * k]);
            }
            if !kicked {
                continue;
            }
            add_clipped(&mut self.weights[i * n..(i + 1) * n], eta, row_j, clip);
            if self.config.learn_input_weights {
                add_clipped(
                    &mut self.input_weights[i * k..(i + 1) * k],
                    eta,
                    row_in,
                    clip,
                );
            }
        }
        self.scratch = rows;
    }

    /// The agent in the library's container format (kind `RNA1`).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut file = self.clone();
        file.readout_file = self.pack_readout();
        container::to_bytes(RECURRENT_AGENT_KIND, &file)
    }

    /// An agent from [`RecurrentAgent::to_bytes`] output, checked for consistency.
    pub fn from_bytes(origin: &str, bytes: &[u8]) -> Result<Self> {
        let mut agent: RecurrentAgent = container::from_bytes(origin, RECURRENT_AGENT_KIND, bytes)?;
        agent.unpack_readout();
        agent
            .check_consistency()
            .map_err(|e| Error::format(origin, format!("inconsistent agent: {e}")))?;
        agent.restore_scratch();
        Ok(agent)
    }

    fn check_consistency(&self) -> std::result::Result<(), String> {
        let c: &AgentConfig = &self.config;
        c.validate().map_err(|e| e.to_string())?;
        let n = c.n_neurons;
        let k = self.n_obs + 1;
        let t = self.pre_rates.len() / n;
        let ok = self.weights.len() == n * n
            && self.input_weights.len() == n * k
            && self.obs_offset.len() == self.n_obs
            && self.obs_scale.len() == self.n_obs
            && self.x.len() == n
            && self.r.len() == n
            && self.x_average.len() == n
            && self.pre_rates.len() == t * n
            && self.pre_inputs.len() == t * k
            && self.post.len() == t * n
            && (self.rewards.len() == t || self.rewards.len() + 1 == t)
            && self.action.n_outputs() >= 1
            && self.action.n_outputs() <= n
            && self.readout_trace.len() == self.readout_weights.len()
            && match c.readout {
                AgentReadout::Neurons => self.readout_weights.is_empty(),
                AgentReadout::Value => {
                    self.readout_weights.len() == self.action.n_outputs() * (n + 1)
                }
            };
        let cont_ok = match &self.action {
            ActionMap::Discrete(_) => true,
            ActionMap::Continuous { offset, scale } => offset.len() == scale.len(),
        };
        if ok && cont_ok {
            Ok(())
        } else {
            Err("array sizes disagree with the configuration".into())
        }
    }
}
