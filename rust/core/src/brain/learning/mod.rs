//! Learning rules of the graph brain: the three-factor rule with eligibility traces, TD(λ) on
//! node values driven by the same reward-prediction error, consolidation of plasticity, and the
//! lazy weight decay. Equations: docs/reference/rules.md §1.

mod decay;
pub(crate) mod retention;
mod three_factor;
mod traces;
