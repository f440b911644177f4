//! Variable resolution inside the cells of a fitted grid: a leaf visited often enough splits
//! in two at the mean of its visits along its most spread dimension (rules.md §1.8).
//!
//! One tree per grid cell met, all in one arena; a leaf carries the cell id the brain sees.
//! A split retires the leaf's id (the brain keeps its nodes, no longer reached) and gives each
//! child a new one, so every id keeps meaning one region of observation space.

use serde::{Deserialize, Serialize};

/// A node of the arena.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum TreeNode {
    /// A region with its id and the running sums of the observations counted in it (empty
    /// when the grid never splits: they are only kept, one value per dimension, once
    /// `split_after` > 0).
    Leaf {
        id: u32,
        depth: u32,
        visits: u64,
        sum: Vec<f64>,
        sum_sq: Vec<f64>,
    },
    /// x[dim] < threshold goes left.
    Split {
        dim: u32,
        threshold: f64,
        left: u32,
        right: u32,
    },
}

/// The arena of every cell's tree.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct CellTrees {
    pub(crate) nodes: Vec<TreeNode>,
}

impl CellTrees {
    /// A new root leaf with `id` and sums of `dims` values (0 when the grid never splits);
    /// returns its node index.
    pub(crate) fn add_root(&mut self, id: u32, dims: usize) -> u32 {
        self.push_leaf(id, 0, dims)
    }

    fn push_leaf(&mut self, id: u32, depth: u32, dims: usize) -> u32 {
        self.nodes.push(TreeNode::Leaf {
            id,
            depth,
            visits: 0,
            sum: vec![0.0; dims],
            sum_sq: vec![0.0; dims],
        });
        (self.nodes.len() - 1) as u32
    }

    /// The leaf under `node` that holds `obs`.
    pub(crate) fn descend(&self, mut node: u32, obs: &[f64]) -> u32 {
        while let TreeNode::Split {
            dim,
            threshold,
            left,
            right,
        } = &self.nodes[node as usize]
        {
            node = if obs[*dim as usize] < *threshold {
                *left
            } else {
                *right
            };
        }
        node
    }

    /// The id of leaf `node`.
    pub(crate) fn id(&self, node: u32) -> u32 {
        match &self.nodes[node as usize] {
            TreeNode::Leaf { id, .. } => *id,
            TreeNode::Split { .. } => unreachable!("descend() ends on a leaf"),
        }
    }

    /// Counts `obs` in leaf `node`; when the leaf has had `split_after · 2^depth` visits and
    /// two ids are free (`next_id + 2 ≤ max_ids`), splits it along the dimension d of largest
    /// variance relative to `scale_d²` (the warm-up variance) at the mean, and returns the
    /// number of ids used (0 or 2). Ids `next_id` and `next_id + 1` go to the left and right.
    pub(crate) fn visit(
        &mut self,
        node: u32,
        obs: &[f64],
        split_after: u32,
        scale: &[f64],
        next_id: u32,
        max_ids: u32,
    ) -> u32 {
        let TreeNode::Leaf {
            depth,
            visits,
            sum,
            sum_sq,
            ..
        } = &mut self.nodes[node as usize]
        else {
            unreachable!("descend() ends on a leaf")
        };
        *visits += 1;
        if split_after == 0 || *depth >= 32 {
            return 0; // the sums only serve a split
        }
        if sum.len() != obs.len() || sum_sq.len() != obs.len() {
            // a leaf saved without sums (or a damaged one): count from here
            *sum = vec![0.0; obs.len()];
            *sum_sq = vec![0.0; obs.len()];
            *visits = 1;
        }
        for ((s, q), x) in sum.iter_mut().zip(sum_sq.iter_mut()).zip(obs) {
            if x.is_finite() {
                *s += x;
                *q += x * x;
            }
        }
        let due = (split_after as u64) << *depth;
        if *visits < due || next_id as u64 + 2 > max_ids as u64 {
            return 0;
        }
        let n = *visits as f64;
        let mut best: Option<(usize, f64, f64)> = None;
        for d in 0..obs.len() {
            let mean = sum[d] / n;
            let var = sum_sq[d] / n - mean * mean;
            let s2 = scale[d] * scale[d];
            if !(var > 0.0 && s2 > 0.0 && mean.is_finite()) {
                continue;
            }
            let spread = var / s2;
            if best.is_none_or(|(_, b, _)| spread > b) {
                best = Some((d, spread, mean));
            }
        }
        let Some((dim, _, threshold)) = best else {
            *visits = 0; // nothing to split along yet: count again from zero
            return 0;
        };
        let depth = *depth + 1;
        let dims = obs.len();
        let left = self.push_leaf(next_id, depth, dims);
        let right = self.push_leaf(next_id + 1, depth, dims);
        self.nodes[node as usize] = TreeNode::Split {
            dim: dim as u32,
            threshold,
            left,
            right,
        };
        2
    }
}
