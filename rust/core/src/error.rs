//! The one error type of the core. The bindings map each variant to one Python exception
//! (see `rust/bindings/src/errors.rs`), so a variant is a failure *kind*, not a call site.

use std::path::PathBuf;

/// Everything that can go wrong in `hebbian_core`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration field is out of its valid range (→ `InvalidConfigError`, a `ValueError`).
    #[error("invalid value for `{field}`: {reason}")]
    InvalidConfig { field: String, reason: String },

    /// A call argument has an invalid value (→ `InvalidArgumentError`, a `ValueError`).
    #[error("invalid argument `{name}`: {reason}")]
    InvalidArgument { name: String, reason: String },

    /// Array shapes or lengths do not agree (→ `ShapeError`, a `ValueError`).
    #[error("shape mismatch for `{name}`: {reason}")]
    Shape { name: String, reason: String },

    /// A node index that does not name a live node (→ `InvalidNodeError`, an `IndexError`).
    #[error("node {0} does not exist")]
    InvalidNode(u64),

    /// No synapse between two live nodes (→ `NoSynapseError`, a `LookupError`).
    #[error("no synapse from node {src} to node {dst}")]
    NoSynapse { src: u64, dst: u64 },

    /// A call made in a state that does not allow it, e.g. `observe` before `act`
    /// (→ `StateError`, a `RuntimeError`).
    #[error("{0}")]
    State(String),

    /// A file that is truncated, corrupted, foreign or of an unknown version
    /// (→ `FileFormatError`, a `ValueError`).
    #[error("{path}: {reason}")]
    FileFormat { path: String, reason: String },

    /// Memory for a computation could not be allocated (→ the built-in `MemoryError`).
    #[error("out of memory: {what} needs {bytes} bytes")]
    OutOfMemory { what: String, bytes: u128 },

    /// An operating-system error while reading or writing a file (→ the matching `OSError`).
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Result alias of the core.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Shorthand for [`Error::InvalidConfig`].
    pub fn config(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidConfig {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::InvalidArgument`].
    pub fn argument(name: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            name: name.into(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::Shape`].
    pub fn shape(name: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Shape {
            name: name.into(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::FileFormat`].
    pub fn format(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::FileFormat {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// Makes room for `additional` more items in `v`, or returns `Error::OutOfMemory` naming
/// `what()` (and leaves `v` as it was): an allocation failure must not abort the process. The
/// one place every buffer sized by user input is reserved through.
pub fn try_reserve<T>(
    v: &mut Vec<T>,
    additional: usize,
    what: impl FnOnce() -> String,
) -> Result<()> {
    v.try_reserve_exact(additional)
        .map_err(|_| Error::OutOfMemory {
            what: what(),
            bytes: (v.len() as u128 + additional as u128) * std::mem::size_of::<T>() as u128,
        })
}

/// Room for `additional` more items in a vector that grows one item at a time: like
/// [`try_reserve`], but doubling the capacity when it runs out (amortized O(1) per push instead of
/// a reallocation each time).
pub fn try_grow<T>(v: &mut Vec<T>, additional: usize, what: impl FnOnce() -> String) -> Result<()> {
    v.try_reserve(additional).map_err(|_| Error::OutOfMemory {
        what: what(),
        bytes: (v.len() as u128 + additional as u128) * std::mem::size_of::<T>() as u128,
    })
}

/// `n` copies of `value` in a new vector, or `Error::OutOfMemory` naming `what()`: the
/// fallible `vec![value; n]` for sizes that come from a user or a file.
pub fn try_filled<T: Clone>(n: usize, value: T, what: impl FnOnce() -> String) -> Result<Vec<T>> {
    let mut v = Vec::new();
    try_reserve(&mut v, n, what)?;
    v.resize(n, value);
    Ok(v)
}

/// Checks that a float is finite, naming the argument otherwise.
pub fn check_finite(name: &str, value: f64) -> Result<()> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(Error::argument(
            name,
            format!("must be finite, got {value}"),
        ))
    }
}

/// Checks that every value of a slice is finite, naming the argument and the first bad index.
pub fn check_all_finite(name: &str, values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(Error::argument(
            name,
            format!("must be finite, got {} at index {i}", values[i]),
        )),
    }
}
