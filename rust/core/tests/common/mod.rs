//! Shared by the fuzz targets: iteration counts and payload mutations.

use rand::Rng;

/// `HEBBIAN_FUZZ_ITERS` when set (long local runs), else `default` (CI).
pub fn iterations(default: usize) -> usize {
    std::env::var("HEBBIAN_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[allow(dead_code)] // not every fuzz target mutates payloads
/// One random mutation of a payload: bit flips, a boundary byte, truncation, inserted random
/// bytes, a small integer (a likely index or length) overwritten with a boundary value, or two
/// bytes swapped.
pub fn mutate(p: &mut Vec<u8>, rng: &mut impl Rng) {
    if p.is_empty() {
        p.push(rng.gen());
        return;
    }
    match rng.gen_range(0..6) {
        0 => {
            for _ in 0..rng.gen_range(1..4) {
                let i = rng.gen_range(0..p.len());
                p[i] ^= 1 << rng.gen_range(0..8);
            }
        }
        1 => {
            let i = rng.gen_range(0..p.len());
            p[i] = [0u8, 1, 2, 0xFF, 0x7F, 0x80, 251, 252, 253, 254][rng.gen_range(0..10)];
        }
        2 => p.truncate(rng.gen_range(0..p.len())),
        3 => {
            let extra: Vec<u8> = (0..rng.gen_range(1..64)).map(|_| rng.gen()).collect();
            let at = rng.gen_range(0..=p.len());
            p.splice(at..at, extra);
        }
        4 => {
            let i = rng.gen_range(0..p.len().saturating_sub(4).max(1));
            let v = [0u32, 1, 2, 5, 23, 24, 1000, 1 << 31, u32::MAX - 1, u32::MAX]
                [rng.gen_range(0..10)];
            for (k, byte) in v.to_le_bytes().iter().enumerate() {
                if i + k < p.len() {
                    p[i + k] = *byte;
                }
            }
        }
        _ => {
            let (a, b) = (rng.gen_range(0..p.len()), rng.gen_range(0..p.len()));
            p.swap(a, b);
        }
    }
}
