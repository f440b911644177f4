//! Saved populations: every member's agent, brain and environment, in the library's container
//! (kind `POP1`).

use crate::envs::{Chain, DeepSea, DiscreteEnv, GridWorld, RiverSwim};
use crate::error::{Error, Result};
use crate::io::agent_file::AgentFile;
use crate::io::container;
use serde::{Deserialize, Serialize};

/// Kind tag of population files.
pub const POPULATION_KIND: &[u8; 4] = b"POP1";

/// A member's environment in a saved population (with its state and generator).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum PopulationEnv {
    /// A [`Chain`].
    Chain(Chain),
    /// A [`GridWorld`].
    GridWorld(GridWorld),
    /// A [`DeepSea`].
    DeepSea(DeepSea),
    /// A [`RiverSwim`].
    RiverSwim(RiverSwim),
}

impl PopulationEnv {
    fn check_state(&self) -> Result<()> {
        match self {
            PopulationEnv::Chain(c) => c.check_state(),
            PopulationEnv::GridWorld(g) => g.check_state(),
            PopulationEnv::DeepSea(d) => d.check_state(),
            PopulationEnv::RiverSwim(r) => r.check_state(),
        }
    }
}

/// A saved population: every member's agent, brain and environment, and the caller's metadata
/// (the Python package stores the environment's arguments, the seeds and the members' spaces
/// as JSON here).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PopulationFile {
    /// The members, in order (their `metadata` fields are empty).
    pub members: Vec<AgentFile>,
    /// The members' environments, in order (one per member).
    pub envs: Vec<PopulationEnv>,
    /// Free-form metadata of the caller.
    pub metadata: String,
}

impl PopulationFile {
    /// The complete file image.
    pub fn to_bytes(&self) -> Vec<u8> {
        container::to_bytes(POPULATION_KIND, self)
    }

    /// Decodes a file image; `origin` names the source in error messages.
    pub fn from_bytes(bytes: &[u8], origin: &str) -> Result<PopulationFile> {
        let mut file: PopulationFile = container::from_bytes(origin, POPULATION_KIND, bytes)?;
        if file.envs.len() != file.members.len() {
            return Err(Error::format(
                origin,
                format!(
                    "{} environments for {} members",
                    file.envs.len(),
                    file.members.len()
                ),
            ));
        }
        for (i, (m, env)) in file.members.iter_mut().zip(&file.envs).enumerate() {
            let inconsistent = |e: Error| Error::format(origin, format!("member {i}: {e}"));
            m.agent.params().validate().map_err(inconsistent)?;
            env.check_state().map_err(inconsistent)?;
            let n_actions = match env {
                PopulationEnv::Chain(c) => c.n_actions(),
                PopulationEnv::GridWorld(g) => g.n_actions(),
                PopulationEnv::DeepSea(d) => d.n_actions(),
                PopulationEnv::RiverSwim(r) => r.n_actions(),
            };
            if n_actions != m.agent.n_actions() {
                return Err(inconsistent(Error::State(format!(
                    "the environment has {n_actions} actions, the agent {}",
                    m.agent.n_actions()
                ))));
            }
            m.agent.ensure_buffers();
        }
        Ok(file)
    }

    /// Writes the file atomically (temporary file, fsync, rename).
    pub fn save(&self, path: &std::path::Path) -> Result<()> {
        container::write_atomic(path, &self.to_bytes())
    }

    /// Reads a file written by [`save`](Self::save).
    pub fn load(path: &std::path::Path) -> Result<PopulationFile> {
        let bytes = container::read_container(path, POPULATION_KIND)?;
        PopulationFile::from_bytes(&bytes, &path.display().to_string())
    }
}
