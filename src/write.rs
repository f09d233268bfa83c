//! The output tree: everything is written into a temporary directory beside the output,
//! then swapped in with one atomic rename, so a failed or killed build never leaves a
//! half-written `public/`.

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::error::{Error, Result};
use crate::layout::OutputFile;

/// Refuses outputs whose replacement would destroy something that is not a site: the
/// file system root, the site root or one of its ancestors, a file, or a non-empty
/// directory that does not look like an earlier build.
pub fn check_output(root: &Path, output: &Path) -> Result<PathBuf> {
    let absolute = if output.is_absolute() {
        output.to_path_buf()
    } else {
        std::env::current_dir().map_err(Error::io("read the current directory", "."))?.join(output)
    };
    let normal = normalise(&absolute);
    if normal.parent().is_none() {
        return Err(Error::Usage(format!(
            "refusing to write the site to {}: it is the file system root",
            output.display()
        )));
    }
    let root_abs = normalise(&root.canonicalize().map_err(Error::io("read", root))?);
    let out_canon = normal.canonicalize().unwrap_or_else(|_| normal.clone());
    if root_abs.starts_with(&out_canon) {
        return Err(Error::Usage(format!(
            "refusing to write the site to {}: it contains the site's sources",
            output.display()
        )));
    }
    if let Some(home) = std::env::var_os("HOME") {
        if Path::new(&home) == out_canon {
            return Err(Error::Usage(format!(
                "refusing to write the site to {}: it is the home directory",
                output.display()
            )));
        }
    }
    if normal.exists() {
        if !normal.is_dir() {
            return Err(Error::Usage(format!("refusing to write the site to {}: it is a file", output.display())));
        }
        let empty = fs::read_dir(&normal).map_err(Error::io("read", &normal))?.next().is_none();
        if !empty && !normal.join("index.html").exists() && !normal.join("404.html").exists() {
            return Err(Error::Usage(format!(
                "refusing to replace {}: it is not empty and does not look like a built site (no index.html); remove it or choose another --output",
                output.display()
            )));
        }
    }
    Ok(normal)
}

/// Removes `.` and `..` without touching the file system.
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The new site as it is being written: a temporary directory beside the output that
/// takes files from many threads as they are rendered, and replaces the output in one
/// step at the end. Dropped without [`Staging::commit`] (an error, a panic), it removes
/// itself and the output is untouched.
pub struct Staging {
    output: PathBuf,
    tmp: PathBuf,
    /// Directories already created, and every path written (two pages must never
    /// claim one path).
    dirs: Mutex<HashSet<PathBuf>>,
    paths: Mutex<HashSet<String>>,
}

impl Staging {
    pub fn new(output: &Path) -> Result<Staging> {
        let parent = output.parent().ok_or_else(|| Error::Usage("the output has no parent directory".into()))?;
        fs::create_dir_all(parent).map_err(Error::io("create", parent))?;
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        remove_stale(parent, &name);
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(Error::io("remove", &tmp))?;
        }
        fs::create_dir_all(&tmp).map_err(Error::io("create", &tmp))?;
        Ok(Staging { output: output.to_path_buf(), tmp, dirs: Mutex::default(), paths: Mutex::default() })
    }

    /// Claims `path` (relative to the site root) and returns where to write it.
    fn claim(&self, path: &str) -> Result<PathBuf> {
        if !self.paths.lock().map_err(|_| poisoned())?.insert(path.to_string()) {
            return Err(Error::Content(Diagnostics(vec![Diagnostic::file(
                Severity::Error,
                "output-collision",
                path,
                format!("two pages would be written to {path}"),
            )])));
        }
        let full = self.tmp.join(path);
        if let Some(dir) = full.parent() {
            if !self.dirs.lock().map_err(|_| poisoned())?.contains(dir) {
                fs::create_dir_all(dir).map_err(Error::io("create", dir))?;
                self.dirs.lock().map_err(|_| poisoned())?.insert(dir.to_path_buf());
            }
        }
        Ok(full)
    }

    pub fn put(&self, file: OutputFile) -> Result<()> {
        let p = self.claim(&file.path)?;
        fs::write(&p, &file.bytes).map_err(Error::io("write", p))
    }

    /// Writes `path` through `write`, for files too large to hold in memory whole.
    pub fn put_with(&self, path: &str, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
        let p = self.claim(path)?;
        let file = fs::File::create(&p).map_err(Error::io("create", &p))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        write(&mut w).and_then(|()| w.flush()).map_err(Error::io("write", p))
    }

    /// How many files have been written.
    pub fn files(&self) -> usize {
        self.paths.lock().map_or(0, |p| p.len())
    }

    /// Puts the new site in place of the output.
    pub fn commit(self) -> Result<()> {
        swap(&self.tmp, &self.output)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.tmp.exists() {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

fn poisoned() -> Error {
    Error::Usage("a thread writing the site failed".into())
}

/// Temporary trees of earlier builds that were killed before they could clean up.
fn remove_stale(parent: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    if let Ok(entries) = fs::read_dir(parent) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
}

/// Puts `tmp` in place of `output` in one step where the system allows it.
fn swap(tmp: &Path, output: &Path) -> Result<()> {
    if !output.exists() {
        return fs::rename(tmp, output).map_err(Error::io("rename into place", output));
    }
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let a = CString::new(tmp.as_os_str().as_bytes()).map_err(|_| Error::Usage("path contains NUL".into()))?;
        let b = CString::new(output.as_os_str().as_bytes()).map_err(|_| Error::Usage("path contains NUL".into()))?;
        // SAFETY: both are valid NUL-terminated paths; renameat2 only reads them.
        let rc =
            unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
        if rc == 0 {
            // `tmp` now holds the previous site.
            return fs::remove_dir_all(tmp).map_err(Error::io("remove the previous output at", tmp));
        }
    }
    // Elsewhere: two renames, with the previous site kept until the new one is in place.
    let old = tmp.with_extension("old");
    fs::rename(output, &old).map_err(Error::io("move aside", output))?;
    if let Err(e) = fs::rename(tmp, output) {
        let _ = fs::rename(&old, output);
        return Err(Error::Io { path: output.to_path_buf(), action: "rename into place", source: e });
    }
    fs::remove_dir_all(&old).map_err(Error::io("remove", &old))
}
