//! Python face of differentiable plasticity (`hebbian_core::rnn::plastic`) and of the
//! optimizers (`hebbian_core::rnn::optim`). The `PlasticRNN` class and the `fit` loop are
//! written in Python (`hebbian_brain/rnn/_plastic.py`) on top of the two functions here.

use crate::errors::{invalid_argument, shape_error, IntoPyResult};
use crate::guard::arg;
use hebbian_core::rnn::optim::{Adam, AdamConfig};
use hebbian_core::rnn::plastic::{
    self, Checkpointing, Episodes, EtaGrad, EtaRef, PlasticParams, Real, Targets,
    DEFAULT_TRACE_BUDGET,
};
use numpy::{
    IntoPyArray, PyArrayDyn, PyArrayMethods, PyReadonlyArray2, PyReadonlyArray3,
    PyReadonlyArrayDyn, PyUntypedArrayMethods,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Adds this area's classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(plastic_loss_and_grad, m)?)?;
    m.add_function(wrap_pyfunction!(plastic_forward, m)?)?;
    m.add_class::<PyAdam>()?;
    Ok(())
}

fn slice<'a, T: numpy::Element, D: numpy::ndarray::Dimension>(
    a: &'a numpy::PyReadonlyArray<'_, T, D>,
    name: &str,
) -> PyResult<&'a [T]> {
    // `as_slice` also accepts Fortran order, which would be read transposed: require C order.
    if !a.is_c_contiguous() {
        return Err(invalid_argument(
            name,
            "must be a C-contiguous array (use np.ascontiguousarray)",
        ));
    }
    a.as_slice()
        .map_err(|_| invalid_argument(name, "must be a C-contiguous array"))
}

/// A float type the network runs in: `Real` (the core) plus a numpy element.
trait Float: Real + numpy::Element {}
impl Float for f64 {}
impl Float for f32 {}

/// Extracts a numpy array of the network's float type, naming the argument otherwise.
fn array<'py, T: Float, D: numpy::ndarray::Dimension>(
    x: &Bound<'py, PyAny>,
    name: &str,
) -> PyResult<numpy::PyReadonlyArray<'py, T, D>> {
    match x.cast::<numpy::PyArray<T, D>>() {
        Ok(a) => Ok(a.readonly()),
        Err(_) => Err(crate::errors::type_error(format!(
            "`{name}` must be a {} numpy array with the expected number of dimensions \
             (the dtype of w)",
            T::NAME
        ))),
    }
}

/// η as a float, a 0-d array (shared) or an `[N, N]` array (per connection).
enum EtaArg<'py, T: Float> {
    Shared(T),
    PerConnection(PyReadonlyArrayDyn<'py, T>),
}

fn eta_arg<'py, T: Float>(eta: &Bound<'py, PyAny>) -> PyResult<EtaArg<'py, T>> {
    if let Ok(a) = eta.cast::<PyArrayDyn<T>>() {
        let a = a.readonly();
        return match a.ndim() {
            0 => Ok(EtaArg::Shared(slice(&a, "eta")?[0])),
            2 => Ok(EtaArg::PerConnection(a)),
            d => Err(shape_error(
                "eta",
                format!("must be a scalar or [N, N], got {d} dimensions"),
            )),
        };
    }
    eta.extract::<f64>()
        .map(|e| EtaArg::Shared(T::from_f64(e)))
        .map_err(|_| {
            crate::errors::type_error(format!(
                "`eta` must be a float or a {} numpy array",
                T::NAME
            ))
        })
}

/// Checks that `w` and `alpha` are square `[N, N]` of the same size; returns N.
fn network_size<T: Float>(
    w: &PyReadonlyArray2<'_, T>,
    alpha: &PyReadonlyArray2<'_, T>,
    eta: &EtaArg<'_, T>,
) -> PyResult<usize> {
    let s = w.shape();
    if s[0] != s[1] {
        return Err(shape_error(
            "w",
            format!("must be square [N, N], got {s:?}"),
        ));
    }
    if alpha.shape() != s {
        return Err(shape_error(
            "alpha",
            format!("must have the shape of w {s:?}, got {:?}", alpha.shape()),
        ));
    }
    if let EtaArg::PerConnection(e) = eta {
        if e.shape() != s {
            return Err(shape_error(
                "eta",
                format!(
                    "a per-connection eta must have the shape of w {s:?}, got {:?}",
                    e.shape()
                ),
            ));
        }
    }
    Ok(s[0])
}

fn params<'a, T: Float>(
    n: usize,
    w: &'a PyReadonlyArray2<'_, T>,
    alpha: &'a PyReadonlyArray2<'_, T>,
    eta: &'a EtaArg<'_, T>,
) -> PyResult<PlasticParams<'a, T>> {
    Ok(PlasticParams {
        n,
        w: slice(w, "w")?,
        alpha: slice(alpha, "alpha")?,
        eta: match eta {
            EtaArg::Shared(e) => EtaRef::Shared(*e),
            EtaArg::PerConnection(a) => EtaRef::PerConnection(slice(a, "eta")?),
        },
    })
}

fn episodes<'a, T: Float>(
    inputs: &'a PyReadonlyArray3<'_, T>,
    n: usize,
) -> PyResult<Episodes<'a, T>> {
    let s = inputs.shape();
    if s[2] != n {
        return Err(shape_error(
            "inputs",
            format!("last axis must be the {n} neurons, got shape {s:?}"),
        ));
    }
    Ok(Episodes {
        inputs: slice(inputs, "inputs")?,
        batch: s[0],
        steps: s[1],
    })
}

/// Whether the network arrays are float32 (otherwise float64 is required).
fn is_f32(w: &Bound<'_, PyAny>) -> bool {
    w.cast::<numpy::PyArray2<f32>>().is_ok()
}

type LossGradResult<'py> = (f64, Bound<'py, PyDict>, Bound<'py, PyAny>, usize, bool);

/// Loss and exact gradients of a batch of episodes (see `PlasticRNN.loss_and_grad`).
///
/// Every array has the dtype of `w` (float64 or float32). Returns
/// `(loss, {"w", "alpha", "eta"}, final_outputs [B, N], checkpoint_every, recomputed)`.
/// `checkpoint_every`: copies every K steps with reversal between them; otherwise automatic
/// within `memory_budget` bytes of trace copies per episode in flight (None: 160 MiB).
#[pyfunction]
#[pyo3(signature = (w, alpha, eta, inputs, targets, mask=None, checkpoint_every=None, memory_budget=None))]
#[allow(clippy::too_many_arguments)]
fn plastic_loss_and_grad<'py>(
    py: Python<'py>,
    w: &Bound<'py, PyAny>,
    alpha: &Bound<'py, PyAny>,
    eta: &Bound<'py, PyAny>,
    inputs: &Bound<'py, PyAny>,
    targets: &Bound<'py, PyAny>,
    mask: Option<&Bound<'py, PyAny>>,
    checkpoint_every: Option<crate::guard::Int>,
    memory_budget: Option<crate::guard::Int>,
) -> PyResult<LossGradResult<'py>> {
    let c = match checkpoint_every {
        Some(every) => Checkpointing::Reverse {
            every: every.count("checkpoint_every")?,
        },
        None => Checkpointing::Auto {
            budget_bytes: match memory_budget {
                Some(b) => b.count("memory_budget")?,
                None => DEFAULT_TRACE_BUDGET,
            },
        },
    };
    if is_f32(w) {
        loss_and_grad_typed::<f32>(py, w, alpha, eta, inputs, targets, mask, c)
    } else {
        loss_and_grad_typed::<f64>(py, w, alpha, eta, inputs, targets, mask, c)
    }
}

#[allow(clippy::too_many_arguments)]
fn loss_and_grad_typed<'py, T: Float>(
    py: Python<'py>,
    w: &Bound<'py, PyAny>,
    alpha: &Bound<'py, PyAny>,
    eta: &Bound<'py, PyAny>,
    inputs: &Bound<'py, PyAny>,
    targets: &Bound<'py, PyAny>,
    mask: Option<&Bound<'py, PyAny>>,
    checkpointing: Checkpointing,
) -> PyResult<LossGradResult<'py>> {
    let (w, alpha) = (array::<T, _>(w, "w")?, array::<T, _>(alpha, "alpha")?);
    let eta = eta_arg::<T>(eta)?;
    let inputs = array::<T, _>(inputs, "inputs")?;
    let targets: PyReadonlyArrayDyn<'py, T> = array(targets, "targets")?;
    let mask: Option<PyReadonlyArrayDyn<'py, T>> = match mask {
        Some(m) => Some(array(m, "mask")?),
        None => None,
    };
    let n = network_size(&w, &alpha, &eta)?;
    let p = params(n, &w, &alpha, &eta)?;
    let ep = episodes(&inputs, n)?;
    let ts = targets.shape().to_vec();
    let last = match ts.len() {
        2 => true,
        3 => false,
        d => {
            return Err(shape_error(
                "targets",
                format!("must be [B, N] or [B, T, N], got {d} dimensions"),
            ))
        }
    };
    let want: Vec<usize> = if last {
        vec![ep.batch, n]
    } else {
        vec![ep.batch, ep.steps, n]
    };
    if ts != want {
        return Err(shape_error(
            "targets",
            format!("expected shape {want:?}, got {ts:?}"),
        ));
    }
    if let Some(m) = &mask {
        if m.shape() != ts.as_slice() {
            return Err(shape_error(
                "mask",
                format!("must have the shape of targets {ts:?}, got {:?}", m.shape()),
            ));
        }
    }
    let tv = slice(&targets, "targets")?;
    let t = if last {
        Targets::LastStep(tv)
    } else {
        Targets::EveryStep(tv)
    };
    let mv = match &mask {
        Some(m) => Some(slice(m, "mask")?),
        None => None,
    };
    let r = py
        .detach(|| plastic::loss_and_grad_with(p, ep, t, mv, checkpointing))
        .py()?;
    let grads = PyDict::new(py);
    grads.set_item("w", r.grad_w.into_pyarray(py).reshape([n, n])?)?;
    grads.set_item("alpha", r.grad_alpha.into_pyarray(py).reshape([n, n])?)?;
    match r.grad_eta {
        EtaGrad::Shared(g) => grads.set_item("eta", g.to_f64())?,
        EtaGrad::PerConnection(g) => grads.set_item("eta", g.into_pyarray(py).reshape([n, n])?)?,
    }
    let outputs = r
        .final_outputs
        .into_pyarray(py)
        .reshape([ep.batch, n])?
        .into_any();
    Ok((r.loss, grads, outputs, r.checkpoint_every, r.recomputed))
}

/// Runs a batch of episodes; returns the outputs y_1..y_T, `[B, T, N]` (dtype of `w`).
#[pyfunction]
#[pyo3(signature = (w, alpha, eta, inputs))]
fn plastic_forward<'py>(
    py: Python<'py>,
    w: &Bound<'py, PyAny>,
    alpha: &Bound<'py, PyAny>,
    eta: &Bound<'py, PyAny>,
    inputs: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    if is_f32(w) {
        forward_typed::<f32>(py, w, alpha, eta, inputs)
    } else {
        forward_typed::<f64>(py, w, alpha, eta, inputs)
    }
}

fn forward_typed<'py, T: Float>(
    py: Python<'py>,
    w: &Bound<'py, PyAny>,
    alpha: &Bound<'py, PyAny>,
    eta: &Bound<'py, PyAny>,
    inputs: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let (w, alpha) = (array::<T, _>(w, "w")?, array::<T, _>(alpha, "alpha")?);
    let eta = eta_arg::<T>(eta)?;
    let inputs = array::<T, _>(inputs, "inputs")?;
    let n = network_size(&w, &alpha, &eta)?;
    let p = params(n, &w, &alpha, &eta)?;
    let ep = episodes(&inputs, n)?;
    let (b, t) = (ep.batch, ep.steps);
    let ys = py.detach(|| plastic::forward(p, ep)).py()?;
    Ok(ys.into_pyarray(py).reshape([b, t, n])?.into_any())
}

/// Adam (Kingma & Ba 2015) over a list of numpy arrays (all float64 or all float32), updated
/// in place.
///
/// `Adam(params, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)`; `step(grads)` takes one gradient
/// per parameter, of the same shape and dtype, checks them all, then updates every parameter.
#[pyclass(module = "hebbian_brain.optim", name = "Adam")]
pub struct PyAdam {
    inner: Adam,
    params: Params,
}

/// The parameter arrays, of one float type.
enum Params {
    F64(Vec<Py<PyArrayDyn<f64>>>),
    F32(Vec<Py<PyArrayDyn<f32>>>),
}

fn as_array<'py, T: Float>(
    x: &Bound<'py, PyAny>,
    what: &str,
) -> PyResult<Bound<'py, PyArrayDyn<T>>> {
    x.cast::<PyArrayDyn<T>>().cloned().map_err(|_| {
        crate::errors::type_error(format!("`{what}` must be a {} numpy array", T::NAME))
    })
}

/// The `params` (or `grads`) argument of `Adam`: a list (or any iterable that is not an array, a string
/// or bytes) of arrays. An array itself is refused with a `TypeError` before it is iterated:
/// pyo3's `Vec` extraction would allocate one slot per element first (32 GiB for a broadcast
/// `(2**32,)` view), and an array's rows are views, not parameters.
fn param_list<'py>(params: &Bound<'py, PyAny>, name: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let refuse = || -> PyResult<PyErr> {
        Ok(crate::errors::type_error(format!(
            "`{name}` must be a list of numpy arrays (e.g. [w, b]), got {}",
            params.get_type().name()?
        )))
    };
    if params.cast::<numpy::PyUntypedArray>().is_ok()
        || params.is_instance_of::<pyo3::types::PyString>()
        || params.is_instance_of::<pyo3::types::PyBytes>()
    {
        return Err(refuse()?);
    }
    let mut out = Vec::new();
    let Ok(items) = params.try_iter() else {
        return Err(refuse()?);
    };
    for p in items {
        out.push(p?);
    }
    Ok(out)
}

fn collect_params<T: Float>(params: &[Bound<'_, PyAny>]) -> PyResult<Vec<Py<PyArrayDyn<T>>>> {
    let mut arrays = Vec::with_capacity(params.len());
    // Byte ranges of the arrays so far: two parameters must not share memory.
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(params.len());
    for (k, p) in params.iter().enumerate() {
        let what = format!("params[{k}]");
        let a = as_array::<T>(p, &what)?;
        if !a.is_c_contiguous() {
            return Err(invalid_argument(&what, "must be C-contiguous"));
        }
        if a.len() > 0 {
            let start = a.data() as usize;
            let end = start + a.len() * std::mem::size_of::<T>();
            if spans.iter().any(|&(s, e)| start < e && s < end) {
                return Err(invalid_argument(
                    &what,
                    "shares memory with an earlier parameter (each array must be given once)",
                ));
            }
            spans.push((start, end));
        }
        if a.try_readwrite().is_err() {
            return Err(invalid_argument(
                &what,
                "must be a writeable array that is not borrowed elsewhere",
            ));
        }
        arrays.push(a.unbind());
    }
    Ok(arrays)
}

/// One Adam step over parameters of type `T`; every check happens before anything changes.
fn step_typed<T: Float>(
    py: Python<'_>,
    inner: &mut Adam,
    params: &[Py<PyArrayDyn<T>>],
    grads: &[Bound<'_, PyAny>],
) -> PyResult<()> {
    if grads.len() != params.len() {
        return Err(shape_error(
            "grads",
            format!(
                "expected {} gradient arrays, got {}",
                params.len(),
                grads.len()
            ),
        ));
    }
    let mut grad_arrays = Vec::with_capacity(grads.len());
    for (k, (g, p)) in grads.iter().zip(params).enumerate() {
        let p = p.bind(py);
        let what = format!("grads[{k}]");
        let g = if let Ok(x) = g.extract::<f64>() {
            if p.ndim() != 0 && p.len() != 1 {
                return Err(shape_error(
                    &what,
                    "a scalar gradient needs a scalar parameter",
                ));
            }
            numpy::ndarray::ArrayD::from_elem(p.shape(), T::from_f64(x)).into_pyarray(py)
        } else {
            as_array::<T>(g, &what)?
        };
        if g.shape() != p.shape() {
            return Err(shape_error(
                &what,
                format!("expected shape {:?}, got {:?}", p.shape(), g.shape()),
            ));
        }
        grad_arrays.push(g);
    }
    let readonly: Vec<_> = grad_arrays.iter().map(|g| g.readonly()).collect();
    let mut grad_slices = Vec::with_capacity(readonly.len());
    for (k, g) in readonly.iter().enumerate() {
        grad_slices.push(slice(g, &format!("grads[{k}]"))?);
    }
    inner.check_grads(&grad_slices).py()?;
    let mut writers = Vec::with_capacity(params.len());
    for (k, p) in params.iter().enumerate() {
        let w = p.bind(py).try_readwrite().map_err(|_| {
            invalid_argument(
                &format!("params[{k}]"),
                "is borrowed elsewhere (or passed twice)",
            )
        })?;
        writers.push(w);
    }
    let mut param_slices: Vec<&mut [T]> = Vec::with_capacity(writers.len());
    for (k, w) in writers.iter_mut().enumerate() {
        param_slices.push(
            w.as_slice_mut()
                .map_err(|_| invalid_argument(&format!("params[{k}]"), "must be C-contiguous"))?,
        );
    }
    py.detach(|| inner.step(&mut param_slices, &grad_slices))
        .py()
}

#[pymethods]
impl PyAdam {
    #[new]
    #[pyo3(signature = (params, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8))]
    fn new(
        params: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = arg)] lr: f64,
        #[pyo3(from_py_with = arg)] betas: (f64, f64),
        #[pyo3(from_py_with = arg)] eps: f64,
    ) -> PyResult<Self> {
        let params = param_list(params, "params")?;
        if params.is_empty() {
            return Err(invalid_argument(
                "params",
                "needs at least one parameter array, got an empty list",
            ));
        }
        let single = params
            .first()
            .is_some_and(|p| p.cast::<PyArrayDyn<f32>>().is_ok());
        let (params, sizes) = if single {
            let v = collect_params::<f32>(&params)?;
            let sizes = v
                .iter()
                .map(|a| a.bind(params[0].py()).len())
                .collect::<Vec<_>>();
            (Params::F32(v), sizes)
        } else {
            let v = collect_params::<f64>(&params)?;
            let sizes = match params.first() {
                Some(p0) => v.iter().map(|a| a.bind(p0.py()).len()).collect(),
                None => Vec::new(),
            };
            (Params::F64(v), sizes)
        };
        let config = AdamConfig {
            lr,
            beta1: betas.0,
            beta2: betas.1,
            eps,
        };
        let inner = Adam::new(config, &sizes).py()?;
        Ok(PyAdam { inner, params })
    }

    /// Updates every parameter in place from one gradient per parameter (same shapes).
    fn step(&mut self, py: Python<'_>, grads: &Bound<'_, PyAny>) -> PyResult<()> {
        let grads = param_list(grads, "grads")?;
        match &self.params {
            Params::F64(p) => step_typed(py, &mut self.inner, p, &grads),
            Params::F32(p) => step_typed(py, &mut self.inner, p, &grads),
        }
    }

    /// The learning rate (settable, > 0).
    #[getter]
    fn lr(&self) -> f64 {
        self.inner.config().lr
    }

    #[setter]
    fn set_lr(&mut self, #[pyo3(from_py_with = arg)] lr: f64) -> PyResult<()> {
        self.inner.set_lr(lr).py()
    }

    /// (β₁, β₂): decay rates of the first and second moment estimates.
    #[getter]
    fn betas(&self) -> (f64, f64) {
        let c = self.inner.config();
        (c.beta1, c.beta2)
    }

    /// ε added to the root of the second moment (numerical safety).
    #[getter]
    fn eps(&self) -> f64 {
        self.inner.config().eps
    }

    /// Number of steps taken so far.
    #[getter]
    fn steps(&self) -> u64 {
        self.inner.steps()
    }

    /// The parameter arrays this optimizer updates.
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> Vec<Bound<'py, PyAny>> {
        match &self.params {
            Params::F64(v) => v.iter().map(|p| p.bind(py).clone().into_any()).collect(),
            Params::F32(v) => v.iter().map(|p| p.bind(py).clone().into_any()).collect(),
        }
    }

    fn __repr__(&self) -> String {
        let c = self.inner.config();
        format!(
            "Adam(n_params={}, lr={:?}, betas=({:?}, {:?}), eps={:?}, steps={})",
            self.inner.sizes().len(),
            c.lr,
            c.beta1,
            c.beta2,
            c.eps,
            self.inner.steps()
        )
    }
}
