//! What bounds a [`QuantileGrid`](super::QuantileGrid): its memory budget and the checks of
//! its bounds, shared by the constructor and the loader (rules.md §1.8, "Cap").

use super::quantile_grid::{bins_per_dimension, GridParams};
use crate::error::{Error, Result};

/// Most bytes a grid may come to hold ([`grid_bytes`]): 1 GiB. A grid whose worst case is
/// larger is refused when made; a loaded one only when its edges and warm-up record would pass
/// it (its saved cap stays, rules.md §1.8, "Cap").
pub const MAX_GRID_BYTES: u64 = 1 << 30;

/// Bookkeeping bytes per cell besides its key: the index's map entry and boxed key header,
/// the cell's target, its tree leaf (and a share of split nodes), rounded up.
const CELL_OVERHEAD: u64 = 160;

/// The most bytes a grid of `dims` values per observation may come to hold: the warm-up
/// record (8 · dims · warmup, reserved whole, plus a column while fitting), the edges
/// (16 · dims · bins at most), and per cell id up to `max_cells`: its key (2 · (dims + 1)
/// bytes, counted three times: the table, its growth, the index), [`CELL_OVERHEAD`], and the
/// running sums of a leaf (16 · dims) when `split_after` > 0.
pub fn grid_bytes(dims: usize, params: &GridParams) -> u64 {
    let d = dims as u64;
    let warmup = params.warmup as u64;
    let bins = bins_per_dimension(params.cells, dims.max(1)) as u64;
    let key = 2 * (d + 1);
    let sums = if params.split_after > 0 { 16 * d } else { 0 };
    let per_cell = 3 * key + CELL_OVERHEAD + sums;
    8 * d * warmup + 8 * warmup + 16 * d * bins + params.max_cells as u64 * per_cell
}

/// Refuses a grid whose [`grid_bytes`] exceed [`MAX_GRID_BYTES`], naming what sets them.
pub(crate) fn check_budget(dims: usize, params: &GridParams) -> Result<()> {
    let bytes = grid_bytes(dims, params);
    if bytes > MAX_GRID_BYTES {
        return Err(Error::argument(
            "max_cells, warmup",
            format!(
                "a grid of observations of {dims} values with max_cells={}, warmup={} and \
                 split_after={} may hold {bytes} bytes, over the {MAX_GRID_BYTES}-byte budget \
                 (1 GiB): lower max_cells or warmup{}",
                params.max_cells,
                params.warmup,
                params.split_after,
                if params.split_after > 0 {
                    ", or set split_after=0 (a splitting cell keeps 16 bytes per value)"
                } else {
                    ""
                }
            ),
        ));
    }
    Ok(())
}

/// Checks the bounds: as many `high` as `low`, `low` < `high` and neither NaN in every
/// dimension.
pub(crate) fn check_bounds(low: &[f64], high: &[f64]) -> Result<()> {
    let dims = low.len();
    if high.len() != dims {
        return Err(Error::shape(
            "low, high",
            format!("lengths {dims} and {} differ", high.len()),
        ));
    }
    for (i, (&l, &h)) in low.iter().zip(high).enumerate() {
        if l.is_nan() || h.is_nan() || l >= h {
            return Err(Error::argument(
                "low, high",
                format!("need low < high, not NaN (dimension {i}: {l}, {h})"),
            ));
        }
    }
    Ok(())
}
