//! A synapse: a directed, plastic edge between two consecutive experiences.

use serde::{Deserialize, Serialize};

use super::NodeId;

/// Storage of one synapse (40 bytes). Weights and plasticity are stored as `f32`; the value read
/// through [`crate::graph::Brain::synapse`] is the lazily decayed weight clamped to the bounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct SynapseSlot {
    pub src: NodeId,
    pub dst: NodeId,
    pub next_out: u32,
    pub next_in: u32,
    /// Stored weight, valid at `max(last_activated, brain.decay_epoch)`.
    pub weight: f32,
    pub plasticity: f32,
    pub traversal_count: u32,
    pub flags: u32,
    /// Ticks relative to the brain's `time_base`.
    pub created_at: u32,
    pub last_activated: u32,
}

pub(crate) const FLAG_ALIVE: u32 = 1;
pub(crate) const FLAG_CREATIVE: u32 = 2;

impl SynapseSlot {
    pub fn is_alive(&self) -> bool {
        self.flags & FLAG_ALIVE != 0
    }

    pub fn is_creative(&self) -> bool {
        self.flags & FLAG_CREATIVE != 0
    }
}

/// A read-only view of a synapse with every field of DESIGN §3 (weight decayed to now).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Synapse {
    pub source: NodeId,
    pub target: NodeId,
    pub weight: f64,
    pub plasticity: f64,
    pub eligibility_trace: f64,
    pub created_at: u64,
    pub last_activated: u64,
    pub traversal_count: u64,
    pub is_creative: bool,
}
