//! Creation, lookup and removal of nodes and synapses; lazy weight decay; table views.

use rustc_hash::FxHashMap;

use super::{Brain, Node, NodeId, NodeSlot, Synapse, SynapseSlot, NIL};
use crate::brain::config::BrainConfig;
use crate::brain::learning::retention::Retention;
use crate::error::{Error, Result};
use crate::rng;

/// Column view of all live nodes (for numpy).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeTable {
    pub index: Vec<u32>,
    pub state_hash: Vec<u64>,
    pub action: Vec<u32>,
    pub created_at: Vec<u64>,
    pub last_activated: Vec<u64>,
    pub activation_count: Vec<u64>,
    pub terminal_count: Vec<u64>,
    pub average_reward: Vec<f64>,
    pub salience: Vec<f64>,
    pub value: Vec<f64>,
}

/// Column view of all live synapses (for numpy), ordered by source node then insertion.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EdgeTable {
    pub source: Vec<u32>,
    pub target: Vec<u32>,
    pub weight: Vec<f64>,
    pub plasticity: Vec<f64>,
    pub eligibility_trace: Vec<f64>,
    pub created_at: Vec<u64>,
    pub last_activated: Vec<u64>,
    pub traversal_count: Vec<u64>,
    pub is_creative: Vec<bool>,
}

impl Brain {
    /// An empty brain. The config is validated; `seed` fixes every random choice.
    pub fn new(config: BrainConfig, seed: Option<u64>) -> Result<Self> {
        config.validate()?;
        let retention = Retention::new(config.plasticity.weight_decay);
        Ok(Self {
            config,
            rng: rng::from_seed(seed),
            clock: 0,
            episodes: 0,
            decay_epoch: 0,
            time_base: 0,
            retention,
            nodes: Vec::new(),
            free_nodes: Vec::new(),
            live_nodes: 0,
            state_index: FxHashMap::default(),
            synapses: Vec::new(),
            free_synapses: Vec::new(),
            live_synapses: 0,
            synapse_traces: Vec::new(),
            node_traces: Vec::new(),
            salient: Vec::new(),
            salient_sums: Vec::new(),
            edge_index: hashbrown::HashTable::new(),
            optimism: Vec::new(),
            reward_range: None,
            action_count: 0,
            stochastic: Some(false),
            frontier_closed: true,
            frontier_closures: 0,
            walk_path: Vec::new(),
            dream_recorder: None,
        })
    }

    /// The brain's configuration.
    pub fn config(&self) -> &BrainConfig {
        &self.config
    }

    /// Real steps learned so far.
    pub fn clock(&self) -> u64 {
        self.clock
    }

    /// Episodes ended so far.
    pub fn episodes(&self) -> u64 {
        self.episodes
    }

    /// Number of live nodes.
    pub fn node_count(&self) -> usize {
        self.live_nodes
    }

    /// Number of live synapses.
    pub fn edge_count(&self) -> usize {
        self.live_synapses
    }

    /// One past the largest node index ever used (holes included).
    pub fn node_bound(&self) -> usize {
        self.nodes.len()
    }

    /// Whether `id` names a live node.
    pub fn contains_node(&self, id: NodeId) -> bool {
        self.nodes.get(id as usize).is_some_and(|n| n.is_alive())
    }

    pub(crate) fn check_node(&self, id: NodeId) -> Result<()> {
        if self.contains_node(id) {
            Ok(())
        } else {
            Err(Error::InvalidNode(id as u64))
        }
    }

    /// A copy of the node `id`, or `InvalidNode`.
    pub fn node(&self, id: NodeId) -> Result<Node> {
        self.check_node(id)?;
        Ok(self.node_view(id))
    }

    /// The learned value of node `id`, or `InvalidNode`.
    pub fn node_value(&self, id: NodeId) -> Result<f64> {
        self.check_node(id)?;
        Ok(self.nodes[id as usize].value)
    }

    /// Live node indices in increasing order.
    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.is_alive())
            .map(|(i, _)| i as NodeId)
    }

    /// The node of (state, action), if it exists.
    pub fn find_node(&self, state_hash: u64, action: u32) -> Option<NodeId> {
        let mut id = *self.state_index.get(&state_hash)?;
        while id != NIL {
            let n = &self.nodes[id as usize];
            if n.action == action {
                return Some(id);
            }
            id = n.next_in_state;
        }
        None
    }

    /// Nodes of one state (one per action tried there).
    pub fn state_nodes(&self, state_hash: u64) -> StateNodes<'_> {
        StateNodes {
            brain: self,
            next: self.state_index.get(&state_hash).copied().unwrap_or(NIL),
        }
    }

    /// The best value known for a state: max over its nodes, `None` if the state is unknown.
    pub fn state_value(&self, state_hash: u64) -> Option<f64> {
        self.state_nodes(state_hash)
            .map(|id| self.nodes[id as usize].value)
            .reduce(f64::max)
    }

    /// `state_value` from the state's first node (`NIL`: unknown state).
    pub(crate) fn state_value_from(&self, head: NodeId) -> Option<f64> {
        StateNodes {
            brain: self,
            next: head,
        }
        .map(|id| self.nodes[id as usize].value)
        .reduce(f64::max)
    }

    /// The node of (state, action), created if needed.
    pub fn get_or_create_node(&mut self, state_hash: u64, action: u32) -> NodeId {
        if let Some(id) = self.find_node(state_hash, action) {
            return id;
        }
        let mut node = NodeSlot::new(state_hash, action, self.now_tick());
        let id = match self.free_nodes.pop() {
            Some(id) => id,
            None => {
                push_growing(&mut self.nodes, NodeSlot::dead());
                (self.nodes.len() - 1) as NodeId
            }
        };
        node.next_in_state = self.state_index.insert(state_hash, id).unwrap_or(NIL);
        self.nodes[id as usize] = node;
        self.clear_optimism(id);
        self.live_nodes += 1;
        id
    }

    /// Slot of the synapse src → dst, if any: one probe of the edge index (walking the
    /// out-list was pointer chasing, one cache miss per synapse of the node).
    pub(crate) fn find_synapse(&self, src: NodeId, dst: NodeId) -> Option<u32> {
        let synapses = &self.synapses;
        self.edge_index
            .find(edge_hash(src, dst), |&s| {
                let slot = &synapses[s as usize];
                slot.src == src && slot.dst == dst
            })
            .copied()
    }

    /// A likely slot of src → dst without reading any synapse: the first index entry whose
    /// hash tag matches. Its line is prefetched; the caller must check the slot's endpoints
    /// (a tag collision, ~1/128 per neighbouring entry, names another synapse).
    pub(crate) fn guess_synapse(&self, src: NodeId, dst: NodeId) -> Option<u32> {
        let s = *self.edge_index.find(edge_hash(src, dst), |_| true)?;
        prefetch(self.synapses.as_ptr().wrapping_add(s as usize));
        Some(s)
    }

    /// Adds a slot to the edge index.
    pub(crate) fn index_synapse(&mut self, s: u32) {
        let slot = &self.synapses[s as usize];
        let hash = edge_hash(slot.src, slot.dst);
        let synapses = &self.synapses;
        self.edge_index.insert_unique(hash, s, |&t| {
            let other = &synapses[t as usize];
            edge_hash(other.src, other.dst)
        });
    }

    /// Rebuilds the edge index from the live slots (after loading). False if two live slots
    /// join the same pair of nodes.
    pub(crate) fn rebuild_edge_index(&mut self) -> bool {
        self.edge_index = hashbrown::HashTable::with_capacity(self.live_synapses);
        for s in 0..self.synapses.len() as u32 {
            let slot = &self.synapses[s as usize];
            if slot.is_alive() {
                if self.find_synapse(slot.src, slot.dst).is_some() {
                    return false;
                }
                self.index_synapse(s);
            }
        }
        true
    }

    /// Adds a synapse (both ends must be live and the synapse absent).
    pub(crate) fn add_synapse(&mut self, src: NodeId, dst: NodeId, creative: bool) -> u32 {
        let now = self.now_tick();
        let p = &self.config.plasticity;
        let slot = SynapseSlot {
            src,
            dst,
            next_out: self.nodes[src as usize].first_out,
            next_in: self.nodes[dst as usize].first_in,
            weight: p.initial_weight.clamp(p.weight_min, p.weight_max) as f32,
            plasticity: 1.0,
            count_flags: SynapseSlot::live_flags(creative),
            created_at: now,
            last_activated: now,
        };
        let s = match self.free_synapses.pop() {
            Some(s) => {
                self.synapses[s as usize] = slot;
                s
            }
            None => {
                push_growing(&mut self.synapses, slot);
                (self.synapses.len() - 1) as u32
            }
        };
        self.nodes[src as usize].first_out = s;
        self.nodes[dst as usize].first_in = s;
        self.live_synapses += 1;
        self.index_synapse(s);
        s
    }

    /// Slot of src → dst, created if needed. Both nodes must exist.
    pub(crate) fn synapse_slot(&mut self, src: NodeId, dst: NodeId) -> u32 {
        match self.find_synapse(src, dst) {
            Some(s) => s,
            None => self.add_synapse(src, dst, false),
        }
    }

    /// Creates the synapse src → dst if absent (its weight starts at `initial_weight`).
    /// Returns whether it was created.
    pub fn get_or_create_edge(&mut self, src: NodeId, dst: NodeId) -> Result<bool> {
        self.check_node(src)?;
        self.check_node(dst)?;
        if self.find_synapse(src, dst).is_some() {
            return Ok(false);
        }
        self.add_synapse(src, dst, false);
        Ok(true)
    }

    /// Wires a creative synapse src → dst. Returns false (and changes nothing) when a synapse
    /// already joins them or src == dst.
    pub fn create_creative_edge(&mut self, src: NodeId, dst: NodeId) -> Result<bool> {
        self.check_node(src)?;
        self.check_node(dst)?;
        if src == dst || self.find_synapse(src, dst).is_some() {
            return Ok(false);
        }
        self.add_synapse(src, dst, true);
        Ok(true)
    }

    /// Removes a slot from the edge index.
    pub(crate) fn unindex_synapse(&mut self, s: u32) {
        let slot = &self.synapses[s as usize];
        if let Ok(entry) = self
            .edge_index
            .find_entry(edge_hash(slot.src, slot.dst), |&t| t == s)
        {
            entry.remove();
        }
    }

    /// Removes a node that has no synapses left.
    pub(crate) fn remove_isolated_node(&mut self, id: NodeId) {
        self.salient_remove(id);
        let (state, next) = {
            let n = &self.nodes[id as usize];
            debug_assert!(n.first_out == NIL && n.first_in == NIL);
            (n.state_hash, n.next_in_state)
        };
        // unlink from its state list
        let head = self.state_index[&state];
        if head == id {
            if next == NIL {
                self.state_index.remove(&state);
            } else {
                self.state_index.insert(state, next);
            }
        } else {
            let mut cur = head;
            while self.nodes[cur as usize].next_in_state != id {
                cur = self.nodes[cur as usize].next_in_state;
            }
            self.nodes[cur as usize].next_in_state = next;
        }
        self.nodes[id as usize] = NodeSlot::dead();
        self.frontier_closed = true;
        self.free_nodes.push(id);
        self.live_nodes -= 1;
        self.node_traces.retain(|&(n, _)| n != id);
    }

    /// Outgoing synapse slots of a node.
    pub(crate) fn out_slots(&self, id: NodeId) -> SlotIter<'_, true> {
        SlotIter {
            synapses: &self.synapses,
            next: self.nodes[id as usize].first_out,
        }
    }

    /// Incoming synapse slots of a node.
    pub(crate) fn in_slots(&self, id: NodeId) -> SlotIter<'_, false> {
        SlotIter {
            synapses: &self.synapses,
            next: self.nodes[id as usize].first_in,
        }
    }

    /// Successor nodes of a live node.
    pub fn successors(&self, id: NodeId) -> Result<Vec<NodeId>> {
        self.check_node(id)?;
        Ok(self
            .out_slots(id)
            .map(|s| self.synapses[s as usize].dst)
            .collect())
    }

    /// Predecessor nodes of a live node.
    pub fn predecessors(&self, id: NodeId) -> Result<Vec<NodeId>> {
        self.check_node(id)?;
        Ok(self
            .in_slots(id)
            .map(|s| self.synapses[s as usize].src)
            .collect())
    }

    /// Current weight of a slot: stored weight decayed towards `weight_min` from its last touch.
    pub(crate) fn slot_weight(&self, s: u32) -> f64 {
        let slot = &self.synapses[s as usize];
        let p = &self.config.plasticity;
        let since = self.abs_time(slot.last_activated).max(self.decay_epoch);
        let dt = self.clock.saturating_sub(since);
        let stored = slot.weight as f64;
        let w = if dt == 0 || p.weight_decay == 0.0 {
            stored
        } else {
            // (1 − d)^dt: one multiply for the usual gap of one step (live traces touch their
            // synapses every step), exp with the cached ln(1 − d) otherwise.
            let factor = if dt == 1 {
                1.0 - p.weight_decay
            } else {
                self.retention.factor(dt)
            };
            p.weight_min + (stored - p.weight_min) * factor
        };
        w.clamp(p.weight_min, p.weight_max)
    }

    /// Writes a new weight (clamped to the bounds) and marks the synapse touched now.
    pub(crate) fn set_slot_weight(&mut self, s: u32, w: f64) {
        let p = &self.config.plasticity;
        // NaN (an infinite gain times a zero plasticity) leaves the weight as it is.
        let w = if w.is_nan() {
            self.synapses[s as usize].weight as f64
        } else {
            w
        };
        let w = w.clamp(p.weight_min, p.weight_max);
        let now = self.now_tick();
        let slot = &mut self.synapses[s as usize];
        slot.weight = w as f32;
        slot.last_activated = now;
    }

    /// Eligibility trace of a slot (0 unless live).
    pub(crate) fn slot_trace(&self, s: u32) -> f64 {
        self.synapse_traces
            .iter()
            .find(|&&(t, _)| t == s)
            .map_or(0.0, |&(_, e)| e)
    }

    /// Current weight of src → dst, if the synapse exists.
    pub fn weight(&self, src: NodeId, dst: NodeId) -> Option<f64> {
        if !self.contains_node(src) {
            return None;
        }
        self.find_synapse(src, dst).map(|s| self.slot_weight(s))
    }

    fn view(&self, s: u32) -> Synapse {
        let slot = &self.synapses[s as usize];
        Synapse {
            source: slot.src,
            target: slot.dst,
            weight: self.slot_weight(s),
            plasticity: slot.plasticity as f64,
            eligibility_trace: self.slot_trace(s),
            created_at: self.abs_time(slot.created_at),
            last_activated: self.abs_time(slot.last_activated),
            traversal_count: slot.traversal_count() as u64,
            is_creative: slot.is_creative(),
        }
    }

    /// The synapse src → dst: `InvalidNode` if an end is not a live node, `NoSynapse` if absent.
    pub fn synapse(&self, src: NodeId, dst: NodeId) -> Result<Synapse> {
        self.check_node(src)?;
        self.check_node(dst)?;
        match self.find_synapse(src, dst) {
            Some(s) => Ok(self.view(s)),
            None => Err(Error::NoSynapse {
                src: src as u64,
                dst: dst as u64,
            }),
        }
    }

    /// All live synapses, ordered by source node, then most recent first.
    pub fn synapses(&self) -> impl Iterator<Item = Synapse> + '_ {
        self.node_ids()
            .flat_map(move |n| self.out_slots(n).map(move |s| self.view(s)))
    }

    /// Column view of the live nodes.
    pub fn node_table(&self) -> NodeTable {
        let mut t = NodeTable::default();
        for id in self.node_ids() {
            let n = &self.nodes[id as usize];
            t.index.push(id);
            t.state_hash.push(n.state_hash);
            t.action.push(n.action);
            t.created_at.push(self.abs_time(n.created_at));
            t.last_activated.push(self.abs_time(n.last_activated));
            t.activation_count.push(n.activation_count as u64);
            t.terminal_count.push(n.terminal_count as u64);
            t.average_reward.push(n.average_reward);
            t.salience.push(n.salience as f64);
            t.value.push(n.value);
        }
        t
    }

    /// Column view of the live synapses.
    pub fn edge_table(&self) -> EdgeTable {
        let mut t = EdgeTable::default();
        for s in self.synapses() {
            t.source.push(s.source);
            t.target.push(s.target);
            t.weight.push(s.weight);
            t.plasticity.push(s.plasticity);
            t.eligibility_trace.push(s.eligibility_trace);
            t.created_at.push(s.created_at);
            t.last_activated.push(s.last_activated);
            t.traversal_count.push(s.traversal_count);
            t.is_creative.push(s.is_creative);
        }
        t
    }

    /// Bytes held by the brain's storage (capacity, not just length), for memory reports.
    pub fn memory_bytes(&self) -> usize {
        use std::mem::size_of;
        self.nodes.capacity() * size_of::<NodeSlot>()
            + self.free_nodes.capacity() * 4
            + self.synapses.capacity() * size_of::<SynapseSlot>()
            + self.free_synapses.capacity() * 4
            + self.state_index.capacity() * (size_of::<(u64, NodeId)>() + 1)
            + self.edge_index.allocation_size()
            + self.synapse_traces.capacity() * size_of::<(u32, f64)>()
            + self.node_traces.capacity() * size_of::<(NodeId, f64)>()
            + self.salient.capacity() * std::mem::size_of::<(f64, NodeId)>()
            + self.optimism.capacity() * size_of::<f64>()
            + size_of::<Brain>()
    }
}

/// Hash of an edge key (src, dst): the SplitMix64 finaliser of the packed pair.
fn edge_hash(src: NodeId, dst: NodeId) -> u64 {
    let mut z = ((src as u64) << 32 | dst as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Asks the CPU to start loading the line of `p` (no effect where unsupported; never faults).
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetch is a hint; it never dereferences `p` architecturally, even if invalid.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Pushes with 1.125× geometric growth instead of `Vec`'s 2×: amortised O(1) all the same (and
/// large reallocations are remapped, not copied), but at most an eighth of the slot storage sits
/// unused (memory per synapse is a stated target).
fn push_growing<T>(v: &mut Vec<T>, item: T) {
    if v.len() == v.capacity() {
        v.reserve_exact((v.len() / 8).max(64));
    }
    v.push(item);
}

/// Iterator over the nodes of one state.
pub struct StateNodes<'a> {
    brain: &'a Brain,
    next: u32,
}

impl Iterator for StateNodes<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        if self.next == NIL {
            return None;
        }
        let id = self.next;
        self.next = self.brain.nodes[id as usize].next_in_state;
        Some(id)
    }
}

/// Iterator over a node's out-list (`OUT = true`) or in-list.
pub(crate) struct SlotIter<'a, const OUT: bool> {
    synapses: &'a [SynapseSlot],
    next: u32,
}

impl<const OUT: bool> Iterator for SlotIter<'_, OUT> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.next == NIL {
            return None;
        }
        let s = self.next;
        let slot = &self.synapses[s as usize];
        self.next = if OUT { slot.next_out } else { slot.next_in };
        Some(s)
    }
}
