//! `CognitiveEnvCore`: the Rust core of the cognitive tasks in `hebbian_brain.envs`
//! (PerceptualDecisionMaking, ContextDecisionMaking, DelayMatchSample, DelayedNonMatch).

use crate::errors::{invalid_argument, to_pyerr, IntoPyResult};
use crate::guard::arg;
use crate::guard::Int;
use hebbian_core::envs::cognitive::{
    CognitiveEnv, Duration, Outcome, Rewards, TaskKind, TrialParams,
};
use hebbian_core::rnn::agent::ContinuousEnv;
use hebbian_core::Error;
use numpy::{PyArray1, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The Rust core of a cognitive task (the Gymnasium classes of ``hebbian_brain.envs`` hold
/// one; see them for the tasks' documentation).
///
/// Args:
///     task: "PerceptualDecisionMaking", "ContextDecisionMaking", "DelayMatchSample" or
///         "DelayedNonMatch".
///     dt: step in milliseconds.
///     timing: ``[(period, kind, values)]`` changes to the default timing, ``kind`` one of
///         "constant", "uniform", "choice", "truncated_exponential".
///     rewards: ``(abort, correct, fail)``.
///     abort: whether breaking fixation ends the trial.
///     cohs, sigma, dim_ring: the task's parameters (None: the task's default).
///     seed: seeds the trials (None: from the OS).
#[pyclass(module = "hebbian_brain.envs", name = "CognitiveEnvCore")]
pub struct PyCognitiveEnv {
    pub(crate) inner: CognitiveEnv,
}

fn duration(period: &str, kind: &str, values: &[f64]) -> PyResult<Duration> {
    let need = |n: usize| {
        if values.len() == n {
            Ok(())
        } else {
            Err(to_pyerr(Error::config(
                format!("timing['{period}']"),
                format!("'{kind}' takes {n} value(s), got {}", values.len()),
            )))
        }
    };
    Ok(match kind {
        "constant" => {
            need(1)?;
            Duration::Constant(values[0])
        }
        "uniform" => {
            need(2)?;
            Duration::Uniform(values[0], values[1])
        }
        "choice" => Duration::Choice(values.to_vec()),
        "truncated_exponential" => {
            need(3)?;
            Duration::TruncatedExponential {
                mean: values[0],
                low: values[1],
                high: values[2],
            }
        }
        other => {
            return Err(to_pyerr(Error::config(
                format!("timing['{period}']"),
                format!(
                "unknown distribution {other:?} (constant, uniform, choice, truncated_exponential)"
            ),
            )))
        }
    })
}

fn duration_to_py(d: &Duration) -> (String, Vec<f64>) {
    match d {
        Duration::Constant(v) => ("constant".into(), vec![*v]),
        Duration::Uniform(a, b) => ("uniform".into(), vec![*a, *b]),
        Duration::Choice(v) => ("choice".into(), v.clone()),
        Duration::TruncatedExponential { mean, low, high } => {
            ("truncated_exponential".into(), vec![*mean, *low, *high])
        }
    }
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Running => "running",
        Outcome::Correct => "correct",
        Outcome::Wrong => "wrong",
        Outcome::Aborted => "aborted",
        Outcome::NoResponse => "no_response",
    }
}

/// `(obs, reward, terminated, gt, outcome)` of one step.
type StepResult<'py> = (Bound<'py, PyArray1<f64>>, f64, bool, usize, &'static str);

impl PyCognitiveEnv {
    fn obs<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_slice(py, self.inner.observation())
    }
}

#[pymethods]
impl PyCognitiveEnv {
    #[new]
    #[pyo3(signature = (task, dt=100.0, timing=Vec::new(), rewards=(-0.1, 1.0, 0.0), abort=false, cohs=None, sigma=None, dim_ring=None, seed=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        #[pyo3(from_py_with = arg)] task: &str,
        #[pyo3(from_py_with = arg)] dt: f64,
        #[pyo3(from_py_with = arg)] timing: Vec<(String, String, Vec<f64>)>,
        #[pyo3(from_py_with = arg)] rewards: (f64, f64, f64),
        #[pyo3(from_py_with = arg)] abort: bool,
        #[pyo3(from_py_with = arg)] cohs: Option<Vec<f64>>,
        #[pyo3(from_py_with = arg)] sigma: Option<f64>,
        dim_ring: Option<crate::guard::Int>,
        seed: Option<crate::guard::Seed>,
    ) -> PyResult<Self> {
        let dim_ring: Option<usize> = dim_ring
            .map(|d| d.to("dim_ring", "[0, 2**64)"))
            .transpose()?;
        let sigma_or = |d: f64| sigma.unwrap_or(d);
        let kind = match task {
            "PerceptualDecisionMaking" => TaskKind::PerceptualDecisionMaking {
                cohs: cohs.unwrap_or_else(|| vec![0.0, 6.4, 12.8, 25.6, 51.2]),
                sigma: sigma_or(1.0),
                dim_ring: dim_ring.unwrap_or(2),
            },
            "ContextDecisionMaking" => TaskKind::ContextDecisionMaking {
                cohs: cohs.unwrap_or_else(|| vec![5.0, 15.0, 50.0]),
                sigma: sigma_or(1.0),
            },
            "DelayMatchSample" => TaskKind::DelayMatchSample {
                sigma: sigma_or(1.0),
                dim_ring: dim_ring.unwrap_or(2),
            },
            "DelayedNonMatch" => TaskKind::DelayedNonMatch {
                sigma: sigma_or(0.0),
            },
            other => return Err(invalid_argument("task", format!("unknown task {other:?}"))),
        };
        let timing = timing
            .iter()
            .map(|(p, k, v)| Ok((p.clone(), duration(p, k, v)?)))
            .collect::<PyResult<Vec<_>>>()?;
        let rewards = Rewards {
            abort: rewards.0,
            correct: rewards.1,
            fail: rewards.2,
        };
        let inner =
            CognitiveEnv::new(kind, dt, timing, rewards, abort, crate::guard::seed(seed)).py()?;
        Ok(Self { inner })
    }

    /// Starts a trial (reseeding first when ``seed`` is given); returns its first observation.
    #[pyo3(signature = (seed=None))]
    fn reset<'py>(
        &mut self,
        py: Python<'py>,
        seed: Option<crate::guard::Seed>,
    ) -> Bound<'py, PyArray1<f64>> {
        ContinuousEnv::reset(&mut self.inner, crate::guard::seed(seed));
        self.obs(py)
    }

    /// One step: ``(obs, reward, terminated, gt, outcome)`` where ``gt`` is the ground truth
    /// of the step just taken and ``outcome`` the trial's state.
    fn step<'py>(&mut self, py: Python<'py>, action: Int) -> PyResult<StepResult<'py>> {
        let a: usize = action.to("action", &format!("[0, {})", self.inner.kind().n_actions()))?;
        let gt = self.inner.gt_now();
        let s = self.inner.step_action(a).py()?;
        Ok((
            self.obs(py),
            s.reward,
            s.terminated,
            gt,
            outcome_name(self.inner.outcome()),
        ))
    }

    /// Draws and starts a new trial, fixing the given variables; returns the trial's variables.
    #[pyo3(signature = (ground_truth=None, coh=None, context=None, coh_0=None, coh_1=None, other_choice=None, sample=None))]
    #[allow(clippy::too_many_arguments)]
    fn new_trial<'py>(
        &mut self,
        py: Python<'py>,
        ground_truth: Option<Int>,
        #[pyo3(from_py_with = arg)] coh: Option<f64>,
        context: Option<Int>,
        #[pyo3(from_py_with = arg)] coh_0: Option<f64>,
        #[pyo3(from_py_with = arg)] coh_1: Option<f64>,
        other_choice: Option<Int>,
        sample: Option<Int>,
    ) -> PyResult<Bound<'py, PyDict>> {
        // The task checks each variable's own range; here only that it is a machine integer.
        let index = |v: Option<Int>, name: &str| v.map(|v| v.count(name)).transpose();
        let params = TrialParams {
            ground_truth: index(ground_truth, "ground_truth")?,
            coh,
            context: index(context, "context")?,
            coh_0,
            coh_1,
            other_choice: index(other_choice, "other_choice")?,
            sample: index(sample, "sample")?,
        };
        self.inner.new_trial(&params).py()?;
        self.trial_info(py)
    }

    /// The current trial's variables (``ground_truth`` and the task's own) as a dict.
    fn trial_info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let t = self.inner.trial();
        d.set_item("ground_truth", t.ground_truth)?;
        for (k, v) in &t.values {
            if matches!(k.as_str(), "context" | "other_choice" | "sample" | "test") {
                d.set_item(k, *v as i64)?;
            } else {
                d.set_item(k, *v)?;
            }
        }
        Ok(d)
    }

    /// Observations of the current trial, ``[T, n_obs]`` (a copy).
    #[getter]
    fn ob<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let t = self.inner.trial();
        let n = self.inner.kind().n_obs();
        Ok(PyArray1::from_slice(py, &t.ob)
            .reshape([t.len(), n])?
            .into_any())
    }

    /// Ground-truth action of each step of the current trial, ``[T]`` (a copy).
    #[getter]
    fn gt<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        let v: Vec<i64> = self.inner.trial().gt.iter().map(|g| *g as i64).collect();
        PyArray1::from_vec(py, v)
    }

    /// ``[(name, first step, end step)]`` of the current trial's periods.
    #[getter]
    fn periods(&self) -> Vec<(String, usize, usize)> {
        self.inner.trial().periods.clone()
    }

    /// The full timing: ``[(period, kind, values)]``.
    #[getter]
    fn timing(&self) -> Vec<(String, String, Vec<f64>)> {
        self.inner
            .timing()
            .periods
            .iter()
            .map(|(n, d)| {
                let (k, v) = duration_to_py(d);
                (n.clone(), k, v)
            })
            .collect()
    }

    /// Step within the current trial.
    #[getter]
    fn t(&self) -> usize {
        self.inner.t()
    }

    /// Name of the current period.
    #[getter]
    fn period(&self) -> String {
        self.inner.period().to_string()
    }

    /// "running", "correct", "wrong", "aborted" or "no_response".
    #[getter]
    fn outcome(&self) -> &'static str {
        outcome_name(self.inner.outcome())
    }

    /// Observation length.
    #[getter]
    fn n_obs(&self) -> usize {
        self.inner.kind().n_obs()
    }

    /// Number of actions (0 = fixate).
    #[getter]
    fn n_actions(&self) -> usize {
        self.inner.kind().n_actions()
    }

    /// Names of the observation's entries.
    #[getter]
    fn obs_names(&self) -> Vec<String> {
        self.inner.kind().obs_names()
    }

    /// Step length in milliseconds.
    #[getter]
    fn dt(&self) -> f64 {
        self.inner.dt()
    }

    /// ``(abort, correct, fail)``.
    #[getter]
    fn rewards(&self) -> (f64, f64, f64) {
        let r = self.inner.rewards();
        (r.abort, r.correct, r.fail)
    }

    /// A copy with the same state and generator.
    fn __copy__(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }

    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> Self {
        self.__copy__()
    }
}
