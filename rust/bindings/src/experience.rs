//! `ExperienceCore`: the experience graph learner of Box observations (`hebbian_core::experience`).
//!
//! One crossing per step (`act`, `observe`); a rebuild (scheduled inside `observe`, or asked
//! for with `dream`) runs with the GIL released and answers Ctrl-C, leaving the plan as it was.

use std::path::PathBuf;

use hebbian_core::experience::{Config, Learner};
use numpy::{PyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::errors::{invalid_argument, IntoPyResult};
use crate::guard::{arg, borrow, borrow_mut, interruptible, read_observation, Int, Seed};
use crate::rnn::convert::to_numpy;

/// The experience graph learner (see `hebbian_brain.ExperienceAgent`).
#[pyclass(name = "ExperienceCore", module = "hebbian_brain._core")]
pub struct PyExperience {
    inner: Learner,
    /// The observation space's repr, for error messages.
    space: String,
    /// The observation buffer reused every step.
    buf: Vec<f64>,
}

type Slf<'a, 'py> = &'a Bound<'py, PyExperience>;

fn read<'py>(slf: Slf<'_, 'py>) -> PyResult<PyRef<'py, PyExperience>> {
    borrow(slf, "experience learner")
}

fn write<'py>(slf: Slf<'_, 'py>) -> PyResult<PyRefMut<'py, PyExperience>> {
    borrow_mut(slf, "experience learner")
}

impl PyExperience {
    fn read_obs(&mut self, obs: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
        let mut buf = std::mem::take(&mut self.buf);
        let r = read_observation(obs, &self.space, self.inner.graph().dim(), true, &mut buf);
        match r {
            Ok(()) => Ok(buf),
            Err(e) => {
                self.buf = buf;
                Err(e)
            }
        }
    }

    /// Runs the due rebuild (GIL released, Ctrl-C answered); true if it ran to the end.
    ///
    /// Always on a helper thread: even a small graph can take long (a discount near 1 with a
    /// tiny tolerance), and rebuilds are rare (their schedule is geometric in the steps).
    fn rebuild(&mut self, py: Python<'_>) -> PyResult<bool> {
        let learner = &mut self.inner;
        interruptible(py, |stop| learner.rebuild_until(stop))?.py()
    }
}

#[pymethods]
impl PyExperience {
    #[new]
    #[pyo3(signature = (
        dim, n_actions, *, k=Int(8), rho=0.1, beta=1.0, gamma=0.99, tol=1e-3, max_sweeps=Int(400),
        max_nodes=None, seed=None, observation_space=String::new()
    ), text_signature = "(dim, n_actions, *, k=8, rho=0.1, beta=1.0, gamma=0.99, tol=0.001, \
        max_sweeps=400, max_nodes=None, seed=None, observation_space='')")]
    #[allow(clippy::too_many_arguments)]
    fn new(
        dim: Int,
        n_actions: Int,
        k: Int,
        #[pyo3(from_py_with = arg)] rho: f64,
        #[pyo3(from_py_with = arg)] beta: f64,
        #[pyo3(from_py_with = arg)] gamma: f64,
        #[pyo3(from_py_with = arg)] tol: f64,
        max_sweeps: Int,
        max_nodes: Option<Int>,
        seed: Option<Seed>,
        #[pyo3(from_py_with = arg)] observation_space: String,
    ) -> PyResult<Self> {
        let dim: usize = dim.to("dim", "[1, 2**20]")?;
        let n_actions: usize = n_actions.to("n_actions", "[1, 2**24]")?;
        let k: usize = k.to("k", "[1, 1024]")?;
        let mut config = Config::within_budget_k(dim, n_actions, k);
        (config.rho, config.beta, config.gamma, config.tol) = (rho, beta, gamma, tol);
        config.max_sweeps = max_sweeps.to("max_sweeps", "[1, 2**63)")?;
        if let Some(m) = max_nodes {
            config.max_nodes = m.to("max_nodes", "[1, 2**32)")?;
        }
        let inner = Learner::new(dim, n_actions, config, crate::guard::seed(seed)).py()?;
        Ok(PyExperience {
            inner,
            space: observation_space,
            buf: Vec::with_capacity(dim),
        })
    }

    /// Values per observation.
    #[getter]
    fn dim(slf: Slf<'_, '_>) -> PyResult<usize> {
        Ok(read(slf)?.inner.graph().dim())
    }

    /// Number of actions.
    #[getter]
    fn n_actions(slf: Slf<'_, '_>) -> PyResult<usize> {
        Ok(read(slf)?.inner.graph().n_actions())
    }

    /// Nodes stored (one per step, at most `max_nodes`).
    #[getter]
    fn node_count(slf: Slf<'_, '_>) -> PyResult<usize> {
        Ok(read(slf)?.inner.graph().len())
    }

    /// Nodes the last rebuild planned.
    #[getter]
    fn planned(slf: Slf<'_, '_>) -> PyResult<usize> {
        Ok(read(slf)?.inner.graph().planned())
    }

    /// Steps stored in all (overwritten ones included).
    #[getter]
    fn stored(slf: Slf<'_, '_>) -> PyResult<u64> {
        Ok(read(slf)?.inner.stored())
    }

    /// Steps stored since the last rebuild (what `dream` would add to the values).
    #[getter]
    fn unplanned(slf: Slf<'_, '_>) -> PyResult<u64> {
        Ok(read(slf)?.inner.unplanned())
    }

    /// Whether an action from `act` waits for `observe`.
    #[getter]
    fn pending(slf: Slf<'_, '_>) -> PyResult<bool> {
        Ok(read(slf)?.inner.is_pending())
    }

    /// `max(r_max, 0)/(1 − γ)` of the last rebuild: the value of the unexplored.
    #[getter]
    fn v_max(slf: Slf<'_, '_>) -> PyResult<f64> {
        Ok(read(slf)?.inner.graph().v_max())
    }

    /// The parameters as a dict (k, rho, beta, gamma, tol, max_sweeps, max_nodes).
    #[getter]
    fn config<'py>(slf: Slf<'_, 'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = *read(slf)?.inner.graph().config();
        let d = PyDict::new(slf.py());
        d.set_item("k", c.k)?;
        d.set_item("rho", c.rho)?;
        d.set_item("beta", c.beta)?;
        d.set_item("gamma", c.gamma)?;
        d.set_item("tol", c.tol)?;
        d.set_item("max_sweeps", c.max_sweeps)?;
        d.set_item("max_nodes", c.max_nodes)?;
        Ok(d)
    }

    /// The exploring action at `obs` (best optimistic value, seeded ties); remembered for
    /// `observe`.
    fn act(slf: Slf<'_, '_>, obs: &Bound<'_, PyAny>) -> PyResult<usize> {
        let mut this = write(slf)?;
        let buf = this.read_obs(obs)?;
        let r = this.inner.act(&buf).py();
        this.buf = buf;
        r
    }

    /// Stores the step from the last `act`; rebuilds when due (true if it did).
    fn observe(
        slf: Slf<'_, '_>,
        #[pyo3(from_py_with = arg)] reward: f64,
        next_obs: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = arg)] terminated: bool,
    ) -> PyResult<bool> {
        let mut this = write(slf)?;
        let buf = this.read_obs(next_obs)?;
        let r = this.inner.record(reward, &buf, terminated).py();
        this.buf = buf;
        r?;
        if this.inner.rebuild_due() {
            return this.rebuild(slf.py());
        }
        Ok(false)
    }

    /// The exploring action at `obs` without remembering it (one of several trajectories).
    fn choose(slf: Slf<'_, '_>, obs: &Bound<'_, PyAny>) -> PyResult<usize> {
        let mut this = write(slf)?;
        let buf = this.read_obs(obs)?;
        let r = this.inner.choose(&buf).py();
        this.buf = buf;
        r
    }

    /// Stores one step of any trajectory; rebuilds when due (true if it did).
    fn store(
        slf: Slf<'_, '_>,
        obs: &Bound<'_, PyAny>,
        action: Int,
        #[pyo3(from_py_with = arg)] reward: f64,
        next_obs: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = arg)] terminated: bool,
    ) -> PyResult<bool> {
        let mut this = write(slf)?;
        let n_actions = this.inner.graph().n_actions();
        let action: usize = action.to("action", "[0, n_actions)")?;
        if action >= n_actions {
            return Err(invalid_argument(
                "action",
                format!("must be < n_actions = {n_actions}, got {action}"),
            ));
        }
        let x = this.read_obs(obs)?;
        let x2 = match this.read_obs(next_obs) {
            Ok(v) => v,
            Err(e) => {
                this.buf = x;
                return Err(e);
            }
        };
        let r = this
            .inner
            .push_step(&x, action, reward, &x2, terminated)
            .py();
        this.buf = x2;
        r?;
        if this.inner.rebuild_due() {
            return this.rebuild(slf.py());
        }
        Ok(false)
    }

    /// Stores many steps (`[n, dim]`, `[n]` int64, `[n]`, `[n, dim]`, `[n]` bool) without the
    /// scheduled rebuilds (call `dream` after); every step is checked before any is stored.
    fn store_many(
        slf: Slf<'_, '_>,
        #[pyo3(from_py_with = arg)] obs: PyReadonlyArray2<'_, f64>,
        #[pyo3(from_py_with = arg)] actions: numpy::PyReadonlyArray1<'_, i64>,
        #[pyo3(from_py_with = arg)] rewards: numpy::PyReadonlyArray1<'_, f64>,
        #[pyo3(from_py_with = arg)] next_obs: PyReadonlyArray2<'_, f64>,
        #[pyo3(from_py_with = arg)] terminated: numpy::PyReadonlyArray1<'_, bool>,
    ) -> PyResult<()> {
        let mut this = write(slf)?;
        let dim = this.inner.graph().dim();
        let n = actions.len();
        let fits = |s: &[usize]| s == [n, dim];
        if !fits(obs.shape())
            || !fits(next_obs.shape())
            || rewards.len() != n
            || terminated.len() != n
        {
            return Err(crate::errors::shape_error(
                "steps",
                format!("expected [n, {dim}] observations and n actions, rewards and flags"),
            ));
        }
        let (x, x2) = (obs.as_array(), next_obs.as_array());
        let (a, r, t) = (
            actions.as_array(),
            rewards.as_array(),
            terminated.as_array(),
        );
        let x: Vec<f64> = x.iter().copied().collect();
        let x2: Vec<f64> = x2.iter().copied().collect();
        let mut acts = Vec::with_capacity(n);
        for &ai in a.iter() {
            acts.push(usize::try_from(ai).unwrap_or(usize::MAX));
        }
        let steps = (0..n).map(|i| {
            (
                &x[i * dim..(i + 1) * dim],
                acts[i],
                r[i],
                &x2[i * dim..(i + 1) * dim],
                t[i],
            )
        });
        this.inner.push_steps(steps).py()
    }

    /// Forgets an action whose outcome will not be observed.
    fn end_episode(slf: Slf<'_, '_>) -> PyResult<()> {
        write(slf)?.inner.end_episode();
        Ok(())
    }

    /// Rebuilds now (GIL released; Ctrl-C leaves the plan as it was); true when done.
    fn dream(slf: Slf<'_, '_>) -> PyResult<bool> {
        let mut this = write(slf)?;
        this.rebuild(slf.py())
    }

    /// The greedy action at `obs` (one step of lookahead).
    fn predict(slf: Slf<'_, '_>, obs: &Bound<'_, PyAny>) -> PyResult<usize> {
        let mut this = write(slf)?;
        let buf = this.read_obs(obs)?;
        let r = this.inner.predict(&buf).py();
        this.buf = buf;
        r
    }

    /// Greedy actions for a float64 batch `[n, dim]` (GIL released), as int64.
    fn predict_batch<'py>(
        slf: Slf<'_, 'py>,
        #[pyo3(from_py_with = arg)] obs: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let py = slf.py();
        let this = read(slf)?;
        let dim = this.inner.graph().dim();
        if obs.shape()[1] != dim {
            return Err(crate::errors::shape_error(
                "observation",
                format!("expected [n, {dim}] observations, got {:?}", obs.shape()),
            ));
        }
        let rows: Vec<f64> = obs.as_array().iter().copied().collect();
        let learner = &this.inner;
        let out = py.detach(|| {
            rows.chunks_exact(dim)
                .map(|row| learner.predict(row).map(|a| a as i64))
                .collect::<hebbian_core::Result<Vec<i64>>>()
        });
        Ok(PyArray1::from_vec(py, out.py()?))
    }

    /// Each action's value at `obs`: greedy (or optimistic) kernel means, with one step of
    /// lookahead or without.
    #[pyo3(signature = (obs, *, optimistic=false, lookahead=true))]
    fn values<'py>(
        slf: Slf<'_, 'py>,
        obs: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = arg)] optimistic: bool,
        #[pyo3(from_py_with = arg)] lookahead: bool,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let mut this = write(slf)?;
        let buf = this.read_obs(obs)?;
        let r = this.inner.graph().values(&buf, optimistic, lookahead).py();
        this.buf = buf;
        Ok(PyArray1::from_vec(slf.py(), r?))
    }

    /// The stored steps: `(observations [n, dim], actions [n], rewards [n], next_observations
    /// [n, dim], terminated [n])` (copies).
    #[allow(clippy::type_complexity)]
    fn steps<'py>(
        slf: Slf<'_, 'py>,
    ) -> PyResult<(
        Bound<'py, PyAny>,
        Bound<'py, PyArray1<i64>>,
        Bound<'py, PyArray1<f64>>,
        Bound<'py, PyAny>,
        Bound<'py, PyArray1<bool>>,
    )> {
        let py = slf.py();
        let this = read(slf)?;
        let g = this.inner.graph();
        let shape = [g.len(), g.dim()];
        Ok((
            to_numpy(py, g.observations().to_vec(), &shape)?,
            PyArray1::from_iter(py, g.actions().iter().map(|&a| a as i64)),
            PyArray1::from_slice(py, g.rewards()),
            to_numpy(py, g.next_observations().to_vec(), &shape)?,
            PyArray1::from_slice(py, g.terminals()),
        ))
    }

    /// The planned node values of the last rebuild (greedy `Q`, or optimistic `Q⁺`).
    #[pyo3(signature = (*, optimistic=false))]
    fn node_values<'py>(
        slf: Slf<'_, 'py>,
        #[pyo3(from_py_with = arg)] optimistic: bool,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let this = read(slf)?;
        let g = this.inner.graph();
        let q = if optimistic {
            g.q_optimistic()
        } else {
            g.q_greedy()
        };
        Ok(PyArray1::from_slice(slf.py(), q))
    }

    /// The per-dimension scale of the last rebuild.
    #[getter]
    fn scale<'py>(slf: Slf<'_, 'py>) -> PyResult<Bound<'py, PyArray1<f64>>> {
        Ok(PyArray1::from_slice(
            slf.py(),
            read(slf)?.inner.graph().scale(),
        ))
    }

    /// The links out of the planned nodes `nodes`: `(source, target, weight)` arrays.
    #[allow(clippy::type_complexity)]
    fn links<'py>(
        slf: Slf<'_, 'py>,
        nodes: &Bound<'py, PyAny>,
    ) -> PyResult<(
        Bound<'py, PyArray1<i64>>,
        Bound<'py, PyArray1<i64>>,
        Bound<'py, PyArray1<f64>>,
    )> {
        let py = slf.py();
        let this = read(slf)?;
        let g = this.inner.graph();
        let (mut src, mut dst, mut w) = (Vec::new(), Vec::new(), Vec::new());
        let mut count = 0usize;
        for node in nodes
            .try_iter()
            .map_err(|e| crate::guard::library_error(py, e))?
        {
            count += 1;
            if count > g.planned() {
                return Err(invalid_argument(
                    "nodes",
                    format!("more ids than the {} planned nodes", g.planned()),
                ));
            }
            let node: Int = arg(&node?)?;
            let i: usize = node.to("nodes", "[0, planned)")?;
            if i >= g.planned() {
                return Err(crate::errors::invalid_node(i));
            }
            for (j, wj) in g.links_of(i) {
                src.push(i as i64);
                dst.push(j as i64);
                w.push(wj);
            }
        }
        Ok((
            PyArray1::from_vec(py, src),
            PyArray1::from_vec(py, dst),
            PyArray1::from_vec(py, w),
        ))
    }

    /// The learner and `metadata` as a file image.
    fn to_bytes<'py>(
        slf: Slf<'_, 'py>,
        #[pyo3(from_py_with = arg)] metadata: String,
    ) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(
            slf.py(),
            &read(slf)?.inner.to_bytes(&metadata),
        ))
    }

    /// Writes the learner and `metadata` to `path` atomically.
    fn save(
        slf: Slf<'_, '_>,
        #[pyo3(from_py_with = arg)] path: PathBuf,
        #[pyo3(from_py_with = arg)] metadata: String,
    ) -> PyResult<()> {
        let bytes = read(slf)?.inner.to_bytes(&metadata);
        slf.py()
            .detach(|| hebbian_core::io::container::write_atomic(&path, &bytes))
            .py()
    }

    /// A learner from a file image: `(ExperienceCore, metadata)`.
    #[staticmethod]
    #[pyo3(signature = (data, origin="<bytes>", observation_space=String::new()))]
    fn from_bytes(
        py: Python<'_>,
        #[pyo3(from_py_with = arg)] data: &[u8],
        #[pyo3(from_py_with = arg)] origin: &str,
        #[pyo3(from_py_with = arg)] observation_space: String,
    ) -> PyResult<(Self, String)> {
        let (inner, meta) = py.detach(|| Learner::from_bytes(data, origin)).py()?;
        let dim = inner.graph().dim();
        Ok((
            PyExperience {
                inner,
                space: observation_space,
                buf: Vec::with_capacity(dim),
            },
            meta,
        ))
    }

    /// Reads a file written by `save`: `(ExperienceCore, metadata)`.
    #[staticmethod]
    #[pyo3(signature = (path, observation_space=String::new()))]
    fn load(
        py: Python<'_>,
        #[pyo3(from_py_with = arg)] path: PathBuf,
        #[pyo3(from_py_with = arg)] observation_space: String,
    ) -> PyResult<(Self, String)> {
        let bytes = py
            .detach(|| {
                hebbian_core::io::container::read_container(
                    &path,
                    hebbian_core::experience::EXPERIENCE_KIND,
                )
            })
            .py()?;
        let origin = path.display().to_string();
        Self::from_bytes(py, &bytes, &origin, observation_space)
    }

    /// The observation space named in error messages.
    #[getter]
    fn observation_space(slf: Slf<'_, '_>) -> PyResult<String> {
        Ok(read(slf)?.space.clone())
    }

    /// Sets the observation space named in error messages (after loading).
    #[setter]
    fn set_observation_space(
        slf: Slf<'_, '_>,
        #[pyo3(from_py_with = arg)] space: String,
    ) -> PyResult<()> {
        write(slf)?.space = space;
        Ok(())
    }

    fn __repr__(slf: Slf<'_, '_>) -> String {
        match read(slf) {
            Ok(this) => {
                let g = this.inner.graph();
                format!(
                    "ExperienceCore(dim={}, n_actions={}, nodes={}, planned={})",
                    g.dim(),
                    g.n_actions(),
                    g.len(),
                    g.planned()
                )
            }
            Err(_) => "ExperienceCore(in use by another thread)".into(),
        }
    }
}

/// Adds the class to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyExperience>()?;
    Ok(())
}
