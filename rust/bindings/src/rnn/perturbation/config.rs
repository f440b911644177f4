//! `NodePerturbationConfig` and `TwoJointArm`: frozen config classes, generated from the core's
//! field lists by [`config_class!`] (each field's doc and default are the core's).

use super::arrays::f64_array;
use crate::config_class::config_class;
use crate::errors::shape_error;
use hebbian_core::rnn::perturbation::{
    ConditionOrder, Eligibility, NodePerturbationConfig, Precision, TwoJointArm,
};
use numpy::{IntoPyArray, PyArrayMethods};
use pyo3::prelude::*;

hebbian_core::node_perturbation_config_fields!(config_class! {
    /// Learning parameters of reward-modulated node perturbation (defaults: Miconi 2017, DNMS).
    ///
    /// Args:
    ///     learning_rate: η (0.1).
    ///     perturbation_rate: perturbations per neuron per second of simulated time, > 0 (3.0).
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
    pub struct PyNodePerturbationConfig as "NodePerturbationConfig", module = "hebbian_brain.rnn",
        style = Dense, pickle = from_kwargs, pyclass(from_py_object);
    extra {}
});

hebbian_core::two_joint_arm_fields!(config_class! {
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
    pub struct PyTwoJointArm as "TwoJointArm", module = "hebbian_brain.rnn", style = Dense,
        pickle = from_kwargs, pyclass(from_py_object);
    extra {
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
});
