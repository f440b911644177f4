//! Bounded fuzzing of the DOT exporter: every value a user can put into a brain (state hashes,
//! actions, values, weights, weight bounds, times, the `min_weight` filter) at its extremes, and
//! every string through `escape_label` (random bytes and random Unicode), must give DOT that a
//! strict checker accepts: balanced quoted IDs, only known escapes, no raw line break or control
//! character inside an ID, well-formed numerals, a statement grammar Graphviz parses. Labels must
//! also decode back to the text they came from. `HEBBIAN_FUZZ_ITERS` raises the iteration counts
//! for long local runs (CI runs the defaults).

mod common;
use common::iterations;

use hebbian_core::brain::config::{BrainConfig, DreamParams, PlasticityParams};
use hebbian_core::brain::Brain;
use hebbian_core::io::dot::escape_label;
use hebbian_core::io::import::{EdgeRecord, NodeRecord};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

// ------------------------------------------------------------------ a small strict DOT checker

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// Alphanumeric ID (letters, `_`, digits not first, non-ASCII).
    Name(String),
    /// Numeral `[-]?(.[0-9]+ | [0-9]+(.[0-9]*)?)`.
    Num(String),
    /// Double-quoted ID, with its decoded label text.
    Quoted(String),
    Arrow,
    Punct(char),
}

/// Lexes DOT; `Err` describes the first violation.
fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' || c == '\n' || c == '\t' {
            i += 1;
        } else if c == '"' {
            let mut text = String::new();
            i += 1;
            loop {
                let Some(&c) = chars.get(i) else {
                    return Err("unterminated quoted ID".into());
                };
                match c {
                    '"' => {
                        i += 1;
                        break;
                    }
                    '\\' => {
                        let Some(&e) = chars.get(i + 1) else {
                            return Err("backslash at the end of input".into());
                        };
                        match e {
                            '\\' => text.push('\\'),
                            '"' => text.push('"'),
                            'n' => text.push('\n'),
                            // Graphviz label escapes we never write: refuse, so an escape of
                            // user text can never turn into \N (node name) and the like.
                            other => return Err(format!("unexpected escape \\{other}")),
                        }
                        i += 2;
                    }
                    '\n' | '\r' => return Err("raw line break inside a quoted ID".into()),
                    c if c.is_control() => {
                        return Err(format!("control character {c:?} inside a quoted ID"))
                    }
                    c => {
                        text.push(c);
                        i += 1;
                    }
                }
            }
            toks.push(Tok::Quoted(text));
        } else if c == '-' && chars.get(i + 1) == Some(&'>') {
            toks.push(Tok::Arrow);
            i += 2;
        } else if c == '-' || c == '.' || c.is_ascii_digit() {
            let start = i;
            if c == '-' {
                i += 1;
            }
            let int_start = i;
            while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
            let int_digits = i - int_start;
            let mut frac_digits = 0;
            if chars.get(i) == Some(&'.') {
                i += 1;
                while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                    i += 1;
                    frac_digits += 1;
                }
            }
            if int_digits == 0 && frac_digits == 0 {
                return Err(format!("malformed numeral at {start}"));
            }
            if chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                return Err(format!("numeral followed by a letter at {start}"));
            }
            toks.push(Tok::Num(chars[start..i].iter().collect()));
        } else if c.is_ascii_alphabetic() || c == '_' || !c.is_ascii() {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_' || !c.is_ascii())
            {
                i += 1;
            }
            toks.push(Tok::Name(chars[start..i].iter().collect()));
        } else if "{}[];,=".contains(c) {
            toks.push(Tok::Punct(c));
            i += 1;
        } else {
            return Err(format!("unexpected character {c:?} at {i}"));
        }
    }
    Ok(toks)
}

/// What the checker saw: node IDs declared, edges, labels (decoded).
#[derive(Default, Debug)]
struct Parsed {
    nodes: Vec<String>,
    edges: Vec<(String, String)>,
    labels: Vec<String>,
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Result<Tok, String> {
        let t = self.toks.get(self.pos).cloned().ok_or("unexpected end")?;
        self.pos += 1;
        Ok(t)
    }
    fn expect(&mut self, p: char) -> Result<(), String> {
        match self.next()? {
            Tok::Punct(c) if c == p => Ok(()),
            t => Err(format!("expected {p:?}, got {t:?}")),
        }
    }
    fn id(&mut self) -> Result<Tok, String> {
        match self.next()? {
            t @ (Tok::Name(_) | Tok::Num(_) | Tok::Quoted(_)) => Ok(t),
            t => Err(format!("expected an ID, got {t:?}")),
        }
    }
    fn attr_list(&mut self, out: &mut Parsed) -> Result<(), String> {
        while self.peek() == Some(&Tok::Punct('[')) {
            self.pos += 1;
            loop {
                if self.peek() == Some(&Tok::Punct(']')) {
                    self.pos += 1;
                    break;
                }
                let key = self.id()?;
                self.expect('=')?;
                let value = self.id()?;
                if let (Tok::Name(k), Tok::Quoted(v)) = (&key, &value) {
                    if k == "label" {
                        out.labels.push(v.clone());
                    }
                }
                if let (Tok::Name(k), v) = (&key, &value) {
                    if k == "penwidth" && !matches!(v, Tok::Num(_)) {
                        return Err(format!("penwidth is not a numeral: {v:?}"));
                    }
                }
                if let Some(Tok::Punct(',' | ';')) = self.peek() {
                    self.pos += 1;
                }
            }
        }
        Ok(())
    }
    fn graph(&mut self) -> Result<Parsed, String> {
        let mut out = Parsed::default();
        match self.next()? {
            Tok::Name(k) if k == "digraph" => {}
            t => return Err(format!("expected digraph, got {t:?}")),
        }
        if !matches!(self.peek(), Some(Tok::Punct('{'))) {
            self.id()?;
        }
        self.expect('{')?;
        loop {
            match self.peek().cloned() {
                Some(Tok::Punct('}')) => {
                    self.pos += 1;
                    break;
                }
                Some(Tok::Punct(';')) => self.pos += 1,
                Some(Tok::Name(k)) if k == "graph" || k == "node" || k == "edge" => {
                    self.pos += 1;
                    self.attr_list(&mut out)?;
                }
                Some(_) => {
                    let a = self.id()?;
                    let name = |t: &Tok| match t {
                        Tok::Name(s) | Tok::Num(s) | Tok::Quoted(s) => s.clone(),
                        _ => unreachable!(),
                    };
                    if self.peek() == Some(&Tok::Arrow) {
                        let mut from = name(&a);
                        while self.peek() == Some(&Tok::Arrow) {
                            self.pos += 1;
                            let b = name(&self.id()?);
                            out.edges.push((from, b.clone()));
                            from = b;
                        }
                    } else if self.peek() == Some(&Tok::Punct('=')) {
                        self.pos += 1;
                        self.id()?;
                        continue;
                    } else {
                        out.nodes.push(name(&a));
                    }
                    self.attr_list(&mut out)?;
                }
                None => return Err("missing closing brace".into()),
            }
        }
        if self.pos != self.toks.len() {
            return Err("text after the closing brace".into());
        }
        Ok(out)
    }
}

fn check_dot(src: &str) -> Result<Parsed, String> {
    let toks = lex(src)?;
    let parsed = Parser { toks, pos: 0 }.graph()?;
    // Every edge endpoint is a declared node.
    for (a, b) in &parsed.edges {
        for n in [a, b] {
            if !parsed.nodes.contains(n) {
                return Err(format!("edge endpoint {n} is not declared"));
            }
        }
    }
    Ok(parsed)
}

#[test]
fn the_checker_refuses_broken_dot() {
    assert!(check_dot("digraph g { n0 [label=\"ok\\n\\\\ \\\"q\\\"\"]; }").is_ok());
    for bad in [
        "digraph g { n0 [label=\"open]; }",
        "digraph g { n0 [label=\"a\nb\"]; }",
        "digraph g { n0 [label=\"a\\\"]; }",
        "digraph g { n0 [label=\"\\N\"]; }",
        "digraph g { n0 [label=\"a\u{7}\"]; }",
        "digraph g { n0 -> n1; }",
        "digraph g { n0 [penwidth=NaN]; }",
        "digraph g { n0 [penwidth=1.2.3]; }",
        "digraph g { n0 ",
    ] {
        assert!(check_dot(bad).is_err(), "accepted {bad:?}");
    }
}

// ------------------------------------------------------------------ labels

/// What a label shows for `text`: carriage returns and other controls except `\n` are dropped.
fn shown(text: &str) -> String {
    text.chars()
        .filter(|&c| c == '\n' || !c.is_control())
        .collect()
}

fn check_label(text: &str) {
    let dot = format!("digraph g {{ n0 [label=\"{}\"]; }}", escape_label(text));
    let parsed = check_dot(&dot).unwrap_or_else(|e| panic!("{e} for {text:?} -> {dot:?}"));
    assert_eq!(parsed.labels, vec![shown(text)], "label of {text:?}");
}

#[test]
fn random_bytes_and_unicode_labels_stay_inside_their_quoted_id() {
    let mut rng = Pcg64Mcg::seed_from_u64(21);
    let specials = [
        '"', '\\', '\n', '\r', '\t', '{', '}', '[', ']', ';', '=', '\u{0}', '\u{7f}', '\u{85}',
        '\u{2028}', '\u{202e}', '\u{feff}', 'N', 'l', 'G',
    ];
    for _ in 0..iterations(20_000) {
        let len = rng.gen_range(0..40);
        let text: String = match rng.gen_range(0..3) {
            0 => {
                let bytes: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
            1 => (0..len).map(|_| rng.gen::<char>()).collect(),
            _ => (0..len)
                .map(|_| specials[rng.gen_range(0..specials.len())])
                .collect(),
        };
        check_label(&text);
    }
}

// ------------------------------------------------------------------ whole brains

fn extreme_f64(rng: &mut Pcg64Mcg, bound: f64) -> f64 {
    let pool = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        5e-324,
        0.1 + 0.2,
        1e-12,
        bound,
        -bound,
        bound * 0.999_999_999,
    ];
    match rng.gen_range(0..3) {
        0 => pool[rng.gen_range(0..pool.len())],
        1 => rng.gen_range(-1.0..1.0) * bound,
        _ => {
            // Random bits, kept if finite and in bounds.
            let v = f64::from_bits(rng.gen());
            if v.is_finite() && v.abs() <= bound {
                v
            } else {
                0.5
            }
        }
    }
}

fn random_config(rng: &mut Pcg64Mcg) -> BrainConfig {
    let (lo, hi) = match rng.gen_range(0..4) {
        0 => (0.0, 1.0),
        1 => (-1.0, 1.0),
        2 => (-1e6, 1e9),
        _ => (0.25, 0.25),
    };
    BrainConfig {
        plasticity: PlasticityParams {
            weight_min: lo,
            weight_max: hi,
            initial_weight: hi,
            ..Default::default()
        },
        dream: DreamParams {
            creative_edge_probability: 0.5,
            ..Default::default()
        },
        ..Default::default()
    }
}

fn random_brain(rng: &mut Pcg64Mcg) -> Option<Brain> {
    let cfg = random_config(rng);
    let (lo, hi) = (cfg.plasticity.weight_min, cfg.plasticity.weight_max);
    let n = rng.gen_range(0..12usize);
    let max_time = if rng.gen_bool(0.3) { 1u64 << 62 } else { 1000 };
    let nodes: Vec<NodeRecord> = (0..n)
        .map(|i| NodeRecord {
            index: if rng.gen_bool(0.2) {
                (i * 3) as u32
            } else {
                i as u32
            },
            state_hash: match rng.gen_range(0..3) {
                0 => u64::MAX - i as u64,
                1 => i as u64,
                _ => rng.gen(),
            },
            action: match rng.gen_range(0..3) {
                0 => u32::MAX - i as u32,
                1 => 0,
                _ => rng.gen(),
            },
            value: extreme_f64(rng, 1e12),
            activation_count: rng.gen_range(0..3),
            terminal_count: 0,
            average_reward: extreme_f64(rng, 1e6),
            salience: extreme_f64(rng, 1e3).abs(),
            created_at: rng.gen_range(0..=max_time),
            last_activated: rng.gen_range(0..=max_time),
        })
        .collect();
    let ids: Vec<u32> = nodes.iter().map(|r| r.index).collect();
    let mut edges = Vec::new();
    if !ids.is_empty() {
        for _ in 0..rng.gen_range(0..30) {
            let (s, t) = (
                ids[rng.gen_range(0..ids.len())],
                ids[rng.gen_range(0..ids.len())],
            );
            if edges
                .iter()
                .any(|e: &EdgeRecord| e.source == s && e.target == t)
            {
                continue;
            }
            let w = match rng.gen_range(0..4) {
                0 => lo,
                1 => hi,
                _ => lo + (hi - lo) * rng.gen::<f64>(),
            };
            edges.push(EdgeRecord {
                source: s,
                target: t,
                weight: w,
                plasticity: rng.gen(),
                created_at: rng.gen_range(0..=max_time),
                last_activated: rng.gen_range(0..=max_time),
                traversal_count: rng.gen_range(0..5),
                is_creative: rng.gen_bool(0.3),
            });
        }
    }
    let mut brain = Brain::from_records(cfg, Some(rng.gen()), &nodes, &edges).ok()?;
    // Learning, dreams (creative synapses) and pruning on top.
    for _ in 0..rng.gen_range(0..20) {
        if ids.is_empty() {
            break;
        }
        let (a, b) = (
            ids[rng.gen_range(0..ids.len())],
            ids[rng.gen_range(0..ids.len())],
        );
        let _ = brain.learn_transition(a, b, extreme_f64(rng, 1e6));
    }
    brain.dream(rng.gen_range(0..3));
    if rng.gen_bool(0.3) {
        brain.prune();
    }
    Some(brain)
}

#[test]
fn dot_of_brains_with_extreme_contents_is_valid() {
    let mut rng = Pcg64Mcg::seed_from_u64(33);
    let (mut checked, mut refused) = (0usize, 0usize);
    for _ in 0..iterations(1500) {
        let Some(brain) = random_brain(&mut rng) else {
            refused += 1;
            continue;
        };
        let min_weight = match rng.gen_range(0..5) {
            0 => 0.0,
            1 => -1e300,
            2 => 1e300,
            3 => f64::MIN_POSITIVE,
            _ => rng.gen_range(-1.0..1.0),
        };
        let show = rng.gen_bool(0.5);
        let dot = brain.to_dot(min_weight, show);
        let parsed = check_dot(&dot).unwrap_or_else(|e| panic!("{e}:\n{dot}"));
        // Exactly the synapses at least min_weight strong are drawn, with their nodes.
        let drawn = brain
            .edge_table()
            .weight
            .iter()
            .filter(|&&w| w >= min_weight)
            .count();
        assert_eq!(parsed.edges.len(), drawn, "{dot}");
        if min_weight <= 0.0 {
            assert_eq!(parsed.nodes.len(), brain.node_count(), "{dot}");
        }
        if show && min_weight <= 0.0 {
            for h in brain.node_table().state_hash {
                let hex = format!("s={h:016x}");
                assert!(parsed.labels.iter().any(|l| l.contains(&hex)), "{hex}");
            }
        }
        checked += 1;
    }
    assert!(checked > refused, "checked {checked}, refused {refused}");
}
