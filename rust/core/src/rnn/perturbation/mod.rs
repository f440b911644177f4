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
mod buffers;
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
