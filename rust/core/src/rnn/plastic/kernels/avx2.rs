//! AVX2+FMA versions of the row kernels of `plastic_kernels.rs`, written with intrinsics (the
//! auto-vectorizer leaves the fused loops scalar). Same arithmetic, same lane layout: lane k of
//! the reductions sums the elements j ≡ k (mod 8), then the lanes are added in a fixed order.

use super::{
    backward_row_tail, forward_element, silent_run_tail, sum_lanes, BackwardRow, ForwardRow,
    SilentRun, LANES,
};
use std::arch::x86_64::*;

#[inline(always)]
unsafe fn ld(s: &[f64], j: usize) -> __m256d {
    debug_assert!(j + 4 <= s.len());
    _mm256_loadu_pd(s.as_ptr().add(j))
}

#[inline(always)]
unsafe fn st(s: &mut [f64], j: usize, v: __m256d) {
    debug_assert!(j + 4 <= s.len());
    _mm256_storeu_pd(s.as_mut_ptr().add(j), v)
}

/// The 8 reduction lanes held in two 4-double accumulators, as an array (lane k = element k).
#[inline(always)]
unsafe fn lanes_of(acc: [__m256d; 2]) -> [f64; LANES] {
    let mut lanes = [0.0f64; LANES];
    _mm256_storeu_pd(lanes.as_mut_ptr(), acc[0]);
    _mm256_storeu_pd(lanes.as_mut_ptr().add(4), acc[1]);
    lanes
}

/// # Safety
/// The CPU must support AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn forward_row<const PER_CONNECTION: bool>(r: ForwardRow<'_, f64>) -> f64 {
    let n = r.w.len();
    let (w, alpha, eta, y, yb) = (
        &r.w[..n],
        &r.alpha[..n],
        &r.eta[..n],
        &r.y[..n],
        &r.y_before[..n],
    );
    let hebb = &mut r.hebb[..n];
    let post = _mm256_set1_pd(r.post);
    let one = _mm256_set1_pd(1.0);
    // A shared η is one broadcast register (the same products as loading its constant row).
    let e_shared = _mm256_set1_pd(if PER_CONNECTION { 0.0 } else { eta[0] });
    let (ep_shared, keep_shared) = (_mm256_mul_pd(e_shared, post), _mm256_sub_pd(one, e_shared));
    let mut acc = [_mm256_setzero_pd(); 2];
    let nc = n - n % LANES;
    let mut j = 0;
    while j < nc {
        for (half, a) in acc.iter_mut().enumerate() {
            let o = j + 4 * half;
            let (ep, keep) = if PER_CONNECTION {
                let e = ld(eta, o);
                (_mm256_mul_pd(e, post), _mm256_sub_pd(one, e))
            } else {
                (ep_shared, keep_shared)
            };
            let h = _mm256_fmadd_pd(ep, ld(yb, o), _mm256_mul_pd(keep, ld(hebb, o)));
            st(hebb, o, h);
            let p = _mm256_fmadd_pd(ld(alpha, o), h, ld(w, o));
            *a = _mm256_fmadd_pd(p, ld(y, o), *a);
        }
        j += LANES;
    }
    let mut lanes = lanes_of(acc);
    for jj in nc..n {
        let k = jj - nc;
        forward_element::<f64, true>(
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
    const REVERSE: bool,
    const PER_CONNECTION: bool,
    const SILENT: bool,
>(
    mut r: BackwardRow<'_, f64>,
) -> (f64, f64) {
    let n = r.w.len();
    let (w, alpha, eta, inv) = (&r.w[..n], &r.alpha[..n], &r.eta[..n], &r.inv_keep[..n]);
    let (yp, ypp) = (&r.y_prev[..n], &r.y_prev2[..n]);
    let hebb = &mut r.hebb[..n];
    let gh = &mut r.grad_hebb[..n];
    let ga = &mut r.grad_alpha[..n];
    let ge = &mut r.grad_eta[..if PER_CONNECTION { n } else { 0 }];
    let col = &mut r.col[..n];
    let g = _mm256_set1_pd(r.grad_drive);
    let post = _mm256_set1_pd(r.post);
    let one = _mm256_set1_pd(1.0);
    // A shared η (and 1/(1−η)) is one broadcast register: the same values as its constant row.
    let e_shared = _mm256_set1_pd(if PER_CONNECTION { 0.0 } else { eta[0] });
    let inv_shared = _mm256_set1_pd(if PER_CONNECTION { 0.0 } else { inv[0] });
    let mut row_acc = [_mm256_setzero_pd(); 2];
    let mut eta_acc = [_mm256_setzero_pd(); 2];
    let nc = n - n % LANES;
    let mut j = 0;
    while j < nc {
        for half in 0..2 {
            let o = j + 4 * half;
            let (e, iv) = if PER_CONNECTION {
                (ld(eta, o), ld(inv, o))
            } else {
                (e_shared, inv_shared)
            };
            let ypv = ld(yp, o);
            let outer = _mm256_mul_pd(post, ypv);
            let h = if REVERSE {
                let h = _mm256_mul_pd(_mm256_fnmadd_pd(e, outer, ld(hebb, o)), iv);
                st(hebb, o, h);
                h
            } else {
                ld(hebb, o)
            };
            let gh_old = ld(gh, o);
            let from_hebb = _mm256_fmadd_pd(_mm256_mul_pd(e, gh_old), post, ld(col, o));
            // A silent row (∂L/∂a_{t,i} = 0 exactly, e.g. a saturated tanh) adds nothing to ∂L/∂α,
            // nothing through W or α to the column sums, and only decays ∂L/∂H: skip those loads.
            let (a, q) = if SILENT {
                st(col, o, from_hebb);
                (_mm256_setzero_pd(), _mm256_setzero_pd())
            } else {
                let a = ld(alpha, o);
                let q = _mm256_mul_pd(g, ypv);
                st(ga, o, _mm256_fmadd_pd(q, h, ld(ga, o)));
                let drive = _mm256_fmadd_pd(a, h, ld(w, o));
                st(col, o, _mm256_fmadd_pd(drive, g, from_hebb));
                (a, q)
            };
            let diff = _mm256_sub_pd(outer, h);
            if PER_CONNECTION {
                st(ge, o, _mm256_add_pd(ld(ge, o), _mm256_mul_pd(gh_old, diff)));
            } else {
                eta_acc[half] = _mm256_fmadd_pd(gh_old, diff, eta_acc[half]);
            }
            let keep = _mm256_mul_pd(_mm256_sub_pd(one, e), gh_old);
            let gh_new = if SILENT {
                keep
            } else {
                _mm256_fmadd_pd(a, q, keep)
            };
            st(gh, o, gh_new);
            row_acc[half] = _mm256_fmadd_pd(_mm256_mul_pd(e, gh_new), ld(ypp, o), row_acc[half]);
        }
        j += LANES;
    }
    let (mut row_lanes, mut eta_lanes) = (lanes_of(row_acc), lanes_of(eta_acc));
    backward_row_tail::<f64, true, REVERSE, PER_CONNECTION>(
        &mut r,
        nc,
        &mut row_lanes,
        &mut eta_lanes,
    );
    (sum_lanes(&row_lanes), sum_lanes(&eta_lanes))
}

/// A run of saturated backward steps of one row (see [`SilentRun`]); returns the row sum
/// Σ_j η ∂L/∂H_{t0−1} y_{t0−2,j} and the row's share of the η gradient over the run.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn silent_run_row(mut r: SilentRun<'_, f64>) -> (f64, f64) {
    let n = r.hebb.len();
    let k = r.post.len();
    assert!(r.grad_hebb.len() == n && r.col.len() >= n && r.y_prev2.len() >= n);
    assert!(r.pre.len() >= k * n);
    let e = _mm256_set1_pd(r.eta);
    let iv = _mm256_set1_pd(r.inv_keep);
    let keep_e = _mm256_sub_pd(_mm256_set1_pd(1.0), e);
    let (hebb, gh_row) = (r.hebb.as_mut_ptr(), r.grad_hebb.as_mut_ptr());
    let (col, pre, ypp) = (r.col.as_mut_ptr(), r.pre.as_ptr(), r.y_prev2.as_ptr());
    let post = r.post.as_ptr();
    let mut row_acc = [_mm256_setzero_pd(); 2];
    let mut eta_acc = [_mm256_setzero_pd(); 2];
    // Each chunk's k steps form one dependency chain per value; the chunks are independent,
    // so two accumulators per sum suffice.
    macro_rules! chunk {
        ($o:expr, $acc:expr) => {{
            let o = $o;
            let mut h = _mm256_loadu_pd(hebb.add(o));
            let mut gh = _mm256_loadu_pd(gh_row.add(o));
            let mut ed = _mm256_setzero_pd();
            for m in (0..k).rev() {
                let p = _mm256_set1_pd(*post.add(m));
                let outer = _mm256_mul_pd(p, _mm256_loadu_pd(pre.add(m * n + o)));
                let h_new = _mm256_mul_pd(_mm256_fnmadd_pd(e, outer, h), iv);
                if m == 0 {
                    let c = _mm256_fmadd_pd(_mm256_mul_pd(e, gh), p, _mm256_loadu_pd(col.add(o)));
                    _mm256_storeu_pd(col.add(o), c);
                }
                ed = _mm256_fmadd_pd(gh, _mm256_sub_pd(outer, h_new), ed);
                gh = _mm256_mul_pd(keep_e, gh);
                h = h_new;
            }
            _mm256_storeu_pd(hebb.add(o), h);
            _mm256_storeu_pd(gh_row.add(o), gh);
            eta_acc[$acc] = _mm256_add_pd(eta_acc[$acc], ed);
            let rv = _mm256_mul_pd(e, gh);
            row_acc[$acc] = _mm256_fmadd_pd(rv, _mm256_loadu_pd(ypp.add(o)), row_acc[$acc]);
        }};
    }
    let nc = n - n % LANES;
    let mut j = 0;
    while j < nc {
        chunk!(j, 0);
        chunk!(j + 4, 1);
        j += LANES;
    }
    let (mut row_lanes, mut eta_lanes) = (lanes_of(row_acc), lanes_of(eta_acc));
    silent_run_tail::<f64, true>(&mut r, nc, &mut row_lanes, &mut eta_lanes);
    (sum_lanes(&row_lanes), sum_lanes(&eta_lanes))
}
