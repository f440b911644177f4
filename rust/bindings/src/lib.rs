//! `hebbian_brain._core`: the thin PyO3 layer over `hebbian_core`.
//!
//! It converts, validates, releases the GIL around long calls and maps errors. No algorithms
//! live here. One file per Python-facing area, each with a `register` function called below.

use pyo3::prelude::*;

mod errors;
mod guard;

// graph brain: configs, state_hash, Brain, reports
mod brain;
mod brain_tables;
mod brain_views;
mod config;
mod state_hash;
// agents and built-in environments
mod agent;
mod envs;
mod envs_exploration;
// dense networks and local rules
mod rnn;
// reward-modulated node perturbation
mod perturbation;
// differentiable plasticity and optimizers
mod plastic;

mod container;

/// The compiled core of hebbian_brain.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    brain::register(m)?;
    agent::register(m)?;
    envs::register(m)?;
    envs_exploration::register(m)?;
    rnn::register(m)?;
    perturbation::register(m)?;
    plastic::register(m)?;
    container::register(m)?;
    Ok(())
}
