//! Neuromodulated Hebbian trace (Miconi 2015 seed; the form of Miconi et al. 2018/2019).
//!
//! ```text
//! H_ij ← clip((1 − dt·λ)·H_ij + dt·η·m·r_i(t + dt)·r_j(t), −h_max, h_max)
//! W_eff = W + α ⊙ H
//! ```
//! The pairing is causal: postsynaptic rate after the step with the presynaptic rate that drove it.
//! `W` itself is not changed; `α` (one coefficient per connection) starts at [`Self::alpha`].

use super::plasticity::{check_bound, check_non_negative, PlasticMatrix, RankOneStep};
use super::plasticity::{PlasticState, PlasticityRule, StepActivity};
use crate::error::{Error, Result};

/// A decaying Hebbian trace whose growth is gated by a global modulatory signal `m(t)`.
#[derive(Clone, Debug, PartialEq)]
pub struct NeuromodulatedHebbian {
    /// `η`: growth rate of the trace per unit time.
    pub learning_rate: f64,
    /// `λ`: decay rate of the trace per unit time.
    pub decay: f64,
    /// Initial plasticity coefficient of every connection (`α`).
    pub alpha: f64,
    /// The trace is clipped to `[−h_max, h_max]`.
    pub h_max: f64,
}

impl Default for NeuromodulatedHebbian {
    fn default() -> Self {
        NeuromodulatedHebbian {
            learning_rate: 0.1,
            decay: 0.05,
            alpha: 0.5,
            h_max: 1.0,
        }
    }
}

impl NeuromodulatedHebbian {
    fn step(&self, dt: f64, modulation: f64) -> RankOneStep {
        RankOneStep {
            matrix: PlasticMatrix::Trace,
            keep: 1.0 - dt * self.decay,
            scale: dt * self.learning_rate * modulation,
            pre_is_previous: true,
            bound: self.h_max,
        }
    }
}

impl PlasticityRule for NeuromodulatedHebbian {
    fn name(&self) -> &'static str {
        "NeuromodulatedHebbian"
    }

    fn validate(&self) -> Result<()> {
        check_non_negative("learning_rate", self.learning_rate)?;
        check_non_negative("decay", self.decay)?;
        if !self.alpha.is_finite() {
            return Err(Error::config(
                "alpha",
                format!("must be finite, got {}", self.alpha),
            ));
        }
        check_bound("h_max", self.h_max)
    }

    fn uses_hebbian_trace(&self) -> bool {
        true
    }

    fn update(&self, state: &mut PlasticState, activity: &StepActivity<'_>) {
        self.step(activity.dt, activity.modulation)
            .apply(state, activity);
    }

    fn rank_one_step(&self, dt: f64, modulation: f64) -> Option<RankOneStep> {
        Some(self.step(dt, modulation))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rnn::Rule;

    fn rule() -> NeuromodulatedHebbian {
        NeuromodulatedHebbian {
            learning_rate: 0.5,
            decay: 0.1,
            alpha: 0.3,
            h_max: 10.0,
        }
    }

    #[test]
    fn trace_pairs_post_after_with_pre_before_and_leaves_w_alone() {
        let r = rule();
        let mut s = PlasticState::new(
            2,
            vec![0.7; 4],
            Some(&Rule::NeuromodulatedHebbian(r.clone())),
        );
        assert_eq!(s.alpha, vec![0.3; 4]);
        let act = StepActivity {
            previous: &[1.0, 0.0],
            current: &[0.0, 2.0],
            modulation: 1.0,
            dt: 1.0,
        };
        r.update(&mut s, &act);
        assert_eq!(s.trace, vec![0.0, 0.0, 1.0, 0.0]); // H[1, 0] = η·r_1(t+1)·r_0(t)
        assert_eq!(s.weights, vec![0.7; 4]);
    }

    #[test]
    fn zero_modulation_only_decays_and_growth_is_bounded() {
        let r = rule();
        let mut s = PlasticState::new(1, vec![0.0], Some(&Rule::NeuromodulatedHebbian(r.clone())));
        s.trace.make_mut()[0] = 1.0;
        let act = StepActivity {
            previous: &[1.0],
            current: &[1.0],
            modulation: 0.0,
            dt: 1.0,
        };
        r.update(&mut s, &act);
        assert!((s.trace[0] - 0.9).abs() < 1e-15);
        let act = StepActivity {
            modulation: 100.0,
            ..act
        };
        r.update(&mut s, &act);
        assert_eq!(s.trace[0], 10.0);
    }

    #[test]
    fn bad_alpha_is_named() {
        let err = NeuromodulatedHebbian {
            alpha: f64::NAN,
            ..rule()
        }
        .validate()
        .unwrap_err();
        assert!(err.to_string().contains("alpha"));
    }
}
