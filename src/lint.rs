//! Catalogue-wide lint for `check`: problems no single file shows (near-duplicate tags,
//! shared images, sources and titles), citations and template placeholders. Warnings only;
//! `check --deny warnings` makes them errors for CI.
//!
//! Each job (`lint/*.rs`) returns `Finding`s that name a module and a place in it; only the
//! files with a finding are read again here, once each, for the line and column.

mod cite;
pub mod placeholder;
mod same;
pub mod tags;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use rayon::prelude::*;

use crate::build::Timings;
use crate::diagnostics::{Diagnostic, Severity};
use crate::frontmatter::{self, Fields, SourceFile};
use crate::module::{Module, LINK_KEYS};
use crate::site::Site;

/// Where in its module file a finding points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Place {
    Title,
    Summary,
    /// A tag, by its name (lowercase, as `Module::tags` holds it).
    Tag(String),
    /// The value of a `[links]` key.
    Link(&'static str),
    /// `[docker] image`, or `links.docker` where the image is derived from it.
    Image,
    /// Bytes of the description (`Module::body`).
    Body(Range<usize>),
}

/// One warning about one module, before it has a line and column.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    /// Index into `Site::modules`.
    pub module: usize,
    pub place: Place,
    pub code: &'static str,
    pub message: String,
    pub label: String,
    pub help: String,
}

/// Every catalogue-wide warning, sorted by file, line and column.
pub(crate) fn catalogue(site: &Site, root: &Path, t: &Timings) -> Vec<Diagnostic> {
    let modules = &site.modules;
    let mut findings = t.time("lint tags", || tags::near_duplicates(modules));
    findings.extend(t.time("lint same", || same::shared(modules)));
    findings.extend(t.time("lint cite", || cite::citations(modules)));
    findings.extend(t.time("lint text", || placeholder::placeholders(modules)));
    let mut by_module: BTreeMap<usize, Vec<Finding>> = BTreeMap::new();
    for f in findings {
        by_module.entry(f.module).or_default().push(f);
    }
    let groups: Vec<(usize, Vec<Finding>)> = by_module.into_iter().collect();
    let mut out: Vec<Diagnostic> = t.time("lint places", || {
        groups.into_par_iter().flat_map_iter(|(i, found)| locate(&modules[i], root, found)).collect()
    });
    out.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.message, &a.label).cmp(&(&b.file, b.line, b.column, &b.message, &b.label))
    });
    out
}

/// The byte spans of one file's front matter that findings point at.
#[derive(Default)]
struct Spans {
    title: Option<Range<usize>>,
    summary: Option<Range<usize>>,
    tags: Vec<(String, Range<usize>)>,
    links: Vec<(&'static str, Range<usize>)>,
    image: Option<Range<usize>>,
}

impl Spans {
    fn read(file: &SourceFile) -> Spans {
        let Ok(parts) = frontmatter::split(file) else { return Spans::default() };
        let Ok(mut f) = Fields::parse(file, &file.text[parts.front.clone()], parts.front.start, 0..3) else {
            return Spans::default();
        };
        let tags = f.string_array("tags").unwrap_or_default();
        let links: Vec<(&'static str, Range<usize>)> = match f.table("links") {
            Some(t) => LINK_KEYS.iter().filter_map(|k| t.value_span(k).map(|s| (*k, s))).collect(),
            None => Vec::new(),
        };
        let image = f
            .table("docker")
            .and_then(|t| t.value_span("image"))
            .or_else(|| links.iter().find(|(k, _)| *k == "docker").map(|(_, s)| s.clone()));
        Spans {
            title: f.value_span("title"),
            summary: f.value_span("summary"),
            tags: tags.into_iter().map(|(raw, span)| (raw.trim().to_lowercase(), span)).collect(),
            links,
            image,
        }
    }
}

/// The findings of one module as diagnostics, at their places in its file.
fn locate(m: &Module, root: &Path, found: Vec<Finding>) -> Vec<Diagnostic> {
    let Ok(text) = std::fs::read_to_string(root.join(&m.path)) else {
        // The file went away since it was loaded: the warning still says what is wrong.
        return found
            .into_iter()
            .map(|f| {
                Diagnostic::file(Severity::Warning, f.code, &m.path, f.message).with_label(f.label).with_help(f.help)
            })
            .collect();
    };
    let file = SourceFile::new(m.path.clone(), text);
    let spans = Spans::read(&file);
    let opening = 0..3;
    found
        .into_iter()
        .map(|f| {
            let span = match &f.place {
                Place::Title => spans.title.clone(),
                Place::Summary => spans.summary.clone(),
                Place::Tag(name) => spans.tags.iter().find(|(n, _)| n == name).map(|(_, s)| s.clone()),
                Place::Link(key) => spans.links.iter().find(|(k, _)| k == key).map(|(_, s)| s.clone()),
                Place::Image => spans.image.clone(),
                Place::Body(r) => Some(m.body_offset + r.start..m.body_offset + r.end),
            };
            file.warning(f.code, span.unwrap_or_else(|| opening.clone()), f.message)
                .with_label(f.label)
                .with_help(f.help)
        })
        .collect()
}

/// `1 module`, `23 modules`.
pub(crate) fn modules(n: usize) -> String {
    if n == 1 {
        "1 module".into()
    } else {
        format!("{n} modules")
    }
}
