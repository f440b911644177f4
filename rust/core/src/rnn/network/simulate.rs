//! The time loop of one trial (Euler steps, the rule's updates, the readout delta rule).

use super::config::{NetworkConfig, Record, RunOptions, TrialOutput};
use crate::error::{Error, Result};
use crate::rng;
use crate::rnn::kernels::{fused_rank1_matvec, fused_rank1_matvec_plastic, matvec, matvec_plastic};
use crate::rnn::kernels::{rank1_update, Alpha, RankOne};
use crate::rnn::rules::{
    PlasticMatrix, PlasticState, PlasticityRule, RankOneStep, Rule, StepActivity,
};
use rand::Rng as _;
use rand_distr::StandardNormal;
use std::sync::Mutex;

/// The parts of a network a trial reads but never changes.
pub(crate) struct Fixed<'a> {
    pub(crate) config: &'a NetworkConfig,
    pub(crate) rule: Option<&'a Rule>,
    pub(crate) input_weights: &'a [f64],
    /// `Some(a)` when every plasticity coefficient `α` equals `a` (checked once per run; no rule
    /// changes `α`), so the fused step need not read the `α` matrix.
    pub(crate) uniform_alpha: Option<f64>,
}

/// [`Fixed::uniform_alpha`] of a state (known since `α` was set: no pass over it).
pub(crate) fn uniform_alpha(state: &PlasticState) -> Option<f64> {
    state.alpha.uniform_value()
}

/// One trial's inputs, borrowed from the caller's arrays.
pub(crate) struct TrialIo<'a> {
    pub(crate) inputs: &'a [f64],
    pub(crate) modulation: Option<&'a [f64]>,
    pub(crate) targets: Option<&'a [f64]>,
    pub(crate) initial_state: Option<&'a [f64]>,
}

/// The plastic state a trial runs on: read-only when nothing learns, else one it may change
/// (kept after the trial: `Write`; thrown away: `Scratch`).
pub(crate) enum StateMut<'a> {
    Read(&'a PlasticState),
    Write(&'a mut PlasticState),
    Scratch(&'a mut PlasticState),
}

impl StateMut<'_> {
    fn get(&self) -> &PlasticState {
        match self {
            StateMut::Read(s) => s,
            StateMut::Write(s) | StateMut::Scratch(s) => s,
        }
    }
    fn get_mut(&mut self) -> Option<&mut PlasticState> {
        match self {
            StateMut::Read(_) => None,
            StateMut::Write(s) | StateMut::Scratch(s) => Some(s),
        }
    }
    /// Whether the state outlives the trial (so the last deferred update must be applied).
    fn kept(&self) -> bool {
        matches!(self, StateMut::Write(_))
    }
}

/// A pool of reusable [`PlasticState`]s; not part of the network's value (clones start empty).
#[derive(Default)]
pub(crate) struct Scratch(Mutex<Vec<PlasticState>>);

impl Clone for Scratch {
    fn clone(&self) -> Self {
        Scratch::default()
    }
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scratch")
    }
}

/// At most this many bytes of scratch copies are kept between runs (more are freed after their
/// run: a network should not hold many copies of a large matrix for good).
const KEEP_SCRATCH_BYTES: usize = 64 << 20;

impl Scratch {
    fn pool(&self) -> std::sync::MutexGuard<'_, Vec<PlasticState>> {
        // A panic while the lock was held cannot leave the pool inconsistent (push / pop only).
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A state for a trial of a rule that changes `which`: a copy of `src`, on a kept buffer if
    /// there is one.
    pub(crate) fn lease(&self, src: &PlasticState, which: PlasticMatrix) -> PlasticState {
        match self.pool().pop() {
            Some(mut s) => {
                s.reset_from(src, which);
                s
            }
            None => src.clone(),
        }
    }

    /// Keeps `state` for a later run if it owns its copy and the pool has room.
    pub(crate) fn give_back(&self, mut state: PlasticState, which: PlasticMatrix) {
        let size = |s: &PlasticState| match which {
            PlasticMatrix::Weights => s.weights.len() * 8,
            PlasticMatrix::Trace => s.trace.len() * 8,
        };
        if state.keep_only(which, KEEP_SCRATCH_BYTES) {
            let mut pool = self.pool();
            let kept: usize = pool.iter().map(&size).sum();
            if kept + size(&state) <= KEEP_SCRATCH_BYTES {
                pool.push(state);
            }
        }
    }
}

/// A leased scratch state, given back to the pool when dropped (at the end of a rayon job).
pub(crate) struct Lease<'a> {
    pub(crate) state: Option<PlasticState>,
    pub(crate) home: &'a Scratch,
    pub(crate) which: PlasticMatrix,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(s) = self.state.take() {
            self.home.give_back(s, self.which);
        }
    }
}

/// The time loop of one trial on `state` (and `w_out`, if the readout learns).
pub(crate) fn simulate(
    fixed: &Fixed<'_>,
    mut state: StateMut<'_>,
    w_out: &mut [f64],
    io: &TrialIo<'_>,
    steps: usize,
    options: &RunOptions<'_>,
    seed: u64,
) -> Result<TrialOutput> {
    let c = fixed.config;
    let n_out = c.n_outputs;
    // Reserve the recordings first, before anything in `state` changes.
    let mut out = reserve_output(options.record, steps, c.n_units, n_out)?;
    let mut rng = rng::from_seed(Some(seed));
    let learn = options.plastic && fixed.rule.is_some();
    if learn {
        if let Some(s) = state.get_mut() {
            s.reset_activity_traces();
        }
    }
    let mut v = TrialVectors::new(c, io.initial_state);
    let learn_readout = options.readout_rate > 0.0 && io.targets.is_some();
    for t in 0..steps {
        v.move_network(fixed, &mut state, w_out, io, t, &mut rng);
        out.outputs.extend_from_slice(&v.y);
        let m = io.modulation.map_or(1.0, |m| m[t]);
        if learn {
            v.learn(fixed, &mut state, m);
        }
        if learn_readout {
            if let Some(targets) = io.targets {
                let target = &targets[t * n_out..(t + 1) * n_out];
                readout_step(w_out, target, &v.y, &v.r_new, options.readout_rate * m);
            }
        }
        match options.record {
            Record::Nothing => {}
            Record::Rates => out.states.extend_from_slice(&v.r_new),
            Record::Currents => out.states.extend_from_slice(&v.x),
        }
        std::mem::swap(&mut v.r, &mut v.r_new);
    }
    v.finish(&mut state, c.n_units);
    Ok(out)
}

/// The vectors of a trial's time loop, and the rank-one rule step deferred to the next step.
struct TrialVectors {
    /// Currents x.
    x: Vec<f64>,
    /// Rates r(t−1) during a step (the previous step's rates).
    r: Vec<f64>,
    /// Rates r(t) computed by the step.
    r_new: Vec<f64>,
    /// `W_eff r`.
    drive: Vec<f64>,
    /// `W_in u_t`.
    input_drive: Vec<f64>,
    /// Readout `W_out r(t)`.
    y: Vec<f64>,
    /// The diagonal kept through a rule step that is not fused.
    diag: Vec<f64>,
    /// A rank-one rule step deferred to the start of the next step and fused with its
    /// matrix-vector product (one pass over the matrix); the last one is applied after the loop.
    pending: Option<RankOneStep>,
    /// r(t−1) of the pending step, when its presynaptic factor is the previous rates.
    pending_pre: Vec<f64>,
}

impl TrialVectors {
    fn new(c: &NetworkConfig, initial_state: Option<&[f64]>) -> Self {
        let n = c.n_units;
        let x = match initial_state {
            Some(x0) => x0.to_vec(),
            None => vec![0.0; n],
        };
        let r: Vec<f64> = x.iter().map(|&v| c.activation.apply(v)).collect();
        Self {
            x,
            r,
            r_new: vec![0.0; n],
            drive: vec![0.0; n],
            input_drive: vec![0.0; n],
            y: vec![0.0; c.n_outputs],
            diag: vec![0.0; n],
            pending: None,
            pending_pre: vec![0.0; n],
        }
    }

    /// Step `t` of the network: the drives (with the pending rule step fused into the
    /// recurrent one), the Euler step, the new rates and the readout `y`.
    #[inline(always)]
    fn move_network(
        &mut self,
        fixed: &Fixed<'_>,
        state: &mut StateMut<'_>,
        w_out: &[f64],
        io: &TrialIo<'_>,
        t: usize,
        rng: &mut rng::Rng,
    ) {
        let c = fixed.config;
        let n_in = c.n_inputs;
        let pending = self.pending.take();
        recurrent_drive(
            fixed,
            state,
            pending,
            &self.pending_pre,
            &self.r,
            &mut self.drive,
        );
        if n_in > 0 {
            let u = &io.inputs[t * n_in..(t + 1) * n_in];
            matvec(&mut self.input_drive, fixed.input_weights, u);
        }
        let leak = c.dt / c.tau;
        euler_step(
            &mut self.x,
            &self.drive,
            &self.input_drive,
            leak,
            c.noise_std,
            rng,
        );
        c.activation.apply_slice(&self.x, &mut self.r_new);
        matvec(&mut self.y, w_out, &self.r_new);
    }

    /// The rule's step after the network moved, with modulation `m`.
    #[inline(always)]
    fn learn(&mut self, fixed: &Fixed<'_>, state: &mut StateMut<'_>, m: f64) {
        let activity = StepActivity {
            previous: &self.r,
            current: &self.r_new,
            modulation: m,
            dt: fixed.config.dt,
        };
        self.pending = plasticity_step(
            fixed,
            state,
            &activity,
            &mut self.pending_pre,
            &mut self.diag,
        );
    }

    /// Applies the last deferred update; a state thrown away after the trial does not need it.
    fn finish(self, state: &mut StateMut<'_>, n: usize) {
        let kept = state.kept();
        if let (Some(step), Some(st), true) = (self.pending, state.get_mut(), kept) {
            let pre = if step.pre_is_previous {
                &self.pending_pre
            } else {
                &self.r
            };
            final_rank_one(st, step, &self.r, pre, n);
        }
    }
}

/// The trial's output buffers, reserved up front (`InvalidArgument` naming the steps if that
/// much memory cannot be had).
fn reserve_output(record: Record, steps: usize, n: usize, n_out: usize) -> Result<TrialOutput> {
    let recorded = if record == Record::Nothing { 0 } else { n };
    Ok(TrialOutput {
        outputs: reserve_values("outputs", steps.checked_mul(n_out))?,
        states: reserve_values("states", steps.checked_mul(recorded))?,
    })
}

/// `x ← x + (dt/τ)(−x + drive + input_drive) + σ ξ`.
#[inline(always)]
fn euler_step(
    x: &mut [f64],
    drive: &[f64],
    input_drive: &[f64],
    leak: f64,
    noise_std: f64,
    rng: &mut rng::Rng,
) {
    for i in 0..x.len() {
        x[i] += leak * (-x[i] + drive[i] + input_drive[i]);
    }
    if noise_std > 0.0 {
        for xi in x.iter_mut() {
            *xi += noise_std * rng.sample::<f64, _>(StandardNormal);
        }
    }
}

/// The rule's step after the network moved: deferred (returned, to be fused with the next
/// step's product; `pending_pre` keeps r(t) when it needs it) when it is a rank-one step,
/// otherwise applied now.
#[inline(always)]
fn plasticity_step(
    fixed: &Fixed<'_>,
    state: &mut StateMut<'_>,
    activity: &StepActivity<'_>,
    pending_pre: &mut [f64],
    diag: &mut [f64],
) -> Option<RankOneStep> {
    let rule = fixed.rule?;
    if let Some(step) = rule.rank_one_step(activity.dt, activity.modulation) {
        if step.pre_is_previous {
            pending_pre.copy_from_slice(activity.previous);
        }
        return Some(step);
    }
    if let Some(state) = state.get_mut() {
        rule_step(rule, state, activity, diag);
    }
    None
}

/// `drive = W_eff r` at the start of a step, fused with the rank-one rule step `pending`
/// deferred from the previous step (one pass over the matrix) when there is one.
#[inline(always)]
fn recurrent_drive(
    fixed: &Fixed<'_>,
    state: &mut StateMut<'_>,
    pending: Option<RankOneStep>,
    pending_pre: &[f64],
    r: &[f64],
    drive: &mut [f64],
) {
    match (pending, state.get_mut()) {
        (Some(step), Some(st)) => {
            let pre = if step.pre_is_previous { pending_pre } else { r };
            let update = RankOne {
                keep: step.keep,
                scale: step.scale,
                post: r,
                pre,
                bound: step.bound,
            };
            match step.matrix {
                PlasticMatrix::Weights => {
                    fused_rank1_matvec(drive, st.weights.make_mut(), update, r)
                }
                PlasticMatrix::Trace => {
                    let PlasticState {
                        weights,
                        alpha,
                        trace,
                        ..
                    } = st;
                    let trace = trace.make_mut();
                    let alpha = match fixed.uniform_alpha {
                        Some(a) => Alpha::Uniform(a),
                        None => Alpha::PerConnection(alpha),
                    };
                    fused_rank1_matvec_plastic(drive, weights, alpha, trace, update, r)
                }
            }
        }
        _ => {
            let st = state.get();
            if st.trace.is_empty() {
                matvec(drive, &st.weights, r);
            } else {
                let alpha = match fixed.uniform_alpha {
                    Some(a) => Alpha::Uniform(a),
                    None => Alpha::PerConnection(&st.alpha),
                };
                matvec_plastic(drive, &st.weights, alpha, &st.trace, r);
            }
        }
    }
}

/// One step of a rule that is not a fused rank-one step; the diagonal of its matrix (no
/// plastic self-connections) is kept, through `diag` (`n` values).
#[inline(always)]
fn rule_step(rule: &Rule, state: &mut PlasticState, activity: &StepActivity<'_>, diag: &mut [f64]) {
    let n = state.n;
    let plastic = if state.trace.is_empty() {
        &state.weights
    } else {
        &state.trace
    };
    for i in 0..n {
        diag[i] = plastic[i * n + i];
    }
    rule.update(state, activity);
    let plastic = state.matrix_mut(rule.plastic_matrix());
    for i in 0..n {
        plastic[i * n + i] = diag[i];
    }
}

/// The delta rule of a learning readout: `W_out += scale · (target − y) rᵀ`.
#[inline(always)]
fn readout_step(w_out: &mut [f64], target: &[f64], y: &[f64], r: &[f64], scale: f64) {
    let n = r.len();
    for k in 0..y.len() {
        let err = scale * (target[k] - y[k]);
        for (w, &rj) in w_out[k * n..(k + 1) * n].iter_mut().zip(r) {
            *w += err * rj;
        }
    }
}

/// The last deferred rank-one step of a trial, applied alone (diagonal kept).
fn final_rank_one(st: &mut PlasticState, step: RankOneStep, post: &[f64], pre: &[f64], n: usize) {
    let m = st.matrix_mut(step.matrix);
    let diag: Vec<f64> = (0..n).map(|i| m[i * n + i]).collect();
    rank1_update(m, step.keep, step.scale, post, pre, step.bound);
    for (i, d) in diag.into_iter().enumerate() {
        m[i * n + i] = d;
    }
}

/// An empty vector with room for `count` values (`None` when the count overflowed), or an
/// `InvalidArgument` error naming the steps when that much memory cannot be had: an allocation
/// failure must not abort the process.
pub fn reserve_values(what: &str, count: Option<usize>) -> Result<Vec<f64>> {
    let too_many = || {
        Error::argument(
            "inputs",
            format!(
                "too many steps: the {what} need {} float64 values, more than can be allocated",
                count.map_or_else(|| "an overflowing number of".to_string(), |c| c.to_string())
            ),
        )
    };
    let count = count.ok_or_else(too_many)?;
    let mut v = Vec::new();
    crate::error::try_reserve(&mut v, count, String::new).map_err(|_| too_many())?;
    Ok(v)
}
