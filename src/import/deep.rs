//! DEEP Open Catalogue `metadata.json` (schema `deep-apps.json`) -> `Draft`.
//!
//! | DEEP | module |
//! |---|---|
//! | `title`, `summary` | `title`, `summary` |
//! | `description` (array of lines) | the Markdown description, lines joined |
//! | `keywords` | `tags`; `trainable` sets `train`, `inference` / `pre-trained` set `predict` |
//! | keywords `tensorflow`, `keras`, `pytorch`, `scikit-learn` | `libraries` (`TensorFlow` ...), besides the tags |
//! | `license` | `license`, mapped to SPDX (`Apache 2.0` -> `Apache-2.0`) |
//! | `date_creation` | `created` |
//! | `sources.code` | `links.source` |
//! | `sources.dockerfile_repo` | `links.container` |
//! | `sources.docker_registry_repo` | `[docker] image` (and the Docker Hub page) |
//! | `sources.pre_trained_weights` | `links.weights` |
//! | `cite_url`, `dataset_url`, `training_files_url` | `links.cite`, `links.dataset`, `links.training` |

use serde_json::Value;

use super::{date, link, slug_from_name, spdx_license, Draft};

const LABEL_KEYWORDS: &[&str] = &["trainable", "inference", "pre-trained"];
/// Keywords that name a library of the vocabulary and nothing else. Others that mention
/// one (`library/theano`, `faster-rcnn`) say too little to be sure.
const LIBRARY_KEYWORDS: &[(&str, &str)] =
    &[("tensorflow", "TensorFlow"), ("keras", "Keras"), ("pytorch", "PyTorch"), ("scikit-learn", "Scikit-learn")];

pub fn read(text: &str) -> Result<Draft, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    from_value(&v)
}

/// The DEEP layout, also that of AI4OS's schema v1.0.0 (`date_creation`, `keywords`,
/// `sources`), whichever file it was read from.
pub fn from_value(v: &Value) -> Result<Draft, String> {
    let obj = v.as_object().ok_or("not a DEEP metadata object (expected `{ ... }`)")?;
    let mut d = Draft::default();
    let str_of = |key: &str| obj.get(key).and_then(Value::as_str);
    // Fields the schema requires but the module format can do without only warn.
    for key in ["description", "keywords", "license", "sources"] {
        if !obj.contains_key(key) {
            d.warnings.push(format!("the DEEP schema requires `{key}`, which is missing"));
        }
    }
    d.title = str_of("title").ok_or("no `title`")?.to_string();
    d.summary = str_of("summary").unwrap_or("").to_string();
    d.description = match obj.get("description") {
        Some(Value::Array(lines)) => lines.iter().filter_map(Value::as_str).map(|l| format!("{l}\n")).collect(),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    if let Some(Value::Array(k)) = obj.get("keywords") {
        for kw in k.iter().filter_map(Value::as_str) {
            let lower = kw.trim().to_lowercase();
            match lower.as_str() {
                "trainable" => d.train = true,
                "inference" | "pre-trained" => d.predict = true,
                _ => {}
            }
            if let Some((_, library)) = LIBRARY_KEYWORDS.iter().find(|(k, _)| *k == lower) {
                d.libraries.push((*library).to_string());
            }
            if !LABEL_KEYWORDS.contains(&lower.as_str()) {
                d.tags.push(lower);
            }
        }
    }
    d.license = str_of("license").and_then(|l| spdx_license(l, &mut d.warnings));
    d.created = date(str_of("date_creation"));
    if str_of("date_creation").is_some() && d.created.is_none() {
        return Err("`date_creation` is not a date (YYYY-MM-DD)".into());
    }
    let sources = obj.get("sources").and_then(Value::as_object);
    let src = |key: &str| sources.and_then(|s| s.get(key)).and_then(Value::as_str);
    let mut w = std::mem::take(&mut d.warnings);
    d.links.source = link(src("code"), "sources.code", &mut w);
    d.links.container = link(src("dockerfile_repo"), "sources.dockerfile_repo", &mut w);
    d.links.weights = link(src("pre_trained_weights"), "sources.pre_trained_weights", &mut w);
    d.links.cite = link(str_of("cite_url"), "cite_url", &mut w);
    d.links.dataset = link(str_of("dataset_url"), "dataset_url", &mut w);
    d.links.training = link(str_of("training_files_url"), "training_files_url", &mut w);
    d.warnings = w;
    d.docker_image = src("docker_registry_repo").map(str::to_string);
    d.links.docker = d.docker_image.as_deref().and_then(|i| crate::module::hub_url(i.split(':').next().unwrap_or(i)));
    let name = src("docker_registry_repo").or(src("dockerfile_repo")).or(src("code")).unwrap_or("");
    d.slug = slug_from_name(name);
    if d.slug.is_empty() {
        d.slug = crate::slug::slugify(&d.title).unwrap_or_default();
    }
    Ok(d)
}
