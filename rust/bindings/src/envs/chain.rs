//! `ChainCore`: the core of `hebbian_brain.envs.ChainEnv`.

use super::{discrete_env_methods, env};
use crate::errors::IntoPyResult;
use crate::guard::{arg, optional_u32_argument, seed as seed_value, u32_argument, Seed};
use hebbian_core::envs::Chain;
use pyo3::prelude::*;

u32_argument!(length_argument, "length");
optional_u32_argument!(max_steps_argument, "max_steps");

/// The core of `hebbian_brain.envs.ChainEnv`.
#[pyclass(module = "hebbian_brain._core", name = "ChainCore")]
pub(crate) struct PyChain {
    pub(crate) inner: Chain,
}

discrete_env_methods!(PyChain {
    #[new]
    #[pyo3(signature = (*, length=10, slip=0.0, max_steps=None, seed=None))]
    fn new(
        #[pyo3(from_py_with = length_argument)] length: u32,
        #[pyo3(from_py_with = arg)] slip: f64,
        #[pyo3(from_py_with = max_steps_argument)] max_steps: Option<u32>,
        seed: Option<Seed>,
    ) -> PyResult<Self> {
        Ok(PyChain {
            inner: Chain::new(length, slip, max_steps, seed_value(seed)).py()?,
        })
    }

    /// Number of states.
    #[getter]
    fn length(slf: &Bound<'_, Self>) -> PyResult<u32> {
        let this = env(slf)?;
        Ok(this.inner.length())
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let this = env(slf)?;
        Ok(format!(
            "ChainCore(length={}, slip={}, max_steps={})",
            this.inner.length(),
            this.inner.slip(),
            this.inner.max_steps()
        ))
    }
});
