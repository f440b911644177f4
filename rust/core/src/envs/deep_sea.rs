//! `DeepSea`: an N × N grid where only one action sequence out of 2^N earns the reward.
//!
//! After bsuite's `deep_sea` (Osband et al. 2020, "Behaviour Suite for Reinforcement
//! Learning", ICLR; the environment from Osband et al. 2019, "Deep Exploration via Randomized
//! Value Functions", JMLR). The agent starts in the top-left cell (row 0, column 0) and descends
//! one row per step, so an episode lasts exactly `size` steps. In every cell one action moves
//! it one column right and the other one column left (clamped at column 0); which action is
//! "right" is drawn per cell from `mapping_seed` (fixed for the environment's lifetime, so it is
//! the same world in every episode). A right move costs `move_cost / size`; taking the right
//! move in the last column gives +1, which happens only on the last step of the all-right path.
//! The optimal return is `1 − move_cost`, a policy that never moves right gets 0, and an agent
//! that dithers finds the reward with probability 2^−N per episode.
//!
//! With `deterministic = false` (bsuite's `deep_sea_stochastic`), a right move fails (the
//! column stays) with probability `1/size`, and the last step from column 0 or the last column
//! adds standard normal noise to the reward.
//!
//! Observations are `row · size + col` while the episode runs and `size²` (a single "end"
//! index, bsuite's empty observation) after the last step.

use super::{bad_action, not_running, DiscreteEnv, Transition};
use crate::error::{Error, Result};
use crate::rng::{self, derive_seed, Rng};
use rand::Rng as _;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

/// The deep-sea environment (see the module documentation). Serializable with its state and
/// generator; check a decoded one with [`check_state`](Self::check_state).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeepSea {
    size: u32,
    deterministic: bool,
    randomize_actions: bool,
    mapping_seed: u64,
    move_cost: f64,
    row: u32,
    column: u32,
    running: bool,
    rng: Rng,
}

impl DeepSea {
    /// Largest accepted `size` (10⁸ cells; the action mapping is computed, never stored).
    pub const MAX_SIZE: u32 = 10_000;

    /// A `size × size` deep sea, `1 ≤ size ≤ MAX_SIZE`; `move_cost` ≥ 0 and finite is the cost
    /// of the whole all-right path (bsuite's `unscaled_move_cost`, default 0.01). Without
    /// `randomize_actions`, action 1 is "right" in every cell (bsuite's debug mode).
    /// `seed` seeds the noise of the stochastic variant.
    pub fn new(
        size: u32,
        deterministic: bool,
        move_cost: f64,
        randomize_actions: bool,
        mapping_seed: u64,
        seed: Option<u64>,
    ) -> Result<Self> {
        if !(1..=Self::MAX_SIZE).contains(&size) {
            return Err(Error::config(
                "size",
                format!("must be in 1..={}, got {size}", Self::MAX_SIZE),
            ));
        }
        if !(move_cost.is_finite() && move_cost >= 0.0) {
            return Err(Error::config(
                "move_cost",
                format!("must be finite and >= 0, got {move_cost}"),
            ));
        }
        Ok(DeepSea {
            size,
            deterministic,
            randomize_actions,
            mapping_seed,
            move_cost,
            row: 0,
            column: 0,
            running: false,
            rng: rng::from_seed(seed),
        })
    }

    /// Checks the invariants `new` and `step` keep (for an environment decoded from a file).
    pub fn check_state(&self) -> Result<()> {
        let bad = |reason: String| Err(Error::State(format!("inconsistent DeepSea: {reason}")));
        if !(1..=Self::MAX_SIZE).contains(&self.size)
            || !(self.move_cost.is_finite() && self.move_cost >= 0.0)
        {
            return bad(format!("size {} move_cost {}", self.size, self.move_cost));
        }
        if self.row > self.size || self.column > self.row.min(self.size - 1) {
            return bad(format!("row {} column {}", self.row, self.column));
        }
        if self.running && self.row == self.size {
            return bad("running past the last row".into());
        }
        Ok(())
    }

    /// The action that moves right in cell (`row`, `column`): 0 or 1.
    pub fn right_action(&self, row: u32, column: u32) -> u32 {
        if !self.randomize_actions {
            return 1;
        }
        let cell = u64::from(row) * u64::from(self.size) + u64::from(column);
        (derive_seed(self.mapping_seed, cell) & 1) as u32
    }

    /// Side length N.
    pub fn size(&self) -> u32 {
        self.size
    }

    /// Whether right moves always succeed and rewards carry no noise.
    pub fn deterministic(&self) -> bool {
        self.deterministic
    }

    /// Whether the meaning of the actions is drawn per cell.
    pub fn randomize_actions(&self) -> bool {
        self.randomize_actions
    }

    /// The seed of the action mapping.
    pub fn mapping_seed(&self) -> u64 {
        self.mapping_seed
    }

    /// Cost of the whole all-right path (each right move costs `move_cost / size`).
    pub fn move_cost(&self) -> f64 {
        self.move_cost
    }

    /// Current row (`size` after the last step).
    pub fn row(&self) -> u32 {
        self.row
    }

    /// Current column.
    pub fn column(&self) -> u32 {
        self.column
    }

    /// The observation index of (`row`, `column`), or of the end when `row == size`.
    pub fn observation_of(&self, row: u32, column: u32) -> u64 {
        let n = u64::from(self.size);
        if row >= self.size {
            n * n
        } else {
            u64::from(row) * n + u64::from(column)
        }
    }
}

impl DiscreteEnv for DeepSea {
    fn n_observations(&self) -> u64 {
        u64::from(self.size) * u64::from(self.size) + 1
    }

    fn n_actions(&self) -> u32 {
        2
    }

    fn reset(&mut self, seed: Option<u64>) -> u64 {
        if let Some(s) = seed {
            self.rng = rng::from_seed(Some(s));
        }
        self.row = 0;
        self.column = 0;
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
        let last = self.size - 1;
        let right = action == self.right_action(self.row, self.column);
        let mut reward = 0.0;
        if right && self.column == last {
            reward += 1.0;
        }
        if !self.deterministic && self.row == last && (self.column == 0 || self.column == last) {
            reward += self.rng.sample::<f64, _>(StandardNormal);
        }
        if right {
            let fails = !self.deterministic && self.rng.gen::<f64>() < 1.0 / f64::from(self.size);
            if !fails {
                self.column = (self.column + 1).min(last);
            }
            reward -= self.move_cost / f64::from(self.size);
        } else {
            self.column = self.column.saturating_sub(1);
        }
        self.row += 1;
        let terminated = self.row == self.size;
        self.running = !terminated;
        Ok(Transition {
            observation: self.observation_of(self.row, self.column),
            reward,
            terminated,
            truncated: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn play(env: &mut DeepSea, rights: &[bool]) -> (f64, Vec<u64>) {
        env.reset(None);
        let mut total = 0.0;
        let mut obs = Vec::new();
        for &go_right in rights {
            let r = env.right_action(env.row(), env.column());
            let t = env.step(if go_right { r } else { 1 - r }).unwrap();
            total += t.reward;
            obs.push(t.observation);
        }
        (total, obs)
    }

    #[test]
    fn the_all_right_path_earns_one_minus_the_move_cost() {
        let mut env = DeepSea::new(5, true, 0.01, true, 7, Some(0)).unwrap();
        let (total, obs) = play(&mut env, &[true; 5]);
        assert!((total - 0.99).abs() < 1e-12, "{total}");
        assert_eq!(obs, vec![6, 12, 18, 24, 25]);
        assert!(env.step(0).is_err(), "the episode ends after size steps");
    }

    #[test]
    fn one_left_move_loses_the_reward_and_left_moves_are_free() {
        let mut env = DeepSea::new(4, true, 0.01, true, 3, None).unwrap();
        let (total, _) = play(&mut env, &[true, true, false, true]);
        assert!((total + 3.0 * 0.01 / 4.0).abs() < 1e-12, "{total}");
        let (total, obs) = play(&mut env, &[false; 4]);
        assert_eq!(total, 0.0);
        assert_eq!(obs, vec![4, 8, 12, 16], "the left wall keeps column 0");
    }

    #[test]
    fn the_mapping_is_fixed_by_its_seed_and_mixes_both_actions() {
        let a = DeepSea::new(20, true, 0.01, true, 1, None).unwrap();
        let b = DeepSea::new(20, true, 0.01, true, 1, Some(5)).unwrap();
        let c = DeepSea::new(20, true, 0.01, true, 2, None).unwrap();
        let map = |e: &DeepSea| {
            (0..20)
                .flat_map(|r| (0..20).map(move |k| (r, k)))
                .map(|(r, k)| e.right_action(r, k))
                .collect::<Vec<_>>()
        };
        assert_eq!(map(&a), map(&b));
        assert_ne!(map(&a), map(&c));
        let ones = map(&a).iter().filter(|&&x| x == 1).count();
        assert!((150..250).contains(&ones), "{ones} of 400");
        let plain = DeepSea::new(20, true, 0.01, false, 1, None).unwrap();
        assert!(map(&plain).iter().all(|&x| x == 1));
    }

    #[test]
    fn the_stochastic_variant_sometimes_fails_to_move_right() {
        let mut env = DeepSea::new(4, false, 0.0, false, 0, Some(3)).unwrap();
        let mut stuck = 0;
        for _ in 0..400 {
            env.reset(None);
            let t = env.step(1).unwrap();
            stuck += usize::from(t.observation == 4);
        }
        assert!(
            (60..140).contains(&stuck),
            "{stuck} of 400, expected about 100"
        );
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(DeepSea::new(0, true, 0.01, true, 0, None).is_err());
        assert!(DeepSea::new(DeepSea::MAX_SIZE + 1, true, 0.01, true, 0, None).is_err());
        assert!(DeepSea::new(u32::MAX, true, 0.01, true, 0, None).is_err());
        assert!(DeepSea::new(4, true, f64::NAN, true, 0, None).is_err());
        assert!(DeepSea::new(4, true, -0.5, true, 0, None).is_err());
        assert!(DeepSea::new(4, true, f64::INFINITY, true, 0, None).is_err());
        let mut env = DeepSea::new(3, true, 0.01, true, 0, None).unwrap();
        assert!(env.step(0).is_err(), "step before reset");
        env.reset(None);
        assert!(env.step(2).is_err());
        assert_eq!(env.row(), 0, "a rejected action changes nothing");
        env.check_state().unwrap();
    }

    #[test]
    fn size_one_is_a_single_step() {
        let mut env = DeepSea::new(1, true, 0.5, true, 9, None).unwrap();
        let (total, obs) = play(&mut env, &[true]);
        assert!((total - 0.5).abs() < 1e-12);
        assert_eq!(obs, vec![1]);
    }
}
