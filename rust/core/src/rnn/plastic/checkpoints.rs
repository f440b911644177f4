//! Exact copies of the plastic trace and the forward recomputation of the segments between them
//! (`docs/reference/rules.md` §4.2, "Memory as a function of η, capped"), for `plastic_episode.rs`.

use crate::error::{Error, Result};
use crate::rnn::plastic::kernels::TraceRow;
use crate::rnn::plastic::real::Real;
use crate::rnn::plastic::shared::{Shared, PARALLEL_MIN_N};
use rayon::prelude::*;

/// Exact copies of the trace kept by the forward pass: H_s for s = K, 2K, … ≤ T−2, one N×N
/// block each, in one buffer reserved up front (so a failed allocation is an error, not an abort).
pub(crate) struct Checkpoints<T> {
    pub(crate) data: Vec<T>,
}

impl<T: Real> Checkpoints<T> {
    /// Reserves room for `count` copies of an N×N trace, or reports how much was needed.
    pub(crate) fn reserve(count: usize, n: usize) -> Result<Self> {
        let what = || {
            format!(
                "{count} exact copies of the {n}×{n} plastic trace (checkpoint_every too small \
                 for this eta and episode length, or memory_budget too large)"
            )
        };
        let oom = || Error::OutOfMemory {
            what: what(),
            bytes: count as u128 * (n * n) as u128 * std::mem::size_of::<T>() as u128,
        };
        let len = count.checked_mul(n * n).ok_or_else(oom)?;
        let mut data = Vec::new();
        crate::error::try_reserve(&mut data, len, what)?;
        advise_huge_pages(data.as_ptr(), data.capacity());
        Ok(Checkpoints { data })
    }

    /// The copy of H_s (s a checkpoint step of spacing `k`).
    pub(crate) fn get(&self, s: usize, k: usize, nn: usize) -> &[T] {
        let c = s / k - 1;
        &self.data[c * nn..(c + 1) * nn]
    }
}

/// Recomputes H_{base+1}..H_{top} into `segment` (slot u − base − 1 holds H_u) from the copy of
/// H_base (H_0 = 0), with the forward pass's arithmetic, so the values are the forward's exactly.
pub(crate) fn recompute_segment<T: Real>(
    sh: &Shared<'_, T>,
    ys: &[T],
    checkpoints: &Checkpoints<T>,
    base: usize,
    top: usize,
    segment: &mut Vec<T>,
) -> Result<()> {
    let n = sh.p.n;
    let nn = n * n;
    let slots = top - base;
    if segment.len() < slots * nn {
        let extra = slots * nn - segment.len();
        crate::error::try_reserve(segment, extra, || {
            "the recomputed trace segment".to_string()
        })?;
        segment.resize(slots * nn, T::ZERO);
    }
    for u in base + 1..=top {
        let (before, rest) = segment.split_at_mut((u - base - 1) * nn);
        let next = &mut rest[..nn];
        let prev: Option<&[T]> = if u == base + 1 {
            (base > 0).then(|| checkpoints.get(base, sh.checkpoint_every, nn))
        } else {
            Some(&before[(u - base - 2) * nn..])
        };
        let (y_u, y_before) = (&ys[u * n..(u + 1) * n], &ys[(u - 1) * n..u * n]);
        let rows = |(i, next_row): (usize, &mut [T])| {
            T::trace_row(TraceRow {
                eta: sh.eta_row(i),
                prev: prev.map(|p| &p[i * n..(i + 1) * n]),
                next: next_row,
                y_before,
                post: y_u[i],
            });
        };
        if n >= PARALLEL_MIN_N {
            next.par_chunks_mut(n).enumerate().for_each(rows);
        } else {
            next.chunks_mut(n).enumerate().for_each(rows);
        }
    }
    Ok(())
}

/// A zeroed N×N matrix, backed by huge pages where the system allows it.
pub(crate) fn zeroed_matrix<T: Real>(n: usize) -> Vec<T> {
    let v = vec![T::ZERO; n * n];
    advise_huge_pages(v.as_ptr(), v.len());
    v
}

/// Asks Linux to back the 2 MiB-aligned interior of a large, not yet touched buffer with huge
/// pages (transparent huge pages in `madvise` mode): the N×N passes then stream without a TLB
/// miss and a prefetcher stop every 4 KiB. Only a hint: failures are ignored, values unchanged.
pub(crate) fn advise_huge_pages<T>(ptr: *const T, len: usize) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = ptr as usize;
        let bytes = len.saturating_mul(std::mem::size_of::<T>());
        let first = start.next_multiple_of(HUGE);
        let last = start.saturating_add(bytes) / HUGE * HUGE;
        if last > first {
            // SAFETY: [first, last) lies inside the caller's allocation; MADV_HUGEPAGE changes
            // how pages are backed, never their contents.
            unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    last - first,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (ptr, len);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rnn::plastic::plan::checkpoint_count;

    #[test]
    fn checkpoint_storage_that_cannot_be_allocated_is_an_error_not_an_abort() {
        // More bytes than the address space (8 PB), and more values than usize can count.
        for (count, n) in [(1usize << 30, 1000usize), (usize::MAX / 2, 4)] {
            match Checkpoints::<f64>::reserve(count, n) {
                Err(Error::OutOfMemory { bytes, .. }) => {
                    assert_eq!(bytes, count as u128 * (n * n) as u128 * 8)
                }
                Err(e) => panic!("wrong error {e}"),
                Ok(_) => panic!("{count} copies of {n}×{n} cannot fit"),
            }
        }
        assert_eq!(
            Checkpoints::<f32>::reserve(3, 4).unwrap().data.capacity(),
            48
        );
    }

    #[test]
    fn checkpoint_count_matches_the_checkpoint_steps() {
        for steps in 0..20 {
            for k in 1..6 {
                let expected = (1..=steps)
                    .filter(|&s| s + 2 <= steps && s % k == 0)
                    .count();
                assert_eq!(checkpoint_count(steps, k), expected, "T={steps}, K={k}");
            }
        }
    }
}
