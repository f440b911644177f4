//! The per-step kernels of the hot loop: the recurrent drive `J r` (float64, or a float32 copy
//! of `J` with float32 rates) and `tanh`, each with an AVX2 + FMA path chosen at run time and a
//! portable path, chosen by [`crate::simd`].

#[cfg(target_arch = "x86_64")]
use crate::simd::Avx256;
use crate::simd::{avx2_clone, avx2_or_portable};

/// `out = W v` for a row-major `[n, n]` matrix, with AVX2 + FMA when the CPU has them (the
/// two paths may differ in the last bits, as any BLAS does across CPUs).
///
/// `reverse` walks the rows from the last to the first (same sums, same results): alternating
/// the direction from step to step starts each product on the rows the previous one read
/// last, which are still in L1 (`J` itself does not fit and streams from L2).
pub(crate) fn matvec(w: &[f64], v: &[f64], out: &mut [f64], reverse: bool) {
    assert_eq!(w.len(), v.len() * out.len());
    // Lengths checked above.
    avx2_or_portable!(matvec_fma(w, v, out, reverse), matvec_portable(w, v, out))
}

/// `out = W v` with `W` `[n, n]` and `v` in float32, accumulated in float32 (eight lanes,
/// two accumulators per row), each sum then widened to float64; `reverse` as in [`matvec`].
pub(crate) fn matvec_f32(w: &[f32], v: &[f32], out: &mut [f64], reverse: bool) {
    assert_eq!(w.len(), v.len() * out.len());
    // Lengths checked above.
    avx2_or_portable!(matvec_f32_fma(w, v, out, reverse), {
        let n = v.len();
        for (row, o) in w.chunks_exact(n).zip(out.iter_mut()) {
            *o = f64::from(dot_f32_portable(row, v));
        }
    })
}

/// Rows in blocks of four (in `reverse` order if asked), the rows past the last full block
/// one by one.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn for_each_block(m: usize, reverse: bool, mut f: impl FnMut(usize, bool)) {
    let full = m - m % 4;
    if reverse {
        (full..m).rev().for_each(|i| f(i, false));
        (0..full).step_by(4).rev().for_each(|i| f(i, true));
    } else {
        (0..full).step_by(4).for_each(|i| f(i, true));
        (full..m).for_each(|i| f(i, false));
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn matvec_fma(w: &[f64], v: &[f64], out: &mut [f64], reverse: bool) {
    let n = v.len();
    for_each_block(out.len(), reverse, |i, block| {
        if block {
            // SAFETY: rows i..i+4 exist (a full block) and every row has n entries.
            let s = unsafe { rows4::<f64>(w.as_ptr().add(i * n), v) };
            out[i..i + 4].copy_from_slice(&s);
        } else {
            out[i] = dot_portable(&w[i * n..(i + 1) * n], v);
        }
    });
}

/// The four dot products of rows `r0 … r0 + 3n` with `v`: each load of `v` is shared by the
/// four rows; two accumulators of one register per row (4 doubles or 8 floats), so eight
/// independent FMA chains hide the FMA latency. Written once for both precisions.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn rows4<T: Avx256>(r0: *const T, v: &[T]) -> [T; 4] {
    let w = T::WIDTH;
    let n = v.len();
    let n_pairs = n - n % (2 * w);
    let n_body = n - n % w;
    let vp = v.as_ptr();
    let (r1, r2, r3) = (r0.add(n), r0.add(2 * n), r0.add(3 * n));
    let z = T::zero();
    let (mut a0, mut a1, mut a2, mut a3) = (z, z, z, z);
    let (mut b0, mut b1, mut b2, mut b3) = (z, z, z, z);
    let mut j = 0;
    while j < n_pairs {
        let x = T::load(vp.add(j));
        let y = T::load(vp.add(j + w));
        a0 = T::fmadd(T::load(r0.add(j)), x, a0);
        a1 = T::fmadd(T::load(r1.add(j)), x, a1);
        a2 = T::fmadd(T::load(r2.add(j)), x, a2);
        a3 = T::fmadd(T::load(r3.add(j)), x, a3);
        b0 = T::fmadd(T::load(r0.add(j + w)), y, b0);
        b1 = T::fmadd(T::load(r1.add(j + w)), y, b1);
        b2 = T::fmadd(T::load(r2.add(j + w)), y, b2);
        b3 = T::fmadd(T::load(r3.add(j + w)), y, b3);
        j += 2 * w;
    }
    if j < n_body {
        let x = T::load(vp.add(j));
        a0 = T::fmadd(T::load(r0.add(j)), x, a0);
        a1 = T::fmadd(T::load(r1.add(j)), x, a1);
        a2 = T::fmadd(T::load(r2.add(j)), x, a2);
        a3 = T::fmadd(T::load(r3.add(j)), x, a3);
    }
    let mut s = [
        T::hsum(T::vadd(a0, b0)),
        T::hsum(T::vadd(a1, b1)),
        T::hsum(T::vadd(a2, b2)),
        T::hsum(T::vadd(a3, b3)),
    ];
    for j in n_body..n {
        let x = *vp.add(j);
        s[0] += *r0.add(j) * x;
        s[1] += *r1.add(j) * x;
        s[2] += *r2.add(j) * x;
        s[3] += *r3.add(j) * x;
    }
    s
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn matvec_f32_fma(w: &[f32], v: &[f32], out: &mut [f64], reverse: bool) {
    let n = v.len();
    for_each_block(out.len(), reverse, |i, block| {
        if block {
            // SAFETY: rows i..i+4 exist (a full block) and every row has n entries.
            let s = unsafe { rows4::<f32>(w.as_ptr().add(i * n), v) };
            for (o, v) in out[i..i + 4].iter_mut().zip(s) {
                *o = f64::from(v);
            }
        } else {
            out[i] = f64::from(dot_f32_portable(&w[i * n..(i + 1) * n], v));
        }
    });
}

/// Sixteen independent float32 partial sums.
#[inline]
fn dot_f32_portable(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 16];
    let ra = a.chunks_exact(16);
    let rb = b.chunks_exact(16);
    let tail: f32 = ra
        .remainder()
        .iter()
        .zip(rb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ra.zip(rb) {
        for k in 0..16 {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().sum::<f32>() + tail
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

avx2_clone! {
    /// One Euler step `x ← x + c·(d − x)` with `d = drive + Σ_k u_k W_in[:, k]`, the input
    /// weights given transposed (`win_t` `[I, N]`, so each input adds a contiguous row);
    /// channels with `u_k = 0` are skipped. `drive` is left holding `d`.
    pub(crate) fn integrate(x: &mut [f64], drive: &mut [f64], win_t: &[f64], u: &[f64], c: f64) {
        let n = x.len();
        for (k, &uk) in u.iter().enumerate() {
            if uk != 0.0 {
                for (d, &w) in drive.iter_mut().zip(&win_t[k * n..(k + 1) * n]) {
                    *d += uk * w;
                }
            }
        }
        for (x, &d) in x.iter_mut().zip(drive.iter()) {
            *x += c * (d - *x);
        }
    }
}

avx2_clone! {
    /// The trace's post row `(x − x̄)³` and the update `x̄ ← a x̄ + (1 − a) x`.
    pub(crate) fn fluctuations(x: &[f64], average: &mut [f64], a: f64, post: &mut [f64]) {
        for ((c, &x), avg) in post.iter_mut().zip(x).zip(average.iter_mut()) {
            let d = x - *avg;
            *c = d * d * d;
            *avg = a * *avg + (1.0 - a) * x;
        }
    }
}

avx2_clone! {
    /// [`fluctuations`] with the post row rounded to float32.
    pub(crate) fn fluctuations_f32(x: &[f64], average: &mut [f64], a: f64, post: &mut [f32]) {
        for ((c, &x), avg) in post.iter_mut().zip(x).zip(average.iter_mut()) {
            let d = x - *avg;
            *c = (d * d * d) as f32;
            *avg = a * *avg + (1.0 - a) * x;
        }
    }
}

avx2_clone! {
    /// The trace's pre row `r³`.
    pub(crate) fn cubes(r: &[f64], out: &mut [f64]) {
        for (c, &r) in out.iter_mut().zip(r) {
            *c = r * r * r;
        }
    }
}

avx2_clone! {
    /// The trace's pre row `r³` in float32.
    pub(crate) fn cubes_f32(r: &[f32], out: &mut [f32]) {
        for (c, &r) in out.iter_mut().zip(r) {
            *c = r * r * r;
        }
    }
}

/// `out[i] = tanh(x[i])`, vectorised. Absolute error below 1e-15 against `f64::tanh` (the
/// AVX2 and portable paths run the same arithmetic and agree bit for bit).
pub(crate) fn tanh_into(x: &[f64], out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if crate::simd::has_avx2() {
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

/// Float32 rates: `out32[i] = tanh(x[i] as f32)` in float32 and `out64[i] = out32[i]`
/// widened. Absolute error below 2e-7 against `f64::tanh` (the AVX2 and portable paths agree
/// bit for bit).
pub(crate) fn tanh_f32_into(x: &[f64], out32: &mut [f32], out64: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if crate::simd::has_avx2() {
            // SAFETY: the CPU supports AVX2 (checked just above).
            unsafe { tanh_f32_avx2(x, out32, out64) };
            return;
        }
    }
    tanh_f32_portable(x, out32, out64);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn tanh_f32_avx2(x: &[f64], out32: &mut [f32], out64: &mut [f64]) {
    tanh_f32_portable(x, out32, out64);
}

/// Three passes (narrow, tanh, widen) rather than one: the middle one then runs on eight
/// float32 lanes instead of four (same arithmetic, same results).
#[inline(always)]
fn tanh_f32_portable(x: &[f64], out32: &mut [f32], out64: &mut [f64]) {
    for (o, &v) in out32.iter_mut().zip(x) {
        *o = v as f32;
    }
    for o in out32.iter_mut() {
        *o = tanh_one_f32(*o);
    }
    for (o, &t) in out64.iter_mut().zip(out32.iter()) {
        *o = f64::from(t);
    }
}

/// [`tanh_one`] in float32: `exp(s)` by a degree-7 Taylor polynomial on `|s| ≤ ln2/2`.
#[inline(always)]
fn tanh_one_f32(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75; // ln 2 with the low bits zeroed: k·LN2_HI is exact
    const LN2_LO: f32 = 1.428_606_8e-6;
    const SHIFTER: f32 = 12_582_912.0; // 1.5 · 2^23
    let a = -2.0 * x.abs();
    // exp(−20) < 2^−28: tanh rounds to ±1 beyond. Not `f32::max` (NaN must stay NaN).
    let y = if a < -20.0 { -20.0 } else { a };
    let kd = y * LOG2E + SHIFTER;
    let k_bits = kd.to_bits();
    let k = kd - SHIFTER;
    let s = (y - k * LN2_HI) - k * LN2_LO;
    let mut p = 1.0 / 5_040.0;
    p = p * s + 1.0 / 720.0;
    p = p * s + 1.0 / 120.0;
    p = p * s + 1.0 / 24.0;
    p = p * s + 1.0 / 6.0;
    p = p * s + 0.5;
    p = p * s + 1.0;
    p = p * s + 1.0;
    // 2^k from the integer in the low mantissa bits of kd (= 2^22 + k).
    let k_int = (k_bits & ((1u32 << 23) - 1)) as i32 - (1i32 << 22);
    let scale = f32::from_bits(((k_int + 127) as u32) << 23);
    let e = p * scale;
    let t = (1.0 - e) / (1.0 + e);
    t.copysign(x)
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
    fn tanh_f32_matches_std() {
        let xs: Vec<f64> = (0..200_001)
            .map(|k| (k as f64 - 100_000.0) * 4e-4)
            .chain([50.0, -50.0, 1e300, -0.0, 1e-30])
            .collect();
        let mut out32 = vec![0.0f32; xs.len()];
        let mut out64 = vec![0.0; xs.len()];
        tanh_f32_into(&xs, &mut out32, &mut out64);
        let mut p32 = vec![0.0f32; xs.len()];
        let mut p64 = vec![0.0; xs.len()];
        tanh_f32_portable(&xs, &mut p32, &mut p64);
        for (k, &x) in xs.iter().enumerate() {
            let exact = x.tanh();
            assert!(
                (out64[k] - exact).abs() < 2e-7,
                "{x}: {} vs {exact}",
                out64[k]
            );
            assert!(out64[k].abs() <= 1.0);
            assert_eq!(out64[k], f64::from(out32[k]));
            assert_eq!(out32[k].to_bits(), p32[k].to_bits());
        }
        let mut nan32 = [0.0f32; 2];
        let mut nan64 = [0.0; 2];
        tanh_f32_into(&[f64::NAN, 0.5], &mut nan32, &mut nan64);
        assert!(nan32[0].is_nan() && nan64[0].is_nan());
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
        matvec(&w, &v, &mut out, false);
        matvec_portable(&w, &v, &mut portable);
        for i in 0..n {
            let naive: f64 = (0..n).map(|j| w[i * n + j] * v[j]).sum();
            assert!((out[i] - naive).abs() < 1e-12);
            assert!((portable[i] - naive).abs() < 1e-12);
        }
    }

    #[test]
    fn matvec_f32_matches_naive_at_every_remainder() {
        // Sizes around the 16- and 8-lane blocks and the 4-row blocks.
        for n in [1, 3, 7, 8, 9, 15, 16, 17, 23, 24, 31, 33, 200] {
            let w: Vec<f32> = (0..n * n)
                .map(|k| ((k * 7 % 11) as f32 - 5.0) / 3.0)
                .collect();
            let v: Vec<f32> = (0..n).map(|k| (k as f32 - 6.0) / 5.0).collect();
            let mut out = vec![0.0; n];
            matvec_f32(&w, &v, &mut out, n % 2 == 1);
            let mut back = vec![0.0; n];
            matvec_f32(&w, &v, &mut back, n % 2 == 0);
            assert_eq!(out, back, "the row order changes nothing");
            let mut out64 = vec![0.0; n];
            let w64: Vec<f64> = w.iter().map(|&a| f64::from(a)).collect();
            let v64: Vec<f64> = v.iter().map(|&a| f64::from(a)).collect();
            matvec(&w64, &v64, &mut out64, n % 2 == 0);
            let mut back64 = vec![0.0; n];
            matvec(&w64, &v64, &mut back64, n % 2 == 1);
            assert_eq!(out64, back64, "the row order changes nothing");
            for i in 0..n {
                let naive: f64 = (0..n).map(|j| w64[i * n + j] * v64[j]).sum();
                let scale: f64 = (0..n).map(|j| (w64[i * n + j] * v64[j]).abs()).sum();
                assert!((out[i] - naive).abs() <= 1e-6 * scale.max(1.0), "{n} {i}");
                assert!(
                    (out64[i] - naive).abs() <= 1e-12 * scale.max(1.0),
                    "{n} {i}"
                );
            }
        }
    }
}
