//! Action selection from the graph.
//!
//! score(a) = V(state, a) + β · w(previous node → node(state, a)) + κ / √(1 + n(state, a)), where
//! V is the value of the (state, a) node, w the weight of the synapse from the node the agent just
//! left (0 when absent) and n the node's activation count (the novelty term κ only when
//! exploring; greedy prediction uses V alone). When the brain keeps exploration values
//! (`DreamParams::optimism` > 0), exploring scores U(state, a) + β · w instead: U carries the
//! count bonus and the frontier's value back from afar (`model.rs`). Untried actions (no node yet) are taken first when
//! `optimistic`; otherwise they score `untried_value`. Exploration: ε-greedy (ties broken
//! uniformly) or softmax over score / τ.

use super::params::{AgentParams, Exploration};
use crate::brain::{Brain, NodeId};
use crate::rng::Rng;
use rand::Rng as _;

/// What is added to a node's value to score it (see the module documentation).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Bonus {
    /// The node the agent just left, whose synapses into the candidates count.
    pub previous: Option<NodeId>,
    /// β: weight of the synapse from `previous`.
    pub synapse: f64,
    /// κ: novelty, κ / √(1 + activation count).
    pub novelty: f64,
    /// Score the exploration value U instead of V + novelty (`model.rs`).
    pub optimism: bool,
}

/// Plain node values of every action of a state, with a flag for the untried ones.
pub(crate) fn fill_values(brain: &Brain, state: u64, scores: &mut [f64], tried: &mut [bool]) {
    fill_scores_and_values(brain, state, Bonus::default(), scores, None, tried);
}

/// Scores of every action of a state (values plus `bonus`), with a flag for the untried ones,
/// also writing the plain node values into `values` when given: one walk over the state's nodes
/// for both.
pub(crate) fn fill_scores_and_values(
    brain: &Brain,
    state: u64,
    bonus: Bonus,
    scores: &mut [f64],
    mut values: Option<&mut [f64]>,
    tried: &mut [bool],
) {
    tried.iter_mut().for_each(|t| *t = false);
    for id in brain.state_nodes(state) {
        let Ok(node) = brain.node(id) else { continue };
        let a = node.action as usize;
        if a >= scores.len() {
            continue;
        }
        let w = match bonus.previous {
            Some(p) if bonus.synapse != 0.0 => brain.weight(p, id).unwrap_or(0.0),
            _ => 0.0,
        };
        scores[a] = if bonus.optimism {
            brain.exploration_value(id) + bonus.synapse * w
        } else if bonus.novelty != 0.0 {
            node.value
                + bonus.synapse * w
                + bonus.novelty / (1.0 + node.activation_count as f64).sqrt()
        } else {
            node.value + bonus.synapse * w
        };
        if let Some(v) = values.as_deref_mut() {
            v[a] = node.value;
        }
        tried[a] = true;
    }
}

/// Whether `action` is greedy: its score is the best among the tried actions (an untried
/// action counts with `untried_value`, the value a new node starts from).
pub(crate) fn is_greedy(scores: &[f64], tried: &[bool], untried_value: f64, action: usize) -> bool {
    let value = |i: usize| if tried[i] { scores[i] } else { untried_value };
    let best = (0..scores.len())
        .map(value)
        .fold(f64::NEG_INFINITY, f64::max);
    value(action) >= best - 1e-12 * best.abs().max(1.0)
}

/// Uniform choice among the indices where `pick` holds (there must be at least one).
fn uniform_among(rng: &mut Rng, n: usize, pick: impl Fn(usize) -> bool) -> usize {
    let count = (0..n).filter(|&i| pick(i)).count();
    let mut k = if count > 1 {
        rng.gen_range(0..count)
    } else {
        0
    };
    for i in 0..n {
        if pick(i) {
            if k == 0 {
                return i;
            }
            k -= 1;
        }
    }
    unreachable!("uniform_among needs at least one candidate")
}

/// Best score with ties broken uniformly (`rng`) or by the lowest index (`None`).
pub(crate) fn argmax(scores: &[f64], rng: Option<&mut Rng>) -> usize {
    let best = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    // Scores within a relative 1e-12 of the best count as ties (values learned by different
    // paths can differ in the last bits).
    let tol = 1e-12 * best.abs().max(1.0);
    let is_best = |i: usize| scores[i] >= best - tol;
    match rng {
        Some(rng) => uniform_among(rng, scores.len(), is_best),
        None => (0..scores.len()).find(|&i| is_best(i)).unwrap_or(0),
    }
}

/// An exploring choice (see the module documentation).
pub(crate) fn explore(
    params: &AgentParams,
    rng: &mut Rng,
    scores: &mut [f64],
    tried: &[bool],
) -> usize {
    let n = scores.len();
    if params.optimistic && tried.iter().any(|t| !t) {
        return uniform_among(rng, n, |i| !tried[i]);
    }
    for (s, &t) in scores.iter_mut().zip(tried) {
        if !t {
            *s = params.untried_value;
        }
    }
    match params.exploration {
        Exploration::EpsilonGreedy => {
            if params.epsilon > 0.0 && rng.gen::<f64>() < params.epsilon {
                rng.gen_range(0..n)
            } else {
                argmax(scores, Some(rng))
            }
        }
        Exploration::Softmax => {
            let best = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let mut total = 0.0;
            for s in scores.iter_mut() {
                *s = ((*s - best) / params.temperature).exp();
                total += *s;
            }
            let mut u = rng.gen::<f64>() * total;
            for (i, &p) in scores.iter().enumerate() {
                if u < p {
                    return i;
                }
                u -= p;
            }
            n - 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng;

    #[test]
    fn argmax_breaks_ties_uniformly_or_by_index() {
        let scores = [1.0, 3.0, 3.0, 0.0];
        assert_eq!(argmax(&scores, None), 1);
        let mut r = rng::from_seed(Some(0));
        let mut seen = [0; 4];
        for _ in 0..200 {
            seen[argmax(&scores, Some(&mut r))] += 1;
        }
        assert_eq!(seen[0] + seen[3], 0);
        assert!(seen[1] > 50 && seen[2] > 50, "{seen:?}");
    }

    #[test]
    fn optimism_takes_untried_actions_first() {
        let params = AgentParams::default();
        let mut r = rng::from_seed(Some(1));
        for _ in 0..50 {
            let mut scores = [5.0, 0.0, 0.0];
            let a = explore(&params, &mut r, &mut scores, &[true, false, true]);
            assert_eq!(a, 1);
        }
    }

    #[test]
    fn softmax_prefers_higher_scores_at_low_temperature() {
        let params = AgentParams {
            exploration: Exploration::Softmax,
            temperature: 0.05,
            ..Default::default()
        };
        let mut r = rng::from_seed(Some(2));
        let mut best = 0;
        for _ in 0..200 {
            let mut scores = [0.0, 0.5, 0.2];
            if explore(&params, &mut r, &mut scores, &[true; 3]) == 1 {
                best += 1;
            }
        }
        assert!(best > 180, "{best}");
    }
}
