//! [`Rule`]: any of the built-in rules, the type a network holds.

use super::anti_hebbian::AntiHebbian;
use super::hebbian::Hebbian;
use super::neuromodulated::NeuromodulatedHebbian;
use super::oja::Oja;
use super::plasticity::{PlasticMatrix, PlasticState, PlasticityRule, RankOneStep, StepActivity};
use super::stdp::Stdp;
use crate::error::{Error, Result};

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
    /// Checks the rule against the network's Euler step: a decaying rule multiplies its matrix by
    /// `1 − dt·λ` each step, which must stay in `[0, 1]` (larger `dt·λ` flips every weight's sign
    /// each step).
    pub fn validate_for_dt(&self, dt: f64) -> Result<()> {
        let decay = match self {
            Rule::Hebbian(r) => r.decay,
            Rule::AntiHebbian(r) => r.decay,
            Rule::NeuromodulatedHebbian(r) => r.decay,
            Rule::Oja(_) | Rule::Stdp(_) => return Ok(()),
        };
        if dt * decay > 1.0 {
            return Err(Error::config(
                "decay",
                format!(
                    "dt·decay must be <= 1 (the matrix is scaled by 1 − dt·decay each step), \
                     got dt = {dt}, decay = {decay}"
                ),
            ));
        }
        Ok(())
    }

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
    fn plastic_matrix(&self) -> PlasticMatrix {
        self.inner().plastic_matrix()
    }
    fn update(&self, state: &mut PlasticState, activity: &StepActivity<'_>) {
        self.inner().update(state, activity)
    }
    fn rank_one_step(&self, dt: f64, modulation: f64) -> Option<RankOneStep> {
        self.inner().rank_one_step(dt, modulation)
    }
}

/// The state's constructor lives here, beside [`Rule`], whose traces it allocates.
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
            weights: weights.into(),
            trace: if uses_trace {
                vec![0.0; n * n]
            } else {
                Vec::new()
            }
            .into(),
            alpha: if uses_trace {
                vec![alpha0; n * n]
            } else {
                Vec::new()
            }
            .into(),
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
}
