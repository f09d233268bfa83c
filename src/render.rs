//! Tera templates and the page contexts: turns a `Site` with its rendered Markdown into
//! the HTML pages of the output table in DESIGN.md.
//!
//! tera 1.20 rather than 2.x: 1.x is the stable, documented line that Zola also uses;
//! we need none of 2.x's changes and none of its built-in filters (slugs are made in Rust).

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::error::{Error, Result};
use crate::layout::{
    absolute_url, badge_url, category_url, list_url, module_json_url, module_url, page_url, root_of, tag_url, Emit,
    OutputFile,
};
use crate::module::{Kind, Links, Module};
use crate::site::{Category, Site, TagGroup};

/// Templates every theme must have.
pub const TEMPLATES: &[&str] = &[
    "base.html",
    "index.html",
    "module.html",
    "category.html",
    "categories.html",
    "tags.html",
    "tag.html",
    "page.html",
    "search.html",
    "404.html",
];
/// How many modules the home page lists as "newest".
pub const NEWEST_COUNT: usize = 6;

/// HTML of every Markdown text of the site, rendered once.
pub struct RenderedContent {
    pub modules: BTreeMap<String, crate::markdown::Rendered>,
    pub categories: BTreeMap<String, String>,
    pub pages: BTreeMap<String, String>,
}

/// Loads `theme/templates/*.html`. Template errors are content errors of the theme.
pub fn load_templates(root: &Path) -> std::result::Result<Tera, Diagnostics> {
    let dir = root.join("theme/templates");
    let mut diags = Diagnostics::default();
    let mut files = Vec::new();
    match std::fs::read_dir(&dir) {
        Ok(entries) => {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.ends_with(".html") {
                    match std::fs::read_to_string(e.path()) {
                        Ok(text) => files.push((name, unindented(&text))),
                        Err(err) => diags.push(Diagnostic::file(
                            Severity::Error,
                            "io",
                            &format!("theme/templates/{name}"),
                            format!("cannot read: {err}"),
                        )),
                    }
                }
            }
        }
        Err(e) => {
            diags.push(Diagnostic::file(
                Severity::Error,
                "missing-theme",
                "theme/templates",
                format!("cannot read the templates: {e}"),
            ));
            return Err(diags);
        }
    }
    files.sort();
    for required in TEMPLATES {
        if !files.iter().any(|(n, _)| n == required) {
            diags.push(Diagnostic::file(
                Severity::Error,
                "missing-template",
                &format!("theme/templates/{required}"),
                format!("the theme has no `{required}`"),
            ));
        }
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Escape what HTML needs escaped, and no more: tera's default also turns `/` into
    // `&#x2F;`, which bloats every URL.
    tera.set_escape_fn(crate::markdown::escape);
    if let Err(e) = tera.add_raw_templates(files.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
        diags.push(Diagnostic::file(Severity::Error, "template", &template_file(&e), error_chain(&e)));
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(tera)
    }
}

/// A template's source without the indentation of its lines, which is there for the
/// theme's readers: written into every page, it was 7 % of a module page. Lines inside a
/// `<pre>` or `<textarea>` opened on an earlier line keep theirs (their spaces show).
/// Lines stay lines, so tera's line numbers still point into the file.
fn unindented(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut open = 0usize;
    for line in source.split_inclusive('\n') {
        out.push_str(if open > 0 { line } else { line.trim_start_matches([' ', '\t']) });
        let count = |tags: [&str; 2]| tags.iter().map(|t| line.matches(t).count()).sum::<usize>();
        open = (open + count(["<pre", "<textarea"])).saturating_sub(count(["</pre", "</textarea"]));
    }
    out
}

fn template_file(e: &tera::Error) -> String {
    let text = e.to_string();
    let name = text.split('\'').nth(1).filter(|n| n.ends_with(".html")).unwrap_or("");
    format!("theme/templates/{name}")
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

// ---- contexts -------------------------------------------------------------------------

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    language: &'a str,
    repository: &'a str,
}

#[derive(Serialize, Clone)]
struct CategoryRef<'a> {
    slug: &'a str,
    title: &'a str,
    url: String,
    icon: &'a str,
    /// The icon's fingerprinted file, relative to the site root.
    icon_url: String,
}

#[derive(Serialize, Clone)]
struct TagRef<'a> {
    name: &'a str,
    slug: &'a str,
    url: String,
}

#[derive(Serialize, Clone)]
struct Card<'a> {
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    url: String,
    category: CategoryRef<'a>,
    tags: Vec<TagRef<'a>>,
    predict: bool,
    train: bool,
    created: String,
    license: Option<&'a str>,
}

#[derive(Serialize, Clone)]
struct NavCategory<'a> {
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    count: usize,
    url: String,
    icon: &'a str,
    icon_url: String,
}

#[derive(Serialize)]
struct NavPage<'a> {
    slug: &'a str,
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
    /// Stands for the pages left out between this link and the current page.
    gap: bool,
}

#[derive(Serialize)]
struct Pagination {
    current: usize,
    total: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
    pages: Vec<PageLink>,
}

#[derive(Serialize)]
struct DockerCtx {
    image: String,
    tag: String,
    port: u16,
    api_path: String,
    reference: String,
    run: String,
    udocker: String,
    api_url: String,
}

#[derive(Serialize)]
struct ModuleCtx<'a> {
    slug: &'a str,
    url: String,
    title: &'a str,
    summary: &'a str,
    content: &'a str,
    category: CategoryRef<'a>,
    tags: Vec<TagRef<'a>>,
    license: Option<&'a str>,
    license_url: Option<String>,
    created: String,
    updated: Option<String>,
    kind: Kind,
    predict: bool,
    train: bool,
    links: &'a Links,
    docker: Option<DockerCtx>,
    doi: Option<String>,
    edit_url: Option<String>,
    /// A BibTeX entry built from the metadata, for "Cite this module".
    bibtex: String,
    /// schema.org `SoftwareSourceCode` as JSON, safe inside `<script type="application/ld+json">`.
    jsonld: String,
    tasks: Vec<FacetLink<'a>>,
    libraries: Vec<FacetLink<'a>>,
    data_types: Vec<FacetLink<'a>>,
    resources: Vec<ResourceLine>,
    /// Up to `Related::MAX` modules sharing the most with this one, as cards.
    related: Vec<Card<'a>>,
    /// The Markdown of the README badge (absolute URLs) linking to this page.
    badge_markdown: String,
}

/// A value of an AI4OS vocabulary on a module page, linking to the search page filtered by it.
#[derive(Serialize)]
struct FacetLink<'a> {
    name: &'a str,
    url: String,
}

/// "Inference: 2 CPUs, 1 GPU, 40 GB memory, 25 GB disk"; `text` is None when not stated.
#[derive(Serialize)]
struct ResourceLine {
    phase: &'static str,
    text: Option<String>,
}

fn facet_links<'a>(key: &str, values: &'a [String]) -> Vec<FacetLink<'a>> {
    values
        .iter()
        .map(|v| FacetLink {
            name: v,
            url: format!(
                "search/index.html?{}",
                url::form_urlencoded::Serializer::new(String::new()).append_pair(key, v).finish()
            ),
        })
        .collect()
}

/// What a phase needs, as a visitor reads it: "2 CPUs, 1 GPU (16 GB GPU memory), 40 GB
/// memory, 25 GB disk".
pub fn requirements_text(r: &crate::resources::Requirements) -> Option<String> {
    let count = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    if let Some(n) = r.cpu {
        parts.push(count(n, "CPU", "CPUs"));
    }
    match (r.gpu, r.gpu_memory_mb) {
        (Some(0), _) => parts.push("no GPU".to_string()),
        (Some(n), Some(mb)) => parts.push(format!("{} ({} GPU memory)", count(n, "GPU", "GPUs"), megabytes(mb))),
        (Some(n), None) => parts.push(count(n, "GPU", "GPUs")),
        (None, _) => {}
    }
    if let Some(mb) = r.memory_mb {
        parts.push(format!("{} memory", megabytes(mb)));
    }
    if let Some(mb) = r.storage_mb {
        parts.push(format!("{} disk", megabytes(mb)));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Megabytes as the AI4OS metadata means them (decimal): 40000 -> "40 GB", 1500 ->
/// "1.5 GB", 512 -> "512 MB".
fn megabytes(mb: u64) -> String {
    if mb < 1000 {
        return format!("{mb} MB");
    }
    let tenths = (mb + 50) / 100;
    if tenths % 10 == 0 {
        format!("{} GB", tenths / 10)
    } else {
        format!("{}.{} GB", tenths / 10, tenths % 10)
    }
}

/// Builds contexts and renders pages for one site.
pub struct Renderer<'a> {
    site: &'a Site,
    tera: &'a Tera,
    content: &'a RenderedContent,
    nav_categories: Vec<NavCategory<'a>>,
    counts: BTreeMap<&'a str, usize>,
    assets: &'a BTreeMap<String, String>,
    /// Per module (site order), its related modules (`related.rs`).
    related: &'a [Vec<usize>],
}

/// The fingerprinted file of a category icon; the theme's `icons/default.svg` when the
/// category names none or an icon the theme lacks.
fn icon_url(assets: &BTreeMap<String, String>, icon: Option<&str>) -> String {
    let named = icon.and_then(|i| assets.get(&format!("icons/{i}.svg")));
    named.or_else(|| assets.get("icons/default.svg")).cloned().unwrap_or_default()
}

/// `https://doi.org/10.1/x` -> `10.1/x`.
pub fn doi_of(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    ["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/"]
        .iter()
        .find(|p| lower.starts_with(*p))
        .map(|p| url[p.len()..].to_string())
        .filter(|d| d.starts_with("10."))
}

impl<'a> Renderer<'a> {
    pub fn new(
        site: &'a Site,
        tera: &'a Tera,
        content: &'a RenderedContent,
        assets: &'a BTreeMap<String, String>,
        related: &'a [Vec<usize>],
    ) -> Self {
        let mut counts = BTreeMap::new();
        for m in &site.modules {
            *counts.entry(m.category.as_str()).or_insert(0) += 1;
        }
        let nav_categories = site
            .categories
            .iter()
            .map(|c| NavCategory {
                slug: &c.slug,
                title: &c.title,
                summary: &c.summary,
                count: counts.get(c.slug.as_str()).copied().unwrap_or(0),
                url: category_url(&c.slug),
                icon: c.icon.as_deref().unwrap_or("default"),
                icon_url: icon_url(assets, c.icon.as_deref()),
            })
            .collect();
        Renderer { site, tera, content, nav_categories, counts, assets, related }
    }

    fn common(&self, path: &str, title: &str, description: &str) -> Context {
        let s = &self.site.settings;
        let mut ctx = Context::new();
        // 404.html is served at any depth, so its links must not be relative.
        let root = if path == "404.html" { s.base_url.clone() } else { root_of(path) };
        ctx.insert("root", &root);
        ctx.insert("current_url", path);
        ctx.insert("assets", self.assets);
        ctx.insert(
            "site",
            &SiteCtx {
                title: &s.title,
                description: &s.description,
                base_url: &s.base_url,
                language: &s.language,
                repository: s.repository.as_deref().unwrap_or(""),
            },
        );
        ctx.insert("page_title", title);
        ctx.insert("page_description", if description.is_empty() { s.description.as_str() } else { description });
        ctx.insert("canonical", &absolute_url(&s.base_url, path));
        ctx.insert("nav_categories", &self.nav_categories);
        let pages: Vec<NavPage> = self
            .site
            .pages
            .iter()
            .filter(|p| p.in_nav)
            .map(|p| NavPage { slug: &p.slug, title: &p.title, url: page_url(&p.slug) })
            .collect();
        ctx.insert("nav_pages", &pages);
        ctx.insert("generated_by", "marketplace");
        ctx.insert("og_type", "website");
        ctx
    }

    fn category_ref(&self, slug: &'a str) -> CategoryRef<'a> {
        let c = self.site.category(slug);
        CategoryRef {
            slug,
            title: c.map_or(slug, |c| c.title.as_str()),
            url: category_url(slug),
            icon: c.and_then(|c| c.icon.as_deref()).unwrap_or("default"),
            icon_url: icon_url(self.assets, c.and_then(|c| c.icon.as_deref())),
        }
    }

    fn tags(m: &'a Module) -> Vec<TagRef<'a>> {
        m.tags.iter().map(|t| TagRef { name: &t.name, slug: &t.slug, url: tag_url(&t.slug) }).collect()
    }

    fn card(&self, m: &'a Module) -> Card<'a> {
        Card {
            slug: &m.slug,
            title: &m.title,
            summary: &m.summary,
            url: module_url(&m.slug),
            category: self.category_ref(&m.category),
            tags: Self::tags(m),
            predict: m.predict,
            train: m.train,
            created: m.created.to_string(),
            license: m.license.as_deref(),
        }
    }

    fn render(&self, template: &str, ctx: &Context, path: String) -> Result<OutputFile> {
        match self.tera.render(template, ctx) {
            Ok(html) => Ok(OutputFile { path, bytes: html.into_bytes() }),
            Err(e) => Err(Error::Content(Diagnostics(vec![Diagnostic::file(
                Severity::Error,
                "template",
                &format!("theme/templates/{template}"),
                format!("rendering {path} failed: {}", error_chain(&e)),
            )]))),
        }
    }

    /// Renders one paginated list (home, a category, a tag) into one file per page.
    #[allow(clippy::too_many_arguments)] // one list page is all of these; a struct would only rename them
    fn paginated(
        &self,
        base: &str,
        template: &str,
        modules: &[&'a Module],
        title: &str,
        description: &str,
        extra: impl Fn(&mut Context) + Sync,
        only: Option<&[usize]>,
        emit: &Emit<'_>,
    ) -> Result<()> {
        let size = self.site.settings.page_size.max(1);
        let total = modules.len().div_ceil(size).max(1);
        (1..=total).into_par_iter().filter(|n| only.is_none_or(|o| o.contains(n))).try_for_each(|n| {
            let path = list_url(base, n);
            let chunk = modules.chunks(size).nth(n - 1).unwrap_or(&[]);
            let page_title = if n > 1 { format!("{title} (page {n} of {total})") } else { title.to_string() };
            let mut ctx = self.common(&path, &page_title, description);
            let cards: Vec<Card> = chunk.iter().map(|m| self.card(m)).collect();
            ctx.insert("modules", &cards);
            ctx.insert(
                "pagination",
                &Pagination {
                    current: n,
                    total,
                    prev_url: (n > 1).then(|| list_url(base, n - 1)),
                    next_url: (n < total).then(|| list_url(base, n + 1)),
                    // Only the links the list shows (first, last, and three either side
                    // of the current page, the outermost of those as a gap): every page
                    // listing all pages would make long lists quadratic.
                    pages: (1..=total)
                        .filter(|&i| i == 1 || i == total || i.abs_diff(n) <= 3)
                        .map(|i| PageLink {
                            number: i,
                            url: list_url(base, i),
                            current: i == n,
                            gap: i.abs_diff(n) == 3 && i != 1 && i != total,
                        })
                        .collect(),
                },
            );
            extra(&mut ctx);
            emit(self.render(template, &ctx, path)?)
        })
    }

    /// The home page and its later pages (`only`: just these page numbers).
    fn home_pages(&self, only: Option<&[usize]>, emit: &Emit<'_>) -> Result<()> {
        let site = self.site;
        let all: Vec<&Module> = site.modules.iter().collect();
        let newest: Vec<Card> = site.newest().into_iter().take(NEWEST_COUNT).map(|m| self.card(m)).collect();
        let extra = |ctx: &mut Context| {
            ctx.insert("categories", &self.nav_categories);
            ctx.insert("newest", &newest);
            ctx.insert("module_count", &site.modules.len());
        };
        self.paginated("", "index.html", &all, &site.settings.title, &site.settings.description, extra, only, emit)
    }

    fn category_pages(&self, c: &Category, only: Option<&[usize]>, emit: &Emit<'_>) -> Result<()> {
        let modules = self.site.modules_in(&c.slug);
        let content = self.content.categories.get(&c.slug).map_or("", String::as_str);
        let count = self.counts.get(c.slug.as_str()).copied().unwrap_or(0);
        let icon = c.icon.as_deref().unwrap_or("default");
        let icon_url = icon_url(self.assets, c.icon.as_deref());
        let extra = |ctx: &mut Context| {
            ctx.insert(
                "category",
                &serde_json::json!({"slug": c.slug, "title": c.title, "summary": c.summary, "content": content, "icon": icon, "icon_url": icon_url, "count": count}),
            );
        };
        self.paginated(
            &format!("categories/{}/", c.slug),
            "category.html",
            &modules,
            &c.title,
            &c.summary,
            extra,
            only,
            emit,
        )
    }

    fn tag_pages(&self, g: &TagGroup, only: Option<&[usize]>, emit: &Emit<'_>) -> Result<()> {
        let title = format!("Tag: {}", g.tag.name);
        let description = format!("Modules tagged {}", g.tag.name);
        let extra = |ctx: &mut Context| {
            ctx.insert("tag", &serde_json::json!({"name": g.tag.name, "slug": g.tag.slug, "count": g.modules.len()}));
        };
        self.paginated(
            &format!("tags/{}/", g.tag.slug),
            "tag.html",
            &g.modules,
            &title,
            &description,
            extra,
            only,
            emit,
        )
    }

    /// The pages that show module `slug` (after an edit that kept its slug, category and
    /// tags): its own page, the list pages holding its card, and the home page's first
    /// page (its newest modules).
    pub fn pages_of(&self, slug: &str, emit: &Emit<'_>) -> Result<()> {
        let site = self.site;
        let size = site.settings.page_size.max(1);
        let Some(at) = site.modules.iter().position(|m| m.slug == slug) else { return Ok(()) };
        let m = &site.modules[at];
        self.module_files(m, emit)?;
        let page_of = |list: &[&Module]| list.iter().position(|x| x.slug == slug).map_or(1, |i| i / size + 1);
        self.home_pages(Some(&[1, at / size + 1]), emit)?;
        if let Some(c) = site.category(&m.category) {
            let n = page_of(&site.modules_in(&c.slug));
            self.category_pages(c, Some(&[n]), emit)?;
        }
        for g in site.tags().iter().filter(|g| m.tags.iter().any(|t| t.slug == g.tag.slug)) {
            self.tag_pages(g, Some(&[page_of(&g.modules)]), emit)?;
        }
        Ok(())
    }

    /// Every HTML page of the site.
    pub fn all_pages(&self, emit: &Emit<'_>) -> Result<()> {
        let site = self.site;

        self.home_pages(None, emit)?;

        // Modules
        site.modules.par_iter().try_for_each(|m| self.module_files(m, emit))?;

        // Categories
        let path = "categories/index.html".to_string();
        let mut ctx = self.common(&path, "Categories", "Every category of the catalogue");
        ctx.insert("categories", &self.nav_categories);
        emit(self.render("categories.html", &ctx, path)?)?;
        for c in &site.categories {
            self.category_pages(c, None, emit)?;
        }

        // Tags
        let groups = site.tags();
        #[derive(Serialize)]
        struct TagCount<'t> {
            name: &'t str,
            slug: &'t str,
            url: String,
            count: usize,
        }
        let mut tag_list: Vec<TagCount> = groups
            .iter()
            .map(|g| TagCount {
                name: &g.tag.name,
                slug: &g.tag.slug,
                url: tag_url(&g.tag.slug),
                count: g.modules.len(),
            })
            .collect();
        tag_list.sort_by(|a, b| (a.name, a.slug).cmp(&(b.name, b.slug)));
        let path = "tags/index.html".to_string();
        let mut ctx = self.common(&path, "Tags", "Every tag of the catalogue, with how many modules carry it");
        ctx.insert("tags", &tag_list);
        emit(self.render("tags.html", &ctx, path)?)?;
        groups.par_iter().try_for_each(|g| self.tag_pages(g, None, emit))?;

        // Content pages
        for p in &site.pages {
            let path = page_url(&p.slug);
            let mut ctx = self.common(&path, &p.title, p.summary.as_deref().unwrap_or(""));
            let content = self.content.pages.get(&p.slug).map_or("", String::as_str);
            ctx.insert(
                "page",
                &serde_json::json!({"slug": p.slug, "title": p.title, "summary": p.summary, "content": content}),
            );
            emit(self.render("page.html", &ctx, path)?)?;
        }

        // Search and 404
        let path = "search/index.html".to_string();
        let ctx = self.common(&path, "Search", "Search every module of the catalogue");
        emit(self.render("search.html", &ctx, path)?)?;
        let path = "404.html".to_string();
        let ctx = self.common(&path, "Page not found", "");
        emit(self.render("404.html", &ctx, path)?)
    }

    fn related_cards(&self, m: &'a Module) -> Vec<Card<'a>> {
        let site = self.site;
        let at = site.modules.binary_search_by(|x| x.slug.as_str().cmp(&m.slug)).ok();
        let related = at.and_then(|i| self.related.get(i)).map_or(&[][..], Vec::as_slice);
        related.iter().filter_map(|&i| site.modules.get(i)).map(|r| self.card(r)).collect()
    }

    /// Everything under `modules/<slug>/`: the page, its README badge and its JSON.
    pub fn module_files(&self, m: &'a Module, emit: &Emit<'_>) -> Result<()> {
        emit(self.module_page(m)?)?;
        let category = self.site.category(&m.category).map_or(m.category.as_str(), |c| c.title.as_str());
        let title = format!("{}: {}", self.site.settings.title, m.title);
        emit(OutputFile {
            path: badge_url(&m.slug),
            bytes: crate::badge::svg(&self.site.settings.title, category, &title).into_bytes(),
        })?;
        emit(OutputFile {
            path: module_json_url(&m.slug),
            bytes: crate::outputs::catalogue_module_json(self.site, m).into_bytes(),
        })
    }

    fn module_page(&self, m: &'a Module) -> Result<OutputFile> {
        let path = module_url(&m.slug);
        let mut ctx = self.common(&path, &m.title, &m.summary);
        let content = self.content.modules.get(&m.slug).map_or("", |r| r.html.as_str());
        let license_url = m
            .license
            .as_deref()
            .filter(|l| !l.contains(' '))
            .map(|l| format!("https://spdx.org/licenses/{}.html", l.trim_end_matches('+')));
        let module = ModuleCtx {
            slug: &m.slug,
            url: module_url(&m.slug),
            title: &m.title,
            summary: &m.summary,
            content,
            category: self.category_ref(&m.category),
            tags: Self::tags(m),
            license: m.license.as_deref(),
            license_url,
            created: m.created.to_string(),
            updated: m.updated.map(|d| d.to_string()),
            kind: m.kind,
            predict: m.predict,
            train: m.train,
            links: &m.links,
            docker: m.docker.as_ref().map(|d| DockerCtx {
                image: d.image.clone(),
                tag: d.tag.clone(),
                port: d.port,
                api_path: d.api_path.clone(),
                reference: d.reference(),
                run: d.run_command(),
                udocker: d.udocker_commands(&m.slug),
                api_url: d.api_url(),
            }),
            doi: m.links.cite.as_deref().and_then(doi_of),
            edit_url: self.site.settings.repository.as_ref().map(|r| format!("{r}/blob/HEAD/{}", m.path)),
            bibtex: bibtex(m, &self.site.settings),
            jsonld: jsonld(m, self.site),
            tasks: facet_links("task", &m.tasks),
            libraries: facet_links("library", &m.libraries),
            data_types: facet_links("data", &m.data_types),
            resources: {
                let line = |phase, r: Option<&crate::resources::Requirements>| ResourceLine {
                    phase,
                    text: r.and_then(requirements_text),
                };
                let mut lines = vec![line("Inference", m.resources.inference.as_ref())];
                if m.train || m.resources.training.is_some() {
                    lines.push(line("Training", m.resources.training.as_ref()));
                }
                lines
            },
            related: self.related_cards(m),
            badge_markdown: crate::badge::markdown(
                &absolute_url(&self.site.settings.base_url, &badge_url(&m.slug)),
                &absolute_url(&self.site.settings.base_url, &module_url(&m.slug)),
                &format!("{}: {}", self.site.settings.title, m.title),
            ),
        };
        ctx.insert("og_type", "article");
        ctx.insert("module", &module);
        self.render("module.html", &ctx, path)
    }
}

/// A BibTeX `@software` entry: the metadata has no authors, so the catalogue is named as
/// publisher; the DOI and URL let a reader find the module.
pub fn bibtex(m: &Module, settings: &crate::site::Settings) -> String {
    let esc = |s: &str| {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                '{' | '}' | '\\' => {}
                '&' | '%' | '$' | '#' | '_' => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
        }
        out
    };
    let key = m.slug.replace('-', "_");
    let mut entry = format!("@software{{{key}_{},\n", m.created.format("%Y"));
    entry.push_str(&format!("  title = {{{}}},\n", esc(&m.title)));
    entry.push_str(&format!("  publisher = {{{}}},\n", esc(&settings.title)));
    entry.push_str(&format!("  year = {{{}}},\n", m.created.format("%Y")));
    if let Some(doi) = m.links.cite.as_deref().and_then(doi_of) {
        entry.push_str(&format!("  doi = {{{}}},\n", esc(&doi)));
    }
    entry.push_str(&format!("  url = {{{}}},\n", absolute_url(&settings.base_url, &module_url(&m.slug))));
    if let Some(source) = &m.links.source {
        entry.push_str(&format!("  note = {{Code: \\url{{{}}}}},\n", esc(source)));
    }
    if let Some(l) = &m.license {
        entry.push_str(&format!("  license = {{{}}},\n", esc(l)));
    }
    entry.push('}');
    entry
}

/// schema.org JSON-LD for search engines. `<` is escaped so the JSON can never close the
/// script element it lives in.
pub fn jsonld(m: &Module, site: &Site) -> String {
    let s = &site.settings;
    let mut v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "SoftwareSourceCode",
        "name": m.title,
        "description": m.summary,
        "url": absolute_url(&s.base_url, &module_url(&m.slug)),
        "dateCreated": m.created.to_string(),
        "keywords": m.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        "applicationCategory": site.category(&m.category).map_or(m.category.as_str(), |c| c.title.as_str()),
        "isAccessibleForFree": true,
        "publisher": {"@type": "Organization", "name": s.title, "url": s.base_url},
    });
    if let Some(u) = m.updated {
        v["dateModified"] = u.to_string().into();
    }
    if let Some(l) = &m.license {
        v["license"] = if l.contains(' ') { l.clone() } else { format!("https://spdx.org/licenses/{l}.html") }.into();
    }
    if let Some(src) = &m.links.source {
        v["codeRepository"] = src.clone().into();
    }
    if let Some(cite) = &m.links.cite {
        v["citation"] = cite.clone().into();
    }
    serde_json::to_string(&v)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_read_as_a_visitor_reads_them() {
        use crate::resources::Requirements;
        let r = Requirements {
            cpu: Some(2),
            gpu: Some(1),
            memory_mb: Some(40000),
            gpu_memory_mb: None,
            storage_mb: Some(25000),
        };
        assert_eq!(requirements_text(&r).as_deref(), Some("2 CPUs, 1 GPU, 40 GB memory, 25 GB disk"));
        let r = Requirements {
            cpu: Some(1),
            gpu: Some(2),
            memory_mb: Some(1500),
            gpu_memory_mb: Some(16000),
            storage_mb: Some(512),
        };
        assert_eq!(
            requirements_text(&r).as_deref(),
            Some("1 CPU, 2 GPUs (16 GB GPU memory), 1.5 GB memory, 512 MB disk")
        );
        let r = Requirements { cpu: None, gpu: Some(0), memory_mb: None, gpu_memory_mb: None, storage_mb: None };
        assert_eq!(requirements_text(&r).as_deref(), Some("no GPU"));
        assert_eq!(requirements_text(&Requirements::default()), None);
    }

    #[test]
    fn templates_lose_their_indentation_but_not_inside_pre() {
        let source = "<ul>\n  <li>a</li>\n\t<li>b</li>\n</ul>\n  <pre>x\n    y</pre>\n  <p>\n";
        assert_eq!(unindented(source), "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<pre>x\n    y</pre>\n<p>\n");
        assert_eq!(unindented("<textarea>\n  a\n</textarea>\n  b"), "<textarea>\n  a\n</textarea>\nb");
    }

    #[test]
    fn roots_and_urls() {
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("modules/x/index.html"), "../../");
        assert_eq!(list_url("categories/x/", 2), "categories/x/page/2/index.html");
        assert_eq!(absolute_url("https://e.org/", "modules/x/index.html"), "https://e.org/modules/x/");
        assert_eq!(doi_of("https://doi.org/10.1016/j.x").as_deref(), Some("10.1016/j.x"));
        assert_eq!(doi_of("https://arxiv.org/abs/1"), None);
    }
}
