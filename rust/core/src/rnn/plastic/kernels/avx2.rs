//! AVX2+FMA versions of the row kernels of [`super`], written with intrinsics (the
//! auto-vectorizer leaves the fused loops scalar), once for `f64` and `f32` through
//! [`Avx256`]. Same arithmetic as the portable kernels, with fused multiply-adds.
//!
//! Lane layout. A row is walked in chunks of one register (four `f64` or eight `f32`) whose
//! reductions alternate between two accumulator registers (two independent FMA chains, so
//! the loop is not bound by the latency of one); an odd last chunk goes to the first. The two
//! accumulators then become the eight lanes of the fixed-order sum [`sum_lanes`], and this is
//! the one step the two precisions do differently ([`Kernel::lanes_of`]): the eight `f64`
//! lanes are the two 4-double registers side by side, the eight `f32` lanes are the two
//! 8-float registers added lane by lane. Either way lane k sums the elements j ≡ k (mod 8),
//! but in a different order, which the tests pin bit for bit; so that step stays per type.

use super::{
    backward_row_tail, forward_element, silent_run_tail, sum_lanes, BackwardRow, ForwardRow,
    SilentRun, LANES,
};
use crate::rnn::plastic::float::Float;
use crate::simd::Avx256;
use std::arch::x86_64::*;

/// A float type the AVX2 row kernels run on.
pub(super) trait Kernel: Float + Avx256 {
    /// The eight lanes of [`sum_lanes`] from the two accumulators (see the module doc).
    ///
    /// # Safety
    /// The CPU must support AVX2.
    unsafe fn lanes_of(acc: [Self::V; 2]) -> [Self; LANES];
}

impl Kernel for f64 {
    /// Lane k is element k of the two 4-double registers side by side.
    #[inline(always)]
    unsafe fn lanes_of(acc: [__m256d; 2]) -> [f64; LANES] {
        let mut lanes = [0.0f64; LANES];
        _mm256_storeu_pd(lanes.as_mut_ptr(), acc[0]);
        _mm256_storeu_pd(lanes.as_mut_ptr().add(4), acc[1]);
        lanes
    }
}

impl Kernel for f32 {
    /// Lane k is the sum of lane k of the two 8-float registers.
    #[inline(always)]
    unsafe fn lanes_of(acc: [__m256; 2]) -> [f32; LANES] {
        let mut lanes = [0.0f32; LANES];
        _mm256_storeu_ps(lanes.as_mut_ptr(), _mm256_add_ps(acc[0], acc[1]));
        lanes
    }
}

#[inline(always)]
unsafe fn ld<T: Avx256>(s: &[T], j: usize) -> T::V {
    debug_assert!(j + T::WIDTH <= s.len());
    T::load(s.as_ptr().add(j))
}

#[inline(always)]
unsafe fn st<T: Avx256>(s: &mut [T], j: usize, v: T::V) {
    debug_assert!(j + T::WIDTH <= s.len());
    T::store(s.as_mut_ptr().add(j), v)
}

/// Runs `$chunk!(offset, k)` over the whole chunks of `$width` values below `$nc`, alternating
/// between accumulator `k = 0` and `k = 1`; an odd last chunk goes to 0 (only `f32`: `$nc` is
/// a multiple of eight, two `f64` chunks).
macro_rules! in_chunk_pairs {
    ($nc:expr, $width:expr, $chunk:ident) => {{
        let (nc, width) = ($nc, $width);
        let mut j = 0;
        while j + 2 * width <= nc {
            $chunk!(j, 0);
            $chunk!(j + width, 1);
            j += 2 * width;
        }
        if j < nc {
            $chunk!(j, 0);
        }
    }};
}

/// # Safety
/// The CPU must support AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn forward_row<T: Kernel, const PER_CONNECTION: bool>(r: ForwardRow<'_, T>) -> T {
    let n = r.w.len();
    let (w, alpha, eta, y, yb) = (
        &r.w[..n],
        &r.alpha[..n],
        &r.eta[..n],
        &r.y[..n],
        &r.y_before[..n],
    );
    let hebb = &mut r.hebb[..n];
    let post = T::splat(r.post);
    let one = T::splat(T::ONE);
    // A shared η is one broadcast register (the same products as loading its constant row).
    let e_shared = T::splat(if PER_CONNECTION { T::ZERO } else { eta[0] });
    let (ep_shared, keep_shared) = (T::vmul(e_shared, post), T::vsub(one, e_shared));
    let mut acc = [T::zero(); 2];
    let nc = n - n % LANES;
    macro_rules! chunk {
        ($o:expr, $a:expr) => {{
            let o = $o;
            let (ep, keep) = if PER_CONNECTION {
                let e = ld(eta, o);
                (T::vmul(e, post), T::vsub(one, e))
            } else {
                (ep_shared, keep_shared)
            };
            let h = T::fmadd(ep, ld(yb, o), T::vmul(keep, ld(hebb, o)));
            st(hebb, o, h);
            let p = T::fmadd(ld(alpha, o), h, ld(w, o));
            acc[$a] = T::fmadd(p, ld(y, o), acc[$a]);
        }};
    }
    in_chunk_pairs!(nc, T::WIDTH, chunk);
    let mut lanes = T::lanes_of(acc);
    for jj in nc..n {
        let k = jj - nc;
        forward_element::<T, true>(
            w[jj],
            alpha[jj],
            eta[jj],
            &mut hebb[jj],
            y[jj],
            yb[jj],
            r.post,
            &mut lanes[k],
        );
    }
    sum_lanes(&lanes)
}

/// # Safety
/// The CPU must support AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn backward_row<
    T: Kernel,
    const REVERSE: bool,
    const PER_CONNECTION: bool,
    const SILENT: bool,
>(
    r: BackwardRow<'_, T>,
) -> (T, T) {
    let mut r = r.exact(PER_CONNECTION);
    let n = r.w.len();
    // A shared η (and 1/(1−η)) is one broadcast register: the same values as its constant row.
    let b = Broadcast::<T> {
        grad_drive: T::splat(r.grad_drive),
        post: T::splat(r.post),
        one: T::splat(T::ONE),
        eta: T::splat(if PER_CONNECTION { T::ZERO } else { r.eta[0] }),
        inv_keep: T::splat(if PER_CONNECTION {
            T::ZERO
        } else {
            r.inv_keep[0]
        }),
    };
    let mut row_acc = [T::zero(); 2];
    let mut eta_acc = [T::zero(); 2];
    let nc = n - n % LANES;
    macro_rules! chunk {
        ($o:expr, $half:expr) => {{
            let half = $half;
            let (row, eta) = (&mut row_acc[half], &mut eta_acc[half]);
            backward_chunk::<T, REVERSE, PER_CONNECTION, SILENT>(&mut r, &b, $o, row, eta);
        }};
    }
    in_chunk_pairs!(nc, T::WIDTH, chunk);
    let (mut row_lanes, mut eta_lanes) = (T::lanes_of(row_acc), T::lanes_of(eta_acc));
    backward_row_tail::<T, true, REVERSE, PER_CONNECTION>(
        &mut r,
        nc,
        &mut row_lanes,
        &mut eta_lanes,
    );
    (sum_lanes(&row_lanes), sum_lanes(&eta_lanes))
}

impl<'a, T> BackwardRow<'a, T> {
    /// The row with every slice cut to the row's length `n` (`grad_eta` to `n` or, unless
    /// `per_connection`, to 0): panics if one is shorter, before any unchecked load.
    #[inline(always)]
    fn exact(self, per_connection: bool) -> Self {
        let n = self.w.len();
        BackwardRow {
            w: self.w,
            alpha: &self.alpha[..n],
            eta: &self.eta[..n],
            inv_keep: &self.inv_keep[..n],
            hebb: &mut self.hebb[..n],
            grad_hebb: &mut self.grad_hebb[..n],
            grad_alpha: &mut self.grad_alpha[..n],
            grad_eta: &mut self.grad_eta[..if per_connection { n } else { 0 }],
            col: &mut self.col[..n],
            y_prev: &self.y_prev[..n],
            y_prev2: &self.y_prev2[..n],
            grad_drive: self.grad_drive,
            post: self.post,
        }
    }
}

/// The broadcast registers of [`backward_row`].
struct Broadcast<T: Avx256> {
    grad_drive: T::V,
    post: T::V,
    one: T::V,
    /// A shared η (unused with per-connection η).
    eta: T::V,
    /// 1/(1−η) of a shared η.
    inv_keep: T::V,
}

/// One chunk (one register of values at `o`) of [`backward_row`], its row sum into `row_acc`
/// and its share of a shared η's gradient into `eta_acc`.
#[inline(always)]
unsafe fn backward_chunk<
    T: Kernel,
    const REVERSE: bool,
    const PER_CONNECTION: bool,
    const SILENT: bool,
>(
    r: &mut BackwardRow<'_, T>,
    b: &Broadcast<T>,
    o: usize,
    row_acc: &mut T::V,
    eta_acc: &mut T::V,
) {
    let (e, iv) = if PER_CONNECTION {
        (ld(r.eta, o), ld(r.inv_keep, o))
    } else {
        (b.eta, b.inv_keep)
    };
    let ypv = ld(r.y_prev, o);
    let outer = T::vmul(b.post, ypv);
    let h = if REVERSE {
        let h = T::vmul(T::fnmadd(e, outer, ld(r.hebb, o)), iv);
        st(r.hebb, o, h);
        h
    } else {
        ld(r.hebb, o)
    };
    let gh_old = ld(r.grad_hebb, o);
    let from_hebb = T::fmadd(T::vmul(e, gh_old), b.post, ld(r.col, o));
    // A silent row (∂L/∂a_{t,i} = 0 exactly, e.g. a saturated tanh) adds nothing to ∂L/∂α,
    // nothing through W or α to the column sums, and only decays ∂L/∂H: skip those loads.
    let (a, q) = if SILENT {
        st(r.col, o, from_hebb);
        (T::zero(), T::zero())
    } else {
        let a = ld(r.alpha, o);
        let q = T::vmul(b.grad_drive, ypv);
        st(r.grad_alpha, o, T::fmadd(q, h, ld(r.grad_alpha, o)));
        let drive = T::fmadd(a, h, ld(r.w, o));
        st(r.col, o, T::fmadd(drive, b.grad_drive, from_hebb));
        (a, q)
    };
    let diff = T::vsub(outer, h);
    if PER_CONNECTION {
        st(
            r.grad_eta,
            o,
            T::vadd(ld(r.grad_eta, o), T::vmul(gh_old, diff)),
        );
    } else {
        *eta_acc = T::fmadd(gh_old, diff, *eta_acc);
    }
    let keep = T::vmul(T::vsub(b.one, e), gh_old);
    let gh_new = if SILENT { keep } else { T::fmadd(a, q, keep) };
    st(r.grad_hebb, o, gh_new);
    *row_acc = T::fmadd(T::vmul(e, gh_new), ld(r.y_prev2, o), *row_acc);
}

/// A run of saturated backward steps of one row (see [`SilentRun`]); returns the row sum
/// Σ_j η ∂L/∂H_{t0−1} y_{t0−2,j} and the row's share of the η gradient over the run.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn silent_run_row<T: Kernel>(mut r: SilentRun<'_, T>) -> (T, T) {
    let n = r.hebb.len();
    let k = r.post.len();
    assert!(r.grad_hebb.len() == n && r.col.len() >= n && r.y_prev2.len() >= n);
    assert!(r.pre.len() >= k * n);
    let e = T::splat(r.eta);
    let iv = T::splat(r.inv_keep);
    let keep_e = T::vsub(T::splat(T::ONE), e);
    let (hebb, gh_row) = (r.hebb.as_mut_ptr(), r.grad_hebb.as_mut_ptr());
    let (col, pre, ypp) = (r.col.as_mut_ptr(), r.pre.as_ptr(), r.y_prev2.as_ptr());
    let post = r.post.as_ptr();
    let mut row_acc = [T::zero(); 2];
    let mut eta_acc = [T::zero(); 2];
    // Each chunk's k steps form one dependency chain per value; the chunks are independent,
    // so two accumulators per sum suffice.
    macro_rules! chunk {
        ($o:expr, $acc:expr) => {{
            let o = $o;
            let mut h = T::load(hebb.add(o));
            let mut gh = T::load(gh_row.add(o));
            let mut ed = T::zero();
            for m in (0..k).rev() {
                let p = T::splat(*post.add(m));
                let outer = T::vmul(p, T::load(pre.add(m * n + o)));
                let h_new = T::vmul(T::fnmadd(e, outer, h), iv);
                if m == 0 {
                    let c = T::fmadd(T::vmul(e, gh), p, T::load(col.add(o)));
                    T::store(col.add(o), c);
                }
                ed = T::fmadd(gh, T::vsub(outer, h_new), ed);
                gh = T::vmul(keep_e, gh);
                h = h_new;
            }
            T::store(hebb.add(o), h);
            T::store(gh_row.add(o), gh);
            eta_acc[$acc] = T::vadd(eta_acc[$acc], ed);
            let rv = T::vmul(e, gh);
            row_acc[$acc] = T::fmadd(rv, T::load(ypp.add(o)), row_acc[$acc]);
        }};
    }
    let nc = n - n % LANES;
    in_chunk_pairs!(nc, T::WIDTH, chunk);
    let (mut row_lanes, mut eta_lanes) = (T::lanes_of(row_acc), T::lanes_of(eta_acc));
    silent_run_tail::<T, true>(&mut r, nc, &mut row_lanes, &mut eta_lanes);
    (sum_lanes(&row_lanes), sum_lanes(&eta_lanes))
}
