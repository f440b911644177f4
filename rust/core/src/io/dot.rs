//! Graphviz DOT export of a brain.
//!
//! Nodes are labelled with their state hash (optional), action and value and filled by value;
//! the greedy action of each state (its best-valued node) has a thick border. Synapses are
//! labelled with their weight, drawn thicker when stronger; creative synapses are dashed and
//! orange. The graph's caption says what colour and width mean. With `min_weight > 0` only
//! synapses at least that strong are drawn, and only the nodes they join; with `max_nodes` only
//! the most visited nodes are kept (ties to the lower index). Labelled, laid-out pictures are
//! drawn by the Python `hebbian_brain.viz` module.

use std::fmt::Write as _;

use crate::brain::{Brain, Synapse};

/// Escapes a string for use inside a double-quoted DOT ID: backslashes, quotes and line breaks
/// are escaped, other control characters dropped, so any input yields a valid quoted ID.
pub fn escape_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn fill_color(value: f64, max_abs: f64) -> String {
    // White for 0, towards green for positive values, towards red for negative ones.
    let t = if max_abs > 0.0 {
        (value / max_abs).clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let fade = |t: f64| (255.0 - 120.0 * t.abs()).round() as u8;
    if t >= 0.0 {
        format!("#{:02x}ff{:02x}", fade(t), fade(t))
    } else {
        format!("#ff{:02x}{:02x}", fade(t), fade(t))
    }
}

impl Brain {
    /// The brain as a DOT digraph.
    pub fn to_dot(&self, min_weight: f64, show_state_hash: bool) -> String {
        self.to_dot_limited(min_weight, show_state_hash, None)
    }

    /// The brain as a DOT digraph of at most `max_nodes` nodes (the most visited ones).
    pub fn to_dot_limited(
        &self,
        min_weight: f64,
        show_state_hash: bool,
        max_nodes: Option<usize>,
    ) -> String {
        let (shown, edges) = self.dot_selection(min_weight, max_nodes);
        let max_abs = self
            .node_ids()
            .map(|n| self.nodes[n as usize].value.abs())
            .fold(0.0, f64::max);
        let mut out = String::new();
        out.push_str("digraph brain {\n");
        out.push_str("  graph [rankdir=LR, fontname=\"Helvetica\", label=\"");
        let n_shown = shown.iter().filter(|&&s| s).count();
        out.push_str(&escape_label(&format!(
            "hebbian_brain: {} nodes, {} synapses, clock {}{}\n\
             fill: node value, red -{max_abs:.3} .. white 0 .. green +{max_abs:.3}; thick \
             border: greedy action of its state\nedge width and label: synapse weight; dashed orange: creative",
            self.node_count(),
            self.edge_count(),
            self.clock,
            if n_shown < self.node_count() {
                format!(" (showing {n_shown})")
            } else {
                String::new()
            },
        )));
        out.push_str("\", labelloc=t];\n");
        out.push_str(
            "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n",
        );
        out.push_str("  edge [fontname=\"Helvetica\", fontsize=8];\n");
        self.write_dot_nodes(&mut out, &shown, show_state_hash, max_abs);
        self.write_dot_edges(&mut out, &edges);
        out.push_str("}\n");
        out
    }

    /// The nodes shown (a flag per slot) and the synapses drawn: synapses of weight ≥
    /// `min_weight` and their ends (every node when `min_weight` ≤ 0), then at most `max_nodes`
    /// of those nodes, the most activated first.
    fn dot_selection(
        &self,
        min_weight: f64,
        max_nodes: Option<usize>,
    ) -> (Vec<bool>, Vec<Synapse>) {
        let mut edges: Vec<_> = self.synapses().filter(|s| s.weight >= min_weight).collect();
        let mut shown = vec![false; self.nodes.len()];
        for id in self.node_ids() {
            shown[id as usize] = min_weight <= 0.0;
        }
        for e in &edges {
            shown[e.source as usize] = true;
            shown[e.target as usize] = true;
        }
        if let Some(limit) = max_nodes {
            let mut ids: Vec<u32> = self.node_ids().filter(|&n| shown[n as usize]).collect();
            if ids.len() > limit {
                ids.sort_by_key(|&n| {
                    (
                        std::cmp::Reverse(self.nodes[n as usize].activation_count),
                        n,
                    )
                });
                for &n in &ids[limit..] {
                    shown[n as usize] = false;
                }
                edges.retain(|e| shown[e.source as usize] && shown[e.target as usize]);
            }
        }
        (shown, edges)
    }

    /// The greedy action of each shown state: its best-valued shown node, ties to the lower
    /// action (as an agent's greedy choice breaks them).
    fn dot_greedy(&self, shown: &[bool]) -> rustc_hash::FxHashMap<u64, u32> {
        let mut best: rustc_hash::FxHashMap<u64, u32> = Default::default();
        for id in self.node_ids().filter(|&n| shown[n as usize]) {
            let n = &self.nodes[id as usize];
            best.entry(n.state_hash)
                .and_modify(|b| {
                    let old = &self.nodes[*b as usize];
                    let tol = 1e-12 * old.value.abs().max(1.0);
                    if n.value > old.value + tol
                        || (n.value >= old.value - tol && n.action < old.action)
                    {
                        *b = id;
                    }
                })
                .or_insert(id);
        }
        best
    }

    fn write_dot_nodes(
        &self,
        out: &mut String,
        shown: &[bool],
        show_state_hash: bool,
        max_abs: f64,
    ) {
        let best = self.dot_greedy(shown);
        for id in self.node_ids().filter(|&n| shown[n as usize]) {
            let n = &self.nodes[id as usize];
            let label = if show_state_hash {
                format!(
                    "#{id} s={:016x}\na={} V={:.3}",
                    n.state_hash, n.action, n.value
                )
            } else {
                format!("#{id} a={}\nV={:.3}", n.action, n.value)
            };
            let greedy = if best.get(&n.state_hash) == Some(&id) {
                ", penwidth=3"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  n{id} [label=\"{}\", fillcolor=\"{}\"{greedy}];",
                escape_label(&label),
                fill_color(n.value, max_abs)
            );
        }
    }

    fn write_dot_edges(&self, out: &mut String, edges: &[Synapse]) {
        let (w_min, w_max) = (
            self.config.plasticity.weight_min,
            self.config.plasticity.weight_max,
        );
        for e in edges {
            let rel = if w_max > w_min {
                (e.weight - w_min) / (w_max - w_min)
            } else {
                1.0
            };
            let width = 0.5 + 3.5 * rel.clamp(0.0, 1.0);
            let style = if e.is_creative {
                ", style=dashed, color=\"#d95f02\""
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  n{} -> n{} [label=\"{:.2}\", penwidth={:.2}{}];",
                e.source, e.target, e.weight, width, style
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::config::BrainConfig;

    #[test]
    fn max_nodes_keeps_the_most_visited_and_marks_greedy_actions() {
        let mut b = Brain::new(BrainConfig::default(), Some(1)).unwrap();
        let a = b.get_or_create_node(1, 0);
        let c = b.get_or_create_node(2, 0);
        let d = b.get_or_create_node(2, 1);
        for _ in 0..3 {
            b.learn_transition(a, c, 1.0).unwrap();
        }
        b.learn_transition(a, d, 0.0).unwrap();
        let full = b.to_dot(0.0, false);
        assert_eq!(full.matches("[label=\"#").count(), 3);
        assert!(
            full.contains("greedy action"),
            "the caption explains the border"
        );
        let limited = b.to_dot_limited(0.0, false, Some(2));
        assert_eq!(limited.matches("[label=\"#").count(), 2);
        assert!(limited.contains("(showing 2)"));
        assert!(
            !limited.contains(&format!("n{d} ")),
            "the least visited node goes"
        );
        // every shown state has exactly one greedy (thick) node
        assert_eq!(limited.matches("penwidth=3]").count(), 2);
    }

    #[test]
    fn escaping_neutralises_quotes_backslashes_and_controls() {
        assert_eq!(escape_label("a\"b\\c\nd\u{7}"), "a\\\"b\\\\c\\nd");
        // No unescaped quote can survive.
        let nasty = "\"\\\"\\\\\"";
        let e = escape_label(nasty);
        let mut prev_backslashes = 0;
        for c in e.chars() {
            if c == '"' {
                assert!(prev_backslashes % 2 == 1, "{e}");
            }
            prev_backslashes = if c == '\\' { prev_backslashes + 1 } else { 0 };
        }
    }
}
