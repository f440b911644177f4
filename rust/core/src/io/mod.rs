//! Everything that leaves the process: the container every saved file uses (header, checksum,
//! atomic write), the brain, agent and population files inside it, import from node/edge tables,
//! DOT export and text reports.

pub mod agent_file;
pub mod brain_file;
pub mod container;
pub mod dot;
pub mod file;
pub mod import;
pub mod population_file;
pub mod report;
