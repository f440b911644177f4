//! `hebbian_core`: learning by local plasticity, in pure Rust (no Python).
//!
//! Two families live here:
//! * graph brains ([`graph`], [`learning`], [`dream`], [`pruning`], [`agent`]) and the
//!   environments they are trained in ([`envs`]);
//! * dense plastic recurrent networks ([`rnn`]).
//!
//! The Python package `hebbian_brain` reaches all of it through the thin `rust/bindings` crate.

pub mod error;
pub mod rng;

pub mod config;
pub mod dream;
pub mod graph;
pub mod io;
pub mod learning;
pub mod model;
pub mod pruning;

pub mod agent;
pub mod envs;
pub mod rnn;

pub use error::{Error, Result};
