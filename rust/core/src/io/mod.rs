//! Export and persistence: DOT, text reports, the versioned checksummed binary format.

pub mod dot;
pub mod persist;
pub mod report;
