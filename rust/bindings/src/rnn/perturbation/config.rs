//! `NodePerturbationConfig` and `TwoJointArm`: frozen config classes.

use super::arrays::{f64_array, non_negative};
use crate::errors::{shape_error, IntoPyResult};
use hebbian_core::rnn::perturbation::{self as np_core, ConditionOrder, Eligibility, Precision};
use numpy::{IntoPyArray, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

pub(crate) fn precision_name(p: Precision) -> &'static str {
    match p {
        Precision::Float64 => "float64",
        Precision::Float32 => "float32",
    }
}

pub(crate) fn eligibility_name(e: Eligibility) -> &'static str {
    match e {
        Eligibility::Fluctuation => "fluctuation",
        Eligibility::Perturbation => "perturbation",
    }
}

pub(crate) fn order_name(o: ConditionOrder) -> &'static str {
    match o {
        ConditionOrder::Cycle => "cycle",
        ConditionOrder::Shuffled => "shuffled",
    }
}

/// The variant of a string-valued parameter `name` called `value`, or an `InvalidConfigError`
/// that lists the accepted names.
fn choice<T: Copy>(
    name: &str,
    value: &str,
    variants: &[T],
    name_of: fn(T) -> &'static str,
) -> PyResult<T> {
    if let Some(&v) = variants.iter().find(|&&v| name_of(v) == value) {
        return Ok(v);
    }
    let names: Vec<String> = variants
        .iter()
        .map(|&v| format!("'{}'", name_of(v)))
        .collect();
    let list = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.concat(),
    };
    Err(crate::errors::to_pyerr(hebbian_core::Error::config(
        name,
        format!("must be {list}, got {value:?}"),
    )))
}

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
///         docs/rules.md §3).
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

#[pymethods]
impl PyNodePerturbationConfig {
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

    #[getter]
    fn learning_rate(&self) -> f64 {
        self.inner.learning_rate
    }
    #[getter]
    fn perturbation_rate(&self) -> f64 {
        self.inner.perturbation_rate
    }
    #[getter]
    fn amplitude(&self) -> f64 {
        self.inner.amplitude
    }
    #[getter]
    fn activity_trace_decay(&self) -> f64 {
        self.inner.activity_trace_decay
    }
    #[getter]
    fn error_trace_decay(&self) -> f64 {
        self.inner.error_trace_decay
    }
    #[getter]
    fn max_dw(&self) -> f64 {
        self.inner.max_dw
    }
    #[getter]
    fn scale_by_expected_error(&self) -> bool {
        self.inner.scale_by_expected_error
    }
    #[getter]
    fn warmup_trials(&self) -> u64 {
        self.inner.warmup_trials
    }
    #[getter]
    fn condition_order(&self) -> &'static str {
        order_name(self.inner.condition_order)
    }
    #[getter]
    fn precision(&self) -> &'static str {
        precision_name(self.inner.precision)
    }
    #[getter]
    fn eligibility(&self) -> &'static str {
        eligibility_name(self.inner.eligibility)
    }

    /// The fields as keyword arguments of the constructor.
    fn _asdict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = &self.inner;
        let d = PyDict::new(py);
        d.set_item("learning_rate", c.learning_rate)?;
        d.set_item("perturbation_rate", c.perturbation_rate)?;
        d.set_item("amplitude", c.amplitude)?;
        d.set_item("activity_trace_decay", c.activity_trace_decay)?;
        d.set_item("error_trace_decay", c.error_trace_decay)?;
        d.set_item("max_dw", c.max_dw)?;
        d.set_item("scale_by_expected_error", c.scale_by_expected_error)?;
        d.set_item("warmup_trials", c.warmup_trials)?;
        d.set_item("condition_order", order_name(c.condition_order))?;
        d.set_item("precision", precision_name(c.precision))?;
        d.set_item("eligibility", eligibility_name(c.eligibility))?;
        Ok(d)
    }

    /// A copy with some fields replaced, e.g. ``cfg.replace(learning_rate=0.05)``.
    #[pyo3(signature = (**changes))]
    fn replace(&self, py: Python<'_>, changes: Option<&Bound<'_, PyDict>>) -> PyResult<Py<PyAny>> {
        let d = self._asdict(py)?;
        if let Some(ch) = changes {
            d.update(ch.as_mapping())?;
        }
        let cls = py.get_type::<Self>();
        Ok(cls.call((), Some(&d))?.unbind())
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let d = slf.get()._asdict(py)?;
        let replace = slf.getattr("_from_kwargs")?;
        PyTuple::new(py, [replace.into_any(), PyTuple::new(py, [d])?.into_any()])
    }

    /// Builds a config from a dict of keyword arguments (used by pickling).
    #[staticmethod]
    fn _from_kwargs(py: Python<'_>, kwargs: &Bound<'_, PyDict>) -> PyResult<Py<PyAny>> {
        Ok(py.get_type::<Self>().call((), Some(kwargs))?.unbind())
    }

    fn __repr__(&self) -> String {
        let c = &self.inner;
        format!(
            "NodePerturbationConfig(learning_rate={:?}, perturbation_rate={:?}, amplitude={:?}, \
             activity_trace_decay={:?}, error_trace_decay={:?}, max_dw={:?}, \
             scale_by_expected_error={}, warmup_trials={}, condition_order='{}', \
             precision='{}', eligibility='{}')",
            c.learning_rate,
            c.perturbation_rate,
            c.amplitude,
            c.activity_trace_decay,
            c.error_trace_decay,
            c.max_dw,
            if c.scale_by_expected_error {
                "True"
            } else {
                "False"
            },
            c.warmup_trials,
            order_name(c.condition_order),
            precision_name(c.precision),
            eligibility_name(c.eligibility)
        )
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

#[pymethods]
impl PyTwoJointArm {
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

    #[getter]
    fn segment_lengths(&self) -> (f64, f64) {
        (self.inner.segment_lengths[0], self.inner.segment_lengths[1])
    }
    #[getter]
    fn initial_angles(&self) -> (f64, f64) {
        (self.inner.initial_angles[0], self.inner.initial_angles[1])
    }
    #[getter]
    fn velocity_scale(&self) -> f64 {
        self.inner.velocity_scale
    }
    #[getter]
    fn shoulder_limits(&self) -> (f64, f64) {
        (self.inner.shoulder_limits[0], self.inner.shoulder_limits[1])
    }
    #[getter]
    fn elbow_limits(&self) -> (f64, f64) {
        (self.inner.elbow_limits[0], self.inner.elbow_limits[1])
    }
    #[getter]
    fn movement_start(&self) -> usize {
        self.inner.movement_start
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

    fn _asdict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("segment_lengths", self.segment_lengths())?;
        d.set_item("initial_angles", self.initial_angles())?;
        d.set_item("velocity_scale", self.inner.velocity_scale)?;
        d.set_item("shoulder_limits", self.shoulder_limits())?;
        d.set_item("elbow_limits", self.elbow_limits())?;
        d.set_item("movement_start", self.inner.movement_start)?;
        Ok(d)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let d = slf.get()._asdict(py)?;
        let f = slf.getattr("_from_kwargs")?;
        PyTuple::new(py, [f.into_any(), PyTuple::new(py, [d])?.into_any()])
    }

    #[staticmethod]
    fn _from_kwargs(py: Python<'_>, kwargs: &Bound<'_, PyDict>) -> PyResult<Py<PyAny>> {
        Ok(py.get_type::<Self>().call((), Some(kwargs))?.unbind())
    }

    fn __repr__(&self) -> String {
        let a = &self.inner;
        format!(
            "TwoJointArm(segment_lengths=({:?}, {:?}), initial_angles=({:?}, {:?}), \
             velocity_scale={:?}, shoulder_limits=({:?}, {:?}), elbow_limits=({:?}, {:?}), \
             movement_start={})",
            a.segment_lengths[0],
            a.segment_lengths[1],
            a.initial_angles[0],
            a.initial_angles[1],
            a.velocity_scale,
            a.shoulder_limits[0],
            a.shoulder_limits[1],
            a.elbow_limits[0],
            a.elbow_limits[1],
            a.movement_start
        )
    }
}
