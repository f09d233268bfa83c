//! The pipeline, one stage after the other: load -> validate -> render -> index -> write.
//! `check` runs the same stages as `build` up to (not including) writing.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::error::{Error, Result};
use crate::frontmatter::SourceFile;
use crate::load::{self, Loaded};
use crate::markdown::{self, Markdown, Trust};
use crate::render::{self, OutputFile, RenderedContent, Renderer};
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
#[derive(Default)]
struct Timings(std::sync::Mutex<Vec<(&'static str, u128)>>);

impl Timings {
    fn time<T>(&self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        if let Ok(mut v) = self.0.lock() {
            v.push((stage, start.elapsed().as_millis()));
        }
        out
    }

    fn print(&self) {
        if std::env::var_os("MARKETPLACE_TIMINGS").is_some() {
            if let Ok(v) = self.0.lock() {
                for (stage, ms) in v.iter() {
                    eprintln!("timing: {stage:<12} {ms:>7} ms");
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
    let tera = match t.time("templates", || render::load_templates(root)) {
        Ok(t) => Some(t),
        Err(d) => {
            diagnostics.extend(d.0);
            None
        }
    };
    let (content, md_diags) = t.time("markdown", || render_markdown(&site, root));
    diagnostics.extend(md_diags);
    diagnostics.sort();
    Ok(Prepared { site, content, tera, diagnostics })
}

/// Renders every Markdown text; broken relative links in module descriptions are errors.
fn render_markdown(site: &Site, root: &Path) -> (RenderedContent, Vec<Diagnostic>) {
    let slugs: HashSet<String> = site.modules.iter().map(|m| m.slug.clone()).collect();
    let md = Markdown::new(slugs);
    let results: Vec<(String, markdown::Rendered, Vec<Diagnostic>)> = site
        .modules
        .par_iter()
        .map(|m| {
            // Module pages put the description under their own h2 ("Description").
            let r = md.render(&m.body, Trust::Contributor, 3);
            let mut diags = Vec::new();
            if !r.bad_links.is_empty() || !r.removed_links.is_empty() {
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
                for (range, msg) in &r.removed_links {
                    let span = m.body_offset + range.start..m.body_offset + range.end;
                    diags.push(
                        file.warning("removed-link", span, msg.clone())
                            .with_label("only http(s) and mailto links are kept"),
                    );
                }
            }
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

/// Validates everything a build would read. Content problems come back as diagnostics;
/// only I/O and usage failures are errors.
pub fn check(root: &Path) -> Result<Diagnostics> {
    Ok(prepare(root, None, &Timings::default())?.diagnostics)
}

/// Builds the site into the output directory, replacing it only on success.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let start = Instant::now();
    let root = &opts.root;
    let output = opts.output.clone().unwrap_or_else(|| root.join("public"));
    let output = write::check_output(root, &output)?;
    let t = Timings::default();
    let prepared = prepare(root, opts.base_url.as_deref(), &t)?;
    if prepared.diagnostics.has_errors() {
        return Err(Error::Content(prepared.diagnostics));
    }
    let Prepared { site, content, tera, diagnostics } = prepared;
    let tera = tera.ok_or_else(|| Error::Content(diagnostics.clone()))?;
    let generated = vec![
        ("highlight-light.css".to_string(), markdown::highlight_css("InspiredGitHub", [0xee, 0xf1, 0xf5]).into_bytes()),
        (
            "highlight-dark.css".to_string(),
            markdown::highlight_css("base16-ocean.dark", [0x1d, 0x26, 0x30]).into_bytes(),
        ),
    ];
    let assets = t.time("assets", || assets::collect(&root.join("theme/static"), generated))?;
    let mut files = render_site(&site, &tera, &content, &assets.map, &t)?;
    files.extend(assets.files);
    t.time("write", || write::write_site(&output, &files))?;
    t.print();
    Ok(BuildReport {
        output,
        modules: site.modules.len(),
        files: files.len(),
        warnings: diagnostics,
        millis: start.elapsed().as_millis(),
    })
}

/// Every output file but the theme's static assets.
fn render_site(
    site: &Site,
    tera: &tera::Tera,
    content: &RenderedContent,
    assets: &BTreeMap<String, String>,
    t: &Timings,
) -> Result<Vec<OutputFile>> {
    let renderer = Renderer::new(site, tera, content, assets);
    let ((pages, index), rest) = rayon::join(
        || {
            rayon::join(
                || t.time("pages", || renderer.all_pages()),
                || {
                    t.time("search index", || {
                        let index = search::SearchIndex::build(search::documents(site, &content.modules));
                        let (json, mut shards) = rayon::join(|| index.elasticlunr_json(), || index.shard_files(site));
                        shards.push(OutputFile { path: "search-index.json".into(), bytes: json });
                        shards
                    })
                },
            )
        },
        || {
            vec![
                ("sitemap.xml", outputs::sitemap(site)),
                ("robots.txt", outputs::robots(site)),
                ("atom.xml", outputs::atom(site)),
                ("catalogue.json", outputs::catalogue_json(site)),
                ("schemas/module.schema.json", crate::schema::module_schema()),
                ("schemas/catalogue.schema.json", crate::schema::catalogue_schema()),
            ]
        },
    );
    let mut files = pages?;
    for c in &site.categories {
        files.push(OutputFile {
            path: format!("categories/{}/atom.xml", c.slug),
            bytes: outputs::category_atom(site, &c.slug).into_bytes(),
        });
    }
    files.extend(index);
    files.extend(rest.into_iter().map(|(p, s)| OutputFile { path: p.into(), bytes: s.into_bytes() }));
    let mut seen = HashSet::new();
    for f in &files {
        if !seen.insert(f.path.as_str()) {
            return Err(Error::Content(Diagnostics(vec![Diagnostic::file(
                Severity::Error,
                "output-collision",
                &f.path,
                format!("two pages would be written to {}", f.path),
            )])));
        }
    }
    Ok(files)
}
