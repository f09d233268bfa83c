//! Module descriptions: CommonMark with tables, footnotes and strikethrough, and code
//! highlighted with `hl-` classes, even when the code is large and tricky.

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
