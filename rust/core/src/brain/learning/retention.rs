//! The retention factor (1 − d)^dt of lazy weight decay, for any gap dt (see `decay.rs`).

/// Size of each power table of [`Retention`]: gaps below `TABLE * TABLE` steps are two lookups.
const TABLE: usize = 256;

/// The retention factor (1 − d)^dt of lazy decay, for any gap dt: two table lookups and a
/// product for dt < 65 536 (a dream reads many synapses last touched long ago, where an `exp`
/// per read dominated the walk), `exp(dt · ln(1 − d))` beyond.
#[derive(Clone, Debug)]
pub(crate) struct Retention {
    /// ln(1 − d) (−∞ for total decay).
    ln: f64,
    /// low[k] = (1 − d)^k and high[k] = (1 − d)^(256 k), each computed with one `exp`.
    low: Box<[f64; TABLE]>,
    high: Box<[f64; TABLE]>,
}

impl Retention {
    pub(crate) fn new(weight_decay: f64) -> Self {
        let ln = (1.0 - weight_decay).ln();
        let power = |k: usize| if k == 0 { 1.0 } else { (ln * k as f64).exp() };
        Retention {
            ln,
            low: Box::new(std::array::from_fn(power)),
            high: Box::new(std::array::from_fn(|k| power(k * TABLE))),
        }
    }

    /// (1 − d)^dt.
    #[inline]
    pub(crate) fn factor(&self, dt: u64) -> f64 {
        if dt < (TABLE * TABLE) as u64 {
            self.low[dt as usize % TABLE] * self.high[dt as usize / TABLE]
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
            for dt in [0u64, 1, 2, 255, 256, 257, 1000, 65_535, 65_536, 10_000_000] {
                let x = if dt == 0 { 0.0 } else { ln * dt as f64 };
                let want = x.exp();
                let got = r.factor(dt);
                // exp(x) carries the rounding of x = dt·ln(1 − d) amplified by |x|.
                let tol = (4.0 + 2.0 * x.abs()) * f64::EPSILON * want;
                assert!(
                    got == want || (got - want).abs() <= tol,
                    "d {d} dt {dt}: {got} vs {want}"
                );
            }
        }
    }
}
