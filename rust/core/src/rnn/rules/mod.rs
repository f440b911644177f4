//! The local plasticity rules of the dense networks, one file per rule, and the interface
//! they share ([`rule`]: the [`PlasticityRule`] trait, the plastic state, the [`Rule`] enum).

mod anti_hebbian;
mod hebbian;
mod neuromodulated;
mod oja;
mod rule;
mod stdp;
pub use anti_hebbian::AntiHebbian;
pub use hebbian::Hebbian;
pub use neuromodulated::NeuromodulatedHebbian;
pub use oja::Oja;
pub use rule::{
    PlasticMatrix, PlasticState, PlasticityRule, RankOneStep, Rule, SharedMatrix, StepActivity,
};
pub use stdp::Stdp;
