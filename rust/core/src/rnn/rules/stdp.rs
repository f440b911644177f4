//! Pair-based spike-timing-dependent plasticity on rates, with pre- and postsynaptic traces.
//!
//! Per step, with `r = r(t + dt)` the rates of the step and `m` the modulation:
//! ```text
//! x ← x·exp(−dt/τ₊)            (presynaptic trace)
//! y ← y·exp(−dt/τ₋)            (postsynaptic trace)
//! W_ij ← clip(W_ij + m·dt·(A₊·r_i·x_j − A₋·y_i·r_j), −w_max, w_max)
//! x ← x + dt·r,  y ← y + dt·r
//! ```
//! A "spike" is a one-step pulse `r = 1/dt`. A presynaptic spike followed `Δt = t_post − t_pre`
//! later by a postsynaptic one changes the weight by `A₊·exp(−Δt/τ₊)` (Δt > 0) or `−A₋·exp(Δt/τ₋)`
//! (Δt < 0), exactly, and by 0 for coincident spikes: [`Stdp::window`].

use super::plasticity::{check_bound, check_non_negative, check_positive};
use super::plasticity::{PlasticState, PlasticityRule, StepActivity};
use crate::error::Result;
use crate::rnn::kernels::rank2_update;

/// The classic exponential STDP window (Bi & Poo 1998; Song, Miller & Abbott 2000).
#[derive(Clone, Debug, PartialEq)]
pub struct Stdp {
    /// `A₊`: potentiation amplitude (pre before post).
    pub a_plus: f64,
    /// `A₋`: depression amplitude (post before pre).
    pub a_minus: f64,
    /// `τ₊`: time constant of the presynaptic trace.
    pub tau_plus: f64,
    /// `τ₋`: time constant of the postsynaptic trace.
    pub tau_minus: f64,
    /// Weights are clipped to `[−w_max, w_max]` (`inf`: no clipping).
    pub w_max: f64,
}

impl Default for Stdp {
    fn default() -> Self {
        Stdp {
            a_plus: 0.01,
            a_minus: 0.0105,
            tau_plus: 20.0,
            tau_minus: 20.0,
            w_max: 1.0,
        }
    }
}

impl Stdp {
    /// The weight change of one spike pair at `delta_t = t_post − t_pre` (0 at `delta_t == 0`).
    pub fn window(&self, delta_t: f64) -> f64 {
        if delta_t > 0.0 {
            self.a_plus * (-delta_t / self.tau_plus).exp()
        } else if delta_t < 0.0 {
            -self.a_minus * (delta_t / self.tau_minus).exp()
        } else if delta_t == 0.0 {
            0.0
        } else {
            // NaN in, NaN out: no spike timing to weigh.
            f64::NAN
        }
    }
}

impl PlasticityRule for Stdp {
    fn name(&self) -> &'static str {
        "STDP"
    }

    fn validate(&self) -> Result<()> {
        check_non_negative("a_plus", self.a_plus)?;
        check_non_negative("a_minus", self.a_minus)?;
        check_positive("tau_plus", self.tau_plus)?;
        check_positive("tau_minus", self.tau_minus)?;
        check_bound("w_max", self.w_max)
    }

    fn uses_activity_traces(&self) -> bool {
        true
    }

    fn update(&self, state: &mut PlasticState, activity: &StepActivity<'_>) {
        let dt = activity.dt;
        let r = activity.current;
        let decay_pre = (-dt / self.tau_plus).exp();
        let decay_post = (-dt / self.tau_minus).exp();
        state.pre_trace.iter_mut().for_each(|x| *x *= decay_pre);
        state.post_trace.iter_mut().for_each(|y| *y *= decay_post);
        let gain = activity.modulation * dt;
        let potentiation: Vec<f64> = r.iter().map(|&ri| gain * self.a_plus * ri).collect();
        let depression: Vec<f64> = state
            .post_trace
            .iter()
            .map(|&yi| gain * self.a_minus * yi)
            .collect();
        rank2_update(
            state.weights.make_mut(),
            &potentiation,
            &state.pre_trace,
            &depression,
            r,
            self.w_max,
        );
        for ((x, y), &ri) in state
            .pre_trace
            .iter_mut()
            .zip(state.post_trace.iter_mut())
            .zip(r)
        {
            *x += dt * ri;
            *y += dt * ri;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_of_nan_is_nan() {
        let rule = Stdp::default();
        assert!(rule.window(f64::NAN).is_nan());
        assert_eq!(rule.window(0.0), 0.0);
    }

    /// Unit 1 spikes at step `t_pre`, unit 0 at step `t_post`; returns the change of W[0, 1].
    fn pair(rule: &Stdp, dt: f64, t_pre: usize, t_post: usize) -> f64 {
        let mut s = PlasticState::new(
            2,
            vec![0.0; 4],
            Some(&super::super::Rule::Stdp(rule.clone())),
        );
        let zero = [0.0, 0.0];
        for t in 0..(t_pre.max(t_post) + 2) {
            let mut r = [0.0, 0.0];
            if t == t_post {
                r[0] = 1.0 / dt;
            }
            if t == t_pre {
                r[1] = 1.0 / dt;
            }
            rule.update(
                &mut s,
                &StepActivity {
                    previous: &zero,
                    current: &r,
                    modulation: 1.0,
                    dt,
                },
            );
        }
        s.weights[1]
    }

    #[test]
    fn spike_pairs_follow_the_closed_form_window() {
        let rule = Stdp {
            a_plus: 0.02,
            a_minus: 0.015,
            tau_plus: 10.0,
            tau_minus: 25.0,
            w_max: f64::INFINITY,
        };
        let dt = 0.5;
        for (t_pre, t_post) in [(3usize, 5usize), (2, 30), (5, 3), (40, 2), (7, 7)] {
            let measured = pair(&rule, dt, t_pre, t_post);
            let delta_t = (t_post as f64 - t_pre as f64) * dt;
            let expected = rule.window(delta_t);
            assert!(
                (measured - expected).abs() < 1e-12,
                "Δt={delta_t}: {measured} vs {expected}"
            );
        }
        assert!(rule.window(1.0) > 0.0 && rule.window(-1.0) < 0.0);
    }

    #[test]
    fn bad_time_constant_is_named() {
        let err = Stdp {
            tau_minus: 0.0,
            ..Stdp::default()
        }
        .validate()
        .unwrap_err();
        assert!(err.to_string().contains("tau_minus"));
    }
}
