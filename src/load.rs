//! Finding and parsing the repository's files, in parallel, into a `Site`, collecting
//! every diagnostic on the way. Loading never stops at the first problem.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{display_path, Diagnostic, Diagnostics, Severity};
use crate::error::{Error, Result};
use crate::frontmatter::{self, Fields, SourceFile};
use crate::module::{self, Module};
use crate::site::{Category, CheckSettings, Page, Settings, Site};
use crate::slug;

pub const SITE_KEYS: &[&str] =
    &["title", "description", "base_url", "language", "repository", "page_size", "search", "check"];
/// The keys of `content/site.toml`'s `[search]` table.
pub const SEARCH_KEYS: &[&str] = &["elasticlunr_json"];
/// The keys of `content/site.toml`'s `[check]` table (`check --links`).
pub const CHECK_KEYS: &[&str] = &[
    "skip",
    "accept",
    "timeout_seconds",
    "cache_max_age_hours",
    "docker_registry",
    "per_host",
    "host_interval_ms",
    "retries",
    "max_retry_wait_seconds",
];
pub const CATEGORY_KEYS: &[&str] = &["title", "summary", "order", "icon"];
pub const PAGE_KEYS: &[&str] = &["title", "summary", "order", "in_nav"];
/// Top-level output names a content page may not take.
pub const RESERVED_PAGE_SLUGS: &[&str] = &["modules", "categories", "tags", "search", "static", "page", "404"];
pub const DEFAULT_PAGE_SIZE: usize = 48;

/// The loaded site, which is only complete when `diagnostics` has no error.
pub struct Loaded {
    pub site: Site,
    pub diagnostics: Diagnostics,
}

/// Loads `root`. I/O failures on the root itself are errors; everything about the content
/// is a diagnostic.
pub fn load(root: &Path, today: NaiveDate) -> Result<Loaded> {
    if !root.is_dir() {
        return Err(Error::Usage(format!("{} is not a directory (use --root DIR)", root.display())));
    }
    let canonical_root = root.canonicalize().map_err(Error::io("read", root))?;
    let mut diags = Diagnostics::default();

    let settings = load_settings(root, &mut diags);

    let category_files = collect(root, &canonical_root, "content/categories", &mut diags);
    let mut categories: Vec<Category> = category_files
        .par_iter()
        .map(load_category)
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|(c, d)| {
            diags.extend(d);
            c
        })
        .collect();
    categories.sort_by(|a, b| (a.order, &a.slug).cmp(&(b.order, &b.slug)));
    if categories.is_empty() && diags.iter().all(|d| !d.file.starts_with("content/categories")) {
        diags.push(
            Diagnostic::file(Severity::Error, "no-categories", "content/categories", "no category is defined")
                .with_help("add content/categories/<slug>.md with `title` and `summary` front matter"),
        );
    }

    let page_files = collect(root, &canonical_root, "content/pages", &mut diags);
    let mut pages: Vec<Page> = page_files
        .par_iter()
        .map(load_page)
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|(p, d)| {
            diags.extend(d);
            p
        })
        .collect();
    pages.sort_by(|a, b| (a.order, &a.slug).cmp(&(b.order, &b.slug)));

    let module_files = collect(root, &canonical_root, "modules", &mut diags);
    let known: Vec<&str> = categories.iter().map(|c| c.slug.as_str()).collect();
    let results: Vec<(Option<Module>, Vec<Diagnostic>)> = module_files
        .par_iter()
        .map(|f| {
            let stem = f.rel.trim_start_matches("modules/").trim_end_matches(".md");
            match module::slug_from_file_name(stem) {
                Ok(slug) => module::parse(f, &slug, &known, today),
                Err(msg) => (
                    None,
                    vec![Diagnostic::file(Severity::Error, "bad-slug", &f.rel, msg)
                        .with_help("rename the file; the file name is the module's URL")],
                ),
            }
        })
        .collect();
    let mut modules = Vec::with_capacity(results.len());
    for (m, d) in results {
        diags.extend(d);
        modules.extend(m);
    }
    modules.sort_by(|a, b| a.slug.cmp(&b.slug));
    check_case_collisions(&module_files, &mut diags);

    diags.sort();
    let settings = settings.unwrap_or_else(|| Settings {
        title: "Marketplace".into(),
        description: String::new(),
        base_url: "https://example.org/".into(),
        language: "en".into(),
        repository: None,
        page_size: DEFAULT_PAGE_SIZE,
        elasticlunr_json: false,
        check: CheckSettings::default(),
    });
    Ok(Loaded { site: Site { settings, categories, pages, modules }, diagnostics: diags })
}

/// Reads every `.md` file directly in `dir`, reporting unreadable, non-UTF-8, nested and
/// escaping (symlinked outside the root) files. Sorted by path for determinism.
fn collect(root: &Path, canonical_root: &Path, dir: &str, diags: &mut Diagnostics) -> Vec<SourceFile> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in WalkDir::new(&base).min_depth(1).follow_links(false).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e.path().map(|p| display_path(root, p)).unwrap_or_else(|| dir.to_string());
                diags.push(Diagnostic::file(Severity::Error, "io", &p, format!("cannot read: {e}")));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let rel = display_path(root, entry.path());
        if entry.file_type().is_dir() {
            continue;
        }
        if !name.ends_with(".md") {
            if entry.depth() == 1 {
                diags.push(
                    Diagnostic::file(Severity::Warning, "ignored-file", &rel, "not a `.md` file: ignored")
                        .with_help(format!("files in {dir}/ are `<slug>.md`")),
                );
            }
            continue;
        }
        if entry.depth() > 1 {
            diags.push(
                Diagnostic::file(
                    Severity::Error,
                    "nested-file",
                    &rel,
                    format!("`.md` files belong directly in {dir}/"),
                )
                .with_help(format!("move it to {dir}/{name}")),
            );
            continue;
        }
        if entry.path_is_symlink() {
            match entry.path().canonicalize() {
                Ok(target) if target.starts_with(canonical_root) => {}
                Ok(target) => {
                    diags.push(
                        Diagnostic::file(
                            Severity::Error,
                            "symlink-outside",
                            &rel,
                            format!("symbolic link to {}, outside the site root", target.display()),
                        )
                        .with_help("copy the file into the repository instead of linking to it"),
                    );
                    continue;
                }
                Err(e) => {
                    diags.push(Diagnostic::file(Severity::Error, "io", &rel, format!("broken symbolic link: {e}")));
                    continue;
                }
            }
        }
        paths.push(entry.path().to_path_buf());
    }
    let read: Vec<std::result::Result<SourceFile, Diagnostic>> = paths
        .par_iter()
        .map(|p| {
            let rel = display_path(root, p);
            let bytes =
                fs::read(p).map_err(|e| Diagnostic::file(Severity::Error, "io", &rel, format!("cannot read: {e}")))?;
            String::from_utf8(bytes).map(|text| SourceFile::new(rel.clone(), text)).map_err(|e| {
                Diagnostic::file(
                    Severity::Error,
                    "not-utf8",
                    &rel,
                    format!("the file is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()),
                )
                .with_help("save the file as UTF-8")
            })
        })
        .collect();
    let mut files = Vec::new();
    for r in read {
        match r {
            Ok(f) => files.push(f),
            Err(d) => diags.push(d),
        }
    }
    files
}

fn check_case_collisions(files: &[SourceFile], diags: &mut Diagnostics) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for f in files {
        let folded = f.rel.to_lowercase();
        if let Some(first) = seen.get(&folded) {
            diags.push(
                Diagnostic::file(
                    Severity::Error,
                    "duplicate-slug",
                    &f.rel,
                    format!("this module's slug collides with {first} (file names differing only in case)"),
                )
                .with_help("give each module a distinct lowercase file name"),
            );
        } else {
            seen.insert(folded, &f.rel);
        }
    }
}

fn load_settings(root: &Path, diags: &mut Diagnostics) -> Option<Settings> {
    let path = root.join("content/site.toml");
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                Diagnostic::file(
                    Severity::Error,
                    "missing-site",
                    "content/site.toml",
                    format!("cannot read site settings: {e}"),
                )
                .with_help("create content/site.toml with `title`, `description`, `base_url` and `language`"),
            );
            return None;
        }
    };
    let file = SourceFile::new("content/site.toml", text);
    let mut f = match Fields::parse(&file, &file.text, 0, 0..0) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    f.deny_unknown(SITE_KEYS, "site settings");
    let title = f.required_string("title", "\"My marketplace\"");
    let description = f.string("description");
    let base_url = f.required_string("base_url", "\"https://example.org/\"");
    let language = f.string("language");
    let repository = f.string("repository");
    let page_size = f.integer("page_size");
    let elasticlunr_json = f.table("search").is_some_and(|mut search| {
        search.deny_unknown(SEARCH_KEYS, "search settings");
        let on = search.boolean("elasticlunr_json").unwrap_or(false);
        f.diags.append(&mut search.diags);
        on
    });
    let check = f.table("check").map(|mut t| {
        let check = read_check(&file, &mut t);
        f.diags.append(&mut t.diags);
        check
    });
    let mut local = Vec::new();
    let base_url = base_url.and_then(|(u, span)| match url::Url::parse(&u) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {
            Some(if u.ends_with('/') { u } else { format!("{u}/") })
        }
        _ => {
            local.push(
                file.error("bad-url", span, "`base_url` must be an absolute http(s) URL")
                    .with_label("e.g. \"https://example.org/\""),
            );
            None
        }
    });
    let page_size = match page_size {
        None => Some(DEFAULT_PAGE_SIZE),
        Some((n, _)) if (1..=10_000).contains(&n) => Some(n as usize),
        Some((_, span)) => {
            local.push(
                file.error("bad-page-size", span, "`page_size` is out of range").with_label("expected 1 to 10000"),
            );
            None
        }
    };
    let repository = repository.and_then(|(r, span)| {
        if r.starts_with("https://") || r.starts_with("http://") {
            Some(r.trim_end_matches('/').to_string())
        } else {
            local.push(file.error("bad-url", span, "`repository` must be an absolute http(s) URL"));
            None
        }
    });
    diags.extend(std::mem::take(&mut f.diags));
    diags.extend(local);
    Some(Settings {
        title: title?.0,
        description: description.map(|d| d.0).unwrap_or_default(),
        base_url: base_url?,
        language: language.map(|l| l.0).unwrap_or_else(|| "en".into()),
        repository,
        page_size: page_size?,
        elasticlunr_json,
        check: check.unwrap_or_default(),
    })
}

/// `[check]`: each key checked on its own; a wrong value is an error at it and leaves the
/// default in place.
fn read_check(file: &SourceFile, t: &mut Fields) -> CheckSettings {
    t.deny_unknown(CHECK_KEYS, "check settings");
    let mut c = CheckSettings::default();
    let mut local = Vec::new();
    if let Some(prefixes) = t.string_array("skip") {
        for (p, span) in prefixes {
            if p.trim().is_empty() {
                local.push(
                    file.error("empty", span, "empty prefix in `check.skip`").with_label("it would skip every URL"),
                );
            } else {
                c.skip.push(p);
            }
        }
    }
    if let Some(span) = t.value_span("accept") {
        match status_codes(file, span) {
            Ok(codes) => c.accept = codes,
            Err(d) => local.push(d),
        }
    }
    let mut int = |t: &mut Fields, key: &str, range: std::ops::RangeInclusive<i64>| -> Option<u64> {
        let (n, span) = t.integer(key)?;
        if range.contains(&n) {
            Some(n as u64)
        } else {
            local.push(file.error("out-of-range", span, format!("`check.{key}` is out of range")).with_label(format!(
                "expected {} to {}",
                range.start(),
                range.end()
            )));
            None
        }
    };
    if let Some(n) = int(t, "timeout_seconds", 1..=600) {
        c.timeout_seconds = n;
    }
    if let Some(n) = int(t, "cache_max_age_hours", 0..=8760) {
        c.cache_max_age_hours = n;
    }
    if let Some(n) = int(t, "per_host", 1..=16) {
        c.per_host = n as usize;
    }
    if let Some(n) = int(t, "host_interval_ms", 0..=60_000) {
        c.host_interval_ms = n;
    }
    if let Some(n) = int(t, "retries", 0..=10) {
        c.retries = n as u32;
    }
    if let Some(n) = int(t, "max_retry_wait_seconds", 0..=3600) {
        c.max_retry_wait_seconds = n;
    }
    if let Some((u, span)) = t.string("docker_registry") {
        match url::Url::parse(&u) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some() => {
                c.docker_registry = u.trim_end_matches('/').to_string();
            }
            _ => local.push(
                file.error("bad-url", span, "`check.docker_registry` must be an absolute http(s) URL")
                    .with_label("e.g. \"https://hub.docker.com\""),
            ),
        }
    }
    t.diags.append(&mut local);
    c
}

/// `accept = [403, 999]`: an array of HTTP status codes, read from its own text (the
/// front-matter reader knows arrays of strings only).
fn status_codes(file: &SourceFile, span: std::ops::Range<usize>) -> std::result::Result<Vec<u16>, Diagnostic> {
    let wrong = |at: std::ops::Range<usize>, found: &str| {
        file.error("wrong-type", at, "`check.accept` must be an array of HTTP status codes")
            .with_label(format!("expected e.g. [403], found {found}"))
    };
    const KEY: &str = "v = ";
    let toml = format!("{KEY}{}", &file.text[span.clone()]);
    let at = |s: std::ops::Range<usize>| span.start + s.start - KEY.len()..span.start + s.end - KEY.len();
    let table = toml::de::DeTable::parse(&toml).map_err(|_| wrong(span.clone(), "invalid TOML"))?.into_inner();
    let Some(value) = table.get("v") else { return Err(wrong(span, "nothing")) };
    let toml::de::DeValue::Array(items) = value.get_ref() else {
        return Err(wrong(span, value.get_ref().type_str()));
    };
    let mut codes = Vec::new();
    for item in items.iter() {
        let code = match item.get_ref() {
            toml::de::DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok(),
            other => return Err(wrong(at(item.span()), other.type_str())),
        };
        match code {
            Some(c @ 100..=599) => codes.push(c as u16),
            _ => {
                return Err(file
                    .error("out-of-range", at(item.span()), "not an HTTP status code")
                    .with_label("expected 100 to 599"))
            }
        }
    }
    Ok(codes)
}

/// Parses the front matter of a category or page file with the given keys.
fn front<'f>(
    file: &'f SourceFile,
    keys: &[&str],
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Fields<'f, 'f>, String)> {
    let parts = match frontmatter::split(file) {
        Ok(p) => p,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    match Fields::parse(file, &file.text[parts.front.clone()], parts.front.start, 0..3) {
        Ok(mut f) => {
            f.deny_unknown(keys, what);
            Some((f, file.text[parts.body].to_string()))
        }
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

fn file_slug(file: &SourceFile, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let stem = file.rel.rsplit('/').next().unwrap_or("").trim_end_matches(".md");
    if slug::is_valid(stem) {
        Some(stem.to_string())
    } else {
        diags.push(
            Diagnostic::file(Severity::Error, "bad-slug", &file.rel, format!("`{stem}` is not a valid slug"))
                .with_help("use lowercase ASCII letters, digits and single hyphens"),
        );
        None
    }
}

fn load_category(file: &SourceFile) -> (Option<Category>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let slug = file_slug(file, &mut diags);
    let Some((mut f, body)) = front(file, CATEGORY_KEYS, "category front matter", &mut diags) else {
        return (None, diags);
    };
    let title = f.required_string("title", "\"Earth observation\"");
    let summary = f.required_string("summary", "\"One line about the category\"");
    let order = f.integer("order").map(|o| o.0).unwrap_or(i64::MAX);
    let icon = f.string("icon");
    let icon = icon.and_then(|(i, span)| {
        if slug::is_valid(&i) {
            Some(i)
        } else {
            f.diags.push(
                file.error("bad-icon", span, "`icon` must be a slug")
                    .with_label("the name of an SVG in theme/static/icons/"),
            );
            None
        }
    });
    diags.extend(f.diags);
    let c = (|| {
        Some(Category { slug: slug?, title: title?.0, summary: summary?.0, order, icon, body, path: file.rel.clone() })
    })();
    (c.filter(|_| !diags.iter().any(Diagnostic::is_error)), diags)
}

fn load_page(file: &SourceFile) -> (Option<Page>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let slug = file_slug(file, &mut diags);
    if let Some(s) = &slug {
        if RESERVED_PAGE_SLUGS.contains(&s.as_str()) {
            diags.push(
                Diagnostic::file(
                    Severity::Error,
                    "reserved-slug",
                    &file.rel,
                    format!("`{s}` is reserved for the site's own pages"),
                )
                .with_help("rename the page"),
            );
        }
    }
    let Some((mut f, body)) = front(file, PAGE_KEYS, "page front matter", &mut diags) else {
        return (None, diags);
    };
    let title = f.required_string("title", "\"About\"");
    let summary = f.string("summary").map(|s| s.0);
    let order = f.integer("order").map(|o| o.0).unwrap_or(i64::MAX);
    let in_nav = f.boolean("in_nav").unwrap_or(false);
    diags.extend(f.diags);
    let p = (|| Some(Page { slug: slug?, title: title?.0, summary, order, in_nav, body, path: file.rel.clone() }))();
    (p.filter(|_| !diags.iter().any(Diagnostic::is_error)), diags)
}
