//! Rebuilding: the scale, one k-d tree per action, the links and both value iterations.
//!
//! Every per-node computation writes its own slot and the stopping test is a maximum, so
//! results are the same bit for bit whatever the number of rayon threads.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::{ActionIndex, ExperienceGraph, KdTree};
use crate::error::{try_filled, Result};

/// Kernel links of every node: per node, per action, `k` slots (node-major).
pub(super) struct Links {
    /// Linked node ids (0 in unused slots); `u32` halves the memory each sweep streams.
    to: Vec<u32>,
    /// Normalized weights ŵ (0 in unused slots).
    weight: Vec<f64>,
    /// Per node and action, `β/√W` (∞ for an action without nodes).
    bonus: Vec<f64>,
}

impl ExperienceGraph {
    /// Rescales, relinks and replans both value functions over every stored node.
    ///
    /// The optimistic values start from those of the previous rebuild (new nodes at the new
    /// `V_max`), the greedy ones from the previous greedy values (new nodes at their new
    /// optimistic values). Nothing happens on an empty graph.
    ///
    /// # Errors
    /// Out of memory when the links (`n · n_actions · k` slots) cannot be allocated; the graph
    /// is then unchanged.
    pub fn rebuild(&mut self) -> Result<()> {
        self.rebuild_until(&AtomicBool::new(false)).map(|_| ())
    }

    /// [`rebuild`](Self::rebuild) that gives up as soon as `stop` is set (by another thread:
    /// Ctrl-C in the bindings), checked between nodes while linking and between sweeps.
    ///
    /// Returns `Ok(false)` when it gave up: the graph is then exactly as it was before the
    /// call (its previous links' values, scale and index), and a later rebuild starts over.
    ///
    /// # Errors
    /// As [`rebuild`](Self::rebuild).
    pub fn rebuild_until(&mut self, stop: &AtomicBool) -> Result<bool> {
        let n = self.len();
        if n == 0 {
            return Ok(true);
        }
        let scale = self.quantile_scale()?;
        let r_max = self.r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let v_max = r_max.max(0.0) / (1.0 - self.config.gamma);
        let index = self.build_index(&scale)?;
        let links = self.link(&index, &scale, stop)?;
        let mut start = try_filled(n, v_max, || "experience graph values".to_string())?;
        start[..self.q_opt.len()].copy_from_slice(&self.q_opt);
        let Some(q_opt) = self.plan(start, &links, v_max, true, stop) else {
            return Ok(false);
        };
        // The greedy plan starts from the previous greedy values (new nodes: their optimistic
        // ones): they change little between rebuilds, so far fewer sweeps are needed.
        let mut start = q_opt.clone();
        start[..self.q.len()].copy_from_slice(&self.q);
        let Some(q) = self.plan(start, &links, v_max, false, stop) else {
            return Ok(false);
        };
        if stop.load(Ordering::Relaxed) {
            return Ok(false);
        }
        (self.scale, self.v_max, self.index) = (scale, v_max, index);
        (self.q_opt, self.q) = (q_opt, q);
        Ok(true)
    }

    /// Per dimension, the 2–98 % quantile range of all stored `x` and `x'` (1 where ≤ 1e-12).
    pub(super) fn quantile_scale(&self) -> Result<Vec<f64>> {
        let n = self.len();
        let mut column = try_filled(2 * n, 0.0, || "experience graph scale".to_string())?;
        let mut scale = Vec::with_capacity(self.dim);
        for k in 0..self.dim {
            for i in 0..n {
                column[i] = self.x[i * self.dim + k];
                column[n + i] = self.x2[i * self.dim + k];
            }
            column.sort_unstable_by(f64::total_cmp);
            let range = quantile_sorted(&column, 0.98) - quantile_sorted(&column, 0.02);
            scale.push(if range > 1e-12 { range } else { 1.0 });
        }
        Ok(scale)
    }

    /// One k-d tree per action over its nodes' scaled `x` (`None` without nodes).
    pub(super) fn build_index(&self, scale: &[f64]) -> Result<Vec<Option<ActionIndex>>> {
        let mut index = Vec::with_capacity(self.n_actions);
        for a in 0..self.n_actions {
            let members: Vec<usize> = (0..self.len()).filter(|&i| self.a[i] == a).collect();
            if members.is_empty() {
                index.push(None);
                continue;
            }
            let what = || "experience graph k-d tree".to_string();
            let mut points = try_filled(members.len() * self.dim, 0.0, what)?;
            for (row, &i) in points.chunks_exact_mut(self.dim).zip(&members) {
                let x = &self.x[i * self.dim..(i + 1) * self.dim];
                for ((p, v), s) in row.iter_mut().zip(x).zip(scale) {
                    *p = v / s;
                }
            }
            let tree = KdTree::new(points, self.dim)?;
            index.push(Some(ActionIndex { tree, members }));
        }
        Ok(index)
    }

    /// Links every node's scaled `x'` to the `k` nearest nodes of each action (nodes left once
    /// `stop` is set stay unlinked: the caller then discards the links).
    pub(super) fn link(
        &self,
        index: &[Option<ActionIndex>],
        scale: &[f64],
        stop: &AtomicBool,
    ) -> Result<Links> {
        let (n, na, k) = (self.len(), self.n_actions, self.config.k);
        let what = || "experience graph links".to_string();
        // n < 2³², n_actions ≤ 2²⁴ and k ≤ MAX_K: the product fits in u128.
        let slots = usize::try_from(n as u128 * na as u128 * k as u128).unwrap_or(usize::MAX);
        let mut links = Links {
            to: try_filled(slots, 0u32, what)?,
            weight: try_filled(slots, 0.0, what)?,
            bonus: try_filled(n * na, f64::INFINITY, what)?,
        };
        let (rho, beta, dim) = (self.config.rho, self.config.beta, self.dim);
        links
            .to
            .par_chunks_mut(na * k)
            .zip(links.weight.par_chunks_mut(na * k))
            .zip(links.bonus.par_chunks_mut(na))
            .enumerate()
            .for_each(|(i, ((to, weight), bonus))| {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let x2 = &self.x2[i * dim..(i + 1) * dim];
                let scaled: Vec<f64> = x2.iter().zip(scale).map(|(v, s)| v / s).collect();
                for (a, idx) in index.iter().enumerate() {
                    let Some(idx) = idx else { continue };
                    let near = idx.tree.nearest(&scaled, k);
                    let w: Vec<f64> = near
                        .iter()
                        .map(|&(d2, _)| (-(d2.sqrt() / rho).powi(2)).exp())
                        .collect();
                    let mass: f64 = w.iter().sum();
                    for (s, (&(_, p), wj)) in near.iter().zip(&w).enumerate() {
                        to[a * k + s] = idx.members[p] as u32; // < max_nodes ≤ u32::MAX
                        weight[a * k + s] = wj / mass.max(1e-300);
                    }
                    bonus[a] = beta / mass.max(1e-12).sqrt();
                }
            });
        Ok(links)
    }

    /// Value iteration from `q` until the largest change is below `tol` or `max_sweeps`
    /// sweeps; with the bonus (optimistic) or without it (greedy). `None` when `stop` was set
    /// before a sweep.
    pub(super) fn plan(
        &self,
        mut q: Vec<f64>,
        links: &Links,
        v_max: f64,
        optimistic: bool,
        stop: &AtomicBool,
    ) -> Option<Vec<f64>> {
        let (na, k, gamma) = (self.n_actions, self.config.k, self.config.gamma);
        let mut new = vec![0.0; q.len()];
        for _ in 0..self.config.max_sweeps {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            new.par_iter_mut().enumerate().for_each(|(i, slot)| {
                let mut best = f64::NEG_INFINITY;
                for a in 0..na {
                    let s = (i * na + a) * k;
                    let mut mean = 0.0;
                    for (&j, &w) in links.to[s..s + k].iter().zip(&links.weight[s..s + k]) {
                        mean += w * q[j as usize];
                    }
                    let bonus = if optimistic {
                        links.bonus[i * na + a]
                    } else {
                        0.0
                    };
                    best = best.max((mean + bonus).min(v_max));
                }
                let keep = if self.term[i] { 0.0 } else { gamma };
                *slot = self.r[i] + keep * best;
            });
            let change = new
                .par_iter()
                .zip(&q)
                .map(|(a, b)| (a - b).abs())
                .reduce(|| 0.0, f64::max);
            std::mem::swap(&mut q, &mut new);
            if change < self.config.tol {
                break;
            }
        }
        Some(q)
    }
}

/// numpy's default ('linear') quantile of sorted, non-empty `values` at `p` in [0, 1].
pub(crate) fn quantile_sorted(values: &[f64], p: f64) -> f64 {
    let n = values.len();
    let virtual_index = (n - 1) as f64 * p;
    if virtual_index >= (n - 1) as f64 {
        return values[n - 1];
    }
    let lo = virtual_index.floor();
    let t = virtual_index - lo;
    let (a, b) = (values[lo as usize], values[lo as usize + 1]);
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}
