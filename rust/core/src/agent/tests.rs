use super::*;
use crate::brain::config::BrainConfig;
use crate::brain::state_hash::hash_int;
use crate::envs::{Chain, DiscreteEnv, GridWorld};
use crate::io::agent_file::AgentFile;

fn brain(seed: u64) -> Brain {
    Brain::new(BrainConfig::default(), Some(seed)).unwrap()
}

#[test]
fn the_step_protocol_is_enforced_without_side_effects() {
    let mut b = brain(0);
    let mut agent = Agent::new(2, AgentParams::default(), Some(0)).unwrap();
    assert!(matches!(
        agent.observe(&mut b, 0.0, 1, false, false),
        Err(Error::State(_))
    ));
    let a = agent.act(&mut b, hash_int(0)).unwrap();
    assert!(a < 2);
    assert!(matches!(
        agent.act(&mut b, hash_int(0)),
        Err(Error::State(_))
    ));
    assert!(agent
        .observe(&mut b, f64::NAN, hash_int(1), false, false)
        .is_err());
    assert_eq!(
        agent.current_episode(),
        (0.0, 0),
        "a NaN reward changes nothing"
    );
    agent
        .observe(&mut b, 1.0, hash_int(1), true, false)
        .unwrap();
    assert_eq!(agent.history().len(), 1);
    assert_eq!(agent.history()[0].episode_return, 1.0);
    assert!(agent.history()[0].terminated);
}

#[test]
fn end_episode_learns_the_pending_step_and_is_idempotent() {
    let mut b = brain(1);
    let mut agent = Agent::new(3, AgentParams::default(), Some(1)).unwrap();
    agent.act(&mut b, hash_int(5)).unwrap();
    agent
        .observe(&mut b, -1.0, hash_int(6), false, false)
        .unwrap();
    let record = agent.end_episode(&mut b).unwrap().unwrap();
    assert_eq!(
        (record.episode_return, record.length, record.terminated),
        (-1.0, 1, false)
    );
    assert!(agent.end_episode(&mut b).unwrap().is_none());
    assert_eq!(agent.history().len(), 1);
}

#[test]
fn untried_actions_are_explored_first() {
    let mut b = brain(2);
    let mut agent = Agent::new(4, AgentParams::default(), Some(2)).unwrap();
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(agent.act(&mut b, hash_int(0)).unwrap());
        agent
            .observe(&mut b, 0.0, hash_int(0), true, false)
            .unwrap();
    }
    seen.sort();
    assert_eq!(seen, vec![0, 1, 2, 3]);
}

#[test]
fn novelty_prefers_the_less_tried_of_equally_valued_actions() {
    // Novelty is the exploring term of a brain without exploration values (optimism 0).
    let mut cfg = BrainConfig::default();
    cfg.dream.optimism = 0.0;
    let mut b = Brain::new(cfg, Some(5)).unwrap();
    let state = hash_int(7);
    let nodes: Vec<_> = (0..3).map(|a| b.get_or_create_node(state, a)).collect();
    // Actions 0 and 2 much tried, action 1 once; all values 0.
    for _ in 0..20 {
        b.activate_node(nodes[0], 0.0).unwrap();
        b.activate_node(nodes[2], 0.0).unwrap();
    }
    b.activate_node(nodes[1], 0.0).unwrap();
    let greedy_only = AgentParams {
        epsilon: 0.0,
        ..Default::default()
    };
    let mut agent = Agent::new(3, greedy_only.clone(), Some(5)).unwrap();
    assert!((0..50).all(|_| agent.sample_action(&b, state) == 1));
    // Without it the tie is broken uniformly; greedy prediction never uses it.
    let plain = AgentParams {
        novelty_bonus: 0.0,
        ..greedy_only
    };
    let mut agent = Agent::new(3, plain, Some(5)).unwrap();
    let picks: Vec<u32> = (0..60).map(|_| agent.sample_action(&b, state)).collect();
    assert!(picks.contains(&0) && picks.contains(&2), "{picks:?}");
    assert_eq!(agent.greedy_action(&b, state), 0);
}

#[test]
fn solves_the_chain_in_rust() {
    let mut b = brain(3);
    let mut agent = Agent::new(2, AgentParams::default(), Some(3)).unwrap();
    let mut env = Chain::new(10, 0.0, None, Some(3)).unwrap();
    agent.run_episodes(&mut b, &mut env, 30, 1).unwrap();
    let (ret, terminated) = agent.evaluate_greedy(&b, &mut env).unwrap();
    assert!(terminated && ret == 1.0);
}

#[test]
fn solves_a_small_grid_world_optimally() {
    let mut b = brain(4);
    let mut agent = Agent::new(4, AgentParams::default(), Some(4)).unwrap();
    let mut env = GridWorld::new(
        5,
        &GridWorld::default_obstacles(5),
        (0, 0),
        (4, 4),
        0.0,
        None,
        None,
    )
    .unwrap();
    agent.run_episodes(&mut b, &mut env, 60, 1).unwrap();
    let (ret, terminated) = agent.evaluate_greedy(&b, &mut env).unwrap();
    assert!(terminated);
    assert_eq!(ret, -(env.shortest_path_length().unwrap() as f64));
}

#[test]
fn same_seeds_give_the_same_history() {
    let run = || {
        let mut b = brain(5);
        let mut agent = Agent::new(4, AgentParams::default(), Some(5)).unwrap();
        let mut env = GridWorld::new(4, &[], (0, 0), (3, 3), 0.1, None, Some(5)).unwrap();
        agent.run_episodes(&mut b, &mut env, 20, 2).unwrap()
    };
    assert_eq!(run(), run());
}

#[test]
fn a_mismatched_env_is_rejected() {
    let mut b = brain(6);
    let mut agent = Agent::new(3, AgentParams::default(), None).unwrap();
    let mut env = Chain::new(4, 0.0, None, None).unwrap();
    assert!(agent.run_episodes(&mut b, &mut env, 1, 0).is_err());
    assert_eq!(env.n_actions(), 2);
}

#[test]
fn a_reward_the_brain_refuses_changes_nothing_and_does_not_wedge_the_agent() {
    let mut b = brain(7);
    let mut agent = Agent::new(2, AgentParams::default(), Some(7)).unwrap();
    for terminated in [false, true] {
        agent.act(&mut b, hash_int(0)).unwrap();
        let nodes = b.node_count();
        for bad in [1e13, -1e13] {
            assert!(matches!(
                agent.observe(&mut b, bad, hash_int(1), terminated, false),
                Err(Error::InvalidArgument { .. })
            ));
            assert_eq!(agent.current_episode(), (0.0, 0));
            assert_eq!(agent.steps(), 0);
            assert!(agent.history().is_empty());
            assert!(agent.awaiting_observation());
        }
        assert_eq!(b.node_count(), nodes);
        agent.end_episode(&mut b).unwrap();
    }
    // The agent still works afterwards.
    agent.act(&mut b, hash_int(0)).unwrap();
    agent
        .observe(&mut b, 1e12, hash_int(1), false, false)
        .unwrap();
    agent.act(&mut b, hash_int(1)).unwrap();
    agent
        .observe(&mut b, 0.0, hash_int(2), true, false)
        .unwrap();
    assert_eq!(agent.history().len(), 1);
}

#[test]
fn a_failed_act_creates_no_node_and_draws_no_random_number() {
    let mut b = brain(8);
    let mut agent = Agent::new(3, AgentParams::default(), Some(8)).unwrap();
    agent.act(&mut b, hash_int(0)).unwrap();
    agent
        .observe(&mut b, 0.0, hash_int(1), false, false)
        .unwrap();
    // Another brain does not hold the pending node: the transition cannot be learned.
    let mut other = brain(9);
    let (mut reference, mut b2) = (agent.clone(), b.clone());
    assert!(agent.act(&mut other, hash_int(1)).is_err());
    assert_eq!(other.node_count(), 0);
    for s in 1..6 {
        let a = agent.act(&mut b, hash_int(s)).unwrap();
        let r = reference.act(&mut b2, hash_int(s)).unwrap();
        assert_eq!(a, r, "the random stream is unchanged by the failed act");
        agent
            .observe(&mut b, 0.0, hash_int(s + 1), false, false)
            .unwrap();
        reference
            .observe(&mut b2, 0.0, hash_int(s + 1), false, false)
            .unwrap();
    }
}

#[test]
fn huge_action_counts_are_refused_not_aborted() {
    // Agent::new(u32::MAX, ..) used to abort the process allocating 34 GB of buffers.
    for n in [0, super::MAX_ACTIONS + 1, u32::MAX] {
        let err = Agent::new(n, AgentParams::default(), Some(0)).unwrap_err();
        assert!(err.to_string().contains("n_actions"), "{err}");
    }
    assert!(Agent::new(1 << 16, AgentParams::default(), Some(0)).is_ok());
}

#[test]
fn a_file_claiming_no_actions_is_refused() {
    // Found by tests/agent_loader_fuzz.rs: n_actions = 0 decoded, then act() panicked.
    let agent = Agent::new(2, AgentParams::default(), Some(0)).unwrap();
    let brain = Brain::new(Default::default(), Some(0)).unwrap();
    let mut file = AgentFile {
        agent,
        brain,
        metadata: String::new(),
    };
    file.agent.n_actions = 0;
    let err = AgentFile::from_bytes(&file.to_bytes(), "mem").unwrap_err();
    assert!(err.to_string().contains("n_actions is 0"), "{err}");
}

#[test]
fn every_sixth_episode_exploits_once_the_world_is_stochastic() {
    // State 0: action 0 ends the episode with reward 1 (V = 1, tried often, no bonus); action 1
    // has led to two unexplored states (V = 0, U far higher: their untried actions).
    let mut b = brain(7);
    b.note_action_count(2);
    let s = hash_int(0);
    let good = b.get_or_create_node(s, 0);
    for _ in 0..10 {
        b.learn_terminal(good, 1.0).unwrap();
        b.end_episode();
    }
    let risky = b.get_or_create_node(s, 1);
    let one = b.get_or_create_node(hash_int(1), 0);
    b.learn_transition(risky, one, 0.0).unwrap();
    b.end_episode();
    assert!(!b.has_stochastic_outcomes());
    let play = |b: &mut Brain, episodes: usize| -> Vec<u32> {
        let mut agent = Agent::new(2, AgentParams::default(), Some(7)).unwrap();
        (0..episodes)
            .map(|_| {
                let a = agent.act(b, s).unwrap();
                // Action 0 ends the episode; action 1 is cut off on arriving in state 1.
                let (reward, end) = if a == 0 { (1.0, true) } else { (0.0, false) };
                agent.observe(b, reward, hash_int(1), end, !end).unwrap();
                a
            })
            .collect()
    };
    // Deterministic so far: U-greedy throughout.
    assert_eq!(play(&mut b.clone(), 12), vec![1; 12]);
    let two = b.get_or_create_node(hash_int(2), 0);
    b.learn_transition(risky, two, 0.0).unwrap();
    b.end_episode();
    assert!(b.has_stochastic_outcomes());
    let chosen = play(&mut b.clone(), 12);
    let expected: Vec<u32> = (0..12u64)
        .map(|k| u32::from(k % EXPLOIT_EVERY != EXPLOIT_EVERY - 1))
        .collect();
    assert_eq!(chosen, expected, "V-greedy on episodes 5 and 11 only");
    // Without exploration values there are no exploiting episodes either.
    let mut cfg = BrainConfig::default();
    cfg.dream.optimism = 0.0;
    let mut plain = Brain::new(cfg, Some(7)).unwrap();
    let g = plain.get_or_create_node(s, 0);
    plain.learn_terminal(g, 1.0).unwrap();
    let r = plain.get_or_create_node(s, 1);
    for dst in [hash_int(1), hash_int(2)] {
        let d = plain.get_or_create_node(dst, 0);
        plain.learn_transition(r, d, 0.0).unwrap();
        plain.end_episode();
    }
    assert!(
        play(&mut plain, 12).iter().all(|&a| a == 0),
        "greedy on V + novelty"
    );
}

#[test]
fn a_step_that_closes_a_frontier_is_followed_by_a_sweep_within_the_episode() {
    // Two states, two actions, every step 0 → 1 → end. Episode 1 tries one action in each
    // state: nothing closes. Episode 2 tries state 0's other action; learning that step (at
    // the next act) closes state 0's frontier, so a short sweep runs before the episode ends
    // and is recorded with it; state 1 closes on the last step (the episode's dream follows).
    let mut b = brain(4);
    let mut agent = Agent::new(2, AgentParams::default(), Some(4)).unwrap();
    let episode = |agent: &mut Agent, b: &mut Brain| {
        agent.act(b, hash_int(0)).unwrap();
        agent.observe(b, 0.0, hash_int(1), false, false).unwrap();
        agent.act(b, hash_int(1)).unwrap();
        agent.observe(b, 1.0, hash_int(2), true, false).unwrap();
    };
    episode(&mut agent, &mut b);
    assert_eq!(b.frontier_closures(), 0);
    assert!(agent.history()[0].dream.is_none(), "no frontier closed");
    episode(&mut agent, &mut b);
    assert_eq!(b.frontier_closures(), 2);
    let swept = agent.history()[1]
        .dream
        .expect("a sweep after the closing step");
    assert_eq!(
        swept.walks,
        u64::from(crate::brain::frontier::STEP_SWEEP_WALKS)
    );
}
