//! Export and persistence.
