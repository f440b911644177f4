//! Building a brain from plain records (the path `Brain.from_networkx` takes).

use crate::brain::config::BrainConfig;
use crate::brain::{Brain, NodeId, NodeSlot, SynapseSlot, MAX_REWARD, MAX_STORED, NIL};
use crate::error::{Error, Result};

/// One node to import, with the index it must keep.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeRecord {
    pub index: NodeId,
    pub state_hash: u64,
    pub action: u32,
    pub value: f64,
    pub activation_count: u64,
    pub terminal_count: u64,
    pub average_reward: f64,
    pub salience: f64,
    pub created_at: u64,
    pub last_activated: u64,
}

/// One synapse to import.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeRecord {
    pub source: NodeId,
    pub target: NodeId,
    pub weight: f64,
    pub plasticity: f64,
    pub created_at: u64,
    pub last_activated: u64,
    pub traversal_count: u64,
    pub is_creative: bool,
}

/// One past the largest node index, refused when too large or too sparse for the records.
fn index_bound(nodes: &[NodeRecord]) -> Result<usize> {
    let bound = nodes
        .iter()
        .map(|n| n.index as usize + 1)
        .max()
        .unwrap_or(0);
    if bound >= NIL as usize {
        return Err(Error::argument("nodes", "node index too large"));
    }
    if bound > 4 * nodes.len() + 1024 {
        return Err(Error::argument(
            "nodes",
            format!(
                "indices are too sparse ({} nodes up to index {})",
                nodes.len(),
                bound - 1
            ),
        ));
    }
    Ok(bound)
}

/// The latest time any record mentions (the imported brain's clock).
fn latest_time(nodes: &[NodeRecord], edges: &[EdgeRecord]) -> Result<u64> {
    let clock = nodes
        .iter()
        .flat_map(|r| [r.created_at, r.last_activated])
        .chain(edges.iter().flat_map(|e| [e.created_at, e.last_activated]))
        .max()
        .unwrap_or(0);
    if clock > crate::brain::MAX_TIME {
        return Err(Error::argument(
            "created_at/last_activated",
            format!("times must be <= 2**62, got {clock}"),
        ));
    }
    Ok(clock)
}

impl Brain {
    /// A brain holding exactly these nodes (at their indices; gaps become holes) and synapses.
    /// The clock starts at the latest time any record mentions.
    pub fn from_records(
        config: BrainConfig,
        seed: Option<u64>,
        nodes: &[NodeRecord],
        edges: &[EdgeRecord],
    ) -> Result<Brain> {
        let mut brain = Brain::new(config, seed)?;
        let bound = index_bound(nodes)?;
        // Times are stored relative to a base at most 2^31 steps before the clock (older times
        // are clamped, see `time.rs`).
        let clock = latest_time(nodes, edges)?;
        brain.clock = clock;
        brain.decay_epoch = clock;
        brain.time_base = clock.saturating_sub(1 << 31);
        brain.nodes = vec![NodeSlot::dead(); bound];
        for r in nodes {
            brain.import_node(r)?;
        }
        brain.free_nodes = (0..bound as u32)
            .rev()
            .filter(|&i| !brain.nodes[i as usize].is_alive())
            .collect();
        // Lists are built by prepending: insert in reverse so they keep the records' order.
        for e in edges.iter().rev() {
            brain.import_edge(e)?;
        }
        for id in 0..bound as NodeId {
            if brain.nodes[id as usize].is_alive() {
                let s = brain.nodes[id as usize].salience as f64;
                brain.set_salience(id, s);
            }
        }
        Ok(brain)
    }

    /// Checks one node record and puts it at its index (its slot is allocated, dead).
    fn import_node(&mut self, r: &NodeRecord) -> Result<()> {
        for (name, v, bound) in [
            ("value", r.value, MAX_STORED),
            ("average_reward", r.average_reward, MAX_REWARD),
            ("salience", r.salience, MAX_STORED),
        ] {
            if !v.is_finite() || v.abs() > bound {
                return Err(Error::argument(
                    name,
                    format!(
                        "node {} has {name} {v}: must be finite with magnitude <= {bound:e}",
                        r.index
                    ),
                ));
            }
        }
        if self.nodes[r.index as usize].is_alive() {
            return Err(Error::argument(
                "nodes",
                format!("index {} appears twice", r.index),
            ));
        }
        if self.find_node(r.state_hash, r.action).is_some() {
            return Err(Error::argument(
                "nodes",
                format!(
                    "two nodes share state {:#x} and action {}",
                    r.state_hash, r.action
                ),
            ));
        }
        let mut n = NodeSlot::new(r.state_hash, r.action, self.tick_of(r.created_at));
        n.last_activated = self.tick_of(r.last_activated);
        n.activation_count = r.activation_count.min(u32::MAX as u64) as u32;
        n.terminal_count = r.terminal_count.min(u32::MAX as u64) as u32;
        n.average_reward = r.average_reward;
        if r.salience < 0.0 {
            return Err(Error::argument(
                "salience",
                format!("node {} has negative salience {}", r.index, r.salience),
            ));
        }
        n.salience = r.salience as f32;
        n.value = r.value;
        n.next_in_state = self
            .state_index
            .insert(r.state_hash, r.index)
            .unwrap_or(NIL);
        self.nodes[r.index as usize] = n;
        self.live_nodes += 1;
        Ok(())
    }

    /// Checks one synapse record and wires it between its (imported) nodes.
    fn import_edge(&mut self, e: &EdgeRecord) -> Result<()> {
        self.check_node(e.source)?;
        self.check_node(e.target)?;
        let p = &self.config.plasticity;
        if !(e.weight.is_finite() && (p.weight_min..=p.weight_max).contains(&e.weight)) {
            return Err(Error::argument(
                "weight",
                format!(
                    "synapse {} -> {} has weight {} outside [{}, {}]",
                    e.source, e.target, e.weight, p.weight_min, p.weight_max
                ),
            ));
        }
        if !(e.plasticity.is_finite() && (0.0..=1.0).contains(&e.plasticity)) {
            return Err(Error::argument(
                "plasticity",
                format!("must be in [0, 1], got {}", e.plasticity),
            ));
        }
        if self.find_synapse(e.source, e.target).is_some() {
            return Err(Error::argument(
                "edges",
                format!("synapse {} -> {} appears twice", e.source, e.target),
            ));
        }
        let (tick_created, tick_last) =
            (self.tick_of(e.created_at), self.tick_of(e.last_activated));
        let s = self.add_synapse(e.source, e.target, e.is_creative);
        let slot: &mut SynapseSlot = &mut self.synapses[s as usize];
        slot.weight = e.weight as f32;
        slot.plasticity = e.plasticity as f32;
        slot.created_at = tick_created;
        slot.last_activated = tick_last;
        slot.set_traversal_count(e.traversal_count);
        Ok(())
    }
}
