//! A planar two-joint arm driven by joint velocities (hebbRNN's center-out reaching example).
//!
//! The two output rates are joint velocities: on each step from `movement_start` on,
//! `θ_d ← clamp(θ_d + r_d · velocity_scale)` within the joint limits, and the hand sits at
//! `h(θ) − h(θ₀)`, so it starts at the origin, with
//! `h(θ) = (L₁ cos(θ₁ + π) + L₂ cos(θ₁ + θ₂), L₁ sin θ₁ + L₂ sin(θ₁ + θ₂ − π))`.
//! Before `movement_start` (the hold period) the hand stays at the origin.

use super::config::dense_params_struct;
use crate::error::{Error, Result};
use std::f64::consts::PI;

/// The fields of [`TwoJointArm`] with their docs and defaults (see
/// [`node_perturbation_config_fields!`](crate::node_perturbation_config_fields)); `None` in
/// Python stands for the value after `=>`.
#[macro_export]
macro_rules! two_joint_arm_fields {
    ($then:ident! { $($args:tt)* }) => {
        $then! { $($args)*
            /// Geometry, limits and gain of the arm.
            TwoJointArm {
                /// Lengths of the upper arm and the forearm (3, 3).
                segment_lengths: [f64; 2] = None => [3.0, 3.0],
                /// Shoulder and elbow angles at rest (0.8π, 0.4π).
                initial_angles: [f64; 2] = None
                    => [0.8 * std::f64::consts::PI, 0.4 * std::f64::consts::PI],
                /// Radians per step per unit of output rate (1/150).
                velocity_scale: f64 = (1.0 / 150.0),
                /// Shoulder range [0, 1.5π].
                shoulder_limits: [f64; 2] = None => [0.0, 1.5 * std::f64::consts::PI],
                /// Elbow range [π/20, π − π/20].
                elbow_limits: [f64; 2] = None
                    => [std::f64::consts::PI / 20.0, std::f64::consts::PI - std::f64::consts::PI / 20.0],
                /// First step (0-based) at which the arm moves; the hold period comes before.
                movement_start: usize = 49,
            }
        }
    };
}
two_joint_arm_fields!(dense_params_struct! {});

impl TwoJointArm {
    /// Checks the geometry and limits.
    pub fn validate(&self) -> Result<()> {
        let all = self
            .segment_lengths
            .iter()
            .chain(&self.initial_angles)
            .chain(&self.shoulder_limits)
            .chain(&self.elbow_limits)
            .chain(std::iter::once(&self.velocity_scale));
        if all.clone().any(|v| !v.is_finite()) {
            return Err(Error::config("arm", "every arm parameter must be finite"));
        }
        if self.segment_lengths.iter().any(|&l| l <= 0.0) {
            return Err(Error::config("arm.segment_lengths", "must be > 0"));
        }
        for (name, lim) in [
            ("arm.shoulder_limits", self.shoulder_limits),
            ("arm.elbow_limits", self.elbow_limits),
        ] {
            if lim[0] > lim[1] {
                return Err(Error::config(name, "lower limit exceeds upper limit"));
            }
        }
        Ok(())
    }

    /// Hand position at joint angles `theta` (before shifting to the origin).
    pub fn hand(&self, theta: [f64; 2]) -> [f64; 2] {
        let [l1, l2] = self.segment_lengths;
        [
            l1 * (theta[0] + PI).cos() + l2 * (theta[0] + theta[1]).cos(),
            l1 * theta[0].sin() + l2 * (theta[0] + theta[1] - PI).sin(),
        ]
    }

    /// Elbow position at joint angles `theta`, relative to the hand's start.
    pub fn elbow(&self, theta: [f64; 2]) -> [f64; 2] {
        let origin = self.hand(self.initial_angles);
        let l1 = self.segment_lengths[0];
        [
            l1 * (theta[0] + PI).cos() - origin[0],
            l1 * theta[0].sin() - origin[1],
        ]
    }

    /// A fresh arm state at rest.
    pub fn start(&self) -> ArmState {
        ArmState {
            theta: self.initial_angles,
            origin: self.hand(self.initial_angles),
        }
    }

    /// Advances the arm by one step with the two output rates; returns the hand position.
    #[inline]
    pub fn step(&self, state: &mut ArmState, step: usize, rates: [f64; 2]) -> [f64; 2] {
        if step < self.movement_start {
            return [0.0, 0.0];
        }
        let th = &mut state.theta;
        th[0] = (th[0] + rates[0] * self.velocity_scale)
            .clamp(self.shoulder_limits[0], self.shoulder_limits[1]);
        th[1] = (th[1] + rates[1] * self.velocity_scale)
            .clamp(self.elbow_limits[0], self.elbow_limits[1]);
        let h = self.hand(*th);
        [h[0] - state.origin[0], h[1] - state.origin[1]]
    }
}

/// Joint angles of a moving arm.
#[derive(Debug, Clone, Copy)]
pub struct ArmState {
    /// Current shoulder and elbow angles.
    pub theta: [f64; 2],
    origin: [f64; 2],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_starts_at_origin_and_holds() {
        let arm = TwoJointArm::default();
        let mut s = arm.start();
        assert_eq!(arm.step(&mut s, 0, [1.0, 1.0]), [0.0, 0.0]);
        let p = arm.step(&mut s, 49, [0.0, 0.0]);
        assert!(p[0].abs() < 1e-12 && p[1].abs() < 1e-12);
        let p = arm.step(&mut s, 50, [1.0, -1.0]);
        assert!(p[0].hypot(p[1]) > 1e-3);
    }

    #[test]
    fn joint_limits_hold() {
        let arm = TwoJointArm::default();
        let mut s = arm.start();
        for t in 49..10_000 {
            arm.step(&mut s, t, [1.0, 1.0]);
        }
        assert_eq!(s.theta, [arm.shoulder_limits[1], arm.elbow_limits[1]]);
    }
}
