//! The hand-derived backward pass of one episode (`docs/rules.md` §4): reverses (or reloads, or
//! recomputes) the trace step by step and accumulates the gradients; runs of saturated steps
//! are done by [`super::runs`].

use crate::error::Result;
use crate::rnn::plastic::checkpoints::{recompute_segment, zeroed_matrix, Checkpoints};
use crate::rnn::plastic::forward::forward_episode;
use crate::rnn::plastic::kernels::BackwardRow;
use crate::rnn::plastic::loss::LossSpec;
use crate::rnn::plastic::params::EtaGrad;
use crate::rnn::plastic::plan::segment_slots;
use crate::rnn::plastic::real::Real;
use crate::rnn::plastic::runs::{active_limit, find_run, fused_run, unsaturated_rows, RunBuffers};
use crate::rnn::plastic::shared::{add_into, Shared, PARALLEL_MIN_N, ROW_BLOCK};
use rayon::prelude::*;

/// A block of rows of the backward step and its partial results.
struct RowBlock<'a, T> {
    first_row: usize,
    hebb: &'a mut [T],
    grad_hebb: &'a mut [T],
    grad_alpha: &'a mut [T],
    grad_eta: &'a mut [T],
    /// Partial ∂L/∂y_{t−1} (column sums over this block's rows).
    col: &'a mut [T],
    /// Row sums Σ_j η ∂L/∂H_{t−1} y_{t−2} of this block's rows.
    row: &'a mut [T],
    eta_sum: T,
}

/// Gradient pieces of one episode; ∂L/∂W is formed later from `grad_drive` and `ys` by dgemm.
pub(crate) struct EpisodeGrad<T> {
    pub(crate) loss: f64,
    pub(crate) ys: Vec<T>,
    /// ∂L/∂a_t for t = 1..T (`[T, N]`; the row of t = 1 stays 0: y_0 = 0 makes it irrelevant).
    pub(crate) grad_drive: Vec<T>,
    pub(crate) grad_alpha: Vec<T>,
    pub(crate) grad_eta: EtaGrad<T>,
}

pub(crate) fn backward_episode<T: Real>(
    sh: &Shared<'_, T>,
    b: usize,
    x: &[T],
    steps: usize,
    loss: &LossSpec<'_, T>,
) -> Result<EpisodeGrad<T>> {
    let n = sh.p.n;
    let per_connection = sh.p.per_connection();
    let (ys, mut hebb, checkpoints) = forward_episode(sh, x, steps, true)?;
    let mut total = 0.0;
    let mut grad_drive = vec![T::ZERO; steps * n];
    let mut grad_alpha = zeroed_matrix::<T>(n);
    let mut grad_eta_conn = if per_connection {
        zeroed_matrix::<T>(n)
    } else {
        Vec::new()
    };
    let mut grad_eta_shared = T::ZERO;
    let mut grad_hebb = zeroed_matrix::<T>(n);
    let mut gy = vec![T::ZERO; n];
    let n_blocks = n.div_ceil(ROW_BLOCK);
    let mut col = vec![T::ZERO; n];
    let mut col_partial = vec![T::ZERO; n_blocks * n];
    let mut row = vec![T::ZERO; n];
    // Recomputation: the traces strictly between two copies, refilled once per segment.
    let k = sh.checkpoint_every;
    let mut segment = if sh.recompute {
        Checkpoints::reserve(segment_slots(steps, k), n)?.data
    } else {
        Vec::new()
    };
    let mut segment_base = usize::MAX;

    // Losses of the steps that no backward pass visits (t = 1 when T = 1, and t = T below).
    total += loss.step(b, steps, steps, n, &ys[steps * n..], &mut gy);
    for i in 0..n {
        let y = ys[steps * n + i];
        grad_drive[(steps - 1) * n + i] = gy[i] * (T::ONE - y * y);
    }
    // Runs of steps at which all but a few neurons are saturated (1 − y² = 0, e.g. under
    // inputs ±20) are done in one pass for the saturated rows (`plastic_runs.rs`).
    let fuse = !per_connection && !sh.recompute;
    let limit = active_limit(n);
    let unsaturated = if fuse {
        unsaturated_rows(&ys, n, steps, limit)
    } else {
        Vec::new()
    };
    let mut t = steps;
    while t >= 2 {
        let plain = |u: usize| u != steps && !sh.is_checkpoint(u - 1, steps);
        let run = if fuse {
            find_run(
                t,
                &grad_drive[(t - 1) * n..t * n],
                &unsaturated,
                plain,
                limit,
            )
        } else {
            None
        };
        if let Some(plan) = run {
            // Sweep direction of step t0 (see the zig-zag below).
            let backwards = plan.t0 % 2 == 0;
            let bufs = RunBuffers {
                hebb: &mut hebb,
                grad_hebb: &mut grad_hebb,
                grad_alpha: &mut grad_alpha,
                grad_drive: &mut grad_drive,
                col_partial: &mut col_partial,
                row: &mut row,
                col: &mut col,
                gy: &mut gy,
            };
            let (l, e) = fused_run(sh, &ys, b, steps, loss, &plan, bufs, backwards);
            total += l;
            grad_eta_shared += e;
            t = plan.t0 - 1;
            continue;
        }
        // Pass t: from ∂L/∂a_t and ∂L/∂H_t to ∂L/∂y_{t−1} and ∂L/∂H_{t−1}; H_t → H_{t−1}.
        let s = t - 1;
        let mut in_segment = false;
        let reverse = if t == steps {
            false
        } else if sh.is_checkpoint(s, steps) {
            hebb.copy_from_slice(checkpoints.get(s, k, n * n));
            false
        } else if sh.recompute {
            let base = s / k * k;
            if base != segment_base {
                recompute_segment(sh, &ys, &checkpoints, base, s, &mut segment)?;
                segment_base = base;
            }
            in_segment = true;
            false
        } else {
            true
        };
        let nn = n * n;
        let trace: &mut [T] = if in_segment {
            let slot = s - segment_base - 1;
            &mut segment[slot * nn..(slot + 1) * nn]
        } else {
            &mut hebb
        };
        let y_t = &ys[t * n..(t + 1) * n];
        let y_prev = &ys[(t - 1) * n..t * n];
        let y_prev2 = &ys[(t - 2) * n..(t - 1) * n];
        let (ga_before, ga_rest) = grad_drive.split_at_mut((t - 1) * n);
        let ga_t = &ga_rest[..n];
        // Fixed blocks of rows, each with its own partial column sum; the partials are added
        // in block order, so the result does not depend on which thread ran which block.
        let bs = ROW_BLOCK * n;
        let mut ge_blocks: Vec<&mut [T]> = if per_connection {
            grad_eta_conn.chunks_mut(bs).collect()
        } else {
            (0..n_blocks).map(|_| <&mut [T]>::default()).collect()
        };
        let mut blocks: Vec<RowBlock<'_, T>> = trace
            .chunks_mut(bs)
            .zip(grad_hebb.chunks_mut(bs))
            .zip(grad_alpha.chunks_mut(bs))
            .zip(col_partial.chunks_mut(n))
            .zip(row.chunks_mut(ROW_BLOCK))
            .zip(ge_blocks.drain(..))
            .enumerate()
            .map(
                |(b, (((((hebb, grad_hebb), grad_alpha), col), row), grad_eta))| RowBlock {
                    first_row: b * ROW_BLOCK,
                    hebb,
                    grad_hebb,
                    grad_alpha,
                    grad_eta,
                    col,
                    row,
                    eta_sum: T::ZERO,
                },
            )
            .collect();
        let work = |blk: &mut RowBlock<'_, T>| {
            blk.col.fill(T::ZERO);
            blk.eta_sum = T::ZERO;
            for r in 0..blk.row.len() {
                let i = blk.first_row + r;
                let span = r * n..(r + 1) * n;
                let ge: &mut [T] = if per_connection {
                    &mut blk.grad_eta[span.clone()]
                } else {
                    &mut []
                };
                let (rd, e) = T::backward_row(
                    BackwardRow {
                        w: &sh.p.w[i * n..(i + 1) * n],
                        alpha: &sh.p.alpha[i * n..(i + 1) * n],
                        eta: sh.eta_row(i),
                        inv_keep: sh.inv_keep_row(i),
                        hebb: &mut blk.hebb[span.clone()],
                        grad_hebb: &mut blk.grad_hebb[span.clone()],
                        grad_alpha: &mut blk.grad_alpha[span],
                        grad_eta: ge,
                        col: blk.col,
                        y_prev,
                        y_prev2,
                        grad_drive: ga_t[i],
                        post: y_t[i],
                    },
                    reverse,
                    per_connection,
                );
                blk.row[r] = rd;
                blk.eta_sum += e;
            }
        };
        // Zig-zag over the row blocks (see the forward pass): with a working set (W, α, H, G^H,
        // ∂L/∂α) larger than the last-level cache, sweeping in one direction every step evicts
        // each line just before it is needed again; alternating reuses what the cache holds.
        // Partial sums are combined below in block order whatever the visiting order. Sweep
        // number 2T − 1 − t continues the forward pass's count (its sweep t is number t − 2).
        let backwards = t % 2 == 0;
        match (n >= PARALLEL_MIN_N, backwards) {
            (true, false) => blocks.par_iter_mut().for_each(work),
            (true, true) => blocks.par_iter_mut().rev().for_each(work),
            (false, false) => blocks.iter_mut().for_each(work),
            (false, true) => blocks.iter_mut().rev().for_each(work),
        }
        col.fill(T::ZERO);
        for blk in &blocks {
            add_into(&mut col, blk.col);
            grad_eta_shared += blk.eta_sum;
        }
        drop(blocks);
        // ∂L/∂y_{t−1} = column part + row part + direct loss; then through tanh.
        total += loss.step(b, t - 1, steps, n, y_prev, &mut gy);
        let ga_prev = &mut ga_before[(t - 2) * n..(t - 1) * n];
        for i in 0..n {
            let g = col[i] + row[i] + gy[i];
            ga_prev[i] = g * (T::ONE - y_prev[i] * y_prev[i]);
        }
        t -= 1;
    }
    // y_0 = 0 makes every parameter gradient of step 1 vanish; clear its row for the dgemm.
    grad_drive[..n].fill(T::ZERO);
    let grad_eta = if per_connection {
        EtaGrad::PerConnection(grad_eta_conn)
    } else {
        EtaGrad::Shared(grad_eta_shared)
    };
    Ok(EpisodeGrad {
        loss: total,
        ys,
        grad_drive,
        grad_alpha,
        grad_eta,
    })
}
