//! Behaviour of the graph-brain rules (docs/reference/rules.md §1), through the public core API.

use hebbian_core::brain::config::{
    BrainConfig, DreamDirection, DreamParams, PlasticityParams, PruningParams,
};
use hebbian_core::brain::Brain;
use hebbian_core::Error;

fn brain_with(p: PlasticityParams) -> Brain {
    Brain::new(
        BrainConfig {
            plasticity: p,
            ..Default::default()
        },
        Some(7),
    )
    .unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn first_transition_follows_the_three_factor_rule() {
    let p = PlasticityParams::default();
    let mut b = brain_with(p.clone());
    let a = b.get_or_create_node(1, 0);
    let c = b.get_or_create_node(2, 0);
    let delta = b.learn_transition(a, c, 1.0).unwrap();
    assert!(close(delta, 1.0), "fresh values are 0 so δ = r");
    let s = b.synapse(a, c).unwrap();
    let plasticity = 1.0 - p.consolidation_rate;
    assert!(close(s.plasticity, plasticity));
    let expected = p.initial_weight + p.base_learning_rate * plasticity * 1.0 * (1.0 + p.epsilon);
    assert!(close(s.weight, expected), "{} vs {expected}", s.weight);
    assert_eq!(s.eligibility_trace, 1.0);
    // After the TD step (α·δ) the model changed at `a`: its expected backup (ρ = 1 by
    // default) sets V(a) = r̄ + γ·max V(next) = 1 + γ·0.
    assert!(close(b.node(a).unwrap().value, 1.0));
    assert_eq!(b.node(a).unwrap().activation_count, 1);
    // With ρ = 0 the backup moves nothing and the TD(λ) step alone shows: V = α·δ.
    let mut cfg = BrainConfig::default();
    cfg.dream.replay_learning_rate = 0.0;
    let mut b = Brain::new(cfg, Some(7)).unwrap();
    let (a, c) = (b.get_or_create_node(1, 0), b.get_or_create_node(2, 0));
    b.learn_transition(a, c, 1.0).unwrap();
    assert!(close(b.node(a).unwrap().value, p.value_learning_rate * 1.0));
}

#[test]
fn traces_decay_by_gamma_lambda_and_carry_later_errors_back() {
    let p = PlasticityParams {
        weight_decay: 0.0,
        ..Default::default()
    };
    let mut b = brain_with(p.clone());
    let (x, y, z) = (
        b.get_or_create_node(1, 0),
        b.get_or_create_node(2, 0),
        b.get_or_create_node(3, 0),
    );
    b.learn_transition(x, y, 0.0).unwrap();
    let w_before = b.weight(x, y).unwrap();
    let delta = b.learn_transition(y, z, 1.0).unwrap();
    let gl = p.discount * p.trace_decay;
    let s = b.synapse(x, y).unwrap();
    assert!(close(s.eligibility_trace, gl));
    let expected = w_before + p.base_learning_rate * s.plasticity * gl * (delta + p.epsilon);
    assert!(close(s.weight, expected));
    // x's value moved through its own trace: α·δ·γλ.
    assert!(close(
        b.node(x).unwrap().value,
        p.value_learning_rate * delta * gl
    ));
}

#[test]
fn negative_errors_weaken_only_with_anti_hebbian() {
    for anti in [true, false] {
        let mut b = brain_with(PlasticityParams {
            enable_anti_hebbian: anti,
            ..Default::default()
        });
        let (x, y) = (b.get_or_create_node(1, 0), b.get_or_create_node(2, 0));
        b.learn_transition(x, y, -1.0).unwrap();
        let w = b.weight(x, y).unwrap();
        if anti {
            assert!(w < 0.5, "anti-Hebbian: {w}");
        } else {
            assert!(w > 0.5, "only ε remains: {w}");
        }
    }
}

#[test]
fn the_error_is_a_prediction_error_so_weights_do_not_saturate() {
    // A constant reward is soon predicted: δ → 0 and the weight stops near its start, unlike a raw
    // reward modulator which would drive it to the ceiling.
    let mut b = brain_with(PlasticityParams {
        weight_decay: 0.0,
        ..Default::default()
    });
    let (x, g) = (b.get_or_create_node(1, 0), b.get_or_create_node(2, 0));
    for _ in 0..2000 {
        b.learn_transition(x, g, 1.0).unwrap();
        b.learn_terminal(g, 0.0).unwrap();
    }
    let v = b.node(x).unwrap().value;
    assert!((v - 1.0).abs() < 1e-3, "V(x) learned the reward: {v}");
    let w = b.weight(x, g).unwrap();
    assert!(w < 1.0, "not saturated: {w}");
}

#[test]
fn plasticity_consolidates_down_to_its_floor() {
    let p = PlasticityParams {
        consolidation_rate: 0.5,
        plasticity_floor: 0.2,
        ..Default::default()
    };
    let mut b = brain_with(p);
    let (x, y) = (b.get_or_create_node(1, 0), b.get_or_create_node(2, 0));
    let mut last = 1.0;
    for _ in 0..10 {
        b.learn_transition(x, y, 0.0).unwrap();
        let now = b.synapse(x, y).unwrap().plasticity;
        assert!(now <= last && now >= 0.2 - 1e-7);
        last = now;
    }
    assert!(close(last, 0.2));
}

#[test]
fn lazy_decay_is_exact_and_materialising_it_changes_nothing() {
    let p = PlasticityParams {
        weight_decay: 0.01,
        weight_min: 0.1,
        ..Default::default()
    };
    let mut b = brain_with(p);
    let (x, y) = (b.get_or_create_node(1, 0), b.get_or_create_node(2, 0));
    let (u, v) = (b.get_or_create_node(3, 0), b.get_or_create_node(4, 0));
    b.learn_transition(x, y, 0.0).unwrap();
    b.end_episode();
    let w0 = b.weight(x, y).unwrap();
    for _ in 0..50 {
        b.learn_terminal(u, 0.0).unwrap();
    }
    let expected = 0.1 + (w0 - 0.1) * 0.99f64.powi(50);
    assert!((b.weight(x, y).unwrap() - expected).abs() < 1e-5);
    let before: Vec<f64> = b.synapses().map(|s| s.weight).collect();
    b.apply_weight_decay();
    let after: Vec<f64> = b.synapses().map(|s| s.weight).collect();
    for (a, c) in before.iter().zip(&after) {
        assert!((a - c).abs() < 1e-6);
    }
    let _ = v;
}

#[test]
fn weights_stay_within_bounds_under_random_updates() {
    use rand::{Rng, SeedableRng};
    let p = PlasticityParams {
        weight_min: 0.2,
        weight_max: 0.3,
        base_learning_rate: 0.9,
        ..Default::default()
    };
    let mut b = Brain::new(
        BrainConfig {
            plasticity: p,
            ..Default::default()
        },
        Some(1),
    )
    .unwrap();
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(3);
    let ids: Vec<u32> = (0..50).map(|i| b.get_or_create_node(i, 0)).collect();
    for _ in 0..200_000 {
        let (x, y) = (ids[rng.gen_range(0..50)], ids[rng.gen_range(0..50)]);
        let r = rng.gen_range(-100.0..100.0);
        b.learn_transition(x, y, r).unwrap();
    }
    b.dream(20);
    for s in b.synapses() {
        assert!((0.2..=0.3).contains(&s.weight), "{}", s.weight);
    }
}

#[test]
fn pruning_removes_exactly_the_synapses_meeting_all_criteria() {
    let cfg = BrainConfig {
        plasticity: PlasticityParams {
            weight_decay: 0.0,
            ..Default::default()
        },
        pruning: PruningParams {
            inactivity_threshold: 10,
            weight_threshold: 0.45,
            protection_period: 5,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut b = Brain::new(cfg, Some(0)).unwrap();
    let n: Vec<u32> = (0..6).map(|i| b.get_or_create_node(i, 0)).collect();
    // weak (negative error), then left inactive: pruned
    b.learn_transition(n[0], n[1], -5.0).unwrap();
    b.end_episode();
    // strong: kept although inactive
    b.learn_transition(n[2], n[3], 5.0).unwrap();
    b.end_episode();
    for _ in 0..20 {
        b.learn_terminal(n[4], 0.0).unwrap();
    }
    // weak but recent: kept
    b.learn_transition(n[5], n[4], -50.0).unwrap();
    b.end_episode();
    assert!(b.weight(n[0], n[1]).unwrap() < 0.45);
    assert!(b.weight(n[5], n[4]).unwrap() < 0.45);
    let report = b.prune();
    assert_eq!(report.synapses_removed, 1);
    assert!(b.weight(n[0], n[1]).is_none());
    assert!(b.weight(n[2], n[3]).is_some());
    assert!(b.weight(n[5], n[4]).is_some());
    // n[1] kept its value 0 and lost its only synapse: removed; n[0] has a value: kept.
    assert!(!b.contains_node(n[1]));
    assert!(b.contains_node(n[0]));
    assert_eq!(report.nodes_removed, 1);
    // Survivors keep their indices and their data.
    assert_eq!(b.node(n[2]).unwrap().state_hash, 2);
    // A new node reuses the hole; the others stay put.
    let fresh = b.get_or_create_node(99, 0);
    assert_eq!(fresh, n[1]);
    assert_eq!(b.node(n[3]).unwrap().state_hash, 3);
}

fn chain(direction: DreamDirection, creative: f64) -> (Brain, Vec<u32>) {
    chain_pruned(direction, creative, PruningParams::default())
}

fn chain_pruned(
    direction: DreamDirection,
    creative: f64,
    pruning: PruningParams,
) -> (Brain, Vec<u32>) {
    let cfg = BrainConfig {
        pruning,
        plasticity: PlasticityParams {
            weight_decay: 0.0,
            ..Default::default()
        },
        dream: DreamParams {
            direction,
            creative_edge_probability: creative,
            galvanize_age_threshold: 3,
            walk_length: 10,
            // A partial step leaves salience behind, so the dreams below start at salient
            // nodes (a converged brain's dreams start uniformly over all nodes).
            replay_learning_rate: 0.5,
            ..Default::default()
        },
    };
    let mut b = Brain::new(cfg, Some(11)).unwrap();
    let n: Vec<u32> = (0..6).map(|i| b.get_or_create_node(i, 0)).collect();
    for i in 0..4 {
        b.learn_transition(n[i], n[i + 1], 0.0).unwrap();
    }
    b.learn_terminal(n[4], 1.0).unwrap();
    b.end_episode();
    // n[5] is an isolated node: nothing leads to or from it.
    (b, n)
}

#[test]
fn dreams_reinforce_only_traversed_synapses_and_galvanize_only_old_ones() {
    let (mut b, n) = chain(DreamDirection::Reverse, 0.0);
    // A young synapse (created now) next to the old ones.
    b.get_or_create_edge(n[4], n[5]).unwrap();
    let before: Vec<_> = b.synapses().collect();
    let report = b.dream(5);
    assert!(report.walks > 0 && report.steps > 0);
    let after: Vec<_> = b.synapses().collect();
    let mut gained = 0u64;
    for s in &after {
        let old = before
            .iter()
            .find(|o| o.source == s.source && o.target == s.target)
            .unwrap();
        let grew = s.weight > old.weight + 1e-9;
        if grew {
            gained += 1;
        }
        // n[4] -> n[5] has no traffic into it in reverse walks from salient nodes except via n[5],
        // which nothing makes salient: it must not change.
        if s.source == n[4] && s.target == n[5] {
            assert!(!grew);
        }
    }
    assert!(gained > 0);
    // Every synapse of the chain is older than the threshold (3 steps) except the last one.
    assert!(report.synapses_galvanized > 0);
    assert!(report.synapses_galvanized <= report.synapses_reinforced);
}

#[test]
fn galvanize_multiplies_the_boost_of_old_synapses() {
    let cfg = BrainConfig {
        plasticity: PlasticityParams {
            weight_decay: 0.0,
            weight_max: 1000.0,
            ..Default::default()
        },
        dream: DreamParams {
            direction: DreamDirection::Forward,
            galvanize_age_threshold: 3,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut b = Brain::new(cfg, Some(5)).unwrap();
    let n: Vec<u32> = (0..5).map(|i| b.get_or_create_node(i, 0)).collect();
    for i in 0..4 {
        b.learn_transition(n[i], n[i + 1], 0.0).unwrap();
    }
    b.learn_terminal(n[4], 1.0).unwrap();
    // Clock is 5; the chain's synapses were created at steps 1..4 and the threshold is 3 steps:
    // only n0 -> n1 (age 4) is old enough to be galvanized.
    let old0 = b.weight(n[0], n[1]).unwrap();
    let young0 = b.weight(n[2], n[3]).unwrap();
    let mut total = hebbian_core::brain::dream::DreamReport::default();
    for _ in 0..30 {
        total.merge(&b.dream(1));
    }
    let boosts = |w0: f64, w1: f64, unit: f64| (w1 - w0) / unit;
    let old = boosts(old0, b.weight(n[0], n[1]).unwrap(), 0.02 * 1.5);
    let young = boosts(young0, b.weight(n[2], n[3]).unwrap(), 0.02);
    assert!(
        old >= 1.0 && (old - old.round()).abs() < 1e-3,
        "old synapse boosts: {old}"
    );
    assert!(
        young >= 1.0 && (young - young.round()).abs() < 1e-3,
        "young synapse boosts: {young}"
    );
    assert!(total.synapses_galvanized > 0 && total.synapses_galvanized < total.synapses_reinforced);
}

#[test]
fn reverse_replay_carries_reward_back_along_the_chain() {
    let (mut b, n) = chain(DreamDirection::Reverse, 0.0);
    let v_start = b.node(n[0]).unwrap().value;
    b.dream(20);
    let v = |i: usize| b.node(n[i]).unwrap().value;
    assert!(
        v(0) > v_start + 0.1,
        "value reached the start: {} -> {}",
        v_start,
        v(0)
    );
    // Values increase towards the reward and are discounted backwards.
    for i in 0..4 {
        assert!(v(i) < v(i + 1) + 1e-9, "{i}: {} !< {}", v(i), v(i + 1));
    }
}

#[test]
fn creative_edges_join_nodes_two_hops_apart() {
    for direction in [DreamDirection::Reverse, DreamDirection::Forward] {
        let (mut b, n) = chain(direction, 1.0);
        let report = b.dream(3);
        assert!(report.creative_edges_created > 0, "{direction:?}");
        let creative: Vec<_> = b.synapses().filter(|s| s.is_creative).collect();
        assert_eq!(creative.len() as u64, report.creative_edges_created);
        for s in creative {
            let (i, j) = (
                n.iter().position(|&x| x == s.source).unwrap(),
                n.iter().position(|&x| x == s.target).unwrap(),
            );
            assert!(
                j >= i + 2,
                "creative edge goes forward over ≥ 2 hops: {i} -> {j}"
            );
        }
    }
}

#[test]
fn same_seed_same_brain_and_save_load_continues_identically() {
    let run = |seed| {
        let (mut b, _) = chain(DreamDirection::Reverse, 0.5);
        let _ = seed;
        b.dream(10);
        b
    };
    let (a, c) = (run(1), run(1));
    assert_eq!(a.to_bytes(), c.to_bytes());
    let mut original = a.clone();
    let mut loaded = Brain::from_bytes(&a.to_bytes(), "mem").unwrap();
    assert_eq!(loaded.to_bytes(), original.to_bytes());
    let (r1, r2) = (original.dream(7), loaded.dream(7));
    assert_eq!(r1, r2);
    assert_eq!(original.to_bytes(), loaded.to_bytes());
}

#[test]
fn save_load_round_trips_after_pruning_left_holes() {
    let prune_all = PruningParams {
        inactivity_threshold: 0,
        weight_threshold: 2.0,
        protection_period: 0,
        ..Default::default()
    };
    let (mut b, _) = chain_pruned(DreamDirection::Reverse, 0.0, prune_all);
    b.learn_terminal(0, 0.0).unwrap();
    let report = b.prune();
    assert!(report.synapses_removed > 0);
    let loaded = Brain::from_bytes(&b.to_bytes(), "mem").unwrap();
    assert_eq!(loaded.to_bytes(), b.to_bytes());
    assert_eq!(loaded.node_table(), b.node_table());
}

#[test]
fn corrupted_images_are_refused_without_panicking() {
    let (b, _) = chain(DreamDirection::Reverse, 0.0);
    let bytes = b.to_bytes();
    for i in (0..bytes.len()).step_by(7) {
        let mut c = bytes.clone();
        c[i] = c[i].wrapping_add(1);
        assert!(matches!(
            Brain::from_bytes(&c, "mem"),
            Err(Error::FileFormat { .. })
        ));
    }
    assert!(Brain::from_bytes(&bytes[..bytes.len() / 2], "mem").is_err());
}

#[test]
fn bad_inputs_change_nothing() {
    let (mut b, n) = chain(DreamDirection::Reverse, 0.0);
    let image = b.to_bytes();
    assert!(matches!(
        b.learn_transition(n[0], 999, 1.0),
        Err(Error::InvalidNode(999))
    ));
    assert!(matches!(
        b.learn_transition(n[0], n[1], f64::NAN),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(b
        .learn_transitions(&[n[0], n[1]], &[n[1], 12345], &[0.0, 0.0])
        .is_err());
    assert!(b
        .learn_transitions(&[n[0]], &[n[1]], &[f64::INFINITY])
        .is_err());
    assert!(b.learn_transitions(&[n[0]], &[n[1], n[2]], &[0.0]).is_err());
    assert!(matches!(
        b.synapse(n[0], n[3]),
        Err(Error::NoSynapse { .. })
    ));
    assert_eq!(b.to_bytes(), image);
}

/// A chain of `len` states learned once, reward at the end, dreamed to convergence.
fn converged_chain(patience: u32, len: u64) -> (Brain, Vec<u32>) {
    let cfg = BrainConfig {
        plasticity: PlasticityParams {
            weight_decay: 0.0,
            ..Default::default()
        },
        dream: DreamParams {
            patience,
            creative_edge_probability: 0.0,
            walk_length: 20,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut b = Brain::new(cfg, Some(21)).unwrap();
    let n: Vec<u32> = (0..len).map(|i| b.get_or_create_node(i, 0)).collect();
    for i in 0..n.len() - 1 {
        b.learn_transition(n[i], n[i + 1], 0.0).unwrap();
    }
    b.learn_terminal(n[n.len() - 1], 1.0).unwrap();
    b.end_episode();
    (b, n)
}

#[test]
fn walks_end_early_once_replay_changes_nothing_but_values_still_converge() {
    let gamma = PlasticityParams::default().discount;
    let (mut quick, n) = converged_chain(3, 12);
    let (mut full, _) = converged_chain(0, 12);
    for _ in 0..400 {
        quick.dream(1);
        full.dream(1);
    }
    // Both reach the same fixed point: V(n_i) = γ^(len-1-i) (deterministic chain, reward 1).
    for (i, &id) in n.iter().enumerate() {
        let want = gamma.powi((n.len() - 1 - i) as i32);
        for b in [&quick, &full] {
            let v = b.node(id).unwrap().value;
            assert!((v - want).abs() < 1e-6, "node {i}: {v} vs {want}");
        }
    }
    // Converged: with patience a walk stops after its start and 3 quiet backups; without, it
    // walks the whole way back (up to walk_length synapses).
    let (q, f) = (quick.dream(5), full.dream(5));
    assert_eq!(q.walks, f.walks);
    assert!(
        q.steps <= 3 * q.walks,
        "{} steps for {} walks",
        q.steps,
        q.walks
    );
    assert!(f.steps > 2 * q.steps, "{} vs {}", f.steps, q.steps);
}
