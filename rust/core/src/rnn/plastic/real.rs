//! The floating-point types the differentiable-plasticity network runs in: `f64` (default, used
//! for the gradient checks) and `f32` (half the memory traffic of the bandwidth-bound passes).

use crate::rnn::plastic::float::Float;
use crate::rnn::plastic::kernels::{BackwardRow, ForwardRow, SilentRun, TraceRow};
use crate::simd::Gemm;

/// A float type of the plastic network, with its fastest row kernels and its gemm ([`Gemm`]).
pub trait Real: Float + Gemm {
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
