//! How the backward pass recovers the trace of every step: the spacing of the exact copies
//! and whether the steps between them are reversed or recomputed (memory as a function of η,
//! `docs/reference/rules.md` §4.2).

/// Amplification allowed for the reversed trace between two exact copies (2⁸: ~8 bits).
const REVERSAL_BUDGET: f64 = 8.0 * std::f64::consts::LN_2;

/// Default memory for the exact trace copies of one episode in flight: 160 MiB (dp1000 in
/// float64 then peaks below 300 MB for every η).
pub const DEFAULT_TRACE_BUDGET: usize = 160 << 20;

/// How the backward pass recovers the trace H_{t−1} of every step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checkpointing {
    /// Reversal between copies spaced from η ([`default_checkpoint_every`]) when those copies
    /// fit in `budget_bytes`; otherwise copies every K steps and forward recomputation of each
    /// segment, with K chosen to use the least memory (≈ 2√T·N² values).
    Auto { budget_bytes: usize },
    /// Exact copies every `every` steps, the trace reversed between them (1: keep every trace).
    Reverse { every: usize },
    /// Exact copies every `every` steps; each segment is recomputed forward from its copy.
    Recompute { every: usize },
}

/// The resolved strategy of an episode: spacing of the exact copies and how the steps between
/// them are recovered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TracePlan {
    pub every: usize,
    pub recompute: bool,
}

impl TracePlan {
    /// N×N matrices held for the trace beyond the working one: the copies, plus the segment
    /// buffer when recomputing.
    pub fn stored_matrices(&self, steps: usize) -> usize {
        let copies = checkpoint_count(steps, self.every);
        if self.recompute {
            copies + segment_slots(steps, self.every)
        } else {
            copies
        }
    }

    /// Resolves `c` for episodes of `steps` steps, `n` neurons, `bytes` per value.
    pub fn resolve(c: Checkpointing, eta_max: f64, steps: usize, n: usize, bytes: usize) -> Self {
        match c {
            Checkpointing::Reverse { every } => TracePlan {
                every,
                recompute: false,
            },
            Checkpointing::Recompute { every } => TracePlan {
                every,
                recompute: true,
            },
            Checkpointing::Auto { budget_bytes } => {
                let reverse = TracePlan {
                    every: default_checkpoint_every(eta_max),
                    recompute: false,
                };
                let matrix = (n as u128) * (n as u128) * bytes as u128;
                let cost = |p: &TracePlan| p.stored_matrices(steps) as u128 * matrix;
                if cost(&reverse) <= budget_bytes as u128 {
                    return reverse;
                }
                let best = (1..=steps.max(1))
                    .map(|every| TracePlan {
                        every,
                        recompute: true,
                    })
                    .min_by_key(|p| (p.stored_matrices(steps), usize::MAX - p.every))
                    .expect("at least one spacing");
                if cost(&best) < cost(&reverse) {
                    best
                } else {
                    reverse
                }
            }
        }
    }
}

/// Number of exact trace copies an episode of `steps` steps keeps with spacing `k`
/// (H_s for s = k, 2k, … ≤ T−2).
pub fn checkpoint_count(steps: usize, k: usize) -> usize {
    steps.saturating_sub(2) / k.max(1)
}

/// Matrices of the segment buffer when recomputing with spacing `k`: the traces strictly
/// between two copies (at most k − 1 of them, and only steps 1..=T−2 are ever needed).
pub fn segment_slots(steps: usize, k: usize) -> usize {
    k.max(1).saturating_sub(1).min(steps.saturating_sub(2))
}

/// The default spacing K of exact trace copies for the largest η (see the module docs).
pub fn default_checkpoint_every(eta_max: f64) -> usize {
    let per_step = -(1.0 - eta_max).ln();
    if per_step <= 0.0 || !per_step.is_finite() {
        return usize::MAX;
    }
    let k = (REVERSAL_BUDGET / per_step).floor();
    if k >= usize::MAX as f64 {
        usize::MAX
    } else {
        (k as usize).max(1)
    }
}
