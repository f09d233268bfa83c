//! What a module page adds around the module's own text: its related modules, the README
//! badge and the module's JSON, and the AI4OS metadata (tasks, libraries, data types,
//! resources) in its panel.

use crate::common::{self, TestSite};

/// The module slugs a page lists under "Related modules", in order.
fn related_of(page: &str) -> Vec<String> {
    let Some(start) = page.find(r#"id="related""#) else { return Vec::new() };
    let section = &page[start..start + page[start..].find("</section>").expect("the section ends")];
    common::start_tags(section)
        .into_iter()
        .filter(|t| t.name == "a")
        .filter_map(|t| t.attr("href").map(str::to_string))
        .filter_map(|href| {
            href.strip_prefix("../../modules/").and_then(|h| h.strip_suffix("/index.html")).map(str::to_string)
        })
        .collect()
}

fn related_site() -> TestSite {
    let site = TestSite::new();
    for name in ["audio-birds", "audio-speech", "audio-whales", "image-plants", "image-seeds", "lonely-tool"] {
        site.fixture(&format!("related/{name}.md"));
    }
    site.build().expect(0);
    site
}

#[test]
fn related_modules_are_those_sharing_the_most_best_first() {
    let site = related_site();
    let related = |slug: &str| related_of(&site.page(&format!("modules/{slug}/index.html")));
    // Whales share the task, the data type, a tag, the category and four rare words; the
    // plants and seeds only the task and the category (a tie, by slug); speech the data type.
    assert_eq!(related("audio-birds"), ["audio-whales", "image-plants", "image-seeds", "audio-speech"]);
    assert_eq!(related("image-seeds"), ["image-plants", "audio-birds", "audio-whales"]);
    assert_eq!(related("audio-speech"), ["audio-birds", "audio-whales", "lonely-tool"]);
    // Sharing only the category with one module: that one; a module sharing nothing lists none.
    assert_eq!(related("lonely-tool"), ["audio-speech"]);
    // Every link of the section resolves to a built module page.
    for slug in ["audio-birds", "image-seeds"] {
        let page = site.page(&format!("modules/{slug}/index.html"));
        for other in related_of(&page) {
            assert!(site.public().join(format!("modules/{other}/index.html")).is_file(), "{slug} -> {other}");
        }
    }
}

#[test]
fn a_module_sharing_nothing_has_no_related_section() {
    let site = TestSite::new();
    site.module("alone.md", common::module_text("Alone", "Nothing shared."));
    site.build().expect(0);
    let page = site.page("modules/alone/index.html");
    assert!(!page.contains(r#"id="related""#), "a single module relates to nothing");
}

#[test]
fn the_readme_badge_is_small_valid_svg_served_by_the_site_and_its_markdown_links_the_page() {
    let site = related_site();
    let svg = site.page("modules/audio-birds/badge.svg");
    assert!(svg.len() < 1024, "{} bytes", svg.len());
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{svg}");
    assert!(svg.contains("<title>") && svg.contains("Bird songs"), "{svg}");
    for external in ["href", "url(", "<image", "<script", "http://", "https://"] {
        let without_ns = svg.replacen("http://www.w3.org/2000/svg", "", 1);
        assert!(!without_ns.contains(external), "the badge refers to something outside: {external}\n{svg}");
    }
    let page = site.page("modules/audio-birds/index.html");
    let settings: toml::Table =
        toml::from_str(&std::fs::read_to_string(site.path("content/site.toml")).unwrap()).unwrap();
    let (title, base) = (settings["title"].as_str().unwrap(), settings["base_url"].as_str().unwrap());
    let markdown = format!("[![{title}: Bird songs]({base}modules/audio-birds/badge.svg)]({base}modules/audio-birds/)");
    assert!(common::decode_entities(&page).contains(&markdown), "the page lacks {markdown}");
    assert!(page.contains(r#"<img src="badge.svg""#), "the page shows the badge");
}

#[test]
fn each_module_has_its_catalogue_entry_as_json_linked_from_its_page() {
    let site = related_site();
    let page = site.page("modules/image-seeds/index.html");
    assert!(page.contains(r#"<link rel="alternate" type="application/json" href="index.json""#));
    let one: serde_json::Value = serde_json::from_str(&site.page("modules/image-seeds/index.json")).unwrap();
    let all: serde_json::Value = serde_json::from_str(&site.page("catalogue.json")).unwrap();
    let entry = all["modules"].as_array().unwrap().iter().find(|m| m["slug"] == "image-seeds").unwrap();
    assert_eq!(&one, entry, "index.json is the module's catalogue.json entry");
    assert_eq!(one["tasks"], serde_json::json!(["Classification", "Computer Vision"]));
}

#[test]
fn the_real_sentinel_data_fusion_page_shows_its_tasks_libraries_and_resources() {
    let real = common::real_build();
    real.run.expect(0);
    let page = common::read(&real.public.join("modules/sentinel-data-fusion/index.html"));
    let text = common::decode_entities(&page);
    assert!(text.contains("Inference</dt>"), "a Resources block");
    assert!(text.contains("2 CPUs, 1 GPU, 40 GB memory, 25 GB disk"), "its inference resources");
    // Each vocabulary value links to the search page filtered by it.
    for (key, value) in common::start_tags(&page)
        .iter()
        .filter(|t| t.name == "a")
        .filter_map(|t| t.attr("href"))
        .filter_map(|h| h.strip_prefix("../../search/index.html?"))
        .filter_map(|q| q.split_once('='))
    {
        assert!(["task", "library", "data"].contains(&key), "{key}={value}");
    }
    let links: Vec<&str> = ["?task=", "?library=", "?data="]
        .into_iter()
        .filter(|k| page.contains(&format!("../../search/index.html{k}")))
        .collect();
    assert_eq!(links.len(), 3, "a task, a library and a data type link: {links:?}");
    // A module that states nothing says so where a visitor looks.
    let other = common::read(&real.public.join("modules/dogs-breed-det/index.html"));
    assert!(other.contains("not stated"), "dogs-breed-det states no resources");
}

/// The `<main>` of a page.
fn main_of(page: &str) -> &str {
    let start = page.find("<main").expect("a main element");
    &page[start..page.find("</main>").expect("main ends")]
}

/// The hrefs of the links in `html` that lead to a tag page.
fn tag_links(html: &str) -> Vec<String> {
    common::start_tags(html)
        .into_iter()
        .filter(|t| t.name == "a")
        .filter_map(|t| t.attr("href").map(str::to_string))
        .filter(|h| h.contains("tags/") && !h.ends_with("tags/index.html"))
        .collect()
}

#[test]
fn tag_and_category_pages_and_related_modules_show_compact_cards_the_home_page_full_ones() {
    let site = related_site();
    // A tag page: each card's title, summary, category and uses, not every module's tags.
    let tag = site.page("tags/audio/index.html");
    let main = main_of(&tag);
    for title in ["Bird songs", "Whale calls"] {
        assert!(main.contains(&format!(">{title}</a></h3>")), "the tag page shows {title}'s card");
    }
    assert!(main.contains("A module of the related-modules fixture."), "with its summary");
    assert!(main.contains(r#"class="badge cat-badge""#), "and its category");
    assert_eq!(tag_links(main), Vec::<String>::new(), "no card repeats its tags");
    // A category page: the category is the page's own, so its cards do not repeat it.
    let category = site.page("categories/citizen-science/index.html");
    let main = main_of(&category);
    assert!(main.contains(">Bird songs</a></h3>"), "the category page shows its modules");
    assert!(!main.contains(r#"class="badge cat-badge""#), "no card repeats the category");
    assert_eq!(tag_links(main), Vec::<String>::new());
    // Related modules: compact too; the module's own tags are in its panel.
    let page = site.page("modules/audio-birds/index.html");
    let start = page.find(r#"id="related""#).expect("a related section");
    let related = &page[start..start + page[start..].find("</section>").expect("the section ends")];
    assert!(related.contains(">Whale calls</a></h3>"), "{related}");
    assert_eq!(tag_links(related), Vec::<String>::new(), "related cards list no tags");
    assert_eq!(tag_links(main_of(&page)).len(), 2, "the panel links the module's two tags");
    // The home page's cards are the full ones, with each module's tags.
    let home = site.page("index.html");
    assert!(tag_links(main_of(&home)).iter().any(|h| h == "tags/whales/index.html"), "the home page's cards list tags");
}
