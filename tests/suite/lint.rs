//! The catalogue-wide lint of `check`.
