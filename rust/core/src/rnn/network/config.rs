//! Configuration and run options of a [`super::RecurrentNetwork`], and what a run returns.

use super::activation::Activation;
use crate::error::{Error, Result};

/// Largest `n_units` / `n_inputs` / `n_outputs`: an `N x N` float64 matrix of 2 GiB.
pub const MAX_SIZE: usize = 16_384;

/// Sizes, time constants and initialisation of a [`super::RecurrentNetwork`].
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
        // Dense N x N matrices: refuse sizes whose matrices could not be allocated sensibly
        // (an allocation failure would abort the process instead of raising).
        for (field, v) in [
            ("n_units", self.n_units),
            ("n_inputs", self.n_inputs),
            ("n_outputs", self.n_outputs),
        ] {
            if v > MAX_SIZE {
                return Err(Error::config(
                    field,
                    format!("must be <= {MAX_SIZE} (dense matrices of 2 GiB), got {v}"),
                ));
            }
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
