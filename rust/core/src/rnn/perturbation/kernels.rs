//! The two per-step kernels of the hot loop: the recurrent drive `J r` and `tanh`, each with
//! an AVX2 path chosen at run time and a portable path.

/// `out = W v` for a row-major `[n, n]` matrix, with AVX2 + FMA when the CPU has them (the
/// two paths may differ in the last bits, as any BLAS does across CPUs).
pub(crate) fn matvec(w: &[f64], v: &[f64], out: &mut [f64]) {
    assert_eq!(w.len(), v.len() * out.len());
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU supports AVX2 and FMA (checked just above); lengths checked above.
            unsafe { matvec_fma(w, v, out) };
            return;
        }
    }
    matvec_portable(w, v, out);
}

/// Four rows at a time share each load of `v`; four lanes per row.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn matvec_fma(w: &[f64], v: &[f64], out: &mut [f64]) {
    use std::arch::x86_64::*;
    let n = v.len();
    let n4 = n - n % 4;
    let hsum = |a: __m256d| -> f64 {
        let lo = _mm256_castpd256_pd128(a);
        let hi = _mm256_extractf128_pd(a, 1);
        let s = _mm_add_pd(lo, hi);
        let h = _mm_unpackhi_pd(s, s);
        _mm_cvtsd_f64(_mm_add_sd(s, h))
    };
    let vp = v.as_ptr();
    let mut i = 0;
    while i + 4 <= out.len() {
        let r0 = w.as_ptr().add(i * n);
        let (r1, r2, r3) = (r0.add(n), r0.add(2 * n), r0.add(3 * n));
        let (mut a0, mut a1, mut a2, mut a3) = (
            _mm256_setzero_pd(),
            _mm256_setzero_pd(),
            _mm256_setzero_pd(),
            _mm256_setzero_pd(),
        );
        let mut j = 0;
        while j < n4 {
            let x = _mm256_loadu_pd(vp.add(j));
            a0 = _mm256_fmadd_pd(_mm256_loadu_pd(r0.add(j)), x, a0);
            a1 = _mm256_fmadd_pd(_mm256_loadu_pd(r1.add(j)), x, a1);
            a2 = _mm256_fmadd_pd(_mm256_loadu_pd(r2.add(j)), x, a2);
            a3 = _mm256_fmadd_pd(_mm256_loadu_pd(r3.add(j)), x, a3);
            j += 4;
        }
        let mut s = [hsum(a0), hsum(a1), hsum(a2), hsum(a3)];
        for j in n4..n {
            let x = *vp.add(j);
            s[0] += *r0.add(j) * x;
            s[1] += *r1.add(j) * x;
            s[2] += *r2.add(j) * x;
            s[3] += *r3.add(j) * x;
        }
        out[i..i + 4].copy_from_slice(&s);
        i += 4;
    }
    while i < out.len() {
        out[i] = dot_portable(&w[i * n..(i + 1) * n], v);
        i += 1;
    }
}

fn matvec_portable(w: &[f64], v: &[f64], out: &mut [f64]) {
    let n = v.len();
    for (row, o) in w.chunks_exact(n).zip(out.iter_mut()) {
        *o = dot_portable(row, v);
    }
}

/// Eight independent partial sums (they vectorize without fast-math).
#[inline]
fn dot_portable(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let ra = a.chunks_exact(8);
    let rb = b.chunks_exact(8);
    let tail: f64 = ra
        .remainder()
        .iter()
        .zip(rb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ra.zip(rb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().sum::<f64>() + tail
}

/// `out[i] = tanh(x[i])`, vectorised. Absolute error below 1e-15 against `f64::tanh` (the
/// AVX2 and portable paths run the same arithmetic and agree bit for bit).
pub(crate) fn tanh_into(x: &[f64], out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked just above).
            unsafe { tanh_avx2(x, out) };
            return;
        }
    }
    tanh_portable(x, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn tanh_avx2(x: &[f64], out: &mut [f64]) {
    tanh_portable(x, out);
}

#[inline(always)]
fn tanh_portable(x: &[f64], out: &mut [f64]) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o = tanh_one(v);
    }
}

/// `tanh(x) = sign(x) (1 − e) / (1 + e)` with `e = exp(−2|x|)`; `exp` by range reduction
/// `y = k ln2 + s`, `|s| ≤ ln2/2`, and a degree-12 Taylor polynomial (error < 2e-16).
#[inline(always)]
fn tanh_one(x: f64) -> f64 {
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    const SHIFTER: f64 = 6_755_399_441_055_744.0; // 1.5 · 2^52
                                                  // Not `f64::max`, which would turn a NaN into −40 (and tanh(NaN) into ±1).
    let a = -2.0 * x.abs();
    let y = if a < -40.0 { -40.0 } else { a };
    let kd = y * LOG2E + SHIFTER;
    let k_bits = kd.to_bits();
    let k = kd - SHIFTER;
    let s = (y - k * LN2_HI) - k * LN2_LO;
    // exp(s) = Σ_{j ≤ 12} s^j / j!, Horner form.
    let mut p = 1.0 / 479_001_600.0;
    p = p * s + 1.0 / 39_916_800.0;
    p = p * s + 1.0 / 3_628_800.0;
    p = p * s + 1.0 / 362_880.0;
    p = p * s + 1.0 / 40_320.0;
    p = p * s + 1.0 / 5_040.0;
    p = p * s + 1.0 / 720.0;
    p = p * s + 1.0 / 120.0;
    p = p * s + 1.0 / 24.0;
    p = p * s + 1.0 / 6.0;
    p = p * s + 0.5;
    p = p * s + 1.0;
    p = p * s + 1.0;
    // 2^k from the integer in the low mantissa bits of kd (= 2^51 + k).
    let k_int = (k_bits & ((1u64 << 52) - 1)) as i64 - (1i64 << 51);
    let scale = f64::from_bits(((k_int + 1023) as u64) << 52);
    let e = p * scale;
    let t = (1.0 - e) / (1.0 + e);
    t.copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tanh_matches_std() {
        let xs: Vec<f64> = (0..200_001)
            .map(|k| (k as f64 - 100_000.0) * 4e-4)
            .collect();
        let mut out = vec![0.0; xs.len()];
        tanh_into(&xs, &mut out);
        let mut portable = vec![0.0; xs.len()];
        tanh_portable(&xs, &mut portable);
        for ((&x, &t), &p) in xs.iter().zip(&out).zip(&portable) {
            assert!((t - x.tanh()).abs() < 1e-15, "{x}: {t} vs {}", x.tanh());
            assert_eq!(t.to_bits(), p.to_bits());
        }
        let mut big = [0.0; 4];
        tanh_into(&[50.0, -50.0, 1e300, -0.0], &mut big);
        assert_eq!(big[..3], [1.0, -1.0, 1.0]);
        assert_eq!(big[3], 0.0);
        let mut nan = [0.0; 3];
        tanh_into(&[f64::NAN, -f64::NAN, 0.5], &mut nan);
        assert!(nan[0].is_nan() && nan[1].is_nan(), "{nan:?}");
        let mut nan_portable = [0.0; 3];
        tanh_portable(&[f64::NAN, -f64::NAN, 0.5], &mut nan_portable);
        assert!(nan_portable[0].is_nan() && nan_portable[1].is_nan());
    }

    #[test]
    fn matvec_matches_naive() {
        let n = 13;
        let w: Vec<f64> = (0..n * n)
            .map(|k| ((k * 7 % 11) as f64 - 5.0) / 3.0)
            .collect();
        let v: Vec<f64> = (0..n).map(|k| (k as f64 - 6.0) / 5.0).collect();
        let mut out = vec![0.0; n];
        let mut portable = vec![0.0; n];
        matvec(&w, &v, &mut out);
        matvec_portable(&w, &v, &mut portable);
        for i in 0..n {
            let naive: f64 = (0..n).map(|j| w[i * n + j] * v[j]).sum();
            assert!((out[i] - naive).abs() < 1e-12);
            assert!((portable[i] - naive).abs() < 1e-12);
        }
    }
}
