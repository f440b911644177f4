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
    /// Stable index of the node (survives pruning of other nodes).
    #[pyo3(get)]
    pub(crate) index: NodeId,
    /// 64-bit hash of the state (stable across processes and platforms).
    #[pyo3(get)]
    state_hash: u64,
    /// The action of this (state, action) experience.
    #[pyo3(get)]
    action: u32,
    /// Brain clock (learned real steps) when the node was created.
    #[pyo3(get)]
    created_at: u64,
    /// Brain clock when the node was last visited.
    #[pyo3(get)]
    last_activated: u64,
    /// How many times the experience was lived (real steps from it).
    #[pyo3(get)]
    activation_count: u64,
    /// How many of those steps ended the episode.
    #[pyo3(get)]
    terminal_count: u64,
    /// Running mean of the rewards received after this (state, action).
    #[pyo3(get)]
    average_reward: f64,
    /// Recent surprise (|value change|): where dreams start and what they back up first.
    #[pyo3(get)]
    salience: f64,
    /// The learned value V(n), an estimate of Q(state, action).
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
    /// Index of the presynaptic (earlier) node.
    #[pyo3(get)]
    source: NodeId,
    /// Index of the postsynaptic (later) node.
    #[pyo3(get)]
    target: NodeId,
    /// Weight in [weight_min, weight_max], decayed to the brain's current time.
    #[pyo3(get)]
    weight: f64,
    /// Plasticity P: scales weight changes; falls with use (consolidation), never below its floor.
    #[pyo3(get)]
    plasticity: f64,
    /// Eligibility trace e of the three-factor rule (0 once it has decayed away).
    #[pyo3(get)]
    eligibility_trace: f64,
    /// Brain clock when the synapse was created.
    #[pyo3(get)]
    created_at: u64,
    /// Brain clock when the synapse was last traversed or strengthened.
    #[pyo3(get)]
    last_activated: u64,
    /// How many real transitions went through this synapse (the model's counts).
    #[pyo3(get)]
    traversal_count: u64,
    /// True for a creative shortcut wired by a dream (drawn dashed).
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
