//! Graphviz DOT export of a brain.
//!
//! Nodes are labelled with their state hash (optional), action and value and filled by value;
//! synapses with their weight, drawn thicker when stronger; creative synapses are dashed and
//! orange. With `min_weight > 0` only synapses at least that strong are drawn, and only the nodes
//! they join.

use std::fmt::Write as _;

use crate::brain::Brain;

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
        let edges: Vec<_> = self.synapses().filter(|s| s.weight >= min_weight).collect();
        let mut shown = vec![min_weight <= 0.0; self.nodes.len()];
        for e in &edges {
            shown[e.source as usize] = true;
            shown[e.target as usize] = true;
        }
        let max_abs = self
            .node_ids()
            .map(|n| self.nodes[n as usize].value.abs())
            .fold(0.0, f64::max);
        let (w_min, w_max) = (
            self.config.plasticity.weight_min,
            self.config.plasticity.weight_max,
        );
        let mut out = String::new();
        out.push_str("digraph brain {\n");
        out.push_str("  graph [rankdir=LR, fontname=\"Helvetica\", label=\"");
        out.push_str(&escape_label(&format!(
            "hebbian_brain: {} nodes, {} synapses, clock {}",
            self.node_count(),
            self.edge_count(),
            self.clock
        )));
        out.push_str("\", labelloc=t];\n");
        out.push_str(
            "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n",
        );
        out.push_str("  edge [fontname=\"Helvetica\", fontsize=8];\n");
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
            let _ = writeln!(
                out,
                "  n{id} [label=\"{}\", fillcolor=\"{}\"];",
                escape_label(&label),
                fill_color(n.value, max_abs)
            );
        }
        for e in &edges {
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
        out.push_str("}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
