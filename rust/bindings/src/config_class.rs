//! Frozen, keyword-only config classes generated from the core's field lists: the graph
//! brain's (`PlasticityParams`, `PruningParams`, `DreamParams`, `AgentParams`) and the dense
//! family's (`NodePerturbationConfig`, `TwoJointArm`), all by the one macro [`config_class!`].
//!
//! The core declares each parameter struct from one list of fields, each with its doc and its
//! default written once (`hebbian_core::plasticity_params_fields!` and its siblings). The same
//! list, handed to [`config_class!`], writes the whole Python class around a `#[pyclass]`
//! struct holding the core struct in `inner` (declared by the macro too): the keyword-only
//! constructor (the list's defaults
//! are literals, so the text signature and stubtest see them), one getter per field with the
//! field's doc as its `__doc__`, the dict of the fields, `replace(**changes)`, `__reduce__`
//! and `__repr__`.
//!
//! ```ignore
//! hebbian_core::pruning_params_fields!(config_class! {
//!     /// When synapses and orphaned nodes are pruned.
//!     pub struct PyPruningParams as "PruningParams", style = Brain, pickle = make,
//!         pyclass(skip_from_py_object);
//!     extra {}
//! });
//! ```
//!
//! This declares the `#[pyclass]` (frozen, `eq`, in module `hebbian_brain` unless a
//! `module = "..."` follows the name, holding the core struct in `inner`, with the given
//! docstring and extra pyclass options) and its methods.
//!
//! * `style` picks how constructor arguments become field values ([`ConfigArg`]): `Brain` (the
//!   brain's configs: counts are ints checked by `config_count`, `"must be >= 0"` and
//!   `"must be < 2**32"`), `Agent` (`AgentParams`: counts refuse bools and say
//!   `"must be an integer in [0, 2**32)"`) or `Dense` (the dense family: counts say
//!   `"must be >= 0"` / `"is too large"`, pairs are tuples whose listed default `None` means
//!   the core's default). Arguments are converted in field order, then the core's `validate`
//!   runs.
//! * `pickle` picks how instances pickle, what the dict of the fields is called and how
//!   `replace` treats an unknown field: `make` (`hebbian_brain._pickle._make(cls, kwargs)`,
//!   `to_dict`, "got an unexpected field"), `from_dict` (`cls._from_dict(kwargs)`, whose
//!   classmethod the caller writes in `extra`; `to_dict`; "has no field") or `from_kwargs`
//!   (`cls._from_kwargs(kwargs)`, a staticmethod the macro writes; `_asdict`; the
//!   constructor refuses the unknown keyword). All stay, so existing pickles load.
//! * `extra { ... }` holds more `#[pymethods]` items of the class.
//!
//! A field's Python value and repr come from its core type through [`ConfigField`]. A new field
//! type needs a [`ConfigField`] impl and a [`ConfigArg`] impl for the style that uses it.

use crate::rnn::perturbation::arrays::non_negative;
use crate::rnn::perturbation::names::choice;
use hebbian_core::agent::Exploration;
use hebbian_core::brain::config::DreamDirection;
use hebbian_core::rnn::perturbation::{ConditionOrder, Eligibility, Precision};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use pyo3::IntoPyObjectExt;

use crate::errors::{config_count, to_pyerr, IntoPyResult};
use crate::guard::Int;

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
debug_repr_fields!(f64, u32, u64, usize);

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

/// A pair (segment lengths, angle limits) is a Python tuple.
impl ConfigField for [f64; 2] {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        (self[0], self[1]).into_py_any(py)
    }
    fn repr(&self) -> String {
        format!("({:?}, {:?})", self[0], self[1])
    }
}

/// The dense family's string options: their name in Python.
macro_rules! named_fields {
    ($($t:ty),*) => {$(
        impl ConfigField for $t {
            fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                self.name().into_py_any(py)
            }
            fn repr(&self) -> String {
                format!("'{}'", self.name())
            }
        }
    )*};
}
named_fields!(ConditionOrder, Precision, Eligibility);

impl ConfigField for Exploration {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.name().into_py_any(py)
    }
    fn repr(&self) -> String {
        format!("{:?}", self.name())
    }
}

/// Conversion of the brain's config classes' constructor arguments (see the module docs).
pub(crate) struct Brain;
/// Conversion of `AgentParams`' constructor arguments (see the module docs).
pub(crate) struct Agent;
/// Conversion of the dense family's constructor arguments (see the module docs).
pub(crate) struct Dense;

/// How a constructor argument of a config class of `Style` becomes a field value.
pub(crate) trait ConfigArg<Style>: Sized {
    /// The argument as extracted from Python (its default is the field list's literal).
    type Arg<'a>;
    /// Extracts the argument (errors name it, as pyo3's own extraction does).
    fn extract<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<Self::Arg<'a>>;
    /// The field's value, or the config error naming `field`; `default` gives the core's
    /// default (for an argument whose listed default stands for it).
    fn from_arg(field: &str, arg: Self::Arg<'_>, default: impl FnOnce() -> Self) -> PyResult<Self>;
}

macro_rules! plain_args {
    ($($t:ty),*) => {$(
        impl<S> ConfigArg<S> for $t {
            type Arg<'a> = $t;
            fn extract(obj: &Bound<'_, PyAny>) -> PyResult<$t> {
                crate::guard::arg(obj)
            }
            fn from_arg(_field: &str, arg: $t, _default: impl FnOnce() -> $t) -> PyResult<$t> {
                Ok(arg)
            }
        }
    )*};
}
plain_args!(f64, bool);

impl ConfigArg<Dense> for usize {
    type Arg<'a> = i128; // a literal default; extracted as an `Int` (no OverflowError)
    fn extract(obj: &Bound<'_, PyAny>) -> PyResult<i128> {
        Ok(obj.extract::<Int>()?.0)
    }
    fn from_arg(field: &str, arg: i128, _default: impl FnOnce() -> usize) -> PyResult<usize> {
        let n: u64 = non_negative(field, arg, true)?;
        usize::try_from(n).map_err(|_| {
            to_pyerr(hebbian_core::Error::config(
                field,
                format!("must be < 2**{}, got {}", usize::BITS, Int(arg)),
            ))
        })
    }
}

impl ConfigArg<Dense> for u64 {
    type Arg<'a> = i128; // a literal default; extracted as an `Int` (no OverflowError)
    fn extract(obj: &Bound<'_, PyAny>) -> PyResult<i128> {
        Ok(obj.extract::<Int>()?.0)
    }
    fn from_arg(field: &str, arg: i128, _default: impl FnOnce() -> u64) -> PyResult<u64> {
        non_negative(field, arg, true)
    }
}

/// A pair whose `None` stands for the core's default.
impl ConfigArg<Dense> for [f64; 2] {
    type Arg<'a> = Option<[f64; 2]>;
    fn extract(obj: &Bound<'_, PyAny>) -> PyResult<Option<[f64; 2]>> {
        crate::guard::arg(obj)
    }
    fn from_arg(
        _field: &str,
        arg: Option<[f64; 2]>,
        default: impl FnOnce() -> [f64; 2],
    ) -> PyResult<[f64; 2]> {
        Ok(arg.unwrap_or_else(default))
    }
}

/// The dense family's string options, parsed by their names (errors list them).
macro_rules! dense_choice_args {
    ($($t:ty),*) => {$(
        impl ConfigArg<Dense> for $t {
            type Arg<'a> = &'a str;
            fn extract<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<&'a str> {
                crate::guard::arg(obj)
            }
            fn from_arg(field: &str, arg: &str, _default: impl FnOnce() -> Self) -> PyResult<Self> {
                choice(field, arg, &<$t>::ALL, <$t>::name)
            }
        }
    )*};
}
dense_choice_args!(ConditionOrder, Precision, Eligibility);

impl ConfigArg<Brain> for u64 {
    type Arg<'a> = i128; // a literal default; extracted as an `Int` (no OverflowError)
    fn extract(obj: &Bound<'_, PyAny>) -> PyResult<i128> {
        Ok(obj.extract::<Int>()?.0)
    }
    fn from_arg(field: &str, arg: i128, _default: impl FnOnce() -> u64) -> PyResult<u64> {
        config_count(field, Int(arg))
    }
}

impl ConfigArg<Brain> for u32 {
    type Arg<'a> = i128; // a literal default; extracted as an `Int` (no OverflowError)
    fn extract(obj: &Bound<'_, PyAny>) -> PyResult<i128> {
        Ok(obj.extract::<Int>()?.0)
    }
    fn from_arg(field: &str, arg: i128, _default: impl FnOnce() -> u32) -> PyResult<u32> {
        u32::try_from(config_count(field, Int(arg))?).map_err(|_| {
            to_pyerr(hebbian_core::Error::config(
                field,
                format!("must be < 2**32, got {}", Int(arg)),
            ))
        })
    }
}

impl ConfigArg<Agent> for u32 {
    type Arg<'a> = i128; // a literal default; extracted as an `Int` (no OverflowError)
    fn extract(obj: &Bound<'_, PyAny>) -> PyResult<i128> {
        Ok(obj.extract::<Int>()?.0)
    }
    fn from_arg(field: &str, arg: i128, _default: impl FnOnce() -> u32) -> PyResult<u32> {
        u32::try_from(arg).map_err(|_| {
            to_pyerr(hebbian_core::Error::config(
                field,
                format!("must be an integer in [0, 2**32), got {}", Int(arg)),
            ))
        })
    }
}

/// Named choices (enums the core parses from their Python names) are `str` arguments.
macro_rules! choice_args {
    ($($style:ty: $t:ty),*) => {$(
        impl ConfigArg<$style> for $t {
            type Arg<'a> = &'a str;
            fn extract<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<&'a str> {
                crate::guard::arg(obj)
            }
            fn from_arg(_field: &str, arg: &str, _default: impl FnOnce() -> Self) -> PyResult<Self> {
                <$t>::parse(arg).py()
            }
        }
    )*};
}
choice_args!(Brain: DreamDirection, Agent: Exploration);

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

/// `(cls._from_kwargs, (kwargs,))`: pickles a class through its `_from_kwargs` staticmethod
/// (the dense family's configs).
pub(crate) fn reduce_from_kwargs<'py>(
    slf: &Bound<'py, PyAny>,
    kwargs: Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyTuple>> {
    let py = slf.py();
    let make = slf.getattr("_from_kwargs")?;
    let args = PyTuple::new(py, [kwargs.into_any()])?;
    PyTuple::new(py, [make, args.into_any()])
}

/// The `TypeError` of `replace` with a key that names no field: `Params.replace() got an
/// unexpected field 'key'` (the brain's configs, `pickle = make`).
pub(crate) fn unexpected_field_make(
    slf: &Bound<'_, PyAny>,
    key: &Bound<'_, PyAny>,
) -> PyResult<PyErr> {
    Ok(crate::errors::type_error(format!(
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
    Ok(crate::errors::type_error(format!(
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

/// `cls(**(current | changes))`, the keys unchecked: the constructor refuses one that names
/// no field (`pickle = from_kwargs`).
pub(crate) fn replace_unchecked<'py>(
    slf: &Bound<'py, PyAny>,
    current: Bound<'py, PyDict>,
    changes: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    if let Some(changes) = changes {
        current.update(changes.as_mapping())?;
    }
    slf.get_type().call((), Some(&current))
}

/// Generates a config class from its core field list (see the module documentation).
macro_rules! config_class {
    // `pickle` decides the name of the dict of the fields and, for `from_kwargs`, adds the
    // `_from_kwargs` staticmethod to the class's methods.
    (@pickle make [$($head:tt)*] extra { $($extra:tt)* } $($list:tt)*) => {
        $crate::config_class::config_class! {
            @build [$($head)* pickle = make, dict = to_dict] extra { $($extra)* } $($list)*
        }
    };
    (@pickle from_dict [$($head:tt)*] extra { $($extra:tt)* } $($list:tt)*) => {
        $crate::config_class::config_class! {
            @build [$($head)* pickle = from_dict, dict = to_dict] extra { $($extra)* } $($list)*
        }
    };
    (@pickle from_kwargs [$($head:tt)*] extra { $($extra:tt)* } $($list:tt)*) => {
        $crate::config_class::config_class! {
            @build [$($head)* pickle = from_kwargs, dict = _asdict]
            extra {
                $($extra)*

                /// Builds an instance from a dict of keyword arguments (used by pickling).
                #[staticmethod]
                fn _from_kwargs(
                    py: pyo3::Python<'_>,
                    kwargs: &pyo3::Bound<'_, pyo3::types::PyDict>,
                ) -> pyo3::PyResult<pyo3::Py<pyo3::PyAny>> {
                    Ok(py.get_type::<Self>().call((), Some(kwargs))?.unbind())
                }
            }
            $($list)*
        }
    };
    (
        @build [
            $(#[doc = $cdoc:literal])*
            $vis:vis struct $py:ident as $name:tt, module = $module:literal, style = $style:ident,
            pyclass($($pyclass_opt:tt)*); pickle = $pickle:ident, dict = $dict:ident
        ]
        extra { $($extra:tt)* }
        $(#[doc = $sdoc:literal])*
        $core:ident {
            $(
                $(#[doc = $doc:literal])+ $(#[serde($($serde:tt)*)])?
                $field:ident : $ty:ty = $default:tt $(=> $value:expr)?
            ),+ $(,)?
        }
    ) => {
        $(#[doc = $cdoc])*
        #[pyo3::pyclass(frozen, eq, $($pyclass_opt)*, module = $module, name = $name)]
        #[derive(Clone, PartialEq)]
        $vis struct $py {
            $vis inner: $core,
        }

        #[pyo3::pymethods]
        impl $py {
            #[new]
            #[pyo3(signature = (*, $($field = $default),+))]
            #[allow(clippy::too_many_arguments)]
            fn new(
                $(
                    #[pyo3(from_py_with = <$ty as $crate::config_class::ConfigArg<
                        $crate::config_class::$style,
                    >>::extract)]
                    $field: <$ty as $crate::config_class::ConfigArg<
                        $crate::config_class::$style,
                    >>::Arg<'_>,
                )+
            ) -> pyo3::PyResult<Self> {
                let inner = $core {
                    $(
                        $field: <$ty as $crate::config_class::ConfigArg<
                            $crate::config_class::$style,
                        >>::from_arg(
                            stringify!($field),
                            $field,
                            || <$core as Default>::default().$field,
                        )?,
                    )+
                };
                $crate::errors::IntoPyResult::py(inner.validate())?;
                Ok(Self { inner })
            }

            $($extra)*

            $(
                $(#[doc = $doc])+
                #[getter]
                fn $field(&self, py: pyo3::Python<'_>) -> pyo3::PyResult<pyo3::Py<pyo3::PyAny>> {
                    $crate::config_class::ConfigField::to_py(&self.inner.$field, py)
                }
            )+
            /// The fields as a dict (keyword arguments of the constructor).
            fn $dict<'py>(
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
                let current = slf.get().$dict(slf.py())?;
                $crate::config_class::config_class!(@replace $pickle, slf.as_any(), current, changes)
            }

            fn __reduce__<'py>(
                slf: &pyo3::Bound<'py, Self>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::types::PyTuple>> {
                let current = slf.get().$dict(slf.py())?;
                $crate::config_class::config_class!(@reduce $pickle)(slf.as_any(), current)
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
    (@reduce from_kwargs) => { $crate::config_class::reduce_from_kwargs };
    (@replace make, $slf:expr, $current:expr, $changes:expr) => {
        $crate::config_class::replace_fields(
            $slf,
            $current,
            $changes,
            $crate::config_class::unexpected_field_make,
        )
    };
    (@replace from_dict, $slf:expr, $current:expr, $changes:expr) => {
        $crate::config_class::replace_fields(
            $slf,
            $current,
            $changes,
            $crate::config_class::unexpected_field_from_dict,
        )
    };
    (@replace from_kwargs, $slf:expr, $current:expr, $changes:expr) => {
        $crate::config_class::replace_unchecked($slf, $current, $changes)
    };
    // The class in the module `hebbian_brain.rnn` or another (`module = "..."`).
    (
        $(#[doc = $cdoc:literal])*
        $vis:vis struct $py:ident as $name:tt, module = $module:literal, style = $style:ident,
            pickle = $pickle:ident, pyclass($($pyclass_opt:tt)*);
        extra { $($extra:tt)* }
        $($list:tt)*
    ) => {
        $crate::config_class::config_class! {
            @pickle $pickle [
                $(#[doc = $cdoc])*
                $vis struct $py as $name, module = $module, style = $style,
                pyclass($($pyclass_opt)*);
            ]
            extra { $($extra)* }
            $($list)*
        }
    };
    // The class in the module `hebbian_brain`.
    (
        $(#[doc = $cdoc:literal])*
        $vis:vis struct $py:ident as $name:tt, style = $style:ident, pickle = $pickle:ident,
            pyclass($($pyclass_opt:tt)*);
        extra { $($extra:tt)* }
        $($list:tt)*
    ) => {
        $crate::config_class::config_class! {
            $(#[doc = $cdoc])*
            $vis struct $py as $name, module = "hebbian_brain", style = $style,
                pickle = $pickle, pyclass($($pyclass_opt)*);
            extra { $($extra)* }
            $($list)*
        }
    };
}
pub(crate) use config_class;
