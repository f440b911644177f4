//! (filled in by the graph-brain work)
