//! `serve`'s builds: one full build whose state is kept, then, for an edit of existing
//! module files, an update of only what shows them.
//!
//! An edit that keeps a module's slug, category and tags changes: its own page, the one
//! home/category/tag list page holding its card (lists are in slug order, so the card
//! does not move), the home page's first page (newest modules), the feeds, the sitemap,
//! `catalogue.json`, and in `search-index/` the shards of its old and new terms, meta,
//! its result data and the sort keys. Anything else (a new or deleted module, a changed
//! category or tag, `content/`, `theme/`) makes a full build, as does any doubt.
//! `search-index.json` (the whole index, ~55 MB at 10,000 modules, not used by the
//! site's pages) is rewritten by [`Session::finish`] once the page has been told to reload.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::build::{build_keeping, render_module, BuildOptions, Built};
use crate::diagnostics::Diagnostics;
use crate::error::{Error, Result};
use crate::frontmatter::SourceFile;
use crate::markdown::Markdown;
use crate::module::{self, MAX_FILE_BYTES};
use crate::render::{OutputFile, Renderer};
use crate::{outputs, search};

pub struct Session {
    opts: BuildOptions,
    built: Option<Built>,
    /// `search-index.json` is behind the other files.
    index_stale: bool,
}

/// What a rebuild did, for the log line.
pub struct Rebuilt {
    pub modules: usize,
    pub millis: u128,
    /// `Some(files)` when only those module files were updated.
    pub incremental: Option<Vec<String>>,
}

impl Session {
    pub fn new(opts: BuildOptions) -> Session {
        Session { opts, built: None, index_stale: false }
    }

    /// Brings the output up to date with the sources after `changed` paths changed
    /// (empty: unknown, build everything). On error the output keeps the last good site.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuilt> {
        let start = Instant::now();
        if let Some(slugs) = self.edited_modules(changed) {
            if let Some(rebuilt) = self.update(&slugs, start)? {
                return Ok(rebuilt);
            }
        }
        self.built = None; // the full build keeps a fresh state
        let (report, built) = build_keeping(&self.opts)?;
        self.built = Some(built);
        self.index_stale = false;
        Ok(Rebuilt { modules: report.modules, millis: start.elapsed().as_millis(), incremental: None })
    }

    /// Work left after an update: rewrites `search-index.json`.
    pub fn finish(&mut self) -> Result<()> {
        let Some(built) = &self.built else { return Ok(()) };
        if !self.index_stale {
            return Ok(());
        }
        let mut bytes = Vec::new();
        built.index.write_elasticlunr_json(&mut bytes).map_err(Error::io("write", "search-index.json"))?;
        put(&built.output, OutputFile { path: "search-index.json".into(), bytes })?;
        self.index_stale = false;
        Ok(())
    }

    /// The slugs of `changed` when every path is an existing module file that is still
    /// there; `None` when an update cannot cover the change.
    fn edited_modules(&self, changed: &[PathBuf]) -> Option<Vec<String>> {
        let built = self.built.as_ref()?;
        let modules_dir = self.opts.root.join("modules");
        let mut slugs = Vec::new();
        for path in changed {
            if path.parent()? != modules_dir {
                return None;
            }
            let name = path.file_name()?.to_str()?;
            let known = name
                .strip_suffix(".md")
                .is_some_and(|slug| built.site.modules.binary_search_by(|m| m.slug.as_str().cmp(slug)).is_ok());
            // Editors' swap and temporary files: hidden (the build skips them), or gone
            // again by now (a save through a temporary file and a rename).
            if !known && (name.starts_with('.') || !path.exists()) {
                continue;
            }
            if !known {
                return None;
            }
            let slug = name.trim_end_matches(".md").to_string();
            let meta = std::fs::symlink_metadata(path).ok()?;
            if !meta.is_file() || meta.len() > MAX_FILE_BYTES as u64 {
                return None;
            }
            if !slugs.contains(&slug) {
                slugs.push(slug);
            }
        }
        (!slugs.is_empty()).then_some(slugs)
    }

    /// Updates the output for edited modules; `Ok(None)` when the edit needs a full build.
    fn update(&mut self, slugs: &[String], start: Instant) -> Result<Option<Rebuilt>> {
        let root = self.opts.root.clone();
        let Some(built) = self.built.as_mut() else { return Ok(None) };
        let today = crate::build::today();
        let known: Vec<&str> = built.site.categories.iter().map(|c| c.slug.as_str()).collect();
        let md = Markdown::new(built.site.modules.iter().map(|m| m.slug.clone()).collect::<HashSet<_>>());

        let mut diags = Diagnostics::default();
        let mut fresh = Vec::new();
        for slug in slugs {
            let rel = format!("modules/{slug}.md");
            let Ok(text) = std::fs::read_to_string(root.join(&rel)) else { return Ok(None) };
            let file = SourceFile::new(rel, text);
            let (parsed, d) = module::parse(&file, slug, &known, today);
            diags.extend(d);
            let Some(m) = parsed else { continue };
            let Ok(at) = built.site.modules.binary_search_by(|x| x.slug.as_str().cmp(slug)) else { return Ok(None) };
            let old = &built.site.modules[at];
            let tag_slugs = |m: &module::Module| m.tags.iter().map(|t| (t.slug.clone(), t.name.clone())).collect::<Vec<_>>();
            if old.category != m.category || tag_slugs(old) != tag_slugs(&m) {
                return Ok(None);
            }
            let (rendered, d) = render_module(&md, &m, &root);
            diags.extend(d);
            fresh.push((at, m, rendered));
        }
        diags.sort();
        if diags.has_errors() {
            return Err(Error::Content(diags));
        }

        let mut names = Vec::new();
        let mut changed_terms = Vec::new();
        for (at, m, rendered) in fresh {
            let slug = m.slug.clone();
            let old_doc = search::document(&built.site, &built.site.modules[at], built.content.modules.get(&slug));
            let new_doc = search::document(&built.site, &m, Some(&rendered));
            changed_terms.push((slug.clone(), built.index.replace(&old_doc, &new_doc)));
            names.push(m.path.clone());
            built.site.modules[at] = m;
            built.content.modules.insert(slug, rendered);
        }

        let output = built.output.clone();
        let emit = |f: OutputFile| put(&output, f);
        let renderer = Renderer::new(&built.site, &built.tera, &built.content, &built.assets);
        for (slug, _) in &changed_terms {
            renderer.pages_of(slug, &emit)?;
        }
        let site = &built.site;
        let mut globals = vec![
            ("sitemap.xml".to_string(), outputs::sitemap(site)),
            ("atom.xml".to_string(), outputs::atom(site)),
            ("catalogue.json".to_string(), outputs::catalogue_json(site)),
        ];
        for c in &site.categories {
            globals.push((format!("categories/{}/atom.xml", c.slug), outputs::category_atom(site, &c.slug)));
        }
        for (path, text) in globals {
            emit(OutputFile { path, bytes: text.into_bytes() })?;
        }
        for (slug, terms) in &changed_terms {
            for f in built.index.updated_files(site, &mut built.layout, slug, terms) {
                emit(f)?;
            }
        }
        self.index_stale = true;
        Ok(Some(Rebuilt { modules: site.modules.len(), millis: start.elapsed().as_millis(), incremental: Some(names) }))
    }
}

/// Replaces one file of the served site in one step (write beside it, rename), so a
/// request never reads half a file.
fn put(output: &Path, file: OutputFile) -> Result<()> {
    let path = output.join(&file.path);
    let tmp = path.with_extension("marketplace-tmp");
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(Error::io("create", dir))?;
    }
    std::fs::write(&tmp, &file.bytes).map_err(Error::io("write", &tmp))?;
    std::fs::rename(&tmp, &path).map_err(Error::io("rename into place", &path))
}
