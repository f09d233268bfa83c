//! The prebuilt search index (`search-index.json`, loadable by elasticlunr.js 0.9.5) and
//! the compact per-module data that search result cards and facets need
//! (`search-data.json`).

use std::collections::BTreeMap;

use elasticlunr::IndexBuilder;
use serde::Serialize;

use crate::markdown::Rendered;
use crate::render::module_url;
use crate::site::Site;

/// Index fields, in the order documents are added.
pub const FIELDS: &[&str] = &["title", "tags", "summary", "category", "body"];
/// Query-time boosts (elasticlunr keeps boosts out of the index): the search client and
/// the tests use these.
pub const BOOSTS: &[(&str, u32)] = &[("title", 3), ("tags", 2), ("summary", 1), ("category", 1), ("body", 1)];

/// Builds the elasticlunr index over every module, as JSON.
pub fn index_json(site: &Site, rendered: &BTreeMap<String, Rendered>) -> String {
    let mut index = IndexBuilder::new().save_docs(false).add_fields(FIELDS).set_ref("slug").build();
    for m in &site.modules {
        let tags = m.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(" ");
        let category = site.category(&m.category).map_or(m.category.as_str(), |c| c.title.as_str());
        let body = rendered.get(&m.slug).map_or("", |r| r.plain.as_str());
        index.add_doc(&m.slug, [m.title.as_str(), tags.as_str(), m.summary.as_str(), category, body]);
    }
    index.to_json()
}

#[derive(Serialize)]
struct Entry<'a> {
    title: &'a str,
    summary: &'a str,
    url: String,
    category: &'a str,
    tags: Vec<&'a str>,
    license: Option<&'a str>,
    predict: bool,
    train: bool,
    created: String,
}

/// What a result card and the facets show, once per module, keyed by slug.
pub fn data_json(site: &Site) -> String {
    let entries: BTreeMap<&str, Entry> = site
        .modules
        .iter()
        .map(|m| {
            (
                m.slug.as_str(),
                Entry {
                    title: &m.title,
                    summary: &m.summary,
                    url: module_url(&m.slug),
                    category: &m.category,
                    tags: m.tags.iter().map(|t| t.name.as_str()).collect(),
                    license: m.license.as_deref(),
                    predict: m.predict,
                    train: m.train,
                    created: m.created.to_string(),
                },
            )
        })
        .collect();
    let categories: BTreeMap<&str, &str> =
        site.categories.iter().map(|c| (c.slug.as_str(), c.title.as_str())).collect();
    let boosts: BTreeMap<&str, u32> = BOOSTS.iter().copied().collect();
    serde_json::json!({ "boosts": boosts, "categories": categories, "modules": entries }).to_string()
}
