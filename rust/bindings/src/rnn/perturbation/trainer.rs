//! `NodePerturbationTrainer`: the trainer object, its numpy conversions and pickling.

use super::arrays::{f64_array, non_negative};
use super::config::{PyNodePerturbationConfig, PyTwoJointArm};
use crate::errors::{invalid_argument, shape_error, IntoPyResult};
use crate::guard::arg;
use crate::guard::Int;
use hebbian_core::rnn::perturbation::{
    ConditionSet, ErrorMetric, NetworkSpec, NodePerturbationTrainer as CoreTrainer, Readout,
};
use numpy::{IntoPyArray, PyArrayMethods};
use pyo3::exceptions::PyDeprecationWarning;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

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
/// ``mask`` (scored steps; ``None`` = all, ``[T]`` or ``[C, T]``). See ``docs/reference/rules.md`` §3.
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

/// Neuron indices (Python ints) as `usize`; a negative one is an `InvalidConfigError`.
fn neuron_indices(name: &str, v: Vec<Int>, n_neurons: usize) -> PyResult<Vec<usize>> {
    v.into_iter()
        .map(|i| {
            usize::try_from(i.0).map_err(|_| {
                crate::errors::to_pyerr(hebbian_core::Error::config(
                    name,
                    format!("index {i} is out of range for {n_neurons} neurons"),
                ))
            })
        })
        .collect()
}

/// The trial error's metric by name (default: euclidean with an arm, else mean absolute).
fn parse_error_metric(name: Option<&str>, has_arm: bool) -> PyResult<ErrorMetric> {
    match name {
        None if has_arm => Ok(ErrorMetric::Euclidean),
        None | Some("mean_absolute") => Ok(ErrorMetric::MeanAbsolute),
        Some("euclidean") => Ok(ErrorMetric::Euclidean),
        Some(other) => Err(invalid_argument(
            "error_metric",
            format!("must be 'mean_absolute' or 'euclidean', got {other:?}"),
        )),
    }
}

/// An optional initial matrix `[rows, cols]` (None: drawn at random by the core).
fn initial_matrix(
    obj: Option<&Bound<'_, PyAny>>,
    name: &str,
    rows: usize,
    cols: usize,
) -> PyResult<Option<Vec<f64>>> {
    obj.map(|w| -> PyResult<Vec<f64>> {
        let (shape, data) = f64_array(w, name, &[2])?;
        if shape != [rows, cols] {
            return Err(shape_error(
                name,
                format!("expected [{rows}, {cols}], got {shape:?}"),
            ));
        }
        Ok(data)
    })
    .transpose()
}

#[pymethods]
impl PyNodePerturbationTrainer {
    #[new]
    #[pyo3(signature = (inputs, targets, mask=None, *, n_neurons=Int(200), output_neurons=vec![Int(0)],
        config=None, dt=1.0, tau=30.0, gain=1.5, bias_neurons=vec![], bias_values=vec![],
        initial_state=None, initial_noise=0.0, arm=None, error_metric=None, energy_cost=0.0,
        weights=None, input_weights=None, seed=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        inputs: &Bound<'_, PyAny>,
        targets: &Bound<'_, PyAny>,
        mask: Option<&Bound<'_, PyAny>>,
        n_neurons: Int,
        #[pyo3(from_py_with = arg)] output_neurons: Vec<Int>,
        #[pyo3(from_py_with = arg)] config: Option<Bound<'_, PyNodePerturbationConfig>>,
        #[pyo3(from_py_with = arg)] dt: f64,
        #[pyo3(from_py_with = arg)] tau: f64,
        #[pyo3(from_py_with = arg)] gain: f64,
        #[pyo3(from_py_with = arg)] bias_neurons: Vec<Int>,
        #[pyo3(from_py_with = arg)] bias_values: Vec<f64>,
        initial_state: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = arg)] initial_noise: f64,
        #[pyo3(from_py_with = arg)] arm: Option<Bound<'_, PyTwoJointArm>>,
        #[pyo3(from_py_with = arg)] error_metric: Option<String>,
        #[pyo3(from_py_with = arg)] energy_cost: f64,
        weights: Option<&Bound<'_, PyAny>>,
        input_weights: Option<&Bound<'_, PyAny>>,
        seed: Option<Int>,
    ) -> PyResult<Self> {
        let n_neurons: usize = non_negative("n_neurons", n_neurons.0, true)?;
        let seed: Option<u64> = seed.map(|s| non_negative("seed", s.0, false)).transpose()?;
        let set = condition_set(inputs, targets, mask)?;
        let readout = match arm {
            Some(ref a) => Readout::Arm(a.get().inner.clone()),
            None => Readout::Rates,
        };
        let error_metric = parse_error_metric(error_metric.as_deref(), arm.is_some())?;
        let initial_state = match initial_state {
            None => Vec::new(),
            Some(x) => f64_array(x, "initial_state", &[1])?.1,
        };
        let spec = NetworkSpec {
            n_neurons,
            n_inputs: set.n_inputs,
            dt,
            tau,
            output_neurons: neuron_indices("output_neurons", output_neurons, n_neurons)?,
            bias_neurons: neuron_indices("bias_neurons", bias_neurons, n_neurons)?,
            bias_values,
            initial_state,
            initial_noise,
            readout,
            error_metric,
            energy_cost,
        };
        let weights = initial_matrix(weights, "weights", n_neurons, n_neurons)?;
        let input_weights =
            initial_matrix(input_weights, "input_weights", n_neurons, set.n_inputs)?;
        let config = config.map(|c| c.get().inner.clone()).unwrap_or_default();
        let inner = CoreTrainer::new(spec, config, set, gain, weights, input_weights, seed).py()?;
        Ok(Self { inner, gain })
    }

    /// Runs ``n_trials`` perturbed trials with learning, ``batch_size`` at a time in parallel
    /// (the GIL is released). The trials of a batch start from the same weights; their clipped
    /// changes are then applied in trial order. Results do not depend on ``n_threads``;
    /// splitting a run over several calls gives the same result when every split falls at a
    /// multiple of ``batch_size`` (always, for ``batch_size=1``). Interruptible (Ctrl-C)
    /// between chunks of batches; the trials done so far are kept.
    ///
    /// Raises:
    ///     InvalidArgumentError: negative or zero counts, or sizes too large to address.
    ///     MemoryError: the trial buffers or results do not fit.
    ///     StateError: a trial's state became non-finite (the trainer is left unchanged).
    ///
    /// Returns:
    ///     (errors, conditions): float array ``[n_trials]`` of trial errors and int array of
    ///     their conditions.
    #[pyo3(
        signature = (n_trials, *, batch_size=Int(1), n_threads=None),
        text_signature = "($self, n_trials, *, batch_size=1, n_threads=None)"
    )]
    fn learn<'py>(
        &mut self,
        py: Python<'py>,
        n_trials: Int,
        batch_size: Int,
        n_threads: Option<Int>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let n_trials: usize = non_negative("n_trials", n_trials.0, false)?;
        let batch_size: usize = non_negative("batch_size", batch_size.0, false)?;
        let n_threads: Option<usize> = n_threads
            .map(|t| non_negative("n_threads", t.0, false))
            .transpose()?;
        // Chunks of whole batches (so the batch boundaries are those of one long call, and the
        // result the same), with a signal check between them so that Ctrl-C works. A chunk is
        // sized by work, not by trials: about 2**30 multiply-adds (T·N² per trial), at most 64
        // trials, at least one batch, so a large network answers Ctrl-C after one batch.
        let per_trial = (self.inner.conditions().n_steps as u128)
            * (self.inner.spec().n_neurons as u128).pow(2);
        let trials_per_chunk = ((1u128 << 30) / per_trial.max(1)).clamp(1, 64) as usize;
        let chunk = if batch_size == 0 || n_trials == 0 {
            n_trials // one call: the core validates and returns
        } else {
            batch_size * trials_per_chunk.div_ceil(batch_size)
        };
        // The result arrays must fit: a fallible reservation (MemoryError, never an abort) of
        // what the call returns, rather than a run of hours that ends out of memory.
        let bytes = (n_trials as u128) * 16;
        if bytes > isize::MAX as u128 {
            return Err(invalid_argument(
                "n_trials",
                format!("{n_trials} trials give result arrays too large to address"),
            ));
        }
        let oom = || {
            crate::errors::to_pyerr(hebbian_core::Error::OutOfMemory {
                what: format!("the results of {n_trials} trials"),
                bytes,
            })
        };
        let mut errors: Vec<f64> = Vec::new();
        let mut conds: Vec<i64> = Vec::new();
        errors.try_reserve_exact(n_trials).map_err(|_| oom())?;
        conds.try_reserve_exact(n_trials).map_err(|_| oom())?;
        // A core error leaves the trainer as before this call (not only before the chunk).
        let saved = (
            self.inner.weights().to_vec(),
            self.inner.input_weights().to_vec(),
            self.inner.expected_error().to_vec(),
            self.inner.trials_done(),
        );
        let mut done = 0;
        loop {
            let k = chunk.min(n_trials - done);
            let inner = &mut self.inner;
            let report = match py.detach(|| inner.train(k, batch_size, n_threads)) {
                Ok(r) => r,
                Err(e) => {
                    if done > 0 {
                        let (w, wi, ee, td) = saved;
                        self.inner.restore(w, wi, ee, td).py()?;
                    }
                    return Err(crate::errors::to_pyerr(e));
                }
            };
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

    /// Deprecated alias of :meth:`learn` (same arguments, same result).
    ///
    /// Warns:
    ///     DeprecationWarning: always; call :meth:`learn` instead.
    #[pyo3(
        signature = (n_trials, *, batch_size=Int(1), n_threads=None),
        text_signature = "($self, n_trials, *, batch_size=1, n_threads=None)"
    )]
    fn train<'py>(
        &mut self,
        py: Python<'py>,
        n_trials: Int,
        batch_size: Int,
        n_threads: Option<Int>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        PyErr::warn(
            py,
            &py.get_type::<PyDeprecationWarning>(),
            c"NodePerturbationTrainer.train is deprecated; use NodePerturbationTrainer.learn (same arguments)",
            1,
        )?;
        self.learn(py, n_trials, batch_size, n_threads)
    }

    /// Clean (unperturbed) error of every condition, ``[C]``.
    fn evaluate<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let inner = &self.inner;
        Ok(py
            .detach(|| inner.evaluate())
            .py()?
            .into_pyarray(py)
            .into_any())
    }

    /// Runs one condition without perturbations.
    ///
    /// Returns:
    ///     dict with "activations" ``[T, N]``, "rates" ``[T, N]``, "outputs" ``[T, O]`` (the
    ///     hand position with an arm) and "error".
    fn run<'py>(&self, py: Python<'py>, condition: Int) -> PyResult<Bound<'py, PyDict>> {
        let c = usize::try_from(condition.0)
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
    fn set_config(
        &mut self,
        #[pyo3(from_py_with = arg)] config: Bound<'_, PyNodePerturbationConfig>,
    ) -> PyResult<()> {
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

    /// Number of neurons N.
    #[getter]
    fn n_neurons(&self) -> usize {
        self.inner.spec().n_neurons
    }

    /// Number of conditions C (one fixed trial each).
    #[getter]
    fn n_conditions(&self) -> usize {
        self.inner.conditions().n_conditions
    }

    /// Steps per trial T.
    #[getter]
    fn n_steps(&self) -> usize {
        self.inner.conditions().n_steps
    }

    /// Indices of the neurons whose rates are the output (the arm's two inputs with an arm).
    #[getter]
    fn output_neurons(&self) -> Vec<usize> {
        self.inner.spec().output_neurons.clone()
    }

    /// The condition of training trial ``trial`` (counted over the trainer's life).
    fn condition_of(&self, trial: Int) -> PyResult<usize> {
        let trial: u64 = non_negative("trial", trial.0, false)?;
        Ok(self.inner.condition_of(trial))
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
