//! `<root>/.marketplace-cache/`: what a later run may reuse (`check --links`' good results,
//! the dates a pass over the git history found). Never needed: a missing, unreadable or
//! corrupt file is as if there were none. Each file is written whole to a temporary file
//! and renamed over the old one, so a run stopped halfway leaves the last good one; the
//! directory holds a `.gitignore` of its own, so it stays out of any repository.

use std::io::Write as _;
use std::path::{Path, PathBuf};

pub const DIR: &str = ".marketplace-cache";

/// Where `file` of `root`'s cache lives.
pub fn path(root: &Path, file: &str) -> PathBuf {
    root.join(DIR).join(file)
}

/// The bytes of `file`, if there are any.
pub fn read(root: &Path, file: &str) -> Option<Vec<u8>> {
    std::fs::read(path(root, file)).ok()
}

/// Replaces `file` with `bytes`, atomically.
pub fn write(root: &Path, file: &str, bytes: &[u8]) -> std::io::Result<()> {
    let dir = root.join(DIR);
    std::fs::create_dir_all(&dir)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(&ignore, "# marketplace: what earlier runs found (links, dates from git)\n*\n")?;
    }
    let tmp = dir.join(format!(".{file}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, dir.join(file))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
