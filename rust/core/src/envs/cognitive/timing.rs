//! Periods of a trial and how long each lasts (NeuroGym's `timing` dict).

use crate::error::{Error, Result};
use crate::rng::Rng;
use rand::Rng as _;
use serde::{Deserialize, Serialize};

/// The largest number of steps one trial may have.
pub const MAX_TRIAL_STEPS: usize = 1 << 20;

/// How long a period lasts, in milliseconds (drawn anew each trial).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Duration {
    /// Always the same.
    Constant(f64),
    /// Uniform in `[low, high]`.
    Uniform(f64, f64),
    /// One of the listed values, each equally likely.
    Choice(Vec<f64>),
    /// Exponential with the given mean, redrawn until it lies in `[low, high]` (NeuroGym's
    /// `truncated_exponential`).
    TruncatedExponential {
        /// Mean of the untruncated exponential.
        mean: f64,
        /// Smallest duration.
        low: f64,
        /// Largest duration.
        high: f64,
    },
}

impl Duration {
    /// Checks the numbers (finite, non-negative, ordered), naming the period.
    pub fn validate(&self, period: &str) -> Result<()> {
        let bad = |reason: String| Err(Error::config(format!("timing['{period}']"), reason));
        let ok = |v: f64| v.is_finite() && v >= 0.0;
        match self {
            Duration::Constant(v) if !ok(*v) => bad(format!("must be finite and >= 0, got {v}")),
            Duration::Uniform(a, b) if !(ok(*a) && ok(*b) && a <= b) => {
                bad(format!("uniform bounds must be finite, >= 0 and ordered, got ({a}, {b})"))
            }
            Duration::Choice(v) if v.is_empty() || !v.iter().all(|x| ok(*x)) => {
                bad(format!("choices must be non-empty, finite and >= 0, got {v:?}"))
            }
            Duration::TruncatedExponential { mean, low, high }
                if !(ok(*mean) && *mean > 0.0 && ok(*low) && ok(*high) && low <= high) =>
            {
                bad(format!(
                    "truncated exponential needs mean > 0 and 0 <= low <= high, got ({mean}, {low}, {high})"
                ))
            }
            _ => Ok(()),
        }
    }

    /// The longest this period can last.
    pub fn max_ms(&self) -> f64 {
        match self {
            Duration::Constant(v) => *v,
            Duration::Uniform(_, b) => *b,
            Duration::Choice(v) => v.iter().cloned().fold(0.0, f64::max),
            Duration::TruncatedExponential { high, .. } => *high,
        }
    }

    /// The shortest this period can last.
    pub fn min_ms(&self) -> f64 {
        match self {
            Duration::Constant(v) => *v,
            Duration::Uniform(a, _) => *a,
            Duration::Choice(v) => v.iter().cloned().fold(f64::INFINITY, f64::min),
            Duration::TruncatedExponential { low, .. } => *low,
        }
    }

    /// Draws a duration in milliseconds.
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        match self {
            Duration::Constant(v) => *v,
            Duration::Uniform(a, b) => {
                if a == b {
                    *a
                } else {
                    rng.gen_range(*a..=*b)
                }
            }
            Duration::Choice(v) => v[rng.gen_range(0..v.len())],
            Duration::TruncatedExponential { mean, low, high } => {
                if low == high {
                    return *low;
                }
                // Inverse CDF of the exponential restricted to [low, high]: exact, no loop.
                let (fa, fb) = (1.0 - (-low / mean).exp(), 1.0 - (-high / mean).exp());
                let u = fa + (fb - fa) * rng.gen::<f64>();
                (-mean * (1.0 - u).ln()).clamp(*low, *high)
            }
        }
    }
}

/// The ordered periods of a trial with their durations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// `(name, duration)` in the order they occur.
    pub periods: Vec<(String, Duration)>,
}

impl Timing {
    /// A timing from `(name, duration)` pairs.
    pub fn new(periods: Vec<(String, Duration)>) -> Self {
        Self { periods }
    }

    /// Replaces the durations of the named periods (names must exist).
    pub fn update(&mut self, changes: Vec<(String, Duration)>) -> Result<()> {
        for (name, d) in changes {
            d.validate(&name)?;
            match self.periods.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = d,
                None => {
                    let known: Vec<&str> = self.periods.iter().map(|(n, _)| n.as_str()).collect();
                    return Err(Error::config(
                        "timing",
                        format!("unknown period '{name}', the task has {known:?}"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Checks every duration and that the longest trial fits in [`MAX_TRIAL_STEPS`] steps of `dt`.
    pub fn validate(&self, dt: f64) -> Result<()> {
        if !(dt.is_finite() && dt > 0.0) {
            return Err(Error::config(
                "dt",
                format!("must be finite and > 0, got {dt}"),
            ));
        }
        let mut total = 0.0;
        for (name, d) in &self.periods {
            d.validate(name)?;
            total += (d.max_ms() / dt).round();
        }
        if let Some((_, d)) = self.periods.iter().find(|(n, _)| n == "decision") {
            if (d.min_ms() / dt).round() < 1.0 {
                return Err(Error::config(
                    "timing['decision']",
                    format!(
                        "must last at least one step of dt = {dt} ms, got {} ms",
                        d.min_ms()
                    ),
                ));
            }
        }
        if total > MAX_TRIAL_STEPS as f64 {
            return Err(Error::config(
                "timing",
                format!("the longest trial has {total} steps of dt = {dt} ms, more than {MAX_TRIAL_STEPS}"),
            ));
        }
        Ok(())
    }

    /// Draws each period's length in steps of `dt` (durations rounded to whole steps).
    pub fn sample_steps(&self, dt: f64, rng: &mut Rng) -> Vec<usize> {
        self.periods
            .iter()
            .map(|(_, d)| (d.sample(rng) / dt).round() as usize)
            .collect()
    }
}
