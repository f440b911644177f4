//! The matrix kernels with AVX2 and FMA intrinsics: the lanes and summation order of
//! [`super::portable`], with fused multiply-adds in the vector part (see the module doc of
//! [`super`] for what that changes).
//!
//! Each kernel loops over the rows itself, so the per-row work (slicing, the horizontal sum)
//! is inlined into one `target_feature` function.

use super::{Alpha, Lanes, BLOCK, LANES};
use std::arch::x86_64::*;

/// Sum of the sixteen lanes in the order of [`super::reduce`].
#[inline(always)]
unsafe fn reduce(acc: [__m256d; 4]) -> f64 {
    // (acc0 + acc1) + (acc2 + acc3), lane-wise: s[k] = (l[k] + l[4+k]) + (l[8+k] + l[12+k])
    let s = _mm256_add_pd(_mm256_add_pd(acc[0], acc[1]), _mm256_add_pd(acc[2], acc[3]));
    let mut l = [0.0; 4];
    _mm256_storeu_pd(l.as_mut_ptr(), s);
    (l[0] + l[1]) + (l[2] + l[3])
}

/// `out[i] = Σ_j mat[i, j]·x[j]`.
#[target_feature(enable = "avx2,fma")]
pub unsafe fn matvec(out: &mut [f64], mat: &[f64], x: &[f64]) {
    let n = x.len();
    if n == 0 {
        out.fill(0.0);
        return;
    }
    if n < LANES {
        for (o, row) in out.iter_mut().zip(mat.chunks_exact(n)) {
            *o = dot_row(row, x);
        }
        return;
    }
    // Two rows at a time: each x vector is loaded once for both, and the two rows' eight
    // accumulator chains run side by side. Every row keeps its own lanes and order, so the
    // bits are those of `dot_row`.
    let mut pairs = out.chunks_exact_mut(2);
    let mut rows = mat.chunks_exact(2 * n);
    for (o, rows) in (&mut pairs).zip(&mut rows) {
        let (a, b) = rows.split_at(n);
        (o[0], o[1]) = dot_two_rows(a, b, x);
    }
    for (o, row) in pairs
        .into_remainder()
        .iter_mut()
        .zip(rows.remainder().chunks_exact(n))
    {
        *o = dot_row(row, x);
    }
}

/// `(Σ_j a[j]·x[j], Σ_j b[j]·x[j])` for `x.len() >= LANES`, each with the lanes and order of
/// [`dot_row`].
#[inline(always)]
unsafe fn dot_two_rows(a: &[f64], b: &[f64], x: &[f64]) -> (f64, f64) {
    let n = x.len();
    let (a, b) = (&a[..n], &b[..n]);
    let l = Lanes::new(n);
    let (ap, bp, xp) = (a.as_ptr(), b.as_ptr(), x.as_ptr());
    let mut acc_a = [_mm256_setzero_pd(); 4];
    let mut acc_b = [_mm256_setzero_pd(); 4];
    let mut j = 0;
    // SAFETY (both loops): j + BLOCK <= l.blocks (resp. j + LANES <= l.body) <= n, the length
    // of a, b and x.
    while j < l.blocks {
        for u in 0..4 {
            let o = j + 4 * u;
            let xv = _mm256_loadu_pd(xp.add(o));
            acc_a[u] = _mm256_fmadd_pd(_mm256_loadu_pd(ap.add(o)), xv, acc_a[u]);
            acc_b[u] = _mm256_fmadd_pd(_mm256_loadu_pd(bp.add(o)), xv, acc_b[u]);
        }
        j += BLOCK;
    }
    if j < l.body {
        for u in 0..2 {
            let o = j + 4 * u;
            let xv = _mm256_loadu_pd(xp.add(o));
            acc_a[u] = _mm256_fmadd_pd(_mm256_loadu_pd(ap.add(o)), xv, acc_a[u]);
            acc_b[u] = _mm256_fmadd_pd(_mm256_loadu_pd(bp.add(o)), xv, acc_b[u]);
        }
    }
    let (mut tail_a, mut tail_b) = (0.0, 0.0);
    for k in l.body..n {
        tail_a += a[k] * x[k];
        tail_b += b[k] * x[k];
    }
    (reduce(acc_a) + tail_a, reduce(acc_b) + tail_b)
}

/// `Σ_j a[j]·b[j]`.
#[target_feature(enable = "avx2,fma")]
pub unsafe fn dot(a: &[f64], b: &[f64]) -> f64 {
    dot_row(&a[..b.len()], b)
}

#[inline(always)]
unsafe fn dot_row(a: &[f64], x: &[f64]) -> f64 {
    let n = x.len();
    let a = &a[..n];
    if n < LANES {
        // Only a tail (e.g. the input weights of a few inputs): the lanes stay zero, and the
        // sum of sixteen zero lanes is 0.0.
        let mut tail = 0.0;
        for k in 0..n {
            tail += a[k] * x[k];
        }
        return 0.0 + tail;
    }
    let l = Lanes::new(n);
    let (ap, xp) = (a.as_ptr(), x.as_ptr());
    let mut acc = [_mm256_setzero_pd(); 4];
    let mut j = 0;
    // SAFETY (both loops): j + BLOCK <= l.blocks (resp. j + LANES <= l.body) <= n, the length
    // of a and x.
    while j < l.blocks {
        for (u, acc) in acc.iter_mut().enumerate() {
            let o = j + 4 * u;
            *acc = _mm256_fmadd_pd(_mm256_loadu_pd(ap.add(o)), _mm256_loadu_pd(xp.add(o)), *acc);
        }
        j += BLOCK;
    }
    if j < l.body {
        for (u, acc) in acc[..2].iter_mut().enumerate() {
            let o = j + 4 * u;
            *acc = _mm256_fmadd_pd(_mm256_loadu_pd(ap.add(o)), _mm256_loadu_pd(xp.add(o)), *acc);
        }
    }
    let mut tail = 0.0;
    for k in l.body..n {
        tail += a[k] * x[k];
    }
    reduce(acc) + tail
}

/// `out[i] = Σ_j (w[i, j] + alpha[i, j]·h[i, j])·x[j]`.
#[target_feature(enable = "avx2,fma")]
pub unsafe fn matvec_plastic(out: &mut [f64], w: &[f64], alpha: Alpha<'_>, h: &[f64], x: &[f64]) {
    match alpha {
        Alpha::PerConnection(a) => matvec_plastic_rows::<false>(out, w, a, 0.0, h, x),
        Alpha::Uniform(a0) => matvec_plastic_rows::<true>(out, w, &[], a0, h, x),
    }
}

/// [`matvec_plastic`] with `alpha` (`n × n`) or, when `UNIFORM`, `a0` everywhere.
#[inline(always)]
unsafe fn matvec_plastic_rows<const UNIFORM: bool>(
    out: &mut [f64],
    w: &[f64],
    alpha: &[f64],
    a0: f64,
    h: &[f64],
    x: &[f64],
) {
    let n = x.len();
    let av = _mm256_set1_pd(a0);
    for (i, o) in out.iter_mut().enumerate() {
        let s = i * n..(i + 1) * n;
        let (w, h) = (&w[s.clone()], &h[s.clone()]);
        let a = if UNIFORM { &[][..] } else { &alpha[s] };
        let l = Lanes::new(n);
        let (wp, ap, hp, xp) = (w.as_ptr(), a.as_ptr(), h.as_ptr(), x.as_ptr());
        let mut acc = [_mm256_setzero_pd(); 4];
        let one = |o: usize, acc: &mut __m256d| {
            // SAFETY: o + 4 <= l.body <= n, the length of w, h, x (and of a unless UNIFORM).
            let a = if UNIFORM {
                av
            } else {
                _mm256_loadu_pd(ap.add(o))
            };
            let eff = _mm256_fmadd_pd(a, _mm256_loadu_pd(hp.add(o)), _mm256_loadu_pd(wp.add(o)));
            *acc = _mm256_fmadd_pd(eff, _mm256_loadu_pd(xp.add(o)), *acc);
        };
        let mut j = 0;
        while j < l.blocks {
            for (u, acc) in acc.iter_mut().enumerate() {
                one(j + 4 * u, acc);
            }
            j += BLOCK;
        }
        if j < l.body {
            for (u, acc) in acc[..2].iter_mut().enumerate() {
                one(j + 4 * u, acc);
            }
        }
        let mut tail = 0.0;
        for k in l.body..n {
            let ak = if UNIFORM { a0 } else { a[k] };
            tail += (w[k] + ak * h[k]) * x[k];
        }
        *o = reduce(acc) + tail;
    }
}

/// The clipped update of four entries at `o`: `clip(keep·m + (c·b))` (one FMA).
#[inline(always)]
unsafe fn updated(m: *const f64, b: *const f64, o: usize, k: &Consts) -> __m256d {
    let cb = _mm256_mul_pd(k.c, _mm256_loadu_pd(b.add(o)));
    let v = _mm256_fmadd_pd(k.keep, _mm256_loadu_pd(m.add(o)), cb);
    // max(lo, v) and min(hi, v) return v when v is NaN, as f64::clamp does.
    _mm256_min_pd(k.hi, _mm256_max_pd(k.lo, v))
}

struct Consts {
    keep: __m256d,
    c: __m256d,
    lo: __m256d,
    hi: __m256d,
}

impl Consts {
    /// `keep`, `c` and the clip range `[−bound, bound]` in every lane.
    #[inline(always)]
    unsafe fn new(keep: f64, c: f64, bound: f64) -> Self {
        Consts {
            keep: _mm256_set1_pd(keep),
            c: _mm256_set1_pd(c),
            lo: _mm256_set1_pd(-bound),
            hi: _mm256_set1_pd(bound),
        }
    }
}

/// Rank-one update of the rows of `m` (`[a.len(), b.len()]`), clipped:
/// `m[i, j] ← clip(keep·m[i, j] + scale·a[i]·b[j])`.
#[target_feature(enable = "avx2,fma")]
pub unsafe fn rank1(m: &mut [f64], keep: f64, scale: f64, a: &[f64], b: &[f64], bound: f64) {
    let n = b.len();
    if n == 0 {
        return;
    }
    for (row, &ai) in m.chunks_exact_mut(n).zip(a) {
        let c = scale * ai;
        let k = Consts::new(keep, c, bound);
        // Vectors over the first n - n mod 8 entries, as in `fused`; the tail without FMA.
        let body = n - n % LANES;
        let (mp, bp) = (row.as_mut_ptr(), b.as_ptr());
        let mut j = 0;
        while j < body {
            // SAFETY: j + 4 <= body <= n, the length of row and b.
            _mm256_storeu_pd(mp.add(j), updated(mp, bp, j, &k));
            j += 4;
        }
        for jj in body..n {
            row[jj] = (keep * row[jj] + c * b[jj]).clamp(-bound, bound);
        }
    }
}

/// The fused step over a square matrix `m` (`[n, n]`, `n = x.len()`): rank-one update of every
/// row `i` with `c = scale·post[i]` (the diagonal kept), then `out[i] = Σ_j e[i, j]·x[j]` with
/// `e = m'` or, given `(w, alpha)`, `e = w + alpha ⊙ m'`.
#[target_feature(enable = "avx2,fma")]
#[allow(clippy::too_many_arguments)]
pub unsafe fn fused(
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
    let (m, pre, post) = (&mut m[..n * n], &pre[..n], &post[..n]);
    let u = Update {
        keep,
        scale,
        post,
        pre,
        bound,
    };
    // Monomorphised loops: with or without (w, alpha); with one load for the Hebbian case where
    // the presynaptic vector is the one the drive is computed from.
    let same = std::ptr::eq(pre, x);
    let nn = n * n;
    match eff {
        Some((w, Alpha::PerConnection(a))) => {
            fused_rows::<true, false, false>(out, m, &u, x, &w[..nn], &a[..nn], 0.0)
        }
        Some((w, Alpha::Uniform(a0))) => {
            fused_rows::<true, false, true>(out, m, &u, x, &w[..nn], &[], a0)
        }
        None if same => fused_rows::<false, true, false>(out, m, &u, x, &[], &[], 0.0),
        None => fused_rows::<false, false, false>(out, m, &u, x, &[], &[], 0.0),
    }
}

struct Update<'a> {
    keep: f64,
    scale: f64,
    post: &'a [f64],
    pre: &'a [f64],
    bound: f64,
}

/// [`fused`] for `PLASTIC` (`w` given, `n × n`, and `alpha` too unless `UNIFORM`, when every
/// coefficient is `a0`) or not (both empty), and `SAME` (`pre` and `x` are the same slice).
#[inline(always)]
unsafe fn fused_rows<const PLASTIC: bool, const SAME: bool, const UNIFORM: bool>(
    out: &mut [f64],
    m: &mut [f64],
    u: &Update<'_>,
    x: &[f64],
    w: &[f64],
    alpha: &[f64],
    a0: f64,
) {
    let n = x.len();
    let l = Lanes::new(n);
    for (i, o) in out[..n].iter_mut().enumerate() {
        let row = &mut m[i * n..(i + 1) * n];
        *o = fused_row::<PLASTIC, SAME, UNIFORM>(i, row, u, x, w, alpha, a0, &l);
    }
}

/// Row `i` of [`fused_rows`]: updates `row` (diagonal kept) and returns its drive.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn fused_row<const PLASTIC: bool, const SAME: bool, const UNIFORM: bool>(
    i: usize,
    row: &mut [f64],
    u: &Update<'_>,
    x: &[f64],
    w: &[f64],
    alpha: &[f64],
    a0: f64,
    l: &Lanes,
) -> f64 {
    let c = u.scale * u.post[i];
    let saved = row[i];
    let p = RowPointers::<PLASTIC, SAME, UNIFORM>::new(i, row, u, c, x, w, alpha, a0);
    let mut acc = [_mm256_setzero_pd(); 4];
    // SAFETY (below): every offset o satisfies o + 4 <= l.body <= n, the length of row,
    // pre, x and of the rows of w (when PLASTIC) and alpha (when PLASTIC and not UNIFORM);
    // otherwise those pointers are unused.
    let diag_block = i - i % BLOCK;
    let mut j = 0;
    while j < l.blocks {
        let mut v = [_mm256_setzero_pd(); 4];
        let mut b = [_mm256_setzero_pd(); 4];
        for uu in 0..4 {
            (v[uu], b[uu]) = p.update(j + 4 * uu);
        }
        if j == diag_block {
            // Once per row: restore the diagonal and take the block back from memory
            // (constant indices keep `v` in registers).
            *p.m.add(i) = saved;
            for (uu, v) in v.iter_mut().enumerate() {
                *v = _mm256_loadu_pd(p.m.add(j + 4 * uu));
            }
        }
        for (uu, acc) in acc.iter_mut().enumerate() {
            p.drive(j + 4 * uu, v[uu], b[uu], acc);
        }
        j += BLOCK;
    }
    if j < l.body {
        p.half_block(j, i, saved, &mut acc);
    }
    let tail = row_tail::<PLASTIC, UNIFORM>(i, row, u, x, w, alpha, a0, l.body, c, saved);
    reduce(acc) + tail
}

/// What the vector part of [`fused_row`] reads and writes: the row's constants and pointers
/// to the row of the matrix, the presynaptic vector, `x` and the rows of `w` and `alpha`
/// (null when unused).
struct RowPointers<const PLASTIC: bool, const SAME: bool, const UNIFORM: bool> {
    k: Consts,
    m: *mut f64,
    pre: *const f64,
    x: *const f64,
    w: *const f64,
    alpha: *const f64,
    a0: __m256d,
}

impl<const PLASTIC: bool, const SAME: bool, const UNIFORM: bool>
    RowPointers<PLASTIC, SAME, UNIFORM>
{
    /// The pointers of row `i` (update `keep·m + c·pre`), `w` and `alpha` offset to the row.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn new(
        i: usize,
        row: &mut [f64],
        u: &Update<'_>,
        c: f64,
        x: &[f64],
        w: &[f64],
        alpha: &[f64],
        a0: f64,
    ) -> Self {
        let n = x.len();
        Self {
            k: Consts::new(u.keep, c, u.bound),
            m: row.as_mut_ptr(),
            pre: u.pre.as_ptr(),
            x: x.as_ptr(),
            w: if PLASTIC {
                w.as_ptr().add(i * n)
            } else {
                std::ptr::null()
            },
            alpha: if PLASTIC && !UNIFORM {
                alpha.as_ptr().add(i * n)
            } else {
                std::ptr::null()
            },
            a0: _mm256_set1_pd(a0),
        }
    }

    /// Updates the four entries at `o` and returns them with the presynaptic values they were
    /// updated with. Safety: `o + 4` is within the row (see [`fused_row`]).
    #[inline(always)]
    unsafe fn update(&self, o: usize) -> (__m256d, __m256d) {
        let k = &self.k;
        let b = _mm256_loadu_pd(self.pre.add(o));
        let v = _mm256_fmadd_pd(
            k.keep,
            _mm256_loadu_pd(self.m.add(o)),
            _mm256_mul_pd(k.c, b),
        );
        // max(lo, v) and min(hi, v) return v when v is NaN, as f64::clamp does.
        let v = _mm256_min_pd(k.hi, _mm256_max_pd(k.lo, v));
        _mm256_storeu_pd(self.m.add(o), v);
        (v, b)
    }

    /// Adds the drive of the four updated entries `v` at `o` (presynaptic values `b`) to `acc`.
    #[inline(always)]
    unsafe fn drive(&self, o: usize, v: __m256d, b: __m256d, acc: &mut __m256d) {
        let e = if PLASTIC {
            let a = if UNIFORM {
                self.a0
            } else {
                _mm256_loadu_pd(self.alpha.add(o))
            };
            _mm256_fmadd_pd(a, v, _mm256_loadu_pd(self.w.add(o)))
        } else {
            v
        };
        let xv = if SAME {
            b
        } else {
            _mm256_loadu_pd(self.x.add(o))
        };
        *acc = _mm256_fmadd_pd(e, xv, *acc);
    }

    /// The half block of eight entries at `j` after the whole blocks (into the first two
    /// accumulators), restoring the diagonal entry `i` to `saved` if it lies there.
    #[inline(always)]
    unsafe fn half_block(&self, j: usize, i: usize, saved: f64, acc: &mut [__m256d; 4]) {
        for (uu, acc) in acc[..2].iter_mut().enumerate() {
            let o = j + 4 * uu;
            let (mut v, b) = self.update(o);
            if i >= o && i < o + 4 {
                *self.m.add(i) = saved;
                v = _mm256_loadu_pd(self.m.add(o));
            }
            self.drive(o, v, b, acc);
        }
    }
}

/// The scalar part (elements `from..n`) of [`fused_row`], every operation rounded alone.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn row_tail<const PLASTIC: bool, const UNIFORM: bool>(
    i: usize,
    row: &mut [f64],
    u: &Update<'_>,
    x: &[f64],
    w: &[f64],
    alpha: &[f64],
    a0: f64,
    from: usize,
    c: f64,
    saved: f64,
) -> f64 {
    let n = x.len();
    let (keep, bound, pre) = (u.keep, u.bound, u.pre);
    let mut tail = 0.0;
    for jj in from..n {
        let v = if jj == i {
            saved
        } else {
            (keep * row[jj] + c * pre[jj]).clamp(-bound, bound)
        };
        row[jj] = v;
        let e = if PLASTIC {
            let a = if UNIFORM { a0 } else { alpha[i * n + jj] };
            w[i * n + jj] + a * v
        } else {
            v
        };
        tail += e * x[jj];
    }
    tail
}

/// `out[j] = fast_tanh(x[j])` four lanes at a time, every lane rounded as the scalar
/// [`super::fast_tanh`] is (no FMA): the same bits.
#[target_feature(enable = "avx2,fma")]
pub unsafe fn tanh(out: &mut [f64], x: &[f64]) {
    let n = out.len().min(x.len());
    let body = n - n % 4;
    let one = _mm256_set1_pd(1.0);
    let (lo, hi) = (_mm256_set1_pd(-20.0), _mm256_set1_pd(20.0));
    let two = _mm256_set1_pd(2.0);
    let log2e = _mm256_set1_pd(std::f64::consts::LOG2_E);
    let ln2 = _mm256_set1_pd(std::f64::consts::LN_2);
    // round half away from zero: trunc(t + copysign(0.5 − 2^-54, t)), exact for |t| < 2^52
    let half = _mm256_set1_pd(0.499_999_999_999_999_94);
    let sign = _mm256_set1_pd(-0.0);
    let magic = _mm256_set1_pd(4_503_599_627_371_519.0);
    let small = _mm256_set1_pd(1e-4);
    let div = |y: __m256d, k: f64| _mm256_div_pd(y, _mm256_set1_pd(k));
    let mut j = 0;
    while j < body {
        // SAFETY: j + 4 <= body <= n, the length of x and out.
        let v = _mm256_loadu_pd(x.as_ptr().add(j));
        // max(lo, v) and min(hi, v) return v when v is NaN, as f64::clamp does.
        let c = _mm256_min_pd(hi, _mm256_max_pd(lo, v));
        let t = _mm256_mul_pd(_mm256_mul_pd(two, c), log2e);
        let r = _mm256_or_pd(_mm256_and_pd(t, sign), half);
        let r = _mm256_round_pd(_mm256_add_pd(t, r), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
        let y = _mm256_mul_pd(_mm256_sub_pd(t, r), ln2);
        let mut p = _mm256_add_pd(one, div(y, 9.0));
        // y/k for k = 8, 4, 2, 1 are exact scalings: multiplications give the same bits.
        p = _mm256_add_pd(
            one,
            _mm256_mul_pd(_mm256_mul_pd(y, _mm256_set1_pd(0.125)), p),
        );
        p = _mm256_add_pd(one, _mm256_mul_pd(div(y, 7.0), p));
        p = _mm256_add_pd(one, _mm256_mul_pd(div(y, 6.0), p));
        p = _mm256_add_pd(one, _mm256_mul_pd(div(y, 5.0), p));
        p = _mm256_add_pd(
            one,
            _mm256_mul_pd(_mm256_mul_pd(y, _mm256_set1_pd(0.25)), p),
        );
        p = _mm256_add_pd(one, _mm256_mul_pd(div(y, 3.0), p));
        p = _mm256_add_pd(one, _mm256_mul_pd(_mm256_mul_pd(y, _mm256_set1_pd(0.5)), p));
        p = _mm256_add_pd(one, _mm256_mul_pd(y, p));
        let bits = _mm256_slli_epi64(_mm256_castpd_si256(_mm256_add_pd(r, magic)), 52);
        let e = _mm256_mul_pd(p, _mm256_castsi256_pd(bits));
        let th = _mm256_div_pd(_mm256_sub_pd(e, one), _mm256_add_pd(e, one));
        let tiny = _mm256_cmp_pd(_mm256_andnot_pd(sign, c), small, _CMP_LT_OQ);
        _mm256_storeu_pd(out.as_mut_ptr().add(j), _mm256_blendv_pd(th, c, tiny));
        j += 4;
    }
    for k in body..n {
        out[k] = super::fast_tanh(x[k]);
    }
}
