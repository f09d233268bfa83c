//! AI4OS `ai4-metadata.yml` (schemas v1.0.0 and v2.x) -> `Draft`.
//!
//! | AI4OS | module |
//! |---|---|
//! | `title`, `summary`, `description` | `title`, `summary`, the Markdown description |
//! | `dates.created`, `dates.updated` | `created`, `updated` |
//! | `tags`, `libraries` | `tags` |
//! | `categories`: `AI4 trainable` / `AI4 inference`, `AI4 pre trained` | `train` / `predict` |
//! | `license` (rarely present) | `license`, mapped to SPDX |
//! | `links.source_code` | `links.source` |
//! | `links.docker_image` | `[docker] image` (and the Docker Hub page) |
//! | `links.dataset` / `dataset_url` | `links.dataset` |
//! | `links.training_data` / `training_files_url` | `links.training` |
//! | `links.citation` / `cite_url` / `zenodo_doi` | `links.cite` |
//! | `links.weights`, `links.documentation` | `links.weights`, `links.documentation` |

use serde_norway::Value;

use super::{date, link, slug_from_name, spdx_license, Draft};

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
const V2_OPTIONAL: &[&str] = &["data-type", "license", "resources"];

pub fn read(text: &str) -> Result<Draft, String> {
    let v: Value = serde_norway::from_str(text).map_err(|e| format!("invalid YAML: {e}"))?;
    let map = v.as_mapping().ok_or("not an AI4OS metadata mapping")?;
    let get = |key: &str| map.get(Value::String(key.into()));
    let s = |v: Option<&Value>| v.and_then(value_str);
    let mut d = Draft::default();
    for key in V2_REQUIRED {
        if get(key).is_none() {
            d.warnings.push(format!("the AI4OS schema requires `{key}`, which is missing"));
        }
    }
    for (k, _) in map {
        if let Some(k) = k.as_str() {
            if !V2_REQUIRED.contains(&k) && !V2_OPTIONAL.contains(&k) {
                d.warnings.push(format!("unknown AI4OS key `{k}` ignored"));
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
    for t in list(get("tags")).into_iter().chain(list(get("libraries"))) {
        d.tags.push(t.to_lowercase());
    }
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
