//! numpy <-> Vec conversions with errors that name the argument.

use numpy::{PyArray1, PyArrayDyn, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

/// A real array copied out of Python: row-major values and shape.
pub struct FloatArray {
    pub data: Vec<f64>,
    pub shape: Vec<usize>,
}

/// Accepts a float64 array (no conversion), another real numeric array or a nested sequence
/// (converted to float64). Booleans, complex, strings and objects raise `TypeError` naming `name`.
pub fn float_array(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<FloatArray> {
    let py = obj.py();
    let array = if let Ok(a) = obj.cast::<PyArrayDyn<f64>>() {
        a.clone()
    } else {
        let np = py.import("numpy")?;
        if obj.hasattr("dtype")? {
            let kind: String = obj.getattr("dtype")?.getattr("kind")?.extract()?;
            if !matches!(kind.as_str(), "f" | "i" | "u") {
                let dtype = obj.getattr("dtype")?.str()?.to_string();
                return Err(PyTypeError::new_err(format!(
                    "`{name}` must be a real (float or integer) array, got dtype {dtype}"
                )));
            }
        }
        let converted = np.call_method1("asarray", (obj, "float64")).map_err(|e| {
            PyTypeError::new_err(format!("`{name}` must be a real array or sequence: {e}"))
        })?;
        converted.cast_into::<PyArrayDyn<f64>>().map_err(|_| {
            PyTypeError::new_err(format!("`{name}` must be a real array or sequence"))
        })?
    };
    let ro = array.readonly();
    let shape = ro.shape().to_vec();
    let data = match ro.as_slice() {
        Ok(s) => s.to_vec(),
        Err(_) => ro.as_array().iter().copied().collect(),
    };
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
