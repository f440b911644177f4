//! The plasticity rules as frozen, picklable config classes.

use crate::errors::IntoPyResult;
use hebbian_core::rnn::{
    AntiHebbian, Hebbian, NeuromodulatedHebbian, Oja, PlasticityRule, Rule, Stdp,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// One frozen pyclass per rule: keyword-only constructor whose omitted arguments take the core
/// defaults, getters, `repr`, equality, pickling through `__getnewargs_ex__`.
macro_rules! rule_class {
    ($py_type:ident, $core:ident, $name:literal, $doc:literal, [$($field:ident: $fdoc:literal),+] $($extra:item)*) => {
        #[doc = $doc]
        #[pyclass(frozen, eq, skip_from_py_object, module = "hebbian_brain.rnn", name = $name)]
        #[derive(Clone, PartialEq)]
        pub struct $py_type {
            pub inner: $core,
        }

        #[pymethods]
        impl $py_type {
            #[new]
            #[pyo3(signature = (*, $($field = None),+))]
            fn new($(#[pyo3(from_py_with = $crate::guard::arg)] $field: Option<f64>),+) -> PyResult<Self> {
                let d = $core::default();
                let inner = $core { $($field: $field.unwrap_or(d.$field)),+ };
                inner.validate().py()?;
                Ok(Self { inner })
            }

            $(
                #[doc = $fdoc]
                #[getter]
                fn $field(&self) -> f64 {
                    self.inner.$field
                }
            )+

            fn __repr__(&self) -> String {
                let fields: Vec<String> = vec![$(format!("{}={:?}", stringify!($field), self.inner.$field)),+];
                format!("{}({})", $name, fields.join(", "))
            }

            fn __getnewargs_ex__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyTuple>, Bound<'py, PyDict>)> {
                let kwargs = PyDict::new(py);
                $(kwargs.set_item(stringify!($field), self.inner.$field)?;)+
                Ok((PyTuple::empty(py), kwargs))
            }

            $($extra)*
        }
    };
}

rule_class!(
    PyHebbian,
    Hebbian,
    "Hebbian",
    "Hebbian rule: W <- clip((1 - dt*decay)*W + dt*learning_rate*m*r r^T, -w_max, w_max).",
    [learning_rate: "Learning rate (per unit time; scaled by dt).", decay: "Decay rate of the weights toward 0 (per unit time).", w_max: "Weights are clipped to [-w_max, w_max]."]
);
rule_class!(
    PyAntiHebbian,
    AntiHebbian,
    "AntiHebbian",
    "Anti-Hebbian rule: W <- clip((1 - dt*decay)*W - dt*learning_rate*m*r r^T, -w_max, w_max).",
    [learning_rate: "Learning rate (per unit time; scaled by dt).", decay: "Decay rate of the weights toward 0 (per unit time).", w_max: "Weights are clipped to [-w_max, w_max]."]
);
rule_class!(
    PyOja,
    Oja,
    "Oja",
    "Oja's rule: W_ij <- W_ij + dt*learning_rate*m*y_i*(x_j - y_i*W_ij).",
    [learning_rate: "Learning rate (per unit time; scaled by dt)."]
);
rule_class!(PyStdp, Stdp, "STDP",
    "Pair-based STDP with exponential pre/post traces (amplitudes a_plus/a_minus, time constants tau_plus/tau_minus).",
    [a_plus: "Potentiation amplitude of a pre-before-post pair.", a_minus: "Depression amplitude of a post-before-pre pair.", tau_plus: "Time constant of the presynaptic trace (potentiation window).", tau_minus: "Time constant of the postsynaptic trace (depression window).", w_max: "Weights are clipped to [-w_max, w_max]."]
    /// The weight change of one pre/post spike pair at `delta_t = t_post - t_pre` (array in,
    /// array out): `a_plus*exp(-dt/tau_plus)` for dt > 0, `-a_minus*exp(dt/tau_minus)` for dt < 0.
    fn window<'py>(
        &self,
        py: Python<'py>,
        delta_t: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let a = super::convert::float_array(delta_t, "delta_t")?;
        let values = a.data.iter().map(|&d| self.inner.window(d)).collect();
        super::convert::to_numpy(py, values, &a.shape)
    }
);
rule_class!(PyNeuromodulatedHebbian, NeuromodulatedHebbian, "NeuromodulatedHebbian",
    "Neuromodulated Hebbian trace H (decay, modulation-gated growth, bounded); effective weights W + alpha*H.",
    [learning_rate: "η: growth rate of the Hebbian trace per unit time.", decay: "λ: decay rate of the Hebbian trace per unit time.", alpha: "α: initial plasticity coefficient of every connection.", h_max: "The Hebbian trace is clipped to [-h_max, h_max]."]);

/// The core rule of a Python rule object (`None` stays `None`).
pub fn extract_rule(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Rule>> {
    let Some(obj) = obj else { return Ok(None) };
    if obj.is_none() {
        return Ok(None);
    }
    if let Ok(r) = obj.cast::<PyHebbian>() {
        return Ok(Some(Rule::Hebbian(r.get().inner.clone())));
    }
    if let Ok(r) = obj.cast::<PyAntiHebbian>() {
        return Ok(Some(Rule::AntiHebbian(r.get().inner.clone())));
    }
    if let Ok(r) = obj.cast::<PyOja>() {
        return Ok(Some(Rule::Oja(r.get().inner.clone())));
    }
    if let Ok(r) = obj.cast::<PyStdp>() {
        return Ok(Some(Rule::Stdp(r.get().inner.clone())));
    }
    if let Ok(r) = obj.cast::<PyNeuromodulatedHebbian>() {
        return Ok(Some(Rule::NeuromodulatedHebbian(r.get().inner.clone())));
    }
    Err(crate::errors::type_error(format!(
        "`rule` must be Hebbian, AntiHebbian, Oja, STDP, NeuromodulatedHebbian or None, got {}",
        obj.get_type().name()?
    )))
}

/// A fresh Python object for a core rule.
pub fn rule_to_py(py: Python<'_>, rule: &Rule) -> PyResult<Py<PyAny>> {
    Ok(match rule {
        Rule::Hebbian(r) => Py::new(py, PyHebbian { inner: r.clone() })?.into_any(),
        Rule::AntiHebbian(r) => Py::new(py, PyAntiHebbian { inner: r.clone() })?.into_any(),
        Rule::Oja(r) => Py::new(py, PyOja { inner: r.clone() })?.into_any(),
        Rule::Stdp(r) => Py::new(py, PyStdp { inner: r.clone() })?.into_any(),
        Rule::NeuromodulatedHebbian(r) => {
            Py::new(py, PyNeuromodulatedHebbian { inner: r.clone() })?.into_any()
        }
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyHebbian>()?;
    m.add_class::<PyAntiHebbian>()?;
    m.add_class::<PyOja>()?;
    m.add_class::<PyStdp>()?;
    m.add_class::<PyNeuromodulatedHebbian>()?;
    Ok(())
}
