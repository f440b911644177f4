//! Built-in environments (pure Rust, seeded).
//!
//! * [`Chain`]: a corridor with a sparse reward at its far end (exploration test).
//! * [`GridWorld`]: a square grid with walls, a goal and a step cost (shortest-path test).
//! * [`PredatorPrey`]: several predators and prey on one grid, all moving at once (multi-agent).
//! * [`DeepSea`] and [`RiverSwim`]: exploration benchmarks (bsuite's deep sea; Strehl & Littman).
//!
//! The single-agent environments implement [`DiscreteEnv`], so an agent can run whole episodes
//! on them without leaving Rust. Observations are integer indices; the Python wrappers expose
//! them as Gymnasium `Discrete` spaces. Dynamics and rewards are written down in
//! `docs/guide/environments.md`.

mod chain;
pub mod cognitive;
mod deep_sea;
mod grid_world;
mod predator_prey;
mod river_swim;

pub use chain::Chain;
pub use deep_sea::DeepSea;
pub use grid_world::{GridWorld, GridWorldAction};
pub use predator_prey::{PredatorPrey, PredatorPreyConfig, PredatorPreyStep};
pub use river_swim::RiverSwim;

use crate::error::{Error, Result};

/// The outcome of one step of a single-agent environment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transition {
    /// The next observation (an index into the observation space).
    pub observation: u64,
    /// The reward of this step.
    pub reward: f64,
    /// The episode reached a terminal state.
    pub terminated: bool,
    /// The episode was cut by the environment's step limit.
    pub truncated: bool,
}

/// A single-agent environment with discrete observations and actions (Gymnasium semantics).
pub trait DiscreteEnv {
    /// Number of distinct observations.
    fn n_observations(&self) -> u64;
    /// Number of actions.
    fn n_actions(&self) -> u32;
    /// Starts a new episode; `Some(seed)` reseeds the environment's generator first.
    fn reset(&mut self, seed: Option<u64>) -> u64;
    /// Applies one action. Fails on an action outside `0..n_actions()` or when no episode is
    /// running (before the first `reset`, or after the episode ended).
    fn step(&mut self, action: u32) -> Result<Transition>;
}

/// The error for a step outside a running episode.
pub(crate) fn not_running() -> Error {
    Error::State("the episode is over (or never started): call reset() before step()".into())
}

/// The error for an action index out of range.
pub(crate) fn bad_action(action: u32, n: u32) -> Error {
    Error::argument("action", format!("must be in 0..{n}, got {action}"))
}

/// Checks a probability argument.
pub(crate) fn check_probability(field: &str, p: f64) -> Result<()> {
    if p.is_finite() && (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(Error::config(field, format!("must be in [0, 1], got {p}")))
    }
}
