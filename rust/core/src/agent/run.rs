//! Whole episodes of a built-in environment, entirely in Rust.

use super::{Agent, EpisodeRecord};
use crate::brain::state_hash::hash_int;
use crate::brain::Brain;
use crate::envs::DiscreteEnv;
use crate::error::Result;

impl Agent {
    /// Runs `episodes` episodes of `env`: reset, act/observe until the episode ends, and after
    /// every `dream_every`-th episode (0: never) a dream. Observations are hashed as Python's
    /// `state_hash(int(obs))`, so a brain trained here and one trained through the Python
    /// step API are the same. An episode in progress is ended first. Returns the new records.
    pub fn run_episodes<E: DiscreteEnv + ?Sized>(
        &mut self,
        brain: &mut Brain,
        env: &mut E,
        episodes: usize,
        dream_every: usize,
    ) -> Result<Vec<EpisodeRecord>> {
        if env.n_actions() != self.n_actions {
            return Err(crate::error::Error::argument(
                "env",
                format!(
                    "has {} actions but the agent has {}",
                    env.n_actions(),
                    self.n_actions
                ),
            ));
        }
        self.end_episode(brain)?;
        let mut records = Vec::with_capacity(episodes.min(1 << 16));
        for _ in 0..episodes {
            let mut state = hash_int(env.reset(None) as i64);
            loop {
                let action = self.act(brain, state)?;
                let t = env.step(action)?;
                state = hash_int(t.observation as i64);
                self.observe(brain, t.reward, state, t.terminated, t.truncated)?;
                if t.terminated || t.truncated {
                    break;
                }
            }
            if dream_every > 0 && self.episodes % dream_every as u64 == 0 {
                self.dream(brain);
            }
            records.push(*self.history.back().expect("an episode just finished"));
        }
        Ok(records)
    }

    /// One greedy episode (no learning, no exploration): its return and whether it reached a
    /// terminal state (false: truncated).
    pub fn evaluate_greedy<E: DiscreteEnv + ?Sized>(
        &mut self,
        brain: &Brain,
        env: &mut E,
    ) -> Result<(f64, bool)> {
        let mut obs = env.reset(None);
        let mut total = 0.0;
        loop {
            let action = self.greedy_action(brain, hash_int(obs as i64));
            let t = env.step(action)?;
            total += t.reward;
            if t.terminated || t.truncated {
                return Ok((total, t.terminated));
            }
            obs = t.observation;
        }
    }
}
