//! A node: one (state, action) experience.

use serde::{Deserialize, Serialize};

use super::{NodeId, NIL};

/// Storage of a node. Times are ticks relative to the brain's `time_base` (see `brain::time`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct NodeSlot {
    pub state_hash: u64,
    pub action: u32,
    pub created_at: u32,
    pub last_activated: u32,
    /// Saturating counts (u32 keeps the slot at 64 bytes; 4·10⁹ visits of one experience).
    pub activation_count: u32,
    pub terminal_count: u32,
    pub average_reward: f64,
    /// Stored as f32: a priority, not a learned quantity (keeps the slot at 64 bytes).
    pub salience: f32,
    pub value: f64,
    pub first_out: u32,
    pub first_in: u32,
    pub next_in_state: u32,
    /// Position in the salient heap; NIL when alive but not salient; DEAD for a hole.
    pub salient_pos: u32,
}

/// `salient_pos` of a dead slot (heap positions are below `SALIENT_CAPACITY`).
pub(crate) const DEAD: u32 = u32::MAX - 1;

impl NodeSlot {
    pub(crate) fn new(state_hash: u64, action: u32, now: u32) -> Self {
        Self {
            state_hash,
            action,
            created_at: now,
            last_activated: now,
            activation_count: 0,
            terminal_count: 0,
            average_reward: 0.0,
            salience: 0.0,
            value: 0.0,
            first_out: NIL,
            first_in: NIL,
            next_in_state: NIL,
            salient_pos: NIL,
        }
    }

    /// A dead slot (a hole left by pruning), kept so that other indices stay valid.
    pub(crate) fn dead() -> Self {
        let mut n = Self::new(0, 0, 0);
        n.salient_pos = DEAD;
        n
    }

    /// Whether the slot holds a live node.
    pub(crate) fn is_alive(&self) -> bool {
        self.salient_pos != DEAD
    }

    /// Records one experience of this node followed by `reward`.
    pub(crate) fn record_reward(&mut self, reward: f64, now: u32) {
        self.activation_count = self.activation_count.saturating_add(1);
        self.average_reward += (reward - self.average_reward) / self.activation_count as f64;
        self.last_activated = now;
    }
}

/// A (state, action) experience and what the brain has learned about it (a copy).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Index of the node.
    pub index: NodeId,
    /// Stable hash of the observed state.
    pub state_hash: u64,
    /// Action taken in that state.
    pub action: u32,
    /// Brain clock (real steps) when the node was created.
    pub created_at: u64,
    /// Brain clock of the last time the node was experienced.
    pub last_activated: u64,
    /// How many times this experience was followed by a learned step.
    pub activation_count: u64,
    /// How many of those steps ended the episode (terminal transitions).
    pub terminal_count: u64,
    /// Running mean of the rewards received after this experience.
    pub average_reward: f64,
    /// Recent surprise: |last reward-prediction error| (real or replayed); dreams start here.
    pub salience: f64,
    /// Learned value of the experience, Q(state, action).
    pub value: f64,
}
