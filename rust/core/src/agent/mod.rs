//! Agents: action selection on a [`Brain`] and the bookkeeping of episodes.
//!
//! An [`Agent`] holds everything but the brain (exploration parameters, its random generator,
//! the step in progress, the history of episodes); every call takes the brain it acts with, so
//! the Python `Agent` and its `brain` property share one live `Brain`.
//!
//! A step is `act(state)` then `observe(reward, next_state, terminated, truncated)`. Learning of
//! a transition waits for the next `act`, since its target node (next state, next action) only
//! exists once that action is chosen: `act` learns src → dst with the reward observed in between
//! (`Brain::learn_transition`), a terminal `observe` learns at once (`learn_terminal`), a
//! truncated one bootstraps from the next state's best value (`learn_truncated`).

mod params;
mod population;
mod run;
mod select;
// Populations (issue 7, scale): many agents run in parallel.
pub use params::{AgentParams, Exploration};
pub use population::{
    check_threads, run_population, run_population_until, thread_pool, Member, MAX_THREADS,
};

use crate::brain::dream::DreamReport;
use crate::brain::{check_reward, Brain, NodeId};
use crate::error::{Error, Result};
use crate::rng::{self, Rng};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Most actions an agent takes (2^24): acting scores every action each step, and per-action
/// buffers of 2^32 actions would need 70 GB (an abort, not an error). Larger discrete spaces
/// are not what a graph brain can explore.
pub const MAX_ACTIONS: u32 = 1 << 24;

/// With exploration values, one episode in this many exploits once the world has shown a
/// stochastic outcome (see `Agent::exploiting`; measured in docs/design/defaults.md).
pub const EXPLOIT_EVERY: u64 = 6;

/// What an agent remembers of one finished episode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EpisodeRecord {
    /// Sum of the rewards (undiscounted).
    pub episode_return: f64,
    /// Number of steps.
    pub length: u64,
    /// Whether the episode ended in a terminal state (not truncated, not abandoned).
    pub terminated: bool,
    /// Report of the dreams of the episode, if any: the sweeps after its frontier-closing steps
    /// and the dream that followed it.
    pub dream: Option<DreamReport>,
}

/// Where the agent is within a step.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
enum Phase {
    /// No episode in progress (or between a finished episode and the next `act`).
    Idle,
    /// `act` chose the node; waiting for `observe`.
    Acted { node: NodeId },
    /// `observe` reported a non-final step; waiting for the next `act` to learn it.
    Observed {
        node: NodeId,
        reward: f64,
        next_state: u64,
    },
}

fn sweeps_by_default() -> bool {
    true
}

/// An agent acting from a graph brain (see the module documentation).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Agent {
    params: AgentParams,
    n_actions: u32,
    rng: Rng,
    phase: Phase,
    episode_return: f64,
    episode_length: u64,
    /// The most recent finished episodes (at most `params.history_limit` unless 0).
    history: VecDeque<EpisodeRecord>,
    /// Episodes finished over the agent's life (prune and dream schedules count these, not the
    /// bounded history).
    episodes: u64,
    steps: u64,
    /// Real steps since the last dream (sets the number of dream cycles).
    steps_since_dream: u64,
    /// Dream walks run during the episode in progress (after steps that closed a frontier);
    /// not saved.
    #[serde(skip)]
    episode_dream: Option<DreamReport>,
    /// Whether a step that closes a frontier is followed by a sweep (true; `learn` and
    /// `run_episodes` switch it off while they run with `dream_every` = 0); not saved.
    #[serde(skip, default = "sweeps_by_default")]
    pub sweeps_on_closure: bool,
    #[serde(skip)]
    scores: Vec<f64>,
    #[serde(skip)]
    values: Vec<f64>,
    #[serde(skip)]
    tried: Vec<bool>,
}

impl Agent {
    /// An agent with `n_actions` ≥ 1 discrete actions.
    pub fn new(n_actions: u32, params: AgentParams, seed: Option<u64>) -> Result<Self> {
        if n_actions == 0 || n_actions > MAX_ACTIONS {
            return Err(Error::argument(
                "n_actions",
                format!("must be in [1, {MAX_ACTIONS}], got {n_actions}"),
            ));
        }
        params.validate()?;
        let mut agent = Agent {
            params,
            n_actions,
            rng: rng::from_seed(seed),
            phase: Phase::Idle,
            episode_return: 0.0,
            episode_length: 0,
            history: VecDeque::new(),
            episodes: 0,
            steps: 0,
            steps_since_dream: 0,
            episode_dream: None,
            sweeps_on_closure: true,
            scores: Vec::new(),
            values: Vec::new(),
            tried: Vec::new(),
        };
        agent.alloc_buffers()?;
        Ok(agent)
    }

    /// Allocates the per-action buffers, fallibly: `Agent::new(u32::MAX, ..)` (or a file
    /// claiming so many actions) raises `OutOfMemory` instead of aborting the process on a
    /// 34 GB allocation.
    pub(crate) fn alloc_buffers(&mut self) -> Result<()> {
        let n = self.n_actions as usize;
        let what = || format!("the action buffers of an agent with {n} actions");
        let (mut scores, mut values, mut tried) = (Vec::new(), Vec::new(), Vec::new());
        crate::error::try_reserve(&mut scores, n, what)?;
        crate::error::try_reserve(&mut values, n, what)?;
        crate::error::try_reserve(&mut tried, n, what)?;
        scores.resize(n, 0.0);
        values.resize(n, 0.0);
        tried.resize(n, false);
        (self.scores, self.values, self.tried) = (scores, values, tried);
        Ok(())
    }

    /// The parameters.
    pub fn params(&self) -> &AgentParams {
        &self.params
    }

    /// Replaces the parameters (validated first). A smaller `history_limit` drops the oldest
    /// records at once.
    pub fn set_params(&mut self, params: AgentParams) -> Result<()> {
        params.validate()?;
        self.params = params;
        self.trim_history();
        Ok(())
    }

    pub(crate) fn trim_history(&mut self) {
        let limit = self.params.history_limit as usize;
        if limit > 0 && self.history.len() > limit {
            self.history.drain(..self.history.len() - limit);
        }
    }

    /// Number of actions.
    pub fn n_actions(&self) -> u32 {
        self.n_actions
    }

    /// Real steps observed over the agent's life.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The most recent finished episodes, oldest first (at most `params.history_limit`).
    pub fn history(&self) -> &VecDeque<EpisodeRecord> {
        &self.history
    }

    /// Episodes finished over the agent's life (not reset by `clear_history`).
    pub fn episodes(&self) -> u64 {
        self.episodes
    }

    /// Forgets the history (the brain keeps what it learned).
    pub fn clear_history(&mut self) {
        self.history.clear();
    }

    /// Whether a step is waiting for `observe`.
    pub fn awaiting_observation(&self) -> bool {
        matches!(self.phase, Phase::Acted { .. })
    }

    /// Return and length of the episode in progress.
    pub fn current_episode(&self) -> (f64, u64) {
        (self.episode_return, self.episode_length)
    }

    pub(crate) fn ensure_buffers(&mut self) {
        // Buffers are skipped by serde; rebuild them after loading.
        let n = self.n_actions as usize;
        if self.scores.len() != n || self.values.len() != n {
            self.scores = vec![0.0; n];
            self.values = vec![0.0; n];
            self.tried = vec![false; n];
        }
    }

    /// Fails as [`act`](Self::act) would (`Error::State` when the previous action was not
    /// observed, a bad pending step), changing nothing; else the pending step's node, if any.
    /// A caller with state of its own (a fitted abstraction) checks first, then changes it.
    pub fn check_act(&self, brain: &Brain) -> Result<Option<NodeId>> {
        match self.phase {
            Phase::Acted { .. } => Err(Error::State(
                "act() called twice without observe(): report the outcome of the previous \
                 action first (or call end_episode())"
                    .into(),
            )),
            Phase::Observed { node, reward, .. } => {
                check_reward("reward", reward)?;
                brain.check_node(node)?;
                Ok(Some(node))
            }
            Phase::Idle => Ok(None),
        }
    }

    /// Fails as [`observe`](Self::observe) would with `reward` (`Error::State` before `act`,
    /// `Error::InvalidArgument` on a bad reward), changing nothing; else the acted node.
    pub fn check_observe(&self, brain: &Brain, reward: f64) -> Result<NodeId> {
        let Phase::Acted { node } = self.phase else {
            return Err(Error::State(
                "observe() called before act(): choose an action first".into(),
            ));
        };
        // The brain refuses |r| > MAX_REWARD: check here so a bad reward changes nothing
        // (otherwise the pending step could never be learned and the agent would be stuck).
        check_reward("reward", reward)?;
        brain.check_node(node)?;
        Ok(node)
    }

    /// Chooses an action in `state` (exploring), learns the pending transition, and waits for
    /// `observe`. Fails with `Error::State` when the previous action was not observed yet.
    pub fn act(&mut self, brain: &mut Brain, state: u64) -> Result<u32> {
        // Validate the pending transition before anything changes: a failed act creates no
        // node and draws no random number.
        let previous = self.check_act(brain)?;
        self.ensure_buffers();
        // Values without the synapse bonus decide what counts as greedy (Watkins's Q(λ)).
        let cut = self.params.cut_traces_on_exploration;
        brain.note_action_count(self.n_actions);
        let exploit = self.exploiting(brain);
        let bonus = select::Bonus {
            previous,
            synapse: self.params.synapse_bonus,
            novelty: if exploit {
                0.0
            } else {
                self.params.novelty_bonus
            },
            optimism: brain.optimism_enabled() && !exploit,
        };
        select::fill_scores_and_values(
            brain,
            state,
            bonus,
            &mut self.scores,
            if cut { Some(&mut self.values) } else { None },
            &mut self.tried,
        );
        let action = select::explore(&self.params, &mut self.rng, &mut self.scores, &self.tried);
        let exploratory =
            cut && !select::is_greedy(&self.values, &self.tried, self.params.untried_value, action);
        let node = brain.get_or_create_node(state, action as u32);
        if let Phase::Observed {
            node: src, reward, ..
        } = self.phase
        {
            let closures = brain.frontier_closures();
            brain.learn_transition(src, node, reward)?;
            if self.sweeps_on_closure && brain.frontier_closures() != closures {
                // The frontier moved: re-aim before the next step (rules.md §1.5a).
                let report = brain.sweep_closed_frontier();
                match &mut self.episode_dream {
                    Some(r) => r.merge(&report),
                    None => self.episode_dream = Some(report),
                }
            }
        }
        if exploratory {
            brain.clear_traces();
        }
        self.phase = Phase::Acted { node };
        Ok(action as u32)
    }

    /// Reports the outcome of the last action. A terminated or truncated step finishes the
    /// episode (learned, recorded in the history, traces cleared). Fails with `Error::State`
    /// before `act` and with `Error::InvalidArgument` on a non-finite reward or one with
    /// |r| > `brain::MAX_REWARD` (nothing changes).
    pub fn observe(
        &mut self,
        brain: &mut Brain,
        reward: f64,
        next_state: u64,
        terminated: bool,
        truncated: bool,
    ) -> Result<()> {
        let node = self.check_observe(brain, reward)?;
        self.episode_return += reward;
        self.episode_length += 1;
        self.steps += 1;
        self.steps_since_dream += 1;
        if terminated {
            brain.learn_terminal(node, reward)?;
            self.finish(brain, true);
        } else if truncated {
            brain.learn_truncated(node, reward, next_state)?;
            self.finish(brain, false);
        } else {
            self.phase = Phase::Observed {
                node,
                reward,
                next_state,
            };
        }
        Ok(())
    }

    /// Ends the episode in progress early: a pending observed step is learned as truncated, an
    /// unobserved action is dropped. Returns the episode's record, or `None` when no episode
    /// was in progress.
    pub fn end_episode(&mut self, brain: &mut Brain) -> Result<Option<EpisodeRecord>> {
        match self.phase {
            Phase::Observed {
                node,
                reward,
                next_state,
            } => {
                // The reward was already counted by observe(); learn it as a truncated step.
                brain.learn_truncated(node, reward, next_state)?;
            }
            Phase::Acted { .. } | Phase::Idle => {}
        }
        if self.episode_length == 0 {
            self.phase = Phase::Idle;
            brain.end_episode();
            return Ok(None);
        }
        self.finish(brain, false);
        Ok(self.history.back().copied())
    }

    /// Whether the episode in progress exploits: every [`EXPLOIT_EVERY`]-th episode, once the
    /// world has shown a stochastic outcome, the agent acts greedily on the values V (untried
    /// actions still first) instead of the exploration values U, so that the experiences the
    /// greedy policy relies on are sampled (docs/reference/rules.md §1.5a).
    fn exploiting(&self, brain: &mut Brain) -> bool {
        self.episodes % EXPLOIT_EVERY == EXPLOIT_EVERY - 1
            && brain.optimism_enabled()
            && brain.has_stochastic_outcomes()
    }

    fn finish(&mut self, brain: &mut Brain, terminated: bool) {
        brain.end_episode();
        self.history.push_back(EpisodeRecord {
            episode_return: self.episode_return,
            length: self.episode_length,
            terminated,
            dream: self.episode_dream.take(),
        });
        self.episodes += 1;
        self.trim_history();
        self.episode_return = 0.0;
        self.episode_length = 0;
        self.phase = Phase::Idle;
        let every = u64::from(self.params.prune_every);
        if every > 0 && self.episodes % every == 0 {
            brain.prune();
        }
    }

    /// Dream cycles the next `dream()` runs:
    /// max(dream_cycles, ⌈replay_ratio · steps since the last dream / (walks · walk length)⌉).
    pub fn dream_cycles_due(&self, brain: &Brain) -> usize {
        let d = &brain.config().dream;
        let per_cycle = (u64::from(d.walks_per_cycle) * u64::from(d.walk_length.max(1))).max(1);
        let wanted = self.params.replay_ratio * self.steps_since_dream as f64 / per_cycle as f64;
        (self.params.dream_cycles as usize).max(wanted.ceil() as usize)
    }

    /// Dreams and attaches the report to the last finished episode (merging when it already has
    /// one): at least `dream_cycles` cycles, then more while some node is salient, up to
    /// [`dream_cycles_due`](Self::dream_cycles_due) (prioritized sweeping's budget).
    pub fn dream(&mut self, brain: &mut Brain) -> DreamReport {
        self.dream_until(brain, &std::sync::atomic::AtomicBool::new(false))
    }

    /// [`dream`](Self::dream) that also stops between two dream walks as soon as `stop` is set
    /// (Ctrl-C in the bindings), however large the replay budget; the walks done count as the
    /// dream.
    pub fn dream_until(
        &mut self,
        brain: &mut Brain,
        stop: &std::sync::atomic::AtomicBool,
    ) -> DreamReport {
        let min = self.params.dream_cycles as usize;
        let report = brain.dream_sweeping_until(min, self.dream_cycles_due(brain), stop);
        self.steps_since_dream = 0;
        if let Some(last) = self.history.back_mut() {
            match &mut last.dream {
                Some(r) => r.merge(&report),
                None => last.dream = Some(report),
            }
        }
        report
    }

    /// The best-scoring action in `state` without learning or exploring (ties to the lowest
    /// index; untried actions score `untried_value`). The brain is not changed.
    pub fn greedy_action(&mut self, brain: &Brain, state: u64) -> u32 {
        self.ensure_buffers();
        self.scores
            .iter_mut()
            .for_each(|s| *s = self.params.untried_value);
        select::fill_values(brain, state, &mut self.scores, &mut self.tried);
        for (s, &t) in self.scores.iter_mut().zip(&self.tried) {
            if !t {
                *s = self.params.untried_value;
            }
        }
        select::argmax(&self.scores, None) as u32
    }

    /// An exploring choice in `state` without learning (the brain is not changed; no previous
    /// node, so no synapse bonus).
    pub fn sample_action(&mut self, brain: &Brain, state: u64) -> u32 {
        self.ensure_buffers();
        let bonus = select::Bonus {
            novelty: self.params.novelty_bonus,
            optimism: brain.optimism_enabled(),
            ..Default::default()
        };
        select::fill_scores_and_values(
            brain,
            state,
            bonus,
            &mut self.scores,
            None,
            &mut self.tried,
        );
        select::explore(&self.params, &mut self.rng, &mut self.scores, &self.tried) as u32
    }
}

#[cfg(test)]
mod tests;
