//! Built-in environments (pure Rust, seeded).
