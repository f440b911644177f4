//! Brain graph.
