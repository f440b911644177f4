//! Python face of the graph brain: `Brain` (views in `brain_views`, tables in `brain_tables`).
//!
//! Every method borrows the brain through `guard::borrow` / `guard::borrow_mut`: while a
//! GIL-released call (`dream`, `learn_transitions`, `prune`, ...) or an agent's `run_episodes`
//! holds it in another thread, other calls raise `StateError` instead of waiting or panicking.

use crate::guard::arg;
use std::path::PathBuf;

use hebbian_core::brain::{Brain, NodeId};
use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};

mod config;
mod state_hash;
mod tables;
mod views;

use crate::errors::IntoPyResult;
use crate::guard::{self, dream_work, interruptible_if_long, Int, Seed};
use config::PyPruneReport;
pub(crate) use config::{PyBrainConfig, PyDreamReport};
use tables::{action_id, floats_from, ids_from, node_id, records};
use views::{node_view, synapse_view, PyNode, PySynapse};

/// A graph brain: nodes are (state, action) experiences, edges are plastic synapses.
#[pyclass(module = "hebbian_brain", name = "Brain")]
pub struct PyBrain {
    pub(crate) inner: Brain,
}

type Slf<'a, 'py> = &'a Bound<'py, PyBrain>;

fn read<'py>(slf: Slf<'_, 'py>) -> PyResult<PyRef<'py, PyBrain>> {
    guard::borrow(slf, "brain")
}

fn write<'py>(slf: Slf<'_, 'py>) -> PyResult<PyRefMut<'py, PyBrain>> {
    guard::borrow_mut(slf, "brain")
}

#[pymethods]
impl PyBrain {
    #[new]
    #[pyo3(signature = (config=None, *, seed=None))]
    fn new(
        #[pyo3(from_py_with = arg)] config: Option<Bound<'_, PyBrainConfig>>,
        seed: Option<Seed>,
    ) -> PyResult<Self> {
        let config = config.map(|c| c.get().inner.clone()).unwrap_or_default();
        Ok(Self {
            inner: Brain::new(config, guard::seed(seed)).py()?,
        })
    }

    /// The brain's configuration.
    #[getter]
    fn config(slf: Slf<'_, '_>) -> PyResult<PyBrainConfig> {
        Ok(PyBrainConfig {
            inner: read(slf)?.inner.config().clone(),
        })
    }

    /// Number of live nodes.
    #[getter]
    fn node_count(slf: Slf<'_, '_>) -> PyResult<usize> {
        Ok(read(slf)?.inner.node_count())
    }

    /// Number of live synapses.
    #[getter]
    fn edge_count(slf: Slf<'_, '_>) -> PyResult<usize> {
        Ok(read(slf)?.inner.edge_count())
    }

    /// Real steps learned so far.
    #[getter]
    fn clock(slf: Slf<'_, '_>) -> PyResult<u64> {
        Ok(read(slf)?.inner.clock())
    }

    /// Episodes ended so far.
    #[getter]
    fn episodes(slf: Slf<'_, '_>) -> PyResult<u64> {
        Ok(read(slf)?.inner.episodes())
    }

    /// The node of (state, action), created if needed. `state` is any observation
    /// `state_hash` accepts.
    fn get_or_create_node(
        slf: Slf<'_, '_>,
        state: &Bound<'_, PyAny>,
        action: Int,
    ) -> PyResult<NodeId> {
        let h = state_hash::state_hash(state)?;
        let a = action_id(action)?;
        Ok(write(slf)?.inner.get_or_create_node(h, a))
    }

    /// The node of (state, action), or None.
    fn find_node(
        slf: Slf<'_, '_>,
        state: &Bound<'_, PyAny>,
        action: Int,
    ) -> PyResult<Option<NodeId>> {
        let h = state_hash::state_hash(state)?;
        let a = action_id(action)?;
        Ok(read(slf)?.inner.find_node(h, a))
    }

    /// Whether `index` names a live node.
    fn contains_node(slf: Slf<'_, '_>, index: Int) -> PyResult<bool> {
        let brain = read(slf)?;
        Ok(node_id(index).is_ok_and(|i| brain.inner.contains_node(i)))
    }

    /// Records an experience of node `index` followed by `reward` (counts and mean reward),
    /// without learning.
    fn activate_node(
        slf: Slf<'_, '_>,
        index: Int,
        #[pyo3(from_py_with = arg)] reward: f64,
    ) -> PyResult<()> {
        let id = node_id(index)?;
        write(slf)?.inner.activate_node(id, reward).py()
    }

    /// The synapse src → dst, created with the initial weight if absent.
    fn get_or_create_edge(slf: Slf<'_, '_>, src: Int, dst: Int) -> PyResult<PySynapse> {
        let (s, d) = (node_id(src)?, node_id(dst)?);
        let mut brain = write(slf)?;
        brain.inner.get_or_create_edge(s, d).py()?;
        Ok(synapse_view(brain.inner.synapse(s, d).py()?))
    }

    /// Wires a creative synapse src → dst; False (nothing changes) if one already joins them.
    fn create_creative_edge(slf: Slf<'_, '_>, src: Int, dst: Int) -> PyResult<bool> {
        let (s, d) = (node_id(src)?, node_id(dst)?);
        write(slf)?.inner.create_creative_edge(s, d).py()
    }

    /// One real step src → dst with `reward`; returns the reward-prediction error δ.
    fn learn_transition(
        slf: Slf<'_, '_>,
        src: Int,
        dst: Int,
        #[pyo3(from_py_with = arg)] reward: f64,
    ) -> PyResult<f64> {
        let (s, d) = (node_id(src)?, node_id(dst)?);
        write(slf)?.inner.learn_transition(s, d, reward).py()
    }

    /// The last step of an episode that terminated after `src`; returns δ = r − V(src).
    fn learn_terminal(
        slf: Slf<'_, '_>,
        src: Int,
        #[pyo3(from_py_with = arg)] reward: f64,
    ) -> PyResult<f64> {
        let s = node_id(src)?;
        write(slf)?.inner.learn_terminal(s, reward).py()
    }

    /// The last step of a truncated episode: bootstraps from `next_state`'s best value.
    fn learn_truncated(
        slf: Slf<'_, '_>,
        src: Int,
        #[pyo3(from_py_with = arg)] reward: f64,
        next_state: &Bound<'_, PyAny>,
    ) -> PyResult<f64> {
        let h = state_hash::state_hash(next_state)?;
        let s = node_id(src)?;
        write(slf)?.inner.learn_truncated(s, reward, h).py()
    }

    /// A batch of transitions (arrays of equal length); returns the δ of each.
    /// Validated as a whole first: on bad input nothing is learned.
    fn learn_transitions<'py>(
        slf: Slf<'_, 'py>,
        src: &Bound<'py, PyAny>,
        dst: &Bound<'py, PyAny>,
        rewards: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let py = slf.py();
        // Lengths first, from the arrays' own shapes: a huge (e.g. broadcast) array is refused
        // before it is converted.
        tables::same_lengths(&[(src, "src"), (dst, "dst"), (rewards, "rewards")])?;
        let (s, d, r) = (
            ids_from(src, "src")?,
            ids_from(dst, "dst")?,
            floats_from(rewards, "rewards")?,
        );
        let mut brain = write(slf)?;
        let inner = &mut brain.inner;
        let deltas = py.detach(|| inner.learn_transitions(&s, &d, &r)).py()?;
        Ok(deltas.into_pyarray(py))
    }

    /// Clears eligibility traces and counts the episode.
    fn end_episode(slf: Slf<'_, '_>) -> PyResult<()> {
        write(slf)?.inner.end_episode();
        Ok(())
    }

    /// The best known value of a state (max over its actions), or None.
    fn state_value(slf: Slf<'_, '_>, state: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
        let h = state_hash::state_hash(state)?;
        Ok(read(slf)?.inner.state_value(h))
    }

    /// Writes the lazily owed weight decay into every synapse (values read do not change, up to
    /// the single-precision rounding of stored weights).
    fn apply_weight_decay(slf: Slf<'_, '_>) -> PyResult<()> {
        let mut brain = write(slf)?;
        let inner = &mut brain.inner;
        slf.py().detach(|| inner.apply_weight_decay());
        Ok(())
    }

    /// Removes weak, inactive, old synapses and the nodes they leave isolated.
    fn prune(slf: Slf<'_, '_>) -> PyResult<PyPruneReport> {
        let mut brain = write(slf)?;
        let inner = &mut brain.inner;
        Ok(PyPruneReport {
            inner: slf.py().detach(|| inner.prune()),
        })
    }

    /// Runs `cycles` dream cycles (the GIL is released meanwhile). Ctrl-C stops it between two
    /// dream steps, however large `cycles` and `walks_per_cycle` are; the walks done stay done.
    #[pyo3(signature = (cycles=Int(1)), text_signature = "($self, cycles=1)")]
    fn dream(slf: Slf<'_, '_>, cycles: Int) -> PyResult<PyDreamReport> {
        let py = slf.py();
        let cycles = cycles.count("cycles")?;
        let mut brain = write(slf)?;
        let inner = &mut brain.inner;
        let work = dream_work(inner.config(), cycles);
        Ok(PyDreamReport {
            inner: interruptible_if_long(py, work, |stop| inner.dream_until(cycles, stop))?,
        })
    }

    /// The node `index` (a read-only view).
    fn node(slf: Slf<'_, '_>, index: Int) -> PyResult<PyNode> {
        let id = node_id(index)?;
        Ok(node_view(id, &read(slf)?.inner.node(id).py()?))
    }

    /// U of the node `index`: the optimistic value exploration acts on (the frontier's value
    /// while the node is untried; its value V when optimism is off or before its first backup).
    fn exploration_value(slf: Slf<'_, '_>, index: Int) -> PyResult<f64> {
        let id = node_id(index)?;
        let brain = &read(slf)?.inner;
        let value = brain.node(id).py()?.value;
        Ok(if brain.optimism_enabled() {
            brain.exploration_value(id)
        } else {
            value
        })
    }

    /// The synapse src → dst (a read-only view).
    fn synapse(slf: Slf<'_, '_>, src: Int, dst: Int) -> PyResult<PySynapse> {
        let (s, d) = (node_id(src)?, node_id(dst)?);
        Ok(synapse_view(read(slf)?.inner.synapse(s, d).py()?))
    }

    /// Successor node indices of `index`.
    fn successors(slf: Slf<'_, '_>, index: Int) -> PyResult<Vec<NodeId>> {
        let id = node_id(index)?;
        read(slf)?.inner.successors(id).py()
    }

    /// Predecessor node indices of `index`.
    fn predecessors(slf: Slf<'_, '_>, index: Int) -> PyResult<Vec<NodeId>> {
        let id = node_id(index)?;
        read(slf)?.inner.predecessors(id).py()
    }

    /// All live nodes as a dict of equal-length numpy arrays.
    fn nodes<'py>(slf: Slf<'_, 'py>) -> PyResult<Bound<'py, PyDict>> {
        let py = slf.py();
        let t = read(slf)?.inner.node_table();
        let d = PyDict::new(py);
        d.set_item("index", t.index.into_pyarray(py))?;
        d.set_item("state_hash", t.state_hash.into_pyarray(py))?;
        d.set_item("action", t.action.into_pyarray(py))?;
        d.set_item("created_at", t.created_at.into_pyarray(py))?;
        d.set_item("last_activated", t.last_activated.into_pyarray(py))?;
        d.set_item("activation_count", t.activation_count.into_pyarray(py))?;
        d.set_item("terminal_count", t.terminal_count.into_pyarray(py))?;
        d.set_item("average_reward", t.average_reward.into_pyarray(py))?;
        d.set_item("salience", t.salience.into_pyarray(py))?;
        d.set_item("value", t.value.into_pyarray(py))?;
        Ok(d)
    }

    /// All live synapses as a dict of equal-length numpy arrays.
    fn edges<'py>(slf: Slf<'_, 'py>) -> PyResult<Bound<'py, PyDict>> {
        let py = slf.py();
        let t = read(slf)?.inner.edge_table();
        let d = PyDict::new(py);
        d.set_item("source", t.source.into_pyarray(py))?;
        d.set_item("target", t.target.into_pyarray(py))?;
        d.set_item("weight", t.weight.into_pyarray(py))?;
        d.set_item("plasticity", t.plasticity.into_pyarray(py))?;
        d.set_item("eligibility_trace", t.eligibility_trace.into_pyarray(py))?;
        d.set_item("created_at", t.created_at.into_pyarray(py))?;
        d.set_item("last_activated", t.last_activated.into_pyarray(py))?;
        d.set_item("traversal_count", t.traversal_count.into_pyarray(py))?;
        d.set_item("is_creative", t.is_creative.into_pyarray(py))?;
        Ok(d)
    }

    /// A brain holding exactly the given node and edge tables (the format of `nodes()` and
    /// `edges()`; node indices are kept). Optional node columns default to 0. Eligibility
    /// traces are episode-local: the new brain starts with none (an `eligibility_trace` column
    /// is checked, in [0, 1], but not imported).
    ///
    /// Raises:
    ///     TypeError: a table that is not a mapping of column names to arrays, or a column of
    ///         the wrong dtype.
    ///     InvalidArgumentError: a required column is missing (`index`, `state_hash`,
    ///         `action`; `source`, `target`), or a value is out of range or not finite.
    ///     ShapeError: columns of different lengths.
    ///     InvalidNodeError: an edge names a node the table does not hold.
    #[staticmethod]
    #[pyo3(signature = (nodes, edges, config=None, *, seed=None))]
    fn from_tables(
        py: Python<'_>,
        nodes: &Bound<'_, PyAny>,
        edges: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = arg)] config: Option<Bound<'_, PyBrainConfig>>,
        seed: Option<Seed>,
    ) -> PyResult<Self> {
        let cfg = config.map(|c| c.get().inner.clone()).unwrap_or_default();
        let (node_records, edge_records) = records(nodes, edges, &cfg)?;
        let seed = guard::seed(seed);
        let brain = py
            .detach(|| Brain::from_records(cfg, seed, &node_records, &edge_records))
            .py()?;
        Ok(Self { inner: brain })
    }

    /// The brain as a Graphviz DOT digraph (valid DOT, renders with `dot`); with `max_nodes`,
    /// only the most visited nodes.
    #[pyo3(signature = (min_weight=0.0, show_state_hash=true, *, max_nodes=None))]
    fn to_dot(
        slf: Slf<'_, '_>,
        #[pyo3(from_py_with = arg)] min_weight: f64,
        #[pyo3(from_py_with = arg)] show_state_hash: bool,
        max_nodes: Option<Int>,
    ) -> PyResult<String> {
        hebbian_core::error::check_finite("min_weight", min_weight).py()?;
        let max_nodes = max_nodes.map(|n| n.count("max_nodes")).transpose()?;
        let brain = read(slf)?;
        let inner = &brain.inner;
        Ok(slf
            .py()
            .detach(|| inner.to_dot_limited(min_weight, show_state_hash, max_nodes)))
    }

    /// Keeps the node paths of the last `n` dream walks (0 stops recording and forgets them);
    /// read them from `dream_walks`. The record is not saved with the brain.
    #[pyo3(text_signature = "($self, n)")]
    fn record_dream_walks(slf: Slf<'_, '_>, n: Int) -> PyResult<()> {
        let n = n.count("n")?;
        write(slf)?.inner.record_dream_walks(n).py()
    }

    /// The recorded dream walks, oldest first: each a list of node indices in walking order
    /// (empty unless `record_dream_walks` was called).
    #[getter]
    fn dream_walks(slf: Slf<'_, '_>) -> PyResult<Vec<Vec<NodeId>>> {
        Ok(read(slf)?.inner.recorded_dream_walks())
    }

    /// HTML for Jupyter: a summary and the interactive viewer (drawn by `hebbian_brain.viz`).
    fn _repr_html_<'py>(slf: Slf<'_, 'py>) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("hebbian_brain.viz._notebook")?
            .getattr("brain_repr_html")?
            .call1((slf,))
    }

    /// A human-readable summary.
    fn report(slf: Slf<'_, '_>) -> PyResult<String> {
        Ok(read(slf)?.inner.report())
    }

    /// Bytes held by the brain's storage (allocated capacity).
    fn memory_bytes(slf: Slf<'_, '_>) -> PyResult<usize> {
        Ok(read(slf)?.inner.memory_bytes())
    }

    /// The brain as a `networkx.DiGraph` (node keys are indices; every field is an attribute).
    fn to_networkx<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("hebbian_brain._networkx")?
            .call_method1("to_networkx", (slf,))
    }

    /// A brain from a `networkx.DiGraph` made by `to_networkx` (or with at least `state_hash`
    /// and `action` node attributes and integer node keys).
    #[staticmethod]
    #[pyo3(signature = (graph, config=None, *, seed=None))]
    fn from_networkx<'py>(
        py: Python<'py>,
        graph: &Bound<'py, PyAny>,
        #[pyo3(from_py_with = arg)] config: Option<Bound<'py, PyBrainConfig>>,
        seed: Option<Seed>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("config", config)?;
        kwargs.set_item("seed", guard::seed(seed))?;
        py.import("hebbian_brain._networkx")?
            .call_method("from_networkx", (graph,), Some(&kwargs))
    }

    /// The brain as bytes (the same image `save` writes).
    fn to_bytes<'py>(slf: Slf<'_, 'py>) -> PyResult<Bound<'py, PyBytes>> {
        let py = slf.py();
        let brain = read(slf)?;
        let inner = &brain.inner;
        let bytes = py.detach(|| inner.to_bytes());
        Ok(PyBytes::new(py, &bytes))
    }

    /// A brain from the bytes of `to_bytes` / a saved file.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, #[pyo3(from_py_with = arg)] data: &[u8]) -> PyResult<Self> {
        Ok(Self {
            inner: py.detach(|| Brain::from_bytes(data, "<bytes>")).py()?,
        })
    }

    /// Saves the brain to `path` atomically (temporary file, fsync, rename).
    fn save(slf: Slf<'_, '_>, #[pyo3(from_py_with = arg)] path: PathBuf) -> PyResult<()> {
        let brain = read(slf)?;
        let inner = &brain.inner;
        slf.py().detach(|| inner.save(&path)).py()
    }

    /// Loads a brain saved with `save`.
    #[staticmethod]
    fn load(py: Python<'_>, #[pyo3(from_py_with = arg)] path: PathBuf) -> PyResult<Self> {
        Ok(Self {
            inner: py.detach(|| Brain::load(&path)).py()?,
        })
    }

    fn __reduce__<'py>(slf: Slf<'_, 'py>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let make = py
            .import("hebbian_brain._pickle")?
            .getattr("_brain_from_bytes")?;
        let args = PyTuple::new(py, [Self::to_bytes(slf)?])?;
        PyTuple::new(py, [make, args.into_any()])
    }

    fn __copy__(slf: Slf<'_, '_>) -> PyResult<Self> {
        Ok(Self {
            inner: read(slf)?.inner.clone(),
        })
    }

    #[pyo3(signature = (_memo=None))]
    fn __deepcopy__(slf: Slf<'_, '_>, _memo: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        Self::__copy__(slf)
    }

    fn __eq__(slf: Slf<'_, '_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        match other.cast::<PyBrain>() {
            Ok(o) => {
                if o.is(slf) {
                    return Ok(true);
                }
                let (a, b) = (read(slf)?, read(o)?);
                Ok(a.inner.to_bytes() == b.inner.to_bytes())
            }
            Err(_) => Ok(false),
        }
    }

    fn __len__(slf: Slf<'_, '_>) -> PyResult<usize> {
        Ok(read(slf)?.inner.node_count())
    }

    fn __repr__(slf: Slf<'_, '_>) -> String {
        match read(slf) {
            Ok(b) => format!(
                "Brain(nodes={}, synapses={}, clock={}, episodes={})",
                b.inner.node_count(),
                b.inner.edge_count(),
                b.inner.clock(),
                b.inner.episodes()
            ),
            Err(_) => "Brain(in use by another thread)".to_string(),
        }
    }
}

/// Adds the graph-brain classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    config::register(m)?;
    m.add_class::<PyBrain>()?;
    m.add_class::<PyNode>()?;
    m.add_class::<PySynapse>()?;
    m.add_function(wrap_pyfunction!(state_hash::state_hash, m)?)?;
    Ok(())
}
