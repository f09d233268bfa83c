//! Static assets with a content hash in their names (`static/style.3fa2b1c4.css`), so that
//! hosts can cache them forever: a changed file gets a new name. Templates find the
//! current name in the `assets` map of their context: `{{ root }}{{ assets["style.css"] }}`.

use std::collections::BTreeMap;
use std::path::Path;

use walkdir::WalkDir;

use crate::error::{Error, Result};
use crate::render::OutputFile;

/// The theme's static files and the generated ones, fingerprinted.
#[derive(Default)]
pub struct Assets {
    pub files: Vec<OutputFile>,
    /// Name under `static/` (`icons/biomedical.svg`) -> output path (`static/icons/biomedical.1a2b3c4d.svg`).
    pub map: BTreeMap<String, String>,
}

/// Reads `static_dir` and adds `generated` files (name under `static/`, bytes).
pub fn collect(static_dir: &Path, generated: Vec<(String, Vec<u8>)>) -> Result<Assets> {
    let mut sources = Vec::new();
    if static_dir.is_dir() {
        for e in WalkDir::new(static_dir).sort_by_file_name() {
            let e = e.map_err(|e| Error::Io { path: static_dir.to_path_buf(), action: "read", source: e.into() })?;
            if e.file_type().is_file() {
                let rel = e.path().strip_prefix(static_dir).unwrap_or(e.path());
                let name = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let bytes = std::fs::read(e.path()).map_err(Error::io("read", e.path()))?;
                sources.push((name, bytes));
            }
        }
    }
    sources.extend(generated);
    let mut assets = Assets::default();
    for (name, bytes) in sources {
        let path = format!("static/{}", fingerprinted(&name, &bytes));
        assets.map.insert(name, path.clone());
        assets.files.push(OutputFile { path, bytes });
    }
    Ok(assets)
}

/// `dir/name.ext` -> `dir/name.<8 hex digits of FNV-1a>.ext`.
pub fn fingerprinted(name: &str, bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let short = format!("{:08x}", (hash >> 32) as u32 ^ hash as u32);
    let (dir, file) = name.rsplit_once('/').map_or(("", name), |(d, f)| (d, f));
    let stamped = match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}.{short}.{ext}"),
        _ => format!("{file}.{short}"),
    };
    if dir.is_empty() {
        stamped
    } else {
        format!("{dir}/{stamped}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_content_hash() {
        let a = fingerprinted("icons/x.svg", b"one");
        assert!(a.starts_with("icons/x.") && a.ends_with(".svg") && a.len() == "icons/x..svg".len() + 8, "{a}");
        assert_ne!(a, fingerprinted("icons/x.svg", b"two"));
        assert_eq!(a, fingerprinted("icons/x.svg", b"one"));
    }
}
