//! `Chain`: a corridor of `length` cells with a single reward at the far end.
//!
//! The agent starts in cell 0. Action 0 moves left (bumping into the wall at cell 0 keeps it
//! there), action 1 moves right. Entering the last cell gives reward 1 and ends the episode;
//! every other step gives 0. With probability `slip` the opposite move is made instead. The
//! episode is truncated after `max_steps` steps. A random walk needs about `length²` steps to
//! reach the end, so the chain measures directed exploration.

use super::{bad_action, check_probability, not_running, DiscreteEnv, Transition};
use crate::error::{Error, Result};
use crate::rng::{self, Rng};
use rand::Rng as _;
use serde::{Deserialize, Serialize};

/// The chain environment (see the module documentation). Serializable with its state and
/// generator (saved populations); check a decoded one with [`check_state`](Self::check_state).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Chain {
    length: u32,
    slip: f64,
    max_steps: u32,
    position: u32,
    steps: u32,
    running: bool,
    rng: Rng,
}

impl Chain {
    /// Move left.
    pub const LEFT: u32 = 0;
    /// Move right.
    pub const RIGHT: u32 = 1;

    /// A chain of `length` ≥ 2 cells; `max_steps` ≥ 1 (`None`: `10 · length`).
    pub fn new(length: u32, slip: f64, max_steps: Option<u32>, seed: Option<u64>) -> Result<Self> {
        if length < 2 {
            return Err(Error::config(
                "length",
                format!("must be at least 2, got {length}"),
            ));
        }
        check_probability("slip", slip)?;
        let max_steps = max_steps.unwrap_or_else(|| length.saturating_mul(10));
        if max_steps == 0 {
            return Err(Error::config("max_steps", "must be at least 1"));
        }
        Ok(Chain {
            length,
            slip,
            max_steps,
            position: 0,
            steps: 0,
            running: false,
            rng: rng::from_seed(seed),
        })
    }

    /// Number of cells.
    pub fn length(&self) -> u32 {
        self.length
    }

    /// Checks the invariants `new` and `step` keep (for an environment decoded from a file).
    pub fn check_state(&self) -> Result<()> {
        let bad = |reason: String| Err(Error::State(format!("inconsistent Chain: {reason}")));
        if self.length < 2 || self.max_steps == 0 {
            return bad(format!(
                "length {} max_steps {}",
                self.length, self.max_steps
            ));
        }
        check_probability("slip", self.slip)?;
        if self.position >= self.length || self.steps > self.max_steps {
            return bad(format!("position {} steps {}", self.position, self.steps));
        }
        Ok(())
    }

    /// Probability that a move goes the opposite way.
    pub fn slip(&self) -> f64 {
        self.slip
    }

    /// Step limit of an episode.
    pub fn max_steps(&self) -> u32 {
        self.max_steps
    }

    /// Current cell.
    pub fn position(&self) -> u32 {
        self.position
    }

    /// Steps taken in the current episode.
    pub fn steps(&self) -> u32 {
        self.steps
    }
}

impl DiscreteEnv for Chain {
    fn n_observations(&self) -> u64 {
        u64::from(self.length)
    }

    fn n_actions(&self) -> u32 {
        2
    }

    fn reset(&mut self, seed: Option<u64>) -> u64 {
        if let Some(s) = seed {
            self.rng = rng::from_seed(Some(s));
        }
        self.position = 0;
        self.steps = 0;
        self.running = true;
        0
    }

    fn step(&mut self, action: u32) -> Result<Transition> {
        if action >= 2 {
            return Err(bad_action(action, 2));
        }
        if !self.running {
            return Err(not_running());
        }
        let mut right = action == Self::RIGHT;
        if self.slip > 0.0 && self.rng.gen::<f64>() < self.slip {
            right = !right;
        }
        if right {
            self.position += 1;
        } else {
            self.position = self.position.saturating_sub(1);
        }
        self.steps += 1;
        let terminated = self.position == self.length - 1;
        let truncated = !terminated && self.steps >= self.max_steps;
        self.running = !(terminated || truncated);
        Ok(Transition {
            observation: u64::from(self.position),
            reward: if terminated { 1.0 } else { 0.0 },
            terminated,
            truncated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walking_right_reaches_the_reward_in_length_minus_one_steps() {
        let mut env = Chain::new(5, 0.0, None, Some(0)).unwrap();
        assert_eq!(env.reset(None), 0);
        for k in 1..4 {
            let t = env.step(Chain::RIGHT).unwrap();
            assert_eq!((t.observation, t.reward, t.terminated), (k, 0.0, false));
        }
        let t = env.step(Chain::RIGHT).unwrap();
        assert_eq!(
            (t.observation, t.reward, t.terminated, t.truncated),
            (4, 1.0, true, false)
        );
        assert!(
            env.step(Chain::RIGHT).is_err(),
            "stepping a finished episode must fail"
        );
    }

    #[test]
    fn left_wall_keeps_the_agent_in_place_and_the_limit_truncates() {
        let mut env = Chain::new(4, 0.0, Some(3), None).unwrap();
        env.reset(None);
        assert_eq!(env.step(Chain::LEFT).unwrap().observation, 0);
        assert!(!env.step(Chain::LEFT).unwrap().truncated);
        let t = env.step(Chain::LEFT).unwrap();
        assert!(t.truncated && !t.terminated);
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(Chain::new(1, 0.0, None, None).is_err());
        assert!(Chain::new(3, 1.5, None, None).is_err());
        assert!(Chain::new(3, f64::NAN, None, None).is_err());
        assert!(Chain::new(3, 0.0, Some(0), None).is_err());
        let mut env = Chain::new(3, 0.0, None, None).unwrap();
        assert!(env.step(0).is_err(), "step before reset");
        env.reset(None);
        assert!(env.step(2).is_err());
        assert_eq!(env.steps(), 0, "a rejected action changes nothing");
    }

    #[test]
    fn slipping_is_reproducible_for_a_seed() {
        let run = |seed| {
            let mut env = Chain::new(10, 0.3, None, None).unwrap();
            env.reset(Some(seed));
            (0..9)
                .map(|_| env.step(1).unwrap().observation)
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }
}
