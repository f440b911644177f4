//! Serialisation of a brain, and the structural check that makes a decoded brain safe to use.
//!
//! The whole structure is stored (slots, list links, free lists, traces, generator state) so that
//! a loaded brain continues exactly as the saved one would have. Since a file may be crafted,
//! every index and every list is checked on load before the brain is handed out.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::{Brain, NodeId, NodeSlot, SynapseSlot, MAX_REWARD, MAX_STORED, NIL};
use crate::config::BrainConfig;
use crate::error::{Error, Result};
use crate::io::persist;
use crate::learning::decay::Retention;
use crate::rng::Rng;

/// Kind tag of brain files.
pub const BRAIN_KIND: &[u8; 4] = b"BRN1";

#[derive(Serialize, Deserialize)]
pub(crate) struct BrainData {
    config: BrainConfig,
    rng: Rng,
    clock: u64,
    episodes: u64,
    decay_epoch: u64,
    time_base: u64,
    nodes: Vec<NodeSlot>,
    free_nodes: Vec<NodeId>,
    state_heads: Vec<(u64, NodeId)>,
    synapses: Vec<SynapseSlot>,
    free_synapses: Vec<u32>,
    synapse_traces: Vec<(u32, f64)>,
    node_traces: Vec<(NodeId, f64)>,
    salient: Vec<(f64, NodeId)>,
    // Format version 2 (a version-1 file loads with no exploration values, U = V, no reward
    // seen and no action count: docs/format.md).
    #[serde(default, deserialize_with = "persist::since_version_2")]
    optimism: Vec<f64>,
    #[serde(default, deserialize_with = "persist::since_version_2")]
    reward_range: Option<(f64, f64)>,
    #[serde(default, deserialize_with = "persist::since_version_2")]
    action_count: u32,
}

impl Brain {
    pub(crate) fn to_data(&self) -> BrainData {
        let mut state_heads: Vec<(u64, NodeId)> =
            self.state_index.iter().map(|(&k, &v)| (k, v)).collect();
        state_heads.sort_unstable();
        BrainData {
            config: self.config.clone(),
            rng: self.rng.clone(),
            clock: self.clock,
            episodes: self.episodes,
            decay_epoch: self.decay_epoch,
            time_base: self.time_base,
            nodes: self.nodes.clone(),
            free_nodes: self.free_nodes.clone(),
            state_heads,
            synapses: self.synapses.clone(),
            free_synapses: self.free_synapses.clone(),
            synapse_traces: self.synapse_traces.clone(),
            node_traces: self.node_traces.clone(),
            salient: self.salient.clone(),
            optimism: self.optimism.clone(),
            reward_range: self.reward_range,
            action_count: self.action_count,
        }
    }

    pub(crate) fn from_data(d: BrainData, origin: &str) -> Result<Brain> {
        let bad = |why: String| Error::format(origin, format!("inconsistent brain: {why}"));
        d.config.validate().map_err(|e| bad(e.to_string()))?;
        if d.clock > super::MAX_TIME
            || d.time_base > d.clock
            || d.clock - d.time_base > u32::MAX as u64
            || d.decay_epoch > d.clock
        {
            return Err(bad("clock, time base and decay epoch disagree".into()));
        }
        let now = (d.clock - d.time_base) as u32;
        let (n_nodes, n_syn) = (d.nodes.len(), d.synapses.len());
        if n_nodes >= NIL as usize || n_syn >= NIL as usize {
            return Err(bad("too many slots".into()));
        }
        let node_ok = |id: u32| (id as usize) < n_nodes && d.nodes[id as usize].is_alive();
        let in_range = |l: u32, n: usize| l == NIL || (l as usize) < n;
        // Slots and links in range, values finite.
        for (i, n) in d.nodes.iter().enumerate() {
            if !n.is_alive() {
                continue;
            }
            if !(in_range(n.first_out, n_syn)
                && in_range(n.first_in, n_syn)
                && in_range(n.next_in_state, n_nodes))
            {
                return Err(bad(format!("node {i} links out of range")));
            }
            if !(n.value.abs() <= MAX_STORED
                && n.average_reward.abs() <= MAX_REWARD
                && n.salience.is_finite())
            {
                return Err(bad(format!("node {i} holds a non-finite number")));
            }
            if n.created_at > now || n.last_activated > now || n.salience < 0.0 {
                return Err(bad(format!(
                    "node {i} has times after the clock or a negative salience"
                )));
            }
        }
        let p = &d.config.plasticity;
        for (i, s) in d.synapses.iter().enumerate() {
            if !s.is_alive() {
                continue;
            }
            if !(node_ok(s.src)
                && node_ok(s.dst)
                && in_range(s.next_out, n_syn)
                && in_range(s.next_in, n_syn))
            {
                return Err(bad(format!(
                    "synapse slot {i} refers to a missing node or slot"
                )));
            }
            // Stored weights are clamped in f64 then rounded to f32 (monotonic): they lie in
            // [f32(weight_min), f32(weight_max)].
            let w = s.weight;
            if !(w.is_finite()
                && (p.weight_min as f32..=p.weight_max as f32).contains(&w)
                && (0.0..=1.0).contains(&s.plasticity))
            {
                return Err(bad(format!(
                    "synapse slot {i} holds a weight outside the bounds"
                )));
            }
            if s.created_at > now || s.last_activated > now {
                return Err(bad(format!("synapse slot {i} has times after the clock")));
            }
        }
        // Every live synapse is on exactly its source's out-list and its target's in-list.
        let mut seen_out = vec![false; n_syn];
        let mut seen_in = vec![false; n_syn];
        let mut live_nodes = 0usize;
        for (i, n) in d.nodes.iter().enumerate() {
            if !n.is_alive() {
                continue;
            }
            live_nodes += 1;
            for (first, out) in [(n.first_out, true), (n.first_in, false)] {
                let mut s = first;
                while s != NIL {
                    let slot = &d.synapses[s as usize];
                    let seen = if out { &mut seen_out } else { &mut seen_in };
                    let end = if out { slot.src } else { slot.dst };
                    if !slot.is_alive() || seen[s as usize] || end as usize != i {
                        return Err(bad(format!("adjacency list of node {i} is corrupt")));
                    }
                    seen[s as usize] = true;
                    s = if out { slot.next_out } else { slot.next_in };
                }
            }
        }
        let live_syn = d.synapses.iter().filter(|s| s.is_alive()).count();
        if seen_out.iter().filter(|&&b| b).count() != live_syn
            || seen_in.iter().filter(|&&b| b).count() != live_syn
        {
            return Err(bad("a synapse is missing from the adjacency lists".into()));
        }
        // State lists: each head starts a chain of live nodes of that state; all live nodes covered once.
        let mut state_index = FxHashMap::default();
        let mut on_list = vec![false; n_nodes];
        for &(state, head) in &d.state_heads {
            let mut id = head;
            while id != NIL {
                if !node_ok(id) || on_list[id as usize] || d.nodes[id as usize].state_hash != state
                {
                    return Err(bad(format!("state list of {state:#x} is corrupt")));
                }
                on_list[id as usize] = true;
                id = d.nodes[id as usize].next_in_state;
            }
            if state_index.insert(state, head).is_some() {
                return Err(bad("a state appears twice".into()));
            }
        }
        if on_list.iter().filter(|&&b| b).count() != live_nodes {
            return Err(bad("a node is missing from the state index".into()));
        }
        // Free lists name dead slots only, once each.
        let mut free = vec![false; n_nodes];
        for &f in &d.free_nodes {
            if (f as usize) >= n_nodes
                || d.nodes[f as usize].is_alive()
                || std::mem::replace(&mut free[f as usize], true)
            {
                return Err(bad("node free list is corrupt".into()));
            }
        }
        let mut free = vec![false; n_syn];
        for &f in &d.free_synapses {
            if (f as usize) >= n_syn
                || d.synapses[f as usize].is_alive()
                || std::mem::replace(&mut free[f as usize], true)
            {
                return Err(bad("synapse free list is corrupt".into()));
            }
        }
        if d.synapse_traces.iter().any(|&(s, e)| {
            (s as usize) >= n_syn || !d.synapses[s as usize].is_alive() || !(0.0..=1.0).contains(&e)
        }) || d
            .node_traces
            .iter()
            .any(|&(n, z)| !node_ok(n) || !(0.0..=1.0).contains(&z))
        {
            return Err(bad("traces refer to missing items".into()));
        }
        if d.optimism.len() > n_nodes
            || d.optimism
                .iter()
                .any(|u| !(u.is_nan() || u.abs() <= MAX_STORED))
        {
            return Err(bad("exploration values out of range".into()));
        }
        if let Some((lo, hi)) = d.reward_range {
            if !(lo.abs() <= MAX_REWARD && hi.abs() <= MAX_REWARD && lo <= hi) {
                return Err(bad("reward range out of order".into()));
            }
        }
        if d.action_count > crate::agent::MAX_ACTIONS {
            return Err(bad(format!("action count {} too large", d.action_count)));
        }
        let retention = Retention::new(d.config.plasticity.weight_decay);
        let brain = Brain {
            config: d.config,
            rng: d.rng,
            clock: d.clock,
            episodes: d.episodes,
            decay_epoch: d.decay_epoch,
            time_base: d.time_base,
            retention,
            nodes: d.nodes,
            free_nodes: d.free_nodes,
            live_nodes,
            state_index,
            synapses: d.synapses,
            free_synapses: d.free_synapses,
            live_synapses: live_syn,
            synapse_traces: d.synapse_traces,
            node_traces: d.node_traces,
            salient: d.salient,
            salient_sums: Vec::new(),
            edge_index: hashbrown::HashTable::new(),
            optimism: d.optimism,
            reward_range: d.reward_range,
            action_count: d.action_count,
        };
        let mut brain = brain;
        brain.rebuild_salient_sums();
        if !brain.rebuild_edge_index() {
            return Err(bad("two synapses join the same pair of nodes".into()));
        }
        if !brain.salient_is_consistent() {
            return Err(bad("salient set is corrupt".into()));
        }
        Ok(brain)
    }

    /// The brain as a complete file image (header, checksum, payload).
    pub fn to_bytes(&self) -> Vec<u8> {
        persist::to_bytes(BRAIN_KIND, &self.to_data())
    }

    /// A brain from a file image; `origin` names the source in error messages.
    pub fn from_bytes(bytes: &[u8], origin: &str) -> Result<Brain> {
        let data: BrainData = persist::from_bytes(origin, BRAIN_KIND, bytes)?;
        Brain::from_data(data, origin)
    }

    /// Saves atomically to `path`.
    pub fn save(&self, path: &std::path::Path) -> Result<()> {
        persist::write_atomic(path, &self.to_bytes())
    }

    /// Loads from `path`.
    pub fn load(path: &std::path::Path) -> Result<Brain> {
        let bytes = persist::read_file(path)?;
        Brain::from_bytes(&bytes, &path.display().to_string())
    }
}

impl Serialize for Brain {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_data().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Brain {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let data = BrainData::deserialize(d)?;
        Brain::from_data(data, "embedded brain").map_err(serde::de::Error::custom)
    }
}
