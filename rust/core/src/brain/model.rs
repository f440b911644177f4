//! The empirical model the graph holds, and the expected backups computed from it.
//!
//! A node n = (s, a) and its real out-synapses n → m with traversal counts c(n → m) are the
//! empirical transition model: P̂(s' | s, a) = Σ_{m of state s'} c(n → m) / C(n), where
//! C(n) = Σ_m c(n → m) + (terminations after n), terminations leading to value 0. With the node's
//! running mean reward r̄(n), the expected backup (Sutton & Barto 2018, §8.1; the backup of
//! prioritized sweeping, Moore & Atkeson 1993) is
//!
//! ```text
//! V(n) ← V(n) + ρ·(r̄(n) + γ·Σ_m c(n→m)/C(n) · max_a V(state(m), a) − V(n))
//! ```
//!
//! and costs O(out-degree · actions), never O(nodes). After it, every predecessor p of a node of
//! state(n) gets priority (salience) γ·P̂(p → state(n))·|Δ max_a V(state(n), a)|, so dreams,
//! which start where salience is high, sweep backwards from where values moved.
//!
//! The same sweep backs up U, a second, optimistic value that only exploration uses (MBIE-EB,
//! Strehl & Littman 2008; R-max, Brafman & Tennenholtz 2002):
//!
//! ```text
//! U(n) ← r̄(n) + b(n) + γ_U·Σ_m c(n→m)/C(n) · max_a U(state(m), a),   U ≤ U_max
//! b(n) = β·σ/√C(n)                              if C(n) ≤ 5 with a single outcome so far,
//!        β·min(σ, κ·sd_U(n) + σ/√C(n))/√C(n)     if n has had ≥ 2 distinct outcomes
//!                                                 (successor states, the end),
//!        0                                        otherwise
//! sd_U(n)² = Σ_m c(n→m)/C(n)·(max_a U(state(m), a))² − (Σ_m c(n→m)/C(n)·max_a U(state(m), a))²
//! U(untried) = U_max = (r_hi + σ·H_U)·H_U,   H_U = 1/(1 − γ_U),   1 − γ_U = (1 − γ)/2
//! ```
//!
//! where r_hi is the largest reward seen, σ the range of the rewards seen (max(|r_hi|, 1) while
//! they are all equal, 1 before any) and β = `DreamParams::optimism`. Both are in units of σ, so
//! no reward scale is assumed (FrozenLake's 0/1, Taxi's −10…20, CliffWalking's −100…−1 alike).
//! The frontier exceeds the best reward forever by a whole horizon of the reward range, so no
//! path of up to ~H_U·ln H_U steps costs more than reaching it (DeepSea's costs of moving right
//! are the whole range of its early rewards); R-max's own R_max/(1 − γ) needs R_max, which an
//! agent does not know. A state with fewer nodes than the agent's actions has untried actions,
//! so its U is U_max: the frontier's value flows back through the backups and the greedy choice
//! on U walks towards it from afar. The bonus fades as 1/√C, so U → V as counts grow; V, the
//! greedy policy's values, never sees it.
//!
//! U looks twice as far ahead as V (*ours*). With γ_U = γ a frontier k steps away is worth
//! γ^k·U_max, while a region of experiences tried a few times each is worth up to β·σ·H in
//! bonuses: from about H·ln(H/β) steps on (28 with the defaults) the bonuses won, and on
//! DeepSea-40 the agent circled near the start and never reached the corner on 4 tuning seeds
//! of 20. Doubling the horizon solves all 20 and needs fewer episodes (175 → 140); a longer
//! one (×2.5, ×4) kept exploring slippery FrozenLake for hundreds of episodes.
//!
//! The bonus stops (*ours*) on an experience seen more than 5 times with always the same
//! outcome: it is taken as deterministic, where more visits teach nothing. Otherwise, in a
//! deterministic world the bonus of looping through known experiences outweighs a goal that
//! ends the episode (and all bonus ahead): with β = 5 the agent walked Chain-10 in 100-step
//! episodes after 40 episodes. Five tries miss an outcome of probability 0.35 (RiverSwim's
//! progress upstream) 12 % of the time, three tries 27 %; a missed outcome there leaves the
//! river's far end unexplored for good. Measured alternatives (tuning seeds, slippery
//! FrozenLake medians of 20): plain β·σ/√C 70 episodes; scaled by the outcome impurity √G 1290
//! (experiences tried once look deterministic and are never retried); by a Laplace-smoothed
//! impurity 135; an episode's end worth the start state's U (the agent's life goes on) made it
//! dive into holes.
//!
//! The bonus of a stochastic experience follows the spread of what its outcomes are worth, an
//! empirical Bernstein bound (Audibert, Munos & Szepesvári 2009; as a bonus of optimistic
//! value iteration: Azar, Osband & Munos 2017, UCBVI-BF; Zanette & Brunskill 2019): a √(Var/C)
//! term plus a range/C term, never more than the Hoeffding-style β·σ/√C (κ = 2, *ours*). Where
//! the outcomes are worth about the same — slipping along a wall of FrozenLake — more tries
//! teach little and the bonus falls as 1/C instead of 1/√C; where one outcome leads towards the
//! unknown (U_max, far above the rest) the bonus stays whole. With the plain bonus the agent on
//! slippery FrozenLake spent most steps repeating wall moves whose three outcomes all kept
//! their bonus (tuning seeds 100–139: 205 episodes to success ≥ 0.7; 90 with this bonus; the
//! deterministic worlds are unchanged, RiverSwim failed on 1 seed of 40 either way; κ = 1
//! failed it on 3).
//!
use crate::brain::{Brain, NodeId, NIL, SALIENCE_CUTOFF};

/// Outcome groups kept in place while counting a node's distinct outcomes (more count as
/// distinct ones).
const OUTCOME_GROUPS: usize = 16;

/// An experience seen more often than this with a single outcome is taken as deterministic and
/// carries no bonus (see the module documentation).
const ONE_OUTCOME_TRIES: f64 = 5.0;

/// The exploration value U looks this many times further ahead than the value V:
/// 1 − γ_U = (1 − γ)/`EXPLORATION_HORIZON_FACTOR` (see the module documentation).
const EXPLORATION_HORIZON_FACTOR: f64 = 2.0;

/// κ, the weight of the spread of the outcomes' exploration values in the bonus of a stochastic
/// experience (see the module documentation).
const SPREAD_WEIGHT: f64 = 2.0;

/// Longest effective horizon 1/(1 − γ) of the frontier value (γ = 1 would make it infinite).
const MAX_HORIZON: f64 = 1e6;

/// The changes an expected backup made.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Backup {
    /// |ΔV| of the node.
    pub value: f64,
    /// |ΔU| of the node.
    pub optimism: f64,
}

/// What a node's outcomes add up to (the expected backup's inputs).
struct Outcomes {
    /// C(n): traversals of its real out-synapses plus terminations (1 when only unknown).
    total: f64,
    /// Σ c·max_a V over the successor states.
    ev: f64,
    /// Σ c·max_a U over the successor states.
    eu: f64,
    /// Σ c·(max_a U)² over the successor states.
    euu: f64,
    /// Distinct outcomes: successor states and the end of the episode.
    distinct: usize,
    /// Only truncated steps into states never visited.
    unknown: bool,
}

impl Brain {
    /// Forgets a node slot's exploration value (a new node in a reused slot).
    pub(crate) fn clear_optimism(&mut self, id: NodeId) {
        if let Some(u) = self.optimism.get_mut(id as usize) {
            *u = f64::NAN;
        }
    }

    fn store_optimism(&mut self, id: NodeId, u: f64) {
        let i = id as usize;
        if self.optimism.len() <= i {
            self.optimism.resize(self.nodes.len().max(i + 1), f64::NAN);
        }
        self.optimism[i] = u;
    }

    /// Widens the range of rewards seen by a real step.
    pub(crate) fn note_reward(&mut self, reward: f64) {
        let range = Some(match self.reward_range {
            None => (reward, reward),
            Some((lo, hi)) => (lo.min(reward), hi.max(reward)),
        });
        if range != self.reward_range {
            // The scale σ may have shrunk, and with it the frontier bounds (`frontier.rs`).
            self.frontier_closed = true;
            self.reward_range = range;
        }
    }

    /// Tells the brain how many actions the agent acting with it has (the largest count wins).
    pub fn note_action_count(&mut self, n_actions: u32) {
        self.action_count = self.action_count.max(n_actions);
    }

    /// Whether node `n`'s experience has had two or more distinct outcomes (successor states,
    /// the end of the episode): O(out-degree), stopping at the second.
    pub fn has_several_outcomes(&self, n: NodeId) -> bool {
        let Some(node) = self.nodes.get(n as usize) else {
            return false;
        };
        let mut first: Option<u64> = None;
        let mut seen = u32::from(node.terminal_count > 0);
        for s in self.out_slots(n) {
            let slot = &self.synapses[s as usize];
            if slot.is_creative() || slot.traversal_count() == 0 {
                continue;
            }
            let state = self.nodes[slot.dst as usize].state_hash;
            match first {
                Some(f) if f == state => {}
                Some(_) => return true,
                None => {
                    first = Some(state);
                    seen += 1;
                }
            }
            if seen >= 2 {
                return true;
            }
        }
        false
    }

    /// Whether some live node's experience has had two or more distinct outcomes: the world
    /// has shown that it is stochastic. Kept up to date by every backup; found by one O(E)
    /// scan after a load or a removal of synapses.
    pub fn has_stochastic_outcomes(&mut self) -> bool {
        if let Some(seen) = self.stochastic {
            return seen;
        }
        let seen = (0..self.nodes.len())
            .any(|i| self.nodes[i].is_alive() && self.has_several_outcomes(i as NodeId));
        self.stochastic = Some(seen);
        seen
    }

    /// Whether the exploration value U is maintained (β > 0).
    pub fn optimism_enabled(&self) -> bool {
        self.config.dream.optimism > 0.0
    }

    /// (r_hi, σ): the largest reward seen and the scale of the rewards (see the module docs).
    pub(crate) fn reward_scale(&self) -> (f64, f64) {
        match self.reward_range {
            None => (0.0, 1.0),
            Some((lo, hi)) if hi > lo => (hi, hi - lo),
            Some((_, hi)) => (hi, hi.abs().max(1.0)),
        }
    }

    /// β·σ/√C, the exploration bonus of an experience whose outcome was seen `count` = C times.
    pub fn exploration_bonus(&self, count: f64) -> f64 {
        let (_, sigma) = self.reward_scale();
        self.config.dream.optimism * sigma / count.max(1.0).sqrt()
    }

    /// min(1, κ·sd/σ + 1/√C): how much of the bonus β·σ/√C an experience with several
    /// outcomes keeps, sd being the standard deviation of max_a U over its outcomes (an
    /// empirical Bernstein bonus; see the module documentation). 1 with a single outcome.
    fn bonus_spread_factor(&self, o: &Outcomes) -> f64 {
        if o.distinct < 2 {
            return 1.0;
        }
        let (_, sigma) = self.reward_scale();
        let mean = o.eu / o.total;
        let sd = (o.euu / o.total - mean * mean).max(0.0).sqrt();
        (SPREAD_WEIGHT * sd / sigma + 1.0 / o.total.sqrt()).min(1.0)
    }

    /// U_max = (r_hi + σ·H)·H, H = 1/(1 − γ): the exploration value of an untried action.
    pub fn frontier_value(&self) -> f64 {
        let (hi, sigma) = self.reward_scale();
        let gamma = self.exploration_discount();
        let horizon = if gamma < 1.0 {
            (1.0 / (1.0 - gamma)).min(MAX_HORIZON)
        } else {
            MAX_HORIZON
        };
        (hi + horizon * sigma) * horizon
    }

    /// w_U = σ·H/U_max (at most 1): a change of U counts as a priority in the units of V, so
    /// that U (whose scale is the frontier's) does not crowd V out of the salient set.
    fn optimism_priority_weight(&self, frontier: f64) -> f64 {
        let (_, sigma) = self.reward_scale();
        let gamma = self.config.plasticity.discount;
        let horizon = if gamma < 1.0 {
            (1.0 / (1.0 - gamma)).min(MAX_HORIZON)
        } else {
            MAX_HORIZON
        };
        if frontier > 0.0 {
            (sigma * horizon / frontier).min(1.0)
        } else {
            1.0
        }
    }

    /// γ_U = 1 − (1 − γ)/2, the discount of the exploration value U (1 when γ = 1).
    pub fn exploration_discount(&self) -> f64 {
        let gamma = self.config.plasticity.discount;
        1.0 - (1.0 - gamma) / EXPLORATION_HORIZON_FACTOR
    }

    /// U of a node: U_max while untried, else its backed-up exploration value (its value V
    /// until its first backup).
    pub fn exploration_value(&self, id: NodeId) -> f64 {
        if self.nodes[id as usize].activation_count == 0 {
            return self.frontier_value();
        }
        self.exploration_value_with(id, f64::NAN)
    }

    /// U of a node given the frontier value U_max (see [`exploration_value`](Self::exploration_value)).
    fn exploration_value_with(&self, id: NodeId, frontier: f64) -> f64 {
        let node = &self.nodes[id as usize];
        if node.activation_count == 0 {
            return frontier;
        }
        match self.optimism.get(id as usize) {
            Some(u) if !u.is_nan() => *u,
            _ => node.value,
        }
    }

    /// (max_a V(s, a), max_a U(s, a)) of a state over its nodes except `skip`, and whether it
    /// has an untried action (fewer nodes than `action_count`, or none). V is −∞ and U is
    /// −∞ when no node counts; `frontier` is U_max (ignored without optimism).
    fn state_maxima_except(
        &self,
        state_hash: u64,
        skip: NodeId,
        optimism: bool,
        frontier: f64,
    ) -> (f64, f64, bool) {
        let (mut v, mut u, mut k) = (f64::NEG_INFINITY, f64::NEG_INFINITY, 0u32);
        for id in self.state_nodes(state_hash) {
            k += 1;
            if id == skip {
                continue;
            }
            v = v.max(self.nodes[id as usize].value);
            if optimism {
                u = u.max(self.exploration_value_with(id, frontier));
            }
        }
        (v, u, k == 0 || k < self.action_count)
    }

    /// (max_a V(s, a), max_a U(s, a)) of a state: V over its nodes (0 for an unknown state),
    /// U with U_max when some action is untried (fewer nodes than `action_count`).
    fn state_maxima(&self, state_hash: u64, optimism: bool, frontier: f64) -> (f64, f64) {
        let (v, mut u, untried) = self.state_maxima_except(state_hash, NIL, optimism, frontier);
        if optimism && untried {
            u = u.max(frontier);
        }
        (if v == f64::NEG_INFINITY { 0.0 } else { v }, u)
    }

    /// Σ c·max V and Σ c·max U over the outcomes of node `n` (see [`Outcomes`]).
    fn outcomes(&self, n: NodeId, optimism: bool, frontier: f64) -> Outcomes {
        let terminal = self.nodes[n as usize].terminal_count;
        let mut out = Outcomes {
            total: terminal as f64,
            ev: 0.0,
            eu: 0.0,
            euu: 0.0,
            distinct: usize::from(terminal > 0),
            unknown: false,
        };
        // Outcome counts grouped by successor state (several next actions may follow one
        // state): each state's maxima are read once, and the groups count the distinct
        // outcomes. A few groups live in place; outcomes beyond them are read one by one and
        // count as distinct.
        let mut groups = [(0u64, 0.0f64); OUTCOME_GROUPS];
        let mut n_groups = 0;
        let add = |out: &mut Outcomes, state: u64, c: f64| {
            let (v, u) = self.state_maxima(state, optimism, frontier);
            out.ev += c * v;
            out.eu += c * u;
            out.euu += c * u * u;
        };
        for s in self.out_slots(n) {
            let slot = &self.synapses[s as usize];
            if slot.is_creative() || slot.traversal_count() == 0 {
                continue;
            }
            let c = slot.traversal_count() as f64;
            let state = self.nodes[slot.dst as usize].state_hash;
            out.total += c;
            match groups[..n_groups].iter_mut().find(|g| g.0 == state) {
                Some(g) => g.1 += c,
                None if n_groups < OUTCOME_GROUPS => {
                    groups[n_groups] = (state, c);
                    n_groups += 1;
                }
                None => {
                    add(&mut out, state, c);
                    out.distinct += 1;
                }
            }
        }
        for &(state, c) in &groups[..n_groups] {
            add(&mut out, state, c);
        }
        out.distinct += n_groups;
        // Only truncated steps into states never visited: their successor is unknown, worth 0
        // to V and the frontier's value to U.
        if out.total == 0.0 {
            (out.total, out.ev, out.eu, out.unknown) = (1.0, 0.0, frontier, true);
        }
        out
    }

    /// The expected backup of node `n` (V, and U when optimism is on; see the module docs),
    /// then the priorities of the predecessors of its state. Returns the node's changes.
    pub(crate) fn backup(&mut self, n: NodeId) -> Backup {
        if self.nodes[n as usize].activation_count == 0 {
            return Backup::default();
        }
        let optimism = self.optimism_enabled();
        let frontier = if optimism { self.frontier_value() } else { 0.0 };
        let o = self.outcomes(n, optimism, frontier);
        if o.distinct >= 2 {
            self.stochastic = Some(true);
        }
        let (gamma, rho) = (
            self.config.plasticity.discount,
            self.config.dream.replay_learning_rate,
        );
        let state = self.nodes[n as usize].state_hash;
        // The state's maxima over its other nodes, to tell how much its best values move.
        let (others_v, others_u, untried) = self.state_maxima_except(state, n, optimism, frontier);
        let (old_v, r) = (
            self.nodes[n as usize].value,
            self.nodes[n as usize].average_reward,
        );
        // Read before V changes: an unset U falls back to V.
        let old_u = if optimism {
            self.exploration_value_with(n, frontier)
        } else {
            0.0
        };
        // A node never backed up stood, until its action was first taken, for an untried action
        // worth U_max: closing that frontier moves the state's best U by up to U_max.
        let first_backup = optimism && self.optimism.get(n as usize).is_none_or(|u| u.is_nan());
        let error = r + gamma * o.ev / o.total - old_v;
        let change = rho * error;
        let new_v = old_v + change;
        self.nodes[n as usize].value = new_v;
        // Priority spread to the predecessors: γ·|Δ max V| or γ_U·|Δ max U|, the larger.
        let mut moved = gamma * (others_v.max(new_v) - others_v.max(old_v)).abs();
        let mut du = 0.0;
        if optimism {
            let gamma_u = self.exploration_discount();
            // Distinct outcomes seen: successor states and the end of the episode.
            let bonus_applies = !o.unknown && (o.total <= ONE_OUTCOME_TRIES || o.distinct >= 2);
            let bonus = if bonus_applies {
                self.exploration_bonus(o.total) * self.bonus_spread_factor(&o)
            } else {
                0.0
            };
            let target = (r + bonus + gamma_u * o.eu / o.total).min(frontier);
            let u = old_u + rho * (target - old_u);
            du = (u - old_u).abs();
            self.store_optimism(n, u);
            let best = if untried {
                others_u.max(frontier)
            } else {
                others_u
            };
            // The state's best U fell below the frontier's: its last untried action was taken.
            if first_backup && best.max(u) < frontier {
                self.frontier_closed = true;
                self.frontier_closures += 1;
            }
            let old_best = if first_backup {
                best.max(frontier)
            } else {
                best.max(old_u)
            };
            let weight = self.optimism_priority_weight(frontier);
            moved = moved.max(weight * gamma_u * (best.max(u) - old_best).abs());
        }
        self.set_salience(n, ((1.0 - rho) * error).abs());
        if moved >= SALIENCE_CUTOFF {
            self.prioritize_predecessors(state, moved);
        }
        Backup {
            value: change.abs(),
            optimism: du,
        }
    }

    /// Raises the salience of every predecessor p of a node of `state` to at least
    /// `spread`·P̂(p → state), P̂ ≈ c(p → m)/activation_count(p) (no allocation).
    fn prioritize_predecessors(&mut self, state: u64, spread: f64) {
        let mut m = self.state_index.get(&state).copied().unwrap_or(NIL);
        while m != NIL {
            let mut s = self.nodes[m as usize].first_in;
            while s != NIL {
                let slot = &self.synapses[s as usize];
                let (pred, next, c) = (slot.src, slot.next_in, slot.traversal_count());
                let seen = self.nodes[pred as usize].activation_count.max(1);
                let priority = spread * (c.max(1) as f64 / seen as f64).min(1.0);
                if (self.nodes[pred as usize].salience as f64) < priority {
                    self.set_salience(pred, priority);
                }
                s = next;
            }
            m = self.nodes[m as usize].next_in_state;
        }
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
