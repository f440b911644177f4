//! Differentiable plasticity (Miconi, Clune & Stanley 2018; BOHP, Miconi 2016): a recurrent
//! network whose connections are `W + α ⊙ Hebb`, trained by exact backpropagation through time
//! derived by hand, with O(N²) memory.
//!
//! ```text
//! y_t    = tanh((W + α ⊙ Hebb_{t−1}) y_{t−1} + x_t)         [post, pre]
//! Hebb_t = (1 − η) ⊙ Hebb_{t−1} + η ⊙ y_t y_{t−1}ᵀ          y_0 = 0, Hebb_0 = 0
//! ```
//!
//! Memory: the backward pass does not keep the trace of every step (T·N², what autograd stores).
//! It *reverses* the trace, `Hebb_{t−1} = (Hebb_t − η y_t y_{t−1}ᵀ) / (1 − η)`, which is exact in
//! exact arithmetic and costs nothing but one multiply-add per connection in a pass that is
//! memory-bound anyway. In floating point each reversed step multiplies the error already there
//! by 1/(1−η): harmless for η ≈ 0.01 (×2.9 over 106 steps), explosive for η near 1 (reversal
//! divides by 1−η ≈ 0; recomputing forward from an exact copy would still recover the trace,
//! which is what a stored copy saves). So the forward pass also stores an exact copy of the
//! trace every K steps and the backward pass re-anchors there: with the default K (chosen from
//! the largest η so that the amplification stays below 2⁸), the reconstruction error stays
//! below ~10⁻¹³ of the trace's scale, and memory is (1 + ⌊(T−2)/K⌋)·N² for the trace instead of
//! T·N² (one matrix for η ≤ 0.05 and T ≤ 109; (T−2)·N² of copies at K = 1, i.e. η > 0.9375).
//! Those copies are capped by a memory budget ([`Checkpointing::Auto`], default
//! [`DEFAULT_TRACE_BUDGET`]): past it, copies are kept every K' steps only and each segment
//! between them is recomputed forward in the backward pass, from its copy, with the forward
//! pass's arithmetic (bit-identical traces), using ≈ 2√T·N² values. Storage is reserved up front,
//! so what does not fit is `Error::OutOfMemory`, not an abort. The errors are measured in the
//! tests below.
//!
//! Everything is generic over the float type ([`Real`]: `f64`, or `f32` for half the memory
//! traffic). The equations (forward and backward) are in `docs/reference/rules.md` §4.

//! * [`params`]: the trained parameters, the episodes and the targets;
//! * [`forward`]: the forward pass; [`backward`]: the backward pass of one episode, with
//!   [`runs`] (runs of saturated steps in one pass) and [`checkpoints`] (the exact copies of
//!   the trace and the recomputation of the segments between them), as planned by [`plan`];
//! * [`gradient`]: the loss and gradients of a batch;
//! * [`kernels`]: the fused row kernels (portable and AVX2+FMA), for the float types of [`real`].

mod backward;
mod checkpoints;
mod float;
mod forward;
mod gradient;
#[doc(hidden)]
pub mod kernels;
mod loss;
mod params;
mod plan;
mod real;
mod runs;
mod shared;

pub use float::Float;
pub use forward::forward;
pub use gradient::{loss_and_grad, loss_and_grad_with};
pub use params::{Episodes, EtaGrad, EtaRef, LossAndGrad, PlasticParams, Targets};
pub use plan::{
    checkpoint_count, default_checkpoint_every, segment_slots, Checkpointing, TracePlan,
    DEFAULT_TRACE_BUDGET,
};
pub use real::Real;

#[cfg(test)]
pub(crate) mod tests;
