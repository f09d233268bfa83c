//! The non-HTML outputs: `sitemap.xml`, `robots.txt`, `atom.xml` and `catalogue.json`.
//! All absolute URLs come from `base_url`; nothing depends on the clock.

use serde::Serialize;

use crate::layout::{absolute_url, category_url, module_url, page_url, tag_url};
use crate::markdown::escape;
use crate::module::{Docker, Kind, Links, Module, Resources};
use crate::site::Site;
use crate::vocabulary::{DataTypeName, LibraryName, TaskName};

/// How many modules the Atom feed carries.
pub const FEED_SIZE: usize = 50;

pub fn robots(site: &Site) -> String {
    format!("User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n", site.settings.base_url)
}

pub fn sitemap(site: &Site) -> String {
    let base = &site.settings.base_url;
    let mut urls: Vec<(String, Option<String>)> = vec![(absolute_url(base, "index.html"), None)];
    for m in &site.modules {
        urls.push((absolute_url(base, &module_url(&m.slug)), Some(m.updated.unwrap_or(m.created).to_string())));
    }
    urls.push((absolute_url(base, "categories/index.html"), None));
    for c in &site.categories {
        urls.push((absolute_url(base, &category_url(&c.slug)), None));
    }
    urls.push((absolute_url(base, "tags/index.html"), None));
    for g in site.tags() {
        urls.push((absolute_url(base, &tag_url(&g.tag.slug)), None));
    }
    for p in &site.pages {
        urls.push((absolute_url(base, &page_url(&p.slug)), None));
    }
    urls.push((absolute_url(base, "search/index.html"), None));
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in urls {
        out.push_str("  <url><loc>");
        out.push_str(&escape(&loc));
        out.push_str("</loc>");
        if let Some(d) = lastmod {
            out.push_str("<lastmod>");
            out.push_str(&d);
            out.push_str("</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// The site-wide feed, newest modules first. Its `updated` is the newest module date, so
/// the same catalogue always gives the same bytes.
pub fn atom(site: &Site) -> String {
    feed(site, None)
}

/// The feed of one category, beside its page: `categories/<slug>/atom.xml`.
pub fn category_atom(site: &Site, category: &str) -> String {
    feed(site, Some(category))
}

fn feed(site: &Site, category: Option<&str>) -> String {
    let s = &site.settings;
    let newest: Vec<_> = site.newest().into_iter().filter(|m| category.is_none_or(|c| m.category == c)).collect();
    let self_path = category.map_or("atom.xml".to_string(), |c| format!("categories/{c}/atom.xml"));
    let title = match category.and_then(|c| site.category(c)) {
        Some(c) => format!("{}: {}", s.title, c.title),
        None => s.title.clone(),
    };
    let updated = newest.iter().map(|m| m.updated.unwrap_or(m.created)).max();
    let stamp = |d: chrono::NaiveDate| format!("{d}T00:00:00Z");
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!("  <title>{}</title>\n", escape(&title)));
    out.push_str(&format!("  <subtitle>{}</subtitle>\n", escape(&s.description)));
    let page = category.map_or(s.base_url.clone(), |c| absolute_url(&s.base_url, &category_url(c)));
    out.push_str(&format!("  <link rel=\"self\" href=\"{}{}\"/>\n", escape(&s.base_url), escape(&self_path)));
    out.push_str(&format!("  <link rel=\"alternate\" href=\"{}\"/>\n", escape(&page)));
    out.push_str(&format!("  <id>{}{}</id>\n", escape(&s.base_url), escape(&self_path)));
    out.push_str(&format!(
        "  <updated>{}</updated>\n",
        updated.map(stamp).unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
    ));
    for m in newest.into_iter().take(FEED_SIZE) {
        let url = absolute_url(&s.base_url, &module_url(&m.slug));
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", escape(&m.title)));
        out.push_str(&format!("    <link rel=\"alternate\" href=\"{}\"/>\n", escape(&url)));
        out.push_str(&format!("    <id>{}</id>\n", escape(&url)));
        out.push_str(&format!("    <published>{}</published>\n", stamp(m.created)));
        out.push_str(&format!("    <updated>{}</updated>\n", stamp(m.updated.unwrap_or(m.created))));
        out.push_str(&format!("    <author><name>{}</name></author>\n", escape(&s.title)));
        if let Some(c) = site.category(&m.category) {
            out.push_str(&format!("    <category term=\"{}\" label=\"{}\"/>\n", escape(&c.slug), escape(&c.title)));
        }
        out.push_str(&format!("    <summary>{}</summary>\n", escape(&m.summary)));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// One module in `catalogue.json`: the fields of the module format, normalised.
#[derive(Serialize, schemars::JsonSchema)]
struct CatalogueModule<'a> {
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    url: String,
    category: &'a str,
    tags: Vec<&'a str>,
    license: Option<&'a str>,
    created: String,
    updated: Option<String>,
    kind: Kind,
    predict: bool,
    train: bool,
    /// Values of the ai4-metadata v2 vocabularies.
    #[schemars(with = "Vec<TaskName>", extend("uniqueItems" = true))]
    tasks: &'a [String],
    #[schemars(with = "Vec<LibraryName>", extend("uniqueItems" = true))]
    libraries: &'a [String],
    #[schemars(with = "Vec<DataTypeName>", extend("uniqueItems" = true))]
    data_types: &'a [String],
    links: &'a Links,
    docker: Option<&'a Docker>,
    resources: &'a Resources,
}

impl<'a> CatalogueModule<'a> {
    fn new(base: &str, m: &'a Module) -> Self {
        CatalogueModule {
            slug: &m.slug,
            title: &m.title,
            summary: &m.summary,
            url: absolute_url(base, &module_url(&m.slug)),
            category: &m.category,
            tags: m.tags.iter().map(|t| t.name.as_str()).collect(),
            license: m.license.as_deref(),
            created: m.created.to_string(),
            updated: m.updated.map(|d| d.to_string()),
            kind: m.kind,
            predict: m.predict,
            train: m.train,
            tasks: &m.tasks,
            libraries: &m.libraries,
            data_types: &m.data_types,
            links: &m.links,
            docker: m.docker.as_ref(),
            resources: &m.resources,
        }
    }
}

#[derive(Serialize, schemars::JsonSchema)]
struct CatalogueCategory<'a> {
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    url: String,
}

/// `catalogue.json`: every module of the marketplace, machine-readable.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(title = "Marketplace catalogue")]
struct Catalogue<'a> {
    title: &'a str,
    base_url: &'a str,
    modules: Vec<CatalogueModule<'a>>,
    categories: Vec<CatalogueCategory<'a>>,
}

/// The JSON Schema of `catalogue.json`, from the types it is written from.
pub fn catalogue_schema() -> schemars::Schema {
    schemars::schema_for!(Catalogue<'static>)
}

/// Every module's metadata with stable field names (those of the module format).
pub fn catalogue_json(site: &Site) -> String {
    let base = &site.settings.base_url;
    let c = Catalogue {
        title: &site.settings.title,
        base_url: base,
        modules: site.modules.iter().map(|m| CatalogueModule::new(base, m)).collect(),
        categories: site
            .categories
            .iter()
            .map(|c| CatalogueCategory {
                slug: &c.slug,
                title: &c.title,
                summary: &c.summary,
                url: absolute_url(base, &category_url(&c.slug)),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&c).unwrap_or_default() + "\n"
}

/// One module's entry of `catalogue.json`, alone: the same fields, for tools that want one
/// module without the whole catalogue.
pub fn catalogue_module_json(site: &Site, m: &Module) -> String {
    serde_json::to_string_pretty(&CatalogueModule::new(&site.settings.base_url, m)).unwrap_or_default() + "\n"
}
