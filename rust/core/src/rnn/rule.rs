//! The plasticity-rule interface shared by every local rule, and the plastic state it acts on.

use super::kernels::rank1_update;
use super::{AntiHebbian, Hebbian, NeuromodulatedHebbian, Oja, Stdp};
use crate::error::{Error, Result};

/// Everything a rule may change while a network runs (`[post, pre]`, row-major, `n × n`).
#[derive(Clone, Debug, PartialEq)]
pub struct PlasticState {
    /// Number of recurrent units.
    pub n: usize,
    /// Recurrent weights `W`.
    pub weights: Vec<f64>,
    /// Hebbian trace `H` (empty unless the rule uses one); effective weights are `W + α ⊙ H`.
    pub trace: Vec<f64>,
    /// Plasticity coefficients `α` (empty unless the rule uses a trace).
    pub alpha: Vec<f64>,
    /// Presynaptic activity trace of STDP (`n`, empty unless used).
    pub pre_trace: Vec<f64>,
    /// Postsynaptic activity trace of STDP (`n`, empty unless used).
    pub post_trace: Vec<f64>,
}

impl PlasticState {
    /// A state with weights `weights` and the traces `rule` needs (zeros; `α` filled with the
    /// rule's initial coefficient).
    pub fn new(n: usize, weights: Vec<f64>, rule: Option<&Rule>) -> Self {
        let uses_trace = rule.is_some_and(|r| r.uses_hebbian_trace());
        let uses_spikes = rule.is_some_and(|r| r.uses_activity_traces());
        let alpha0 = match rule {
            Some(Rule::NeuromodulatedHebbian(r)) => r.alpha,
            _ => 0.0,
        };
        PlasticState {
            n,
            weights,
            trace: if uses_trace {
                vec![0.0; n * n]
            } else {
                Vec::new()
            },
            alpha: if uses_trace {
                vec![alpha0; n * n]
            } else {
                Vec::new()
            },
            pre_trace: if uses_spikes {
                vec![0.0; n]
            } else {
                Vec::new()
            },
            post_trace: if uses_spikes {
                vec![0.0; n]
            } else {
                Vec::new()
            },
        }
    }

    /// Clears the activity traces (called at the start of every trial).
    pub fn reset_activity_traces(&mut self) {
        self.pre_trace.iter_mut().for_each(|v| *v = 0.0);
        self.post_trace.iter_mut().for_each(|v| *v = 0.0);
    }
}

/// The activity of one network step, as a rule sees it.
#[derive(Clone, Copy, Debug)]
pub struct StepActivity<'a> {
    /// Rates before the step, `r(t)`.
    pub previous: &'a [f64],
    /// Rates after the step, `r(t + dt)`.
    pub current: &'a [f64],
    /// The neuromodulatory signal `m(t)` (1 when none is given).
    pub modulation: f64,
    /// Integration step.
    pub dt: f64,
}

/// Which plastic matrix a [`RankOneStep`] changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlasticMatrix {
    Weights,
    Trace,
}

/// A rule step of the form `M ← clip(keep·M + scale·r(t + dt)·preᵀ, −bound, bound)`, with `pre`
/// either `r(t)` or `r(t + dt)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RankOneStep {
    pub matrix: PlasticMatrix,
    pub keep: f64,
    pub scale: f64,
    /// `pre = r(t)` (causal pairing) if true, else `pre = r(t + dt)` (coincident activity).
    pub pre_is_previous: bool,
    pub bound: f64,
}

impl RankOneStep {
    /// The presynaptic side of the step.
    pub fn pre<'a>(&self, activity: &StepActivity<'a>) -> &'a [f64] {
        if self.pre_is_previous {
            activity.previous
        } else {
            activity.current
        }
    }

    /// Applies the step to the whole matrix.
    pub fn apply(&self, state: &mut PlasticState, activity: &StepActivity<'_>) {
        let pre = self.pre(activity);
        let m = match self.matrix {
            PlasticMatrix::Weights => &mut state.weights,
            PlasticMatrix::Trace => &mut state.trace,
        };
        rank1_update(m, self.keep, self.scale, activity.current, pre, self.bound);
    }
}

/// A local plasticity rule: its parameters and one update step.
pub trait PlasticityRule {
    /// Short name for messages and reprs.
    fn name(&self) -> &'static str;
    /// Checks every parameter, naming the first one out of range.
    fn validate(&self) -> Result<()>;
    /// Whether the rule keeps a Hebbian trace `H` (the effective weights are then `W + α ⊙ H`).
    fn uses_hebbian_trace(&self) -> bool {
        false
    }
    /// Whether the rule keeps pre/post activity traces (STDP).
    fn uses_activity_traces(&self) -> bool {
        false
    }
    /// One plasticity step after the network moved from `activity.previous` to `activity.current`.
    fn update(&self, state: &mut PlasticState, activity: &StepActivity<'_>);
    /// The step as a [`RankOneStep`], for rules whose `update` is exactly one (the network then
    /// fuses it with the next step's matrix-vector product: one pass over memory, not two).
    fn rank_one_step(&self, _dt: f64, _modulation: f64) -> Option<RankOneStep> {
        None
    }
}

/// Any of the built-in rules (what a network holds).
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    Hebbian(Hebbian),
    AntiHebbian(AntiHebbian),
    Oja(Oja),
    Stdp(Stdp),
    NeuromodulatedHebbian(NeuromodulatedHebbian),
}

impl Rule {
    fn inner(&self) -> &dyn PlasticityRule {
        match self {
            Rule::Hebbian(r) => r,
            Rule::AntiHebbian(r) => r,
            Rule::Oja(r) => r,
            Rule::Stdp(r) => r,
            Rule::NeuromodulatedHebbian(r) => r,
        }
    }
}

impl PlasticityRule for Rule {
    fn name(&self) -> &'static str {
        self.inner().name()
    }
    fn validate(&self) -> Result<()> {
        self.inner().validate()
    }
    fn uses_hebbian_trace(&self) -> bool {
        self.inner().uses_hebbian_trace()
    }
    fn uses_activity_traces(&self) -> bool {
        self.inner().uses_activity_traces()
    }
    fn update(&self, state: &mut PlasticState, activity: &StepActivity<'_>) {
        self.inner().update(state, activity)
    }
    fn rank_one_step(&self, dt: f64, modulation: f64) -> Option<RankOneStep> {
        self.inner().rank_one_step(dt, modulation)
    }
}

/// `value` must be finite and `>= 0`.
pub(crate) fn check_non_negative(field: &str, value: f64) -> Result<()> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(Error::config(
            field,
            format!("must be finite and >= 0, got {value}"),
        ))
    }
}

/// `value` must be finite and `> 0`.
pub(crate) fn check_positive(field: &str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::config(
            field,
            format!("must be finite and > 0, got {value}"),
        ))
    }
}

/// A clipping bound: `> 0`, infinity allowed (no clipping).
pub(crate) fn check_bound(field: &str, value: f64) -> Result<()> {
    if value > 0.0 {
        Ok(())
    } else {
        Err(Error::config(
            field,
            format!("must be > 0 (inf for no bound), got {value}"),
        ))
    }
}
