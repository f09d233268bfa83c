//! Building the real catalogue: every page exists, every internal link works and is
//! relative, and module pages show how to run the module and every link it declares.

use std::fs;
use std::path::Path;

use crate::common::{self, real_build, RealBuild, TestSite};

/// The real build, asserted to have succeeded.
fn built() -> &'static RealBuild {
    let b = real_build();
    b.run.expect(0);
    b
}

/// `(slug, text)` of every real module file.
fn module_files() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = fs::read_dir(Path::new(common::REPO).join("modules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), common::read(&p)))
        .collect();
    out.sort();
    assert!(out.len() > 40, "the real catalogue has its modules");
    out
}

fn stems(dir: &str) -> Vec<String> {
    fs::read_dir(Path::new(common::REPO).join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn real_catalogue_builds() {
    let b = real_build();
    b.run.expect(0);
    b.run.stderr_has(&format!("built {} modules", module_files().len()));
}

#[test]
fn site_wide_files_exist() {
    let b = built();
    for f in [
        "index.html",
        "categories/index.html",
        "tags/index.html",
        "search/index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "atom.xml",
        "catalogue.json",
        "search-index/meta.json",
    ] {
        assert!(b.public.join(f).is_file(), "{f} is missing");
    }
    // Opt-in: no page reads it.
    assert!(!b.public.join("search-index.json").exists(), "search-index.json without `[search] elasticlunr_json`");
}

/// `[search] elasticlunr_json = true` writes `search-index.json`, an elasticlunr.js 0.9.5
/// index whose ref is the slug (tests/js load it in elasticlunr.js); a typo in the table
/// is an error at its line.
#[test]
fn search_index_json_is_written_when_asked_for() {
    let site = TestSite::new();
    site.fixture("browser/cpu-only-scorer.md");
    let settings = site.path("content/site.toml");
    let text = common::read(&settings);
    fs::write(&settings, format!("{text}\n[search]\nelasticlunr_json = true\n")).unwrap();
    site.build().expect(0);
    // (Its word tries nest deeper than serde_json's recursion limit: checked as text.)
    let index = common::read(&site.public().join("search-index.json"));
    assert!(index.starts_with('{') && index.contains("\"ref\":\"slug\"") && index.contains("\"version\":\"0.9.5\""));

    fs::write(&settings, format!("{text}\n[search]\nelasticlunr = true\n")).unwrap();
    let line = text.lines().count() + 3;
    site.build()
        .expect(1)
        .stderr_has(&format!("content/site.toml:{line}:1"))
        .stderr_has("unknown key `search.elasticlunr`")
        .stderr_has("did you mean `elasticlunr_json`?");
}

#[test]
fn every_module_has_a_page() {
    let b = built();
    for (slug, _) in module_files() {
        assert!(b.public.join(format!("modules/{slug}/index.html")).is_file(), "no page for module {slug}");
    }
}

#[test]
fn every_category_and_content_page_has_a_page() {
    let b = built();
    for slug in stems("content/categories") {
        assert!(b.public.join(format!("categories/{slug}/index.html")).is_file(), "no page for category {slug}");
    }
    for slug in stems("content/pages") {
        assert!(b.public.join(format!("{slug}/index.html")).is_file(), "no page for content page {slug}");
    }
}

#[test]
fn every_tag_has_a_page() {
    let b = built();
    let mut count = 0;
    for (slug, text) in module_files() {
        let fm = common::front_matter(&text);
        for tag in fm.get("tags").and_then(|t| t.as_array()).into_iter().flatten() {
            let tag_slug = common::slugify(tag.as_str().unwrap());
            let page = b.public.join(format!("tags/{tag_slug}/index.html"));
            assert!(page.is_file(), "no page for tag {tag} of {slug} (expected tags/{tag_slug}/index.html)");
            // The tag page lists the module.
            common::file_contains(&page, &format!("modules/{slug}/index.html"));
            count += 1;
        }
    }
    assert!(count > 0, "the real catalogue has tags");
}

#[test]
fn catalogue_json_lists_every_module() {
    let b = built();
    let json: serde_json::Value = serde_json::from_str(&common::read(&b.public.join("catalogue.json"))).unwrap();
    let listed: Vec<&str> = json["modules"].as_array().unwrap().iter().map(|m| m["slug"].as_str().unwrap()).collect();
    let files: Vec<String> = module_files().into_iter().map(|(s, _)| s).collect();
    assert_eq!(listed, files);
}

/// Crawls every page: each relative `href`/`src`/`action` must name a file of the output.
#[test]
fn no_broken_internal_links() {
    let b = built();
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in common::html_files(&b.public) {
        let html = common::read(&b.public.join(&page));
        for (tag, url) in common::urls(&html) {
            if common::is_external(&url) || url.starts_with('#') {
                continue;
            }
            checked += 1;
            match common::resolve(&b.public, &page, &url) {
                Some(file) if file.is_file() => {}
                _ => broken.push(format!("{page}: <{tag}> {url}")),
            }
        }
    }
    assert!(checked > 1000, "the crawler saw the site's links ({checked})");
    assert!(broken.is_empty(), "{} broken internal links:\n{}", broken.len(), broken.join("\n"));
}

/// A link starting with `/` breaks under a sub-path and from disk.
#[test]
fn no_root_absolute_links() {
    let b = built();
    let mut absolute = Vec::new();
    for page in common::html_files(&b.public) {
        let html = common::read(&b.public.join(&page));
        for (tag, url) in common::urls(&html) {
            if url.trim_start().starts_with('/') {
                absolute.push(format!("{page}: <{tag}> {url}"));
            }
        }
    }
    assert!(absolute.is_empty(), "root-absolute links:\n{}", absolute.join("\n"));
}

/// Each module page shows `docker run` for its image and every link of its `[links]`.
#[test]
fn module_pages_show_docker_command_and_links() {
    let b = built();
    for (slug, text) in module_files() {
        let page = common::read(&b.public.join(format!("modules/{slug}/index.html")));
        let fm = common::front_matter(&text);
        let docker = fm["docker"].as_table().unwrap_or_else(|| panic!("{slug} has [docker]"));
        let image = docker["image"].as_str().unwrap();
        let tag = docker.get("tag").and_then(|t| t.as_str()).unwrap_or("latest");
        let port = docker.get("port").and_then(|p| p.as_integer()).unwrap_or(5000);
        let command = format!("docker run -ti -p {port}:{port} {image}:{tag}");
        assert!(page.contains(&command), "modules/{slug}: no `{command}`");
        let hrefs: Vec<String> =
            common::start_tags(&page).iter().filter_map(|t| t.attr("href").map(str::to_string)).collect();
        for (key, url) in fm.get("links").and_then(|l| l.as_table()).into_iter().flatten() {
            let url = url.as_str().unwrap();
            assert!(hrefs.iter().any(|h| h == url), "modules/{slug}: links.{key} ({url}) is not a link of the page");
        }
    }
}
