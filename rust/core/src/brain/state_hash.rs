//! A stable 64-bit hash of observations.
//!
//! Python's `hash()` is salted per process; this one is a fixed function of the value, identical on
//! every platform and in every process. Values are fed as a stream of tagged words (little-endian),
//! so `1`, `(1,)`, `b"\x01"` and `"1"` hash differently, while a tuple of ints and an integer array
//! holding the same values in the same shape hash the same (the Python side maps both to the same
//! stream). Floats are not hashed: they must go through a discretizer first.

/// Tags separating the kinds of values in the stream.
pub mod tag {
    pub const INT: u64 = 0x01;
    pub const BIG_INT: u64 = 0x02;
    pub const BYTES: u64 = 0x03;
    pub const STR: u64 = 0x04;
    pub const TUPLE: u64 = 0x05;
}

const SEED: u64 = 0x6865_6262_6961_6e31; // "hebbian1"
const K1: u64 = 0x9E37_79B9_7F4A_7C15;
const K2: u64 = 0xC2B2_AE3D_27D4_EB4F;

/// Streaming stable hasher. Feed it with the `write_*` methods, then call [`StateHasher::finish`].
#[derive(Clone, Debug)]
pub struct StateHasher {
    state: u64,
    words: u64,
}

impl Default for StateHasher {
    fn default() -> Self {
        Self::new()
    }
}

fn mix(mut z: u64) -> u64 {
    // SplitMix64 finaliser: a bijection with good avalanche.
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl StateHasher {
    /// A fresh hasher.
    pub fn new() -> Self {
        Self {
            state: SEED,
            words: 0,
        }
    }

    /// Feeds one 64-bit word.
    pub fn write_word(&mut self, w: u64) {
        self.state = (self.state ^ mix(w.wrapping_add(K2)))
            .rotate_left(29)
            .wrapping_mul(K1);
        self.words = self.words.wrapping_add(1);
    }

    /// Feeds a signed integer that fits in 64 bits.
    pub fn write_int(&mut self, v: i64) {
        self.write_word(tag::INT);
        self.write_word(v as u64);
    }

    /// Feeds the start of a tuple (or array axis) of `len` items.
    pub fn write_tuple_header(&mut self, len: usize) {
        self.write_word(tag::TUPLE);
        self.write_word(len as u64);
    }

    /// Feeds raw bytes under a tag (bytes, str, or the little-endian bytes of a big integer).
    pub fn write_tagged_bytes(&mut self, tag: u64, bytes: &[u8]) {
        self.write_word(tag);
        self.write_word(bytes.len() as u64);
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_word(u64::from_le_bytes(c.try_into().expect("8-byte chunk")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.write_word(u64::from_le_bytes(buf));
        }
    }

    /// The hash of everything fed so far.
    pub fn finish(&self) -> u64 {
        mix(self.state ^ self.words.wrapping_mul(K2))
    }
}

/// Hash of a single integer observation (e.g. a `Discrete` state): equals Python's `state_hash(v)`.
pub fn hash_int(v: i64) -> u64 {
    let mut h = StateHasher::new();
    h.write_int(v);
    h.finish()
}

/// Hash of a flat tuple / 1-D integer array: equals Python's `state_hash(tuple(values))`.
pub fn hash_int_seq(values: &[i64]) -> u64 {
    let mut h = StateHasher::new();
    h.write_tuple_header(values.len());
    for &v in values {
        h.write_int(v);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_pinned_across_releases() {
        // These numbers are part of the contract: saved brains refer to them.
        assert_eq!(hash_int(0), 0x4a4f_356b_284e_6c0a);
        assert_eq!(hash_int(1), 0xa3cf_e95d_b6e2_f4f8);
        assert_eq!(hash_int(-1), 0x5abb_b372_6578_9069);
        assert_eq!(hash_int_seq(&[1, 2]), 0x71e7_517f_b2b9_a54d);
    }

    #[test]
    fn kinds_and_orders_differ() {
        assert_ne!(hash_int(1), hash_int_seq(&[1]));
        assert_ne!(hash_int_seq(&[1, 2]), hash_int_seq(&[2, 1]));
        assert_ne!(hash_int_seq(&[]), hash_int_seq(&[0]));
        let mut a = StateHasher::new();
        a.write_tagged_bytes(tag::BYTES, b"1");
        let mut s = StateHasher::new();
        s.write_tagged_bytes(tag::STR, b"1");
        assert_ne!(a.finish(), s.finish());
        assert_ne!(a.finish(), hash_int(1));
    }

    #[test]
    fn few_collisions_on_a_grid() {
        let mut seen = std::collections::HashSet::new();
        for x in 0..300 {
            for y in 0..300 {
                assert!(seen.insert(hash_int_seq(&[x, y])));
            }
        }
    }
}
