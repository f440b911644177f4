//! Saved learners come back identical; damaged or hostile images are refused; a full graph
//! keeps learning by overwriting nodes.

use super::{Config, Learner};
use crate::error::Error;
use crate::rng::{from_seed, Rng};
use rand::Rng as _;

/// A learner that has stored `steps` random 3-d steps of 2 actions (rebuilt on schedule).
fn trained(steps: usize, config: Config, rng: &mut Rng) -> Learner {
    let mut learner = Learner::new(3, 2, config, Some(5)).unwrap();
    let mut obs = [0.0; 3];
    for _ in 0..steps {
        let action = learner.act(&obs).unwrap();
        let next: [f64; 3] = std::array::from_fn(|d| obs[d] + rng.gen_range(-0.2..0.2));
        let reward = if action == 0 { next[0] } else { -next[0] };
        learner.observe(reward, &next, false).unwrap();
        obs = next;
    }
    learner
}

#[test]
fn a_saved_learner_acts_and_values_as_before_and_keeps_its_pending_step() {
    let mut rng = from_seed(Some(1));
    let mut learner = trained(300, Config::default(), &mut rng);
    learner.act(&[0.1, 0.2, 0.3]).unwrap(); // pending across the save
    let bytes = learner.to_bytes("meta");
    let (mut back, meta) = Learner::from_bytes(&bytes, "mem").unwrap();
    assert_eq!(meta, "meta");
    assert_eq!(back.graph().q_greedy(), learner.graph().q_greedy());
    assert_eq!(back.graph().q_optimistic(), learner.graph().q_optimistic());
    assert_eq!(back.to_bytes("meta"), bytes);
    for _ in 0..50 {
        let probe: [f64; 3] = std::array::from_fn(|_| rng.gen_range(-2.0..2.0));
        assert_eq!(
            back.greedy_values(&probe).unwrap(),
            learner.greedy_values(&probe).unwrap()
        );
    }
    // The same future: the pending step, the generator and the rebuild schedule came along.
    for step in 0..200 {
        let obs = [0.01 * step as f64, 0.0, 0.0];
        if step > 0 {
            assert_eq!(back.act(&obs).unwrap(), learner.act(&obs).unwrap());
        }
        let (a, b) = (
            learner.observe(1.0, &obs, false).unwrap(),
            back.observe(1.0, &obs, false).unwrap(),
        );
        assert_eq!(a, b);
    }
    assert_eq!(back.to_bytes(""), learner.to_bytes(""));
}

#[test]
fn damaged_and_hostile_images_are_refused_with_a_format_error() {
    let mut rng = from_seed(Some(2));
    let bytes = trained(100, Config::default(), &mut rng).to_bytes("m");
    for cut in (0..bytes.len()).step_by(7) {
        let got = Learner::from_bytes(&bytes[..cut], "mem");
        assert!(matches!(got, Err(Error::FileFormat { .. })), "cut at {cut}");
    }
    let agent = crate::io::container::to_bytes(b"AGT1", &1u8);
    assert!(matches!(
        Learner::from_bytes(&agent, "mem"),
        Err(Error::FileFormat { .. })
    ));
    // A payload that decodes but lies: every byte of the body flipped in turn (checksums
    // rewritten) must give a clean error or a learner that still answers.
    let payload_at = bytes.len() - payload_len(&bytes);
    for i in (payload_at..bytes.len()).step_by(3) {
        let mut payload = bytes[payload_at..].to_vec();
        payload[i - payload_at] ^= 0x5a;
        let image = crate::io::container::wrap_payload(super::EXPERIENCE_KIND, &payload);
        if let Ok((mut learner, _)) = Learner::from_bytes(&image, "mem") {
            let obs = vec![0.0; learner.graph().dim()];
            if !learner.is_pending() {
                learner.act(&obs).unwrap();
            }
            let _ = learner.observe(0.0, &obs, false);
            let _ = learner.predict(&obs);
        }
    }
}

fn payload_len(bytes: &[u8]) -> usize {
    let l = u16::from_le_bytes([bytes[16], bytes[17]]) as usize;
    u64::from_le_bytes(bytes[18 + l..26 + l].try_into().unwrap()) as usize
}

#[test]
fn a_full_graph_overwrites_random_nodes_and_keeps_rebuilding() {
    let config = Config {
        max_nodes: 100,
        ..Config::default()
    };
    let mut rng = from_seed(Some(3));
    let learner = trained(1000, config, &mut rng);
    assert_eq!(learner.graph().len(), 100);
    assert_eq!(learner.stored(), 1000);
    // Rebuilt within the last quarter of the cap: every node is planned.
    assert_eq!(learner.graph().planned(), 100);
    let again = trained(1000, config, &mut from_seed(Some(3)));
    assert_eq!(
        again.to_bytes(""),
        learner.to_bytes(""),
        "the seed fixes the overwriting"
    );
    let mut refused = Learner::new(3, 2, config, Some(0)).unwrap();
    refused.act(&[0.0; 3]).unwrap();
    assert!(
        refused.observe(2e12, &[0.0; 3], false).is_err(),
        "reward beyond MAX_REWARD"
    );
    assert!(refused.observe(1.0, &[0.0; 2], false).is_err());
    assert!(!refused.observe(1.0, &[0.0; 3], false).unwrap());
}

#[test]
fn the_default_cap_fits_the_memory_budget() {
    let c = Config::within_budget(4, 2);
    let per = super::bytes_per_node(4, 2, c.k);
    assert!(c.max_nodes * per <= super::MEMORY_BUDGET);
    assert!((c.max_nodes + 1) * per > super::MEMORY_BUDGET);
    assert!(Config::within_budget(1 << 20, 1 << 24).max_nodes >= 1);
    assert!(Learner::new(0, 2, Config::default(), None).is_err());
    assert!(Learner::new(usize::MAX, 2, Config::default(), None).is_err());
    assert!(Learner::new(2, usize::MAX, Config::default(), None).is_err());
    let huge_k = Config {
        k: usize::MAX,
        ..Config::default()
    };
    assert!(Learner::new(2, 2, huge_k, None).is_err());
}
