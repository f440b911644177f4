//! Reward-modulated node perturbation (Miconi 2017, eLife 6:e20899; the rule of the Matlab
//! package hebbRNN by Michaels & Scherberger).
//!
//! A rate network `x ← x + (dt/τ)(−x + J r + W_in u) + ξ`, `r = tanh(x)`, is perturbed at random
//! moments (`ξ_i ~ U(−A, A)` with probability `p` per neuron and step). The eligibility trace
//! accumulates `e_ij = Σ_t (r_j(t−1) · (x_i(t) − x̄_i(t)))³` over the trial; at the end of the
//! trial `ΔJ = −η · e · (E − Ē_c)`, clipped to `±max_dw`, where `E` is the trial's error and
//! `Ē_c` the running average of the error of its condition. Since `(r·Δx)³ = r³·Δx³`, the
//! whole trial's trace is one matrix product of two `T × N` matrices ([`trace`]). The other
//! trace, [`Eligibility::Perturbation`], sums `ξ_i(t) r_j(t−1)` over the kicks themselves
//! (node perturbation of Fiete & Seung 2006), one row per kick during the trial.
//!
//! * [`config`]: the learning parameters ([`NodePerturbationConfig`]) and the network
//!   description ([`NetworkSpec`]);
//! * [`network`]: the simulation of one trial (the hot loop);
//! * [`arm`]: the two-joint arm that turns output rates into a hand position;
//! * [`trace`]: the eligibility trace of a whole trial;
//! * [`trainer`]: [`NodePerturbationTrainer`], batches of trials in parallel;
//! * [`tasks`]: trial sets ([`ConditionSet`]) and the two published tasks.

pub mod arm;
pub mod config;
mod kernels;
pub mod network;
pub mod tasks;
pub mod trace;
pub mod trainer;

pub use arm::TwoJointArm;
pub use config::{
    ConditionOrder, Eligibility, ErrorMetric, NetworkSpec, NodePerturbationConfig, Precision,
    Readout,
};
pub use network::TrialRecord;
pub use tasks::{center_out_reach, delayed_non_match, ConditionSet};
pub use trainer::{NodePerturbationTrainer, TrainReport};

use crate::error::{Error, Result};

/// `a · b · …` for the size of a buffer, or `Error::argument(name, …)` if it overflows.
pub(crate) fn checked_len(name: &str, factors: &[usize]) -> Result<usize> {
    factors
        .iter()
        .try_fold(1usize, |acc, &f| acc.checked_mul(f))
        .filter(|&len| len.checked_mul(8).is_some_and(|b| b <= isize::MAX as usize))
        .ok_or_else(|| {
            Error::argument(
                name,
                format!("{factors:?} gives a buffer too large to address"),
            )
        })
}

/// A vector of `len` copies of `value`, or `Error::OutOfMemory` if it cannot be allocated.
pub(crate) fn try_filled<T: Clone>(what: &str, len: usize, value: T) -> Result<Vec<T>> {
    let mut v = Vec::new();
    try_resize(what, &mut v, len, value)?;
    Ok(v)
}

/// Resizes `v` to `len`, or `Error::OutOfMemory` (and `v` unchanged) if it cannot grow.
pub(crate) fn try_resize<T: Clone>(what: &str, v: &mut Vec<T>, len: usize, value: T) -> Result<()> {
    if len > v.len() {
        crate::error::try_reserve(v, len - v.len(), || what.to_string())?;
    }
    v.resize(len, value);
    Ok(())
}
