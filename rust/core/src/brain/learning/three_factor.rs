//! The three-factor rule: pre × post (the eligibility trace) × neuromodulator (the RPE).

use crate::brain::{check_reward, MAX_REWARD};
use crate::brain::{Brain, NodeId, NIL};
use crate::error::Result;

/// Transitions whose lookups `learn_transitions` issues together before learning them.
const LOOKAHEAD: usize = 32;

impl Brain {
    /// Records an experience of node `id` followed by `reward` without learning from it
    /// (activation count, running mean reward, last activation).
    pub fn activate_node(&mut self, id: NodeId, reward: f64) -> Result<()> {
        check_reward("reward", reward)?;
        self.check_node(id)?;
        let now = self.now_tick();
        self.nodes[id as usize].record_reward(reward, now);
        self.note_reward(reward);
        Ok(())
    }

    /// One real step: experience `src`, then `reward`, then experience `dst`.
    ///
    /// δ = r + γ·max_a V(state(dst), a) − V(src); the synapse src → dst is created or
    /// traversed; traces decay by γλ; then every live synapse trace e changes its weight by
    /// η·P·e·(M + ε) and every live node trace z changes its value by α·δ·z. Returns δ.
    pub fn learn_transition(&mut self, src: NodeId, dst: NodeId, reward: f64) -> Result<f64> {
        check_reward("reward", reward)?;
        self.check_node(src)?;
        self.check_node(dst)?;
        let next = self
            .state_value(self.nodes[dst as usize].state_hash)
            .unwrap_or(0.0);
        Ok(self.step(
            src,
            Some(dst),
            reward,
            self.config.plasticity.discount * next,
            false,
        ))
    }

    /// Last step of an episode that terminated after `src`: δ = r − V(src). Traces are cleared.
    pub fn learn_terminal(&mut self, src: NodeId, reward: f64) -> Result<f64> {
        check_reward("reward", reward)?;
        self.check_node(src)?;
        let delta = self.step(src, None, reward, 0.0, true);
        self.clear_traces();
        Ok(delta)
    }

    /// Last step of a truncated episode: bootstraps from the next state's best known value, and
    /// counts the transition on a synapse into that state's best node (the model's outcome).
    /// Traces are cleared.
    pub fn learn_truncated(
        &mut self,
        src: NodeId,
        reward: f64,
        next_state_hash: u64,
    ) -> Result<f64> {
        check_reward("reward", reward)?;
        self.check_node(src)?;
        let next = self.state_value(next_state_hash).unwrap_or(0.0);
        // The model learns where the step went: a synapse into the next state's best node
        // (P̂ only needs the state; without it the step would be an outcome-less experience
        // whose value nothing backs up). An unknown next state has no node to point to.
        let dst = self.state_nodes(next_state_hash).reduce(|a, b| {
            if self.nodes[b as usize].value > self.nodes[a as usize].value {
                b
            } else {
                a
            }
        });
        let delta = self.step(
            src,
            dst,
            reward,
            self.config.plasticity.discount * next,
            false,
        );
        self.clear_traces();
        Ok(delta)
    }

    /// A batch of transitions, validated as a whole before any is learned.
    pub fn learn_transitions(
        &mut self,
        src: &[NodeId],
        dst: &[NodeId],
        rewards: &[f64],
    ) -> Result<Vec<f64>> {
        use crate::error::Error;
        if src.len() != dst.len() || src.len() != rewards.len() {
            return Err(Error::shape(
                "src, dst, rewards",
                format!(
                    "lengths differ: {}, {}, {}",
                    src.len(),
                    dst.len(),
                    rewards.len()
                ),
            ));
        }
        if let Some(i) = rewards
            .iter()
            .position(|r| check_reward("rewards", *r).is_err())
        {
            return Err(Error::argument(
                "rewards",
                format!(
                    "must be finite with |r| <= {MAX_REWARD:e}, got {} at index {i}",
                    rewards[i]
                ),
            ));
        }
        for &n in src.iter().chain(dst) {
            self.check_node(n)?;
        }
        let mut deltas = Vec::with_capacity(src.len());
        // Memory-level parallelism: the lookups of a block do not depend on each other, so they
        // run first, back to back, and their cache misses overlap; the sequential steps then
        // find their lines loaded. Per transition: the dst state's index entry and nodes (read
        // for the bootstrap) and a guess of the synapse slot from the edge index's hash tags
        // (its line prefetched, its endpoints checked by the step). A correct guess stays
        // valid through the block (learning never removes synapses); a wrong or missing one
        // is looked up again by its step, which creates the synapse if needed.
        let mut hints = [(None, NIL); LOOKAHEAD];
        for start in (0..src.len()).step_by(LOOKAHEAD) {
            let end = (start + LOOKAHEAD).min(src.len());
            for (i, hint) in (start..end).zip(hints.iter_mut()) {
                let state = self.nodes[dst[i] as usize].state_hash;
                let head = self.state_index.get(&state).copied().unwrap_or(NIL);
                std::hint::black_box(self.state_value_from(head));
                *hint = (self.guess_synapse(src[i], dst[i]), head);
            }
            for (i, &(slot, head)) in (start..end).zip(hints.iter()) {
                let next = self.state_value_from(head).unwrap_or(0.0);
                deltas.push(self.step_hinted(
                    src[i],
                    Some((dst[i], slot)),
                    rewards[i],
                    self.config.plasticity.discount * next,
                    false,
                ));
            }
        }
        Ok(deltas)
    }

    /// Clears the eligibility traces and counts the episode.
    pub fn end_episode(&mut self) {
        self.clear_traces();
        self.episodes += 1;
    }

    /// [min(r_lo, 0)·H, max(r_hi, 0)·H], H = 1/(1 − γ): every return the rewards seen so far
    /// allow (±`MAX_STORED` when γ = 1). TD(λ) with traces over steps that do not follow one
    /// another (`learn_transitions` fed unrelated steps) can otherwise grow without bound.
    pub(crate) fn value_bounds(&self) -> (f64, f64) {
        let gamma = self.config.plasticity.discount;
        let (lo, hi) = self.reward_range.unwrap_or((0.0, 0.0));
        if gamma >= 1.0 {
            return (-crate::brain::MAX_STORED, crate::brain::MAX_STORED);
        }
        let horizon = 1.0 / (1.0 - gamma);
        (lo.min(0.0) * horizon, hi.max(0.0) * horizon)
    }

    /// The shared body of a learned step (inputs already validated).
    fn step(
        &mut self,
        src: NodeId,
        dst: Option<NodeId>,
        reward: f64,
        bootstrap: f64,
        terminal: bool,
    ) -> f64 {
        self.step_hinted(src, dst.map(|d| (d, None)), reward, bootstrap, terminal)
    }

    /// `step` with a guess of the slot of src → dst (checked before use).
    fn step_hinted(
        &mut self,
        src: NodeId,
        dst: Option<(NodeId, Option<u32>)>,
        reward: f64,
        bootstrap: f64,
        terminal: bool,
    ) -> f64 {
        self.advance_clock();
        let now = self.now_tick();
        let delta = reward + bootstrap - self.nodes[src as usize].value;

        // An experience whose only outcomes were truncations into unknown states stood for a
        // frontier; its first real outcome (a successor it traverses or the end) closes it.
        if (dst.is_some() || terminal) && self.optimism_enabled() && self.only_unknown_outcomes(src)
        {
            self.frontier_closed = true;
        }
        // Bookkeeping of the experience.
        self.nodes[src as usize].record_reward(reward, now);
        self.note_reward(reward);
        if terminal {
            self.nodes[src as usize].terminal_count =
                self.nodes[src as usize].terminal_count.saturating_add(1);
        }
        self.decay_traces();
        self.set_node_trace(src);
        if let Some((dst, hint)) = dst {
            self.traverse(src, dst, hint, now);
        }
        self.update_traced_weights(delta);
        // TD(λ) on node values, kept within the returns the rewards seen allow (rules.md §1.2).
        let alpha = self.config.plasticity.value_learning_rate;
        let (lo, hi) = self.value_bounds();
        for &(n, z) in &self.node_traces {
            let v = &mut self.nodes[n as usize].value;
            *v = (*v + alpha * delta * z).clamp(lo, hi);
        }
        // The model changed at src: its expected backup (V and U) at once, which also
        // prioritizes its predecessors for the next dream (prioritized sweeping's real step).
        self.backup(src);
        self.set_salience(src, delta.abs());
        delta
    }

    /// The traversal of src → dst at tick `now` (its slot guessed by `hint`, checked before
    /// use): materialises the synapse's decay, counts the traversal, consolidates (plasticity
    /// falls) and sets its trace.
    #[inline]
    fn traverse(&mut self, src: NodeId, dst: NodeId, hint: Option<u32>, now: u32) {
        self.nodes[dst as usize].last_activated = now;
        let s = match hint {
            Some(s) if self.synapses[s as usize].joins(src, dst) => s,
            _ => self.synapse_slot(src, dst),
        };
        let w = self.slot_weight(s);
        self.set_slot_weight(s, w);
        let p = &self.config.plasticity;
        let (rate, floor) = (p.consolidation_rate as f32, p.plasticity_floor as f32);
        let slot = &mut self.synapses[s as usize];
        // A real traversal makes a creative shortcut a real transition of the model.
        slot.count_traversal();
        slot.make_real();
        slot.plasticity = (slot.plasticity * (1.0 - rate)).max(floor);
        self.set_synapse_trace(s);
    }

    /// The three-factor weight update on the live synapse traces for the prediction error
    /// `delta`: w ← clamp(w + η·(M + ε)·P·e), M = δ (or max(δ, 0) without anti-Hebbian
    /// learning).
    #[inline]
    fn update_traced_weights(&mut self, delta: f64) {
        let p = &self.config.plasticity;
        let modulator = if p.enable_anti_hebbian {
            delta
        } else {
            delta.max(0.0)
        };
        let gain = p.base_learning_rate * (modulator + p.epsilon);
        // Fused read-decay-update-write over the live traces (the hot loop of a step). A live
        // trace's synapse was written at this step or the previous one, so its owed decay is
        // (1 − d)^dt with dt ∈ {0, 1}; the general path covers anything else.
        let (w_min, w_max, decay) = (p.weight_min, p.weight_max, p.weight_decay);
        let (now, now_tick) = (self.clock, self.now_tick());
        let (epoch, base) = (self.decay_epoch, self.time_base);
        for &(s, e) in &self.synapse_traces {
            let slot = &mut self.synapses[s as usize];
            let dt = now - (base + slot.last_activated as u64).max(epoch);
            let stored = slot.weight as f64;
            let decayed = match dt {
                0 => stored,
                1 => w_min + (stored - w_min) * (1.0 - decay),
                _ => w_min + (stored - w_min) * self.retention.factor(dt),
            }
            .clamp(w_min, w_max);
            let w = decayed + gain * slot.plasticity as f64 * e;
            // NaN (an infinite gain times a zero plasticity) leaves the weight as it was.
            let w = if w.is_nan() {
                decayed
            } else {
                w.clamp(w_min, w_max)
            };
            slot.weight = w as f32;
            slot.last_activated = now_tick;
        }
    }
}
