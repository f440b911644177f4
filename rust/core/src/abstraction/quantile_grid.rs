//! A grid fitted to the observations themselves: per-dimension edges at the quantiles of the
//! first `warmup` observations (joined by even cuts of the space's bounds where they are
//! finite), then frozen (rules.md §1.8).
//!
//! Cells get dense ids in the order they are first met, so the brain's states are small
//! integers and the number of distinct cells is capped (`max_cells`): once the cap is reached
//! every new cell shares one overflow id. Before the grid is fitted, an observation's cell is
//! its orthant around the first observation (2 cells per dimension), with ids of their own.

use super::limits::{check_bounds, check_budget};
use super::split_tree::{CellTrees, TreeNode};
use crate::error::{Error, Result};
use crate::io::container;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Container kind of a serialized grid.
const KIND: &[u8; 4] = b"QGRD";

/// Most dimensions an observation may have (a cell key is one `u16` bin per dimension).
pub const MAX_GRID_DIMS: usize = 1 << 16;

/// The numbers of a [`QuantileGrid`] (none of them about a particular environment).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridParams {
    /// Cells of the fitted grid (about): each of the d dimensions gets
    /// bins = max(2, round(cells^(1/d))) bins at most (repeated quantiles merge).
    pub cells: u32,
    /// Observations recorded before the edges are fitted.
    pub warmup: u32,
    /// Most cell ids (provisional and split ones included); later new cells share the overflow
    /// id and leaves stop splitting.
    pub max_cells: u32,
    /// A fitted cell splits in two after `split_after · 2^depth` visits (0: never).
    pub split_after: u32,
}

impl Default for GridParams {
    fn default() -> Self {
        GridParams {
            cells: 144,
            warmup: 1000,
            max_cells: 1 << 16,
            split_after: 0,
        }
    }
}

impl GridParams {
    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<()> {
        if !(2..=1 << 30).contains(&self.cells) {
            return Err(Error::argument(
                "cells",
                format!("must be in [2, {}], got {}", 1 << 30, self.cells),
            ));
        }
        if !(1..=1 << 24).contains(&self.warmup) {
            return Err(Error::argument(
                "warmup",
                format!("must be in [1, {}], got {}", 1 << 24, self.warmup),
            ));
        }
        if !(1..=1 << 30).contains(&self.max_cells) {
            return Err(Error::argument(
                "max_cells",
                format!("must be in [1, {}], got {}", 1 << 30, self.max_cells),
            ));
        }
        Ok(())
    }
}

/// Observations in, dense cell ids out (see the module documentation).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct QuantileGrid {
    params: GridParams,
    dims: usize,
    /// Bins per dimension of the fitted grid (at most).
    bins: u32,
    /// The space's bounds (±∞ where it has none).
    low: Vec<f64>,
    high: Vec<f64>,
    /// The first observation recorded: provisional cells are the orthants around it.
    origin: Vec<f64>,
    /// Recorded warm-up observations, row-major (emptied when the grid is fitted).
    samples: Vec<f64>,
    /// Per-dimension sorted edges; empty until fitted. Bin of x = number of edges ≤ x.
    edges: Vec<Vec<f64>>,
    /// Warm-up standard deviation per dimension (the scale that picks a split's dimension).
    scale: Vec<f64>,
    /// Cell keys in the order met (a leading tag 0 provisional / 1 fitted, then a bin per
    /// dimension).
    keys: Vec<u16>,
    /// Per key: the id of a provisional cell, the root node (in `trees`) of a fitted one.
    targets: Vec<u32>,
    /// The fitted cells' trees (a single leaf each unless `split_after` > 0).
    trees: CellTrees,
    /// Cells met so far (the next id); never more than `max_cells`.
    n_cells: u32,
    /// The split made by the last `cell` call: (retired id, left id, right id) (not saved).
    #[serde(skip)]
    last_split: Option<(u32, u32, u32)>,
    #[serde(skip)]
    index: FxHashMap<Box<[u16]>, u32>,
    #[serde(skip)]
    scratch: Vec<u16>,
}

impl PartialEq for QuantileGrid {
    fn eq(&self, other: &Self) -> bool {
        self.params == other.params
            && self.dims == other.dims
            && self.low == other.low
            && self.high == other.high
            && self.origin == other.origin
            && self.samples == other.samples
            && self.edges == other.edges
            && self.scale == other.scale
            && self.keys == other.keys
            && self.targets == other.targets
            && self.trees == other.trees
            && self.n_cells == other.n_cells
    }
}

impl QuantileGrid {
    /// A grid for observations within the box [`low`, `high`] (one value per dimension, ±∞
    /// where the space has no bound; at least one dimension).
    pub fn new(low: &[f64], high: &[f64], params: GridParams) -> Result<Self> {
        params.validate()?;
        let dims = low.len();
        if !(1..=MAX_GRID_DIMS).contains(&dims) {
            return Err(Error::argument(
                "low",
                format!("must have between 1 and {MAX_GRID_DIMS} values, got {dims}"),
            ));
        }
        check_bounds(low, high)?;
        check_budget(dims, &params)?;
        Ok(QuantileGrid {
            params,
            dims,
            bins: bins_per_dimension(params.cells, dims),
            low: low.to_vec(),
            high: high.to_vec(),
            origin: Vec::new(),
            samples: Vec::new(),
            edges: Vec::new(),
            scale: Vec::new(),
            keys: Vec::new(),
            targets: Vec::new(),
            trees: CellTrees::default(),
            n_cells: 0,
            last_split: None,
            index: FxHashMap::default(),
            scratch: Vec::new(),
        })
    }

    /// The parameters.
    pub fn params(&self) -> GridParams {
        self.params
    }

    /// Values per observation.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Bins per dimension of the fitted grid (at most).
    pub fn bins(&self) -> u32 {
        self.bins
    }

    /// The space's lower bounds (−∞ where none).
    pub fn low(&self) -> &[f64] {
        &self.low
    }

    /// The space's upper bounds (+∞ where none).
    pub fn high(&self) -> &[f64] {
        &self.high
    }

    /// Whether the edges are fitted (and frozen).
    pub fn fitted(&self) -> bool {
        !self.edges.is_empty()
    }

    /// Distinct cells met so far (at most `max_cells`).
    pub fn n_cells(&self) -> u32 {
        self.n_cells
    }

    /// Observations recorded towards the fit (0 once fitted).
    pub fn recorded(&self) -> usize {
        self.samples.len() / self.dims
    }

    /// Per-dimension edges (empty before the fit).
    pub fn edges(&self) -> &[Vec<f64>] {
        &self.edges
    }

    /// The split made by the last [`cell`](Self::cell) call, if it made one: (the retired id,
    /// the left child's id, the right child's id). A brain hands the retired cell's
    /// experiences to the children (`Brain::inherit_state`).
    pub fn last_split(&self) -> Option<(u32, u32, u32)> {
        self.last_split
    }

    /// The id shared by every new cell once `max_cells` cells exist.
    pub fn overflow_id(&self) -> u32 {
        self.params.max_cells
    }

    /// The id of a cell never met (returned by lookups that may not add cells).
    pub fn unknown_id(&self) -> u32 {
        self.params.max_cells + 1
    }

    /// Number of ids the grid can return: `max_cells` + 2 (overflow and unknown).
    pub fn id_count(&self) -> u64 {
        self.params.max_cells as u64 + 2
    }

    fn check(&self, obs: &[f64]) -> Result<()> {
        if obs.len() != self.dims {
            return Err(Error::shape(
                "obs",
                format!("expected {} values, got {}", self.dims, obs.len()),
            ));
        }
        if let Some(i) = obs.iter().position(|x| x.is_nan()) {
            return Err(Error::argument(
                "obs",
                format!("contains NaN (dimension {i}); a state abstraction cannot place it"),
            ));
        }
        Ok(())
    }

    /// The cell id of `obs`. `record`: count it towards the fit (the grid is fitted when the
    /// `warmup`-th observation is recorded, before `obs` is placed). `add`: a cell never met
    /// gets a new id (or the overflow id at the cap); otherwise it is `unknown_id()`.
    ///
    /// Fails on a wrong length or a NaN, changing nothing.
    pub fn cell(&mut self, obs: &[f64], record: bool, add: bool) -> Result<u32> {
        self.check(obs)?;
        self.last_split = None;
        if record && !self.fitted() {
            if self.origin.is_empty() {
                self.origin.extend_from_slice(obs);
            }
            // the whole record at once (counted in the budget), never a doubling past it
            let want = self.params.warmup as usize * self.dims;
            self.samples
                .reserve_exact(want.saturating_sub(self.samples.len()));
            self.samples.extend_from_slice(obs);
            if self.recorded() >= self.params.warmup as usize {
                self.fit();
            }
        }
        self.key_into(obs);
        let fitted_key = self.scratch[0] == 1;
        if let Some(&target) = self.index.get(&self.scratch[..]) {
            if !fitted_key {
                return Ok(target);
            }
            return Ok(self.leaf_id(target, obs, record));
        }
        if !add {
            return Ok(self.unknown_id());
        }
        if self.n_cells >= self.params.max_cells {
            return Ok(self.overflow_id());
        }
        let id = self.n_cells;
        self.n_cells += 1;
        let target = if fitted_key {
            let sums = if self.params.split_after > 0 {
                self.dims
            } else {
                0
            };
            self.trees.add_root(id, sums)
        } else {
            id
        };
        self.keys.extend_from_slice(&self.scratch);
        self.targets.push(target);
        self.index
            .insert(self.scratch.clone().into_boxed_slice(), target);
        if fitted_key {
            return Ok(self.leaf_id(target, obs, record));
        }
        Ok(id)
    }

    /// The id of the leaf under `root` holding `obs`; a counted (`record`) visit may split it
    /// first (the observation then takes its new leaf's id).
    fn leaf_id(&mut self, root: u32, obs: &[f64], record: bool) -> u32 {
        let mut leaf = self.trees.descend(root, obs);
        if record {
            let retired = self.trees.id(leaf);
            let used = self.trees.visit(
                leaf,
                obs,
                self.params.split_after,
                &self.scale,
                self.n_cells,
                self.params.max_cells,
            );
            if used > 0 {
                self.last_split = Some((retired, self.n_cells, self.n_cells + 1));
                self.n_cells += used;
                leaf = self.trees.descend(leaf, obs);
            }
        }
        self.trees.id(leaf)
    }

    /// The key of `obs` into `scratch`: a tag (0 provisional, 1 fitted) then a bin per
    /// dimension.
    fn key_into(&mut self, obs: &[f64]) {
        self.scratch.clear();
        if self.fitted() {
            self.scratch.push(1);
            for (x, e) in obs.iter().zip(&self.edges) {
                self.scratch
                    .push(e.partition_point(|edge| *edge <= *x) as u16);
            }
        } else {
            self.scratch.push(0);
            if self.origin.is_empty() {
                self.scratch.extend(std::iter::repeat_n(0, self.dims));
            } else {
                for (x, o) in obs.iter().zip(&self.origin) {
                    self.scratch.push(u16::from(*x > *o));
                }
            }
        }
    }

    /// Per dimension, the union of two sets of edges (sorted, repeats merged): the quantiles
    /// j / bins (j = 1 … bins − 1) of the recorded values (the sorted column's entry
    /// ⌊j·n / bins⌋, kept when above the column's smallest value so that every bin holds some
    /// of it), and, when both bounds are finite, the even cuts low + j·(high − low) / bins.
    fn fit(&mut self) {
        let n = self.recorded();
        let bins = self.bins as usize;
        let mut column = Vec::with_capacity(n);
        let mut edges = Vec::with_capacity(self.dims);
        for d in 0..self.dims {
            column.clear();
            column.extend((0..n).map(|i| self.samples[i * self.dims + d]));
            column.sort_by(f64::total_cmp);
            let mut e: Vec<f64> = Vec::with_capacity(2 * (bins - 1));
            e.extend(
                (1..bins)
                    .map(|j| column[j * n / bins])
                    .filter(|q| *q > column[0]),
            );
            let (low, high) = (self.low[d], self.high[d]);
            if low.is_finite() && high.is_finite() {
                let width = high - low;
                e.extend((1..bins).map(|j| low + j as f64 * width / bins as f64));
            }
            e.retain(|x| !x.is_nan());
            e.sort_by(f64::total_cmp);
            e.dedup();
            edges.push(e);
        }
        self.scale = (0..self.dims)
            .map(|d| {
                let mean = (0..n).map(|i| self.samples[i * self.dims + d]).sum::<f64>() / n as f64;
                let var = (0..n)
                    .map(|i| (self.samples[i * self.dims + d] - mean).powi(2))
                    .sum::<f64>()
                    / n as f64;
                if var.is_finite() {
                    var.sqrt()
                } else {
                    0.0
                }
            })
            .collect();
        // Every dimension has an entry (perhaps without edges), so `fitted()` holds from here.
        self.edges = edges;
        self.samples = Vec::new();
    }

    /// The grid in the library's container format (kind `QGRD`).
    pub fn to_bytes(&self) -> Vec<u8> {
        container::to_bytes(KIND, self)
    }

    /// A grid from [`to_bytes`](Self::to_bytes) output; a damaged one is an `Error::FileFormat`.
    pub fn from_bytes(origin: &str, bytes: &[u8]) -> Result<Self> {
        let mut grid: QuantileGrid = container::from_bytes(origin, KIND, bytes)?;
        grid.rebuild_index()
            .map_err(|e| Error::format(origin, format!("an inconsistent grid: {e}")))?;
        Ok(grid)
    }

    /// Rebuilds the lookup index from `keys` (after deserializing); fails on inconsistent data.
    pub fn rebuild_index(&mut self) -> Result<()> {
        self.params.validate()?;
        let width = self.dims + 1;
        let bad = |reason: String| Error::argument("grid", reason);
        if self.dims == 0
            || self.dims > MAX_GRID_DIMS
            || self.low.len() != self.dims
            || self.high.len() != self.dims
            || self.bins != bins_per_dimension(self.params.cells, self.dims)
        {
            return Err(bad(format!(
                "dims {} out of range or disagreeing",
                self.dims
            )));
        }
        if self.keys.len() % width != 0 || self.n_cells > self.params.max_cells {
            return Err(bad("cell table and cell count disagree".into()));
        }
        if !(self.origin.is_empty() || self.origin.len() == self.dims)
            || self.samples.len() % self.dims != 0
            || self.samples.len() / self.dims > self.params.warmup as usize
            || (self.fitted() && !self.samples.is_empty())
            || !(self.edges.is_empty() || self.edges.len() == self.dims)
        {
            return Err(bad("observation sizes disagree with dims".into()));
        }
        let keys = self.keys.len() / width;
        if self.targets.len() != keys
            || !(self.scale.is_empty() || self.scale.len() == self.dims)
            || self.fitted() != (self.scale.len() == self.dims)
        {
            return Err(bad("cell targets or scales disagree with the cells".into()));
        }
        self.check_values()?;
        self.check_trees()?;
        let nodes = self.trees.nodes.len();
        let mut index = FxHashMap::default();
        for (i, key) in self.keys.chunks_exact(width).enumerate() {
            let target = self.targets[i];
            let valid = match key[0] {
                0 => target < self.n_cells,
                1 => (target as usize) < nodes,
                _ => false,
            };
            if !valid {
                return Err(bad(format!("cell {i} has a bad tag or target")));
            }
            if index.insert(key.into(), target).is_some() {
                return Err(bad(format!("cell {i} is listed twice")));
            }
        }
        self.index = index;
        Ok(())
    }

    /// Every tree node consistent: a leaf's id below the cell count and its sums one per
    /// dimension or none, a split's dimension in range, its threshold not NaN and its children
    /// after it (no cycles).
    fn check_trees(&self) -> Result<()> {
        let nodes = self.trees.nodes.len();
        for (i, node) in self.trees.nodes.iter().enumerate() {
            let ok = match node {
                // sums: one per dimension, or none (a grid that never splits keeps none)
                TreeNode::Leaf {
                    id, sum, sum_sq, ..
                } => {
                    *id < self.n_cells
                        && sum.len() == sum_sq.len()
                        && (sum.is_empty() || sum.len() == self.dims)
                }
                // children come after their parent: no cycles
                TreeNode::Split {
                    dim,
                    threshold,
                    left,
                    right,
                } => {
                    (*dim as usize) < self.dims
                        && !threshold.is_nan()
                        && (i as u32) < *left
                        && (i as u32) < *right
                        && (*left as usize) < nodes
                        && (*right as usize) < nodes
                }
            };
            if !ok {
                return Err(Error::argument(
                    "grid",
                    format!("tree node {i} is inconsistent"),
                ));
            }
        }
        Ok(())
    }

    /// What the constructor and the fit guarantee of the numbers read from a file: bounds
    /// (low < high, not NaN), records without NaN, edges not NaN, strictly increasing and at
    /// most `u16::MAX` per dimension (a bin is a `u16`; an infinite edge comes from infinite
    /// observations), scales finite and ≥ 0. The error names the field.
    ///
    /// The memory budget bounds what the loaded grid would allocate before it meets a new
    /// cell: its edges and, unfitted, its warm-up record. Its cap on cells is the saved one,
    /// since grids saved before the budget existed may have a larger cap (rules.md §1.8).
    fn check_values(&self) -> Result<()> {
        let bad = |field: &str, reason: String| Error::argument(field, reason);
        check_bounds(&self.low, &self.high)?;
        let mut loading = self.params;
        loading.max_cells = 0;
        if self.fitted() {
            loading.warmup = 0;
        }
        check_budget(self.dims, &loading)?;
        if self.origin.iter().chain(&self.samples).any(|x| x.is_nan()) {
            return Err(bad("samples", "the warm-up record holds a NaN".into()));
        }
        for (d, e) in self.edges.iter().enumerate() {
            if e.len() > u16::MAX as usize {
                return Err(bad(
                    "edges",
                    format!(
                        "dimension {d} has {} edges, more than {}",
                        e.len(),
                        u16::MAX
                    ),
                ));
            }
            if e.iter().any(|x| x.is_nan()) || e.windows(2).any(|w| w[0] >= w[1]) {
                return Err(bad(
                    "edges",
                    format!("dimension {d}'s edges are not strictly increasing numbers"),
                ));
            }
        }
        if let Some(d) = self
            .scale
            .iter()
            .position(|s| !(s.is_finite() && *s >= 0.0))
        {
            return Err(bad(
                "scale",
                format!(
                    "dimension {d}'s scale {} is not finite and >= 0",
                    self.scale[d]
                ),
            ));
        }
        Ok(())
    }
}

/// max(2, round(cells^(1/dims))), at most 2^15 − 1: a dimension then has at most 2·(b − 1)
/// edges (quantiles and even cuts), so its bin index fits the key's `u16`.
pub fn bins_per_dimension(cells: u32, dims: usize) -> u32 {
    let b = (cells as f64).powf(1.0 / dims as f64).round();
    b.clamp(2.0, (u16::MAX / 2) as f64) as u32
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
