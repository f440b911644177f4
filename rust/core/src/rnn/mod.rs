//! Dense plastic recurrent networks, `[post, pre]` weight convention.
//!
//! * [`network`]: the rate network that runs with a local rule ([`RecurrentNetwork`]);
//! * [`rules`]: the local rules, one file per rule (Hebbian, anti-Hebbian, Oja, STDP,
//!   neuromodulated);
//! * [`kernels`]: the matrix-vector and rank-one kernels of the network's step;
//! * [`perturbation`]: reward-modulated node perturbation (Miconi 2017);
//! * [`plastic`]: differentiable plasticity, hand-derived BPTT;
//! * [`agent`]: recurrent agents that learn from reward in environments;
//! * [`optim`]: the optimizers of differentiable plasticity.

pub mod agent;
pub mod kernels;
pub mod network;
pub mod optim;
pub mod perturbation;
pub mod plastic;
pub mod rules;

pub use network::{
    reserve_values, Activation, NetworkConfig, Record, RecurrentNetwork, RunOptions, TrialOutput,
};
pub use rules::{
    AntiHebbian, Hebbian, NeuromodulatedHebbian, Oja, PlasticMatrix, PlasticState, PlasticityRule,
    RankOneStep, Rule, SharedMatrix, Stdp, StepActivity,
};
