//! The forward pass: one episode with the fused row kernel (`docs/reference/rules.md` §4), and a batch
//! of episodes in parallel.

use crate::error::Result;
use crate::rnn::plastic::checkpoints::{zeroed_matrix, Checkpoints};
use crate::rnn::plastic::kernels::ForwardRow;
use crate::rnn::plastic::params::{Episodes, PlasticParams};
use crate::rnn::plastic::plan::{checkpoint_count, TracePlan};
use crate::rnn::plastic::real::Real;
use crate::rnn::plastic::shared::{Shared, PARALLEL_MIN_N, ROW_BLOCK};
use rayon::prelude::*;

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
