//! Python face of reward-modulated node perturbation: `NodePerturbationConfig`, `TwoJointArm`
//! ([`config`]), `NodePerturbationTrainer` ([`trainer`]), and the trial builders behind
//! `hebbian_brain.tasks`.

pub(crate) mod arrays;
mod config;
pub(crate) mod names;
mod trainer;

use crate::errors::IntoPyResult;
use crate::guard::Int;
use crate::guard::{arg, cast_arg};
use config::PyTwoJointArm;
use hebbian_core::rnn::perturbation::{self as np_core, ConditionSet};
use numpy::{IntoPyArray, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// Trial arrays of delayed non-match-to-sample: (inputs [4, T, 2], targets [4, T, 1],
/// mask [4, T]); conditions AA, AB, BA, BB.
#[pyfunction]
#[pyo3(signature = (*, stimulus_steps, delay_steps, response_steps, scored_steps))]
fn _delayed_non_match_arrays<'py>(
    py: Python<'py>,
    stimulus_steps: Int,
    delay_steps: Int,
    response_steps: Int,
    scored_steps: Int,
) -> PyResult<Bound<'py, PyTuple>> {
    let set = np_core::delayed_non_match(
        stimulus_steps.count("stimulus_steps")?,
        delay_steps.count("delay_steps")?,
        response_steps.count("response_steps")?,
        scored_steps.count("scored_steps")?,
    )
    .py()?;
    set_arrays(py, set)
}

/// Trial arrays of center-out reaching: (inputs [C, T, C+1], targets [C, T, 2], mask [C, T]).
#[pyfunction]
#[pyo3(signature = (*, n_targets, n_steps, radius, arm))]
fn _center_out_reach_arrays<'py>(
    py: Python<'py>,
    n_targets: Int,
    n_steps: Int,
    #[pyo3(from_py_with = arg)] radius: f64,
    #[pyo3(from_py_with = cast_arg)] arm: &Bound<'py, PyTwoJointArm>,
) -> PyResult<Bound<'py, PyTuple>> {
    let set = np_core::center_out_reach(
        n_targets.count("n_targets")?,
        n_steps.count("n_steps")?,
        radius,
        &arm.get().inner,
    )
    .py()?;
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
