//! Pickling of `RecurrentNetwork`: a dict of its configuration, rule, arrays and noise streams.

use super::convert::{float_array, size, to_numpy};
use super::rules::{extract_rule, rule_to_py};
use crate::errors::{shape_error, IntoPyResult};
use hebbian_core::rnn::{Activation, NetworkConfig, RecurrentNetwork};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Everything needed to rebuild `net` exactly (see [`from_state`]).
pub fn state_dict<'py>(py: Python<'py>, net: &RecurrentNetwork) -> PyResult<Bound<'py, PyDict>> {
    let c = net.config();
    let (n, n_in, n_out) = (c.n_units, c.n_inputs, c.n_outputs);
    let s = net.plastic_state();
    let d = PyDict::new(py);
    d.set_item("n_inputs", n_in)?;
    d.set_item("n_units", n)?;
    d.set_item("n_outputs", n_out)?;
    d.set_item("tau", c.tau)?;
    d.set_item("dt", c.dt)?;
    d.set_item("activation", c.activation.name())?;
    d.set_item("gain", c.gain)?;
    d.set_item("input_scale", c.input_scale)?;
    d.set_item("noise_std", c.noise_std)?;
    d.set_item("rule", net.rule().map(|r| rule_to_py(py, r)).transpose()?)?;
    d.set_item("weights", to_numpy(py, s.weights.to_vec(), &[n, n])?)?;
    d.set_item(
        "input_weights",
        to_numpy(py, net.input_weights().to_vec(), &[n, n_in])?,
    )?;
    d.set_item(
        "output_weights",
        to_numpy(py, net.output_weights().to_vec(), &[n_out, n])?,
    )?;
    for (key, m) in [("trace", &s.trace), ("alpha", &s.alpha)] {
        if m.is_empty() {
            d.set_item(key, py.None())?;
        } else {
            d.set_item(key, to_numpy(py, m.to_vec(), &[n, n])?)?;
        }
    }
    let (base, runs) = net.stream_state();
    d.set_item("seed_base", base)?;
    d.set_item("runs", runs)?;
    Ok(d)
}

/// Rebuilds a network from [`state_dict`]'s dict, validating every part.
pub fn from_state(state: &Bound<'_, PyDict>) -> PyResult<RecurrentNetwork> {
    let get = |key: &str| -> PyResult<Bound<'_, PyAny>> {
        state
            .get_item(key)?
            .ok_or_else(|| shape_error("state", format!("missing key {key:?}")))
    };
    let matrix = |key: &str| -> PyResult<Option<Vec<f64>>> {
        let v = get(key)?;
        if v.is_none() {
            return Ok(None);
        }
        Ok(Some(float_array(&v, key)?.data))
    };
    let config = NetworkConfig {
        n_inputs: size("n_inputs", get("n_inputs")?.extract()?, 0)?,
        n_units: size("n_units", get("n_units")?.extract()?, 1)?,
        n_outputs: size("n_outputs", get("n_outputs")?.extract()?, 0)?,
        tau: get("tau")?.extract()?,
        dt: get("dt")?.extract()?,
        activation: Activation::parse(&get("activation")?.extract::<String>()?).py()?,
        gain: get("gain")?.extract()?,
        input_scale: get("input_scale")?.extract()?,
        noise_std: get("noise_std")?.extract()?,
    };
    let rule = extract_rule(Some(&get("rule")?))?;
    RecurrentNetwork::from_parts(
        config,
        rule,
        matrix("weights")?.unwrap_or_default(),
        matrix("input_weights")?.unwrap_or_default(),
        matrix("output_weights")?.unwrap_or_default(),
        matrix("trace")?,
        matrix("alpha")?,
        get("seed_base")?.extract()?,
        get("runs")?.extract()?,
    )
    .py()
}
