//! Parameters of an agent: how actions are drawn from the graph and how often it dreams.

use crate::brain::config::{params_struct, FieldDefault};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// How exploration is mixed into action selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Exploration {
    /// With probability ε a uniformly random action, otherwise the best score (ties at random).
    EpsilonGreedy,
    /// P(a) ∝ exp(score(a) / τ).
    Softmax,
}

impl Exploration {
    /// The name used in Python (`"epsilon_greedy"` / `"softmax"`).
    pub fn name(self) -> &'static str {
        match self {
            Exploration::EpsilonGreedy => "epsilon_greedy",
            Exploration::Softmax => "softmax",
        }
    }

    /// Parses the Python name.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "epsilon_greedy" => Ok(Exploration::EpsilonGreedy),
            "softmax" => Ok(Exploration::Softmax),
            other => Err(Error::config(
                "exploration",
                format!("must be \"epsilon_greedy\" or \"softmax\", got {other:?}"),
            )),
        }
    }
}

impl FieldDefault<&'static str> for Exploration {
    fn from_default(literal: &'static str) -> Self {
        Exploration::parse(literal).expect("a listed default names an exploration")
    }
}

/// The fields of [`AgentParams`] with their docs and defaults (see
/// [`plasticity_params_fields!`](crate::plasticity_params_fields)).
#[macro_export]
macro_rules! agent_params_fields {
    ($then:ident! { $($args:tt)* }) => {
        $then! { $($args)*
            /// Parameters of an agent: how it draws actions from its brain and how often it
            /// dreams.
            AgentParams {
                /// `"epsilon_greedy"` (with probability ε a uniformly random action, otherwise
                /// the best score) or `"softmax"` (P(a) ∝ exp(score(a) / τ)).
                exploration: Exploration = "epsilon_greedy",
                /// ε of ε-greedy (default 0: the brain's exploration values explore, see
                /// `DreamParams.optimism`; set ε > 0 together with `optimism` = 0 for dithering).
                epsilon: f64 = 0.0,
                /// τ of softmax.
                temperature: f64 = 0.1,
                /// β: the score of a candidate adds β · w(previous node → candidate).
                synapse_bonus: f64 = 0.01,
                /// κ: when exploring, the score of a tried action adds κ / √(1 + its activation
                /// count), so that among equally valued actions the less tried one wins
                /// (count-based exploration; greedy prediction ignores it).
                novelty_bonus: f64 = 0.02,
                /// Untried actions (no node yet) are taken before any tried one (optimism under
                /// uncertainty); when false they score `untried_value`.
                optimistic: bool = true,
                /// Score of an untried action when `optimistic` is false, and always in greedy
                /// prediction.
                untried_value: f64 = 0.0,
                /// Fewest dream cycles per `dream()` call.
                dream_cycles: u32 = 1,
                /// Replayed backups per real step since the last dream, at most: a dream runs
                /// `dream_cycles` cycles, then more while some node is salient (values still
                /// move), up to ⌈replay_ratio · steps / (walks_per_cycle · walk_length)⌉ cycles
                /// (prioritized sweeping's budget; Dyna-Q's planning steps per real step).
                replay_ratio: f64 = 30.0,
                /// Watkins's Q(λ): eligibility traces are cut after an exploratory (non-greedy)
                /// action, so that the values learned stay those of the greedy policy.
                cut_traces_on_exploration: bool = true,
                /// The brain is pruned after every this many episodes (0: never).
                prune_every: u32 = 0,
                /// The history keeps the records of at most this many most recent episodes
                /// (0: all). Bounded by default so that an agent trained for days does not grow
                /// without end (a record is ~80 bytes; 100 000 of them ~8 MB).
                history_limit: u32 = 100_000,
            }
        }
    };
}
agent_params_fields!(params_struct! {});

impl AgentParams {
    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<()> {
        if !(self.epsilon.is_finite() && (0.0..=1.0).contains(&self.epsilon)) {
            return Err(Error::config(
                "epsilon",
                format!("must be in [0, 1], got {}", self.epsilon),
            ));
        }
        if !(self.temperature.is_finite() && self.temperature > 0.0) {
            return Err(Error::config(
                "temperature",
                format!("must be finite and > 0, got {}", self.temperature),
            ));
        }
        if !self.synapse_bonus.is_finite() {
            return Err(Error::config(
                "synapse_bonus",
                format!("must be finite, got {}", self.synapse_bonus),
            ));
        }
        if !(self.novelty_bonus.is_finite() && self.novelty_bonus >= 0.0) {
            return Err(Error::config(
                "novelty_bonus",
                format!("must be finite and >= 0, got {}", self.novelty_bonus),
            ));
        }
        if !(self.replay_ratio.is_finite() && self.replay_ratio >= 0.0) {
            return Err(Error::config(
                "replay_ratio",
                format!("must be finite and >= 0, got {}", self.replay_ratio),
            ));
        }
        if !self.untried_value.is_finite() {
            return Err(Error::config(
                "untried_value",
                format!("must be finite, got {}", self.untried_value),
            ));
        }
        Ok(())
    }
}
