//! The Python exception hierarchy and the one place where core errors become Python errors.
//!
//! ```text
//! HebbianError
//!  ├── InvalidConfigError   (ValueError)   a config field out of range
//!  ├── InvalidArgumentError (ValueError)   a call argument out of range, NaN/inf, ...
//!  ├── ShapeError           (ValueError)   array shapes/lengths disagree
//!  ├── InvalidNodeError     (IndexError)   unknown node index
//!  ├── NoSynapseError       (LookupError)  no synapse between two nodes
//!  ├── StateError           (RuntimeError) call not allowed now (e.g. observe before act)
//!  ├── ArgumentTypeError    (TypeError)    an argument of the wrong type
//!  ├── MissingDependencyError (RuntimeError) an optional program or package is not installed
//!  ├── ExternalToolError    (RuntimeError) an external program the call runs failed or timed out
//!  └── FileFormatError      (ValueError)   truncated / corrupted / foreign / unknown-version file
//! ```
//! OS failures (unwritable path, missing file) raise the matching built-in `OSError` subclass;
//! an allocation that fails in the core (`Error::OutOfMemory`) raises the built-in `MemoryError`.

use hebbian_core::Error;
use pyo3::exceptions::{
    PyException, PyFileExistsError, PyFileNotFoundError, PyIndexError, PyLookupError,
    PyMemoryError, PyOSError, PyPermissionError, PyRuntimeError, PyTypeError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use pyo3::PyTypeInfo;
use std::sync::OnceLock;

pyo3::create_exception!(
    hebbian_brain,
    HebbianError,
    PyException,
    "Base class of every error raised by hebbian_brain."
);

/// The exception classes with two bases (ours and the matching built-in) are made at import
/// time with `type(name, bases, ns)`, since `create_exception!` takes a single base.
struct Classes {
    invalid_config: Py<PyAny>,
    invalid_argument: Py<PyAny>,
    shape: Py<PyAny>,
    invalid_node: Py<PyAny>,
    no_synapse: Py<PyAny>,
    state: Py<PyAny>,
    file_format: Py<PyAny>,
    argument_type: Py<PyAny>,
    // Raised from Python only (e.g. `viz.render_brain` without Graphviz); held so it is made
    // with the others.
    _missing_dependency: Py<PyAny>,
    _external_tool: Py<PyAny>,
}

static CLASSES: OnceLock<Classes> = OnceLock::new();

fn make_class(
    py: Python<'_>,
    module: &Bound<'_, PyModule>,
    name: &str,
    builtin: Bound<'_, pyo3::types::PyType>,
    doc: &str,
) -> PyResult<Py<PyAny>> {
    let bases = PyTuple::new(py, [HebbianError::type_object(py), builtin])?;
    let ns = pyo3::types::PyDict::new(py);
    ns.set_item("__doc__", doc)?;
    ns.set_item("__module__", "hebbian_brain")?;
    let builtins = py.import("builtins")?;
    let class = builtins.getattr("type")?.call1((name, bases, ns))?;
    module.add(name, &class)?;
    Ok(class.unbind())
}

/// Adds the exception classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("HebbianError", py.get_type::<HebbianError>())?;
    let classes = Classes {
        invalid_config: make_class(py, m, "InvalidConfigError", PyValueError::type_object(py),
            "A configuration field is out of its valid range; the message names the field.")?,
        invalid_argument: make_class(py, m, "InvalidArgumentError", PyValueError::type_object(py),
            "An argument has an invalid value (out of range, NaN or infinite); the message names it.")?,
        shape: make_class(py, m, "ShapeError", PyValueError::type_object(py),
            "Array shapes or lengths disagree; the message names the argument.")?,
        invalid_node: make_class(py, m, "InvalidNodeError", PyIndexError::type_object(py),
            "A node index that does not name a live node.")?,
        no_synapse: make_class(py, m, "NoSynapseError", PyLookupError::type_object(py),
            "There is no synapse between the two nodes.")?,
        state: make_class(py, m, "StateError", PyRuntimeError::type_object(py),
            "The call is not allowed in the object's current state (e.g. observe before act).")?,
        file_format: make_class(py, m, "FileFormatError", PyValueError::type_object(py),
            "A file is truncated, corrupted, foreign, or written by an unknown format version.")?,
        argument_type: make_class(py, m, "ArgumentTypeError", PyTypeError::type_object(py),
            "An argument has the wrong type; the message names it.")?,
        _missing_dependency: make_class(py, m, "MissingDependencyError", PyRuntimeError::type_object(py),
            "An optional program or package the call needs is not installed; the message says what to install.")?,
        _external_tool: make_class(py, m, "ExternalToolError", PyRuntimeError::type_object(py),
            "An external program the call runs (Graphviz) failed or timed out; the message has its output.")?,
    };
    // A second import of the module (sub-interpreters are not supported) keeps the first classes.
    let _ = CLASSES.set(classes);
    Ok(())
}

fn raise(class: &Py<PyAny>, msg: String) -> PyErr {
    Python::attach(|py| match class.bind(py).call1((msg.clone(),)) {
        Ok(instance) => PyErr::from_value(instance),
        Err(e) => e,
    })
}

/// Converts a core error into the matching Python exception.
pub fn to_pyerr(err: Error) -> PyErr {
    let Some(c) = CLASSES.get() else {
        return HebbianError::new_err(err.to_string());
    };
    let msg = err.to_string();
    match err {
        Error::InvalidConfig { .. } => raise(&c.invalid_config, msg),
        Error::InvalidArgument { .. } => raise(&c.invalid_argument, msg),
        Error::Shape { .. } => raise(&c.shape, msg),
        Error::InvalidNode(_) => raise(&c.invalid_node, msg),
        Error::NoSynapse { .. } => raise(&c.no_synapse, msg),
        Error::State(_) => raise(&c.state, msg),
        Error::FileFormat { .. } => raise(&c.file_format, msg),
        Error::OutOfMemory { .. } => PyMemoryError::new_err(msg),
        Error::Io { source, .. } => match source.kind() {
            std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(msg),
            std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(msg),
            std::io::ErrorKind::AlreadyExists => PyFileExistsError::new_err(msg),
            _ => PyOSError::new_err(msg),
        },
    }
}

/// `result.py()?` turns a core result into a Python result.
pub trait IntoPyResult<T> {
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for hebbian_core::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_pyerr)
    }
}

/// Raises `ArgumentTypeError` (a `TypeError`) with `msg`, which names the argument.
pub fn type_error(msg: impl Into<String>) -> PyErr {
    let msg = msg.into();
    match CLASSES.get() {
        Some(c) => raise(&c.argument_type, msg),
        None => PyTypeError::new_err(msg),
    }
}

/// Raises `InvalidArgumentError` with `msg` as it is (pyo3 names the argument in a note).
pub fn invalid_value(msg: impl Into<String>) -> PyErr {
    let msg = msg.into();
    match CLASSES.get() {
        Some(c) => raise(&c.invalid_argument, msg),
        None => PyValueError::new_err(msg),
    }
}

/// Raises `InvalidArgumentError` naming `name`.
pub fn invalid_argument(name: &str, reason: impl Into<String>) -> PyErr {
    to_pyerr(Error::argument(name, reason))
}

/// Raises `InvalidNodeError` for an index given by Python (negative and huge ones included).
pub fn invalid_node(index: impl std::fmt::Display) -> PyErr {
    let msg = format!("node {index} does not exist (a node index is an integer in [0, 2**32 - 1))");
    match CLASSES.get() {
        Some(c) => raise(&c.invalid_node, msg),
        None => HebbianError::new_err(msg),
    }
}

/// A count from Python that must be in [0, 2**64) (`InvalidConfigError` naming the field
/// otherwise).
pub fn config_count(field: &str, value: crate::guard::Int) -> PyResult<u64> {
    u64::try_from(value.0).map_err(|_| {
        let reason = if value.0 < 0 {
            format!("must be >= 0, got {value}")
        } else {
            format!("must be < 2**64, got {value}")
        };
        to_pyerr(Error::config(field, reason))
    })
}

/// Raises `ShapeError` naming `name`.
pub fn shape_error(name: &str, reason: impl Into<String>) -> PyErr {
    to_pyerr(Error::shape(name, reason))
}
