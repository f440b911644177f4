//! The local plasticity rules of the dense networks, one file per rule, and the interface
//! they share ([`plasticity`]: the [`PlasticityRule`] trait and the plastic state it acts on;
//! [`rule`]: the [`Rule`] enum over the five).

mod anti_hebbian;
mod hebbian;
mod neuromodulated;
mod oja;
mod plasticity;
mod rule;
mod stdp;
pub use anti_hebbian::AntiHebbian;
pub use hebbian::Hebbian;
pub use neuromodulated::NeuromodulatedHebbian;
pub use oja::Oja;
pub use plasticity::{
    PlasticMatrix, PlasticState, PlasticityRule, RankOneStep, SharedMatrix, StepActivity,
};
pub use rule::Rule;
pub use stdp::Stdp;
