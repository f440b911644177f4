//! Runs of saturated backward steps done in one pass (`docs/design/kernels.md`, differentiable plasticity),
//! for `plastic_episode.rs`.
//!
//! When a neuron's tanh is saturated (1 − y² = 0 exactly, e.g. under the ±20 inputs of the
//! pattern-completion task), its ∂L/∂a is 0 whatever ∂L/∂y: at such a step its row of the trace
//! is only reversed, its adjoint only decays, and it adds to ∂L/∂y_{t−1} only through
//! η ∂L/∂H_t. A run of consecutive steps in which all but a few rows ("active" rows) are
//! saturated is done in two phases: every quiet row does all the run's steps in one pass over
//! its H and ∂L/∂H (the k steps in registers), also adding its share of the column sums at the
//! active columns for every step; then the active rows do the steps one by one with the usual
//! kernel, which needs those column sums to form their ∂L/∂a.

use crate::rnn::plastic::kernels::{BackwardRow, SilentRun};
use crate::rnn::plastic::loss::LossSpec;
use crate::rnn::plastic::real::Real;
use crate::rnn::plastic::shared::{add_into, Shared, PARALLEL_MIN_N, ROW_BLOCK};
use rayon::prelude::*;

/// Longest run fused into one pass (bounds the rows of y it reads per chunk).
pub(crate) const MAX_RUN: usize = 16;

/// Backward steps t1, t1 − 1, …, t0 done together, and the rows that are not saturated at some
/// step of the run (∂L/∂a_{t1} ≠ 0, or 1 − y_u² ≠ 0 for t0 ≤ u < t1), in increasing order.
pub(crate) struct RunPlan {
    pub(crate) t0: usize,
    pub(crate) t1: usize,
    pub(crate) active: Vec<usize>,
}

/// Per step, the rows whose tanh is not saturated (None when more than `limit`).
pub(crate) fn unsaturated_rows<T: Real>(
    ys: &[T],
    n: usize,
    steps: usize,
    limit: usize,
) -> Vec<Option<Vec<usize>>> {
    (0..=steps)
        .map(|t| {
            let mut rows = Vec::new();
            for (i, &y) in ys[t * n..(t + 1) * n].iter().enumerate() {
                if T::ONE - y * y != T::ZERO {
                    if rows.len() == limit {
                        return None;
                    }
                    rows.push(i);
                }
            }
            Some(rows)
        })
        .collect()
}

/// The most active rows a run may have (beyond them, steps are done one by one).
pub(crate) fn active_limit(n: usize) -> usize {
    (n / 16).max(2)
}

/// The run starting at step t (going down), if it has at least two steps: `ga_t` = ∂L/∂a_t,
/// `plain(u)`: step u reverses the trace (no copy to reload).
pub(crate) fn find_run<T: Real>(
    t: usize,
    ga_t: &[T],
    unsaturated: &[Option<Vec<usize>>],
    plain: impl Fn(usize) -> bool,
    limit: usize,
) -> Option<RunPlan> {
    if t < 3 || !plain(t) {
        return None;
    }
    let n = ga_t.len();
    let mut is_active = vec![false; n];
    let mut count = 0;
    for (i, &g) in ga_t.iter().enumerate() {
        if g != T::ZERO {
            if count == limit {
                return None;
            }
            is_active[i] = true;
            count += 1;
        }
    }
    let mut t0 = t;
    while t0 > 2 && t - t0 + 1 < MAX_RUN && plain(t0 - 1) {
        let Some(rows) = &unsaturated[t0 - 1] else {
            break;
        };
        let extra = rows.iter().filter(|&&i| !is_active[i]).count();
        if count + extra > limit {
            break;
        }
        for &i in rows {
            if !is_active[i] {
                is_active[i] = true;
                count += 1;
            }
        }
        t0 -= 1;
    }
    if t0 == t {
        return None;
    }
    let active = (0..n).filter(|&i| is_active[i]).collect();
    Some(RunPlan { t0, t1: t, active })
}

/// The episode's buffers a run reads and writes (`[T, N]` for `grad_drive`; N×N for the
/// matrices; one column partial of N per row block).
pub(crate) struct RunBuffers<'a, T> {
    pub(crate) hebb: &'a mut [T],
    pub(crate) grad_hebb: &'a mut [T],
    pub(crate) grad_alpha: &'a mut [T],
    pub(crate) grad_drive: &'a mut [T],
    pub(crate) col_partial: &'a mut [T],
    pub(crate) row: &'a mut [T],
    pub(crate) col: &'a mut [T],
    pub(crate) gy: &'a mut [T],
}

/// A block of rows in phase 1: (block index, ((((H, ∂L/∂H), column partial), row sums),
/// active-column partials)).
type QuietBlock<'a, T> = (
    usize,
    (
        (((&'a mut [T], &'a mut [T]), &'a mut [T]), &'a mut [T]),
        &'a mut [T],
    ),
);

/// Does backward steps t1..t0 of episode `b`: H_{t1} → H_{t0−1}, ∂L/∂H likewise, ∂L/∂α of the
/// active rows, ∂L/∂a_u for t0 − 1 ≤ u < t1 into `grad_drive` (0 for saturated rows: left as
/// they are, zero). Returns (the losses of steps t0 − 1 … t1 − 1, the run's η gradient).
/// `backwards`: visit the row blocks last to first (see the zig-zag in `plastic_episode.rs`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn fused_run<T: Real>(
    sh: &Shared<'_, T>,
    ys: &[T],
    b: usize,
    steps: usize,
    loss: &LossSpec<'_, T>,
    plan: &RunPlan,
    mut buf: RunBuffers<'_, T>,
    backwards: bool,
) -> (f64, T) {
    let n = sh.p.n;
    // Phase 1: quiet rows, all k steps in one pass. Per block, the column sums at the active
    // columns for steps t0 + 1 … t1 (slot (u − t0 − 1)·A + a).
    let slots = ((plan.t1 - plan.t0) * plan.active.len()).max(1);
    let mut active_col = vec![T::ZERO; n.div_ceil(ROW_BLOCK) * slots];
    let mut eta_total = quiet_rows(sh, ys, plan, &mut buf, &mut active_col, slots, backwards);
    // Phase 2: the active rows, step by step (a few rows: one thread).
    let (mut total, col_step) = active_rows(
        sh,
        ys,
        b,
        steps,
        loss,
        plan,
        &mut buf,
        &active_col,
        &mut eta_total,
    );
    total += run_input_gradient(ys, b, steps, loss, plan.t0, &mut buf, &col_step);
    (total, eta_total)
}

/// What every quiet row of a run reads.
struct QuietRun<'a, T> {
    ys: &'a [T],
    /// The active rows, in increasing order, and a flag per row.
    active: &'a [usize],
    is_active: Vec<bool>,
    n: usize,
    t0: usize,
    t1: usize,
    eta: T,
    inv_keep: T,
    keep: T,
    /// y_{t0−1} … y_{t1−1}, the presynaptic factors.
    pre: &'a [T],
    y_prev2: &'a [T],
}

impl<T: Real> QuietRun<'_, T> {
    /// All the run's steps for the quiet rows of one block: the block's column sums (and at
    /// the active columns, per step), its row sums; returns its share of the η gradient.
    #[inline(always)]
    fn block(&self, (blk, ((((hebb, grad_hebb), col), row), acol)): QuietBlock<'_, T>) -> T {
        let (n, t0, t1) = (self.n, self.t0, self.t1);
        let (eta, inv_keep, keep) = (self.eta, self.inv_keep, self.keep);
        let (ys, active, is_active) = (self.ys, self.active, &self.is_active);
        let (pre, y_prev2) = (self.pre, self.y_prev2);
        let n_active = active.len();
        let k = t1 - t0 + 1;
        col.fill(T::ZERO);
        acol.fill(T::ZERO);
        let mut gathered = vec![T::ZERO; n_active];
        let mut eta_sum = T::ZERO;
        for (r, row_sum) in row.iter_mut().enumerate() {
            let i = blk * ROW_BLOCK + r;
            if is_active[i] {
                continue;
            }
            let span = r * n..(r + 1) * n;
            let mut post = [T::ZERO; MAX_RUN];
            for (m, p) in post[..k].iter_mut().enumerate() {
                *p = ys[(t0 + m) * n + i];
            }
            // This row's η ∂L/∂H_u y_{u,i} at the active columns, u = t1 … t0 + 1 (∂L/∂H_u
            // is ∂L/∂H_{t1} decayed t1 − u times: no ∂L/∂a on this row); contiguous loops over
            // the active columns (vectorized).
            for (g, &j) in gathered.iter_mut().zip(active) {
                *g = grad_hebb[r * n + j];
            }
            for u in (t0 + 1..=t1).rev() {
                let p = eta * post[u - t0];
                let slots = &mut acol[(u - t0 - 1) * n_active..(u - t0) * n_active];
                for (slot, g) in slots.iter_mut().zip(gathered.iter_mut()) {
                    *slot += p * *g;
                    *g = keep * *g;
                }
            }
            let (rs, e) = T::silent_run_row(SilentRun {
                eta,
                inv_keep,
                hebb: &mut hebb[span.clone()],
                grad_hebb: &mut grad_hebb[span],
                col,
                pre,
                post: &post[..k],
                y_prev2,
            });
            *row_sum = rs;
            eta_sum += e;
        }
        eta_sum
    }
}

/// Phase 1 of a run: every quiet row does all the run's steps in one pass, adding its share of
/// the column sums at the active columns into `active_col` (`slots` per block). Returns the
/// η gradient of these rows, summed in block order whatever the visiting order.
fn quiet_rows<T: Real>(
    sh: &Shared<'_, T>,
    ys: &[T],
    plan: &RunPlan,
    buf: &mut RunBuffers<'_, T>,
    active_col: &mut [T],
    slots: usize,
    backwards: bool,
) -> T {
    let n = sh.p.n;
    let (t0, t1) = (plan.t0, plan.t1);
    let active = &plan.active;
    let mut is_active = vec![false; n];
    for &i in active {
        is_active[i] = true;
    }
    let (eta, inv_keep) = (sh.eta_row(0)[0], sh.inv_keep_row(0)[0]);
    let keep = T::ONE - eta;
    let n_blocks = n.div_ceil(ROW_BLOCK);
    let mut eta_sums = vec![T::ZERO; n_blocks];
    let pre = &ys[(t0 - 1) * n..t1 * n];
    let y_prev2 = &ys[(t0 - 2) * n..(t0 - 1) * n];
    let bs = ROW_BLOCK * n;
    let run = QuietRun {
        ys,
        active,
        is_active,
        n,
        t0,
        t1,
        eta,
        inv_keep,
        keep,
        pre,
        y_prev2,
    };
    let work = |item: QuietBlock<'_, T>| run.block(item);
    if n >= PARALLEL_MIN_N {
        let it = buf
            .hebb
            .par_chunks_mut(bs)
            .zip(buf.grad_hebb.par_chunks_mut(bs))
            .zip(buf.col_partial.par_chunks_mut(n))
            .zip(buf.row.par_chunks_mut(ROW_BLOCK))
            .zip(active_col.par_chunks_mut(slots))
            .enumerate()
            .zip(eta_sums.par_iter_mut());
        let put = |(item, out): (QuietBlock<'_, T>, &mut T)| *out = work(item);
        if backwards {
            it.rev().for_each(put);
        } else {
            it.for_each(put);
        }
    } else {
        for (item, out) in buf
            .hebb
            .chunks_mut(bs)
            .zip(buf.grad_hebb.chunks_mut(bs))
            .zip(buf.col_partial.chunks_mut(n))
            .zip(buf.row.chunks_mut(ROW_BLOCK))
            .zip(active_col.chunks_mut(slots))
            .enumerate()
            .zip(eta_sums.iter_mut())
        {
            *out = work(item);
        }
    }
    // Block order, whatever the visiting order.
    let mut eta_total = T::ZERO;
    for e in eta_sums {
        eta_total += e;
    }
    eta_total
}

/// Phase 2 of a run: the active rows step by step with the usual kernel, their ∂L/∂a from the
/// quiet rows' column sums; adds their η gradient to `eta_total`. Returns the losses of steps
/// t0 … t1 − 1 and the active rows' column sums of the last step (t0).
#[allow(clippy::too_many_arguments)]
fn active_rows<T: Real>(
    sh: &Shared<'_, T>,
    ys: &[T],
    b: usize,
    steps: usize,
    loss: &LossSpec<'_, T>,
    plan: &RunPlan,
    buf: &mut RunBuffers<'_, T>,
    active_col: &[T],
    eta_total: &mut T,
) -> (f64, Vec<T>) {
    let n = sh.p.n;
    let (t0, t1) = (plan.t0, plan.t1);
    let active = &plan.active;
    let n_active = active.len();
    let slots = ((t1 - t0) * n_active).max(1);
    let n_blocks = n.div_ceil(ROW_BLOCK);
    let mut total = 0.0;
    let mut col_step = vec![T::ZERO; n];
    let mut row_active = vec![T::ZERO; n_active];
    for u in (t0..=t1).rev() {
        col_step.fill(T::ZERO);
        let (y_u, y_prev) = (&ys[u * n..(u + 1) * n], &ys[(u - 1) * n..u * n]);
        let y_prev2 = &ys[(u - 2) * n..(u - 1) * n];
        for (a, &i) in active.iter().enumerate() {
            let span = i * n..(i + 1) * n;
            let (rd, e) = T::backward_row(
                BackwardRow {
                    w: &sh.p.w[span.clone()],
                    alpha: &sh.p.alpha[span.clone()],
                    eta: sh.eta_row(i),
                    inv_keep: sh.inv_keep_row(i),
                    hebb: &mut buf.hebb[span.clone()],
                    grad_hebb: &mut buf.grad_hebb[span.clone()],
                    grad_alpha: &mut buf.grad_alpha[span],
                    grad_eta: &mut [],
                    col: &mut col_step,
                    y_prev,
                    y_prev2,
                    grad_drive: buf.grad_drive[(u - 1) * n + i],
                    post: y_u[i],
                },
                true,
                false,
            );
            row_active[a] = rd;
            *eta_total += e;
        }
        if u == t0 {
            for (a, &i) in active.iter().enumerate() {
                buf.row[i] = row_active[a];
            }
            break;
        }
        // ∂L/∂a_{u−1} at the active rows (the others are saturated at u − 1: 0).
        total += loss.step(b, u - 1, steps, n, y_prev, buf.gy);
        let slot0 = (u - t0 - 1) * n_active;
        for (a, &i) in active.iter().enumerate() {
            let mut quiet = T::ZERO;
            for blk in 0..n_blocks {
                quiet += active_col[blk * slots + slot0 + a];
            }
            let g = col_step[i] + quiet + row_active[a] + buf.gy[i];
            buf.grad_drive[(u - 2) * n + i] = g * (T::ONE - y_prev[i] * y_prev[i]);
        }
    }
    (total, col_step)
}

/// ∂L/∂y_{t0−1} = column sums (quiet rows by block, then the active rows) + row sums + loss,
/// through tanh into ∂L/∂a_{t0−1}. Returns the loss of step t0 − 1.
fn run_input_gradient<T: Real>(
    ys: &[T],
    b: usize,
    steps: usize,
    loss: &LossSpec<'_, T>,
    t0: usize,
    buf: &mut RunBuffers<'_, T>,
    col_step: &[T],
) -> f64 {
    let n = col_step.len();
    buf.col.fill(T::ZERO);
    for part in buf.col_partial.chunks(n) {
        add_into(buf.col, part);
    }
    add_into(buf.col, col_step);
    let y_prev = &ys[(t0 - 1) * n..t0 * n];
    let total = loss.step(b, t0 - 1, steps, n, y_prev, buf.gy);
    let ga_prev = &mut buf.grad_drive[(t0 - 2) * n..(t0 - 1) * n];
    for i in 0..n {
        let g = buf.col[i] + buf.row[i] + buf.gy[i];
        ga_prev[i] = g * (T::ONE - y_prev[i] * y_prev[i]);
    }
    total
}

#[cfg(test)]
#[path = "runs_tests.rs"]
mod tests;
