//! `hebbian_core`: learning by local plasticity, in pure Rust (no Python).
//!
//! Two families live here:
//! * graph brains ([`brain`], [`agent`]) and the environments they are trained in ([`envs`]),
//!   saved and exported through [`io`];
//! * dense plastic recurrent networks ([`rnn`]).
//!
//! The Python package `hebbian_brain` reaches all of it through the thin `rust/bindings` crate.

pub mod error;
pub mod rng;

pub mod brain;
pub mod io;

pub mod agent;
pub mod envs;
pub mod rnn;

pub use error::{Error, Result};
