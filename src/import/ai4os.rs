//! AI4OS `ai4-metadata.yml` (schemas v1.0.0 and v2.x) -> `Draft`. A file in v1.0.0's
//! own layout (DEEP's: `date_creation`, `keywords`, `sources`) is read as DEEP metadata.
//!
//! | AI4OS | module |
//! |---|---|
//! | `title`, `summary`, `description` | `title`, `summary`, the Markdown description |
//! | `dates.created`, `dates.updated` | `created`, `updated` |
//! | `tags` | `tags` |
//! | `tasks`, `libraries`, `data-type` | `tasks`, `libraries`, `data_types` (outside the vocabulary: `Other`) |
//! | `resources.inference`, `resources.training` (`cpu`, `gpu`, `memory_MB`, `gpu_memory_MB`, `storage_MB`) | `[resources.inference]`, `[resources.training]` (`memory_mb` ...) |
//! | `categories`: `AI4 trainable` / `AI4 inference`, `AI4 pre trained` | `train` / `predict` |
//! | `license` (rarely present) | `license`, mapped to SPDX |
//! | `links.source_code` | `links.source` |
//! | `links.docker_image` | `[docker] image` (and the Docker Hub page) |
//! | `links.dataset` / `dataset_url` | `links.dataset` |
//! | `links.training_data` / `training_files_url` | `links.training` |
//! | `links.citation` / `cite_url` / `zenodo_doi` | `links.cite` |
//! | `links.weights`, `links.documentation` | `links.weights`, `links.documentation` |
//!
//! A top-level key given twice keeps its last value, as AI4OS's Python tooling reads it.

use serde_norway::Value;

use super::{date, link, slug_from_name, spdx_license, yaml, Draft};
use crate::frontmatter::did_you_mean;
use crate::module::{Requirements, Resources};

const V2_REQUIRED: &[&str] = &[
    "metadata_version",
    "title",
    "summary",
    "description",
    "dates",
    "links",
    "tags",
    "tasks",
    "categories",
    "libraries",
];
/// Keys the schema knows besides the required ones.
const V2_OPTIONAL: &[&str] = &["data-type", "license", "resources", "doi"];
/// AI4OS resource keys and the module format's names for them.
const RESOURCE_KEYS: &[(&str, &str)] = &[
    ("cpu", "cpu"),
    ("gpu", "gpu"),
    ("memory_MB", "memory_mb"),
    ("gpu_memory_MB", "gpu_memory_mb"),
    ("storage_MB", "storage_mb"),
];
/// AI4OS resource keys the module format has no place for.
const RESOURCE_KEYS_DROPPED: &[&str] = &["gpu_compute_capability"];

pub fn read(text: &str) -> Result<Draft, String> {
    let (text, duplicates) = yaml::last_key_wins(text);
    let v: Value = serde_norway::from_str(&text).map_err(|e| format!("invalid YAML: {e}"))?;
    let map = v.as_mapping().ok_or("not an AI4OS metadata mapping")?;
    let get = |key: &str| map.get(Value::String(key.into()));
    // Schema v1.0.0 kept DEEP's layout; files marked 1.0.0 with `dates` use v2's.
    if get("dates").is_none() && get("date_creation").is_some() {
        let json = serde_json::to_value(&v).map_err(|e| format!("cannot read the v1 layout: {e}"))?;
        let mut d = super::deep::from_value(&json)?;
        d.warnings.splice(0..0, duplicates.iter().map(yaml::DuplicateKey::warning));
        return Ok(d);
    }
    let s = |v: Option<&Value>| v.and_then(value_str);
    let mut d = Draft::default();
    d.warnings.extend(duplicates.iter().map(yaml::DuplicateKey::warning));
    for key in V2_REQUIRED {
        if get(key).is_none() {
            d.warnings.push(format!("the AI4OS schema requires `{key}`, which is missing"));
        }
    }
    for (k, _) in map {
        if let Some(k) = k.as_str() {
            if !V2_REQUIRED.contains(&k) && !V2_OPTIONAL.contains(&k) {
                let known = V2_REQUIRED.iter().chain(V2_OPTIONAL).copied();
                let hint = did_you_mean(k, known).map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default();
                d.warnings.push(format!("unknown AI4OS key `{k}` ignored{hint}"));
            }
        }
    }
    d.title = s(get("title")).ok_or("no `title`")?;
    d.summary = s(get("summary")).unwrap_or_default();
    d.description = s(get("description")).unwrap_or_default();
    let dates = get("dates");
    let field = |v: Option<&Value>, key: &str| v.and_then(|v| v.get(key)).and_then(value_str);
    d.created = date(field(dates, "created").as_deref());
    d.updated = date(field(dates, "updated").as_deref());
    if d.created.is_none() {
        return Err("no `dates.created` date (YYYY-MM-DD)".into());
    }
    // `libraries` are a field of their own now, no longer tags.
    d.tags = list(get("tags")).into_iter().map(|t| t.to_lowercase()).collect();
    d.tasks = list(get("tasks"));
    d.libraries = list(get("libraries"));
    d.data_types = list(get("data-type"));
    for c in list(get("categories")) {
        match c.to_lowercase().as_str() {
            "ai4 trainable" => d.train = true,
            "ai4 inference" | "ai4 pre trained" => d.predict = true,
            _ => {}
        }
    }
    let mut w = std::mem::take(&mut d.warnings);
    d.license = s(get("license")).and_then(|l| spdx_license(&l, &mut w));
    let links = get("links");
    let l = |key: &str| field(links, key);
    d.links.source = link(l("source_code").as_deref(), "links.source_code", &mut w);
    d.links.dataset = link(l("dataset").or_else(|| l("dataset_url")).as_deref(), "links.dataset", &mut w);
    d.links.training =
        link(l("training_data").or_else(|| l("training_files_url")).as_deref(), "links.training_data", &mut w);
    d.links.cite =
        link(l("citation").or_else(|| l("cite_url")).or_else(|| l("zenodo_doi")).as_deref(), "links.citation", &mut w);
    d.links.weights = link(l("weights").as_deref(), "links.weights", &mut w);
    d.links.documentation = link(l("documentation").as_deref(), "links.documentation", &mut w);
    d.resources = get("resources").map(|r| resources(r, &mut w)).unwrap_or_default();
    d.warnings = w;
    d.docker_image = l("docker_image");
    d.links.docker = d
        .docker_image
        .as_deref()
        .and_then(|i| crate::module::hub_url(&i.split(':').next().unwrap_or(i).to_lowercase()));
    d.slug = l("source_code")
        .map(|s| slug_from_name(&s))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| l("docker_image").map(|s| slug_from_name(&s)).unwrap_or_default());
    Ok(d)
}

/// `resources.inference` / `resources.training` -> `Resources`; what does not map is
/// named in a warning.
fn resources(v: &Value, w: &mut Vec<String>) -> Resources {
    let mut r = Resources::default();
    let Some(map) = v.as_mapping() else {
        if !v.is_null() {
            w.push("`resources` is not a mapping: ignored".into());
        }
        return r;
    };
    for (stage, table) in map {
        let stage = stage.as_str().map_or_else(|| format!("{stage:?}"), str::to_string);
        let slot = match stage.as_str() {
            "inference" => &mut r.inference,
            "training" => &mut r.training,
            _ => {
                w.push(format!("unknown AI4OS resource key `resources.{stage}` ignored"));
                continue;
            }
        };
        *slot = requirements(&stage, table, w);
    }
    r
}

fn requirements(stage: &str, v: &Value, w: &mut Vec<String>) -> Option<Requirements> {
    let Some(map) = v.as_mapping() else {
        if !v.is_null() {
            w.push(format!("`resources.{stage}` is not a mapping: ignored"));
        }
        return None;
    };
    let mut r = Requirements::default();
    let mut any = false;
    for (key, value) in map {
        let key = key.as_str().map_or_else(|| format!("{key:?}"), str::to_string);
        let name = format!("resources.{stage}.{key}");
        if RESOURCE_KEYS_DROPPED.contains(&key.as_str()) {
            let shown = value_str(value).unwrap_or_default();
            w.push(format!("`{name}` ({shown}) has no place in the module format: dropped"));
            continue;
        }
        let Some((_, ours)) = RESOURCE_KEYS.iter().find(|(theirs, _)| theirs.eq_ignore_ascii_case(&key)) else {
            w.push(format!("unknown AI4OS resource key `{name}` ignored"));
            continue;
        };
        let amount = match value {
            Value::Number(n) => {
                n.as_u64().or_else(|| n.as_f64().filter(|x| x.fract() == 0.0 && *x >= 0.0).map(|x| x as u64))
            }
            _ => None,
        };
        match amount {
            Some(a) if r.set(ours, a) => any = true,
            _ => w.push(format!("`{name}` is not a whole number, 0 or more: dropped")),
        }
    }
    any.then_some(r)
}

fn value_str(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Sequence(items)) => items.iter().filter_map(value_str).collect(),
        Some(other) => value_str(other).into_iter().collect(),
        None => Vec::new(),
    }
}
