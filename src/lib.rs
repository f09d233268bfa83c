//! marketplace: a static site generator for an open catalogue of machine-learning modules.
//!
//! Data flows one way: [`load`] -> [`markdown`] -> [`render`] / [`search`] / [`outputs`]
//! -> [`write`], driven by [`build`]. See ARCHITECTURE.md for the map.

// A `Diagnostic` is the error of the parsing steps: it is built once per problem, and
// boxing it would only add noise to every signature.
#![allow(clippy::result_large_err)]

pub mod assets;
pub mod autolink;
pub mod badge;
pub mod build;
pub mod cachedir;
pub mod diagnostics;
pub mod error;
pub mod frontmatter;
pub mod gitdates;
pub mod highlight;
pub mod import;
pub mod layout;
pub mod linkcheck;
pub mod lint;
pub mod load;
pub mod markdown;
pub mod module;
pub mod outputs;
pub mod related;
pub mod render;
pub mod resources;
pub mod sanitize;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod session;
pub mod site;
pub mod slug;
pub mod vocabulary;
pub mod write;

pub use build::{build, check, check_with, BuildOptions, BuildReport, CheckOptions};
pub use diagnostics::{Diagnostic, Diagnostics, Format, Severity};
pub use error::{Error, Result};
