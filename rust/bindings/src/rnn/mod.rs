//! Python face of the dense networks (`hebbian_brain.rnn`): the networks and their local rules,
//! reward-modulated node perturbation ([`perturbation`]), differentiable plasticity ([`plastic`]).

use pyo3::prelude::*;

mod agent;
pub(crate) mod convert;
mod network;
pub(crate) mod perturbation;
mod pickle;
mod plastic;
mod rules;

/// Adds this area's classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    rules::register(m)?;
    network::register(m)?;
    perturbation::register(m)?;
    plastic::register(m)?;
    agent::register(m)?;
    Ok(())
}
