//! Gradient-descent optimizers for the trained parameters of differentiable plasticity.
//!
//! [`Adam`] (Kingma & Ba 2015), in the form PyTorch implements (so that results can be compared
//! with the original differentiable-plasticity code):
//!
//! ```text
//! m ← β₁ m + (1 − β₁) g          v ← β₂ v + (1 − β₂) g²
//! θ ← θ − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
//! ```
//! Defaults lr = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8.

use crate::error::{check_finite, try_filled, try_reserve, Error, Result};
use crate::rnn::plastic::Real;

/// Hyperparameters of [`Adam`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamConfig {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
}

impl Default for AdamConfig {
    fn default() -> Self {
        AdamConfig {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        }
    }
}

impl AdamConfig {
    /// Checks lr > 0, 0 ≤ β < 1, ε > 0 (all finite).
    pub fn validate(&self) -> Result<()> {
        check_finite("lr", self.lr)?;
        if self.lr <= 0.0 {
            return Err(Error::argument(
                "lr",
                format!("must be > 0, got {}", self.lr),
            ));
        }
        for (name, b) in [("beta1", self.beta1), ("beta2", self.beta2)] {
            if !(0.0..1.0).contains(&b) {
                return Err(Error::argument(
                    name,
                    format!("must lie in [0, 1), got {b}"),
                ));
            }
        }
        if !(self.eps > 0.0 && self.eps.is_finite()) {
            return Err(Error::argument(
                "eps",
                format!("must be > 0 and finite, got {}", self.eps),
            ));
        }
        Ok(())
    }
}

/// Adam over a fixed list of parameter arrays (their sizes are fixed at construction).
#[derive(Debug, Clone)]
pub struct Adam {
    config: AdamConfig,
    step: u64,
    m: Vec<Vec<f64>>,
    v: Vec<Vec<f64>>,
}

impl Adam {
    /// An optimizer for parameters of the given sizes. Its two moment buffers (16 bytes per
    /// parameter value) are allocated fallibly: `Error::OutOfMemory` rather than an abort.
    pub fn new(config: AdamConfig, sizes: &[usize]) -> Result<Self> {
        config.validate()?;
        let mut m = Vec::new();
        let mut v = Vec::new();
        try_reserve(&mut m, sizes.len(), || "the Adam moments".into())?;
        try_reserve(&mut v, sizes.len(), || "the Adam moments".into())?;
        for (k, &s) in sizes.iter().enumerate() {
            let what = || format!("the Adam moments of params[{k}] ({s} values)");
            m.push(try_filled(s, 0.0, what)?);
            v.push(try_filled(s, 0.0, what)?);
        }
        Ok(Adam {
            config,
            step: 0,
            m,
            v,
        })
    }

    pub fn config(&self) -> AdamConfig {
        self.config
    }

    /// Changes the learning rate (e.g. for a schedule); must be > 0.
    pub fn set_lr(&mut self, lr: f64) -> Result<()> {
        AdamConfig { lr, ..self.config }.validate()?;
        self.config.lr = lr;
        Ok(())
    }

    /// Number of steps taken.
    pub fn steps(&self) -> u64 {
        self.step
    }

    /// Sizes of the parameters this optimizer was made for.
    pub fn sizes(&self) -> Vec<usize> {
        self.m.iter().map(Vec::len).collect()
    }

    /// Checks that `grads` match the parameter sizes and are finite.
    pub fn check_grads<T: Real>(&self, grads: &[&[T]]) -> Result<()> {
        if grads.len() != self.m.len() {
            return Err(Error::shape(
                "grads",
                format!(
                    "expected {} gradient arrays, got {}",
                    self.m.len(),
                    grads.len()
                ),
            ));
        }
        for (k, (g, m)) in grads.iter().zip(&self.m).enumerate() {
            if g.len() != m.len() {
                return Err(Error::shape(
                    "grads",
                    format!(
                        "gradient {k} has {} values, its parameter {}",
                        g.len(),
                        m.len()
                    ),
                ));
            }
            if let Some(i) = g.iter().position(|v| !v.to_f64().is_finite()) {
                return Err(Error::argument(
                    format!("grads[{k}]"),
                    format!("must be finite, got {} at index {i}", g[i]),
                ));
            }
        }
        Ok(())
    }

    /// One update of every parameter. Everything is checked before anything changes.
    /// Parameters may be `f64` or `f32` (the moments are kept in `f64`).
    pub fn step<T: Real>(&mut self, params: &mut [&mut [T]], grads: &[&[T]]) -> Result<()> {
        self.check_grads(grads)?;
        if params.len() != self.m.len() {
            return Err(Error::shape(
                "params",
                format!(
                    "expected {} parameter arrays, got {}",
                    self.m.len(),
                    params.len()
                ),
            ));
        }
        for (k, (p, m)) in params.iter().zip(&self.m).enumerate() {
            if p.len() != m.len() {
                return Err(Error::shape(
                    "params",
                    format!("parameter {k} has {} values, expected {}", p.len(), m.len()),
                ));
            }
        }
        let AdamConfig {
            lr,
            beta1,
            beta2,
            eps,
        } = self.config;
        let t = (self.step + 1).min(i32::MAX as u64) as i32;
        let bias1 = 1.0 - beta1.powi(t);
        let bias2_sqrt = (1.0 - beta2.powi(t)).sqrt();
        let step_size = lr / bias1;
        // The new moments and parameter of one entry (the same arithmetic in both passes).
        let update = |p: T, g: T, m: f64, v: f64| {
            let g = g.to_f64();
            let m = beta1 * m + (1.0 - beta1) * g;
            let v = beta2 * v + (1.0 - beta2) * g * g;
            let denom = v.sqrt() / bias2_sqrt + eps;
            (T::from_f64(p.to_f64() - step_size * m / denom), m, v)
        };
        // First pass: compute everything and check it is finite; nothing is written yet, so a
        // huge gradient or learning rate leaves the parameters and the moments as they were.
        for (k, ((p, g), (m, v))) in params
            .iter()
            .zip(grads)
            .zip(self.m.iter().zip(&self.v))
            .enumerate()
        {
            for (i, (((&pi, &gi), &mi), &vi)) in p.iter().zip(g.iter()).zip(m).zip(v).enumerate() {
                let (np, nm, nv) = update(pi, gi, mi, vi);
                if !(np.to_f64().is_finite() && nm.is_finite() && nv.is_finite()) {
                    return Err(Error::argument(
                        format!("grads[{k}]"),
                        format!(
                            "the update of parameter {k} at index {i} is not finite \
                             (gradient {gi}, parameter {pi}, lr {lr}): nothing was changed"
                        ),
                    ));
                }
            }
        }
        // Second pass: write.
        for ((p, g), (m, v)) in params
            .iter_mut()
            .zip(grads)
            .zip(self.m.iter_mut().zip(self.v.iter_mut()))
        {
            for (((pi, &gi), mi), vi) in p
                .iter_mut()
                .zip(g.iter())
                .zip(m.iter_mut())
                .zip(v.iter_mut())
            {
                (*pi, *mi, *vi) = update(*pi, gi, *mi, *vi);
            }
        }
        self.step += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_step_moves_each_parameter_by_lr_against_the_gradient_sign() {
        let mut adam = Adam::new(
            AdamConfig {
                lr: 0.1,
                ..Default::default()
            },
            &[3],
        )
        .unwrap();
        let mut p = vec![1.0f64, 1.0, 1.0];
        adam.step(&mut [&mut p], &[&[2.0, -0.5, 0.0]]).unwrap();
        assert!((p[0] - 0.9).abs() < 1e-6 && (p[1] - 1.1).abs() < 1e-6 && p[2] == 1.0);
    }

    #[test]
    fn minimizes_a_quadratic() {
        let mut adam = Adam::new(
            AdamConfig {
                lr: 0.05,
                ..Default::default()
            },
            &[2],
        )
        .unwrap();
        let mut p = vec![3.0f64, -2.0];
        for _ in 0..2000 {
            let g = [2.0 * (p[0] - 1.0), 2.0 * (p[1] + 0.5)];
            adam.step(&mut [&mut p], &[&g]).unwrap();
        }
        assert!(
            (p[0] - 1.0).abs() < 1e-3 && (p[1] + 0.5).abs() < 1e-3,
            "{p:?}"
        );
    }

    #[test]
    fn matches_the_bias_corrected_formula_over_several_steps() {
        let (lr, b1, b2, eps) = (0.01, 0.9, 0.999, 1e-8);
        let mut adam = Adam::new(
            AdamConfig {
                lr,
                beta1: b1,
                beta2: b2,
                eps,
            },
            &[1],
        )
        .unwrap();
        let mut p = vec![0.5f64];
        let (mut m, mut v, mut q) = (0.0, 0.0, 0.5);
        for t in 1..=5 {
            let g = 0.3 * t as f64 - 0.7;
            adam.step(&mut [&mut p], &[&[g]]).unwrap();
            m = b1 * m + (1.0 - b1) * g;
            v = b2 * v + (1.0 - b2) * g * g;
            let mh = m / (1.0 - b1.powi(t));
            let vh = v / (1.0 - b2.powi(t));
            q -= lr * mh / (vh.sqrt() + eps);
            assert!((p[0] - q).abs() < 1e-12, "step {t}: {} vs {q}", p[0]);
        }
    }

    #[test]
    fn a_non_finite_update_is_rejected_and_changes_nothing() {
        // g² overflows the second moment.
        let mut adam = Adam::new(AdamConfig::default(), &[2]).unwrap();
        let mut p = vec![1.0f64, 2.0];
        adam.step(&mut [&mut p], &[&[0.5, 0.5]]).unwrap();
        let (before, state) = (p.clone(), adam.clone());
        assert!(adam.step(&mut [&mut p], &[&[0.5, 1e200]]).is_err());
        assert_eq!(p, before);
        assert_eq!(
            (adam.m.clone(), adam.v.clone(), adam.steps()),
            (state.m, state.v, 1)
        );
        // An f32 parameter pushed past f32::MAX by a large learning rate.
        let mut adam = Adam::new(
            AdamConfig {
                lr: 1e39,
                ..Default::default()
            },
            &[1],
        )
        .unwrap();
        let mut q = vec![1.0f32];
        assert!(adam.step(&mut [&mut q], &[&[1.0f32]]).is_err());
        assert_eq!((q[0], adam.steps(), adam.m[0][0]), (1.0, 0, 0.0));
    }

    #[test]
    fn bad_input_is_rejected_and_changes_nothing() {
        assert!(Adam::new(
            AdamConfig {
                lr: 0.0,
                ..Default::default()
            },
            &[1]
        )
        .is_err());
        assert!(Adam::new(
            AdamConfig {
                lr: -1.0,
                ..Default::default()
            },
            &[1]
        )
        .is_err());
        assert!(Adam::new(
            AdamConfig {
                beta2: 1.0,
                ..Default::default()
            },
            &[1]
        )
        .is_err());
        let mut adam = Adam::new(AdamConfig::default(), &[2, 1]).unwrap();
        let (mut a, mut b) = (vec![1.0f64, 2.0], vec![3.0f64]);
        assert!(adam
            .step(&mut [&mut a, &mut b], &[&[1.0, 1.0], &[f64::NAN]])
            .is_err());
        assert!(adam.step(&mut [&mut a, &mut b], &[&[1.0], &[1.0]]).is_err());
        assert!(adam.step(&mut [&mut a], &[&[1.0, 1.0], &[1.0]]).is_err());
        assert_eq!((a, b, adam.steps()), (vec![1.0, 2.0], vec![3.0], 0));
        assert!(adam.set_lr(0.0).is_err());
        assert_eq!(adam.config().lr, 1e-3);
    }
}
