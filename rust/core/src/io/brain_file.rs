//! Serialisation of a brain, and the structural check that makes a decoded brain safe to use.
//!
//! The whole structure is stored (slots, list links, free lists, traces, generator state) so that
//! a loaded brain continues exactly as the saved one would have. Since a file may be crafted,
//! every index and every list is checked on load before the brain is handed out.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::brain::config::BrainConfig;
use crate::brain::learning::retention::Retention;
use crate::brain::{Brain, NodeId, NodeSlot, SynapseSlot, MAX_REWARD, MAX_STORED, NIL};
use crate::error::{Error, Result};
use crate::io::container;
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
    // seen and no action count: docs/reference/format.md).
    #[serde(default, deserialize_with = "container::since_version_2")]
    optimism: Vec<f64>,
    #[serde(default, deserialize_with = "container::since_version_2")]
    reward_range: Option<(f64, f64)>,
    #[serde(default, deserialize_with = "container::since_version_2")]
    action_count: u32,
}

/// `l` is "no link" or an index below `n`.
fn in_range(l: u32, n: usize) -> bool {
    l == NIL || (l as usize) < n
}

/// The steps of `Brain::from_data`, in the order they run; each error says what is wrong.
impl BrainData {
    fn node_ok(&self, id: u32) -> bool {
        (id as usize) < self.nodes.len() && self.nodes[id as usize].is_alive()
    }

    /// Config valid; clock, time base and decay epoch agree. Returns the clock in ticks.
    fn check_clock(&self) -> std::result::Result<u32, String> {
        self.config.validate().map_err(|e| e.to_string())?;
        if self.clock > crate::brain::MAX_TIME
            || self.time_base > self.clock
            || self.clock - self.time_base > u32::MAX as u64
            || self.decay_epoch > self.clock
        {
            return Err("clock, time base and decay epoch disagree".into());
        }
        Ok((self.clock - self.time_base) as u32)
    }

    /// Slots and links in range, values finite, times not after `now`.
    fn check_slots(&self, now: u32) -> std::result::Result<(), String> {
        let (n_nodes, n_syn) = (self.nodes.len(), self.synapses.len());
        if n_nodes >= NIL as usize || n_syn >= NIL as usize {
            return Err("too many slots".into());
        }
        for (i, n) in self.nodes.iter().enumerate() {
            if !n.is_alive() {
                continue;
            }
            if !(in_range(n.first_out, n_syn)
                && in_range(n.first_in, n_syn)
                && in_range(n.next_in_state, n_nodes))
            {
                return Err(format!("node {i} links out of range"));
            }
            if !(n.value.abs() <= MAX_STORED
                && n.average_reward.abs() <= MAX_REWARD
                && n.salience.is_finite())
            {
                return Err(format!("node {i} holds a non-finite number"));
            }
            if n.created_at > now || n.last_activated > now || n.salience < 0.0 {
                return Err(format!(
                    "node {i} has times after the clock or a negative salience"
                ));
            }
        }
        let p = &self.config.plasticity;
        for (i, s) in self.synapses.iter().enumerate() {
            if !s.is_alive() {
                continue;
            }
            if !(self.node_ok(s.src)
                && self.node_ok(s.dst)
                && in_range(s.next_out, n_syn)
                && in_range(s.next_in, n_syn))
            {
                return Err(format!("synapse slot {i} refers to a missing node or slot"));
            }
            // Stored weights are clamped in f64 then rounded to f32 (monotonic): they lie in
            // [f32(weight_min), f32(weight_max)].
            let w = s.weight;
            if !(w.is_finite()
                && (p.weight_min as f32..=p.weight_max as f32).contains(&w)
                && (0.0..=1.0).contains(&s.plasticity))
            {
                return Err(format!(
                    "synapse slot {i} holds a weight outside the bounds"
                ));
            }
            if s.created_at > now || s.last_activated > now {
                return Err(format!("synapse slot {i} has times after the clock"));
            }
        }
        Ok(())
    }

    /// Every live synapse is on exactly its source's out-list and its target's in-list.
    /// Returns the live node and synapse counts.
    fn check_adjacency(&self) -> std::result::Result<(usize, usize), String> {
        let n_syn = self.synapses.len();
        let mut seen_out = vec![false; n_syn];
        let mut seen_in = vec![false; n_syn];
        let mut live_nodes = 0usize;
        for (i, n) in self.nodes.iter().enumerate() {
            if !n.is_alive() {
                continue;
            }
            live_nodes += 1;
            for (first, out) in [(n.first_out, true), (n.first_in, false)] {
                let mut s = first;
                while s != NIL {
                    let slot = &self.synapses[s as usize];
                    let seen = if out { &mut seen_out } else { &mut seen_in };
                    let end = if out { slot.src } else { slot.dst };
                    if !slot.is_alive() || seen[s as usize] || end as usize != i {
                        return Err(format!("adjacency list of node {i} is corrupt"));
                    }
                    seen[s as usize] = true;
                    s = if out { slot.next_out } else { slot.next_in };
                }
            }
        }
        let live_syn = self.synapses.iter().filter(|s| s.is_alive()).count();
        if seen_out.iter().filter(|&&b| b).count() != live_syn
            || seen_in.iter().filter(|&&b| b).count() != live_syn
        {
            return Err("a synapse is missing from the adjacency lists".into());
        }
        Ok((live_nodes, live_syn))
    }

    /// State lists: each head starts a chain of live nodes of that state; all live nodes
    /// covered once. Returns the state index.
    fn index_states(
        &self,
        live_nodes: usize,
    ) -> std::result::Result<FxHashMap<u64, NodeId>, String> {
        let mut state_index = FxHashMap::default();
        let mut on_list = vec![false; self.nodes.len()];
        for &(state, head) in &self.state_heads {
            let mut id = head;
            while id != NIL {
                if !self.node_ok(id)
                    || on_list[id as usize]
                    || self.nodes[id as usize].state_hash != state
                {
                    return Err(format!("state list of {state:#x} is corrupt"));
                }
                on_list[id as usize] = true;
                id = self.nodes[id as usize].next_in_state;
            }
            if state_index.insert(state, head).is_some() {
                return Err("a state appears twice".into());
            }
        }
        if on_list.iter().filter(|&&b| b).count() != live_nodes {
            return Err("a node is missing from the state index".into());
        }
        Ok(state_index)
    }

    /// Free lists name dead slots only, once each; traces name live items.
    fn check_free_lists_and_traces(&self) -> std::result::Result<(), String> {
        let (n_nodes, n_syn) = (self.nodes.len(), self.synapses.len());
        let mut free = vec![false; n_nodes];
        for &f in &self.free_nodes {
            if (f as usize) >= n_nodes
                || self.nodes[f as usize].is_alive()
                || std::mem::replace(&mut free[f as usize], true)
            {
                return Err("node free list is corrupt".into());
            }
        }
        let mut free = vec![false; n_syn];
        for &f in &self.free_synapses {
            if (f as usize) >= n_syn
                || self.synapses[f as usize].is_alive()
                || std::mem::replace(&mut free[f as usize], true)
            {
                return Err("synapse free list is corrupt".into());
            }
        }
        if self.synapse_traces.iter().any(|&(s, e)| {
            (s as usize) >= n_syn
                || !self.synapses[s as usize].is_alive()
                || !(0.0..=1.0).contains(&e)
        }) || self
            .node_traces
            .iter()
            .any(|&(n, z)| !self.node_ok(n) || !(0.0..=1.0).contains(&z))
        {
            return Err("traces refer to missing items".into());
        }
        Ok(())
    }

    /// The format-2 exploration state: values in range, reward range ordered, action count
    /// within what an agent can have.
    fn check_exploration(&self) -> std::result::Result<(), String> {
        if self.optimism.len() > self.nodes.len()
            || self
                .optimism
                .iter()
                .any(|u| !(u.is_nan() || u.abs() <= MAX_STORED))
        {
            return Err("exploration values out of range".into());
        }
        if let Some((lo, hi)) = self.reward_range {
            if !(lo.abs() <= MAX_REWARD && hi.abs() <= MAX_REWARD && lo <= hi) {
                return Err("reward range out of order".into());
            }
        }
        if self.action_count > crate::agent::MAX_ACTIONS {
            return Err(format!("action count {} too large", self.action_count));
        }
        Ok(())
    }

    /// The checked data as a brain, with its derived indexes rebuilt (and checked).
    fn into_brain(
        self,
        live_nodes: usize,
        live_synapses: usize,
        state_index: FxHashMap<u64, NodeId>,
    ) -> std::result::Result<Brain, String> {
        let retention = Retention::new(self.config.plasticity.weight_decay);
        let mut brain = Brain {
            config: self.config,
            rng: self.rng,
            clock: self.clock,
            episodes: self.episodes,
            decay_epoch: self.decay_epoch,
            time_base: self.time_base,
            retention,
            nodes: self.nodes,
            free_nodes: self.free_nodes,
            live_nodes,
            state_index,
            synapses: self.synapses,
            free_synapses: self.free_synapses,
            live_synapses,
            synapse_traces: self.synapse_traces,
            node_traces: self.node_traces,
            salient: self.salient,
            salient_sums: Vec::new(),
            edge_index: hashbrown::HashTable::new(),
            optimism: self.optimism,
            reward_range: self.reward_range,
            action_count: self.action_count,
            stochastic: None,
            frontier_closed: true,
            frontier_closures: 0,
            walk_path: Vec::new(),
            dream_recorder: None,
        };
        brain.rebuild_salient_sums();
        if !brain.rebuild_edge_index() {
            return Err("two synapses join the same pair of nodes".into());
        }
        if !brain.salient_is_consistent() {
            return Err("salient set is corrupt".into());
        }
        Ok(brain)
    }
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

    /// Checks a decoded brain step by step (each step names what is inconsistent) and
    /// assembles it.
    pub(crate) fn from_data(d: BrainData, origin: &str) -> Result<Brain> {
        let bad = |why: String| Error::format(origin, format!("inconsistent brain: {why}"));
        let now = d.check_clock().map_err(bad)?;
        d.check_slots(now).map_err(bad)?;
        let (live_nodes, live_syn) = d.check_adjacency().map_err(bad)?;
        let state_index = d.index_states(live_nodes).map_err(bad)?;
        d.check_free_lists_and_traces().map_err(bad)?;
        d.check_exploration().map_err(bad)?;
        d.into_brain(live_nodes, live_syn, state_index).map_err(bad)
    }

    /// The brain as a complete file image (header, checksum, payload).
    pub fn to_bytes(&self) -> Vec<u8> {
        container::to_bytes(BRAIN_KIND, &self.to_data())
    }

    /// A brain from a file image; `origin` names the source in error messages.
    pub fn from_bytes(bytes: &[u8], origin: &str) -> Result<Brain> {
        let data: BrainData = container::from_bytes(origin, BRAIN_KIND, bytes)?;
        Brain::from_data(data, origin)
    }

    /// Saves atomically to `path`.
    pub fn save(&self, path: &std::path::Path) -> Result<()> {
        container::write_atomic(path, &self.to_bytes())
    }

    /// Loads from `path`.
    pub fn load(path: &std::path::Path) -> Result<Brain> {
        let bytes = container::read_container(path, BRAIN_KIND)?;
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
