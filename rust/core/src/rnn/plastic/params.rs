//! The trainable parameters, the episodes, the targets and what a gradient pass returns, with
//! their validation.

use crate::error::{Error, Result};
use crate::rnn::plastic::real::Real;

/// The plasticity rate η: one scalar for every connection, or one per connection (`[post, pre]`).
#[derive(Debug, Clone, Copy)]
pub enum EtaRef<'a, T> {
    Shared(T),
    PerConnection(&'a [T]),
}

/// The trainable parameters of a plastic network of `n` neurons, borrowed (`[post, pre]`).
#[derive(Debug, Clone, Copy)]
pub struct PlasticParams<'a, T> {
    pub n: usize,
    pub w: &'a [T],
    pub alpha: &'a [T],
    pub eta: EtaRef<'a, T>,
}

/// What the loss compares: the output at the last step (`[B, N]`), or at every step (`[B, T, N]`).
#[derive(Debug, Clone, Copy)]
pub enum Targets<'a, T> {
    LastStep(&'a [T]),
    EveryStep(&'a [T]),
}

/// Gradient of the loss with respect to η.
#[derive(Debug, Clone, PartialEq)]
pub enum EtaGrad<T> {
    Shared(T),
    PerConnection(Vec<T>),
}

/// Loss, gradients and final outputs of a batch of episodes.
#[derive(Debug, Clone)]
pub struct LossAndGrad<T> {
    /// `(1/B) Σ_b Σ_t Σ_i m (y − target)²`.
    pub loss: f64,
    pub grad_w: Vec<T>,
    pub grad_alpha: Vec<T>,
    pub grad_eta: EtaGrad<T>,
    /// y_T of each episode, `[B, N]`.
    pub final_outputs: Vec<T>,
    /// Spacing K of the exact trace copies that were used (≥ T: none).
    pub checkpoint_every: usize,
    /// Whether the steps between copies were recomputed forward (else: reversed).
    pub recomputed: bool,
}

/// A batch of input episodes, `[B, T, N]` flattened.
#[derive(Debug, Clone, Copy)]
pub struct Episodes<'a, T> {
    pub inputs: &'a [T],
    pub batch: usize,
    pub steps: usize,
}

impl<T: Real> PlasticParams<'_, T> {
    /// Checks sizes, finiteness and 0 < η < 1.
    pub fn validate(&self) -> Result<()> {
        let n = self.n;
        if n == 0 {
            return Err(Error::argument("n", "a network needs at least one neuron"));
        }
        let nn = n * n;
        if self.w.len() != nn {
            return Err(Error::shape(
                "w",
                format!("expected {n}×{n} values, got {}", self.w.len()),
            ));
        }
        if self.alpha.len() != nn {
            let got = self.alpha.len();
            return Err(Error::shape(
                "alpha",
                format!("expected {n}×{n} values, got {got}"),
            ));
        }
        check_values_finite("w", self.w)?;
        check_values_finite("alpha", self.alpha)?;
        let bad = |e: T| !(e > T::ZERO && e < T::ONE);
        match self.eta {
            EtaRef::Shared(e) => {
                if bad(e) {
                    return Err(Error::argument(
                        "eta",
                        format!("must lie in (0, 1), got {e}"),
                    ));
                }
            }
            EtaRef::PerConnection(e) => {
                if e.len() != nn {
                    let got = e.len();
                    return Err(Error::shape(
                        "eta",
                        format!("expected {n}×{n} values, got {got}"),
                    ));
                }
                if let Some(i) = e.iter().position(|&v| bad(v)) {
                    return Err(Error::argument(
                        "eta",
                        format!("must lie in (0, 1), got {} at index {i}", e[i]),
                    ));
                }
            }
        }
        Ok(())
    }

    pub(crate) fn eta_max(&self) -> f64 {
        match self.eta {
            EtaRef::Shared(e) => e.to_f64(),
            EtaRef::PerConnection(e) => e.iter().fold(0.0, |m, v| f64::max(m, v.to_f64())),
        }
    }

    pub(crate) fn per_connection(&self) -> bool {
        matches!(self.eta, EtaRef::PerConnection(_))
    }
}

impl<T: Real> Episodes<'_, T> {
    pub(crate) fn validate(&self, n: usize) -> Result<()> {
        if self.batch == 0 || self.steps == 0 {
            return Err(Error::shape(
                "inputs",
                "needs at least one episode of one step",
            ));
        }
        let want = self.batch * self.steps * n;
        if self.inputs.len() != want {
            let (b, t, got) = (self.batch, self.steps, self.inputs.len());
            return Err(Error::shape(
                "inputs",
                format!("expected [{b}, {t}, {n}] = {want} values, got {got}"),
            ));
        }
        check_values_finite("inputs", self.inputs)
    }

    pub(crate) fn episode(&self, b: usize, n: usize) -> &[T] {
        let len = self.steps * n;
        &self.inputs[b * len..(b + 1) * len]
    }
}

/// Checks that every value is finite, naming the argument and the first bad index.
fn check_values_finite<T: Real>(name: &str, values: &[T]) -> Result<()> {
    match values.iter().position(|v| !v.to_f64().is_finite()) {
        None => Ok(()),
        Some(i) => Err(Error::argument(
            name,
            format!("must be finite, got {} at index {i}", values[i]),
        )),
    }
}

/// Checks the targets and mask against the batch.
pub(crate) fn validate_targets<T: Real>(
    targets: &Targets<'_, T>,
    mask: Option<&[T]>,
    ep: &Episodes<'_, T>,
    n: usize,
) -> Result<()> {
    let (values, want, shape) = match *targets {
        Targets::LastStep(v) => (v, ep.batch * n, format!("[{}, {n}]", ep.batch)),
        Targets::EveryStep(v) => (
            v,
            ep.batch * ep.steps * n,
            format!("[{}, {}, {n}]", ep.batch, ep.steps),
        ),
    };
    if values.len() != want {
        return Err(Error::shape(
            "targets",
            format!("expected {shape} = {want} values, got {}", values.len()),
        ));
    }
    check_values_finite("targets", values)?;
    if let Some(m) = mask {
        if m.len() != want {
            return Err(Error::shape(
                "mask",
                format!(
                    "expected {shape} = {want} values (as targets), got {}",
                    m.len()
                ),
            ));
        }
        check_values_finite("mask", m)?;
        if let Some(i) = m.iter().position(|&v| v < T::ZERO) {
            return Err(Error::argument(
                "mask",
                format!("must be ≥ 0, got {} at index {i}", m[i]),
            ));
        }
    }
    Ok(())
}
