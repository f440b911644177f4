//! The hand-derived backward pass of one episode (`docs/reference/rules.md` §4): reverses (or reloads, or
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
use crate::rnn::plastic::runs::{
    active_limit, find_run, fused_run, unsaturated_rows, RunBuffers, RunPlan,
};
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

/// The episode's N×N buffers one backward step reads and writes, and its row and column sums.
struct StepBuffers<'a, T> {
    /// The trace H_t, turned into H_{t−1} (reversed) unless it was reloaded or recomputed.
    hebb: &'a mut [T],
    grad_hebb: &'a mut [T],
    grad_alpha: &'a mut [T],
    /// ∂L/∂η per connection (empty for a shared η).
    grad_eta: &'a mut [T],
    /// One partial column sum of N per row block.
    col_partial: &'a mut [T],
    /// Row sums Σ_j η ∂L/∂H_{t−1} y_{t−2}.
    row: &'a mut [T],
    /// Column part of ∂L/∂y_{t−1}, the partials added in block order.
    col: &'a mut [T],
}

/// Backward step t over all rows, in fixed blocks of rows run in parallel, each with its own
/// partial column sum; the partials are added in block order, so the result does not depend
/// on which thread ran which block. Adds the blocks' shared-η gradients to `eta_total`, one
/// by one in block order.
#[inline]
fn backward_rows<T: Real>(
    sh: &Shared<'_, T>,
    ys: &[T],
    t: usize,
    ga_t: &[T],
    reverse: bool,
    buf: StepBuffers<'_, T>,
    eta_total: &mut T,
) {
    let n = sh.p.n;
    let per_connection = sh.p.per_connection();
    let n_blocks = n.div_ceil(ROW_BLOCK);
    let y_t = &ys[t * n..(t + 1) * n];
    let y_prev = &ys[(t - 1) * n..t * n];
    let y_prev2 = &ys[(t - 2) * n..(t - 1) * n];
    let bs = ROW_BLOCK * n;
    let mut ge_blocks: Vec<&mut [T]> = if per_connection {
        buf.grad_eta.chunks_mut(bs).collect()
    } else {
        (0..n_blocks).map(|_| <&mut [T]>::default()).collect()
    };
    let mut blocks: Vec<RowBlock<'_, T>> = buf
        .hebb
        .chunks_mut(bs)
        .zip(buf.grad_hebb.chunks_mut(bs))
        .zip(buf.grad_alpha.chunks_mut(bs))
        .zip(buf.col_partial.chunks_mut(n))
        .zip(buf.row.chunks_mut(ROW_BLOCK))
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
    let inputs = StepInputs {
        y_t,
        y_prev,
        y_prev2,
        ga_t,
        reverse,
        per_connection,
    };
    let work = |blk: &mut RowBlock<'_, T>| backward_block(sh, &inputs, blk);
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
    buf.col.fill(T::ZERO);
    for blk in &blocks {
        add_into(buf.col, blk.col);
        *eta_total += blk.eta_sum;
    }
}

/// What every row of backward step t reads besides its own matrices.
struct StepInputs<'a, T> {
    y_t: &'a [T],
    y_prev: &'a [T],
    y_prev2: &'a [T],
    /// ∂L/∂a_t.
    ga_t: &'a [T],
    reverse: bool,
    per_connection: bool,
}

/// Backward step t over one block of rows: its partial column sum, its row sums and its share
/// of a shared η's gradient.
#[inline(always)]
fn backward_block<T: Real>(sh: &Shared<'_, T>, inp: &StepInputs<'_, T>, blk: &mut RowBlock<'_, T>) {
    let n = sh.p.n;
    blk.col.fill(T::ZERO);
    blk.eta_sum = T::ZERO;
    for r in 0..blk.row.len() {
        let i = blk.first_row + r;
        let span = r * n..(r + 1) * n;
        let ge: &mut [T] = if inp.per_connection {
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
                y_prev: inp.y_prev,
                y_prev2: inp.y_prev2,
                grad_drive: inp.ga_t[i],
                post: inp.y_t[i],
            },
            inp.reverse,
            inp.per_connection,
        );
        blk.row[r] = rd;
        blk.eta_sum += e;
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
    let mut ep = Episode::new(sh, x, steps)?;
    ep.last_step(b, steps, loss);
    // Runs of steps at which all but a few neurons are saturated (1 − y² = 0, e.g. under
    // inputs ±20) are done in one pass for the saturated rows (`runs.rs`).
    let fuse = !per_connection && !sh.recompute;
    let limit = active_limit(n);
    let unsaturated = if fuse {
        unsaturated_rows(&ep.ys, n, steps, limit)
    } else {
        Vec::new()
    };
    let mut t = steps;
    while t >= 2 {
        let plain = |u: usize| u != steps && !sh.is_checkpoint(u - 1, steps);
        let run = if fuse {
            find_run(
                t,
                &ep.grad_drive[(t - 1) * n..t * n],
                &unsaturated,
                plain,
                limit,
            )
        } else {
            None
        };
        if let Some(plan) = run {
            ep.fused_run(sh, b, steps, loss, &plan);
            t = plan.t0 - 1;
            continue;
        }
        ep.step(sh, b, t, steps, loss)?;
        t -= 1;
    }
    Ok(ep.finish(n, per_connection))
}

/// The state of one episode's backward pass: the forward pass's outputs and trace copies, the
/// gradients accumulated so far, and the work buffers of a step.
struct Episode<T> {
    ys: Vec<T>,
    /// The working trace H_t.
    hebb: Vec<T>,
    checkpoints: Checkpoints<T>,
    total: f64,
    grad_drive: Vec<T>,
    grad_alpha: Vec<T>,
    grad_eta_conn: Vec<T>,
    grad_eta_shared: T,
    grad_hebb: Vec<T>,
    gy: Vec<T>,
    col: Vec<T>,
    col_partial: Vec<T>,
    row: Vec<T>,
    /// Recomputation: the traces strictly between two copies, refilled once per segment.
    segment: Vec<T>,
    segment_base: usize,
}

impl<T: Real> Episode<T> {
    /// Runs the forward pass and allocates the backward pass's buffers.
    fn new(sh: &Shared<'_, T>, x: &[T], steps: usize) -> Result<Self> {
        let n = sh.p.n;
        let (ys, hebb, checkpoints) = forward_episode(sh, x, steps, true)?;
        let grad_drive = vec![T::ZERO; steps * n];
        let grad_alpha = zeroed_matrix::<T>(n);
        let grad_eta_conn = if sh.p.per_connection() {
            zeroed_matrix::<T>(n)
        } else {
            Vec::new()
        };
        let grad_hebb = zeroed_matrix::<T>(n);
        let n_blocks = n.div_ceil(ROW_BLOCK);
        let segment = if sh.recompute {
            Checkpoints::reserve(segment_slots(steps, sh.checkpoint_every), n)?.data
        } else {
            Vec::new()
        };
        Ok(Episode {
            ys,
            hebb,
            checkpoints,
            total: 0.0,
            grad_drive,
            grad_alpha,
            grad_eta_conn,
            grad_eta_shared: T::ZERO,
            grad_hebb,
            gy: vec![T::ZERO; n],
            col: vec![T::ZERO; n],
            col_partial: vec![T::ZERO; n_blocks * n],
            row: vec![T::ZERO; n],
            segment,
            segment_base: usize::MAX,
        })
    }

    /// The loss of step T and ∂L/∂a_T (no backward pass visits it; nor t = 1 when T = 1).
    fn last_step(&mut self, b: usize, steps: usize, loss: &LossSpec<'_, T>) {
        let n = self.gy.len();
        self.total += loss.step(b, steps, steps, n, &self.ys[steps * n..], &mut self.gy);
        for i in 0..n {
            let y = self.ys[steps * n + i];
            self.grad_drive[(steps - 1) * n + i] = self.gy[i] * (T::ONE - y * y);
        }
    }

    /// Backward steps t1 … t0 of a run of saturated steps, in one pass for the quiet rows.
    fn fused_run(
        &mut self,
        sh: &Shared<'_, T>,
        b: usize,
        steps: usize,
        loss: &LossSpec<'_, T>,
        plan: &RunPlan,
    ) {
        // Sweep direction of step t0 (see the zig-zag in `backward_rows`).
        let backwards = plan.t0 % 2 == 0;
        let bufs = RunBuffers {
            hebb: &mut self.hebb,
            grad_hebb: &mut self.grad_hebb,
            grad_alpha: &mut self.grad_alpha,
            grad_drive: &mut self.grad_drive,
            col_partial: &mut self.col_partial,
            row: &mut self.row,
            col: &mut self.col,
            gy: &mut self.gy,
        };
        let (l, e) = fused_run(sh, &self.ys, b, steps, loss, plan, bufs, backwards);
        self.total += l;
        self.grad_eta_shared += e;
    }

    /// Pass t: from ∂L/∂a_t and ∂L/∂H_t to ∂L/∂y_{t−1} and ∂L/∂H_{t−1}; H_t → H_{t−1}.
    fn step(
        &mut self,
        sh: &Shared<'_, T>,
        b: usize,
        t: usize,
        steps: usize,
        loss: &LossSpec<'_, T>,
    ) -> Result<()> {
        let n = sh.p.n;
        let (reverse, in_segment) = self.recover_trace(sh, t, steps)?;
        let Episode {
            ys,
            hebb,
            total,
            grad_drive,
            grad_alpha,
            grad_eta_conn,
            grad_eta_shared,
            grad_hebb,
            gy,
            col,
            col_partial,
            row,
            segment,
            segment_base,
            ..
        } = self;
        let nn = n * n;
        let trace: &mut [T] = if in_segment {
            let slot = t - 1 - *segment_base - 1;
            &mut segment[slot * nn..(slot + 1) * nn]
        } else {
            hebb
        };
        let y_prev = &ys[(t - 1) * n..t * n];
        let (ga_before, ga_rest) = grad_drive.split_at_mut((t - 1) * n);
        let step = StepBuffers {
            hebb: trace,
            grad_hebb,
            grad_alpha,
            grad_eta: grad_eta_conn,
            col_partial,
            row,
            col,
        };
        backward_rows(sh, ys, t, &ga_rest[..n], reverse, step, grad_eta_shared);
        // ∂L/∂y_{t−1} = column part + row part + direct loss; then through tanh.
        *total += loss.step(b, t - 1, steps, n, y_prev, gy);
        let ga_prev = &mut ga_before[(t - 2) * n..(t - 1) * n];
        for i in 0..n {
            let g = col[i] + row[i] + gy[i];
            ga_prev[i] = g * (T::ONE - y_prev[i] * y_prev[i]);
        }
        Ok(())
    }

    /// Makes the trace H_{t−1} available to pass t: reversed from H_t by the kernel (returns
    /// `reverse`), reloaded from an exact copy, or recomputed with its segment (returns
    /// `in_segment`: it is then in `segment`, not `hebb`).
    fn recover_trace(
        &mut self,
        sh: &Shared<'_, T>,
        t: usize,
        steps: usize,
    ) -> Result<(bool, bool)> {
        let n = sh.p.n;
        let k = sh.checkpoint_every;
        let s = t - 1;
        if t == steps {
            Ok((false, false))
        } else if sh.is_checkpoint(s, steps) {
            self.hebb.copy_from_slice(self.checkpoints.get(s, k, n * n));
            Ok((false, false))
        } else if sh.recompute {
            let base = s / k * k;
            if base != self.segment_base {
                recompute_segment(sh, &self.ys, &self.checkpoints, base, s, &mut self.segment)?;
                self.segment_base = base;
            }
            Ok((false, true))
        } else {
            Ok((true, false))
        }
    }

    /// The episode's gradient pieces (∂L/∂a of step 1 cleared: y_0 = 0 makes every parameter
    /// gradient of step 1 vanish, and the dgemm reads the row).
    fn finish(mut self, n: usize, per_connection: bool) -> EpisodeGrad<T> {
        self.grad_drive[..n].fill(T::ZERO);
        let grad_eta = if per_connection {
            EtaGrad::PerConnection(self.grad_eta_conn)
        } else {
            EtaGrad::Shared(self.grad_eta_shared)
        };
        EpisodeGrad {
            loss: self.total,
            ys: self.ys,
            grad_drive: self.grad_drive,
            grad_alpha: self.grad_alpha,
            grad_eta,
        }
    }
}
