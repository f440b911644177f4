//! The portable seeded generator every random object owns.
//!
//! PCG-64 (`rand_pcg::Pcg64Mcg`) gives the same stream on every platform for the same seed.
//! Objects created with `seed=None` draw their seed from the OS once, at construction.

use rand::{RngCore, SeedableRng};

/// The generator type used throughout the core.
pub type Rng = rand_pcg::Pcg64Mcg;

/// A generator from an optional seed (`None`: a fresh seed from the OS).
pub fn from_seed(seed: Option<u64>) -> Rng {
    match seed {
        Some(s) => Rng::seed_from_u64(s),
        None => Rng::seed_from_u64(rand::rngs::OsRng.next_u64()),
    }
}

/// Derives an independent child seed from a parent seed and a stream index
/// (SplitMix64 finaliser), e.g. one generator per parallel trial.
pub fn derive_seed(seed: u64, stream: u64) -> u64 {
    let mut z = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
