//! Argument conversions of the node-perturbation classes: float arrays of given ranks, and
//! non-negative integers with a named error.

use crate::errors::shape_error;
use numpy::{PyArrayDyn, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;

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
        .map_err(|e| crate::errors::type_error(format!("`{name}` must be a float array: {e}")))?;
    let kind: String = raw.getattr("dtype")?.getattr("kind")?.extract()?;
    if !matches!(kind.as_str(), "b" | "i" | "u" | "f") {
        let dtype = raw.getattr("dtype")?.str()?.to_string();
        return Err(crate::errors::type_error(format!(
            "`{name}` must be a real (float or integer) array, got dtype {dtype}"
        )));
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("dtype", "float64")?;
    let arr = np
        .getattr("ascontiguousarray")?
        .call((raw,), Some(&kwargs))
        .map_err(|e| crate::errors::type_error(format!("`{name}` must be a float array: {e}")))?;
    let arr = arr
        .cast_into::<PyArrayDyn<f64>>()
        .map_err(|_| crate::errors::type_error(format!("`{name}` must be a float array")))?;
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
        let shown = crate::guard::Int(value); // a saturated value reads ">= 2**127"
        let reason = if value < 0 {
            format!("must be >= 0, got {shown}")
        } else {
            format!("{shown} is too large")
        };
        crate::errors::to_pyerr(if config {
            hebbian_core::Error::config(name, reason)
        } else {
            hebbian_core::Error::argument(name, reason)
        })
    })
}
