//! The dream phase: offline replay of weight-biased walks.
//!
//! Each walk starts at a node drawn with probability ∝ salience (recent surprise), then follows
//! synapses with probability ∝ weight: backwards through predecessors (reverse replay, the
//! default) or forwards through successors. Along the walk
//! * node values are backed up from the node's remembered reward and its observed successors:
//!   expected backups over the empirical model the synapse counts hold (`model.rs`), which also
//!   set the predecessors' salience, so the next walks sweep where values moved (prioritized
//!   sweeping); the exploration value U is backed up in the same sweep;
//! * each traversed synapse gains `consolidation_boost` (× `galvanize_boost_multiplier` when it
//!   is older than `galvanize_age_threshold`);
//! * with `creative_edge_probability` per walk, a creative synapse joins two nodes ≥ 2 hops apart.
//!
//! Weights only bias which memories are replayed; what the agent acts on is the values, so
//! consolidation cannot turn into a policy by itself (DESIGN §3, measured lessons).

use std::sync::atomic::{AtomicBool, Ordering};

use rand::Rng as _;
use serde::{Deserialize, Serialize};

use crate::brain::config::DreamDirection;
use crate::brain::{Brain, NodeId};

/// What a dream did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DreamReport {
    /// Walks replayed.
    pub walks: u64,
    /// Synapses traversed over all walks.
    pub steps: u64,
    /// Traversals that strengthened a synapse (each traversal counts once).
    pub synapses_reinforced: u64,
    /// Of those, traversals of synapses old enough to be galvanized.
    pub synapses_galvanized: u64,
    /// Creative synapses wired.
    pub creative_edges_created: u64,
    /// Σ |ΔV| of the value backups.
    pub value_change: f64,
}

impl DreamReport {
    /// Adds another report's counts to this one.
    pub fn merge(&mut self, other: &DreamReport) {
        self.walks += other.walks;
        self.steps += other.steps;
        self.synapses_reinforced += other.synapses_reinforced;
        self.synapses_galvanized += other.synapses_galvanized;
        self.creative_edges_created += other.creative_edges_created;
        self.value_change += other.value_change;
    }
}

impl Brain {
    /// Runs `cycles` dream cycles of `walks_per_cycle` walks each.
    pub fn dream(&mut self, cycles: usize) -> DreamReport {
        self.dream_until(cycles, &AtomicBool::new(false))
    }

    /// [`dream`](Self::dream) that also stops, between two walks, as soon as `stop` is set (by
    /// another thread: Ctrl-C in the bindings), however many walks a cycle has. The walks it
    /// runs are those `dream` runs, so an uninterrupted call is the same dream; an interrupted
    /// one leaves the brain consistent (every walk it started is finished) and reports the
    /// walks done.
    pub fn dream_until(&mut self, cycles: usize, stop: &AtomicBool) -> DreamReport {
        self.dream_sweeping_until(cycles, cycles, stop)
    }

    /// Runs at least `min_cycles` and at most `max_cycles` dream cycles, stopping after
    /// `min_cycles` as soon as no node is salient: prioritized sweeping's "until the queue is
    /// empty or the budget spent". The cycles it runs are those [`dream`](Self::dream) would.
    pub fn dream_sweeping(&mut self, min_cycles: usize, max_cycles: usize) -> DreamReport {
        self.dream_sweeping_until(min_cycles, max_cycles, &AtomicBool::new(false))
    }

    /// [`dream_sweeping`](Self::dream_sweeping) that also stops between two walks as soon as
    /// `stop` is set, as [`dream_until`](Self::dream_until) does.
    pub fn dream_sweeping_until(
        &mut self,
        min_cycles: usize,
        max_cycles: usize,
        stop: &AtomicBool,
    ) -> DreamReport {
        if self.live_nodes == 0 {
            return DreamReport::default();
        }
        self.project_optimism();
        self.dream_cycles(min_cycles, max_cycles, stop)
    }

    /// The cycles of [`dream_sweeping_until`](Self::dream_sweeping_until), without the
    /// projection of the exploration values that precedes them.
    pub(crate) fn dream_cycles(
        &mut self,
        min_cycles: usize,
        max_cycles: usize,
        stop: &AtomicBool,
    ) -> DreamReport {
        let mut report = DreamReport::default();
        if self.live_nodes == 0 {
            return report;
        }
        for cycle in 0..max_cycles.max(min_cycles) {
            if cycle >= min_cycles && self.salient.is_empty() {
                break;
            }
            for _ in 0..self.config.dream.walks_per_cycle {
                if stop.load(Ordering::Relaxed) {
                    return report;
                }
                self.dream_walk(&mut report, stop);
            }
        }
        report
    }

    /// One walk. A set `stop` ends it early (one relaxed load per step: `walk_length` may be
    /// up to 2**32), finished as a shorter walk would be.
    fn dream_walk(&mut self, report: &mut DreamReport, stop: &AtomicBool) {
        let Some(start) = self.draw_start() else {
            return;
        };
        report.walks += 1;
        let direction = self.config.dream.direction;
        let mut path = std::mem::take(&mut self.walk_path);
        path.clear();
        path.push(start);
        if direction == DreamDirection::Reverse {
            report.value_change += self.backup(start).value;
        }
        let mut current = start;
        let patience = self.config.dream.patience;
        let mut quiet = 0;
        for _ in 0..self.config.dream.walk_length {
            if (patience > 0 && quiet >= patience) || stop.load(Ordering::Relaxed) {
                break;
            }
            let Some(s) = self.draw_synapse(current, direction) else {
                break;
            };
            self.reinforce(s, report);
            report.steps += 1;
            let slot = &self.synapses[s as usize];
            current = if direction == DreamDirection::Reverse {
                slot.src
            } else {
                slot.dst
            };
            path.push(current);
            if direction == DreamDirection::Reverse {
                let change = self.backup(current);
                report.value_change += change.value;
                quiet = if change.value.max(change.optimism) < crate::brain::SALIENCE_CUTOFF {
                    quiet + 1
                } else {
                    0
                };
            }
        }
        if direction == DreamDirection::Forward {
            for &n in path.iter().rev() {
                report.value_change += self.backup(n).value;
            }
        }
        self.maybe_wire_creative(&path, direction, report);
        self.record_dream_walk(&path);
        self.walk_path = path;
    }

    /// A dream start: ∝ salience over the salient set, or uniform over all nodes when no node is
    /// salient (everything is already predicted).
    fn draw_start(&mut self) -> Option<NodeId> {
        if !self.salient.is_empty() {
            let u = self.rng.gen::<f64>();
            if let Some(start) = self.pick_salient(u) {
                return Some(start);
            }
        }
        // Uniform over live nodes: rejection on the slot vector (mostly live), then, if the
        // slots are mostly holes, the k-th live node.
        let bound = self.nodes.len();
        for _ in 0..16 {
            let i = self.rng.gen_range(0..bound);
            if self.nodes[i].is_alive() {
                return Some(i as NodeId);
            }
        }
        let k = self.rng.gen_range(0..self.live_nodes);
        self.node_ids().nth(k)
    }

    /// Next synapse of a walk: probability ∝ (w − weight_min) + a floor of 1% of the weight
    /// range, among the in- or out-synapses of `node`. The floor keeps replay alive where
    /// anti-Hebbian steps pushed every weight to its minimum (all-negative rewards).
    fn draw_synapse(&mut self, node: NodeId, direction: DreamDirection) -> Option<u32> {
        let p = &self.config.plasticity;
        let (w_min, floor) = (p.weight_min, 0.01 * (p.weight_max - p.weight_min));
        let score = |s: u32| (self.slot_weight(s) - w_min).max(0.0) + floor;
        // Two passes over the node's list (sum, then select): no allocation per step.
        let reverse = direction == DreamDirection::Reverse;
        let total: f64 = if reverse {
            self.in_slots(node).map(score).sum()
        } else {
            self.out_slots(node).map(score).sum()
        };
        if total <= 0.0 {
            return None;
        }
        let u = self.rng.gen::<f64>();
        let score = |s: u32| (self.slot_weight(s) - w_min).max(0.0) + floor;
        let mut x = u * total;
        let mut last = None;
        let mut pick = |s: u32| {
            last = Some(s);
            x -= score(s);
            x <= 0.0
        };
        let found = if reverse {
            self.in_slots(node).find(|&s| pick(s))
        } else {
            self.out_slots(node).find(|&s| pick(s))
        };
        found.or(last)
    }

    /// Consolidation of a traversed synapse, galvanized when old. A creative synapse that real
    /// experience has not confirmed yet is a hypothesis: walks may use it, but replay alone
    /// never strengthens it or counts as its use, so weight decay and pruning remove it unless
    /// a real step confirms it. (Consolidating hypotheses kept every shortcut alive: over 10 M
    /// GridWorld steps the graph densified towards complete and throughput fell 4×, see
    /// bench/soak.py; DESIGN §3 warns of this positive-feedback loop.)
    fn reinforce(&mut self, s: u32, report: &mut DreamReport) {
        if self.synapses[s as usize].is_creative() {
            return;
        }
        let d = &self.config.dream;
        let age = self.age(self.synapses[s as usize].created_at);
        let galvanized = d.enable_galvanize && age > d.galvanize_age_threshold;
        let boost = d.consolidation_boost
            * if galvanized {
                d.galvanize_boost_multiplier
            } else {
                1.0
            };
        let w = self.slot_weight(s) + boost;
        self.set_slot_weight(s, w);
        report.synapses_reinforced += 1;
        if galvanized {
            report.synapses_galvanized += 1;
        }
    }

    /// With probability `creative_edge_probability`, wires a creative synapse between two nodes of
    /// the walk ≥ 2 hops apart, from the earlier experience to the later one.
    fn maybe_wire_creative(
        &mut self,
        path: &[NodeId],
        direction: DreamDirection,
        report: &mut DreamReport,
    ) {
        let p = self.config.dream.creative_edge_probability;
        if path.len() < 3 || p <= 0.0 || self.rng.gen::<f64>() >= p {
            return;
        }
        // Pick i < j with j − i ≥ 2 uniformly among such pairs.
        let len = path.len();
        let pairs = (len - 1) * (len - 2) / 2;
        let mut k = self.rng.gen_range(0..pairs);
        let (mut i, mut j) = (0, 2);
        'outer: for a in 0..len - 2 {
            for b in a + 2..len {
                if k == 0 {
                    (i, j) = (a, b);
                    break 'outer;
                }
                k -= 1;
            }
        }
        let (from, to) = match direction {
            DreamDirection::Forward => (path[i], path[j]),
            DreamDirection::Reverse => (path[j], path[i]),
        };
        if from != to && self.find_synapse(from, to).is_none() {
            self.add_synapse(from, to, true);
            report.creative_edges_created += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::brain::config::BrainConfig;
    use crate::brain::Brain;

    #[test]
    fn starts_are_uniform_over_live_nodes_when_nothing_is_salient_even_with_holes() {
        // 20 live nodes among 1000 slots: rejection sampling mostly misses, the fallback must
        // still be uniform (it used to return the lowest live index).
        let mut b = Brain::new(BrainConfig::default(), Some(2)).unwrap();
        let ids: Vec<u32> = (0..1000).map(|i| b.get_or_create_node(i, 0)).collect();
        for (k, &id) in ids.iter().enumerate() {
            if k % 50 != 0 {
                b.remove_isolated_node(id);
            }
        }
        assert_eq!(b.node_count(), 20);
        let mut counts = std::collections::HashMap::new();
        for _ in 0..20_000 {
            *counts.entry(b.draw_start().unwrap()).or_insert(0u32) += 1;
        }
        assert_eq!(counts.len(), 20);
        for (&id, &c) in &counts {
            assert!(
                (700..1300).contains(&c),
                "node {id} drawn {c} times of 20000"
            );
        }
    }

    #[test]
    fn sweeping_dreams_stop_once_nothing_is_salient_and_never_exceed_the_budget() {
        // A chain learned once: its backups make predecessors salient, so the first dream
        // sweeps past its minimum (one cycle backs up at most walks × walk_length = 100 nodes
        // of the 200); a converged brain dreams its minimum only.
        let mut b = Brain::new(BrainConfig::default(), Some(1)).unwrap();
        b.note_action_count(1);
        let n: Vec<u32> = (0..200).map(|i| b.get_or_create_node(i, 0)).collect();
        for w in n.windows(2) {
            b.learn_transition(w[0], w[1], 0.0).unwrap();
        }
        b.learn_terminal(n[199], 1.0).unwrap();
        b.end_episode();
        let per_cycle = u64::from(b.config().dream.walks_per_cycle);
        let first = b.dream_sweeping(1, 50);
        assert!(first.walks > per_cycle, "{first:?}");
        assert!(first.walks <= 50 * per_cycle);
        for _ in 0..20 {
            b.dream_sweeping(1, 50);
        }
        assert!(b.salient.is_empty());
        let settled = b.dream_sweeping(2, 50);
        assert_eq!(settled.walks, 2 * per_cycle);
        // The minimum runs even when nothing is salient, and a budget below it is raised to it.
        assert_eq!(b.dream_sweeping(3, 1).walks, 3 * per_cycle);
    }

    #[test]
    fn a_set_stop_flag_ends_a_dream_before_its_next_walk_and_an_unset_one_changes_nothing() {
        use std::sync::atomic::AtomicBool;
        let grown = || {
            let mut b = Brain::new(BrainConfig::default(), Some(6)).unwrap();
            let n: Vec<u32> = (0..10).map(|i| b.get_or_create_node(i, 0)).collect();
            for w in n.windows(2) {
                b.learn_transition(w[0], w[1], 0.5).unwrap();
            }
            b
        };
        let (mut a, mut b) = (grown(), grown());
        let ra = a.dream(3);
        let rb = b.dream_until(3, &AtomicBool::new(false));
        assert_eq!(ra, rb);
        assert_eq!(a.to_bytes(), b.to_bytes());
        let before = a.to_bytes();
        let stopped = a.dream_sweeping_until(3, 9, &AtomicBool::new(true));
        assert_eq!(stopped.walks, 0);
        assert_eq!(a.to_bytes(), before);
    }

    #[test]
    fn replay_never_keeps_an_unconfirmed_creative_synapse_alive() {
        use crate::brain::config::{DreamParams, PlasticityParams, PruningParams};
        // A chain 0 → 1 → 2 learned for real, plus a creative shortcut 0 → 2 that real
        // experience never confirms. Dreams walk it but must not strengthen or refresh it, so
        // decay and pruning remove it while the real synapses stay.
        let cfg = BrainConfig {
            pruning: PruningParams {
                inactivity_threshold: 50,
                weight_threshold: 0.3,
                protection_period: 10,
                ..Default::default()
            },
            plasticity: PlasticityParams {
                weight_decay: 0.002,
                ..Default::default()
            },
            dream: DreamParams {
                creative_edge_probability: 0.0,
                direction: crate::brain::config::DreamDirection::Forward,
                ..Default::default()
            },
        };
        let mut b = Brain::new(cfg, Some(4)).unwrap();
        let n: Vec<u32> = (0..3).map(|i| b.get_or_create_node(i, 0)).collect();
        assert!(b.create_creative_edge(n[0], n[2]).unwrap());
        let w0 = b.synapse(n[0], n[2]).unwrap().weight;
        for _ in 0..400 {
            b.learn_transition(n[0], n[1], 1.0).unwrap();
            b.learn_transition(n[1], n[2], 1.0).unwrap();
            b.end_episode();
            b.dream(2);
        }
        let creative = b.synapse(n[0], n[2]);
        if let Ok(s) = &creative {
            assert!(
                s.weight < w0,
                "replay strengthened it: {} -> {}",
                w0,
                s.weight
            );
        }
        b.prune();
        assert!(
            b.synapse(n[0], n[2]).is_err(),
            "the shortcut survived pruning"
        );
        assert!(b.synapse(n[0], n[1]).is_ok() && b.synapse(n[1], n[2]).is_ok());
    }
}
