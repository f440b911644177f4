//! Cognitive tasks as environments, with NeuroGym's conventions (Molano-Mazón et al. 2022):
//! a step of `dt` milliseconds, a trial made of named periods whose durations come from a
//! `timing` table, a fixation input that is on until the decision period, action 0 = fixate,
//! a ground-truth action for every step (`gt`), and the reward given on the decision.
//!
//! One trial is one episode here: the episode terminates when the agent answers in the
//! decision period, or when the trial runs out (NeuroGym concatenates trials into one endless
//! episode instead and flags `new_trial`). A whole trial's observations and ground truth are
//! drawn when it starts ([`CognitiveEnv::new_trial`]), as NeuroGym does.
//!
//! * [`timing`]: [`Timing`], [`Duration`];
//! * [`tasks`]: the four tasks ([`TaskKind`]) and how each builds a trial.

pub mod tasks;
#[cfg(test)]
mod tests;
pub mod timing;

pub use tasks::{TaskKind, TrialParams};
pub use timing::{Duration, Timing, MAX_TRIAL_STEPS};

use crate::error::{Error, Result};
use crate::rng::{from_seed, Rng};
use crate::rnn::agent::{ContinuousEnv, EnvStep};
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

/// The rewards of a trial (NeuroGym's `rewards` dict).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rewards {
    /// Given for a non-fixate action during the fixation period (−0.1).
    pub abort: f64,
    /// Given for the correct answer in the decision period (+1).
    pub correct: f64,
    /// Given for a wrong answer in the decision period (0).
    pub fail: f64,
}

impl Default for Rewards {
    fn default() -> Self {
        Self {
            abort: -0.1,
            correct: 1.0,
            fail: 0.0,
        }
    }
}

/// One drawn trial: everything the environment will show and expect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// Observations, `[T, n_obs]` row-major.
    pub ob: Vec<f64>,
    /// The ground-truth action at each step (0 = fixate), `[T]`.
    pub gt: Vec<usize>,
    /// `(name, first step, end step)` of each period.
    pub periods: Vec<(String, usize, usize)>,
    /// The correct answer (an action ≥ 1).
    pub ground_truth: usize,
    /// The trial's other variables (coherences, context, sample, ...), by name.
    pub values: Vec<(String, f64)>,
}

impl Trial {
    /// Number of steps.
    pub fn len(&self) -> usize {
        self.gt.len()
    }
    /// Whether the trial has no step.
    pub fn is_empty(&self) -> bool {
        self.gt.is_empty()
    }
    fn period_at(&self, t: usize) -> &str {
        self.periods
            .iter()
            .find(|(_, a, b)| (*a..*b).contains(&t))
            .map(|(n, _, _)| n.as_str())
            .unwrap_or("")
    }
}

/// How the last trial ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Still running.
    Running,
    /// Answered correctly.
    Correct,
    /// Answered wrongly.
    Wrong,
    /// Broke fixation with `abort` on.
    Aborted,
    /// Ran out without an answer.
    NoResponse,
}

/// A cognitive task as an environment (see the module docs).
#[derive(Debug, Clone)]
pub struct CognitiveEnv {
    kind: TaskKind,
    dt: f64,
    timing: Timing,
    rewards: Rewards,
    abort: bool,
    rng: Rng,
    trial: Trial,
    t: usize,
    outcome: Outcome,
    started: bool,
    obs_scratch: Vec<f64>,
}

impl CognitiveEnv {
    /// A task with the given step, timing changes (merged into the task's defaults), rewards
    /// and abort flag; `seed` seeds the trials.
    pub fn new(
        kind: TaskKind,
        dt: f64,
        timing: Vec<(String, Duration)>,
        rewards: Rewards,
        abort: bool,
        seed: Option<u64>,
    ) -> Result<Self> {
        kind.validate()?;
        let mut full = kind.default_timing();
        full.update(timing)?;
        full.validate(dt)?;
        for (name, v) in [
            ("abort", rewards.abort),
            ("correct", rewards.correct),
            ("fail", rewards.fail),
        ] {
            if !v.is_finite() {
                return Err(Error::config(
                    format!("rewards['{name}']"),
                    format!("must be finite, got {v}"),
                ));
            }
        }
        let n_obs = kind.n_obs();
        Ok(Self {
            kind,
            dt,
            timing: full,
            rewards,
            abort,
            rng: from_seed(seed),
            trial: Trial {
                ob: Vec::new(),
                gt: Vec::new(),
                periods: Vec::new(),
                ground_truth: 1,
                values: Vec::new(),
            },
            t: 0,
            outcome: Outcome::Running,
            started: false,
            obs_scratch: vec![0.0; n_obs],
        })
    }

    /// The task.
    pub fn kind(&self) -> &TaskKind {
        &self.kind
    }
    /// Step length in milliseconds.
    pub fn dt(&self) -> f64 {
        self.dt
    }
    /// The full timing table.
    pub fn timing(&self) -> &Timing {
        &self.timing
    }
    /// The rewards.
    pub fn rewards(&self) -> Rewards {
        self.rewards
    }
    /// Whether breaking fixation ends the trial.
    pub fn abort(&self) -> bool {
        self.abort
    }
    /// The current trial.
    pub fn trial(&self) -> &Trial {
        &self.trial
    }
    /// The current step within the trial.
    pub fn t(&self) -> usize {
        self.t
    }
    /// How the current trial ended so far.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }
    /// Name of the period at the current step (the last one once the trial is over).
    pub fn period(&self) -> &str {
        self.trial
            .period_at(self.t.min(self.trial.len().saturating_sub(1)))
    }
    /// Ground truth at the current step.
    pub fn gt_now(&self) -> usize {
        self.trial.gt[self.t.min(self.trial.len().saturating_sub(1))]
    }

    /// Reseeds the trial generator.
    pub fn seed(&mut self, seed: u64) {
        self.rng = Rng::seed_from_u64(seed);
    }

    /// Draws a new trial (with some variables fixed by `params`) and starts it.
    pub fn new_trial(&mut self, params: &TrialParams) -> Result<&Trial> {
        params.validate(&self.kind)?;
        let steps = self.timing.sample_steps(self.dt, &mut self.rng);
        let trial = self
            .kind
            .build(&self.timing, &steps, self.dt, params, &mut self.rng);
        if trial.is_empty() {
            return Err(Error::config(
                "timing",
                "a trial must last at least one step (every period rounded to 0 steps)",
            ));
        }
        self.trial = trial;
        self.t = 0;
        self.outcome = Outcome::Running;
        self.started = true;
        Ok(&self.trial)
    }

    fn current_obs(&self) -> &[f64] {
        let n = self.kind.n_obs();
        let t = self.t.min(self.trial.len().saturating_sub(1));
        &self.trial.ob[t * n..(t + 1) * n]
    }

    /// One step: the reward and whether the trial (the episode) ended.
    pub fn step_action(&mut self, action: usize) -> Result<EnvStep> {
        if !self.started {
            return Err(Error::State("call reset() before step()".into()));
        }
        if self.outcome != Outcome::Running {
            return Err(Error::State(
                "the trial is over (the episode terminated); call reset() to start the next".into(),
            ));
        }
        let n_actions = self.kind.n_actions();
        if action >= n_actions {
            return Err(Error::argument(
                "action",
                format!("must lie in [0, {n_actions}), got {action}"),
            ));
        }
        let t = self.t;
        let mut reward = 0.0;
        let period = self.trial.period_at(t);
        let (decision, fixation) = (period == "decision", period == "fixation");
        if decision {
            if action != 0 {
                let correct = action == self.trial.gt[t];
                reward = if correct {
                    self.rewards.correct
                } else {
                    self.rewards.fail
                };
                self.outcome = if correct {
                    Outcome::Correct
                } else {
                    Outcome::Wrong
                };
            }
        } else if fixation && action != 0 {
            reward = self.rewards.abort;
            if self.abort {
                self.outcome = Outcome::Aborted;
            }
        }
        self.t += 1;
        if self.outcome == Outcome::Running && self.t >= self.trial.len() {
            self.outcome = Outcome::NoResponse;
        }
        Ok(EnvStep {
            reward,
            terminated: self.outcome != Outcome::Running,
            truncated: false,
        })
    }
}

impl ContinuousEnv for CognitiveEnv {
    fn n_obs(&self) -> usize {
        self.kind.n_obs()
    }
    fn n_actions(&self) -> usize {
        self.kind.n_actions()
    }
    fn reset(&mut self, seed: Option<u64>) {
        if let Some(s) = seed {
            self.seed(s);
        }
        // Parameters were validated at construction; a default trial cannot fail.
        let _ = self.new_trial(&TrialParams::default());
        let n = self.kind.n_obs();
        self.obs_scratch.clear();
        self.obs_scratch.extend_from_slice(&self.trial.ob[..n]);
    }
    fn observation(&self) -> &[f64] {
        if self.started {
            self.current_obs()
        } else {
            &self.obs_scratch
        }
    }
    fn step(&mut self, action: usize) -> Result<EnvStep> {
        self.step_action(action)
    }
}
