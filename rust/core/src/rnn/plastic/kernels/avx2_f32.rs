//! The `f32` twin of `plastic_simd.rs` (AVX2+FMA intrinsics): one 8-float vector per chunk, same
//! arithmetic. Reductions use two 8-float accumulators (chunks alternate between them, so the
//! FMA latency of one chain does not bound the loop), added lane by lane before the fixed-order
//! sum of the 8 lanes.

use super::{
    backward_row_tail, forward_element, silent_run_tail, sum_lanes, BackwardRow, ForwardRow,
    SilentRun, LANES,
};
use std::arch::x86_64::*;

#[inline(always)]
unsafe fn ld(s: &[f32], j: usize) -> __m256 {
    debug_assert!(j + 8 <= s.len());
    _mm256_loadu_ps(s.as_ptr().add(j))
}

#[inline(always)]
unsafe fn st(s: &mut [f32], j: usize, v: __m256) {
    debug_assert!(j + 8 <= s.len());
    _mm256_storeu_ps(s.as_mut_ptr().add(j), v)
}

/// Runs `$chunk!(offset, k)` over the whole 8-float chunks below `$nc`, alternating between
/// accumulator `k = 0` and `k = 1` (two independent FMA chains); an odd last chunk goes to 0.
macro_rules! in_chunk_pairs {
    ($nc:expr, $chunk:ident) => {{
        let nc = $nc;
        let mut j = 0;
        while j + 2 * LANES <= nc {
            $chunk!(j, 0);
            $chunk!(j + LANES, 1);
            j += 2 * LANES;
        }
        if j < nc {
            $chunk!(j, 0);
        }
    }};
}

/// The 8 reduction lanes of two 8-float accumulators, added lane by lane, as an array.
#[inline(always)]
unsafe fn lanes_of(acc: [__m256; 2]) -> [f32; LANES] {
    let mut lanes = [0.0f32; LANES];
    _mm256_storeu_ps(lanes.as_mut_ptr(), _mm256_add_ps(acc[0], acc[1]));
    lanes
}

/// # Safety
/// The CPU must support AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn forward_row<const PER_CONNECTION: bool>(r: ForwardRow<'_, f32>) -> f32 {
    let n = r.w.len();
    let (w, alpha, eta, y, yb) = (
        &r.w[..n],
        &r.alpha[..n],
        &r.eta[..n],
        &r.y[..n],
        &r.y_before[..n],
    );
    let hebb = &mut r.hebb[..n];
    let post = _mm256_set1_ps(r.post);
    let one = _mm256_set1_ps(1.0);
    // A shared η is one broadcast register (the same products as loading its constant row).
    let e_shared = _mm256_set1_ps(if PER_CONNECTION { 0.0 } else { eta[0] });
    let (ep_shared, keep_shared) = (_mm256_mul_ps(e_shared, post), _mm256_sub_ps(one, e_shared));
    // Two accumulators (16 lanes): one 8-float FMA chain per chunk would wait on its latency.
    let mut acc = [_mm256_setzero_ps(); 2];
    let nc = n - n % LANES;
    macro_rules! chunk {
        ($o:expr, $a:expr) => {{
            let o = $o;
            let (ep, keep) = if PER_CONNECTION {
                let e = ld(eta, o);
                (_mm256_mul_ps(e, post), _mm256_sub_ps(one, e))
            } else {
                (ep_shared, keep_shared)
            };
            let h = _mm256_fmadd_ps(ep, ld(yb, o), _mm256_mul_ps(keep, ld(hebb, o)));
            st(hebb, o, h);
            let p = _mm256_fmadd_ps(ld(alpha, o), h, ld(w, o));
            acc[$a] = _mm256_fmadd_ps(p, ld(y, o), acc[$a]);
        }};
    }
    in_chunk_pairs!(nc, chunk);
    let mut lanes = lanes_of(acc);
    for jj in nc..n {
        let k = jj - nc;
        forward_element::<f32, true>(
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
    mut r: BackwardRow<'_, f32>,
) -> (f32, f32) {
    let n = r.w.len();
    let (w, alpha, eta, inv) = (&r.w[..n], &r.alpha[..n], &r.eta[..n], &r.inv_keep[..n]);
    let (yp, ypp) = (&r.y_prev[..n], &r.y_prev2[..n]);
    let hebb = &mut r.hebb[..n];
    let gh = &mut r.grad_hebb[..n];
    let ga = &mut r.grad_alpha[..n];
    let ge = &mut r.grad_eta[..if PER_CONNECTION { n } else { 0 }];
    let col = &mut r.col[..n];
    let g = _mm256_set1_ps(r.grad_drive);
    let post = _mm256_set1_ps(r.post);
    let one = _mm256_set1_ps(1.0);
    // A shared η (and 1/(1−η)) is one broadcast register: the same values as its constant row.
    let e_shared = _mm256_set1_ps(if PER_CONNECTION { 0.0 } else { eta[0] });
    let inv_shared = _mm256_set1_ps(if PER_CONNECTION { 0.0 } else { inv[0] });
    // Two accumulators each (16 lanes): one FMA chain per chunk would wait on its latency.
    let mut row_acc = [_mm256_setzero_ps(); 2];
    let mut eta_acc = [_mm256_setzero_ps(); 2];
    let nc = n - n % LANES;
    macro_rules! chunk {
        ($o:expr, $half:expr) => {{
            let (o, half) = ($o, $half);
            let (e, iv) = if PER_CONNECTION {
                (ld(eta, o), ld(inv, o))
            } else {
                (e_shared, inv_shared)
            };
            let ypv = ld(yp, o);
            let outer = _mm256_mul_ps(post, ypv);
            let h = if REVERSE {
                let h = _mm256_mul_ps(_mm256_fnmadd_ps(e, outer, ld(hebb, o)), iv);
                st(hebb, o, h);
                h
            } else {
                ld(hebb, o)
            };
            let gh_old = ld(gh, o);
            let from_hebb = _mm256_fmadd_ps(_mm256_mul_ps(e, gh_old), post, ld(col, o));
            // A silent row (∂L/∂a_{t,i} = 0 exactly, e.g. a saturated tanh) adds nothing to ∂L/∂α,
            // nothing through W or α to the column sums, and only decays ∂L/∂H: skip those loads.
            let (a, q) = if SILENT {
                st(col, o, from_hebb);
                (_mm256_setzero_ps(), _mm256_setzero_ps())
            } else {
                let a = ld(alpha, o);
                let q = _mm256_mul_ps(g, ypv);
                st(ga, o, _mm256_fmadd_ps(q, h, ld(ga, o)));
                let drive = _mm256_fmadd_ps(a, h, ld(w, o));
                st(col, o, _mm256_fmadd_ps(drive, g, from_hebb));
                (a, q)
            };
            let diff = _mm256_sub_ps(outer, h);
            if PER_CONNECTION {
                st(ge, o, _mm256_add_ps(ld(ge, o), _mm256_mul_ps(gh_old, diff)));
            } else {
                eta_acc[half] = _mm256_fmadd_ps(gh_old, diff, eta_acc[half]);
            }
            let keep = _mm256_mul_ps(_mm256_sub_ps(one, e), gh_old);
            let gh_new = if SILENT {
                keep
            } else {
                _mm256_fmadd_ps(a, q, keep)
            };
            st(gh, o, gh_new);
            row_acc[half] = _mm256_fmadd_ps(_mm256_mul_ps(e, gh_new), ld(ypp, o), row_acc[half]);
        }};
    }
    in_chunk_pairs!(nc, chunk);
    let (mut row_lanes, mut eta_lanes) = (lanes_of(row_acc), lanes_of(eta_acc));
    backward_row_tail::<f32, true, REVERSE, PER_CONNECTION>(
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
pub(super) unsafe fn silent_run_row(mut r: SilentRun<'_, f32>) -> (f32, f32) {
    let n = r.hebb.len();
    let k = r.post.len();
    assert!(r.grad_hebb.len() == n && r.col.len() >= n && r.y_prev2.len() >= n);
    assert!(r.pre.len() >= k * n);
    let e = _mm256_set1_ps(r.eta);
    let iv = _mm256_set1_ps(r.inv_keep);
    let keep_e = _mm256_sub_ps(_mm256_set1_ps(1.0), e);
    let (hebb, gh_row) = (r.hebb.as_mut_ptr(), r.grad_hebb.as_mut_ptr());
    let (col, pre, ypp) = (r.col.as_mut_ptr(), r.pre.as_ptr(), r.y_prev2.as_ptr());
    let post = r.post.as_ptr();
    let mut row_acc = [_mm256_setzero_ps(); 2];
    let mut eta_acc = [_mm256_setzero_ps(); 2];
    // Each chunk's k steps form one dependency chain per value; the chunks are independent,
    // so two accumulators per sum suffice.
    macro_rules! chunk {
        ($o:expr, $acc:expr) => {{
            let o = $o;
            let mut h = _mm256_loadu_ps(hebb.add(o));
            let mut gh = _mm256_loadu_ps(gh_row.add(o));
            let mut ed = _mm256_setzero_ps();
            for m in (0..k).rev() {
                let p = _mm256_set1_ps(*post.add(m));
                let outer = _mm256_mul_ps(p, _mm256_loadu_ps(pre.add(m * n + o)));
                let h_new = _mm256_mul_ps(_mm256_fnmadd_ps(e, outer, h), iv);
                if m == 0 {
                    let c = _mm256_fmadd_ps(_mm256_mul_ps(e, gh), p, _mm256_loadu_ps(col.add(o)));
                    _mm256_storeu_ps(col.add(o), c);
                }
                ed = _mm256_fmadd_ps(gh, _mm256_sub_ps(outer, h_new), ed);
                gh = _mm256_mul_ps(keep_e, gh);
                h = h_new;
            }
            _mm256_storeu_ps(hebb.add(o), h);
            _mm256_storeu_ps(gh_row.add(o), gh);
            eta_acc[$acc] = _mm256_add_ps(eta_acc[$acc], ed);
            let rv = _mm256_mul_ps(e, gh);
            row_acc[$acc] = _mm256_fmadd_ps(rv, _mm256_loadu_ps(ypp.add(o)), row_acc[$acc]);
        }};
    }
    let nc = n - n % LANES;
    in_chunk_pairs!(nc, chunk);
    let (mut row_lanes, mut eta_lanes) = (lanes_of(row_acc), lanes_of(eta_acc));
    silent_run_tail::<f32, true>(&mut r, nc, &mut row_lanes, &mut eta_lanes);
    (sum_lanes(&row_lanes), sum_lanes(&eta_lanes))
}
