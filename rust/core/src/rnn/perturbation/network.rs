//! One trial of the perturbed rate network: the hot loop.
//!
//! Per step `t` (inputs `u_t`): `x ← x + (dt/τ)(−x + J r + W_in u_t)`, then, with probability
//! `p` per neuron, `x_i ← x_i + U(−A, A)`; bias neurons are clamped; `r = tanh(x)`. When
//! learning, the step also stores the rows `r(t−1)³` and `(x(t) − x̄(t))³` of the two `T × N`
//! matrices whose product is the eligibility trace (see [`super::trace`]), with
//! `x̄ ← α_x x̄ + (1 − α_x) x` updated after the fluctuation is taken.

use super::arm::ArmState;
use super::config::{ErrorMetric, NetworkSpec, Readout};
use crate::rng::Rng;
use rand::Rng as _;

/// The exploration part of a training trial.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Exploration {
    /// Probability of a perturbation per neuron and step.
    pub probability: f64,
    /// Half-width of the uniform perturbation.
    pub amplitude: f64,
    /// `α_x`, decay of the activity average.
    pub activity_trace_decay: f64,
}

/// One condition's arrays: inputs `[T, I]`, targets `[T, O]`, scored-step weights `[T]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TrialView<'a> {
    pub inputs: &'a [f64],
    pub targets: &'a [f64],
    pub mask: &'a [f64],
    pub n_steps: usize,
}

/// Everything a run recorded: activations, rates and outputs.
#[derive(Debug, Clone, Default)]
pub struct TrialRecord {
    /// Number of steps `T`.
    pub n_steps: usize,
    /// `x(t)` after each step, `[T, N]`.
    pub activations: Vec<f64>,
    /// `r(t)` after each step, `[T, N]`.
    pub rates: Vec<f64>,
    /// The output `z(t)` after each step, `[T, O]`.
    pub outputs: Vec<f64>,
    /// The trial's error (scored error plus energy cost).
    pub error: f64,
}

/// Buffers reused across trials so the hot loop never allocates.
#[derive(Debug, Clone, Default)]
pub(crate) struct Workspace {
    x: Vec<f64>,
    r: Vec<f64>,
    x_average: Vec<f64>,
    drive: Vec<f64>,
    /// Row `t`: `r(t−1)³`, `[T, N]`.
    pub pre_cubed: Vec<f64>,
    /// Row `t`: `(x(t) − x̄(t))³`, `[T, N]`.
    pub post_cubed: Vec<f64>,
    /// The eligibility trace, then the weight change, `[N, N]` (`[post, pre]`).
    pub trace: Vec<f64>,
}

impl Workspace {
    fn prepare(&mut self, n: usize, n_steps: usize, learning: bool) {
        for v in [
            &mut self.x,
            &mut self.r,
            &mut self.x_average,
            &mut self.drive,
        ] {
            v.resize(n, 0.0);
        }
        if learning {
            self.pre_cubed.resize(n_steps * n, 0.0);
            self.post_cubed.resize(n_steps * n, 0.0);
            self.trace.resize(n * n, 0.0);
        }
    }
}

/// Runs one trial and returns its error; with `exploration`, fills the workspace's
/// `pre_cubed` / `post_cubed` matrices; with `record`, stores the whole run.
#[allow(clippy::too_many_arguments)]
pub(crate) fn simulate(
    spec: &NetworkSpec,
    weights: &[f64],
    input_weights: &[f64],
    trial: TrialView<'_>,
    exploration: Option<Exploration>,
    rng: &mut Rng,
    ws: &mut Workspace,
    mut record: Option<&mut TrialRecord>,
) -> f64 {
    let n = spec.n_neurons;
    let n_in = spec.n_inputs;
    let n_steps = trial.n_steps;
    let out_dim = spec.output_dim();
    let dt_tau = spec.dt / spec.tau;
    ws.prepare(n, n_steps, exploration.is_some());
    if let Some(rec) = record.as_deref_mut() {
        rec.n_steps = n_steps;
        rec.activations.resize(n_steps * n, 0.0);
        rec.rates.resize(n_steps * n, 0.0);
        rec.outputs.resize(n_steps * out_dim, 0.0);
    }

    // Initial state.
    for i in 0..n {
        let base = spec.initial_state.get(i).copied().unwrap_or(0.0);
        let noise = if spec.initial_noise > 0.0 {
            spec.initial_noise * (2.0 * rng.gen::<f64>() - 1.0)
        } else {
            0.0
        };
        ws.x[i] = base + noise;
    }
    for (&b, &v) in spec.bias_neurons.iter().zip(&spec.bias_values) {
        ws.x[b] = v;
    }
    for i in 0..n {
        ws.r[i] = ws.x[i].tanh();
    }
    ws.x_average.copy_from_slice(&ws.x);

    let mut arm_state: Option<ArmState> = match &spec.readout {
        Readout::Arm(arm) => Some(arm.start()),
        Readout::Rates => None,
    };
    let mut z = vec![0.0; out_dim];
    let mut scored_sum = 0.0;
    let mut scored_weight = 0.0;
    let mut energy = 0.0;

    for t in 0..n_steps {
        if exploration.is_some() {
            let row = &mut ws.pre_cubed[t * n..(t + 1) * n];
            for (c, &r) in row.iter_mut().zip(&ws.r) {
                *c = r * r * r;
            }
        }
        // drive = J r + W_in u_t
        matvec(weights, &ws.r, &mut ws.drive);
        let u = &trial.inputs[t * n_in..(t + 1) * n_in];
        if u.iter().any(|&v| v != 0.0) {
            for (i, d) in ws.drive.iter_mut().enumerate() {
                let w = &input_weights[i * n_in..(i + 1) * n_in];
                *d += w.iter().zip(u).map(|(a, b)| a * b).sum::<f64>();
            }
        }
        for (x, &d) in ws.x.iter_mut().zip(&ws.drive) {
            *x += dt_tau * (d - *x);
        }
        if let Some(exp) = exploration {
            if exp.probability > 0.0 {
                for x in ws.x.iter_mut() {
                    if rng.gen::<f64>() < exp.probability {
                        *x += exp.amplitude * (2.0 * rng.gen::<f64>() - 1.0);
                    }
                }
            }
        }
        for (&b, &v) in spec.bias_neurons.iter().zip(&spec.bias_values) {
            ws.x[b] = v;
        }
        for (r, &x) in ws.r.iter_mut().zip(&ws.x) {
            *r = x.tanh();
        }
        if let Some(exp) = exploration {
            let a = exp.activity_trace_decay;
            let row = &mut ws.post_cubed[t * n..(t + 1) * n];
            for ((c, &x), avg) in row.iter_mut().zip(&ws.x).zip(ws.x_average.iter_mut()) {
                let d = x - *avg;
                *c = d * d * d;
                *avg = a * *avg + (1.0 - a) * x;
            }
        }

        // Output and error.
        match (&spec.readout, arm_state.as_mut()) {
            (Readout::Arm(arm), Some(state)) => {
                let rates = [ws.r[spec.output_neurons[0]], ws.r[spec.output_neurons[1]]];
                let hand = arm.step(state, t, rates);
                z.copy_from_slice(&hand);
            }
            _ => {
                for (zo, &o) in z.iter_mut().zip(&spec.output_neurons) {
                    *zo = ws.r[o];
                }
            }
        }
        for &o in &spec.output_neurons {
            energy += ws.r[o].abs();
        }
        let w = trial.mask[t];
        if w != 0.0 {
            let target = &trial.targets[t * out_dim..(t + 1) * out_dim];
            let d = match spec.error_metric {
                ErrorMetric::MeanAbsolute => {
                    z.iter()
                        .zip(target)
                        .map(|(a, b)| (a - b).abs())
                        .sum::<f64>()
                        / out_dim as f64
                }
                ErrorMetric::Euclidean => z
                    .iter()
                    .zip(target)
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum::<f64>()
                    .sqrt(),
            };
            scored_sum += w * d;
            scored_weight += w;
        }
        if let Some(rec) = record.as_deref_mut() {
            rec.activations[t * n..(t + 1) * n].copy_from_slice(&ws.x);
            rec.rates[t * n..(t + 1) * n].copy_from_slice(&ws.r);
            rec.outputs[t * out_dim..(t + 1) * out_dim].copy_from_slice(&z);
        }
    }
    let scored = if scored_weight > 0.0 {
        scored_sum / scored_weight
    } else {
        0.0
    };
    let n_energy = (n_steps * spec.output_neurons.len()).max(1) as f64;
    let error = scored + spec.energy_cost * energy / n_energy;
    if let Some(rec) = record {
        rec.error = error;
    }
    error
}

/// `out = W v` for a row-major `[n, n]` matrix, with AVX2 + FMA when the CPU has them (the
/// two paths may differ in the last bits, as any BLAS does across CPUs).
fn matvec(w: &[f64], v: &[f64], out: &mut [f64]) {
    assert_eq!(w.len(), v.len() * out.len());
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU supports AVX2 and FMA (checked just above); lengths checked above.
            unsafe { matvec_fma(w, v, out) };
            return;
        }
    }
    matvec_portable(w, v, out);
}

/// Four rows at a time share each load of `v`; four lanes per row.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn matvec_fma(w: &[f64], v: &[f64], out: &mut [f64]) {
    use std::arch::x86_64::*;
    let n = v.len();
    let n4 = n - n % 4;
    let hsum = |a: __m256d| -> f64 {
        let lo = _mm256_castpd256_pd128(a);
        let hi = _mm256_extractf128_pd(a, 1);
        let s = _mm_add_pd(lo, hi);
        let h = _mm_unpackhi_pd(s, s);
        _mm_cvtsd_f64(_mm_add_sd(s, h))
    };
    let vp = v.as_ptr();
    let mut i = 0;
    while i + 4 <= out.len() {
        let r0 = w.as_ptr().add(i * n);
        let (r1, r2, r3) = (r0.add(n), r0.add(2 * n), r0.add(3 * n));
        let (mut a0, mut a1, mut a2, mut a3) = (
            _mm256_setzero_pd(),
            _mm256_setzero_pd(),
            _mm256_setzero_pd(),
            _mm256_setzero_pd(),
        );
        let mut j = 0;
        while j < n4 {
            let x = _mm256_loadu_pd(vp.add(j));
            a0 = _mm256_fmadd_pd(_mm256_loadu_pd(r0.add(j)), x, a0);
            a1 = _mm256_fmadd_pd(_mm256_loadu_pd(r1.add(j)), x, a1);
            a2 = _mm256_fmadd_pd(_mm256_loadu_pd(r2.add(j)), x, a2);
            a3 = _mm256_fmadd_pd(_mm256_loadu_pd(r3.add(j)), x, a3);
            j += 4;
        }
        let mut s = [hsum(a0), hsum(a1), hsum(a2), hsum(a3)];
        for j in n4..n {
            let x = *vp.add(j);
            s[0] += *r0.add(j) * x;
            s[1] += *r1.add(j) * x;
            s[2] += *r2.add(j) * x;
            s[3] += *r3.add(j) * x;
        }
        out[i..i + 4].copy_from_slice(&s);
        i += 4;
    }
    while i < out.len() {
        out[i] = dot_portable(&w[i * n..(i + 1) * n], v);
        i += 1;
    }
}

fn matvec_portable(w: &[f64], v: &[f64], out: &mut [f64]) {
    let n = v.len();
    for (row, o) in w.chunks_exact(n).zip(out.iter_mut()) {
        *o = dot_portable(row, v);
    }
}

/// Eight independent partial sums (they vectorize without fast-math).
#[inline]
fn dot_portable(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let ra = a.chunks_exact(8);
    let rb = b.chunks_exact(8);
    let tail: f64 = ra
        .remainder()
        .iter()
        .zip(rb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ra.zip(rb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().sum::<f64>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matvec_matches_naive() {
        let n = 13;
        let w: Vec<f64> = (0..n * n)
            .map(|k| ((k * 7 % 11) as f64 - 5.0) / 3.0)
            .collect();
        let v: Vec<f64> = (0..n).map(|k| (k as f64 - 6.0) / 5.0).collect();
        let mut out = vec![0.0; n];
        let mut portable = vec![0.0; n];
        matvec(&w, &v, &mut out);
        matvec_portable(&w, &v, &mut portable);
        for i in 0..n {
            let naive: f64 = (0..n).map(|j| w[i * n + j] * v[j]).sum();
            assert!((out[i] - naive).abs() < 1e-12);
            assert!((portable[i] - naive).abs() < 1e-12);
        }
    }
}
