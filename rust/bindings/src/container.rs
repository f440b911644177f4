//! The library's file container (header, version, checksum, atomic write) for payloads encoded
//! in Python: the rnn models' files (`hebbian_brain.save_model`), whose payload is an `.npz`
//! archive without pickles.

use crate::errors::{invalid_argument, IntoPyResult};
use crate::guard::arg;
use hebbian_core::io::container;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::path::PathBuf;

fn kind_tag(kind: &[u8]) -> PyResult<[u8; 4]> {
    <[u8; 4]>::try_from(kind)
        .map_err(|_| invalid_argument("kind", format!("must be 4 bytes, got {}", kind.len())))
}

/// Writes `payload` to `path` in a container of `kind` (4 bytes), atomically.
#[pyfunction]
fn _container_save(
    py: Python<'_>,
    #[pyo3(from_py_with = arg)] path: PathBuf,
    #[pyo3(from_py_with = arg)] kind: &[u8],
    #[pyo3(from_py_with = arg)] payload: &[u8],
) -> PyResult<()> {
    let kind = kind_tag(kind)?;
    let bytes = container::wrap_payload(&kind, payload);
    py.detach(|| container::write_atomic(&path, &bytes)).py()
}

/// The payload of the container of `kind` at `path` (a regular file; magic, kind, version and
/// length checked before the payload is read, then the checksum; `FileFormatError` naming the
/// problem otherwise).
#[pyfunction]
fn _container_load<'py>(
    py: Python<'py>,
    #[pyo3(from_py_with = arg)] path: PathBuf,
    #[pyo3(from_py_with = arg)] kind: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let kind = kind_tag(kind)?;
    let bytes = py.detach(|| container::read_container(&path, &kind)).py()?;
    let origin = path.display().to_string();
    let payload = container::payload(&origin, &kind, &bytes).py()?;
    Ok(PyBytes::new(py, payload))
}

/// Adds this area's functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_container_save, m)?)?;
    m.add_function(wrap_pyfunction!(_container_load, m)?)?;
    Ok(())
}
