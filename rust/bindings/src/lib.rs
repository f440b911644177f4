//! `hebbian_brain._core`: the thin PyO3 layer over `hebbian_core`.
//!
//! It converts, validates, releases the GIL around long calls and maps errors. No algorithms
//! live here. One file per Python-facing area, each with a `register` function called below.

use pyo3::prelude::*;

mod config_class;
mod errors;
mod guard;

// graph brain: configs, state_hash, Brain, reports
mod brain;
// agents, populations and built-in environments
mod abstraction;
mod agent;
mod envs;
mod experience;
mod population;
// dense networks: local rules, node perturbation, differentiable plasticity
mod rnn;

mod container;

/// The compiled core of hebbian_brain.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    brain::register(m)?;
    abstraction::register(m)?;
    agent::register(m)?;
    experience::register(m)?;
    population::register(m)?;
    envs::register(m)?;
    rnn::register(m)?;
    container::register(m)?;
    Ok(())
}
