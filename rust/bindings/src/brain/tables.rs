//! numpy arrays and column tables from Python into the records `Brain::from_records` takes.

use crate::guard::Int;
use hebbian_core::brain::config::BrainConfig;
use hebbian_core::brain::NodeId;
use hebbian_core::io::import::{EdgeRecord, NodeRecord};
use numpy::{PyArray1, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::prelude::*;

use crate::errors::{invalid_argument, invalid_node, shape_error};

/// A node index from Python (negative or too large: `InvalidNodeError`).
pub(crate) fn node_id(i: impl Into<Int>) -> PyResult<NodeId> {
    let i = i.into();
    u32::try_from(i.0)
        .ok()
        .filter(|&v| v != u32::MAX)
        .ok_or_else(|| invalid_node(i))
}

/// An action from Python (outside [0, 2**32): `InvalidArgumentError`).
pub(crate) fn action_id(a: impl Into<Int>) -> PyResult<u32> {
    let a = a.into();
    u32::try_from(a.0).map_err(|_| {
        invalid_argument(
            "action",
            format!("must be an integer in [0, 2**32), got {a}"),
        )
    })
}

/// A 1-D array of the given numeric kinds from any array-like, as f64 or i64 values.
pub(crate) fn as_1d<'py>(
    obj: &Bound<'py, PyAny>,
    name: &str,
    kinds: &str,
    dtype: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    let np = py.import("numpy")?;
    let arr = np.call_method1("asarray", (obj,))?;
    let arr_u = arr.cast::<PyUntypedArray>()?;
    let kind: char = arr_u.dtype().getattr("kind")?.extract()?;
    if arr_u.len() > 0 && !kinds.contains(kind) {
        return Err(crate::errors::type_error(format!(
            "{name} must be an array of {}, got dtype {}",
            if kinds.contains('f') {
                "real numbers"
            } else {
                "integers"
            },
            arr_u.dtype().str()?
        )));
    }
    if arr_u.ndim() != 1 {
        return Err(shape_error(
            name,
            format!("must be 1-D, got shape {:?}", arr_u.shape()),
        ));
    }
    // A cast to an unsigned type would wrap negative values around silently.
    if dtype.starts_with("uint") && kind == 'i' && arr_u.len() > 0 {
        let min: i64 = arr.call_method0("min")?.extract()?;
        if min < 0 {
            return Err(invalid_argument(name, format!("must be >= 0, got {min}")));
        }
    }
    np.call_method1("ascontiguousarray", (arr, dtype))
}

/// Refuses numpy arrays of different lengths (`ShapeError` naming the first that differs from
/// the first array) before any of them is converted or copied. Non-array arguments are
/// checked after conversion by the caller.
pub(crate) fn same_lengths(args: &[(&Bound<'_, PyAny>, &str)]) -> PyResult<()> {
    let mut first: Option<(usize, &str)> = None;
    for (obj, name) in args {
        let Ok(a) = obj.cast::<PyUntypedArray>() else {
            continue;
        };
        let Some(&len) = a.shape().first() else {
            continue;
        };
        match first {
            None => first = Some((len, name)),
            Some((n, first_name)) if n != len => {
                return Err(shape_error(
                    name,
                    format!("has {len} entries, `{first_name}` has {n}"),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

pub(crate) fn ids_from(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<NodeId>> {
    let a = as_1d(obj, name, "iu", "int64")?;
    let a = a.cast::<PyArray1<i64>>()?.readonly();
    a.as_slice()?.iter().map(|&i| node_id(i)).collect()
}

pub(crate) fn floats_from(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<f64>> {
    let a = as_1d(obj, name, "iuf", "float64")?;
    let a = a.cast::<PyArray1<f64>>()?.readonly();
    Ok(a.as_slice()?.to_vec())
}

/// Refuses a table that is not a mapping of column names to arrays (a dict, any
/// `collections.abc.Mapping`, or a data frame: anything with `keys()` and `[name]`), with a
/// `TypeError` naming the argument, before any column is looked up.
fn check_table(table: &Bound<'_, PyAny>, name: &str) -> PyResult<()> {
    let py = table.py();
    let mapping = py.import("collections.abc")?.getattr("Mapping")?;
    let is_str = table.is_instance_of::<pyo3::types::PyString>()
        || table.is_instance_of::<pyo3::types::PyBytes>()
        || table.is_instance_of::<PyUntypedArray>();
    if table.is_instance(&mapping)?
        || (!is_str && table.hasattr("keys")? && table.hasattr("__getitem__")?)
    {
        return Ok(());
    }
    Err(crate::errors::type_error(format!(
        "{name} must be a mapping of column names to arrays (e.g. the dict of Brain.{name}()), \
         got {}",
        table.get_type().name()?
    )))
}

/// The column `key` of `table` (the argument `table_name`), or `default` repeated `n` times
/// when the table has no such column (`InvalidArgumentError` naming the argument and the
/// column when it is required).
fn column<'py, T: numpy::Element + Copy>(
    (table, table_name): (&Bound<'py, PyAny>, &str),
    key: &str,
    dtype: &str,
    kinds: &str,
    n: usize,
    default: Option<T>,
) -> PyResult<Vec<T>> {
    let item = match table.get_item(key) {
        Ok(v) => v,
        Err(_) => {
            return match default {
                Some(d) => Ok(vec![d; n]),
                None => Err(invalid_argument(
                    table_name,
                    format!("missing the required column {key:?}"),
                )),
            }
        }
    };
    let a = as_1d(&item, key, kinds, dtype)?;
    let a = a.cast::<PyArray1<T>>()?.readonly();
    let v = a.as_slice()?.to_vec();
    if v.len() != n {
        return Err(shape_error(
            key,
            format!("has {} entries, expected {n}", v.len()),
        ));
    }
    Ok(v)
}

/// Node and edge records from the column tables of `Brain.from_tables` (validated types,
/// shapes and index ranges; the brain checks the rest).
pub(crate) fn records(
    nodes: &Bound<'_, PyAny>,
    edges: &Bound<'_, PyAny>,
    cfg: &BrainConfig,
) -> PyResult<(Vec<NodeRecord>, Vec<EdgeRecord>)> {
    check_table(nodes, "nodes")?;
    check_table(edges, "edges")?;
    Ok((node_records(nodes)?, edge_records(edges, cfg)?))
}

/// The node records of the `nodes` table.
fn node_records(nodes: &Bound<'_, PyAny>) -> PyResult<Vec<NodeRecord>> {
    let index_column = nodes
        .get_item("index")
        .map_err(|_| invalid_argument("nodes", "missing the required column \"index\""))?;
    let index: Vec<i64> = {
        let a = as_1d(&index_column, "index", "iu", "int64")?;
        let a = a.cast::<PyArray1<i64>>()?.readonly();
        a.as_slice()?.to_vec()
    };
    let n = index.len();
    let state_hash: Vec<u64> = column((nodes, "nodes"), "state_hash", "uint64", "iu", n, None)?;
    let action: Vec<i64> = column((nodes, "nodes"), "action", "int64", "iu", n, None)?;
    let value: Vec<f64> = column((nodes, "nodes"), "value", "float64", "iuf", n, Some(0.0))?;
    let activation_count: Vec<u64> = column(
        (nodes, "nodes"),
        "activation_count",
        "uint64",
        "iu",
        n,
        Some(0),
    )?;
    let terminal_count: Vec<u64> = column(
        (nodes, "nodes"),
        "terminal_count",
        "uint64",
        "iu",
        n,
        Some(0),
    )?;
    let average_reward: Vec<f64> = column(
        (nodes, "nodes"),
        "average_reward",
        "float64",
        "iuf",
        n,
        Some(0.0),
    )?;
    let salience: Vec<f64> = column((nodes, "nodes"), "salience", "float64", "iuf", n, Some(0.0))?;
    let created_at: Vec<u64> = column((nodes, "nodes"), "created_at", "uint64", "iu", n, Some(0))?;
    let last_activated: Vec<u64> = column(
        (nodes, "nodes"),
        "last_activated",
        "uint64",
        "iu",
        n,
        Some(0),
    )?;
    let mut node_records = Vec::with_capacity(n);
    for i in 0..n {
        node_records.push(NodeRecord {
            index: node_id(index[i])?,
            state_hash: state_hash[i],
            action: action_id(action[i])?,
            value: value[i],
            activation_count: activation_count[i],
            terminal_count: terminal_count[i],
            average_reward: average_reward[i],
            salience: salience[i],
            created_at: created_at[i],
            last_activated: last_activated[i],
        });
    }
    Ok(node_records)
}

/// The edge records of the `edges` table (weights default to the configured initial weight).
fn edge_records(edges: &Bound<'_, PyAny>, cfg: &BrainConfig) -> PyResult<Vec<EdgeRecord>> {
    let source_column = edges
        .get_item("source")
        .map_err(|_| invalid_argument("edges", "missing the required column \"source\""))?;
    let source = ids_from(&source_column, "source")?;
    let m = source.len();
    let target: Vec<i64> = column((edges, "edges"), "target", "int64", "iu", m, None)?;
    let init = cfg
        .plasticity
        .initial_weight
        .clamp(cfg.plasticity.weight_min, cfg.plasticity.weight_max);
    let weight: Vec<f64> = column((edges, "edges"), "weight", "float64", "iuf", m, Some(init))?;
    let plasticity: Vec<f64> = column(
        (edges, "edges"),
        "plasticity",
        "float64",
        "iuf",
        m,
        Some(1.0),
    )?;
    let e_created: Vec<u64> = column((edges, "edges"), "created_at", "uint64", "iu", m, Some(0))?;
    let e_last: Vec<u64> = column(
        (edges, "edges"),
        "last_activated",
        "uint64",
        "iu",
        m,
        Some(0),
    )?;
    let traversal_count: Vec<u64> = column(
        (edges, "edges"),
        "traversal_count",
        "uint64",
        "iu",
        m,
        Some(0),
    )?;
    let is_creative: Vec<bool> =
        column((edges, "edges"), "is_creative", "bool", "b", m, Some(false))?;
    // Traces are episode-local: a brain built from tables starts with none (as after
    // `end_episode`), but a column that is given is still checked like every other float column.
    let trace: Vec<f64> = column(
        (edges, "edges"),
        "eligibility_trace",
        "float64",
        "iuf",
        m,
        Some(0.0),
    )?;
    // Traces are replacing (set to 1 when traversed, then decaying): always in [0, 1].
    if let Some(i) = trace.iter().position(|e| !(0.0..=1.0).contains(e)) {
        return Err(invalid_argument(
            "eligibility_trace",
            format!(
                "must lie in [0, 1] (a replacing trace), got {} at index {i}",
                trace[i]
            ),
        ));
    }
    let mut edge_records = Vec::with_capacity(m);
    for i in 0..m {
        edge_records.push(EdgeRecord {
            source: source[i],
            target: node_id(target[i])?,
            weight: weight[i],
            plasticity: plasticity[i],
            created_at: e_created[i],
            last_activated: e_last[i],
            traversal_count: traversal_count[i],
            is_creative: is_creative[i],
        });
    }
    Ok(edge_records)
}
