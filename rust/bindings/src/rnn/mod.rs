//! Python face of the dense networks and their local rules (`hebbian_brain.rnn`).

use pyo3::prelude::*;

mod convert;
mod network;
mod pickle;
mod rules;

/// Adds this area's classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    rules::register(m)?;
    network::register(m)?;
    Ok(())
}
