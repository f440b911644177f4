//! [`RecurrentAgent`]: the network, its state during an episode and the records of the episode.

use super::config::{AgentConfig, AgentEligibility, AgentReadout, AgentRule};
use super::readout::ReadoutFile;
use crate::error::{Error, Result};
use crate::rng::{from_seed, Rng};
use crate::rnn::kernels::{leaky_step, matvec, tanh_into};
use rand::Rng as _;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

/// `tanh(x)` from a polynomial `exp` (absolute error below 1e-9), shared with the kernels.
pub use crate::rnn::kernels::fast_tanh;

/// How the output neurons' rates become an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ActionMap {
    /// `n` actions: the index of the output neuron with the largest rate (ties: the lowest).
    Discrete(usize),
    /// A continuous action: `a_k = offset_k + scale_k · r_k`, one output neuron per dimension.
    Continuous {
        /// Per-dimension offset (the middle of the bounds).
        offset: Vec<f64>,
        /// Per-dimension scale (half the width of the bounds).
        scale: Vec<f64>,
    },
}

impl ActionMap {
    /// Number of output neurons.
    pub fn n_outputs(&self) -> usize {
        match self {
            ActionMap::Discrete(n) => *n,
            ActionMap::Continuous { offset, .. } => offset.len(),
        }
    }

    /// Writes the action for output rates `rates` into `out` (one value: the index as f64).
    pub fn apply(&self, rates: &[f64], out: &mut Vec<f64>) {
        out.clear();
        match self {
            ActionMap::Discrete(n) => {
                let mut best = 0;
                for k in 1..*n {
                    if rates[k] > rates[best] {
                        best = k;
                    }
                }
                out.push(best as f64);
            }
            ActionMap::Continuous { offset, scale } => {
                out.extend(
                    rates
                        .iter()
                        .zip(offset)
                        .zip(scale)
                        .map(|((r, o), s)| o + s * r),
                );
            }
        }
    }
}

/// One finished episode.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpisodeSummary {
    /// The undiscounted return.
    pub episode_return: f64,
    /// Steps taken.
    pub length: u64,
    /// The episode-level modulator applied (0 when nothing was learned).
    pub modulator: f64,
}

/// A recurrent rate network that acts and learns from reward (see the module docs).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecurrentAgent {
    pub(super) config: AgentConfig,
    /// Observation dimensions (without the bias input).
    pub(super) n_obs: usize,
    pub(super) action: ActionMap,
    /// `u = (obs − offset) · scale`.
    pub(super) obs_offset: Vec<f64>,
    pub(super) obs_scale: Vec<f64>,
    /// `J`, `[N, N]` row-major, `[post, pre]`.
    pub(super) weights: Vec<f64>,
    /// `W_in`, `[N, n_obs + 1]` (the last column multiplies the constant bias input).
    pub(super) input_weights: Vec<f64>,
    pub(super) baseline: f64,
    pub(super) spread: f64,
    pub(super) has_baseline: bool,
    pub(super) rng: Rng,
    // state within the episode
    pub(super) x: Vec<f64>,
    pub(super) r: Vec<f64>,
    pub(super) x_average: Vec<f64>,
    /// The output neurons' correlated noise `ζ` (empty until the first correlated step).
    #[serde(default)]
    pub(super) output_noise_state: Vec<f64>,
    /// `[T, N]`: the rates each step read (`r(t−1)`).
    pub(super) pre_rates: Vec<f64>,
    /// `[T, n_obs + 1]`: the inputs each step read.
    pub(super) pre_inputs: Vec<f64>,
    /// `[T, N]`: the post factor of each step (fluctuation, its cube or the noise).
    pub(super) post: Vec<f64>,
    /// The reward that followed each step.
    pub(super) rewards: Vec<f64>,
    pub(super) episodes: u64,
    pub(super) steps: u64,
    pub(super) history: Vec<EpisodeSummary>,
    /// The value readout's `V`, `[n_actions, N + 1]` (empty with the neurons as outputs).
    #[serde(skip)]
    pub(super) readout_weights: Vec<f64>,
    /// The value readout's tags `e`, shaped as `V`.
    #[serde(skip)]
    pub(super) readout_trace: Vec<f64>,
    /// The running mean `r̄` of the rates the value readout is centred on, `[N]`.
    #[serde(skip)]
    pub(super) readout_mean: Vec<f64>,
    /// The value of the action chosen at the last step of the episode in progress.
    #[serde(skip)]
    pub(super) readout_previous: Option<f64>,
    /// Free text kept with the agent (the Python face stores its spaces here).
    pub metadata: String,
    #[serde(skip)]
    pub(super) drive: Vec<f64>,
    #[serde(skip)]
    pub(super) input: Vec<f64>,
    /// One step's exploratory noise `ξ`, `[N]`.
    #[serde(skip)]
    pub(super) noise: Vec<f64>,
    /// Rates for `predict` and, in `learn`, the weight change (`[N, max(N, n_obs + 1)]`).
    #[serde(skip)]
    pub(super) scratch: Vec<f64>,
    /// One step's action values (value readout).
    #[serde(skip)]
    pub(super) values: Vec<f64>,
    /// The value readout as written to a file: the payload's last field, absent in files
    /// written before the readout existed (filled by `to_bytes`, unpacked by `from_bytes`).
    #[serde(
        deserialize_with = "super::readout::tail_or_absent",
        skip_serializing_if = "ReadoutFile::is_default"
    )]
    pub(super) readout_file: ReadoutFile,
}

/// Refuses observation scalings of different lengths or non-finite values, and an action map
/// that needs no output neuron or more than the `n` neurons, or has bad continuous scaling.
fn check_scaling(
    obs_offset: &[f64],
    obs_scale: &[f64],
    action: &ActionMap,
    n: usize,
) -> Result<()> {
    let n_obs = obs_offset.len();
    if obs_scale.len() != n_obs {
        return Err(Error::shape(
            "obs_scale",
            format!("has {} values, obs_offset {n_obs}", obs_scale.len()),
        ));
    }
    if let Some(v) = obs_offset.iter().chain(obs_scale).find(|v| !v.is_finite()) {
        return Err(Error::argument(
            "observation scaling",
            format!("must be finite, got {v}"),
        ));
    }
    let n_out = action.n_outputs();
    if n_out == 0 || n_out > n {
        return Err(Error::config(
            "n_neurons",
            format!("the action needs {n_out} output neurons, the network has {n}"),
        ));
    }
    if let ActionMap::Continuous { offset, scale } = action {
        if scale.len() != offset.len() || offset.iter().chain(scale).any(|v| !v.is_finite()) {
            return Err(Error::argument(
                "action_space",
                "a continuous action needs finite offsets and scales of one length",
            ));
        }
    }
    Ok(())
}

impl RecurrentAgent {
    /// A new agent for observations of `n_obs` values (scaled by `u = (obs − offset)·scale`)
    /// and the given action map, with weights drawn from `seed`.
    pub fn new(
        config: AgentConfig,
        obs_offset: Vec<f64>,
        obs_scale: Vec<f64>,
        action: ActionMap,
        seed: Option<u64>,
    ) -> Result<Self> {
        config.validate()?;
        let n = config.n_neurons;
        let n_obs = obs_offset.len();
        check_scaling(&obs_offset, &obs_scale, &action, n)?;
        let mut rng = from_seed(seed);
        let std = config.gain / (n as f64).sqrt();
        let weights = (0..n * n)
            .map(|_| std * rng.sample::<f64, _>(StandardNormal))
            .collect();
        let s = config.input_scale;
        let input_weights = (0..n * (n_obs + 1))
            .map(|k| {
                if k % (n_obs + 1) == n_obs {
                    0.0
                } else {
                    rng.gen_range(-1.0..=1.0) * s
                }
            })
            .collect();
        let mut agent = Self {
            config,
            n_obs,
            action,
            obs_offset,
            obs_scale,
            weights,
            input_weights,
            baseline: 0.0,
            spread: 0.0,
            has_baseline: false,
            rng,
            x: vec![0.0; n],
            r: vec![0.0; n],
            x_average: vec![0.0; n],
            output_noise_state: Vec::new(),
            pre_rates: Vec::new(),
            pre_inputs: Vec::new(),
            post: Vec::new(),
            rewards: Vec::new(),
            episodes: 0,
            steps: 0,
            history: Vec::new(),
            metadata: String::new(),
            drive: vec![0.0; n],
            input: Vec::with_capacity(n_obs + 1),
            noise: vec![0.0; n],
            scratch: Vec::new(),
            values: Vec::new(),
            readout_weights: Vec::new(),
            readout_trace: Vec::new(),
            readout_mean: Vec::new(),
            readout_previous: None,
            readout_file: ReadoutFile::default(),
        };
        agent.ensure_readout()?;
        Ok(agent)
    }

    /// The configuration.
    pub fn config(&self) -> &AgentConfig {
        &self.config
    }
    /// Observation dimensions.
    pub fn n_obs(&self) -> usize {
        self.n_obs
    }
    /// The action map.
    pub fn action_map(&self) -> &ActionMap {
        &self.action
    }
    /// `J`, `[N, N]`.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }
    /// `W_in`, `[N, n_obs + 1]`.
    pub fn input_weights(&self) -> &[f64] {
        &self.input_weights
    }
    /// The state `x` of the network in the episode in progress.
    pub fn state(&self) -> &[f64] {
        &self.x
    }
    /// Finished episodes.
    pub fn episodes(&self) -> u64 {
        self.episodes
    }
    /// Steps taken while learning.
    pub fn steps(&self) -> u64 {
        self.steps
    }
    /// Steps of the episode in progress.
    pub fn episode_steps(&self) -> usize {
        self.rewards.len() + usize::from(self.episode_open())
    }
    /// The running reward baseline `Ḡ` and spread `σ̄`.
    pub fn baseline(&self) -> (f64, f64) {
        (self.baseline, self.spread.sqrt())
    }
    /// Every finished episode, oldest first.
    pub fn history(&self) -> &[EpisodeSummary] {
        &self.history
    }

    /// Replaces `J` and `W_in` (shapes checked).
    pub fn set_weights(&mut self, weights: Vec<f64>, input_weights: Vec<f64>) -> Result<()> {
        let n = self.config.n_neurons;
        if weights.len() != n * n {
            return Err(Error::shape("weights", format!("expected {n}×{n} values")));
        }
        if input_weights.len() != n * (self.n_obs + 1) {
            return Err(Error::shape(
                "input_weights",
                format!("expected {n}×{} values", self.n_obs + 1),
            ));
        }
        if weights.iter().chain(&input_weights).any(|v| !v.is_finite()) {
            return Err(Error::argument("weights", "must be finite"));
        }
        self.weights = weights;
        self.input_weights = input_weights;
        Ok(())
    }

    /// Replaces the configuration (the network's size must stay).
    pub fn set_config(&mut self, config: AgentConfig) -> Result<()> {
        config.validate()?;
        if config.n_neurons != self.config.n_neurons {
            return Err(Error::config(
                "n_neurons",
                format!(
                    "cannot change from {} on a live agent",
                    self.config.n_neurons
                ),
            ));
        }
        let old = std::mem::replace(&mut self.config, config);
        if let Err(e) = self.ensure_readout() {
            self.config = old;
            return Err(e);
        }
        Ok(())
    }

    fn episode_open(&self) -> bool {
        self.pre_rates.len() > self.rewards.len() * self.config.n_neurons
    }

    /// Checks an observation and writes the scaled input (with the bias) into `self.input`.
    fn load_input(&mut self, obs: &[f64]) -> Result<()> {
        if obs.len() != self.n_obs {
            return Err(Error::shape(
                "observation",
                format!("expected {} values, got {}", self.n_obs, obs.len()),
            ));
        }
        self.input.clear();
        for ((o, off), s) in obs.iter().zip(&self.obs_offset).zip(&self.obs_scale) {
            if !o.is_finite() {
                return Err(Error::argument(
                    "observation",
                    format!("must be finite, got {o}"),
                ));
            }
            self.input.push((o - off) * s);
        }
        self.input.push(1.0);
        Ok(())
    }

    /// The drive `J r + W_in u` of state rates `r` into `self.drive`.
    fn compute_drive(&mut self, rates: &[f64]) {
        let n = self.config.n_neurons;
        self.drive.resize(n, 0.0);
        matvec(&mut self.drive, &self.weights, rates);
        let m = self.n_obs + 1;
        for (i, d) in self.drive.iter_mut().enumerate() {
            let row = &self.input_weights[i * m..(i + 1) * m];
            *d += row.iter().zip(&self.input).map(|(w, u)| w * u).sum::<f64>();
        }
    }

    /// One exploring, recorded step: `reward` is the reward that followed the previous step of
    /// this episode (ignored at the episode's first step). Writes the action into `action`.
    pub fn act(&mut self, obs: &[f64], reward: f64, action: &mut Vec<f64>) -> Result<()> {
        if !reward.is_finite() {
            return Err(Error::argument(
                "reward",
                format!("must be finite, got {reward}"),
            ));
        }
        self.load_input(obs)?;
        if self.episode_open() {
            self.rewards.push(reward);
        }
        let n = self.config.n_neurons;
        let r = std::mem::take(&mut self.r);
        self.compute_drive(&r);
        self.pre_rates.extend_from_slice(&r);
        self.r = r;
        self.pre_inputs.extend_from_slice(&self.input);
        self.draw_step_noise();
        let start = self.post.len();
        self.post.resize(start + n, 0.0);
        let post = &mut self.post[start..];
        leaky_step(
            &mut self.x,
            &mut self.x_average,
            post,
            &self.drive,
            &self.noise,
            self.config.leak,
            self.config.activity_trace_decay,
        );
        match self.config.eligibility {
            AgentEligibility::CubedFluctuation => post.iter_mut().for_each(|d| *d = *d * *d * *d),
            AgentEligibility::Fluctuation => {}
            AgentEligibility::Perturbation => post.copy_from_slice(&self.noise),
        }
        tanh_into(&mut self.r, &self.x);
        self.steps += 1;
        if self.config.readout == AgentReadout::Value {
            self.readout_learn_step(reward, action);
        } else {
            let n_out = self.action.n_outputs();
            self.action.apply(&self.r[..n_out], action);
        }
        Ok(())
    }

    /// Draws the exploratory noise `ξ` of every neuron for one learning step into
    /// `self.noise`, neuron by neuron in order (the generator's stream fixes the results).
    fn draw_step_noise(&mut self) {
        let n = self.config.n_neurons;
        let n_out = self.noisy_outputs();
        let (noise, p) = (self.config.noise, self.config.perturbation_probability);
        let rho = self.config.output_noise_correlation;
        if rho > 0.0 && self.output_noise_state.len() != n_out {
            self.output_noise_state = vec![0.0; n_out];
        }
        let mut out = std::mem::take(&mut self.noise);
        out.resize(n, 0.0);
        for (i, xi) in out[..n_out].iter_mut().enumerate() {
            *xi = if rho > 0.0 {
                self.draw_noise(false, noise, p) + self.correlated_output_noise(i, rho)
            } else {
                self.draw_noise(true, noise, p)
            };
        }
        let hidden = &mut out[n_out..];
        match self.config.rule {
            AgentRule::NodePerturbation if p > 0.0 => {
                for xi in hidden {
                    *xi = if self.rng.gen::<f64>() < p {
                        self.rng.gen_range(-1.0..=1.0) * noise
                    } else {
                        0.0
                    };
                }
            }
            AgentRule::NodePerturbation => hidden.fill(0.0),
            AgentRule::RewardHebbian => {
                for xi in hidden {
                    *xi = noise * self.rng.sample::<f64, _>(StandardNormal);
                }
            }
        }
        self.noise = out;
    }

    /// One step from the state `x` (updated in place) without learning or recording: the
    /// action for `obs`. With `deterministic` false, the rule's exploratory noise is added
    /// (drawn from the agent's generator).
    pub fn predict(
        &mut self,
        obs: &[f64],
        x: &mut [f64],
        deterministic: bool,
        action: &mut Vec<f64>,
    ) -> Result<()> {
        let n = self.config.n_neurons;
        if x.len() != n {
            return Err(Error::shape(
                "state",
                format!("expected {n} values, got {}", x.len()),
            ));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(Error::argument("state", "must be finite"));
        }
        self.load_input(obs)?;
        let mut rates = std::mem::take(&mut self.scratch);
        rates.resize(n, 0.0);
        tanh_into(&mut rates, x);
        self.compute_drive(&rates[..n]);
        let (leak, noise, p) = (
            self.config.leak,
            self.config.noise,
            self.config.perturbation_probability,
        );
        let n_out = self.noisy_outputs();
        for (i, xv) in x.iter_mut().enumerate() {
            let xi = if deterministic {
                0.0
            } else {
                self.draw_noise(i < n_out, noise, p)
            };
            *xv += leak * (self.drive[i] - *xv) + xi;
        }
        if self.config.readout == AgentReadout::Value {
            tanh_into(&mut rates[..n], x);
            self.readout_action(&rates[..n], !deterministic, action);
        } else {
            let n_out = self.action.n_outputs();
            tanh_into(&mut rates[..n_out], &x[..n_out]);
            self.action.apply(&rates[..n_out], action);
        }
        self.scratch = rates;
        Ok(())
    }

    /// The exploratory noise of one neuron at one step: the rule's (sparse uniform kicks or
    /// Gaussian noise) plus, for an output neuron, Gaussian noise of `output_noise`.
    fn draw_noise(&mut self, output: bool, noise: f64, p: f64) -> f64 {
        let mut xi = match self.config.rule {
            AgentRule::NodePerturbation => {
                if p > 0.0 && self.rng.gen::<f64>() < p {
                    self.rng.gen_range(-1.0..=1.0) * noise
                } else {
                    0.0
                }
            }
            AgentRule::RewardHebbian => noise * self.rng.sample::<f64, _>(StandardNormal),
        };
        if output && self.config.output_noise > 0.0 {
            xi += self.config.output_noise * self.rng.sample::<f64, _>(StandardNormal);
        }
        xi
    }

    /// Advances output neuron `i`'s Ornstein–Uhlenbeck noise by one step and returns it.
    fn correlated_output_noise(&mut self, i: usize, rho: f64) -> f64 {
        let sigma = self.config.output_noise;
        let eps: f64 = self.rng.sample(StandardNormal);
        let z = rho * self.output_noise_state[i] + (1.0 - rho * rho).sqrt() * sigma * eps;
        self.output_noise_state[i] = z;
        z
    }

    /// Drops the episode in progress without learning from it and resets the state.
    pub fn discard_episode(&mut self) {
        self.clear_episode();
    }

    pub(super) fn clear_episode(&mut self) {
        self.pre_rates.clear();
        self.pre_inputs.clear();
        self.post.clear();
        self.rewards.clear();
        self.x.iter_mut().for_each(|v| *v = 0.0);
        self.r.iter_mut().for_each(|v| *v = 0.0);
        self.x_average.iter_mut().for_each(|v| *v = 0.0);
        self.output_noise_state.iter_mut().for_each(|v| *v = 0.0);
        self.clear_readout();
    }

    /// Restores the scratch buffers that are not serialised (after decoding).
    pub fn restore_scratch(&mut self) {
        self.drive = vec![0.0; self.config.n_neurons];
        self.input = Vec::with_capacity(self.n_obs + 1);
        self.noise = vec![0.0; self.config.n_neurons];
        self.scratch = Vec::new();
        self.values = Vec::new();
    }
}
