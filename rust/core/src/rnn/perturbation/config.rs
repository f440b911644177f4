//! Parameters of node-perturbation learning and of the network it trains.
//!
//! Defaults are those of Miconi (2017) for the delayed non-match-to-sample task (his published
//! `dnms/net.cpp`) unless noted; `docs/reference/rules.md` §3 lists every one with its source.

use super::arm::TwoJointArm;
use crate::brain::config::FieldDefault;
use crate::error::{Error, Result};

/// The largest `max_dw` accepted (weights are `O(g/√N)`; a bounded change per trial keeps
/// them finite).
pub const MAX_DW_LIMIT: f64 = 1e3;

/// Declares a parameter struct of the dense family (`Debug`, `Clone`, `PartialEq`) and its
/// `Default` from a field list handed over by one of the `*_fields!` macros, each field with its
/// doc and its default written once: a literal as Python writes it (a number, `true`, an
/// option's name), or `None => value` where Python's `None` stands for the core's value.
macro_rules! dense_params_struct {
    (
        $(#[doc = $sdoc:literal])*
        $name:ident {
            $( $(#[doc = $doc:literal])* $field:ident : $ty:ty = $default:tt $(=> $value:expr)? ),* $(,)?
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self {
                    $( $field: $crate::rnn::perturbation::config::dense_params_struct!(
                        @default $default $(=> $value)?
                    ), )*
                }
            }
        }
    };
    (@default $default:tt => $value:expr) => { $value };
    (@default $default:tt) => { $crate::brain::config::FieldDefault::from_default($default) };
}
pub(crate) use dense_params_struct;

impl FieldDefault<usize> for usize {
    fn from_default(literal: usize) -> usize {
        literal
    }
}

/// The fields of [`NodePerturbationConfig`] with their docs and defaults, handed to the macro
/// named first (with the tokens in its braces before the list): the core declares the struct
/// from it, the Python bindings their `NodePerturbationConfig` class.
#[macro_export]
macro_rules! node_perturbation_config_fields {
    ($then:ident! { $($args:tt)* }) => {
        $then! { $($args)*
            /// Learning parameters of reward-modulated node perturbation.
            NodePerturbationConfig {
                /// `η`, the learning rate (Miconi 0.1; hebbRNN examples 0.1 and 0.02).
                learning_rate: f64 = 0.1,
                /// Perturbations per neuron per second of simulated time, > 0 (3 Hz in both sources); the
                /// probability per step is `p = rate · dt / 1000` with `dt` in milliseconds.
                perturbation_rate: f64 = 3.0,
                /// `A`: a perturbation adds `U(−A, A)` to `x` directly (hebbRNN `beta` 0.5; Miconi adds
                /// `U(−16, 16)` inside the `dt/τ` bracket, i.e. `A = 16·dt/τ ≈ 0.53` at τ = 30 ms).
                amplitude: f64 = 0.5,
                /// `α_x`, decay of the running average `x̄` that the fluctuation is taken against
                /// (Miconi 0.05; hebbRNN 0, the plain one-step change; unused by the kick trace).
                activity_trace_decay: f64 = 0.05,
                /// `α_R`, decay of the running average `Ē_c` of each condition's error (Miconi 0.75;
                /// hebbRNN 0.33).
                error_trace_decay: f64 = 0.75,
                /// Elementwise clip of each trial's `ΔJ` (Miconi 3e-4; hebbRNN 1e-4).
                max_dw: f64 = 3e-4,
                /// Miconi's variant: multiply `ΔJ` by `|Ē_c|` as well.
                scale_by_expected_error: bool = false,
                /// Trials run before the first weight change (Miconi 100, hebbRNN 0); `Ē_c` is still
                /// tracked during them.
                warmup_trials: u64 = 0,
                /// Order of the conditions over training trials.
                condition_order: ConditionOrder = "cycle",
                /// Arithmetic of the two `N²` products of a trial (the drive `J r` and the cubed
                /// fluctuation trace; the kick trace is summed in float64); float32 by default (twice as
                /// fast, same learning: `docs/design/numerics.md`).
                precision: Precision = "float32",
                /// What the eligibility trace correlates with the presynaptic rates: the cubed activity
                /// fluctuation (Miconi's rule, the default) or the perturbations themselves.
                eligibility: Eligibility = "fluctuation",
            }
        }
    };
}
node_perturbation_config_fields!(dense_params_struct! {});

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
        // Without perturbations every trial is the deterministic one: nothing to learn from.
        // (`amplitude = 0` keeps the draws but makes them no-ops: the deterministic trial,
        // which the checks against a reference use.)
        if !(self.perturbation_rate.is_finite() && self.perturbation_rate > 0.0) {
            return Err(Error::config(
                "perturbation_rate",
                format!(
                    "must be finite and > 0 (without perturbations nothing is learned), got {}",
                    self.perturbation_rate
                ),
            ));
        }
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

/// A string option of the dense family: its variants and their names in Python.
macro_rules! named_options {
    ($($t:ident { $($variant:ident = $name:literal),+ })*) => {$(
        impl $t {
            /// Every variant, in the order error messages list them.
            pub const ALL: [Self; <[&str]>::len(&[$($name),+])] = [$(Self::$variant),+];

            /// The variant's name in Python.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }
        }

        impl FieldDefault<&'static str> for $t {
            fn from_default(literal: &'static str) -> Self {
                Self::ALL
                    .into_iter()
                    .find(|v| v.name() == literal)
                    .expect("a listed default names a variant")
            }
        }
    )*};
}

named_options! {
    Precision { Float64 = "float64", Float32 = "float32" }
    Eligibility { Fluctuation = "fluctuation", Perturbation = "perturbation" }
    ConditionOrder { Cycle = "cycle", Shuffled = "shuffled" }
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
