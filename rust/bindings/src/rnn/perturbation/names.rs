//! Parsing of the node-perturbation string options (their names are the core's `name()`).

use pyo3::prelude::*;

/// The variant of a string-valued parameter `name` called `value`, or an `InvalidConfigError`
/// that lists the accepted names.
pub(crate) fn choice<T: Copy>(
    name: &str,
    value: &str,
    variants: &[T],
    name_of: fn(T) -> &'static str,
) -> PyResult<T> {
    if let Some(&v) = variants.iter().find(|&&v| name_of(v) == value) {
        return Ok(v);
    }
    let names: Vec<String> = variants
        .iter()
        .map(|&v| format!("'{}'", name_of(v)))
        .collect();
    let list = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.concat(),
    };
    Err(crate::errors::to_pyerr(hebbian_core::Error::config(
        name,
        format!("must be {list}, got {value:?}"),
    )))
}
