//! Bounded mutation fuzzing of the brain loader past the checksum, and of DOT label escaping.
//!
//! Mutated payloads are re-wrapped with a valid header and CRC so that they reach the decoder
//! and the structural validation. Every input must give `Ok` or `Err`, never a panic, and a brain
//! that loads must survive every operation. `HEBBIAN_FUZZ_ITERS` raises the iteration count for
//! long local runs (CI runs the default).

mod common;
use common::{iterations, mutate};

use hebbian_core::brain::config::{BrainConfig, DreamParams, PruningParams};
use hebbian_core::brain::Brain;
use hebbian_core::io::brain_file::BRAIN_KIND;
use hebbian_core::io::container;
use hebbian_core::io::dot::escape_label;
use rand::{Rng, SeedableRng};

fn sample_brain() -> Brain {
    let cfg = BrainConfig {
        pruning: PruningParams {
            inactivity_threshold: 3,
            weight_threshold: 0.55,
            protection_period: 1,
            ..Default::default()
        },
        dream: DreamParams {
            creative_edge_probability: 0.5,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut b = Brain::new(cfg, Some(3)).unwrap();
    let ids: Vec<u32> = (0..24)
        .map(|i| b.get_or_create_node(i % 8, (i / 8) as u32))
        .collect();
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(1);
    for step in 0..300 {
        let (x, y) = (ids[rng.gen_range(0..24)], ids[rng.gen_range(0..24)]);
        b.learn_transition(x, y, rng.gen_range(-1.0..1.0)).unwrap();
        if step % 37 == 0 {
            b.end_episode();
            b.dream(2);
        }
    }
    b.prune();
    b.learn_transition(ids[0], ids[1], 0.5).unwrap(); // live traces in the image
    b
}

fn payload_of(image: &[u8]) -> Vec<u8> {
    container::payload("mem", BRAIN_KIND, image)
        .unwrap()
        .to_vec()
}

fn exercise(mut b: Brain) {
    let n = b.node_bound() as u32;
    for i in 0..n.min(8) {
        if b.contains_node(i) {
            let _ = b.learn_transition(i, (i + 1) % n.max(1), 0.3);
        }
    }
    b.dream(3);
    b.prune();
    let _ = b.to_dot(0.0, true);
    let _ = b.report();
    let back =
        Brain::from_bytes(&b.to_bytes(), "mem").expect("a brain that loaded must round-trip");
    assert_eq!(back.to_bytes(), b.to_bytes());
}

#[test]
fn mutated_payloads_never_panic_the_loader() {
    let image = sample_brain().to_bytes();
    let payload = payload_of(&image);
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(7);
    let (mut loaded, mut refused) = (0usize, 0usize);
    for _ in 0..iterations(3000) {
        let mut p = payload.clone();
        mutate(&mut p, &mut rng);
        match Brain::from_bytes(&container::wrap_payload(BRAIN_KIND, &p), "fuzz") {
            Ok(b) => {
                loaded += 1;
                exercise(b);
            }
            Err(_) => refused += 1,
        }
    }
    assert!(
        refused > 0 && loaded > 0,
        "loaded {loaded}, refused {refused}"
    );
}

#[test]
fn random_bytes_and_foreign_headers_are_refused() {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(11);
    for _ in 0..iterations(2000) {
        let len = rng.gen_range(0..256);
        let bytes: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        assert!(Brain::from_bytes(&bytes, "fuzz").is_err());
        assert!(Brain::from_bytes(&container::wrap_payload(BRAIN_KIND, &bytes), "fuzz").is_err());
    }
}

#[test]
fn escaped_labels_never_close_the_quoted_id() {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(5);
    let alphabet = [
        '"', '\\', '\n', '\r', '\t', 'a', '{', '}', ';', '\u{0}', 'é', '\u{202e}',
    ];
    for _ in 0..iterations(20000) {
        let s: String = (0..rng.gen_range(0..24))
            .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
            .collect();
        let e = escape_label(&s);
        // Inside a DOT quoted ID a quote ends the ID unless preceded by an odd run of backslashes,
        // and the ID must not end with a lone backslash (it would escape the closing quote).
        let mut run = 0;
        for c in e.chars() {
            if c == '"' {
                assert!(run % 2 == 1, "unescaped quote in {e:?} from {s:?}");
            }
            assert!(!c.is_control() || c == '\t', "control character in {e:?}");
            run = if c == '\\' { run + 1 } else { 0 };
        }
        assert!(run % 2 == 0, "trailing backslash in {e:?}");
    }
}
