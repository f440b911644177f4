//! The floating-point types the differentiable-plasticity network runs in: `f64` (default, used
//! for the gradient checks) and `f32` (half the memory traffic of the bandwidth-bound passes).

use crate::rnn::plastic::float::Float;
use crate::rnn::plastic::kernels::{BackwardRow, ForwardRow, SilentRun, TraceRow};

/// A float type of the plastic network, with its fastest row kernels and its gemm.
pub trait Real: Float {
    /// C ← α A B + β C (row/column strides as in `matrixmultiply`).
    ///
    /// # Safety
    /// The pointers and strides must describe valid, non-overlapping matrices.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemm(
        m: usize,
        k: usize,
        n: usize,
        a: *const Self,
        rsa: isize,
        csa: isize,
        b: *const Self,
        rsb: isize,
        csb: isize,
        c: *mut Self,
        rsc: isize,
        csc: isize,
    );
    /// The forward step of one row with the fastest kernel of this CPU.
    fn forward_row(r: ForwardRow<'_, Self>) -> Self;
    /// The backward step of one row with the fastest kernel of this CPU.
    fn backward_row(r: BackwardRow<'_, Self>, reverse: bool, per_connection: bool) -> (Self, Self);
    /// A run of saturated backward steps of one row: (row sum, η-gradient share).
    fn silent_run_row(r: SilentRun<'_, Self>) -> (Self, Self);
    /// A trace step of one row (segment recomputation), with the forward pass's arithmetic.
    fn trace_row(r: TraceRow<'_, Self>) {
        crate::rnn::plastic::kernels::trace_row(r)
    }
}

impl Real for f64 {
    unsafe fn gemm(
        m: usize,
        k: usize,
        n: usize,
        a: *const f64,
        rsa: isize,
        csa: isize,
        b: *const f64,
        rsb: isize,
        csb: isize,
        c: *mut f64,
        rsc: isize,
        csc: isize,
    ) {
        matrixmultiply::dgemm(m, k, n, 1.0, a, rsa, csa, b, rsb, csb, 1.0, c, rsc, csc)
    }

    fn forward_row(r: ForwardRow<'_, f64>) -> f64 {
        crate::rnn::plastic::kernels::forward_row_f64(r)
    }

    fn backward_row(r: BackwardRow<'_, f64>, reverse: bool, per_connection: bool) -> (f64, f64) {
        crate::rnn::plastic::kernels::backward_row_f64(r, reverse, per_connection)
    }

    fn silent_run_row(r: SilentRun<'_, f64>) -> (f64, f64) {
        crate::rnn::plastic::kernels::silent_run_row_f64(r)
    }
}

impl Real for f32 {
    unsafe fn gemm(
        m: usize,
        k: usize,
        n: usize,
        a: *const f32,
        rsa: isize,
        csa: isize,
        b: *const f32,
        rsb: isize,
        csb: isize,
        c: *mut f32,
        rsc: isize,
        csc: isize,
    ) {
        matrixmultiply::sgemm(m, k, n, 1.0, a, rsa, csa, b, rsb, csb, 1.0, c, rsc, csc)
    }

    fn forward_row(r: ForwardRow<'_, f32>) -> f32 {
        crate::rnn::plastic::kernels::forward_row_f32(r)
    }

    fn backward_row(r: BackwardRow<'_, f32>, reverse: bool, per_connection: bool) -> (f32, f32) {
        crate::rnn::plastic::kernels::backward_row_f32(r, reverse, per_connection)
    }

    fn silent_run_row(r: SilentRun<'_, f32>) -> (f32, f32) {
        crate::rnn::plastic::kernels::silent_run_row_f32(r)
    }
}
