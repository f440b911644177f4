//! The matrix kernels without intrinsics (auto-vectorised for the build target): the lanes and
//! summation order of [`super::avx2`], every product and sum rounded separately.

use super::{reduce, Alpha, Lanes, BLOCK, LANES};

/// `Σ_j term(j)` for `j < n` with the lanes of [`Lanes`] (block lanes, then the tail in order).
#[inline(always)]
fn sum_lanes(n: usize, term: impl Fn(usize) -> f64) -> f64 {
    let l = Lanes::new(n);
    let mut acc = [0.0; BLOCK];
    let mut j = 0;
    while j < l.blocks {
        for (k, a) in acc.iter_mut().enumerate() {
            *a += term(j + k);
        }
        j += BLOCK;
    }
    if j < l.body {
        for (k, a) in acc[..LANES].iter_mut().enumerate() {
            *a += term(j + k);
        }
    }
    let mut tail = 0.0;
    for k in l.body..n {
        tail += term(k);
    }
    reduce(acc) + tail
}

/// `Σ_j a[j]·b[j]` (lanes: see [`Lanes`]).
#[inline(always)]
pub fn dot(a: &[f64], x: &[f64]) -> f64 {
    let n = x.len();
    let a = &a[..n];
    sum_lanes(n, |j| a[j] * x[j])
}

/// `out[i] = Σ_j mat[i, j]·x[j]`.
#[inline(always)]
pub fn matvec(out: &mut [f64], mat: &[f64], x: &[f64]) {
    let n = x.len();
    if n == 0 {
        out.fill(0.0);
        return;
    }
    for (o, row) in out.iter_mut().zip(mat.chunks_exact(n)) {
        *o = dot(row, x);
    }
}

/// `out[i] = Σ_j (w[i, j] + alpha[i, j]·h[i, j])·x[j]`.
#[inline(always)]
pub fn matvec_plastic(out: &mut [f64], w: &[f64], alpha: Alpha<'_>, h: &[f64], x: &[f64]) {
    let n = x.len();
    for (i, o) in out.iter_mut().enumerate() {
        let s = i * n..(i + 1) * n;
        let (w, h) = (&w[s.clone()], &h[s.clone()]);
        *o = match alpha {
            Alpha::PerConnection(a) => {
                let a = &a[s];
                sum_lanes(n, |j| (w[j] + a[j] * h[j]) * x[j])
            }
            Alpha::Uniform(a0) => sum_lanes(n, |j| (w[j] + a0 * h[j]) * x[j]),
        };
    }
}

/// `m[i, j] ← clip(keep·m[i, j] + scale·a[i]·b[j], ±bound)`.
#[inline(always)]
pub fn rank1(m: &mut [f64], keep: f64, scale: f64, a: &[f64], b: &[f64], bound: f64) {
    let n = b.len();
    if n == 0 {
        return;
    }
    for (row, &ai) in m.chunks_exact_mut(n).zip(a) {
        let c = scale * ai;
        for (mij, &bj) in row.iter_mut().zip(b) {
            *mij = (keep * *mij + c * bj).clamp(-bound, bound);
        }
    }
}

/// The fused step of [`super::avx2::fused`]: every row `i` updated with `c = scale·post[i]`
/// (diagonal kept), then `out[i] = Σ_j e[i, j]·x[j]`, `e = m'` or `w + alpha ⊙ m'`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn fused(
    out: &mut [f64],
    m: &mut [f64],
    keep: f64,
    scale: f64,
    post: &[f64],
    pre: &[f64],
    bound: f64,
    x: &[f64],
    eff: Option<(&[f64], Alpha<'_>)>,
) {
    let n = x.len();
    let pre = &pre[..n];
    for (i, o) in out[..n].iter_mut().enumerate() {
        let c = scale * post[i];
        let row = &mut m[i * n..(i + 1) * n];
        let saved = row[i];
        for (mij, &bj) in row.iter_mut().zip(pre) {
            *mij = (keep * *mij + c * bj).clamp(-bound, bound);
        }
        row[i] = saved;
        let row = &*row;
        *o = match eff {
            Some((w, Alpha::PerConnection(a))) => {
                let (w, a) = (&w[i * n..(i + 1) * n], &a[i * n..(i + 1) * n]);
                sum_lanes(n, |j| (w[j] + a[j] * row[j]) * x[j])
            }
            Some((w, Alpha::Uniform(a0))) => {
                let w = &w[i * n..(i + 1) * n];
                sum_lanes(n, |j| (w[j] + a0 * row[j]) * x[j])
            }
            None => sum_lanes(n, |j| row[j] * x[j]),
        };
    }
}

/// `out[j] = fast_tanh(x[j])`.
#[inline(always)]
pub fn tanh(out: &mut [f64], x: &[f64]) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o = super::fast_tanh(v);
    }
}
