//! Read-only views of one node and one synapse (`hebbian_brain.Node`, `hebbian_brain.Synapse`).

use hebbian_core::brain::NodeId;
use pyo3::prelude::*;

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
    pub(crate) index: NodeId,
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

pub(crate) fn synapse_view(s: hebbian_core::brain::Synapse) -> PySynapse {
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

/// The view of node `id`.
pub(crate) fn node_view(id: NodeId, n: &hebbian_core::brain::Node) -> PyNode {
    PyNode {
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
    }
}
