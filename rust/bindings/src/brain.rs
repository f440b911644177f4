//! Python face of the graph brain: `Brain`, the `Node` / `Synapse` views, `state_hash`.

use std::path::PathBuf;

use hebbian_core::graph::{Brain, EdgeRecord, NodeId, NodeRecord};
use numpy::{IntoPyArray, PyArray1, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};

use crate::config::{PyBrainConfig, PyDreamReport, PyPruneReport};
use crate::errors::{invalid_argument, invalid_node, shape_error, IntoPyResult};
use crate::state_hash::state_hash;

/// A node index from Python (negative or too large: `InvalidNodeError`).
fn node_id(i: i64) -> PyResult<NodeId> {
    u32::try_from(i)
        .ok()
        .filter(|&v| v != u32::MAX)
        .ok_or_else(|| invalid_node(i))
}

fn action_id(a: i64) -> PyResult<u32> {
    u32::try_from(a).map_err(|_| {
        invalid_argument(
            "action",
            format!("must be an integer in [0, 2**32), got {a}"),
        )
    })
}

/// A 1-D array of the given numeric kinds from any array-like, as f64 or i64 values.
fn as_1d<'py>(
    obj: &Bound<'py, PyAny>,
    name: &str,
    kinds: &str,
    dtype: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    let np = py.import("numpy")?;
    let arr = np.call_method1("asarray", (obj,))?;
    let arr_u = arr.cast::<PyUntypedArray>()?;
    let kind: char = arr_u.dtype().getattr("kind")?.extract()?;
    if arr_u.len() > 0 && !kinds.contains(kind) {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an array of {}, got dtype {}",
            if kinds.contains('f') {
                "real numbers"
            } else {
                "integers"
            },
            arr_u.dtype().str()?
        )));
    }
    if arr_u.ndim() != 1 {
        return Err(shape_error(
            name,
            format!("must be 1-D, got shape {:?}", arr_u.shape()),
        ));
    }
    // A cast to an unsigned type would wrap negative values around silently.
    if dtype.starts_with("uint") && kind == 'i' && arr_u.len() > 0 {
        let min: i64 = arr.call_method0("min")?.extract()?;
        if min < 0 {
            return Err(invalid_argument(name, format!("must be >= 0, got {min}")));
        }
    }
    np.call_method1("ascontiguousarray", (arr, dtype))
}

fn ids_from(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<NodeId>> {
    let a = as_1d(obj, name, "iu", "int64")?;
    let a = a.cast::<PyArray1<i64>>()?.readonly();
    a.as_slice()?.iter().map(|&i| node_id(i)).collect()
}

fn floats_from(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<f64>> {
    let a = as_1d(obj, name, "iuf", "float64")?;
    let a = a.cast::<PyArray1<f64>>()?.readonly();
    Ok(a.as_slice()?.to_vec())
}

fn column<'py, T: numpy::Element + Copy>(
    table: &Bound<'py, PyAny>,
    key: &str,
    dtype: &str,
    kinds: &str,
    n: usize,
    default: Option<T>,
) -> PyResult<Vec<T>> {
    let item = match table.get_item(key) {
        Ok(v) => v,
        Err(_) => {
            return match default {
                Some(d) => Ok(vec![d; n]),
                None => Err(pyo3::exceptions::PyKeyError::new_err(format!(
                    "missing column {key:?}"
                ))),
            }
        }
    };
    let a = as_1d(&item, key, kinds, dtype)?;
    let a = a.cast::<PyArray1<T>>()?.readonly();
    let v = a.as_slice()?.to_vec();
    if v.len() != n {
        return Err(shape_error(
            key,
            format!("has {} entries, expected {n}", v.len()),
        ));
    }
    Ok(v)
}

/// A read-only view of one node.
#[pyclass(
    frozen,
    eq,
    skip_from_py_object,
    module = "hebbian_brain",
    name = "Node"
)]
#[derive(Clone, PartialEq)]
pub struct PyNode {
    #[pyo3(get)]
    index: NodeId,
    #[pyo3(get)]
    state_hash: u64,
    #[pyo3(get)]
    action: u32,
    #[pyo3(get)]
    created_at: u64,
    #[pyo3(get)]
    last_activated: u64,
    #[pyo3(get)]
    activation_count: u64,
    #[pyo3(get)]
    terminal_count: u64,
    #[pyo3(get)]
    average_reward: f64,
    #[pyo3(get)]
    salience: f64,
    #[pyo3(get)]
    value: f64,
}

#[pymethods]
impl PyNode {
    fn __repr__(&self) -> String {
        format!(
            "Node(index={}, state_hash={:#018x}, action={}, value={:.6}, activation_count={}, \
             average_reward={:.6}, salience={:.6}, created_at={}, last_activated={})",
            self.index,
            self.state_hash,
            self.action,
            self.value,
            self.activation_count,
            self.average_reward,
            self.salience,
            self.created_at,
            self.last_activated
        )
    }
}

/// A read-only view of one synapse (weight decayed to the brain's current time).
#[pyclass(
    frozen,
    eq,
    skip_from_py_object,
    module = "hebbian_brain",
    name = "Synapse"
)]
#[derive(Clone, PartialEq)]
pub struct PySynapse {
    #[pyo3(get)]
    source: NodeId,
    #[pyo3(get)]
    target: NodeId,
    #[pyo3(get)]
    weight: f64,
    #[pyo3(get)]
    plasticity: f64,
    #[pyo3(get)]
    eligibility_trace: f64,
    #[pyo3(get)]
    created_at: u64,
    #[pyo3(get)]
    last_activated: u64,
    #[pyo3(get)]
    traversal_count: u64,
    #[pyo3(get)]
    is_creative: bool,
}

#[pymethods]
impl PySynapse {
    fn __repr__(&self) -> String {
        format!(
            "Synapse(source={}, target={}, weight={:.6}, plasticity={:.6}, eligibility_trace={:.6}, \
             traversal_count={}, is_creative={}, created_at={}, last_activated={})",
            self.source,
            self.target,
            self.weight,
            self.plasticity,
            self.eligibility_trace,
            self.traversal_count,
            if self.is_creative { "True" } else { "False" },
            self.created_at,
            self.last_activated
        )
    }
}

fn synapse_view(s: hebbian_core::graph::Synapse) -> PySynapse {
    PySynapse {
        source: s.source,
        target: s.target,
        weight: s.weight,
        plasticity: s.plasticity,
        eligibility_trace: s.eligibility_trace,
        created_at: s.created_at,
        last_activated: s.last_activated,
        traversal_count: s.traversal_count,
        is_creative: s.is_creative,
    }
}

/// A graph brain: nodes are (state, action) experiences, edges are plastic synapses.
#[pyclass(module = "hebbian_brain", name = "Brain")]
pub struct PyBrain {
    pub(crate) inner: Brain,
}

#[pymethods]
impl PyBrain {
    #[new]
    #[pyo3(signature = (config=None, *, seed=None))]
    fn new(config: Option<&Bound<'_, PyBrainConfig>>, seed: Option<u64>) -> PyResult<Self> {
        let config = config.map(|c| c.get().inner.clone()).unwrap_or_default();
        Ok(Self {
            inner: Brain::new(config, seed).py()?,
        })
    }

    /// The brain's configuration.
    #[getter]
    fn config(&self) -> PyBrainConfig {
        PyBrainConfig {
            inner: self.inner.config().clone(),
        }
    }

    /// Number of live nodes.
    #[getter]
    fn node_count(&self) -> usize {
        self.inner.node_count()
    }

    /// Number of live synapses.
    #[getter]
    fn edge_count(&self) -> usize {
        self.inner.edge_count()
    }

    /// Real steps learned so far.
    #[getter]
    fn clock(&self) -> u64 {
        self.inner.clock()
    }

    /// Episodes ended so far.
    #[getter]
    fn episodes(&self) -> u64 {
        self.inner.episodes()
    }

    /// The node of (state, action), created if needed. `state` is any observation
    /// `state_hash` accepts.
    fn get_or_create_node(&mut self, state: &Bound<'_, PyAny>, action: i64) -> PyResult<NodeId> {
        let h = state_hash(state)?;
        let a = action_id(action)?;
        Ok(self.inner.get_or_create_node(h, a))
    }

    /// The node of (state, action), or None.
    fn find_node(&self, state: &Bound<'_, PyAny>, action: i64) -> PyResult<Option<NodeId>> {
        let h = state_hash(state)?;
        let a = action_id(action)?;
        Ok(self.inner.find_node(h, a))
    }

    /// Whether `index` names a live node.
    fn contains_node(&self, index: i64) -> bool {
        node_id(index).is_ok_and(|i| self.inner.contains_node(i))
    }

    /// Records an experience of node `index` followed by `reward` (counts and mean reward),
    /// without learning.
    fn activate_node(&mut self, index: i64, reward: f64) -> PyResult<()> {
        self.inner.activate_node(node_id(index)?, reward).py()
    }

    /// The synapse src → dst, created with the initial weight if absent.
    fn get_or_create_edge(&mut self, src: i64, dst: i64) -> PyResult<PySynapse> {
        let (s, d) = (node_id(src)?, node_id(dst)?);
        self.inner.get_or_create_edge(s, d).py()?;
        Ok(synapse_view(self.inner.synapse(s, d).py()?))
    }

    /// Wires a creative synapse src → dst; False (nothing changes) if one already joins them.
    fn create_creative_edge(&mut self, src: i64, dst: i64) -> PyResult<bool> {
        self.inner
            .create_creative_edge(node_id(src)?, node_id(dst)?)
            .py()
    }

    /// One real step src → dst with `reward`; returns the reward-prediction error δ.
    fn learn_transition(&mut self, src: i64, dst: i64, reward: f64) -> PyResult<f64> {
        self.inner
            .learn_transition(node_id(src)?, node_id(dst)?, reward)
            .py()
    }

    /// The last step of an episode that terminated after `src`; returns δ = r − V(src).
    fn learn_terminal(&mut self, src: i64, reward: f64) -> PyResult<f64> {
        self.inner.learn_terminal(node_id(src)?, reward).py()
    }

    /// The last step of a truncated episode: bootstraps from `next_state`'s best value.
    fn learn_truncated(
        &mut self,
        src: i64,
        reward: f64,
        next_state: &Bound<'_, PyAny>,
    ) -> PyResult<f64> {
        let h = state_hash(next_state)?;
        self.inner.learn_truncated(node_id(src)?, reward, h).py()
    }

    /// A batch of transitions (arrays of equal length); returns the δ of each.
    /// Validated as a whole first: on bad input nothing is learned.
    fn learn_transitions<'py>(
        &mut self,
        py: Python<'py>,
        src: &Bound<'py, PyAny>,
        dst: &Bound<'py, PyAny>,
        rewards: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let (s, d, r) = (
            ids_from(src, "src")?,
            ids_from(dst, "dst")?,
            floats_from(rewards, "rewards")?,
        );
        let inner = &mut self.inner;
        let deltas = py.detach(|| inner.learn_transitions(&s, &d, &r)).py()?;
        Ok(deltas.into_pyarray(py))
    }

    /// Clears eligibility traces and counts the episode.
    fn end_episode(&mut self) {
        self.inner.end_episode();
    }

    /// The best known value of a state (max over its actions), or None.
    fn state_value(&self, state: &Bound<'_, PyAny>) -> PyResult<Option<f64>> {
        Ok(self.inner.state_value(state_hash(state)?))
    }

    /// Writes the lazily owed weight decay into every synapse (values read do not change).
    fn apply_weight_decay(&mut self, py: Python<'_>) {
        let inner = &mut self.inner;
        py.detach(|| inner.apply_weight_decay());
    }

    /// Removes weak, inactive, old synapses and the nodes they leave isolated.
    fn prune(&mut self, py: Python<'_>) -> PyPruneReport {
        let inner = &mut self.inner;
        PyPruneReport {
            inner: py.detach(|| inner.prune()),
        }
    }

    /// Runs `cycles` dream cycles (the GIL is released meanwhile).
    #[pyo3(signature = (cycles=1))]
    fn dream(&mut self, py: Python<'_>, cycles: i64) -> PyResult<PyDreamReport> {
        let cycles = usize::try_from(cycles)
            .map_err(|_| invalid_argument("cycles", format!("must be >= 0, got {cycles}")))?;
        // In chunks, checking for Ctrl-C between them (chunking does not change the walks).
        const CHUNK: usize = 256;
        let mut report = hebbian_core::dream::DreamReport::default();
        let mut left = cycles;
        while left > 0 {
            let n = left.min(CHUNK);
            let inner = &mut self.inner;
            report.merge(&py.detach(|| inner.dream(n)));
            left -= n;
            py.check_signals()?;
        }
        Ok(PyDreamReport { inner: report })
    }

    /// The node `index` (a read-only view).
    fn node(&self, index: i64) -> PyResult<PyNode> {
        let id = node_id(index)?;
        let n = self.inner.node(id).py()?;
        Ok(PyNode {
            index: id,
            state_hash: n.state_hash,
            action: n.action,
            created_at: n.created_at,
            last_activated: n.last_activated,
            activation_count: n.activation_count,
            terminal_count: n.terminal_count,
            average_reward: n.average_reward,
            salience: n.salience,
            value: n.value,
        })
    }

    /// The synapse src → dst (a read-only view).
    fn synapse(&self, src: i64, dst: i64) -> PyResult<PySynapse> {
        Ok(synapse_view(
            self.inner.synapse(node_id(src)?, node_id(dst)?).py()?,
        ))
    }

    /// Successor node indices of `index`.
    fn successors(&self, index: i64) -> PyResult<Vec<NodeId>> {
        self.inner.successors(node_id(index)?).py()
    }

    /// Predecessor node indices of `index`.
    fn predecessors(&self, index: i64) -> PyResult<Vec<NodeId>> {
        self.inner.predecessors(node_id(index)?).py()
    }

    /// All live nodes as a dict of equal-length numpy arrays.
    fn nodes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let t = self.inner.node_table();
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
    fn edges<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let t = self.inner.edge_table();
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
    /// `edges()`; node indices are kept). Optional node columns default to 0.
    #[staticmethod]
    #[pyo3(signature = (nodes, edges, config=None, *, seed=None))]
    fn from_tables(
        py: Python<'_>,
        nodes: &Bound<'_, PyAny>,
        edges: &Bound<'_, PyAny>,
        config: Option<&Bound<'_, PyBrainConfig>>,
        seed: Option<u64>,
    ) -> PyResult<Self> {
        let index: Vec<i64> =
            column(nodes, "index", "int64", "iu", usize::MAX, None).or_else(|_| {
                let a = as_1d(&nodes.get_item("index")?, "index", "iu", "int64")?;
                let a = a.cast::<PyArray1<i64>>()?.readonly();
                Ok::<_, PyErr>(a.as_slice()?.to_vec())
            })?;
        let n = index.len();
        let state_hash: Vec<u64> = column(nodes, "state_hash", "uint64", "iu", n, None)?;
        let action: Vec<i64> = column(nodes, "action", "int64", "iu", n, None)?;
        let value: Vec<f64> = column(nodes, "value", "float64", "iuf", n, Some(0.0))?;
        let activation_count: Vec<u64> =
            column(nodes, "activation_count", "uint64", "iu", n, Some(0))?;
        let terminal_count: Vec<u64> = column(nodes, "terminal_count", "uint64", "iu", n, Some(0))?;
        let average_reward: Vec<f64> =
            column(nodes, "average_reward", "float64", "iuf", n, Some(0.0))?;
        let salience: Vec<f64> = column(nodes, "salience", "float64", "iuf", n, Some(0.0))?;
        let created_at: Vec<u64> = column(nodes, "created_at", "uint64", "iu", n, Some(0))?;
        let last_activated: Vec<u64> = column(nodes, "last_activated", "uint64", "iu", n, Some(0))?;
        let mut node_records = Vec::with_capacity(n);
        for i in 0..n {
            node_records.push(NodeRecord {
                index: node_id(index[i])?,
                state_hash: state_hash[i],
                action: action_id(action[i])?,
                value: value[i],
                activation_count: activation_count[i],
                terminal_count: terminal_count[i],
                average_reward: average_reward[i],
                salience: salience[i],
                created_at: created_at[i],
                last_activated: last_activated[i],
            });
        }
        let source = ids_from(&edges.get_item("source")?, "source")?;
        let m = source.len();
        let target: Vec<i64> = column(edges, "target", "int64", "iu", m, None)?;
        let cfg = config.map(|c| c.get().inner.clone()).unwrap_or_default();
        let init = cfg
            .plasticity
            .initial_weight
            .clamp(cfg.plasticity.weight_min, cfg.plasticity.weight_max);
        let weight: Vec<f64> = column(edges, "weight", "float64", "iuf", m, Some(init))?;
        let plasticity: Vec<f64> = column(edges, "plasticity", "float64", "iuf", m, Some(1.0))?;
        let e_created: Vec<u64> = column(edges, "created_at", "uint64", "iu", m, Some(0))?;
        let e_last: Vec<u64> = column(edges, "last_activated", "uint64", "iu", m, Some(0))?;
        let traversal_count: Vec<u64> =
            column(edges, "traversal_count", "uint64", "iu", m, Some(0))?;
        let is_creative: Vec<bool> = column(edges, "is_creative", "bool", "b", m, Some(false))?;
        let mut edge_records = Vec::with_capacity(m);
        for i in 0..m {
            edge_records.push(EdgeRecord {
                source: source[i],
                target: node_id(target[i])?,
                weight: weight[i],
                plasticity: plasticity[i],
                created_at: e_created[i],
                last_activated: e_last[i],
                traversal_count: traversal_count[i],
                is_creative: is_creative[i],
            });
        }
        let brain = py
            .detach(|| Brain::from_records(cfg, seed, &node_records, &edge_records))
            .py()?;
        Ok(Self { inner: brain })
    }

    /// The brain as a Graphviz DOT digraph (valid DOT, renders with `dot`).
    #[pyo3(signature = (min_weight=0.0, show_state_hash=true))]
    fn to_dot(&self, py: Python<'_>, min_weight: f64, show_state_hash: bool) -> PyResult<String> {
        hebbian_core::error::check_finite("min_weight", min_weight).py()?;
        let inner = &self.inner;
        Ok(py.detach(|| inner.to_dot(min_weight, show_state_hash)))
    }

    /// A human-readable summary.
    fn report(&self) -> String {
        self.inner.report()
    }

    /// Bytes held by the brain's storage (allocated capacity).
    fn memory_bytes(&self) -> usize {
        self.inner.memory_bytes()
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
        config: Option<&Bound<'py, PyBrainConfig>>,
        seed: Option<u64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("config", config)?;
        kwargs.set_item("seed", seed)?;
        py.import("hebbian_brain._networkx")?
            .call_method("from_networkx", (graph,), Some(&kwargs))
    }

    /// The brain as bytes (the same image `save` writes).
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let inner = &self.inner;
        let bytes = py.detach(|| inner.to_bytes());
        PyBytes::new(py, &bytes)
    }

    /// A brain from the bytes of `to_bytes` / a saved file.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        Ok(Self {
            inner: py.detach(|| Brain::from_bytes(data, "<bytes>")).py()?,
        })
    }

    /// Saves the brain to `path` atomically (temporary file, fsync, rename).
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let inner = &self.inner;
        py.detach(|| inner.save(&path)).py()
    }

    /// Loads a brain saved with `save`.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        Ok(Self {
            inner: py.detach(|| Brain::load(&path)).py()?,
        })
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let make = py
            .import("hebbian_brain._pickle")?
            .getattr("_brain_from_bytes")?;
        let args = PyTuple::new(py, [self.to_bytes(py)])?;
        PyTuple::new(py, [make, args.into_any()])
    }

    fn __copy__(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }

    #[pyo3(signature = (_memo=None))]
    fn __deepcopy__(&self, _memo: Option<&Bound<'_, PyAny>>) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<PyBrain>() {
            Ok(o) => o.borrow().inner.to_bytes() == self.inner.to_bytes(),
            Err(_) => false,
        }
    }

    fn __len__(&self) -> usize {
        self.inner.node_count()
    }

    fn __repr__(&self) -> String {
        format!(
            "Brain(nodes={}, synapses={}, clock={}, episodes={})",
            self.inner.node_count(),
            self.inner.edge_count(),
            self.inner.clock(),
            self.inner.episodes()
        )
    }
}

/// Adds the graph-brain classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    crate::config::register(m)?;
    m.add_class::<PyBrain>()?;
    m.add_class::<PyNode>()?;
    m.add_class::<PySynapse>()?;
    m.add_function(wrap_pyfunction!(state_hash, m)?)?;
    Ok(())
}
