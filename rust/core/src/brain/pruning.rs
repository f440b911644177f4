//! Pruning: weak, unused, old synapses go; nodes left with no synapse and no value go too.
//! Surviving indices stay valid (holes are left, and reused by later nodes).

use serde::{Deserialize, Serialize};

use crate::brain::{Brain, NodeId, NIL};

/// What a prune removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PruneReport {
    pub synapses_removed: u64,
    pub nodes_removed: u64,
}

impl Brain {
    /// Removes many synapses in O(E): every affected node's lists are relinked in one walk
    /// (removing one by one would walk a list per removal, O(degree²) on hubs). List order of
    /// the survivors is kept.
    pub(crate) fn remove_synapses(&mut self, doomed: &[u32]) {
        if doomed.is_empty() {
            return;
        }
        self.stochastic = None; // an experience may have lost an outcome
        self.frontier_closed = true; // and a frontier its last path
        let mut dead = vec![false; self.synapses.len()];
        let mut touched = vec![false; self.nodes.len()];
        let mut nodes = Vec::new();
        for &s in doomed {
            dead[s as usize] = true;
            let slot = &self.synapses[s as usize];
            for n in [slot.src, slot.dst] {
                if !std::mem::replace(&mut touched[n as usize], true) {
                    nodes.push(n);
                }
            }
        }
        for &n in &nodes {
            for out in [true, false] {
                let mut cur = if out {
                    self.nodes[n as usize].first_out
                } else {
                    self.nodes[n as usize].first_in
                };
                let (mut head, mut tail) = (NIL, NIL);
                while cur != NIL {
                    let slot = &self.synapses[cur as usize];
                    let next = if out { slot.next_out } else { slot.next_in };
                    if !dead[cur as usize] {
                        if tail == NIL {
                            head = cur;
                        } else if out {
                            self.synapses[tail as usize].next_out = cur;
                        } else {
                            self.synapses[tail as usize].next_in = cur;
                        }
                        tail = cur;
                    }
                    cur = next;
                }
                if tail != NIL {
                    if out {
                        self.synapses[tail as usize].next_out = NIL;
                    } else {
                        self.synapses[tail as usize].next_in = NIL;
                    }
                }
                if out {
                    self.nodes[n as usize].first_out = head;
                } else {
                    self.nodes[n as usize].first_in = head;
                }
            }
        }
        for &s in doomed {
            self.unindex_synapse(s);
            self.synapses[s as usize].kill();
            self.free_synapses.push(s);
        }
        self.live_synapses -= doomed.len();
        self.synapse_traces.retain(|&(t, _)| !dead[t as usize]);
    }

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
        let doomed: Vec<u32> = (0..self.synapses.len() as u32)
            .filter(|&s| self.synapses[s as usize].is_alive() && self.prunable(s))
            .collect();
        report.synapses_removed = doomed.len() as u64;
        self.remove_synapses(&doomed);
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
