//! An experience graph: every real step kept as a node, kernel links from a step's outcome to
//! the nearby steps of each action, and value iteration over the nodes.
//!
//! Node i is a step `(x_i, a_i, r_i, x'_i, terminal_i)` in the observation's own coordinates.
//! [`ExperienceGraph::rebuild`] scales each dimension by its 2–98 % quantile range over all
//! stored `x` and `x'`, links each node to the `k` nodes of every action nearest to its `x'_i`
//! with weights `w = exp(−(d/ρ)²)` (kernel-based RL, Ormoneit & Sen 2002) and plans twice:
//!
//! ```text
//! optimistic  Q⁺_i = r_i + γ(1 − term_i) · max_a min(V_max, Σ_j ŵ_ij Q⁺_j + β/√W_ia)
//! greedy      Q_i  = r_i + γ(1 − term_i) · max_a min(V_max, Σ_j ŵ_ij Q_j)
//! ```
//!
//! with `ŵ` the weights normalized per action, `W_ia` their sum (the kernel mass),
//! `V_max = max(r_max, 0)/(1 − γ)` and an action without nodes worth `V_max` (optimistic) or
//! 0 (greedy backups). [`ExperienceGraph::values`] gives the same kernel means at any
//! observation, optionally with one step of lookahead. The numbers are those of the numpy
//! stand-in `bench/box_experience_graph.py` (`ExperienceGraph`), checked against a fixture it
//! wrote (`testdata/standin.json`).

mod file;
#[cfg(test)]
mod file_tests;
mod kdtree;
mod learner;
#[cfg(test)]
mod learner_tests;
mod plan;
#[cfg(test)]
mod tests;

pub use file::EXPERIENCE_KIND;
pub use kdtree::KdTree;
pub use learner::{Learner, Schedule, FIRST_REBUILD, GROWTH};

use crate::agent::MAX_ACTIONS;
use crate::brain::check_reward;
use crate::error::{check_all_finite, try_grow, Error, Result};

/// The learner's parameters; the defaults are those chosen for the stand-in on every Box world.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Config {
    /// Nearest nodes per action that a step links to (`k ≥ 1`).
    pub k: usize,
    /// Kernel width in scaled units (`ρ > 0`).
    pub rho: f64,
    /// Exploration bonus scale: `β/√W` (`β ≥ 0`).
    pub beta: f64,
    /// Discount (`0 ≤ γ < 1`).
    pub gamma: f64,
    /// Value iteration stops when the largest change of a sweep is below this (`> 0`).
    pub tol: f64,
    /// At most this many sweeps per value function (`≥ 1`).
    pub max_sweeps: usize,
    /// Most nodes the graph stores (`1 ≤ max_nodes < 2³²`); [`ExperienceGraph::push`] refuses
    /// more and [`Learner`] then overwrites a stored node drawn at random.
    pub max_nodes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            k: 8,
            rho: 0.1,
            beta: 1.0,
            gamma: 0.99,
            tol: 1e-3,
            max_sweeps: 400,
            max_nodes: 1_000_000,
        }
    }
}

/// Largest magnitude of an observation value: scales, scaled points and squared distances stay
/// finite (a range of at most 2·10¹⁰⁰ divided by at least 10⁻¹², squared, is below 10²²⁵).
pub const MAX_OBSERVATION: f64 = 1e100;

/// Most values an observation may have.
pub const MAX_DIM: usize = 1 << 20;

/// Largest number of neighbours per action a step may link to.
pub const MAX_K: usize = 1024;

/// Memory the default node cap allows the graph: 1 GiB.
pub const MEMORY_BUDGET: usize = 1 << 30;

/// Bytes one node costs at its peak (during a rebuild): its step (twice: the growing arrays'
/// spare capacity), both values and the copies the rebuild plans into, its k-d tree entry
/// (three times: the old index lives on while the new one is built, which briefly holds its
/// points twice), its links (`n_actions · k` slots of id and weight, a bonus per action) and
/// the rebuild's scratch columns.
pub fn bytes_per_node(dim: usize, n_actions: usize, k: usize) -> usize {
    let step = 2 * (2 * 8 * dim + 8 + 8 + 1);
    let values = 2 * 8 + 3 * 8;
    let tree = 3 * (8 * dim + 8 + 8 + 24);
    let links = n_actions * (k * (4 + 8) + 8);
    let scratch = 2 * 8;
    step + values + tree + links + scratch
}

impl Config {
    /// The default parameters with `max_nodes` set to what [`MEMORY_BUDGET`] holds for
    /// observations of `dim` values and `n_actions` actions (at least 1, below 2³²).
    pub fn within_budget(dim: usize, n_actions: usize) -> Config {
        Config::within_budget_k(dim, n_actions, Config::default().k)
    }

    /// [`within_budget`](Self::within_budget) for `k` neighbours per action.
    pub fn within_budget_k(dim: usize, n_actions: usize, k: usize) -> Config {
        let mut config = Config {
            k,
            ..Config::default()
        };
        let per = bytes_per_node(dim.max(1), n_actions.max(1), k.max(1));
        config.max_nodes = (MEMORY_BUDGET / per).clamp(1, u32::MAX as usize);
        config
    }

    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<()> {
        let bad = |field: &str, rule: &str, got: String| {
            Err(Error::config(field, format!("must be {rule}, got {got}")))
        };
        if self.k == 0 || self.k > MAX_K {
            return bad("k", &format!("in [1, {MAX_K}]"), self.k.to_string());
        }
        if !(self.rho.is_finite() && self.rho > 0.0) {
            return bad("rho", "finite and > 0", self.rho.to_string());
        }
        if !(self.beta.is_finite() && self.beta >= 0.0) {
            return bad("beta", "finite and ≥ 0", self.beta.to_string());
        }
        if !(0.0..1.0).contains(&self.gamma) {
            return bad("gamma", "in [0, 1)", self.gamma.to_string());
        }
        if !(self.tol.is_finite() && self.tol > 0.0) {
            return bad("tol", "finite and > 0", self.tol.to_string());
        }
        if self.max_sweeps == 0 {
            return bad("max_sweeps", "at least 1", "0".into());
        }
        if self.max_nodes == 0 || self.max_nodes > u32::MAX as usize {
            return bad("max_nodes", "in [1, 2³² − 1]", self.max_nodes.to_string());
        }
        Ok(())
    }
}

/// The k-d tree of one action's nodes (scaled `x`) and the node ids its points stand for.
#[derive(Debug, Clone)]
struct ActionIndex {
    tree: KdTree,
    members: Vec<usize>,
}

/// Stored steps, their links and both value functions (see the module documentation).
#[derive(Debug, Clone)]
pub struct ExperienceGraph {
    config: Config,
    dim: usize,
    n_actions: usize,
    /// Observations, `n × dim` row-major; `x2` the next observations.
    x: Vec<f64>,
    x2: Vec<f64>,
    a: Vec<usize>,
    r: Vec<f64>,
    term: Vec<bool>,
    /// Per-dimension divisor of the last rebuild (1 before any).
    scale: Vec<f64>,
    v_max: f64,
    /// Per action, the index of the last rebuild (`None`: no nodes of that action).
    index: Vec<Option<ActionIndex>>,
    /// Planned values of the nodes present at the last rebuild.
    q_opt: Vec<f64>,
    q: Vec<f64>,
}

impl ExperienceGraph {
    /// An empty graph for observations of `dim` values and `n_actions` actions.
    pub fn new(dim: usize, n_actions: usize, config: Config) -> Result<Self> {
        config.validate()?;
        if dim == 0 || dim > MAX_DIM {
            return Err(Error::argument(
                "dim",
                format!("must be in [1, {MAX_DIM}], got {dim}"),
            ));
        }
        if n_actions == 0 || n_actions > MAX_ACTIONS as usize {
            return Err(Error::argument(
                "n_actions",
                format!("must be in [1, {MAX_ACTIONS}], got {n_actions}"),
            ));
        }
        Ok(ExperienceGraph {
            config,
            dim,
            n_actions,
            x: Vec::new(),
            x2: Vec::new(),
            a: Vec::new(),
            r: Vec::new(),
            term: Vec::new(),
            scale: vec![1.0; dim],
            v_max: 0.0,
            index: vec![None; n_actions],
            q_opt: Vec::new(),
            q: Vec::new(),
        })
    }

    /// The parameters.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Values per observation.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of actions.
    pub fn n_actions(&self) -> usize {
        self.n_actions
    }

    /// Nodes stored (planned or not yet).
    pub fn len(&self) -> usize {
        self.a.len()
    }

    /// Whether no step is stored.
    pub fn is_empty(&self) -> bool {
        self.a.is_empty()
    }

    /// Nodes covered by the last [`rebuild`](Self::rebuild).
    pub fn planned(&self) -> usize {
        self.q.len()
    }

    /// `max(r_max, 0)/(1 − γ)` at the last rebuild (0 before any): the value of the unknown.
    pub fn v_max(&self) -> f64 {
        self.v_max
    }

    /// The per-dimension scale of the last rebuild (all 1 before any).
    pub fn scale(&self) -> &[f64] {
        &self.scale
    }

    /// Optimistic node values `Q⁺` of the last rebuild, one per planned node.
    pub fn q_optimistic(&self) -> &[f64] {
        &self.q_opt
    }

    /// Greedy node values `Q` of the last rebuild, one per planned node.
    pub fn q_greedy(&self) -> &[f64] {
        &self.q
    }

    /// Stored observations, `len × dim` row-major (node i's step starts at row i).
    pub fn observations(&self) -> &[f64] {
        &self.x
    }

    /// Stored next observations, `len × dim` row-major.
    pub fn next_observations(&self) -> &[f64] {
        &self.x2
    }

    /// Each node's action.
    pub fn actions(&self) -> &[usize] {
        &self.a
    }

    /// Each node's reward.
    pub fn rewards(&self) -> &[f64] {
        &self.r
    }

    /// Whether each node's step ended its episode for real.
    pub fn terminals(&self) -> &[bool] {
        &self.term
    }

    /// The links out of node `i` as the last rebuild made them: per action, the planned nodes
    /// nearest to where its step landed, as `(node, normalized weight ŵ)`, nearest first.
    /// Empty for a node that came after the last rebuild or an `i` out of range.
    pub fn links_of(&self, i: usize) -> Vec<(usize, f64)> {
        if i >= self.planned() {
            return Vec::new();
        }
        let x2 = &self.x2[i * self.dim..(i + 1) * self.dim];
        let mut out = Vec::new();
        for index in self.index.iter().flatten() {
            let near = self.kernel(index, x2);
            let mass: f64 = near.iter().map(|&(w, _)| w).sum();
            out.extend(near.into_iter().map(|(w, j)| (j, w / mass.max(1e-300))));
        }
        out
    }

    /// Stores one step as a node. It takes part in values after the next
    /// [`rebuild`](Self::rebuild).
    ///
    /// # Errors
    /// A shape error when `obs` or `next_obs` is not `dim` long, an argument error for a
    /// non-finite value, a reward beyond ±`MAX_REWARD` or an action `≥ n_actions`, a state
    /// error naming `max_nodes` when the graph is full, out of memory when storage cannot grow.
    /// The graph is unchanged on error.
    pub fn push(
        &mut self,
        obs: &[f64],
        action: usize,
        reward: f64,
        next_obs: &[f64],
        terminal: bool,
    ) -> Result<()> {
        self.check_step(obs, action, reward, next_obs)?;
        if self.len() >= self.config.max_nodes {
            return Err(Error::State(format!(
                "the experience graph is full: it holds max_nodes = {} steps",
                self.config.max_nodes
            )));
        }
        let what = || "experience graph nodes".to_string();
        try_grow(&mut self.x, self.dim, what)?;
        try_grow(&mut self.x2, self.dim, what)?;
        try_grow(&mut self.a, 1, what)?;
        try_grow(&mut self.r, 1, what)?;
        try_grow(&mut self.term, 1, what)?;
        self.x.extend_from_slice(obs);
        self.x2.extend_from_slice(next_obs);
        self.a.push(action);
        self.r.push(reward);
        self.term.push(terminal);
        Ok(())
    }

    /// Overwrites node `i` with a new step (a full graph's way to keep learning). Until the
    /// next rebuild the index still finds the node where its old step started, with its old
    /// values; its new step is what lookahead replays from there.
    ///
    /// # Errors
    /// As [`push`](Self::push), and an argument error when `i` is not a stored node. The graph
    /// is unchanged on error.
    pub fn replace(
        &mut self,
        i: usize,
        obs: &[f64],
        action: usize,
        reward: f64,
        next_obs: &[f64],
        terminal: bool,
    ) -> Result<()> {
        self.check_step(obs, action, reward, next_obs)?;
        if i >= self.len() {
            return Err(Error::argument(
                "i",
                format!("must be a stored node (< {}), got {i}", self.len()),
            ));
        }
        let row = i * self.dim..(i + 1) * self.dim;
        self.x[row.clone()].copy_from_slice(obs);
        self.x2[row].copy_from_slice(next_obs);
        (self.a[i], self.r[i], self.term[i]) = (action, reward, terminal);
        Ok(())
    }

    fn check_step(&self, obs: &[f64], action: usize, reward: f64, next_obs: &[f64]) -> Result<()> {
        self.check_obs("obs", obs)?;
        self.check_obs("next_obs", next_obs)?;
        if action >= self.n_actions {
            return Err(Error::argument(
                "action",
                format!("must be < n_actions = {}, got {action}", self.n_actions),
            ));
        }
        check_reward("reward", reward)
    }

    fn check_obs(&self, name: &str, obs: &[f64]) -> Result<()> {
        if obs.len() != self.dim {
            return Err(Error::shape(
                name,
                format!("expected {} values, got {}", self.dim, obs.len()),
            ));
        }
        check_all_finite(name, obs)?;
        match obs.iter().position(|v| v.abs() > MAX_OBSERVATION) {
            None => Ok(()),
            Some(i) => Err(Error::argument(
                name,
                format!(
                    "must be within ±{MAX_OBSERVATION:e}, got {} at index {i}",
                    obs[i]
                ),
            )),
        }
    }

    /// Each action's value at `obs`, from the last rebuild (all `V_max` before any).
    ///
    /// Without lookahead, the kernel mean of the planned values of the action's `k` nearest
    /// nodes (plus the bonus `β/√W`, capped at `V_max`, if `optimistic`). With it, the kernel
    /// mean over those nodes j of `r_j + γ(1 − term_j)·V(obs + x'_j − x_j)`: each neighbour's
    /// step is replayed from `obs`, and V, the best kernel mean, is read where it lands.
    ///
    /// # Errors
    /// A shape or argument error when `obs` is not `dim` finite values.
    pub fn values(&self, obs: &[f64], optimistic: bool, lookahead: bool) -> Result<Vec<f64>> {
        self.check_obs("obs", obs)?;
        if !lookahead {
            return Ok(self.kernel_means(obs, optimistic));
        }
        let mut out = vec![self.v_max; self.n_actions];
        let mut landed = vec![0.0; self.dim];
        for (a, slot) in out.iter_mut().enumerate() {
            let Some(index) = &self.index[a] else {
                continue;
            };
            let near = self.kernel(index, obs);
            let (mut mass, mut sum) = (0.0, 0.0);
            for &(w, j) in &near {
                let row = j * self.dim..(j + 1) * self.dim;
                for ((l, o), (x2, x)) in landed
                    .iter_mut()
                    .zip(obs)
                    .zip(self.x2[row.clone()].iter().zip(&self.x[row]))
                {
                    *l = o + (x2 - x);
                }
                let after = max_of(&self.kernel_means(&landed, optimistic));
                let keep = if self.term[j] { 0.0 } else { 1.0 };
                mass += w;
                sum += w * (self.r[j] + self.config.gamma * keep * after);
            }
            *slot = self.finish(sum / mass.max(1e-300), mass, optimistic);
        }
        Ok(out)
    }

    /// Per action, the kernel mean of planned values at `obs` (unscaled, checked).
    fn kernel_means(&self, obs: &[f64], optimistic: bool) -> Vec<f64> {
        let q = if optimistic { &self.q_opt } else { &self.q };
        let mut out = vec![self.v_max; self.n_actions];
        for (a, slot) in out.iter_mut().enumerate() {
            let Some(index) = &self.index[a] else {
                continue;
            };
            let near = self.kernel(index, obs);
            let mass: f64 = near.iter().map(|&(w, _)| w).sum();
            let sum: f64 = near.iter().map(|&(w, j)| w * q[j]).sum();
            *slot = self.finish(sum / mass.max(1e-300), mass, optimistic);
        }
        out
    }

    /// An action's value from its kernel mean and mass, as the backups bound it.
    fn finish(&self, mean: f64, mass: f64, optimistic: bool) -> f64 {
        if optimistic {
            (mean + self.config.beta / mass.max(1e-12).sqrt()).min(self.v_max)
        } else if mass > 1e-12 {
            mean
        } else {
            self.v_max
        }
    }

    /// The kernel weights `exp(−(d/ρ)²)` and node ids of the `k` nodes of one action nearest
    /// to `obs` (unscaled), nearest first.
    fn kernel(&self, index: &ActionIndex, obs: &[f64]) -> Vec<(f64, usize)> {
        let scaled: Vec<f64> = obs.iter().zip(&self.scale).map(|(v, s)| v / s).collect();
        let rho = self.config.rho;
        index
            .tree
            .nearest(&scaled, self.config.k)
            .into_iter()
            .map(|(d2, p)| ((-(d2.sqrt() / rho).powi(2)).exp(), index.members[p]))
            .collect()
    }
}

/// The largest value of a non-empty slice.
fn max_of(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}
