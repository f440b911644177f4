//! State abstraction: continuous observations turned into the discrete states a graph brain
//! keys its nodes on.
//!
//! [`QuantileGrid`] is the default for `Box` observation spaces: a grid whose edges are the
//! empirical quantiles of the first observations, frozen once fitted so that node identities
//! stay stable (docs/reference/rules.md §1.8).

mod limits;
mod quantile_grid;
mod split_tree;

pub use limits::{grid_bytes, MAX_GRID_BYTES};
pub use quantile_grid::{GridParams, QuantileGrid, MAX_GRID_DIMS};
