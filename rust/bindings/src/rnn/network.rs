//! `RecurrentNetwork`: validation and conversion around `hebbian_core::rnn::RecurrentNetwork`.

use super::convert::{float_array, float_array_shaped, size, to_numpy, FloatArray};
use super::pickle;
use super::rules::{extract_rule, rule_to_py};
use crate::errors::{invalid_argument, shape_error, IntoPyResult};
use crate::guard::{arg, cast_arg};
use crate::guard::{Int, Seed};
use hebbian_core::rnn::{
    reserve_values, Activation, NetworkConfig, PlasticityRule, Record, RecurrentNetwork,
    RunOptions, TrialOutput,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// A rate RNN whose recurrent weights change while it runs, under a local plasticity rule.
#[pyclass(
    skip_from_py_object,
    module = "hebbian_brain.rnn",
    name = "RecurrentNetwork"
)]
#[derive(Clone)]
pub struct PyRecurrentNetwork {
    inner: RecurrentNetwork,
}

/// (batch, steps, is_batch) of `inputs`: `[T, K]` or `[B, T, K]` with `K` the network's inputs.
fn input_shape(shape: &[usize], c: &NetworkConfig) -> PyResult<(usize, usize, bool)> {
    match shape {
        [t, k] if *k == c.n_inputs => Ok((1, *t, false)),
        [b, t, k] if *k == c.n_inputs => Ok((*b, *t, true)),
        s => Err(shape_error(
            "inputs",
            format!("expected [T, {0}] or [B, T, {0}], got {s:?}", c.n_inputs),
        )),
    }
}

/// An optional per-step array (None or Python None: absent) of shape `lead + tail`.
fn optional_array(
    obj: Option<&Bound<'_, PyAny>>,
    name: &str,
    lead: &[usize],
    tail: &[usize],
) -> PyResult<Option<FloatArray>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let expected: Vec<usize> = lead.iter().chain(tail).copied().collect();
    let a = float_array_shaped(obj, name, |shape| {
        if shape == expected.as_slice() {
            Ok(())
        } else {
            Err(shape_error(
                name,
                format!("expected shape {expected:?}, got {shape:?}"),
            ))
        }
    })?;
    Ok(Some(a))
}

/// The optional initial state: `[N]`, or `[B, N]` for a batch of `B` trials.
fn initial_state_array(
    obj: Option<&Bound<'_, PyAny>>,
    c: &NetworkConfig,
    batch: Option<usize>,
) -> PyResult<Option<FloatArray>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let a = float_array(obj, "initial_state")?;
    let ok = a.shape == [c.n_units] || batch.is_some_and(|b| a.shape == [b, c.n_units]);
    if !ok {
        return Err(shape_error(
            "initial_state",
            format!(
                "expected [{0}] (or [B, {0}] for a batch), got {1:?}",
                c.n_units, a.shape
            ),
        ));
    }
    Ok(Some(a))
}

/// The outputs and states of the trials, concatenated in trial order (a failed allocation
/// raises instead of aborting).
fn concat_trials(results: Vec<TrialOutput>) -> PyResult<(Vec<f64>, Vec<f64>)> {
    if results.len() == 1 {
        let r = results.into_iter().next().unwrap_or_default();
        return Ok((r.outputs, r.states));
    }
    let count = |f: fn(&TrialOutput) -> usize| {
        results
            .iter()
            .try_fold(0usize, |acc, r| acc.checked_add(f(r)))
    };
    let mut outputs = reserve_values("outputs", count(|r| r.outputs.len())).py()?;
    let mut states = reserve_values("states", count(|r| r.states.len())).py()?;
    for r in &results {
        outputs.extend_from_slice(&r.outputs);
        states.extend_from_slice(&r.states);
    }
    Ok((outputs, states))
}

fn parse_record(obj: &Bound<'_, PyAny>) -> PyResult<Record> {
    if let Ok(flag) = obj.extract::<bool>() {
        return Ok(if flag { Record::Rates } else { Record::Nothing });
    }
    match obj.extract::<String>().as_deref() {
        Ok("rates") => Ok(Record::Rates),
        Ok("currents") => Ok(Record::Currents),
        _ => Err(invalid_argument(
            "return_states",
            format!(
                "expected True, False, 'rates' or 'currents', got {}",
                obj.repr()?
            ),
        )),
    }
}

impl PyRecurrentNetwork {
    fn n(&self) -> usize {
        self.inner.config().n_units
    }

    fn matrix<'py>(
        &self,
        py: Python<'py>,
        data: Vec<f64>,
        rows: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        let cols = data.len().checked_div(rows).unwrap_or(0);
        to_numpy(py, data, &[rows, cols])
    }

    fn square(
        &self,
        value: &Bound<'_, PyAny>,
        name: &str,
        rows: usize,
        cols: usize,
    ) -> PyResult<Vec<f64>> {
        let a = float_array(value, name)?;
        if a.shape != [rows, cols] {
            return Err(shape_error(
                name,
                format!("expected shape ({rows}, {cols}), got {:?}", a.shape),
            ));
        }
        Ok(a.data)
    }
}

#[pymethods]
impl PyRecurrentNetwork {
    #[new]
    #[pyo3(signature = (n_inputs, n_units, n_outputs, *, rule=None, tau=1.0, dt=1.0, activation="tanh",
                        gain=1.0, input_scale=1.0, noise_std=0.0, seed=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        n_inputs: Int,
        n_units: Int,
        n_outputs: Int,
        rule: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = arg)] tau: f64,
        #[pyo3(from_py_with = arg)] dt: f64,
        #[pyo3(from_py_with = arg)] activation: &str,
        #[pyo3(from_py_with = arg)] gain: f64,
        #[pyo3(from_py_with = arg)] input_scale: f64,
        #[pyo3(from_py_with = arg)] noise_std: f64,
        seed: Option<Seed>,
    ) -> PyResult<Self> {
        let seed = crate::guard::seed(seed);
        let config = NetworkConfig {
            n_inputs: size("n_inputs", n_inputs, 0)?,
            n_units: size("n_units", n_units, 1)?,
            n_outputs: size("n_outputs", n_outputs, 0)?,
            tau,
            dt,
            activation: Activation::parse(activation).py()?,
            gain,
            input_scale,
            noise_std,
        };
        let rule = extract_rule(rule)?;
        Ok(Self {
            inner: RecurrentNetwork::new(config, rule, seed).py()?,
        })
    }

    /// Runs one trial (`inputs` `[T, n_inputs]`) or a batch (`[B, T, n_inputs]`).
    ///
    /// Args:
    ///     inputs: `[T, n_inputs]` or `[B, T, n_inputs]` real array.
    ///     modulation: `[T]` / `[B, T]` neuromodulatory signal m(t) (default: 1 everywhere).
    ///     plastic: apply the rule (False: the weights are frozen for this run).
    ///     keep_weights: keep what the trial learned (a single `[T, n_inputs]` trial only, refused
    ///         for any 3-D batch, even `[1, T, n_inputs]`; otherwise the trial learns on a copy and
    ///         the network is unchanged). Weights that became non-finite are not kept: `StateError`,
    ///         the network is left unchanged.
    ///     return_states: True or 'rates' to also return the rates r, 'currents' for x.
    ///     initial_state: `[n_units]` (or `[B, n_units]`) initial currents x(0) (default 0).
    ///     targets: `[T, n_outputs]` / `[B, T, n_outputs]` targets of the readout delta rule.
    ///     readout_rate: rate of the delta rule dW_out = rate*m*(target - y) r^T (needs targets).
    ///
    /// Returns:
    ///     The outputs `[T, n_outputs]` / `[B, T, n_outputs]`, or `(outputs, states)`.
    ///
    /// Batch trials run in parallel (GIL released), each on its own copy of the plastic state.
    #[pyo3(signature = (inputs, *, modulation=None, plastic=true, keep_weights=false, return_states=None,
                        initial_state=None, targets=None, readout_rate=0.0))]
    #[allow(clippy::too_many_arguments)]
    fn run<'py>(
        &mut self,
        py: Python<'py>,
        inputs: &Bound<'py, PyAny>,
        modulation: Option<&Bound<'py, PyAny>>,
        #[pyo3(from_py_with = arg)] plastic: bool,
        #[pyo3(from_py_with = arg)] keep_weights: bool,
        return_states: Option<&Bound<'py, PyAny>>,
        initial_state: Option<&Bound<'py, PyAny>>,
        targets: Option<&Bound<'py, PyAny>>,
        #[pyo3(from_py_with = arg)] readout_rate: f64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let record = match return_states {
            Some(obj) if !obj.is_none() => parse_record(obj)?,
            _ => Record::Nothing,
        };
        let c = self.inner.config().clone();
        let u = float_array_shaped(inputs, "inputs", |shape| input_shape(shape, &c).map(|_| ()))?;
        let (batch, steps, is_batch) = input_shape(&u.shape, &c)?;
        let lead: Vec<usize> = if is_batch {
            vec![batch, steps]
        } else {
            vec![steps]
        };
        let m = optional_array(modulation, "modulation", &lead, &[])?;
        let y = optional_array(targets, "targets", &lead, &[c.n_outputs])?;
        let x0 = initial_state_array(initial_state, &c, is_batch.then_some(batch))?;
        let options = RunOptions {
            modulation: m.as_ref().map(|a| a.data.as_slice()),
            plastic,
            keep_weights,
            record,
            initial_state: x0.as_ref().map(|a| a.data.as_slice()),
            targets: y.as_ref().map(|a| a.data.as_slice()),
            readout_rate,
        };
        let net = &mut self.inner;
        let data = &u.data;
        let results = py
            .detach(|| {
                if is_batch {
                    net.run_batch(data, batch, steps, &options)
                } else {
                    net.run_trial(data, steps, &options).map(|o| vec![o])
                }
            })
            .py()?;
        let (outputs, states) = concat_trials(results)?;
        let out_shape: Vec<usize> = lead.iter().copied().chain([c.n_outputs]).collect();
        let outputs = to_numpy(py, outputs, &out_shape)?;
        if record == Record::Nothing {
            return Ok(outputs);
        }
        let state_shape: Vec<usize> = lead.iter().copied().chain([c.n_units]).collect();
        let states = to_numpy(py, states, &state_shape)?;
        Ok(PyTuple::new(py, [outputs, states])?.into_any())
    }

    /// `dx/dt` at `x` (`[n_units]` or `[M, n_units]`) with constant input `u` (`[n_inputs]`).
    #[pyo3(signature = (x, u=None))]
    fn vector_field<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        u: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let a = float_array(x, "x")?;
        let n = self.n();
        if !(a.shape == [n] || (a.shape.len() == 2 && a.shape[1] == n && a.shape[0] > 0)) {
            return Err(shape_error(
                "x",
                format!("expected [{n}] or [M, {n}], got {:?}", a.shape),
            ));
        }
        let u = u
            .filter(|o| !o.is_none())
            .map(|o| float_array(o, "u"))
            .transpose()?;
        let dx = self
            .inner
            .vector_field(&a.data, u.as_ref().map(|v| v.data.as_slice()))
            .py()?;
        to_numpy(py, dx, &a.shape)
    }

    /// The Jacobian `(-I + W_eff diag(phi'(x))) / tau` of `vector_field` at `x` (`[n_units]`).
    fn jacobian<'py>(&self, py: Python<'py>, x: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let a = float_array(x, "x")?;
        let n = self.n();
        if a.shape != [n] {
            return Err(shape_error(
                "x",
                format!("expected [{n}], got {:?}", a.shape),
            ));
        }
        let jac = self.inner.jacobian(&a.data).py()?;
        to_numpy(py, jac, &[n, n])
    }

    /// Pickling: `(RecurrentNetwork._from_state, (state,))` with every array, the rule and the
    /// state of the noise streams, so an unpickled network continues exactly like the original.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyDict>,))> {
        let state = pickle::state_dict(slf.py(), &slf.borrow().inner)?;
        Ok((slf.getattr("_from_state")?, (state,)))
    }

    /// Rebuilds a network from the state of `__reduce__` (validated).
    #[staticmethod]
    fn _from_state(#[pyo3(from_py_with = cast_arg)] state: &Bound<'_, PyDict>) -> PyResult<Self> {
        Ok(Self {
            inner: pickle::from_state(state)?,
        })
    }

    /// Clears the Hebbian trace `H` (no-op for rules without one).
    fn reset_trace(&mut self) {
        self.inner.reset_trace();
    }

    /// An independent copy (weights, traces and generator state).
    fn copy(&self) -> Self {
        self.clone()
    }

    fn __copy__(&self) -> Self {
        self.clone()
    }

    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> Self {
        self.clone()
    }

    /// Recurrent weights `W` `[post, pre]` (a copy; assigning validates shape and values).
    #[getter]
    fn weights<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.matrix(py, self.inner.weights().to_vec(), self.n())
    }

    #[setter]
    fn set_weights(&mut self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let n = self.n();
        let v = self.square(value, "weights", n, n)?;
        self.inner.set_weights(v).py()
    }

    /// Input weights `[n_units, n_inputs]`.
    #[getter]
    fn input_weights<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_numpy(
            py,
            self.inner.input_weights().to_vec(),
            &[self.n(), self.inner.config().n_inputs],
        )
    }

    #[setter]
    fn set_input_weights(&mut self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let v = self.square(
            value,
            "input_weights",
            self.n(),
            self.inner.config().n_inputs,
        )?;
        self.inner.set_input_weights(v).py()
    }

    /// Output weights `[n_outputs, n_units]`.
    #[getter]
    fn output_weights<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_numpy(
            py,
            self.inner.output_weights().to_vec(),
            &[self.inner.config().n_outputs, self.n()],
        )
    }

    #[setter]
    fn set_output_weights(&mut self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let v = self.square(
            value,
            "output_weights",
            self.inner.config().n_outputs,
            self.n(),
        )?;
        self.inner.set_output_weights(v).py()
    }

    /// The Hebbian trace `H` `[n_units, n_units]`, or None for rules without one.
    #[getter]
    fn trace<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let h = &self.inner.plastic_state().trace;
        if h.is_empty() {
            return Ok(None);
        }
        Ok(Some(self.matrix(py, h.to_vec(), self.n())?))
    }

    #[setter]
    fn set_trace(&mut self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let n = self.n();
        let v = self.square(value, "trace", n, n)?;
        self.inner.set_trace(v).py()
    }

    /// STDP's `(pre_trace, post_trace)` after the last kept trial, or None for other rules.
    #[getter]
    fn activity_traces<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<Option<(Bound<'py, PyAny>, Bound<'py, PyAny>)>> {
        let s = self.inner.plastic_state();
        if s.pre_trace.is_empty() {
            return Ok(None);
        }
        let n = self.n();
        Ok(Some((
            to_numpy(py, s.pre_trace.clone(), &[n])?,
            to_numpy(py, s.post_trace.clone(), &[n])?,
        )))
    }

    /// Per-connection plasticity coefficients `alpha`, or None for rules without a trace.
    #[getter]
    fn alpha<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let a = &self.inner.plastic_state().alpha;
        if a.is_empty() {
            return Ok(None);
        }
        Ok(Some(self.matrix(py, a.to_vec(), self.n())?))
    }

    #[setter]
    fn set_alpha(&mut self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let n = self.n();
        let v = self.square(value, "alpha", n, n)?;
        self.inner.set_alpha(v).py()
    }

    /// `W + alpha * H` (equal to `weights` for rules without a trace).
    #[getter]
    fn effective_weights<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.matrix(py, self.inner.effective_weights(), self.n())
    }

    /// The plasticity rule applied to the recurrent weights (None: fixed weights).

    #[getter]
    fn rule(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        self.inner.rule().map(|r| rule_to_py(py, r)).transpose()
    }

    /// Number of inputs.

    #[getter]
    fn n_inputs(&self) -> usize {
        self.inner.config().n_inputs
    }
    /// Number of recurrent units.
    #[getter]
    fn n_units(&self) -> usize {
        self.n()
    }
    /// Number of outputs (0: none).
    #[getter]
    fn n_outputs(&self) -> usize {
        self.inner.config().n_outputs
    }
    /// Membrane time constant τ.
    #[getter]
    fn tau(&self) -> f64 {
        self.inner.config().tau
    }
    /// Integration step dt (Euler).
    #[getter]
    fn dt(&self) -> f64 {
        self.inner.config().dt
    }
    /// Name of the activation function.
    #[getter]
    fn activation(&self) -> &'static str {
        self.inner.config().activation.name()
    }
    /// Gain of the activation function.
    #[getter]
    fn gain(&self) -> f64 {
        self.inner.config().gain
    }
    /// Standard deviation of the private noise added to each unit per step.
    #[getter]
    fn noise_std(&self) -> f64 {
        self.inner.config().noise_std
    }

    fn __repr__(&self) -> String {
        let c = self.inner.config();
        let rule = self.inner.rule().map_or("None", |r| r.name());
        format!(
            "RecurrentNetwork(n_inputs={}, n_units={}, n_outputs={}, rule={rule}, tau={:?}, dt={:?}, activation={:?})",
            c.n_inputs, c.n_units, c.n_outputs, c.tau, c.dt, c.activation.name()
        )
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRecurrentNetwork>()
}
