//! `RiverSwimCore`: the core of `hebbian_brain.envs.RiverSwimEnv`.

use super::{discrete_env_methods, env};
use crate::errors::{invalid_argument, IntoPyResult};
use crate::guard::{arg, optional_u32_argument, seed as seed_value, u32_argument, Int, Seed};
use hebbian_core::envs::RiverSwim;
use pyo3::prelude::*;

u32_argument!(n_states_argument, "n_states");
optional_u32_argument!(max_steps_argument, "max_steps");

/// The core of `hebbian_brain.envs.RiverSwimEnv`.
#[pyclass(module = "hebbian_brain._core", name = "RiverSwimCore")]
pub(crate) struct PyRiverSwim {
    pub(crate) inner: RiverSwim,
}

discrete_env_methods!(core_only PyRiverSwim {
    #[new]
    #[pyo3(signature = (*, n_states=6, max_steps=None, left_reward=0.005, right_reward=1.0, seed=None))]
    fn new(
        #[pyo3(from_py_with = n_states_argument)] n_states: u32,
        #[pyo3(from_py_with = max_steps_argument)] max_steps: Option<u32>,
        #[pyo3(from_py_with = arg)] left_reward: f64,
        #[pyo3(from_py_with = arg)] right_reward: f64,
        seed: Option<Seed>,
    ) -> PyResult<Self> {
        Ok(PyRiverSwim {
            inner: RiverSwim::new(
                n_states,
                max_steps,
                left_reward,
                right_reward,
                seed_value(seed),
            )
            .py()?,
        })
    }

    /// The probabilities `(left, stay, right)` of swimming upstream in `state`.
    fn upstream_probabilities(slf: &Bound<'_, Self>, state: Int) -> PyResult<(f64, f64, f64)> {
        let this = env(slf)?;
        let n = this.inner.n_states();
        match u32::try_from(state.0) {
            Ok(s) if s < n => Ok(this.inner.upstream_probabilities(s)),
            _ => Err(invalid_argument(
                "state",
                format!("must be an integer in [0, {n}), got {state}"),
            )),
        }
    }

    #[getter]
    fn n_states(slf: &Bound<'_, Self>) -> PyResult<u32> {
        Ok(env(slf)?.inner.n_states())
    }

    #[getter]
    fn max_steps(slf: &Bound<'_, Self>) -> PyResult<u32> {
        Ok(env(slf)?.inner.max_steps())
    }

    #[getter]
    fn left_reward(slf: &Bound<'_, Self>) -> PyResult<f64> {
        Ok(env(slf)?.inner.left_reward())
    }

    #[getter]
    fn right_reward(slf: &Bound<'_, Self>) -> PyResult<f64> {
        Ok(env(slf)?.inner.right_reward())
    }

    #[getter]
    fn position(slf: &Bound<'_, Self>) -> PyResult<u32> {
        Ok(env(slf)?.inner.position())
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let this = env(slf)?;
        let e = &this.inner;
        Ok(format!(
            "RiverSwimCore(n_states={}, max_steps={}, left_reward={}, right_reward={})",
            e.n_states(),
            e.max_steps(),
            e.left_reward(),
            e.right_reward()
        ))
    }
});
