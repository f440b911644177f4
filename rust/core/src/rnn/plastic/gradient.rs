//! The loss and its exact gradients over a batch: episodes in parallel (in waves), their
//! gradients summed in episode order, ∂L/∂W formed by one gemm per episode.

use crate::error::{Error, Result};
use crate::rnn::plastic::backward::{backward_episode, EpisodeGrad};
use crate::rnn::plastic::loss::LossSpec;
use crate::rnn::plastic::params::{
    validate_targets, Episodes, EtaGrad, EtaRef, LossAndGrad, PlasticParams, Targets,
};
use crate::rnn::plastic::plan::{Checkpointing, TracePlan, DEFAULT_TRACE_BUDGET};
use crate::rnn::plastic::real::Real;
use crate::rnn::plastic::shared::{add_into, Shared};
use rayon::prelude::*;

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
            add_eta_grad(&mut grad_eta, &g.grad_eta);
            add_weight_grad(&mut grad_w, &g.grad_drive, &g.ys, n, ep.steps);
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

/// `acc += g` for the η gradients of a network and one of its episodes.
fn add_eta_grad<T: Real>(acc: &mut EtaGrad<T>, g: &EtaGrad<T>) {
    match (acc, g) {
        (EtaGrad::Shared(a), EtaGrad::Shared(b)) => *a += *b,
        (EtaGrad::PerConnection(a), EtaGrad::PerConnection(b)) => add_into(a, b),
        _ => unreachable!("every episode has the network's kind of η"),
    }
}

/// ∂L/∂W += Σ_t ∂L/∂a_t y_{t−1}ᵀ = GAᵀ · Y_prev (N×T times T×N), one gemm.
fn add_weight_grad<T: Real>(grad_w: &mut [T], grad_drive: &[T], ys: &[T], n: usize, steps: usize) {
    assert!(grad_w.len() >= n * n && grad_drive.len() >= steps * n && ys.len() >= steps * n);
    // SAFETY: the pointers and strides describe the live buffers `grad_drive` ([T, N], read as
    // its transpose), `ys` ([T+1, N], first T rows) and `grad_w` ([N, N]), sizes checked above.
    unsafe {
        T::gemm(
            true,
            n,
            steps,
            n,
            grad_drive.as_ptr(),
            1,
            n as isize,
            ys.as_ptr(),
            n as isize,
            1,
            grad_w.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}
