//! `NodePerturbationConfig` and `TwoJointArm`: frozen config classes.

use super::arrays::{f64_array, non_negative};
use super::names::{choice, eligibility_name, order_name, precision_name};
use crate::errors::{shape_error, IntoPyResult};
use crate::rnn::config_class::config_class;
use hebbian_core::rnn::perturbation::{self as np_core, ConditionOrder, Eligibility, Precision};
use numpy::{IntoPyArray, PyArrayMethods};
use pyo3::prelude::*;

/// Learning parameters of reward-modulated node perturbation (defaults: Miconi 2017, DNMS).
///
/// Args:
///     learning_rate: η (0.1).
///     perturbation_rate: perturbations per neuron per second of simulated time (3.0).
///     amplitude: a perturbation adds U(-amplitude, amplitude) to x (0.5).
///     activity_trace_decay: α_x of the running average x̄ (0.05; 0 = one-step change;
///         unused with eligibility="perturbation").
///     error_trace_decay: α_R of the running average error per condition (0.75).
///     max_dw: elementwise clip of each trial's weight change (3e-4).
///     scale_by_expected_error: also multiply ΔJ by |Ē_c| (Miconi's code) (False).
///     warmup_trials: trials before the first weight change (0).
///     condition_order: "cycle" (trial k uses condition k mod C) or "shuffled" (a random
///         order per pass of C trials).
///     precision: "float32" or "float64": the arithmetic of the two N² products of a trial
///         (the drive J·r from a float32 copy of J, and the cubed-fluctuation trace; the
///         kick trace is summed in float64 from the rates); the state, the errors and J itself
///         stay float64 ("float32": twice as fast as "float64" with the same learning, see
///         docs/reference/rules.md §3).
///     eligibility: what the trace correlates with the presynaptic rate r_j(t-1):
///         "fluctuation" (the default), (r_j·(x_i - x̄_i))³ summed over steps (Miconi's rule:
///         local to the synapse), or "perturbation", ξ_i·r_j summed over the kicks ξ_i
///         (node perturbation as in Fiete & Seung 2006 and Miconi's METHOD NODEPERT: not
///         local, cheaper, a less noisy estimate).
#[pyclass(
    frozen,
    eq,
    from_py_object,
    module = "hebbian_brain.rnn",
    name = "NodePerturbationConfig"
)]
#[derive(Clone, PartialEq)]
pub struct PyNodePerturbationConfig {
    pub inner: np_core::NodePerturbationConfig,
}

config_class! {
    PyNodePerturbationConfig as "NodePerturbationConfig";
    methods {
        #[new]
        #[pyo3(signature = (*, learning_rate=0.1, perturbation_rate=3.0, amplitude=0.5,
            activity_trace_decay=0.05, error_trace_decay=0.75, max_dw=3e-4,
            scale_by_expected_error=false, warmup_trials=0, condition_order="cycle",
            precision="float32", eligibility="fluctuation"))]
        #[allow(clippy::too_many_arguments)]
        fn new(
            learning_rate: f64,
            perturbation_rate: f64,
            amplitude: f64,
            activity_trace_decay: f64,
            error_trace_decay: f64,
            max_dw: f64,
            scale_by_expected_error: bool,
            warmup_trials: i128,
            condition_order: &str,
            precision: &str,
            eligibility: &str,
        ) -> PyResult<Self> {
            let warmup_trials: u64 = non_negative("warmup_trials", warmup_trials, true)?;
            let condition_order = choice(
                "condition_order",
                condition_order,
                &[ConditionOrder::Cycle, ConditionOrder::Shuffled],
                order_name,
            )?;
            let precision = choice(
                "precision",
                precision,
                &[Precision::Float64, Precision::Float32],
                precision_name,
            )?;
            let eligibility = choice(
                "eligibility",
                eligibility,
                &[Eligibility::Fluctuation, Eligibility::Perturbation],
                eligibility_name,
            )?;
            let inner = np_core::NodePerturbationConfig {
                learning_rate,
                perturbation_rate,
                amplitude,
                activity_trace_decay,
                error_trace_decay,
                max_dw,
                scale_by_expected_error,
                warmup_trials,
                condition_order,
                precision,
                eligibility,
            };
            inner.validate().py()?;
            Ok(Self { inner })
        }
    }
    fields {
        /// η, the learning rate (0.1, Miconi 2017).
        learning_rate,
        /// Perturbations per neuron per second of simulated time (3.0).
        perturbation_rate,
        /// A perturbation adds U(-amplitude, amplitude) to x (0.5).
        amplitude,
        /// α_x of the running average x̄ the fluctuation is taken against (0.05; 0 = the
        /// one-step change; unused with eligibility="perturbation").
        activity_trace_decay,
        /// α_R of the running average error Ē_c of each condition (0.75).
        error_trace_decay,
        /// Elementwise clip of each trial's weight change (3e-4).
        max_dw,
        /// Also multiply ΔJ by |Ē_c| (Miconi's code) (False).
        scale_by_expected_error,
        /// Trials run before the first weight change (0); Ē_c is tracked during them.
        warmup_trials,
        /// "cycle" (trial k uses condition k mod C) or "shuffled" (a random order per pass
        /// of C trials).
        condition_order,
        /// "float32" or "float64": the arithmetic of the two N² products of a trial (the
        /// drive J·r and the cubed-fluctuation trace).
        precision,
        /// "fluctuation" ((r_j·(x_i - x̄_i))³ summed over steps, Miconi's rule) or
        /// "perturbation" (ξ_i·r_j summed over the kicks, Fiete & Seung 2006).
        eligibility,
    }
}

/// A planar two-joint arm whose joint velocities are the two output rates (hebbRNN's
/// center-out example). The hand starts at the origin and stays there during the hold period
/// (steps before ``movement_start``).
///
/// Args:
///     segment_lengths: upper arm and forearm lengths ((3, 3)).
///     initial_angles: shoulder and elbow angles at rest ((0.8π, 0.4π)).
///     velocity_scale: radians per step per unit rate (1/150).
///     shoulder_limits: shoulder range ((0, 1.5π)).
///     elbow_limits: elbow range ((π/20, π − π/20)).
///     movement_start: first step (0-based) at which the arm moves (49).
#[pyclass(
    frozen,
    eq,
    from_py_object,
    module = "hebbian_brain.rnn",
    name = "TwoJointArm"
)]
#[derive(Clone, PartialEq)]
pub struct PyTwoJointArm {
    pub inner: np_core::TwoJointArm,
}

config_class! {
    PyTwoJointArm as "TwoJointArm";
    methods {
        #[new]
        #[pyo3(signature = (*, segment_lengths=None, initial_angles=None, velocity_scale=1.0/150.0,
            shoulder_limits=None, elbow_limits=None, movement_start=49))]
        fn new(
            segment_lengths: Option<[f64; 2]>,
            initial_angles: Option<[f64; 2]>,
            velocity_scale: f64,
            shoulder_limits: Option<[f64; 2]>,
            elbow_limits: Option<[f64; 2]>,
            movement_start: usize,
        ) -> PyResult<Self> {
            let d = np_core::TwoJointArm::default();
            let inner = np_core::TwoJointArm {
                segment_lengths: segment_lengths.unwrap_or(d.segment_lengths),
                initial_angles: initial_angles.unwrap_or(d.initial_angles),
                velocity_scale,
                shoulder_limits: shoulder_limits.unwrap_or(d.shoulder_limits),
                elbow_limits: elbow_limits.unwrap_or(d.elbow_limits),
                movement_start,
            };
            inner.validate().py()?;
            Ok(Self { inner })
        }

        /// Hand trajectory ``[T, 2]`` produced by output rates ``[T, 2]`` (the trainer's readout).
        fn hand_trajectory<'py>(
            &self,
            py: Python<'py>,
            rates: &Bound<'py, PyAny>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let (shape, data) = f64_array(rates, "rates", &[2])?;
            if shape[1] != 2 {
                return Err(shape_error(
                    "rates",
                    format!("expected [T, 2], got {shape:?}"),
                ));
            }
            let mut state = self.inner.start();
            let mut out = Vec::with_capacity(data.len());
            for (t, r) in data.chunks_exact(2).enumerate() {
                out.extend(self.inner.step(&mut state, t, [r[0], r[1]]));
            }
            Ok(out.into_pyarray(py).reshape([shape[0], 2])?.into_any())
        }
    }
    fields {
        /// Upper arm and forearm lengths ((3, 3)).
        segment_lengths,
        /// Shoulder and elbow angles at rest ((0.8π, 0.4π)).
        initial_angles,
        /// Radians per step per unit rate (1/150).
        velocity_scale,
        /// Shoulder range ((0, 1.5π)).
        shoulder_limits,
        /// Elbow range ((π/20, π − π/20)).
        elbow_limits,
        /// First step (0-based) at which the arm moves (49).
        movement_start,
    }
}
