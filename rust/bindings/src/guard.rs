//! Arguments and borrows checked the same way everywhere.
//!
//! * [`Int`]: an integer argument (node index, action, count) that refuses `bool`, so `True` is
//!   never taken for node 1 (a `TypeError` naming the argument, added by pyo3).
//! * [`borrow`] / [`borrow_mut`]: the object's data for one call. A brain or agent used by a
//!   GIL-released call in another thread (`dream`, `learn_transitions`, `run_episodes`, ...)
//!   raises `StateError` instead of pyo3's bare `RuntimeError("Already borrowed")`.

use hebbian_core::Error;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyBool;
use pyo3::PyClass;

use crate::errors::to_pyerr;

/// An `int` argument (Python int or any `__index__` integer) that is not a `bool`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Int(pub i64);

impl<'a, 'py> FromPyObject<'a, 'py> for Int {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyBool>() {
            return Err(PyTypeError::new_err(
                "expected an int, got bool (True/False are not indices or counts)",
            ));
        }
        Ok(Int(obj.extract::<i64>()?))
    }
}

/// `StateError` for an object another thread is using.
pub(crate) fn busy(what: &str) -> PyErr {
    to_pyerr(Error::State(format!(
        "the {what} is in use by another call in another thread (a dream, learn_transitions or \
         run_episodes runs with the GIL released); wait for it to finish, or give each thread \
         its own {what}"
    )))
}

/// Exclusive access to `obj` for a call that changes it (`StateError` when busy).
pub(crate) fn borrow_mut<'py, T: PyClass<Frozen = pyo3::pyclass::boolean_struct::False>>(
    obj: &Bound<'py, T>,
    what: &str,
) -> PyResult<PyRefMut<'py, T>> {
    obj.try_borrow_mut().map_err(|_| busy(what))
}

/// Shared access to `obj` for a call that reads it (`StateError` while another thread changes it).
pub(crate) fn borrow<'py, T: PyClass>(obj: &Bound<'py, T>, what: &str) -> PyResult<PyRef<'py, T>> {
    obj.try_borrow().map_err(|_| busy(what))
}

/// A `seed` argument: a non-negative int below 2**64, not a `bool` (`TypeError`); out of range,
/// `InvalidArgumentError` naming `seed`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Seed(pub u64);

impl<'a, 'py> FromPyObject<'a, 'py> for Seed {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyBool>() {
            return Err(PyTypeError::new_err(
                "expected an int in [0, 2**64) or None, got bool",
            ));
        }
        let wide = obj.extract::<i128>().map_err(|e| {
            if e.is_instance_of::<pyo3::exceptions::PyOverflowError>(obj.py()) {
                invalid_seed(&obj.to_string())
            } else {
                e
            }
        })?;
        u64::try_from(wide)
            .map(Seed)
            .map_err(|_| invalid_seed(&wide.to_string()))
    }
}

fn invalid_seed(got: &str) -> PyErr {
    to_pyerr(Error::argument(
        "seed",
        format!("must be an int in [0, 2**64) or None, got {got}"),
    ))
}

/// The seed value of an optional `Seed` argument.
pub(crate) fn seed(s: Option<Seed>) -> Option<u64> {
    s.map(|s| s.0)
}

/// An `int` argument of any size (range-checked by the caller) that is not a `bool`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BigInt(pub i128);

impl<'a, 'py> FromPyObject<'a, 'py> for BigInt {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyBool>() {
            return Err(PyTypeError::new_err(
                "expected an int, got bool (True/False are not sizes or counts)",
            ));
        }
        Ok(BigInt(obj.extract::<i128>()?))
    }
}
