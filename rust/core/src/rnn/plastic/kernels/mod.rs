//! Row kernels of the differentiable-plasticity network: one fused pass over a row of the
//! N×N matrices per time step, forward and backward (equations in `docs/reference/rules.md` §4).
//!
//! Each time step of the network touches every connection a few times (weights, plasticity
//! coefficients, Hebbian trace, and in the backward pass the trace's adjoint and the α gradient).
//! Those are memory-bound passes, so everything a step needs from a connection is done while its
//! values are in registers: the forward pass updates the trace and accumulates the drive in one
//! sweep; the backward pass reverses the trace, accumulates ∂L/∂α and ∂L/∂η, propagates the
//! trace adjoint and builds both halves of ∂L/∂y_{t−1} in one sweep.
//!
//! The kernels are compiled twice, for the x86-64 baseline and for AVX2+FMA (written once for
//! `f64` and `f32`, in [`avx2`]), and the variant is chosen at run time, for `f64` and `f32` (see
//! [`super::real`]). Reductions use fixed lanes (eight; see [`avx2`] for how the vector
//! kernels fill them), so results do not depend on threads (they differ in the last bits
//! between FMA and non-FMA machines, as any BLAS does).

use crate::rnn::plastic::float::Float;

/// Multiply-add, fused only in the FMA build (a non-fused `mul_add` is a slow libm call).
#[inline(always)]
pub(crate) fn madd<T: Float, const FMA: bool>(a: T, b: T, c: T) -> T {
    if FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// Lanes of the fixed-order reductions (two AVX2 vectors: hides the FMA latency).
pub(crate) const LANES: usize = 8;

#[inline(always)]
fn chunk<T: Float>(s: &[T], j: usize) -> &[T; LANES] {
    s[j..j + LANES].try_into().expect("chunk of LANES values")
}

#[inline(always)]
fn chunk_mut<T: Float>(s: &mut [T], j: usize) -> &mut [T; LANES] {
    (&mut s[j..j + LANES])
        .try_into()
        .expect("chunk of LANES values")
}

#[inline(always)]
pub(crate) fn sum_lanes<T: Float>(l: &[T; LANES]) -> T {
    ((l[0] + l[4]) + (l[1] + l[5])) + ((l[2] + l[6]) + (l[3] + l[7]))
}

/// One row of the forward step: `h ← (1−η)h + η·post·pre_prev` (the trace H_{t−1} from H_{t−2}),
/// then returns `Σ_j (w + α·h)_j · y_j` with `y = y_{t−1}`.
pub struct ForwardRow<'a, T> {
    pub w: &'a [T],
    pub alpha: &'a [T],
    pub eta: &'a [T],
    pub hebb: &'a mut [T],
    /// y_{t−1} (the presynaptic activity of this step's drive).
    pub y: &'a [T],
    /// y_{t−2} (the presynaptic factor of the trace update).
    pub y_before: &'a [T],
    /// y_{t−1, i}: this row's postsynaptic factor of the trace update.
    pub post: T,
    /// Whether `eta` is one η for every connection (a constant row): the AVX2 kernels then keep
    /// it in a register instead of loading it.
    pub shared_eta: bool,
}

#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn forward_element<T: Float, const FMA: bool>(
    w: T,
    alpha: T,
    eta: T,
    hebb: &mut T,
    y: T,
    y_before: T,
    post: T,
    lane: &mut T,
) {
    let h = madd::<T, FMA>(eta * post, y_before, (T::ONE - eta) * *hebb);
    *hebb = h;
    *lane = madd::<T, FMA>(madd::<T, FMA>(alpha, h, w), y, *lane);
}

#[inline(always)]
fn forward_row_generic<T: Float, const FMA: bool>(r: ForwardRow<'_, T>) -> T {
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
    let mut lanes = [T::ZERO; LANES];
    let nc = n - n % LANES;
    let mut j = 0;
    while j < nc {
        let (wc, ac, ec, yc, ybc) = (
            chunk(w, j),
            chunk(alpha, j),
            chunk(eta, j),
            chunk(y, j),
            chunk(yb, j),
        );
        let hc = chunk_mut(hebb, j);
        for k in 0..LANES {
            forward_element::<T, FMA>(
                wc[k],
                ac[k],
                ec[k],
                &mut hc[k],
                yc[k],
                ybc[k],
                post,
                &mut lanes[k],
            );
        }
        j += LANES;
    }
    for jj in nc..n {
        let k = jj - nc;
        forward_element::<T, FMA>(
            w[jj],
            alpha[jj],
            eta[jj],
            &mut hebb[jj],
            y[jj],
            yb[jj],
            post,
            &mut lanes[k],
        );
    }
    sum_lanes(&lanes)
}

/// One row of a trace step alone (the recomputation of a segment in the backward pass):
/// `next = (1−η)·prev + η·post·y_before` (`prev` None: H = 0), with the forward kernel's arithmetic.
pub struct TraceRow<'a, T> {
    pub eta: &'a [T],
    pub prev: Option<&'a [T]>,
    pub next: &'a mut [T],
    pub y_before: &'a [T],
    pub post: T,
}

#[inline(always)]
fn trace_row_generic<T: Float, const FMA: bool>(r: TraceRow<'_, T>) {
    let n = r.next.len();
    let (eta, yb) = (&r.eta[..n], &r.y_before[..n]);
    let post = r.post;
    match r.prev {
        Some(prev) => {
            let prev = &prev[..n];
            for j in 0..n {
                let e = eta[j];
                r.next[j] = madd::<T, FMA>(e * post, yb[j], (T::ONE - e) * prev[j]);
            }
        }
        None => {
            for j in 0..n {
                let e = eta[j];
                r.next[j] = madd::<T, FMA>(e * post, yb[j], (T::ONE - e) * T::ZERO);
            }
        }
    }
}

/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn trace_row_fma<T: Float>(r: TraceRow<'_, T>) {
    trace_row_generic::<T, true>(r)
}

/// A trace step of one row with the fastest kernel of this CPU (same values as the forward pass).
#[inline]
pub(crate) fn trace_row<T: Float>(r: TraceRow<'_, T>) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU supports AVX2 and FMA (checked just above).
        unsafe { trace_row_fma(r) };
        return;
    }
    trace_row_generic::<T, false>(r)
}

/// One row of the backward step t (row i): see `docs/reference/rules.md` §4 for the equations.
pub struct BackwardRow<'a, T> {
    pub w: &'a [T],
    pub alpha: &'a [T],
    pub eta: &'a [T],
    /// 1/(1−η) per connection (a constant row for a shared η).
    pub inv_keep: &'a [T],
    /// In: H_t (reverse mode) or H_{t−1} (direct mode). Out: H_{t−1}.
    pub hebb: &'a mut [T],
    /// In: ∂L/∂H_t. Out: ∂L/∂H_{t−1}.
    pub grad_hebb: &'a mut [T],
    pub grad_alpha: &'a mut [T],
    /// Per-connection ∂L/∂η (only written when `PER_CONNECTION`).
    pub grad_eta: &'a mut [T],
    /// Column accumulator of ∂L/∂y_{t−1}.
    pub col: &'a mut [T],
    /// y_{t−1}.
    pub y_prev: &'a [T],
    /// y_{t−2}.
    pub y_prev2: &'a [T],
    /// ∂L/∂a_{t,i}.
    pub grad_drive: T,
    /// y_{t,i}.
    pub post: T,
}

/// The values of one connection read by the backward step.
struct Conn<T> {
    w: T,
    alpha: T,
    eta: T,
    inv_keep: T,
    y_prev: T,
    y_prev2: T,
}

/// The values of one connection written by the backward step.
struct ConnOut<'a, T> {
    hebb: &'a mut T,
    grad_hebb: &'a mut T,
    grad_alpha: &'a mut T,
    col: &'a mut T,
}

#[inline(always)]
fn backward_element<T: Float, const FMA: bool, const REVERSE: bool>(
    c: Conn<T>,
    o: ConnOut<'_, T>,
    g: T,
    post: T,
    row_lane: &mut T,
    eta_lane: &mut T,
) {
    let outer = post * c.y_prev;
    let h = if REVERSE {
        let h = madd::<T, FMA>(-c.eta, outer, *o.hebb) * c.inv_keep;
        *o.hebb = h;
        h
    } else {
        *o.hebb
    };
    let gh_old = *o.grad_hebb;
    let q = g * c.y_prev;
    *o.grad_alpha = madd::<T, FMA>(q, h, *o.grad_alpha);
    *o.col = madd::<T, FMA>(
        madd::<T, FMA>(c.alpha, h, c.w),
        g,
        madd::<T, FMA>(c.eta * gh_old, post, *o.col),
    );
    // The η-gradient term; per-connection gradients are stored by the caller from `eta_lane`.
    *eta_lane = madd::<T, FMA>(gh_old, outer - h, *eta_lane);
    let gh_new = madd::<T, FMA>(c.alpha, q, (T::ONE - c.eta) * gh_old);
    *o.grad_hebb = gh_new;
    *row_lane = madd::<T, FMA>(c.eta * gh_new, c.y_prev2, *row_lane);
}

/// Returns `(Σ_j η·∂L/∂H_{t−1}·y_{t−2,j}, Σ_j ∂L/∂H_t·(y_t,i·y_{t−1,j} − H_{t−1}))`; the second
/// is the row's share of a shared η's gradient (per-connection gradients go to `grad_eta`).
#[inline(always)]
fn backward_row_generic<
    T: Float,
    const FMA: bool,
    const REVERSE: bool,
    const PER_CONNECTION: bool,
>(
    mut r: BackwardRow<'_, T>,
) -> (T, T) {
    let n = r.w.len();
    let (w, alpha, eta, inv) = (&r.w[..n], &r.alpha[..n], &r.eta[..n], &r.inv_keep[..n]);
    let (yp, ypp) = (&r.y_prev[..n], &r.y_prev2[..n]);
    let hebb = &mut r.hebb[..n];
    let gh = &mut r.grad_hebb[..n];
    let ga = &mut r.grad_alpha[..n];
    let ge = &mut r.grad_eta[..if PER_CONNECTION { n } else { 0 }];
    let col = &mut r.col[..n];
    let (g, post) = (r.grad_drive, r.post);

    let mut row_lanes = [T::ZERO; LANES];
    let mut eta_lanes = [T::ZERO; LANES];
    let nc = n - n % LANES;
    let mut j = 0;
    while j < nc {
        let (wc, ac, ec, ic, ypc, yppc) = (
            chunk(w, j),
            chunk(alpha, j),
            chunk(eta, j),
            chunk(inv, j),
            chunk(yp, j),
            chunk(ypp, j),
        );
        let (hc, ghc, gac, cc) = (
            chunk_mut(hebb, j),
            chunk_mut(gh, j),
            chunk_mut(ga, j),
            chunk_mut(col, j),
        );
        for k in 0..LANES {
            let conn = Conn {
                w: wc[k],
                alpha: ac[k],
                eta: ec[k],
                inv_keep: ic[k],
                y_prev: ypc[k],
                y_prev2: yppc[k],
            };
            let out = ConnOut {
                hebb: &mut hc[k],
                grad_hebb: &mut ghc[k],
                grad_alpha: &mut gac[k],
                col: &mut cc[k],
            };
            if PER_CONNECTION {
                let mut d = T::ZERO;
                backward_element::<T, FMA, REVERSE>(conn, out, g, post, &mut row_lanes[k], &mut d);
                ge[j + k] += d;
            } else {
                let (row, eta) = (&mut row_lanes[k], &mut eta_lanes[k]);
                backward_element::<T, FMA, REVERSE>(conn, out, g, post, row, eta);
            }
        }
        j += LANES;
    }
    backward_row_tail::<T, FMA, REVERSE, PER_CONNECTION>(
        &mut r,
        nc,
        &mut row_lanes,
        &mut eta_lanes,
    );
    (sum_lanes(&row_lanes), sum_lanes(&eta_lanes))
}

/// The scalar part (elements `from..n`) of a backward row, into lane `j − from` of the row
/// sum and of the η gradient (per connection: into `grad_eta[j]`), each element's η term
/// formed alone and then added (the vector kernels' tail).
#[inline(always)]
pub(crate) fn backward_row_tail<
    T: Float,
    const FMA: bool,
    const REVERSE: bool,
    const PER_CONNECTION: bool,
>(
    r: &mut BackwardRow<'_, T>,
    from: usize,
    row_lanes: &mut [T; LANES],
    eta_lanes: &mut [T; LANES],
) {
    let n = r.w.len();
    let (gd, ps) = (r.grad_drive, r.post);
    for jj in from..n {
        let k = jj - from;
        let mut d = T::ZERO;
        backward_element::<T, FMA, REVERSE>(
            Conn {
                w: r.w[jj],
                alpha: r.alpha[jj],
                eta: r.eta[jj],
                inv_keep: r.inv_keep[jj],
                y_prev: r.y_prev[jj],
                y_prev2: r.y_prev2[jj],
            },
            ConnOut {
                hebb: &mut r.hebb[jj],
                grad_hebb: &mut r.grad_hebb[jj],
                grad_alpha: &mut r.grad_alpha[jj],
                col: &mut r.col[jj],
            },
            gd,
            ps,
            &mut row_lanes[k],
            &mut d,
        );
        if PER_CONNECTION {
            r.grad_eta[jj] += d;
        } else {
            eta_lanes[k] += d;
        }
    }
}

/// One row of a run of k consecutive backward steps t = t1, t1−1, …, t0 in which every neuron is
/// saturated (∂L/∂a_t = 0 for every row): each step only reverses the trace, decays its adjoint
/// and adds to the η gradient, and only the last one (t0) feeds ∂L/∂y_{t0−1}. Doing the k steps
/// while a connection's H and ∂L/∂H are in registers reads and writes them once instead of k
/// times, with the same operations per step as [`BackwardRow`] (same H and ∂L/∂H bit for bit).
/// Shared η only.
pub struct SilentRun<'a, T> {
    pub eta: T,
    /// 1/(1−η).
    pub inv_keep: T,
    /// In: H_{t1}. Out: H_{t0−1}.
    pub hebb: &'a mut [T],
    /// In: ∂L/∂H_{t1}. Out: ∂L/∂H_{t0−1}.
    pub grad_hebb: &'a mut [T],
    /// Column accumulator of ∂L/∂y_{t0−1} (adds η ∂L/∂H_{t0} y_{t0,i}).
    pub col: &'a mut [T],
    /// y_{t0−1}, y_{t0}, …, y_{t1−1} (k rows of n): the presynaptic factors, `pre` row m
    /// belonging to step t0 + m.
    pub pre: &'a [T],
    /// y_{t0+m, i} for m = 0..k: this row's postsynaptic factors.
    pub post: &'a [T],
    /// y_{t0−2}.
    pub y_prev2: &'a [T],
}

/// The scalar part (elements `from..n`) of [`SilentRun`], into the lanes of the row sum
/// (η ∂L/∂H_{t0−1} y_{t0−2}) and of the η gradient.
#[inline(always)]
pub(crate) fn silent_run_tail<T: Float, const FMA: bool>(
    r: &mut SilentRun<'_, T>,
    from: usize,
    row_lanes: &mut [T; LANES],
    eta_lanes: &mut [T; LANES],
) {
    let n = r.hebb.len();
    let (e, inv) = (r.eta, r.inv_keep);
    for jj in from..n {
        let lane = (jj - from) % LANES;
        let (mut h, mut gh) = (r.hebb[jj], r.grad_hebb[jj]);
        for m in (0..r.post.len()).rev() {
            let post = r.post[m];
            let outer = post * r.pre[m * n + jj];
            let h_new = madd::<T, FMA>(-e, outer, h) * inv;
            if m == 0 {
                r.col[jj] = madd::<T, FMA>(e * gh, post, r.col[jj]);
            }
            eta_lanes[lane] = madd::<T, FMA>(gh, outer - h_new, eta_lanes[lane]);
            gh = (T::ONE - e) * gh;
            h = h_new;
        }
        r.hebb[jj] = h;
        r.grad_hebb[jj] = gh;
        row_lanes[lane] = madd::<T, FMA>(e * gh, r.y_prev2[jj], row_lanes[lane]);
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2;

/// Whether the AVX2+FMA kernels can run here (the one check of [`crate::simd`]).
pub(crate) use crate::simd::has_avx2_fma;

/// The portable backward kernel (no FMA).
fn backward_row_portable<T: Float>(
    r: BackwardRow<'_, T>,
    reverse: bool,
    per_connection: bool,
) -> (T, T) {
    match (reverse, per_connection) {
        (true, false) => backward_row_generic::<T, false, true, false>(r),
        (false, false) => backward_row_generic::<T, false, false, false>(r),
        (true, true) => backward_row_generic::<T, false, true, true>(r),
        (false, true) => backward_row_generic::<T, false, false, true>(r),
    }
}

macro_rules! dispatch {
    ($forward:ident, $backward:ident, $t:ty) => {
        /// Forward step of one row (dispatches to the fastest kernel of this CPU).
        #[inline]
        pub(crate) fn $forward(r: ForwardRow<'_, $t>) -> $t {
            #[cfg(target_arch = "x86_64")]
            if has_avx2_fma() {
                // SAFETY: the CPU supports AVX2 and FMA (checked just above).
                return unsafe {
                    if r.shared_eta {
                        avx2::forward_row::<$t, false>(r)
                    } else {
                        avx2::forward_row::<$t, true>(r)
                    }
                };
            }
            forward_row_generic::<$t, false>(r)
        }

        /// Backward step of one row; `reverse` recomputes H_{t−1} from H_t in place.
        #[inline]
        pub(crate) fn $backward(
            r: BackwardRow<'_, $t>,
            reverse: bool,
            per_connection: bool,
        ) -> ($t, $t) {
            #[cfg(target_arch = "x86_64")]
            if has_avx2_fma() {
                // SAFETY: the CPU supports AVX2 and FMA (checked just above).
                unsafe {
                    let silent = r.grad_drive == 0.0;
                    return match (reverse, per_connection, silent) {
                        (true, false, false) => avx2::backward_row::<$t, true, false, false>(r),
                        (false, false, false) => avx2::backward_row::<$t, false, false, false>(r),
                        (true, true, false) => avx2::backward_row::<$t, true, true, false>(r),
                        (false, true, false) => avx2::backward_row::<$t, false, true, false>(r),
                        (true, false, true) => avx2::backward_row::<$t, true, false, true>(r),
                        (false, false, true) => avx2::backward_row::<$t, false, false, true>(r),
                        (true, true, true) => avx2::backward_row::<$t, true, true, true>(r),
                        (false, true, true) => avx2::backward_row::<$t, false, true, true>(r),
                    };
                }
            }
            backward_row_portable(r, reverse, per_connection)
        }
    };
}

macro_rules! dispatch_silent {
    ($name:ident, $t:ty) => {
        /// A run of saturated backward steps of one row (AVX2+FMA CPUs: callers check
        /// [`has_avx2_fma`]; elsewhere the steps run one by one).
        pub(crate) fn $name(r: SilentRun<'_, $t>) -> ($t, $t) {
            #[cfg(target_arch = "x86_64")]
            if has_avx2_fma() {
                // SAFETY: the CPU supports AVX2 and FMA (checked just above).
                return unsafe { avx2::silent_run_row::<$t>(r) };
            }
            let mut r = r;
            let (mut row_lanes, mut eta_lanes) = ([0.0; LANES], [0.0; LANES]);
            silent_run_tail::<$t, false>(&mut r, 0, &mut row_lanes, &mut eta_lanes);
            (sum_lanes(&row_lanes), sum_lanes(&eta_lanes))
        }
    };
}

dispatch_silent!(silent_run_row_f64, f64);
dispatch_silent!(silent_run_row_f32, f32);

dispatch!(forward_row_f64, backward_row_f64, f64);
dispatch!(forward_row_f32, backward_row_f32, f32);
