//! `PredatorPrey`: predators and prey on one square grid, all moving at the same time.
//!
//! Agents are numbered predators first (`0..n_predators`), then prey. Every cycle each live
//! agent picks one of five actions (0 stay, 1 up, 2 right, 3 down, 4 left); a move off the grid
//! leaves the animal in place, and a prey's move happens only with probability
//! `prey_move_probability` (it stays otherwise). After the moves a prey is *captured* when a
//! predator stands on its cell, or when a predator and the prey swapped cells. Each capturing
//! predator gets `capture_reward`, the prey gets `−capture_reward` and leaves the game; every
//! other reward is 0. The episode terminates for everyone when the last prey is captured and is
//! truncated after `max_cycles` cycles.
//!
//! An agent observes the offset (Δrow, Δcol) from itself to the nearest live animal of the
//! other kind (Manhattan distance, ties to the lower index), shifted by `size − 1` into
//! `0..2·size − 1` each; (size − 1, size − 1) when there is none.

use super::check_probability;
use crate::error::{Error, Result};
use crate::rng::{self, Rng};
use rand::Rng as _;

/// Parameters of [`PredatorPrey`].
#[derive(Clone, Debug, PartialEq)]
pub struct PredatorPreyConfig {
    /// Side length of the grid (≥ 2).
    pub size: u32,
    /// Number of predators (≥ 1).
    pub n_predators: u32,
    /// Number of prey (≥ 1).
    pub n_prey: u32,
    /// Cycles before the episode is truncated (≥ 1).
    pub max_cycles: u32,
    /// Probability that a prey's move is carried out.
    pub prey_move_probability: f64,
    /// Reward of a capture (predator +, prey −); finite and > 0.
    pub capture_reward: f64,
}

impl Default for PredatorPreyConfig {
    fn default() -> Self {
        PredatorPreyConfig {
            size: 7,
            n_predators: 2,
            n_prey: 2,
            max_cycles: 50,
            prey_move_probability: 1.0,
            capture_reward: 1.0,
        }
    }
}

/// What one cycle did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PredatorPreyStep {
    /// Reward of each agent (0 for agents that were already out).
    pub rewards: Vec<f64>,
    /// Terminated flag of each agent (captured prey; everyone when no prey is left).
    pub terminated: Vec<bool>,
    /// Truncated flag of each agent (step limit).
    pub truncated: Vec<bool>,
    /// Prey captured in this cycle (agent indices).
    pub captured: Vec<u32>,
}

/// The predator–prey environment (see the module documentation).
#[derive(Clone, Debug)]
pub struct PredatorPrey {
    config: PredatorPreyConfig,
    positions: Vec<(u32, u32)>,
    alive: Vec<bool>,
    cycles: u32,
    running: bool,
    rng: Rng,
}

impl PredatorPrey {
    /// Number of actions of every agent.
    pub const N_ACTIONS: u32 = 5;

    /// A new environment; call [`reset`](Self::reset) before stepping.
    pub fn new(config: PredatorPreyConfig, seed: Option<u64>) -> Result<Self> {
        let c = &config;
        if !(2..=256).contains(&c.size) {
            return Err(Error::config(
                "size",
                format!("must be in 2..=256, got {}", c.size),
            ));
        }
        if c.n_predators == 0 {
            return Err(Error::config("n_predators", "must be at least 1"));
        }
        if c.n_prey == 0 {
            return Err(Error::config("n_prey", "must be at least 1"));
        }
        if u64::from(c.n_predators) + u64::from(c.n_prey) > u64::from(c.size * c.size) {
            return Err(Error::config(
                "n_predators",
                format!(
                    "{} predators and {} prey do not fit on a {}x{} grid",
                    c.n_predators, c.n_prey, c.size, c.size
                ),
            ));
        }
        if c.max_cycles == 0 {
            return Err(Error::config("max_cycles", "must be at least 1"));
        }
        check_probability("prey_move_probability", c.prey_move_probability)?;
        if !(c.capture_reward.is_finite() && c.capture_reward > 0.0) {
            return Err(Error::config(
                "capture_reward",
                format!("must be finite and > 0, got {}", c.capture_reward),
            ));
        }
        let n = (c.n_predators + c.n_prey) as usize;
        Ok(PredatorPrey {
            positions: vec![(0, 0); n],
            alive: vec![false; n],
            cycles: 0,
            running: false,
            rng: rng::from_seed(seed),
            config,
        })
    }

    /// The parameters.
    pub fn config(&self) -> &PredatorPreyConfig {
        &self.config
    }

    /// Number of agents (predators + prey).
    pub fn n_agents(&self) -> usize {
        self.positions.len()
    }

    /// Whether agent `i` is a predator.
    pub fn is_predator(&self, i: usize) -> bool {
        i < self.config.n_predators as usize
    }

    /// Whether agent `i` is still in the game.
    pub fn is_alive(&self, i: usize) -> bool {
        self.alive.get(i).copied().unwrap_or(false)
    }

    /// (row, col) of agent `i` (the last cell of a captured prey).
    pub fn position(&self, i: usize) -> (u32, u32) {
        self.positions[i]
    }

    /// Cycles played in this episode.
    pub fn cycles(&self) -> u32 {
        self.cycles
    }

    /// Whether an episode is running.
    pub fn is_running(&self) -> bool {
        self.running
    }

    /// Number of prey still in the game.
    pub fn prey_alive(&self) -> usize {
        let first_prey = self.config.n_predators as usize;
        self.alive[first_prey..].iter().filter(|&&a| a).count()
    }

    /// Starts an episode: every animal on a distinct uniformly drawn cell.
    pub fn reset(&mut self, seed: Option<u64>) {
        if let Some(s) = seed {
            self.rng = rng::from_seed(Some(s));
        }
        let size = self.config.size;
        let mut cells: Vec<u32> = (0..size * size).collect();
        for i in 0..self.positions.len() {
            let j = self.rng.gen_range(i..cells.len());
            cells.swap(i, j);
            self.positions[i] = (cells[i] / size, cells[i] % size);
        }
        self.alive.iter_mut().for_each(|a| *a = true);
        self.cycles = 0;
        self.running = true;
    }

    /// The observation of agent `i` (see the module documentation).
    pub fn observe(&self, i: usize) -> (u32, u32) {
        let centre = self.config.size - 1;
        let me = self.positions[i];
        let predator = self.is_predator(i);
        let nearest = (0..self.n_agents())
            .filter(|&j| self.alive[j] && self.is_predator(j) != predator)
            .min_by_key(|&j| {
                let p = self.positions[j];
                (p.0.abs_diff(me.0) + p.1.abs_diff(me.1), j)
            });
        match nearest {
            None => (centre, centre),
            Some(j) => {
                let p = self.positions[j];
                (p.0 + centre - me.0, p.1 + centre - me.1)
            }
        }
    }

    fn moved(&self, (r, c): (u32, u32), action: u32) -> (u32, u32) {
        let last = self.config.size - 1;
        match action {
            1 if r > 0 => (r - 1, c),
            2 if c < last => (r, c + 1),
            3 if r < last => (r + 1, c),
            4 if c > 0 => (r, c - 1),
            _ => (r, c),
        }
    }

    /// One cycle. `actions` holds one action per agent; entries of agents out of the game are
    /// ignored. Fails (changing nothing) on a wrong length, an action ≥ 5, or no running episode.
    pub fn step(&mut self, actions: &[u32]) -> Result<PredatorPreyStep> {
        self.check_actions(actions)?;
        if !self.running {
            return Err(super::not_running());
        }
        let n = self.n_agents();
        let old = self.move_animals(actions);
        self.cycles += 1;
        let mut out = PredatorPreyStep {
            rewards: vec![0.0; n],
            terminated: vec![false; n],
            truncated: vec![false; n],
            captured: Vec::new(),
        };
        self.capture(&old, &mut out);
        self.end_if_over(&mut out);
        Ok(out)
    }

    /// One action per agent, each < 5 for the agents in the game.
    fn check_actions(&self, actions: &[u32]) -> Result<()> {
        let n = self.n_agents();
        if actions.len() != n {
            return Err(Error::shape(
                "actions",
                format!("expected one action per agent ({n}), got {}", actions.len()),
            ));
        }
        if let Some((i, &a)) = actions
            .iter()
            .enumerate()
            .find(|&(i, &a)| self.alive[i] && a >= Self::N_ACTIONS)
        {
            return Err(Error::argument(
                "actions",
                format!("agent {i}: action must be in 0..5, got {a}"),
            ));
        }
        Ok(())
    }

    /// Moves every animal in the game by its action (a prey only with probability
    /// `prey_move_probability`); returns the positions before the move.
    fn move_animals(&mut self, actions: &[u32]) -> Vec<(u32, u32)> {
        let old = self.positions.clone();
        for i in 0..self.n_agents() {
            if !self.alive[i] {
                continue;
            }
            let moves = self.is_predator(i)
                || self.config.prey_move_probability >= 1.0
                || self.rng.gen::<f64>() < self.config.prey_move_probability;
            if moves {
                self.positions[i] = self.moved(old[i], actions[i]);
            }
        }
        old
    }

    /// Captures: a prey on a predator's cell, or that swapped cells with one, leaves the game
    /// with `−capture_reward`; each predator that caught it gains `capture_reward`.
    fn capture(&mut self, old: &[(u32, u32)], out: &mut PredatorPreyStep) {
        let n_pred = self.config.n_predators as usize;
        let reward = self.config.capture_reward;
        for j in n_pred..self.n_agents() {
            if !self.alive[j] {
                continue;
            }
            let mut caught = false;
            for i in 0..n_pred {
                let swapped = self.positions[i] == old[j] && old[i] == self.positions[j];
                if self.positions[i] == self.positions[j] || swapped {
                    out.rewards[i] += reward;
                    caught = true;
                }
            }
            if caught {
                out.rewards[j] = -reward;
                out.terminated[j] = true;
                out.captured.push(j as u32);
            }
        }
        for &j in &out.captured {
            self.alive[j as usize] = false;
        }
    }

    /// Ends the episode when no prey is left (the predators terminate) or at `max_cycles`
    /// (everyone still in the game is truncated).
    fn end_if_over(&mut self, out: &mut PredatorPreyStep) {
        let n_pred = self.config.n_predators as usize;
        if self.prey_alive() == 0 {
            for i in 0..n_pred {
                out.terminated[i] = true;
                self.alive[i] = false;
            }
            self.running = false;
        } else if self.cycles >= self.config.max_cycles {
            for i in 0..self.n_agents() {
                if self.alive[i] {
                    out.truncated[i] = true;
                    self.alive[i] = false;
                }
            }
            self.running = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(env: &mut PredatorPrey, cells: &[(u32, u32)]) {
        env.reset(Some(0));
        env.positions.copy_from_slice(cells);
    }

    fn one_on_one() -> PredatorPrey {
        let config = PredatorPreyConfig {
            size: 5,
            n_predators: 1,
            n_prey: 1,
            ..Default::default()
        };
        PredatorPrey::new(config, Some(3)).unwrap()
    }

    #[test]
    fn reset_places_everyone_on_distinct_cells_reproducibly() {
        let mut a = PredatorPrey::new(PredatorPreyConfig::default(), None).unwrap();
        let mut b = a.clone();
        a.reset(Some(11));
        b.reset(Some(11));
        assert_eq!(a.positions, b.positions);
        let mut cells = a.positions.clone();
        cells.sort();
        cells.dedup();
        assert_eq!(cells.len(), a.n_agents());
    }

    #[test]
    fn moving_onto_the_prey_captures_it_and_ends_the_episode() {
        let mut env = one_on_one();
        place(&mut env, &[(2, 2), (2, 4)]);
        assert_eq!(env.observe(0), (4, 6));
        assert_eq!(env.observe(1), (4, 2));
        // Predator moves right, prey stays: (2, 3) vs (2, 4), no capture.
        let s = env.step(&[2, 0]).unwrap();
        assert!(s.captured.is_empty());
        let s = env.step(&[2, 0]).unwrap();
        assert_eq!(s.captured, vec![1]);
        assert_eq!(s.rewards, vec![1.0, -1.0]);
        assert_eq!(s.terminated, vec![true, true]);
        assert!(!env.is_running());
        assert!(env.step(&[0, 0]).is_err());
    }

    #[test]
    fn swapping_cells_counts_as_a_capture() {
        let mut env = one_on_one();
        place(&mut env, &[(1, 1), (1, 2)]);
        let s = env.step(&[2, 4]).unwrap();
        assert_eq!(s.captured, vec![1]);
    }

    #[test]
    fn the_step_limit_truncates_everyone_alive() {
        let config = PredatorPreyConfig {
            max_cycles: 1,
            ..Default::default()
        };
        let mut env = PredatorPrey::new(config, Some(0)).unwrap();
        place(&mut env, &[(0, 0), (0, 6), (6, 0), (6, 6)]);
        let s = env.step(&[0; 4]).unwrap();
        assert_eq!(s.truncated, vec![true; 4]);
        assert_eq!(s.terminated, vec![false; 4]);
    }

    #[test]
    fn bad_input_is_rejected_without_side_effects() {
        let mut env = PredatorPrey::new(PredatorPreyConfig::default(), Some(0)).unwrap();
        assert!(env.step(&[0; 4]).is_err(), "before reset");
        env.reset(None);
        let before = env.positions.clone();
        assert!(env.step(&[0; 3]).is_err());
        assert!(env.step(&[0, 0, 9, 0]).is_err());
        assert_eq!(env.positions, before);
        assert_eq!(env.cycles(), 0);
        let too_many = PredatorPreyConfig {
            size: 2,
            n_predators: 3,
            n_prey: 2,
            ..Default::default()
        };
        assert!(PredatorPrey::new(too_many, None).is_err());
        let bad_p = PredatorPreyConfig {
            prey_move_probability: -0.1,
            ..Default::default()
        };
        assert!(PredatorPrey::new(bad_p, None).is_err());
    }
}
