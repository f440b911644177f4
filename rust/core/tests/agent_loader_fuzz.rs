//! Bounded mutation fuzzing of the agent loader (`AgentFile`, kind `AGT1`) past the checksum.
//!
//! Mutated payloads are re-wrapped with a valid header and CRC so that they reach the decoder
//! and the validation. Every input must give `Ok` or `Err`, never a panic; an agent that loads
//! must survive stepping, ending episodes, dreaming, whole episodes in Rust and a round trip
//! (bad states it carries, e.g. a pending step on a node the brain lacks, must come back as
//! errors). `HEBBIAN_FUZZ_ITERS` raises the iteration count for long local runs.

mod common;
use common::{iterations, mutate};

use hebbian_core::agent::{Agent, AgentParams};
use hebbian_core::brain::config::BrainConfig;
use hebbian_core::brain::Brain;
use hebbian_core::envs::Chain;
use hebbian_core::io::agent_file::{AgentFile, AGENT_KIND};
use hebbian_core::io::container;
use rand::SeedableRng;

fn sample_file() -> AgentFile {
    let params = AgentParams {
        prune_every: 3,
        history_limit: 5,
        ..Default::default()
    };
    let mut agent = Agent::new(2, params, Some(1)).unwrap();
    let mut brain = Brain::new(BrainConfig::default(), Some(2)).unwrap();
    let mut env = Chain::new(5, 0.1, Some(20), Some(3)).unwrap();
    agent.run_episodes(&mut brain, &mut env, 8, 2).unwrap();
    // A step in progress: acted, observed, waiting for the next act.
    agent.act(&mut brain, 11).unwrap();
    agent.observe(&mut brain, 0.5, 12, false, false).unwrap();
    AgentFile {
        agent,
        brain,
        metadata: "{\"format\": \"fuzz\"}".into(),
    }
}

fn exercise(mut file: AgentFile) {
    let (agent, brain) = (&mut file.agent, &mut file.brain);
    for k in 0..6u64 {
        let _ = agent.act(brain, k % 4);
        let _ = agent.observe(brain, 0.25, (k + 1) % 4, k == 5, false);
    }
    let _ = agent.end_episode(brain);
    // A mutated file may hold valid but huge work amounts (dream_cycles = 2^31 is a legal
    // setting): the fuzz checks safety, not patience, so such agents skip the long calls.
    let p = agent.params();
    let bounded = p.dream_cycles <= 1000
        && p.replay_ratio <= 1e3
        && agent.n_actions() <= 64
        && brain.config().dream.walks_per_cycle <= 1000;
    if bounded {
        agent.dream(brain);
        let _ = agent.greedy_action(brain, 1);
        let _ = agent.sample_action(brain, 2);
        if agent.n_actions() == 2 {
            let mut env = Chain::new(4, 0.0, Some(10), Some(5)).unwrap();
            let _ = agent.run_episodes(brain, &mut env, 2, 1);
        }
    }
    let bytes = file.to_bytes();
    let back = AgentFile::from_bytes(&bytes, "mem").expect("an agent that loaded must round-trip");
    assert_eq!(back.to_bytes(), bytes);
}

#[test]
fn mutated_agent_payloads_never_panic_the_loader() {
    let image = sample_file().to_bytes();
    let payload = container::payload("mem", AGENT_KIND, &image)
        .unwrap()
        .to_vec();
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(17);
    let (mut loaded, mut refused) = (0usize, 0usize);
    for _ in 0..iterations(2000) {
        let mut p = payload.clone();
        mutate(&mut p, &mut rng);
        match AgentFile::from_bytes(&container::wrap_payload(AGENT_KIND, &p), "fuzz") {
            Ok(file) => {
                loaded += 1;
                exercise(file);
            }
            Err(_) => refused += 1,
        }
    }
    assert!(
        loaded > 0 && refused > 0,
        "loaded {loaded}, refused {refused}"
    );
}
