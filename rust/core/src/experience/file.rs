//! Saved experience learners: every stored step, the plan of the last rebuild (scale, values,
//! each action's indexed points) and the acting state, in the library's container (kind
//! `EXP1`). A loaded learner gives the same values and actions as the saved one, bit for bit.
//!
//! Decoding checks every length, index and number before anything is built from them, so a
//! truncated, foreign or hostile file is refused with a format error naming the problem.

use serde::{Deserialize, Serialize};

use super::{ActionIndex, Config, ExperienceGraph, KdTree, Learner, Schedule};
use crate::agent::MAX_ACTIONS;
use crate::brain::MAX_REWARD;
use crate::error::{Error, Result};
use crate::io::container;
use crate::rng::Rng;

/// Kind tag of experience learner files.
pub const EXPERIENCE_KIND: &[u8; 4] = b"EXP1";

#[derive(Serialize, Deserialize)]
struct SavedIndex {
    /// Node ids, in the order the tree was built from.
    members: Vec<u32>,
    /// Their scaled observations at the last rebuild (`members × dim`).
    points: Vec<f64>,
}

#[derive(Serialize, Deserialize)]
struct Saved {
    config: Config,
    dim: u64,
    n_actions: u64,
    x: Vec<f64>,
    x2: Vec<f64>,
    a: Vec<u32>,
    r: Vec<f64>,
    term: Vec<bool>,
    scale: Vec<f64>,
    v_max: f64,
    index: Vec<Option<SavedIndex>>,
    q_opt: Vec<f64>,
    q: Vec<f64>,
    rng: Rng,
    schedule: Schedule,
    metadata: String,
}

impl Learner {
    /// The learner and the caller's `metadata` as a complete file image.
    pub fn to_bytes(&self, metadata: &str) -> Vec<u8> {
        let (g, rng, schedule) = self.parts();
        let index = (g.index.iter())
            .map(|slot| {
                slot.as_ref().map(|ix| SavedIndex {
                    members: ix.members.iter().map(|&m| m as u32).collect(),
                    points: ix.tree.input_points(),
                })
            })
            .collect();
        let saved = Saved {
            config: g.config,
            dim: g.dim as u64,
            n_actions: g.n_actions as u64,
            x: g.x.clone(),
            x2: g.x2.clone(),
            a: g.a.iter().map(|&a| a as u32).collect(),
            r: g.r.clone(),
            term: g.term.clone(),
            scale: g.scale.clone(),
            v_max: g.v_max,
            index,
            q_opt: g.q_opt.clone(),
            q: g.q.clone(),
            rng: rng.clone(),
            schedule: schedule.clone(),
            metadata: metadata.to_string(),
        };
        container::to_bytes(EXPERIENCE_KIND, &saved)
    }

    /// Decodes a file image into the learner and the caller's metadata; `origin` names the
    /// source in error messages.
    ///
    /// # Errors
    /// `Error::Format` for a truncated, corrupted, foreign or inconsistent image.
    pub fn from_bytes(bytes: &[u8], origin: &str) -> Result<(Learner, String)> {
        let saved: Saved = container::from_bytes(origin, EXPERIENCE_KIND, bytes)?;
        let bad = |what: String| Error::format(origin, format!("inconsistent learner: {what}"));
        check(&saved).map_err(bad)?;
        let Saved {
            config,
            dim,
            n_actions,
            x,
            x2,
            a,
            r,
            term,
            scale,
            v_max,
            index,
            q_opt,
            q,
            rng,
            schedule,
            metadata,
        } = saved;
        let (dim, n_actions) = (dim as usize, n_actions as usize);
        let mut built = Vec::with_capacity(n_actions);
        for slot in index {
            built.push(match slot {
                None => None,
                Some(s) => Some(ActionIndex {
                    tree: KdTree::new(s.points, dim)?,
                    members: s.members.iter().map(|&m| m as usize).collect(),
                }),
            });
        }
        let graph = ExperienceGraph {
            config,
            dim,
            n_actions,
            x,
            x2,
            a: a.iter().map(|&a| a as usize).collect(),
            r,
            term,
            scale,
            v_max,
            index: built,
            q_opt,
            q,
        };
        Ok((Learner::from_parts(graph, rng, schedule), metadata))
    }
}

/// The first inconsistency of a decoded learner, if any.
fn check(s: &Saved) -> std::result::Result<(), String> {
    s.config.validate().map_err(|e| e.to_string())?;
    if s.dim == 0 || s.dim > super::MAX_DIM as u64 {
        return Err(format!("dim is {}", s.dim));
    }
    if s.n_actions == 0 || s.n_actions > MAX_ACTIONS as u64 {
        return Err(format!(
            "n_actions is {} (must be in [1, {MAX_ACTIONS}])",
            s.n_actions
        ));
    }
    let (dim, n) = (s.dim as usize, s.a.len());
    if n > s.config.max_nodes {
        return Err(format!(
            "{n} nodes, more than max_nodes = {}",
            s.config.max_nodes
        ));
    }
    let rows = n.checked_mul(dim).ok_or("node count overflows")?;
    if s.x.len() != rows || s.x2.len() != rows || s.r.len() != n || s.term.len() != n {
        return Err("the step arrays differ in length".into());
    }
    if let Some(a) = s.a.iter().find(|&&a| a as u64 >= s.n_actions) {
        return Err(format!("action {a} out of range"));
    }
    finite("observations", &s.x, f64::MAX)?;
    finite("next observations", &s.x2, f64::MAX)?;
    finite("rewards", &s.r, MAX_REWARD)?;
    let v_bound = MAX_REWARD / (1.0 - s.config.gamma) * 2.0;
    if s.scale.len() != dim || s.scale.iter().any(|&v| !(v.is_finite() && v > 0.0)) {
        return Err("the scale is not one positive number per dimension".into());
    }
    if !(s.v_max.is_finite() && (0.0..=v_bound).contains(&s.v_max)) {
        return Err(format!("V_max is {}", s.v_max));
    }
    let planned = s.q.len();
    if s.q_opt.len() != planned || planned > n {
        return Err("the value arrays differ in length".into());
    }
    finite("values", &s.q, v_bound)?;
    finite("optimistic values", &s.q_opt, v_bound)?;
    if s.index.len() as u64 != s.n_actions {
        return Err("not one index per action".into());
    }
    for ix in s.index.iter().flatten() {
        if ix.members.is_empty() || Some(ix.points.len()) != ix.members.len().checked_mul(dim) {
            return Err("an index's points do not match its nodes".into());
        }
        if ix.members.iter().any(|&m| m as usize >= planned) {
            return Err("an index names a node without values".into());
        }
        finite("indexed points", &ix.points, f64::MAX)?;
    }
    if let Some((obs, action)) = &s.schedule.pending {
        if obs.len() != dim || *action as u64 >= s.n_actions {
            return Err("the pending step does not fit the learner".into());
        }
        finite("the pending observation", obs, f64::MAX)?;
    }
    let sch = &s.schedule;
    if sch.stored < n as u64 || sch.stored > 1 << 62 || sch.rebuilt_at > sch.stored {
        return Err("the step counts do not fit the nodes".into());
    }
    Ok(())
}

fn finite(what: &str, values: &[f64], bound: f64) -> std::result::Result<(), String> {
    match values
        .iter()
        .position(|v| !(v.is_finite() && v.abs() <= bound))
    {
        None => Ok(()),
        Some(i) => Err(format!("{what}: {} at index {i}", values[i])),
    }
}
