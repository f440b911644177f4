//! Compact times. Nodes and synapses store times as 32-bit ticks relative to the brain's
//! `time_base`, which halves their size against 64-bit stamps (memory per synapse is a stated
//! target). When the clock nears the end of the 32-bit window, every stored time is rebased:
//! times older than 2³¹ steps are clamped to 2³¹ steps ago, which changes nothing observable —
//! such a synapse has long decayed (its decay is materialised first), long passed every
//! inactivity and protection threshold, and is old for galvanizing either way.

use super::{Brain, NodeId};

/// Ticks kept after a rebase.
const KEEP: u64 = 1 << 31;

/// Largest clock value and time accepted from files and imports.
pub const MAX_TIME: u64 = 1 << 62;

impl Brain {
    /// The clock as a tick.
    pub(crate) fn now_tick(&self) -> u32 {
        (self.clock - self.time_base) as u32
    }

    /// Absolute time of a stored tick.
    pub(crate) fn abs_time(&self, tick: u32) -> u64 {
        self.time_base + tick as u64
    }

    /// Steps elapsed since a stored tick.
    pub(crate) fn age(&self, tick: u32) -> u64 {
        self.clock - self.abs_time(tick)
    }

    /// A tick for an absolute time (clamped into the window).
    pub(crate) fn tick_of(&self, time: u64) -> u32 {
        time.saturating_sub(self.time_base).min(u32::MAX as u64) as u32
    }

    /// Advances the clock by one step, rebasing stored times when the window is full.
    pub(crate) fn advance_clock(&mut self) {
        // MAX_TIME (2^62) steps is centuries at 10^9 steps/s; saturating keeps a corrupt clock
        // from wrapping (loaders and imports refuse times above MAX_TIME).
        self.clock = (self.clock + 1).min(MAX_TIME);
        if self.clock - self.time_base >= u32::MAX as u64 {
            self.rebase_times(self.clock - KEEP);
        }
    }

    /// Moves `time_base` forward to `new_base`, clamping older times to it. Owed weight decay
    /// is written into the stored weights first, so no weight changes.
    pub(crate) fn rebase_times(&mut self, new_base: u64) {
        debug_assert!(new_base >= self.time_base && new_base <= self.clock);
        self.apply_weight_decay();
        let shift = new_base - self.time_base;
        let move_tick = |t: &mut u32| *t = (*t as u64).saturating_sub(shift) as u32;
        for n in self.nodes.iter_mut().filter(|n| n.is_alive()) {
            move_tick(&mut n.created_at);
            move_tick(&mut n.last_activated);
        }
        for s in self.synapses.iter_mut().filter(|s| s.is_alive()) {
            move_tick(&mut s.created_at);
            move_tick(&mut s.last_activated);
        }
        self.time_base = new_base;
    }

    /// The public copy of a node slot.
    pub(crate) fn node_view(&self, id: NodeId) -> super::Node {
        let n = &self.nodes[id as usize];
        super::Node {
            index: id,
            state_hash: n.state_hash,
            action: n.action,
            created_at: self.abs_time(n.created_at),
            last_activated: self.abs_time(n.last_activated),
            activation_count: n.activation_count as u64,
            terminal_count: n.terminal_count as u64,
            average_reward: n.average_reward,
            salience: n.salience as f64,
            value: n.value,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::brain::config::{BrainConfig, PlasticityParams, PruningParams};
    use crate::brain::Brain;

    #[test]
    fn rebasing_changes_nothing_observable() {
        let cfg = BrainConfig {
            plasticity: PlasticityParams {
                weight_decay: 1e-3,
                ..Default::default()
            },
            pruning: PruningParams {
                inactivity_threshold: 30,
                weight_threshold: 0.45,
                protection_period: 5,
                ..Default::default()
            },
            ..Default::default()
        };
        let mut a = Brain::new(cfg, Some(1)).unwrap();
        let n: Vec<u32> = (0..8).map(|i| a.get_or_create_node(i, 0)).collect();
        for round in 0..40 {
            let i = round % 7;
            a.learn_transition(n[i], n[i + 1], if i == 6 { 1.0 } else { -0.2 })
                .unwrap();
        }
        let mut b = a.clone();
        b.rebase_times(b.clock - 10);
        let view = |x: &Brain| (x.node_table(), x.edge_table());
        let (na, ea) = view(&a);
        let (nb, eb) = view(&b);
        // Times older than the new base are clamped; everything else is identical.
        assert_eq!(na.value, nb.value);
        for (wa, wb) in ea.weight.iter().zip(&eb.weight) {
            assert!((wa - wb).abs() < 1e-6);
        }
        for (t, u) in na.last_activated.iter().zip(&nb.last_activated) {
            assert_eq!(*u, (*t).max(a.clock - 10));
        }
        for _ in 0..50 {
            a.learn_terminal(n[7], 0.0).unwrap();
            b.learn_terminal(n[7], 0.0).unwrap();
        }
        assert_eq!(a.prune(), b.prune());
        assert_eq!(a.edge_table().source, b.edge_table().source);
    }
}
