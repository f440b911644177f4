//! Tests of the expected backups and exploration values (`model.rs`).

use crate::brain::config::BrainConfig;
use crate::brain::Brain;

fn brain(beta: f64, gamma: f64) -> Brain {
    let mut cfg = BrainConfig::default();
    cfg.dream.optimism = beta;
    cfg.plasticity.discount = gamma;
    Brain::new(cfg, Some(3)).unwrap()
}

#[test]
fn a_second_outcome_marks_the_world_stochastic_and_a_reload_finds_it_again() {
    let mut b = brain(5.0, 0.9);
    let x = b.get_or_create_node(0, 0);
    let y = b.get_or_create_node(1, 0);
    for _ in 0..3 {
        b.learn_transition(x, y, 0.0).unwrap();
        b.end_episode();
    }
    b.learn_terminal(y, 1.0).unwrap();
    assert!(!b.has_stochastic_outcomes(), "one outcome per experience");
    let reloaded = |b: &Brain| Brain::from_data(b.to_data(), "test").unwrap();
    assert!(!reloaded(&b).has_stochastic_outcomes());
    assert!(!b.has_several_outcomes(x));
    let z = b.get_or_create_node(2, 0);
    b.learn_transition(x, z, 0.0).unwrap();
    assert!(b.has_several_outcomes(x) && !b.has_several_outcomes(y));
    assert!(b.has_stochastic_outcomes());
    assert!(reloaded(&b).has_stochastic_outcomes());
    // The end of the episode is an outcome too.
    b.learn_terminal(y, 0.0).unwrap();
    b.learn_transition(y, z, 0.0).unwrap();
    assert!(b.has_several_outcomes(y));
}

#[test]
fn the_expected_backup_is_the_closed_form_of_the_empirical_model() {
    // x = (0, a0): twice to state 1 via y, once to state 1 via y2, once to state 2 (z),
    // once terminal. Rewards 1, 1, 0, 1, −1: r̄ = 0.4, P̂(1) = 3/5, P̂(2) = 1/5, end 1/5.
    let (beta, gamma) = (0.5, 0.9);
    let mut b = brain(beta, gamma);
    b.note_action_count(2);
    let x = b.get_or_create_node(0, 0);
    let (y, y2, z) = (
        b.get_or_create_node(1, 0),
        b.get_or_create_node(1, 1),
        b.get_or_create_node(2, 0),
    );
    for (dst, r) in [(y, 1.0), (y, 1.0), (y2, 0.0), (z, 1.0)] {
        b.learn_transition(x, dst, r).unwrap();
        b.end_episode();
    }
    b.learn_terminal(x, -1.0).unwrap();
    // Successor values and exploration values set by hand (tried once each).
    for (n, v, u) in [(y, 2.0, 3.0), (y2, 5.0, 4.0), (z, -1.0, 0.0)] {
        b.nodes[n as usize].value = v;
        b.nodes[n as usize].activation_count = 1;
        b.store_optimism(n, u);
    }
    b.backup(x);
    let v = 0.4 + gamma * (3.0 * 5.0 - 1.0 + 0.0) / 5.0;
    assert!((b.nodes[x as usize].value - v).abs() < 1e-12);
    // U: σ = 1 − (−1) = 2, r_hi = 1, H = 10, U_max = (1 + 2·H)·H; state 2 has an untried
    // action, so it is worth U_max; state 1's best U is 4.
    // U looks twice as far: γ_U = 0.95, H_U = 20, U_max = (1 + 2·H_U)·H_U.
    let gamma_u = 0.95;
    assert!((b.exploration_discount() - gamma_u).abs() < 1e-12);
    let u_max = (1.0 + 2.0 * 20.0) * 20.0;
    assert!((b.frontier_value() - u_max).abs() < 1e-9);
    let u = 0.4 + beta * 2.0 / 5f64.sqrt() + gamma_u * (3.0 * 4.0 + u_max + 0.0) / 5.0;
    assert!((b.exploration_value(x) - u).abs() < 1e-9);
    // Its predecessors-to-be: none; the node itself is consistent now.
    assert!(b.backup(x).value < 1e-12);
}

#[test]
fn the_bonus_fades_with_counts_and_u_approaches_v() {
    // γ = 1 = γ_U: U − V is the bonus alone.
    let mut b = brain(0.5, 1.0);
    b.note_action_count(1);
    // a leads to c or to d, alternately (two outcomes); c and d end the episode with
    // rewards 0 and 1 (σ = 1), always the same outcome (no bonus of their own).
    let a = b.get_or_create_node(0, 0);
    let (c, d) = (b.get_or_create_node(1, 0), b.get_or_create_node(2, 0));
    let mut gaps = Vec::new();
    for k in 1..=400 {
        let (next, r) = if k % 2 == 0 { (c, 0.0) } else { (d, 1.0) };
        b.learn_transition(a, next, 0.0).unwrap();
        b.learn_terminal(next, r).unwrap();
        b.end_episode();
        if [16, 36, 100, 400].contains(&k) {
            b.backup(a);
            let gap = b.exploration_value(a) - b.node_value(a).unwrap();
            let want = 0.5 / (k as f64).sqrt();
            assert!((gap - want).abs() < 1e-9, "{k}: {gap}");
            gaps.push(gap);
        }
    }
    assert!(gaps.windows(2).all(|w| w[1] < w[0]), "{gaps:?}");
    let bonus: Vec<f64> = [1.0, 4.0, 100.0].map(|n| b.exploration_bonus(n)).to_vec();
    assert_eq!(bonus, vec![0.5, 0.25, 0.05]);
    // c always ended the same way, more than 5 times: deterministic, no bonus, U = V.
    assert_eq!(b.exploration_value(c), b.node_value(c).unwrap());
}

#[test]
fn outcomes_worth_the_same_keep_only_the_range_over_c_term() {
    // As above, but c and d both end with reward 1: two outcomes worth the same (sd_U = 0),
    // so the bonus is β·σ/C, not β·σ/√C; σ = 1 (rewards 0 and 1 seen).
    let mut b = brain(0.5, 1.0);
    b.note_action_count(1);
    let a = b.get_or_create_node(0, 0);
    let (c, d) = (b.get_or_create_node(1, 0), b.get_or_create_node(2, 0));
    for k in 1..=400 {
        let next = if k % 2 == 0 { c } else { d };
        b.learn_transition(a, next, 0.0).unwrap();
        b.learn_terminal(next, 1.0).unwrap();
        b.end_episode();
        if [16, 36, 100, 400].contains(&k) {
            b.backup(a);
            let gap = b.exploration_value(a) - b.node_value(a).unwrap();
            let want = 0.5 / k as f64;
            assert!((gap - want).abs() < 1e-9, "{k}: {gap} vs {want}");
        }
    }
}

#[test]
fn untried_actions_make_u_optimistic_and_leave_v_alone() {
    // A corridor 0 → 1 → … → 9 walked once, one of two actions tried in each state, all
    // rewards 0: V stays 0, U is at least the frontier's value one step away.
    let mut b = brain(0.5, 0.95);
    b.note_action_count(2);
    let nodes: Vec<u32> = (0..10).map(|s| b.get_or_create_node(s, 0)).collect();
    for w in nodes.windows(2) {
        b.learn_transition(w[0], w[1], 0.0).unwrap();
    }
    b.learn_terminal(nodes[9], 0.0).unwrap();
    b.end_episode();
    b.dream(20);
    let u_max = b.frontier_value();
    // γ = 0.95: γ_U = 0.975, H_U = 40, σ = 1 before any reward.
    assert!((u_max - 40.0 * 40.0).abs() < 1e-6);
    for &n in &nodes[..9] {
        assert!(
            b.exploration_value(n) >= 0.975 * u_max,
            "{}",
            b.exploration_value(n)
        );
        assert_eq!(b.node_value(n).unwrap(), 0.0);
    }
    // An untried node is worth U_max.
    let fresh = b.get_or_create_node(0, 1);
    assert_eq!(b.exploration_value(fresh), u_max);
}

#[test]
fn closing_a_states_last_untried_action_reprioritizes_its_predecessors() {
    // 0 → 1 with action 0; state 1 has one of its two actions tried, so (0, 0) is worth about
    // γ_U·U_max. Trying state 1's other action closes that frontier: the state's best U falls
    // from U_max to what its actions are worth, and (0, 0) must be queued for a backup.
    let mut b = brain(5.0, 0.9);
    b.note_action_count(2);
    let x = b.get_or_create_node(0, 0);
    let y0 = b.get_or_create_node(1, 0);
    b.learn_transition(x, y0, 0.0).unwrap();
    b.learn_terminal(y0, 0.0).unwrap();
    b.end_episode();
    b.dream(10);
    let u_max = b.frontier_value();
    assert!(b.exploration_value(x) > 0.9 * u_max);
    assert_eq!(
        b.node(x).unwrap().salience,
        0.0,
        "converged before the new try"
    );
    let y1 = b.get_or_create_node(1, 1);
    b.learn_transition(x, y1, 0.0).unwrap();
    b.learn_terminal(y1, 0.0).unwrap();
    b.end_episode();
    // Priority w_U·γ_U·|Δ max U(1, ·)|·c(x → state 1)/activations(x): half of the visits to x
    // were this try, and w_U = σ·H/U_max puts U's changes in V's units (σ = 1, H = 10).
    let weight = 10.0 / u_max;
    assert!(
        b.node(x).unwrap().salience > 0.4 * weight * u_max,
        "predecessor not queued: salience {}",
        b.node(x).unwrap().salience
    );
    b.dream(10);
    assert!(
        b.exploration_value(x) < 0.1 * u_max,
        "U(0, 0) = {} still counts the closed frontier",
        b.exploration_value(x)
    );
}
