//! `DeepSeaCore`: the core of `hebbian_brain.envs.DeepSeaEnv`.

use super::{discrete_env_methods, env};
use crate::errors::{invalid_argument, IntoPyResult};
use crate::guard::{arg, seed as seed_value, u32_argument, Int, Seed};
use hebbian_core::envs::{DeepSea, DiscreteEnv};
use pyo3::prelude::*;

u32_argument!(size_argument, "size");

/// The core of `hebbian_brain.envs.DeepSeaEnv`.
#[pyclass(module = "hebbian_brain._core", name = "DeepSeaCore")]
pub(crate) struct PyDeepSea {
    pub(crate) inner: DeepSea,
}

discrete_env_methods!(core_only PyDeepSea {
    #[new]
    #[pyo3(signature = (*, size=10, deterministic=true, move_cost=0.01, randomize_actions=true, mapping_seed=Seed(0), seed=None))]
    fn new(
        #[pyo3(from_py_with = size_argument)] size: u32,
        #[pyo3(from_py_with = arg)] deterministic: bool,
        #[pyo3(from_py_with = arg)] move_cost: f64,
        #[pyo3(from_py_with = arg)] randomize_actions: bool,
        mapping_seed: Seed,
        seed: Option<Seed>,
    ) -> PyResult<Self> {
        Ok(PyDeepSea {
            inner: DeepSea::new(
                size,
                deterministic,
                move_cost,
                randomize_actions,
                mapping_seed.0,
                seed_value(seed),
            )
            .py()?,
        })
    }

    /// The action (0 or 1) that moves right in cell (`row`, `column`).
    fn right_action(slf: &Bound<'_, Self>, row: Int, column: Int) -> PyResult<u32> {
        let this = env(slf)?;
        let n = this.inner.size();
        match (u32::try_from(row.0), u32::try_from(column.0)) {
            (Ok(r), Ok(c)) if r < n && c < n => Ok(this.inner.right_action(r, c)),
            _ => Err(invalid_argument(
                "row, column",
                format!("must be integers in [0, {n}), got ({row}, {column})"),
            )),
        }
    }

    #[getter]
    fn size(slf: &Bound<'_, Self>) -> PyResult<u32> {
        Ok(env(slf)?.inner.size())
    }

    #[getter]
    fn deterministic(slf: &Bound<'_, Self>) -> PyResult<bool> {
        Ok(env(slf)?.inner.deterministic())
    }

    #[getter]
    fn randomize_actions(slf: &Bound<'_, Self>) -> PyResult<bool> {
        Ok(env(slf)?.inner.randomize_actions())
    }

    #[getter]
    fn mapping_seed(slf: &Bound<'_, Self>) -> PyResult<u64> {
        Ok(env(slf)?.inner.mapping_seed())
    }

    #[getter]
    fn move_cost(slf: &Bound<'_, Self>) -> PyResult<f64> {
        Ok(env(slf)?.inner.move_cost())
    }

    #[getter]
    fn row(slf: &Bound<'_, Self>) -> PyResult<u32> {
        Ok(env(slf)?.inner.row())
    }

    #[getter]
    fn column(slf: &Bound<'_, Self>) -> PyResult<u32> {
        Ok(env(slf)?.inner.column())
    }

    #[getter]
    fn n_observations(slf: &Bound<'_, Self>) -> PyResult<u64> {
        Ok(env(slf)?.inner.n_observations())
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let this = env(slf)?;
        let e = &this.inner;
        Ok(format!(
            "DeepSeaCore(size={}, deterministic={}, move_cost={}, randomize_actions={}, \
             mapping_seed={})",
            e.size(),
            e.deterministic(),
            e.move_cost(),
            e.randomize_actions(),
            e.mapping_seed()
        ))
    }
});
