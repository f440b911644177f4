//! Differentiable plasticity (Miconi, Clune & Stanley 2018): a recurrent network whose
//! connections are `W + α ⊙ Hebb`, trained by backpropagation through time derived by hand.

mod backward;
mod checkpoints;
#[doc(hidden)]
pub mod kernels;
mod params;
mod real;
mod runs;

pub use params::{
    checkpoint_count, default_checkpoint_every, forward, loss_and_grad, loss_and_grad_with,
    segment_slots, Checkpointing, Episodes, EtaGrad, EtaRef, LossAndGrad, PlasticParams, Targets,
    TracePlan, DEFAULT_TRACE_BUDGET,
};
pub use real::Real;
