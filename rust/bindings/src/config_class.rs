//! Frozen, keyword-only config classes generated from one field list.
//!
//! [`config_class!`] writes, for a `#[pyclass]` wrapping a core parameter struct in `inner`, every
//! part that follows from the list of its fields: one getter per field (its docstring from the
//! list, so `Params.field.__doc__` documents it), `to_dict`, `replace(**changes)`, `__reduce__`
//! and `__repr__`. The constructor (its signature holds the Python defaults, which must be
//! literals for the text signature and stubtest) is handed in as `constructor { ... }` and lands
//! in the same `#[pymethods]` block.
//!
//! ```ignore
//! config_class! {
//!     PyPruningParams as "PruningParams", pickle = make;
//!     constructor { #[new] fn new(...) -> PyResult<Self> { ... } }
//!     fields {
//!         /// A synapse must be inactive for more than this many steps to be pruned.
//!         inactivity_threshold,
//!         /// A synapse must be weaker than this to be pruned.
//!         weight_threshold,
//!     }
//! }
//! ```
//!
//! A field's Python value and repr come from its core type through [`ConfigField`]. `pickle`
//! picks how instances pickle and how `replace` words an unknown field: `make`
//! (`hebbian_brain._pickle._make(cls, kwargs)`, the brain's config classes) or `from_dict`
//! (`cls._from_dict(kwargs)`, `AgentParams`, which keeps the `_from_dict` classmethod in its
//! constructor block); both stay, so existing pickles load.

use hebbian_core::agent::Exploration;
use hebbian_core::brain::config::DreamDirection;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use pyo3::IntoPyObjectExt;

/// A config field's Python value and its text in the class's repr.
pub(crate) trait ConfigField {
    /// The value Python sees (getter and `to_dict`).
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>>;
    /// The value as the repr writes it.
    fn repr(&self) -> String;
}

macro_rules! debug_repr_fields {
    ($($t:ty),*) => {$(
        impl ConfigField for $t {
            fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                self.into_py_any(py)
            }
            fn repr(&self) -> String {
                format!("{self:?}")
            }
        }
    )*};
}
debug_repr_fields!(f64, u32, u64);

impl ConfigField for bool {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.into_py_any(py)
    }
    fn repr(&self) -> String {
        if *self { "True" } else { "False" }.to_string()
    }
}

impl ConfigField for DreamDirection {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.name().into_py_any(py)
    }
    fn repr(&self) -> String {
        format!("'{}'", self.name())
    }
}

impl ConfigField for Exploration {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.name().into_py_any(py)
    }
    fn repr(&self) -> String {
        format!("{:?}", self.name())
    }
}

/// `(hebbian_brain._pickle._make, (cls, kwargs))`: pickles a keyword-only class.
pub(crate) fn reduce_make<'py>(
    slf: &Bound<'py, PyAny>,
    kwargs: Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyTuple>> {
    let py = slf.py();
    let make = py.import("hebbian_brain._pickle")?.getattr("_make")?;
    let args = PyTuple::new(py, [slf.get_type().into_any(), kwargs.into_any()])?;
    PyTuple::new(py, [make, args.into_any()])
}

/// `(cls._from_dict, (kwargs,))`: pickles a class with a `_from_dict` classmethod.
pub(crate) fn reduce_from_dict<'py>(
    slf: &Bound<'py, PyAny>,
    kwargs: Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyTuple>> {
    let py = slf.py();
    let ctor = slf.get_type().getattr("_from_dict")?;
    let args = PyTuple::new(py, [kwargs.into_any()])?;
    PyTuple::new(py, [ctor, args.into_any()])
}

/// The `TypeError` of `replace` with a key that names no field: `Params.replace() got an
/// unexpected field 'key'` (the brain's configs, `pickle = make`).
pub(crate) fn unexpected_field_make(
    slf: &Bound<'_, PyAny>,
    key: &Bound<'_, PyAny>,
) -> PyResult<PyErr> {
    Ok(pyo3::exceptions::PyTypeError::new_err(format!(
        "{}.replace() got an unexpected field {}",
        slf.get_type().name()?,
        key.repr()?
    )))
}

/// The same for `AgentParams` (`pickle = from_dict`): `Params has no field "key"`.
pub(crate) fn unexpected_field_from_dict(
    slf: &Bound<'_, PyAny>,
    key: &Bound<'_, PyAny>,
) -> PyResult<PyErr> {
    let key: String = key.extract()?;
    Ok(pyo3::exceptions::PyTypeError::new_err(format!(
        "{} has no field {key:?}",
        slf.get_type().name()?
    )))
}

/// `cls(**(current | changes))`, refusing a change that names no field with `unexpected`.
pub(crate) fn replace_fields<'py>(
    slf: &Bound<'py, PyAny>,
    current: Bound<'py, PyDict>,
    changes: Option<&Bound<'py, PyDict>>,
    unexpected: fn(&Bound<'_, PyAny>, &Bound<'_, PyAny>) -> PyResult<PyErr>,
) -> PyResult<Bound<'py, PyAny>> {
    if let Some(changes) = changes {
        for (k, v) in changes.iter() {
            if !current.contains(&k)? {
                return Err(unexpected(slf, &k)?);
            }
            current.set_item(k, v)?;
        }
    }
    slf.get_type().call((), Some(&current))
}

/// Generates a config class's field getters, `to_dict`, `replace`, `__reduce__` and `__repr__`
/// from one field list (see the module documentation).
macro_rules! config_class {
    (
        $py:ident as $name:literal, pickle = $pickle:ident;
        constructor { $($constructor:tt)* }
        fields { $( $(#[doc = $doc:literal])+ $field:ident ),+ $(,)? }
    ) => {
        #[pyo3::pymethods]
        impl $py {
            $($constructor)*

            $(
                $(#[doc = $doc])+
                #[getter]
                fn $field(&self, py: pyo3::Python<'_>) -> pyo3::PyResult<pyo3::Py<pyo3::PyAny>> {
                    $crate::config_class::ConfigField::to_py(&self.inner.$field, py)
                }
            )+

            /// The fields as a dict (keyword arguments of the constructor).
            fn to_dict<'py>(
                &self,
                py: pyo3::Python<'py>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::types::PyDict>> {
                let d = pyo3::types::PyDict::new(py);
                $( d.set_item(stringify!($field), self.$field(py)?)?; )+
                Ok(d)
            }

            /// A copy with some fields replaced: `params.replace(field=value)`.
            #[pyo3(signature = (**changes))]
            fn replace<'py>(
                slf: &pyo3::Bound<'py, Self>,
                changes: Option<&pyo3::Bound<'py, pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                $crate::config_class::replace_fields(
                    slf.as_any(),
                    slf.get().to_dict(slf.py())?,
                    changes,
                    $crate::config_class::config_class!(@unexpected $pickle),
                )
            }

            fn __reduce__<'py>(
                slf: &pyo3::Bound<'py, Self>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::types::PyTuple>> {
                $crate::config_class::config_class!(@reduce $pickle)(slf.as_any(), slf.get().to_dict(slf.py())?)
            }

            fn __repr__(&self) -> String {
                let fields = [$(
                    format!(
                        "{}={}",
                        stringify!($field),
                        $crate::config_class::ConfigField::repr(&self.inner.$field)
                    )
                ),+];
                format!("{}({})", $name, fields.join(", "))
            }
        }
    };
    (@reduce make) => { $crate::config_class::reduce_make };
    (@reduce from_dict) => { $crate::config_class::reduce_from_dict };
    (@unexpected make) => { $crate::config_class::unexpected_field_make };
    (@unexpected from_dict) => { $crate::config_class::unexpected_field_from_dict };
}
pub(crate) use config_class;
