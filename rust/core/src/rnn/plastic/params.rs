//! Differentiable plasticity (Miconi, Clune & Stanley 2018; BOHP, Miconi 2016): a recurrent
//! network whose connections are `W + α ⊙ Hebb`, trained by exact backpropagation through time
//! derived by hand, with O(N²) memory.
//!
//! ```text
//! y_t    = tanh((W + α ⊙ Hebb_{t−1}) y_{t−1} + x_t)         [post, pre]
//! Hebb_t = (1 − η) ⊙ Hebb_{t−1} + η ⊙ y_t y_{t−1}ᵀ          y_0 = 0, Hebb_0 = 0
//! ```
//!
//! Memory: the backward pass does not keep the trace of every step (T·N², what autograd stores).
//! It *reverses* the trace, `Hebb_{t−1} = (Hebb_t − η y_t y_{t−1}ᵀ) / (1 − η)`, which is exact in
//! exact arithmetic and costs nothing but one multiply-add per connection in a pass that is
//! memory-bound anyway. In floating point each reversed step multiplies the error already there
//! by 1/(1−η): harmless for η ≈ 0.01 (×2.9 over 106 steps), explosive for η near 1 (reversal
//! divides by 1−η ≈ 0; recomputing forward from an exact copy would still recover the trace,
//! which is what a stored copy saves). So the forward pass also stores an exact copy of the
//! trace every K steps and the backward pass re-anchors there: with the default K (chosen from
//! the largest η so that the amplification stays below 2⁸), the reconstruction error stays
//! below ~10⁻¹³ of the trace's scale, and memory is (1 + ⌊(T−2)/K⌋)·N² for the trace instead of
//! T·N² (one matrix for η ≤ 0.05 and T ≤ 109; (T−2)·N² of copies at K = 1, i.e. η > 0.9375).
//! Those copies are capped by a memory budget ([`Checkpointing::Auto`], default
//! [`DEFAULT_TRACE_BUDGET`]): past it, copies are kept every K' steps only and each segment
//! between them is recomputed forward in the backward pass, from its copy, with the forward
//! pass's arithmetic (bit-identical traces), using ≈ 2√T·N² values. Storage is reserved up front,
//! so what does not fit is `Error::OutOfMemory`, not an abort. The errors are measured in the
//! tests below.
//!
//! Everything is generic over the float type ([`Real`]: `f64`, or `f32` for half the memory
//! traffic). The equations (forward and backward) are in `docs/rules.md` §4.

use crate::error::{Error, Result};
use crate::rnn::plastic::backward::{
    add_into, backward_episode, forward_episode, EpisodeGrad, LossSpec, Shared,
};
pub use crate::rnn::plastic::real::Real;
use rayon::prelude::*;

/// Amplification allowed for the reversed trace between two exact copies (2⁸: ~8 bits).
const REVERSAL_BUDGET: f64 = 8.0 * std::f64::consts::LN_2;

/// Default memory for the exact trace copies of one episode in flight: 160 MiB (dp1000 in
/// float64 then peaks below 300 MB for every η).
pub const DEFAULT_TRACE_BUDGET: usize = 160 << 20;

/// How the backward pass recovers the trace H_{t−1} of every step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checkpointing {
    /// Reversal between copies spaced from η ([`default_checkpoint_every`]) when those copies
    /// fit in `budget_bytes`; otherwise copies every K steps and forward recomputation of each
    /// segment, with K chosen to use the least memory (≈ 2√T·N² values).
    Auto { budget_bytes: usize },
    /// Exact copies every `every` steps, the trace reversed between them (1: keep every trace).
    Reverse { every: usize },
    /// Exact copies every `every` steps; each segment is recomputed forward from its copy.
    Recompute { every: usize },
}

/// The resolved strategy of an episode: spacing of the exact copies and how the steps between
/// them are recovered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TracePlan {
    pub every: usize,
    pub recompute: bool,
}

impl TracePlan {
    /// N×N matrices held for the trace beyond the working one: the copies, plus the segment
    /// buffer when recomputing.
    pub fn stored_matrices(&self, steps: usize) -> usize {
        let copies = checkpoint_count(steps, self.every);
        if self.recompute {
            copies + segment_slots(steps, self.every)
        } else {
            copies
        }
    }

    /// Resolves `c` for episodes of `steps` steps, `n` neurons, `bytes` per value.
    pub fn resolve(c: Checkpointing, eta_max: f64, steps: usize, n: usize, bytes: usize) -> Self {
        match c {
            Checkpointing::Reverse { every } => TracePlan {
                every,
                recompute: false,
            },
            Checkpointing::Recompute { every } => TracePlan {
                every,
                recompute: true,
            },
            Checkpointing::Auto { budget_bytes } => {
                let reverse = TracePlan {
                    every: default_checkpoint_every(eta_max),
                    recompute: false,
                };
                let matrix = (n as u128) * (n as u128) * bytes as u128;
                let cost = |p: &TracePlan| p.stored_matrices(steps) as u128 * matrix;
                if cost(&reverse) <= budget_bytes as u128 {
                    return reverse;
                }
                let best = (1..=steps.max(1))
                    .map(|every| TracePlan {
                        every,
                        recompute: true,
                    })
                    .min_by_key(|p| (p.stored_matrices(steps), usize::MAX - p.every))
                    .expect("at least one spacing");
                if cost(&best) < cost(&reverse) {
                    best
                } else {
                    reverse
                }
            }
        }
    }
}

/// Number of exact trace copies an episode of `steps` steps keeps with spacing `k`
/// (H_s for s = k, 2k, … ≤ T−2).
pub fn checkpoint_count(steps: usize, k: usize) -> usize {
    steps.saturating_sub(2) / k.max(1)
}

/// Matrices of the segment buffer when recomputing with spacing `k`: the traces strictly
/// between two copies (at most k − 1 of them, and only steps 1..=T−2 are ever needed).
pub fn segment_slots(steps: usize, k: usize) -> usize {
    k.max(1).saturating_sub(1).min(steps.saturating_sub(2))
}

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

    fn eta_max(&self) -> f64 {
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
    fn validate(&self, n: usize) -> Result<()> {
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

    fn episode(&self, b: usize, n: usize) -> &[T] {
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

/// The default spacing K of exact trace copies for the largest η (see the module docs).
pub fn default_checkpoint_every(eta_max: f64) -> usize {
    let per_step = -(1.0 - eta_max).ln();
    if per_step <= 0.0 || !per_step.is_finite() {
        return usize::MAX;
    }
    let k = (REVERSAL_BUDGET / per_step).floor();
    if k >= usize::MAX as f64 {
        usize::MAX
    } else {
        (k as usize).max(1)
    }
}

/// Checks the targets and mask against the batch.
fn validate_targets<T: Real>(
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

/// Runs a batch of episodes and returns the outputs y_1..y_T, `[B, T, N]`.
pub fn forward<T: Real>(p: PlasticParams<'_, T>, ep: Episodes<'_, T>) -> Result<Vec<T>> {
    p.validate()?;
    ep.validate(p.n)?;
    let n = p.n;
    let sh = Shared::new(
        p,
        TracePlan {
            every: usize::MAX,
            recompute: false,
        },
    );
    let per_episode: Vec<Vec<T>> = (0..ep.batch)
        .into_par_iter()
        .map(|b| forward_episode(&sh, ep.episode(b, n), ep.steps, false).map(|(ys, _, _)| ys))
        .collect::<Result<_>>()?;
    let mut out = Vec::with_capacity(ep.batch * ep.steps * n);
    for ys in per_episode {
        out.extend_from_slice(&ys[n..]);
    }
    Ok(out)
}

/// Loss `(1/B) Σ m (y − target)²` and its exact gradients with respect to W, α and η.
///
/// `checkpoint_every`: spacing of exact trace copies with reversal between them (`None`:
/// [`Checkpointing::Auto`] with [`DEFAULT_TRACE_BUDGET`]; `Some(1)`: keep every trace, the
/// autograd-like reference).
pub fn loss_and_grad<T: Real>(
    p: PlasticParams<'_, T>,
    ep: Episodes<'_, T>,
    targets: Targets<'_, T>,
    mask: Option<&[T]>,
    checkpoint_every: Option<usize>,
) -> Result<LossAndGrad<T>> {
    let c = match checkpoint_every {
        None => Checkpointing::Auto {
            budget_bytes: DEFAULT_TRACE_BUDGET,
        },
        Some(every) => Checkpointing::Reverse { every },
    };
    loss_and_grad_with(p, ep, targets, mask, c)
}

/// [`loss_and_grad`] with an explicit strategy for recovering the trace.
pub fn loss_and_grad_with<T: Real>(
    p: PlasticParams<'_, T>,
    ep: Episodes<'_, T>,
    targets: Targets<'_, T>,
    mask: Option<&[T]>,
    checkpointing: Checkpointing,
) -> Result<LossAndGrad<T>> {
    p.validate()?;
    ep.validate(p.n)?;
    validate_targets(&targets, mask, &ep, p.n)?;
    match checkpointing {
        Checkpointing::Reverse { every: 0 } | Checkpointing::Recompute { every: 0 } => {
            return Err(Error::argument("checkpoint_every", "must be ≥ 1"));
        }
        _ => {}
    }
    let n = p.n;
    let size = std::mem::size_of::<T>();
    let plan = TracePlan::resolve(checkpointing, p.eta_max(), ep.steps, n, size);
    let k = plan.every;
    let sh = Shared::new(p, plan);
    let spec = LossSpec {
        targets,
        mask,
        scale: 1.0 / ep.batch as f64,
    };

    let mut loss = 0.0;
    let mut grad_w = vec![T::ZERO; n * n];
    let mut grad_alpha: Vec<T> = Vec::new();
    let mut grad_eta = match p.eta {
        EtaRef::Shared(_) => EtaGrad::Shared(T::ZERO),
        EtaRef::PerConnection(_) => EtaGrad::PerConnection(vec![T::ZERO; n * n]),
    };
    let mut final_outputs = Vec::with_capacity(ep.batch * n);
    // Episodes run in parallel in waves (bounding memory); their gradients are summed in episode
    // order, so the result is the same for any number of threads.
    let wave = rayon::current_num_threads().max(1);
    let mut start = 0;
    while start < ep.batch {
        let end = (start + wave).min(ep.batch);
        let grads: Vec<EpisodeGrad<T>> = (start..end)
            .into_par_iter()
            .map(|b| backward_episode(&sh, b, ep.episode(b, n), ep.steps, &spec))
            .collect::<Result<_>>()?;
        for g in grads {
            loss += g.loss;
            if grad_alpha.is_empty() {
                // The first episode's buffer becomes the sum (no second N×N buffer to fill).
                grad_alpha = g.grad_alpha;
            } else {
                add_into(&mut grad_alpha, &g.grad_alpha);
            }
            match (&mut grad_eta, &g.grad_eta) {
                (EtaGrad::Shared(a), EtaGrad::Shared(b)) => *a += *b,
                (EtaGrad::PerConnection(a), EtaGrad::PerConnection(b)) => add_into(a, b),
                _ => unreachable!("every episode has the network's kind of η"),
            }
            // ∂L/∂W += Σ_t ∂L/∂a_t y_{t−1}ᵀ = GAᵀ · Y_prev  (N×T times T×N).
            // SAFETY: the pointers and strides describe the live buffers `g.grad_drive`
            // ([T, N], read as its transpose), `g.ys` ([T+1, N], first T rows) and `grad_w` ([N, N]).
            unsafe {
                T::gemm(
                    n,
                    ep.steps,
                    n,
                    g.grad_drive.as_ptr(),
                    1,
                    n as isize,
                    g.ys.as_ptr(),
                    n as isize,
                    1,
                    grad_w.as_mut_ptr(),
                    n as isize,
                    1,
                );
            }
            final_outputs.extend_from_slice(&g.ys[ep.steps * n..]);
        }
        start = end;
    }
    Ok(LossAndGrad {
        loss: loss / ep.batch as f64,
        grad_w,
        grad_alpha,
        grad_eta,
        final_outputs,
        checkpoint_every: k,
        recomputed: plan.recompute,
    })
}

#[cfg(test)]
#[path = "tests.rs"]
pub(crate) mod tests;
