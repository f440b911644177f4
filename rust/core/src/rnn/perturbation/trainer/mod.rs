//! [`NodePerturbationTrainer`]: owns the network's weights, the conditions, the expected errors
//! `Ē_c`, and runs batches of perturbed trials in parallel.
//!
//! Batches: the `B` trials of a batch run in parallel from the same `J` and the same `Ē`; each
//! computes its own clipped `ΔJ_k`; then, in trial order, `J += ΔJ_k` and
//! `Ē_c ← α_R Ē_c + (1 − α_R) E_k`. With `B = 1` this is the sequential rule of the sources.
//! Trial `k` (counted over the trainer's life) draws its perturbations from the stream
//! `derive_seed(seed, k)` and its condition is a function of `k` alone, so results do not depend
//! on the number of threads.

use super::buffers::{checked_len, try_filled};
use super::config::{ConditionOrder, Eligibility, NetworkSpec, NodePerturbationConfig, Precision};
use super::network::{simulate, Exploration, TrialRecord, TrialView, Weights, Workspace};
use super::tasks::ConditionSet;
use super::trace::eligibility_trace;
use crate::error::{check_all_finite, try_reserve, Error, Result};
use crate::rng::{derive_seed, from_seed};
use rand::seq::SliceRandom;
use rand::{Rng as _, RngCore};
use rand_distr::StandardNormal;
use rayon::prelude::*;

const INIT_SALT: u64 = 0x1D1A_77E5_0000_0001;
const ORDER_SALT: u64 = 0x0DDE_5EED_0000_0002;
const CLEAN_SALT: u64 = 0xC1EA_2000_0000_0003;

/// What a call to [`NodePerturbationTrainer::train`] did, one entry per trial.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainReport {
    /// The error of each (perturbed) trial.
    pub errors: Vec<f64>,
    /// The condition of each trial.
    pub conditions: Vec<usize>,
}

/// Trains a rate network by reward-modulated node perturbation.
#[derive(Debug, Clone)]
pub struct NodePerturbationTrainer {
    spec: NetworkSpec,
    config: NodePerturbationConfig,
    conditions: ConditionSet,
    weights: Vec<f64>,
    /// `J` rounded to float32 (float32 precision only; empty otherwise).
    weights32: Vec<f32>,
    input_weights: Vec<f64>,
    expected_error: Vec<f64>,
    seed: u64,
    trials_done: u64,
    workspaces: Vec<Workspace>,
}

impl NodePerturbationTrainer {
    /// A trainer with `J ~ N(0, g²/N)` and `W_in ~ U(−1, 1)` drawn from `seed` unless given
    /// (`weights` `[N, N]`, `input_weights` `[N, I]`, row-major).
    pub fn new(
        spec: NetworkSpec,
        config: NodePerturbationConfig,
        conditions: ConditionSet,
        gain: f64,
        weights: Option<Vec<f64>>,
        input_weights: Option<Vec<f64>>,
        seed: Option<u64>,
    ) -> Result<Self> {
        spec.validate()?;
        config.validate()?;
        config.perturbation_probability(spec.dt)?;
        check_conditions(&spec, &conditions)?;
        if !(gain.is_finite() && gain >= 0.0) {
            return Err(Error::config(
                "gain",
                format!("must be finite and >= 0, got {gain}"),
            ));
        }
        let n = spec.n_neurons;
        let n_in = spec.n_inputs;
        if let Some(w) = &weights {
            check_matrix("weights", w, n, n)?;
        }
        if let Some(w) = &input_weights {
            check_matrix("input_weights", w, n, n_in)?;
        }
        let seed = seed.unwrap_or_else(|| from_seed(None).next_u64());
        let mut rng = from_seed(Some(derive_seed(seed ^ INIT_SALT, 0)));
        let scale = gain / (n as f64).sqrt();
        let weights = match weights {
            Some(w) => w,
            None => {
                let len = checked_len("n_neurons", &[n, n])?;
                let mut w = try_filled("the recurrent weights [N, N]", len, 0.0)?;
                w.iter_mut()
                    .for_each(|v| *v = scale * rng.sample::<f64, _>(StandardNormal));
                w
            }
        };
        let input_weights = match input_weights {
            Some(w) => w,
            None => {
                let len = checked_len("n_neurons", &[n, n_in])?;
                let mut w = try_filled("the input weights [N, I]", len, 0.0)?;
                w.iter_mut().for_each(|v| *v = 2.0 * rng.gen::<f64>() - 1.0);
                w
            }
        };
        let mut trainer = Self {
            spec,
            config,
            conditions,
            weights,
            weights32: Vec::new(),
            input_weights,
            expected_error: Vec::new(),
            seed,
            trials_done: 0,
            workspaces: Vec::new(),
        };
        trainer.sync_weights32()?;
        Ok(trainer)
    }

    /// Refreshes the float32 copy of `J` (float32 precision), or frees it (float64).
    fn sync_weights32(&mut self) -> Result<()> {
        match self.config.precision {
            Precision::Float64 => self.weights32 = Vec::new(),
            Precision::Float32 => {
                let len = self.weights.len();
                super::buffers::try_resize("the float32 copy of J", &mut self.weights32, len, 0.0)?;
                for (a, &w) in self.weights32.iter_mut().zip(&self.weights) {
                    *a = w as f32;
                }
            }
        }
        Ok(())
    }

    /// The weights a trial runs with, in the configured precision.
    fn trial_weights(&self) -> Weights<'_> {
        match self.config.precision {
            Precision::Float64 => Weights::F64(&self.weights),
            Precision::Float32 => Weights::F32(&self.weights32),
        }
    }

    /// The network description.
    pub fn spec(&self) -> &NetworkSpec {
        &self.spec
    }

    /// The learning parameters.
    pub fn config(&self) -> &NodePerturbationConfig {
        &self.config
    }

    /// The trial set.
    pub fn conditions(&self) -> &ConditionSet {
        &self.conditions
    }

    /// Recurrent weights `J`, `[N, N]` row-major (`[post, pre]`).
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// Input weights `W_in`, `[N, I]` row-major.
    pub fn input_weights(&self) -> &[f64] {
        &self.input_weights
    }

    /// `Ē_c` per condition (empty until the first training call initialises it).
    pub fn expected_error(&self) -> &[f64] {
        &self.expected_error
    }

    /// Training trials run so far.
    pub fn trials_done(&self) -> u64 {
        self.trials_done
    }

    /// The seed everything is drawn from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Replaces the learning parameters (validated first).
    pub fn set_config(&mut self, config: NodePerturbationConfig) -> Result<()> {
        config.validate()?;
        config.perturbation_probability(self.spec.dt)?;
        let previous = std::mem::replace(&mut self.config, config);
        if let Err(e) = self.sync_weights32() {
            // Only a switch from float64 (no copy) to float32 allocates, so only it can fail.
            self.config = previous;
            self.weights32 = Vec::new();
            return Err(e);
        }
        Ok(())
    }

    /// Replaces `J` (validated first).
    pub fn set_weights(&mut self, weights: Vec<f64>) -> Result<()> {
        check_matrix(
            "weights",
            &weights,
            self.spec.n_neurons,
            self.spec.n_neurons,
        )?;
        self.weights = weights;
        self.sync_weights32()
    }

    /// Replaces `W_in` (validated first).
    pub fn set_input_weights(&mut self, input_weights: Vec<f64>) -> Result<()> {
        check_matrix(
            "input_weights",
            &input_weights,
            self.spec.n_neurons,
            self.spec.n_inputs,
        )?;
        self.input_weights = input_weights;
        Ok(())
    }

    /// Replaces the trial set; `Ē` is re-initialised at the next training call.
    pub fn set_conditions(&mut self, conditions: ConditionSet) -> Result<()> {
        check_conditions(&self.spec, &conditions)?;
        self.conditions = conditions;
        self.expected_error.clear();
        Ok(())
    }

    /// Restores a saved state (for pickling): weights, `Ē` and the trial counter.
    pub fn restore(
        &mut self,
        weights: Vec<f64>,
        input_weights: Vec<f64>,
        expected_error: Vec<f64>,
        trials_done: u64,
    ) -> Result<()> {
        let n = self.spec.n_neurons;
        check_matrix("weights", &weights, n, n)?;
        check_matrix("input_weights", &input_weights, n, self.spec.n_inputs)?;
        if !expected_error.is_empty() && expected_error.len() != self.conditions.n_conditions {
            return Err(Error::shape(
                "expected_error",
                "needs one value per condition",
            ));
        }
        check_all_finite("expected_error", &expected_error)?;
        self.weights = weights;
        self.input_weights = input_weights;
        self.expected_error = expected_error;
        self.trials_done = trials_done;
        self.sync_weights32()
    }

    /// The condition of training trial `trial` (counted over the trainer's life).
    pub fn condition_of(&self, trial: u64) -> usize {
        let c = self.conditions.n_conditions as u64;
        match self.config.condition_order {
            ConditionOrder::Cycle => (trial % c) as usize,
            ConditionOrder::Shuffled => {
                let mut order: Vec<usize> = (0..c as usize).collect();
                let mut rng = from_seed(Some(derive_seed(self.seed ^ ORDER_SALT, trial / c)));
                order.shuffle(&mut rng);
                order[(trial % c) as usize]
            }
        }
    }

    fn view(&self, c: usize) -> TrialView<'_> {
        TrialView {
            inputs: self.conditions.inputs_of(c),
            targets: self.conditions.targets_of(c),
            mask: self.conditions.mask_of(c),
            n_steps: self.conditions.n_steps,
        }
    }

    /// Runs condition `c` without perturbations and records it. The initial-state noise (if
    /// any) comes from a fixed stream per condition, so a clean run is a function of the weights.
    pub fn run(&self, c: usize) -> Result<TrialRecord> {
        if c >= self.conditions.n_conditions {
            return Err(Error::argument(
                "condition",
                format!(
                    "{c} is out of range for {} conditions",
                    self.conditions.n_conditions
                ),
            ));
        }
        let mut record = TrialRecord::default();
        let mut ws = Workspace::default();
        let mut rng = from_seed(Some(derive_seed(self.seed ^ CLEAN_SALT, c as u64)));
        simulate(
            &self.spec,
            self.trial_weights(),
            &self.input_weights,
            self.view(c),
            None,
            &mut rng,
            &mut ws,
            Some(&mut record),
        )?;
        Ok(record)
    }

    /// Clean (unperturbed) error of every condition, computed in parallel
    /// (`Error::State` if the state of some condition becomes non-finite).
    pub fn evaluate(&self) -> Result<Vec<f64>> {
        (0..self.conditions.n_conditions)
            .into_par_iter()
            .map(|c| {
                let mut ws = Workspace::default();
                let mut rng = from_seed(Some(derive_seed(self.seed ^ CLEAN_SALT, c as u64)));
                simulate(
                    &self.spec,
                    self.trial_weights(),
                    &self.input_weights,
                    self.view(c),
                    None,
                    &mut rng,
                    &mut ws,
                    None,
                )
            })
            .collect()
    }

    /// Runs `n_trials` perturbed trials with learning, `batch_size` at a time in parallel
    /// (on `n_threads` threads, or rayon's global pool when `None`). `Ē` is first initialised
    /// by one clean trial per condition if it is not yet.
    pub fn train(
        &mut self,
        n_trials: usize,
        batch_size: usize,
        n_threads: Option<usize>,
    ) -> Result<TrainReport> {
        if batch_size == 0 {
            return Err(Error::argument("batch_size", "must be >= 1"));
        }
        if let Some(t) = n_threads {
            crate::agent::check_threads(t)?; // before any work, not when the pool is built
        }
        if self.trials_done.checked_add(n_trials as u64).is_none() {
            return Err(Error::argument(
                "n_trials",
                format!("{n_trials} more trials would overflow the trial counter"),
            ));
        }
        checked_len("n_trials", &[n_trials, 2])?;
        let mut report = TrainReport::default();
        try_reserve(&mut report.errors, n_trials, || "the trial errors".into())?;
        try_reserve(&mut report.conditions, n_trials, || {
            "the trial conditions".into()
        })?;
        // On an error the trainer is left as it was before the call.
        let saved = (
            self.weights.clone(),
            self.expected_error.clone(),
            self.trials_done,
        );
        let outcome = match n_threads {
            None => self.train_in_pool(n_trials, batch_size, &mut report),
            Some(t) => {
                let pool = crate::agent::thread_pool(t)?;
                pool.install(|| self.train_in_pool(n_trials, batch_size, &mut report))
            }
        };
        match outcome {
            Ok(()) => Ok(report),
            Err(e) => {
                (self.weights, self.expected_error, self.trials_done) = saved;
                // Same length as before: refilling the copy does not allocate.
                self.sync_weights32()?;
                Err(e)
            }
        }
    }

    fn train_in_pool(
        &mut self,
        n_trials: usize,
        batch_size: usize,
        report: &mut TrainReport,
    ) -> Result<()> {
        let mut workspaces = self.prepare_batches(n_trials, batch_size)?;
        let exploration = self.exploration();
        let mut done = 0;
        while done < n_trials {
            let b = batch_size.min(n_trials - done);
            let first = self.trials_done;
            let this = &*self;
            let outcomes: Result<Vec<(usize, f64, bool)>> = workspaces[..b]
                .par_iter_mut()
                .enumerate()
                .map(|(k, ws)| this.learning_trial(first + k as u64, exploration, ws))
                .collect();
            let outcomes = match outcomes {
                Ok(o) => o,
                Err(e) => {
                    self.workspaces = workspaces;
                    return Err(e);
                }
            };
            self.apply_batch(&outcomes, &workspaces, report);
            done += b;
        }
        self.workspaces = workspaces;
        if self.weights.iter().any(|w| !w.is_finite()) {
            return Err(Error::State(
                "the weights became non-finite; the trainer is left as before the call".into(),
            ));
        }
        Ok(())
    }

    /// The workspaces of a batch, sized first (a trial too large to learn from is an error
    /// before the possibly long clean runs that initialise `Ē`), then `Ē` if not yet known.
    fn prepare_batches(&mut self, n_trials: usize, batch_size: usize) -> Result<Vec<Workspace>> {
        let (n, n_steps) = (self.spec.n_neurons, self.conditions.n_steps);
        let mut workspaces = std::mem::take(&mut self.workspaces);
        workspaces.resize_with(batch_size.min(n_trials.max(1)), Workspace::default);
        let sized = workspaces.iter_mut().try_for_each(|ws| {
            ws.prepare(
                n,
                n_steps,
                Some(self.config.eligibility),
                self.config.precision,
            )
        });
        if let Err(e) = sized {
            self.workspaces.clear();
            return Err(e);
        }
        if self.expected_error.len() != self.conditions.n_conditions {
            match self.evaluate() {
                Ok(e) => self.expected_error = e,
                Err(e) => {
                    self.workspaces = workspaces;
                    return Err(e);
                }
            }
        }
        Ok(workspaces)
    }

    /// The perturbations of a learning trial, from the config.
    fn exploration(&self) -> Exploration {
        let cfg = &self.config;
        Exploration {
            probability: cfg
                .perturbation_probability(self.spec.dt)
                .expect("validated at construction"),
            amplitude: cfg.amplitude,
            activity_trace_decay: cfg.activity_trace_decay,
            eligibility: cfg.eligibility,
        }
    }

    /// Runs trial number `trial` with perturbations and, past the warm-up, leaves its clipped
    /// weight change in `ws.trace`. Returns (condition, error, whether it learns).
    fn learning_trial(
        &self,
        trial: u64,
        exploration: Exploration,
        ws: &mut Workspace,
    ) -> Result<(usize, f64, bool)> {
        let cfg = &self.config;
        let c = self.condition_of(trial);
        let mut rng = from_seed(Some(derive_seed(self.seed, trial)));
        let error = simulate(
            &self.spec,
            self.trial_weights(),
            &self.input_weights,
            self.view(c),
            Some(exploration),
            &mut rng,
            ws,
            None,
        )?;
        let learns = trial >= cfg.warmup_trials;
        if learns {
            let expected = self.expected_error[c];
            let mut factor = -cfg.learning_rate * (error - expected);
            if cfg.scale_by_expected_error {
                factor *= expected.abs();
            }
            self.weight_change(factor, ws);
        }
        Ok((c, error, learns))
    }

    /// `ws.trace ← clip(factor · e)`, the trial's weight change from its eligibility trace.
    fn weight_change(&self, factor: f64, ws: &mut Workspace) {
        let cfg = &self.config;
        let (n, n_steps) = (self.spec.n_neurons, self.conditions.n_steps);
        let m = cfg.max_dw;
        // A NaN change (never expected) is dropped rather than spread.
        let clip = |dw: f64| if dw.is_nan() { 0.0 } else { dw.clamp(-m, m) };
        match (cfg.eligibility, cfg.precision) {
            (Eligibility::Perturbation, _) => {
                // The trial accumulated the trace itself (in float64).
                for v in ws.trace[..n * n].iter_mut() {
                    *v = clip(factor * *v);
                }
            }
            (Eligibility::Fluctuation, Precision::Float64) => {
                eligibility_trace(&ws.post_cubed, &ws.pre_cubed, n_steps, n, &mut ws.trace);
                for v in ws.trace.iter_mut() {
                    *v = clip(factor * *v);
                }
            }
            (Eligibility::Fluctuation, Precision::Float32) => {
                eligibility_trace(
                    &ws.post_cubed32,
                    &ws.pre_cubed32,
                    n_steps,
                    n,
                    &mut ws.trace32,
                );
                for (v, &e) in ws.trace.iter_mut().zip(&ws.trace32) {
                    *v = clip(factor * f64::from(e));
                }
            }
        }
    }

    /// Applies a batch's weight changes in trial order and updates `Ē` and the report.
    fn apply_batch(
        &mut self,
        outcomes: &[(usize, f64, bool)],
        workspaces: &[Workspace],
        report: &mut TrainReport,
    ) {
        let a = self.config.error_trace_decay;
        let mut changed = false;
        for (k, &(c, error, learns)) in outcomes.iter().enumerate() {
            if learns {
                for (w, dw) in self.weights.iter_mut().zip(&workspaces[k].trace) {
                    *w += dw;
                }
                changed = true;
            }
            self.expected_error[c] = a * self.expected_error[c] + (1.0 - a) * error;
            report.errors.push(error);
            report.conditions.push(c);
        }
        if changed && self.config.precision == Precision::Float32 {
            for (a, &w) in self.weights32.iter_mut().zip(&self.weights) {
                *a = w as f32;
            }
        }
        self.trials_done += outcomes.len() as u64;
    }
}

fn check_matrix(name: &str, w: &[f64], rows: usize, cols: usize) -> Result<()> {
    if w.len() != rows * cols {
        return Err(Error::shape(
            name,
            format!(
                "expected [{rows}, {cols}] ({} values), got {}",
                rows * cols,
                w.len()
            ),
        ));
    }
    check_all_finite(name, w)
}

fn check_conditions(spec: &NetworkSpec, set: &ConditionSet) -> Result<()> {
    set.validate()?;
    if set.n_inputs != spec.n_inputs {
        return Err(Error::shape(
            "inputs",
            format!(
                "the network has {} inputs, the trials {}",
                spec.n_inputs, set.n_inputs
            ),
        ));
    }
    if set.n_outputs != spec.output_dim() {
        return Err(Error::shape(
            "targets",
            format!(
                "the network's output has dimension {}, the targets {}",
                spec.output_dim(),
                set.n_outputs
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
