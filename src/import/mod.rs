//! `marketplace import`: foreign metadata (DEEP `metadata.json`, AI4OS
//! `ai4-metadata.yml`) -> module files. Each source format has its own reader producing a
//! `Draft`; this file writes drafts as module files that pass `check`. A template's
//! placeholders (the AI4OS "Write additional information for your users ..." paragraph,
//! DEEP's `http://add-some-...` links: `lint::placeholder`) are dropped, each with a warning.

pub mod ai4os;
pub mod deep;
pub mod yaml;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::lint::placeholder;
use crate::module::{self, Links, Resources};
use crate::slug;
use crate::vocabulary::{Vocabulary, DATA_TYPES, LIBRARIES, OTHER, TASKS};

/// A module as read from foreign metadata, before it is written.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub license: Option<String>,
    pub created: Option<NaiveDate>,
    pub updated: Option<NaiveDate>,
    pub predict: bool,
    pub train: bool,
    /// As the source wrote them; `finish` fits them to the vocabularies.
    pub tasks: Vec<String>,
    pub libraries: Vec<String>,
    pub data_types: Vec<String>,
    pub links: Links,
    pub docker_image: Option<String>,
    pub docker_tag: Option<String>,
    pub resources: Resources,
    pub description: String,
    /// Problems that did not stop the import.
    pub warnings: Vec<String>,
}

pub struct ImportOptions {
    pub root: PathBuf,
    pub files: Vec<PathBuf>,
    pub category: Option<String>,
    pub force: bool,
}

#[derive(Debug, Default)]
pub struct ImportReport {
    /// (source file, written module file, category, warnings)
    pub written: Vec<(PathBuf, PathBuf, String, Vec<String>)>,
    /// (source file, why it was not imported)
    pub failed: Vec<(PathBuf, String)>,
}

/// Imports every file it can; the report names each file that failed and why.
pub fn run(opts: &ImportOptions) -> Result<ImportReport> {
    let categories = known_categories(&opts.root);
    if let Some(c) = &opts.category {
        if !categories.contains(c) {
            return Err(Error::Usage(format!(
                "unknown category `{c}`; known categories: {}",
                categories.iter().cloned().collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let modules_dir = opts.root.join("modules");
    let mut report = ImportReport::default();
    let mut drafts = Vec::new();
    for file in &opts.files {
        match read(file) {
            Ok(d) => drafts.push((file.clone(), d)),
            Err(reason) => report.failed.push((file.clone(), reason)),
        }
    }
    // Old DEEP pages linked each other as `./deep-oc-<x>.html`: those links become links to
    // module pages that exist after this import.
    let mut slugs: BTreeSet<String> = existing_slugs(&modules_dir);
    slugs.extend(drafts.iter().map(|(_, d)| d.slug.clone()));
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for (file, mut draft) in drafts {
        if !taken.insert(draft.slug.clone()) {
            report.failed.push((file, format!("another imported file also becomes `{}`", draft.slug)));
            continue;
        }
        draft.description = repair_images(&rewrite_links(&draft.description, &slugs, &mut draft.warnings));
        let category = opts.category.clone().unwrap_or_else(|| guess_category(&draft, &categories));
        let target = modules_dir.join(format!("{}.md", draft.slug));
        if target.exists() && !opts.force {
            report.failed.push((file, format!("{} exists (use --force to overwrite it)", target.display())));
            continue;
        }
        fs::create_dir_all(&modules_dir).map_err(Error::io("create", &modules_dir))?;
        let text = to_module_file(&draft, &category);
        fs::write(&target, text).map_err(Error::io("write", &target))?;
        report.written.push((file, target, category, draft.warnings));
    }
    Ok(report)
}

fn read(file: &Path) -> std::result::Result<Draft, String> {
    let bytes = fs::read(file).map_err(|e| format!("cannot read: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    let name = file.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    let draft = if name.ends_with(".json") {
        deep::read(&text)?
    } else if name.ends_with(".yml") || name.ends_with(".yaml") {
        ai4os::read(&text)?
    } else {
        return Err("unknown format: expected a DEEP `.json` or an AI4OS `.yml` file".into());
    };
    finish(draft)
}

/// Makes a draft fit the module format's rules, with a warning for each change.
fn finish(mut d: Draft) -> std::result::Result<Draft, String> {
    if !slug::is_valid(&d.slug) {
        return Err(format!("cannot derive a module slug (got `{}`)", d.slug));
    }
    d.title = one_line(&d.title);
    if d.title.is_empty() {
        return Err("no title".into());
    }
    if d.title.chars().count() > module::MAX_TITLE_CHARS {
        d.title = crate::markdown::excerpt(&d.title, module::MAX_TITLE_CHARS - 1);
        d.warnings.push("title shortened to 120 characters".into());
    }
    let (description, removed) = placeholder::strip(&d.description);
    d.description = description;
    for text in removed {
        let words: Vec<&str> = text.split_whitespace().take(5).collect();
        d.warnings.push(format!("the template's placeholder \"{} ...\" dropped from the description", words.join(" ")));
    }
    d.summary = one_line(&d.summary);
    if d.summary.is_empty() {
        d.summary = crate::markdown::excerpt(&one_line(&d.description), 200);
        d.warnings.push("no summary: taken from the description".into());
    }
    if d.summary.chars().count() > module::MAX_SUMMARY_CHARS {
        d.summary = crate::markdown::excerpt(&d.summary, module::MAX_SUMMARY_CHARS - 1);
        d.warnings.push("summary shortened to 300 characters".into());
    }
    if d.created.is_none() {
        return Err("no creation date".into());
    }
    if let (Some(c), Some(u)) = (d.created, d.updated) {
        if u < c {
            d.warnings.push(format!("updated date {u} is before the creation date {c}: dropped"));
            d.updated = None;
        }
    }
    let mut seen = BTreeSet::new();
    let mut tags = Vec::new();
    for t in std::mem::take(&mut d.tags) {
        let t = t.trim().to_lowercase();
        if t.is_empty() || t.chars().count() > module::MAX_TAG_CHARS || slug::slugify(&t).is_none() {
            if !t.is_empty() {
                d.warnings.push(format!("tag `{t}` dropped"));
            }
            continue;
        }
        if seen.insert(t.clone()) && tags.len() < module::MAX_TAGS {
            tags.push(t);
        }
    }
    d.tags = tags;
    d.tasks = fit_to(&TASKS, std::mem::take(&mut d.tasks), &mut d.warnings);
    d.libraries = fit_to(&LIBRARIES, std::mem::take(&mut d.libraries), &mut d.warnings);
    d.data_types = fit_to(&DATA_TYPES, std::mem::take(&mut d.data_types), &mut d.warnings);
    for (stage, slot) in [("inference", &mut d.resources.inference), ("training", &mut d.resources.training)] {
        if let Some(r) = slot.as_mut().filter(|r| r.gpu_memory_mb.is_some() && !r.needs_gpu()) {
            r.gpu_memory_mb = None;
            d.warnings.push(format!("resources.{stage}: GPU memory without a GPU: dropped"));
        }
    }
    if let Some(image) = d.docker_image.take() {
        let image = image.trim().trim_start_matches("docker.io/").to_lowercase();
        // `org/name:tag` in the wild: the tag goes to its own key.
        let (name, tag) = match image.rsplit_once(':') {
            Some((n, t)) if !t.contains('/') => (n.to_string(), Some(t.to_string())),
            _ => (image.clone(), None),
        };
        if module::is_image_name(&name) {
            d.docker_image = Some(name);
            if tag.is_some() {
                d.docker_tag = tag;
            }
        } else {
            d.warnings.push(format!("Docker image `{image}` is not a valid image name: dropped"));
        }
    }
    Ok(d)
}

/// Values of a vocabulary, each once: spelt as listed (`pytorch` -> `PyTorch`), and
/// `Other` for those it does not list, each named in a warning.
fn fit_to(v: &Vocabulary, values: Vec<String>, warnings: &mut Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in values {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let value = match v.get(raw).or_else(|| v.same_but_spelling(raw)) {
            Some(known) => known,
            None => {
                warnings
                    .push(format!("{} `{raw}` is not in the ai4-metadata vocabulary: imported as `{OTHER}`", v.noun));
                OTHER
            }
        };
        if !out.iter().any(|o| o == value) {
            out.push(value.to_string());
        }
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A link value: kept when it is an absolute http(s) URL and not a template's placeholder
/// (`http://add-some-DOI-url.com`: `lint::placeholder`).
pub fn link(value: Option<&str>, what: &str, warnings: &mut Vec<String>) -> Option<String> {
    let v = value?.trim();
    if v.is_empty() {
        return None;
    }
    match url::Url::parse(v) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            if let Some(template) = placeholder::placeholder_url(v) {
                warnings.push(format!("{what} `{v}` is {template}'s placeholder: dropped"));
                return None;
            }
            Some(v.to_string())
        }
        _ => {
            warnings.push(format!("{what} `{v}` is not an absolute http(s) URL: dropped"));
            None
        }
    }
}

/// Licence names of the wild -> SPDX identifiers.
pub fn spdx_license(name: &str, warnings: &mut Vec<String>) -> Option<String> {
    let n = name.trim();
    if n.is_empty() {
        return None;
    }
    if spdx::Expression::parse(n).is_ok() {
        return Some(n.to_string());
    }
    let known = [
        ("apache 2.0", "Apache-2.0"),
        ("apache license 2.0", "Apache-2.0"),
        ("apache2", "Apache-2.0"),
        ("gplv3", "GPL-3.0-only"),
        ("gpl v3", "GPL-3.0-only"),
        ("bsd 3-clause", "BSD-3-Clause"),
    ];
    if let Some((_, id)) = known.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)) {
        return Some((*id).to_string());
    }
    if let Some(id) = spdx::imprecise_license_id(n) {
        return Some(id.0.name.to_string());
    }
    warnings.push(format!("licence `{n}` is not an SPDX identifier: dropped"));
    None
}

pub fn date(value: Option<&str>) -> Option<NaiveDate> {
    let v = value?.trim();
    NaiveDate::parse_from_str(v.get(..10).unwrap_or(v), "%Y-%m-%d").ok()
}

/// `org/deep-oc-x_y` -> `x-y`; `uc-user-deep-oc-x` -> `x`.
pub fn slug_from_name(name: &str) -> String {
    let last = name.trim().trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let last = last.split(':').next().unwrap_or("");
    let lower = last.to_lowercase();
    let short = lower.find("deep-oc-").map_or(lower.as_str(), |i| &lower[i + "deep-oc-".len()..]);
    slug::slugify(short).unwrap_or_default()
}

fn existing_slugs(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.file_name().to_string_lossy().strip_suffix(".md").map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn known_categories(root: &Path) -> BTreeSet<String> {
    existing_slugs(&root.join("content/categories"))
}

/// Relative links of the old marketplace (`./deep-oc-<x>.html`) -> `../<slug>/index.html`
/// when that module exists; other relative links lose their target (the text stays).
fn rewrite_links(text: &str, slugs: &BTreeSet<String>, warnings: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        // `[text]((https://x))` is in the wild: the doubled parentheses become one pair.
        if let Some(inner) = after.strip_prefix('(') {
            if let Some(end) = inner.find("))") {
                let url = &inner[..end];
                if url.contains("://") && !url.contains(char::is_whitespace) {
                    out.push_str(&rest[..i + 2]);
                    out.push_str(url);
                    out.push(')');
                    rest = &inner[end + 2..];
                    continue;
                }
            }
        }
        let Some(close) = after.find(')') else { break };
        let url = after[..close].trim();
        let is_relative = !url.is_empty()
            && !url.starts_with('#')
            && !url.contains("://")
            && !url.starts_with("mailto:")
            && !url.starts_with('(');
        if !is_relative {
            out.push_str(&rest[..i + 2]);
            rest = after;
            continue;
        }
        match old_page_slug(url, slugs) {
            Some(s) => {
                out.push_str(&rest[..i + 2]);
                out.push_str(&format!("../{s}/index.html)"));
            }
            None => {
                // Drop the link, keep its text: `[text](x)` -> `text`.
                let before = &rest[..i];
                match before.rfind('[') {
                    Some(open) => {
                        out.push_str(&before[..open]);
                        out.push_str(&before[open + 1..]);
                    }
                    None => out.push_str(before),
                }
                warnings.push(format!("relative link `{url}` has no page on this site: link removed, text kept"));
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// `<img class='fit', src='...'/>` (a comma between attributes, or `<imgclass=`) is common
/// in DEEP descriptions; lenient renderers showed it, CommonMark shows it as text.
fn repair_images(text: &str) -> String {
    let text = text.replace("<imgclass=", "<img class=");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("<img") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('>').map_or(rest.len(), |j| i + j + 1);
        out.push_str(&rest[i..end].replace("', ", "' ").replace("\", ", "\" "));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn old_page_slug(url: &str, slugs: &BTreeSet<String>) -> Option<String> {
    let name = url.trim_start_matches("./").strip_suffix(".html")?;
    let base = slug_from_name(name);
    let candidates = [
        base.clone(),
        base.replace("tensorflow", "tf"),
        format!("{base}-tf"),
        base.replace("tensorflow", "tf") + "-tf",
    ];
    candidates.into_iter().find(|c| slugs.contains(c))
}

/// The documented heuristic: keywords of each seed category, counted in the title, summary
/// and tags (and, with less weight, the description). No match: `general-purpose`.
pub const CATEGORY_KEYWORDS: &[(&str, &[&str])] = &[
    (
        "earth-observation",
        &[
            "satellite",
            "remote sensing",
            "sentinel",
            "landsat",
            "aerial",
            "vaihingen",
            "weather",
            "thunderstorm",
            "nowcast",
            "terrain",
            "thermal",
            "rooftop",
            "shoreline",
            "beach",
            "rip current",
            "oil spill",
            "multispectral",
            "multi-spectral",
            "earth observation",
            "urban",
        ],
    ),
    (
        "biomedical",
        &[
            "retinopathy",
            "medical",
            "dicom",
            "x-ray",
            "clinical",
            "patient",
            "biomedical",
            "disease",
            "retina",
            "health",
        ],
    ),
    (
        "cyber-security",
        &[
            "intrusion",
            "network traffic",
            "cyber",
            "security",
            "data stream",
            "anomaly detection in network",
            "massive online",
        ],
    ),
    (
        "citizen-science",
        &[
            "plant",
            "seed",
            "conus",
            "plankton",
            "bird",
            "species",
            "flower",
            "blossom",
            "fish",
            "coral",
            "diatom",
            "zooplankton",
            "prawn",
            "marine",
        ],
    ),
];

pub fn guess_category(d: &Draft, known: &BTreeSet<String>) -> String {
    let head = format!("{} {} {}", d.title, d.summary, d.tags.join(" ")).to_lowercase();
    let body = d.description.to_lowercase();
    let mut best = ("general-purpose", 0usize);
    for (cat, words) in CATEGORY_KEYWORDS {
        if !known.contains(*cat) {
            continue;
        }
        let score: usize = words.iter().map(|w| head.matches(w).count() * 4 + body.matches(w).count().min(3)).sum();
        if score > best.1 {
            best = (cat, score);
        }
    }
    if best.1 < 4 || (best.0 != "general-purpose" && !known.contains(best.0)) {
        if known.contains("general-purpose") || known.is_empty() {
            return "general-purpose".into();
        }
        return known.iter().next().cloned().unwrap_or_else(|| "general-purpose".into());
    }
    best.0.to_string()
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The module file for a draft, in the key order of DESIGN.md.
pub fn to_module_file(d: &Draft, category: &str) -> String {
    let mut out = String::from("+++\n");
    out.push_str(&format!("title = {}\n", toml_str(&d.title)));
    out.push_str(&format!("summary = {}\n", toml_str(&d.summary)));
    out.push_str(&format!("category = {}\n", toml_str(category)));
    let tags: Vec<String> = d.tags.iter().map(|t| toml_str(t)).collect();
    out.push_str(&format!("tags = [{}]\n", tags.join(", ")));
    if let Some(l) = &d.license {
        out.push_str(&format!("license = {}\n", toml_str(l)));
    }
    if let Some(c) = d.created {
        out.push_str(&format!("created = {c}\n"));
    }
    if let Some(u) = d.updated {
        out.push_str(&format!("updated = {u}\n"));
    }
    out.push_str(&format!("predict = {}\ntrain = {}\n", d.predict, d.train));
    for (key, values) in [("tasks", &d.tasks), ("libraries", &d.libraries), ("data_types", &d.data_types)] {
        if !values.is_empty() {
            let values: Vec<String> = values.iter().map(|v| toml_str(v)).collect();
            out.push_str(&format!("{key} = [{}]\n", values.join(", ")));
        }
    }
    let l = &d.links;
    let pairs = [
        ("source", &l.source),
        ("container", &l.container),
        ("docker", &l.docker),
        ("cite", &l.cite),
        ("weights", &l.weights),
        ("training", &l.training),
        ("dataset", &l.dataset),
        ("documentation", &l.documentation),
    ];
    if pairs.iter().any(|(_, v)| v.is_some()) {
        out.push_str("\n[links]\n");
        for (k, v) in pairs {
            if let Some(v) = v {
                out.push_str(&format!("{k} = {}\n", toml_str(v)));
            }
        }
    }
    if let Some(image) = &d.docker_image {
        out.push_str(&format!("\n[docker]\nimage = {}\n", toml_str(image)));
        if let Some(tag) = &d.docker_tag {
            out.push_str(&format!("tag = {}\n", toml_str(tag)));
        }
    }
    for (stage, requirements) in d.resources.stages() {
        if let Some(r) = requirements {
            out.push_str(&format!("\n[resources.{stage}]\n"));
            for (key, amount) in r.entries() {
                out.push_str(&format!("{key} = {amount}\n"));
            }
        }
    }
    out.push_str("+++\n");
    let body = d.description.trim();
    out.push_str(body);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_names() {
        assert_eq!(slug_from_name("deephdc/deep-oc-audio-classification-tf"), "audio-classification-tf");
        assert_eq!(slug_from_name("deephdc/uc-adnaneds-deep-oc-unet"), "unet");
        assert_eq!(slug_from_name("https://github.com/ai4os-hub/WITOIL-for-iMagine"), "witoil-for-imagine");
    }

    #[test]
    fn old_links_become_module_links() {
        let slugs: BTreeSet<String> = ["image-classification-tf".to_string()].into_iter().collect();
        let mut w = Vec::new();
        let out = rewrite_links(
            "see [the classifier](./deep-oc-image-classification-tensorflow.html) and [x](./nope.html).",
            &slugs,
            &mut w,
        );
        assert_eq!(out, "see [the classifier](../image-classification-tf/index.html) and x.");
        assert_eq!(w.len(), 1);
        let out = rewrite_links("([SOCIB]((https://www.socib.es/))) is", &slugs, &mut w);
        assert_eq!(out, "([SOCIB](https://www.socib.es/)) is");
    }

    #[test]
    fn broken_image_tags_are_repaired() {
        assert_eq!(
            repair_images("<imgclass='fit', src='https://e.org/a.png'/>"),
            "<img class='fit' src='https://e.org/a.png'/>"
        );
    }

    #[test]
    fn licences_map_to_spdx() {
        let mut w = Vec::new();
        assert_eq!(spdx_license("Apache 2.0", &mut w).as_deref(), Some("Apache-2.0"));
        assert_eq!(spdx_license("MIT", &mut w).as_deref(), Some("MIT"));
        assert!(w.is_empty());
    }
}
