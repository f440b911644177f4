//! Buffer sizes checked for overflow and allocations that fail with an error, not an abort.

use crate::error::{Error, Result};

/// `a · b · …` for the size of a buffer, or `Error::argument(name, …)` if it overflows.
pub(crate) fn checked_len(name: &str, factors: &[usize]) -> Result<usize> {
    factors
        .iter()
        .try_fold(1usize, |acc, &f| acc.checked_mul(f))
        .filter(|&len| len.checked_mul(8).is_some_and(|b| b <= isize::MAX as usize))
        .ok_or_else(|| {
            Error::argument(
                name,
                format!("{factors:?} gives a buffer too large to address"),
            )
        })
}

/// A vector of `len` copies of `value`, or `Error::OutOfMemory` if it cannot be allocated.
pub(crate) fn try_filled<T: Clone>(what: &str, len: usize, value: T) -> Result<Vec<T>> {
    let mut v = Vec::new();
    try_resize(what, &mut v, len, value)?;
    Ok(v)
}

/// Resizes `v` to `len`, or `Error::OutOfMemory` (and `v` unchanged) if it cannot grow.
pub(crate) fn try_resize<T: Clone>(what: &str, v: &mut Vec<T>, len: usize, value: T) -> Result<()> {
    if len > v.len() {
        crate::error::try_reserve(v, len - v.len(), || what.to_string())?;
    }
    v.resize(len, value);
    Ok(())
}
