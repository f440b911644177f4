//! State abstraction: continuous observations turned into the discrete states a graph brain
//! keys its nodes on.
//!
//! [`QuantileGrid`] is the default for `Box` observation spaces: a grid whose edges are the
//! empirical quantiles of the first observations, frozen once fitted so that node identities
//! stay stable (docs/reference/rules.md §1.8).

mod quantile_grid;
mod split_tree;

pub use quantile_grid::{grid_bytes, GridParams, QuantileGrid, MAX_GRID_BYTES, MAX_GRID_DIMS};
