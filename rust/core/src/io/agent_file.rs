//! Saved agents: the agent, its brain and the Python side's description of its spaces, in the
//! library's container (`io::container`, kind `AGT1`).

use crate::agent::Agent;
use crate::brain::Brain;
use crate::error::Result;
use crate::io::container;
use serde::{Deserialize, Serialize};

/// Kind tag of agent files.
pub const AGENT_KIND: &[u8; 4] = b"AGT1";

/// Everything a saved agent holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AgentFile {
    /// The agent (parameters, generator, history, step in progress).
    pub agent: Agent,
    /// Its brain.
    pub brain: Brain,
    /// Free-form metadata of the caller (the Python package stores its spaces as JSON here).
    pub metadata: String,
}

impl AgentFile {
    /// The complete file image.
    pub fn to_bytes(&self) -> Vec<u8> {
        container::to_bytes(AGENT_KIND, self)
    }

    /// Decodes a file image; `origin` names the source in error messages.
    pub fn from_bytes(bytes: &[u8], origin: &str) -> Result<AgentFile> {
        let mut file: AgentFile = container::from_bytes(origin, AGENT_KIND, bytes)?;
        let inconsistent =
            |e: String| crate::error::Error::format(origin, format!("inconsistent agent: {e}"));
        file.agent
            .params()
            .validate()
            .map_err(|e| inconsistent(e.to_string()))?;
        // A decoded agent with no actions would panic when it draws one (found by fuzzing), one
        // with billions would abort on its buffers.
        if file.agent.n_actions() == 0 || file.agent.n_actions() > crate::agent::MAX_ACTIONS {
            return Err(inconsistent(format!(
                "n_actions is {} (must be in [1, {}])",
                file.agent.n_actions(),
                crate::agent::MAX_ACTIONS
            )));
        }
        file.agent.alloc_buffers()?;
        file.agent.trim_history();
        Ok(file)
    }

    /// Writes the file atomically (temporary file + rename).
    pub fn save(&self, path: &std::path::Path) -> Result<()> {
        container::write_atomic(path, &self.to_bytes())
    }

    /// Reads a file written by [`save`](Self::save).
    pub fn load(path: &std::path::Path) -> Result<AgentFile> {
        let bytes = container::read_container(path, AGENT_KIND)?;
        AgentFile::from_bytes(&bytes, &path.display().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::AgentParams;
    use crate::brain::config::BrainConfig;
    use crate::brain::state_hash::hash_int;

    #[test]
    fn round_trip_keeps_history_and_brain() {
        let mut brain = Brain::new(BrainConfig::default(), Some(0)).unwrap();
        let mut agent = Agent::new(2, AgentParams::default(), Some(0)).unwrap();
        agent.act(&mut brain, hash_int(0)).unwrap();
        agent
            .observe(&mut brain, 1.0, hash_int(1), true, false)
            .unwrap();
        let file = AgentFile {
            agent,
            brain,
            metadata: "{}".into(),
        };
        let back = AgentFile::from_bytes(&file.to_bytes(), "memory").unwrap();
        assert_eq!(back.agent.history(), file.agent.history());
        assert_eq!(back.brain.node_count(), 1);
        assert_eq!(back.metadata, "{}");
        let mut bytes = file.to_bytes();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        assert!(AgentFile::from_bytes(&bytes, "memory").is_err());
        assert!(AgentFile::from_bytes(&file.brain.to_bytes(), "memory").is_err());
    }
}
