//! Python face of reward-modulated node perturbation: `NodePerturbationConfig`, `TwoJointArm`
//! ([`config`]), `NodePerturbationTrainer` ([`trainer`]), and the trial builders behind
//! `hebbian_brain.tasks`.

mod config;
mod trainer;

use crate::errors::{shape_error, IntoPyResult};
use config::PyTwoJointArm;
use hebbian_core::rnn::perturbation::{self as np_core, ConditionSet};
use numpy::{IntoPyArray, PyArrayDyn, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// Converts any array-like to a C-contiguous float64 array of one of the allowed ranks.
pub(crate) fn f64_array(
    obj: &Bound<'_, PyAny>,
    name: &str,
    ranks: &[usize],
) -> PyResult<(Vec<usize>, Vec<f64>)> {
    let py = obj.py();
    let np = py.import("numpy")?;
    // Strings, objects and complex numbers are refused, not converted ("1.5" is not a number).
    let raw = np
        .getattr("asarray")?
        .call1((obj,))
        .map_err(|e| PyTypeError::new_err(format!("`{name}` must be a float array: {e}")))?;
    let kind: String = raw.getattr("dtype")?.getattr("kind")?.extract()?;
    if !matches!(kind.as_str(), "b" | "i" | "u" | "f") {
        let dtype = raw.getattr("dtype")?.str()?.to_string();
        return Err(PyTypeError::new_err(format!(
            "`{name}` must be a real (float or integer) array, got dtype {dtype}"
        )));
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("dtype", "float64")?;
    let arr = np
        .getattr("ascontiguousarray")?
        .call((raw,), Some(&kwargs))
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

/// A non-negative integer argument taken as `i128` (so a negative value is a named
/// `InvalidArgumentError`, or `InvalidConfigError` when `config`, not a bare `OverflowError`).
pub(crate) fn non_negative<T: TryFrom<i128>>(name: &str, value: i128, config: bool) -> PyResult<T> {
    T::try_from(value).map_err(|_| {
        let reason = if value < 0 {
            format!("must be >= 0, got {value}")
        } else {
            format!("{value} is too large")
        };
        crate::errors::to_pyerr(if config {
            hebbian_core::Error::config(name, reason)
        } else {
            hebbian_core::Error::argument(name, reason)
        })
    })
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
    m.add_class::<config::PyNodePerturbationConfig>()?;
    m.add_class::<PyTwoJointArm>()?;
    m.add_class::<trainer::PyNodePerturbationTrainer>()?;
    m.add_function(wrap_pyfunction!(_delayed_non_match_arrays, m)?)?;
    m.add_function(wrap_pyfunction!(_center_out_reach_arrays, m)?)?;
    Ok(())
}
