//! The integration test suite: one binary, one module per feature. Each test runs the real
//! `marketplace` binary on a site in a temporary directory and checks what a user sees:
//! exit codes, diagnostics, built pages and their links.

mod common;

mod build;
mod cli;
mod determinism;
mod fuzz_regressions;
mod gitdates;
mod import;
mod kill;
mod links;
mod lint;
mod markdown;
mod module_page;
mod output;
mod search;
mod security;
mod serve;
mod validation;
