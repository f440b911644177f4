//! `AgentParams`: the frozen config class of agents.

use hebbian_core::agent::{AgentParams, Exploration};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};

use crate::config_class::config_class;

hebbian_core::agent_params_fields!(config_class! {
    /// How an agent draws actions from its brain (frozen).
    pub(crate) struct PyAgentParams as "AgentParams", style = Agent, pickle = from_dict,
        pyclass(from_py_object);
    extra {
        #[classmethod]
        fn _from_dict<'py>(
            cls: &Bound<'py, PyType>,
            kwargs: &Bound<'py, PyDict>,
        ) -> PyResult<Bound<'py, PyAny>> {
            cls.call((), Some(kwargs))
        }
    }
});
