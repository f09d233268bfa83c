//! `marketplace new`: a module file from a template that shows every field of the format.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::slug;
use crate::vocabulary::{Vocabulary, DATA_TYPES, LIBRARIES, TASKS};

/// The summary `marketplace new` writes, for the contributor to replace. `check` warns
/// while it is still there (`lint.rs`), as for every placeholder below.
pub const SUMMARY_PLACEHOLDER: &str = "Describe in one sentence what this module does and for whom.";

/// The description of a new module: each section's heading and the placeholder text that
/// says what to write under it.
pub const SECTIONS: &[(&str, &str)] = &[
    ("What it does", "Say what problem the module solves and which machine-learning method it uses."),
    ("Data", "Which data it was trained on, and what input it expects for prediction (file types,\nsizes, units)."),
    ("Predict", "What the PREDICT method of the API takes and returns."),
    (
        "Retrain",
        "How to retrain the module on your own data: the expected folder layout, the main\ntraining parameters, \
         where the trained model ends up.",
    ),
    ("References", "Papers to read and cite."),
];

/// The commented `[links]` lines of a new module: key, placeholder URL, what it is.
pub const LINK_PLACEHOLDERS: &[(&str, &str, &str)] = &[
    ("source", "https://github.com/your-org/your-module", "the code"),
    ("container", "https://github.com/your-org/DEEP-OC-your-module", "the container's code"),
    ("docker", "https://hub.docker.com/r/your-org/your-module", "the Docker image's page"),
    ("cite", "https://doi.org/10.xxxx/xxxxx", "what to cite"),
    ("weights", "https://example.org/weights.tar.gz", "pre-trained weights"),
    ("training", "https://example.org/training.tar.gz", "all training output"),
    ("dataset", "https://example.org/dataset", "the training dataset"),
    ("documentation", "https://docs.example.org/your-module", ""),
];

/// The commented `[docker] image` of a new module.
pub const IMAGE_PLACEHOLDER: &str = "your-org/your-module";

pub struct NewModule {
    pub root: PathBuf,
    pub slug: String,
    pub title: Option<String>,
    pub category: Option<String>,
}

/// Why `new` refused: each is the user's to fix, so the binary exits 1.
#[derive(Debug)]
pub enum Refusal {
    BadSlug(String),
    UnknownCategory { given: String, known: Vec<String> },
    Exists(PathBuf),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::BadSlug(s) => write!(
                f,
                "`{s}` is not a valid slug: use lowercase ASCII letters, digits and single hyphens{}",
                slug::slugify(s).map(|x| format!(" (e.g. `{x}`)")).unwrap_or_default()
            ),
            Refusal::UnknownCategory { given, known } => {
                write!(f, "unknown category `{given}`; known categories: {}", known.join(", "))
            }
            Refusal::Exists(p) => write!(f, "{} already exists; it was left untouched", p.display()),
        }
    }
}

/// Writes `modules/<slug>.md` and returns its path, or says why it would not.
pub fn new_module(opts: &NewModule, today: NaiveDate) -> Result<std::result::Result<PathBuf, Refusal>> {
    if !slug::is_valid(&opts.slug) {
        return Ok(Err(Refusal::BadSlug(opts.slug.clone())));
    }
    let known = categories(&opts.root);
    let category = match &opts.category {
        Some(c) if known.contains(c) => c.clone(),
        Some(c) => return Ok(Err(Refusal::UnknownCategory { given: c.clone(), known })),
        None if known.iter().any(|c| c == "general-purpose") => "general-purpose".into(),
        None => match known.first() {
            Some(c) => c.clone(),
            None => return Ok(Err(Refusal::UnknownCategory { given: "(none given)".into(), known })),
        },
    };
    let dir = opts.root.join("modules");
    fs::create_dir_all(&dir).map_err(Error::io("create", &dir))?;
    let path = dir.join(format!("{}.md", opts.slug));
    let title = opts.title.clone().unwrap_or_else(|| title_from_slug(&opts.slug));
    let text = template(&title, &category, &known, today);
    // `create_new` so that a file appearing meanwhile is never overwritten.
    let mut file = match fs::OpenOptions::new().write(true).create_new(true).open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(Err(Refusal::Exists(path))),
        Err(e) => return Err(Error::Io { path, action: "create", source: e }),
    };
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(Error::io("write", &path))?;
    Ok(Ok(path))
}

fn categories(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(root.join("content/categories"))
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_string_lossy().strip_suffix(".md").map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn title_from_slug(slug: &str) -> String {
    let words: Vec<String> = slug.split('-').map(str::to_string).collect();
    let mut t = words.join(" ");
    if let Some(first) = t.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    t
}

fn template(title: &str, category: &str, known: &[String], today: NaiveDate) -> String {
    let title = toml::Value::String(title.to_string()).to_string();
    let category = toml::Value::String(category.to_string()).to_string();
    format!(
        r#"+++
# The module's name as visitors see it (one line, at most 120 characters).
title = {title}
# One line saying what the module does (at most 300 characters; cards show ~200).
summary = "{summary}"
# One of: {known}.
category = {category}
# Words a visitor might search for. Case-insensitive; each gets a tag page.
tags = []
# The licence as an SPDX expression, e.g. "MIT", "Apache-2.0", "GPL-3.0-or-later".
# license = "MIT"
# When the module was first published, and last changed (TOML dates, no quotes).
created = {today}
# updated = {today}
# "model" (the default) or "tool".
kind = "model"
# Can it predict as it is (pre-trained)? Can it be retrained on your data?
predict = true
train = false
# What it does, what it is built with, what data it takes: values of the ai4-metadata
# vocabularies, written exactly as listed here (`Other` when none fits).
{tasks}
tasks = []
{libraries}
libraries = []
{data_types}
data_types = []

# Links: absolute https:// URLs. Remove the `#` of each line you fill in.
[links]
{links}

# How to run the container. Without this table, it is derived from links.docker.
# [docker]
# image = "{image}"   # what `docker run` pulls
# tag = "latest"
# port = 5000
# api_path = "/docs"               # where the DEEPaaS API is browsed

# What it needs to run: whole numbers, memory and disk in MB. Leave out what you do not know.
# [resources.inference]            # to predict
# cpu = 2
# gpu = 0                          # 0: runs without a GPU
# memory_mb = 8000
# gpu_memory_mb = 4000             # only with gpu = 1 or more
# storage_mb = 2000
# [resources.training]             # to retrain: the same keys
# cpu = 8
# gpu = 1
+++
{sections}"#,
        summary = SUMMARY_PLACEHOLDER,
        known = known.join(", "),
        tasks = listing(&TASKS),
        libraries = listing(&LIBRARIES),
        data_types = listing(&DATA_TYPES),
        links = link_lines(),
        image = IMAGE_PLACEHOLDER,
        sections = sections(),
    )
}

/// The commented `[links]` lines, their comments lined up.
fn link_lines() -> String {
    let line = |key: &str, url: &str| format!("# {key} = \"{url}\"");
    let width = LINK_PLACEHOLDERS
        .iter()
        .filter(|(_, _, what)| !what.is_empty())
        .map(|(k, u, _)| line(k, u).len())
        .max()
        .unwrap_or(0);
    let lines: Vec<String> = LINK_PLACEHOLDERS
        .iter()
        .map(|(k, u, what)| match what {
            &"" => line(k, u),
            what => format!("{:<width$} # {what}", line(k, u)),
        })
        .collect();
    lines.join("\n")
}

/// `## Heading`, a blank line, the placeholder, a blank line: each section in turn.
fn sections() -> String {
    let parts: Vec<String> = SECTIONS.iter().map(|(heading, text)| format!("## {heading}\n\n{text}\n")).collect();
    parts.join("\n")
}

/// `# tasks: Computer Vision, ...` in comment lines of at most 90 characters.
fn listing(v: &Vocabulary) -> String {
    let mut lines = vec![format!("# {}:", v.key)];
    for value in v.values {
        let last = lines.last_mut().expect("one line at least");
        if last.len() + value.len() + 2 > 90 {
            lines.push(format!("#   {value},"));
        } else {
            last.push_str(&format!(" {value},"));
        }
    }
    let mut text = lines.join("\n");
    text.pop(); // the last comma
    text
}
