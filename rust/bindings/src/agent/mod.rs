//! Agents: `AgentParams` and the `AgentCore` behind `hebbian_brain.Agent`.
//!
//! `AgentCore` takes observations either as state hashes (any observation, hashed on the
//! Python side) or, for `Discrete` observation spaces, as plain indices hashed here (the fast
//! path: one crossing per call). Whole episodes of the built-in environments run in Rust with
//! the GIL released (`run_episodes`).

use crate::brain::PyBrain;
use crate::brain::{PyBrainConfig, PyDreamReport};
use crate::envs::{PyChain, PyDeepSea, PyGridWorld, PyRiverSwim};
use crate::errors::{invalid_argument, IntoPyResult};
use crate::guard::arg;
use crate::guard::{
    borrow, borrow_mut, dream_work, interruptible, interruptible_if_long, Int, Seed,
};
use hebbian_core::agent::{Agent, EpisodeRecord};
use hebbian_core::brain::state_hash::hash_int;
use hebbian_core::brain::Brain;
use hebbian_core::io::agent_file::AgentFile;
use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::sync::atomic::AtomicBool;

mod params;
pub(crate) use params::PyAgentParams;

/// `(return, length, terminated)` of an episode record.
fn record_tuple(r: &EpisodeRecord) -> (f64, u64, bool) {
    (r.episode_return, r.length, r.terminated)
}

/// The Rust half of `hebbian_brain.Agent`.
#[pyclass(module = "hebbian_brain._core", name = "AgentCore")]
pub(crate) struct PyAgent {
    pub(crate) inner: Agent,
    /// The live brain, shared with Python (`Agent.brain`).
    pub(crate) brain: Py<PyBrain>,
    /// `Some((start, n))` for a `Discrete(n, start)` observation space (the index fast path).
    discrete: Option<(i64, i64)>,
}

/// Episodes per call of `run_episodes` into the core (their records are dropped between
/// chunks: a run of 2**40 episodes must not keep 2**40 records). Ctrl-C is answered within a
/// step, not between chunks (see `guard::interruptible`).
const RUN_CHUNK: usize = 1024;

/// Runs `episodes` episodes as `run(n, stop)` calls of at most `RUN_CHUNK`, GIL released and
/// interruptible (Ctrl-C ends the episode in progress at its next step, as truncated; it and
/// the episodes finished before stay in the history). Returns the number of episodes run.
fn run_in_chunks<F>(py: Python<'_>, episodes: usize, mut run: F) -> PyResult<usize>
where
    F: FnMut(usize, &AtomicBool) -> hebbian_core::Result<Vec<EpisodeRecord>> + Send,
{
    // At least one call, even for 0 episodes: the core ends an episode in progress first, and
    // `run_episodes(env, 0)` must do that too (it used to leave the episode open).
    let mut done = 0;
    loop {
        let n = RUN_CHUNK.min(episodes - done);
        done += interruptible(py, |stop| run(n, stop))?.py()?.len();
        if done >= episodes {
            return Ok(done);
        }
    }
}

/// A state hash argument: an int in [0, 2**64) (`InvalidArgumentError` naming `name`).
fn state_hash_argument(name: &str, value: Int) -> PyResult<u64> {
    value.to(name, "[0, 2**64)")
}

impl PyAgent {
    fn brain_mut<'py>(&self, py: Python<'py>) -> PyResult<PyRefMut<'py, PyBrain>> {
        borrow_mut(self.brain.bind(py), "brain")
    }

    fn brain_ref<'py>(&self, py: Python<'py>) -> PyResult<PyRef<'py, PyBrain>> {
        borrow(self.brain.bind(py), "brain")
    }
    fn index_hash(&self, name: &str, obs: Int) -> PyResult<u64> {
        // Beyond i64 no space holds it: the message below names it as it is.
        let (obs, shown) = (i64::try_from(obs.0).unwrap_or(i64::MIN), obs);
        match self.discrete {
            Some((start, n)) if obs >= start && obs - start < n => Ok(hash_int(obs)),
            Some((start, n)) => Err(invalid_argument(
                name,
                format!(
                    "{shown} is outside the observation space Discrete({n}{})",
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

    /// A `discrete=(start, n)` argument checked: both ints of 64 bits, `n >= 1`
    /// (`InvalidArgumentError` naming `discrete` otherwise).
    fn discrete_space(discrete: Option<(Int, Int)>) -> PyResult<Option<(i64, i64)>> {
        let Some((start, n)) = discrete else {
            return Ok(None);
        };
        let start: i64 = start.to("discrete", "[-2**63, 2**63) for its start")?;
        let n: i64 = n.to("discrete", "[1, 2**63) for its n")?;
        if n <= 0 {
            return Err(invalid_argument("discrete", "the space must have n >= 1"));
        }
        Ok(Some((start, n)))
    }

    pub(crate) fn from_file(
        py: Python<'_>,
        file: AgentFile,
        discrete: Option<(i64, i64)>,
    ) -> PyResult<(Self, String)> {
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

    pub(crate) fn file(&self, py: Python<'_>, metadata: String) -> PyResult<AgentFile> {
        Ok(AgentFile {
            agent: self.inner.clone(),
            brain: self.brain_ref(py)?.inner.clone(),
            metadata,
        })
    }
}

type Slf<'a, 'py> = &'a Bound<'py, PyAgent>;

fn read<'py>(slf: Slf<'_, 'py>) -> PyResult<PyRef<'py, PyAgent>> {
    borrow(slf, "agent")
}

fn write<'py>(slf: Slf<'_, 'py>) -> PyResult<PyRefMut<'py, PyAgent>> {
    borrow_mut(slf, "agent")
}

#[pymethods]
impl PyAgent {
    #[new]
    #[pyo3(signature = (n_actions, *, params=None, seed=None, discrete=None, config=None, brain=None))]
    fn new(
        py: Python<'_>,
        n_actions: Int,
        #[pyo3(from_py_with = arg)] params: Option<PyAgentParams>,
        seed: Option<Seed>,
        #[pyo3(from_py_with = arg)] discrete: Option<(Int, Int)>,
        #[pyo3(from_py_with = arg)] config: Option<Bound<'_, PyBrainConfig>>,
        #[pyo3(from_py_with = arg)] brain: Option<Py<PyBrain>>,
    ) -> PyResult<Self> {
        let seed = crate::guard::seed(seed);
        let discrete = Self::discrete_space(discrete)?;
        let n_actions: u32 = n_actions.to("n_actions", "[1, 2**32)")?;
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
    fn brain(slf: Slf<'_, '_>) -> PyResult<Py<PyBrain>> {
        Ok(read(slf)?.brain.clone_ref(slf.py()))
    }

    #[getter]
    fn n_actions(slf: Slf<'_, '_>) -> PyResult<u32> {
        Ok(read(slf)?.inner.n_actions())
    }

    #[getter]
    fn params(slf: Slf<'_, '_>) -> PyResult<PyAgentParams> {
        Ok(PyAgentParams {
            inner: read(slf)?.inner.params().clone(),
        })
    }

    #[setter]
    fn set_params(
        slf: Slf<'_, '_>,
        #[pyo3(from_py_with = arg)] params: PyAgentParams,
    ) -> PyResult<()> {
        write(slf)?.inner.set_params(params.inner).py()
    }

    /// Whether a step that closes a frontier (a state's last untried action) is followed by
    /// a projection of the exploration values (graphs of at most 2**16 nodes + synapses) and at
    /// most 3 dream walks of at most 10 steps (rules.md §1.5a); not saved.
    #[getter]
    fn sweeps_on_closure(slf: Slf<'_, '_>) -> PyResult<bool> {
        Ok(read(slf)?.inner.sweeps_on_closure)
    }

    #[setter]
    fn set_sweeps_on_closure(slf: Slf<'_, '_>, on: bool) -> PyResult<()> {
        write(slf)?.inner.sweeps_on_closure = on;
        Ok(())
    }

    #[getter]
    fn steps(slf: Slf<'_, '_>) -> PyResult<u64> {
        Ok(read(slf)?.inner.steps())
    }

    /// Episodes finished over the agent's life (the history keeps the last `history_limit`).
    #[getter]
    fn episodes(slf: Slf<'_, '_>) -> PyResult<u64> {
        Ok(read(slf)?.inner.episodes())
    }

    #[getter]
    fn awaiting_observation(slf: Slf<'_, '_>) -> PyResult<bool> {
        Ok(read(slf)?.inner.awaiting_observation())
    }

    /// `(return, length)` of the episode in progress.
    fn current_episode(slf: Slf<'_, '_>) -> PyResult<(f64, u64)> {
        Ok(read(slf)?.inner.current_episode())
    }

    /// Chooses an action for an observation given by its state hash (learning as it goes).
    fn act(slf: Slf<'_, '_>, state: Int) -> PyResult<u32> {
        let state = state_hash_argument("state", state)?;
        let mut this = write(slf)?;
        let mut b = this.brain_mut(slf.py())?;
        this.inner.act(&mut b.inner, state).py()
    }

    /// `act` for a `Discrete` observation given as its index.
    fn act_index(slf: Slf<'_, '_>, obs: Int) -> PyResult<u32> {
        let mut this = write(slf)?;
        let state = this.index_hash("obs", obs)?;
        let mut b = this.brain_mut(slf.py())?;
        this.inner.act(&mut b.inner, state).py()
    }

    /// Hands the experiences of the cell with index `parent` to the cells `left` and
    /// `right` that split it (`Brain.inherit_state`; rules.md §1.9). Returns the nodes made.
    fn split_index(slf: Slf<'_, '_>, parent: Int, left: Int, right: Int) -> PyResult<usize> {
        let this = write(slf)?;
        let parent = this.index_hash("parent", parent)?;
        let children = [
            this.index_hash("left", left)?,
            this.index_hash("right", right)?,
        ];
        let mut b = this.brain_mut(slf.py())?;
        b.inner.inherit_state(parent, &children).py()
    }

    /// Raises what :meth:`act` would raise before it changes anything (a ``StateError`` when
    /// the previous action was not observed), changing nothing.
    fn check_act(slf: Slf<'_, '_>) -> PyResult<()> {
        let this = read(slf)?;
        let b = this.brain_ref(slf.py())?;
        this.inner.check_act(&b.inner).py().map(|_| ())
    }

    /// Raises what :meth:`observe` would raise with ``reward`` before it changes anything (a
    /// ``StateError`` before :meth:`act`, an ``InvalidArgumentError`` on a bad reward).
    fn check_observe(slf: Slf<'_, '_>, #[pyo3(from_py_with = arg)] reward: f64) -> PyResult<()> {
        let this = read(slf)?;
        let b = this.brain_ref(slf.py())?;
        this.inner.check_observe(&b.inner, reward).py().map(|_| ())
    }

    /// Reports the outcome of the last action (next observation as a state hash).
    fn observe(
        slf: Slf<'_, '_>,
        #[pyo3(from_py_with = arg)] reward: f64,
        next_state: Int,
        #[pyo3(from_py_with = arg)] terminated: bool,
        #[pyo3(from_py_with = arg)] truncated: bool,
    ) -> PyResult<()> {
        let next_state = state_hash_argument("next_state", next_state)?;
        let mut this = write(slf)?;
        let mut b = this.brain_mut(slf.py())?;
        this.inner
            .observe(&mut b.inner, reward, next_state, terminated, truncated)
            .py()
    }

    /// `observe` for a `Discrete` observation given as its index.
    fn observe_index(
        slf: Slf<'_, '_>,
        #[pyo3(from_py_with = arg)] reward: f64,
        next_obs: Int,
        #[pyo3(from_py_with = arg)] terminated: bool,
        #[pyo3(from_py_with = arg)] truncated: bool,
    ) -> PyResult<()> {
        let mut this = write(slf)?;
        let state = this.index_hash("next_obs", next_obs)?;
        let mut b = this.brain_mut(slf.py())?;
        this.inner
            .observe(&mut b.inner, reward, state, terminated, truncated)
            .py()
    }

    /// Ends the episode in progress; `(return, length, terminated)` or None.
    fn end_episode(slf: Slf<'_, '_>) -> PyResult<Option<(f64, u64, bool)>> {
        let mut this = write(slf)?;
        let mut b = this.brain_mut(slf.py())?;
        Ok(this
            .inner
            .end_episode(&mut b.inner)
            .py()?
            .as_ref()
            .map(record_tuple))
    }

    /// Dreams `params.dream_cycles` cycles or more (up to the replay budget, GIL released);
    /// the report. Ctrl-C stops it between two dream steps; the walks done stay done.
    fn dream(slf: Slf<'_, '_>) -> PyResult<PyDreamReport> {
        let py = slf.py();
        let mut this = write(slf)?;
        let mut b = this.brain_mut(py)?;
        let (agent, brain) = (&mut this.inner, &mut b.inner);
        let work = dream_work(brain.config(), agent.dream_cycles_due(brain));
        Ok(PyDreamReport {
            inner: interruptible_if_long(py, work, |stop| agent.dream_until(brain, stop))?,
        })
    }

    /// The greedy action for a state hash (no learning).
    fn greedy(slf: Slf<'_, '_>, state: Int) -> PyResult<u32> {
        let state = state_hash_argument("state", state)?;
        let mut this = write(slf)?;
        let b = this.brain_ref(slf.py())?;
        Ok(this.inner.greedy_action(&b.inner, state))
    }

    /// `greedy` for a `Discrete` observation index.
    fn greedy_index(slf: Slf<'_, '_>, obs: Int) -> PyResult<u32> {
        let mut this = write(slf)?;
        let state = this.index_hash("observation", obs)?;
        let b = this.brain_ref(slf.py())?;
        Ok(this.inner.greedy_action(&b.inner, state))
    }

    /// An exploring action for a state hash (no learning).
    fn sample(slf: Slf<'_, '_>, state: Int) -> PyResult<u32> {
        let state = state_hash_argument("state", state)?;
        let mut this = write(slf)?;
        let b = this.brain_ref(slf.py())?;
        Ok(this.inner.sample_action(&b.inner, state))
    }

    /// `sample` for a `Discrete` observation index.
    fn sample_index(slf: Slf<'_, '_>, obs: Int) -> PyResult<u32> {
        let mut this = write(slf)?;
        let state = this.index_hash("observation", obs)?;
        let b = this.brain_ref(slf.py())?;
        Ok(this.inner.sample_action(&b.inner, state))
    }

    /// Runs whole episodes of a built-in environment core in Rust, GIL released. Returns the
    /// number of episodes run. Ctrl-C interrupts it within a step, however long an episode
    /// is: the episode in progress ends there, truncated, and stays in the history with the
    /// episodes finished before it; the agent is left idle and usable.
    #[pyo3(
        signature = (env, episodes, dream_every=Int(1)),
        text_signature = "($self, env, episodes, dream_every=1)"
    )]
    fn run_episodes(
        slf: Slf<'_, '_>,
        env: &Bound<'_, PyAny>,
        episodes: Int,
        dream_every: Int,
    ) -> PyResult<usize> {
        let episodes = episodes.count("episodes")?;
        let dream_every = dream_every.count("dream_every")?;
        let py = slf.py();
        let mut this = write(slf)?;
        let mut b = this.brain_mut(py)?;
        let agent = &mut this.inner;
        let brain = &mut b.inner;
        if let Ok(chain) = env.cast::<PyChain>() {
            let mut chain = borrow_mut(chain, "environment")?;
            let core = &mut chain.inner;
            run_in_chunks(py, episodes, |n, stop| {
                agent.run_episodes_until(brain, core, n, dream_every, stop)
            })
        } else if let Ok(grid) = env.cast::<PyGridWorld>() {
            let mut grid = borrow_mut(grid, "environment")?;
            let core = &mut grid.inner;
            run_in_chunks(py, episodes, |n, stop| {
                agent.run_episodes_until(brain, core, n, dream_every, stop)
            })
        } else if let Ok(sea) = env.cast::<PyDeepSea>() {
            let mut sea = borrow_mut(sea, "environment")?;
            let core = &mut sea.inner;
            run_in_chunks(py, episodes, |n, stop| {
                agent.run_episodes_until(brain, core, n, dream_every, stop)
            })
        } else if let Ok(river) = env.cast::<PyRiverSwim>() {
            let mut river = borrow_mut(river, "environment")?;
            let core = &mut river.inner;
            run_in_chunks(py, episodes, |n, stop| {
                agent.run_episodes_until(brain, core, n, dream_every, stop)
            })
        } else {
            Err(crate::errors::type_error(
                "env: run_episodes needs a built-in environment core (ChainCore, GridWorldCore, \
                 DeepSeaCore or RiverSwimCore)",
            ))
        }
    }

    /// `(return, length, terminated, dream report)` of the last finished episode, or None.
    #[allow(clippy::type_complexity)]
    fn last_record(slf: Slf<'_, '_>) -> PyResult<Option<(f64, u64, bool, Option<PyDreamReport>)>> {
        Ok(read(slf)?.inner.history().back().map(|r| {
            (
                r.episode_return,
                r.length,
                r.terminated,
                r.dream.map(|inner| PyDreamReport { inner }),
            )
        }))
    }

    /// Number of episode records in the history (at most `params.history_limit`).
    fn history_len(slf: Slf<'_, '_>) -> PyResult<usize> {
        Ok(read(slf)?.inner.history().len())
    }

    /// Per-episode returns, lengths and terminated flags as numpy arrays.
    #[allow(clippy::type_complexity)]
    fn history_arrays<'py>(
        slf: Slf<'_, 'py>,
    ) -> PyResult<(
        Bound<'py, PyArray1<f64>>,
        Bound<'py, PyArray1<u64>>,
        Bound<'py, PyArray1<bool>>,
    )> {
        let py = slf.py();
        let this = read(slf)?;
        let h = this.inner.history();
        Ok((
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
        ))
    }

    /// The dream report of each episode (None when it was not followed by a dream).
    fn history_dreams(slf: Slf<'_, '_>) -> PyResult<Vec<Option<PyDreamReport>>> {
        Ok(read(slf)?
            .inner
            .history()
            .iter()
            .map(|r| r.dream.map(|inner| PyDreamReport { inner }))
            .collect())
    }

    /// Forgets the history.
    fn clear_history(slf: Slf<'_, '_>) -> PyResult<()> {
        write(slf)?.inner.clear_history();
        Ok(())
    }

    /// The agent, its brain and `metadata` as a file image.
    fn to_bytes<'py>(
        slf: Slf<'_, 'py>,
        #[pyo3(from_py_with = arg)] metadata: String,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let py = slf.py();
        let file = read(slf)?.file(py, metadata)?;
        Ok(PyBytes::new(py, &file.to_bytes()))
    }

    /// Writes the agent, its brain and `metadata` to `path` atomically.
    fn save(
        slf: Slf<'_, '_>,
        #[pyo3(from_py_with = arg)] path: std::path::PathBuf,
        #[pyo3(from_py_with = arg)] metadata: String,
    ) -> PyResult<()> {
        let py = slf.py();
        let file = read(slf)?.file(py, metadata)?;
        py.detach(|| file.save(&path)).py()
    }

    /// Reads a file written by `save`: `(AgentCore, metadata)`.
    #[staticmethod]
    #[pyo3(signature = (path, discrete=None))]
    fn load(
        py: Python<'_>,
        #[pyo3(from_py_with = arg)] path: std::path::PathBuf,
        #[pyo3(from_py_with = arg)] discrete: Option<(Int, Int)>,
    ) -> PyResult<(Self, String)> {
        let discrete = Self::discrete_space(discrete)?;
        let file = py.detach(|| AgentFile::load(&path)).py()?;
        Self::from_file(py, file, discrete)
    }

    /// An agent from a file image: `(AgentCore, metadata)`.
    #[staticmethod]
    #[pyo3(signature = (data, origin="<bytes>", discrete=None))]
    fn from_bytes(
        py: Python<'_>,
        #[pyo3(from_py_with = arg)] data: &[u8],
        #[pyo3(from_py_with = arg)] origin: &str,
        #[pyo3(from_py_with = arg)] discrete: Option<(Int, Int)>,
    ) -> PyResult<(Self, String)> {
        let discrete = Self::discrete_space(discrete)?;
        let file = AgentFile::from_bytes(data, origin).py()?;
        Self::from_file(py, file, discrete)
    }

    /// Sets the index fast path's `Discrete(n, start)` space (after loading).
    fn set_discrete(
        slf: Slf<'_, '_>,
        #[pyo3(from_py_with = arg)] discrete: Option<(Int, Int)>,
    ) -> PyResult<()> {
        let discrete = Self::discrete_space(discrete)?;
        write(slf)?.discrete = discrete;
        Ok(())
    }

    fn __repr__(slf: Slf<'_, '_>) -> String {
        let Ok(this) = read(slf) else {
            return "AgentCore(in use by another thread)".to_string();
        };
        match this.brain_ref(slf.py()) {
            Ok(b) => format!(
                "AgentCore(n_actions={}, nodes={}, synapses={})",
                this.inner.n_actions(),
                b.inner.node_count(),
                b.inner.edge_count()
            ),
            Err(_) => format!(
                "AgentCore(n_actions={}, brain in use)",
                this.inner.n_actions()
            ),
        }
    }
}

/// Adds this area's classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyAgentParams>()?;
    m.add_class::<PyAgent>()?;
    Ok(())
}
