//! The salient set: the (at most `SALIENT_CAPACITY`) most surprising nodes, where dreams start.
//!
//! An indexed binary min-heap on salience: updating, inserting, evicting the least salient
//! member and removing cost O(log K); each node stores its heap position. Drawing a start
//! ∝ salience is a linear pass over the K members.

use super::{Brain, NodeId, NIL, SALIENCE_CUTOFF, SALIENT_CAPACITY};

impl Brain {
    fn heap_key(&self, i: usize) -> f64 {
        self.nodes[self.salient[i] as usize].salience
    }

    fn heap_swap(&mut self, i: usize, j: usize) {
        self.salient.swap(i, j);
        self.nodes[self.salient[i] as usize].salient_pos = i as u32;
        self.nodes[self.salient[j] as usize].salient_pos = j as u32;
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.heap_key(i) < self.heap_key(parent) {
                self.heap_swap(i, parent);
                i = parent;
            } else {
                break;
            }
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.salient.len();
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut smallest = i;
            if l < n && self.heap_key(l) < self.heap_key(smallest) {
                smallest = l;
            }
            if r < n && self.heap_key(r) < self.heap_key(smallest) {
                smallest = r;
            }
            if smallest == i {
                break;
            }
            self.heap_swap(i, smallest);
            i = smallest;
        }
    }

    /// Removes a member from the salient set.
    pub(crate) fn salient_remove(&mut self, id: NodeId) {
        let pos = self.nodes[id as usize].salient_pos;
        if pos == NIL {
            return;
        }
        let (pos, last) = (pos as usize, self.salient.len() - 1);
        if pos != last {
            self.heap_swap(pos, last);
        }
        self.salient.pop();
        self.nodes[id as usize].salient_pos = NIL;
        if pos < self.salient.len() {
            self.sift_down(pos);
            self.sift_up(pos);
        }
    }

    /// Sets a node's salience and keeps the salient set up to date: negligible salience leaves
    /// the set; a newcomer enters if there is room or if it beats the least salient member.
    pub(crate) fn set_salience(&mut self, id: NodeId, salience: f64) {
        self.nodes[id as usize].salience = salience;
        let pos = self.nodes[id as usize].salient_pos;
        if salience < SALIENCE_CUTOFF {
            self.salient_remove(id);
            return;
        }
        if pos != NIL {
            self.sift_down(pos as usize);
            self.sift_up(pos as usize);
            return;
        }
        if self.salient.len() >= SALIENT_CAPACITY {
            if self.heap_key(0) >= salience {
                return;
            }
            let weakest = self.salient[0];
            self.salient_remove(weakest);
        }
        self.salient.push(id);
        let at = self.salient.len() - 1;
        self.nodes[id as usize].salient_pos = at as u32;
        self.sift_up(at);
    }

    /// The member at quantile `u` ∈ [0, 1) of the salience mass (a draw ∝ salience when `u` is
    /// uniform), or None if the set is empty.
    pub(crate) fn pick_salient(&self, u: f64) -> Option<NodeId> {
        let total: f64 = self
            .salient
            .iter()
            .map(|&n| self.nodes[n as usize].salience)
            .sum();
        if total <= 0.0 {
            return None;
        }
        let mut x = u * total;
        for &n in &self.salient {
            x -= self.nodes[n as usize].salience;
            if x <= 0.0 {
                return Some(n);
            }
        }
        self.salient.last().copied()
    }

    /// Whether the heap holds exactly the nodes whose positions point at it, in heap order.
    pub(crate) fn salient_is_consistent(&self) -> bool {
        if self.salient.len() > SALIENT_CAPACITY {
            return false;
        }
        for (i, &n) in self.salient.iter().enumerate() {
            let Some(node) = self.nodes.get(n as usize) else {
                return false;
            };
            if !node.alive || node.salient_pos != i as u32 || node.salience < SALIENCE_CUTOFF {
                return false;
            }
            if i > 0 && self.heap_key(i) < self.heap_key((i - 1) / 2) {
                return false;
            }
        }
        let members = self
            .nodes
            .iter()
            .filter(|n| n.alive && n.salient_pos != NIL)
            .count();
        members == self.salient.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BrainConfig;
    use rand::{Rng, SeedableRng};

    #[test]
    fn the_heap_keeps_the_most_salient_nodes_through_random_updates() {
        let mut b = Brain::new(BrainConfig::default(), Some(0)).unwrap();
        let ids: Vec<NodeId> = (0..3000).map(|i| b.get_or_create_node(i, 0)).collect();
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(9);
        for step in 0..50_000 {
            let id = ids[rng.gen_range(0..ids.len())];
            let s = if rng.gen_bool(0.1) {
                0.0
            } else {
                rng.gen::<f64>()
            };
            b.set_salience(id, s);
            if step % 5000 == 0 {
                assert!(b.salient_is_consistent());
            }
        }
        assert!(b.salient_is_consistent());
        assert_eq!(b.salient.len(), SALIENT_CAPACITY);
        // Every member is at least as salient as every non-member that entered after the set filled
        // is not guaranteed (members may calm down later), but the root is the members' minimum.
        let min = b
            .salient
            .iter()
            .map(|&n| b.nodes[n as usize].salience)
            .fold(f64::INFINITY, f64::min);
        assert_eq!(min, b.nodes[b.salient[0] as usize].salience);
        // Draws land on members, ∝ salience.
        let first = b.pick_salient(0.0).unwrap();
        assert_eq!(first, b.salient[0]);
        assert!(b.pick_salient(0.999_999).is_some());
        for &id in &ids[..100] {
            b.salient_remove(id);
        }
        assert!(b.salient_is_consistent());
    }
}
