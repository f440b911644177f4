//! A plain-text report of a brain: sizes, weights, values, the most valuable experiences.

use std::fmt::Write as _;

use crate::brain::Brain;

impl Brain {
    /// A human-readable summary of the brain.
    pub fn report(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "hebbian_brain report");
        let _ = writeln!(out, "  clock (steps learned) : {}", self.clock);
        let _ = writeln!(out, "  episodes              : {}", self.episodes);
        let _ = writeln!(out, "  nodes                 : {}", self.node_count());
        let states = self.state_index.len();
        let _ = writeln!(out, "  distinct states       : {states}");
        let weights: Vec<f64> = self.synapses().map(|s| s.weight).collect();
        let creative = self.synapses().filter(|s| s.is_creative).count();
        let _ = writeln!(
            out,
            "  synapses              : {} ({creative} creative)",
            weights.len()
        );
        if !weights.is_empty() {
            let mean = weights.iter().sum::<f64>() / weights.len() as f64;
            let min = weights.iter().copied().fold(f64::INFINITY, f64::min);
            let max = weights.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let _ = writeln!(
                out,
                "  weight min/mean/max   : {min:.3} / {mean:.3} / {max:.3}"
            );
            let p = &self.config.plasticity;
            let (lo, hi) = (p.weight_min, p.weight_max);
            let mut bins = [0usize; 5];
            for &w in &weights {
                let t = if hi > lo {
                    ((w - lo) / (hi - lo) * 5.0) as usize
                } else {
                    4
                };
                bins[t.min(4)] += 1;
            }
            let _ = writeln!(
                out,
                "  weight histogram      : {bins:?} (5 bins over [{lo}, {hi}])"
            );
        }
        let mut ids: Vec<u32> = self.node_ids().collect();
        if !ids.is_empty() {
            let values: Vec<f64> = ids.iter().map(|&i| self.nodes[i as usize].value).collect();
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            let _ = writeln!(out, "  mean node value       : {mean:.4}");
            ids.sort_by(|&a, &b| {
                self.nodes[b as usize]
                    .value
                    .total_cmp(&self.nodes[a as usize].value)
            });
            let _ = writeln!(out, "  most valuable experiences:");
            for &id in ids.iter().take(5) {
                let n = &self.nodes[id as usize];
                let _ = writeln!(
                    out,
                    "    #{id:<6} state {:016x} action {:<3} value {:>8.4}  visits {}",
                    n.state_hash, n.action, n.value, n.activation_count
                );
            }
        }
        let _ = writeln!(
            out,
            "  live traces           : {} synapses, {} nodes",
            self.synapse_traces.len(),
            self.node_traces.len()
        );
        let _ = writeln!(
            out,
            "  memory                : {:.1} KiB",
            self.memory_bytes() as f64 / 1024.0
        );
        out
    }
}
