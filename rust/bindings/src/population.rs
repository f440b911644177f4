//! The Rust half of `hebbian_brain.Population`: runs many `AgentCore`s, each in its own
//! built-in environment core, in parallel with the GIL released, and saves/loads them as one
//! file.
//!
//! The members stay ordinary `AgentCore` objects (with their own live `Brain`): a run borrows
//! each member, its brain and its environment for its duration, so nothing is copied, and a
//! member used from another Python thread meanwhile gets the usual "in use" error.

use crate::agent::PyAgent;
use crate::brain::PyBrain;
use crate::envs::{PyChain, PyDeepSea, PyGridWorld, PyRiverSwim};
use crate::errors::{invalid_argument, IntoPyResult};
use crate::guard::arg;
use crate::guard::interruptible;
use crate::guard::{borrow, borrow_mut, Int};
use hebbian_core::agent::{run_population_until, thread_pool, EpisodeRecord, Member};
use hebbian_core::envs::DiscreteEnv;
use hebbian_core::error::try_reserve;
use hebbian_core::io::agent_file::AgentFile;
use hebbian_core::io::population_file::{PopulationEnv, PopulationFile};
use numpy::{IntoPyArray, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// Episodes per member and GIL-released chunk (Ctrl-C is answered within a step, see
/// `guard::interruptible`).
const POPULATION_CHUNK: usize = 32;

/// A borrowed environment core of either built-in kind.
enum EnvRef<'py> {
    Chain(PyRefMut<'py, PyChain>),
    Grid(PyRefMut<'py, PyGridWorld>),
    DeepSea(PyRefMut<'py, PyDeepSea>),
    RiverSwim(PyRefMut<'py, PyRiverSwim>),
}

impl EnvRef<'_> {
    fn core(&mut self) -> &mut (dyn DiscreteEnv + Send) {
        match self {
            EnvRef::Chain(c) => &mut c.inner,
            EnvRef::Grid(g) => &mut g.inner,
            EnvRef::DeepSea(d) => &mut d.inner,
            EnvRef::RiverSwim(r) => &mut r.inner,
        }
    }
}

fn env_ref<'py>(i: usize, env: &Bound<'py, PyAny>) -> PyResult<EnvRef<'py>> {
    if let Ok(chain) = env.cast::<PyChain>() {
        Ok(EnvRef::Chain(borrow_mut(chain, "environment")?))
    } else if let Ok(grid) = env.cast::<PyGridWorld>() {
        Ok(EnvRef::Grid(borrow_mut(grid, "environment")?))
    } else if let Ok(sea) = env.cast::<PyDeepSea>() {
        Ok(EnvRef::DeepSea(borrow_mut(sea, "environment")?))
    } else if let Ok(river) = env.cast::<PyRiverSwim>() {
        Ok(EnvRef::RiverSwim(borrow_mut(river, "environment")?))
    } else {
        Err(crate::errors::type_error(format!(
            "envs[{i}]: a population needs built-in environment cores (ChainCore, \
             GridWorldCore, DeepSeaCore or RiverSwimCore), got {}",
            env.get_type().name()?
        )))
    }
}

/// Returns, lengths and terminated flags of a population run, at [member, episode] (17 bytes
/// per episode, not a whole record), filled chunk by chunk.
struct EpisodeTable {
    episodes: usize,
    returns: Vec<f64>,
    lengths: Vec<i64>,
    terminated: Vec<bool>,
}

impl EpisodeTable {
    /// The table of `n` members x `episodes`, allocated before hours of work start.
    fn new(n: usize, episodes: usize) -> PyResult<Self> {
        let cells = n
            .checked_mul(episodes)
            .filter(|c| c.checked_mul(17).is_some_and(|b| b <= isize::MAX as usize))
            .ok_or_else(|| {
                invalid_argument(
                    "episodes",
                    format!("{n} members x {episodes} episodes is too large to address"),
                )
            })?;
        let oom =
            |what: &'static str| move || format!("the {what} of {n} members x {episodes} episodes");
        let mut returns: Vec<f64> = Vec::new();
        let mut lengths: Vec<i64> = Vec::new();
        let mut terminated: Vec<bool> = Vec::new();
        try_reserve(&mut returns, cells, oom("returns")).py()?;
        try_reserve(&mut lengths, cells, oom("lengths")).py()?;
        try_reserve(&mut terminated, cells, oom("terminated flags")).py()?;
        returns.resize(cells, 0.0);
        lengths.resize(cells, 0);
        terminated.resize(cells, false);
        Ok(EpisodeTable {
            episodes,
            returns,
            lengths,
            terminated,
        })
    }

    /// Writes the first `k` records of each member from episode `done` on.
    fn record(&mut self, done: usize, k: usize, chunk: &[Vec<EpisodeRecord>]) {
        for (i, records) in chunk.iter().enumerate() {
            let row = i * self.episodes + done;
            for (j, r) in records.iter().take(k).enumerate() {
                self.returns[row + j] = r.episode_return;
                self.lengths[row + j] = i64::try_from(r.length).unwrap_or(i64::MAX);
                self.terminated[row + j] = r.terminated;
            }
        }
    }

    /// `(returns, lengths, terminated)` as numpy arrays `[n_members, episodes]`.
    #[allow(clippy::type_complexity)]
    fn into_arrays<'py>(
        self,
        py: Python<'py>,
        n: usize,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let shape = [n, self.episodes];
        Ok((
            self.returns.into_pyarray(py).reshape(shape)?.into_any(),
            self.lengths.into_pyarray(py).reshape(shape)?.into_any(),
            self.terminated.into_pyarray(py).reshape(shape)?.into_any(),
        ))
    }
}

/// Every member's agent, brain and environment, borrowed mutably for a run.
struct Borrowed<'py> {
    agents: Vec<PyRefMut<'py, PyAgent>>,
    brains: Vec<PyRefMut<'py, PyBrain>>,
    envs: Vec<EnvRef<'py>>,
}

impl<'py> Borrowed<'py> {
    /// Borrows everything first: a member in use elsewhere fails the call before anything runs.
    fn new(
        py: Python<'py>,
        agents: &[Bound<'py, PyAgent>],
        envs: &[Bound<'py, PyAny>],
    ) -> PyResult<Self> {
        let mut agent_refs: Vec<PyRefMut<'py, PyAgent>> = Vec::with_capacity(agents.len());
        for a in agents {
            agent_refs.push(borrow_mut(a, "agent")?);
        }
        let mut brains = Vec::with_capacity(agents.len());
        for a in &agent_refs {
            brains.push(borrow_mut(a.brain.bind(py), "brain")?);
        }
        let mut env_refs = Vec::with_capacity(envs.len());
        for (i, e) in envs.iter().enumerate() {
            env_refs.push(env_ref(i, e)?);
        }
        Ok(Borrowed {
            agents: agent_refs,
            brains,
            envs: env_refs,
        })
    }

    /// The members as the core runs them.
    fn members(&mut self) -> Vec<Member<'_>> {
        self.agents
            .iter_mut()
            .zip(self.brains.iter_mut())
            .zip(self.envs.iter_mut())
            .map(|((a, b), e)| Member {
                agent: &mut a.inner,
                brain: &mut b.inner,
                env: e.core(),
            })
            .collect()
    }
}

/// Runs `episodes` episodes of every member in its environment, members in parallel on
/// `n_threads` threads (None: all cores), the GIL released. Results do not depend on the
/// number of threads or on the chunking. Interruptible (Ctrl-C) within a step of every
/// member, however long an episode is; the episodes finished so far stay in the members'
/// histories.
///
/// Returns `(returns, lengths, terminated)`, numpy arrays `[n_members, episodes]` of float64,
/// int64 and bool.
#[pyfunction]
#[pyo3(
    signature = (agents, envs, episodes, *, dream_every=Int(1), n_threads=None),
    text_signature = "(agents, envs, episodes, *, dream_every=1, n_threads=None)"
)]
#[allow(clippy::type_complexity)]
pub(crate) fn run_population_episodes<'py>(
    py: Python<'py>,
    #[pyo3(from_py_with = arg)] agents: Vec<Bound<'py, PyAgent>>,
    #[pyo3(from_py_with = arg)] envs: Vec<Bound<'py, PyAny>>,
    episodes: Int,
    dream_every: Int,
    n_threads: Option<Int>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let episodes = episodes.count("episodes")?;
    let dream_every = dream_every.count("dream_every")?;
    let n_threads = n_threads.map(|n| n.count("n_threads")).transpose()?;
    if agents.len() != envs.len() {
        return Err(crate::errors::shape_error(
            "envs",
            format!("{} environments for {} agents", envs.len(), agents.len()),
        ));
    }
    // One pool for the whole call (starting threads per chunk would cost more than short
    // chunks of work).
    let pool = n_threads.map(thread_pool).transpose().py()?;
    let n = agents.len();
    let mut table = EpisodeTable::new(n, episodes)?;
    let mut borrowed = Borrowed::new(py, &agents, &envs)?;
    let mut members = borrowed.members();
    let mut done = 0;
    loop {
        let k = POPULATION_CHUNK.min(episodes - done);
        let chunk = interruptible(py, |stop| {
            run_population_until(&mut members, k, dream_every, pool.as_ref(), stop)
        })?
        .py()?;
        table.record(done, k, &chunk);
        done += k;
        if done >= episodes {
            break;
        }
    }
    drop(members);
    table.into_arrays(py, n)
}

fn population_file(
    py: Python<'_>,
    agents: &[Bound<'_, PyAgent>],
    envs: &[Bound<'_, PyAny>],
    metadata: String,
) -> PyResult<PopulationFile> {
    if agents.len() != envs.len() {
        return Err(crate::errors::shape_error(
            "envs",
            format!("{} environments for {} agents", envs.len(), agents.len()),
        ));
    }
    let mut members: Vec<AgentFile> = Vec::new();
    let mut saved_envs: Vec<PopulationEnv> = Vec::new();
    let what = || format!("the file image of {} members", agents.len());
    try_reserve(&mut members, agents.len(), what).py()?;
    try_reserve(&mut saved_envs, agents.len(), what).py()?;
    for (i, (a, e)) in agents.iter().zip(envs).enumerate() {
        members.push(borrow(a, "agent")?.file(py, String::new())?);
        saved_envs.push(match env_ref(i, e)? {
            EnvRef::Chain(c) => PopulationEnv::Chain(c.inner.clone()),
            EnvRef::Grid(g) => PopulationEnv::GridWorld(g.inner.clone()),
            EnvRef::DeepSea(d) => PopulationEnv::DeepSea(d.inner.clone()),
            EnvRef::RiverSwim(r) => PopulationEnv::RiverSwim(r.inner.clone()),
        });
    }
    Ok(PopulationFile {
        members,
        envs: saved_envs,
        metadata,
    })
}

/// Members, their environment cores and the metadata of a decoded file.
type Decoded = (Vec<PyAgent>, Vec<Py<PyAny>>, String);

fn decoded(py: Python<'_>, file: PopulationFile) -> PyResult<Decoded> {
    let mut agents = Vec::with_capacity(file.members.len());
    for m in file.members {
        agents.push(PyAgent::from_file(py, m, None)?.0);
    }
    let mut envs = Vec::with_capacity(file.envs.len());
    for e in file.envs {
        envs.push(match e {
            PopulationEnv::Chain(inner) => Py::new(py, PyChain { inner })?.into_any(),
            PopulationEnv::GridWorld(inner) => Py::new(py, PyGridWorld { inner })?.into_any(),
            PopulationEnv::DeepSea(inner) => Py::new(py, PyDeepSea { inner })?.into_any(),
            PopulationEnv::RiverSwim(inner) => Py::new(py, PyRiverSwim { inner })?.into_any(),
        });
    }
    Ok((agents, envs, file.metadata))
}

/// The members (with their brains), their environment cores (with their state) and `metadata`
/// as one file image.
#[pyfunction]
pub(crate) fn population_to_bytes<'py>(
    py: Python<'py>,
    #[pyo3(from_py_with = arg)] agents: Vec<Bound<'py, PyAgent>>,
    #[pyo3(from_py_with = arg)] envs: Vec<Bound<'py, PyAny>>,
    #[pyo3(from_py_with = arg)] metadata: String,
) -> PyResult<Bound<'py, PyBytes>> {
    let file = population_file(py, &agents, &envs, metadata)?;
    let bytes = py.detach(|| file.to_bytes());
    Ok(PyBytes::new(py, &bytes))
}

/// Writes the members, their environment cores and `metadata` to `path` atomically.
#[pyfunction]
pub(crate) fn population_save(
    py: Python<'_>,
    #[pyo3(from_py_with = arg)] agents: Vec<Bound<'_, PyAgent>>,
    #[pyo3(from_py_with = arg)] envs: Vec<Bound<'_, PyAny>>,
    #[pyo3(from_py_with = arg)] path: std::path::PathBuf,
    #[pyo3(from_py_with = arg)] metadata: String,
) -> PyResult<()> {
    let file = population_file(py, &agents, &envs, metadata)?;
    py.detach(|| file.save(&path)).py()
}

/// A `population_to_bytes` image: `(list[AgentCore], list[ChainCore | GridWorldCore], metadata)`.
#[pyfunction]
#[pyo3(signature = (data, origin="<bytes>"))]
pub(crate) fn population_from_bytes(
    py: Python<'_>,
    #[pyo3(from_py_with = arg)] data: &[u8],
    #[pyo3(from_py_with = arg)] origin: &str,
) -> PyResult<Decoded> {
    let file = py
        .detach(|| PopulationFile::from_bytes(data, origin))
        .py()?;
    decoded(py, file)
}

/// A file written by `population_save`: `(agents, environment cores, metadata)`.
#[pyfunction]
pub(crate) fn population_load(
    py: Python<'_>,
    #[pyo3(from_py_with = arg)] path: std::path::PathBuf,
) -> PyResult<Decoded> {
    let file = py.detach(|| PopulationFile::load(&path)).py()?;
    decoded(py, file)
}

/// The seed of stream `stream` derived from `seed` (SplitMix64), as the Rust core derives the
/// seeds of parallel trials and population members.
#[pyfunction]
pub(crate) fn derive_seed(seed: Int, stream: Int) -> PyResult<u64> {
    Ok(hebbian_core::rng::derive_seed(
        seed.to("seed", "[0, 2**64)")?,
        stream.to("stream", "[0, 2**64)")?,
    ))
}

/// Adds this area's functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run_population_episodes, m)?)?;
    m.add_function(wrap_pyfunction!(population_to_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(population_save, m)?)?;
    m.add_function(wrap_pyfunction!(population_from_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(population_load, m)?)?;
    m.add_function(wrap_pyfunction!(derive_seed, m)?)?;
    Ok(())
}
