//! The four tasks and how each draws a trial.
//!
//! Stimuli follow NeuroGym: a ring of `dim_ring` input units with preferred directions
//! `θ_k = 2πk/dim_ring`; a stimulus in direction `θ*` with coherence `c` (percent) drives unit
//! `k` with `0.5 + (c/200)·cos(θ_k − θ*)`, plus Gaussian noise of standard deviation
//! `σ/√dt` (dt in ms) per step during the stimulus.

use super::timing::{Duration, Timing};
use super::Trial;
use crate::error::{Error, Result};
use crate::rng::Rng;
use rand::Rng as _;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// Which task, with its parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TaskKind {
    /// Random-dot motion discrimination (Britten et al. 1992; NeuroGym's
    /// `PerceptualDecisionMaking`): report the direction of a noisy stimulus after it ends.
    PerceptualDecisionMaking {
        /// Coherences (percent) drawn uniformly each trial.
        cohs: Vec<f64>,
        /// Input noise `σ` (its standard deviation per step is `σ/√dt`).
        sigma: f64,
        /// Number of directions (and of choices).
        dim_ring: usize,
    },
    /// Context-dependent integration (Mante et al. 2013): two noisy modalities, a context
    /// input says which one to report.
    ContextDecisionMaking {
        /// Coherences (percent) of each modality, drawn independently.
        cohs: Vec<f64>,
        /// Input noise `σ`.
        sigma: f64,
    },
    /// Delayed match-to-sample (NeuroGym's `DelayMatchSample`): a sample direction, a delay, a
    /// test direction; answer match (1) or non-match (2).
    DelayMatchSample {
        /// Input noise `σ`.
        sigma: f64,
        /// Number of directions.
        dim_ring: usize,
    },
    /// Delayed non-match-to-sample (Miconi 2017's DNMS): two stimuli A/B on two input
    /// channels, one after the other; answer same (1) or different (2).
    DelayedNonMatch {
        /// Input noise `σ` (0 in Miconi's task).
        sigma: f64,
    },
}

/// Trial variables to fix instead of drawing them (NeuroGym's `new_trial(**kwargs)`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrialParams {
    /// The correct answer (an action ≥ 1).
    pub ground_truth: Option<usize>,
    /// Coherence (PerceptualDecisionMaking).
    pub coh: Option<f64>,
    /// Context 0 or 1 (ContextDecisionMaking).
    pub context: Option<usize>,
    /// Coherence of modality 1 (ContextDecisionMaking).
    pub coh_0: Option<f64>,
    /// Coherence of modality 2 (ContextDecisionMaking).
    pub coh_1: Option<f64>,
    /// The answer the irrelevant modality points to (ContextDecisionMaking, 1 or 2).
    pub other_choice: Option<usize>,
    /// The sample direction or stimulus (DelayMatchSample, DelayedNonMatch).
    pub sample: Option<usize>,
}

fn ms(v: f64) -> Duration {
    Duration::Constant(v)
}

impl TaskKind {
    /// Default PerceptualDecisionMaking (NeuroGym's parameters).
    pub fn perceptual_default() -> Self {
        TaskKind::PerceptualDecisionMaking {
            cohs: vec![0.0, 6.4, 12.8, 25.6, 51.2],
            sigma: 1.0,
            dim_ring: 2,
        }
    }

    /// Task name as in NeuroGym.
    pub fn name(&self) -> &'static str {
        match self {
            TaskKind::PerceptualDecisionMaking { .. } => "PerceptualDecisionMaking",
            TaskKind::ContextDecisionMaking { .. } => "ContextDecisionMaking",
            TaskKind::DelayMatchSample { .. } => "DelayMatchSample",
            TaskKind::DelayedNonMatch { .. } => "DelayedNonMatch",
        }
    }

    /// Checks the parameters.
    pub fn validate(&self) -> Result<()> {
        let sigma_ok = |s: f64| {
            if s.is_finite() && s >= 0.0 {
                Ok(())
            } else {
                Err(Error::config(
                    "sigma",
                    format!("must be finite and >= 0, got {s}"),
                ))
            }
        };
        let ring_ok = |d: usize| {
            if (2..=64).contains(&d) {
                Ok(())
            } else {
                Err(Error::config(
                    "dim_ring",
                    format!("must lie in [2, 64], got {d}"),
                ))
            }
        };
        let cohs_ok = |c: &[f64]| {
            if !c.is_empty() && c.iter().all(|v| v.is_finite() && (0.0..=100.0).contains(v)) {
                Ok(())
            } else {
                Err(Error::config(
                    "cohs",
                    format!("must be a non-empty list of values in [0, 100], got {c:?}"),
                ))
            }
        };
        match self {
            TaskKind::PerceptualDecisionMaking {
                cohs,
                sigma,
                dim_ring,
            } => {
                cohs_ok(cohs)?;
                sigma_ok(*sigma)?;
                ring_ok(*dim_ring)
            }
            TaskKind::ContextDecisionMaking { cohs, sigma } => {
                cohs_ok(cohs)?;
                sigma_ok(*sigma)
            }
            TaskKind::DelayMatchSample { sigma, dim_ring } => {
                sigma_ok(*sigma)?;
                ring_ok(*dim_ring)
            }
            TaskKind::DelayedNonMatch { sigma } => sigma_ok(*sigma),
        }
    }

    /// The default timing (ms) of each period, in order.
    pub fn default_timing(&self) -> Timing {
        let p = |v: Vec<(&str, Duration)>| {
            Timing::new(v.into_iter().map(|(n, d)| (n.to_string(), d)).collect())
        };
        match self {
            TaskKind::PerceptualDecisionMaking { .. } => p(vec![
                ("fixation", ms(100.0)),
                ("stimulus", ms(2000.0)),
                ("delay", ms(0.0)),
                ("decision", ms(100.0)),
            ]),
            TaskKind::ContextDecisionMaking { .. } => p(vec![
                ("fixation", ms(300.0)),
                ("stimulus", ms(750.0)),
                (
                    "delay",
                    Duration::TruncatedExponential {
                        mean: 600.0,
                        low: 300.0,
                        high: 3000.0,
                    },
                ),
                ("decision", ms(100.0)),
            ]),
            TaskKind::DelayMatchSample { .. } => p(vec![
                ("fixation", ms(300.0)),
                ("sample", ms(500.0)),
                ("delay", ms(1000.0)),
                ("test", ms(500.0)),
                ("decision", ms(900.0)),
            ]),
            TaskKind::DelayedNonMatch { .. } => p(vec![
                ("fixation", ms(0.0)),
                ("sample", ms(200.0)),
                ("delay", ms(200.0)),
                ("test", ms(200.0)),
                ("decision", ms(200.0)),
            ]),
        }
    }

    /// Observation length (the fixation input first).
    pub fn n_obs(&self) -> usize {
        match self {
            TaskKind::PerceptualDecisionMaking { dim_ring, .. } => 1 + dim_ring,
            TaskKind::ContextDecisionMaking { .. } => 7,
            TaskKind::DelayMatchSample { dim_ring, .. } => 1 + dim_ring,
            TaskKind::DelayedNonMatch { .. } => 3,
        }
    }

    /// Number of actions (0 = fixate).
    pub fn n_actions(&self) -> usize {
        match self {
            TaskKind::PerceptualDecisionMaking { dim_ring, .. } => 1 + dim_ring,
            _ => 3,
        }
    }

    /// Names of the observation's entries.
    pub fn obs_names(&self) -> Vec<String> {
        let mut v = vec!["fixation".to_string()];
        match self {
            TaskKind::PerceptualDecisionMaking { dim_ring, .. }
            | TaskKind::DelayMatchSample { dim_ring, .. } => {
                v.extend((0..*dim_ring).map(|k| format!("stimulus{k}")))
            }
            TaskKind::ContextDecisionMaking { .. } => v.extend(
                [
                    "stim1_mod1",
                    "stim2_mod1",
                    "stim1_mod2",
                    "stim2_mod2",
                    "context1",
                    "context2",
                ]
                .map(String::from),
            ),
            TaskKind::DelayedNonMatch { .. } => v.extend(["A", "B"].map(String::from)),
        }
        v
    }

    fn sigma(&self) -> f64 {
        match self {
            TaskKind::PerceptualDecisionMaking { sigma, .. }
            | TaskKind::ContextDecisionMaking { sigma, .. }
            | TaskKind::DelayMatchSample { sigma, .. }
            | TaskKind::DelayedNonMatch { sigma } => *sigma,
        }
    }

    /// Builds a trial from the periods' lengths in steps.
    pub(super) fn build(
        &self,
        timing: &Timing,
        steps: &[usize],
        dt: f64,
        params: &TrialParams,
        rng: &mut Rng,
    ) -> Trial {
        let n_obs = self.n_obs();
        let total: usize = steps.iter().sum();
        let mut periods = Vec::with_capacity(steps.len());
        let mut start = 0;
        for ((name, _), len) in timing.periods.iter().zip(steps) {
            periods.push((name.clone(), start, start + len));
            start += len;
        }
        let mut c = Canvas {
            ob: vec![0.0; total * n_obs],
            n_obs,
            periods,
            noise_sd: self.sigma() / dt.sqrt(),
        };
        // fixation input on until the decision period
        let (d0, d1) = c.span("decision");
        for t in 0..d0 {
            c.ob[t * n_obs] = 1.0;
        }
        let (ground_truth, values) = match self {
            TaskKind::PerceptualDecisionMaking { cohs, dim_ring, .. } => {
                c.perceptual(cohs, *dim_ring, params, rng)
            }
            TaskKind::ContextDecisionMaking { cohs, .. } => c.context(cohs, d0, params, rng),
            TaskKind::DelayMatchSample { dim_ring, .. } => c.match_sample(*dim_ring, params, rng),
            TaskKind::DelayedNonMatch { .. } => c.non_match(params, rng),
        };
        let mut gt = vec![0; total];
        for g in &mut gt[d0..d1] {
            *g = ground_truth;
        }
        Trial {
            ob: c.ob,
            gt,
            periods: c.periods,
            ground_truth,
            values,
        }
    }
}

/// The inputs of a trial being built, with its periods (name, first step, end step).
struct Canvas {
    ob: Vec<f64>,
    n_obs: usize,
    periods: Vec<(String, usize, usize)>,
    noise_sd: f64,
}

/// Input k of a ring of d units tuned to direction θ*: 0.5 + scale·cos(2πk/d − θ*).
fn ring(d: usize, k: usize, theta_star: f64, scale: f64) -> f64 {
    0.5 + scale * (2.0 * PI * k as f64 / d as f64 - theta_star).cos()
}

/// A trial's ground truth and its named values (for `info`).
type Drawn = (usize, Vec<(String, f64)>);

impl Canvas {
    /// The steps of the period `name` ((0, 0) when the timing has none).
    fn span(&self, name: &str) -> (usize, usize) {
        self.periods
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, a, b)| (*a, *b))
            .unwrap_or((0, 0))
    }

    fn noise(&mut self, cols: std::ops::Range<usize>, rows: std::ops::Range<usize>, rng: &mut Rng) {
        add_noise(&mut self.ob, self.n_obs, cols, rows, self.noise_sd, rng);
    }

    fn perceptual(
        &mut self,
        cohs: &[f64],
        dim_ring: usize,
        params: &TrialParams,
        rng: &mut Rng,
    ) -> Drawn {
        let n_obs = self.n_obs;
        let choice = params
            .ground_truth
            .unwrap_or_else(|| 1 + rng.gen_range(0..dim_ring));
        let coh = params
            .coh
            .unwrap_or_else(|| cohs[rng.gen_range(0..cohs.len())]);
        let theta = 2.0 * PI * (choice - 1) as f64 / dim_ring as f64;
        let (s0, s1) = self.span("stimulus");
        for t in s0..s1 {
            for k in 0..dim_ring {
                self.ob[t * n_obs + 1 + k] = ring(dim_ring, k, theta, coh / 200.0);
            }
        }
        self.noise(1..n_obs, s0..s1, rng);
        (choice, vec![("coh".to_string(), coh)])
    }

    fn context(&mut self, cohs: &[f64], d0: usize, params: &TrialParams, rng: &mut Rng) -> Drawn {
        let n_obs = self.n_obs;
        let choice = params
            .ground_truth
            .unwrap_or_else(|| 1 + rng.gen_range(0..2));
        let other = params
            .other_choice
            .unwrap_or_else(|| 1 + rng.gen_range(0..2));
        let context = params.context.unwrap_or_else(|| rng.gen_range(0..2));
        let coh_0 = params
            .coh_0
            .unwrap_or_else(|| cohs[rng.gen_range(0..cohs.len())]);
        let coh_1 = params
            .coh_1
            .unwrap_or_else(|| cohs[rng.gen_range(0..cohs.len())]);
        let (c0, c1) = if context == 0 {
            (choice, other)
        } else {
            (other, choice)
        };
        let (s0, s1) = self.span("stimulus");
        for t in s0..s1 {
            for k in 0..2 {
                self.ob[t * n_obs + 1 + k] = ring(2, k, PI * (c0 - 1) as f64, coh_0 / 200.0);
                self.ob[t * n_obs + 3 + k] = ring(2, k, PI * (c1 - 1) as f64, coh_1 / 200.0);
            }
        }
        self.noise(1..5, s0..s1, rng);
        for t in 0..d0 {
            self.ob[t * n_obs + 5 + context] = 1.0;
        }
        let values = vec![
            ("context".to_string(), context as f64),
            ("coh_0".to_string(), coh_0),
            ("coh_1".to_string(), coh_1),
            ("other_choice".to_string(), other as f64),
        ];
        (choice, values)
    }

    fn match_sample(&mut self, dim_ring: usize, params: &TrialParams, rng: &mut Rng) -> Drawn {
        let n_obs = self.n_obs;
        let answer = params
            .ground_truth
            .unwrap_or_else(|| 1 + rng.gen_range(0..2));
        let sample = params.sample.unwrap_or_else(|| rng.gen_range(0..dim_ring));
        let test = if answer == 1 {
            sample
        } else {
            // a different direction: the opposite one on even rings, else any other
            let shift = if dim_ring % 2 == 0 {
                dim_ring / 2
            } else {
                1 + rng.gen_range(0..dim_ring - 1)
            };
            (sample + shift) % dim_ring
        };
        for (name, dir) in [("sample", sample), ("test", test)] {
            let (s0, s1) = self.span(name);
            let theta = 2.0 * PI * dir as f64 / dim_ring as f64;
            for t in s0..s1 {
                for k in 0..dim_ring {
                    self.ob[t * n_obs + 1 + k] = ring(dim_ring, k, theta, 0.5);
                }
            }
            self.noise(1..n_obs, s0..s1, rng);
        }
        let values = vec![
            ("sample".to_string(), sample as f64),
            ("test".to_string(), test as f64),
        ];
        (answer, values)
    }

    fn non_match(&mut self, params: &TrialParams, rng: &mut Rng) -> Drawn {
        let n_obs = self.n_obs;
        let answer = params
            .ground_truth
            .unwrap_or_else(|| 1 + rng.gen_range(0..2));
        let sample = params.sample.unwrap_or_else(|| rng.gen_range(0..2));
        let test = if answer == 1 { sample } else { 1 - sample };
        for (name, stim) in [("sample", sample), ("test", test)] {
            let (s0, s1) = self.span(name);
            for t in s0..s1 {
                self.ob[t * n_obs + 1 + stim] = 1.0;
            }
            self.noise(1..n_obs, s0..s1, rng);
        }
        let values = vec![
            ("sample".to_string(), sample as f64),
            ("test".to_string(), test as f64),
        ];
        (answer, values)
    }
}

fn add_noise(
    ob: &mut [f64],
    n_obs: usize,
    cols: std::ops::Range<usize>,
    rows: std::ops::Range<usize>,
    sd: f64,
    rng: &mut Rng,
) {
    if sd == 0.0 {
        return;
    }
    for t in rows {
        for k in cols.clone() {
            ob[t * n_obs + k] += sd * rng.sample::<f64, _>(StandardNormal);
        }
    }
}

impl TrialParams {
    /// Checks the fixed variables against the task.
    pub fn validate(&self, kind: &TaskKind) -> Result<()> {
        let bad = |name: &str, reason: String| Err(Error::argument(name, reason));
        let n_choices = kind.n_actions() - 1;
        if let Some(g) = self.ground_truth {
            if !(1..=n_choices).contains(&g) {
                return bad(
                    "ground_truth",
                    format!("must lie in [1, {n_choices}], got {g}"),
                );
            }
        }
        for (name, c) in [
            ("coh", self.coh),
            ("coh_0", self.coh_0),
            ("coh_1", self.coh_1),
        ] {
            if let Some(c) = c {
                if !(c.is_finite() && (0.0..=100.0).contains(&c)) {
                    return bad(name, format!("must lie in [0, 100], got {c}"));
                }
            }
        }
        if let Some(c) = self.context {
            if c > 1 {
                return bad("context", format!("must be 0 or 1, got {c}"));
            }
        }
        if let Some(o) = self.other_choice {
            if !(1..=2).contains(&o) {
                return bad("other_choice", format!("must be 1 or 2, got {o}"));
            }
        }
        if let Some(s) = self.sample {
            let n = match kind {
                TaskKind::DelayMatchSample { dim_ring, .. } => *dim_ring,
                _ => 2,
            };
            if s >= n {
                return bad("sample", format!("must lie in [0, {n}), got {s}"));
            }
        }
        Ok(())
    }
}
