//! The acting side of the experience graph: seeded optimistic acting, the step it stores, and
//! the rebuild schedule, as in the numpy stand-in (`bench/box_experience_graph.py`).
//!
//! [`Learner::choose`] takes the action with the largest optimistic value `Q⁺` at the
//! observation (ties within 1e-9 broken by the seeded generator); [`Learner::store`] keeps the
//! step and rebuilds once a quarter of the graph's size has been stored since the last rebuild
//! (the first after 64 steps); [`Learner::predict`] is the greedy policy, one step of lookahead
//! on `Q`. [`Learner::act`] / [`Learner::observe`] pair them for one trajectory; several
//! trajectories (a vector of environments) call `choose` and `store` directly.
//!
//! A full graph (`max_nodes` steps) keeps learning: each new step overwrites a stored node
//! drawn uniformly at random, so the graph holds a sample of all steps in which a step's
//! chance to survive halves every `max_nodes · ln 2` steps after it.

use std::sync::atomic::AtomicBool;

use rand::Rng as _;
use serde::{Deserialize, Serialize};

use super::{Config, ExperienceGraph};
use crate::error::{Error, Result};
use crate::rng::{from_seed, Rng};

/// Steps stored before the first rebuild.
pub const FIRST_REBUILD: u64 = 64;
/// A rebuild follows once this fraction of the graph's size has been stored since the last.
pub const GROWTH: f64 = 1.25;
/// Optimistic values this close to the best are ties.
const TIE: f64 = 1e-9;

/// The acting state of a [`Learner`] (saved with it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    /// Steps stored in all (overwritten ones included).
    pub stored: u64,
    /// The rebuild follows when `stored` reaches this.
    pub next_rebuild: u64,
    /// `stored` when the last rebuild ended (0 before any).
    pub rebuilt_at: u64,
    /// The observation last acted on by [`Learner::act`] and its action, until `observe`.
    pub pending: Option<(Vec<f64>, usize)>,
}

/// An experience graph with its acting state (see the module documentation).
#[derive(Debug, Clone)]
pub struct Learner {
    graph: ExperienceGraph,
    rng: Rng,
    schedule: Schedule,
}

impl Learner {
    /// A learner with an empty graph; `seed` fixes its tie-breaking (None: from entropy).
    pub fn new(dim: usize, n_actions: usize, config: Config, seed: Option<u64>) -> Result<Self> {
        Ok(Learner {
            graph: ExperienceGraph::new(dim, n_actions, config)?,
            rng: from_seed(seed),
            schedule: Schedule {
                stored: 0,
                next_rebuild: FIRST_REBUILD,
                rebuilt_at: 0,
                pending: None,
            },
        })
    }

    /// A learner from its parts (a decoded file; the caller checked them).
    pub(crate) fn from_parts(graph: ExperienceGraph, rng: Rng, schedule: Schedule) -> Self {
        Learner {
            graph,
            rng,
            schedule,
        }
    }

    /// Its parts, for saving.
    pub(crate) fn parts(&self) -> (&ExperienceGraph, &Rng, &Schedule) {
        (&self.graph, &self.rng, &self.schedule)
    }

    /// The graph: stored steps and the values of its last rebuild.
    pub fn graph(&self) -> &ExperienceGraph {
        &self.graph
    }

    /// Steps stored in all, overwritten ones included.
    pub fn stored(&self) -> u64 {
        self.schedule.stored
    }

    /// Whether an action from [`act`](Self::act) waits for its outcome.
    pub fn is_pending(&self) -> bool {
        self.schedule.pending.is_some()
    }

    /// The action with the best optimistic value at `obs`, ties broken by the generator.
    ///
    /// # Errors
    /// A shape or argument error for a bad observation (the generator is then not advanced).
    pub fn choose(&mut self, obs: &[f64]) -> Result<usize> {
        let values = self.graph.values(obs, true, false)?;
        let best = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let is_tie = |v: &&f64| **v >= best - TIE;
        let ties = values.iter().filter(is_tie).count();
        // Values are finite (rewards are bounded), so the best one is a tie with itself.
        let pick = if ties <= 1 {
            0
        } else {
            self.rng.gen_range(0..ties)
        };
        Ok((values.iter().enumerate())
            .filter(|(_, v)| is_tie(v))
            .nth(pick)
            .map_or(0, |(a, _)| a))
    }

    /// Stores one step, overwriting a random node when the graph is full, and rebuilds when
    /// it is due; true if it rebuilt.
    ///
    /// `terminal` marks a true end (a time limit is not one).
    ///
    /// # Errors
    /// An argument or shape error for a bad step, with nothing changed; out of memory from
    /// storage or the rebuild (after a failed rebuild the step is stored and the previous plan
    /// kept).
    pub fn store(
        &mut self,
        obs: &[f64],
        action: usize,
        reward: f64,
        next_obs: &[f64],
        terminal: bool,
    ) -> Result<bool> {
        self.push_step(obs, action, reward, next_obs, terminal)?;
        self.rebuild_if_due()
    }

    /// [`store`](Self::store) without the rebuild: the caller runs it (see
    /// [`rebuild_due`](Self::rebuild_due)), e.g. with the GIL released.
    ///
    /// # Errors
    /// As [`store`](Self::store), without the rebuild's.
    pub fn push_step(
        &mut self,
        obs: &[f64],
        action: usize,
        reward: f64,
        next_obs: &[f64],
        terminal: bool,
    ) -> Result<()> {
        let g = &mut self.graph;
        if g.len() < g.config().max_nodes {
            g.push(obs, action, reward, next_obs, terminal)?;
        } else {
            g.check_step(obs, action, reward, next_obs)?;
            let i = self.rng.gen_range(0..g.len());
            g.replace(i, obs, action, reward, next_obs, terminal)?;
        }
        self.schedule.stored = self.schedule.stored.saturating_add(1);
        Ok(())
    }

    /// Steps stored since the last rebuild (new nodes, or overwritten ones at the cap): what a
    /// rebuild now would add to the values.
    pub fn unplanned(&self) -> u64 {
        self.schedule.stored - self.schedule.rebuilt_at
    }

    /// Stores many steps without rebuilding (a bulk load; the caller rebuilds once after). Every
    /// step is checked before any is stored, so nothing changes when one is refused.
    ///
    /// # Errors
    /// As [`push_step`](Self::push_step) for the first bad step (named by its index).
    pub fn push_steps<'a>(
        &mut self,
        steps: impl Iterator<Item = (&'a [f64], usize, f64, &'a [f64], bool)> + Clone,
    ) -> Result<()> {
        for (i, (x, a, r, x2, _)) in steps.clone().enumerate() {
            self.graph
                .check_step(x, a, r, x2)
                .map_err(|e| Error::argument(format!("step {i}"), e.to_string()))?;
        }
        for (x, a, r, x2, term) in steps {
            self.push_step(x, a, r, x2, term)?;
        }
        Ok(())
    }

    /// Whether enough steps were stored since the last rebuild for the next one.
    pub fn rebuild_due(&self) -> bool {
        self.schedule.stored >= self.schedule.next_rebuild
    }

    fn rebuild_if_due(&mut self) -> Result<bool> {
        if self.rebuild_due() {
            return self.rebuild_until(&AtomicBool::new(false));
        }
        Ok(false)
    }

    /// [`choose`](Self::choose) for one trajectory, remembering `obs` and the action for
    /// [`observe`](Self::observe).
    ///
    /// # Errors
    /// `Error::State` when the previous action's outcome was not observed; a shape or argument
    /// error for a bad observation. Nothing changes on error.
    pub fn act(&mut self, obs: &[f64]) -> Result<usize> {
        if self.schedule.pending.is_some() {
            return Err(Error::State(
                "act() called twice without observe(): report the outcome of the previous \
                 action first"
                    .into(),
            ));
        }
        let action = self.choose(obs)?;
        self.schedule.pending = Some((obs.to_vec(), action));
        Ok(action)
    }

    /// Stores the step from the last `act` ([`store`](Self::store)); true if it rebuilt.
    ///
    /// # Errors
    /// `Error::State` before `act`; otherwise as [`store`](Self::store), with the action still
    /// waiting when the step was refused.
    pub fn observe(&mut self, reward: f64, next_obs: &[f64], terminated: bool) -> Result<bool> {
        self.record(reward, next_obs, terminated)?;
        self.rebuild_if_due()
    }

    /// [`observe`](Self::observe) without the rebuild (see [`push_step`](Self::push_step)).
    ///
    /// # Errors
    /// As [`observe`](Self::observe), without the rebuild's.
    pub fn record(&mut self, reward: f64, next_obs: &[f64], terminated: bool) -> Result<()> {
        let Some((obs, action)) = self.schedule.pending.take() else {
            return Err(Error::State(
                "observe() called before act(): choose an action first".into(),
            ));
        };
        if let Err(e) = self.graph.check_step(&obs, action, reward, next_obs) {
            self.schedule.pending = Some((obs, action));
            return Err(e);
        }
        self.push_step(&obs, action, reward, next_obs, terminated)
    }

    /// Forgets an action whose outcome will not be observed (an episode cut short).
    pub fn end_episode(&mut self) {
        self.schedule.pending = None;
    }

    /// Rebuilds now unless `stop` is set meanwhile (then nothing changes and it returns false);
    /// the next scheduled rebuild follows a quarter of the graph's size more steps.
    ///
    /// # Errors
    /// As [`ExperienceGraph::rebuild_until`].
    pub fn rebuild_until(&mut self, stop: &AtomicBool) -> Result<bool> {
        let done = self.graph.rebuild_until(stop)?;
        if done {
            let n = self.graph.len();
            let more = (n as f64 * GROWTH) as u64 + 1 - n as u64;
            self.schedule.next_rebuild = self.schedule.stored.saturating_add(more);
            self.schedule.rebuilt_at = self.schedule.stored;
        }
        Ok(done)
    }

    /// Each action's greedy value at `obs` with one step of lookahead.
    ///
    /// # Errors
    /// A shape or argument error for a bad observation.
    pub fn greedy_values(&self, obs: &[f64]) -> Result<Vec<f64>> {
        self.graph.values(obs, false, true)
    }

    /// The greedy action at `obs` (one step of lookahead on the greedy values; the first of
    /// equal ones).
    ///
    /// # Errors
    /// A shape or argument error for a bad observation.
    pub fn predict(&self, obs: &[f64]) -> Result<usize> {
        let values = self.greedy_values(obs)?;
        let mut best = 0;
        for (a, &v) in values.iter().enumerate() {
            if v > values[best] {
                best = a;
            }
        }
        Ok(best)
    }
}
