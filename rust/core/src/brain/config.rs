//! Configuration of a graph brain: plasticity, pruning and dream parameters.
//!
//! Defaults follow the seed description where it gives a number (learning rate 0.05, ε = 0.001,
//! weights in [0, 1], inactivity 1000, weight threshold 0.1, 10 walks per cycle, boost 0.02,
//! creative probability 0.005, galvanize ×1.5); the rest are our choices, stated in docs/reference/rules.md.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Turns a field's listed default (a literal as Python writes it: a number, `true`, a string)
/// into the field's value.
pub trait FieldDefault<L> {
    /// The value of the literal.
    fn from_default(literal: L) -> Self;
}

macro_rules! literal_defaults {
    ($($t:ty),*) => {$(
        impl FieldDefault<$t> for $t {
            fn from_default(literal: $t) -> $t {
                literal
            }
        }
    )*};
}
literal_defaults!(f64, bool, u32, u64);

impl FieldDefault<&'static str> for DreamDirection {
    fn from_default(literal: &'static str) -> Self {
        DreamDirection::parse(literal).expect("a listed default names a direction")
    }
}

/// Declares a parameter struct (serde, `Clone`, `Debug`, `PartialEq`) and its `Default` from a
/// field list handed over by one of the `*_fields!` macros; each field carries its doc and its
/// default, written once.
macro_rules! params_struct {
    (
        $(#[doc = $sdoc:literal])*
        $name:ident {
            $( $(#[doc = $doc:literal])* $(#[serde($($serde:tt)*)])? $field:ident : $ty:ty = $default:tt ),* $(,)?
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            $( $(#[doc = $doc])* $(#[serde($($serde)*)])? pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self {
                    $( $field: $crate::brain::config::FieldDefault::from_default($default), )*
                }
            }
        }
    };
}
pub(crate) use params_struct;

/// The fields of [`PlasticityParams`] with their docs and defaults, handed to the macro named
/// first (with the tokens in its braces before the list): the core declares the struct from
/// it, the Python bindings their `PlasticityParams` class.
#[macro_export]
macro_rules! plasticity_params_fields {
    ($then:ident! { $($args:tt)* }) => {
        $then! { $($args)*
            /// Parameters of the three-factor rule, the value learning and the weight dynamics.
            PlasticityParams {
                /// η: learning rate of synaptic weights.
                base_learning_rate: f64 = 0.05,
                /// ε: added to the modulator so that a traversed synapse strengthens a little even
                /// when δ = 0.
                epsilon: f64 = 0.001,
                /// Upper weight bound.
                weight_max: f64 = 1.0,
                /// Lower weight bound.
                weight_min: f64 = 0.0,
                /// When false, a negative modulator does not weaken synapses (M is clipped at 0).
                enable_anti_hebbian: bool = true,
                /// Weight of a new synapse (clamped into [weight_min, weight_max]).
                initial_weight: f64 = 0.5,
                /// Per-step exponential decay of weights towards `weight_min` (applied lazily).
                weight_decay: f64 = 1e-4,
                /// γ: discount of the reward-prediction error.
                discount: f64 = 0.99,
                /// λ: decay of eligibility traces per step is γλ.
                trace_decay: f64 = 0.8,
                /// α: learning rate of node values (TD(λ) on the same modulator).
                value_learning_rate: f64 = 0.2,
                /// Fraction by which a synapse's plasticity falls at each traversal
                /// (consolidation).
                consolidation_rate: f64 = 0.01,
                /// Plasticity never falls below this floor.
                plasticity_floor: f64 = 0.1,
                /// Traces below this magnitude are dropped (they no longer cost anything).
                trace_cutoff: f64 = 1e-3,
            }
        }
    };
}
plasticity_params_fields!(params_struct! {});

/// The fields of [`PruningParams`] (see [`plasticity_params_fields!`]).
#[macro_export]
macro_rules! pruning_params_fields {
    ($then:ident! { $($args:tt)* }) => {
        $then! { $($args)*
            /// When synapses (and orphaned nodes) are pruned.
            PruningParams {
                /// A synapse must be inactive for more than this many steps to be pruned.
                inactivity_threshold: u64 = 1000,
                /// A synapse must be weaker than this to be pruned.
                weight_threshold: f64 = 0.1,
                /// A synapse younger than this many steps is never pruned.
                protection_period: u64 = 500,
                /// A node without synapses goes when |value| ≤ this (0: only nodes that learned
                /// nothing).
                node_value_threshold: f64 = 0.0,
            }
        }
    };
}
pruning_params_fields!(params_struct! {});

/// Direction of dream walks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DreamDirection {
    /// From a salient node back through its predecessors (reverse replay).
    Reverse,
    /// From a salient node forward through its successors; backups run from the walk's end.
    Forward,
}

impl DreamDirection {
    /// The name used in Python (`"reverse"` / `"forward"`).
    pub fn name(self) -> &'static str {
        match self {
            DreamDirection::Reverse => "reverse",
            DreamDirection::Forward => "forward",
        }
    }

    /// Parses the Python name.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "reverse" => Ok(DreamDirection::Reverse),
            "forward" => Ok(DreamDirection::Forward),
            other => Err(Error::config(
                "direction",
                format!("must be \"reverse\" or \"forward\", got {other:?}"),
            )),
        }
    }
}

/// The fields of [`DreamParams`] (see [`plasticity_params_fields!`]).
#[macro_export]
macro_rules! dream_params_fields {
    ($then:ident! { $($args:tt)* }) => {
        $then! { $($args)*
            /// Parameters of the dream (offline replay) phase.
            DreamParams {
                /// Walks per dream cycle.
                walks_per_cycle: u32 = 10,
                /// Maximum number of synapses a walk traverses.
                walk_length: u32 = 10,
                /// Weight added to each traversed synapse.
                consolidation_boost: f64 = 0.02,
                /// Probability per walk of wiring a creative synapse across ≥ 2 hops of its path.
                creative_edge_probability: f64 = 0.005,
                /// Old synapses get a larger boost (galvanize).
                enable_galvanize: bool = true,
                /// Boost multiplier of galvanized synapses.
                galvanize_boost_multiplier: f64 = 1.5,
                /// A synapse older than this many steps is galvanized.
                galvanize_age_threshold: u64 = 1000,
                /// `"reverse"` (default: from a salient node back through its predecessors) or
                /// `"forward"` walks.
                direction: DreamDirection = "reverse",
                /// ρ: step size of the expected backups (1 = full backup to the graph's empirical
                /// model, as prioritized sweeping does).
                replay_learning_rate: f64 = 1.0,
                /// A reverse walk ends after this many consecutive backups that changed no value
                /// by more than 1e-6 (prioritized sweeping: replay goes where values still move);
                /// 0 never ends walks early.
                patience: u32 = 3,
                /// β of the exploration value U (`brain/model.rs`, docs/reference/rules.md): a
                /// tried experience whose outcome was seen n times adds β·σ/√n to its reward
                /// (MBIE-EB), with σ the range of the rewards seen so far; an untried one is worth
                /// (r_hi + σ/(1 − γ))/(1 − γ) (R-max). Agents explore greedily on U; 0 turns it
                /// off (agents then explore on the values plus the novelty bonus and ε).
                #[serde(default, deserialize_with = "crate::io::container::since_version_2")]
                optimism: f64 = 5.0,
            }
        }
    };
}
dream_params_fields!(params_struct! {});

/// The whole configuration of a brain.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BrainConfig {
    pub plasticity: PlasticityParams,
    pub pruning: PruningParams,
    pub dream: DreamParams,
}

fn finite(field: &str, v: f64) -> Result<()> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(Error::config(field, format!("must be finite, got {v}")))
    }
}

fn non_negative(field: &str, v: f64) -> Result<()> {
    finite(field, v)?;
    if v < 0.0 {
        return Err(Error::config(field, format!("must be >= 0, got {v}")));
    }
    Ok(())
}

fn at_most(field: &str, v: f64, max: f64) -> Result<()> {
    if v > max {
        return Err(Error::config(field, format!("must be <= {max:e}, got {v}")));
    }
    Ok(())
}

/// Step counts compared with ages must fit the 2^31 steps a rebase of stored times keeps.
const MAX_STEPS: u64 = 1 << 31;

fn steps(field: &str, v: u64) -> Result<()> {
    if v > MAX_STEPS {
        return Err(Error::config(
            field,
            format!("must be <= 2**31 steps, got {v}"),
        ));
    }
    Ok(())
}

fn unit_interval(field: &str, v: f64) -> Result<()> {
    finite(field, v)?;
    if !(0.0..=1.0).contains(&v) {
        return Err(Error::config(field, format!("must be in [0, 1], got {v}")));
    }
    Ok(())
}

impl PlasticityParams {
    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<()> {
        non_negative("base_learning_rate", self.base_learning_rate)?;
        at_most("base_learning_rate", self.base_learning_rate, 1e6)?;
        non_negative("epsilon", self.epsilon)?;
        // Weights are stored as f32: bounds must fit with room to spare.
        for (field, v) in [
            ("weight_max", self.weight_max),
            ("weight_min", self.weight_min),
        ] {
            finite(field, v)?;
            if v.abs() > 1e30 {
                return Err(Error::config(
                    field,
                    format!("must be within ±1e30, got {v}"),
                ));
            }
        }
        if self.weight_min > self.weight_max {
            return Err(Error::config(
                "weight_min",
                format!(
                    "must be <= weight_max ({}), got {}",
                    self.weight_max, self.weight_min
                ),
            ));
        }
        finite("initial_weight", self.initial_weight)?;
        unit_interval("weight_decay", self.weight_decay)?;
        unit_interval("discount", self.discount)?;
        unit_interval("trace_decay", self.trace_decay)?;
        unit_interval("value_learning_rate", self.value_learning_rate)?;
        unit_interval("consolidation_rate", self.consolidation_rate)?;
        unit_interval("plasticity_floor", self.plasticity_floor)?;
        unit_interval("trace_cutoff", self.trace_cutoff)?;
        if self.trace_cutoff == 0.0 {
            // Traces would never die (subnormals times γλ round to themselves): every step would
            // cost O(all synapses ever traversed in the episode).
            return Err(Error::config("trace_cutoff", "must be > 0"));
        }
        Ok(())
    }
}

impl PruningParams {
    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<()> {
        steps("inactivity_threshold", self.inactivity_threshold)?;
        steps("protection_period", self.protection_period)?;
        finite("weight_threshold", self.weight_threshold)?;
        non_negative("node_value_threshold", self.node_value_threshold)
    }
}

impl DreamParams {
    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<()> {
        non_negative("consolidation_boost", self.consolidation_boost)?;
        at_most("consolidation_boost", self.consolidation_boost, 1e30)?;
        steps("galvanize_age_threshold", self.galvanize_age_threshold)?;
        unit_interval("creative_edge_probability", self.creative_edge_probability)?;
        non_negative(
            "galvanize_boost_multiplier",
            self.galvanize_boost_multiplier,
        )?;
        at_most(
            "galvanize_boost_multiplier",
            self.galvanize_boost_multiplier,
            1e6,
        )?;
        unit_interval("replay_learning_rate", self.replay_learning_rate)?;
        non_negative("optimism", self.optimism)?;
        at_most("optimism", self.optimism, 1e6)?;
        Ok(())
    }
}

impl BrainConfig {
    /// Checks every field of every part.
    pub fn validate(&self) -> Result<()> {
        self.plasticity.validate()?;
        self.pruning.validate()?;
        self.dream.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_match_the_seed() {
        let c = BrainConfig::default();
        c.validate().unwrap();
        assert_eq!(c.plasticity.base_learning_rate, 0.05);
        assert_eq!(c.plasticity.epsilon, 0.001);
        assert_eq!(c.pruning.inactivity_threshold, 1000);
        assert_eq!(c.dream.walks_per_cycle, 10);
        assert_eq!(c.dream.galvanize_boost_multiplier, 1.5);
    }

    #[test]
    fn invalid_fields_are_named() {
        let mut p = PlasticityParams {
            weight_min: 2.0,
            ..Default::default()
        };
        let e = p.validate().unwrap_err().to_string();
        assert!(e.contains("weight_min"), "{e}");
        p = PlasticityParams {
            base_learning_rate: -1.0,
            ..Default::default()
        };
        assert!(p
            .validate()
            .unwrap_err()
            .to_string()
            .contains("base_learning_rate"));
        p = PlasticityParams {
            epsilon: f64::NAN,
            ..Default::default()
        };
        assert!(p.validate().unwrap_err().to_string().contains("epsilon"));
        let d = DreamParams {
            creative_edge_probability: 1.5,
            ..Default::default()
        };
        assert!(d
            .validate()
            .unwrap_err()
            .to_string()
            .contains("creative_edge_probability"));
        assert!(DreamDirection::parse("sideways").is_err());
    }
}
