//! Static assets with a content hash in their names (`static/style.3fa2b1c4.css`), so that
//! hosts can cache them forever: a changed file gets a new name. Templates find the
//! current name in the `assets` map of their context: `{{ root }}{{ assets["style.css"] }}`.
//!
//! JavaScript modules import each other by relative specifier (`from './text.js'`, one
//! `import`/`export` statement a line); their imports are rewritten to the fingerprinted
//! names (`from './text.1a2b3c4d.js'`) in dependency order, so that a module's name hashes
//! its bytes after that rewrite: a changed module renames every module importing it.
//! `package.json` files (Node's `{"type": "module"}` for the tests) are not published.

mod bundle;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::error::{Error, Result};
use crate::layout::OutputFile;

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
            if e.file_type().is_file() && e.file_name() != "package.json" {
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
    bundle_modules(&mut sources);
    link_modules(&mut sources).map_err(|e| Error::Io {
        path: static_dir.join(e.module()),
        action: "link the imports of",
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })?;
    // Named after the source (as its importers name it), then minified: side by side,
    // since the minifier is most of this stage (20 ms of the real catalogue's build).
    let named: Vec<(String, OutputFile)> = sources
        .into_par_iter()
        .map(|(name, bytes)| {
            let path = format!("static/{}", fingerprinted(&name, &bytes));
            let bytes = if is_module(&name) { minified(&bytes) } else { bytes };
            (name, OutputFile { path, bytes })
        })
        .collect();
    let mut assets = Assets::default();
    for (name, file) in named {
        assets.map.insert(name, file.path.clone());
        assets.files.push(file);
    }
    Ok(assets)
}

/// Replaces each module with imports by its bundle (bundle.rs), where its graph allows.
fn bundle_modules(sources: &mut [(String, Vec<u8>)]) {
    let index: HashMap<&str, usize> = sources.iter().enumerate().map(|(i, (n, _))| (n.as_str(), i)).collect();
    let resolve_in = |module: usize, spec: &str| {
        let dir = sources[module].0.rsplit_once('/').map_or("", |(d, _)| d);
        resolve(dir, spec).and_then(|t| index.get(t.as_str()).copied())
    };
    let mut bundled: Vec<(usize, Vec<u8>)> = bundle::bundles(sources, resolve_in, is_module).into_iter().collect();
    bundled.sort_by_key(|b| b.0);
    drop(index);
    for (i, bytes) in bundled {
        sources[i].1 = bytes;
    }
}

/// A script without its comments and needless spaces (the minifier crate's token-level
/// pass; names are kept). The file keeps the name its source hashes to. Bytes that are
/// not UTF-8 are left alone.
fn minified(bytes: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(bytes) {
        Ok(text) => minifier::js::minify(text).to_string().into_bytes(),
        Err(_) => bytes.to_vec(),
    }
}

/// A JavaScript module under `static/` whose imports cannot be linked.
#[derive(Debug, PartialEq, Eq)]
pub enum ImportError {
    /// `module` imports `import` (its specifier), which names no file under `static/`.
    Missing { module: String, import: String },
    /// Modules that import each other in a circle, from `cycle[0]` back to it.
    Cycle { cycle: Vec<String> },
}

impl ImportError {
    /// The module (name under `static/`) the error is about.
    pub fn module(&self) -> &str {
        match self {
            ImportError::Missing { module, .. } => module,
            ImportError::Cycle { cycle } => cycle.first().map_or("", String::as_str),
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Missing { module, import } => {
                write!(f, "{module} imports `{import}`, which is no file under static/")
            }
            ImportError::Cycle { cycle } => {
                write!(f, "the modules import each other in a circle: {}", cycle.join(" -> "))
            }
        }
    }
}

impl std::error::Error for ImportError {}

/// One relative import of a module: the byte range of its specifier and the source it names.
struct Import {
    start: usize,
    end: usize,
    target: usize,
}

/// The relative imports (`./`, `../`) of a `.js` module, found in the lines that start with
/// `import`, `export` or `}` (a statement's end) and carry `from '<spec>'` (or `import
/// '<spec>'`, with either quote). Specifiers that are not relative are left alone.
fn imports_of(name: &str, text: &str, index: &HashMap<&str, usize>) -> std::result::Result<Vec<Import>, ImportError> {
    let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        if !(trimmed.starts_with("import") || trimmed.starts_with("export") || trimmed.starts_with('}')) {
            continue;
        }
        for keyword in ["from", "import"] {
            let mut from = 0;
            while let Some(found) = line[from..].find(keyword) {
                let k = from + found;
                from = k + keyword.len();
                let before_ok = k == 0 || !is_ident(line.as_bytes()[k - 1]);
                let rest = &line[from..];
                let spec_at = from + (rest.len() - rest.trim_start().len());
                let quote = line[spec_at..].chars().next();
                if !before_ok || !matches!(quote, Some('\'' | '"')) {
                    continue;
                }
                let quote = quote.unwrap_or('\'');
                let Some(len) = line[spec_at + 1..].find(quote) else { continue };
                let spec = &line[spec_at + 1..spec_at + 1 + len];
                if !(spec.starts_with("./") || spec.starts_with("../")) {
                    continue;
                }
                let missing = || ImportError::Missing { module: name.to_string(), import: spec.to_string() };
                let target = resolve(dir, spec).and_then(|t| index.get(t.as_str()).copied()).ok_or_else(missing)?;
                out.push(Import { start: at + spec_at + 1, end: at + spec_at + 1 + len, target });
                from = spec_at + 1 + len;
            }
        }
    }
    out.sort_by_key(|i| i.start);
    Ok(out)
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'.'
}

/// `spec` (`./x.js`, `../a/x.js`) relative to the directory `dir` (`search`), as a name
/// under `static/`; None when it leaves `static/`.
fn resolve(dir: &str, spec: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in spec.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn is_module(name: &str) -> bool {
    name.ends_with(".js") || name.ends_with(".mjs")
}

/// Rewrites the relative imports of the `.js` sources to the fingerprinted names of the
/// modules they import, dependencies first, so that each module's final bytes (and name)
/// hash those of everything it imports.
pub fn link_modules(sources: &mut [(String, Vec<u8>)]) -> std::result::Result<(), ImportError> {
    let index: HashMap<&str, usize> = sources.iter().enumerate().map(|(i, (n, _))| (n.as_str(), i)).collect();
    let mut imports: Vec<Vec<Import>> = Vec::with_capacity(sources.len());
    for (name, bytes) in sources.iter() {
        let found = match std::str::from_utf8(bytes) {
            Ok(text) if is_module(name) => imports_of(name, text, &index)?,
            _ => Vec::new(),
        };
        imports.push(found);
    }
    drop(index);

    /* depth first, in name order: post-order is dependency order */
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; sources.len()];
    let mut order = Vec::new();
    let mut roots: Vec<usize> = (0..sources.len()).filter(|&i| !imports[i].is_empty()).collect();
    roots.sort_by(|&a, &b| sources[a].0.cmp(&sources[b].0));
    for root in roots {
        if marks[root] != Mark::New {
            continue;
        }
        /* (module, next import to visit) */
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        marks[root] = Mark::Open;
        while let Some(&mut (module, ref mut next)) = stack.last_mut() {
            if let Some(import) = imports[module].get(*next) {
                *next += 1;
                let target = import.target;
                match marks[target] {
                    Mark::Done => {}
                    Mark::New => {
                        marks[target] = Mark::Open;
                        stack.push((target, 0));
                    }
                    Mark::Open => {
                        let from = stack.iter().position(|&(m, _)| m == target).unwrap_or(0);
                        let mut cycle: Vec<String> = stack[from..].iter().map(|&(m, _)| sources[m].0.clone()).collect();
                        cycle.push(sources[target].0.clone());
                        return Err(ImportError::Cycle { cycle });
                    }
                }
            } else {
                marks[module] = Mark::Done;
                order.push(module);
                stack.pop();
            }
        }
    }

    let mut names: Vec<Option<String>> = vec![None; sources.len()];
    for module in order {
        if !imports[module].is_empty() {
            let bytes = &sources[module].1;
            let mut linked = Vec::with_capacity(bytes.len() + 9 * imports[module].len());
            let mut at = 0;
            for import in &imports[module] {
                let target = import.target;
                let stamped =
                    names[target].get_or_insert_with(|| fingerprinted(&sources[target].0, &sources[target].1));
                let file = stamped.rsplit('/').next().unwrap_or(stamped);
                let spec = &bytes[import.start..import.end];
                let keep = spec.iter().rposition(|&b| b == b'/').map_or(0, |p| p + 1);
                linked.extend_from_slice(&bytes[at..import.start + keep]);
                linked.extend_from_slice(file.as_bytes());
                at = import.end;
            }
            linked.extend_from_slice(&bytes[at..]);
            sources[module].1 = linked;
        }
        names[module] = Some(fingerprinted(&sources[module].0, &sources[module].1));
    }
    Ok(())
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
    fn scripts_lose_their_comments_and_keep_their_meaning() {
        let source = "/* why */\nexport function f(s) {\n  // dropped\n  var re = /[a-z]+\\/x/g; /* the regex stays */\n  return s.replace(re, '/* not a comment */') + \"// nor this\";\n}\n";
        let out = String::from_utf8(minified(source.as_bytes())).unwrap();
        assert!(!out.contains("why") && !out.contains("dropped") && !out.contains("the regex stays"), "{out}");
        for kept in ["/[a-z]+\\/x/g", "'/* not a comment */'", "\"// nor this\"", "export function f(s)"] {
            assert!(out.contains(kept), "{kept} in {out}");
        }
        assert!(out.len() * 3 < source.len() * 2, "{out}");
        // The published name is the source's, as the importers name it.
        let assets = collect(Path::new("/nonexistent"), vec![("a.js".into(), source.as_bytes().to_vec())]).unwrap();
        assert_eq!(assets.map["a.js"], format!("static/{}", fingerprinted("a.js", source.as_bytes())));
        assert_eq!(assets.files[0].bytes, out.as_bytes());
    }

    #[test]
    fn names_carry_the_content_hash() {
        let a = fingerprinted("icons/x.svg", b"one");
        assert!(a.starts_with("icons/x.") && a.ends_with(".svg") && a.len() == "icons/x..svg".len() + 8, "{a}");
        assert_ne!(a, fingerprinted("icons/x.svg", b"two"));
        assert_eq!(a, fingerprinted("icons/x.svg", b"one"));
    }
    fn js(files: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
        files.iter().map(|(n, t)| (n.to_string(), t.as_bytes().to_vec())).collect()
    }

    fn text(sources: &[(String, Vec<u8>)], name: &str) -> String {
        let (_, bytes) = sources.iter().find(|(n, _)| n == name).expect(name);
        String::from_utf8(bytes.clone()).unwrap()
    }

    fn stamped(sources: &[(String, Vec<u8>)], name: &str) -> String {
        let (n, b) = sources.iter().find(|(n, _)| n == name).expect(name);
        fingerprinted(n, b)
    }

    const TEXT: &str = "export const A = 1;\n";
    const ENGINE: &str = "/* engine */\nimport { A } from './text.js';\nexport const B = A;\n";
    const PAGE: &str =
        "import { A } from './text.js';\nimport { B } from \"./engine.js\";\nexport { B } from './engine.js';\nconst s = \"from './text.js'\";\n";

    #[test]
    fn imports_name_the_fingerprinted_modules() {
        let mut sources = js(&[
            ("search/engine.js", ENGINE),
            ("search/page.js", PAGE),
            ("search/text.js", TEXT),
            ("site.js", "x();\n"),
        ]);
        link_modules(&mut sources).unwrap();
        let text_js = stamped(&sources, "search/text.js");
        let engine_js = stamped(&sources, "search/engine.js");
        let t = text_js.rsplit('/').next().unwrap();
        let e = engine_js.rsplit('/').next().unwrap();
        assert_eq!(text(&sources, "search/text.js"), TEXT);
        assert_eq!(
            text(&sources, "search/engine.js"),
            format!("/* engine */\nimport {{ A }} from './{t}';\nexport const B = A;\n")
        );
        assert_eq!(
            text(&sources, "search/page.js"),
            format!("import {{ A }} from './{t}';\nimport {{ B }} from \"./{e}\";\nexport {{ B }} from './{e}';\nconst s = \"from './text.js'\";\n"),
            "statements are rewritten, a string that is no statement is not"
        );
        assert_eq!(text(&sources, "site.js"), "x();\n");
    }

    #[test]
    fn a_changed_dependency_renames_every_importer() {
        let link = |text_js: &str| {
            let mut sources = js(&[
                ("search/engine.js", ENGINE),
                ("search/page.js", PAGE),
                ("search/text.js", text_js),
                ("site.js", "x();\n"),
            ]);
            link_modules(&mut sources).unwrap();
            ["search/text.js", "search/engine.js", "search/page.js", "site.js"].map(|n| stamped(&sources, n))
        };
        let before = link(TEXT);
        let after = link("export const A = 2;\n");
        assert_ne!(before[0], after[0]);
        assert_ne!(before[1], after[1], "engine.js imports text.js");
        assert_ne!(before[2], after[2], "page.js imports both");
        assert_eq!(before[3], after[3], "site.js imports nothing");
        assert_eq!(before, link(TEXT), "deterministic");
    }

    #[test]
    fn imports_resolve_across_directories() {
        let mut sources = js(&[("a/b.js", "import { x } from '../c.js';\n"), ("c.js", "export const x = 1;\n")]);
        link_modules(&mut sources).unwrap();
        let c = stamped(&sources, "c.js");
        assert_eq!(text(&sources, "a/b.js"), format!("import {{ x }} from '../{c}';\n"));
    }

    #[test]
    fn a_missing_import_is_an_error() {
        let mut sources = js(&[
            ("search/page.js", "import { A } from './text.js';\nimport { Z } from './gone.js';\n"),
            ("search/text.js", TEXT),
        ]);
        assert_eq!(
            link_modules(&mut sources),
            Err(ImportError::Missing { module: "search/page.js".into(), import: "./gone.js".into() })
        );
        let mut outside = js(&[("page.js", "import { A } from '../text.js';\n"), ("text.js", TEXT)]);
        assert!(matches!(link_modules(&mut outside), Err(ImportError::Missing { .. })));
    }

    #[test]
    fn an_import_cycle_is_an_error() {
        let mut sources = js(&[
            ("a.js", "import { b } from './b.js';\n"),
            ("b.js", "import { c } from './c.js';\n"),
            ("c.js", "import { a } from './a.js';\n"),
        ]);
        let e = link_modules(&mut sources).unwrap_err();
        assert_eq!(e, ImportError::Cycle { cycle: ["a.js", "b.js", "c.js", "a.js"].map(String::from).to_vec() });
        assert_eq!(e.to_string(), "the modules import each other in a circle: a.js -> b.js -> c.js -> a.js");
    }

    #[test]
    fn collect_bundles_or_links_modules_and_skips_package_json() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("search")).unwrap();
        std::fs::write(dir.path().join("search/package.json"), "{\"type\": \"module\"}\n").unwrap();
        std::fs::write(dir.path().join("search/text.js"), TEXT).unwrap();
        std::fs::write(dir.path().join("search/engine.js"), ENGINE).unwrap();
        let assets = collect(dir.path(), Vec::new()).unwrap();
        assert_eq!(assets.map.keys().collect::<Vec<_>>(), ["search/engine.js", "search/text.js"]);
        let file = |name: &str| {
            let f = assets.files.iter().find(|f| f.path == assets.map[name]).unwrap();
            String::from_utf8_lossy(&f.bytes).into_owned()
        };
        // engine.js imports in the forms bundle.rs knows: one file, text.js inlined.
        let engine = file("search/engine.js");
        assert!(
            !engine.contains("import") && engine.contains("const A=1") && engine.contains("export const{B}"),
            "{engine}"
        );

        // A re-export is no form it knows: engine.js stays a module importing text.js.
        std::fs::write(dir.path().join("search/engine.js"), format!("{ENGINE}export {{ A }} from './text.js';\n"))
            .unwrap();
        let assets = collect(dir.path(), Vec::new()).unwrap();
        let engine = assets.files.iter().find(|f| f.path == assets.map["search/engine.js"]).unwrap();
        let text_js = assets.map["search/text.js"].rsplit('/').next().unwrap();
        // (minified: `from'./text.<hash>.js'`)
        assert!(
            String::from_utf8_lossy(&engine.bytes).contains(&format!("'./{text_js}'")),
            "{}",
            String::from_utf8_lossy(&engine.bytes)
        );

        std::fs::write(dir.path().join("search/engine.js"), "import { A } from './nope.js';\n").unwrap();
        let Err(Error::Io { path, source, .. }) = collect(dir.path(), Vec::new()) else {
            panic!("a missing import links")
        };
        assert_eq!(path, dir.path().join("search/engine.js"));
        assert!(source.get_ref().and_then(|e| e.downcast_ref::<ImportError>()).is_some(), "{source}");
    }
}
