//! Frozen, keyword-only, picklable config classes and the small report classes.

use crate::guard::arg;
use crate::guard::u64_argument;
use hebbian_core::brain::config as core;
use hebbian_core::brain::config::{DreamDirection, DreamParams, PlasticityParams, PruningParams};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::config_class::{config_class, reduce_make, replace_fields, unexpected_field_make};

hebbian_core::plasticity_params_fields!(config_class! {
    /// Parameters of the three-factor rule, value learning and weight dynamics.
    pub struct PyPlasticityParams as "PlasticityParams", style = Brain, pickle = make,
        pyclass(skip_from_py_object);
    extra {}
});

hebbian_core::pruning_params_fields!(config_class! {
    /// When synapses and orphaned nodes are pruned.
    pub struct PyPruningParams as "PruningParams", style = Brain, pickle = make,
        pyclass(skip_from_py_object);
    extra {}
});

hebbian_core::dream_params_fields!(config_class! {
    /// Parameters of the dream (offline replay) phase.
    pub struct PyDreamParams as "DreamParams", style = Brain, pickle = make,
        pyclass(skip_from_py_object);
    extra {}
});

/// The whole configuration of a brain.
#[pyclass(
    frozen,
    eq,
    skip_from_py_object,
    module = "hebbian_brain",
    name = "BrainConfig"
)]
#[derive(Clone, PartialEq)]
pub struct PyBrainConfig {
    pub inner: core::BrainConfig,
}

#[pymethods]
impl PyBrainConfig {
    #[new]
    #[pyo3(signature = (*, plasticity=None, pruning=None, dream=None))]
    fn new(
        #[pyo3(from_py_with = arg)] plasticity: Option<Bound<'_, PyPlasticityParams>>,
        #[pyo3(from_py_with = arg)] pruning: Option<Bound<'_, PyPruningParams>>,
        #[pyo3(from_py_with = arg)] dream: Option<Bound<'_, PyDreamParams>>,
    ) -> Self {
        Self {
            inner: core::BrainConfig {
                plasticity: plasticity
                    .map(|p| p.get().inner.clone())
                    .unwrap_or_default(),
                pruning: pruning.map(|p| p.get().inner.clone()).unwrap_or_default(),
                dream: dream.map(|p| p.get().inner.clone()).unwrap_or_default(),
            },
        }
    }
    /// The three-factor rule, value learning and weight dynamics.
    #[getter]
    fn plasticity(&self) -> PyPlasticityParams {
        PyPlasticityParams {
            inner: self.inner.plasticity.clone(),
        }
    }
    /// When synapses and orphaned nodes are pruned.
    #[getter]
    fn pruning(&self) -> PyPruningParams {
        PyPruningParams {
            inner: self.inner.pruning.clone(),
        }
    }
    /// The dream (offline replay) phase.
    #[getter]
    fn dream(&self) -> PyDreamParams {
        PyDreamParams {
            inner: self.inner.dream.clone(),
        }
    }
    /// The parts as a dict (keyword arguments of the constructor).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("plasticity", self.plasticity())?;
        d.set_item("pruning", self.pruning())?;
        d.set_item("dream", self.dream())?;
        Ok(d)
    }
    /// A copy with some parts replaced.
    #[pyo3(signature = (**changes))]
    fn replace<'py>(
        slf: &Bound<'py, Self>,
        changes: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        replace_fields(
            slf.as_any(),
            slf.get().to_dict(slf.py())?,
            changes,
            unexpected_field_make,
        )
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        reduce_make(slf.as_any(), slf.get().to_dict(slf.py())?)
    }
    fn __repr__(&self) -> String {
        format!(
            "BrainConfig(plasticity={}, pruning={}, dream={})",
            self.plasticity().__repr__(),
            self.pruning().__repr__(),
            self.dream().__repr__()
        )
    }
}

/// What a dream did.
#[pyclass(
    frozen,
    eq,
    skip_from_py_object,
    module = "hebbian_brain",
    name = "DreamReport"
)]
#[derive(Clone, PartialEq)]
pub struct PyDreamReport {
    pub inner: hebbian_core::brain::dream::DreamReport,
}

u64_argument!(walks_argument, "walks");
u64_argument!(steps_argument, "steps");
u64_argument!(reinforced_argument, "synapses_reinforced");
u64_argument!(galvanized_argument, "synapses_galvanized");
u64_argument!(creative_argument, "creative_edges_created");

#[pymethods]
impl PyDreamReport {
    #[new]
    #[pyo3(signature = (*, walks=0, steps=0, synapses_reinforced=0, synapses_galvanized=0,
        creative_edges_created=0, value_change=0.0))]
    fn new(
        #[pyo3(from_py_with = walks_argument)] walks: u64,
        #[pyo3(from_py_with = steps_argument)] steps: u64,
        #[pyo3(from_py_with = reinforced_argument)] synapses_reinforced: u64,
        #[pyo3(from_py_with = galvanized_argument)] synapses_galvanized: u64,
        #[pyo3(from_py_with = creative_argument)] creative_edges_created: u64,
        #[pyo3(from_py_with = arg)] value_change: f64,
    ) -> Self {
        Self {
            inner: hebbian_core::brain::dream::DreamReport {
                walks,
                steps,
                synapses_reinforced,
                synapses_galvanized,
                creative_edges_created,
                value_change,
            },
        }
    }
    /// Walks replayed.
    #[getter]
    fn walks(&self) -> u64 {
        self.inner.walks
    }
    /// Synapses traversed over all walks.
    #[getter]
    fn steps(&self) -> u64 {
        self.inner.steps
    }
    /// Traversals that strengthened a synapse.
    #[getter]
    fn synapses_reinforced(&self) -> u64 {
        self.inner.synapses_reinforced
    }
    /// Traversals of synapses old enough to be galvanized.
    #[getter]
    fn synapses_galvanized(&self) -> u64 {
        self.inner.synapses_galvanized
    }
    /// Creative synapses wired.
    #[getter]
    fn creative_edges_created(&self) -> u64 {
        self.inner.creative_edges_created
    }
    /// Sum of |ΔV| of the value backups.
    #[getter]
    fn value_change(&self) -> f64 {
        self.inner.value_change
    }
    /// The counts as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let r = &self.inner;
        let d = PyDict::new(py);
        d.set_item("walks", r.walks)?;
        d.set_item("steps", r.steps)?;
        d.set_item("synapses_reinforced", r.synapses_reinforced)?;
        d.set_item("synapses_galvanized", r.synapses_galvanized)?;
        d.set_item("creative_edges_created", r.creative_edges_created)?;
        d.set_item("value_change", r.value_change)?;
        Ok(d)
    }
    fn __add__(&self, other: &Self) -> Self {
        let mut inner = self.inner;
        inner.merge(&other.inner);
        Self { inner }
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        reduce_make(slf.as_any(), slf.get().to_dict(slf.py())?)
    }
    fn __repr__(&self) -> String {
        let r = &self.inner;
        format!(
            "DreamReport(walks={:?}, steps={:?}, synapses_reinforced={:?}, synapses_galvanized={:?}, \
             creative_edges_created={:?}, value_change={:?})",
            r.walks, r.steps, r.synapses_reinforced, r.synapses_galvanized, r.creative_edges_created, r.value_change
        )
    }
}

/// What a prune removed.
#[pyclass(
    frozen,
    eq,
    skip_from_py_object,
    module = "hebbian_brain",
    name = "PruneReport"
)]
#[derive(Clone, PartialEq)]
pub struct PyPruneReport {
    pub inner: hebbian_core::brain::pruning::PruneReport,
}

u64_argument!(synapses_removed_argument, "synapses_removed");
u64_argument!(nodes_removed_argument, "nodes_removed");

#[pymethods]
impl PyPruneReport {
    #[new]
    #[pyo3(signature = (*, synapses_removed=0, nodes_removed=0))]
    fn new(
        #[pyo3(from_py_with = synapses_removed_argument)] synapses_removed: u64,
        #[pyo3(from_py_with = nodes_removed_argument)] nodes_removed: u64,
    ) -> Self {
        Self {
            inner: hebbian_core::brain::pruning::PruneReport {
                synapses_removed,
                nodes_removed,
            },
        }
    }
    /// Synapses removed.
    #[getter]
    fn synapses_removed(&self) -> u64 {
        self.inner.synapses_removed
    }
    /// Nodes removed.
    #[getter]
    fn nodes_removed(&self) -> u64 {
        self.inner.nodes_removed
    }
    /// The counts as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("synapses_removed", self.inner.synapses_removed)?;
        d.set_item("nodes_removed", self.inner.nodes_removed)?;
        Ok(d)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        reduce_make(slf.as_any(), slf.get().to_dict(slf.py())?)
    }
    fn __repr__(&self) -> String {
        format!(
            "PruneReport(synapses_removed={:?}, nodes_removed={:?})",
            self.inner.synapses_removed, self.inner.nodes_removed
        )
    }
}

/// Adds the classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPlasticityParams>()?;
    m.add_class::<PyPruningParams>()?;
    m.add_class::<PyDreamParams>()?;
    m.add_class::<PyBrainConfig>()?;
    m.add_class::<PyDreamReport>()?;
    m.add_class::<PyPruneReport>()?;
    Ok(())
}
