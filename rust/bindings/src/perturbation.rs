//! Python face of reward-modulated node perturbation: `NodePerturbationConfig`, `TwoJointArm`,
//! `NodePerturbationTrainer`, and the trial builders behind `hebbian_brain.tasks`.

use crate::errors::{invalid_argument, shape_error, IntoPyResult};
use hebbian_core::rnn::perturbation::{
    self as np_core, ConditionOrder, ConditionSet, ErrorMetric, NetworkSpec,
    NodePerturbationTrainer as CoreTrainer, Readout,
};
use numpy::{IntoPyArray, PyArrayDyn, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// Converts any array-like to a C-contiguous float64 array of one of the allowed ranks.
fn f64_array(
    obj: &Bound<'_, PyAny>,
    name: &str,
    ranks: &[usize],
) -> PyResult<(Vec<usize>, Vec<f64>)> {
    let py = obj.py();
    let np = py.import("numpy")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("dtype", "float64")?;
    let arr = np
        .getattr("ascontiguousarray")?
        .call((obj,), Some(&kwargs))
        .map_err(|e| PyTypeError::new_err(format!("`{name}` must be a float array: {e}")))?;
    let arr = arr
        .cast_into::<PyArrayDyn<f64>>()
        .map_err(|_| PyTypeError::new_err(format!("`{name}` must be a float array")))?;
    let shape = arr.shape().to_vec();
    if !ranks.contains(&shape.len()) {
        return Err(shape_error(
            name,
            format!("expected an array with {ranks:?} dimensions, got shape {shape:?}"),
        ));
    }
    let data = arr.readonly().as_slice()?.to_vec();
    Ok((shape, data))
}

fn order_name(o: ConditionOrder) -> &'static str {
    match o {
        ConditionOrder::Cycle => "cycle",
        ConditionOrder::Shuffled => "shuffled",
    }
}

/// Learning parameters of reward-modulated node perturbation (defaults: Miconi 2017, DNMS).
///
/// Args:
///     learning_rate: η (0.1).
///     perturbation_rate: perturbations per neuron per second of simulated time (3.0).
///     amplitude: a perturbation adds U(-amplitude, amplitude) to x (0.5).
///     activity_trace_decay: α_x of the running average x̄ (0.05; 0 = one-step change).
///     error_trace_decay: α_R of the running average error per condition (0.75).
///     max_dw: elementwise clip of each trial's weight change (3e-4).
///     scale_by_expected_error: also multiply ΔJ by |Ē_c| (Miconi's code) (False).
///     warmup_trials: trials before the first weight change (0).
///     condition_order: "cycle" (trial k uses condition k mod C) or "shuffled" (a random
///         order per pass of C trials).
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
        scale_by_expected_error=false, warmup_trials=0, condition_order="cycle"))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        learning_rate: f64,
        perturbation_rate: f64,
        amplitude: f64,
        activity_trace_decay: f64,
        error_trace_decay: f64,
        max_dw: f64,
        scale_by_expected_error: bool,
        warmup_trials: u64,
        condition_order: &str,
    ) -> PyResult<Self> {
        let condition_order = match condition_order {
            "cycle" => ConditionOrder::Cycle,
            "shuffled" => ConditionOrder::Shuffled,
            other => {
                return Err(crate::errors::to_pyerr(hebbian_core::Error::config(
                    "condition_order",
                    format!("must be 'cycle' or 'shuffled', got {other:?}"),
                )))
            }
        };
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
             scale_by_expected_error={}, warmup_trials={}, condition_order='{}')",
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
            order_name(c.condition_order)
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

/// Builds the core trial set from `inputs [C,T,I]`, `targets [C,T,O]`, `mask` (None, [T] or
/// [C,T]).
fn condition_set(
    inputs: &Bound<'_, PyAny>,
    targets: &Bound<'_, PyAny>,
    mask: Option<&Bound<'_, PyAny>>,
) -> PyResult<ConditionSet> {
    let (si, inputs) = f64_array(inputs, "inputs", &[3])?;
    let (st, targets) = f64_array(targets, "targets", &[3])?;
    let (c, t) = (si[0], si[1]);
    if st[0] != c || st[1] != t {
        return Err(shape_error(
            "targets",
            format!("expected [{c}, {t}, O] to match inputs {si:?}, got {st:?}"),
        ));
    }
    let mask = match mask {
        None => vec![1.0; c * t],
        Some(m) => {
            let (sm, m) = f64_array(m, "mask", &[1, 2])?;
            if sm == [t] {
                m.repeat(c)
            } else if sm == [c, t] {
                m
            } else {
                return Err(shape_error(
                    "mask",
                    format!("expected [{t}] or [{c}, {t}], got {sm:?}"),
                ));
            }
        }
    };
    Ok(ConditionSet {
        n_conditions: c,
        n_steps: t,
        n_inputs: si[2],
        n_outputs: st[2],
        inputs,
        targets,
        mask,
    })
}

/// Trains a rate network by reward-modulated node perturbation (Miconi 2017; hebbRNN).
///
/// The network ``x ← x + (dt/τ)(−x + J r + W_in u) + ξ``, ``r = tanh(x)`` is trained on a
/// fixed set of conditions, one trial each: ``inputs [C, T, I]``, ``targets [C, T, O]`` and
/// ``mask`` (scored steps; ``None`` = all, ``[T]`` or ``[C, T]``). See ``docs/rules.md`` §3.
///
/// Args:
///     inputs, targets, mask: the conditions.
///     n_neurons: N (200).
///     output_neurons: indices whose rates are the output ((0,)).
///     config: learning parameters (``NodePerturbationConfig()``).
///     dt, tau: step and time constant in milliseconds (1, 30).
///     gain: J ~ N(0, gain²/N) (1.5).
///     bias_neurons, bias_values: neurons whose x is clamped to the given values.
///     initial_state: x(0) (zeros); initial_noise: U(±s) added to x(0) each trial (0).
///     arm: a ``TwoJointArm`` turning two output rates into a hand position, or None.
///     error_metric: "mean_absolute" or "euclidean" (default: euclidean with an arm).
///     energy_cost: c in ``c · mean |r_out|`` added to the error (0).
///     weights, input_weights: initial J ``[N, N]`` and W_in ``[N, I]`` (random if None).
///     seed: seed of every random draw (None: from the OS).
#[pyclass(module = "hebbian_brain.rnn", name = "NodePerturbationTrainer")]
pub struct PyNodePerturbationTrainer {
    inner: CoreTrainer,
    gain: f64,
}

#[pymethods]
impl PyNodePerturbationTrainer {
    #[new]
    #[pyo3(signature = (inputs, targets, mask=None, *, n_neurons=200, output_neurons=vec![0],
        config=None, dt=1.0, tau=30.0, gain=1.5, bias_neurons=vec![], bias_values=vec![],
        initial_state=None, initial_noise=0.0, arm=None, error_metric=None, energy_cost=0.0,
        weights=None, input_weights=None, seed=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        inputs: &Bound<'_, PyAny>,
        targets: &Bound<'_, PyAny>,
        mask: Option<&Bound<'_, PyAny>>,
        n_neurons: usize,
        output_neurons: Vec<i64>,
        config: Option<&Bound<'_, PyNodePerturbationConfig>>,
        dt: f64,
        tau: f64,
        gain: f64,
        bias_neurons: Vec<i64>,
        bias_values: Vec<f64>,
        initial_state: Option<&Bound<'_, PyAny>>,
        initial_noise: f64,
        arm: Option<&Bound<'_, PyTwoJointArm>>,
        error_metric: Option<&str>,
        energy_cost: f64,
        weights: Option<&Bound<'_, PyAny>>,
        input_weights: Option<&Bound<'_, PyAny>>,
        seed: Option<u64>,
    ) -> PyResult<Self> {
        let set = condition_set(inputs, targets, mask)?;
        let index = |name: &str, v: Vec<i64>| -> PyResult<Vec<usize>> {
            v.into_iter()
                .map(|i| {
                    usize::try_from(i).map_err(|_| {
                        crate::errors::to_pyerr(hebbian_core::Error::config(
                            name,
                            format!("index {i} is out of range for {n_neurons} neurons"),
                        ))
                    })
                })
                .collect()
        };
        let readout = match arm {
            Some(a) => Readout::Arm(a.get().inner.clone()),
            None => Readout::Rates,
        };
        let error_metric = match error_metric {
            None if arm.is_some() => ErrorMetric::Euclidean,
            None | Some("mean_absolute") => ErrorMetric::MeanAbsolute,
            Some("euclidean") => ErrorMetric::Euclidean,
            Some(other) => {
                return Err(invalid_argument(
                    "error_metric",
                    format!("must be 'mean_absolute' or 'euclidean', got {other:?}"),
                ))
            }
        };
        let initial_state = match initial_state {
            None => Vec::new(),
            Some(x) => f64_array(x, "initial_state", &[1])?.1,
        };
        let spec = NetworkSpec {
            n_neurons,
            n_inputs: set.n_inputs,
            dt,
            tau,
            output_neurons: index("output_neurons", output_neurons)?,
            bias_neurons: index("bias_neurons", bias_neurons)?,
            bias_values,
            initial_state,
            initial_noise,
            readout,
            error_metric,
            energy_cost,
        };
        let matrix = |obj: Option<&Bound<'_, PyAny>>, name: &str, cols: usize| {
            obj.map(|w| -> PyResult<Vec<f64>> {
                let (shape, data) = f64_array(w, name, &[2])?;
                if shape != [n_neurons, cols] {
                    return Err(shape_error(
                        name,
                        format!("expected [{n_neurons}, {cols}], got {shape:?}"),
                    ));
                }
                Ok(data)
            })
            .transpose()
        };
        let weights = matrix(weights, "weights", n_neurons)?;
        let input_weights = matrix(input_weights, "input_weights", set.n_inputs)?;
        let config = config.map(|c| c.get().inner.clone()).unwrap_or_default();
        let inner = CoreTrainer::new(spec, config, set, gain, weights, input_weights, seed).py()?;
        Ok(Self { inner, gain })
    }

    /// Runs ``n_trials`` perturbed trials with learning, ``batch_size`` at a time in parallel
    /// (the GIL is released). The trials of a batch start from the same weights; their clipped
    /// changes are then applied in trial order. Results do not depend on ``n_threads``.
    /// Interruptible (Ctrl-C) between chunks of batches; the trials done so far are kept.
    ///
    /// Returns:
    ///     (errors, conditions): float array ``[n_trials]`` of trial errors and int array of
    ///     their conditions.
    #[pyo3(signature = (n_trials, *, batch_size=1, n_threads=None))]
    fn train<'py>(
        &mut self,
        py: Python<'py>,
        n_trials: usize,
        batch_size: usize,
        n_threads: Option<usize>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        // Chunks of whole batches (so the batch boundaries are those of one long call, and the
        // result the same), with a signal check between them so that Ctrl-C works.
        let chunk = if batch_size == 0 || n_trials == 0 {
            n_trials // one call: the core validates and returns
        } else {
            batch_size * 64usize.div_ceil(batch_size)
        };
        let mut errors = Vec::with_capacity(n_trials);
        let mut conds: Vec<i64> = Vec::with_capacity(n_trials);
        let mut done = 0;
        loop {
            let k = chunk.min(n_trials - done);
            let inner = &mut self.inner;
            let report = py.detach(|| inner.train(k, batch_size, n_threads)).py()?;
            errors.extend(report.errors);
            conds.extend(report.conditions.iter().map(|&c| c as i64));
            done += k;
            if done >= n_trials {
                break;
            }
            py.check_signals()?;
        }
        Ok((
            errors.into_pyarray(py).into_any(),
            conds.into_pyarray(py).into_any(),
        ))
    }

    /// Clean (unperturbed) error of every condition, ``[C]``.
    fn evaluate<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        let inner = &self.inner;
        py.detach(|| inner.evaluate()).into_pyarray(py).into_any()
    }

    /// Runs one condition without perturbations.
    ///
    /// Returns:
    ///     dict with "activations" ``[T, N]``, "rates" ``[T, N]``, "outputs" ``[T, O]`` (the
    ///     hand position with an arm) and "error".
    fn run<'py>(&self, py: Python<'py>, condition: i64) -> PyResult<Bound<'py, PyDict>> {
        let c = usize::try_from(condition)
            .map_err(|_| invalid_argument("condition", format!("{condition} is out of range")))?;
        let inner = &self.inner;
        let rec = py.detach(|| inner.run(c)).py()?;
        let n = self.inner.spec().n_neurons;
        let o = self.inner.spec().output_dim();
        let t = rec.n_steps;
        let d = PyDict::new(py);
        d.set_item(
            "activations",
            rec.activations.into_pyarray(py).reshape([t, n])?,
        )?;
        d.set_item("rates", rec.rates.into_pyarray(py).reshape([t, n])?)?;
        d.set_item("outputs", rec.outputs.into_pyarray(py).reshape([t, o])?)?;
        d.set_item("error", rec.error)?;
        Ok(d)
    }

    /// The recurrent weights J ``[N, N]`` (``[post, pre]``), a copy.
    #[getter]
    fn weights<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let n = self.inner.spec().n_neurons;
        Ok(self
            .inner
            .weights()
            .to_vec()
            .into_pyarray(py)
            .reshape([n, n])?
            .into_any())
    }

    /// Replaces J (validated first; the trainer is unchanged on error).
    #[setter]
    fn set_weights(&mut self, weights: &Bound<'_, PyAny>) -> PyResult<()> {
        let n = self.inner.spec().n_neurons;
        let (shape, data) = f64_array(weights, "weights", &[2])?;
        if shape != [n, n] {
            return Err(shape_error(
                "weights",
                format!("expected [{n}, {n}], got {shape:?}"),
            ));
        }
        self.inner.set_weights(data).py()
    }

    /// The input weights W_in ``[N, I]``, a copy.
    #[getter]
    fn input_weights<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let n = self.inner.spec().n_neurons;
        let i = self.inner.spec().n_inputs;
        Ok(self
            .inner
            .input_weights()
            .to_vec()
            .into_pyarray(py)
            .reshape([n, i])?
            .into_any())
    }

    /// Replaces W_in (validated first; the trainer is unchanged on error).
    #[setter]
    fn set_input_weights(&mut self, input_weights: &Bound<'_, PyAny>) -> PyResult<()> {
        let n = self.inner.spec().n_neurons;
        let i = self.inner.spec().n_inputs;
        let (shape, data) = f64_array(input_weights, "input_weights", &[2])?;
        if shape != [n, i] {
            return Err(shape_error(
                "input_weights",
                format!("expected [{n}, {i}], got {shape:?}"),
            ));
        }
        self.inner.set_input_weights(data).py()
    }

    /// Ē_c, the running average error of each condition (empty before training).
    #[getter]
    fn expected_error<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.inner
            .expected_error()
            .to_vec()
            .into_pyarray(py)
            .into_any()
    }

    /// The learning parameters (assignable).
    #[getter]
    fn config(&self) -> PyNodePerturbationConfig {
        PyNodePerturbationConfig {
            inner: self.inner.config().clone(),
        }
    }

    #[setter]
    fn set_config(&mut self, config: &Bound<'_, PyNodePerturbationConfig>) -> PyResult<()> {
        self.inner.set_config(config.get().inner.clone()).py()
    }

    /// Training trials run so far.
    #[getter]
    fn trials_done(&self) -> u64 {
        self.inner.trials_done()
    }

    /// The seed every random draw derives from.
    #[getter]
    fn seed(&self) -> u64 {
        self.inner.seed()
    }

    #[getter]
    fn n_neurons(&self) -> usize {
        self.inner.spec().n_neurons
    }

    #[getter]
    fn n_conditions(&self) -> usize {
        self.inner.conditions().n_conditions
    }

    #[getter]
    fn n_steps(&self) -> usize {
        self.inner.conditions().n_steps
    }

    #[getter]
    fn output_neurons(&self) -> Vec<usize> {
        self.inner.spec().output_neurons.clone()
    }

    /// The condition of training trial ``trial`` (counted over the trainer's life).
    fn condition_of(&self, trial: u64) -> usize {
        self.inner.condition_of(trial)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let this = slf.borrow();
        let t = &this.inner;
        let spec = t.spec();
        let set = t.conditions();
        let (c, n_t) = (set.n_conditions, set.n_steps);
        let kwargs = PyDict::new(py);
        kwargs.set_item("n_neurons", spec.n_neurons)?;
        kwargs.set_item("output_neurons", spec.output_neurons.clone())?;
        kwargs.set_item("config", this.config())?;
        kwargs.set_item("dt", spec.dt)?;
        kwargs.set_item("tau", spec.tau)?;
        kwargs.set_item("gain", this.gain)?;
        kwargs.set_item("bias_neurons", spec.bias_neurons.clone())?;
        kwargs.set_item("bias_values", spec.bias_values.clone())?;
        if !spec.initial_state.is_empty() {
            kwargs.set_item("initial_state", spec.initial_state.clone().into_pyarray(py))?;
        }
        kwargs.set_item("initial_noise", spec.initial_noise)?;
        if let Readout::Arm(a) = &spec.readout {
            kwargs.set_item("arm", PyTwoJointArm { inner: a.clone() })?;
        }
        kwargs.set_item(
            "error_metric",
            match spec.error_metric {
                ErrorMetric::MeanAbsolute => "mean_absolute",
                ErrorMetric::Euclidean => "euclidean",
            },
        )?;
        kwargs.set_item("energy_cost", spec.energy_cost)?;
        kwargs.set_item("seed", t.seed())?;
        let args = PyTuple::new(
            py,
            [
                set.inputs
                    .clone()
                    .into_pyarray(py)
                    .reshape([c, n_t, set.n_inputs])?
                    .into_any(),
                set.targets
                    .clone()
                    .into_pyarray(py)
                    .reshape([c, n_t, set.n_outputs])?
                    .into_any(),
                set.mask
                    .clone()
                    .into_pyarray(py)
                    .reshape([c, n_t])?
                    .into_any(),
            ],
        )?;
        let state = PyTuple::new(
            py,
            [
                this.weights(py)?,
                this.input_weights(py)?,
                this.expected_error(py),
                t.trials_done().into_pyobject(py)?.into_any(),
            ],
        )?;
        let f = slf.getattr("_from_state")?;
        PyTuple::new(
            py,
            [
                f.into_any(),
                PyTuple::new(py, [args.into_any(), kwargs.into_any(), state.into_any()])?
                    .into_any(),
            ],
        )
    }

    /// Rebuilds a pickled trainer.
    #[staticmethod]
    fn _from_state(
        py: Python<'_>,
        args: &Bound<'_, PyTuple>,
        kwargs: &Bound<'_, PyDict>,
        state: &Bound<'_, PyTuple>,
    ) -> PyResult<Py<PyAny>> {
        let obj = py.get_type::<Self>().call(args, Some(kwargs))?;
        {
            let mut this = obj.cast::<Self>()?.borrow_mut();
            let w = f64_array(&state.get_item(0)?, "weights", &[2])?.1;
            let wi = f64_array(&state.get_item(1)?, "input_weights", &[2])?.1;
            let e = f64_array(&state.get_item(2)?, "expected_error", &[1])?.1;
            let done: u64 = state.get_item(3)?.extract()?;
            this.inner.restore(w, wi, e, done).py()?;
        }
        Ok(obj.unbind())
    }

    fn __repr__(&self) -> String {
        let s = self.inner.spec();
        format!(
            "NodePerturbationTrainer(n_neurons={}, n_inputs={}, output_neurons={:?}, \
             conditions={}, steps={}, trials_done={})",
            s.n_neurons,
            s.n_inputs,
            s.output_neurons,
            self.inner.conditions().n_conditions,
            self.inner.conditions().n_steps,
            self.inner.trials_done()
        )
    }
}

/// Trial arrays of delayed non-match-to-sample: (inputs [4, T, 2], targets [4, T, 1],
/// mask [4, T]); conditions AA, AB, BA, BB.
#[pyfunction]
#[pyo3(signature = (*, stimulus_steps, delay_steps, response_steps, scored_steps))]
fn _delayed_non_match_arrays<'py>(
    py: Python<'py>,
    stimulus_steps: usize,
    delay_steps: usize,
    response_steps: usize,
    scored_steps: usize,
) -> PyResult<Bound<'py, PyTuple>> {
    let set = np_core::delayed_non_match(stimulus_steps, delay_steps, response_steps, scored_steps)
        .py()?;
    set_arrays(py, set)
}

/// Trial arrays of center-out reaching: (inputs [C, T, C+1], targets [C, T, 2], mask [C, T]).
#[pyfunction]
#[pyo3(signature = (*, n_targets, n_steps, radius, arm))]
fn _center_out_reach_arrays<'py>(
    py: Python<'py>,
    n_targets: usize,
    n_steps: usize,
    radius: f64,
    arm: &Bound<'py, PyTwoJointArm>,
) -> PyResult<Bound<'py, PyTuple>> {
    let set = np_core::center_out_reach(n_targets, n_steps, radius, &arm.get().inner).py()?;
    set_arrays(py, set)
}

fn set_arrays(py: Python<'_>, set: ConditionSet) -> PyResult<Bound<'_, PyTuple>> {
    let (c, t) = (set.n_conditions, set.n_steps);
    PyTuple::new(
        py,
        [
            set.inputs
                .into_pyarray(py)
                .reshape([c, t, set.n_inputs])?
                .into_any(),
            set.targets
                .into_pyarray(py)
                .reshape([c, t, set.n_outputs])?
                .into_any(),
            set.mask.into_pyarray(py).reshape([c, t])?.into_any(),
        ],
    )
}

/// Adds this area's classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyNodePerturbationConfig>()?;
    m.add_class::<PyTwoJointArm>()?;
    m.add_class::<PyNodePerturbationTrainer>()?;
    m.add_function(wrap_pyfunction!(_delayed_non_match_arrays, m)?)?;
    m.add_function(wrap_pyfunction!(_center_out_reach_arrays, m)?)?;
    Ok(())
}
