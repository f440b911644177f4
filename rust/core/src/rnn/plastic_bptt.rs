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
//! by 1/(1−η): harmless for η ≈ 0.01 (×2.9 over 106 steps), explosive for η near 1 (the trace
//! forgets and cannot be un-forgotten). So the forward pass also stores an exact copy of the
//! trace every K steps and the backward pass re-anchors there: with the default K (chosen from
//! the largest η so that the amplification stays below 2⁸), the reconstruction error stays
//! below ~10⁻¹³ of the trace's scale, and memory is (1 + ⌊(T−2)/K⌋)·N² for the trace instead of
//! T·N² (one matrix for η ≤ 0.05 and T ≤ 110). The error is measured in the tests below.
//!
//! The equations (forward and backward) are in `docs/rules.md` §4.

use crate::error::{Error, Result};
use crate::rnn::plastic_kernels::{BackwardRow, ForwardRow};
pub use crate::rnn::plastic_real::Real;
use rayon::prelude::*;

/// Rows per block of the row-parallel steps (fixed: results do not depend on threads).
const ROW_BLOCK: usize = 32;

/// Below this size a time step is too short to share between threads.
const PARALLEL_MIN_N: usize = 192;

/// Amplification allowed for the reversed trace between two exact copies (2⁸: ~8 bits).
const REVERSAL_BUDGET: f64 = 8.0 * std::f64::consts::LN_2;

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

    fn per_connection(&self) -> bool {
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

/// Exact copies of the trace kept by the forward pass: (step s, H_s).
type Checkpoints<T> = Vec<(usize, Vec<T>)>;

/// Per-episode constants shared by the forward and backward passes.
struct Shared<'a, T> {
    p: PlasticParams<'a, T>,
    /// η per connection, or a constant row for a shared η.
    eta_rows: EtaRows<T>,
    checkpoint_every: usize,
}

/// η and 1/(1−η) laid out so that the kernels read one row of each.
enum EtaRows<T> {
    Shared { eta: Vec<T>, inv_keep: Vec<T> },
    PerConnection { inv_keep: Vec<T> },
}

impl<'a, T: Real> Shared<'a, T> {
    fn new(p: PlasticParams<'a, T>, checkpoint_every: usize) -> Self {
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
            checkpoint_every,
        }
    }

    fn eta_row(&self, i: usize) -> &[T] {
        let n = self.p.n;
        match (&self.eta_rows, self.p.eta) {
            (EtaRows::Shared { eta, .. }, _) => eta,
            (_, EtaRef::PerConnection(e)) => &e[i * n..(i + 1) * n],
            _ => unreachable!("eta rows match the eta kind"),
        }
    }

    fn inv_keep_row(&self, i: usize) -> &[T] {
        let n = self.p.n;
        match &self.eta_rows {
            EtaRows::Shared { inv_keep, .. } => inv_keep,
            EtaRows::PerConnection { inv_keep } => &inv_keep[i * n..(i + 1) * n],
        }
    }

    /// Whether the exact trace H_s is stored during the forward pass (1 ≤ s ≤ T−2).
    fn is_checkpoint(&self, s: usize, steps: usize) -> bool {
        s >= 1 && s + 2 <= steps && s % self.checkpoint_every == 0
    }
}

/// The forward pass of one episode: returns y_0..y_T (`[(T+1), N]`), the trace H_{T−1}, and
/// the stored exact copies of the trace.
fn forward_episode<T: Real>(
    sh: &Shared<'_, T>,
    x: &[T],
    steps: usize,
    keep_checkpoints: bool,
) -> (Vec<T>, Vec<T>, Checkpoints<T>) {
    let n = sh.p.n;
    let mut ys = vec![T::ZERO; (steps + 1) * n];
    let mut hebb = vec![T::ZERO; n * n];
    let mut checkpoints = Vec::new();
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
                });
                *y_i = (drive + x_t[i]).tanh();
            }
        };
        if n >= PARALLEL_MIN_N {
            hebb.par_chunks_mut(ROW_BLOCK * n)
                .zip(y_t.par_chunks_mut(ROW_BLOCK))
                .enumerate()
                .for_each(rows);
        } else {
            hebb.chunks_mut(ROW_BLOCK * n)
                .zip(y_t.chunks_mut(ROW_BLOCK))
                .enumerate()
                .for_each(rows);
        }
        // `hebb` now holds H_{t−1}.
        if keep_checkpoints && sh.is_checkpoint(t - 1, steps) {
            checkpoints.push((t - 1, hebb.clone()));
        }
    }
    (ys, hebb, checkpoints)
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
struct EpisodeGrad<T> {
    loss: f64,
    ys: Vec<T>,
    /// ∂L/∂a_t for t = 1..T (`[T, N]`; the row of t = 1 stays 0: y_0 = 0 makes it irrelevant).
    grad_drive: Vec<T>,
    grad_alpha: Vec<T>,
    grad_eta: EtaGrad<T>,
}

/// Loss and ∂L/∂y_t of one episode at step t (1-based), added into `out`.
struct LossSpec<'a, T> {
    targets: Targets<'a, T>,
    mask: Option<&'a [T]>,
    scale: f64,
}

impl<T: Real> LossSpec<'_, T> {
    /// Adds the loss of step t into the total and writes ∂L/∂y_t into `grad` (zero if unscored).
    fn step(&self, b: usize, t: usize, steps: usize, n: usize, y: &[T], grad: &mut [T]) -> f64 {
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

fn backward_episode<T: Real>(
    sh: &Shared<'_, T>,
    b: usize,
    x: &[T],
    steps: usize,
    loss: &LossSpec<'_, T>,
) -> EpisodeGrad<T> {
    let n = sh.p.n;
    let per_connection = sh.p.per_connection();
    let (ys, mut hebb, checkpoints) = forward_episode(sh, x, steps, true);
    let mut total = 0.0;
    let mut grad_drive = vec![T::ZERO; steps * n];
    let mut grad_alpha = vec![T::ZERO; n * n];
    let mut grad_eta_conn = if per_connection {
        vec![T::ZERO; n * n]
    } else {
        Vec::new()
    };
    let mut grad_eta_shared = T::ZERO;
    let mut grad_hebb = vec![T::ZERO; n * n];
    let mut gy = vec![T::ZERO; n];
    let n_blocks = n.div_ceil(ROW_BLOCK);
    let mut col = vec![T::ZERO; n];
    let mut col_partial = vec![T::ZERO; n_blocks * n];
    let mut row = vec![T::ZERO; n];

    // Losses of the steps that no backward pass visits (t = 1 when T = 1, and t = T below).
    total += loss.step(b, steps, steps, n, &ys[steps * n..], &mut gy);
    for i in 0..n {
        let y = ys[steps * n + i];
        grad_drive[(steps - 1) * n + i] = gy[i] * (T::ONE - y * y);
    }
    let mut next_checkpoint = checkpoints.len();
    for t in (2..=steps).rev() {
        // Pass t: from ∂L/∂a_t and ∂L/∂H_t to ∂L/∂y_{t−1} and ∂L/∂H_{t−1}; H_t → H_{t−1}.
        let reverse = if t == steps {
            false
        } else if next_checkpoint > 0 && checkpoints[next_checkpoint - 1].0 == t - 1 {
            next_checkpoint -= 1;
            hebb.copy_from_slice(&checkpoints[next_checkpoint].1);
            false
        } else {
            true
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
        let mut blocks: Vec<RowBlock<'_, T>> = hebb
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
        if n >= PARALLEL_MIN_N {
            blocks.par_iter_mut().for_each(work);
        } else {
            blocks.iter_mut().for_each(work);
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
    }
    // y_0 = 0 makes every parameter gradient of step 1 vanish; clear its row for the dgemm.
    grad_drive[..n].fill(T::ZERO);
    let grad_eta = if per_connection {
        EtaGrad::PerConnection(grad_eta_conn)
    } else {
        EtaGrad::Shared(grad_eta_shared)
    };
    EpisodeGrad {
        loss: total,
        ys,
        grad_drive,
        grad_alpha,
        grad_eta,
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
    let sh = Shared::new(p, usize::MAX);
    let per_episode: Vec<Vec<T>> = (0..ep.batch)
        .into_par_iter()
        .map(|b| {
            let (ys, _, _) = forward_episode(&sh, ep.episode(b, n), ep.steps, false);
            ys
        })
        .collect();
    let mut out = Vec::with_capacity(ep.batch * ep.steps * n);
    for ys in per_episode {
        out.extend_from_slice(&ys[n..]);
    }
    Ok(out)
}

/// Loss `(1/B) Σ m (y − target)²` and its exact gradients with respect to W, α and η.
///
/// `checkpoint_every`: spacing of exact trace copies (`None`: chosen from η, see the module
/// docs; `Some(1)`: keep every trace, the autograd-like reference).
pub fn loss_and_grad<T: Real>(
    p: PlasticParams<'_, T>,
    ep: Episodes<'_, T>,
    targets: Targets<'_, T>,
    mask: Option<&[T]>,
    checkpoint_every: Option<usize>,
) -> Result<LossAndGrad<T>> {
    p.validate()?;
    ep.validate(p.n)?;
    validate_targets(&targets, mask, &ep, p.n)?;
    if checkpoint_every == Some(0) {
        return Err(Error::argument("checkpoint_every", "must be ≥ 1"));
    }
    let n = p.n;
    let k = checkpoint_every.unwrap_or_else(|| default_checkpoint_every(p.eta_max()));
    let sh = Shared::new(p, k);
    let spec = LossSpec {
        targets,
        mask,
        scale: 1.0 / ep.batch as f64,
    };

    let mut loss = 0.0;
    let mut grad_w = vec![T::ZERO; n * n];
    let mut grad_alpha = vec![T::ZERO; n * n];
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
            .collect();
        for g in grads {
            loss += g.loss;
            add_into(&mut grad_alpha, &g.grad_alpha);
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
    })
}

fn add_into<T: Real>(acc: &mut [T], x: &[T]) {
    for (a, &b) in acc.iter_mut().zip(x) {
        *a += b;
    }
}

#[cfg(test)]
#[path = "plastic_bptt_tests.rs"]
mod tests;
