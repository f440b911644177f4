//! Plain (symmetric) Hebbian rule with weight decay and an optional bound.
//!
//! `W ← clip((1 − dt·λ)·W + dt·η·m·r rᵀ, −w_max, w_max)` with `r = r(t + dt)` for both the
//! pre- and the postsynaptic side (coincident activity), so the change is symmetric.

use super::plasticity::{check_bound, check_non_negative, PlasticMatrix, RankOneStep};
use super::plasticity::{PlasticState, PlasticityRule, StepActivity};
use crate::error::Result;

/// Hebb's rule: units active together wire together.
#[derive(Clone, Debug, PartialEq)]
pub struct Hebbian {
    /// `η`, per unit time.
    pub learning_rate: f64,
    /// `λ`, weight decay per unit time (bounds growth together with `w_max`).
    pub decay: f64,
    /// Weights are clipped to `[−w_max, w_max]` (`inf`: no clipping).
    pub w_max: f64,
}

impl Default for Hebbian {
    fn default() -> Self {
        Hebbian {
            learning_rate: 0.01,
            decay: 0.0,
            w_max: 1.0,
        }
    }
}

/// The coincident rank-one step shared by [`Hebbian`] and [`super::AntiHebbian`].
pub(crate) fn coincident_step(
    signed_rate: f64,
    decay: f64,
    bound: f64,
    dt: f64,
    modulation: f64,
) -> RankOneStep {
    RankOneStep {
        matrix: PlasticMatrix::Weights,
        keep: 1.0 - dt * decay,
        scale: dt * signed_rate * modulation,
        pre_is_previous: false,
        bound,
    }
}

impl PlasticityRule for Hebbian {
    fn name(&self) -> &'static str {
        "Hebbian"
    }

    fn validate(&self) -> Result<()> {
        check_non_negative("learning_rate", self.learning_rate)?;
        check_non_negative("decay", self.decay)?;
        check_bound("w_max", self.w_max)
    }

    fn update(&self, state: &mut PlasticState, activity: &StepActivity<'_>) {
        let step = coincident_step(
            self.learning_rate,
            self.decay,
            self.w_max,
            activity.dt,
            activity.modulation,
        );
        step.apply(state, activity);
    }

    fn rank_one_step(&self, dt: f64, modulation: f64) -> Option<RankOneStep> {
        Some(coincident_step(
            self.learning_rate,
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

    fn step(rule: &Hebbian, w: Vec<f64>, r: &[f64], m: f64) -> Vec<f64> {
        let mut s = PlasticState::new(r.len(), w, None);
        let a = StepActivity {
            previous: r,
            current: r,
            modulation: m,
            dt: 0.5,
        };
        rule.update(&mut s, &a);
        s.weights.to_vec()
    }

    #[test]
    fn coincident_activity_strengthens_symmetrically() {
        let rule = Hebbian {
            learning_rate: 0.2,
            decay: 0.0,
            w_max: f64::INFINITY,
        };
        let w = step(&rule, vec![0.0; 4], &[1.0, -0.5], 1.0);
        // dt·η·r_i·r_j = 0.5·0.2·(1, −0.5; −0.5, 0.25)
        assert_eq!(w, vec![0.1, -0.05, -0.05, 0.025]);
    }

    #[test]
    fn modulation_scales_and_decay_shrinks() {
        let rule = Hebbian {
            learning_rate: 0.2,
            decay: 0.4,
            w_max: f64::INFINITY,
        };
        let w = step(&rule, vec![1.0; 4], &[0.0, 0.0], 1.0);
        assert!(w.iter().all(|&v| (v - 0.8).abs() < 1e-15));
        let w0 = step(&rule, vec![0.0; 4], &[1.0, 1.0], 0.0);
        assert!(w0.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn bad_parameters_are_named() {
        let rule = Hebbian {
            learning_rate: -1.0,
            ..Hebbian::default()
        };
        assert!(rule
            .validate()
            .unwrap_err()
            .to_string()
            .contains("learning_rate"));
        let rule = Hebbian {
            w_max: 0.0,
            ..Hebbian::default()
        };
        assert!(rule.validate().unwrap_err().to_string().contains("w_max"));
        let rule = Hebbian {
            decay: f64::NAN,
            ..Hebbian::default()
        };
        assert!(rule.validate().unwrap_err().to_string().contains("decay"));
    }
}
