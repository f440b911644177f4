//! `GridWorldCore`: the core of `hebbian_brain.envs.GridWorldEnv`.

use super::{discrete_env_methods, env};
use crate::errors::IntoPyResult;
use crate::guard::{arg, optional_u32_argument, seed as seed_value, u32_argument, Seed};
use hebbian_core::envs::GridWorld;
use pyo3::prelude::*;

u32_argument!(size_argument, "size");
optional_u32_argument!(max_steps_argument, "max_steps");

/// The core of `hebbian_brain.envs.GridWorldEnv`.
#[pyclass(module = "hebbian_brain._core", name = "GridWorldCore")]
pub(crate) struct PyGridWorld {
    pub(crate) inner: GridWorld,
}

discrete_env_methods!(PyGridWorld {
    #[new]
    #[pyo3(signature = (*, size=5, obstacles=None, start=(0, 0), goal=None, slip=0.0, max_steps=None, seed=None))]
    fn new(
        #[pyo3(from_py_with = size_argument)] size: u32,
        #[pyo3(from_py_with = arg)] obstacles: Option<Vec<(u32, u32)>>,
        #[pyo3(from_py_with = arg)] start: (u32, u32),
        #[pyo3(from_py_with = arg)] goal: Option<(u32, u32)>,
        #[pyo3(from_py_with = arg)] slip: f64,
        #[pyo3(from_py_with = max_steps_argument)] max_steps: Option<u32>,
        seed: Option<Seed>,
    ) -> PyResult<Self> {
        let obstacles = obstacles.unwrap_or_else(|| GridWorld::default_obstacles(size));
        let last = size.saturating_sub(1);
        let goal = goal.unwrap_or((last, last));
        Ok(PyGridWorld {
            inner: GridWorld::new(
                size,
                &obstacles,
                start,
                goal,
                slip,
                max_steps,
                seed_value(seed),
            )
            .py()?,
        })
    }

    /// The grid as text (`A` agent, `G` goal, `#` wall, `.` free).
    fn render_ansi(slf: &Bound<'_, Self>) -> PyResult<String> {
        let this = env(slf)?;
        Ok(this.inner.render_ansi())
    }

    /// Wall flags of every cell, row-major.
    fn walls(slf: &Bound<'_, Self>) -> PyResult<Vec<bool>> {
        let this = env(slf)?;
        let n = this.inner.size() * this.inner.size();
        Ok((0..n).map(|c| this.inner.is_wall(c)).collect())
    }

    /// Length of the shortest start–goal path.
    fn shortest_path_length(slf: &Bound<'_, Self>) -> PyResult<Option<u32>> {
        let this = env(slf)?;
        Ok(this.inner.shortest_path_length())
    }

    /// Side of the square grid.
    #[getter]
    fn size(slf: &Bound<'_, Self>) -> PyResult<u32> {
        let this = env(slf)?;
        Ok(this.inner.size())
    }

    /// The start cell, row-major.
    #[getter]
    fn start(slf: &Bound<'_, Self>) -> PyResult<u32> {
        let this = env(slf)?;
        Ok(this.inner.start())
    }

    /// The goal cell, row-major.
    #[getter]
    fn goal(slf: &Bound<'_, Self>) -> PyResult<u32> {
        let this = env(slf)?;
        Ok(this.inner.goal())
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let this = env(slf)?;
        Ok(format!(
            "GridWorldCore(size={}, slip={}, max_steps={})",
            this.inner.size(),
            this.inner.slip(),
            this.inner.max_steps()
        ))
    }
});
