//! Dense plastic recurrent networks, `[post, pre]` weight convention: one file per rule.

// ---- networks and local rules (Hebbian, anti-Hebbian, Oja, STDP, neuromodulated)

// ---- reward-modulated node perturbation (Miconi 2017)
pub mod perturbation;

// ---- differentiable plasticity: hand-derived BPTT and optimizers
pub mod optim;
pub mod plastic_bptt;
mod plastic_episode;
#[doc(hidden)]
pub mod plastic_kernels;
pub mod plastic_real;
