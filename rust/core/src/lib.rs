//! `hebbian_core`: learning by local plasticity, in pure Rust (no Python).
//!
//! Two families live here, each readable from its folder names:
//!
//! * the graph brain, family 1:
//!   - [`brain`]: the graph store (nodes, synapses, the state index, stored times, salience),
//!     its configuration ([`brain::config`]), its learning rules (`brain/learning/`: three-factor
//!     rule, traces, lazy decay), dreams ([`brain::dream`]), pruning ([`brain::pruning`]) and
//!     the state hash ([`brain::state_hash`]);
//!   - [`agent`]: action choice, episodes and populations over a brain;
//!   - [`envs`]: the built-in environments, one per file;
//!   - [`io`]: everything saved or exported: the container every file uses (header, checksum,
//!     atomic write), the brain, agent and population files, import from node/edge tables,
//!     DOT and text reports;
//! * dense plastic recurrent networks, family 2: [`rnn`];
//! * [`experience`]: an experience graph, every real step a node, planned by kernel value
//!   iteration (the computational core of a learner for `Box` observations).
//!
//! Shared by both: [`error`] (one error type, mapped to Python exceptions in one place in the
//! bindings) and [`rng`] (seeded generators and derived seeds).
//!
//! Dependencies run one way: `io` and `agent` use `brain`, `io` uses `agent`; `brain` uses
//! neither. The Python package `hebbian_brain` reaches all of it through the thin
//! `rust/bindings` crate.

pub mod error;
pub mod rng;
pub mod simd;

pub mod brain;
pub mod io;

pub mod abstraction;
pub mod agent;
pub mod envs;
pub mod experience;
pub mod rnn;

pub use error::{Error, Result};
