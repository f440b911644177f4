//! Eligibility traces: only live ones are stored, so a step costs O(live traces), never O(edges).

use crate::graph::{Brain, NodeId};

impl Brain {
    /// Decays every live trace by γλ and drops the ones that fell below the cutoff.
    pub(crate) fn decay_traces(&mut self) {
        let p = &self.config.plasticity;
        let factor = p.discount * p.trace_decay;
        let cutoff = p.trace_cutoff;
        for (_, e) in self.synapse_traces.iter_mut() {
            *e *= factor;
        }
        self.synapse_traces
            .retain(|&(_, e)| e.abs() >= cutoff && e != 0.0);
        for (_, z) in self.node_traces.iter_mut() {
            *z *= factor;
        }
        self.node_traces
            .retain(|&(_, z)| z.abs() >= cutoff && z != 0.0);
    }

    /// e_s ← A_pre·A_post = 1 for the traversed synapse (a replacing trace).
    pub(crate) fn set_synapse_trace(&mut self, s: u32) {
        match self.synapse_traces.iter_mut().find(|(t, _)| *t == s) {
            Some((_, e)) => *e = 1.0,
            None => self.synapse_traces.push((s, 1.0)),
        }
    }

    /// z_n ← 1 for the experienced node (replacing trace).
    pub(crate) fn set_node_trace(&mut self, n: NodeId) {
        match self.node_traces.iter_mut().find(|(t, _)| *t == n) {
            Some((_, z)) => *z = 1.0,
            None => self.node_traces.push((n, 1.0)),
        }
    }

    /// Clears every trace (end of an episode).
    pub(crate) fn clear_traces(&mut self) {
        self.synapse_traces.clear();
        self.node_traces.clear();
    }
}
