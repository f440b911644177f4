//! Tight loops over contiguous slices shared by the dense networks and their rules.
//!
//! Every kernel is compiled twice: once for the baseline target and once with AVX2 enabled,
//! chosen at run time. Reductions use eight independent accumulators summed in a fixed order,
//! and Rust never contracts `a * b + c` into an FMA, so both versions give bit-identical results.

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

#[inline(always)]
fn dot_inline(a: &[f64], b: &[f64]) -> f64 {
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

/// `out[i] = Σ_j mat[i, j] · x[j]` for a row-major `[out.len(), x.len()]` matrix.
pub fn matvec(out: &mut [f64], mat: &[f64], x: &[f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the running CPU supports AVX2 (checked just above).
        return unsafe { avx2::matvec(out, mat, x) };
    }
    matvec_portable(out, mat, x)
}

simd_dispatch! {
    /// [`matvec`] without explicit intrinsics (auto-vectorised per target).
    pub fn matvec_portable(out: &mut [f64], mat: &[f64], x: &[f64]) {
        let n = x.len();
        for (o, row) in out.iter_mut().zip(mat.chunks_exact(n.max(1))) {
            *o = dot_inline(row, x);
        }
    }
}

/// `out[i] = Σ_j (w[i, j] + alpha[i, j] · h[i, j]) · x[j]`: the drive through plastic weights.
pub fn matvec_plastic(out: &mut [f64], w: &[f64], alpha: &[f64], h: &[f64], x: &[f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the running CPU supports AVX2 (checked just above).
        return unsafe { avx2::matvec_plastic(out, w, alpha, h, x) };
    }
    matvec_plastic_portable(out, w, alpha, h, x)
}

simd_dispatch! {
    /// [`matvec_plastic`] without explicit intrinsics.
    pub fn matvec_plastic_portable(out: &mut [f64], w: &[f64], alpha: &[f64], h: &[f64], x: &[f64]) {
        let n = x.len().max(1);
        for (i, o) in out.iter_mut().enumerate() {
            let s = i * n..(i + 1) * n;
            let (wr, ar, hr) = (&w[s.clone()], &alpha[s.clone()], &h[s]);
            let mut acc = [0.0; LANES];
            let mut j = 0;
            while j + LANES <= n {
                for k in 0..LANES {
                    acc[k] += (wr[j + k] + ar[j + k] * hr[j + k]) * x[j + k];
                }
                j += LANES;
            }
            let mut tail = 0.0;
            while j < n {
                tail += (wr[j] + ar[j] * hr[j]) * x[j];
                j += 1;
            }
            *o = reduce(acc) + tail;
        }
    }
}

/// Rank-one update of a row-major `[a.len(), b.len()]` matrix, clipped to `[-bound, bound]`:
/// `m[i, j] ← clip(keep · m[i, j] + scale · a[i] · b[j])`.
pub fn rank1_update(m: &mut [f64], keep: f64, scale: f64, a: &[f64], b: &[f64], bound: f64) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the running CPU supports AVX2 (checked just above).
        return unsafe { avx2::rank1_update(m, keep, scale, a, b, bound) };
    }
    rank1_update_portable(m, keep, scale, a, b, bound)
}

simd_dispatch! {
    /// [`rank1_update`] without explicit intrinsics.
    pub fn rank1_update_portable(m: &mut [f64], keep: f64, scale: f64, a: &[f64], b: &[f64], bound: f64) {
        let n = b.len().max(1);
        for (row, &ai) in m.chunks_exact_mut(n).zip(a) {
            let c = scale * ai;
            for (mij, &bj) in row.iter_mut().zip(b) {
                *mij = (keep * *mij + c * bj).clamp(-bound, bound);
            }
        }
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

/// AVX2 versions with the exact arithmetic of the portable ones: lanes 0-3 and 4-7 of the eight
/// accumulators are two 256-bit registers, every product and sum is rounded as in the scalar code
/// (separate multiply and add, no FMA), and the final reduction is the same [`reduce`].
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{reduce, LANES};
    use std::arch::x86_64::*;

    #[target_feature(enable = "avx2")]
    pub unsafe fn matvec(out: &mut [f64], mat: &[f64], x: &[f64]) {
        let n = x.len();
        if n == 0 {
            out.iter_mut().for_each(|o| *o = 0.0);
            return;
        }
        let body = n - n % LANES;
        for (o, row) in out.iter_mut().zip(mat.chunks_exact(n)) {
            let (mut lo, mut hi) = (_mm256_setzero_pd(), _mm256_setzero_pd());
            let (rp, xp) = (row.as_ptr(), x.as_ptr());
            let mut j = 0;
            while j < body {
                // SAFETY: j + 8 <= body <= n = row.len() = x.len().
                let (r0, r1) = (_mm256_loadu_pd(rp.add(j)), _mm256_loadu_pd(rp.add(j + 4)));
                let (x0, x1) = (_mm256_loadu_pd(xp.add(j)), _mm256_loadu_pd(xp.add(j + 4)));
                lo = _mm256_add_pd(lo, _mm256_mul_pd(r0, x0));
                hi = _mm256_add_pd(hi, _mm256_mul_pd(r1, x1));
                j += LANES;
            }
            let mut acc = [0.0; LANES];
            _mm256_storeu_pd(acc.as_mut_ptr(), lo);
            _mm256_storeu_pd(acc.as_mut_ptr().add(4), hi);
            let mut tail = 0.0;
            for k in body..n {
                tail += row[k] * x[k];
            }
            *o = reduce(acc) + tail;
        }
    }

    #[target_feature(enable = "avx2")]
    pub unsafe fn matvec_plastic(out: &mut [f64], w: &[f64], alpha: &[f64], h: &[f64], x: &[f64]) {
        let n = x.len();
        if n == 0 {
            out.iter_mut().for_each(|o| *o = 0.0);
            return;
        }
        let body = n - n % LANES;
        for (i, o) in out.iter_mut().enumerate() {
            let s = i * n..(i + 1) * n;
            let (wr, ar, hr) = (&w[s.clone()], &alpha[s.clone()], &h[s]);
            let (wp, ap, hp, xp) = (wr.as_ptr(), ar.as_ptr(), hr.as_ptr(), x.as_ptr());
            let (mut lo, mut hi) = (_mm256_setzero_pd(), _mm256_setzero_pd());
            let mut j = 0;
            while j < body {
                // SAFETY: j + 8 <= body <= n, the length of every row slice and of x.
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
                tail += (wr[k] + ar[k] * hr[k]) * x[k];
            }
            *o = reduce(acc) + tail;
        }
    }

    #[target_feature(enable = "avx2")]
    pub unsafe fn rank1_update(
        m: &mut [f64],
        keep: f64,
        scale: f64,
        a: &[f64],
        b: &[f64],
        bound: f64,
    ) {
        let n = b.len();
        if n == 0 {
            return;
        }
        let body = n - n % 4;
        let (kv, lo, hi) = (
            _mm256_set1_pd(keep),
            _mm256_set1_pd(-bound),
            _mm256_set1_pd(bound),
        );
        for (row, &ai) in m.chunks_exact_mut(n).zip(a) {
            let c = scale * ai;
            let cv = _mm256_set1_pd(c);
            let (mp, bp) = (row.as_mut_ptr(), b.as_ptr());
            let mut j = 0;
            while j < body {
                // SAFETY: j + 4 <= body <= n = row.len() = b.len().
                let v = _mm256_add_pd(
                    _mm256_mul_pd(kv, _mm256_loadu_pd(mp.add(j))),
                    _mm256_mul_pd(cv, _mm256_loadu_pd(bp.add(j))),
                );
                // max(lo, v) / min(hi, v) return v when v is NaN, as f64::clamp does.
                let v = _mm256_min_pd(hi, _mm256_max_pd(lo, v));
                _mm256_storeu_pd(mp.add(j), v);
                j += 4;
            }
            for k in body..n {
                row[k] = (keep * row[k] + c * b[k]).clamp(-bound, bound);
            }
        }
    }
}

/// `Σ_j a[j] · b[j]` with the same summation order as [`matvec`].
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    dot_inline(a, b)
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
            matvec(&mut o1, &w, &x);
            matvec_portable(&mut o2, &w, &x);
            assert_eq!(o1, o2);
            matvec_plastic(&mut o1, &w, &a, &h, &x);
            matvec_plastic_portable(&mut o2, &w, &a, &h, &x);
            assert_eq!(o1, o2);
            let (mut m1, mut m2) = (w.clone(), w.clone());
            rank1_update(&mut m1, 0.9, 0.7, &x, &x, 0.5);
            rank1_update_portable(&mut m2, 0.9, 0.7, &x, &x, 0.5);
            assert_eq!(m1, m2);
        }
        let (mut m1, mut m2) = (vec![f64::NAN, 3.0], vec![f64::NAN, 3.0]);
        rank1_update(&mut m1, 1.0, 0.0, &[1.0], &[0.0, 0.0], 1.0);
        rank1_update_portable(&mut m2, 1.0, 0.0, &[1.0], &[0.0, 0.0], 1.0);
        assert!(m1[0].is_nan() && m2[0].is_nan() && m1[1] == 1.0 && m2[1] == 1.0);
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
