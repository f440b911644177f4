//! Value-inheriting splits: when a state abstraction refines a cell into smaller cells, the
//! new cells' nodes start from what the old cell's nodes learned (docs/reference/rules.md
//! §1.9), so finer resolution costs no relearning.
//!
//! For a parent state P split into children c₁ … c_k (which partition it):
//! * every node (P, a) gets a copy (cᵢ, a) in each child: V, U, r̄, salience and times, and
//!   its activation and termination counts scaled by f = min(1, M / activation count(P, a))
//!   and rounded up (M = [`INHERITED_COUNTS`]);
//! * every synapse (P, a) → m out of the parent is copied as (cᵢ, a) → m with its weight,
//!   plasticity and traversal count ⌈f·c⌉ (so the child's empirical model P̂(· | cᵢ, a) starts
//!   as the parent's, worth about M experiences: the child is not "untried", and its own
//!   experiences soon outweigh the parent's); a transition that stayed inside P,
//!   (P, a) → (P, b), becomes (cᵢ, a) → (cᵢ, b) (it stays inside its child);
//! * every synapse p → (P, b) from outside P is moved to the children: p → (cᵢ, b) with the
//!   traversal count c shared out as evenly as integers allow (⌊c/k⌋ each, the c mod k left
//!   over going to successive children starting from a child chosen by p's index), so p's
//!   model keeps its total count and spreads P's share over the children; a share of 0 makes
//!   no synapse (creative synapses, count 0, are copied to every child);
//! * then every synapse of the parent's nodes is removed and their salience cleared: the nodes
//!   stay (an agent may still hold one as its pending step) but nothing leads to them any
//!   more, so dreams no longer back them up.
//!
//! Nothing is random: the copies depend only on the brain's contents.

use super::{Brain, NodeId};
use crate::error::{Error, Result};

/// M: a child's copy of a node keeps at most about this many of the parent's experiences
/// (counts scaled by min(1, M / activation count), rounded up), so that its own experiences
/// soon outweigh the parent's model while its values start from the parent's (rules.md §1.9;
/// measured on tuning seeds: M = 4 against the parent's whole counts, CartPole-v1 7 against 4
/// of 20 seeds solved, Acrobot-v1 −270 against −339).
pub const INHERITED_COUNTS: u32 = 4;

/// What a synapse copy carries over from its original (the rest is its endpoints and links).
#[derive(Clone, Copy)]
struct SynapseCopy {
    weight: f32,
    plasticity: f32,
    creative: bool,
    count: u64,
    created_at: u32,
    last_activated: u32,
}

impl Brain {
    /// Hands the experiences of state `parent` to the states `children`, new cells that
    /// partition it (see the module documentation). A child that already has a node for an
    /// action keeps it (and receives no copy of that action's synapses). Returns the number of
    /// nodes created; 0 when the parent has no nodes.
    ///
    /// Fails (changing nothing) when `children` is empty, repeats a state or contains `parent`.
    pub fn inherit_state(&mut self, parent: u64, children: &[u64]) -> Result<usize> {
        check_children(parent, children)?;
        self.stochastic = None; // the copies' outcomes are not backed up one by one
        self.frontier_closed = true; // the copies' U predate their own frontier distances
        let parents: Vec<NodeId> = self.state_nodes(parent).collect();
        if parents.is_empty() {
            return Ok(0);
        }
        // copies[i][j]: the node of child i for parent node j (None: the child had one).
        let mut copies: Vec<Vec<Option<NodeId>>> = Vec::with_capacity(children.len());
        let mut created = 0;
        for &child in children {
            let mut row = Vec::with_capacity(parents.len());
            for &p in &parents {
                let action = self.nodes[p as usize].action;
                if self.find_node(child, action).is_some() {
                    row.push(None);
                    continue;
                }
                let id = self.get_or_create_node(child, action);
                self.copy_node(p, id, scale(self.nodes[p as usize].activation_count as u64));
                row.push(Some(id));
                created += 1;
            }
            copies.push(row);
        }
        let mut doomed = Vec::new();
        for (j, &p) in parents.iter().enumerate() {
            let outs: Vec<u32> = self.out_slots(p).collect();
            let f = scale(self.nodes[p as usize].activation_count as u64);
            for s in outs {
                doomed.push(s);
                let (dst, mut copy) = (self.synapses[s as usize].dst, self.synapse_copy(s));
                copy.count = shrink(copy.count, f);
                let inside = self.nodes[dst as usize].state_hash == parent;
                for row in &copies {
                    let Some(src) = row[j] else { continue };
                    let target = if inside {
                        match parents.iter().position(|&q| q == dst).and_then(|k| row[k]) {
                            Some(t) => t,
                            None => continue,
                        }
                    } else {
                        dst
                    };
                    self.add_copy(src, target, copy);
                }
            }
            let ins: Vec<u32> = self.in_slots(p).collect();
            for s in ins {
                doomed.push(s);
                let src = self.synapses[s as usize].src;
                if self.nodes[src as usize].state_hash == parent {
                    continue; // a transition inside P: copied with the out-synapses above
                }
                let targets: Vec<Option<NodeId>> = copies.iter().map(|row| row[j]).collect();
                self.share_out(s, &targets);
            }
        }
        doomed.sort_unstable();
        doomed.dedup();
        self.remove_synapses(&doomed);
        for &p in &parents {
            self.salient_remove(p);
            self.nodes[p as usize].salience = 0.0;
        }
        Ok(created)
    }

    /// Shares the traversals of synapse `s` (p → a parent node) out among p → `targets[i]`
    /// (the children's nodes of that action; None: the child kept its own node): ⌊c/k⌋ each,
    /// one more for c mod k of them in turn from child p mod k; a share of 0 makes no synapse
    /// unless the synapse is creative.
    fn share_out(&mut self, s: u32, targets: &[Option<NodeId>]) {
        let (src, copy) = (self.synapses[s as usize].src, self.synapse_copy(s));
        let k = targets.len() as u64;
        let first = src as u64 % k;
        for (i, target) in targets.iter().enumerate() {
            let Some(target) = *target else { continue };
            let turn = (i as u64 + k - first) % k;
            let share = copy.count / k + u64::from(turn < copy.count % k);
            if share == 0 && !copy.creative {
                continue;
            }
            let copy = SynapseCopy {
                count: share,
                ..copy
            };
            self.add_copy(src, target, copy);
        }
    }

    /// Copies what node `from` learned into the fresh node `to` (same brain).
    fn copy_node(&mut self, from: NodeId, to: NodeId, f: f64) {
        let src = self.nodes[from as usize].clone();
        let n = &mut self.nodes[to as usize];
        n.created_at = src.created_at;
        n.last_activated = src.last_activated;
        n.activation_count = shrink(src.activation_count as u64, f) as u32;
        n.terminal_count = shrink(src.terminal_count as u64, f) as u32;
        n.average_reward = src.average_reward;
        n.value = src.value;
        if let Some(&u) = self.optimism.get(from as usize) {
            let i = to as usize;
            if self.optimism.len() <= i {
                self.optimism.resize(self.nodes.len().max(i + 1), f64::NAN);
            }
            self.optimism[i] = u;
        }
        self.set_salience(to, src.salience as f64);
    }

    fn synapse_copy(&self, s: u32) -> SynapseCopy {
        let slot = &self.synapses[s as usize];
        SynapseCopy {
            weight: slot.weight,
            plasticity: slot.plasticity,
            creative: slot.is_creative(),
            count: slot.traversal_count() as u64,
            created_at: slot.created_at,
            last_activated: slot.last_activated,
        }
    }

    /// The synapse src → dst with `copy`'s contents (added to an existing one's count).
    fn add_copy(&mut self, src: NodeId, dst: NodeId, copy: SynapseCopy) {
        if let Some(s) = self.find_synapse(src, dst) {
            let slot = &mut self.synapses[s as usize];
            let count = slot.traversal_count() as u64 + copy.count;
            slot.set_traversal_count(count);
            if !copy.creative {
                slot.make_real();
            }
            return;
        }
        let s = self.add_synapse(src, dst, copy.creative);
        let slot = &mut self.synapses[s as usize];
        slot.weight = copy.weight;
        slot.plasticity = copy.plasticity;
        slot.set_traversal_count(copy.count);
        slot.created_at = copy.created_at;
        slot.last_activated = copy.last_activated;
    }
}

/// The factor f = min(1, M / activation count) of a parent node's counts that its copies
/// inherit (M = [`INHERITED_COUNTS`]).
fn scale(total: u64) -> f64 {
    let m = INHERITED_COUNTS as f64;
    if total as f64 <= m {
        1.0
    } else {
        m / total as f64
    }
}

/// ⌈c·f⌉.
fn shrink(c: u64, f: f64) -> u64 {
    if f >= 1.0 {
        c
    } else {
        (c as f64 * f).ceil() as u64
    }
}

/// `children` is non-empty, without repeats and without `parent`.
fn check_children(parent: u64, children: &[u64]) -> Result<()> {
    if children.is_empty() {
        return Err(Error::argument("children", "needs at least one state"));
    }
    for (i, c) in children.iter().enumerate() {
        if *c == parent {
            return Err(Error::argument(
                "children",
                format!("contains the parent state (position {i})"),
            ));
        }
        if children[..i].contains(c) {
            return Err(Error::argument(
                "children",
                format!("repeats a state (position {i})"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::brain::config::BrainConfig;
    use crate::brain::Brain;

    /// A brain where state 1 (two actions) was reached from state 0, stayed inside itself and
    /// left to state 2 or ended.
    fn brain() -> Brain {
        let mut cfg = BrainConfig::default();
        cfg.dream.optimism = 1.0;
        let mut b = Brain::new(cfg, Some(5)).unwrap();
        b.note_action_count(2);
        let from = b.get_or_create_node(0, 0);
        let (p0, p1) = (b.get_or_create_node(1, 0), b.get_or_create_node(1, 1));
        let out = b.get_or_create_node(2, 0);
        for k in 0..9 {
            b.learn_transition(from, p0, 0.0).unwrap();
            b.learn_transition(p0, p1, 1.0).unwrap();
            if k % 3 == 0 {
                b.learn_terminal(p1, -1.0).unwrap();
            } else {
                b.learn_transition(p1, out, 0.5).unwrap();
                b.learn_terminal(out, 0.0).unwrap();
            }
            b.end_episode();
        }
        b.dream(5);
        b
    }

    #[test]
    fn children_start_from_the_parents_values_and_model() {
        let mut b = brain();
        let p: Vec<u32> = [0, 1].map(|a| b.find_node(1, a).unwrap()).to_vec();
        let before: Vec<(f64, f64, f64)> = p
            .iter()
            .map(|&n| {
                let node = b.node(n).unwrap();
                (node.value, b.exploration_value(n), node.average_reward)
            })
            .collect();
        let from = b.find_node(0, 0).unwrap();
        let out = b.find_node(2, 0).unwrap();
        assert_eq!(b.inherit_state(1, &[10, 11]).unwrap(), 4);
        for child in [10, 11] {
            for (a, &(v, u, r)) in before.iter().enumerate() {
                let c = b.find_node(child, a as u32).unwrap();
                let node = b.node(c).unwrap();
                assert_eq!((node.value, node.average_reward), (v, r));
                assert_eq!(b.exploration_value(c), u);
                // counts: 9 experiences each, scaled to at most about M = 4
                assert!((4..=5).contains(&node.activation_count), "{node:?}");
            }
            let (c0, c1) = (
                b.find_node(child, 0).unwrap(),
                b.find_node(child, 1).unwrap(),
            );
            // the step inside the parent stays inside the child
            assert_eq!(b.successors(c0).unwrap(), vec![c1]);
            // the step out of the parent: 6 of 9 traversals, scaled by 4/9 and rounded up
            assert_eq!(b.synapse(c1, out).unwrap().traversal_count, 3);
            assert_eq!(b.node(c1).unwrap().terminal_count, 2);
        }
        // the predecessor's 9 traversals into (1, 0) are shared out: 5 + 4, none lost
        let into: Vec<u64> = [10, 11]
            .map(|c| {
                let n = b.find_node(c, 0).unwrap();
                b.synapse(from, n).unwrap().traversal_count
            })
            .to_vec();
        assert_eq!(into.iter().sum::<u64>(), 9);
        assert!(into.iter().all(|&c| c == 4 || c == 5), "{into:?}");
        // the parent's nodes stay, with nothing leading to or from them
        for &n in &p {
            assert!(b.successors(n).unwrap().is_empty());
            assert!(b.predecessors(n).unwrap().is_empty());
            assert_eq!(b.node(n).unwrap().salience, 0.0);
        }
        // a backup of a child reproduces its inherited value: the model came along
        let c1 = b.find_node(10, 1).unwrap();
        let v = b.node_value(c1).unwrap();
        for _ in 0..50 {
            b.backup(c1);
        }
        assert!((b.node_value(c1).unwrap() - v).abs() < 0.2, "{v}");
    }

    #[test]
    fn inheriting_is_deterministic_and_checks_its_arguments() {
        let (mut a, mut c) = (brain(), brain());
        a.inherit_state(1, &[10, 11]).unwrap();
        c.inherit_state(1, &[10, 11]).unwrap();
        assert_eq!(a.node_table(), c.node_table());
        assert_eq!(a.edge_table(), c.edge_table());
        let mut b = brain();
        let nodes = b.node_table();
        assert!(b.inherit_state(1, &[]).is_err());
        assert!(b.inherit_state(1, &[10, 1]).is_err());
        assert!(b.inherit_state(1, &[10, 10]).is_err());
        assert_eq!(b.node_table(), nodes, "a refused call changes nothing");
        assert_eq!(
            b.inherit_state(7, &[10, 11]).unwrap(),
            0,
            "no nodes: nothing to hand"
        );
        // a child that already has a node for an action keeps it
        let own = b.get_or_create_node(10, 1);
        assert_eq!(b.inherit_state(1, &[10, 11]).unwrap(), 3);
        assert_eq!(b.find_node(10, 1), Some(own));
        assert_eq!(b.node(own).unwrap().activation_count, 0);
    }
}
