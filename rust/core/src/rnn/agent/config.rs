//! Parameters of the recurrent agents: the network, the exploration and the learning rule.
//!
//! `docs/reference/rules.md` §"Recurrent agents" lists every field with its source.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The largest network accepted (`N²` weights must fit comfortably in memory).
pub const MAX_NEURONS: usize = 4096;

/// Which local rule turns exploration and reward into weight changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgentRule {
    /// Node perturbation with an episode-level reward (Miconi 2017): sparse kicks, one
    /// eligibility trace per episode, one modulator `(G − Ḡ)/σ̄` per episode.
    NodePerturbation,
    /// Reward-modulated Hebbian rule (Legenstein et al. 2010; Hoerzer et al. 2014; Miconi
    /// 2015): Gaussian exploratory noise in every neuron at every step, an eligibility trace
    /// `(x_i − x̄_i)·r_j` decaying by `γ` per step, modulated by every reward.
    RewardHebbian,
}

/// What the eligibility trace correlates with the presynaptic activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgentEligibility {
    /// `Σ_t (Δx_i(t) · a_j(t))³` with `Δx = x − x̄` (Miconi 2017, local to the synapse).
    CubedFluctuation,
    /// `Σ_t Δx_i(t) · a_j(t)`, `Δx = x − x̄` (Legenstein et al. 2010's exploratory-Hebbian
    /// estimate of the noise-driven deviation; fully local, but the network's own dynamics
    /// leak into it: it did not learn CartPole in our tuning).
    Fluctuation,
    /// `Σ_t ξ_i(t) · a_j(t)`: the noise-driven deviation of the activity from its noise-free
    /// value, which is the noise `ξ` itself (Fiete & Seung 2006). The default of both rules.
    Perturbation,
}

/// How the network's state becomes a discrete action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AgentReadout {
    /// The first neurons of the network are the outputs (the action with the largest rate);
    /// they learn by the rule like every other neuron.
    #[default]
    Neurons,
    /// A separate linear readout of action values `q = V [r; 1]` (not fed back), the action
    /// `argmax_a (q_a + σ_out ε_a)`, learned by the reward-prediction error of the chosen
    /// action, `Δ V_a = η_v δ e_a`, with a tag `e_a` of the rates that chose `a` (the output
    /// layer of AuGMEnT: Rombouts, Bohte & Roelfsema 2015; SARSA(λ), Rummery & Niranjan 1994).
    /// The recurrent neurons keep learning by the rule. Discrete actions only.
    Value,
}

/// Network, exploration and learning parameters of a recurrent agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentConfig {
    /// N, the number of rate neurons; the first `n_outputs` are the output neurons.
    pub n_neurons: usize,
    /// The local rule.
    pub rule: AgentRule,
    /// The eligibility trace.
    pub eligibility: AgentEligibility,
    /// `dt/τ` of the leaky integration `x ← x + (dt/τ)(−x + J r + W_in u) + ξ`, in (0, 1]
    /// (1: a discrete-time network).
    pub leak: f64,
    /// `g` of the initial recurrent weights `J ~ N(0, g²/N)` (Miconi 1.5).
    pub gain: f64,
    /// Initial input weights `W_in ~ U(−s, s)` (Miconi 1).
    pub input_scale: f64,
    /// `η`, the learning rate.
    pub learning_rate: f64,
    /// Node perturbation: probability that a neuron is kicked at a step (Miconi 3 Hz at 1 ms
    /// steps = 0.003; agents stepping once per env step need more).
    pub perturbation_probability: f64,
    /// Kick amplitude `A` (`ξ ~ U(−A, A)`) for node perturbation, standard deviation of the
    /// Gaussian noise for the Hebbian rule.
    pub noise: f64,
    /// Standard deviation of the Gaussian noise added at every step to each output neuron,
    /// on top of the rule's own noise: exploration in the action (Fiete & Seung 2006's
    /// perturbed outputs; Legenstein et al. 2010 perturb the readout the same way).
    pub output_noise: f64,
    /// `ρ`: correlation from one step to the next of the output noise while learning, an
    /// Ornstein–Uhlenbeck process `ζ ← ρ ζ + √(1 − ρ²) σ_out ε` (stationary spread `σ_out`,
    /// restarted at 0 each episode; 0: white noise). Correlated exploration holds a
    /// perturbed action for about `1/(1 − ρ)` steps, which is what reaches a sparse goal
    /// such as Acrobot's, where white noise leaves every return at the time limit and the
    /// reward-modulated rules get no signal. `predict` explores with white noise.
    #[serde(default)]
    pub output_noise_correlation: f64,
    /// `α_x`: decay of the running average `x̄` the fluctuation is taken against (Miconi 0.05).
    pub activity_trace_decay: f64,
    /// Decay of the running reward baseline `Ḡ` and of its spread `σ̄` (per episode).
    pub baseline_decay: f64,
    /// `γ`: per-step decay of the eligibility trace (1: the whole episode counts alike; below
    /// 1 the steps just before the episode's end, e.g. a decision, count most).
    pub trace_decay: f64,
    /// Elementwise clip of one episode's weight change.
    pub max_dw: f64,
    /// Whether the input weights (and the biases, a constant input) learn too.
    pub learn_input_weights: bool,
    /// How the action is read out (the neurons themselves, or a value readout). This and the
    /// next two fields are stored in the agent file's tail ([`super::readout::ReadoutFile`]),
    /// so files written before them keep their layout.
    #[serde(skip)]
    pub readout: AgentReadout,
    /// `η_v`: learning rate of the value readout.
    #[serde(skip)]
    pub readout_learning_rate: f64,
    /// `λ`: per-step decay of the value readout's tags (0: TD(0); 1: the whole episode).
    #[serde(skip)]
    pub readout_trace_decay: f64,
}

impl AgentConfig {
    /// The defaults of a node-perturbation agent with `n` neurons.
    pub fn node_perturbation(n: usize) -> Self {
        Self {
            n_neurons: n,
            rule: AgentRule::NodePerturbation,
            eligibility: AgentEligibility::Perturbation,
            leak: 1.0,
            gain: 1.0,
            input_scale: 1.0,
            learning_rate: 0.002,
            perturbation_probability: 0.05,
            noise: 0.5,
            output_noise: 0.5,
            output_noise_correlation: 0.0,
            activity_trace_decay: 0.05,
            baseline_decay: 0.9,
            trace_decay: 1.0,
            max_dw: 0.05,
            learn_input_weights: true,
            readout: AgentReadout::Neurons,
            readout_learning_rate: super::readout::READOUT_LEARNING_RATE,
            readout_trace_decay: super::readout::READOUT_TRACE_DECAY,
        }
    }

    /// The defaults of a reward-modulated Hebbian agent with `n` neurons.
    pub fn reward_hebbian(n: usize) -> Self {
        Self {
            rule: AgentRule::RewardHebbian,
            eligibility: AgentEligibility::Perturbation,
            noise: 0.1,
            trace_decay: 0.99,
            learning_rate: 0.002,
            ..Self::node_perturbation(n)
        }
    }

    /// Checks every field, naming the first bad one.
    pub fn validate(&self) -> Result<()> {
        if self.n_neurons == 0 || self.n_neurons > MAX_NEURONS {
            return Err(Error::config(
                "n_neurons",
                format!("must lie in [1, {MAX_NEURONS}], got {}", self.n_neurons),
            ));
        }
        let nonneg = |name: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(Error::config(
                    name,
                    format!("must be finite and >= 0, got {v}"),
                ))
            }
        };
        nonneg("gain", self.gain)?;
        nonneg("input_scale", self.input_scale)?;
        nonneg("learning_rate", self.learning_rate)?;
        nonneg("noise", self.noise)?;
        nonneg("output_noise", self.output_noise)?;
        nonneg("max_dw", self.max_dw)?;
        nonneg("readout_learning_rate", self.readout_learning_rate)?;
        if !(self.leak > 0.0 && self.leak <= 1.0) {
            return Err(Error::config(
                "leak",
                format!("must lie in (0, 1], got {}", self.leak),
            ));
        }
        for (name, v) in [
            ("perturbation_probability", self.perturbation_probability),
            ("trace_decay", self.trace_decay),
            ("readout_trace_decay", self.readout_trace_decay),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(Error::config(name, format!("must lie in [0, 1], got {v}")));
            }
        }
        for (name, v) in [
            ("activity_trace_decay", self.activity_trace_decay),
            ("output_noise_correlation", self.output_noise_correlation),
            ("baseline_decay", self.baseline_decay),
        ] {
            if !(0.0..1.0).contains(&v) {
                return Err(Error::config(name, format!("must lie in [0, 1), got {v}")));
            }
        }
        Ok(())
    }
}
