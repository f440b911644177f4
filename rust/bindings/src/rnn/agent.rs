//! `RecurrentAgentCore`: the Rust half of `hebbian_brain.rnn`'s recurrent agents, one call
//! per environment step, whole episodes of the built-in cognitive tasks with the GIL released,
//! populations trained in parallel.

use super::convert::to_numpy;
use crate::envs::PyCognitiveEnv;
use crate::errors::{invalid_argument, shape_error, to_pyerr, IntoPyResult};
use crate::guard::{arg, cast_arg, read_observation};
use crate::guard::{borrow, borrow_mut};
use hebbian_core::rnn::agent::{
    train_population as core_train_population, ActionMap, AgentConfig, AgentEligibility,
    AgentReadout, AgentRule, RecurrentAgent,
};
use hebbian_core::Error;
use numpy::{PyArray1, PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

/// The Rust core of a recurrent agent (used by ``NodePerturbationAgent`` and
/// ``RewardHebbianAgent``; see their docs).
///
/// Args:
///     rule: "node_perturbation" or "reward_hebbian".
///     n_neurons: N.
///     obs_offset, obs_scale: the input is ``(obs − offset) · scale``.
///     n_actions: number of discrete actions (or None for continuous actions).
///     action_offset, action_scale: continuous actions ``offset + scale · r_out``.
///     observation_space: text naming the space, used in error messages.
///     seed: seeds the weights and the exploration (None: from the OS).
///     **params: any field of the rule's parameters (see ``config``).
#[pyclass(module = "hebbian_brain.rnn", name = "RecurrentAgentCore")]
pub struct PyRecurrentAgentCore {
    pub(crate) inner: RecurrentAgent,
    space: String,
    obs_buf: Vec<f64>,
}

fn rule_name(r: AgentRule) -> &'static str {
    match r {
        AgentRule::NodePerturbation => "node_perturbation",
        AgentRule::RewardHebbian => "reward_hebbian",
    }
}

fn eligibility_name(e: AgentEligibility) -> &'static str {
    match e {
        AgentEligibility::CubedFluctuation => "cubed_fluctuation",
        AgentEligibility::Fluctuation => "fluctuation",
        AgentEligibility::Perturbation => "perturbation",
    }
}

fn parse_eligibility(name: &str) -> PyResult<AgentEligibility> {
    match name {
        "cubed_fluctuation" => Ok(AgentEligibility::CubedFluctuation),
        "fluctuation" => Ok(AgentEligibility::Fluctuation),
        "perturbation" => Ok(AgentEligibility::Perturbation),
        other => Err(to_pyerr(Error::config(
            "eligibility",
            format!("must be 'cubed_fluctuation', 'fluctuation' or 'perturbation', got {other:?}"),
        ))),
    }
}

fn readout_name(r: AgentReadout) -> &'static str {
    match r {
        AgentReadout::Neurons => "neurons",
        AgentReadout::Value => "value",
    }
}

fn parse_readout(name: &str) -> PyResult<AgentReadout> {
    match name {
        "neurons" => Ok(AgentReadout::Neurons),
        "value" => Ok(AgentReadout::Value),
        other => Err(to_pyerr(Error::config(
            "readout",
            format!("must be 'neurons' or 'value', got {other:?}"),
        ))),
    }
}

/// Applies keyword parameters to a config, refusing unknown names.
fn apply_params(c: &mut AgentConfig, params: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
    let Some(params) = params else { return Ok(()) };
    for (k, v) in params.iter() {
        let key: String = k.extract()?;
        let float = |v: &Bound<'_, PyAny>| -> PyResult<f64> {
            if v.is_instance_of::<pyo3::types::PyBool>() {
                return Err(crate::errors::type_error(format!(
                    "`{key}` must be a number, got bool"
                )));
            }
            v.extract::<f64>()
                .map_err(|_| crate::errors::type_error(format!("`{key}` must be a number")))
        };
        match key.as_str() {
            "eligibility" => c.eligibility = parse_eligibility(&crate::guard::arg::<String>(&v)?)?,
            "leak" => c.leak = float(&v)?,
            "gain" => c.gain = float(&v)?,
            "input_scale" => c.input_scale = float(&v)?,
            "learning_rate" => c.learning_rate = float(&v)?,
            "perturbation_probability" => c.perturbation_probability = float(&v)?,
            "noise" => c.noise = float(&v)?,
            "output_noise" => c.output_noise = float(&v)?,
            "output_noise_correlation" => c.output_noise_correlation = float(&v)?,
            "activity_trace_decay" => c.activity_trace_decay = float(&v)?,
            "baseline_decay" => c.baseline_decay = float(&v)?,
            "trace_decay" => c.trace_decay = float(&v)?,
            "max_dw" => c.max_dw = float(&v)?,
            "learn_input_weights" => c.learn_input_weights = crate::guard::arg(&v)?,
            "readout" => c.readout = parse_readout(&crate::guard::arg::<String>(&v)?)?,
            "readout_learning_rate" => c.readout_learning_rate = float(&v)?,
            "readout_trace_decay" => c.readout_trace_decay = float(&v)?,
            other => {
                return Err(crate::errors::type_error(format!(
                    "unexpected parameter `{other}` (see the agent's config for the names)"
                )))
            }
        }
    }
    Ok(())
}

/// The config as a dict (the names `apply_params` accepts, plus `rule` and `n_neurons`).
fn config_dict<'py>(py: Python<'py>, c: &AgentConfig) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("rule", rule_name(c.rule))?;
    d.set_item("n_neurons", c.n_neurons)?;
    d.set_item("eligibility", eligibility_name(c.eligibility))?;
    d.set_item("leak", c.leak)?;
    d.set_item("gain", c.gain)?;
    d.set_item("input_scale", c.input_scale)?;
    d.set_item("learning_rate", c.learning_rate)?;
    d.set_item("perturbation_probability", c.perturbation_probability)?;
    d.set_item("noise", c.noise)?;
    d.set_item("output_noise", c.output_noise)?;
    d.set_item("output_noise_correlation", c.output_noise_correlation)?;
    d.set_item("activity_trace_decay", c.activity_trace_decay)?;
    d.set_item("baseline_decay", c.baseline_decay)?;
    d.set_item("trace_decay", c.trace_decay)?;
    d.set_item("max_dw", c.max_dw)?;
    d.set_item("learn_input_weights", c.learn_input_weights)?;
    d.set_item("readout", readout_name(c.readout))?;
    d.set_item("readout_learning_rate", c.readout_learning_rate)?;
    d.set_item("readout_trace_decay", c.readout_trace_decay)?;
    Ok(d)
}

impl PyRecurrentAgentCore {
    /// Reads an observation (float64 or float32 array, or a sequence of reals) into `buf`.
    fn read_obs(&self, obs: &Bound<'_, PyAny>, buf: &mut Vec<f64>) -> PyResult<()> {
        read_observation(obs, &self.space, self.inner.n_obs(), false, buf)
    }

    fn action_to_py(&self, py: Python<'_>, action: &[f64]) -> PyResult<Py<PyAny>> {
        Ok(match self.inner.action_map() {
            ActionMap::Discrete(_) => (action[0] as i64).into_pyobject(py)?.into_any().unbind(),
            ActionMap::Continuous { .. } => PyArray1::from_slice(py, action).into_any().unbind(),
        })
    }
}

#[pymethods]
impl PyRecurrentAgentCore {
    #[new]
    #[pyo3(signature = (rule, n_neurons, obs_offset, obs_scale, n_actions=None, action_offset=None, action_scale=None, observation_space=String::new(), seed=None, **params))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        #[pyo3(from_py_with = arg)] rule: &str,
        n_neurons: crate::guard::Int,
        #[pyo3(from_py_with = arg)] obs_offset: Vec<f64>,
        #[pyo3(from_py_with = arg)] obs_scale: Vec<f64>,
        n_actions: Option<crate::guard::Int>,
        #[pyo3(from_py_with = arg)] action_offset: Option<Vec<f64>>,
        #[pyo3(from_py_with = arg)] action_scale: Option<Vec<f64>>,
        #[pyo3(from_py_with = arg)] observation_space: String,
        seed: Option<crate::guard::Seed>,
        params: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let n = usize::try_from(n_neurons.0).map_err(|_| {
            to_pyerr(Error::config(
                "n_neurons",
                format!("must be an integer >= 1 that fits in memory, got {n_neurons}"),
            ))
        })?;
        let mut config = match rule {
            "node_perturbation" => AgentConfig::node_perturbation(n),
            "reward_hebbian" => AgentConfig::reward_hebbian(n),
            other => {
                return Err(invalid_argument(
                    "rule",
                    format!("must be 'node_perturbation' or 'reward_hebbian', got {other:?}"),
                ))
            }
        };
        apply_params(&mut config, params)?;
        let action =
            match (n_actions, action_offset, action_scale) {
                (Some(k), None, None) if k.0 >= 1 => ActionMap::Discrete(k.count("n_actions")?),
                (None, Some(offset), Some(scale)) => ActionMap::Continuous { offset, scale },
                _ => return Err(invalid_argument(
                    "action",
                    "give n_actions >= 1 (discrete) or action_offset and action_scale (continuous)",
                )),
            };
        let inner = RecurrentAgent::new(
            config,
            obs_offset,
            obs_scale,
            action,
            crate::guard::seed(seed),
        )
        .py()?;
        Ok(Self {
            inner,
            space: observation_space,
            obs_buf: Vec::with_capacity(8),
        })
    }

    /// One exploring step that is learned from at the episode's end: the action for ``obs``.
    /// ``reward`` is the reward that followed the previous step of this episode (ignored at the
    /// first step).
    fn act(
        &mut self,
        py: Python<'_>,
        obs: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = arg)] reward: f64,
    ) -> PyResult<Py<PyAny>> {
        let mut buf = std::mem::take(&mut self.obs_buf);
        let mut out = Vec::with_capacity(4);
        let r = self
            .read_obs(obs, &mut buf)
            .and_then(|_| self.inner.act(&buf, reward, &mut out).py());
        self.obs_buf = buf;
        r?;
        self.action_to_py(py, &out)
    }

    /// Ends the episode (``final_reward`` follows its last step) and learns from it:
    /// ``(return, length, modulator)``.
    fn end_episode(
        &mut self,
        #[pyo3(from_py_with = arg)] final_reward: f64,
    ) -> PyResult<(f64, u64, f64)> {
        let s = self.inner.end_episode(final_reward).py()?;
        Ok((s.episode_return, s.length, s.modulator))
    }

    /// Drops the episode in progress without learning from it.
    fn discard_episode(&mut self) {
        self.inner.discard_episode();
    }

    /// One step from ``state`` (None: the start of an episode) without learning:
    /// ``(action, new_state)``.
    #[pyo3(signature = (obs, state=None, deterministic=false))]
    fn predict<'py>(
        &mut self,
        py: Python<'py>,
        obs: &Bound<'py, PyAny>,
        #[pyo3(from_py_with = arg)] state: Option<PyReadonlyArray1<'py, f64>>,
        #[pyo3(from_py_with = arg)] deterministic: bool,
    ) -> PyResult<(Py<PyAny>, Bound<'py, PyAny>)> {
        let mut buf = Vec::new();
        self.read_obs(obs, &mut buf)?;
        let n = self.inner.config().n_neurons;
        let mut x = match state {
            None => vec![0.0; n],
            Some(s) => {
                if s.len() != n {
                    return Err(shape_error(
                        "state",
                        format!("expected {n} values (the network's state), got {}", s.len()),
                    ));
                }
                s.as_array().to_vec()
            }
        };
        let mut out = Vec::with_capacity(4);
        self.inner
            .predict(&buf, &mut x, deterministic, &mut out)
            .py()?;
        Ok((self.action_to_py(py, &out)?, to_numpy(py, x, &[n])?))
    }

    /// Runs and learns ``episodes`` episodes of a built-in cognitive task in Rust (GIL
    /// released): ``(returns, lengths)`` of the new episodes.
    #[pyo3(
        signature = (env, episodes, max_steps=crate::guard::Int(100_000)),
        text_signature = "($self, env, episodes, max_steps=100000)"
    )]
    fn run_episodes<'py>(
        &mut self,
        py: Python<'py>,
        #[pyo3(from_py_with = cast_arg)] env: &Bound<'py, PyCognitiveEnv>,
        episodes: crate::guard::Int,
        max_steps: crate::guard::Int,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let (episodes, max_steps) = counts(episodes, max_steps)?;
        let mut e = borrow_mut(env, "environment")?;
        let core = &mut e.inner;
        let agent = &mut self.inner;
        let out = py
            .detach(|| agent.run_episodes(core, episodes, max_steps))
            .py()?;
        let n = out.len();
        let returns = out.iter().map(|s| s.episode_return).collect();
        let lengths: Vec<f64> = out.iter().map(|s| s.length as f64).collect();
        Ok((to_numpy(py, returns, &[n])?, to_numpy(py, lengths, &[n])?))
    }

    /// Greedy returns of ``episodes`` episodes of a built-in cognitive task, without learning.
    #[pyo3(
        signature = (env, episodes, max_steps=crate::guard::Int(100_000)),
        text_signature = "($self, env, episodes, max_steps=100000)"
    )]
    fn evaluate<'py>(
        &mut self,
        py: Python<'py>,
        #[pyo3(from_py_with = cast_arg)] env: &Bound<'py, PyCognitiveEnv>,
        episodes: crate::guard::Int,
        max_steps: crate::guard::Int,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (episodes, max_steps) = counts(episodes, max_steps)?;
        let mut e = borrow_mut(env, "environment")?;
        let core = &mut e.inner;
        let agent = &mut self.inner;
        let out = py
            .detach(|| agent.evaluate(core, episodes, max_steps))
            .py()?;
        let n = out.len();
        to_numpy(py, out, &[n])
    }

    /// ``(returns, lengths, modulators)`` of every finished episode, oldest first.
    fn history<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let h = self.inner.history();
        let n = h.len();
        Ok((
            to_numpy(py, h.iter().map(|s| s.episode_return).collect(), &[n])?,
            to_numpy(py, h.iter().map(|s| s.length as f64).collect(), &[n])?,
            to_numpy(py, h.iter().map(|s| s.modulator).collect(), &[n])?,
        ))
    }

    /// The parameters as a dict.
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        config_dict(py, self.inner.config())
    }

    /// Changes parameters (keywords as in the constructor; the size stays).
    #[pyo3(signature = (**params))]
    fn set_params(&mut self, params: Option<&Bound<'_, PyDict>>) -> PyResult<()> {
        let mut c = self.inner.config().clone();
        apply_params(&mut c, params)?;
        self.inner.set_config(c).py()
    }

    /// Recurrent weights ``J`` ``[N, N]`` (a copy).
    #[getter]
    fn weights<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let n = self.inner.config().n_neurons;
        to_numpy(py, self.inner.weights().to_vec(), &[n, n])
    }

    /// Input weights ``W_in`` ``[N, n_obs + 1]`` (the last column: biases; a copy).
    #[getter]
    fn input_weights<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let n = self.inner.config().n_neurons;
        to_numpy(
            py,
            self.inner.input_weights().to_vec(),
            &[n, self.inner.n_obs() + 1],
        )
    }

    /// The value readout's ``V`` ``[n_actions, N + 1]`` (empty rows without one; a copy).
    #[getter]
    fn readout_weights<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let m = self.inner.config().n_neurons + 1;
        let v = self.inner.readout_weights().to_vec();
        let rows = v.len() / m;
        to_numpy(py, v, &[rows, m])
    }

    /// The running mean ``r̄`` the value readout centres the rates on, ``[N]`` (empty without one).
    #[getter]
    fn readout_mean<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let n = self.inner.readout_mean().len();
        to_numpy(py, self.inner.readout_mean().to_vec(), &[n])
    }

    /// Replaces the value readout's ``V`` and ``r̄`` (flattened, shapes as the getters give).
    fn set_readout(
        &mut self,
        #[pyo3(from_py_with = arg)] weights: Vec<f64>,
        #[pyo3(from_py_with = arg)] mean: Vec<f64>,
    ) -> PyResult<()> {
        self.inner.set_readout(weights, mean).py()
    }

    /// Replaces ``J`` and ``W_in`` (shapes as the getters give).
    fn set_weights(
        &mut self,
        #[pyo3(from_py_with = arg)] weights: Vec<f64>,
        #[pyo3(from_py_with = arg)] input_weights: Vec<f64>,
    ) -> PyResult<()> {
        self.inner.set_weights(weights, input_weights).py()
    }

    /// The network's state ``x`` in the episode in progress (a copy).
    #[getter]
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let n = self.inner.config().n_neurons;
        to_numpy(py, self.inner.state().to_vec(), &[n])
    }

    /// Finished episodes.
    #[getter]
    fn episodes(&self) -> u64 {
        self.inner.episodes()
    }

    /// Steps taken while learning.
    #[getter]
    fn steps(&self) -> u64 {
        self.inner.steps()
    }

    /// Steps of the episode in progress.
    #[getter]
    fn episode_steps(&self) -> usize {
        self.inner.episode_steps()
    }

    /// The running reward baseline and spread ``(Ḡ, σ̄)``.
    #[getter]
    fn baseline(&self) -> (f64, f64) {
        self.inner.baseline()
    }

    /// Free text saved with the agent (the Python classes keep their spaces here).
    #[getter]
    fn metadata(&self) -> String {
        self.inner.metadata.clone()
    }

    #[setter]
    fn set_metadata(&mut self, #[pyo3(from_py_with = arg)] value: String) {
        self.inner.metadata = value;
    }

    /// Observation length.
    #[getter]
    fn n_obs(&self) -> usize {
        self.inner.n_obs()
    }

    /// The agent in the library's container format.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.to_bytes())
    }

    /// Writes the agent to ``path`` atomically (temporary file + rename).
    fn save(
        &self,
        py: Python<'_>,
        #[pyo3(from_py_with = arg)] path: std::path::PathBuf,
    ) -> PyResult<()> {
        let bytes = self.inner.to_bytes();
        py.detach(|| hebbian_core::io::container::write_atomic(&path, &bytes))
            .py()
    }

    /// An agent from ``to_bytes`` output (``FileFormatError`` if damaged).
    #[staticmethod]
    #[pyo3(signature = (data, origin="<bytes>", observation_space=String::new()))]
    fn from_bytes(
        #[pyo3(from_py_with = arg)] data: &[u8],
        #[pyo3(from_py_with = arg)] origin: &str,
        #[pyo3(from_py_with = arg)] observation_space: String,
    ) -> PyResult<Self> {
        Ok(Self {
            inner: RecurrentAgent::from_bytes(origin, data).py()?,
            space: observation_space,
            obs_buf: Vec::with_capacity(8),
        })
    }
}

/// Trains each agent on its own built-in cognitive task for ``episodes`` episodes, in parallel
/// (rayon, GIL released). The result does not depend on the number of threads. Returns the
/// returns of each agent's episodes, ``[n_agents, episodes]``.
#[pyfunction]
#[pyo3(
    signature = (agents, envs, episodes, max_steps=crate::guard::Int(100_000)),
    text_signature = "(agents, envs, episodes, max_steps=100000)"
)]
fn train_population<'py>(
    py: Python<'py>,
    #[pyo3(from_py_with = arg)] agents: Vec<Bound<'py, PyRecurrentAgentCore>>,
    #[pyo3(from_py_with = arg)] envs: Vec<Bound<'py, PyCognitiveEnv>>,
    episodes: crate::guard::Int,
    max_steps: crate::guard::Int,
) -> PyResult<Bound<'py, PyAny>> {
    let (episodes, max_steps) = counts(episodes, max_steps)?;
    if agents.len() != envs.len() {
        return Err(shape_error(
            "envs",
            format!("{} environments for {} agents", envs.len(), agents.len()),
        ));
    }
    let mut cores = Vec::with_capacity(agents.len());
    for a in &agents {
        cores.push(borrow(a, "agent")?.inner.clone());
    }
    let mut env_cores = Vec::with_capacity(envs.len());
    for e in &envs {
        env_cores.push(borrow(e, "environment")?.inner.clone());
    }
    let out = py
        .detach(|| core_train_population(&mut cores, &mut env_cores, episodes, max_steps))
        .py()?;
    for ((a, core), (e, env)) in agents.iter().zip(cores).zip(envs.iter().zip(env_cores)) {
        borrow_mut(a, "agent")?.inner = core;
        borrow_mut(e, "environment")?.inner = env;
    }
    let rows = out.len();
    let flat: Vec<f64> = out
        .iter()
        .flat_map(|v| v.iter().map(|s| s.episode_return))
        .collect();
    to_numpy(py, flat, &[rows, episodes as usize])
}

/// `episodes` and `max_steps` as `u64` counts in [0, 2**63) (`InvalidArgumentError` naming
/// the argument otherwise; pyo3's own `u64` raises a bare `OverflowError`).
fn counts(episodes: crate::guard::Int, max_steps: crate::guard::Int) -> PyResult<(u64, u64)> {
    Ok((
        episodes.count("episodes")? as u64,
        max_steps.count("max_steps")? as u64,
    ))
}

/// Adds this area's classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRecurrentAgentCore>()?;
    m.add_function(wrap_pyfunction!(train_population, m)?)?;
    Ok(())
}
