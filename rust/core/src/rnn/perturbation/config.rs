//! Parameters of node-perturbation learning and of the network it trains.
//!
//! Defaults are those of Miconi (2017) for the delayed non-match-to-sample task (his published
//! `dnms/net.cpp`) unless noted; `docs/reference/rules.md` §3 lists every one with its source.

use super::arm::TwoJointArm;
use crate::error::{Error, Result};

/// The largest `max_dw` accepted (weights are `O(g/√N)`; a bounded change per trial keeps
/// them finite).
pub const MAX_DW_LIMIT: f64 = 1e3;

/// Learning parameters of reward-modulated node perturbation.
#[derive(Debug, Clone, PartialEq)]
pub struct NodePerturbationConfig {
    /// `η`, the learning rate (Miconi 0.1; hebbRNN examples 0.1 and 0.02).
    pub learning_rate: f64,
    /// Perturbations per neuron per second of simulated time (3 Hz in both sources); the
    /// probability per step is `p = rate · dt / 1000` with `dt` in milliseconds.
    pub perturbation_rate: f64,
    /// `A`: a perturbation adds `U(−A, A)` to `x` directly (hebbRNN `beta` 0.5; Miconi adds
    /// `U(−16, 16)` inside the `dt/τ` bracket, i.e. `A = 16·dt/τ ≈ 0.53` at τ = 30 ms).
    pub amplitude: f64,
    /// `α_x`, decay of the running average `x̄` that the fluctuation is taken against
    /// (Miconi 0.05; hebbRNN 0, the plain one-step change; unused by the kick trace).
    pub activity_trace_decay: f64,
    /// `α_R`, decay of the running average `Ē_c` of each condition's error (Miconi 0.75;
    /// hebbRNN 0.33).
    pub error_trace_decay: f64,
    /// Elementwise clip of each trial's `ΔJ` (Miconi 3e-4; hebbRNN 1e-4).
    pub max_dw: f64,
    /// Miconi's variant: multiply `ΔJ` by `|Ē_c|` as well.
    pub scale_by_expected_error: bool,
    /// Trials run before the first weight change (Miconi 100, hebbRNN 0); `Ē_c` is still
    /// tracked during them.
    pub warmup_trials: u64,
    /// Order of the conditions over training trials.
    pub condition_order: ConditionOrder,
    /// Arithmetic of the two `N²` products of a trial (the drive `J r` and the cubed
    /// fluctuation trace; the kick trace is summed in float64); float32 by default (twice as
    /// fast, same learning: `docs/design/numerics.md`).
    pub precision: Precision,
    /// What the eligibility trace correlates with the presynaptic rates: the cubed activity
    /// fluctuation (Miconi's rule, the default) or the perturbations themselves.
    pub eligibility: Eligibility,
}

impl Default for NodePerturbationConfig {
    fn default() -> Self {
        Self {
            learning_rate: 0.1,
            perturbation_rate: 3.0,
            amplitude: 0.5,
            activity_trace_decay: 0.05,
            error_trace_decay: 0.75,
            max_dw: 3e-4,
            scale_by_expected_error: false,
            warmup_trials: 0,
            condition_order: ConditionOrder::Cycle,
            precision: Precision::Float32,
            eligibility: Eligibility::Fluctuation,
        }
    }
}

impl NodePerturbationConfig {
    /// Checks every field, naming the first bad one.
    pub fn validate(&self) -> Result<()> {
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
        nonneg("learning_rate", self.learning_rate)?;
        nonneg("perturbation_rate", self.perturbation_rate)?;
        nonneg("amplitude", self.amplitude)?;
        nonneg("max_dw", self.max_dw)?;
        if self.max_dw > MAX_DW_LIMIT {
            return Err(Error::config(
                "max_dw",
                format!(
                    "must be <= {MAX_DW_LIMIT} (a clip on a change per trial), got {}",
                    self.max_dw
                ),
            ));
        }
        for (name, v) in [
            ("activity_trace_decay", self.activity_trace_decay),
            ("error_trace_decay", self.error_trace_decay),
        ] {
            if !(0.0..1.0).contains(&v) {
                return Err(Error::config(name, format!("must lie in [0, 1), got {v}")));
            }
        }
        Ok(())
    }

    /// The perturbation probability per neuron and step for a step of `dt` milliseconds,
    /// checked to lie in [0, 1].
    pub fn perturbation_probability(&self, dt: f64) -> Result<f64> {
        let p = self.perturbation_rate * dt / 1000.0;
        if (0.0..=1.0).contains(&p) {
            Ok(p)
        } else {
            Err(Error::config(
                "perturbation_rate",
                format!("the probability per step p = rate·dt/1000 = {p} must lie in [0, 1]"),
            ))
        }
    }
}

/// Arithmetic of the two `N²` products of every trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// Everything in float64.
    Float64,
    /// The drive `J r` from a float32 copy of `J` and float32 rates (float32 sums), and the
    /// eligibility trace from float32 `r³`, `Δx³` (an `sgemm`); the state `x`, `tanh`, the
    /// errors and the weights `J` themselves stay float64 (changes are added to float64 `J`).
    Float32,
}

/// What the eligibility trace of a trial accumulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eligibility {
    /// `e_ij = Σ_t (r_j(t−1) · (x_i(t) − x̄_i(t)))³`: only quantities local to the synapse
    /// (Miconi 2017, his `METHOD = "DELTAX"`).
    Fluctuation,
    /// `e_ij = Σ_kicks ξ_i(t) · r_j(t−1)`: the perturbation `ξ` itself, summed over the steps
    /// at which neuron `i` was kicked (node perturbation of Fiete & Seung 2006; Miconi's
    /// `METHOD = "NODEPERT"`). Not local (the synapse must know the kick), cheaper (no trace
    /// product) and free of the network's own fluctuations.
    Perturbation,
}

/// In which order training trials visit the conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionOrder {
    /// Trial `k` uses condition `k mod C` (Miconi).
    Cycle,
    /// Each pass of `C` trials visits the conditions in a fresh random order (hebbRNN
    /// `pseudorand`).
    Shuffled,
}

/// How the trial error compares outputs with targets on the scored steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorMetric {
    /// Mean over scored steps and output dimensions of `|z − target|` (DNMS).
    MeanAbsolute,
    /// Mean over scored steps of the Euclidean distance `‖z − target‖` (reaching).
    Euclidean,
}

/// What the network's output is.
#[derive(Debug, Clone, PartialEq)]
pub enum Readout {
    /// The rates of the output neurons themselves (no trained readout).
    Rates,
    /// The output rates drive the joint velocities of a two-joint arm; the output is the hand
    /// position (needs exactly two output neurons).
    Arm(TwoJointArm),
}

/// The network: sizes, time constants, designated neurons, and the output side.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkSpec {
    /// Number of recurrent neurons `N`.
    pub n_neurons: usize,
    /// Number of input channels.
    pub n_inputs: usize,
    /// Integration step in milliseconds (1).
    pub dt: f64,
    /// Membrane time constant in milliseconds (30 for DNMS, 20 in hebbRNN's reaching example).
    pub tau: f64,
    /// Indices of the output neurons.
    pub output_neurons: Vec<usize>,
    /// Indices of bias neurons whose `x` is clamped to `bias_values` (Miconi: three neurons
    /// clamped to 1, 1, −1; hebbRNN: random values in ±1).
    pub bias_neurons: Vec<usize>,
    /// Clamp values of the bias neurons.
    pub bias_values: Vec<f64>,
    /// `x(0)`; empty means all zeros.
    pub initial_state: Vec<f64>,
    /// Each trial starts from `x(0) + U(−s, s)` per neuron (Miconi 0.1; hebbRNN 0).
    pub initial_noise: f64,
    /// What the output is.
    pub readout: Readout,
    /// How the error is measured.
    pub error_metric: ErrorMetric,
    /// Weight `c` of the energy cost `c · mean |r_out|` over all steps (hebbRNN `energyCost`).
    pub energy_cost: f64,
}

impl NetworkSpec {
    /// A network of `n_neurons` with `n_inputs` inputs and neuron 0 as its output, DNMS time
    /// constants (dt = 1 ms, τ = 30 ms), no bias neurons.
    pub fn new(n_neurons: usize, n_inputs: usize) -> Self {
        Self {
            n_neurons,
            n_inputs,
            dt: 1.0,
            tau: 30.0,
            output_neurons: vec![0],
            bias_neurons: Vec::new(),
            bias_values: Vec::new(),
            initial_state: Vec::new(),
            initial_noise: 0.0,
            readout: Readout::Rates,
            error_metric: ErrorMetric::MeanAbsolute,
            energy_cost: 0.0,
        }
    }

    /// Dimension of the output `z` (and of the targets).
    pub fn output_dim(&self) -> usize {
        match self.readout {
            Readout::Rates => self.output_neurons.len(),
            Readout::Arm(_) => 2,
        }
    }

    /// Checks every field, naming the first bad one.
    pub fn validate(&self) -> Result<()> {
        self.validate_time()?;
        self.validate_neurons()?;
        self.validate_start_and_costs()?;
        self.validate_readout()
    }

    /// The size and the time constants.
    fn validate_time(&self) -> Result<()> {
        if self.n_neurons == 0 {
            return Err(Error::config("n_neurons", "must be at least 1"));
        }
        if !(self.tau.is_finite() && self.tau > 0.0) {
            return Err(Error::config(
                "tau",
                format!("must be finite and > 0, got {}", self.tau),
            ));
        }
        if !(self.dt.is_finite() && self.dt > 0.0) {
            return Err(Error::config(
                "dt",
                format!("must be finite and > 0, got {}", self.dt),
            ));
        }
        if self.dt > self.tau {
            return Err(Error::config(
                "dt",
                format!("must not exceed tau ({}), got {}", self.tau, self.dt),
            ));
        }
        Ok(())
    }

    /// The output and bias neuron lists and the bias values.
    fn validate_neurons(&self) -> Result<()> {
        let n = self.n_neurons;
        if self.output_neurons.is_empty() {
            return Err(Error::config("output_neurons", "needs at least one neuron"));
        }
        for (name, list) in [
            ("output_neurons", &self.output_neurons),
            ("bias_neurons", &self.bias_neurons),
        ] {
            if let Some(&i) = list.iter().find(|&&i| i >= n) {
                return Err(Error::config(
                    name,
                    format!("index {i} is out of range for {n} neurons"),
                ));
            }
        }
        if self.bias_values.len() != self.bias_neurons.len() {
            return Err(Error::config(
                "bias_values",
                format!(
                    "needs one value per bias neuron ({}), got {}",
                    self.bias_neurons.len(),
                    self.bias_values.len()
                ),
            ));
        }
        if self.bias_values.iter().any(|v| !v.is_finite()) {
            return Err(Error::config("bias_values", "must be finite"));
        }
        if self
            .output_neurons
            .iter()
            .any(|o| self.bias_neurons.contains(o))
        {
            return Err(Error::config(
                "bias_neurons",
                "must not include an output neuron",
            ));
        }
        Ok(())
    }

    /// The initial state, the initial noise and the energy cost.
    fn validate_start_and_costs(&self) -> Result<()> {
        let n = self.n_neurons;
        if !self.initial_state.is_empty() {
            if self.initial_state.len() != n {
                return Err(Error::config(
                    "initial_state",
                    format!("needs {n} values, got {}", self.initial_state.len()),
                ));
            }
            if self.initial_state.iter().any(|v| !v.is_finite()) {
                return Err(Error::config("initial_state", "must be finite"));
            }
        }
        for (name, v) in [
            ("initial_noise", self.initial_noise),
            ("energy_cost", self.energy_cost),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(Error::config(
                    name,
                    format!("must be finite and >= 0, got {v}"),
                ));
            }
        }
        Ok(())
    }

    /// The arm readout needs two output neurons and a valid arm.
    fn validate_readout(&self) -> Result<()> {
        if let Readout::Arm(arm) = &self.readout {
            if self.output_neurons.len() != 2 {
                return Err(Error::config(
                    "output_neurons",
                    format!(
                        "the arm readout needs exactly 2 output neurons, got {}",
                        self.output_neurons.len()
                    ),
                ));
            }
            arm.validate()?;
        }
        Ok(())
    }
}
