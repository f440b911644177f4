//! Arguments and borrows checked the same way everywhere.
//!
//! * [`Int`]: an integer argument (node index, action, count, size) of any size that refuses
//!   `bool`, so `True` is never taken for node 1 (`ArgumentTypeError`; pyo3's note names the
//!   argument). An int beyond 64 bits is the library's range error naming the argument, never
//!   pyo3's `OverflowError`.
//! * [`arg`]: any other argument, converted by its type's own `FromPyObject` (pyo3's or
//!   rust-numpy's), with a conversion error made the library's: a plain `TypeError` becomes
//!   `ArgumentTypeError`, a plain `ValueError` / `OverflowError` `InvalidArgumentError`, both
//!   with the same message; pyo3 then adds its note naming the argument
//!   ("while processing 'reward'"), as it does for every argument. Applied as
//!   `#[pyo3(from_py_with = arg)] reward: f64`; an instance of a class is taken as
//!   `#[pyo3(from_py_with = cast_arg)] env: &Bound<'_, PyCognitiveEnv>` (by reference) or through
//!   `arg` as `Option<Bound<'_, PyBrainConfig>>` (an optional one, a setter's value).
//! * [`borrow`] / [`borrow_mut`]: the object's data for one call. A brain or agent used by a
//!   GIL-released call in another thread (`dream`, `learn_transitions`, `run_episodes`, ...)
//!   raises `StateError` instead of pyo3's bare `RuntimeError("Already borrowed")`.

use hebbian_core::Error;
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBool;
use pyo3::{PyClass, PyTypeCheck};

use crate::errors::{invalid_value, to_pyerr, type_error};

/// `obj` converted to a `T` by `T`'s own extraction, with a conversion error made the library's
/// ([`library_error`]). A `from_py_with` extractor: `#[pyo3(from_py_with = arg)] x: f64`; it costs
/// nothing when the conversion succeeds.
#[inline]
pub(crate) fn arg<'a, 'py, T>(obj: &'a Bound<'py, PyAny>) -> PyResult<T>
where
    T: FromPyObject<'a, 'py>,
    T::Error: Into<PyErr>,
{
    obj.extract::<T>()
        .map_err(|e| library_error(obj.py(), e.into()))
}

/// `obj` as a `&Bound` of the class or Python type `T`; any other object is
/// `ArgumentTypeError` ("'int' object is not an instance of 'Brain'"). A `from_py_with`
/// extractor for an argument declared `&Bound<'_, T>`.
#[inline]
pub(crate) fn cast_arg<'a, 'py, T: PyTypeCheck>(
    obj: &'a Bound<'py, PyAny>,
) -> PyResult<&'a Bound<'py, T>> {
    obj.cast::<T>()
        .map_err(|e| library_error(obj.py(), e.into()))
}

/// A plain (exactly built-in) `TypeError` as `ArgumentTypeError`, a plain `ValueError` or
/// `OverflowError` as `InvalidArgumentError`, with the same message; any other error (the
/// library's own, or one raised by a user's `__index__` / `__float__`) as it is.
#[cold]
pub(crate) fn library_error(py: Python<'_>, e: PyErr) -> PyErr {
    let ty = e.get_type(py);
    let msg = || e.value(py).to_string();
    if ty.is(py.get_type::<PyTypeError>()) {
        type_error(msg())
    } else if ty.is(py.get_type::<PyValueError>()) || ty.is(py.get_type::<PyOverflowError>()) {
        invalid_value(msg())
    } else {
        e
    }
}

/// An `int` argument (Python int or any `__index__` integer) that is not a `bool`, of any size.
///
/// The value is held as an `i128`; an int beyond that range saturates to `i128::MIN` /
/// `i128::MAX`, which no caller accepts (every count, index or size fits in 64 bits). So pyo3's
/// raw `OverflowError` never reaches Python: each caller converts with its own range check
/// (`usize::try_from`, `u32::try_from`, ...) and raises the library's error naming the argument
/// and its range. Never clamp an `Int` into a legal range instead: `dream(2**64)` must be
/// refused, not run for 2**63 cycles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Int(pub i128);

impl std::fmt::Display for Int {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            i128::MAX => f.write_str(">= 2**127"),
            i128::MIN => f.write_str("<= -2**127"),
            v => write!(f, "{v}"),
        }
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Int {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyBool>() {
            return Err(type_error(
                "expected an int, got bool (True/False are not indices, sizes or counts)",
            ));
        }
        match obj.extract::<i128>() {
            Ok(v) => Ok(Int(v)),
            Err(e) if e.is_instance_of::<PyOverflowError>(obj.py()) => {
                // An int (or `__index__` integer) of more than 128 bits: only its sign matters.
                let index = obj
                    .py()
                    .import("operator")?
                    .getattr("index")?
                    .call1((obj,))?;
                Ok(Int(if index.lt(0)? { i128::MIN } else { i128::MAX }))
            }
            Err(e) => Err(library_error(obj.py(), e)),
        }
    }
}

impl From<i64> for Int {
    fn from(v: i64) -> Self {
        Int(i128::from(v))
    }
}

impl Int {
    /// The value as a `T` (`u32`, `u64`, `usize`, ...), or `InvalidArgumentError` naming
    /// `name` and the accepted range `range` (e.g. `"[0, 2**32)"`).
    pub(crate) fn to<T: TryFrom<i128>>(self, name: &str, range: &str) -> PyResult<T> {
        T::try_from(self.0).map_err(|_| {
            to_pyerr(Error::argument(
                name,
                format!("must be an integer in {range}, got {self}"),
            ))
        })
    }

    /// The value as a count in `[0, 2**63)` (a `usize` on 64-bit targets; refused above
    /// `isize::MAX` everywhere), or `InvalidArgumentError` naming `name`.
    pub(crate) fn count(self, name: &str) -> PyResult<usize> {
        match usize::try_from(self.0) {
            Ok(v) if v <= isize::MAX as usize => Ok(v),
            _ => Err(to_pyerr(Error::argument(
                name,
                format!("must be an integer in [0, 2**63), got {self}"),
            ))),
        }
    }
}

/// `StateError` for an object another thread is using.
///
/// Calls never wait for each other (a waiting call would hold the GIL, or deadlock with the
/// call it waits for): a {what} is not shared between threads while one of them changes it,
/// and the message says so, since with readers that never pause a writer keeps being refused.
pub(crate) fn busy(what: &str) -> PyErr {
    to_pyerr(Error::State(format!(
        "the {what} is in use by another call in another thread (a dream, learn_transitions or \
         run_episodes runs with the GIL released); calls do not wait: a {what} is not shared \
         between threads while one of them changes it. Retry after the other call returns, \
         serialize the threads with a lock, or give each thread its own {what}"
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

/// A `seed` argument: a non-negative int below 2**64, not a `bool` (`ArgumentTypeError`); out of range,
/// `InvalidArgumentError` naming `seed`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Seed(pub u64);

impl<'a, 'py> FromPyObject<'a, 'py> for Seed {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyBool>() {
            return Err(type_error(
                "expected an int in [0, 2**64) or None, got bool",
            ));
        }
        let wide = obj.extract::<Int>()?;
        u64::try_from(wide.0)
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

/// How often a long call checks for Ctrl-C (and any other pending signal).
const SIGNAL_POLL: std::time::Duration = std::time::Duration::from_millis(50);

/// Runs `work` with the GIL released and answers Ctrl-C while it runs, however long it is.
///
/// `work` runs on a scoped helper thread and receives a stop flag; this thread (the caller's,
/// the main thread when Python's signal handlers can run) checks for signals every
/// [`SIGNAL_POLL`]. When a signal handler raises (`KeyboardInterrupt`), the flag is set, `work`
/// is expected to return at its next check (the core checks it every step) and the handler's
/// exception is returned; otherwise signals are checked once more when `work` returns, then
/// its result is returned. A panic in `work` is resumed here, so it
/// reaches pyo3's panic conversion as before.
pub(crate) fn interruptible<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&std::sync::atomic::AtomicBool) -> T + Send,
{
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc::{channel, RecvTimeoutError};
    let stop = AtomicBool::new(false);
    let mut interrupted: Option<PyErr> = None;
    let joined = py.detach(|| {
        std::thread::scope(|s| {
            let (done, finished) = channel::<()>();
            let stop = &stop;
            let worker = s.spawn(move || {
                let out = work(stop);
                let _ = done.send(());
                out
            });
            loop {
                match finished.recv_timeout(SIGNAL_POLL) {
                    Err(RecvTimeoutError::Timeout) if interrupted.is_none() => {
                        if let Err(e) = Python::attach(|py| py.check_signals()) {
                            interrupted = Some(e);
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            worker.join()
        })
    });
    let out = joined.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    match interrupted {
        Some(e) => Err(e),
        // A signal that came after the last poll (or during a call shorter than one poll) is
        // answered now, as a caller that runs such calls back to back expects.
        None => py.check_signals().map(|()| out),
    }
}

/// Work (dream steps, environment steps) below which [`interruptible_if_long`] runs a call on
/// the caller's thread: it ends well within one [`SIGNAL_POLL`], so a helper thread would only
/// add its start-up cost to calls made once per episode.
pub(crate) const SHORT_WORK: u128 = 1 << 16;

/// [`interruptible`] when `work_estimate` (an upper bound of the call's steps) reaches
/// [`SHORT_WORK`]; otherwise `work` runs with the GIL released on this thread, with a stop flag
/// that is never set, and signals are checked when it returns.
pub(crate) fn interruptible_if_long<T, F>(
    py: Python<'_>,
    work_estimate: u128,
    work: F,
) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&std::sync::atomic::AtomicBool) -> T + Send,
{
    if work_estimate >= SHORT_WORK {
        return interruptible(py, work);
    }
    let out = py.detach(|| work(&std::sync::atomic::AtomicBool::new(false)));
    py.check_signals().map(|()| out)
}

/// An upper bound of the steps `cycles` dream cycles take under `config` (for
/// [`interruptible_if_long`]): every walk counts its start and `walk_length` steps.
pub(crate) fn dream_work(config: &hebbian_core::brain::config::BrainConfig, cycles: usize) -> u128 {
    let d = &config.dream;
    cycles as u128 * u128::from(d.walks_per_cycle) * (u128::from(d.walk_length) + 1)
}

/// Declares `fn $f(obj) -> PyResult<u32>`, a pyo3 `from_py_with` extractor of the argument
/// `$name` as a `u32` through [`Int`]: out of range is `InvalidArgumentError` naming it (pyo3's
/// own `u32` extraction raises a bare `OverflowError`).
macro_rules! u32_argument {
    ($f:ident, $name:literal) => {
        pub(crate) fn $f(obj: &pyo3::Bound<'_, pyo3::PyAny>) -> pyo3::PyResult<u32> {
            obj.extract::<$crate::guard::Int>()?.to($name, "[0, 2**32)")
        }
    };
}
pub(crate) use u32_argument;

/// The same for an optional argument (`None` stays `None`).
macro_rules! optional_u32_argument {
    ($f:ident, $name:literal) => {
        pub(crate) fn $f(obj: &pyo3::Bound<'_, pyo3::PyAny>) -> pyo3::PyResult<Option<u32>> {
            if obj.is_none() {
                return Ok(None);
            }
            obj.extract::<$crate::guard::Int>()?
                .to($name, "[0, 2**32)")
                .map(Some)
        }
    };
}
pub(crate) use optional_u32_argument;

/// The same as [`u32_argument`] for a `u64` argument.
macro_rules! u64_argument {
    ($f:ident, $name:literal) => {
        pub(crate) fn $f(obj: &pyo3::Bound<'_, pyo3::PyAny>) -> pyo3::PyResult<u64> {
            obj.extract::<$crate::guard::Int>()?.to($name, "[0, 2**64)")
        }
    };
}
pub(crate) use u64_argument;

/// Reads an observation into `buf`: a float64 or float32 array (1-D, or of any shape read in
/// C order when `any_shape`), or a sequence of reals. Anything else is `InvalidArgumentError`,
/// and a count other than `expected` values `ShapeError`, both naming `space` (the observation
/// space's repr). Values are not checked here (the core refuses NaN and infinities naming the
/// argument).
pub(crate) fn read_observation(
    obs: &Bound<'_, PyAny>,
    space: &str,
    expected: usize,
    any_shape: bool,
    buf: &mut Vec<f64>,
) -> PyResult<()> {
    use numpy::{PyArrayDyn, PyArrayMethods, PyUntypedArrayMethods};
    buf.clear();
    let ndim_ok = |nd: usize| any_shape || nd == 1;
    if let Some(a) = obs
        .cast::<PyArrayDyn<f64>>()
        .ok()
        .filter(|a| ndim_ok(a.ndim()))
    {
        let a = a.readonly();
        match a.as_slice() {
            Ok(s) => buf.extend_from_slice(s),
            Err(_) => buf.extend(a.as_array().iter().copied()),
        }
    } else if let Some(a) = obs
        .cast::<PyArrayDyn<f32>>()
        .ok()
        .filter(|a| ndim_ok(a.ndim()))
    {
        buf.extend(a.readonly().as_array().iter().map(|v| f64::from(*v)));
    } else if let Some(v) = obs
        .len()
        .ok()
        .filter(|&n| n == expected)
        .and_then(|_| obs.extract::<Vec<f64>>().ok())
    {
        // other real arrays (integer Box spaces) and sequences of the right length (checked
        // first: extracting allocates what `len()` claims), converted value by value
        buf.extend(v);
    } else if let Some(n) = obs.len().ok().filter(|&n| {
        // a sized sequence of numbers of another length; a text or an array is refused below,
        // named by its type or its dtype and shape
        n != expected
            && !obs.is_instance_of::<pyo3::types::PyString>()
            && !obs.is_instance_of::<pyo3::types::PyBytes>()
            && !obs.hasattr("shape").unwrap_or(false)
    }) {
        return Err(crate::errors::shape_error(
            "observation",
            format!("expected {expected} values (the observation space {space}), got {n}"),
        ));
    } else {
        let what = match obs.getattr("dtype") {
            Ok(dt) => {
                let shape = obs
                    .getattr("shape")
                    .map(|s| s.to_string())
                    .unwrap_or_default();
                format!("an array of dtype {dt} and shape {shape}")
            }
            Err(_) => format!("a {}", obs.get_type().name()?),
        };
        return Err(crate::errors::invalid_argument(
            "observation",
            format!(
                "expected a {}real array from the observation space {space}, got {what}",
                if any_shape { "" } else { "1-D " }
            ),
        ));
    }
    if buf.len() != expected {
        return Err(crate::errors::shape_error(
            "observation",
            format!(
                "expected {expected} values (the observation space {space}), got {}",
                buf.len()
            ),
        ));
    }
    Ok(())
}
