//! `RiverSwim`: a chain of states against a current; a trickle of reward at the near bank,
//! a large one upstream.
//!
//! Introduced by Strehl & Littman (2008, "An analysis of model-based Interval Estimation for
//! Markov Decision Processes", JCSS 74(8)); the probabilities and rewards here are those of the
//! variant of Osband, Russo & Van Roy (2013, "(More) Efficient Reinforcement Learning via
//! Posterior Sampling", NeurIPS), which most later work uses. States `0 .. n_states`; the agent
//! starts in state 0. Action 0 (swim downstream, left) always moves one state left; taking it
//! in state 0 keeps the agent there and pays `left_reward` (0.005). Action 1 (swim upstream,
//! right) fights the current: in state 0 it moves right with probability 0.6 and stays with
//! 0.4; in the middle states it moves right with 0.35, stays with 0.6 and drifts left with
//! 0.05; in the last state it stays with 0.6, paying `right_reward` (1), and drifts left with
//! 0.4. Swimming right in every state is optimal (for discounts near 1 and episodes long
//! enough to reach the far end), but an agent that follows its first rewards stays at the
//! near bank.
//!
//! The task is continuing: there is no terminal state, and the episode is truncated after
//! `max_steps` steps (20, as in Osband et al.).

use super::{bad_action, not_running, DiscreteEnv, Transition};
use crate::error::{Error, Result};
use crate::rng::{self, Rng};
use rand::Rng as _;
use serde::{Deserialize, Serialize};

/// The river-swim environment (see the module documentation). Serializable with its state
/// and generator; check a decoded one with [`check_state`](Self::check_state).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RiverSwim {
    n_states: u32,
    max_steps: u32,
    left_reward: f64,
    right_reward: f64,
    position: u32,
    steps: u32,
    running: bool,
    rng: Rng,
}

impl RiverSwim {
    /// Swim downstream (left).
    pub const LEFT: u32 = 0;
    /// Swim upstream (right).
    pub const RIGHT: u32 = 1;
    /// Largest accepted `n_states`.
    pub const MAX_STATES: u32 = 1 << 20;

    /// A river of `2 ≤ n_states ≤ MAX_STATES` states, episodes of `max_steps ≥ 1` steps
    /// (`None`: 20), finite rewards.
    pub fn new(
        n_states: u32,
        max_steps: Option<u32>,
        left_reward: f64,
        right_reward: f64,
        seed: Option<u64>,
    ) -> Result<Self> {
        if !(2..=Self::MAX_STATES).contains(&n_states) {
            return Err(Error::config(
                "n_states",
                format!("must be in 2..={}, got {n_states}", Self::MAX_STATES),
            ));
        }
        let max_steps = max_steps.unwrap_or(20);
        if max_steps == 0 {
            return Err(Error::config("max_steps", "must be at least 1"));
        }
        for (name, r) in [("left_reward", left_reward), ("right_reward", right_reward)] {
            if !r.is_finite() {
                return Err(Error::config(name, format!("must be finite, got {r}")));
            }
        }
        Ok(RiverSwim {
            n_states,
            max_steps,
            left_reward,
            right_reward,
            position: 0,
            steps: 0,
            running: false,
            rng: rng::from_seed(seed),
        })
    }

    /// The probabilities (left, stay, right) of the upstream action in `state`.
    pub fn upstream_probabilities(&self, state: u32) -> (f64, f64, f64) {
        if state == 0 {
            (0.0, 0.4, 0.6)
        } else if state + 1 == self.n_states {
            (0.4, 0.6, 0.0)
        } else {
            (0.05, 0.6, 0.35)
        }
    }

    /// Checks the invariants `new` and `step` keep (for an environment decoded from a file).
    pub fn check_state(&self) -> Result<()> {
        let bad = |reason: String| Err(Error::State(format!("inconsistent RiverSwim: {reason}")));
        if !(2..=Self::MAX_STATES).contains(&self.n_states)
            || self.max_steps == 0
            || !self.left_reward.is_finite()
            || !self.right_reward.is_finite()
        {
            return bad(format!(
                "n_states {} max_steps {}",
                self.n_states, self.max_steps
            ));
        }
        if self.position >= self.n_states || self.steps > self.max_steps {
            return bad(format!("position {} steps {}", self.position, self.steps));
        }
        Ok(())
    }

    /// Number of states.
    pub fn n_states(&self) -> u32 {
        self.n_states
    }

    /// Step limit of an episode.
    pub fn max_steps(&self) -> u32 {
        self.max_steps
    }

    /// Reward for swimming left in state 0.
    pub fn left_reward(&self) -> f64 {
        self.left_reward
    }

    /// Reward for swimming right in the last state and staying there.
    pub fn right_reward(&self) -> f64 {
        self.right_reward
    }

    /// Current state.
    pub fn position(&self) -> u32 {
        self.position
    }

    /// Steps taken in the current episode.
    pub fn steps(&self) -> u32 {
        self.steps
    }
}

impl DiscreteEnv for RiverSwim {
    fn n_observations(&self) -> u64 {
        u64::from(self.n_states)
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
        let last = self.n_states - 1;
        let from = self.position;
        let mut reward = 0.0;
        if action == Self::LEFT {
            if from == 0 {
                reward = self.left_reward;
            }
            self.position = from.saturating_sub(1);
        } else {
            let (left, stay, _) = self.upstream_probabilities(from);
            let u = self.rng.gen::<f64>();
            if u < left {
                self.position = from - 1;
            } else if u >= left + stay {
                self.position = from + 1;
            }
            if from == last && self.position == last {
                reward = self.right_reward;
            }
        }
        self.steps += 1;
        let truncated = self.steps >= self.max_steps;
        self.running = !truncated;
        Ok(Transition {
            observation: u64::from(self.position),
            reward,
            terminated: false,
            truncated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swimming_left_is_deterministic_and_pays_only_at_the_bank() {
        let mut env = RiverSwim::new(6, Some(10), 0.005, 1.0, Some(0)).unwrap();
        env.reset(None);
        let t = env.step(RiverSwim::LEFT).unwrap();
        assert_eq!((t.observation, t.reward, t.terminated), (0, 0.005, false));
        env.position = 3;
        let t = env.step(RiverSwim::LEFT).unwrap();
        assert_eq!((t.observation, t.reward), (2, 0.0));
    }

    #[test]
    fn swimming_right_reaches_the_far_end_and_pays_there() {
        let mut env = RiverSwim::new(6, Some(1000), 0.005, 1.0, Some(1)).unwrap();
        env.reset(None);
        let mut total = 0.0;
        let mut moves = [0u32; 3];
        for _ in 0..1000 {
            let from = env.position();
            let t = env.step(RiverSwim::RIGHT).unwrap();
            total += t.reward;
            if (1..5).contains(&from) {
                moves[(t.observation as i64 - from as i64 + 1) as usize] += 1;
            }
        }
        assert!(total > 200.0, "the far end pays 1 per stay: {total}");
        let n: u32 = moves.iter().sum();
        let right = f64::from(moves[2]) / f64::from(n);
        assert!(
            (0.25..0.45).contains(&right),
            "middle states move right {right}"
        );
    }

    #[test]
    fn the_step_limit_truncates_and_nothing_terminates() {
        let mut env = RiverSwim::new(3, Some(2), 0.0, 1.0, None).unwrap();
        env.reset(None);
        let t = env.step(0).unwrap();
        assert!(!t.terminated && !t.truncated);
        let t = env.step(1).unwrap();
        assert!(!t.terminated && t.truncated);
        assert!(env.step(0).is_err());
    }

    #[test]
    fn seeds_reproduce_the_current() {
        let run = |seed| {
            let mut env = RiverSwim::new(6, Some(50), 0.005, 1.0, None).unwrap();
            env.reset(Some(seed));
            (0..50)
                .map(|_| env.step(1).unwrap().observation)
                .collect::<Vec<_>>()
        };
        assert_eq!(run(4), run(4));
        assert_ne!(run(4), run(5));
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(RiverSwim::new(1, None, 0.0, 1.0, None).is_err());
        assert!(RiverSwim::new(0, None, 0.0, 1.0, None).is_err());
        assert!(RiverSwim::new(RiverSwim::MAX_STATES + 1, None, 0.0, 1.0, None).is_err());
        assert!(RiverSwim::new(6, Some(0), 0.0, 1.0, None).is_err());
        assert!(RiverSwim::new(6, None, f64::NAN, 1.0, None).is_err());
        assert!(RiverSwim::new(6, None, 0.0, f64::INFINITY, None).is_err());
        let mut env = RiverSwim::new(6, None, 0.005, 1.0, None).unwrap();
        assert!(env.step(0).is_err(), "step before reset");
        env.reset(None);
        assert!(env.step(2).is_err());
        assert_eq!(env.steps(), 0, "a rejected action changes nothing");
        env.check_state().unwrap();
    }
}
