//! Exploration values lowered to what the distance to the nearest frontier allows
//! (rules.md §1.5a, "Closed frontiers").
//!
//! Expected backups lower a state's U only by γ_U per sweep once the frontier it counted on is
//! closed (its last untried action taken): with γ_U = 0.995 a value γ_U^d·U_max takes about a
//! thousand sweeps to come down, and meanwhile the agent walks towards frontiers that no longer
//! exist. Any fixed point of the U backup on the current model satisfies, for a node d hops
//! (through real synapses) from the nearest state with an untried action,
//!
//! ```text
//! U*(n) ≤ B(d) = m·(1 − γ_U^d)·H_U + γ_U^d·U_max,     m = r_hi + β·σ,  B(∞) = m·H_U
//! ```
//!
//! (m bounds one step's reward plus bonus; the frontier's U_max ≥ m·H_U bounds what follows),
//! and the backup maps {U ≤ B} into itself. So lowering every U to its B(d) keeps U above U*
//! (still optimistic) while removing at once what sweeps would remove over ~H_U·ln(U_max/U*)
//! sweeps. The distances are one breadth-first search over predecessors from the open states,
//! O(nodes + synapses), run by a dream when a frontier has closed since the last one.
//!
//! An agent does not wait for the episode's end: the step that closes a frontier is followed
//! at once by the projection (while the graph has at most [`STEP_PROJECTION_LIMIT`] nodes and
//! synapses; a larger one waits for the next dream) and a few dream walks, so that the rest of
//! the episode heads for the frontiers still open (prioritized sweeping's backups after every
//! real step, here only after the steps that change where the frontier is).

use super::dream::DreamReport;
use super::{Brain, NodeId};
use rustc_hash::FxHashMap;
use std::sync::atomic::AtomicBool;

/// Largest graph (live nodes + live synapses) projected right after the step that closed a
/// frontier: a brain closes each state's frontier once, so the cost over its life is at most
/// states × this (*ours*).
pub const STEP_PROJECTION_LIMIT: usize = 1 << 16;

/// Walks of the sweep after a frontier-closing step, at most (*ours*, tuning seeds: 3 walks kept
/// RiverSwim's and Taxi's gains of 10 without CartPole's loss; rules.md §1.5a).
pub const STEP_SWEEP_WALKS: u32 = 3;

/// Steps per walk of that sweep, at most (a dream cycle's default walk length).
pub const STEP_SWEEP_LENGTH: u32 = 10;

impl Brain {
    /// Frontiers closed so far by this brain in memory (a state's last untried action taken;
    /// not saved: 0 after a load).
    pub fn frontier_closures(&self) -> u64 {
        self.frontier_closures
    }

    /// What an agent runs after a step that closed a frontier (module docs): the projection,
    /// when the graph is small enough, and at most [`STEP_SWEEP_WALKS`] dream walks of at most
    /// [`STEP_SWEEP_LENGTH`] steps (so a step stays short whatever the dream configuration).
    pub fn sweep_closed_frontier(&mut self) -> DreamReport {
        if self.live_nodes == 0 {
            return DreamReport::default();
        }
        if self.live_nodes + self.live_synapses <= STEP_PROJECTION_LIMIT {
            self.project_optimism();
        }
        // One cycle of the dream's own walks, shortened (restored after): going through
        // `dream_cycles` leaves the walk loop a single caller, which the compiler inlines whole
        // (a second call site cost GridWorld's dreaming agent 20% of its steps per second).
        let (walks, length) = (
            self.config.dream.walks_per_cycle,
            self.config.dream.walk_length,
        );
        self.config.dream.walks_per_cycle = walks.min(STEP_SWEEP_WALKS);
        self.config.dream.walk_length = length.min(STEP_SWEEP_LENGTH);
        let report = self.dream_cycles(1, 1, &AtomicBool::new(false));
        self.config.dream.walks_per_cycle = walks;
        self.config.dream.walk_length = length;
        report
    }

    /// Lowers every node's U to B(d) (module docs) if some frontier closed since the last call.
    pub(crate) fn project_optimism(&mut self) {
        if !std::mem::take(&mut self.frontier_closed) || !self.optimism_enabled() {
            return;
        }
        let gamma_u = self.exploration_discount();
        if gamma_u >= 1.0 || self.live_nodes == 0 {
            return;
        }
        // m⁺ and U_max⁺: an episode's end is worth 0, so the bound needs B ≥ 0; r̄ ≤ r_hi fails
        // for imported nodes (their rewards were never seen by a step), so m reads r̄ too.
        let frontier = self.frontier_value().max(0.0);
        let horizon = 1.0 / (1.0 - gamma_u);
        let r_hi = self
            .node_ids()
            .map(|id| self.nodes[id as usize].average_reward)
            .fold(self.reward_scale().0, f64::max);
        let step_max = (r_hi + self.exploration_bonus(1.0)).max(0.0);
        if step_max * horizon >= frontier {
            return;
        }
        let dist = self.frontier_distances();
        for (id, (node, &d)) in self.nodes.iter().zip(&dist).enumerate() {
            if !node.is_alive() || node.activation_count == 0 {
                continue;
            }
            let bound = if d == u32::MAX {
                step_max * horizon
            } else {
                let g = gamma_u.powi(d.min(i32::MAX as u32) as i32);
                step_max * (1.0 - g) * horizon + g * frontier
            };
            // Above the bound by more than rounding: a value a backup left a last bit above it
            // stays, so projecting twice (a reloaded copy does) changes nothing more.
            if let Some(u) = self.optimism.get_mut(id) {
                if *u > bound + 1e-9 * bound.abs().max(1.0) {
                    *u = bound;
                }
            }
        }
    }

    /// Hops from each node to the nearest open state (one with an untried action, or the unknown
    /// successor of a node whose only outcomes are truncations into never-visited states);
    /// `u32::MAX` where none is reachable through real synapses.
    fn frontier_distances(&self) -> Vec<u32> {
        let mut node_dist = vec![u32::MAX; self.nodes.len()];
        let mut state_dist: FxHashMap<u64, u32> = FxHashMap::default();
        let mut queue: Vec<u64> = Vec::new();
        for &state in self.state_index.keys() {
            if self.state_is_open(state) {
                state_dist.insert(state, 0);
                queue.push(state);
            }
        }
        for id in self.node_ids() {
            if self.only_unknown_outcomes(id) {
                node_dist[id as usize] = 1;
                let state = self.nodes[id as usize].state_hash;
                if let std::collections::hash_map::Entry::Vacant(e) = state_dist.entry(state) {
                    e.insert(1);
                    queue.push(state);
                }
            }
        }
        let mut head = 0;
        while head < queue.len() {
            let state = queue[head];
            head += 1;
            let d = state_dist[&state].saturating_add(1);
            for m in self.state_nodes(state) {
                for s in self.in_slots(m) {
                    let slot = &self.synapses[s as usize];
                    if slot.is_creative() || slot.traversal_count() == 0 {
                        continue;
                    }
                    let p = slot.src as usize;
                    node_dist[p] = node_dist[p].min(d);
                    let pred_state = self.nodes[p].state_hash;
                    if let std::collections::hash_map::Entry::Vacant(e) =
                        state_dist.entry(pred_state)
                    {
                        e.insert(d);
                        queue.push(pred_state);
                    }
                }
            }
        }
        node_dist
    }

    /// Whether a state has an untried action: fewer nodes than actions, or a node never taken.
    fn state_is_open(&self, state: u64) -> bool {
        let mut k = 0u32;
        for id in self.state_nodes(state) {
            if self.nodes[id as usize].activation_count == 0 {
                return true;
            }
            k += 1;
        }
        k < self.action_count
    }

    /// A taken node with no termination and no real out-synapse: its outcomes were truncations
    /// into states never visited, which the backup values at U_max.
    pub(crate) fn only_unknown_outcomes(&self, id: NodeId) -> bool {
        let node = &self.nodes[id as usize];
        node.activation_count > 0
            && node.terminal_count == 0
            && self.out_slots(id).all(|s| {
                let slot = &self.synapses[s as usize];
                slot.is_creative() || slot.traversal_count() == 0
            })
    }
}

#[cfg(test)]
mod tests {
    use crate::brain::config::BrainConfig;
    use crate::brain::Brain;
    use std::sync::atomic::AtomicBool;

    fn brain(discount: f64) -> Brain {
        let mut cfg = BrainConfig::default();
        cfg.plasticity.discount = discount;
        let mut b = Brain::new(cfg, Some(7)).unwrap();
        b.note_action_count(2);
        b
    }

    #[test]
    fn distances_count_hops_to_the_nearest_state_with_an_untried_action() {
        // 0 → 1 → 2 → 3 with one action each; state 3 is open (one of two actions tried), the
        // others are closed by a second action that ends the episode.
        let mut b = brain(0.9);
        let n: Vec<u32> = (0..4).map(|s| b.get_or_create_node(s, 0)).collect();
        for w in n.windows(2) {
            b.learn_transition(w[0], w[1], 0.0).unwrap();
        }
        b.learn_terminal(n[3], 0.0).unwrap();
        for s in 0..3 {
            let other = b.get_or_create_node(s, 1);
            b.learn_terminal(other, 0.0).unwrap();
        }
        let d = b.frontier_distances();
        assert_eq!(
            [d[n[0] as usize], d[n[1] as usize], d[n[2] as usize]],
            [3, 2, 1]
        );
        assert_eq!(d[n[3] as usize], u32::MAX, "it only ends the episode");
    }

    #[test]
    fn projection_lowers_closed_frontiers_at_once_and_keeps_the_fixed_point() {
        // A loop 0 → 1 → 0 whose states each have one untried action: U counts the frontier.
        // Then both frontiers close (the second actions end the episode): no state is open and
        // every U must fall to at most m·H_U at the next dream, with the same fixed point as
        // sweeps alone reach. γ = 0.99 (γ_U = 0.995): sweeps alone take thousands of backups.
        let mut b = brain(0.99);
        let x = b.get_or_create_node(0, 0);
        let y = b.get_or_create_node(1, 0);
        for _ in 0..3 {
            b.learn_transition(x, y, 0.0).unwrap();
            b.learn_transition(y, x, 0.5).unwrap();
        }
        b.end_episode();
        b.dream(50);
        let u_max = b.frontier_value();
        assert!(b.exploration_value(x) > 0.5 * u_max);
        for s in 0..2 {
            let other = b.get_or_create_node(s, 1);
            b.learn_terminal(other, 0.0).unwrap();
        }
        assert!(b.frontier_closed && b.frontier_closures() == 2);
        let mut swept_only = b.clone();
        b.dream(1);
        let (hi, _) = b.reward_scale();
        let cap = (hi + b.exploration_bonus(1.0)) / (1.0 - b.exploration_discount());
        for n in [x, y] {
            assert!(
                b.exploration_value(n) <= cap + 1e-9,
                "{} > {cap}",
                b.exploration_value(n)
            );
        }
        // Same fixed point: sweeps alone (no projection) come down to it slowly.
        for _ in 0..200 {
            b.dream_cycles(50, 50, &AtomicBool::new(false));
            swept_only.dream_cycles(50, 50, &AtomicBool::new(false));
        }
        for n in [x, y] {
            let (p, s) = (b.exploration_value(n), swept_only.exploration_value(n));
            assert!((p - s).abs() < 1e-6 * s.abs().max(1.0), "{p} vs {s}");
        }
    }

    #[test]
    fn projection_keeps_the_fixed_point_when_every_reward_is_negative() {
        // β = 0.5 and rewards of −1 only: m = r_hi + β·σ < 0. A node that ends the episode 9
        // times in 10 and otherwise loops on itself is worth about −0.95 to exploration; the
        // bound may not be taken below it (an episode's end is worth 0, so B ≥ 0 is needed).
        let mut cfg = BrainConfig::default();
        cfg.plasticity.discount = 0.99;
        cfg.dream.optimism = 0.5;
        let mut b = Brain::new(cfg, Some(8)).unwrap();
        b.note_action_count(1);
        let x = b.get_or_create_node(0, 0);
        for k in 0..10 {
            if k == 3 {
                b.learn_transition(x, x, -1.0).unwrap();
            } else {
                b.learn_terminal(x, -1.0).unwrap();
            }
            b.end_episode();
        }
        let mut swept_only = b.clone();
        b.frontier_closed = true;
        for _ in 0..50 {
            b.dream(50);
            swept_only.dream_cycles(50, 50, &AtomicBool::new(false));
        }
        let (p, s) = (b.exploration_value(x), swept_only.exploration_value(x));
        assert!(s < 0.0 && (p - s).abs() < 1e-9, "{p} vs {s}");
    }

    #[test]
    fn a_reloaded_brain_dreams_as_the_original_after_the_reward_scale_shrank() {
        // Rewards −0.01, then 0: σ falls from 1 to 0.01 and every bound with it. The shrink
        // marks the brain for a projection, so the original projects at its next dream as the
        // reloaded copy (whose mark is set by the load) does.
        let mut b = brain(0.99);
        let n: Vec<u32> = (0..4).map(|s| b.get_or_create_node(s, 0)).collect();
        for w in n.windows(2) {
            b.learn_transition(w[0], w[1], -0.01).unwrap();
        }
        b.learn_terminal(n[3], -0.01).unwrap();
        b.end_episode();
        b.dream(20);
        b.learn_transition(n[0], n[1], 0.0).unwrap();
        b.end_episode();
        let mut copy = Brain::from_data(b.to_data(), "test").unwrap();
        b.dream(3);
        copy.dream(3);
        for &x in &n {
            assert_eq!(
                b.exploration_value(x).to_bits(),
                copy.exploration_value(x).to_bits()
            );
        }
    }
}
