//! Trial sets: one fixed trial per condition, as plain arrays, and the two published tasks.
//!
//! A [`ConditionSet`] holds, for each of `C` conditions, the inputs `[T, I]`, the targets
//! `[T, O]` and the weights of the scored steps `[T]` (0 = not scored). Any task whose trials
//! fit this shape can be trained (e.g. NeuroGym `(ob, gt)` arrays, one trial per condition).

use super::arm::TwoJointArm;
use super::buffers::{checked_len, try_filled};
use crate::error::{Error, Result};
use std::f64::consts::PI;

/// `C` conditions of `T` steps: inputs `[C, T, I]`, targets `[C, T, O]`, mask `[C, T]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionSet {
    /// Number of conditions `C`.
    pub n_conditions: usize,
    /// Steps per trial `T`.
    pub n_steps: usize,
    /// Input channels `I`.
    pub n_inputs: usize,
    /// Output dimension `O`.
    pub n_outputs: usize,
    /// `[C, T, I]`, row-major.
    pub inputs: Vec<f64>,
    /// `[C, T, O]`, row-major.
    pub targets: Vec<f64>,
    /// `[C, T]`: weight of each step in the error (0 = not scored).
    pub mask: Vec<f64>,
}

impl ConditionSet {
    /// Checks lengths, finiteness and that some step of every condition is scored.
    pub fn validate(&self) -> Result<()> {
        let (c, t) = (self.n_conditions, self.n_steps);
        if c == 0 || t == 0 {
            return Err(Error::shape(
                "inputs",
                "needs at least one condition and one step",
            ));
        }
        for (name, v, len) in [
            ("inputs", &self.inputs, c * t * self.n_inputs),
            ("targets", &self.targets, c * t * self.n_outputs),
            ("mask", &self.mask, c * t),
        ] {
            if v.len() != len {
                return Err(Error::shape(
                    name,
                    format!("expected {len} values, got {}", v.len()),
                ));
            }
            crate::error::check_all_finite(name, v)?;
        }
        if self.mask.iter().any(|&m| m < 0.0) {
            return Err(Error::argument("mask", "weights must be >= 0"));
        }
        for k in 0..c {
            if self.mask[k * t..(k + 1) * t].iter().all(|&m| m == 0.0) {
                return Err(Error::argument(
                    "mask",
                    format!("condition {k} has no scored step"),
                ));
            }
        }
        Ok(())
    }

    /// Inputs of condition `c`, `[T, I]`.
    pub fn inputs_of(&self, c: usize) -> &[f64] {
        let len = self.n_steps * self.n_inputs;
        &self.inputs[c * len..(c + 1) * len]
    }

    /// Targets of condition `c`, `[T, O]`.
    pub fn targets_of(&self, c: usize) -> &[f64] {
        let len = self.n_steps * self.n_outputs;
        &self.targets[c * len..(c + 1) * len]
    }

    /// Scored-step weights of condition `c`, `[T]`.
    pub fn mask_of(&self, c: usize) -> &[f64] {
        &self.mask[c * self.n_steps..(c + 1) * self.n_steps]
    }
}

/// Delayed non-match-to-sample (Miconi 2017): stimulus A or B (input channel 0 or 1) for
/// `stimulus` steps, `delay` steps of silence, a second stimulus for `stimulus` steps, then
/// `response` steps without input. Target −1 if both stimuli were the same, +1 if different,
/// scored over the last `scored` steps. Conditions: AA, AB, BA, BB.
pub fn delayed_non_match(
    stimulus: usize,
    delay: usize,
    response: usize,
    scored: usize,
) -> Result<ConditionSet> {
    let t = stimulus
        .checked_mul(2)
        .and_then(|v| v.checked_add(delay))
        .and_then(|v| v.checked_add(response))
        .ok_or_else(|| {
            Error::argument(
                "stimulus_steps",
                "2 · stimulus_steps + delay_steps + response_steps overflows",
            )
        })?;
    if stimulus == 0 {
        return Err(Error::argument("stimulus_steps", "must be >= 1"));
    }
    if scored == 0 || scored > t {
        return Err(Error::argument(
            "scored_steps",
            format!("must be >= 1 and <= the trial length {t}, got {scored}"),
        ));
    }
    let len = checked_len("stimulus_steps", &[4, t, 2])?;
    let pairs = [(0usize, 0usize), (0, 1), (1, 0), (1, 1)];
    let mut set = ConditionSet {
        n_conditions: 4,
        n_steps: t,
        n_inputs: 2,
        n_outputs: 1,
        inputs: try_filled("the inputs [4, T, 2]", len, 0.0)?,
        targets: try_filled("the targets [4, T, 1]", len / 2, 0.0)?,
        mask: try_filled("the mask [4, T]", len / 2, 0.0)?,
    };
    let second = stimulus + delay;
    for (c, &(a, b)) in pairs.iter().enumerate() {
        for s in 0..stimulus {
            set.inputs[(c * t + s) * 2 + a] = 1.0;
            set.inputs[(c * t + second + s) * 2 + b] = 1.0;
        }
        let target = if a == b { -1.0 } else { 1.0 };
        set.targets[c * t..(c + 1) * t].fill(target);
        set.mask[c * t + t - scored..(c + 1) * t].fill(1.0);
    }
    Ok(set)
}

/// Center-out reaching (hebbRNN): `n_targets` targets on a circle of `radius`, at angles
/// `2πk/n`. Inputs: one channel per target (on for the whole trial) and a hold channel (on for
/// the first `arm.movement_start` steps). Scored: the hand's distance to the target on the last
/// step.
pub fn center_out_reach(
    n_targets: usize,
    n_steps: usize,
    radius: f64,
    arm: &TwoJointArm,
) -> Result<ConditionSet> {
    if n_targets == 0 {
        return Err(Error::argument("n_targets", "must be >= 1"));
    }
    if arm.movement_start >= n_steps {
        return Err(Error::argument(
            "hold_steps",
            format!("must be shorter than the trial ({n_steps} steps)"),
        ));
    }
    if !(radius.is_finite() && radius > 0.0) {
        return Err(Error::argument(
            "radius",
            format!("must be finite and > 0, got {radius}"),
        ));
    }
    let n_in = n_targets
        .checked_add(1)
        .ok_or_else(|| Error::argument("n_targets", "too large"))?;
    let t = n_steps;
    let name = "n_targets × n_steps × (n_targets + 1)";
    let in_len = checked_len(name, &[n_targets, t, n_in])?;
    let out_len = checked_len("n_targets × n_steps × 2", &[n_targets, t, 2])?;
    let mut set = ConditionSet {
        n_conditions: n_targets,
        n_steps: t,
        n_inputs: n_in,
        n_outputs: 2,
        inputs: try_filled("the inputs [C, T, C + 1]", in_len, 0.0)?,
        targets: try_filled("the targets [C, T, 2]", out_len, 0.0)?,
        mask: try_filled("the mask [C, T]", out_len / 2, 0.0)?,
    };
    for c in 0..n_targets {
        let angle = 2.0 * PI * c as f64 / n_targets as f64;
        for s in 0..t {
            set.inputs[(c * t + s) * n_in + c] = 1.0;
            if s < arm.movement_start {
                set.inputs[(c * t + s) * n_in + n_targets] = 1.0;
            }
            set.targets[(c * t + s) * 2] = radius * angle.cos();
            set.targets[(c * t + s) * 2 + 1] = radius * angle.sin();
        }
        set.mask[c * t + t - 1] = 1.0;
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dnms_layout() {
        let set = delayed_non_match(200, 200, 400, 200).unwrap();
        set.validate().unwrap();
        assert_eq!(set.n_steps, 1000);
        // AB: channel 0 during the first stimulus, channel 1 during the second.
        let ab = set.inputs_of(1);
        assert_eq!(ab[0], 1.0);
        assert_eq!(ab[400 * 2 + 1], 1.0);
        assert_eq!(ab[300 * 2], 0.0);
        assert_eq!(set.targets_of(0)[999], -1.0);
        assert_eq!(set.targets_of(1)[999], 1.0);
        assert_eq!(set.mask_of(2).iter().sum::<f64>(), 200.0);
    }

    #[test]
    fn huge_sizes_are_errors() {
        let e = delayed_non_match(1 << 62, 0, 0, 1).unwrap_err();
        assert!(matches!(e, Error::InvalidArgument { .. }), "{e}");
        assert!(e.to_string().contains("stimulus_steps"), "{e}");
        let e = delayed_non_match(100_000_000_000, 0, 0, 1).unwrap_err();
        assert!(matches!(e, Error::OutOfMemory { .. }), "{e}");
        let arm = TwoJointArm::default();
        let e = center_out_reach(10_000_000, 10_000_000, 1.0, &arm).unwrap_err();
        assert!(e.to_string().contains("n_targets"), "{e}");
    }

    #[test]
    fn reach_layout() {
        let arm = TwoJointArm::default();
        let set = center_out_reach(4, 150, 1.0, &arm).unwrap();
        set.validate().unwrap();
        let inp = set.inputs_of(2);
        assert_eq!(inp[2], 1.0);
        assert_eq!(inp[4], 1.0); // hold on at step 0
        assert_eq!(inp[49 * 5 + 4], 0.0); // hold off from step 49
        let tg = set.targets_of(1);
        assert!(tg[0].abs() < 1e-12 && (tg[1] - 1.0).abs() < 1e-12);
    }
}
