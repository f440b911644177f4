//! Python face of this area (filled in by its issue).

use pyo3::prelude::*;

/// Adds this area's classes and functions to the module.
pub fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
