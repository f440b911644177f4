//! Learning rules of the graph brain.
