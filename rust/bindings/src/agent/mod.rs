//! Agents: `AgentParams` and the `AgentCore` behind `hebbian_brain.Agent`.
//!
//! `AgentCore` takes observations either as state hashes (any observation, hashed on the
//! Python side) or, for `Discrete` observation spaces, as plain indices hashed here (the fast
//! path: one crossing per call). Whole episodes of the built-in environments run in Rust with
//! the GIL released (`run_episodes`).

use crate::brain::PyBrain;
use crate::config::{PyBrainConfig, PyDreamReport};
use crate::envs::{PyChain, PyGridWorld};
use crate::errors::{invalid_argument, to_pyerr, IntoPyResult};
use hebbian_core::agent::{Agent, AgentFile, EpisodeRecord};
use hebbian_core::graph::state_hash::hash_int;
use hebbian_core::graph::Brain;
use hebbian_core::Error;
use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use pyo3::PyClass;

mod params;
mod population;
pub(crate) use params::PyAgentParams;

/// `(return, length, terminated)` of an episode record.
fn record_tuple(r: &EpisodeRecord) -> (f64, u64, bool) {
    (r.episode_return, r.length, r.terminated)
}

/// The Rust half of `hebbian_brain.Agent`.
#[pyclass(module = "hebbian_brain._core", name = "AgentCore")]
pub(crate) struct PyAgent {
    inner: Agent,
    /// The live brain, shared with Python (`Agent.brain`).
    brain: Py<PyBrain>,
    /// `Some((start, n))` for a `Discrete(n, start)` observation space (the index fast path).
    discrete: Option<(i64, i64)>,
}

/// `StateError` for a brain or environment another thread is using (a GIL-released
/// `run_episodes` or `dream` holds it): raised instead of a borrow panic.
fn busy(what: &str) -> PyErr {
    to_pyerr(Error::State(format!(
        "the {what} is in use by another call (run_episodes/dream in another thread)"
    )))
}

fn borrow_mut<'py, T: PyClass<Frozen = pyo3::pyclass::boolean_struct::False>>(
    obj: &Bound<'py, T>,
    what: &str,
) -> PyResult<PyRefMut<'py, T>> {
    obj.try_borrow_mut().map_err(|_| busy(what))
}

fn borrow<'py, T: PyClass>(obj: &Bound<'py, T>, what: &str) -> PyResult<PyRef<'py, T>> {
    obj.try_borrow().map_err(|_| busy(what))
}

/// Episodes per GIL-released chunk of `run_episodes` (signals are checked between chunks).
const RUN_CHUNK: usize = 32;

/// Runs `episodes` episodes as `run(n)` calls of at most `RUN_CHUNK`, GIL released, checking
/// for signals (Ctrl-C) between them. Returns the number of episodes run.
fn run_in_chunks<F>(py: Python<'_>, episodes: usize, mut run: F) -> PyResult<usize>
where
    F: FnMut(usize) -> hebbian_core::Result<Vec<EpisodeRecord>> + Send,
{
    let mut done = 0;
    while done < episodes {
        let n = RUN_CHUNK.min(episodes - done);
        done += py.detach(|| run(n)).py()?.len();
        py.check_signals()?;
    }
    Ok(done)
}

impl PyAgent {
    fn brain_mut<'py>(&self, py: Python<'py>) -> PyResult<PyRefMut<'py, PyBrain>> {
        borrow_mut(self.brain.bind(py), "brain")
    }

    fn brain_ref<'py>(&self, py: Python<'py>) -> PyResult<PyRef<'py, PyBrain>> {
        borrow(self.brain.bind(py), "brain")
    }
    fn index_hash(&self, name: &str, obs: i64) -> PyResult<u64> {
        match self.discrete {
            Some((start, n)) if obs >= start && obs - start < n => Ok(hash_int(obs)),
            Some((start, n)) => Err(invalid_argument(
                name,
                format!(
                    "{obs} is outside the observation space Discrete({n}{})",
                    if start != 0 {
                        format!(", start={start}")
                    } else {
                        String::new()
                    }
                ),
            )),
            None => Err(invalid_argument(
                name,
                "index observations need a Discrete observation space",
            )),
        }
    }

    fn check_discrete(discrete: Option<(i64, i64)>) -> PyResult<()> {
        match discrete {
            Some((_, n)) if n <= 0 => {
                Err(invalid_argument("discrete", "the space must have n >= 1"))
            }
            _ => Ok(()),
        }
    }

    fn from_file(
        py: Python<'_>,
        file: AgentFile,
        discrete: Option<(i64, i64)>,
    ) -> PyResult<(Self, String)> {
        Self::check_discrete(discrete)?;
        let brain = Py::new(py, PyBrain { inner: file.brain })?;
        Ok((
            PyAgent {
                inner: file.agent,
                brain,
                discrete,
            },
            file.metadata,
        ))
    }

    fn file(&self, py: Python<'_>, metadata: String) -> PyResult<AgentFile> {
        Ok(AgentFile {
            agent: self.inner.clone(),
            brain: self.brain_ref(py)?.inner.clone(),
            metadata,
        })
    }
}

#[pymethods]
impl PyAgent {
    #[new]
    #[pyo3(signature = (n_actions, *, params=None, seed=None, discrete=None, config=None, brain=None))]
    fn new(
        py: Python<'_>,
        n_actions: u32,
        params: Option<PyAgentParams>,
        seed: Option<u64>,
        discrete: Option<(i64, i64)>,
        config: Option<&Bound<'_, PyBrainConfig>>,
        brain: Option<Py<PyBrain>>,
    ) -> PyResult<Self> {
        Self::check_discrete(discrete)?;
        let params = params.map(|p| p.inner).unwrap_or_default();
        let inner = Agent::new(n_actions, params, seed).py()?;
        let brain = match brain {
            Some(b) => {
                if config.is_some() {
                    return Err(invalid_argument(
                        "config",
                        "give either config or brain, not both",
                    ));
                }
                b
            }
            None => {
                let brain_seed = seed.map(|s| hebbian_core::rng::derive_seed(s, 1));
                let config = config.map(|c| c.get().inner.clone()).unwrap_or_default();
                Py::new(
                    py,
                    PyBrain {
                        inner: Brain::new(config, brain_seed).py()?,
                    },
                )?
            }
        };
        Ok(PyAgent {
            inner,
            brain,
            discrete,
        })
    }

    /// The live brain.
    #[getter]
    fn brain(&self, py: Python<'_>) -> Py<PyBrain> {
        self.brain.clone_ref(py)
    }

    #[getter]
    fn n_actions(&self) -> u32 {
        self.inner.n_actions()
    }

    #[getter]
    fn params(&self) -> PyAgentParams {
        PyAgentParams {
            inner: self.inner.params().clone(),
        }
    }

    #[setter]
    fn set_params(&mut self, params: PyAgentParams) -> PyResult<()> {
        self.inner.set_params(params.inner).py()
    }

    #[getter]
    fn steps(&self) -> u64 {
        self.inner.steps()
    }

    #[getter]
    fn awaiting_observation(&self) -> bool {
        self.inner.awaiting_observation()
    }

    /// `(return, length)` of the episode in progress.
    fn current_episode(&self) -> (f64, u64) {
        self.inner.current_episode()
    }

    /// Chooses an action for an observation given by its state hash (learning as it goes).
    fn act(&mut self, py: Python<'_>, state: u64) -> PyResult<u32> {
        let mut b = self.brain_mut(py)?;
        self.inner.act(&mut b.inner, state).py()
    }

    /// `act` for a `Discrete` observation given as its index.
    fn act_index(&mut self, py: Python<'_>, obs: i64) -> PyResult<u32> {
        let state = self.index_hash("obs", obs)?;
        let mut b = self.brain_mut(py)?;
        self.inner.act(&mut b.inner, state).py()
    }

    /// Reports the outcome of the last action (next observation as a state hash).
    fn observe(
        &mut self,
        py: Python<'_>,
        reward: f64,
        next_state: u64,
        terminated: bool,
        truncated: bool,
    ) -> PyResult<()> {
        let mut b = self.brain_mut(py)?;
        self.inner
            .observe(&mut b.inner, reward, next_state, terminated, truncated)
            .py()
    }

    /// `observe` for a `Discrete` observation given as its index.
    fn observe_index(
        &mut self,
        py: Python<'_>,
        reward: f64,
        next_obs: i64,
        terminated: bool,
        truncated: bool,
    ) -> PyResult<()> {
        let state = self.index_hash("next_obs", next_obs)?;
        let mut b = self.brain_mut(py)?;
        self.inner
            .observe(&mut b.inner, reward, state, terminated, truncated)
            .py()
    }

    /// Ends the episode in progress; `(return, length, terminated)` or None.
    fn end_episode(&mut self, py: Python<'_>) -> PyResult<Option<(f64, u64, bool)>> {
        let mut b = self.brain_mut(py)?;
        Ok(self
            .inner
            .end_episode(&mut b.inner)
            .py()?
            .as_ref()
            .map(record_tuple))
    }

    /// Dreams `params.dream_cycles` cycles (GIL released); the report.
    fn dream(&mut self, py: Python<'_>) -> PyResult<PyDreamReport> {
        let mut b = self.brain_mut(py)?;
        let (agent, brain) = (&mut self.inner, &mut b.inner);
        Ok(PyDreamReport {
            inner: py.detach(|| agent.dream(brain)),
        })
    }

    /// The greedy action for a state hash (no learning).
    fn greedy(&mut self, py: Python<'_>, state: u64) -> PyResult<u32> {
        let b = self.brain_ref(py)?;
        Ok(self.inner.greedy_action(&b.inner, state))
    }

    /// `greedy` for a `Discrete` observation index.
    fn greedy_index(&mut self, py: Python<'_>, obs: i64) -> PyResult<u32> {
        let state = self.index_hash("observation", obs)?;
        let b = self.brain_ref(py)?;
        Ok(self.inner.greedy_action(&b.inner, state))
    }

    /// An exploring action for a state hash (no learning).
    fn sample(&mut self, py: Python<'_>, state: u64) -> PyResult<u32> {
        let b = self.brain_ref(py)?;
        Ok(self.inner.sample_action(&b.inner, state))
    }

    /// `sample` for a `Discrete` observation index.
    fn sample_index(&mut self, py: Python<'_>, obs: i64) -> PyResult<u32> {
        let state = self.index_hash("observation", obs)?;
        let b = self.brain_ref(py)?;
        Ok(self.inner.sample_action(&b.inner, state))
    }

    /// Runs whole episodes of a built-in environment core in Rust, GIL released. Returns the
    /// number of episodes run. Runs in chunks of `RUN_CHUNK` episodes and checks for signals
    /// between them, so Ctrl-C interrupts a long run (the episodes finished so far stay in the
    /// history; the results do not depend on the chunking).
    #[pyo3(signature = (env, episodes, dream_every=1))]
    fn run_episodes(
        &mut self,
        py: Python<'_>,
        env: &Bound<'_, PyAny>,
        episodes: usize,
        dream_every: usize,
    ) -> PyResult<usize> {
        let mut b = self.brain_mut(py)?;
        let agent = &mut self.inner;
        let brain = &mut b.inner;
        if let Ok(chain) = env.cast::<PyChain>() {
            let mut chain = borrow_mut(chain, "environment")?;
            let core = &mut chain.inner;
            run_in_chunks(py, episodes, |n| {
                agent.run_episodes(brain, core, n, dream_every)
            })
        } else if let Ok(grid) = env.cast::<PyGridWorld>() {
            let mut grid = borrow_mut(grid, "environment")?;
            let core = &mut grid.inner;
            run_in_chunks(py, episodes, |n| {
                agent.run_episodes(brain, core, n, dream_every)
            })
        } else {
            Err(pyo3::exceptions::PyTypeError::new_err(
                "env: run_episodes needs a built-in environment core (ChainCore or GridWorldCore)",
            ))
        }
    }

    /// `(return, length, terminated, dream report)` of the last finished episode, or None.
    fn last_record(&self) -> Option<(f64, u64, bool, Option<PyDreamReport>)> {
        self.inner.history().last().map(|r| {
            (
                r.episode_return,
                r.length,
                r.terminated,
                r.dream.map(|inner| PyDreamReport { inner }),
            )
        })
    }

    /// Number of finished episodes in the history.
    fn history_len(&self) -> usize {
        self.inner.history().len()
    }

    /// Per-episode returns, lengths and terminated flags as numpy arrays.
    #[allow(clippy::type_complexity)]
    fn history_arrays<'py>(
        &self,
        py: Python<'py>,
    ) -> (
        Bound<'py, PyArray1<f64>>,
        Bound<'py, PyArray1<u64>>,
        Bound<'py, PyArray1<bool>>,
    ) {
        let h = self.inner.history();
        (
            h.iter()
                .map(|r| r.episode_return)
                .collect::<Vec<_>>()
                .into_pyarray(py),
            h.iter()
                .map(|r| r.length)
                .collect::<Vec<_>>()
                .into_pyarray(py),
            h.iter()
                .map(|r| r.terminated)
                .collect::<Vec<_>>()
                .into_pyarray(py),
        )
    }

    /// The dream report of each episode (None when it was not followed by a dream).
    fn history_dreams(&self) -> Vec<Option<PyDreamReport>> {
        self.inner
            .history()
            .iter()
            .map(|r| r.dream.map(|inner| PyDreamReport { inner }))
            .collect()
    }

    /// Forgets the history.
    fn clear_history(&mut self) {
        self.inner.clear_history();
    }

    /// The agent, its brain and `metadata` as a file image.
    fn to_bytes<'py>(&self, py: Python<'py>, metadata: String) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.file(py, metadata)?.to_bytes()))
    }

    /// Writes the agent, its brain and `metadata` to `path` atomically.
    fn save(&self, py: Python<'_>, path: std::path::PathBuf, metadata: String) -> PyResult<()> {
        let file = self.file(py, metadata)?;
        py.detach(|| file.save(&path)).py()
    }

    /// Reads a file written by `save`: `(AgentCore, metadata)`.
    #[staticmethod]
    #[pyo3(signature = (path, discrete=None))]
    fn load(
        py: Python<'_>,
        path: std::path::PathBuf,
        discrete: Option<(i64, i64)>,
    ) -> PyResult<(Self, String)> {
        let file = py.detach(|| AgentFile::load(&path)).py()?;
        Self::from_file(py, file, discrete)
    }

    /// An agent from a file image: `(AgentCore, metadata)`.
    #[staticmethod]
    #[pyo3(signature = (data, origin="<bytes>", discrete=None))]
    fn from_bytes(
        py: Python<'_>,
        data: &[u8],
        origin: &str,
        discrete: Option<(i64, i64)>,
    ) -> PyResult<(Self, String)> {
        let file = AgentFile::from_bytes(data, origin).py()?;
        Self::from_file(py, file, discrete)
    }

    /// Sets the index fast path's `Discrete(n, start)` space (after loading).
    fn set_discrete(&mut self, discrete: Option<(i64, i64)>) -> PyResult<()> {
        Self::check_discrete(discrete)?;
        self.discrete = discrete;
        Ok(())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        match self.brain_ref(py) {
            Ok(b) => format!(
                "AgentCore(n_actions={}, nodes={}, synapses={})",
                self.inner.n_actions(),
                b.inner.node_count(),
                b.inner.edge_count()
            ),
            Err(_) => format!(
                "AgentCore(n_actions={}, brain in use)",
                self.inner.n_actions()
            ),
        }
    }
}

/// Adds this area's classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyAgentParams>()?;
    m.add_class::<PyAgent>()?;
    population::register(m)?;
    Ok(())
}
