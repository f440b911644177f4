//! The value readout ([`AgentReadout::Value`]): action values read linearly from the rates,
//! the action chosen on them, and their update by the chosen action's reward-prediction error.
//!
//! ```text
//! f(t)  = (r(t), 1)                                   the rates after the step, and a bias
//! q(t)  = V f(t)                                      one value per action, V [n_actions, N + 1]
//! a(t)  = argmax_a (q_a(t) + σ_out ε_a),  ε ~ N(0, 1)  (no noise in greedy prediction)
//! δ(t)  = r_t + q_{a(t+1)}(t+1) − q_{a(t)}(t)          (the last step: δ = r_T − q_{a(T)}(T))
//! e     ← λ e;  e_{a(t)} += f(t)                       the tag of the chosen action's unit
//! V     ← V + η_v δ e / (N + 1)
//! ```
//!
//! SARSA(λ) on the network's state (Rummery & Niranjan 1994), the output layer of AuGMEnT
//! (Rombouts, Bohte & Roelfsema 2015, PLoS Comput. Biol. 11:e1004060): only the unit of the
//! chosen action is tagged, and the reward-prediction error `δ` gates its change. Unlike a
//! reward of 0 or 1 on the argmax of noisy neurons, `δ` is graded: an answer that is wrong by
//! a wide margin still moves its value toward the reward it earns.

use super::config::AgentReadout;
use super::recurrent::{ActionMap, RecurrentAgent};
use crate::error::{Error, Result};
use rand::Rng as _;
use rand_distr::StandardNormal;
use serde::{Deserialize, Deserializer, Serialize};

/// The value readout's configuration and state as the agent file stores them: after every
/// other field of the payload, so that files written before the readout (format version 2)
/// keep their layout and decode with no readout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadoutFile {
    readout: AgentReadout,
    learning_rate: f64,
    trace_decay: f64,
    weights: Vec<f64>,
    trace: Vec<f64>,
    mean: Vec<f64>,
    previous: Option<f64>,
}

impl Default for ReadoutFile {
    /// No readout, the default rates: what a file without a tail holds.
    fn default() -> Self {
        Self {
            readout: AgentReadout::Neurons,
            learning_rate: READOUT_LEARNING_RATE,
            trace_decay: READOUT_TRACE_DECAY,
            weights: Vec::new(),
            trace: Vec::new(),
            mean: Vec::new(),
            previous: None,
        }
    }
}

impl ReadoutFile {
    /// Nothing to store beyond the defaults: the file is written without a tail, as before
    /// the readout existed (and byte for byte the same).
    pub(super) fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// Decodes the payload's tail; a payload that ends before it (an older file) has none. The
/// container's checksum and length have already refused a truncated file.
pub(super) fn tail_or_absent<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<ReadoutFile, D::Error> {
    Ok(ReadoutFile::deserialize(d).unwrap_or_default())
}

/// The default `η_v` of the value readout.
pub const READOUT_LEARNING_RATE: f64 = 0.01;
/// The default `λ_v` of the value readout's tags.
pub const READOUT_TRACE_DECAY: f64 = 0.5;

/// `α_r`: per-step rate of the running mean `r̄` the readout's rates are centred on.
pub const READOUT_MEAN_RATE: f64 = 0.001;

impl RecurrentAgent {
    /// Output neurons of the network that carry the action noise (none with a value readout).
    pub(super) fn noisy_outputs(&self) -> usize {
        match self.config.readout {
            AgentReadout::Neurons => self.action.n_outputs(),
            AgentReadout::Value => 0,
        }
    }

    /// Sizes the value readout for the configuration (zero weights on first use, none without
    /// one); refuses a value readout for continuous actions.
    pub(super) fn ensure_readout(&mut self) -> Result<()> {
        if self.config.readout == AgentReadout::Neurons {
            self.readout_weights.clear();
            self.readout_trace.clear();
            self.readout_mean.clear();
            return Ok(());
        }
        if matches!(self.action, ActionMap::Continuous { .. }) {
            return Err(Error::config(
                "readout",
                "the value readout needs a Discrete action space",
            ));
        }
        let len = self.action.n_outputs() * (self.config.n_neurons + 1);
        if self.readout_weights.len() != len {
            self.readout_weights = vec![0.0; len];
        }
        if self.readout_trace.len() != len {
            self.readout_trace = vec![0.0; len];
        }
        if self.readout_mean.len() != self.config.n_neurons {
            self.readout_mean = vec![0.0; self.config.n_neurons];
        }
        Ok(())
    }

    /// `q = V (rates − r̄, 1)` into `q`.
    pub(super) fn readout_values(&self, rates: &[f64], q: &mut Vec<f64>) {
        let m = self.config.n_neurons + 1;
        q.clear();
        for row in self.readout_weights.chunks_exact(m) {
            let dot: f64 = row[..m - 1]
                .iter()
                .zip(rates)
                .zip(&self.readout_mean)
                .map(|((w, r), c)| w * (r - c))
                .sum();
            q.push(dot + row[m - 1]);
        }
    }

    /// The action of rates `rates`: the argmax of the values, with `σ_out` noise when `explore`.
    pub(super) fn readout_action(&mut self, rates: &[f64], explore: bool, action: &mut Vec<f64>) {
        let mut q = std::mem::take(&mut self.values);
        self.readout_values(rates, &mut q);
        let sigma = self.config.output_noise;
        let mut noisy = q.clone();
        if explore && sigma > 0.0 {
            for v in noisy.iter_mut() {
                *v += sigma * self.rng.sample::<f64, _>(StandardNormal);
            }
        }
        self.action.apply(&noisy, action);
        self.values = q;
    }

    /// One learning step of the readout after the network's step: chooses the action from the
    /// current rates, learns from `reward` (the reward of the previous step) and tags the
    /// chosen action.
    pub(super) fn readout_learn_step(&mut self, reward: f64, action: &mut Vec<f64>) {
        let rates = std::mem::take(&mut self.r);
        self.readout_action(&rates, true, action);
        let a = action[0] as usize;
        let q = self.values[a];
        if let Some(q_prev) = self.readout_previous {
            self.readout_update(reward + q - q_prev);
        }
        let m = self.config.n_neurons + 1;
        let lambda = self.config.readout_trace_decay;
        self.readout_trace.iter_mut().for_each(|e| *e *= lambda);
        let tag = &mut self.readout_trace[a * m..(a + 1) * m];
        let centre = &mut self.readout_mean;
        for ((e, r), c) in tag[..m - 1].iter_mut().zip(&rates).zip(centre.iter_mut()) {
            *e += r - *c;
            *c += READOUT_MEAN_RATE * (r - *c);
        }
        tag[m - 1] += 1.0;
        self.readout_previous = Some(q);
        self.r = rates;
    }

    /// The episode's last readout update, `δ = r_T − q_{a(T)}`.
    pub(super) fn readout_learn_end(&mut self, final_reward: f64) {
        if let Some(q_prev) = self.readout_previous {
            self.readout_update(final_reward - q_prev);
        }
    }

    fn readout_update(&mut self, delta: f64) {
        // η_v per input of a readout unit: the step stays stable as N grows (|f|² ≤ N + 1).
        let c = self.config.readout_learning_rate * delta / (self.config.n_neurons + 1) as f64;
        if c == 0.0 {
            return;
        }
        for (w, e) in self.readout_weights.iter_mut().zip(&self.readout_trace) {
            *w += c * e;
        }
    }

    /// The readout's part of the file, from the configuration and the state.
    pub(super) fn pack_readout(&self) -> ReadoutFile {
        ReadoutFile {
            readout: self.config.readout,
            learning_rate: self.config.readout_learning_rate,
            trace_decay: self.config.readout_trace_decay,
            weights: self.readout_weights.clone(),
            trace: self.readout_trace.clone(),
            mean: self.readout_mean.clone(),
            previous: self.readout_previous,
        }
    }

    /// Moves a decoded file's readout into the configuration and the state.
    pub(super) fn unpack_readout(&mut self) {
        let f = std::mem::take(&mut self.readout_file);
        self.config.readout = f.readout;
        self.config.readout_learning_rate = f.learning_rate;
        self.config.readout_trace_decay = f.trace_decay;
        self.readout_weights = f.weights;
        self.readout_trace = f.trace;
        self.readout_mean = f.mean;
        self.readout_previous = f.previous;
    }

    /// Forgets the tags and the last value at an episode's end.
    pub(super) fn clear_readout(&mut self) {
        self.readout_trace.iter_mut().for_each(|e| *e = 0.0);
        self.readout_previous = None;
    }

    /// The value readout's weights `V`, `[n_actions, N + 1]` (empty without one).
    pub fn readout_weights(&self) -> &[f64] {
        &self.readout_weights
    }

    /// The running mean `r̄` the readout centres the rates on, `[N]` (empty without one).
    pub fn readout_mean(&self) -> &[f64] {
        &self.readout_mean
    }

    /// Replaces the value readout's `V` and `r̄` (shapes as the getters give; finite).
    pub fn set_readout(&mut self, weights: Vec<f64>, mean: Vec<f64>) -> Result<()> {
        if self.config.readout != AgentReadout::Value {
            return Err(Error::config("readout", "the agent has no value readout"));
        }
        if weights.len() != self.readout_weights.len() {
            return Err(Error::shape(
                "readout_weights",
                format!("expected {} values", self.readout_weights.len()),
            ));
        }
        if mean.len() != self.readout_mean.len() {
            return Err(Error::shape(
                "readout_mean",
                format!("expected {} values", self.readout_mean.len()),
            ));
        }
        if weights.iter().chain(&mean).any(|v| !v.is_finite()) {
            return Err(Error::argument("readout", "must be finite"));
        }
        self.readout_weights = weights;
        self.readout_mean = mean;
        Ok(())
    }
}
