//! The acting side of the experience graph: seeded optimistic acting, the step it stores, and
//! the rebuild schedule, as in the numpy stand-in (`bench/box_experience_graph.py`).
//!
//! [`Learner::act`] takes the action with the largest optimistic value `Q⁺` at the observation
//! (ties within 1e-9 broken by the seeded generator); [`Learner::observe`] stores the step and
//! rebuilds once the graph has grown by a quarter since the last rebuild (the first after 64
//! steps); [`Learner::predict`] is the greedy policy, one step of lookahead on `Q`.

use std::sync::atomic::AtomicBool;

use rand::Rng as _;

use super::{Config, ExperienceGraph};
use crate::error::{Error, Result};
use crate::rng::{from_seed, Rng};

/// Steps stored before the first rebuild.
pub const FIRST_REBUILD: usize = 64;
/// A rebuild follows once the graph holds this many times the nodes of the last one.
pub const GROWTH: f64 = 1.25;
/// Optimistic values this close to the best are ties.
const TIE: f64 = 1e-9;

/// An experience graph with its acting state (see the module documentation).
#[derive(Debug, Clone)]
pub struct Learner {
    graph: ExperienceGraph,
    rng: Rng,
    /// The observation last acted on (a buffer reused every step).
    obs: Vec<f64>,
    /// The action taken at `obs`, until `observe` reports its outcome.
    acted: Option<usize>,
    next_rebuild: usize,
}

impl Learner {
    /// A learner with an empty graph; `seed` fixes its tie-breaking (None: from entropy).
    pub fn new(dim: usize, n_actions: usize, config: Config, seed: Option<u64>) -> Result<Self> {
        Ok(Learner {
            graph: ExperienceGraph::new(dim, n_actions, config)?,
            rng: from_seed(seed),
            obs: Vec::with_capacity(dim),
            acted: None,
            next_rebuild: FIRST_REBUILD,
        })
    }

    /// The graph: stored steps and the values of its last rebuild.
    pub fn graph(&self) -> &ExperienceGraph {
        &self.graph
    }

    /// The action to take at `obs`: the best optimistic value, ties broken at random.
    ///
    /// # Errors
    /// `Error::State` when the previous action's outcome was not observed; a shape or argument
    /// error for a bad observation. Nothing changes on error.
    pub fn act(&mut self, obs: &[f64]) -> Result<usize> {
        if self.acted.is_some() {
            return Err(Error::State(
                "act() called twice without observe(): report the outcome of the previous \
                 action first"
                    .into(),
            ));
        }
        let values = self.graph.values(obs, true, false)?;
        let best = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let is_tie = |v: &&f64| **v >= best - TIE;
        // No ties only if every value is NaN (overflowed rewards): then the first action.
        let ties = values.iter().filter(is_tie).count();
        let pick = if ties == 0 {
            0
        } else {
            self.rng.gen_range(0..ties)
        };
        let action = (values.iter().enumerate())
            .filter(|(_, v)| is_tie(v))
            .nth(pick)
            .map_or(0, |(a, _)| a);
        self.obs.clear();
        self.obs.extend_from_slice(obs);
        self.acted = Some(action);
        Ok(action)
    }

    /// Stores the step from the last `act` and rebuilds when it is due; true if it rebuilt.
    ///
    /// `terminated` marks a true end (a time limit is not one: pass false and call
    /// [`end_episode`](Self::end_episode) if no step follows).
    ///
    /// # Errors
    /// `Error::State` before `act` or when the graph is full; an argument or shape error for a
    /// bad reward or observation, with nothing changed; out of memory from the rebuild (the step
    /// is then stored and the previous plan kept).
    pub fn observe(&mut self, reward: f64, next_obs: &[f64], terminated: bool) -> Result<bool> {
        let Some(action) = self.acted else {
            return Err(Error::State(
                "observe() called before act(): choose an action first".into(),
            ));
        };
        self.graph
            .push(&self.obs, action, reward, next_obs, terminated)?;
        self.acted = None;
        if self.graph.len() >= self.next_rebuild {
            return self.rebuild_until(&AtomicBool::new(false));
        }
        Ok(false)
    }

    /// Forgets an action whose outcome will not be observed (an episode cut short).
    pub fn end_episode(&mut self) {
        self.acted = None;
    }

    /// Rebuilds now unless `stop` is set meanwhile (then nothing changes and it returns false);
    /// the next scheduled rebuild follows a quarter more steps.
    ///
    /// # Errors
    /// As [`ExperienceGraph::rebuild_until`].
    pub fn rebuild_until(&mut self, stop: &AtomicBool) -> Result<bool> {
        let done = self.graph.rebuild_until(stop)?;
        if done {
            self.next_rebuild = (self.graph.len() as f64 * GROWTH) as usize + 1;
        }
        Ok(done)
    }

    /// The greedy action at `obs` (one step of lookahead on the greedy values; the first of
    /// equal ones).
    ///
    /// # Errors
    /// A shape or argument error for a bad observation.
    pub fn predict(&self, obs: &[f64]) -> Result<usize> {
        let values = self.graph.values(obs, false, true)?;
        let mut best = 0;
        for (a, &v) in values.iter().enumerate() {
            if v > values[best] {
                best = a;
            }
        }
        Ok(best)
    }
}
