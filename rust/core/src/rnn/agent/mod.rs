//! Recurrent agents that learn from reward alone, acting in environments with real-valued
//! observations and discrete or continuous actions.
//!
//! A rate network `x ← x + (dt/τ)(−x + J r + W_in u) + ξ`, `r = tanh(x)`, reads the scaled
//! observation `u` (plus a constant 1, the bias) and acts through its first neurons: the
//! action with the largest rate (discrete) or an affine map of the rates (continuous). The
//! exploratory noise `ξ` is the only source of exploration; what it does to the outcome, told
//! by the reward, drives the weights:
//!
//! * [`AgentRule::NodePerturbation`] (Miconi 2017): sparse kicks, an eligibility trace over the
//!   episode, one modulator `M = (G − Ḡ)/σ̄` per episode from its return `G`;
//! * [`AgentRule::RewardHebbian`] (Legenstein et al. 2010; Hoerzer et al. 2014; Miconi 2015):
//!   noise in every neuron at every step, an eligibility trace decaying by `γ` per step and
//!   modulated by every reward (computed in its exact forward view at the episode's end).
//!
//! * [`config`]: the parameters, [`AgentConfig`];
//! * [`recurrent`]: [`RecurrentAgent`], its step and its prediction;
//! * [`learning`]: the weight change at the end of an episode;
//! * [`episodes`]: whole episodes of a [`ContinuousEnv`] in Rust and populations in parallel.

pub mod config;
pub mod episodes;
mod learning;
mod readout;
#[cfg(test)]
mod readout_tests;
pub mod recurrent;
#[cfg(test)]
mod tests;

pub use config::{AgentConfig, AgentEligibility, AgentReadout, AgentRule, MAX_NEURONS};
pub use episodes::{train_population, ContinuousEnv, EnvStep};
pub use recurrent::{ActionMap, EpisodeSummary, RecurrentAgent};
