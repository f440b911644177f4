//! Whole episodes of a built-in environment, entirely in Rust.

use super::{Agent, EpisodeRecord};
use crate::brain::state_hash::hash_int;
use crate::brain::Brain;
use crate::envs::DiscreteEnv;
use crate::error::Result;
use std::sync::atomic::{AtomicBool, Ordering};

impl Agent {
    /// Runs `episodes` episodes of `env`: reset, act/observe until the episode ends, and after
    /// every `dream_every`-th episode (0: never) a dream. Observations are hashed as Python's
    /// `state_hash(int(obs))`, so a brain trained here and one trained through the Python
    /// step API are the same (with `dream_every` = 0, the step API's sweeps after
    /// frontier-closing steps must be off too: `sweeps_on_closure`, as `learn` does). An episode
    /// in progress is ended first. Returns the new records.
    pub fn run_episodes<E: DiscreteEnv + ?Sized>(
        &mut self,
        brain: &mut Brain,
        env: &mut E,
        episodes: usize,
        dream_every: usize,
    ) -> Result<Vec<EpisodeRecord>> {
        self.run_episodes_until(brain, env, episodes, dream_every, &AtomicBool::new(false))
    }

    /// [`run_episodes`](Self::run_episodes) that also stops, between two steps, as soon as
    /// `stop` is set (by another thread: Ctrl-C in the bindings). An episode cut short is
    /// ended as truncated (as [`end_episode`](Self::end_episode) does), so the agent is left
    /// idle and consistent. Returns the records of the episodes that ended, the cut one last.
    pub fn run_episodes_until<E: DiscreteEnv + ?Sized>(
        &mut self,
        brain: &mut Brain,
        env: &mut E,
        episodes: usize,
        dream_every: usize,
        stop: &AtomicBool,
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
        let sweeps = std::mem::replace(&mut self.sweeps_on_closure, dream_every > 0);
        let records = self.run_episodes_inner(brain, env, episodes, dream_every, stop);
        self.sweeps_on_closure = sweeps;
        records
    }

    fn run_episodes_inner<E: DiscreteEnv + ?Sized>(
        &mut self,
        brain: &mut Brain,
        env: &mut E,
        episodes: usize,
        dream_every: usize,
        stop: &AtomicBool,
    ) -> Result<Vec<EpisodeRecord>> {
        let mut records = Vec::with_capacity(episodes.min(1 << 16));
        for _ in 0..episodes {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let mut state = hash_int(env.reset(None) as i64);
            loop {
                // One relaxed load per step: the answer to Ctrl-C is bounded by one step,
                // however long an episode is. The episode cut short ends here, truncated (as
                // `end_episode` would), so the history counts it and the agent is idle.
                if stop.load(Ordering::Relaxed) {
                    records.extend(self.end_episode(brain)?);
                    return Ok(records);
                }
                let action = self.act(brain, state)?;
                let t = env.step(action)?;
                state = hash_int(t.observation as i64);
                self.observe(brain, t.reward, state, t.terminated, t.truncated)?;
                if t.terminated || t.truncated {
                    break;
                }
            }
            if dream_every > 0 && self.episodes % dream_every as u64 == 0 {
                self.dream_until(brain, stop);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::AgentParams;
    use crate::brain::config::BrainConfig;
    use crate::envs::Chain;

    #[test]
    fn a_set_stop_flag_ends_a_run_within_an_episode_and_leaves_the_agent_usable() {
        let mut brain = Brain::new(BrainConfig::default(), Some(0)).unwrap();
        let mut agent = Agent::new(2, AgentParams::default(), Some(0)).unwrap();
        // One episode of this chain is up to 10**10 steps long.
        let mut long = Chain::new(1_000_000_000, 0.0, None, Some(0)).unwrap();
        let stop = AtomicBool::new(false);
        let records = std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(50));
                stop.store(true, Ordering::Relaxed);
            });
            agent
                .run_episodes_until(&mut brain, &mut long, 1, 1, &stop)
                .unwrap()
        });
        // The one episode was cut short: ended, truncated, and in the history.
        assert_eq!(records.len(), 1);
        assert!(!records[0].terminated && records[0].length > 0);
        assert_eq!(agent.history().len(), 1);
        let mut short = Chain::new(4, 0.0, None, Some(1)).unwrap();
        let records = agent.run_episodes(&mut brain, &mut short, 3, 1).unwrap();
        assert_eq!(records.len(), 3);
        assert_eq!(agent.history().len(), 4);
        // A flag set before the call runs nothing.
        let stop = AtomicBool::new(true);
        let records = agent
            .run_episodes_until(&mut brain, &mut short, 5, 1, &stop)
            .unwrap();
        assert!(records.is_empty());
    }
}
