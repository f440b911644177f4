//! One trial of the perturbed rate network: the hot loop.
//!
//! Per step `t` (inputs `u_t`): `x ← x + (dt/τ)(−x + J r + W_in u_t)`, then, with probability
//! `p` per neuron, `x_i ← x_i + U(−A, A)`; bias neurons are clamped; `r = tanh(x)`. When
//! learning, the step also stores the rows `r(t−1)³` and `(x(t) − x̄(t))³` of the two `T × N`
//! matrices whose product is the eligibility trace (see [`super::trace`]), with
//! `x̄ ← α_x x̄ + (1 − α_x) x` updated after the fluctuation is taken; or, with the kick trace
//! ([`Eligibility::Perturbation`]), adds `ξ_i r(t−1)` to row `i` of the trace at each kick.
//!
//! The perturbations are the successes of independent Bernoulli(`p`) draws, one per neuron
//! and step. Rather than drawing all `T·N` of them, the gaps between successes along the
//! sequence (step-major, then neuron) are drawn: a gap of `k` failures has probability
//! `(1 − p)^k p`, the geometric law, sampled as `⌊ln U / ln(1 − p)⌋` with `U ~ U(0, 1]`.
//! The kicks have exactly the law of the per-cell draws at a cost of one draw per kick.

use super::arm::ArmState;
use super::buffers::{checked_len, try_resize};
use super::config::{Eligibility, ErrorMetric, NetworkSpec, Precision, Readout};
use super::kernels::{
    cubes, cubes_f32, fluctuations, fluctuations_f32, integrate, matvec, matvec_f32, tanh_f32_into,
    tanh_into,
};
use crate::error::{Error, Result};
use crate::rng::Rng;
use rand::Rng as _;

/// The recurrent weights a trial runs with: float64 `J`, or a float32 copy of it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Weights<'a> {
    F64(&'a [f64]),
    F32(&'a [f32]),
}

impl Weights<'_> {
    fn precision(&self) -> Precision {
        match self {
            Weights::F64(_) => Precision::Float64,
            Weights::F32(_) => Precision::Float32,
        }
    }
}

/// Draws of the perturbation times: the index (step · N + neuron) of the next kick.
struct KickTimes {
    /// `ln(1 − p)` (−∞ for p = 1; unused for p = 0).
    ln_q: f64,
    next: u64,
}

impl KickTimes {
    fn new(probability: f64, rng: &mut Rng) -> Self {
        if probability <= 0.0 {
            return Self {
                ln_q: 0.0,
                next: u64::MAX,
            };
        }
        let mut k = Self {
            ln_q: (-probability).ln_1p(),
            next: 0,
        };
        k.next = k.gap(rng);
        k
    }

    /// Failures before the next success: `⌊ln U / ln(1 − p)⌋`, `U ~ U(0, 1]` (saturating).
    #[inline]
    fn gap(&self, rng: &mut Rng) -> u64 {
        let u = 1.0 - rng.gen::<f64>();
        // `as` saturates (a huge gap means no further kick in any trial); for p = 1 the
        // quotient is −0 or 0, i.e. a kick at every cell.
        (u.ln() / self.ln_q) as u64
    }
}

/// The exploration part of a training trial.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Exploration {
    /// Probability of a perturbation per neuron and step.
    pub probability: f64,
    /// Half-width of the uniform perturbation.
    pub amplitude: f64,
    /// `α_x`, decay of the activity average.
    pub activity_trace_decay: f64,
    /// What the trace accumulates.
    pub eligibility: Eligibility,
}

/// One condition's arrays: inputs `[T, I]`, targets `[T, O]`, scored-step weights `[T]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TrialView<'a> {
    pub inputs: &'a [f64],
    pub targets: &'a [f64],
    pub mask: &'a [f64],
    pub n_steps: usize,
}

/// Everything a run recorded: activations, rates and outputs.
#[derive(Debug, Clone, Default)]
pub struct TrialRecord {
    /// Number of steps `T`.
    pub n_steps: usize,
    /// `x(t)` after each step, `[T, N]`.
    pub activations: Vec<f64>,
    /// `r(t)` after each step, `[T, N]`.
    pub rates: Vec<f64>,
    /// The output `z(t)` after each step, `[T, O]`.
    pub outputs: Vec<f64>,
    /// The trial's error (scored error plus energy cost).
    pub error: f64,
}

impl TrialRecord {
    /// Sizes the record for a trial of `n_steps` steps, `n` neurons and `out_dim` outputs.
    fn reserve(&mut self, n_steps: usize, n: usize, out_dim: usize) -> Result<()> {
        let steps_n = checked_len("inputs", &[n_steps, n, 2])? / 2;
        let steps_o = checked_len("targets", &[n_steps, out_dim])?;
        self.n_steps = n_steps;
        try_resize(
            "the recorded activations [T, N]",
            &mut self.activations,
            steps_n,
            0.0,
        )?;
        try_resize("the recorded rates [T, N]", &mut self.rates, steps_n, 0.0)?;
        try_resize(
            "the recorded outputs [T, O]",
            &mut self.outputs,
            steps_o,
            0.0,
        )
    }
}

/// Buffers reused across trials so the hot loop never allocates.
#[derive(Debug, Clone, Default)]
pub(crate) struct Workspace {
    x: Vec<f64>,
    r: Vec<f64>,
    x_average: Vec<f64>,
    drive: Vec<f64>,
    /// `W_in` transposed, `[I, N]`.
    win_t: Vec<f64>,
    /// Row `t`: `r(t−1)³`, `[T, N]`.
    pub pre_cubed: Vec<f64>,
    /// Row `t`: `(x(t) − x̄(t))³`, `[T, N]`.
    pub post_cubed: Vec<f64>,
    /// The eligibility trace, then the weight change, `[N, N]` (`[post, pre]`); with
    /// [`Eligibility::Perturbation`] the trial itself accumulates it here.
    pub trace: Vec<f64>,
    /// Float32 precision: the rates, `r³` and `Δx³` rows and the trace in float32.
    r32: Vec<f32>,
    pub pre_cubed32: Vec<f32>,
    pub post_cubed32: Vec<f32>,
    pub trace32: Vec<f32>,
}

impl Workspace {
    /// Sizes the buffers for a trial that learns with `learning` (or only runs, `None`);
    /// `Error::OutOfMemory` (or an argument error if the sizes overflow) instead of an abort
    /// when they do not fit.
    pub(crate) fn prepare(
        &mut self,
        n: usize,
        n_steps: usize,
        learning: Option<Eligibility>,
        precision: Precision,
    ) -> Result<()> {
        for v in [
            &mut self.x,
            &mut self.r,
            &mut self.x_average,
            &mut self.drive,
        ] {
            try_resize("the network state", v, n, 0.0)?;
        }
        let f32_mode = precision == Precision::Float32;
        if f32_mode {
            try_resize("the network state", &mut self.r32, n, 0.0)?;
        }
        let Some(eligibility) = learning else {
            return Ok(());
        };
        let nn = checked_len("n_neurons", &[n, n])?;
        try_resize("the eligibility trace [N, N]", &mut self.trace, nn, 0.0)?;
        if eligibility == Eligibility::Perturbation {
            // The kicks' trace is summed in `trace` during the trial: no rows, no product.
            return Ok(());
        }
        let steps_n = checked_len("inputs", &[n_steps, n, 2])? / 2;
        if f32_mode {
            try_resize(
                "the trial's r³ rows [T, N]",
                &mut self.pre_cubed32,
                steps_n,
                0.0,
            )?;
            try_resize(
                "the trial's Δx³ rows [T, N]",
                &mut self.post_cubed32,
                steps_n,
                0.0,
            )?;
            try_resize("the eligibility trace [N, N]", &mut self.trace32, nn, 0.0)?;
        } else {
            try_resize(
                "the trial's r³ rows [T, N]",
                &mut self.pre_cubed,
                steps_n,
                0.0,
            )?;
            try_resize(
                "the trial's Δx³ rows [T, N]",
                &mut self.post_cubed,
                steps_n,
                0.0,
            )?;
        }
        Ok(())
    }
}

/// Runs one trial and returns its error; with `exploration`, fills the workspace's
/// `pre_cubed` / `post_cubed` matrices ([`Eligibility::Fluctuation`]) or accumulates the
/// trace itself in `trace` ([`Eligibility::Perturbation`]); with `record`, stores the whole run.
#[allow(clippy::too_many_arguments)]
pub(crate) fn simulate(
    spec: &NetworkSpec,
    weights: Weights<'_>,
    input_weights: &[f64],
    trial: TrialView<'_>,
    exploration: Option<Exploration>,
    rng: &mut Rng,
    ws: &mut Workspace,
    mut record: Option<&mut TrialRecord>,
) -> Result<f64> {
    let n = spec.n_neurons;
    let n_steps = trial.n_steps;
    let out_dim = spec.output_dim();
    let precision = weights.precision();
    ws.prepare(n, n_steps, exploration.map(|e| e.eligibility), precision)?;
    transpose_input_weights(input_weights, n, spec.n_inputs, ws)?;
    if let Some(rec) = record.as_deref_mut() {
        rec.reserve(n_steps, n, out_dim)?;
    }
    let mut step = TrialStep::start(spec, weights, exploration, rng, ws);
    let mut arm_state: Option<ArmState> = match &spec.readout {
        Readout::Arm(arm) => Some(arm.start()),
        Readout::Rates => None,
    };
    let mut z = vec![0.0; out_dim];
    let mut tally = ErrorTally::default();
    for t in 0..n_steps {
        step.advance(t, trial.input(t, spec.n_inputs), rng, ws);
        // Output and error.
        readout(spec, arm_state.as_mut(), t, &ws.r, &mut z);
        tally.add_step(spec, &trial, t, &ws.r, &z);
        if let Some(rec) = record.as_deref_mut() {
            rec.activations[t * n..(t + 1) * n].copy_from_slice(&ws.x);
            rec.rates[t * n..(t + 1) * n].copy_from_slice(&ws.r);
            rec.outputs[t * out_dim..(t + 1) * out_dim].copy_from_slice(&z);
        }
    }
    if step.kick_trace {
        // A kick on a clamped neuron changed nothing: its row stays empty, as with the
        // fluctuation trace (whose Δx is 0 there).
        for &b in &spec.bias_neurons {
            ws.trace[b * n..(b + 1) * n].fill(0.0);
        }
    }
    let error = tally.error(spec, n_steps);
    check_finite_state(error, &ws.x)?;
    if let Some(rec) = record {
        rec.error = error;
    }
    Ok(error)
}

impl TrialView<'_> {
    /// The inputs `u_t` of step `t`.
    #[inline(always)]
    fn input(&self, t: usize, n_inputs: usize) -> &[f64] {
        &self.inputs[t * n_inputs..(t + 1) * n_inputs]
    }
}

/// The dynamics of one trial: what each step of [`simulate`] does before the readout.
struct TrialStep<'s> {
    spec: &'s NetworkSpec,
    weights: Weights<'s>,
    exploration: Option<Exploration>,
    kicks: Option<KickTimes>,
    dt_tau: f64,
    f32_mode: bool,
    /// The trial builds the cubed rows of the trace product ([`Eligibility::Fluctuation`]).
    cubed_rows: bool,
    /// The trial sums the kicks themselves into the trace ([`Eligibility::Perturbation`]).
    kick_trace: bool,
}

impl<'s> TrialStep<'s> {
    /// Sets the initial state (and its rates and running average), draws the first kick and
    /// clears the kick trace.
    fn start(
        spec: &'s NetworkSpec,
        weights: Weights<'s>,
        exploration: Option<Exploration>,
        rng: &mut Rng,
        ws: &mut Workspace,
    ) -> Self {
        let f32_mode = weights.precision() == Precision::Float32;
        initial_state(spec, rng, ws);
        rates(&ws.x, &mut ws.r, &mut ws.r32, f32_mode);
        ws.x_average.copy_from_slice(&ws.x);
        let kicks = exploration.map(|e| KickTimes::new(e.probability, rng));
        // Which trace the trial builds: the cubed rows of the product, or the kicks' own sum.
        let cubed_rows = exploration.is_some_and(|e| e.eligibility == Eligibility::Fluctuation);
        let kick_trace = exploration.is_some_and(|e| e.eligibility == Eligibility::Perturbation);
        if kick_trace {
            let n = spec.n_neurons;
            ws.trace[..n * n].fill(0.0);
        }
        Self {
            spec,
            weights,
            exploration,
            kicks,
            dt_tau: spec.dt / spec.tau,
            f32_mode,
            cubed_rows,
            kick_trace,
        }
    }

    /// Step `t` with inputs `u`: the Euler step, the kicks, the clamped bias neurons and the
    /// rates, with the trace rows of a learning trial.
    #[inline(always)]
    fn advance(&mut self, t: usize, u: &[f64], rng: &mut Rng, ws: &mut Workspace) {
        let n = self.spec.n_neurons;
        if self.cubed_rows {
            pre_cubes(t, n, self.f32_mode, ws);
        }
        // drive = J r + W_in u_t, then the Euler step.
        euler_step(self.weights, u, t, self.dt_tau, ws);
        if let (Some(exp), Some(k)) = (self.exploration, self.kicks.as_mut()) {
            apply_kicks(exp.amplitude, k, t, n, self.kick_trace, rng, ws);
        }
        for (&b, &v) in self.spec.bias_neurons.iter().zip(&self.spec.bias_values) {
            ws.x[b] = v;
        }
        rates(&ws.x, &mut ws.r, &mut ws.r32, self.f32_mode);
        if let Some(exp) = self.exploration.filter(|_| self.cubed_rows) {
            post_cubes(t, n, exp.activity_trace_decay, self.f32_mode, ws);
        }
    }
}

/// The running sums of a trial's error: the weighted distance on the scored steps and the
/// output rates' energy.
#[derive(Default)]
struct ErrorTally {
    scored_sum: f64,
    scored_weight: f64,
    energy: f64,
}

impl ErrorTally {
    /// Adds step `t`: the output rates `r` to the energy, and the distance of the output `z`
    /// to the target when the step is scored.
    #[inline(always)]
    fn add_step(
        &mut self,
        spec: &NetworkSpec,
        trial: &TrialView<'_>,
        t: usize,
        r: &[f64],
        z: &[f64],
    ) {
        let out_dim = z.len();
        for &o in &spec.output_neurons {
            self.energy += r[o].abs();
        }
        let w = trial.mask[t];
        if w != 0.0 {
            let target = &trial.targets[t * out_dim..(t + 1) * out_dim];
            self.scored_sum += w * distance(spec.error_metric, z, target);
            self.scored_weight += w;
        }
    }

    /// The trial's error: the weighted mean distance plus the energy cost of the mean
    /// output rate.
    fn error(&self, spec: &NetworkSpec, n_steps: usize) -> f64 {
        let scored = if self.scored_weight > 0.0 {
            self.scored_sum / self.scored_weight
        } else {
            0.0
        };
        let n_energy = (n_steps * spec.output_neurons.len()).max(1) as f64;
        scored + spec.energy_cost * self.energy / n_energy
    }
}

/// Row t of the presynaptic factors, `r_j(t−1)³` (before the step: `ws.r` holds r(t−1)).
#[inline(always)]
fn pre_cubes(t: usize, n: usize, f32_mode: bool, ws: &mut Workspace) {
    let row = t * n..(t + 1) * n;
    if f32_mode {
        cubes_f32(&ws.r32, &mut ws.pre_cubed32[row]);
    } else {
        cubes(&ws.r, &mut ws.pre_cubed[row]);
    }
}

/// `x ← x + (dt/τ)(−x + J r + W_in u)` (the product's row order alternates with `t`).
#[inline(always)]
fn euler_step(weights: Weights<'_>, u: &[f64], t: usize, dt_tau: f64, ws: &mut Workspace) {
    match weights {
        Weights::F64(w) => matvec(w, &ws.r, &mut ws.drive, t % 2 == 1),
        Weights::F32(w) => matvec_f32(w, &ws.r32, &mut ws.drive, t % 2 == 1),
    }
    integrate(&mut ws.x, &mut ws.drive, &ws.win_t, u, dt_tau);
}

/// Row t of the postsynaptic factors, `(x_i − x̄_i)³`, updating the running average `x̄`.
#[inline(always)]
fn post_cubes(t: usize, n: usize, decay: f64, f32_mode: bool, ws: &mut Workspace) {
    let rows = t * n..(t + 1) * n;
    if f32_mode {
        fluctuations_f32(&ws.x, &mut ws.x_average, decay, &mut ws.post_cubed32[rows]);
    } else {
        fluctuations(&ws.x, &mut ws.x_average, decay, &mut ws.post_cubed[rows]);
    }
}

/// A state that overflowed (huge inputs or weights) turns into NaN and would otherwise be
/// hidden by the clip of the weight change: refuse it.
fn check_finite_state(error: f64, x: &[f64]) -> Result<()> {
    if !error.is_finite() || x.iter().any(|v| !v.is_finite()) {
        return Err(Error::State(format!(
            "the network state became non-finite (trial error {error}); the inputs or weights \
             are too large"
        )));
    }
    Ok(())
}

/// `ws.win_t = W_inᵀ` (`[I, N]`, so a step adds one contiguous row per input).
fn transpose_input_weights(
    input_weights: &[f64],
    n: usize,
    n_in: usize,
    ws: &mut Workspace,
) -> Result<()> {
    let win_len = checked_len("n_inputs", &[n, n_in])?;
    try_resize("the input weights [I, N]", &mut ws.win_t, win_len, 0.0)?;
    for i in 0..n {
        for k in 0..n_in {
            ws.win_t[k * n + i] = input_weights[i * n_in + k];
        }
    }
    Ok(())
}

/// `x(0)`: the configured state plus `U(±initial_noise)` per neuron, bias neurons clamped.
fn initial_state(spec: &NetworkSpec, rng: &mut Rng, ws: &mut Workspace) {
    for i in 0..spec.n_neurons {
        let base = spec.initial_state.get(i).copied().unwrap_or(0.0);
        let noise = if spec.initial_noise > 0.0 {
            spec.initial_noise * (2.0 * rng.gen::<f64>() - 1.0)
        } else {
            0.0
        };
        ws.x[i] = base + noise;
    }
    for (&b, &v) in spec.bias_neurons.iter().zip(&spec.bias_values) {
        ws.x[b] = v;
    }
}

/// The kicks of step `t` (cells t·N .. (t+1)·N of the Bernoulli sequence), added to `x`; with
/// the kick trace, `e_i· += ξ_i(t) · r(t−1)` (`ws.r` still holds the previous step's rates).
#[inline(always)]
fn apply_kicks(
    amplitude: f64,
    k: &mut KickTimes,
    t: usize,
    n: usize,
    kick_trace: bool,
    rng: &mut Rng,
    ws: &mut Workspace,
) {
    let end = ((t + 1) * n) as u64;
    while k.next < end {
        let i = (k.next - (t * n) as u64) as usize;
        let kick = amplitude * (2.0 * rng.gen::<f64>() - 1.0);
        ws.x[i] += kick;
        if kick_trace {
            for (e, &r) in ws.trace[i * n..(i + 1) * n].iter_mut().zip(&ws.r) {
                *e += kick * r;
            }
        }
        k.next = k.next.saturating_add(1).saturating_add(k.gap(rng));
    }
}

/// The output `z` of step `t`: the output neurons' rates, or the hand position they drive.
#[inline(always)]
fn readout(
    spec: &NetworkSpec,
    arm_state: Option<&mut ArmState>,
    t: usize,
    r: &[f64],
    z: &mut [f64],
) {
    match (&spec.readout, arm_state) {
        (Readout::Arm(arm), Some(state)) => {
            let rates = [r[spec.output_neurons[0]], r[spec.output_neurons[1]]];
            let hand = arm.step(state, t, rates);
            z.copy_from_slice(&hand);
        }
        _ => {
            for (zo, &o) in z.iter_mut().zip(&spec.output_neurons) {
                *zo = r[o];
            }
        }
    }
}

/// The distance of a step's output from its target under `metric`.
#[inline(always)]
fn distance(metric: ErrorMetric, z: &[f64], target: &[f64]) -> f64 {
    match metric {
        ErrorMetric::MeanAbsolute => {
            z.iter()
                .zip(target)
                .map(|(a, b)| (a - b).abs())
                .sum::<f64>()
                / z.len() as f64
        }
        ErrorMetric::Euclidean => z
            .iter()
            .zip(target)
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
            .sqrt(),
    }
}

/// `r = tanh(x)`: in float64, or in float32 (`r32`, and `r` its widened copy).
#[inline]
fn rates(x: &[f64], r: &mut [f64], r32: &mut [f32], f32_mode: bool) {
    if f32_mode {
        tanh_f32_into(x, r32, r);
    } else {
        tanh_into(x, r);
    }
}

#[cfg(test)]
#[path = "network_tests.rs"]
mod tests;
