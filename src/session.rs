//! `serve`'s builds: one full build whose state is kept, then, for an edit of existing
//! module files, an update of only what shows them.
//!
//! An edit that keeps a module's slug, category and tags changes: its own page, the one
//! home/category/tag list page holding its card (lists are in slug order, so the card
//! does not move), the home page's first page (newest modules), the feeds, and in
//! `search-index/` the shards of the terms whose counts changed, the fuzzy and suffix
//! shards whose bytes changed (stale ones deleted), meta, facets and tags, its result
//! card and excerpt text (`docs/<doc>.json`, `text/<doc>.json`), and the sort keys. Anything else (a new or deleted module, a changed
//! category or tag, `content/`, `theme/`) makes a full build, as does any doubt.
//! What no page shows, `search-index.json` (when `[search] elasticlunr_json` asks for it;
//! ~55 MB at 10,000 modules), `catalogue.json`
//! and the sitemap, is rewritten by [`Session::finish`], which `serve` calls once it is idle
//! (the tabs have reloaded by then).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::build::{build_keeping, render_module, BuildOptions, Built};
use crate::diagnostics::Diagnostics;
use crate::error::{Error, Result};
use crate::frontmatter::SourceFile;
use crate::layout::OutputFile;
use crate::markdown::Markdown;
use crate::module::{self, MAX_FILE_BYTES};
use crate::render::Renderer;
use crate::{outputs, search};

pub struct Session {
    opts: BuildOptions,
    built: Option<Built>,
    /// `search-index.json`, `catalogue.json` and the sitemap are behind the other files
    /// (until [`Session::finish`]).
    behind: bool,
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
        Session { opts, built: None, behind: false }
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
        self.behind = false;
        Ok(Rebuilt { modules: report.modules, millis: start.elapsed().as_millis(), incremental: None })
    }

    /// Whether `changed` will be an update in place (rather than a full build into a
    /// staging directory): `serve` then holds requests while it writes.
    pub fn updates(&self, changed: &[PathBuf]) -> bool {
        self.edited_modules(changed).is_some()
    }

    /// Whether [`Session::finish`] has work to do (it writes in place too).
    pub fn behind(&self) -> bool {
        self.behind
    }

    /// Work left after an update, for files no page shows: `search-index.json`,
    /// `catalogue.json` and the sitemap.
    pub fn finish(&mut self) -> Result<()> {
        let Some(built) = &self.built else { return Ok(()) };
        if !self.behind {
            return Ok(());
        }
        let site = &built.site;
        if site.settings.elasticlunr_json {
            let mut bytes = Vec::new();
            built.index.write_elasticlunr_json(&mut bytes).map_err(Error::io("write", "search-index.json"))?;
            put(&built.output, OutputFile { path: "search-index.json".into(), bytes })?;
        }
        for (path, text) in [("catalogue.json", outputs::catalogue_json(site)), ("sitemap.xml", outputs::sitemap(site))]
        {
            put(&built.output, OutputFile { path: path.into(), bytes: text.into_bytes() })?;
        }
        self.behind = false;
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
        let lap = Lap::new();
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
            let tag_slugs =
                |m: &module::Module| m.tags.iter().map(|t| (t.slug.clone(), t.name.clone())).collect::<Vec<_>>();
            if old.category != m.category || tag_slugs(old) != tag_slugs(&m) {
                return Ok(None);
            }
            let (rendered, d) = render_module(&md, &m, &root);
            diags.extend(d);
            fresh.push((at, m, rendered));
        }
        // The new parse knows only the file's own `updated`: its date from git again.
        diags.extend(crate::gitdates::refill(&root, fresh.iter_mut().map(|(_, m, _)| m)));
        diags.sort();
        if diags.has_errors() {
            return Err(Error::Content(diags));
        }

        lap.mark("parse and markdown");
        let mut names = Vec::new();
        let mut edited = Vec::new();
        let mut changed = search::Changed::default();
        for (at, m, rendered) in fresh {
            let slug = m.slug.clone();
            let old_doc = search::document(&built.site, &built.site.modules[at], built.content.modules.get(&slug));
            let new_doc = search::document(&built.site, &m, Some(&rendered));
            built.index.replace(&old_doc, &new_doc, &mut changed);
            edited.push(slug.clone());
            names.push(m.path.clone());
            built.site.modules[at] = m;
            built.content.modules.insert(slug, rendered);
        }

        lap.mark("search index update");
        let output = built.output.clone();
        let emit = |f: OutputFile| put(&output, f);
        // Related modules of every module again: an edit changes the lists of others too.
        // Their pages are drawn again where the list changed, or where it shows an edited
        // module (whose title or summary may have changed).
        let related = crate::related::of_site(&built.site, &built.content);
        let edited_at: Vec<usize> = edited
            .iter()
            .filter_map(|slug| built.site.modules.binary_search_by(|m| m.slug.as_str().cmp(slug)).ok())
            .collect();
        let touched: Vec<usize> = (0..related.len())
            .filter(|i| !edited_at.contains(i))
            .filter(|&i| built.related.get(i) != related.get(i) || related[i].iter().any(|r| edited_at.contains(r)))
            .collect();
        built.related = related;
        lap.mark("related modules");
        let Built { site, tera, content, assets, index, layout, related, .. } = built;
        let site = &*site;
        let renderer = Renderer::new(site, tera, content, assets, related);
        // Pages, the site-wide files and the search files side by side.
        let (pages, (globals, search)) = rayon::join(
            || -> Result<()> {
                edited.iter().try_for_each(|slug| renderer.pages_of(slug, &emit))?;
                touched.par_iter().try_for_each(|&i| renderer.module_files(&site.modules[i], &emit))
            },
            || {
                rayon::join(
                    || {
                        let mut jobs: Vec<Box<dyn Fn() -> (String, String) + Sync>> =
                            vec![Box::new(|| ("atom.xml".to_string(), outputs::atom(site)))];
                        for c in &site.categories {
                            jobs.push(Box::new(move || {
                                (format!("categories/{}/atom.xml", c.slug), outputs::category_atom(site, &c.slug))
                            }));
                        }
                        jobs.par_iter().try_for_each(|job| {
                            let (path, text) = job();
                            emit(OutputFile { path, bytes: text.into_bytes() })
                        })
                    },
                    || {
                        let updated = index.updated_files(site, layout, &changed, &content.modules);
                        updated.removed.iter().try_for_each(|path| remove(&output, path))?;
                        updated.files.into_par_iter().try_for_each(emit)
                    },
                )
            },
        );
        pages.and(globals).and(search)?;
        lap.mark("search files");
        self.behind = true;
        Ok(Some(Rebuilt { modules: site.modules.len(), millis: start.elapsed().as_millis(), incremental: Some(names) }))
    }
}

/// Rewrites one file of the served site in place. Not through a new file and a rename:
/// on this kind of file system every new inode near recently deleted ones costs a scan,
/// which made updates several times slower. `serve` keeps requests from reading while an
/// update writes (see `Session::updates`).
fn put(output: &Path, file: OutputFile) -> Result<()> {
    let path = output.join(&file.path);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(Error::io("create", dir))?;
    }
    std::fs::write(&path, &file.bytes).map_err(Error::io("write", &path))
}

/// Deletes one file of the served site (a shard a smaller index no longer has).
fn remove(output: &Path, path: &str) -> Result<()> {
    let path = output.join(path);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io("remove", &path)(e)),
        _ => Ok(()),
    }
}

/// Stage timings of an update, printed when `MARKETPLACE_TIMINGS` is set.
struct Lap(Option<std::cell::Cell<Instant>>);

impl Lap {
    fn new() -> Lap {
        Lap(std::env::var_os("MARKETPLACE_TIMINGS").map(|_| std::cell::Cell::new(Instant::now())))
    }

    fn mark(&self, stage: &str) {
        if let Some(t) = &self.0 {
            eprintln!("timing: {stage:<28} {:>5} ms", t.get().elapsed().as_millis());
            t.set(Instant::now());
        }
    }
}
