//! The exploration benchmarks' cores: `DeepSeaCore` and `RiverSwimCore`, behind
//! `hebbian_brain.envs.DeepSeaEnv` and `RiverSwimEnv` (the Gymnasium classes are in Python).

use crate::errors::{invalid_argument, IntoPyResult};
use crate::guard::{borrow, borrow_mut, seed as seed_value, Seed};
use hebbian_core::envs::{DeepSea, DiscreteEnv, RiverSwim};
use pyo3::prelude::*;
use pyo3::PyClass;

/// The core for a read (`StateError` while another thread uses it).
fn env<'py, T: PyClass>(slf: &Bound<'py, T>) -> PyResult<PyRef<'py, T>> {
    borrow(slf, "environment")
}

/// The core for a step or reset (`StateError` while another thread uses it).
fn env_mut<'py, T: PyClass<Frozen = pyo3::pyclass::boolean_struct::False>>(
    slf: &Bound<'py, T>,
) -> PyResult<PyRefMut<'py, T>> {
    borrow_mut(slf, "environment")
}

/// Converts a Python action to the core's `u32`, naming the argument when it is out of range.
fn action_index(action: i64) -> PyResult<u32> {
    u32::try_from(action).map_err(|_| {
        invalid_argument(
            "action",
            format!("must be a non-negative integer, got {action}"),
        )
    })
}

/// One step's result as a Python tuple `(obs, reward, terminated, truncated)`.
type StepTuple = (u64, f64, bool, bool);

/// The core of `hebbian_brain.envs.DeepSeaEnv`.
#[pyclass(module = "hebbian_brain._core", name = "DeepSeaCore")]
pub(crate) struct PyDeepSea {
    pub(crate) inner: DeepSea,
}

#[pymethods]
impl PyDeepSea {
    /// A copy with the same state and generator (copy.copy / copy.deepcopy).
    fn __copy__(slf: &Bound<'_, Self>) -> PyResult<Self> {
        let this = env(slf)?;
        Ok(PyDeepSea {
            inner: this.inner.clone(),
        })
    }

    fn __deepcopy__(slf: &Bound<'_, Self>, _memo: &Bound<'_, PyAny>) -> PyResult<Self> {
        Self::__copy__(slf)
    }

    #[new]
    #[pyo3(signature = (*, size=10, deterministic=true, move_cost=0.01, randomize_actions=true, mapping_seed=Seed(0), seed=None))]
    fn new(
        size: u32,
        deterministic: bool,
        move_cost: f64,
        randomize_actions: bool,
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

    /// Starts an episode; returns the first observation.
    #[pyo3(signature = (seed=None))]
    fn reset(slf: &Bound<'_, Self>, seed: Option<Seed>) -> PyResult<u64> {
        let mut this = env_mut(slf)?;
        Ok(this.inner.reset(seed_value(seed)))
    }

    /// One step: `(obs, reward, terminated, truncated)`.
    fn step(slf: &Bound<'_, Self>, action: i64) -> PyResult<StepTuple> {
        let mut this = env_mut(slf)?;
        let t = this.inner.step(action_index(action)?).py()?;
        Ok((t.observation, t.reward, t.terminated, t.truncated))
    }

    /// The action (0 or 1) that moves right in cell (`row`, `column`).
    fn right_action(slf: &Bound<'_, Self>, row: u32, column: u32) -> PyResult<u32> {
        let this = env(slf)?;
        let n = this.inner.size();
        if row >= n || column >= n {
            return Err(invalid_argument(
                "row, column",
                format!("must be in 0..{n}, got ({row}, {column})"),
            ));
        }
        Ok(this.inner.right_action(row, column))
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
}

/// The core of `hebbian_brain.envs.RiverSwimEnv`.
#[pyclass(module = "hebbian_brain._core", name = "RiverSwimCore")]
pub(crate) struct PyRiverSwim {
    pub(crate) inner: RiverSwim,
}

#[pymethods]
impl PyRiverSwim {
    /// A copy with the same state and generator (copy.copy / copy.deepcopy).
    fn __copy__(slf: &Bound<'_, Self>) -> PyResult<Self> {
        let this = env(slf)?;
        Ok(PyRiverSwim {
            inner: this.inner.clone(),
        })
    }

    fn __deepcopy__(slf: &Bound<'_, Self>, _memo: &Bound<'_, PyAny>) -> PyResult<Self> {
        Self::__copy__(slf)
    }

    #[new]
    #[pyo3(signature = (*, n_states=6, max_steps=None, left_reward=0.005, right_reward=1.0, seed=None))]
    fn new(
        n_states: u32,
        max_steps: Option<u32>,
        left_reward: f64,
        right_reward: f64,
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

    /// Starts an episode; returns the first observation.
    #[pyo3(signature = (seed=None))]
    fn reset(slf: &Bound<'_, Self>, seed: Option<Seed>) -> PyResult<u64> {
        let mut this = env_mut(slf)?;
        Ok(this.inner.reset(seed_value(seed)))
    }

    /// One step: `(obs, reward, terminated, truncated)`.
    fn step(slf: &Bound<'_, Self>, action: i64) -> PyResult<StepTuple> {
        let mut this = env_mut(slf)?;
        let t = this.inner.step(action_index(action)?).py()?;
        Ok((t.observation, t.reward, t.terminated, t.truncated))
    }

    /// The probabilities `(left, stay, right)` of swimming upstream in `state`.
    fn upstream_probabilities(slf: &Bound<'_, Self>, state: u32) -> PyResult<(f64, f64, f64)> {
        let this = env(slf)?;
        let n = this.inner.n_states();
        if state >= n {
            return Err(invalid_argument(
                "state",
                format!("must be in 0..{n}, got {state}"),
            ));
        }
        Ok(this.inner.upstream_probabilities(state))
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
}

/// Adds this area's classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyDeepSea>()?;
    m.add_class::<PyRiverSwim>()?;
    Ok(())
}
