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

mod activation;
mod config;
mod simulate;
pub use activation::Activation;
pub use config::{NetworkConfig, Record, RunOptions, TrialOutput};
pub use simulate::reserve_values;

use self::simulate::{simulate, uniform_alpha, Fixed, Lease, Scratch, StateMut, TrialIo};
use crate::error::{check_all_finite, check_finite, Error, Result};
use crate::rng::{self, Rng};
use crate::rnn::kernels::matvec;
use crate::rnn::rules::{PlasticMatrix, PlasticState, PlasticityRule, Rule};
use rand::{Rng as _, RngCore};
use rand_distr::StandardNormal;
use rayon::prelude::*;

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
    /// The copies of the plastic matrix that learning runs without `keep_weights` work on (one
    /// for a single trial, one per worker thread of a batch), kept from run to run: their
    /// memory stays mapped and warm instead of being allocated, page-faulted and freed every run.
    scratch: Scratch,
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
            r.validate_for_dt(config.dt)?;
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
            scratch: Scratch::default(),
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
            r.validate_for_dt(config.dt)?;
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
            scratch: Scratch::default(),
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
            uniform_alpha: uniform_alpha(&self.state),
        };
        let learns = options.plastic && self.rule.is_some();
        if options.keep_weights {
            // Learn on a copy (its matrices are shared until first written) and keep it only if
            // every weight stayed finite, so a diverged run leaves the network as it was.
            let mut kept = self.state.clone();
            let mut w_out = self.output_weights.clone();
            let out = simulate(
                &fixed,
                StateMut::Write(&mut kept),
                &mut w_out,
                &io,
                steps,
                options,
                seed,
            )?;
            let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
            if !(finite(&kept.weights) && finite(&kept.trace) && finite(&w_out)) {
                return Err(Error::State(
                    "keep_weights: the weights became non-finite during the run (the learning \
                     diverged); the network was left unchanged"
                        .to_string(),
                ));
            }
            self.state = kept;
            self.output_weights = w_out;
            return Ok(out);
        }
        let mut w_out = self.output_weights.clone();
        let changes = self.rule.as_ref().map(|r| r.plastic_matrix());
        let (true, Some(which)) = (learns, changes) else {
            // Nothing plastic changes at all.
            let state = StateMut::Write(&mut self.state);
            return simulate(&fixed, state, &mut w_out, &io, steps, options, seed);
        };
        // Learn on a scratch copy, thrown away after the run.
        let mut scratch = self.scratch.lease(&self.state, which);
        let out = simulate(
            &fixed,
            StateMut::Scratch(&mut scratch),
            &mut w_out,
            &io,
            steps,
            options,
            seed,
        );
        self.scratch.give_back(scratch, which);
        out
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
        if options.keep_weights {
            // Also for a batch of one: a [1, T, n] batch is still run on a copy.
            return Err(Error::argument(
                "keep_weights",
                "batch items run on independent copies of the weights; keep_weights needs a \
                 single [T, n_inputs] trial, not a [B, T, n_inputs] batch",
            ));
        }
        self.validate_run(batch, steps, inputs, options)?;
        let base = self.next_run_seed();
        let c = &self.config;
        let fixed = Fixed {
            config: c,
            rule: self.rule.as_ref(),
            input_weights: &self.input_weights,
            uniform_alpha: uniform_alpha(&self.state),
        };
        let (state, w_out, pool) = (&self.state, &self.output_weights, &self.scratch);
        let changes = self.rule.as_ref().map(|r| r.plastic_matrix());
        let learns = options.plastic && changes.is_some();
        let which = changes.unwrap_or(PlasticMatrix::Weights);
        let results = (0..batch)
            .into_par_iter()
            .map_init(
                || Lease {
                    state: None,
                    home: pool,
                    which,
                },
                |lease, b| {
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
                        // This job's copy of the changing matrix (a buffer kept from earlier
                        // trials and runs); the other matrices are shared.
                        let s = match lease.state.take() {
                            Some(mut s) => {
                                s.reset_from(state, which);
                                s
                            }
                            None => pool.lease(state, which),
                        };
                        StateMut::Scratch(lease.state.insert(s))
                    } else {
                        StateMut::Read(state)
                    };
                    let mut wo = w_out.clone();
                    let seed = rng::derive_seed(base, b as u64);
                    simulate(&fixed, st, &mut wo, &io, steps, options, seed)
                },
            )
            .collect::<Result<Vec<_>>>()?;
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

#[cfg(test)]
mod tests;
