//! `QuantileDiscretizer`: the default state abstraction of `Box` observations
//! (`hebbian_core::abstraction::QuantileGrid`).

use crate::guard::arg;
use hebbian_core::abstraction::{grid_bytes, GridParams, QuantileGrid, MAX_GRID_BYTES};
use numpy::{PyArray1, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

use crate::errors::{shape_error, IntoPyResult};
use crate::guard::{borrow, borrow_mut};

/// Observations turned into cells of a grid fitted to the first observations.
///
/// Each dimension is cut at the quantiles j / bins of the first ``warmup`` observations
/// recorded (mixed 1:1 with an even spread over the space's bounds where they are finite),
/// bins = max(2, round(cells ** (1 / dims))); the edges are then frozen, so a cell keeps its
/// identity. Until then an observation's cell is its orthant around the first one. Cells get
/// dense ids in the order first met; at most ``max_cells`` of them: later new cells share the
/// overflow id ``max_cells``, and lookups that may not add cells return ``max_cells + 1`` for
/// a cell never met. With ``split_after`` > 0 a fitted cell visited ``split_after · 2^depth``
/// times splits in two at the mean of its visits along its most spread dimension (variable
/// resolution; off by default). Equations: docs/reference/rules.md §1.8.
///
/// Args:
///     low: The space's lower bounds, one per dimension (-inf where it has none).
///     high: The upper bounds (+inf where none).
///     cells: About how many cells the fitted grid has (sets the bins per dimension).
///     warmup: Observations recorded before the edges are fitted.
///     max_cells: Most cell ids (the memory cap; split cells count their retired ids).
///     split_after: Visits before a fitted cell splits (0: never).
///
/// Raises:
///     InvalidArgumentError: NaN bounds, ``low >= high``, ``cells < 2``, ``warmup < 1``,
///         ``max_cells < 1``, or a :meth:`memory_bound` over ``MEMORY_BUDGET`` (1 GiB: lower
///         ``max_cells`` or ``warmup`` for large observations).
///     ShapeError: ``low`` and ``high`` differ in length.
#[pyclass(module = "hebbian_brain._core", name = "QuantileDiscretizer")]
pub(crate) struct PyQuantileGrid {
    pub(crate) inner: QuantileGrid,
}

type Slf<'a, 'py> = &'a Bound<'py, PyQuantileGrid>;

/// The values of one observation (or of the bounds `name`) as f64 (a float32/float64 vector is read without a copy of
/// its own; any other array of bools, ints or floats goes through
/// `numpy.asarray(obs).astype(float64).ravel()`; strings, complex and objects are a `TypeError`).
fn values(obs: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<f64>> {
    if let Ok(a) = obs.cast::<PyArray1<f32>>() {
        if let Ok(r) = a.try_readonly() {
            if let Ok(s) = r.as_slice() {
                return Ok(s.iter().map(|&x| f64::from(x)).collect());
            }
        }
    }
    if let Ok(a) = obs.cast::<PyArray1<f64>>() {
        if let Ok(r) = a.try_readonly() {
            if let Ok(s) = r.as_slice() {
                return Ok(s.to_vec());
            }
        }
    }
    let py = obs.py();
    let np = py.import("numpy")?;
    let raw = np
        .call_method1("asarray", (obs,))
        .map_err(|e| crate::errors::type_error(format!("{name}: {e}")))?;
    let dtype = raw.getattr("dtype")?;
    let kind: String = dtype.getattr("kind")?.extract()?;
    if !matches!(kind.as_str(), "b" | "i" | "u" | "f") {
        // strings would be parsed, complex numbers cut to their real part: refused instead
        return Err(crate::errors::type_error(format!(
            "{name}: expected real numbers, got an array of dtype {dtype}"
        )));
    }
    let size: usize = raw.getattr("size")?.extract()?;
    if size > hebbian_core::abstraction::MAX_GRID_DIMS {
        // before any copy: a broadcast view may stand for gigabytes
        return Err(shape_error(name, format!("has {size} values")));
    }
    let arr = raw.call_method1("astype", ("float64",))?;
    let flat = arr.call_method0("ravel")?;
    let flat = np.call_method1("ascontiguousarray", (flat,))?;
    let a = flat.cast::<PyArray1<f64>>()?;
    Ok(a.readonly().as_slice()?.to_vec())
}

#[pymethods]
impl PyQuantileGrid {
    #[new]
    #[pyo3(
        signature = (low, high, *, cells=crate::guard::Int(144), warmup=crate::guard::Int(1000),
            max_cells=crate::guard::Int(65536), split_after=crate::guard::Int(0)),
        text_signature = "(low, high, *, cells=144, warmup=1000, max_cells=65536, split_after=0)"
    )]
    fn new(
        low: &Bound<'_, PyAny>,
        high: &Bound<'_, PyAny>,
        cells: crate::guard::Int,
        warmup: crate::guard::Int,
        max_cells: crate::guard::Int,
        split_after: crate::guard::Int,
    ) -> PyResult<Self> {
        let (low, high) = (values(low, "low")?, values(high, "high")?);
        let range = "[0, 2**32)";
        let params = GridParams {
            cells: cells.to("cells", range)?,
            warmup: warmup.to("warmup", range)?,
            max_cells: max_cells.to("max_cells", range)?,
            split_after: split_after.to("split_after", range)?,
        };
        Ok(Self {
            inner: QuantileGrid::new(&low, &high, params).py()?,
        })
    }

    /// Most bytes a discretizer may come to hold (1 GiB); one whose
    /// :meth:`memory_bound` is larger is refused (docs/reference/rules.md §1.8).
    #[classattr]
    const MEMORY_BUDGET: u64 = MAX_GRID_BYTES;

    /// The most bytes a discretizer of ``dims`` values per observation with these parameters
    /// may come to hold: the warm-up record (8 · dims · warmup), the edges, and per cell id
    /// its key (counted three times, 2 · (dims + 1) bytes each), 160 bytes of bookkeeping and,
    /// with ``split_after`` > 0, 16 · dims bytes of running sums.
    #[staticmethod]
    #[pyo3(
        signature = (dims, *, cells=crate::guard::Int(144), warmup=crate::guard::Int(1000),
            max_cells=crate::guard::Int(65536), split_after=crate::guard::Int(0)),
        text_signature = "(dims, *, cells=144, warmup=1000, max_cells=65536, split_after=0)"
    )]
    fn memory_bound(
        dims: crate::guard::Int,
        cells: crate::guard::Int,
        warmup: crate::guard::Int,
        max_cells: crate::guard::Int,
        split_after: crate::guard::Int,
    ) -> PyResult<u64> {
        let range = "[0, 2**32)";
        let dims: u32 = dims.to("dims", range)?;
        if dims == 0 || dims as usize > hebbian_core::abstraction::MAX_GRID_DIMS {
            return Err(crate::errors::invalid_argument(
                "dims",
                format!(
                    "must be in [1, {}], got {dims}",
                    hebbian_core::abstraction::MAX_GRID_DIMS
                ),
            ));
        }
        let params = GridParams {
            cells: cells.to("cells", range)?,
            warmup: warmup.to("warmup", range)?,
            max_cells: max_cells.to("max_cells", range)?,
            split_after: split_after.to("split_after", range)?,
        };
        Ok(grid_bytes(dims as usize, &params))
    }

    /// The cell id of ``obs`` while learning.
    ///
    /// Args:
    ///     obs: One observation (its values are flattened).
    ///     record: Count it towards the fit (before it is placed).
    ///     add: Give a cell never met a new id (else ``max_cells + 1``).
    ///
    /// Raises:
    ///     InvalidArgumentError: ``obs`` contains NaN (nothing changes).
    ///     ShapeError: ``obs`` has the wrong number of values.
    ///     TypeError: ``obs`` holds strings, complex numbers or objects.
    #[pyo3(signature = (obs, *, record=true, add=true))]
    fn cell(
        slf: Slf<'_, '_>,
        obs: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = arg)] record: bool,
        #[pyo3(from_py_with = arg)] add: bool,
    ) -> PyResult<u32> {
        let x = values(obs, "obs")?;
        borrow_mut(slf, "discretizer")?
            .inner
            .cell(&x, record, add)
            .py()
    }

    /// The cell id of ``obs`` without changing anything (``max_cells + 1`` for a cell never met).
    fn __call__(slf: Slf<'_, '_>, obs: &Bound<'_, PyAny>) -> PyResult<u32> {
        Self::cell(slf, obs, false, false)
    }

    /// The split made by the last :meth:`cell` call: ``(retired id, left id, right id)``, or
    /// None when it made none (an agent hands the retired cell's experiences to the two).
    #[getter]
    fn last_split(slf: Slf<'_, '_>) -> PyResult<Option<(u32, u32, u32)>> {
        Ok(borrow(slf, "discretizer")?.inner.last_split())
    }

    /// Values per observation.
    #[getter]
    fn dims(slf: Slf<'_, '_>) -> PyResult<usize> {
        Ok(borrow(slf, "discretizer")?.inner.dims())
    }

    /// Bins per dimension of the fitted grid (at most).
    #[getter]
    fn bins(slf: Slf<'_, '_>) -> PyResult<u32> {
        Ok(borrow(slf, "discretizer")?.inner.bins())
    }

    /// The lower bounds given.
    #[getter]
    fn low(slf: Slf<'_, '_>) -> PyResult<Vec<f64>> {
        Ok(borrow(slf, "discretizer")?.inner.low().to_vec())
    }

    /// The upper bounds given.
    #[getter]
    fn high(slf: Slf<'_, '_>) -> PyResult<Vec<f64>> {
        Ok(borrow(slf, "discretizer")?.inner.high().to_vec())
    }

    /// The cell budget that sets the bins.
    #[getter]
    fn cells(slf: Slf<'_, '_>) -> PyResult<u32> {
        Ok(borrow(slf, "discretizer")?.inner.params().cells)
    }

    /// Observations recorded before the fit.
    #[getter]
    fn warmup(slf: Slf<'_, '_>) -> PyResult<u32> {
        Ok(borrow(slf, "discretizer")?.inner.params().warmup)
    }

    /// Most distinct cells.
    #[getter]
    fn max_cells(slf: Slf<'_, '_>) -> PyResult<u32> {
        Ok(borrow(slf, "discretizer")?.inner.params().max_cells)
    }

    /// Visits before a fitted cell splits (0: never).
    #[getter]
    fn split_after(slf: Slf<'_, '_>) -> PyResult<u32> {
        Ok(borrow(slf, "discretizer")?.inner.params().split_after)
    }

    /// Number of ids a lookup can return: ``max_cells + 2`` (overflow and never-met ids).
    #[getter]
    fn n(slf: Slf<'_, '_>) -> PyResult<u64> {
        Ok(borrow(slf, "discretizer")?.inner.id_count())
    }

    /// Whether the edges are fitted (and frozen).
    #[getter]
    fn fitted(slf: Slf<'_, '_>) -> PyResult<bool> {
        Ok(borrow(slf, "discretizer")?.inner.fitted())
    }

    /// Distinct cells met so far.
    #[getter]
    fn n_cells(slf: Slf<'_, '_>) -> PyResult<u32> {
        Ok(borrow(slf, "discretizer")?.inner.n_cells())
    }

    /// Observations recorded towards the fit (0 once fitted).
    #[getter]
    fn recorded(slf: Slf<'_, '_>) -> PyResult<usize> {
        Ok(borrow(slf, "discretizer")?.inner.recorded())
    }

    /// Per-dimension edges (empty before the fit); a value x is in bin #{edges ≤ x}.
    #[getter]
    fn edges(slf: Slf<'_, '_>) -> PyResult<Vec<Vec<f64>>> {
        Ok(borrow(slf, "discretizer")?.inner.edges().to_vec())
    }

    /// The discretizer (fitted edges, warm-up record, cell table) as bytes.
    fn to_bytes<'py>(slf: Slf<'_, 'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = borrow(slf, "discretizer")?.inner.to_bytes();
        Ok(PyBytes::new(slf.py(), &bytes))
    }

    /// A discretizer from :meth:`to_bytes` output.
    ///
    /// Raises:
    ///     FileFormatError: Truncated, corrupted or foreign data, or numbers the constructor
    ///         refuses (NaN bounds, ``low >= high``, edges not finite and increasing or more
    ///         than 65 535 in a dimension, NaN or negative scales, over the memory budget).
    #[staticmethod]
    #[pyo3(signature = (data, origin="<bytes>"))]
    fn from_bytes(
        #[pyo3(from_py_with = arg)] data: &[u8],
        #[pyo3(from_py_with = arg)] origin: &str,
    ) -> PyResult<Self> {
        Ok(Self {
            inner: QuantileGrid::from_bytes(origin, data).py()?,
        })
    }

    fn __reduce__<'py>(slf: Slf<'_, 'py>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let make = py.get_type::<Self>().getattr("from_bytes")?;
        let args = PyTuple::new(py, [Self::to_bytes(slf)?])?;
        PyTuple::new(py, [make, args.into_any()])
    }

    fn __eq__(slf: Slf<'_, '_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(other) = other.cast::<Self>() else {
            return Ok(false);
        };
        if slf.is(other) {
            return Ok(true);
        }
        Ok(borrow(slf, "discretizer")?.inner == borrow(other, "discretizer")?.inner)
    }

    fn __repr__(slf: Slf<'_, '_>) -> PyResult<String> {
        let this = borrow(slf, "discretizer")?;
        let g = &this.inner;
        let p = g.params();
        Ok(format!(
            "QuantileDiscretizer(dims={}, cells={}, warmup={}, max_cells={}, split_after={}, \
             fitted={}, n_cells={})",
            g.dims(),
            p.cells,
            p.warmup,
            p.max_cells,
            p.split_after,
            if g.fitted() { "True" } else { "False" },
            g.n_cells()
        ))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyQuantileGrid>()
}
