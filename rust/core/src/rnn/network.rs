//! A rate recurrent network whose recurrent weights change while it runs, under a local rule.
//!
//! ```text
//! x(t + dt) = x(t) + (dt/τ)·(−x(t) + W_eff·r(t) + W_in·u(t)) + σ·ξ(t),   r = φ(x)
//! y(t)      = W_out·r(t + dt)
//! ```
//! `W_eff = W` (or `W + α ⊙ H` for a rule with a Hebbian trace); with `τ == dt` this is the
//! discrete map `x(t+1) = W_eff·r(t) + W_in·u(t)`. After each step the rule updates the plastic
//! state from `r(t)`, `r(t + dt)` and the modulation `m(t)`; the diagonal of `W` (and of `H`) is
//! never changed (no plastic self-connections).
//!
//! Trials never share plastic state: every trial of a batch runs on its own copy of the
//! network's weights and traces, in parallel; a single trial may keep what it learned
//! (`keep_weights`). Activity (`x`, STDP traces) starts afresh in every trial.

use super::kernels::{dot, fused_rank1_matvec, fused_rank1_matvec_plastic, matvec, matvec_plastic};
use super::kernels::{rank1_update, RankOne};
use super::rule::{PlasticMatrix, PlasticState, PlasticityRule, RankOneStep, Rule, StepActivity};
use crate::error::{check_all_finite, check_finite, Error, Result};
use crate::rng::{self, Rng};
use rand::{Rng as _, RngCore};
use rand_distr::StandardNormal;
use rayon::prelude::*;

/// The unit nonlinearity `φ`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Activation {
    #[default]
    Tanh,
    Relu,
    Sigmoid,
    Linear,
}

impl Activation {
    /// Parses `"tanh"`, `"relu"`, `"sigmoid"` or `"linear"`.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "tanh" => Ok(Activation::Tanh),
            "relu" => Ok(Activation::Relu),
            "sigmoid" => Ok(Activation::Sigmoid),
            "linear" => Ok(Activation::Linear),
            _ => Err(Error::config(
                "activation",
                format!("expected 'tanh', 'relu', 'sigmoid' or 'linear', got {name:?}"),
            )),
        }
    }

    /// The name accepted by [`Activation::parse`].
    pub fn name(self) -> &'static str {
        match self {
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::Sigmoid => "sigmoid",
            Activation::Linear => "linear",
        }
    }

    /// `φ(x)`.
    #[inline]
    pub fn apply(self, x: f64) -> f64 {
        match self {
            Activation::Tanh => tanh(x),
            Activation::Relu => x.max(0.0),
            Activation::Sigmoid => 1.0 / (1.0 + (-x).exp()),
            Activation::Linear => x,
        }
    }

    /// `φ'(x)`.
    #[inline]
    pub fn derivative(self, x: f64) -> f64 {
        match self {
            Activation::Tanh => {
                let t = tanh(x);
                1.0 - t * t
            }
            Activation::Relu => {
                if x > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Sigmoid => {
                let s = 1.0 / (1.0 + (-x).exp());
                s * (1.0 - s)
            }
            Activation::Linear => 1.0,
        }
    }
}

/// `tanh` through one `expm1` (about twice as fast as libm's `tanh`, within a few ulp).
#[inline]
fn tanh(x: f64) -> f64 {
    let ax = x.abs();
    if ax > 19.1 {
        // tanh(19.1) rounds to 1 in f64
        return 1.0f64.copysign(x);
    }
    let e = (2.0 * ax).exp_m1();
    (e / (e + 2.0)).copysign(x)
}

/// Sizes, time constants and initialisation of a [`RecurrentNetwork`].
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkConfig {
    pub n_inputs: usize,
    pub n_units: usize,
    pub n_outputs: usize,
    /// Membrane time constant `τ` (`τ == dt`: discrete-time network).
    pub tau: f64,
    /// Euler step `dt` (`0 < dt <= τ`).
    pub dt: f64,
    pub activation: Activation,
    /// Recurrent weights start `~ N(0, gain²/n_units)`, diagonal 0.
    pub gain: f64,
    /// Input weights start `~ N(0, input_scale²/n_inputs)`.
    pub input_scale: f64,
    /// Standard deviation `σ` of the private noise added to `x` on every step.
    pub noise_std: f64,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            n_inputs: 1,
            n_units: 100,
            n_outputs: 1,
            tau: 1.0,
            dt: 1.0,
            activation: Activation::Tanh,
            gain: 1.0,
            input_scale: 1.0,
            noise_std: 0.0,
        }
    }
}

impl NetworkConfig {
    /// Checks every field, naming the first one out of range.
    pub fn validate(&self) -> Result<()> {
        if self.n_units == 0 {
            return Err(Error::config("n_units", "must be >= 1"));
        }
        for (field, v) in [("tau", self.tau), ("dt", self.dt)] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::config(
                    field,
                    format!("must be finite and > 0, got {v}"),
                ));
            }
        }
        if self.dt > self.tau {
            return Err(Error::config(
                "dt",
                format!(
                    "must be <= tau ({}) for a stable Euler step, got {}",
                    self.tau, self.dt
                ),
            ));
        }
        for (field, v) in [
            ("gain", self.gain),
            ("input_scale", self.input_scale),
            ("noise_std", self.noise_std),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(Error::config(
                    field,
                    format!("must be finite and >= 0, got {v}"),
                ));
            }
        }
        Ok(())
    }
}

/// What a trial run returns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrialOutput {
    /// `[T, n_outputs]`, row-major.
    pub outputs: Vec<f64>,
    /// `[T, n_units]` rates `r(t + dt)` or currents `x(t + dt)` if recorded, else empty.
    pub states: Vec<f64>,
}

/// Which hidden quantity a run records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Record {
    #[default]
    Nothing,
    Rates,
    Currents,
}

/// Options of one run (the arrays are per trial, or per batch, flattened row-major).
#[derive(Clone, Debug)]
pub struct RunOptions<'a> {
    /// `[T]` or `[B, T]` modulation `m(t)`; `None`: 1 everywhere.
    pub modulation: Option<&'a [f64]>,
    /// Apply the plasticity rule.
    pub plastic: bool,
    /// Keep the learned weights (single trial only).
    pub keep_weights: bool,
    pub record: Record,
    /// `[n_units]` or `[B, n_units]` initial currents `x(0)`; `None`: zeros.
    pub initial_state: Option<&'a [f64]>,
    /// `[T, n_outputs]` / `[B, T, n_outputs]` targets for the readout delta rule.
    pub targets: Option<&'a [f64]>,
    /// Rate of the readout delta rule `ΔW_out = rate·m·(target − y)·rᵀ` (needs `targets`).
    pub readout_rate: f64,
}

impl Default for RunOptions<'_> {
    fn default() -> Self {
        RunOptions {
            modulation: None,
            plastic: true,
            keep_weights: false,
            record: Record::Nothing,
            initial_state: None,
            targets: None,
            readout_rate: 0.0,
        }
    }
}

/// A rate RNN with input, recurrent and output weights, and an optional plasticity rule.
#[derive(Clone, Debug)]
pub struct RecurrentNetwork {
    config: NetworkConfig,
    rule: Option<Rule>,
    /// `[n_units, n_inputs]`.
    input_weights: Vec<f64>,
    /// `[n_outputs, n_units]`.
    output_weights: Vec<f64>,
    state: PlasticState,
    /// Noise streams: run `k` draws from `derive_seed(seed_base, k)` (so a network's future is
    /// fully described by `(seed_base, runs)`, which makes copies and pickles exact).
    seed_base: u64,
    runs: u64,
}

/// The parts of a network a trial reads but never changes.
struct Fixed<'a> {
    config: &'a NetworkConfig,
    rule: Option<&'a Rule>,
    input_weights: &'a [f64],
}

/// One trial's inputs, borrowed from the caller's arrays.
struct TrialIo<'a> {
    inputs: &'a [f64],
    modulation: Option<&'a [f64]>,
    targets: Option<&'a [f64]>,
    initial_state: Option<&'a [f64]>,
}

/// Batch item `b` of a flattened `[B, per]` array.
fn item(values: Option<&[f64]>, b: usize, per: usize) -> Option<&[f64]> {
    values.map(|v| &v[b * per..(b + 1) * per])
}

fn normal_vec(rng: &mut Rng, len: usize, std: f64) -> Vec<f64> {
    (0..len)
        .map(|_| std * rng.sample::<f64, _>(StandardNormal))
        .collect()
}

impl RecurrentNetwork {
    /// A network with random weights drawn from `seed`.
    pub fn new(config: NetworkConfig, rule: Option<Rule>, seed: Option<u64>) -> Result<Self> {
        config.validate()?;
        if let Some(r) = &rule {
            r.validate()?;
        }
        let mut rng = rng::from_seed(seed);
        let n = config.n_units;
        let mut weights = normal_vec(&mut rng, n * n, config.gain / (n as f64).sqrt());
        for i in 0..n {
            weights[i * n + i] = 0.0;
        }
        let input_weights = normal_vec(
            &mut rng,
            n * config.n_inputs,
            config.input_scale / (config.n_inputs.max(1) as f64).sqrt(),
        );
        let output_weights = normal_vec(&mut rng, config.n_outputs * n, 1.0 / (n as f64).sqrt());
        let state = PlasticState::new(n, weights, rule.as_ref());
        Ok(RecurrentNetwork {
            config,
            rule,
            input_weights,
            output_weights,
            state,
            seed_base: rng.next_u64(),
            runs: 0,
        })
    }

    /// Rebuilds a network from its parts (e.g. when unpickling), validating every one.
    #[allow(clippy::too_many_arguments)]
    pub fn from_parts(
        config: NetworkConfig,
        rule: Option<Rule>,
        weights: Vec<f64>,
        input_weights: Vec<f64>,
        output_weights: Vec<f64>,
        trace: Option<Vec<f64>>,
        alpha: Option<Vec<f64>>,
        seed_base: u64,
        runs: u64,
    ) -> Result<Self> {
        config.validate()?;
        if let Some(r) = &rule {
            r.validate()?;
        }
        let n = config.n_units;
        Self::check_matrix("weights", &weights, n, n)?;
        let mut net = RecurrentNetwork {
            state: PlasticState::new(n, weights, rule.as_ref()),
            config,
            rule,
            input_weights: Vec::new(),
            output_weights: Vec::new(),
            seed_base,
            runs,
        };
        net.set_input_weights(input_weights)?;
        net.set_output_weights(output_weights)?;
        if let Some(h) = trace {
            net.set_trace(h)?;
        }
        if let Some(a) = alpha {
            net.set_alpha(a)?;
        }
        Ok(net)
    }

    /// `(seed_base, runs)`: the state of the noise streams (see [`Self::from_parts`]).
    pub fn stream_state(&self) -> (u64, u64) {
        (self.seed_base, self.runs)
    }

    fn next_run_seed(&mut self) -> u64 {
        let seed = rng::derive_seed(self.seed_base, self.runs);
        self.runs += 1;
        seed
    }

    pub fn config(&self) -> &NetworkConfig {
        &self.config
    }
    pub fn rule(&self) -> Option<&Rule> {
        self.rule.as_ref()
    }
    /// Recurrent weights `W`, `[n_units, n_units]`.
    pub fn weights(&self) -> &[f64] {
        &self.state.weights
    }
    pub fn input_weights(&self) -> &[f64] {
        &self.input_weights
    }
    pub fn output_weights(&self) -> &[f64] {
        &self.output_weights
    }
    /// The plastic state (weights and traces).
    pub fn plastic_state(&self) -> &PlasticState {
        &self.state
    }

    /// The effective recurrent weights `W + α ⊙ H` (`W` for rules without a trace).
    pub fn effective_weights(&self) -> Vec<f64> {
        let s = &self.state;
        if s.trace.is_empty() {
            return s.weights.to_vec();
        }
        s.weights
            .iter()
            .zip(s.alpha.iter())
            .zip(s.trace.iter())
            .map(|((w, a), h)| w + a * h)
            .collect()
    }

    fn check_matrix(name: &str, values: &[f64], rows: usize, cols: usize) -> Result<()> {
        if values.len() != rows * cols {
            return Err(Error::shape(
                name,
                format!(
                    "expected {rows} x {cols} = {} values, got {}",
                    rows * cols,
                    values.len()
                ),
            ));
        }
        check_all_finite(name, values)
    }

    /// Replaces `W` (validated; the network is unchanged on error).
    pub fn set_weights(&mut self, values: Vec<f64>) -> Result<()> {
        let n = self.config.n_units;
        Self::check_matrix("weights", &values, n, n)?;
        self.state.weights = values.into();
        Ok(())
    }
    pub fn set_input_weights(&mut self, values: Vec<f64>) -> Result<()> {
        Self::check_matrix(
            "input_weights",
            &values,
            self.config.n_units,
            self.config.n_inputs,
        )?;
        self.input_weights = values;
        Ok(())
    }
    pub fn set_output_weights(&mut self, values: Vec<f64>) -> Result<()> {
        Self::check_matrix(
            "output_weights",
            &values,
            self.config.n_outputs,
            self.config.n_units,
        )?;
        self.output_weights = values;
        Ok(())
    }
    /// Replaces the Hebbian trace `H` (only for rules that keep one).
    pub fn set_trace(&mut self, values: Vec<f64>) -> Result<()> {
        self.require_trace("trace")?;
        let n = self.config.n_units;
        Self::check_matrix("trace", &values, n, n)?;
        self.state.trace = values.into();
        Ok(())
    }
    /// Replaces the plasticity coefficients `α` (only for rules that keep a trace).
    pub fn set_alpha(&mut self, values: Vec<f64>) -> Result<()> {
        self.require_trace("alpha")?;
        let n = self.config.n_units;
        Self::check_matrix("alpha", &values, n, n)?;
        self.state.alpha = values.into();
        Ok(())
    }
    fn require_trace(&self, name: &str) -> Result<()> {
        if self.state.trace.is_empty() {
            return Err(Error::State(format!(
                "`{name}` exists only for a rule with a Hebbian trace (NeuromodulatedHebbian)"
            )));
        }
        Ok(())
    }

    /// Clears the Hebbian trace (`H = 0`); `W`, `α` unchanged.
    pub fn reset_trace(&mut self) {
        if !self.state.trace.is_empty() {
            self.state
                .trace
                .make_mut()
                .iter_mut()
                .for_each(|h| *h = 0.0);
        }
    }

    fn validate_run(
        &self,
        batch: usize,
        steps: usize,
        inputs: &[f64],
        o: &RunOptions<'_>,
    ) -> Result<()> {
        let c = &self.config;
        if inputs.len() != batch * steps * c.n_inputs {
            return Err(Error::shape(
                "inputs",
                format!(
                    "expected {} values, got {}",
                    batch * steps * c.n_inputs,
                    inputs.len()
                ),
            ));
        }
        check_all_finite("inputs", inputs)?;
        if let Some(m) = o.modulation {
            if m.len() != batch * steps {
                return Err(Error::shape(
                    "modulation",
                    format!(
                        "expected one value per time step ({} in all), got {}",
                        batch * steps,
                        m.len()
                    ),
                ));
            }
            check_all_finite("modulation", m)?;
        }
        if let Some(x0) = o.initial_state {
            if x0.len() != c.n_units && x0.len() != batch * c.n_units {
                return Err(Error::shape(
                    "initial_state",
                    format!(
                        "expected {} (or {} for the batch) values, got {}",
                        c.n_units,
                        batch * c.n_units,
                        x0.len()
                    ),
                ));
            }
            check_all_finite("initial_state", x0)?;
        }
        check_finite("readout_rate", o.readout_rate)?;
        if o.readout_rate < 0.0 {
            return Err(Error::argument(
                "readout_rate",
                format!("must be >= 0, got {}", o.readout_rate),
            ));
        }
        match o.targets {
            Some(t) => {
                if t.len() != batch * steps * c.n_outputs {
                    return Err(Error::shape(
                        "targets",
                        format!(
                            "expected {} values, got {}",
                            batch * steps * c.n_outputs,
                            t.len()
                        ),
                    ));
                }
                check_all_finite("targets", t)?;
            }
            None if o.readout_rate > 0.0 => {
                return Err(Error::argument("targets", "readout_rate > 0 needs targets"));
            }
            None => {}
        }
        if o.keep_weights && batch > 1 {
            return Err(Error::argument(
                "keep_weights",
                "batch items run on independent copies of the weights; keep_weights needs a single trial",
            ));
        }
        Ok(())
    }

    /// Runs one trial of `steps` steps (`inputs` is `[steps, n_inputs]`).
    pub fn run_trial(
        &mut self,
        inputs: &[f64],
        steps: usize,
        options: &RunOptions<'_>,
    ) -> Result<TrialOutput> {
        self.validate_run(1, steps, inputs, options)?;
        let seed = self.next_run_seed();
        let io = TrialIo {
            inputs,
            modulation: options.modulation,
            targets: options.targets,
            initial_state: options.initial_state,
        };
        let fixed = Fixed {
            config: &self.config,
            rule: self.rule.as_ref(),
            input_weights: &self.input_weights,
        };
        let learns = options.plastic && self.rule.is_some();
        let state = if options.keep_weights || !learns {
            // Either the learned weights are kept, or nothing plastic changes at all.
            StateMut::Write(&mut self.state)
        } else {
            StateMut::Copy(Box::new(self.state.clone()))
        };
        let mut w_out = if options.keep_weights {
            std::mem::take(&mut self.output_weights)
        } else {
            self.output_weights.clone()
        };
        let out = simulate(&fixed, state, &mut w_out, &io, steps, options, seed);
        if options.keep_weights {
            self.output_weights = w_out;
        }
        Ok(out)
    }

    /// Runs `batch` independent trials in parallel (`inputs` is `[batch, steps, n_inputs]`); each
    /// trial learns on its own copy of the weights, the network itself is unchanged (except its
    /// noise streams, which advance once).
    pub fn run_batch(
        &mut self,
        inputs: &[f64],
        batch: usize,
        steps: usize,
        options: &RunOptions<'_>,
    ) -> Result<Vec<TrialOutput>> {
        self.validate_run(batch, steps, inputs, options)?;
        let base = self.next_run_seed();
        let c = &self.config;
        let fixed = Fixed {
            config: c,
            rule: self.rule.as_ref(),
            input_weights: &self.input_weights,
        };
        let (state, w_out) = (&self.state, &self.output_weights);
        let learns = options.plastic && self.rule.is_some();
        let results = (0..batch)
            .into_par_iter()
            .map_init(
                || None::<PlasticState>,
                |scratch, b| {
                    let x0 = options.initial_state.map(|v| {
                        if v.len() == c.n_units {
                            v
                        } else {
                            &v[b * c.n_units..(b + 1) * c.n_units]
                        }
                    });
                    let io = TrialIo {
                        inputs: &inputs[b * steps * c.n_inputs..(b + 1) * steps * c.n_inputs],
                        modulation: item(options.modulation, b, steps),
                        targets: item(options.targets, b, steps * c.n_outputs),
                        initial_state: x0,
                    };
                    let st = if learns {
                        // Reuse this thread's copy of the changing matrix; share the others.
                        let changes = self.rule.as_ref().map(|r| r.plastic_matrix());
                        match (scratch.as_mut(), changes) {
                            (Some(s), Some(which)) => s.reset_from(state, which),
                            _ => *scratch = Some(state.clone()),
                        }
                        match scratch.as_mut() {
                            Some(s) => StateMut::Write(s),
                            None => StateMut::Read(state),
                        }
                    } else {
                        StateMut::Read(state)
                    };
                    let mut wo = w_out.clone();
                    let seed = rng::derive_seed(base, b as u64);
                    simulate(&fixed, st, &mut wo, &io, steps, options, seed)
                },
            )
            .collect();
        Ok(results)
    }

    /// `dx/dt = (−x + W_eff·φ(x) + W_in·u)/τ` at each row of `states` (`[m, n_units]`), with the
    /// constant input `input` (`[n_inputs]`, zeros if `None`).
    pub fn vector_field(&self, states: &[f64], input: Option<&[f64]>) -> Result<Vec<f64>> {
        let c = &self.config;
        let n = c.n_units;
        if states.is_empty() || states.len() % n != 0 {
            return Err(Error::shape(
                "x",
                format!("expected a multiple of {n} values, got {}", states.len()),
            ));
        }
        check_all_finite("x", states)?;
        let drive_in = self.input_drive(input)?;
        let w = self.effective_weights();
        let mut out = vec![0.0; states.len()];
        let mut r = vec![0.0; n];
        let mut rec = vec![0.0; n];
        for (x, dx) in states.chunks_exact(n).zip(out.chunks_exact_mut(n)) {
            for (ri, &xi) in r.iter_mut().zip(x) {
                *ri = c.activation.apply(xi);
            }
            matvec(&mut rec, &w, &r);
            for i in 0..n {
                dx[i] = (-x[i] + rec[i] + drive_in[i]) / c.tau;
            }
        }
        Ok(out)
    }

    /// The Jacobian of [`Self::vector_field`] at `x`: `(−I + W_eff·diag(φ'(x)))/τ`, `[n, n]`.
    pub fn jacobian(&self, x: &[f64]) -> Result<Vec<f64>> {
        let c = &self.config;
        let n = c.n_units;
        if x.len() != n {
            return Err(Error::shape(
                "x",
                format!("expected {n} values, got {}", x.len()),
            ));
        }
        check_all_finite("x", x)?;
        let w = self.effective_weights();
        let d: Vec<f64> = x.iter().map(|&v| c.activation.derivative(v)).collect();
        let mut jac = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                let delta = if i == j { 1.0 } else { 0.0 };
                jac[i * n + j] = (w[i * n + j] * d[j] - delta) / c.tau;
            }
        }
        Ok(jac)
    }

    fn input_drive(&self, input: Option<&[f64]>) -> Result<Vec<f64>> {
        let c = &self.config;
        let mut drive = vec![0.0; c.n_units];
        if let Some(u) = input {
            if u.len() != c.n_inputs {
                return Err(Error::shape(
                    "u",
                    format!("expected {} values, got {}", c.n_inputs, u.len()),
                ));
            }
            check_all_finite("u", u)?;
            if c.n_inputs > 0 {
                matvec(&mut drive, &self.input_weights, u);
            }
        }
        Ok(drive)
    }
}

/// The plastic state a trial runs on: read-only when nothing learns, else one it may change.
enum StateMut<'a> {
    Read(&'a PlasticState),
    Write(&'a mut PlasticState),
    Copy(Box<PlasticState>),
}

impl StateMut<'_> {
    fn get(&self) -> &PlasticState {
        match self {
            StateMut::Read(s) => s,
            StateMut::Write(s) => s,
            StateMut::Copy(s) => s,
        }
    }
    fn get_mut(&mut self) -> Option<&mut PlasticState> {
        match self {
            StateMut::Read(_) => None,
            StateMut::Write(s) => Some(s),
            StateMut::Copy(s) => Some(s),
        }
    }
}

/// The time loop of one trial on `state` (and `w_out`, if the readout learns).
fn simulate(
    fixed: &Fixed<'_>,
    mut state: StateMut<'_>,
    w_out: &mut [f64],
    io: &TrialIo<'_>,
    steps: usize,
    options: &RunOptions<'_>,
    seed: u64,
) -> TrialOutput {
    let c = fixed.config;
    let (n, n_in, n_out) = (c.n_units, c.n_inputs, c.n_outputs);
    let leak = c.dt / c.tau;
    let mut rng = rng::from_seed(Some(seed));
    let learn = options.plastic && fixed.rule.is_some();
    if learn {
        if let Some(s) = state.get_mut() {
            s.reset_activity_traces();
        }
    }
    let mut x = match io.initial_state {
        Some(x0) => x0.to_vec(),
        None => vec![0.0; n],
    };
    let mut r: Vec<f64> = x.iter().map(|&v| c.activation.apply(v)).collect();
    let mut r_new = vec![0.0; n];
    let mut drive = vec![0.0; n];
    let mut input_drive = vec![0.0; n];
    let mut y = vec![0.0; n_out];
    let mut diag = vec![0.0; n];
    let learn_readout = options.readout_rate > 0.0 && io.targets.is_some();
    let mut out = TrialOutput {
        outputs: Vec::with_capacity(steps * n_out),
        states: Vec::with_capacity(if options.record == Record::Nothing {
            0
        } else {
            steps * n
        }),
    };
    // A rank-one rule step is deferred to the start of the next step and fused with its
    // matrix-vector product (one pass over the matrix); the last one is applied after the loop.
    let mut pending: Option<RankOneStep> = None;
    let mut pending_pre = vec![0.0; n];
    for t in 0..steps {
        match (pending.take(), state.get_mut()) {
            (Some(step), Some(st)) => {
                let pre = if step.pre_is_previous {
                    &pending_pre
                } else {
                    &r
                };
                let update = RankOne {
                    keep: step.keep,
                    scale: step.scale,
                    post: &r,
                    pre,
                    bound: step.bound,
                };
                match step.matrix {
                    PlasticMatrix::Weights => {
                        fused_rank1_matvec(&mut drive, st.weights.make_mut(), update, &r)
                    }
                    PlasticMatrix::Trace => {
                        let PlasticState {
                            weights,
                            alpha,
                            trace,
                            ..
                        } = st;
                        let trace = trace.make_mut();
                        fused_rank1_matvec_plastic(&mut drive, weights, alpha, trace, update, &r)
                    }
                }
            }
            _ => {
                let st = state.get();
                if st.trace.is_empty() {
                    matvec(&mut drive, &st.weights, &r);
                } else {
                    matvec_plastic(&mut drive, &st.weights, &st.alpha, &st.trace, &r);
                }
            }
        }
        if n_in > 0 {
            matvec(
                &mut input_drive,
                fixed.input_weights,
                &io.inputs[t * n_in..(t + 1) * n_in],
            );
        }
        for i in 0..n {
            x[i] += leak * (-x[i] + drive[i] + input_drive[i]);
        }
        if c.noise_std > 0.0 {
            for xi in x.iter_mut() {
                *xi += c.noise_std * rng.sample::<f64, _>(StandardNormal);
            }
        }
        for (ri, &xi) in r_new.iter_mut().zip(&x) {
            *ri = c.activation.apply(xi);
        }
        for (k, yk) in y.iter_mut().enumerate() {
            *yk = dot(&w_out[k * n..(k + 1) * n], &r_new);
        }
        out.outputs.extend_from_slice(&y);
        let m = io.modulation.map_or(1.0, |m| m[t]);
        let fusable = fixed.rule.and_then(|rule| rule.rank_one_step(c.dt, m));
        if let (true, Some(step)) = (learn, fusable) {
            if step.pre_is_previous {
                pending_pre.copy_from_slice(&r);
            }
            pending = Some(step);
        } else if let (true, Some(rule), Some(state)) = (learn, fixed.rule, state.get_mut()) {
            let plastic = if state.trace.is_empty() {
                &state.weights
            } else {
                &state.trace
            };
            for i in 0..n {
                diag[i] = plastic[i * n + i];
            }
            let activity = StepActivity {
                previous: &r,
                current: &r_new,
                modulation: m,
                dt: c.dt,
            };
            rule.update(state, &activity);
            let plastic = state.matrix_mut(rule.plastic_matrix());
            for i in 0..n {
                plastic[i * n + i] = diag[i];
            }
        }
        if learn_readout {
            if let Some(targets) = io.targets {
                let scale = options.readout_rate * m;
                for k in 0..n_out {
                    let err = scale * (targets[t * n_out + k] - y[k]);
                    for (w, &rj) in w_out[k * n..(k + 1) * n].iter_mut().zip(&r_new) {
                        *w += err * rj;
                    }
                }
            }
        }
        match options.record {
            Record::Nothing => {}
            Record::Rates => out.states.extend_from_slice(&r_new),
            Record::Currents => out.states.extend_from_slice(&x),
        }
        std::mem::swap(&mut r, &mut r_new);
    }
    if let (Some(step), Some(st)) = (pending, state.get_mut()) {
        let m = st.matrix_mut(step.matrix);
        let diag: Vec<f64> = (0..n).map(|i| m[i * n + i]).collect();
        let pre = if step.pre_is_previous {
            &pending_pre
        } else {
            &r
        };
        rank1_update(m, step.keep, step.scale, &r, pre, step.bound);
        for (i, d) in diag.into_iter().enumerate() {
            m[i * n + i] = d;
        }
    }
    out
}

#[cfg(test)]
#[path = "network_tests.rs"]
mod tests;
