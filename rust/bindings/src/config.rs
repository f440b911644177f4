//! Frozen, keyword-only, picklable config classes and the small report/view classes.

use hebbian_core::config as core;
use hebbian_core::config::DreamDirection;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::errors::{config_count, to_pyerr, IntoPyResult};

/// `(hebbian_brain._pickle._make, (cls, kwargs))`: pickles a keyword-only class.
fn reduce_kw<'py>(
    slf: &Bound<'py, PyAny>,
    kwargs: Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyTuple>> {
    let py = slf.py();
    let make = py.import("hebbian_brain._pickle")?.getattr("_make")?;
    let args = PyTuple::new(py, [slf.get_type().into_any(), kwargs.into_any()])?;
    PyTuple::new(py, [make, args.into_any()])
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

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

#[pymethods]
impl PyPlasticityParams {
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

    #[getter]
    fn base_learning_rate(&self) -> f64 {
        self.inner.base_learning_rate
    }
    #[getter]
    fn epsilon(&self) -> f64 {
        self.inner.epsilon
    }
    #[getter]
    fn weight_max(&self) -> f64 {
        self.inner.weight_max
    }
    #[getter]
    fn weight_min(&self) -> f64 {
        self.inner.weight_min
    }
    #[getter]
    fn enable_anti_hebbian(&self) -> bool {
        self.inner.enable_anti_hebbian
    }
    #[getter]
    fn initial_weight(&self) -> f64 {
        self.inner.initial_weight
    }
    #[getter]
    fn weight_decay(&self) -> f64 {
        self.inner.weight_decay
    }
    #[getter]
    fn discount(&self) -> f64 {
        self.inner.discount
    }
    #[getter]
    fn trace_decay(&self) -> f64 {
        self.inner.trace_decay
    }
    #[getter]
    fn value_learning_rate(&self) -> f64 {
        self.inner.value_learning_rate
    }
    #[getter]
    fn consolidation_rate(&self) -> f64 {
        self.inner.consolidation_rate
    }
    #[getter]
    fn plasticity_floor(&self) -> f64 {
        self.inner.plasticity_floor
    }
    #[getter]
    fn trace_cutoff(&self) -> f64 {
        self.inner.trace_cutoff
    }

    /// The fields as a dict (keyword arguments of the constructor).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let p = &self.inner;
        let d = PyDict::new(py);
        d.set_item("base_learning_rate", p.base_learning_rate)?;
        d.set_item("epsilon", p.epsilon)?;
        d.set_item("weight_max", p.weight_max)?;
        d.set_item("weight_min", p.weight_min)?;
        d.set_item("enable_anti_hebbian", p.enable_anti_hebbian)?;
        d.set_item("initial_weight", p.initial_weight)?;
        d.set_item("weight_decay", p.weight_decay)?;
        d.set_item("discount", p.discount)?;
        d.set_item("trace_decay", p.trace_decay)?;
        d.set_item("value_learning_rate", p.value_learning_rate)?;
        d.set_item("consolidation_rate", p.consolidation_rate)?;
        d.set_item("plasticity_floor", p.plasticity_floor)?;
        d.set_item("trace_cutoff", p.trace_cutoff)?;
        Ok(d)
    }

    /// A copy with some fields replaced: `params.replace(discount=0.99)`.
    #[pyo3(signature = (**changes))]
    fn replace<'py>(
        slf: &Bound<'py, Self>,
        changes: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        replace_kw(slf.as_any(), slf.borrow().to_dict(slf.py())?, changes)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        reduce_kw(slf.as_any(), slf.get().to_dict(slf.py())?)
    }

    fn __repr__(&self) -> String {
        let p = &self.inner;
        format!(
            "PlasticityParams(base_learning_rate={:?}, epsilon={:?}, weight_max={:?}, weight_min={:?}, \
             enable_anti_hebbian={}, initial_weight={:?}, weight_decay={:?}, discount={:?}, trace_decay={:?}, \
             value_learning_rate={:?}, consolidation_rate={:?}, plasticity_floor={:?}, trace_cutoff={:?})",
            p.base_learning_rate,
            p.epsilon,
            p.weight_max,
            p.weight_min,
            py_bool(p.enable_anti_hebbian),
            p.initial_weight,
            p.weight_decay,
            p.discount,
            p.trace_decay,
            p.value_learning_rate,
            p.consolidation_rate,
            p.plasticity_floor,
            p.trace_cutoff
        )
    }
}

fn replace_kw<'py>(
    slf: &Bound<'py, PyAny>,
    current: Bound<'py, PyDict>,
    changes: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    if let Some(changes) = changes {
        for (k, v) in changes.iter() {
            if !current.contains(&k)? {
                return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                    "{}.replace() got an unexpected field {}",
                    slf.get_type().name()?,
                    k.repr()?
                )));
            }
            current.set_item(k, v)?;
        }
    }
    slf.get_type().call((), Some(&current))
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

#[pymethods]
impl PyPruningParams {
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
    #[getter]
    fn inactivity_threshold(&self) -> u64 {
        self.inner.inactivity_threshold
    }
    #[getter]
    fn weight_threshold(&self) -> f64 {
        self.inner.weight_threshold
    }
    #[getter]
    fn protection_period(&self) -> u64 {
        self.inner.protection_period
    }
    #[getter]
    fn node_value_threshold(&self) -> f64 {
        self.inner.node_value_threshold
    }
    /// The fields as a dict (keyword arguments of the constructor).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("inactivity_threshold", self.inner.inactivity_threshold)?;
        d.set_item("weight_threshold", self.inner.weight_threshold)?;
        d.set_item("protection_period", self.inner.protection_period)?;
        d.set_item("node_value_threshold", self.inner.node_value_threshold)?;
        Ok(d)
    }
    /// A copy with some fields replaced.
    #[pyo3(signature = (**changes))]
    fn replace<'py>(
        slf: &Bound<'py, Self>,
        changes: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        replace_kw(slf.as_any(), slf.get().to_dict(slf.py())?, changes)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        reduce_kw(slf.as_any(), slf.get().to_dict(slf.py())?)
    }
    fn __repr__(&self) -> String {
        let p = &self.inner;
        format!(
            "PruningParams(inactivity_threshold={:?}, weight_threshold={:?}, protection_period={:?}, \
             node_value_threshold={:?})",
            p.inactivity_threshold, p.weight_threshold, p.protection_period, p.node_value_threshold
        )
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

#[pymethods]
impl PyDreamParams {
    #[new]
    #[pyo3(signature = (*, walks_per_cycle=10, walk_length=10, consolidation_boost=0.02,
        creative_edge_probability=0.005, enable_galvanize=true, galvanize_boost_multiplier=1.5,
        galvanize_age_threshold=1000, direction="reverse", replay_learning_rate=1.0, patience=3,
        optimism=5.0))]
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
        optimism: f64,
    ) -> PyResult<Self> {
        let inner = core::DreamParams {
            walks_per_cycle: u32::try_from(config_count("walks_per_cycle", walks_per_cycle)?)
                .map_err(|_| {
                    to_pyerr(hebbian_core::Error::config(
                        "walks_per_cycle",
                        "must be < 2**32",
                    ))
                })?,
            walk_length: u32::try_from(config_count("walk_length", walk_length)?).map_err(
                |_| {
                    to_pyerr(hebbian_core::Error::config(
                        "walk_length",
                        "must be < 2**32",
                    ))
                },
            )?,
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
            patience: u32::try_from(config_count("patience", patience)?).map_err(|_| {
                to_pyerr(hebbian_core::Error::config("patience", "must be < 2**32"))
            })?,
            optimism,
        };
        inner.validate().py()?;
        Ok(Self { inner })
    }
    #[getter]
    fn walks_per_cycle(&self) -> u32 {
        self.inner.walks_per_cycle
    }
    #[getter]
    fn walk_length(&self) -> u32 {
        self.inner.walk_length
    }
    #[getter]
    fn consolidation_boost(&self) -> f64 {
        self.inner.consolidation_boost
    }
    #[getter]
    fn creative_edge_probability(&self) -> f64 {
        self.inner.creative_edge_probability
    }
    #[getter]
    fn enable_galvanize(&self) -> bool {
        self.inner.enable_galvanize
    }
    #[getter]
    fn galvanize_boost_multiplier(&self) -> f64 {
        self.inner.galvanize_boost_multiplier
    }
    #[getter]
    fn galvanize_age_threshold(&self) -> u64 {
        self.inner.galvanize_age_threshold
    }
    #[getter]
    fn direction(&self) -> &'static str {
        self.inner.direction.name()
    }
    #[getter]
    fn replay_learning_rate(&self) -> f64 {
        self.inner.replay_learning_rate
    }
    #[getter]
    fn patience(&self) -> u32 {
        self.inner.patience
    }
    #[getter]
    fn optimism(&self) -> f64 {
        self.inner.optimism
    }
    /// The fields as a dict (keyword arguments of the constructor).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let p = &self.inner;
        let d = PyDict::new(py);
        d.set_item("walks_per_cycle", p.walks_per_cycle)?;
        d.set_item("walk_length", p.walk_length)?;
        d.set_item("consolidation_boost", p.consolidation_boost)?;
        d.set_item("creative_edge_probability", p.creative_edge_probability)?;
        d.set_item("enable_galvanize", p.enable_galvanize)?;
        d.set_item("galvanize_boost_multiplier", p.galvanize_boost_multiplier)?;
        d.set_item("galvanize_age_threshold", p.galvanize_age_threshold)?;
        d.set_item("direction", p.direction.name())?;
        d.set_item("replay_learning_rate", p.replay_learning_rate)?;
        d.set_item("patience", p.patience)?;
        d.set_item("optimism", p.optimism)?;
        Ok(d)
    }
    /// A copy with some fields replaced.
    #[pyo3(signature = (**changes))]
    fn replace<'py>(
        slf: &Bound<'py, Self>,
        changes: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        replace_kw(slf.as_any(), slf.get().to_dict(slf.py())?, changes)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        reduce_kw(slf.as_any(), slf.get().to_dict(slf.py())?)
    }
    fn __repr__(&self) -> String {
        let p = &self.inner;
        format!(
            "DreamParams(walks_per_cycle={:?}, walk_length={:?}, consolidation_boost={:?}, \
             creative_edge_probability={:?}, enable_galvanize={}, galvanize_boost_multiplier={:?}, \
             galvanize_age_threshold={:?}, direction='{}', replay_learning_rate={:?}, \
             patience={}, optimism={:?})",
            p.walks_per_cycle,
            p.walk_length,
            p.consolidation_boost,
            p.creative_edge_probability,
            py_bool(p.enable_galvanize),
            p.galvanize_boost_multiplier,
            p.galvanize_age_threshold,
            p.direction.name(),
            p.replay_learning_rate,
            p.patience,
            p.optimism
        )
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
        replace_kw(slf.as_any(), slf.get().to_dict(slf.py())?, changes)
    }
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        reduce_kw(slf.as_any(), slf.get().to_dict(slf.py())?)
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
    pub inner: hebbian_core::dream::DreamReport,
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
            inner: hebbian_core::dream::DreamReport {
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
        reduce_kw(slf.as_any(), slf.get().to_dict(slf.py())?)
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
    pub inner: hebbian_core::pruning::PruneReport,
}

#[pymethods]
impl PyPruneReport {
    #[new]
    #[pyo3(signature = (*, synapses_removed=0, nodes_removed=0))]
    fn new(synapses_removed: u64, nodes_removed: u64) -> Self {
        Self {
            inner: hebbian_core::pruning::PruneReport {
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
        reduce_kw(slf.as_any(), slf.get().to_dict(slf.py())?)
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
