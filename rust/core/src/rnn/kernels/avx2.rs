//! The row kernels with AVX2 intrinsics: the arithmetic of [`super::portable`], exactly.

use super::{reduce, LANES};
use std::arch::x86_64::*;

#[inline]
#[target_feature(enable = "avx2")]
pub unsafe fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let body = n - n % LANES;
    let (ap, bp) = (a.as_ptr(), b.as_ptr());
    let (mut lo, mut hi) = (_mm256_setzero_pd(), _mm256_setzero_pd());
    let mut j = 0;
    while j < body {
        // SAFETY: j + 8 <= body <= n, the length of both slices.
        let (a0, a1) = (_mm256_loadu_pd(ap.add(j)), _mm256_loadu_pd(ap.add(j + 4)));
        let (b0, b1) = (_mm256_loadu_pd(bp.add(j)), _mm256_loadu_pd(bp.add(j + 4)));
        lo = _mm256_add_pd(lo, _mm256_mul_pd(a0, b0));
        hi = _mm256_add_pd(hi, _mm256_mul_pd(a1, b1));
        j += LANES;
    }
    let mut acc = [0.0; LANES];
    _mm256_storeu_pd(acc.as_mut_ptr(), lo);
    _mm256_storeu_pd(acc.as_mut_ptr().add(4), hi);
    let mut tail = 0.0;
    for k in body..n {
        tail += a[k] * b[k];
    }
    reduce(acc) + tail
}

#[inline]
#[target_feature(enable = "avx2")]
pub unsafe fn dot_plastic(w: &[f64], a: &[f64], h: &[f64], x: &[f64]) -> f64 {
    let n = x.len();
    let (w, a, h) = (&w[..n], &a[..n], &h[..n]);
    let body = n - n % LANES;
    let (wp, ap, hp, xp) = (w.as_ptr(), a.as_ptr(), h.as_ptr(), x.as_ptr());
    let (mut lo, mut hi) = (_mm256_setzero_pd(), _mm256_setzero_pd());
    let mut j = 0;
    while j < body {
        // SAFETY: j + 8 <= body <= n, the length of every slice.
        for (off, acc) in [(0, &mut lo), (4, &mut hi)] {
            let wv = _mm256_loadu_pd(wp.add(j + off));
            let av = _mm256_loadu_pd(ap.add(j + off));
            let hv = _mm256_loadu_pd(hp.add(j + off));
            let xv = _mm256_loadu_pd(xp.add(j + off));
            let eff = _mm256_add_pd(wv, _mm256_mul_pd(av, hv));
            *acc = _mm256_add_pd(*acc, _mm256_mul_pd(eff, xv));
        }
        j += LANES;
    }
    let mut acc = [0.0; LANES];
    _mm256_storeu_pd(acc.as_mut_ptr(), lo);
    _mm256_storeu_pd(acc.as_mut_ptr().add(4), hi);
    let mut tail = 0.0;
    for k in body..n {
        tail += (w[k] + a[k] * h[k]) * x[k];
    }
    reduce(acc) + tail
}

#[inline]
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
pub unsafe fn update_dot_row(
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
    // Bounds-checked here so the unchecked loads below stay inside every slice.
    let eff = eff.map(|(w, a)| (&w[..n], &a[..n]));
    let saved = row[diag];
    let body = n - n % LANES;
    let diag_block = diag - diag % LANES;
    let (kv, cv) = (_mm256_set1_pd(keep), _mm256_set1_pd(c));
    let (lo, hi) = (_mm256_set1_pd(-bound), _mm256_set1_pd(bound));
    let (mp, bp, xp) = (row.as_mut_ptr(), b.as_ptr(), x.as_ptr());
    let (mut acc0, mut acc1) = (_mm256_setzero_pd(), _mm256_setzero_pd());
    let mut j = 0;
    while j < body {
        // SAFETY: j + 8 <= body <= n, the length of row, b, x (and of w, a when given).
        let m0 = _mm256_loadu_pd(mp.add(j));
        let m1 = _mm256_loadu_pd(mp.add(j + 4));
        let v0 = _mm256_add_pd(
            _mm256_mul_pd(kv, m0),
            _mm256_mul_pd(cv, _mm256_loadu_pd(bp.add(j))),
        );
        let v1 = _mm256_add_pd(
            _mm256_mul_pd(kv, m1),
            _mm256_mul_pd(cv, _mm256_loadu_pd(bp.add(j + 4))),
        );
        // max(lo, v) and min(hi, v) return v when v is NaN, as f64::clamp does.
        let mut v0 = _mm256_min_pd(hi, _mm256_max_pd(lo, v0));
        let mut v1 = _mm256_min_pd(hi, _mm256_max_pd(lo, v1));
        _mm256_storeu_pd(mp.add(j), v0);
        _mm256_storeu_pd(mp.add(j + 4), v1);
        if j == diag_block {
            *mp.add(diag) = saved;
            v0 = _mm256_loadu_pd(mp.add(j));
            v1 = _mm256_loadu_pd(mp.add(j + 4));
        }
        if let Some((w, a)) = eff {
            let (wp, ap) = (w.as_ptr(), a.as_ptr());
            v0 = _mm256_add_pd(
                _mm256_loadu_pd(wp.add(j)),
                _mm256_mul_pd(_mm256_loadu_pd(ap.add(j)), v0),
            );
            v1 = _mm256_add_pd(
                _mm256_loadu_pd(wp.add(j + 4)),
                _mm256_mul_pd(_mm256_loadu_pd(ap.add(j + 4)), v1),
            );
        }
        acc0 = _mm256_add_pd(acc0, _mm256_mul_pd(v0, _mm256_loadu_pd(xp.add(j))));
        acc1 = _mm256_add_pd(acc1, _mm256_mul_pd(v1, _mm256_loadu_pd(xp.add(j + 4))));
        j += LANES;
    }
    let mut acc = [0.0; LANES];
    _mm256_storeu_pd(acc.as_mut_ptr(), acc0);
    _mm256_storeu_pd(acc.as_mut_ptr().add(4), acc1);
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

#[inline]
#[target_feature(enable = "avx2")]
pub unsafe fn update_row(row: &mut [f64], keep: f64, c: f64, b: &[f64], bound: f64) {
    let n = row.len().min(b.len());
    let body = n - n % 8;
    let (kv, cv) = (_mm256_set1_pd(keep), _mm256_set1_pd(c));
    let (lo, hi) = (_mm256_set1_pd(-bound), _mm256_set1_pd(bound));
    let (mp, bp) = (row.as_mut_ptr(), b.as_ptr());
    let mut j = 0;
    while j < body {
        // SAFETY: j + 8 <= body <= n, the length of both slices.
        let m0 = _mm256_loadu_pd(mp.add(j));
        let m1 = _mm256_loadu_pd(mp.add(j + 4));
        let b0 = _mm256_loadu_pd(bp.add(j));
        let b1 = _mm256_loadu_pd(bp.add(j + 4));
        let v0 = _mm256_add_pd(_mm256_mul_pd(kv, m0), _mm256_mul_pd(cv, b0));
        let v1 = _mm256_add_pd(_mm256_mul_pd(kv, m1), _mm256_mul_pd(cv, b1));
        // max(lo, v) and min(hi, v) return v when v is NaN, as f64::clamp does.
        _mm256_storeu_pd(mp.add(j), _mm256_min_pd(hi, _mm256_max_pd(lo, v0)));
        _mm256_storeu_pd(mp.add(j + 4), _mm256_min_pd(hi, _mm256_max_pd(lo, v1)));
        j += 8;
    }
    for k in body..n {
        row[k] = (keep * row[k] + c * b[k]).clamp(-bound, bound);
    }
}
