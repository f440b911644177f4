//! Whole episodes inside Rust, and populations of agents trained in parallel.

use super::recurrent::{EpisodeSummary, RecurrentAgent};
use crate::error::{Error, Result};
use rayon::prelude::*;

/// The outcome of one step of a [`ContinuousEnv`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnvStep {
    /// Reward for the step.
    pub reward: f64,
    /// The episode reached a terminal state.
    pub terminated: bool,
    /// The episode was cut (time limit).
    pub truncated: bool,
}

/// An environment with real-valued observations and discrete actions that agents can run
/// whole episodes of without Python (the cognitive tasks of `envs::cognitive`).
pub trait ContinuousEnv {
    /// Length of an observation.
    fn n_obs(&self) -> usize;
    /// Number of actions.
    fn n_actions(&self) -> usize;
    /// Starts an episode (reseeding the generator when `seed` is given).
    fn reset(&mut self, seed: Option<u64>);
    /// The current observation.
    fn observation(&self) -> &[f64];
    /// One step with `action` (`< n_actions`).
    fn step(&mut self, action: usize) -> Result<EnvStep>;
}

impl RecurrentAgent {
    /// Runs and learns `episodes` episodes of `env` (at most `max_steps` steps each; a longer
    /// one is cut and learned as it is). The agent's actions must be discrete.
    pub fn run_episodes<E: ContinuousEnv + ?Sized>(
        &mut self,
        env: &mut E,
        episodes: u64,
        max_steps: u64,
    ) -> Result<Vec<EpisodeSummary>> {
        self.check_env(env)?;
        self.discard_episode();
        let mut out = Vec::with_capacity(episodes.min(1 << 20) as usize);
        let mut action = Vec::with_capacity(1);
        for _ in 0..episodes {
            env.reset(None);
            let mut reward = 0.0;
            let mut steps = 0;
            loop {
                self.act(env.observation(), reward, &mut action)?;
                let s = env.step(action[0] as usize)?;
                reward = s.reward;
                steps += 1;
                if s.terminated || s.truncated || steps >= max_steps {
                    break;
                }
            }
            out.push(self.end_episode(reward)?);
        }
        Ok(out)
    }

    /// Greedy (noise-free) returns of `episodes` episodes of `env`, without learning.
    pub fn evaluate<E: ContinuousEnv + ?Sized>(
        &mut self,
        env: &mut E,
        episodes: u64,
        max_steps: u64,
    ) -> Result<Vec<f64>> {
        self.check_env(env)?;
        let n = self.config.n_neurons;
        let mut out = Vec::with_capacity(episodes.min(1 << 20) as usize);
        let mut action = Vec::with_capacity(1);
        let mut x = vec![0.0; n];
        for _ in 0..episodes {
            env.reset(None);
            x.iter_mut().for_each(|v| *v = 0.0);
            let mut total = 0.0;
            for _ in 0..max_steps {
                self.predict(env.observation(), &mut x, true, &mut action)?;
                let s = env.step(action[0] as usize)?;
                total += s.reward;
                if s.terminated || s.truncated {
                    break;
                }
            }
            out.push(total);
        }
        Ok(out)
    }

    fn check_env<E: ContinuousEnv + ?Sized>(&self, env: &E) -> Result<()> {
        if env.n_obs() != self.n_obs {
            return Err(Error::shape(
                "env",
                format!(
                    "observations have {} values, the agent expects {}",
                    env.n_obs(),
                    self.n_obs
                ),
            ));
        }
        match self.action {
            super::ActionMap::Discrete(k) if k == env.n_actions() => Ok(()),
            super::ActionMap::Discrete(k) => Err(Error::argument(
                "env",
                format!("it has {} actions, the agent {k}", env.n_actions()),
            )),
            super::ActionMap::Continuous { .. } => Err(Error::argument(
                "env",
                "an agent with continuous actions cannot run a discrete-action environment",
            )),
        }
    }
}

/// Trains every agent on its own environment for `episodes` episodes, in parallel (rayon).
/// Each agent and environment owns its generator, so the result does not depend on the
/// number of threads.
pub fn train_population<E: ContinuousEnv + Send>(
    agents: &mut [RecurrentAgent],
    envs: &mut [E],
    episodes: u64,
    max_steps: u64,
) -> Result<Vec<Vec<EpisodeSummary>>> {
    if agents.len() != envs.len() {
        return Err(Error::shape(
            "envs",
            format!("{} environments for {} agents", envs.len(), agents.len()),
        ));
    }
    agents
        .par_iter_mut()
        .zip(envs.par_iter_mut())
        .map(|(a, e)| a.run_episodes(e, episodes, max_steps))
        .collect()
}
