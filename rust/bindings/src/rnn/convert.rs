//! numpy <-> Vec conversions with errors that name the argument.

use crate::errors::IntoPyResult;
use hebbian_core::Error;
use numpy::{PyArray1, PyArrayDyn, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::exceptions::PyMemoryError;
use pyo3::prelude::*;

/// A real array copied out of Python: row-major values and shape.
pub struct FloatArray {
    pub data: Vec<f64>,
    pub shape: Vec<usize>,
}

/// Accepts a float64 array (no conversion), another real numeric array or a nested sequence
/// (converted to float64). Booleans, complex, strings and objects raise `TypeError` naming `name`.
pub fn float_array(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<FloatArray> {
    float_array_shaped(obj, name, |_| Ok(()))
}

/// [`float_array`] whose shape passes `check` before anything is copied: a numpy array's own
/// shape is checked first, so a huge (e.g. broadcast) array of the wrong shape is refused
/// without converting it; other inputs are checked once converted.
pub fn float_array_shaped(
    obj: &Bound<'_, PyAny>,
    name: &str,
    check: impl Fn(&[usize]) -> PyResult<()>,
) -> PyResult<FloatArray> {
    if let Ok(a) = obj.cast::<numpy::PyUntypedArray>() {
        check(a.shape())?;
    }
    let a = float_array_unchecked(obj, name)?;
    check(&a.shape)?;
    Ok(a)
}

fn float_array_unchecked(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<FloatArray> {
    let py = obj.py();
    if obj.cast::<PyArrayDyn<f64>>().is_err() && obj.hasattr("dtype")? {
        let kind: String = obj.getattr("dtype")?.getattr("kind")?.extract()?;
        if !matches!(kind.as_str(), "f" | "i" | "u") {
            let dtype = obj.getattr("dtype")?.str()?.to_string();
            return Err(crate::errors::type_error(format!(
                "`{name}` must be a real (float or integer) array, got dtype {dtype}"
            )));
        }
    }
    // `ascontiguousarray` returns a C-ordered float64 array: the object itself when it already is
    // one, otherwise a copy made by numpy. Fortran-ordered or strided inputs are thus read in
    // logical (row-major) order, and a copy too large for memory raises numpy's `MemoryError`
    // instead of aborting in a Rust allocation.
    let np = py.import("numpy")?;
    let converted = match np.call_method1("ascontiguousarray", (obj, "float64")) {
        Ok(c) => c,
        Err(e) if e.is_instance_of::<PyMemoryError>(py) => return Err(e),
        Err(e) => {
            return Err(crate::errors::type_error(format!(
                "`{name}` must be a real array or sequence: {e}"
            )))
        }
    };
    let array = converted.cast_into::<PyArrayDyn<f64>>().map_err(|_| {
        crate::errors::type_error(format!("`{name}` must be a real array or sequence"))
    })?;
    let ro = array.readonly();
    let shape = ro.shape().to_vec();
    let slice = ro.as_slice().map_err(|_| {
        crate::errors::type_error(format!(
            "`{name}` could not be read as a C-contiguous array"
        ))
    })?;
    let mut data = Vec::new();
    data.try_reserve_exact(slice.len()).map_err(|_| {
        PyMemoryError::new_err(format!("`{name}`: cannot allocate {} values", slice.len()))
    })?;
    data.extend_from_slice(slice);
    Ok(FloatArray { data, shape })
}

/// A numpy array of the given shape owning `data`.
pub fn to_numpy<'py>(
    py: Python<'py>,
    data: Vec<f64>,
    shape: &[usize],
) -> PyResult<Bound<'py, PyAny>> {
    Ok(PyArray1::from_vec(py, data).reshape(shape)?.into_any())
}

/// A size argument that must be at least `min`, as a `usize` (else `InvalidConfigError` naming
/// `field`).
pub(super) fn size(field: &str, value: crate::guard::Int, min: i64) -> PyResult<usize> {
    if value.0 < i128::from(min) {
        return Err(Error::config(
            field,
            format!("must be >= {min}, got {value}"),
        ))
        .py();
    }
    // Past 2**31 no network fits in memory (2**62 weights); the core checks the exact product.
    if value.0 > i128::from(u32::MAX) {
        return Err(Error::config(
            field,
            format!("must be < 2**32, got {value}"),
        ))
        .py();
    }
    Ok(value.0 as usize)
}
