//! The graph brain: nodes are (state, action) experiences, edges are plastic synapses.
//!
//! Here: the `Brain` type and its store (`store.rs`, `node.rs`, `synapse.rs`, `time.rs` for
//! stored times, `salience.rs` for the dream starts), its [`config`], its learning rules
//! (`learning/`), [`dream`], [`pruning`] and the [`state_hash`] that keys states. Saving and
//! import live in [`crate::io`].
//!
//! Storage is compact and index-stable:
//! * nodes live in a `Vec` of slots; a pruned node leaves a hole that a later node may reuse, and
//!   every other index stays valid (as in rustworkx's `StableGraph`);
//! * synapses live in a `Vec` of 36-byte slots threaded into per-node intrusive out/in lists (no
//!   per-node `Vec`); an edge index (a hash table of slot ids keyed by (src, dst)) finds one in a
//!   probe, whatever the node's degree;
//! * nodes of the same state are threaded into one list, found from `state_index`, so the value
//!   of a state (max over its actions) costs one hash lookup and a short walk.

pub mod config;
pub mod dream;
pub mod dream_record;
pub mod frontier;
mod inherit;
pub(crate) mod learning;
pub mod model;
mod node;
pub mod pruning;
mod salience;
pub mod state_hash;
mod store;
mod synapse;
mod time;

use rustc_hash::FxHashMap;

use crate::rng::Rng;
use config::BrainConfig;

pub use node::Node;
pub(crate) use node::NodeSlot;
pub use store::{EdgeTable, NodeTable};
pub use synapse::Synapse;
pub(crate) use synapse::SynapseSlot;
pub use time::MAX_TIME;

/// Index of a node. Stable for the node's lifetime (pruning never renumbers survivors).
pub type NodeId = u32;

/// "No link" marker in the intrusive lists.
pub const NIL: u32 = u32::MAX;

/// A graph brain. See docs/reference/rules.md §1 for its semantics.
#[derive(Clone, Debug)]
pub struct Brain {
    pub(crate) config: BrainConfig,
    pub(crate) rng: Rng,
    /// Real steps learned so far (the brain's clock).
    pub(crate) clock: u64,
    /// Episodes ended so far.
    pub(crate) episodes: u64,
    /// Weight decay owed before this time has been written into the stored weights.
    pub(crate) decay_epoch: u64,
    /// Stored times are 32-bit ticks relative to this (see `time.rs`).
    pub(crate) time_base: u64,
    /// (1 − weight_decay)^dt of lazy decay, derived from the config.
    pub(crate) retention: crate::brain::learning::retention::Retention,
    pub(crate) nodes: Vec<NodeSlot>,
    pub(crate) free_nodes: Vec<NodeId>,
    pub(crate) live_nodes: usize,
    pub(crate) state_index: FxHashMap<u64, NodeId>,
    pub(crate) synapses: Vec<SynapseSlot>,
    /// Index of live synapse slots by (src, dst) (derived; rebuilt on load).
    pub(crate) edge_index: hashbrown::HashTable<u32>,
    pub(crate) free_synapses: Vec<u32>,
    pub(crate) live_synapses: usize,
    /// Synapses with a live eligibility trace: (slot, trace).
    pub(crate) synapse_traces: Vec<(u32, f64)>,
    /// Nodes with a live value trace: (node, trace).
    pub(crate) node_traces: Vec<(NodeId, f64)>,
    /// Indexed min-heap of the most salient nodes (dream starts); see `salience.rs`.
    pub(crate) salient: Vec<(f64, NodeId)>,
    /// Sum of the keys in each heap position's subtree (derived; see `salience.rs`).
    pub(crate) salient_sums: Vec<f64>,
    /// U, the exploration value of each node slot (`model.rs`); NaN or missing: not backed up
    /// yet (U reads as V then).
    pub(crate) optimism: Vec<f64>,
    /// Lowest and highest reward of a real step so far (None before the first).
    pub(crate) reward_range: Option<(f64, f64)>,
    /// Most actions an agent acting with this brain has (0: unknown), so that a state with
    /// fewer nodes has untried actions.
    pub(crate) action_count: u32,
    /// Whether some node has had several outcomes (`model.rs`, `has_stochastic_outcomes`);
    /// None: not known, found by a scan when asked (not saved).
    pub(crate) stochastic: Option<bool>,
    /// Whether a state's last untried action was taken since the last projection of U onto
    /// its frontier bounds (`frontier.rs`); derived, true after a load.
    pub(crate) frontier_closed: bool,
    /// Frontiers closed over the brain's life in memory (derived, not saved).
    pub(crate) frontier_closures: u64,
    /// Scratch buffer of the current dream walk's nodes, kept between walks so that a walk
    /// allocates nothing (not saved).
    pub(crate) walk_path: Vec<NodeId>,
    /// The last dream walks, when asked for (`dream_record.rs`; not saved).
    pub(crate) dream_recorder: Option<Box<dream_record::DreamRecorder>>,
}

/// Most nodes kept in the salient set (dream starts are drawn from it in O(size)).
pub(crate) const SALIENT_CAPACITY: usize = 1024;
/// Largest reward magnitude accepted. Values stay within r_max / (1 − γ), far from overflow,
/// so every number a brain holds stays finite whatever is fed to it.
pub const MAX_REWARD: f64 = 1e12;

/// Checks a reward: finite and |r| ≤ `MAX_REWARD`.
pub fn check_reward(name: &str, reward: f64) -> crate::Result<()> {
    if reward.is_finite() && reward.abs() <= MAX_REWARD {
        Ok(())
    } else {
        Err(crate::Error::argument(
            name,
            format!("must be finite with |r| <= {MAX_REWARD:e}, got {reward}"),
        ))
    }
}

/// Largest magnitude of a stored value, average reward or salience accepted from a file.
pub(crate) const MAX_STORED: f64 = 1e30;

/// Salience below which a node leaves the salient set.
pub(crate) const SALIENCE_CUTOFF: f64 = 1e-6;

#[cfg(test)]
mod layout_tests {
    /// Memory per synapse is a stated target (≤ 64 bytes all included): pin the slot sizes.
    #[test]
    fn slots_keep_their_size() {
        assert_eq!(std::mem::size_of::<super::NodeSlot>(), 64);
        assert_eq!(std::mem::size_of::<super::SynapseSlot>(), 36);
    }
}
