//! The library's error type. The binary maps it to exit codes: content errors are 1,
//! usage and I/O failures are 2.

use std::path::PathBuf;

use crate::diagnostics::Diagnostics;

#[derive(Debug)]
pub enum Error {
    /// The content has problems; all of them are listed.
    Content(Diagnostics),
    /// Reading or writing a file failed.
    Io { path: PathBuf, action: &'static str, source: std::io::Error },
    /// The command was asked something it cannot do (bad flag value, unsafe output dir).
    Usage(String),
}

impl Error {
    pub fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, action, source }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Content(_) => 1,
            Error::Io { .. } | Error::Usage(_) => 2,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Content(d) => write!(f, "the content has {} error(s)", d.error_count()),
            Error::Io { path, action, source } => write!(f, "cannot {action} {}: {source}", path.display()),
            Error::Usage(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
