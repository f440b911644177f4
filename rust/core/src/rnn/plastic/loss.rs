//! The loss of one step, `m (y − target)²`, and its gradient ∂L/∂y.

use crate::rnn::plastic::params::Targets;
use crate::rnn::plastic::real::Real;

/// The loss: targets, optional mask weights, and the 1/B scale of its gradient.
pub(crate) struct LossSpec<'a, T> {
    pub(crate) targets: Targets<'a, T>,
    pub(crate) mask: Option<&'a [T]>,
    pub(crate) scale: f64,
}

impl<T: Real> LossSpec<'_, T> {
    /// Adds the loss of step t into the total and writes ∂L/∂y_t into `grad` (zero if unscored).
    pub(crate) fn step(
        &self,
        b: usize,
        t: usize,
        steps: usize,
        n: usize,
        y: &[T],
        grad: &mut [T],
    ) -> f64 {
        let offset = match self.targets {
            Targets::LastStep(_) if t != steps => {
                grad.fill(T::ZERO);
                return 0.0;
            }
            Targets::LastStep(_) => b * n,
            Targets::EveryStep(_) => (b * steps + (t - 1)) * n,
        };
        let target = match self.targets {
            Targets::LastStep(v) | Targets::EveryStep(v) => &v[offset..offset + n],
        };
        let mut loss = 0.0;
        for i in 0..n {
            let m = self.mask.map_or(T::ONE, |m| m[offset + i]);
            let err = y[i] - target[i];
            loss += (m * err * err).to_f64();
            grad[i] = T::from_f64(2.0 * self.scale) * m * err;
        }
        loss
    }
}
