//! Eligibility traces: only live ones are stored, so a step costs O(live traces), never O(edges).

use crate::brain::{Brain, NodeId};

impl Brain {
    /// Decays every live trace by γλ and drops the ones that fell below the cutoff.
    pub(crate) fn decay_traces(&mut self) {
        let p = &self.config.plasticity;
        let factor = p.discount * p.trace_decay;
        let cutoff = p.trace_cutoff;
        decay_and_drop(&mut self.synapse_traces, factor, cutoff);
        decay_and_drop(&mut self.node_traces, factor, cutoff);
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

/// Multiplies every trace by `factor` and drops the ones below `cutoff`, keeping the order: one
/// branch-free pass (every entry is written at the current end of the kept ones, which
/// advances only when it is kept).
fn decay_and_drop(traces: &mut Vec<(u32, f64)>, factor: f64, cutoff: f64) {
    let mut kept = 0;
    for i in 0..traces.len() {
        let (id, t) = traces[i];
        let t = t * factor;
        traces[kept] = (id, t);
        kept += usize::from(t.abs() >= cutoff && t != 0.0);
    }
    traces.truncate(kept);
}
