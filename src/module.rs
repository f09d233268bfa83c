//! The module file format (`modules/<slug>.md`): its types and every validation rule of
//! DESIGN.md. Parsing never panics; each problem becomes a `Diagnostic` with a place.

use std::ops::Range;

use chrono::NaiveDate;
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::frontmatter::{self, did_you_mean, Fields, SourceFile};
use crate::slug;
use crate::vocabulary::{DATA_TYPES, LIBRARIES, TASKS};

pub use crate::resources::{Requirements, Resources};

pub const MAX_FILE_BYTES: usize = 1024 * 1024;
pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_SUMMARY_CHARS: usize = 300;
pub const MAX_TAGS: usize = 50;
pub const MAX_TAG_CHARS: usize = 50;
/// A summary longer than this still builds, with a warning: cards cut it off.
pub const LONG_SUMMARY_CHARS: usize = 200;

pub const MODULE_KEYS: &[&str] = &[
    "title",
    "summary",
    "category",
    "tags",
    "license",
    "created",
    "updated",
    "kind",
    "predict",
    "train",
    "tasks",
    "libraries",
    "data_types",
    "links",
    "docker",
    "resources",
];
pub const LINK_KEYS: &[&str] =
    &["source", "container", "docker", "cite", "weights", "training", "dataset", "documentation"];
pub const DOCKER_KEYS: &[&str] = &["image", "tag", "port", "api_path"];

/// What the module is: a trained model (the default) or a tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Model,
    Tool,
}

/// A tag as shown (folded to lowercase) and its URL slug.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Tag {
    pub name: String,
    pub slug: String,
}

/// Links of a module: each an absolute http(s) URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Links {
    /// "Get this module": the code repository.
    #[schemars(url, regex(pattern = r"^https?://[^/?#]+"))]
    pub source: Option<String>,
    /// The repository of the container (Dockerfile, metadata).
    #[schemars(url, regex(pattern = r"^https?://[^/?#]+"))]
    pub container: Option<String>,
    /// The Docker image's page (Docker Hub).
    #[schemars(url, regex(pattern = r"^https?://[^/?#]+"))]
    pub docker: Option<String>,
    /// What to cite: a DOI link or a publication.
    #[schemars(url, regex(pattern = r"^https?://[^/?#]+"))]
    pub cite: Option<String>,
    /// Pre-trained weights.
    #[schemars(url, regex(pattern = r"^https?://[^/?#]+"))]
    pub weights: Option<String>,
    /// Training files: all the training output, final weights included.
    #[schemars(url, regex(pattern = r"^https?://[^/?#]+"))]
    pub training: Option<String>,
    /// The training dataset.
    #[schemars(url, regex(pattern = r"^https?://[^/?#]+"))]
    pub dataset: Option<String>,
    /// Further documentation.
    #[schemars(url, regex(pattern = r"^https?://[^/?#]+"))]
    pub documentation: Option<String>,
}

impl Links {
    fn slot(&mut self, key: &str) -> Option<&mut Option<String>> {
        Some(match key {
            "source" => &mut self.source,
            "container" => &mut self.container,
            "docker" => &mut self.docker,
            "cite" => &mut self.cite,
            "weights" => &mut self.weights,
            "training" => &mut self.training,
            "dataset" => &mut self.dataset,
            "documentation" => &mut self.documentation,
            _ => return None,
        })
    }
}

/// How to run the module's container. Derived from `links.docker` when not given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Docker {
    /// What `docker run` pulls: `org/name` or `registry.host/org/name`, lowercase, no tag.
    #[schemars(regex(
        pattern = r"^([a-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$"
    ))]
    pub image: String,
    /// The image tag (default `latest`).
    #[schemars(regex(pattern = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"))]
    pub tag: String,
    /// The port the DEEPaaS API listens on (default 5000).
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// Where the API is browsed (default `/docs`).
    #[schemars(regex(pattern = r"^/"))]
    pub api_path: String,
}

impl Docker {
    pub fn reference(&self) -> String {
        format!("{}:{}", self.image, self.tag)
    }
    pub fn run_command(&self) -> String {
        format!("docker run -ti -p {p}:{p} {}", self.reference(), p = self.port)
    }
    /// udocker runs containers without root privileges, on shared machines.
    pub fn udocker_commands(&self, slug: &str) -> String {
        format!(
            "udocker pull {r}\nudocker create --name={slug} {r}\nudocker run -p {p}:{p} {slug}",
            r = self.reference(),
            p = self.port
        )
    }
    pub fn api_url(&self) -> String {
        format!("http://127.0.0.1:{}{}", self.port, self.api_path)
    }
}

/// One module of the catalogue, validated.
#[derive(Debug, Clone)]
pub struct Module {
    pub slug: String,
    /// Path relative to the site root, for diagnostics and "edit this page".
    pub path: String,
    pub title: String,
    pub summary: String,
    pub category: String,
    pub tags: Vec<Tag>,
    pub license: Option<String>,
    pub created: NaiveDate,
    pub updated: Option<NaiveDate>,
    pub kind: Kind,
    pub predict: bool,
    pub train: bool,
    /// Values of the ai4-metadata vocabularies (`crate::vocabulary`), as listed there.
    pub tasks: Vec<String>,
    pub libraries: Vec<String>,
    pub data_types: Vec<String>,
    pub links: Links,
    pub docker: Option<Docker>,
    pub resources: Resources,
    /// The Markdown description.
    pub body: String,
    /// Where the body starts in the file, so Markdown diagnostics can point into it.
    pub body_offset: usize,
}

/// What a module file says, before the category is checked against the known ones.
pub struct Parsed {
    pub module: Module,
    pub category_span: Range<usize>,
}

/// Checks the file name: the slug rule of DESIGN.md.
pub fn slug_from_file_name(file_stem: &str) -> Result<String, String> {
    if slug::is_valid(file_stem) {
        Ok(file_stem.to_string())
    } else {
        Err(format!(
            "`{file_stem}` is not a valid module slug: use lowercase ASCII letters, digits and single hyphens, e.g. `{}`",
            slug::slugify(file_stem).unwrap_or_else(|| "my-module".into())
        ))
    }
}

/// Parses and validates one module file. Returns the module when it has no errors, and
/// every diagnostic (warnings included) either way.
pub fn parse(
    file: &SourceFile,
    slug: &str,
    categories: &[&str],
    today: NaiveDate,
) -> (Option<Module>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let parsed = parse_unchecked(file, slug, today, &mut diags);
    let Some(parsed) = parsed else { return (None, diags) };
    if !categories.contains(&parsed.module.category.as_str()) {
        let mut d = file
            .error(
                "unknown-category",
                parsed.category_span.clone(),
                format!("unknown category `{}`", parsed.module.category),
            )
            .with_label(format!("expected one of: {}", categories.join(", ")));
        if let Some(near) = did_you_mean(&parsed.module.category, categories.iter().copied()) {
            d = d.with_help(format!("did you mean `{near}`? (a category is a file content/categories/<slug>.md)"));
        } else {
            d = d.with_help("a category is a file content/categories/<slug>.md; add one or use an existing slug");
        }
        diags.push(d);
    }
    if diags.iter().any(Diagnostic::is_error) {
        (None, diags)
    } else {
        (Some(parsed.module), diags)
    }
}

fn parse_unchecked(file: &SourceFile, slug: &str, today: NaiveDate, diags: &mut Vec<Diagnostic>) -> Option<Parsed> {
    if file.text.len() > MAX_FILE_BYTES {
        diags.push(
            Diagnostic::file(
                crate::diagnostics::Severity::Error,
                "too-large",
                &file.rel,
                format!("the module file is {} bytes; the limit is {MAX_FILE_BYTES} (1 MiB)", file.text.len()),
            )
            .with_help("shorten the description and link to longer documentation with `links.documentation`"),
        );
        return None;
    }
    if file.text.trim().is_empty() {
        diags.push(
            Diagnostic::file(crate::diagnostics::Severity::Error, "empty-file", &file.rel, "the module file is empty")
                .with_help("run `marketplace new SLUG` to start from a template"),
        );
        return None;
    }
    let parts = match frontmatter::split(file) {
        Ok(p) => p,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let anchor = 0..3;
    let mut f = match Fields::parse(file, &file.text[parts.front.clone()], parts.front.start, anchor) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    f.deny_unknown(MODULE_KEYS, "module front matter");

    let title = f.required_string("title", "\"What the module does\"");
    let summary = f.required_string("summary", "\"One line about the module\"");
    let category = f.required_string("category", "\"general-purpose\"");
    let created = f.date("created", true);
    let updated = f.date("updated", false);
    let license = f.string("license");
    let tags = f.string_array("tags");
    let kind = f.string("kind");
    let predict = f.boolean("predict").unwrap_or(false);
    let train = f.boolean("train").unwrap_or(false);
    let tasks = f.string_array("tasks");
    let libraries = f.string_array("libraries");
    let data_types = f.string_array("data_types");
    let mut links_t = f.table("links");
    let mut docker_t = f.table("docker");
    let mut resources_t = f.table("resources");

    let mut local = Vec::new();
    if let Some((t, span)) = &title {
        check_text(file, "title", t, span, MAX_TITLE_CHARS, &mut local);
    }
    if let Some((s, span)) = &summary {
        check_text(file, "summary", s, span, MAX_SUMMARY_CHARS, &mut local);
        if s.chars().count() > LONG_SUMMARY_CHARS && s.chars().count() <= MAX_SUMMARY_CHARS {
            local.push(
                file.warning("long-summary", span.clone(), "a very long summary")
                    .with_label(format!("{} characters; cards show about {LONG_SUMMARY_CHARS}", s.chars().count()))
                    .with_help("keep the summary to one short sentence; put details in the description"),
            );
        }
    }
    if let (Some((c, cs)), Some((u, us))) = (&created, &updated) {
        if u < c {
            local.push(
                file.error("updated-before-created", us.clone(), "`updated` is before `created`")
                    .with_label(format!("expected a date on or after {c}"))
                    .with_help(format!("created is {c} at line {}", line_of(&file.text, cs.start))),
            );
        }
    }
    if let Some((u, us)) = &updated {
        if *u > today {
            local.push(
                file.warning("future-date", us.clone(), "`updated` is in the future")
                    .with_label(format!("today is {today}")),
            );
        }
    }
    let license = match license {
        Some((l, span)) => {
            if let Err(e) = spdx::Expression::parse(&l) {
                let mut d = file
                    .error("bad-license", span, format!("`{l}` is not an SPDX license expression"))
                    .with_label(format!("{}", e.reason));
                if let Some(id) = spdx::imprecise_license_id(&l) {
                    d = d.with_help(format!("did you mean `{}`?", id.0.name));
                } else {
                    d = d.with_help("use an identifier from https://spdx.org/licenses/, e.g. `MIT` or `Apache-2.0`");
                }
                local.push(d);
                None
            } else {
                Some(l)
            }
        }
        None => {
            local.push(
                file.warning("missing-license", 0..3, "no `license`: the module page will say \"Licence: not stated\"")
                    .with_help("add `license = \"MIT\"` (an SPDX expression)"),
            );
            None
        }
    };
    let tags = tags.map(|t| check_tags(file, t, &mut local)).unwrap_or_default();
    let tasks = tasks.map(|v| TASKS.check(file, v, &mut local)).unwrap_or_default();
    let libraries = libraries.map(|v| LIBRARIES.check(file, v, &mut local)).unwrap_or_default();
    let data_types = data_types.map(|v| DATA_TYPES.check(file, v, &mut local)).unwrap_or_default();
    let kind = match kind {
        None => Kind::Model,
        Some((k, _)) if k == "model" => Kind::Model,
        Some((k, _)) if k == "tool" => Kind::Tool,
        Some((k, span)) => {
            local.push(
                file.error("bad-kind", span, format!("unknown kind `{k}`"))
                    .with_label("expected \"model\" or \"tool\""),
            );
            Kind::Model
        }
    };

    let mut links = Links::default();
    if let Some(t) = links_t.as_mut() {
        t.deny_unknown(LINK_KEYS, "[links]");
        for key in LINK_KEYS {
            if let Some((url, span)) = t.string(key) {
                if let Some(d) = check_url(file, key, &url, span) {
                    local.push(d);
                } else if let Some(slot) = links.slot(key) {
                    *slot = Some(url);
                }
            }
        }
    }
    let docker = match docker_t.as_mut() {
        Some(t) => read_docker(file, t, &mut local),
        None => links.docker.as_deref().and_then(image_from_hub_url).map(|image| Docker {
            image,
            tag: "latest".into(),
            port: 5000,
            api_path: "/docs".into(),
        }),
    };
    if links.docker.is_none() {
        links.docker = docker.as_ref().and_then(|d| hub_url(&d.image));
    }
    if docker.is_none() {
        local.push(
            file.warning("missing-docker", 0..3, "no Docker image: the page cannot show how to run the module")
                .with_help("add `[docker]` with `image = \"org/name\"`, or `links.docker` with the Docker Hub page"),
        );
    }
    if links.source.is_none() {
        local.push(
            file.warning("missing-source", 0..3, "no `links.source`: visitors cannot find the code")
                .with_help("add `source = \"https://github.com/...\"` under `[links]`"),
        );
    }

    let resources = resources_t.as_mut().map(|t| crate::resources::read(file, t, &mut local)).unwrap_or_default();

    for t in [links_t, docker_t, resources_t].into_iter().flatten() {
        diags.extend(t.diags);
    }
    diags.extend(std::mem::take(&mut f.diags));
    diags.extend(local);

    let (title, summary, category, created) = (title?, summary?, category?, created?);
    Some(Parsed {
        category_span: category.1.clone(),
        module: Module {
            slug: slug.to_string(),
            path: file.rel.clone(),
            title: title.0.trim().to_string(),
            summary: summary.0.trim().to_string(),
            category: category.0,
            tags,
            license,
            created: created.0,
            updated: updated.map(|u| u.0),
            kind,
            predict,
            train,
            tasks,
            libraries,
            data_types,
            links,
            docker,
            resources,
            body: file.text[parts.body.clone()].to_string(),
            body_offset: parts.body.start,
        },
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn check_text(file: &SourceFile, key: &str, value: &str, span: &Range<usize>, max: usize, out: &mut Vec<Diagnostic>) {
    let n = value.chars().count();
    if value.trim().is_empty() {
        out.push(file.error("empty", span.clone(), format!("`{key}` is empty")).with_label("expected some text"));
    } else if value.contains('\n') {
        out.push(
            file.error("multi-line", span.clone(), format!("`{key}` must be one line"))
                .with_label("remove the line breaks"),
        );
    } else if n > max {
        out.push(
            file.error("too-long", span.clone(), format!("`{key}` is too long"))
                .with_label(format!("{n} characters; at most {max}")),
        );
    }
}

fn check_tags(file: &SourceFile, tags: Vec<(String, Range<usize>)>, out: &mut Vec<Diagnostic>) -> Vec<Tag> {
    let mut result: Vec<Tag> = Vec::new();
    if tags.len() > MAX_TAGS {
        if let Some((_, span)) = tags.get(MAX_TAGS) {
            out.push(
                file.error(
                    "too-many-tags",
                    span.clone(),
                    format!("too many tags: {} (at most {MAX_TAGS})", tags.len()),
                )
                .with_label("tags from here on are over the limit"),
            );
        }
    }
    let mut seen: Vec<(String, Range<usize>)> = Vec::new();
    for (raw, span) in tags.into_iter().take(MAX_TAGS) {
        let name = raw.trim().to_lowercase();
        if name.is_empty() {
            out.push(file.error("empty", span, "empty tag").with_label("expected some text"));
            continue;
        }
        if name.chars().count() > MAX_TAG_CHARS {
            out.push(
                file.error("too-long", span, "tag is too long")
                    .with_label(format!("{} characters; at most {MAX_TAG_CHARS}", name.chars().count())),
            );
            continue;
        }
        let Some(slug) = slug::slugify(&name) else {
            out.push(
                file.error("bad-tag", span, format!("tag `{raw}` has no letter or digit usable in a URL"))
                    .with_label("use ASCII letters or digits"),
            );
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
            out.push(file.error("duplicate-tag", span, format!("duplicate tag `{raw}`")).with_label(format!(
                "already listed at line {} (tags are case-insensitive)",
                line_of(&file.text, first.start)
            )));
            continue;
        }
        seen.push((name.clone(), span));
        result.push(Tag { name, slug });
    }
    result
}

/// Links must be absolute http(s) URLs: anything else is either broken on the site or
/// dangerous (`javascript:`, `data:`).
fn check_url(file: &SourceFile, key: &str, value: &str, span: Range<usize>) -> Option<Diagnostic> {
    let label = match url::Url::parse(value.trim()) {
        Ok(u) if (u.scheme() == "http" || u.scheme() == "https") && u.host_str().is_some_and(|h| !h.is_empty()) => {
            return None
        }
        Ok(u) => format!("`{}:` URLs are not allowed; expected an absolute http(s) URL", u.scheme()),
        Err(url::ParseError::RelativeUrlWithoutBase) => "a relative URL; expected an absolute http(s) URL".to_string(),
        Err(e) => format!("not a URL ({e}); expected an absolute http(s) URL"),
    };
    Some(
        file.error("bad-url", span, format!("invalid URL in `links.{key}`"))
            .with_label(label)
            .with_help("write the full address, e.g. \"https://github.com/org/repo\""),
    )
}

fn read_docker(file: &SourceFile, t: &mut Fields, out: &mut Vec<Diagnostic>) -> Option<Docker> {
    t.deny_unknown(DOCKER_KEYS, "[docker]");
    let image = t.required_string("image", "\"org/name\"");
    let tag = t.string("tag");
    let port = t.integer("port");
    let api_path = t.string("api_path");
    let mut ok = true;
    let image = image.and_then(|(image, span)| {
        if is_image_name(&image) {
            Some(image)
        } else {
            ok = false;
            out.push(
                file.error("bad-docker-image", span, format!("`{image}` is not a Docker image name"))
                    .with_label("expected lowercase `org/name` or `registry.host/org/name`, without a tag")
                    .with_help("put the tag in `tag = \"...\"`"),
            );
            None
        }
    });
    let tag = match tag {
        None => "latest".to_string(),
        Some((tag, span)) => {
            let valid = !tag.is_empty()
                && tag.len() <= 128
                && !tag.starts_with(['.', '-'])
                && tag.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
            if !valid {
                ok = false;
                out.push(
                    file.error("bad-docker-tag", span, format!("`{tag}` is not a Docker tag"))
                        .with_label("expected letters, digits, `_`, `.` and `-`"),
                );
            }
            tag
        }
    };
    let port = match port {
        None => 5000,
        Some((p, span)) => match u16::try_from(p) {
            Ok(p) if p > 0 => p,
            _ => {
                ok = false;
                out.push(
                    file.error("bad-port", span, format!("port {p} is out of range")).with_label("expected 1 to 65535"),
                );
                5000
            }
        },
    };
    let api_path = match api_path {
        None => "/docs".to_string(),
        Some((p, span)) => {
            let valid = p.starts_with('/') && p.chars().all(|c| c.is_ascii_alphanumeric() || "/-._~%?=&#".contains(c));
            if !valid {
                ok = false;
                out.push(
                    file.error("bad-api-path", span, format!("`{p}` is not a URL path"))
                        .with_label("expected a path starting with `/`, e.g. \"/docs\""),
                );
            }
            p
        }
    };
    if !ok {
        return None;
    }
    Some(Docker { image: image?, tag, port, api_path })
}

/// Docker image names as `docker pull` accepts them (no tag): what we show in commands must
/// never carry shell syntax.
pub fn is_image_name(s: &str) -> bool {
    if s.is_empty() || s.len() > 255 {
        return false;
    }
    let mut parts = s.split('/').peekable();
    let first = parts.peek().copied().unwrap_or("");
    let has_registry = s.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    if has_registry {
        let host = parts.next().unwrap_or("");
        let ok_host = host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
        if !ok_host || host.starts_with(['.', '-', ':']) {
            return false;
        }
    }
    let mut any = false;
    for component in parts {
        any = true;
        let ok = !component.is_empty()
            && component.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
            && component.starts_with(|c: char| c.is_ascii_alphanumeric())
            && component.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !ok {
            return false;
        }
    }
    any
}

/// `https://hub.docker.com/r/org/name` -> `org/name`; `.../_/name` -> `name`.
pub fn image_from_hub_url(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    if u.host_str()? != "hub.docker.com" {
        return None;
    }
    let segs: Vec<&str> = u.path_segments()?.filter(|s| !s.is_empty()).collect();
    let image = match segs.as_slice() {
        ["r", org, name, ..] => format!("{org}/{name}"),
        ["_", name, ..] => (*name).to_string(),
        ["repository", "docker", org, name, ..] => format!("{org}/{name}"),
        _ => return None,
    };
    is_image_name(&image).then_some(image)
}

/// The Docker Hub page of an image hosted there.
pub fn hub_url(image: &str) -> Option<String> {
    let first = image.split('/').next()?;
    if image.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost") {
        return None;
    }
    Some(if image.contains('/') {
        format!("https://hub.docker.com/r/{image}")
    } else {
        format!("https://hub.docker.com/_/{image}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names() {
        assert!(is_image_name("deephdc/deep-oc-satsr"));
        assert!(is_image_name("registry.example.org:5000/org/name"));
        assert!(is_image_name("python"));
        assert!(!is_image_name("org/name:latest"));
        assert!(!is_image_name("org/name; rm -rf ~"));
        assert!(!is_image_name("Org/Name"));
        assert_eq!(
            image_from_hub_url("https://hub.docker.com/r/deephdc/deep-oc-satsr/").as_deref(),
            Some("deephdc/deep-oc-satsr")
        );
        assert_eq!(hub_url("deephdc/x").as_deref(), Some("https://hub.docker.com/r/deephdc/x"));
        assert_eq!(hub_url("ghcr.io/org/x"), None);
    }
}
