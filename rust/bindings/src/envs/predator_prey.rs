//! `PredatorPreyCore`: the core of `hebbian_brain.envs.PredatorPreyEnv` (PettingZoo).

use crate::errors::{invalid_argument, IntoPyResult};
use crate::guard::arg;
use crate::guard::{seed as seed_value, u32_argument, Int, Seed};
use hebbian_core::envs::{PredatorPrey, PredatorPreyConfig, PredatorPreyStep};
use pyo3::prelude::*;

u32_argument!(size_argument, "size");
u32_argument!(n_predators_argument, "n_predators");
u32_argument!(n_prey_argument, "n_prey");
u32_argument!(max_cycles_argument, "max_cycles");

/// The core of `hebbian_brain.envs.PredatorPreyEnv`.
#[pyclass(module = "hebbian_brain._core", name = "PredatorPreyCore")]
pub(crate) struct PyPredatorPrey {
    pub(crate) inner: PredatorPrey,
}

/// `(rewards, terminated, truncated, captured)` of one cycle.
type CycleTuple = (Vec<f64>, Vec<bool>, Vec<bool>, Vec<u32>);

#[pymethods]
impl PyPredatorPrey {
    /// A copy with the same state and generator (copy.copy / copy.deepcopy).
    fn __copy__(&self) -> Self {
        PyPredatorPrey {
            inner: self.inner.clone(),
        }
    }

    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> Self {
        self.__copy__()
    }

    #[new]
    #[pyo3(signature = (*, size=7, n_predators=2, n_prey=2, max_cycles=50, prey_move_probability=1.0, capture_reward=1.0, seed=None))]
    fn new(
        #[pyo3(from_py_with = size_argument)] size: u32,
        #[pyo3(from_py_with = n_predators_argument)] n_predators: u32,
        #[pyo3(from_py_with = n_prey_argument)] n_prey: u32,
        #[pyo3(from_py_with = max_cycles_argument)] max_cycles: u32,
        #[pyo3(from_py_with = arg)] prey_move_probability: f64,
        #[pyo3(from_py_with = arg)] capture_reward: f64,
        seed: Option<Seed>,
    ) -> PyResult<Self> {
        let config = PredatorPreyConfig {
            size,
            n_predators,
            n_prey,
            max_cycles,
            prey_move_probability,
            capture_reward,
        };
        Ok(PyPredatorPrey {
            inner: PredatorPrey::new(config, seed_value(seed)).py()?,
        })
    }

    /// Starts an episode.
    #[pyo3(signature = (seed=None))]
    fn reset(&mut self, seed: Option<Seed>) {
        self.inner.reset(seed_value(seed))
    }

    /// The observation `(row offset, col offset)` of agent `i`.
    fn observe(&self, i: Int) -> PyResult<(u32, u32)> {
        let i = self.check_agent(i)?;
        Ok(self.inner.observe(i))
    }

    /// One cycle: `(rewards, terminated, truncated, captured)`, one entry per agent.
    fn step(&mut self, #[pyo3(from_py_with = arg)] actions: Vec<Int>) -> PyResult<CycleTuple> {
        // Out of range is the core's own error naming the action (u32::MAX is never legal).
        let actions = actions
            .into_iter()
            .map(|a| u32::try_from(a.0).unwrap_or(u32::MAX))
            .collect::<Vec<_>>();
        let PredatorPreyStep {
            rewards,
            terminated,
            truncated,
            captured,
        } = self.inner.step(&actions).py()?;
        Ok((rewards, terminated, truncated, captured))
    }

    /// Whether agent `i` is still in the game.
    fn is_alive(&self, i: Int) -> PyResult<bool> {
        let i = self.check_agent(i)?;
        Ok(self.inner.is_alive(i))
    }

    /// `(row, col)` of agent `i`.
    fn position(&self, i: Int) -> PyResult<(u32, u32)> {
        let i = self.check_agent(i)?;
        Ok(self.inner.position(i))
    }

    #[getter]
    fn size(&self) -> u32 {
        self.inner.config().size
    }

    #[getter]
    fn n_predators(&self) -> u32 {
        self.inner.config().n_predators
    }

    #[getter]
    fn n_prey(&self) -> u32 {
        self.inner.config().n_prey
    }

    #[getter]
    fn max_cycles(&self) -> u32 {
        self.inner.config().max_cycles
    }

    #[getter]
    fn cycles(&self) -> u32 {
        self.inner.cycles()
    }

    #[getter]
    fn prey_alive(&self) -> usize {
        self.inner.prey_alive()
    }

    fn __repr__(&self) -> String {
        let c = self.inner.config();
        format!(
            "PredatorPreyCore(size={}, n_predators={}, n_prey={}, max_cycles={})",
            c.size, c.n_predators, c.n_prey, c.max_cycles
        )
    }
}

impl PyPredatorPrey {
    /// Agent index `i` as a `usize` (`InvalidArgumentError` naming `agent` when out of range).
    fn check_agent(&self, i: Int) -> PyResult<usize> {
        let n = self.inner.n_agents();
        match usize::try_from(i.0) {
            Ok(v) if v < n => Ok(v),
            _ => Err(invalid_argument(
                "agent",
                format!("must be an integer in [0, {n}), got {i}"),
            )),
        }
    }
}
