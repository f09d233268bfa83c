//! Module descriptions: CommonMark with tables, footnotes and strikethrough, code
//! highlighted with `hl-` classes, even when the code is large and tricky, and bare URLs
//! linked as GitHub links them.

use std::sync::OnceLock;

use crate::common::{self, Run, TestSite};

/// A minified line of about 5000 characters: made here, a fixture would be unreadable.
fn minified_line() -> String {
    let chunk =
        r#"var a=b/c/d,e=/[/\]]+/g.test(f)?`${g}/${h}`:'/*'+"*/";function i(j){return j.replace(/\\(.)/g,"$1")}"#;
    chunk.repeat(5000 / chunk.len() + 1)
}

/// The tricky fixture, and a module whose code block adds the long minified line.
fn site() -> &'static (TestSite, Run) {
    static SITE: OnceLock<(TestSite, Run)> = OnceLock::new();
    SITE.get_or_init(|| {
        let site = TestSite::scratch("markdown");
        site.fixture("markdown/tricky-js.md");
        site.fixture("markdown/autolinks.md");
        let tricky = common::read(&common::fixture_path("markdown/tricky-js.md"));
        let code = tricky.split("```js\n").nth(1).unwrap().split("```").next().unwrap();
        let body = format!("Minified:\n\n```javascript\n{code}{}\n{code}```\n", minified_line());
        site.module("minified.md", common::module_text("Minified", &body));
        let run = site.build();
        (site, run)
    })
}

fn page(slug: &str) -> String {
    let (site, run) = site();
    run.expect(0);
    site.page(&format!("modules/{slug}/index.html"))
}

#[test]
fn tricky_code_builds() {
    site().1.expect(0);
}

#[test]
fn javascript_is_highlighted() {
    let html = page("tricky-js");
    assert!(
        html.contains("<code class=\"language-javascript\"><span class=\"hl-source hl-js\">"),
        "the js block is highlighted"
    );
    assert!(html.contains("hl-string hl-regexp"), "regex literals are recognised");
    assert!(html.contains("hl-string hl-template"), "template strings are recognised");
    assert!(html.contains("<code class=\"language-python\"><span class=\"hl-source hl-python\">"));
    // Code is text: the `</code></pre><script>` inside it stays escaped.
    assert!(!common::start_tags(&html)
        .iter()
        .any(|t| t.name == "script" && t.attr("src").is_none() && t.attr("type") != Some("application/ld+json")));
    assert!(html.contains("&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;"), "the closing tags in code are escaped");
}

#[test]
fn long_minified_line_is_shown_whole() {
    let html = page("minified");
    // The lines before the minified one are highlighted; from it on, the block is text.
    let block = &html[html.find("<code class=\"language-javascript\">").unwrap()..];
    let block = &block[..block.find("</code>").unwrap()];
    assert!(block.starts_with("<code class=\"language-javascript\"><span class=\"hl-source hl-js\">"));
    assert!(block.contains("hl-string hl-template"));
    // Past the highlighter's line limit the line is shown as escaped text, complete.
    let escaped = minified_line().replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    assert!(html.contains(&escaped), "the minified line is on the page");
    assert!(html.contains("<code class=\"language-javascript\">"));
}

#[test]
fn tables_render() {
    let html = page("tricky-js");
    assert!(
        html.contains("<table><thead><tr><th>Input</th><th>Output</th><th>Notes</th></tr></thead><tbody>"),
        "a table head"
    );
    assert!(html.contains("<tr><td>image</td><td>labels</td><td><code>top-5</code></td></tr>"), "a table row");
}

#[test]
fn strikethrough_renders() {
    let html = page("tricky-js");
    assert!(html.contains("<del>it is slow</del>") && html.contains("<del>DEEP-OC</del>"));
}

#[test]
fn footnotes_render_and_link_to_their_text() {
    let html = page("tricky-js");
    assert!(html.contains("footnote-definition"), "footnote texts are shown");
    assert!(html.contains("ECMAScript 2022.") && html.contains("A longer footnote"));
    // Each reference is a link to the footnote's text on the same page.
    let tags = common::start_tags(&html);
    let refs: Vec<&str> =
        tags.iter().filter(|t| t.name == "a").filter_map(|t| t.attr("href")).filter(|h| h.starts_with('#')).collect();
    let ids: Vec<&str> = tags.iter().filter_map(|t| t.attr("id")).collect();
    let footnote_refs = refs.iter().filter(|h| !["#main"].contains(h)).count();
    assert!(footnote_refs >= 2, "two footnote references: {refs:?}");
    for r in refs {
        assert!(ids.contains(&&r[1..]), "in-page link {r} has no target");
    }
}

/// The description of a built module page.
fn description(html: &str) -> &str {
    let start = html.find("id=\"description-title\"").expect("a description");
    let end = html[start..].find("id=\"use\"").map_or(html.len(), |i| start + i);
    &html[start..end]
}

/// `(href, text)` of every link in `html` whose text is text.
fn links(html: &str) -> Vec<(String, String)> {
    html.split("<a ")
        .skip(1)
        .filter_map(|rest| {
            let tag = &rest[..rest.find('>')?];
            let href = tag.split("href=\"").nth(1)?.split('"').next()?;
            let text = &rest[tag.len() + 1..rest.find("</a>")?];
            Some((common::decode_entities(href), common::decode_entities(text)))
        })
        .collect()
}

/// A link as the sanitiser writes an external one.
fn linked(href: &str, text: &str) -> String {
    format!("<a href=\"{href}\" rel=\"noopener nofollow\">{text}</a>")
}

#[test]
fn bare_urls_become_links() {
    let html = page("autolinks");
    let found = links(description(&html));
    for (href, text) in [
        ("https://example.org/docs", "https://example.org/docs"),
        ("https://www.example.org/mirror", "www.example.org/mirror"),
        ("mailto:team@example.org", "team@example.org"),
        ("mailto:help@example.org", "mailto:help@example.org"),
        ("http://127.0.0.1:5000/docs", "http://127.0.0.1:5000/docs"),
        ("https://example.org/item", "https://example.org/item"),
        ("https://example.org/bold", "https://example.org/bold"),
        ("https://www.example.org/emphasis", "www.example.org/emphasis"),
        ("https://example.org/cell", "https://example.org/cell"),
        ("https://example.org/footnote", "https://example.org/footnote"),
    ] {
        assert!(found.contains(&(href.into(), text.into())), "no link {text} -> {href} in {found:?}");
    }
}

#[test]
fn punctuation_after_a_url_stays_text() {
    let html = page("autolinks");
    let description = description(&html);
    for (url, after) in [
        ("https://example.org/period", "."),
        ("https://example.org/comma", ", then"),
        ("https://example.org/parens", ")."),
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "."),
        ("https://example.org/question", "? And"),
        ("https://example.org/colon", ":"),
        ("https://example.org/search?q=a&amp;page=2", "."),
    ] {
        let expected = format!("{}{after}", linked(url, url));
        assert!(description.contains(&expected), "{expected} in {description}");
    }
}

#[test]
fn code_existing_links_and_raw_html_are_left_alone() {
    let html = page("autolinks");
    let description = description(&html);
    let hrefs: Vec<String> = links(description).into_iter().map(|(href, _)| href).collect();
    for left in [
        "code-span",
        "fenced",
        "indented",
        "link-text",
        "raw-text",
        "raw-code",
        "html-block",
        "no-scheme",
        "ftp",
        "glued",
    ] {
        assert!(!hrefs.iter().any(|h| h.ends_with(&format!("/{left}"))), "{left} is linked: {hrefs:?}");
        assert!(description.contains(&format!("example.org/{left}")), "{left} is still shown");
    }
    assert!(description.contains("<code>https://example.org/code-span</code>"), "{description}");
    assert!(description.contains("<code>www.example.org/code-span</code>"), "{description}");
    // existing links and autolinks keep their one link
    assert!(description.contains(&linked("https://example.org/link-target", "https://example.org/link-text")));
    assert_eq!(description.matches(&linked("https://example.org/angle", "https://example.org/angle")).count(), 1);
    assert!(description.contains(&linked("https://example.org/raw-target", "https://example.org/raw-text")));
    assert_eq!(hrefs.iter().filter(|h| h.contains("angle")).count(), 1, "{hrefs:?}");
}

#[test]
fn hostile_schemes_are_never_linked() {
    let html = page("autolinks");
    let description = description(&html);
    for (href, _) in links(description) {
        assert!(
            ["https://", "http://", "mailto:", "#fn-"].iter().any(|s| href.starts_with(s)),
            "a link to {href:?} in {description}"
        );
    }
    for tag in common::start_tags(description) {
        for (name, value) in &tag.attrs {
            assert!(!name.starts_with("on"), "<{} {name}={value:?}>", tag.name);
            let v: String = value.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
            let v = v.to_ascii_lowercase();
            assert!(!v.contains("javascript") && !v.contains("vbscript") && !v.starts_with("data:"), "{value:?}");
        }
    }
    // shown as the text they are
    for text in [
        "javascript://example.org/%0aalert(1)",
        "JaVaScRiPt://example.org/%0Aalert(2)",
        "javascript://example.org/%0aalert(3)",
        "vbscript://example.org/%0amsgbox(6)",
        "data://text/html;base64,",
        "javascript:alert(8)",
    ] {
        assert!(description.contains(text), "{text} in {description}");
    }
    // a quote ends the URL: the rest is text, never an attribute
    let quoted = format!("{}\"onmouseover=\"alert(9)", linked("https://example.org/", "https://example.org/"));
    assert!(description.contains(&quoted), "{description}");
}

/// Issue 13: the real descriptions' bare URLs are links, as on GitHub.
#[test]
fn the_real_yolov8_api_page_links_its_references() {
    let build = common::real_build();
    build.run.expect(0);
    let html = common::read(&build.public.join("modules/yolov8-api/index.html"));
    let description = description(&html);
    for url in [
        "https://github.com/ultralytics/ultralytics",
        "https://docs.ultralytics.com/",
        "https://arxiv.org/abs/1506.02640",
    ] {
        assert!(description.contains(&linked(url, url)), "{url} is not linked in {description}");
    }
}
