//! `state_hash(obj)`: the stable hash of an observation, fed to `hebbian_core`'s `StateHasher`.

use hebbian_core::brain::state_hash::{tag, StateHasher};
use numpy::{PyArrayDyn, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyFloat, PyInt, PyList, PyString, PyTuple};

const MAX_DEPTH: usize = 64;

fn float_error(what: &str) -> PyErr {
    crate::errors::type_error(format!(
        "state_hash cannot hash {what}: floating-point observations have no stable identity; \
         discretize them first (hebbian_brain.Discretizer(low, high, bins))"
    ))
}

fn write_u64(h: &mut StateHasher, v: u64) {
    if v <= i64::MAX as u64 {
        h.write_int(v as i64);
    } else {
        // Same bytes as Python's int.to_bytes(9, "little", signed=True) for this value.
        let mut b = v.to_le_bytes().to_vec();
        b.push(0);
        h.write_tagged_bytes(tag::BIG_INT, &b);
    }
}

fn feed_int(h: &mut StateHasher, obj: &Bound<'_, PyAny>) -> PyResult<()> {
    if let Ok(v) = obj.extract::<i64>() {
        h.write_int(v);
        return Ok(());
    }
    let bits: usize = obj.call_method0("bit_length")?.extract()?;
    let n = bits / 8 + 1;
    let kwargs = pyo3::types::PyDict::new(obj.py());
    kwargs.set_item("signed", true)?;
    let bytes = obj.call_method("to_bytes", (n, "little"), Some(&kwargs))?;
    h.write_tagged_bytes(tag::BIG_INT, bytes.cast::<PyBytes>()?.as_bytes());
    Ok(())
}

fn feed_array(h: &mut StateHasher, arr: &Bound<'_, PyUntypedArray>) -> PyResult<()> {
    let py = arr.py();
    let kind: char = arr.dtype().getattr("kind")?.extract()?;
    let itemsize: usize = arr.dtype().getattr("itemsize")?.extract()?;
    let shape = arr.shape().to_vec();
    let np = py.import("numpy")?;
    let values: Vec<u64>;
    let signed: bool;
    match kind {
        'b' | 'i' | 'u' if !(kind == 'u' && itemsize == 8) => {
            let a = np.call_method1("ascontiguousarray", (arr, "int64"))?;
            let a = a.cast::<PyArrayDyn<i64>>()?.readonly();
            values = a.as_slice()?.iter().map(|&v| v as u64).collect();
            signed = true;
        }
        'u' => {
            let a = np.call_method1("ascontiguousarray", (arr, "uint64"))?;
            let a = a.cast::<PyArrayDyn<u64>>()?.readonly();
            values = a.as_slice()?.to_vec();
            signed = false;
        }
        'f' | 'c' => return Err(float_error("a floating-point array")),
        other => {
            return Err(crate::errors::type_error(format!(
                "state_hash cannot hash a numpy array of dtype kind {other:?}; use integer or bool arrays"
            )))
        }
    }
    fn walk(h: &mut StateHasher, shape: &[usize], values: &[u64], signed: bool) {
        if shape.is_empty() {
            if signed {
                h.write_int(values[0] as i64);
            } else {
                write_u64(h, values[0]);
            }
            return;
        }
        h.write_tuple_header(shape[0]);
        let stride: usize = shape[1..].iter().product();
        for i in 0..shape[0] {
            walk(
                h,
                &shape[1..],
                &values[i * stride..(i + 1) * stride],
                signed,
            );
        }
    }
    walk(h, &shape, &values, signed);
    Ok(())
}

fn feed(h: &mut StateHasher, obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<()> {
    if depth > MAX_DEPTH {
        return Err(crate::errors::invalid_argument(
            "state_hash",
            "observation nested more than 64 levels deep",
        ));
    }
    if obj.is_instance_of::<PyBool>() {
        h.write_int(obj.extract::<bool>()? as i64);
    } else if obj.is_instance_of::<PyInt>() {
        feed_int(h, obj)?;
    } else if obj.is_instance_of::<PyFloat>() {
        return Err(float_error("a float"));
    } else if let Ok(b) = obj.cast::<PyBytes>() {
        h.write_tagged_bytes(tag::BYTES, b.as_bytes());
    } else if let Ok(b) = obj.cast::<PyByteArray>() {
        h.write_tagged_bytes(tag::BYTES, &b.to_vec());
    } else if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_str().map_err(|_| {
            crate::errors::invalid_argument(
                "state_hash",
                "cannot hash a str that is not valid Unicode (lone surrogate)",
            )
        })?;
        h.write_tagged_bytes(tag::STR, text.as_bytes());
    } else if let Ok(t) = obj.cast::<PyTuple>() {
        h.write_tuple_header(t.len());
        for item in t.iter() {
            feed(h, &item, depth + 1)?;
        }
    } else if let Ok(l) = obj.cast::<PyList>() {
        h.write_tuple_header(l.len());
        for item in l.iter() {
            feed(h, &item, depth + 1)?;
        }
    } else if let Ok(arr) = obj.cast::<PyUntypedArray>() {
        // A masked array's data under the mask is arbitrary: refuse rather than hash it.
        let np = obj.py().import("numpy")?;
        if obj.is_instance(&np.getattr("ma")?.getattr("MaskedArray")?)? {
            return Err(crate::errors::type_error(
                "state_hash cannot hash a masked array; fill it first (np.ma.filled)",
            ));
        }
        feed_array(h, arr)?;
    } else if obj.hasattr("dtype")? && obj.hasattr("item")? {
        // numpy scalar (np.int64, np.bool_, np.float32, ...)
        let kind: char = obj.getattr("dtype")?.getattr("kind")?.extract()?;
        match kind {
            'b' | 'i' | 'u' => feed(h, &obj.call_method0("item")?, depth + 1)?,
            'f' | 'c' => return Err(float_error("a floating-point numpy scalar")),
            _ => return Err(unsupported(obj)?),
        }
    } else {
        return Err(unsupported(obj)?);
    }
    Ok(())
}

fn unsupported(obj: &Bound<'_, PyAny>) -> PyResult<PyErr> {
    Ok(crate::errors::type_error(format!(
        "state_hash cannot hash objects of type {}; use ints, bools, tuples/lists of them, bytes, str \
         or integer/bool numpy arrays",
        obj.get_type().name()?
    )))
}

/// Stable 64-bit hash of an observation.
///
/// Ints, bools, tuples and lists (hashed alike), bytes, str and integer/bool numpy arrays (hashed
/// like the nested tuples of their values). The same value gives the same hash in every process
/// and on every platform. Floats are refused: discretize them first.
#[pyfunction]
pub fn state_hash(obj: &Bound<'_, PyAny>) -> PyResult<u64> {
    let mut h = StateHasher::new();
    feed(&mut h, obj, 0)?;
    Ok(h.finish())
}
