//! The retention factor (1 − d)^dt of lazy weight decay, for any gap dt (see `decay.rs`).

/// Size of each power table of [`Retention`]: gaps below `TABLE³` steps are three lookups.
const TABLE: usize = 256;

/// The retention factor (1 − d)^dt of lazy decay, for any gap dt: three table lookups and two
/// products for dt < 2²⁴ (a dream reads many synapses last touched long ago, where an `exp`
/// per read dominated the walk; a converged world leaves most synapses untouched for more than
/// 2¹⁶ steps), `exp(dt · ln(1 − d))` beyond.
#[derive(Clone, Debug)]
pub(crate) struct Retention {
    /// ln(1 − d) (−∞ for total decay).
    ln: f64,
    /// low[k] = (1 − d)^k, mid[k] = (1 − d)^(256 k) and high[k] = (1 − d)^(65 536 k), each
    /// computed with one `exp`.
    low: Box<[f64; TABLE]>,
    mid: Box<[f64; TABLE]>,
    high: Box<[f64; TABLE]>,
}

impl Retention {
    pub(crate) fn new(weight_decay: f64) -> Self {
        let ln = (1.0 - weight_decay).ln();
        let power = |k: usize| if k == 0 { 1.0 } else { (ln * k as f64).exp() };
        Retention {
            ln,
            low: Box::new(std::array::from_fn(power)),
            mid: Box::new(std::array::from_fn(|k| power(k * TABLE))),
            high: Box::new(std::array::from_fn(|k| power(k * TABLE * TABLE))),
        }
    }

    /// (1 − d)^dt.
    #[inline]
    pub(crate) fn factor(&self, dt: u64) -> f64 {
        if dt < (TABLE * TABLE) as u64 {
            self.low[dt as usize % TABLE] * self.mid[dt as usize / TABLE]
        } else if dt < (TABLE * TABLE * TABLE) as u64 {
            let dt = dt as usize;
            self.low[dt % TABLE] * self.mid[dt / TABLE % TABLE] * self.high[dt / (TABLE * TABLE)]
        } else {
            (self.ln * dt as f64).exp()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Retention;

    #[test]
    fn table_powers_match_exp_to_rounding() {
        for d in [0.0, 1e-6, 0.001, 0.05, 0.5, 1.0] {
            let r = Retention::new(d);
            let ln = (1.0f64 - d).ln();
            for dt in [
                0u64,
                1,
                2,
                255,
                256,
                257,
                1000,
                65_535,
                65_536,
                65_537,
                1 << 20,
                10_000_000,
                (1 << 24) - 1,
                1 << 24,
                1 << 30,
            ] {
                let x = if dt == 0 { 0.0 } else { ln * dt as f64 };
                let want = x.exp();
                let got = r.factor(dt);
                // exp(x) carries the rounding of x = dt·ln(1 − d) amplified by |x|.
                let tol = (6.0 + 2.0 * x.abs()) * f64::EPSILON * want;
                assert!(
                    got == want || (got - want).abs() <= tol,
                    "d {d} dt {dt}: {got} vs {want}"
                );
            }
        }
    }
}
