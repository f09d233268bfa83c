//! Every absolute http(s) URL of a module file, each with the place it is written: the
//! values of `[links]`, and the links and images of the description (bare URLs included,
//! as `autolink.rs` makes them links; `href` and `src` of raw HTML too). The file is read
//! again for the places, as `build::render_module` does.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag};
use url::Url;

use super::docker::{self, DockerRef};
use crate::autolink::Autolinks;
use crate::frontmatter::{self, Fields, SourceFile};
use crate::module::{Module, LINK_KEYS};

/// A module file and what `check --links` asks about it.
pub struct ModuleRefs {
    pub file: SourceFile,
    pub links: Vec<Link>,
    pub docker: Option<DockerRef>,
}

/// One URL where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// What is asked: the URL without its `#fragment`.
    pub url: Url,
    /// As written.
    pub written: String,
    /// Byte offsets into the file, on the URL itself where it can be found.
    pub span: Range<usize>,
    /// `links.<key>`, or `None` for the description.
    pub key: Option<&'static str>,
}

/// The URLs and the Docker image of `m`, read again from its file under `root`. `None`
/// when the file can no longer be read or parsed (it changed since it was loaded).
pub fn of_module(m: &Module, root: &Path) -> Option<ModuleRefs> {
    let text = std::fs::read_to_string(root.join(&m.path)).ok()?;
    let file = SourceFile::new(m.path.clone(), text);
    let parts = frontmatter::split(&file).ok()?;
    let (links, docker) = {
        let mut f = Fields::parse(&file, &file.text[parts.front.clone()], parts.front.start, 0..3).ok()?;
        let mut links = Vec::new();
        let mut links_docker = None;
        if let Some(mut t) = f.table("links") {
            for key in LINK_KEYS {
                if let Some((value, span)) = t.string(key) {
                    let span = inside_quotes(&file.text, span);
                    if *key == "docker" {
                        links_docker = Some(span.clone());
                    }
                    if let Some(url) = absolute(&value) {
                        links.push(Link { url, written: value.trim().to_string(), span, key: Some(key) });
                    }
                }
            }
        }
        let docker = docker::reference(m, &file, &mut f, links_docker);
        (links, docker)
    };
    let mut links = links;
    links.extend(in_markdown(&file.text[parts.body.clone()], parts.body.start));
    Some(ModuleRefs { file, links, docker })
}

/// The span of a TOML string's text, without its quotes.
pub fn inside_quotes(text: &str, span: Range<usize>) -> Range<usize> {
    let s = text.get(span.clone()).unwrap_or("");
    let q = if s.starts_with("\"\"\"") || s.starts_with("'''") {
        3
    } else if s.starts_with(['"', '\'']) {
        1
    } else {
        0
    };
    if s.len() >= 2 * q {
        span.start + q..span.end - q
    } else {
        span
    }
}

/// An absolute http(s) URL with a host, without its fragment (never sent to the server).
pub fn absolute(s: &str) -> Option<Url> {
    let mut u = Url::parse(s.trim()).ok()?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none_or(str::is_empty) {
        return None;
    }
    u.set_fragment(None);
    Some(u)
}

/// The links and images of a Markdown text found at `offset` in its file, parsed as
/// `markdown.rs` parses descriptions.
pub fn in_markdown(body: &str, offset: usize) -> Vec<Link> {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut out = Vec::new();
    for (event, range) in Autolinks::new(Parser::new_ext(body, options).into_offset_iter()) {
        match event {
            Event::Start(Tag::Link { link_type: LinkType::Email, .. }) => {}
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let Some(url) = absolute(&dest_url) else { continue };
                // On the destination where it is written in the link (not for a reference
                // link, whose destination is elsewhere, or a `www.` autolink).
                let source = body.get(range.clone()).unwrap_or("");
                let span = match source.rfind(dest_url.as_ref()) {
                    Some(i) => range.start + i..range.start + i + dest_url.len(),
                    None => range.clone(),
                };
                out.push(Link {
                    url,
                    written: dest_url.to_string(),
                    span: offset + span.start..offset + span.end,
                    key: None,
                });
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                let source = body.get(range.clone()).unwrap_or("");
                for (value, at) in html_urls(source) {
                    if let Some(url) = absolute(value) {
                        let start = offset + range.start + at;
                        out.push(Link { url, written: value.to_string(), span: start..start + value.len(), key: None });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The quoted values of `href` and `src` attributes in raw HTML, with their offsets.
fn html_urls(html: &str) -> Vec<(&str, usize)> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    for name in ["href", "src"] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(name) {
            let at = from + i;
            from = at + name.len();
            // A whole attribute name: after white space, then `=` (spaces allowed around).
            if !lower[..at].ends_with(|c: char| c.is_ascii_whitespace()) {
                continue;
            }
            let rest = &html[from..];
            let after_eq = rest.trim_start().strip_prefix('=').map(str::trim_start);
            let Some(v) = after_eq else { continue };
            let Some(q) = v.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
            let start = html.len() - v.len() + 1;
            if let Some(end) = html[start..].find(q) {
                out.push((&html[start..start + end], start));
            }
        }
    }
    out.sort_by_key(|(_, at)| *at);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(body: &str) -> Vec<(String, &str)> {
        in_markdown(body, 0).into_iter().map(|l| (l.url.to_string(), &body[l.span])).collect()
    }

    #[test]
    fn links_images_bare_urls_and_html_with_their_places() {
        let body = "See [the paper](https://example.org/paper#sec2 \"T\") and ![x](http://img.example/a.png).\n\n\
                    Bare: https://bare.example/x, and www.www.example.\n\n\
                    <a href=\"https://html.example/\">h</a> <img src='https://html.example/i.png'>\n\n\
                    `https://code.example/` [rel](../other/index.html) <me@mail.example> [r][ref]\n\n\
                    [ref]: https://ref.example/\n";
        assert_eq!(
            found(body),
            vec![
                ("https://example.org/paper".to_string(), "https://example.org/paper#sec2"),
                ("http://img.example/a.png".to_string(), "http://img.example/a.png"),
                ("https://bare.example/x".to_string(), "https://bare.example/x"),
                ("https://www.www.example/".to_string(), "www.www.example"),
                ("https://html.example/".to_string(), "https://html.example/"),
                ("https://html.example/i.png".to_string(), "https://html.example/i.png"),
                ("https://ref.example/".to_string(), "[r][ref]"),
            ]
        );
    }

    #[test]
    fn quotes_are_left_out_of_spans() {
        let text = "a = \"https://x.example/\"\nb = '''https://y.example/'''";
        let s = inside_quotes(text, 4..24);
        assert_eq!(&text[s], "https://x.example/");
        let s = inside_quotes(text, 29..text.len());
        assert_eq!(&text[s], "https://y.example/");
    }

    #[test]
    fn only_absolute_http_urls() {
        assert!(absolute("mailto:a@b.example").is_none());
        assert!(absolute("ftp://x.example/").is_none());
        assert!(absolute("/relative").is_none());
        assert_eq!(absolute(" https://x.example/a#b ").unwrap().as_str(), "https://x.example/a");
    }
}
