//! Dates from git.
