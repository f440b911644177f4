//! Built-in environments: the pure-Rust cores behind `hebbian_brain.envs`, one file per
//! environment as in the Python package.
//!
//! The Gymnasium / PettingZoo classes are written in Python (python/hebbian_brain/envs/) and
//! hold one of these objects; agents reach the core directly to run whole episodes in Rust.
//! While an agent's `run_episodes` holds one of the single-agent cores (GIL released), using the
//! core from another thread raises `StateError` (not pyo3's bare "Already borrowed").

mod chain;
mod cognitive;
mod deep_sea;
mod grid_world;
mod predator_prey;
mod river_swim;

pub(crate) use chain::PyChain;
pub(crate) use cognitive::PyCognitiveEnv;
pub(crate) use deep_sea::PyDeepSea;
pub(crate) use grid_world::PyGridWorld;
use predator_prey::PyPredatorPrey;
pub(crate) use river_swim::PyRiverSwim;

use crate::errors::invalid_argument;
use crate::guard::{borrow, borrow_mut};
use pyo3::prelude::*;
use pyo3::PyClass;

/// The core for a read (`StateError` while an agent's `run_episodes` holds it in another thread).
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
fn action_index(action: crate::guard::Int) -> PyResult<u32> {
    u32::try_from(action.0).map_err(|_| {
        invalid_argument(
            "action",
            format!("must be a non-negative integer below 2**32, got {action}"),
        )
    })
}

/// One step's result as a Python tuple `(obs, reward, terminated, truncated)`.
type StepTuple = (u64, f64, bool, bool);

/// The `#[pymethods]` of a single-agent environment core (a `#[pyclass]` holding a
/// `DiscreteEnv` in `inner`): copying, `reset` and `step`, then the class's own items.
/// Without `core_only`, also the `slip`, `max_steps` and `position` getters (with their
/// docstrings) that the slippery worlds (chain, grid world) share.
macro_rules! discrete_env_methods {
    (core_only $py:ident { $($own:tt)* }) => {
        #[pyo3::pymethods]
        impl $py {
            /// A copy with the same state and generator (copy.copy / copy.deepcopy).
            fn __copy__(slf: &Bound<'_, Self>) -> PyResult<Self> {
                let this = super::env(slf)?;
                Ok($py {
                    inner: this.inner.clone(),
                })
            }

            fn __deepcopy__(slf: &Bound<'_, Self>, _memo: &Bound<'_, PyAny>) -> PyResult<Self> {
                Self::__copy__(slf)
            }

            /// Starts an episode; returns the first observation.
            #[pyo3(signature = (seed=None))]
            fn reset(slf: &Bound<'_, Self>, seed: Option<crate::guard::Seed>) -> PyResult<u64> {
                let mut this = super::env_mut(slf)?;
                Ok(hebbian_core::envs::DiscreteEnv::reset(
                    &mut this.inner,
                    crate::guard::seed(seed),
                ))
            }

            /// One step: `(obs, reward, terminated, truncated)`.
            fn step(slf: &Bound<'_, Self>, action: crate::guard::Int) -> PyResult<super::StepTuple> {
                let mut this = super::env_mut(slf)?;
                let t = crate::errors::IntoPyResult::py(
                    hebbian_core::envs::DiscreteEnv::step(
                        &mut this.inner,
                        super::action_index(action)?,
                    ),
                )?;
                Ok((t.observation, t.reward, t.terminated, t.truncated))
            }

            $($own)*
        }
    };
    ($py:ident { $($own:tt)* }) => {
        discrete_env_methods!(core_only $py {
            /// Probability that an action is replaced by a uniformly random one.
            #[getter]
            fn slip(slf: &Bound<'_, Self>) -> PyResult<f64> {
                let this = super::env(slf)?;
                Ok(this.inner.slip())
            }

            /// Steps after which an episode is truncated.
            #[getter]
            fn max_steps(slf: &Bound<'_, Self>) -> PyResult<u32> {
                let this = super::env(slf)?;
                Ok(this.inner.max_steps())
            }

            /// The agent's current cell (the observation).
            #[getter]
            fn position(slf: &Bound<'_, Self>) -> PyResult<u32> {
                let this = super::env(slf)?;
                Ok(this.inner.position())
            }

            $($own)*
        });
    };
}
use discrete_env_methods;

/// Adds this area's classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyChain>()?;
    m.add_class::<PyGridWorld>()?;
    m.add_class::<PyPredatorPrey>()?;
    m.add_class::<PyDeepSea>()?;
    m.add_class::<PyRiverSwim>()?;
    m.add_class::<PyCognitiveEnv>()?;
    Ok(())
}
