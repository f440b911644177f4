//! Frozen, keyword-only, picklable config classes and the small report classes.

use hebbian_core::brain::config as core;
use hebbian_core::brain::config::DreamDirection;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::config_class::{config_class, reduce_make, replace_fields, unexpected_field_make};
use crate::errors::{config_count, to_pyerr, IntoPyResult};

/// Parameters of the three-factor rule, value learning and weight dynamics.
#[pyclass(
    frozen,
    eq,
    skip_from_py_object,
    module = "hebbian_brain",
    name = "PlasticityParams"
)]
#[derive(Clone, PartialEq)]
pub struct PyPlasticityParams {
    pub inner: core::PlasticityParams,
}

config_class! {
    PyPlasticityParams as "PlasticityParams", pickle = make;
    constructor {
        #[new]
        #[pyo3(signature = (*, base_learning_rate=0.05, epsilon=0.001, weight_max=1.0, weight_min=0.0,
            enable_anti_hebbian=true, initial_weight=0.5, weight_decay=1e-4, discount=0.95, trace_decay=0.8,
            value_learning_rate=0.2, consolidation_rate=0.01, plasticity_floor=0.1, trace_cutoff=1e-3))]
        #[allow(clippy::too_many_arguments)]
        fn new(
            base_learning_rate: f64,
            epsilon: f64,
            weight_max: f64,
            weight_min: f64,
            enable_anti_hebbian: bool,
            initial_weight: f64,
            weight_decay: f64,
            discount: f64,
            trace_decay: f64,
            value_learning_rate: f64,
            consolidation_rate: f64,
            plasticity_floor: f64,
            trace_cutoff: f64,
        ) -> PyResult<Self> {
            let inner = core::PlasticityParams {
                base_learning_rate,
                epsilon,
                weight_max,
                weight_min,
                enable_anti_hebbian,
                initial_weight,
                weight_decay,
                discount,
                trace_decay,
                value_learning_rate,
                consolidation_rate,
                plasticity_floor,
                trace_cutoff,
            };
            inner.validate().py()?;
            Ok(Self { inner })
        }
    }
    fields {
        /// η: learning rate of synaptic weights.
        base_learning_rate,
        /// ε: added to the modulator so that a traversed synapse strengthens a little even when
        /// the reward-prediction error is 0.
        epsilon,
        /// Upper weight bound.
        weight_max,
        /// Lower weight bound.
        weight_min,
        /// When false, a negative modulator does not weaken synapses (it is clipped at 0).
        enable_anti_hebbian,
        /// Weight of a new synapse (clamped into [weight_min, weight_max]).
        initial_weight,
        /// Per-step exponential decay of weights towards `weight_min` (applied lazily).
        weight_decay,
        /// γ: discount of the reward-prediction error.
        discount,
        /// λ: eligibility traces decay by γλ per step.
        trace_decay,
        /// α: learning rate of node values (TD(λ) on the same modulator).
        value_learning_rate,
        /// Fraction by which a synapse's plasticity falls at each traversal (consolidation).
        consolidation_rate,
        /// Plasticity never falls below this floor.
        plasticity_floor,
        /// Traces below this magnitude are dropped (they no longer cost anything).
        trace_cutoff,
    }
}

/// When synapses and orphaned nodes are pruned.
#[pyclass(
    frozen,
    eq,
    skip_from_py_object,
    module = "hebbian_brain",
    name = "PruningParams"
)]
#[derive(Clone, PartialEq)]
pub struct PyPruningParams {
    pub inner: core::PruningParams,
}

config_class! {
    PyPruningParams as "PruningParams", pickle = make;
    constructor {
        #[new]
        #[pyo3(signature = (*, inactivity_threshold=1000, weight_threshold=0.1, protection_period=500,
            node_value_threshold=0.0))]
        fn new(
            inactivity_threshold: i64,
            weight_threshold: f64,
            protection_period: i64,
            node_value_threshold: f64,
        ) -> PyResult<Self> {
            let inner = core::PruningParams {
                inactivity_threshold: config_count("inactivity_threshold", inactivity_threshold)?,
                weight_threshold,
                protection_period: config_count("protection_period", protection_period)?,
                node_value_threshold,
            };
            inner.validate().py()?;
            Ok(Self { inner })
        }
    }
    fields {
        /// A synapse must be inactive for more than this many steps to be pruned.
        inactivity_threshold,
        /// A synapse must be weaker than this to be pruned.
        weight_threshold,
        /// A synapse younger than this many steps is never pruned.
        protection_period,
        /// A node without synapses goes when |value| ≤ this (0: only nodes that learned nothing).
        node_value_threshold,
    }
}

/// Parameters of the dream (offline replay) phase.
#[pyclass(
    frozen,
    eq,
    skip_from_py_object,
    module = "hebbian_brain",
    name = "DreamParams"
)]
#[derive(Clone, PartialEq)]
pub struct PyDreamParams {
    pub inner: core::DreamParams,
}

/// A count below 2**32 (the constructor's integers), or the config error naming `field`.
fn count32(field: &str, value: i64) -> PyResult<u32> {
    u32::try_from(config_count(field, value)?)
        .map_err(|_| to_pyerr(hebbian_core::Error::config(field, "must be < 2**32")))
}

config_class! {
    PyDreamParams as "DreamParams", pickle = make;
    constructor {
        #[new]
        #[pyo3(signature = (*, walks_per_cycle=10, walk_length=10, consolidation_boost=0.02,
            creative_edge_probability=0.005, enable_galvanize=true, galvanize_boost_multiplier=1.5,
            galvanize_age_threshold=1000, direction="reverse", replay_learning_rate=0.5, patience=3))]
        #[allow(clippy::too_many_arguments)]
        fn new(
            walks_per_cycle: i64,
            walk_length: i64,
            consolidation_boost: f64,
            creative_edge_probability: f64,
            enable_galvanize: bool,
            galvanize_boost_multiplier: f64,
            galvanize_age_threshold: i64,
            direction: &str,
            replay_learning_rate: f64,
            patience: i64,
        ) -> PyResult<Self> {
            let inner = core::DreamParams {
                walks_per_cycle: count32("walks_per_cycle", walks_per_cycle)?,
                walk_length: count32("walk_length", walk_length)?,
                consolidation_boost,
                creative_edge_probability,
                enable_galvanize,
                galvanize_boost_multiplier,
                galvanize_age_threshold: config_count(
                    "galvanize_age_threshold",
                    galvanize_age_threshold,
                )?,
                direction: DreamDirection::parse(direction).py()?,
                replay_learning_rate,
                patience: count32("patience", patience)?,
            };
            inner.validate().py()?;
            Ok(Self { inner })
        }
    }
    fields {
        /// Walks per dream cycle.
        walks_per_cycle,
        /// Most synapses a walk traverses.
        walk_length,
        /// Weight added to each traversed synapse.
        consolidation_boost,
        /// Probability per walk of wiring a creative synapse across ≥ 2 hops of its path.
        creative_edge_probability,
        /// Old synapses get a larger boost (galvanize).
        enable_galvanize,
        /// Boost multiplier of galvanized synapses.
        galvanize_boost_multiplier,
        /// A synapse older than this many steps is galvanized.
        galvanize_age_threshold,
        /// `"reverse"` (from a salient node back through its predecessors) or `"forward"`.
        direction,
        /// Step size of value backups during replay (1 = full backup).
        replay_learning_rate,
        /// A reverse walk ends after this many consecutive backups that changed no value by more
        /// than 1e-6; 0 never ends walks early.
        patience,
    }
}

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
        plasticity: Option<&Bound<'_, PyPlasticityParams>>,
        pruning: Option<&Bound<'_, PyPruningParams>>,
        dream: Option<&Bound<'_, PyDreamParams>>,
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
    #[getter]
    fn plasticity(&self) -> PyPlasticityParams {
        PyPlasticityParams {
            inner: self.inner.plasticity.clone(),
        }
    }
    #[getter]
    fn pruning(&self) -> PyPruningParams {
        PyPruningParams {
            inner: self.inner.pruning.clone(),
        }
    }
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

#[pymethods]
impl PyDreamReport {
    #[new]
    #[pyo3(signature = (*, walks=0, steps=0, synapses_reinforced=0, synapses_galvanized=0,
        creative_edges_created=0, value_change=0.0))]
    fn new(
        walks: u64,
        steps: u64,
        synapses_reinforced: u64,
        synapses_galvanized: u64,
        creative_edges_created: u64,
        value_change: f64,
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

#[pymethods]
impl PyPruneReport {
    #[new]
    #[pyo3(signature = (*, synapses_removed=0, nodes_removed=0))]
    fn new(synapses_removed: u64, nodes_removed: u64) -> Self {
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
