//! The URL layout of the output (DESIGN.md's output table) and `OutputFile`: what every
//! stage that writes files (`render`, `outputs`, `search`, `assets`) shares, below all of
//! them.

use crate::error::Result;

/// A file of the output, path relative to the output root.
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Where rendered files go as soon as they exist (the build's staging directory), so a
/// build never holds every page in memory. Called from many threads.
pub type Emit<'e> = dyn Fn(OutputFile) -> Result<()> + Sync + 'e;

/// `modules/x/index.html` -> `../../`: the way back to the site root from a page.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// The URL of page `n` of a paginated list whose first page is `base` + `index.html`.
pub fn list_url(base: &str, n: usize) -> String {
    if n <= 1 {
        format!("{base}index.html")
    } else {
        format!("{base}page/{n}/index.html")
    }
}

pub fn module_url(slug: &str) -> String {
    format!("modules/{slug}/index.html")
}
pub fn badge_url(slug: &str) -> String {
    format!("modules/{slug}/badge.svg")
}
pub fn module_json_url(slug: &str) -> String {
    format!("modules/{slug}/index.json")
}
pub fn category_url(slug: &str) -> String {
    format!("categories/{slug}/index.html")
}
pub fn tag_url(slug: &str) -> String {
    format!("tags/{slug}/index.html")
}
pub fn page_url(slug: &str) -> String {
    format!("{slug}/index.html")
}

/// Where `url` (relative to the site root) lives on the web: directory URLs for pages.
pub fn absolute_url(base_url: &str, url: &str) -> String {
    format!("{base_url}{}", url.strip_suffix("index.html").unwrap_or(url))
}
