//! `AgentParams`: the frozen config class of agents.

use crate::errors::IntoPyResult;
use crate::guard::Int;
use hebbian_core::agent::{AgentParams, Exploration};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};

/// How an agent draws actions from its brain (frozen).
#[pyclass(
    frozen,
    eq,
    from_py_object,
    module = "hebbian_brain",
    name = "AgentParams"
)]
#[derive(Clone, PartialEq)]
pub(crate) struct PyAgentParams {
    pub(crate) inner: AgentParams,
}

#[pymethods]
impl PyAgentParams {
    #[new]
    #[pyo3(
        signature = (*, exploration="epsilon_greedy", epsilon=0.0, temperature=0.1, synapse_bonus=0.01, novelty_bonus=0.02, optimistic=true, untried_value=0.0, dream_cycles=Int(1), replay_ratio=10.0, cut_traces_on_exploration=true, prune_every=Int(0), history_limit=Int(100_000)),
        text_signature = "(*, exploration='epsilon_greedy', epsilon=0.0, temperature=0.1, synapse_bonus=0.01, novelty_bonus=0.02, optimistic=True, untried_value=0.0, dream_cycles=1, replay_ratio=10.0, cut_traces_on_exploration=True, prune_every=0, history_limit=100000)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn new(
        exploration: &str,
        epsilon: f64,
        temperature: f64,
        synapse_bonus: f64,
        novelty_bonus: f64,
        optimistic: bool,
        untried_value: f64,
        dream_cycles: Int,
        replay_ratio: f64,
        cut_traces_on_exploration: bool,
        prune_every: Int,
        history_limit: Int,
    ) -> PyResult<Self> {
        let count = |name: &str, v: Int| {
            u32::try_from(v.0).map_err(|_| {
                crate::errors::to_pyerr(hebbian_core::Error::config(
                    name,
                    format!("must be an integer in [0, 2**32), got {}", v.0),
                ))
            })
        };
        let (dream_cycles, prune_every, history_limit) = (
            count("dream_cycles", dream_cycles)?,
            count("prune_every", prune_every)?,
            count("history_limit", history_limit)?,
        );
        // The signature spells the default out (stubtest reads it); keep it the core's.
        debug_assert_eq!(hebbian_core::agent::DEFAULT_HISTORY_LIMIT, 100_000);
        let inner = AgentParams {
            exploration: Exploration::parse(exploration).py()?,
            epsilon,
            temperature,
            synapse_bonus,
            novelty_bonus,
            optimistic,
            untried_value,
            dream_cycles,
            replay_ratio,
            cut_traces_on_exploration,
            prune_every,
            history_limit,
        };
        inner.validate().py()?;
        Ok(PyAgentParams { inner })
    }

    #[getter]
    fn exploration(&self) -> &'static str {
        self.inner.exploration.name()
    }
    #[getter]
    fn epsilon(&self) -> f64 {
        self.inner.epsilon
    }
    #[getter]
    fn temperature(&self) -> f64 {
        self.inner.temperature
    }
    #[getter]
    fn synapse_bonus(&self) -> f64 {
        self.inner.synapse_bonus
    }
    #[getter]
    fn novelty_bonus(&self) -> f64 {
        self.inner.novelty_bonus
    }
    #[getter]
    fn optimistic(&self) -> bool {
        self.inner.optimistic
    }
    #[getter]
    fn untried_value(&self) -> f64 {
        self.inner.untried_value
    }
    #[getter]
    fn dream_cycles(&self) -> u32 {
        self.inner.dream_cycles
    }
    #[getter]
    fn replay_ratio(&self) -> f64 {
        self.inner.replay_ratio
    }
    #[getter]
    fn cut_traces_on_exploration(&self) -> bool {
        self.inner.cut_traces_on_exploration
    }
    #[getter]
    fn prune_every(&self) -> u32 {
        self.inner.prune_every
    }
    #[getter]
    fn history_limit(&self) -> u32 {
        self.inner.history_limit
    }

    /// The fields as a dict (the constructor's keyword arguments).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let p = &self.inner;
        let d = PyDict::new(py);
        d.set_item("exploration", p.exploration.name())?;
        d.set_item("epsilon", p.epsilon)?;
        d.set_item("temperature", p.temperature)?;
        d.set_item("synapse_bonus", p.synapse_bonus)?;
        d.set_item("novelty_bonus", p.novelty_bonus)?;
        d.set_item("optimistic", p.optimistic)?;
        d.set_item("untried_value", p.untried_value)?;
        d.set_item("dream_cycles", p.dream_cycles)?;
        d.set_item("replay_ratio", p.replay_ratio)?;
        d.set_item("cut_traces_on_exploration", p.cut_traces_on_exploration)?;
        d.set_item("prune_every", p.prune_every)?;
        d.set_item("history_limit", p.history_limit)?;
        Ok(d)
    }

    /// A copy with some fields replaced: `params.replace(epsilon=0.1)`.
    #[pyo3(signature = (**changes))]
    fn replace<'py>(
        slf: &Bound<'py, Self>,
        changes: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kwargs = slf.get().to_dict(slf.py())?;
        if let Some(c) = changes {
            for (k, v) in c.iter() {
                let key: String = k.extract()?;
                if !kwargs.contains(&key)? {
                    return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                        "AgentParams has no field {key:?}"
                    )));
                }
                kwargs.set_item(key, v)?;
            }
        }
        slf.get_type().call((), Some(&kwargs))
    }

    #[classmethod]
    fn _from_dict<'py>(
        cls: &Bound<'py, PyType>,
        kwargs: &Bound<'py, PyDict>,
    ) -> PyResult<Bound<'py, PyAny>> {
        cls.call((), Some(kwargs))
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyDict>,))> {
        let ctor = slf.get_type().getattr("_from_dict")?;
        Ok((ctor, (slf.get().to_dict(slf.py())?,)))
    }

    fn __repr__(&self) -> String {
        let p = &self.inner;
        format!(
            "AgentParams(exploration={:?}, epsilon={:?}, temperature={:?}, synapse_bonus={:?}, \
             novelty_bonus={:?}, optimistic={}, untried_value={:?}, dream_cycles={}, replay_ratio={:?}, \
             cut_traces_on_exploration={}, prune_every={}, history_limit={})",
            p.exploration.name(),
            p.epsilon,
            p.temperature,
            p.synapse_bonus,
            p.novelty_bonus,
            if p.optimistic { "True" } else { "False" },
            p.untried_value,
            p.dream_cycles,
            p.replay_ratio,
            if p.cut_traces_on_exploration {
                "True"
            } else {
                "False"
            },
            p.prune_every,
            p.history_limit
        )
    }
}
