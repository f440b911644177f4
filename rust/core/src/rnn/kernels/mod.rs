//! Tight loops over contiguous slices shared by the dense networks and their rules.
//!
//! The hot kernels have a portable version (auto-vectorised for the build target) and a version
//! written with AVX2 + FMA intrinsics, chosen at run time when the CPU has both. They share the
//! lanes and the summation order of every reduction (see [`Lanes`]): sixteen accumulators
//! (lane `k` sums the elements `j ≡ k (mod 16)`; a last block of eight goes to lanes 0–7), then
//! the elements past the last multiple of eight in order, added in a fixed order.
//!
//! The AVX2 path fuses multiply-adds in its vector part (`keep·m + (c·b)`, `w + α·h` and the
//! accumulation `acc + e·x` are each rounded once); the portable path rounds every product and sum.
//! The two paths therefore agree to a few ulp of the summed terms, not bit for bit; each is
//! deterministic, so the same seed gives the same result on the same machine (and on every
//! machine that takes the same path). The tail (the last `n mod 8` elements, and so every vector
//! shorter than eight) is computed the same way on both paths, without FMA.

#[cfg_attr(not(target_arch = "x86_64"), allow(unused_imports))]
use crate::simd::{avx2_clone, has_avx2_fma};

/// Elements per half block (two AVX2 vectors).
const LANES: usize = 8;
/// Elements per block of the main loop (four AVX2 vectors, four accumulator chains).
const BLOCK: usize = 16;

/// How a reduction over `n` elements is split: blocks of [`BLOCK`] up to `blocks`, at most one
/// half block of [`LANES`] up to `body`, then the tail `body..n` summed in order.
#[derive(Clone, Copy)]
struct Lanes {
    blocks: usize,
    body: usize,
}

impl Lanes {
    #[inline(always)]
    fn new(n: usize) -> Lanes {
        Lanes {
            blocks: n - n % BLOCK,
            body: n - n % LANES,
        }
    }
}

/// Sum of the sixteen lanes: `s_k = (l_k + l_{4+k}) + (l_{8+k} + l_{12+k})`, then
/// `(s_0 + s_1) + (s_2 + s_3)`.
#[inline(always)]
fn reduce(l: [f64; BLOCK]) -> f64 {
    let s: [f64; 4] = std::array::from_fn(|k| (l[k] + l[4 + k]) + (l[8 + k] + l[12 + k]));
    (s[0] + s[1]) + (s[2] + s[3])
}

/// The kernels without intrinsics.
mod portable;

/// The kernels with AVX2 + FMA intrinsics (same lanes as [`portable`]).
#[cfg(target_arch = "x86_64")]
mod avx2;

/// Which kernels run: AVX2 + FMA with intrinsics, or the portable ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Path {
    Avx2,
    Portable,
}

fn path(force_portable: bool) -> Path {
    #[cfg(target_arch = "x86_64")]
    if !force_portable && has_avx2_fma() {
        return Path::Avx2;
    }
    let _ = force_portable;
    Path::Portable
}

macro_rules! path_call {
    ($path:expr, $name:ident($($arg:expr),*)) => {
        match $path {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: Path::Avx2 is only chosen when the CPU supports AVX2 and FMA.
            Path::Avx2 => unsafe { avx2::$name($($arg),*) },
            _ => portable::$name($($arg),*),
        }
    };
}

#[inline(always)]
fn matvec_with(p: Path, out: &mut [f64], mat: &[f64], x: &[f64]) {
    path_call!(p, matvec(out, mat, x))
}

#[inline(always)]
fn matvec_plastic_with(
    p: Path,
    out: &mut [f64],
    w: &[f64],
    alpha: Alpha<'_>,
    h: &[f64],
    x: &[f64],
) {
    path_call!(p, matvec_plastic(out, w, alpha, h, x))
}

#[inline(always)]
fn rank1_with(p: Path, m: &mut [f64], keep: f64, scale: f64, a: &[f64], b: &[f64], bound: f64) {
    path_call!(p, rank1(m, keep, scale, a, b, bound))
}

/// `out[i] = Σ_j mat[i, j] · x[j]` for a row-major `[out.len(), x.len()]` matrix.
pub fn matvec(out: &mut [f64], mat: &[f64], x: &[f64]) {
    assert_eq!(mat.len(), out.len() * x.len(), "matvec: matrix size");
    matvec_with(path(false), out, mat, x)
}

/// `out[i] = Σ_j (w[i, j] + alpha[i, j] · h[i, j]) · x[j]`: the drive through plastic weights.
pub fn matvec_plastic(out: &mut [f64], w: &[f64], alpha: Alpha<'_>, h: &[f64], x: &[f64]) {
    let size = out.len() * x.len();
    assert_eq!(w.len(), size, "matvec_plastic: w size");
    if let Alpha::PerConnection(a) = alpha {
        assert_eq!(a.len(), size, "matvec_plastic: alpha size");
    }
    assert_eq!(h.len(), size, "matvec_plastic: h size");
    matvec_plastic_with(path(false), out, w, alpha, h, x)
}

/// Rank-one update of a row-major `[a.len(), b.len()]` matrix, clipped to `[-bound, bound]`:
/// `m[i, j] ← clip(keep · m[i, j] + scale · a[i] · b[j])`.
pub fn rank1_update(m: &mut [f64], keep: f64, scale: f64, a: &[f64], b: &[f64], bound: f64) {
    assert_eq!(m.len(), a.len() * b.len(), "rank1_update: matrix size");
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
    check_fused("fused_rank1_matvec", out, m.len(), &update, x);
    fused_with(path(false), out, m, update, x)
}

#[inline(always)]
fn fused_with(p: Path, out: &mut [f64], m: &mut [f64], u: RankOne<'_>, x: &[f64]) {
    path_call!(
        p,
        fused(out, m, u.keep, u.scale, u.post, u.pre, u.bound, x, None)
    )
}

/// The plasticity coefficients `α` of a trace rule: one per connection, or one value for all of
/// them (the rule's initial `alpha`, until the coefficients are set), which the kernels then
/// broadcast instead of reading an `n × n` matrix. Both give the same bits.
#[derive(Clone, Copy, Debug)]
pub enum Alpha<'a> {
    PerConnection(&'a [f64]),
    Uniform(f64),
}

impl<'a> Alpha<'a> {
    /// `Uniform` when every entry of `alpha` has the same bits as the first.
    pub fn of(alpha: &'a [f64]) -> Alpha<'a> {
        match alpha.first() {
            Some(&a0) if alpha.iter().all(|a| a.to_bits() == a0.to_bits()) => Alpha::Uniform(a0),
            _ => Alpha::PerConnection(alpha),
        }
    }
}

/// As [`fused_rank1_matvec`] for a trace `h` with effective weights `w + alpha ⊙ h`
/// (bit-identical to [`rank1_update`], diagonal restored, followed by [`matvec_plastic`]).
pub fn fused_rank1_matvec_plastic(
    out: &mut [f64],
    w: &[f64],
    alpha: Alpha<'_>,
    h: &mut [f64],
    update: RankOne<'_>,
    x: &[f64],
) {
    check_fused("fused_rank1_matvec_plastic", out, h.len(), &update, x);
    assert_eq!(w.len(), h.len(), "fused_rank1_matvec_plastic: w size");
    if let Alpha::PerConnection(a) = alpha {
        assert_eq!(a.len(), h.len(), "fused_rank1_matvec_plastic: alpha size");
    }
    fused_plastic_with(path(false), out, w, alpha, h, update, x)
}

/// The fused kernels work on a square `[n, n]` matrix with `n`-long `post`, `pre` and `x`.
fn check_fused(name: &str, out: &[f64], size: usize, update: &RankOne<'_>, x: &[f64]) {
    let n = x.len();
    assert_eq!(out.len(), n, "{name}: out length");
    assert_eq!(size, n * n, "{name}: matrix size");
    assert_eq!(update.post.len(), n, "{name}: post length");
    assert_eq!(update.pre.len(), n, "{name}: pre length");
}

#[inline(always)]
fn fused_plastic_with(
    p: Path,
    out: &mut [f64],
    w: &[f64],
    alpha: Alpha<'_>,
    h: &mut [f64],
    u: RankOne<'_>,
    x: &[f64],
) {
    let eff = Some((w, alpha));
    path_call!(
        p,
        fused(out, h, u.keep, u.scale, u.post, u.pre, u.bound, x, eff)
    )
}

avx2_clone! {
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

avx2_clone! {
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

/// `tanh(x)` from a polynomial `exp` (absolute error below 1e-9; libm's `tanh` was a third of
/// a recurrent agent's step). Written without branches (the clamp and the small-`x` case are
/// selects) so that [`tanh_into`] vectorises it; every lane rounds as this scalar code does.
#[inline(always)]
pub fn fast_tanh(x: f64) -> f64 {
    let c = x.clamp(-20.0, 20.0);
    // e^{2c} = 2^n · e^{y}, n = round(2c·log2 e), |y| ≤ ln2/2; Taylor to degree 9 in y.
    let t = 2.0 * c * std::f64::consts::LOG2_E;
    let n = t.round();
    let y = (t - n) * std::f64::consts::LN_2;
    let mut p = 1.0 + y / 9.0;
    for k in (1..=8).rev() {
        p = 1.0 + y / k as f64 * p;
    }
    // 2^n from the bits: |n| ≤ 58, so n + 2^52 + 1023 is exact and its low mantissa bits are
    // the biased exponent n + 1023.
    const EXPONENT_MAGIC: f64 = 4_503_599_627_371_519.0; // 2^52 + 1023
    let two_n = f64::from_bits((n + EXPONENT_MAGIC).to_bits() << 52);
    let e = p * two_n;
    let v = (e - 1.0) / (e + 1.0);
    if c.abs() < 1e-4 {
        c
    } else {
        v
    }
}

/// `out[i] = fast_tanh(x[i])` over the shorter of the two slices (four lanes at a time on
/// AVX2, the same bits as the scalar [`fast_tanh`] on either path).
pub fn tanh_into(out: &mut [f64], x: &[f64]) {
    tanh_with(path(false), out, x)
}

#[inline(always)]
fn tanh_with(p: Path, out: &mut [f64], x: &[f64]) {
    path_call!(p, tanh(out, x))
}

avx2_clone! {
    /// One step of leaky integration with a running average, element by element:
    /// `x ← (x + leak·(drive − x)) + noise`, `fluctuation = x − average` (against the old
    /// average), `average ← alpha·average + (1 − alpha)·x`.
    pub fn leaky_step(x: &mut [f64], average: &mut [f64], fluctuation: &mut [f64], drive: &[f64], noise: &[f64], leak: f64, alpha: f64) {
        let inputs = drive.iter().zip(noise);
        let states = x.iter_mut().zip(average.iter_mut()).zip(fluctuation.iter_mut());
        for (((x, a), f), (&d, &z)) in states.zip(inputs) {
            let v = *x + leak * (d - *x) + z;
            *x = v;
            *f = v - *a;
            *a = alpha * *a + (1.0 - alpha) * v;
        }
    }
}

avx2_clone! {
    /// `e[j] += c · a[j]` (each product and sum rounded alone, as in the scalar loop).
    pub fn axpy(e: &mut [f64], c: f64, a: &[f64]) {
        for (e, &a) in e.iter_mut().zip(a) {
            *e += c * a;
        }
    }
}

avx2_clone! {
    /// `w[j] += clip(eta · e[j], ±bound)`: a weight change applied with an elementwise clip.
    pub fn add_clipped(w: &mut [f64], eta: f64, e: &[f64], bound: f64) {
        for (w, &e) in w.iter_mut().zip(e) {
            *w += (eta * e).clamp(-bound, bound);
        }
    }
}

/// `Σ_j a[j] · b[j]` with the same summation order as [`matvec`].
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len(), "dot: lengths");
    path_call!(path(false), dot(a, b))
}

#[cfg(test)]
mod tests;
