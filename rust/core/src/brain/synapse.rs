//! A synapse: a directed, plastic edge between two consecutive experiences.

use serde::{Deserialize, Serialize};

use super::NodeId;

/// Storage of one synapse (36 bytes). Weights and plasticity are stored as `f32`; the value read
/// through [`crate::brain::Brain::synapse`] is the lazily decayed weight clamped to the bounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct SynapseSlot {
    pub src: NodeId,
    pub dst: NodeId,
    pub next_out: u32,
    pub next_in: u32,
    /// Stored weight, valid at `max(last_activated, brain.decay_epoch)`.
    pub weight: f32,
    pub plasticity: f32,
    /// Traversal count in the low 30 bits (saturating), alive and creative flags in the top two.
    pub count_flags: u32,
    /// Ticks relative to the brain's `time_base`.
    pub created_at: u32,
    pub last_activated: u32,
}

const FLAG_ALIVE: u32 = 1 << 31;
const FLAG_CREATIVE: u32 = 1 << 30;
const COUNT_MASK: u32 = FLAG_CREATIVE - 1;

impl SynapseSlot {
    /// Flags of a new live synapse with no traversal.
    pub fn live_flags(creative: bool) -> u32 {
        FLAG_ALIVE | if creative { FLAG_CREATIVE } else { 0 }
    }

    pub fn is_alive(&self) -> bool {
        self.count_flags & FLAG_ALIVE != 0
    }

    /// Whether this live slot is the synapse src → dst.
    pub fn joins(&self, src: u32, dst: u32) -> bool {
        self.src == src && self.dst == dst && self.is_alive()
    }

    pub fn is_creative(&self) -> bool {
        self.count_flags & FLAG_CREATIVE != 0
    }

    /// Clears the creative flag (the synapse was traversed for real).
    pub fn make_real(&mut self) {
        self.count_flags &= !FLAG_CREATIVE;
    }

    pub fn kill(&mut self) {
        self.count_flags = 0;
    }

    /// Real traversals (saturates at 2³⁰ − 1).
    pub fn traversal_count(&self) -> u32 {
        self.count_flags & COUNT_MASK
    }

    pub fn set_traversal_count(&mut self, count: u64) {
        self.count_flags = (self.count_flags & !COUNT_MASK) | count.min(COUNT_MASK as u64) as u32;
    }

    pub fn count_traversal(&mut self) {
        if self.traversal_count() < COUNT_MASK {
            self.count_flags += 1;
        }
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
