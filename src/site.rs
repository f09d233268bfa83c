//! `Site`: the loaded repository. Settings, categories, content pages and modules, each
//! validated; nothing here knows about HTML.

use std::collections::BTreeMap;

use crate::module::{Module, Tag};

#[derive(Debug, Clone)]
pub struct Settings {
    pub title: String,
    pub description: String,
    /// Absolute, always ending in `/`.
    pub base_url: String,
    pub language: String,
    pub repository: Option<String>,
    /// Modules per list page before pagination.
    pub page_size: usize,
    /// `[search] elasticlunr_json`: also write `search-index.json` (elasticlunr.js's
    /// format), which the site itself never reads. Off by default.
    pub elasticlunr_json: bool,
    /// `[check]`: how `check --links` asks the outside world.
    pub check: CheckSettings,
}

/// `content/site.toml`'s `[check]` table, read by `check --links` only (`linkcheck`).
/// Every key is optional; `Default` gives the values of a site that sets none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSettings {
    /// URL prefixes never asked (`skip = ["https://example.org/private/"]`).
    pub skip: Vec<String>,
    /// Status codes accepted besides 2xx (`accept = [403]`).
    pub accept: Vec<u16>,
    /// The whole of one request, connecting included, in seconds.
    pub timeout_seconds: u64,
    /// How long a good result is trusted without asking again; 0 keeps no cache.
    pub cache_max_age_hours: u64,
    /// The base address of Docker Hub's API (its tags endpoint is under it), no
    /// trailing `/`.
    pub docker_registry: String,
    /// Requests at once to one host.
    pub per_host: usize,
    /// The least time between the starts of two requests to one host, in milliseconds.
    pub host_interval_ms: u64,
    /// How many times a 429 or 503 is asked again.
    pub retries: u32,
    /// The longest wait a `Retry-After` gets, in seconds.
    pub max_retry_wait_seconds: u64,
}

impl Default for CheckSettings {
    fn default() -> Self {
        CheckSettings {
            skip: Vec::new(),
            accept: Vec::new(),
            timeout_seconds: 15,
            cache_max_age_hours: 24,
            docker_registry: "https://hub.docker.com".into(),
            per_host: 2,
            host_interval_ms: 100,
            retries: 2,
            max_retry_wait_seconds: 60,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Category {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub order: i64,
    pub icon: Option<String>,
    pub body: String,
    pub path: String,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub order: i64,
    pub in_nav: bool,
    pub body: String,
    pub path: String,
}

/// Everything a build needs, in a deterministic order: categories and pages by
/// (order, slug), modules by slug.
#[derive(Debug, Clone)]
pub struct Site {
    pub settings: Settings,
    pub categories: Vec<Category>,
    pub pages: Vec<Page>,
    pub modules: Vec<Module>,
}

/// A tag with the modules that carry it.
#[derive(Debug, Clone)]
pub struct TagGroup<'a> {
    pub tag: Tag,
    pub modules: Vec<&'a Module>,
}

impl Site {
    pub fn category(&self, slug: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.slug == slug)
    }

    pub fn modules_in(&self, category: &str) -> Vec<&Module> {
        self.modules.iter().filter(|m| m.category == category).collect()
    }

    /// Modules newest first (by `created`, then slug), for the home page and feeds.
    pub fn newest(&self) -> Vec<&Module> {
        let mut v: Vec<&Module> = self.modules.iter().collect();
        v.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.slug.cmp(&b.slug)));
        v
    }

    /// Tags by slug. Two spellings with one slug share a page, shown under the first name
    /// in sort order.
    pub fn tags(&self) -> Vec<TagGroup<'_>> {
        let mut map: BTreeMap<&str, TagGroup> = BTreeMap::new();
        for m in &self.modules {
            for t in &m.tags {
                let g = map.entry(t.slug.as_str()).or_insert_with(|| TagGroup { tag: t.clone(), modules: Vec::new() });
                if t.name < g.tag.name {
                    g.tag.name = t.name.clone();
                }
                g.modules.push(m);
            }
        }
        map.into_values().collect()
    }
}
