//! Oja's rule: Hebbian growth with a built-in normalisation of each unit's incoming weights.
//!
//! `W_ij ← W_ij + dt·η·m·y_i·(x_j − y_i·W_ij)` with `x = y = r(t + dt)`.

use super::plasticity::{check_non_negative, PlasticState, PlasticityRule, StepActivity};
use crate::error::Result;
use crate::rnn::kernels::rank1_update_rows;

/// Oja (1982): converges to the principal component of the presynaptic activity, norm 1.
#[derive(Clone, Debug, PartialEq)]
pub struct Oja {
    /// `η`, per unit time (keep `dt·η·y² < 1` for stability).
    pub learning_rate: f64,
}

impl Default for Oja {
    fn default() -> Self {
        Oja {
            learning_rate: 0.01,
        }
    }
}

impl PlasticityRule for Oja {
    fn name(&self) -> &'static str {
        "Oja"
    }

    fn validate(&self) -> Result<()> {
        check_non_negative("learning_rate", self.learning_rate)
    }

    fn update(&self, state: &mut PlasticState, activity: &StepActivity<'_>) {
        let rate = activity.dt * self.learning_rate * activity.modulation;
        let y = activity.current;
        let keep: Vec<f64> = y.iter().map(|&yi| 1.0 - rate * yi * yi).collect();
        rank1_update_rows(state.weights.make_mut(), &keep, rate, y, y, f64::INFINITY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_updates_settle_where_growth_balances_normalisation() {
        // With x = y = r held fixed, the fixed point is W_ij = r_j / r_i.
        let rule = Oja { learning_rate: 0.2 };
        let r = [0.5, -1.0];
        let mut s = PlasticState::new(2, vec![0.0; 4], None);
        for _ in 0..2000 {
            rule.update(
                &mut s,
                &StepActivity {
                    previous: &r,
                    current: &r,
                    modulation: 1.0,
                    dt: 1.0,
                },
            );
        }
        let expected = [1.0, -2.0, -0.5, 1.0];
        for (w, e) in s.weights.iter().zip(expected) {
            assert!((w - e).abs() < 1e-9, "{:?}", s.weights);
        }
    }

    #[test]
    fn square_update_matches_the_formula() {
        let rule = Oja { learning_rate: 0.1 };
        let r = [0.5, -1.0];
        let mut s = PlasticState::new(2, vec![1.0, 0.0, 0.0, 1.0], None);
        rule.update(
            &mut s,
            &StepActivity {
                previous: &r,
                current: &r,
                modulation: 1.0,
                dt: 1.0,
            },
        );
        let mut expected = [0.0; 4];
        let w0 = [1.0, 0.0, 0.0, 1.0];
        for i in 0..2 {
            for j in 0..2 {
                expected[i * 2 + j] = w0[i * 2 + j] + 0.1 * r[i] * (r[j] - r[i] * w0[i * 2 + j]);
            }
        }
        for (w, e) in s.weights.iter().zip(expected) {
            assert!((w - e).abs() < 1e-15);
        }
        assert!(Oja {
            learning_rate: f64::INFINITY
        }
        .validate()
        .is_err());
    }
}
