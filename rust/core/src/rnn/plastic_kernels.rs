//! Row kernels of the differentiable-plasticity network: one fused pass over a row of the
//! N×N matrices per time step, forward and backward (equations in `docs/rules.md` §4).
//!
//! Each time step of the network touches every connection a few times (weights, plasticity
//! coefficients, Hebbian trace, and in the backward pass the trace's adjoint and the α gradient).
//! Those are memory-bound passes, so everything a step needs from a connection is done while its
//! values are in registers: the forward pass updates the trace and accumulates the drive in one
//! sweep; the backward pass reverses the trace, accumulates ∂L/∂α and ∂L/∂η, propagates the
//! trace adjoint and builds both halves of ∂L/∂y_{t−1} in one sweep.
//!
//! The kernels are compiled twice, for the x86-64 baseline and for AVX2+FMA, and the variant is
//! chosen at run time. Reductions use four fixed lanes, so results do not depend on threads (they
//! differ in the last bits between FMA and non-FMA machines, as any BLAS does).

/// Multiply-add, fused only in the FMA build (a non-fused `mul_add` is a slow libm call).
#[inline(always)]
fn madd<const FMA: bool>(a: f64, b: f64, c: f64) -> f64 {
    if FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// One row of the forward step: `h ← (1−η)h + η·post·pre_prev` (the trace H_{t−1} from H_{t−2}),
/// then returns `Σ_j (w + α·h)_j · y_j` with `y = y_{t−1}`.
pub(crate) struct ForwardRow<'a> {
    pub w: &'a [f64],
    pub alpha: &'a [f64],
    pub eta: &'a [f64],
    pub hebb: &'a mut [f64],
    /// y_{t−1} (the presynaptic activity of this step's drive).
    pub y: &'a [f64],
    /// y_{t−2} (the presynaptic factor of the trace update).
    pub y_before: &'a [f64],
    /// y_{t−1, i}: this row's postsynaptic factor of the trace update.
    pub post: f64,
}

#[inline(always)]
fn forward_row_generic<const FMA: bool>(r: ForwardRow<'_>) -> f64 {
    let n = r.w.len();
    let (w, alpha, eta, y, yb) = (
        &r.w[..n],
        &r.alpha[..n],
        &r.eta[..n],
        &r.y[..n],
        &r.y_before[..n],
    );
    let hebb = &mut r.hebb[..n];
    let post = r.post;
    let mut lanes = [0.0f64; 4];
    let n4 = n - n % 4;
    let mut j = 0;
    while j < n4 {
        for k in 0..4 {
            let jj = j + k;
            let e = eta[jj];
            let h = madd::<FMA>(e * post, yb[jj], (1.0 - e) * hebb[jj]);
            hebb[jj] = h;
            lanes[k] = madd::<FMA>(madd::<FMA>(alpha[jj], h, w[jj]), y[jj], lanes[k]);
        }
        j += 4;
    }
    for jj in n4..n {
        let e = eta[jj];
        let h = madd::<FMA>(e * post, yb[jj], (1.0 - e) * hebb[jj]);
        hebb[jj] = h;
        lanes[0] = madd::<FMA>(madd::<FMA>(alpha[jj], h, w[jj]), y[jj], lanes[0]);
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// One row of the backward step t (row i): see `docs/rules.md` §4 for the equations.
pub(crate) struct BackwardRow<'a> {
    pub w: &'a [f64],
    pub alpha: &'a [f64],
    pub eta: &'a [f64],
    /// 1/(1−η) per connection (a constant row for a shared η).
    pub inv_keep: &'a [f64],
    /// In: H_t (reverse mode) or H_{t−1} (direct mode). Out: H_{t−1}.
    pub hebb: &'a mut [f64],
    /// In: ∂L/∂H_t. Out: ∂L/∂H_{t−1}.
    pub grad_hebb: &'a mut [f64],
    pub grad_alpha: &'a mut [f64],
    /// Per-connection ∂L/∂η (only written when `PER_CONNECTION`).
    pub grad_eta: &'a mut [f64],
    /// Column accumulator of ∂L/∂y_{t−1}.
    pub col: &'a mut [f64],
    /// y_{t−1}.
    pub y_prev: &'a [f64],
    /// y_{t−2}.
    pub y_prev2: &'a [f64],
    /// ∂L/∂a_{t,i}.
    pub grad_drive: f64,
    /// y_{t,i}.
    pub post: f64,
}

/// Returns `(Σ_j η·∂L/∂H_{t−1}·y_{t−2,j}, Σ_j ∂L/∂H_t·(y_t,i·y_{t−1,j} − H_{t−1}))`; the second
/// is the row's share of a shared η's gradient (per-connection gradients go to `grad_eta`).
#[inline(always)]
fn backward_row_generic<const FMA: bool, const REVERSE: bool, const PER_CONNECTION: bool>(
    r: BackwardRow<'_>,
) -> (f64, f64) {
    let n = r.w.len();
    let (w, alpha, eta, inv) = (&r.w[..n], &r.alpha[..n], &r.eta[..n], &r.inv_keep[..n]);
    let (yp, ypp) = (&r.y_prev[..n], &r.y_prev2[..n]);
    let hebb = &mut r.hebb[..n];
    let gh = &mut r.grad_hebb[..n];
    let ga = &mut r.grad_alpha[..n];
    let ge = &mut r.grad_eta[..if PER_CONNECTION { n } else { 0 }];
    let col = &mut r.col[..n];
    let (g, post) = (r.grad_drive, r.post);

    let mut row_lanes = [0.0f64; 4];
    let mut eta_lanes = [0.0f64; 4];
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn element<const FMA: bool, const REVERSE: bool, const PER_CONNECTION: bool>(
        jj: usize,
        k: usize,
        w: &[f64],
        alpha: &[f64],
        eta: &[f64],
        inv: &[f64],
        yp: &[f64],
        ypp: &[f64],
        hebb: &mut [f64],
        gh: &mut [f64],
        ga: &mut [f64],
        ge: &mut [f64],
        col: &mut [f64],
        g: f64,
        post: f64,
        row_lanes: &mut [f64; 4],
        eta_lanes: &mut [f64; 4],
    ) {
        let e = eta[jj];
        let outer = post * yp[jj];
        let h = if REVERSE {
            let h = madd::<FMA>(-e, outer, hebb[jj]) * inv[jj];
            hebb[jj] = h;
            h
        } else {
            hebb[jj]
        };
        let a = alpha[jj];
        let gh_old = gh[jj];
        let q = g * yp[jj];
        ga[jj] = madd::<FMA>(q, h, ga[jj]);
        col[jj] = madd::<FMA>(
            madd::<FMA>(a, h, w[jj]),
            g,
            madd::<FMA>(e * gh_old, post, col[jj]),
        );
        let d = gh_old * (outer - h);
        if PER_CONNECTION {
            ge[jj] += d;
        } else {
            eta_lanes[k] += d;
        }
        let gh_new = madd::<FMA>(a, q, (1.0 - e) * gh_old);
        gh[jj] = gh_new;
        row_lanes[k] = madd::<FMA>(e * gh_new, ypp[jj], row_lanes[k]);
    }

    let n4 = n - n % 4;
    let mut j = 0;
    while j < n4 {
        for k in 0..4 {
            element::<FMA, REVERSE, PER_CONNECTION>(
                j + k,
                k,
                w,
                alpha,
                eta,
                inv,
                yp,
                ypp,
                hebb,
                gh,
                ga,
                ge,
                col,
                g,
                post,
                &mut row_lanes,
                &mut eta_lanes,
            );
        }
        j += 4;
    }
    for jj in n4..n {
        element::<FMA, REVERSE, PER_CONNECTION>(
            jj,
            0,
            w,
            alpha,
            eta,
            inv,
            yp,
            ypp,
            hebb,
            gh,
            ga,
            ge,
            col,
            g,
            post,
            &mut row_lanes,
            &mut eta_lanes,
        );
    }
    (
        (row_lanes[0] + row_lanes[1]) + (row_lanes[2] + row_lanes[3]),
        (eta_lanes[0] + eta_lanes[1]) + (eta_lanes[2] + eta_lanes[3]),
    )
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::*;

    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn forward_row(r: ForwardRow<'_>) -> f64 {
        forward_row_generic::<true>(r)
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn backward_row<const REVERSE: bool, const PER_CONNECTION: bool>(
        r: BackwardRow<'_>,
    ) -> (f64, f64) {
        backward_row_generic::<true, REVERSE, PER_CONNECTION>(r)
    }
}

/// Whether the AVX2+FMA kernels can run here (checked once; the answer is cached by std).
#[inline]
fn has_avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Forward step of one row (dispatches to the fastest kernel of this CPU).
#[inline]
pub(crate) fn forward_row(r: ForwardRow<'_>) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU supports AVX2 and FMA (checked just above).
        return unsafe { avx2::forward_row(r) };
    }
    forward_row_generic::<false>(r)
}

/// Backward step of one row; `reverse` recomputes H_{t−1} from H_t in place.
#[inline]
pub(crate) fn backward_row(r: BackwardRow<'_>, reverse: bool, per_connection: bool) -> (f64, f64) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU supports AVX2 and FMA (checked just above).
        unsafe {
            return match (reverse, per_connection) {
                (true, false) => avx2::backward_row::<true, false>(r),
                (false, false) => avx2::backward_row::<false, false>(r),
                (true, true) => avx2::backward_row::<true, true>(r),
                (false, true) => avx2::backward_row::<false, true>(r),
            };
        }
    }
    match (reverse, per_connection) {
        (true, false) => backward_row_generic::<false, true, false>(r),
        (false, false) => backward_row_generic::<false, false, false>(r),
        (true, true) => backward_row_generic::<false, true, true>(r),
        (false, true) => backward_row_generic::<false, false, true>(r),
    }
}
