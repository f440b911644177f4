//! Dense plastic recurrent networks, `[post, pre]` weight convention: one file per rule.

// ---- networks and local rules (Hebbian, anti-Hebbian, Oja, STDP, neuromodulated)
mod activation;
mod anti_hebbian;
mod hebbian;
pub mod kernels;
mod network;
mod network_config;
mod neuromodulated;
mod oja;
mod rule;
mod simulate;
mod stdp;
pub use activation::Activation;
pub use anti_hebbian::AntiHebbian;
pub use hebbian::Hebbian;
pub use network::RecurrentNetwork;
pub use network_config::{NetworkConfig, Record, RunOptions, TrialOutput};
pub use neuromodulated::NeuromodulatedHebbian;
pub use oja::Oja;
pub use rule::{
    PlasticMatrix, PlasticState, PlasticityRule, RankOneStep, Rule, SharedMatrix, StepActivity,
};
pub use simulate::reserve_values;
pub use stdp::Stdp;

// ---- reward-modulated node perturbation (Miconi 2017)
pub mod perturbation;

// ---- differentiable plasticity: hand-derived BPTT and optimizers
pub mod optim;
pub mod plastic_bptt;
mod plastic_episode;
#[doc(hidden)]
pub mod plastic_kernels;
pub mod plastic_real;
mod plastic_runs;
mod plastic_trace;
