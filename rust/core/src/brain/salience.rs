//! The salient set: the (at most `SALIENT_CAPACITY`) most surprising nodes, where dreams start.
//!
//! An indexed binary min-heap on salience: updating, inserting, evicting the least salient
//! member and removing cost O(log K); each node stores its heap position. Every heap position
//! also keeps the sum of the keys in its subtree, recomputed along the one root path an
//! operation touches, so drawing a start ∝ salience is a descent from the root: O(log K).

use super::{Brain, NodeId, NIL, SALIENCE_CUTOFF, SALIENT_CAPACITY};

impl Brain {
    fn heap_key(&self, i: usize) -> f64 {
        self.salient[i].0
    }

    fn heap_swap(&mut self, i: usize, j: usize) {
        self.salient.swap(i, j);
        self.nodes[self.salient[i].1 as usize].salient_pos = i as u32;
        self.nodes[self.salient[j].1 as usize].salient_pos = j as u32;
    }

    /// Recomputes the subtree sums of `i` and of all its ancestors (children must be right).
    fn fix_sums(&mut self, mut i: usize) {
        let n = self.salient.len();
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut sum = self.salient[i].0;
            if l < n {
                sum += self.salient_sums[l];
            }
            if r < n {
                sum += self.salient_sums[r];
            }
            self.salient_sums[i] = sum;
            if i == 0 {
                break;
            }
            i = (i - 1) / 2;
        }
    }

    /// Rebuilds every subtree sum (after loading).
    pub(crate) fn rebuild_salient_sums(&mut self) {
        let n = self.salient.len();
        self.salient_sums = vec![0.0; n];
        for i in (0..n).rev() {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut sum = self.salient[i].0;
            if l < n {
                sum += self.salient_sums[l];
            }
            if r < n {
                sum += self.salient_sums[r];
            }
            self.salient_sums[i] = sum;
        }
    }

    /// Restores heap order around `i` after its key changed; returns the deepest position the
    /// operation touched (fixing sums from there up covers every changed position).
    fn sift(&mut self, i: usize) -> usize {
        let down = self.sift_down(i);
        if down != i {
            return down;
        }
        self.sift_up(i);
        i
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

    fn sift_down(&mut self, mut i: usize) -> usize {
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
                return i;
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
        self.salient_sums.pop();
        self.nodes[id as usize].salient_pos = NIL;
        if pos < self.salient.len() {
            let deepest = self.sift(pos);
            self.fix_sums(deepest);
        }
        if last > 0 && (last - 1) / 2 < self.salient.len() {
            self.fix_sums((last - 1) / 2);
        }
    }

    /// Sets a node's salience and keeps the salient set up to date: negligible salience leaves
    /// the set; a newcomer enters if there is room or if it beats the least salient member.
    pub(crate) fn set_salience(&mut self, id: NodeId, salience: f64) {
        // Stored as f32; the heap key is the stored value, so both always agree.
        let salience = salience.min(f32::MAX as f64) as f32 as f64;
        self.nodes[id as usize].salience = salience as f32;
        let pos = self.nodes[id as usize].salient_pos;
        if salience < SALIENCE_CUTOFF {
            self.salient_remove(id);
            return;
        }
        if pos != NIL {
            self.salient[pos as usize].0 = salience;
            let deepest = self.sift(pos as usize);
            self.fix_sums(deepest);
            return;
        }
        if self.salient.len() >= SALIENT_CAPACITY {
            if self.heap_key(0) >= salience {
                return;
            }
            let weakest = self.salient[0].1;
            self.salient_remove(weakest);
        }
        self.salient.push((salience, id));
        self.salient_sums.push(salience);
        let at = self.salient.len() - 1;
        self.nodes[id as usize].salient_pos = at as u32;
        self.sift_up(at);
        self.fix_sums(at);
    }

    /// The member at quantile `u` ∈ [0, 1) of the salience mass (a draw ∝ salience when `u` is
    /// uniform), or None if the set is empty.
    pub(crate) fn pick_salient(&self, u: f64) -> Option<NodeId> {
        let n = self.salient.len();
        if n == 0 || self.salient_sums[0] <= 0.0 {
            return None;
        }
        let mut x = u * self.salient_sums[0];
        let mut i = 0;
        loop {
            let key = self.salient[i].0;
            if x < key {
                return Some(self.salient[i].1);
            }
            x -= key;
            let (l, r) = (2 * i + 1, 2 * i + 2);
            if l < n && x < self.salient_sums[l] {
                i = l;
            } else if r < n {
                if l < n {
                    x -= self.salient_sums[l];
                }
                i = r;
            } else {
                // Rounding at the end of the mass: the last position reached.
                return Some(self.salient[i].1);
            }
        }
    }

    /// Whether the heap holds exactly the nodes whose positions point at it, in heap order.
    pub(crate) fn salient_is_consistent(&self) -> bool {
        if self.salient.len() > SALIENT_CAPACITY {
            return false;
        }
        for (i, &(key, n)) in self.salient.iter().enumerate() {
            let Some(node) = self.nodes.get(n as usize) else {
                return false;
            };
            let key_ok = node.salience as f64 == key && key >= SALIENCE_CUTOFF;
            if !node.is_alive() || node.salient_pos != i as u32 || !key_ok {
                return false;
            }
            if i > 0 && self.heap_key(i) < self.heap_key((i - 1) / 2) {
                return false;
            }
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let n = self.salient.len();
            let expected = key
                + if l < n { self.salient_sums[l] } else { 0.0 }
                + if r < n { self.salient_sums[r] } else { 0.0 };
            if self.salient_sums.len() != n
                || (self.salient_sums[i] - expected).abs() > 1e-9 * expected.max(1.0)
            {
                return false;
            }
        }
        let members = self
            .nodes
            .iter()
            .filter(|n| n.is_alive() && n.salient_pos != NIL)
            .count();
        members == self.salient.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::config::BrainConfig;
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
            .map(|e| b.nodes[e.1 as usize].salience as f64)
            .fold(f64::INFINITY, f64::min);
        assert_eq!(min, b.nodes[b.salient[0].1 as usize].salience as f64);
        // Draws land on members, ∝ salience: the frequency of each member over a fine grid of
        // quantiles equals its share of the mass.
        assert_eq!(b.pick_salient(0.0).unwrap(), b.salient[0].1);
        let total: f64 = b.salient.iter().map(|e| e.0).sum();
        let grid = 200_000;
        let mut hits = std::collections::HashMap::new();
        for k in 0..grid {
            let id = b.pick_salient((k as f64 + 0.5) / grid as f64).unwrap();
            *hits.entry(id).or_insert(0u32) += 1;
        }
        for &(key, id) in &b.salient {
            let share = *hits.get(&id).unwrap_or(&0) as f64 / grid as f64;
            assert!(
                (share - key / total).abs() < 2.0 / grid as f64 + 1e-9,
                "{share} vs {}",
                key / total
            );
        }
        for &id in &ids[..100] {
            b.salient_remove(id);
        }
        assert!(b.salient_is_consistent());
    }
}
