//! Pruning: weak, unused, old synapses go; nodes left with no synapse and no value go too.
//! Surviving indices stay valid (holes are left, and reused by later nodes).

use serde::{Deserialize, Serialize};

use crate::graph::{Brain, NodeId, NIL};

/// What a prune removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PruneReport {
    pub synapses_removed: u64,
    pub nodes_removed: u64,
}

impl Brain {
    /// Whether slot `s` meets all three pruning criteria now.
    pub(crate) fn prunable(&self, s: u32) -> bool {
        let p = &self.config.pruning;
        let slot = &self.synapses[s as usize];
        self.age(slot.last_activated) > p.inactivity_threshold
            && self.slot_weight(s) < p.weight_threshold
            && self.age(slot.created_at) > p.protection_period
    }

    /// Removes every synapse that is inactive longer than `inactivity_threshold`, weaker than
    /// `weight_threshold` and older than `protection_period`; then every node older than
    /// `protection_period` with no synapse left and |value| ≤ `node_value_threshold` (default 0:
    /// a node that learned a value keeps it, since acting reads node values).
    pub fn prune(&mut self) -> PruneReport {
        let mut report = PruneReport::default();
        for s in 0..self.synapses.len() as u32 {
            if self.synapses[s as usize].is_alive() && self.prunable(s) {
                self.remove_synapse(s);
                report.synapses_removed += 1;
            }
        }
        let protection = self.config.pruning.protection_period;
        let value_threshold = self.config.pruning.node_value_threshold;
        let orphans: Vec<NodeId> = self
            .node_ids()
            .filter(|&id| {
                let n = &self.nodes[id as usize];
                n.first_out == NIL
                    && n.first_in == NIL
                    && n.value.abs() <= value_threshold
                    && self.age(n.created_at) > protection
            })
            .collect();
        for id in orphans {
            self.remove_isolated_node(id);
            report.nodes_removed += 1;
        }
        report
    }
}
