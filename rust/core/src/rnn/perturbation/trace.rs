//! The eligibility trace of a whole trial as one matrix product.
//!
//! `e_ij = Σ_t (r_j(t−1) · Δx_i(t))³ = Σ_t Δx_i(t)³ · r_j(t−1)³`, so with the `T × N` matrices
//! `P[t, j] = r_j(t−1)³` and `Q[t, i] = Δx_i(t)³` the trace is `e = Qᵀ P` (`[post, pre]`),
//! one `dgemm` instead of `T` rank-one updates.

use crate::simd::Gemm;

/// `trace = post_cubedᵀ · pre_cubed` for two row-major `[n_steps, n]` matrices; `trace` is
/// `[n, n]` row-major (`[post, pre]`). In float64 (`dgemm`) or float32 (`sgemm`, float32
/// accumulation).
pub(crate) fn eligibility_trace<T: Gemm>(
    post_cubed: &[T],
    pre_cubed: &[T],
    n_steps: usize,
    n: usize,
    trace: &mut [T],
) {
    assert!(post_cubed.len() >= n_steps * n && pre_cubed.len() >= n_steps * n);
    assert!(trace.len() >= n * n);
    let n_is = n as isize;
    // SAFETY: the asserts above guarantee that every index the strides reach is in bounds:
    // A = Qᵀ is n × n_steps with element (i, t) at t·n + i; B = P is n_steps × n with (t, j) at
    // t·n + j; C is n × n with (i, j) at i·n + j.
    unsafe {
        T::gemm(
            false,
            n,
            n_steps,
            n,
            post_cubed.as_ptr(),
            1,
            n_is,
            pre_cubed.as_ptr(),
            n_is,
            1,
            trace.as_mut_ptr(),
            n_is,
            1,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_sum_of_cubed_outer_products() {
        let (t_steps, n) = (17, 5);
        let r: Vec<f64> = (0..t_steps * n)
            .map(|k| ((k * 13 % 7) as f64 - 3.0) / 4.0)
            .collect();
        let dx: Vec<f64> = (0..t_steps * n)
            .map(|k| ((k * 5 % 9) as f64 - 4.0) / 6.0)
            .collect();
        let cube = |v: &Vec<f64>| v.iter().map(|a| a * a * a).collect::<Vec<_>>();
        let mut trace = vec![0.0; n * n];
        eligibility_trace(&cube(&dx), &cube(&r), t_steps, n, &mut trace);
        for i in 0..n {
            for j in 0..n {
                let naive: f64 = (0..t_steps)
                    .map(|t| (r[t * n + j] * dx[t * n + i]).powi(3))
                    .sum();
                assert!((trace[i * n + j] - naive).abs() < 1e-12, "{i} {j}");
            }
        }
        let c32 = |v: &Vec<f64>| v.iter().map(|a| (a * a * a) as f32).collect::<Vec<_>>();
        let mut trace32 = vec![0.0f32; n * n];
        eligibility_trace(&c32(&dx), &c32(&r), t_steps, n, &mut trace32);
        for (a, b) in trace32.iter().zip(&trace) {
            assert!((f64::from(*a) - b).abs() < 1e-5 * b.abs().max(1.0));
        }
    }
}
