//! One episode of the differentiable-plasticity network: the fused forward pass and the
//! hand-derived backward pass (`docs/rules.md` §4), run by `plastic_bptt`.

use crate::error::Result;
use crate::rnn::plastic::checkpoints::{recompute_segment, zeroed_matrix, Checkpoints};
use crate::rnn::plastic::kernels::{BackwardRow, ForwardRow};
use crate::rnn::plastic::params::{
    checkpoint_count, segment_slots, EtaGrad, EtaRef, PlasticParams, Real, Targets, TracePlan,
};
use crate::rnn::plastic::runs::{active_limit, find_run, fused_run, unsaturated_rows, RunBuffers};
use rayon::prelude::*;

/// Rows per block of the row-parallel steps (fixed: results do not depend on threads).
pub(crate) const ROW_BLOCK: usize = 32;

/// Below this size a time step is too short to share between threads.
pub(crate) const PARALLEL_MIN_N: usize = 192;

/// Per-episode constants shared by the forward and backward passes.
pub(crate) struct Shared<'a, T> {
    pub(crate) p: PlasticParams<'a, T>,
    /// η per connection, or a constant row for a shared η.
    eta_rows: EtaRows<T>,
    pub(crate) checkpoint_every: usize,
    pub(crate) recompute: bool,
}

/// η and 1/(1−η) laid out so that the kernels read one row of each.
enum EtaRows<T> {
    Shared { eta: Vec<T>, inv_keep: Vec<T> },
    PerConnection { inv_keep: Vec<T> },
}

impl<'a, T: Real> Shared<'a, T> {
    pub(crate) fn new(p: PlasticParams<'a, T>, plan: TracePlan) -> Self {
        let n = p.n;
        let eta_rows = match p.eta {
            EtaRef::Shared(e) => EtaRows::Shared {
                eta: vec![e; n],
                inv_keep: vec![T::ONE / (T::ONE - e); n],
            },
            EtaRef::PerConnection(e) => EtaRows::PerConnection {
                inv_keep: e.iter().map(|&v| T::ONE / (T::ONE - v)).collect(),
            },
        };
        Shared {
            p,
            eta_rows,
            checkpoint_every: plan.every.max(1),
            recompute: plan.recompute,
        }
    }

    pub(crate) fn eta_row(&self, i: usize) -> &[T] {
        let n = self.p.n;
        match (&self.eta_rows, self.p.eta) {
            (EtaRows::Shared { eta, .. }, _) => eta,
            (_, EtaRef::PerConnection(e)) => &e[i * n..(i + 1) * n],
            _ => unreachable!("eta rows match the eta kind"),
        }
    }

    pub(crate) fn inv_keep_row(&self, i: usize) -> &[T] {
        let n = self.p.n;
        match &self.eta_rows {
            EtaRows::Shared { inv_keep, .. } => inv_keep,
            EtaRows::PerConnection { inv_keep } => &inv_keep[i * n..(i + 1) * n],
        }
    }

    /// Whether the exact trace H_s is stored during the forward pass (1 ≤ s ≤ T−2).
    pub(crate) fn is_checkpoint(&self, s: usize, steps: usize) -> bool {
        s >= 1 && s + 2 <= steps && s % self.checkpoint_every == 0
    }
}

/// The forward pass of one episode: returns y_0..y_T (`[(T+1), N]`), the trace H_{T−1}, and
/// the stored exact copies of the trace (`Error::OutOfMemory` if they do not fit).
pub(crate) fn forward_episode<T: Real>(
    sh: &Shared<'_, T>,
    x: &[T],
    steps: usize,
    keep_checkpoints: bool,
) -> Result<(Vec<T>, Vec<T>, Checkpoints<T>)> {
    let n = sh.p.n;
    let count = if keep_checkpoints {
        checkpoint_count(steps, sh.checkpoint_every)
    } else {
        0
    };
    let mut checkpoints = Checkpoints::reserve(count, n)?;
    let mut ys = vec![T::ZERO; (steps + 1) * n];
    let mut hebb = zeroed_matrix::<T>(n);
    for t in 1..=steps {
        let x_t = &x[(t - 1) * n..t * n];
        let (past, rest) = ys.split_at_mut(t * n);
        let y_t = &mut rest[..n];
        if t == 1 {
            // y_0 = 0: no recurrent drive, and H_1 = η y_1 y_0ᵀ = 0.
            for (yi, &xi) in y_t.iter_mut().zip(x_t) {
                *yi = xi.tanh();
            }
            continue;
        }
        let y_prev = &past[(t - 1) * n..t * n];
        let y_before = &past[(t - 2) * n..(t - 1) * n];
        // Rows are independent in the forward step: blocks of rows may run on any thread.
        let rows = |(b, (hebb_block, y_block)): (usize, (&mut [T], &mut [T]))| {
            for (r, y_i) in y_block.iter_mut().enumerate() {
                let i = b * ROW_BLOCK + r;
                let drive = T::forward_row(ForwardRow {
                    w: &sh.p.w[i * n..(i + 1) * n],
                    alpha: &sh.p.alpha[i * n..(i + 1) * n],
                    eta: sh.eta_row(i),
                    hebb: &mut hebb_block[r * n..(r + 1) * n],
                    y: y_prev,
                    y_before,
                    post: y_prev[i],
                    shared_eta: !sh.p.per_connection(),
                });
                *y_i = (drive + x_t[i]).tanh();
            }
        };
        // Zig-zag: every other step visits the rows last to first, so the rows the previous
        // step touched last (still in cache) come first. Rows are independent: same values.
        // (This is sweep number t − 2; the backward pass continues the alternation.)
        let backwards = t % 2 == 1;
        if n >= PARALLEL_MIN_N {
            let it = hebb
                .par_chunks_mut(ROW_BLOCK * n)
                .zip(y_t.par_chunks_mut(ROW_BLOCK))
                .enumerate();
            if backwards {
                it.rev().for_each(rows);
            } else {
                it.for_each(rows);
            }
        } else {
            let it = hebb
                .chunks_mut(ROW_BLOCK * n)
                .zip(y_t.chunks_mut(ROW_BLOCK))
                .enumerate();
            if backwards {
                it.rev().for_each(rows);
            } else {
                it.for_each(rows);
            }
        }
        // `hebb` now holds H_{t−1}.
        if keep_checkpoints && sh.is_checkpoint(t - 1, steps) {
            checkpoints.data.extend_from_slice(&hebb);
        }
    }
    Ok((ys, hebb, checkpoints))
}

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

/// The loss: targets, optional mask weights, and the 1/B scale of its gradient.
pub(crate) struct LossSpec<'a, T> {
    pub(crate) targets: Targets<'a, T>,
    pub(crate) mask: Option<&'a [T]>,
    pub(crate) scale: f64,
}

impl<T: Real> LossSpec<'_, T> {
    /// Adds the loss of step t into the total and writes ∂L/∂y_t into `grad` (zero if unscored).
    pub(crate) fn step(
        &self,
        b: usize,
        t: usize,
        steps: usize,
        n: usize,
        y: &[T],
        grad: &mut [T],
    ) -> f64 {
        let offset = match self.targets {
            Targets::LastStep(_) if t != steps => {
                grad.fill(T::ZERO);
                return 0.0;
            }
            Targets::LastStep(_) => b * n,
            Targets::EveryStep(_) => (b * steps + (t - 1)) * n,
        };
        let target = match self.targets {
            Targets::LastStep(v) | Targets::EveryStep(v) => &v[offset..offset + n],
        };
        let mut loss = 0.0;
        for i in 0..n {
            let m = self.mask.map_or(T::ONE, |m| m[offset + i]);
            let err = y[i] - target[i];
            loss += (m * err * err).to_f64();
            grad[i] = T::from_f64(2.0 * self.scale) * m * err;
        }
        loss
    }
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

pub(crate) fn add_into<T: Real>(acc: &mut [T], x: &[T]) {
    for (a, &b) in acc.iter_mut().zip(x) {
        *a += b;
    }
}
