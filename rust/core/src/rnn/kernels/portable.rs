//! The row kernels without intrinsics (auto-vectorised for the build target).

use super::{reduce, LANES};

#[inline(always)]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; LANES];
    let ca = a.chunks_exact(LANES);
    let cb = b.chunks_exact(LANES);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..LANES {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = 0.0;
    for (x, y) in ra.iter().zip(rb) {
        tail += x * y;
    }
    reduce(acc) + tail
}

/// `Σ_j (w_j + a_j·h_j)·x_j`.
#[inline(always)]
pub fn dot_plastic(w: &[f64], a: &[f64], h: &[f64], x: &[f64]) -> f64 {
    let n = x.len();
    let (w, a, h) = (&w[..n], &a[..n], &h[..n]);
    let mut acc = [0.0; LANES];
    let mut j = 0;
    while j + LANES <= n {
        for k in 0..LANES {
            acc[k] += (w[j + k] + a[j + k] * h[j + k]) * x[j + k];
        }
        j += LANES;
    }
    let mut tail = 0.0;
    while j < n {
        tail += (w[j] + a[j] * h[j]) * x[j];
        j += 1;
    }
    reduce(acc) + tail
}

/// [`update_row`] with `row[diag]` kept, and in the same loop the drive through the updated
/// row, `Σ_j e_j·x_j` with `e = row` or, given `(w, a)`, `e = w + a·row` (same lanes and order
/// as [`dot`] / [`dot_plastic`] on the updated row).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn update_dot_row(
    row: &mut [f64],
    keep: f64,
    c: f64,
    b: &[f64],
    bound: f64,
    diag: usize,
    x: &[f64],
    eff: Option<(&[f64], &[f64])>,
) -> f64 {
    let n = x.len();
    let (row, b) = (&mut row[..n], &b[..n]);
    let saved = row[diag];
    let body = n - n % LANES;
    let diag_block = diag - diag % LANES;
    let mut acc = [0.0; LANES];
    let mut j = 0;
    while j < body {
        let mut v = [0.0; LANES];
        for k in 0..LANES {
            v[k] = (keep * row[j + k] + c * b[j + k]).clamp(-bound, bound);
            row[j + k] = v[k];
        }
        if j == diag_block {
            v[diag - j] = saved;
            row[diag] = saved;
        }
        for k in 0..LANES {
            let e = match eff {
                Some((w, a)) => w[j + k] + a[j + k] * v[k],
                None => v[k],
            };
            acc[k] += e * x[j + k];
        }
        j += LANES;
    }
    let mut tail = 0.0;
    for k in body..n {
        let v = if k == diag {
            saved
        } else {
            (keep * row[k] + c * b[k]).clamp(-bound, bound)
        };
        row[k] = v;
        let e = match eff {
            Some((w, a)) => w[k] + a[k] * v,
            None => v,
        };
        tail += e * x[k];
    }
    reduce(acc) + tail
}

/// `row_j ← clip(keep·row_j + c·b_j, ±bound)`.
#[inline(always)]
pub fn update_row(row: &mut [f64], keep: f64, c: f64, b: &[f64], bound: f64) {
    for (m, &bj) in row.iter_mut().zip(b) {
        *m = (keep * *m + c * bj).clamp(-bound, bound);
    }
}
