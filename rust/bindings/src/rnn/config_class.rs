//! Frozen, keyword-only config classes of the dense family, generated from one field list.
//!
//! [`config_class!`] writes, for a `#[pyclass]` that wraps a core parameter struct in `inner`,
//! every method that follows from the list of its fields: one getter per field (documented by
//! the list, so `Config.field.__doc__` explains it), `_asdict`, `replace(**changes)`,
//! `__reduce__` / `_from_kwargs` (pickling through the keyword constructor, the form older
//! pickles use) and `__repr__`. The constructor, whose signature holds the Python defaults
//! (literals, for the text signature and stubtest), and any other method are handed in as
//! `methods { ... }` and land in the same `#[pymethods]` block.
//!
//! ```ignore
//! config_class! {
//!     PyTwoJointArm as "TwoJointArm";
//!     methods { #[new] fn new(...) -> PyResult<Self> { ... } }
//!     fields {
//!         /// Radians per step per unit rate.
//!         velocity_scale,
//!     }
//! }
//! ```
//!
//! A field's Python value and its text in the repr come from its core type ([`ConfigField`]).

use super::perturbation::names::{eligibility_name, order_name, precision_name};
use hebbian_core::rnn::perturbation::{ConditionOrder, Eligibility, Precision};
use pyo3::prelude::*;
use pyo3::IntoPyObjectExt;

/// A config field's Python value and its text in the class's repr.
pub(crate) trait ConfigField {
    /// The value Python sees (getter and `_asdict`).
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>>;
    /// The value as the repr writes it.
    fn repr(&self) -> String;
}

macro_rules! number_fields {
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
number_fields!(f64, u64, usize);

impl ConfigField for bool {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.into_py_any(py)
    }
    fn repr(&self) -> String {
        if *self { "True" } else { "False" }.to_string()
    }
}

/// A pair (segment lengths, angle limits) is a Python tuple.
impl ConfigField for [f64; 2] {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        (self[0], self[1]).into_py_any(py)
    }
    fn repr(&self) -> String {
        format!("({:?}, {:?})", self[0], self[1])
    }
}

macro_rules! named_fields {
    ($($t:ty => $name_of:path),*) => {$(
        /// A string option: its name in Python.
        impl ConfigField for $t {
            fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                $name_of(*self).into_py_any(py)
            }
            fn repr(&self) -> String {
                format!("'{}'", $name_of(*self))
            }
        }
    )*};
}
named_fields!(
    ConditionOrder => order_name,
    Precision => precision_name,
    Eligibility => eligibility_name
);

/// Generates a config class's field getters, `_asdict`, `replace`, pickling and `__repr__`
/// from one field list (see the module documentation).
macro_rules! config_class {
    (
        $py:ident as $name:literal;
        methods { $($methods:tt)* }
        fields { $( $(#[doc = $doc:literal])+ $field:ident ),+ $(,)? }
    ) => {
        #[pyo3::pymethods]
        impl $py {
            $($methods)*

            $(
                $(#[doc = $doc])+
                #[getter]
                fn $field(&self, py: pyo3::Python<'_>) -> pyo3::PyResult<pyo3::Py<pyo3::PyAny>> {
                    $crate::rnn::config_class::ConfigField::to_py(&self.inner.$field, py)
                }
            )+

            /// The fields as keyword arguments of the constructor.
            fn _asdict<'py>(
                &self,
                py: pyo3::Python<'py>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::types::PyDict>> {
                let d = pyo3::types::PyDict::new(py);
                $( d.set_item(stringify!($field), self.$field(py)?)?; )+
                Ok(d)
            }

            /// A copy with some fields replaced, e.g. ``cfg.replace(learning_rate=0.05)``.
            #[pyo3(signature = (**changes))]
            fn replace(
                &self,
                py: pyo3::Python<'_>,
                changes: Option<&pyo3::Bound<'_, pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<pyo3::Py<pyo3::PyAny>> {
                use pyo3::types::PyDictMethods;
                let d = self._asdict(py)?;
                if let Some(ch) = changes {
                    d.update(ch.as_mapping())?;
                }
                Ok(py.get_type::<Self>().call((), Some(&d))?.unbind())
            }

            fn __reduce__<'py>(
                slf: &pyo3::Bound<'py, Self>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::types::PyTuple>> {
                let py = slf.py();
                let d = slf.get()._asdict(py)?;
                let make = slf.getattr("_from_kwargs")?;
                pyo3::types::PyTuple::new(
                    py,
                    [make.into_any(), pyo3::types::PyTuple::new(py, [d])?.into_any()],
                )
            }

            /// Builds an instance from a dict of keyword arguments (used by pickling).
            #[staticmethod]
            fn _from_kwargs(
                py: pyo3::Python<'_>,
                kwargs: &pyo3::Bound<'_, pyo3::types::PyDict>,
            ) -> pyo3::PyResult<pyo3::Py<pyo3::PyAny>> {
                Ok(py.get_type::<Self>().call((), Some(kwargs))?.unbind())
            }

            fn __repr__(&self) -> String {
                let fields = [$(
                    format!(
                        "{}={}",
                        stringify!($field),
                        $crate::rnn::config_class::ConfigField::repr(&self.inner.$field)
                    )
                ),+];
                format!("{}({})", $name, fields.join(", "))
            }
        }
    };
}
pub(crate) use config_class;
