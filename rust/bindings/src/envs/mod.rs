//! Built-in environments: the pure-Rust cores behind `hebbian_brain.envs`.
//!
//! The Gymnasium / PettingZoo classes are written in Python (python/hebbian_brain/envs/) and
//! hold one of these objects; agents reach the core directly to run whole episodes in Rust.
//! While an agent's `run_episodes` holds a Chain or GridWorld core (GIL released), using the
//! core from another thread raises `StateError` (not pyo3's bare "Already borrowed").

use crate::errors::{invalid_argument, IntoPyResult};
use hebbian_core::envs::{
    Chain, DiscreteEnv, GridWorld, PredatorPrey, PredatorPreyConfig, PredatorPreyStep,
};
use pyo3::prelude::*;
use pyo3::PyClass;

use crate::guard::{borrow, borrow_mut, seed as seed_value, Seed};

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

/// The core of `hebbian_brain.envs.ChainEnv`.
#[pyclass(module = "hebbian_brain._core", name = "ChainCore")]
pub(crate) struct PyChain {
    pub(crate) inner: Chain,
}

#[pymethods]
impl PyChain {
    /// A copy with the same state and generator (copy.copy / copy.deepcopy).
    fn __copy__(slf: &Bound<'_, Self>) -> PyResult<Self> {
        let this = env(slf)?;
        Ok(PyChain {
            inner: this.inner.clone(),
        })
    }

    fn __deepcopy__(slf: &Bound<'_, Self>, _memo: &Bound<'_, PyAny>) -> PyResult<Self> {
        Self::__copy__(slf)
    }

    #[new]
    #[pyo3(signature = (*, length=10, slip=0.0, max_steps=None, seed=None))]
    fn new(length: u32, slip: f64, max_steps: Option<u32>, seed: Option<Seed>) -> PyResult<Self> {
        Ok(PyChain {
            inner: Chain::new(length, slip, max_steps, seed_value(seed)).py()?,
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

    #[getter]
    fn length(slf: &Bound<'_, Self>) -> PyResult<u32> {
        let this = env(slf)?;
        Ok(this.inner.length())
    }

    #[getter]
    fn slip(slf: &Bound<'_, Self>) -> PyResult<f64> {
        let this = env(slf)?;
        Ok(this.inner.slip())
    }

    #[getter]
    fn max_steps(slf: &Bound<'_, Self>) -> PyResult<u32> {
        let this = env(slf)?;
        Ok(this.inner.max_steps())
    }

    #[getter]
    fn position(slf: &Bound<'_, Self>) -> PyResult<u32> {
        let this = env(slf)?;
        Ok(this.inner.position())
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
}

/// The core of `hebbian_brain.envs.GridWorldEnv`.
#[pyclass(module = "hebbian_brain._core", name = "GridWorldCore")]
pub(crate) struct PyGridWorld {
    pub(crate) inner: GridWorld,
}

#[pymethods]
impl PyGridWorld {
    /// A copy with the same state and generator (copy.copy / copy.deepcopy).
    fn __copy__(slf: &Bound<'_, Self>) -> PyResult<Self> {
        let this = env(slf)?;
        Ok(PyGridWorld {
            inner: this.inner.clone(),
        })
    }

    fn __deepcopy__(slf: &Bound<'_, Self>, _memo: &Bound<'_, PyAny>) -> PyResult<Self> {
        Self::__copy__(slf)
    }

    #[new]
    #[pyo3(signature = (*, size=5, obstacles=None, start=(0, 0), goal=None, slip=0.0, max_steps=None, seed=None))]
    fn new(
        size: u32,
        obstacles: Option<Vec<(u32, u32)>>,
        start: (u32, u32),
        goal: Option<(u32, u32)>,
        slip: f64,
        max_steps: Option<u32>,
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

    #[getter]
    fn size(slf: &Bound<'_, Self>) -> PyResult<u32> {
        let this = env(slf)?;
        Ok(this.inner.size())
    }

    #[getter]
    fn start(slf: &Bound<'_, Self>) -> PyResult<u32> {
        let this = env(slf)?;
        Ok(this.inner.start())
    }

    #[getter]
    fn goal(slf: &Bound<'_, Self>) -> PyResult<u32> {
        let this = env(slf)?;
        Ok(this.inner.goal())
    }

    #[getter]
    fn slip(slf: &Bound<'_, Self>) -> PyResult<f64> {
        let this = env(slf)?;
        Ok(this.inner.slip())
    }

    #[getter]
    fn max_steps(slf: &Bound<'_, Self>) -> PyResult<u32> {
        let this = env(slf)?;
        Ok(this.inner.max_steps())
    }

    #[getter]
    fn position(slf: &Bound<'_, Self>) -> PyResult<u32> {
        let this = env(slf)?;
        Ok(this.inner.position())
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
}

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
        size: u32,
        n_predators: u32,
        n_prey: u32,
        max_cycles: u32,
        prey_move_probability: f64,
        capture_reward: f64,
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
    fn observe(&self, i: usize) -> PyResult<(u32, u32)> {
        self.check_agent(i)?;
        Ok(self.inner.observe(i))
    }

    /// One cycle: `(rewards, terminated, truncated, captured)`, one entry per agent.
    fn step(&mut self, actions: Vec<i64>) -> PyResult<CycleTuple> {
        let actions = actions
            .into_iter()
            .map(|a| u32::try_from(a).unwrap_or(u32::MAX))
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
    fn is_alive(&self, i: usize) -> PyResult<bool> {
        self.check_agent(i)?;
        Ok(self.inner.is_alive(i))
    }

    /// `(row, col)` of agent `i`.
    fn position(&self, i: usize) -> PyResult<(u32, u32)> {
        self.check_agent(i)?;
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
    fn check_agent(&self, i: usize) -> PyResult<()> {
        if i < self.inner.n_agents() {
            Ok(())
        } else {
            Err(invalid_argument(
                "agent",
                format!("must be in 0..{}, got {i}", self.inner.n_agents()),
            ))
        }
    }
}

/// Adds this area's classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyChain>()?;
    m.add_class::<PyGridWorld>()?;
    m.add_class::<PyPredatorPrey>()?;
    Ok(())
}
