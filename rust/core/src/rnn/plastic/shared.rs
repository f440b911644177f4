//! Per-episode constants shared by the forward and backward passes, and the row blocking of
//! their parallel steps.

use crate::rnn::plastic::params::{EtaRef, PlasticParams};
use crate::rnn::plastic::plan::TracePlan;
use crate::rnn::plastic::real::Real;

/// Rows per block of the row-parallel steps (fixed: results do not depend on threads).
pub(crate) const ROW_BLOCK: usize = 32;

/// Below this size a time step is too short to share between threads.
pub(crate) const PARALLEL_MIN_N: usize = 192;

/// Per-episode constants shared by the forward and backward passes.
pub(crate) struct Shared<'a, T> {
    pub(crate) p: PlasticParams<'a, T>,
    /// η per connection, or a constant row for a shared η.
    eta_rows: EtaRows<T>,
    pub(crate) checkpoint_every: usize,
    pub(crate) recompute: bool,
}

/// η and 1/(1−η) laid out so that the kernels read one row of each.
enum EtaRows<T> {
    Shared { eta: Vec<T>, inv_keep: Vec<T> },
    PerConnection { inv_keep: Vec<T> },
}

impl<'a, T: Real> Shared<'a, T> {
    pub(crate) fn new(p: PlasticParams<'a, T>, plan: TracePlan) -> Self {
        let n = p.n;
        let eta_rows = match p.eta {
            EtaRef::Shared(e) => EtaRows::Shared {
                eta: vec![e; n],
                inv_keep: vec![T::ONE / (T::ONE - e); n],
            },
            EtaRef::PerConnection(e) => EtaRows::PerConnection {
                inv_keep: e.iter().map(|&v| T::ONE / (T::ONE - v)).collect(),
            },
        };
        Shared {
            p,
            eta_rows,
            checkpoint_every: plan.every.max(1),
            recompute: plan.recompute,
        }
    }

    pub(crate) fn eta_row(&self, i: usize) -> &[T] {
        let n = self.p.n;
        match (&self.eta_rows, self.p.eta) {
            (EtaRows::Shared { eta, .. }, _) => eta,
            (_, EtaRef::PerConnection(e)) => &e[i * n..(i + 1) * n],
            _ => unreachable!("eta rows match the eta kind"),
        }
    }

    pub(crate) fn inv_keep_row(&self, i: usize) -> &[T] {
        let n = self.p.n;
        match &self.eta_rows {
            EtaRows::Shared { inv_keep, .. } => inv_keep,
            EtaRows::PerConnection { inv_keep } => &inv_keep[i * n..(i + 1) * n],
        }
    }

    /// Whether the exact trace H_s is stored during the forward pass (1 ≤ s ≤ T−2).
    pub(crate) fn is_checkpoint(&self, s: usize, steps: usize) -> bool {
        s >= 1 && s + 2 <= steps && s % self.checkpoint_every == 0
    }
}

/// `acc += x`, element by element.
pub(crate) fn add_into<T: Real>(acc: &mut [T], x: &[T]) {
    for (a, &b) in acc.iter_mut().zip(x) {
        *a += b;
    }
}
