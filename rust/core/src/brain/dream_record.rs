//! An optional record of the last dream walks, so that a viewer can replay what a dream did.
//!
//! Off by default (no cost beyond one `None` check per walk). `record_dream_walks(n)` keeps the
//! node paths of the last `n` walks in the order they were walked (a reverse walk goes from its
//! salient start back through predecessors). The record is transient: not saved with the brain.

use std::collections::VecDeque;

use super::{Brain, NodeId};

/// Most walks a brain keeps on record.
pub const MAX_RECORDED_WALKS: usize = 100_000;

/// The last walks, oldest first, at most `capacity` of them.
#[derive(Clone, Debug, Default)]
pub struct DreamRecorder {
    capacity: usize,
    walks: VecDeque<Vec<NodeId>>,
}

impl Brain {
    /// Keeps the node paths of the last `capacity` dream walks (0 stops recording and forgets).
    pub fn record_dream_walks(&mut self, capacity: usize) -> crate::Result<()> {
        if capacity > MAX_RECORDED_WALKS {
            return Err(crate::Error::argument(
                "capacity",
                format!("must be at most {MAX_RECORDED_WALKS}, got {capacity}"),
            ));
        }
        if capacity == 0 {
            self.dream_recorder = None;
            return Ok(());
        }
        let recorder = self.dream_recorder.get_or_insert_with(Default::default);
        recorder.capacity = capacity;
        while recorder.walks.len() > capacity {
            recorder.walks.pop_front();
        }
        Ok(())
    }

    /// How many walks are kept (0: not recording).
    pub fn dream_record_capacity(&self) -> usize {
        self.dream_recorder.as_ref().map_or(0, |r| r.capacity)
    }

    /// The recorded walks, oldest first (empty when not recording).
    pub fn recorded_dream_walks(&self) -> Vec<Vec<NodeId>> {
        self.dream_recorder
            .as_ref()
            .map(|r| r.walks.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Called by a dream walk with its path (a no-op unless recording).
    pub(crate) fn record_dream_walk(&mut self, path: &[NodeId]) {
        if let Some(r) = self.dream_recorder.as_mut() {
            if r.walks.len() == r.capacity {
                r.walks.pop_front();
            }
            r.walks.push_back(path.to_vec());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::brain::config::BrainConfig;
    use crate::brain::Brain;

    fn chain_brain() -> Brain {
        let mut b = Brain::new(BrainConfig::default(), Some(3)).unwrap();
        let ids: Vec<_> = (0..5u64).map(|s| b.get_or_create_node(s, 0)).collect();
        for w in ids.windows(2) {
            b.learn_transition(w[0], w[1], 1.0).unwrap();
        }
        b
    }

    #[test]
    fn recording_is_off_by_default_and_keeps_the_last_walks_along_synapses() {
        let mut b = chain_brain();
        b.dream(2);
        assert!(b.recorded_dream_walks().is_empty());
        b.record_dream_walks(3).unwrap();
        let report = b.dream(4);
        let walks = b.recorded_dream_walks();
        assert_eq!(walks.len(), 3.min(report.walks as usize));
        for walk in &walks {
            for pair in walk.windows(2) {
                let joined =
                    b.synapse(pair[0], pair[1]).is_ok() || b.synapse(pair[1], pair[0]).is_ok();
                assert!(joined, "{walk:?}");
            }
        }
        b.record_dream_walks(0).unwrap();
        assert!(b.recorded_dream_walks().is_empty());
        assert!(b.record_dream_walks(super::MAX_RECORDED_WALKS + 1).is_err());
    }

    #[test]
    fn recording_does_not_change_the_dream() {
        let (mut a, mut b) = (chain_brain(), chain_brain());
        b.record_dream_walks(10).unwrap();
        let (ra, rb) = (a.dream(5), b.dream(5));
        assert_eq!(ra.steps, rb.steps);
        assert_eq!(a.node_table().value, b.node_table().value);
    }
}
