//! The pipeline, one stage after the other: load -> validate -> render -> index -> write.
//! `check` runs the same stages as `build` up to (not including) writing.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::error::{Error, Result};
use crate::frontmatter::SourceFile;
use crate::layout::OutputFile;
use crate::load::{self, Loaded};
use crate::markdown::{self, Markdown, Trust};
use crate::render::{self, RenderedContent, Renderer};
use crate::site::Site;
use crate::{assets, outputs, search, write};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` of `content/site.toml`.
    pub base_url: Option<String>,
}

/// What a successful build did, for the summary line.
#[derive(Debug)]
pub struct BuildReport {
    pub output: PathBuf,
    pub modules: usize,
    pub files: usize,
    pub warnings: Diagnostics,
    pub millis: u128,
}

/// How long each stage took, printed to stderr when `MARKETPLACE_TIMINGS` is set: the
/// first thing to read before optimising. Stages running side by side overlap.
/// Each stage's end also notes the process's resident memory then and its peak so far
/// (Linux), to see which stage holds what.
#[derive(Default)]
pub(crate) struct Timings(std::sync::Mutex<Vec<(&'static str, u128, Option<Memory>)>>);

/// Resident memory in MiB, now and at its peak so far (`VmRSS`, `VmHWM`).
#[derive(Clone, Copy)]
pub(crate) struct Memory {
    now: u64,
    peak: u64,
}

impl Memory {
    fn read() -> Option<Memory> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let field = |name: &str| -> Option<u64> {
            let line = status.lines().find(|l| l.starts_with(name))?;
            line[name.len()..].trim().trim_end_matches("kB").trim().parse::<u64>().ok().map(|kb| kb / 1024)
        };
        Some(Memory { now: field("VmRSS:")?, peak: field("VmHWM:")? })
    }
}

impl Timings {
    pub(crate) fn time<T>(&self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        let memory = Memory::read();
        if let Ok(mut v) = self.0.lock() {
            v.push((stage, start.elapsed().as_millis(), memory));
        }
        out
    }

    pub(crate) fn print(&self) {
        if std::env::var_os("MARKETPLACE_TIMINGS").is_some() {
            if let Ok(v) = self.0.lock() {
                for (stage, ms, memory) in v.iter() {
                    match memory {
                        Some(m) => {
                            eprintln!("timing: {stage:<12} {ms:>7} ms  rss {:>5} MiB, peak {:>5} MiB", m.now, m.peak)
                        }
                        None => eprintln!("timing: {stage:<12} {ms:>7} ms"),
                    }
                }
            }
        }
    }
}

/// Everything `check` and `build` have in common: the loaded site, its rendered Markdown
/// and templates, and every diagnostic.
struct Prepared {
    site: Site,
    content: RenderedContent,
    tera: Option<tera::Tera>,
    diagnostics: Diagnostics,
}

pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

fn prepare(root: &Path, base_url: Option<&str>, t: &Timings) -> Result<Prepared> {
    let Loaded { mut site, mut diagnostics } = t.time("load", || load::load(root, today()))?;
    if let Some(url) = base_url {
        match url::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {
                site.settings.base_url = if url.ends_with('/') { url.to_string() } else { format!("{url}/") };
            }
            _ => return Err(Error::Usage(format!("--base-url `{url}` is not an absolute http(s) URL"))),
        }
    }
    // git reads the history on a core of its own while the Markdown renders, and the
    // templates compile beside both: none needs the others, and a long history costs its
    // time only once.
    let (dates, tera, (content, md_diags)) = std::thread::scope(|s| {
        let dates = s.spawn(|| t.time("git dates", || crate::gitdates::read(root, &site)));
        let tera = s.spawn(|| t.time("templates", || render::load_templates(root)));
        let content = t.time("markdown", || render_markdown(&site, root));
        (joined(dates), joined(tera), content)
    });
    diagnostics.extend(dates.apply(&mut site));
    let tera = match tera {
        Ok(t) => Some(t),
        Err(d) => {
            diagnostics.extend(d.0);
            None
        }
    };
    diagnostics.extend(md_diags);
    diagnostics.sort();
    Ok(Prepared { site, content, tera, diagnostics })
}

/// A scoped thread's result, its panic passed on.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// Renders every Markdown text; broken relative links in module descriptions are errors.
fn render_markdown(site: &Site, root: &Path) -> (RenderedContent, Vec<Diagnostic>) {
    let slugs: HashSet<String> = site.modules.iter().map(|m| m.slug.clone()).collect();
    let md = Markdown::new(slugs);
    let results: Vec<(String, markdown::Rendered, Vec<Diagnostic>)> = site
        .modules
        .par_iter()
        .map(|m| {
            let (r, diags) = render_module(&md, m, root);
            (m.slug.clone(), r, diags)
        })
        .collect();
    let mut diags = Vec::new();
    let mut modules = BTreeMap::new();
    for (slug, r, d) in results {
        diags.extend(d);
        modules.insert(slug, r);
    }
    let categories =
        site.categories.iter().map(|c| (c.slug.clone(), md.render(&c.body, Trust::Maintainer, 2).html)).collect();
    let pages = site.pages.iter().map(|p| (p.slug.clone(), md.render(&p.body, Trust::Maintainer, 2).html)).collect();
    (RenderedContent { modules, categories, pages }, diags)
}

/// One module's description, with its link problems as diagnostics.
pub(crate) fn render_module(
    md: &Markdown,
    m: &crate::module::Module,
    root: &Path,
) -> (markdown::Rendered, Vec<Diagnostic>) {
    // Module pages put the description under their own h2 ("Description").
    let r = md.render(&m.body, Trust::Contributor, 3);
    let mut diags = Vec::new();
    if !r.bad_links.is_empty() || !r.removed_links.is_empty() || r.too_deep.is_some() {
        // Re-read for positions: only for files that have something to report.
        let text = std::fs::read_to_string(root.join(&m.path)).unwrap_or_default();
        let file = SourceFile::new(m.path.clone(), text);
        for (range, msg) in &r.bad_links {
            let span = m.body_offset + range.start..m.body_offset + range.end;
            diags.push(
                file.error("bad-link", span, msg.clone())
                    .with_label("this link would be broken on the site")
                    .with_help("use an absolute https:// URL, or `../<slug>/index.html` for another module"),
            );
        }
        if let Some((range, depth)) = &r.too_deep {
            let span = m.body_offset + range.start..m.body_offset + range.end;
            diags.push(
                file.error(
                    "too-deep",
                    span,
                    format!("the description nests {depth} levels deep here; the limit is {}", markdown::MAX_NESTING),
                )
                .with_label("one level too many")
                .with_help("flatten the nesting: close quotes, lists or HTML elements before opening new ones"),
            );
        }
        for (range, msg) in &r.removed_links {
            let span = m.body_offset + range.start..m.body_offset + range.end;
            diags.push(
                file.warning("removed-link", span, msg.clone()).with_label("only http(s) and mailto links are kept"),
            );
        }
    }
    (r, diags)
}

/// What `check` asks beyond each file's own rules.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// `--links`: every absolute URL and Docker image of every module, over the network.
    pub links: bool,
}

/// Validates everything a build would read, and the catalogue as a whole (`lint.rs`).
/// Content problems come back as diagnostics; only I/O and usage failures are errors.
pub fn check(root: &Path) -> Result<Diagnostics> {
    check_with(root, &CheckOptions::default())
}

/// [`check`], and with `links` the outside world too (`linkcheck`).
pub fn check_with(root: &Path, opts: &CheckOptions) -> Result<Diagnostics> {
    let t = Timings::default();
    let Prepared { site, mut diagnostics, .. } = prepare(root, None, &t)?;
    diagnostics.extend(crate::lint::catalogue(&site, root, &t));
    if opts.links {
        diagnostics.extend(t.time("links", || crate::linkcheck::check(&site, root))?);
    }
    diagnostics.sort();
    t.print();
    Ok(diagnostics)
}

/// Builds the site into the output directory, replacing it only on success.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    build_keeping(opts).map(|(report, _)| report)
}

/// What a build knows once it is done, kept by `serve` to update the site for an edit
/// without building it all again (see `session.rs`).
pub(crate) struct Built {
    pub site: Site,
    pub content: RenderedContent,
    pub tera: tera::Tera,
    pub assets: BTreeMap<String, String>,
    pub index: search::SearchIndex,
    pub layout: search::ShardLayout,
    /// Per module, its related modules (`related.rs`): `serve` re-renders the pages whose
    /// list an edit changes.
    pub related: Vec<Vec<usize>>,
    pub output: PathBuf,
}

pub(crate) fn build_keeping(opts: &BuildOptions) -> Result<(BuildReport, Built)> {
    let start = Instant::now();
    let root = &opts.root;
    let output = opts.output.clone().unwrap_or_else(|| root.join("public"));
    let output = write::check_output(root, &output)?;
    let t = Timings::default();
    // The theme's static files need nothing of the content: they are read, hashed and
    // minified beside the loading and the Markdown.
    let (prepared, assets) = std::thread::scope(|s| {
        let assets = s.spawn(|| t.time("assets", || theme_assets(root)));
        (prepare(root, opts.base_url.as_deref(), &t), joined(assets))
    });
    let prepared = prepared?;
    if prepared.diagnostics.has_errors() {
        return Err(Error::Content(prepared.diagnostics));
    }
    let Prepared { mut site, content, tera, diagnostics } = prepared;
    // The descriptions are rendered: their Markdown is not read again (an edit in `serve`
    // parses its file anew), and at 100,000 modules it is 350 MB.
    site.modules.par_iter_mut().for_each(|m| m.body = String::new());
    let tera = tera.ok_or_else(|| Error::Content(diagnostics.clone()))?;
    let assets = assets?;
    // Every file goes to the staging directory as soon as it is rendered; on any error
    // the staging directory is dropped and the output stays as it was.
    let staging = write::Staging::new(&output)?;
    let related = t.time("related", || crate::related::of_site(&site, &content));
    let (index, layout) = render_site(&site, &tera, &content, &assets.map, &related, &staging, &t)?;
    for f in assets.files {
        staging.put(f)?;
    }
    let files = staging.files();
    t.time("swap", || staging.commit())?;
    t.print();
    let report = BuildReport {
        output: output.clone(),
        modules: site.modules.len(),
        files,
        warnings: diagnostics,
        millis: start.elapsed().as_millis(),
    };
    Ok((report, Built { site, content, tera, assets: assets.map, index, layout, related, output }))
}

/// `theme/static/` and the generated highlighting colours, fingerprinted.
fn theme_assets(root: &Path) -> Result<assets::Assets> {
    let generated = vec![
        ("highlight-light.css".to_string(), markdown::highlight_css("InspiredGitHub", [0xee, 0xf1, 0xf5]).into_bytes()),
        (
            "highlight-dark.css".to_string(),
            markdown::highlight_css("base16-ocean.dark", [0x1d, 0x26, 0x30]).into_bytes(),
        ),
    ];
    assets::collect(&root.join("theme/static"), generated)
}

/// Every output file but the theme's static assets, written to `staging`. Pages and the
/// search index are built side by side.
fn render_site(
    site: &Site,
    tera: &tera::Tera,
    content: &RenderedContent,
    assets: &BTreeMap<String, String>,
    related: &[Vec<usize>],
    staging: &write::Staging,
    t: &Timings,
) -> Result<(search::SearchIndex, search::ShardLayout)> {
    let renderer = Renderer::new(site, tera, content, assets, related);
    let emit = |f: OutputFile| staging.put(f);
    let (pages, (index, rest)) = rayon::join(
        || t.time("pages", || renderer.all_pages(&emit)),
        || {
            rayon::join(
                || t.time("search index", || write_search_index(site, &content.modules, staging)),
                || -> Result<()> {
                    let mut files = vec![
                        ("sitemap.xml".to_string(), outputs::sitemap(site)),
                        ("robots.txt".to_string(), outputs::robots(site)),
                        ("atom.xml".to_string(), outputs::atom(site)),
                        ("catalogue.json".to_string(), outputs::catalogue_json(site)),
                        ("schemas/module.schema.json".to_string(), crate::schema::module_schema()),
                        ("schemas/catalogue.schema.json".to_string(), crate::schema::catalogue_schema()),
                    ];
                    for c in &site.categories {
                        files.push((format!("categories/{}/atom.xml", c.slug), outputs::category_atom(site, &c.slug)));
                    }
                    files.into_iter().try_for_each(|(path, s)| staging.put(OutputFile { path, bytes: s.into_bytes() }))
                },
            )
        },
    );
    pages.and(rest)?;
    index
}

fn write_search_index(
    site: &Site,
    rendered: &BTreeMap<String, markdown::Rendered>,
    staging: &write::Staging,
) -> Result<(search::SearchIndex, search::ShardLayout)> {
    let index = search::SearchIndex::build(search::documents(site, rendered));
    let (json, (shards, texts)) = rayon::join(
        // Opt-in (`[search] elasticlunr_json`): the site never reads it, and it is the
        // biggest file of a large build.
        || match site.settings.elasticlunr_json {
            true => staging.put_with("search-index.json", |w| index.write_elasticlunr_json(w)),
            false => Ok(()),
        },
        || {
            rayon::join(
                || {
                    let (files, layout) = index.shard_files(site);
                    files.into_iter().try_for_each(|f| staging.put(f)).map(|()| layout)
                },
                || index.doc_files(site, rendered, |f| staging.put(f)),
            )
        },
    );
    json?;
    texts?;
    Ok((index, shards?))
}
