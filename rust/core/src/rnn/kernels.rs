//! Tight loops over contiguous slices shared by the dense networks and their rules.
//!
//! The hot kernels have a portable version (auto-vectorised for the build target) and an AVX2
//! version written with intrinsics, chosen at run time. Both do exactly the same arithmetic:
//! reductions use eight accumulators (lane `k` sums the elements `j ≡ k (mod 8)`) added in a fixed
//! order, every product and sum is rounded separately (no FMA), so results are bit-identical on
//! every x86-64 machine, with or without AVX2.

/// Defines `pub fn $name` that runs an AVX2 build of the same body when the CPU has it.
macro_rules! simd_dispatch {
    ($(#[$meta:meta])* pub fn $name:ident($($arg:ident : $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block) => {
        $(#[$meta])*
        pub fn $name($($arg: $ty),*) $(-> $ret)? {
            #[inline(always)]
            fn portable($($arg: $ty),*) $(-> $ret)? $body
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                unsafe fn avx2($($arg: $ty),*) $(-> $ret)? {
                    portable($($arg),*)
                }
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: the running CPU supports AVX2 (checked just above).
                    return unsafe { avx2($($arg),*) };
                }
            }
            portable($($arg),*)
        }
    };
}

const LANES: usize = 8;

#[inline(always)]
fn reduce(acc: [f64; LANES]) -> f64 {
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
}

#[cfg(target_arch = "x86_64")]
fn has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

/// The row kernels without intrinsics.
mod portable {
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
}

/// The row kernels with AVX2 intrinsics (same arithmetic as [`portable`]).
#[cfg(target_arch = "x86_64")]
mod avx2 {
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
}

/// Which kernels run: AVX2 with intrinsics, or the portable ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Path {
    Avx2,
    Portable,
}

fn path(force_portable: bool) -> Path {
    #[cfg(target_arch = "x86_64")]
    if !force_portable && has_avx2() {
        return Path::Avx2;
    }
    let _ = force_portable;
    Path::Portable
}

macro_rules! row_call {
    ($path:expr, $name:ident($($arg:expr),*)) => {
        match $path {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: Path::Avx2 is only chosen when the CPU supports AVX2.
            Path::Avx2 => unsafe { avx2::$name($($arg),*) },
            _ => portable::$name($($arg),*),
        }
    };
}

#[inline(always)]
fn matvec_with(p: Path, out: &mut [f64], mat: &[f64], x: &[f64]) {
    let n = x.len().max(1);
    for (o, row) in out.iter_mut().zip(mat.chunks_exact(n)) {
        *o = row_call!(p, dot(row, x));
    }
}

#[inline(always)]
fn matvec_plastic_with(p: Path, out: &mut [f64], w: &[f64], alpha: &[f64], h: &[f64], x: &[f64]) {
    let n = x.len();
    for (i, o) in out.iter_mut().enumerate() {
        let s = i * n..(i + 1) * n;
        *o = row_call!(p, dot_plastic(&w[s.clone()], &alpha[s.clone()], &h[s], x));
    }
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn rank1_with(p: Path, m: &mut [f64], keep: f64, scale: f64, a: &[f64], b: &[f64], bound: f64) {
    let n = b.len().max(1);
    for (row, &ai) in m.chunks_exact_mut(n).zip(a) {
        row_call!(p, update_row(row, keep, scale * ai, b, bound));
    }
}

/// `out[i] = Σ_j mat[i, j] · x[j]` for a row-major `[out.len(), x.len()]` matrix.
pub fn matvec(out: &mut [f64], mat: &[f64], x: &[f64]) {
    matvec_with(path(false), out, mat, x)
}

/// `out[i] = Σ_j (w[i, j] + alpha[i, j] · h[i, j]) · x[j]`: the drive through plastic weights.
pub fn matvec_plastic(out: &mut [f64], w: &[f64], alpha: &[f64], h: &[f64], x: &[f64]) {
    matvec_plastic_with(path(false), out, w, alpha, h, x)
}

/// Rank-one update of a row-major `[a.len(), b.len()]` matrix, clipped to `[-bound, bound]`:
/// `m[i, j] ← clip(keep · m[i, j] + scale · a[i] · b[j])`.
pub fn rank1_update(m: &mut [f64], keep: f64, scale: f64, a: &[f64], b: &[f64], bound: f64) {
    rank1_with(path(false), m, keep, scale, a, b, bound)
}

/// A clipped rank-one update `m ← clip(keep·m + scale·post·preᵀ, ±bound)` that leaves the
/// diagonal of `m` unchanged.
#[derive(Clone, Copy, Debug)]
pub struct RankOne<'a> {
    pub keep: f64,
    pub scale: f64,
    pub post: &'a [f64],
    pub pre: &'a [f64],
    pub bound: f64,
}

/// Applies `update` to `m` and, in the same pass over memory, computes the drive through the
/// updated matrix: `out[i] = Σ_j m'[i, j]·x[j]`. Bit-identical to [`rank1_update`] (diagonal
/// restored) followed by [`matvec`].
pub fn fused_rank1_matvec(out: &mut [f64], m: &mut [f64], update: RankOne<'_>, x: &[f64]) {
    fused_with(path(false), out, m, update, x)
}

#[inline(always)]
fn fused_with(p: Path, out: &mut [f64], m: &mut [f64], update: RankOne<'_>, x: &[f64]) {
    let n = x.len().max(1);
    for (i, (o, row)) in out.iter_mut().zip(m.chunks_exact_mut(n)).enumerate() {
        let c = update.scale * update.post[i];
        *o = row_call!(
            p,
            update_dot_row(row, update.keep, c, update.pre, update.bound, i, x, None)
        );
    }
}

/// As [`fused_rank1_matvec`] for a trace `h` with effective weights `w + alpha ⊙ h`.
pub fn fused_rank1_matvec_plastic(
    out: &mut [f64],
    w: &[f64],
    alpha: &[f64],
    h: &mut [f64],
    update: RankOne<'_>,
    x: &[f64],
) {
    fused_plastic_with(path(false), out, w, alpha, h, update, x)
}

#[inline(always)]
fn fused_plastic_with(
    p: Path,
    out: &mut [f64],
    w: &[f64],
    alpha: &[f64],
    h: &mut [f64],
    update: RankOne<'_>,
    x: &[f64],
) {
    let n = x.len();
    for (i, o) in out.iter_mut().enumerate() {
        let s = i * n..(i + 1) * n;
        let row = &mut h[s.clone()];
        let c = update.scale * update.post[i];
        let eff = Some((&w[s.clone()], &alpha[s]));
        *o = row_call!(
            p,
            update_dot_row(row, update.keep, c, update.pre, update.bound, i, x, eff)
        );
    }
}

simd_dispatch! {
    /// As [`rank1_update`] with one retention factor per row (Oja's `1 - η y_i²`).
    pub fn rank1_update_rows(m: &mut [f64], keep: &[f64], scale: f64, a: &[f64], b: &[f64], bound: f64) {
        let n = b.len().max(1);
        for ((row, &ai), &ki) in m.chunks_exact_mut(n).zip(a).zip(keep) {
            let c = scale * ai;
            for (mij, &bj) in row.iter_mut().zip(b) {
                *mij = (ki * *mij + c * bj).clamp(-bound, bound);
            }
        }
    }
}

simd_dispatch! {
    /// Two rank-one terms at once, clipped to `[-bound, bound]`:
    /// `m[i, j] ← clip(m[i, j] + a1[i] · b1[j] - a2[i] · b2[j])`.
    pub fn rank2_update(m: &mut [f64], a1: &[f64], b1: &[f64], a2: &[f64], b2: &[f64], bound: f64) {
        let n = b1.len().max(1);
        for ((row, &p), &q) in m.chunks_exact_mut(n).zip(a1).zip(a2) {
            for ((mij, &x), &y) in row.iter_mut().zip(b1).zip(b2) {
                *mij = (*mij + p * x - q * y).clamp(-bound, bound);
            }
        }
    }
}

/// `Σ_j a[j] · b[j]` with the same summation order as [`matvec`].
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    row_call!(path(false), dot(a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matvec_matches_naive_for_odd_sizes() {
        for n in [1usize, 3, 8, 13, 33] {
            let mat: Vec<f64> = (0..2 * n).map(|k| (k as f64 * 0.37).sin()).collect();
            let x: Vec<f64> = (0..n).map(|k| (k as f64 * 0.11).cos()).collect();
            let mut out = vec![0.0; 2];
            matvec(&mut out, &mat, &x);
            for i in 0..2 {
                let naive: f64 = (0..n).map(|j| mat[i * n + j] * x[j]).sum();
                assert!((out[i] - naive).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn matvec_plastic_adds_the_gated_trace() {
        let n = 11;
        let w: Vec<f64> = (0..n * n).map(|k| (k as f64).sin()).collect();
        let a: Vec<f64> = (0..n * n).map(|k| (k as f64 * 0.5).cos()).collect();
        let h: Vec<f64> = (0..n * n).map(|k| (k as f64 * 0.3).sin()).collect();
        let x: Vec<f64> = (0..n).map(|k| k as f64 - 4.0).collect();
        let mut out = vec![0.0; n];
        matvec_plastic(&mut out, &w, &a, &h, &x);
        for i in 0..n {
            let naive: f64 = (0..n)
                .map(|j| (w[i * n + j] + a[i * n + j] * h[i * n + j]) * x[j])
                .sum();
            assert!((out[i] - naive).abs() < 1e-10);
        }
    }

    #[test]
    fn avx2_and_portable_kernels_agree_bit_for_bit() {
        for n in [1usize, 7, 8, 13, 64, 101] {
            let w: Vec<f64> = (0..n * n).map(|k| (k as f64 * 0.37).sin()).collect();
            let a: Vec<f64> = (0..n * n).map(|k| (k as f64 * 0.21).cos()).collect();
            let h: Vec<f64> = (0..n * n).map(|k| (k as f64 * 0.13).sin()).collect();
            let x: Vec<f64> = (0..n).map(|k| (k as f64 * 0.11).cos()).collect();
            let (mut o1, mut o2) = (vec![0.0; n], vec![0.0; n]);
            let (fast, slow) = (path(false), path(true));
            matvec_with(fast, &mut o1, &w, &x);
            matvec_with(slow, &mut o2, &w, &x);
            assert_eq!(o1, o2);
            matvec_plastic_with(fast, &mut o1, &w, &a, &h, &x);
            matvec_plastic_with(slow, &mut o2, &w, &a, &h, &x);
            assert_eq!(o1, o2);
            let (mut m1, mut m2) = (w.clone(), w.clone());
            rank1_with(fast, &mut m1, 0.9, 0.7, &x, &x, 0.5);
            rank1_with(slow, &mut m2, 0.9, 0.7, &x, &x, 0.5);
            assert_eq!(m1, m2);
            let up = RankOne {
                keep: 0.9,
                scale: 0.7,
                post: &x,
                pre: &x,
                bound: 0.5,
            };
            let (mut m1, mut m2) = (w.clone(), w.clone());
            fused_with(fast, &mut o1, &mut m1, up, &x);
            fused_with(slow, &mut o2, &mut m2, up, &x);
            assert_eq!((&m1, &o1), (&m2, &o2));
            let (mut h1, mut h2) = (h.clone(), h.clone());
            fused_plastic_with(fast, &mut o1, &w, &a, &mut h1, up, &x);
            fused_plastic_with(slow, &mut o2, &w, &a, &mut h2, up, &x);
            assert_eq!((&h1, &o1), (&h2, &o2));
        }
        let (mut m1, mut m2) = (vec![f64::NAN, 3.0], vec![f64::NAN, 3.0]);
        rank1_with(path(false), &mut m1, 1.0, 0.0, &[1.0], &[0.0, 0.0], 1.0);
        rank1_with(path(true), &mut m2, 1.0, 0.0, &[1.0], &[0.0, 0.0], 1.0);
        assert!(m1[0].is_nan() && m2[0].is_nan() && m1[1] == 1.0 && m2[1] == 1.0);
    }

    #[test]
    fn fused_update_and_drive_equal_the_two_passes() {
        let n = 13;
        let w: Vec<f64> = (0..n * n).map(|k| (k as f64 * 0.37).sin()).collect();
        let a: Vec<f64> = (0..n * n).map(|k| (k as f64 * 0.21).cos()).collect();
        let post: Vec<f64> = (0..n).map(|k| (k as f64 * 0.7).sin()).collect();
        let pre: Vec<f64> = (0..n).map(|k| (k as f64 * 0.3).cos()).collect();
        let up = RankOne {
            keep: 0.95,
            scale: 0.4,
            post: &post,
            pre: &pre,
            bound: 0.8,
        };
        // two passes
        let mut m1 = w.clone();
        let diag: Vec<f64> = (0..n).map(|i| m1[i * n + i]).collect();
        rank1_update(&mut m1, 0.95, 0.4, &post, &pre, 0.8);
        (0..n).for_each(|i| m1[i * n + i] = diag[i]);
        let mut o1 = vec![0.0; n];
        matvec(&mut o1, &m1, &post);
        // fused
        let mut m2 = w.clone();
        let mut o2 = vec![0.0; n];
        fused_rank1_matvec(&mut o2, &mut m2, up, &post);
        assert_eq!((m1.clone(), o1), (m2, o2));
        let mut h1 = a.clone();
        let hd: Vec<f64> = (0..n).map(|i| h1[i * n + i]).collect();
        rank1_update(&mut h1, 0.95, 0.4, &post, &pre, 0.8);
        (0..n).for_each(|i| h1[i * n + i] = hd[i]);
        let mut o1 = vec![0.0; n];
        matvec_plastic(&mut o1, &w, &a, &h1, &post);
        let mut h2 = a.clone();
        let mut o2 = vec![0.0; n];
        fused_rank1_matvec_plastic(&mut o2, &w, &a, &mut h2, up, &post);
        assert_eq!((h1, o1), (h2, o2));
    }

    #[test]
    fn rank_updates_clip_to_the_bound() {
        let mut m = vec![0.0; 4];
        rank1_update(&mut m, 1.0, 10.0, &[1.0, -1.0], &[1.0, 0.05], 0.6);
        assert_eq!(m, vec![0.6, 0.5, -0.6, -0.5]);
        rank2_update(
            &mut m,
            &[1.0, 0.0],
            &[0.1, 0.0],
            &[0.0, 1.0],
            &[0.0, 0.1],
            0.6,
        );
        assert!((m[0] - 0.6).abs() < 1e-15 && (m[3] + 0.6).abs() < 1e-15);
    }
}
