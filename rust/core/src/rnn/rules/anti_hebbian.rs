//! Anti-Hebbian rule: coincident activity weakens (decorrelates) the connection.
//!
//! `W ← clip((1 − dt·λ)·W − dt·η·m·r rᵀ, −w_max, w_max)`, `r = r(t + dt)`.

use super::hebbian::coincident_step;
use super::plasticity::{
    check_bound, check_non_negative, PlasticState, PlasticityRule, RankOneStep, StepActivity,
};
use crate::error::Result;

/// The sign-flipped Hebbian rule (lateral decorrelation, Földiák 1990).
#[derive(Clone, Debug, PartialEq)]
pub struct AntiHebbian {
    /// `η`, per unit time.
    pub learning_rate: f64,
    /// `λ`, weight decay per unit time.
    pub decay: f64,
    /// Weights are clipped to `[−w_max, w_max]` (`inf`: no clipping).
    pub w_max: f64,
}

impl Default for AntiHebbian {
    fn default() -> Self {
        AntiHebbian {
            learning_rate: 0.01,
            decay: 0.0,
            w_max: 1.0,
        }
    }
}

impl PlasticityRule for AntiHebbian {
    fn name(&self) -> &'static str {
        "AntiHebbian"
    }

    fn validate(&self) -> Result<()> {
        check_non_negative("learning_rate", self.learning_rate)?;
        check_non_negative("decay", self.decay)?;
        check_bound("w_max", self.w_max)
    }

    fn update(&self, state: &mut PlasticState, activity: &StepActivity<'_>) {
        let step = coincident_step(
            -self.learning_rate,
            self.decay,
            self.w_max,
            activity.dt,
            activity.modulation,
        );
        step.apply(state, activity);
    }

    fn rank_one_step(&self, dt: f64, modulation: f64) -> Option<RankOneStep> {
        Some(coincident_step(
            -self.learning_rate,
            self.decay,
            self.w_max,
            dt,
            modulation,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coincident_activity_weakens() {
        let rule = AntiHebbian {
            learning_rate: 0.5,
            decay: 0.0,
            w_max: 0.3,
        };
        let r = [1.0, 1.0];
        let mut s = PlasticState::new(2, vec![0.0; 4], None);
        rule.update(
            &mut s,
            &StepActivity {
                previous: &r,
                current: &r,
                modulation: 1.0,
                dt: 1.0,
            },
        );
        assert_eq!(s.weights, vec![-0.3; 4]);
        assert!(AntiHebbian {
            decay: -0.1,
            ..AntiHebbian::default()
        }
        .validate()
        .is_err());
    }
}
