//! An exact k-nearest-neighbour index over points of a dimension known only at run time.
//!
//! Built once per rebuild, queried many times, never modified. Neighbours are ordered by
//! (squared distance, position of the point in the input), so equal distances go to the point
//! given first: a query's answer depends on the points alone, not on how the tree split them,
//! nor on threads. Points with identical coordinates (repeated steps) stay in one leaf.

use crate::error::{try_filled, Result};

/// Points per leaf: below this a range is scanned instead of split.
const LEAF: usize = 16;

/// One node: a leaf scans `order[lo..hi]`; an inner node splits at `value` on `dim`.
#[derive(Debug, Clone)]
struct Node {
    lo: usize,
    hi: usize,
    dim: usize,
    value: f64,
    /// Children `(left, right)`; `None` for a leaf.
    children: Option<(usize, usize)>,
}

/// A k-d tree over `n` points of dimension `dim`, stored row-major.
#[derive(Debug, Clone)]
pub struct KdTree {
    dim: usize,
    /// The points, `n × dim`; in input order while building, in `order`'s order after.
    points: Vec<f64>,
    /// Input index of the point at each tree position.
    order: Vec<usize>,
    nodes: Vec<Node>,
}

impl KdTree {
    /// Builds the tree over `points` (`n × dim`, row-major, finite). Fails only when memory for
    /// the copy cannot be had.
    pub fn new(points: Vec<f64>, dim: usize) -> Result<Self> {
        let n = points.len().checked_div(dim).unwrap_or(0);
        let mut order = try_filled(n, 0usize, || "experience graph k-d tree".to_string())?;
        order.iter_mut().enumerate().for_each(|(i, o)| *o = i);
        let mut tree = KdTree {
            dim,
            points,
            order,
            nodes: Vec::new(),
        };
        if n > 0 {
            tree.build(0, n);
        }
        // Leaves scan contiguous memory: the points in tree order.
        let mut sorted = try_filled(n * dim, 0.0, || "experience graph k-d tree".to_string())?;
        for (row, &i) in sorted.chunks_exact_mut(dim.max(1)).zip(&tree.order) {
            row.copy_from_slice(&tree.points[i * dim..(i + 1) * dim]);
        }
        tree.points = sorted;
        Ok(tree)
    }

    /// The points in the order they were given to [`new`](Self::new) (`n × dim`).
    pub fn input_points(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.points.len()];
        for (pos, &i) in self.order.iter().enumerate() {
            out[i * self.dim..(i + 1) * self.dim]
                .copy_from_slice(&self.points[pos * self.dim..(pos + 1) * self.dim]);
        }
        out
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the tree has no points.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The point at tree position `pos` (after building).
    fn point(&self, pos: usize) -> &[f64] {
        &self.points[pos * self.dim..(pos + 1) * self.dim]
    }

    /// Adds the node over `order[lo..hi]` (and its subtree); returns its index.
    fn build(&mut self, lo: usize, hi: usize) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            lo,
            hi,
            dim: 0,
            value: 0.0,
            children: None,
        });
        if hi - lo <= LEAF {
            return id;
        }
        let (dim, spread) = self.widest(lo, hi);
        if spread <= 0.0 {
            return id; // all points identical: one leaf, however many
        }
        let mid = lo + (hi - lo) / 2;
        let (points, d) = (&self.points, self.dim);
        let key = |&i: &usize| (points[i * d + dim], i);
        self.order[lo..hi].select_nth_unstable_by(mid - lo, |a, b| {
            let (ka, kb) = (key(a), key(b));
            ka.0.total_cmp(&kb.0).then(ka.1.cmp(&kb.1))
        });
        let value = self.points[self.order[mid] * d + dim];
        let left = self.build(lo, mid);
        let right = self.build(mid, hi);
        let node = &mut self.nodes[id];
        node.dim = dim;
        node.value = value;
        node.children = Some((left, right));
        id
    }

    /// The dimension along which `order[lo..hi]` spreads most, and that spread.
    fn widest(&self, lo: usize, hi: usize) -> (usize, f64) {
        let mut best = (0, -1.0);
        for k in 0..self.dim {
            let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
            for &i in &self.order[lo..hi] {
                let v = self.points[i * self.dim + k];
                min = min.min(v);
                max = max.max(v);
            }
            if max - min > best.1 {
                best = (k, max - min);
            }
        }
        best
    }

    /// The `k` nearest points to `query` as `(squared distance, point index)`, nearest first,
    /// ties to the lower index; fewer when the tree holds fewer than `k` points.
    pub fn nearest(&self, query: &[f64], k: usize) -> Vec<(f64, usize)> {
        let mut best = Vec::with_capacity(k + 1);
        if k > 0 && !self.nodes.is_empty() {
            let mut offsets = vec![0.0; self.dim];
            self.search(0, query, k, 0.0, &mut offsets, &mut best);
        }
        best
    }

    /// Visits node `id`, whose cell lies at squared distance `bound` from `query`; `offsets`
    /// holds the per-dimension distance from `query` to that cell (Arya & Mount's incremental
    /// bound, tighter than the splitting plane alone).
    fn search(
        &self,
        id: usize,
        query: &[f64],
        k: usize,
        bound: f64,
        offsets: &mut [f64],
        best: &mut Vec<(f64, usize)>,
    ) {
        let node = &self.nodes[id];
        let Some((left, right)) = node.children else {
            for pos in node.lo..node.hi {
                let d2 = squared_distance(query, self.point(pos));
                offer(best, k, (d2, self.order[pos]));
            }
            return;
        };
        let diff = query[node.dim] - node.value;
        let (near, far) = if diff < 0.0 {
            (left, right)
        } else {
            (right, left)
        };
        self.search(near, query, k, bound, offsets, best);
        let old = offsets[node.dim];
        let far_bound = bound - old * old + diff * diff;
        // `<=`: a point of the far cell at the same distance may have a lower index; the
        // margin covers the rounding of the incremental bound, so no such point is skipped.
        if best.len() < k || far_bound * (1.0 - 1e-9) <= best[best.len() - 1].0 {
            offsets[node.dim] = diff.abs();
            self.search(far, query, k, far_bound, offsets, best);
            offsets[node.dim] = old;
        }
    }
}

/// Σ (a_i − b_i)², in dimension order.
pub fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Inserts `cand` into `best` (sorted by distance then index) if it is among the `k` best.
fn offer(best: &mut Vec<(f64, usize)>, k: usize, cand: (f64, usize)) {
    let before = |a: &(f64, usize), b: &(f64, usize)| a.0 < b.0 || (a.0 == b.0 && a.1 < b.1);
    if best.len() == k && !before(&cand, &best[k - 1]) {
        return;
    }
    let at = best.partition_point(|b| before(b, &cand));
    best.insert(at, cand);
    best.truncate(k);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::from_seed;

    fn brute(points: &[f64], dim: usize, q: &[f64], k: usize) -> Vec<(f64, usize)> {
        let mut all: Vec<(f64, usize)> = (0..points.len() / dim)
            .map(|i| (squared_distance(q, &points[i * dim..(i + 1) * dim]), i))
            .collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        all.truncate(k);
        all
    }

    #[test]
    fn the_tree_finds_what_a_scan_finds_ties_and_duplicates_included() {
        use rand::Rng;
        let mut rng = from_seed(Some(7));
        let dim = 3;
        // coarse values: many equal distances and many duplicate points
        let points: Vec<f64> = (0..600 * dim).map(|_| rng.gen_range(0..4) as f64).collect();
        let tree = KdTree::new(points.clone(), dim).unwrap();
        for _ in 0..200 {
            let q: Vec<f64> = (0..dim).map(|_| rng.gen_range(-1.0..5.0)).collect();
            for k in [1, 8, 40] {
                assert_eq!(tree.nearest(&q, k), brute(&points, dim, &q, k));
            }
        }
        let small = KdTree::new(vec![1.0, 2.0], 1).unwrap();
        assert_eq!(small.nearest(&[0.0], 8), vec![(1.0, 0), (4.0, 1)]);
        assert!(KdTree::new(Vec::new(), 2)
            .unwrap()
            .nearest(&[0.0, 0.0], 3)
            .is_empty());
    }
}
