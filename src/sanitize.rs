//! The sanitiser of contributed and maintained HTML: ammonia with our allow-list and an
//! attribute filter that decides on every URL-bearing value. `markdown.rs` renders, this
//! file decides what survives.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

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

/// Ids the theme's pages use (in their templates, or made by their scripts). Neither a
/// numbered heading nor contributed markup may take one: a description's
/// `<h3 id="run-docker">` would clobber the element that the copy button of the Docker
/// command reads, and the visitor would copy the contributor's text instead.
pub(crate) const THEME_IDS: &[&str] = &[
    "main",
    "top",
    "use",
    "retrain",
    "cite",
    "bibtex",
    "bibtex-title",
    "search-input",
    "search-results",
    "search-facets",
    "search-form",
    "search-hint",
    "search-status",
    "search-sort",
    "site-search",
    "home-search",
    "notfound-search",
    "run-docker",
    "run-udocker",
    "api-url",
    "train-docker",
    "module-doi",
    "copy-status",
    "description-title",
    "use-title",
    "retrain-title",
    "cite-title",
    "meta-title",
    "links-title",
    "run-docker-title",
    "run-udocker-title",
    "api-url-title",
    "train-docker-title",
    "home-title",
    "categories-title",
    "newest-title",
    "all-title",
    "modules-title",
    "categories-list-title",
    "badge",
    "badge-title",
    "badge-markdown",
    "badge-markdown-title",
    "related",
    "related-title",
    "resources-title",
];

/// The schemes a URL may have on a page.
const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Attributes whose value is one URL, whichever element carries them (the allow-list
/// keeps `href` of `a`, `src` of `img` and `cite` of `blockquote`, `q`, `del` and `ins`
/// today; the others are decided too, should a later allow-list keep them).
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "cite",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "longdesc",
    "codebase",
    "classid",
    "manifest",
    "icon",
    "dynsrc",
    "lowsrc",
    "usemap",
    "profile",
    "xlink:href",
    "xml:base",
    "itemtype",
    "itemid",
];

/// Attributes whose value is a list of URLs.
const URL_LIST_ATTRIBUTES: &[&str] = &["srcset", "imagesrcset", "ping", "archive"];

pub(crate) fn is_url_attribute(attribute: &str) -> bool {
    URL_ATTRIBUTES.contains(&attribute) || URL_LIST_ATTRIBUTES.contains(&attribute)
}

/// Which attributes survive. Classes only from our highlighter (so contributed markup can
/// not borrow the theme's look); ids only on headings we numbered, never one of the
/// theme's; URLs only `http(s)` and `mailto` once normalised (see `judge_url`), and
/// relative URLs only towards module pages for contributors.
pub(crate) fn filter<'u>(
    element: &str,
    attribute: &str,
    value: &'u str,
    modules: Option<&HashSet<String>>,
) -> Option<Cow<'u, str>> {
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
        // A language tag (BCP 47), nothing else: letters, digits and hyphens.
        "lang" | "hreflang" => {
            (!value.is_empty() && value.len() <= 35 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
                .then(|| value.into())
        }
        // Obsolete presentational attributes ammonia allows by default: invalid HTML5.
        "align" | "char" | "charoff" | "size" | "summary" => None,
        "id" => {
            let heading = matches!(element, "h2" | "h3" | "h4" | "h5" | "h6") && !value.is_empty();
            let footnote =
                element == "div" && value.strip_prefix("fn-").is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
            ((heading || footnote) && !THEME_IDS.contains(&value)).then(|| value.into())
        }
        a if URL_LIST_ATTRIBUTES.contains(&a) => {
            // `srcset`: comma-separated candidates, each a URL and a descriptor. Kept only
            // when every candidate passes; `ping` and `archive` are never needed.
            if a != "srcset" && a != "imagesrcset" {
                return None;
            }
            let mut out = Vec::new();
            for candidate in value.split(',') {
                let mut parts = candidate.split_ascii_whitespace();
                let url = parts.next()?;
                let url = url_for(element, "src", url, modules)?;
                out.push(
                    std::iter::once(url.into_owned()).chain(parts.map(str::to_string)).collect::<Vec<_>>().join(" "),
                );
            }
            (!out.is_empty()).then(|| out.join(", ").into())
        }
        a if URL_ATTRIBUTES.contains(&a) => url_for(element, a, value, modules),
        _ => Some(value.into()),
    }
}

/// The value a URL attribute keeps, normalised, or `None` when it must go.
fn url_for<'u>(
    element: &str,
    attribute: &str,
    value: &'u str,
    modules: Option<&HashSet<String>>,
) -> Option<Cow<'u, str>> {
    match judge_url(value) {
        Verdict::Absolute(v) => Some(v),
        Verdict::Removed(_) => None,
        Verdict::Relative(v) => match modules {
            None => Some(v),
            Some(_) if v.starts_with('#') => Some(v),
            Some(modules) => {
                (element == "a" && attribute == "href" && module_link_slug(&v).is_some_and(|s| modules.contains(s)))
                    .then_some(v)
            }
        },
    }
}

/// What a URL-bearing attribute value is, once normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict<'u> {
    /// An `http(s)` or `mailto` URL (normalised).
    Absolute(Cow<'u, str>),
    /// A URL without a scheme (normalised): the trust rules decide.
    Relative(Cow<'u, str>),
    /// Must not reach a page; why, as a warning says it (a scheme, or a hidden one).
    Removed(String),
}

/// Characters a URL never needs at its ends and that hide what it is: every Unicode white
/// space (`char::is_whitespace`: U+0009-U+000D, U+0020, U+0085, U+00A0, U+1680,
/// U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000), every control character (C0,
/// DEL, C1), and the invisible format characters (zero-width spaces and joiners, the BOM,
/// the Mongolian vowel separator, word joiner and invisible operators, soft hyphen,
/// bidirectional marks and isolates, Hangul fillers, variation selectors, tag characters).
pub(crate) fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}')
}

/// A URL attribute value as it is decided on: invisible characters (`is_invisible`)
/// stripped at both ends, ASCII tabs and newlines removed inside (as the URL parser does).
/// HTML entities are already decoded: ammonia's parser (html5ever) hands the attribute
/// filter the value a browser's DOM would hold.
pub(crate) fn normalise_url(value: &str) -> Cow<'_, str> {
    let trimmed = value.trim_matches(is_invisible);
    if trimmed.contains(['\t', '\n', '\r']) {
        Cow::Owned(trimmed.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect())
    } else {
        Cow::Borrowed(trimmed)
    }
}

/// What shape a normalised URL has: a scheme (lowercased), something before a colon that
/// is no valid scheme (a scheme disguised by invisible, non-ASCII or encoded characters),
/// or no scheme at all.
enum Shape {
    Scheme(String),
    Disguised(String),
    Relative,
}

fn shape(url: &str) -> Shape {
    match url.find([':', '/', '?', '#']) {
        // The first colon, before any `/`, `?` or `#`: what `scheme_of` reads.
        Some(i) if url.as_bytes()[i] == b':' => match scheme_of(url) {
            Some(scheme) => Shape::Scheme(scheme.to_ascii_lowercase()),
            None => Shape::Disguised(url[..i].to_string()),
        },
        _ => Shape::Relative,
    }
}

/// Decides on one URL-bearing attribute value (entity-decoded, as the DOM holds it).
///
/// The value is normalised (`normalise_url`), then: a scheme must be `http`, `https` or
/// `mailto`; a colon before any `/`, `?` or `#` that does not end a valid scheme is a
/// disguised scheme (`java\u{0}script:`, `jаvascript:` with a Cyrillic `а`,
/// `%6Aavascript:`) and goes; a relative URL goes too when decoding it once more (HTML
/// entities, percent-escapes) and dropping every invisible character makes it a URL with a
/// disallowed scheme, so a tool that decodes twice cannot find one either
/// (`&amp;#106;avascript:` in the source).
pub(crate) fn judge_url(value: &str) -> Verdict<'_> {
    let url = normalise_url(value);
    match shape(&url) {
        Shape::Scheme(s) if ALLOWED_SCHEMES.contains(&s.as_str()) => Verdict::Absolute(url),
        Shape::Scheme(s) => Verdict::Removed(format!("`{s}:` links are removed from the page")),
        Shape::Disguised(prefix) => Verdict::Removed(format!(
            "a link with a disguised scheme (`{}:`) is removed from the page",
            prefix.escape_default()
        )),
        Shape::Relative => {
            let mut probe = url.to_string();
            for _ in 0..4 {
                let next: String = decode_once(&probe).chars().filter(|c| !is_invisible(*c)).collect();
                if let Shape::Scheme(s) = shape(&next) {
                    if !ALLOWED_SCHEMES.contains(&s.as_str()) {
                        return Verdict::Removed(format!("`{s}:` links (encoded twice) are removed from the page"));
                    }
                }
                if next == probe {
                    break;
                }
                probe = next;
            }
            Verdict::Relative(url)
        }
    }
}

/// One more round of decoding, for the paranoid check of `judge_url`: numeric character
/// references, the named references that spell URL syntax or space, and percent-escapes.
fn decode_once(s: &str) -> String {
    const NAMED: &[(&str, char)] = &[
        ("colon", ':'),
        ("tab", '\t'),
        ("newline", '\n'),
        ("nbsp", '\u{a0}'),
        ("sol", '/'),
        ("num", '#'),
        ("amp", '&'),
        ("quest", '?'),
        ("lpar", '('),
        ("rpar", ')'),
        ("period", '.'),
        ("plus", '+'),
    ];
    let mut out = String::with_capacity(s.len());
    let mut bytes: Vec<u8> = Vec::new();
    let flush = |bytes: &mut Vec<u8>, out: &mut String| {
        if !bytes.is_empty() {
            out.push_str(&String::from_utf8_lossy(bytes));
            bytes.clear();
        }
    };
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '%' && rest.len() >= 3 && rest.is_char_boundary(3) {
            if let Ok(b) = u8::from_str_radix(&rest[1..3], 16) {
                bytes.push(b);
                rest = &rest[3..];
                continue;
            }
        }
        flush(&mut bytes, &mut out);
        if c == '&' {
            let body: String =
                rest[1..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '#').take(12).collect();
            let decoded = if let Some(num) = body.strip_prefix('#') {
                let n = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse().ok(),
                };
                n.map(|n| char::from_u32(n).unwrap_or('\u{fffd}'))
            } else {
                NAMED.iter().find(|(name, _)| name.eq_ignore_ascii_case(&body)).map(|(_, c)| *c)
            };
            if let Some(d) = decoded {
                out.push(d);
                rest = &rest[1 + body.len()..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    flush(&mut bytes, &mut out);
    out
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
///
/// Each raw HTML event is read on its own with the tokenizer rules of HTML (start tags,
/// their attributes, quoted or not; comments and the text of `script`, `style`,
/// `textarea`, `title`, `xmp` skipped); each value of a URL attribute is entity-decoded
/// by html5ever, as the sanitiser sees it, and judged by `judge_url`. Limit: pulldown-cmark
/// gives a raw HTML block one event per line, so a tag spanning lines is seen in parts:
/// the text of an event before its first `<` is read as the rest of a tag begun on an
/// earlier line (so `<a\nhref="javascript:x">` is caught), but a quoted value that itself
/// spans lines is not. The sanitiser removes such values all the same; only the warning is
/// missing. Relative URLs are not reported here (the sanitiser knows the module pages, this
/// hook does not).
pub(crate) fn raw_html_warnings(html: &str, start: usize, trust: Trust, out: &mut Vec<(Range<usize>, String)>) {
    let _ = trust; // both kinds of text lose the same schemes
    let bytes = html.as_bytes();
    let mut i = 0;
    // Text before the first `<`: possibly the attributes of a tag of an earlier line.
    if html[..html.find('<').unwrap_or(html.len())].contains('=') {
        attributes(html, 0, start, out);
    }
    while let Some(lt) = html[i..].find('<').map(|j| i + j) {
        if html[lt..].starts_with("<!--") {
            i = html[lt + 4..].find("-->").map_or(html.len(), |j| lt + 4 + j + 3);
            continue;
        }
        let Some(&next) = bytes.get(lt + 1) else { break };
        if !next.is_ascii_alphabetic() {
            i = lt + 1;
            continue;
        }
        let name_end = html[lt + 1..]
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .map_or(html.len(), |j| lt + 1 + j);
        let name = html[lt + 1..name_end].to_ascii_lowercase();
        i = attributes(html, name_end, start, out);
        if matches!(
            name.as_str(),
            "script" | "style" | "textarea" | "title" | "xmp" | "noembed" | "noframes" | "iframe"
        ) {
            let lower = html[i..].to_ascii_lowercase();
            i = lower.find(&format!("</{name}")).map_or(html.len(), |j| i + j);
        }
    }
}

/// Reads the attributes of a tag from `at` to its `>` (or the end of `html`), reporting
/// the URL attributes the sanitiser removes; returns where the tag ends.
fn attributes(html: &str, mut at: usize, start: usize, out: &mut Vec<(Range<usize>, String)>) -> usize {
    let b = html.as_bytes();
    let n = b.len();
    loop {
        while at < n && (b[at].is_ascii_whitespace() || b[at] == b'/') {
            at += 1;
        }
        if at >= n {
            return n;
        }
        if b[at] == b'>' {
            return at + 1;
        }
        let name_start = at;
        at += 1; // a name may start with `=`
        while at < n && !(b[at].is_ascii_whitespace() || matches!(b[at], b'/' | b'>' | b'=')) {
            at += 1;
        }
        let name = html[name_start..at].to_ascii_lowercase();
        let mut k = at;
        while k < n && b[k].is_ascii_whitespace() {
            k += 1;
        }
        if k >= n || b[k] != b'=' {
            continue;
        }
        k += 1;
        while k < n && b[k].is_ascii_whitespace() {
            k += 1;
        }
        let (raw, end) = match b.get(k) {
            Some(&q @ (b'"' | b'\'')) => match html[k + 1..].find(q as char) {
                Some(j) => (&html[k..k + 1 + j + 1], k + 1 + j + 1),
                // unterminated: the value goes on in a later event
                None => (&html[k..], n),
            },
            _ => {
                let e = html[k..].find(|c: char| c.is_ascii_whitespace() || c == '>').map_or(n, |j| k + j);
                (&html[k..e], e)
            }
        };
        at = end;
        if !is_url_attribute(&name) {
            continue;
        }
        let value = decode_attribute(raw);
        let verdicts: Vec<Verdict> = if URL_LIST_ATTRIBUTES.contains(&name.as_str()) {
            value.split([',', ' ']).filter(|s| !s.is_empty()).map(judge_url).collect()
        } else {
            vec![judge_url(&value)]
        };
        if let Some(Verdict::Removed(why)) = verdicts.into_iter().find(|v| matches!(v, Verdict::Removed(_))) {
            out.push((start + name_start..start + end, why));
        }
    }
}

/// An attribute value as written in the source (quotes included, if any) -> its text, as
/// html5ever decodes it: every named and numeric character reference, by the rules of
/// attribute values.
fn decode_attribute(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.trim_matches(['"', '\'']).to_string();
    }
    static DECODER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let decoder = DECODER.get_or_init(|| {
        let mut b = ammonia::Builder::empty();
        b.add_tags(["span"]).add_generic_attributes(["title"]).link_rel(None);
        b
    });
    let quoted = match raw.as_bytes().first() {
        Some(b'"' | b'\'') if raw.len() >= 2 && raw.ends_with(&raw[..1]) => raw.to_string(),
        Some(b'"') => format!("{raw}\""),
        Some(b'\'') => format!("{raw}'"),
        _ => format!("\"{}\"", raw.replace('"', "&quot;")),
    };
    let clean = decoder.clean(&format!("<span title={quoted}></span>")).to_string();
    let Some(v) = clean.strip_prefix("<span title=\"").and_then(|r| r.strip_suffix("\"></span>")) else {
        return String::new();
    };
    v.replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of Unicode white space, control and invisible character a value may be
    /// padded or split with.
    const INVISIBLE: &[char] = &[
        '\u{0}',
        '\u{1}',
        '\u{8}',
        '\t',
        '\n',
        '\u{b}',
        '\u{c}',
        '\r',
        '\u{1b}',
        '\u{1f}',
        ' ',
        '\u{7f}',
        '\u{80}',
        '\u{85}',
        '\u{9f}',
        '\u{a0}',
        '\u{ad}',
        '\u{34f}',
        '\u{61c}',
        '\u{115f}',
        '\u{1160}',
        '\u{1680}',
        '\u{17b4}',
        '\u{180e}',
        '\u{2000}',
        '\u{2001}',
        '\u{2002}',
        '\u{2003}',
        '\u{2004}',
        '\u{2005}',
        '\u{2006}',
        '\u{2007}',
        '\u{2008}',
        '\u{2009}',
        '\u{200a}',
        '\u{200b}',
        '\u{200c}',
        '\u{200d}',
        '\u{200e}',
        '\u{200f}',
        '\u{2028}',
        '\u{2029}',
        '\u{202a}',
        '\u{202e}',
        '\u{202f}',
        '\u{205f}',
        '\u{2060}',
        '\u{2063}',
        '\u{2066}',
        '\u{3000}',
        '\u{3164}',
        '\u{fe0f}',
        '\u{feff}',
        '\u{ffa0}',
        '\u{e0020}',
    ];

    fn removed(v: &str) -> bool {
        matches!(judge_url(v), Verdict::Removed(_))
    }

    fn contributor(element: &str, attribute: &str, value: &str) -> Option<String> {
        let modules: HashSet<String> = ["other".to_string()].into_iter().collect();
        filter(element, attribute, value, Some(&modules)).map(Cow::into_owned)
    }

    fn maintainer(element: &str, attribute: &str, value: &str) -> Option<String> {
        filter(element, attribute, value, None).map(Cow::into_owned)
    }

    #[test]
    fn every_invisible_character_is_stripped_before_a_scheme() {
        for &c in INVISIBLE {
            assert!(is_invisible(c), "{c:?}");
            for v in [
                format!("{c}javascript:alert(1)"),
                format!("{c}{c}JaVaScRiPt:alert(1){c}"),
                format!("javascript:alert(1){c}"),
            ] {
                assert!(removed(&v), "{v:?}");
                for (element, attribute) in [("a", "href"), ("img", "src"), ("blockquote", "cite"), ("q", "cite")] {
                    assert_eq!(contributor(element, attribute, &v), None, "{element} {attribute}={v:?}");
                    assert_eq!(maintainer(element, attribute, &v), None, "{element} {attribute}={v:?} (maintainer)");
                }
            }
            // and inside the scheme
            assert!(removed(&format!("java{c}script:alert(1)")), "java{c:?}script:");
            assert!(removed(&format!("vb{c}script:msgbox(1)")), "vb{c:?}script:");
        }
    }

    #[test]
    fn normalising_trims_unicode_and_drops_tabs_and_newlines() {
        assert_eq!(normalise_url("\u{2028}\u{a0} https://e.org/a\tb\nc\r \u{feff}"), "https://e.org/abc");
        assert_eq!(normalise_url("https://e.org/a b"), "https://e.org/a b");
        assert!(matches!(normalise_url("https://e.org/"), Cow::Borrowed(_)));
        assert_eq!(judge_url("\u{3000}https://e.org/"), Verdict::Absolute("https://e.org/".into()));
        assert_eq!(judge_url("  MAILTO:a@e.org"), Verdict::Absolute("MAILTO:a@e.org".into()));
        assert_eq!(judge_url("\u{2029}../other/"), Verdict::Relative("../other/".into()));
        // the kept value is the normalised one
        assert_eq!(contributor("a", "href", "\u{2003}https://e.org/\u{200b}").as_deref(), Some("https://e.org/"));
        assert_eq!(contributor("a", "href", "\u{a0}../other/index.html").as_deref(), Some("../other/index.html"));
    }

    #[test]
    fn disallowed_and_disguised_schemes_go() {
        for v in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "jAvAsCrIpT:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "data:image/png;base64,iVBORw0KGgo=",
            "DATA:image/svg+xml,<svg onload=alert(1)>",
            "livescript:alert(1)",
            "ftp://e.org/",
            "file:///etc/passwd",
            "blob:https://e.org/x",
            "filesystem:https://e.org/x",
            "jar:https://e.org/x!/",
            "ms-its:x",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "java\r\nscript:alert(1)",
            "\tjava\tscript\t:alert(1)",
            // not a valid scheme before the colon: disguised
            "java\u{0}script:alert(1)",
            "java\u{fffd}script:alert(1)",
            "j\u{0430}vascript:alert(1)",
            "javaſcript:alert(1)",
            "%6Aavascript:alert(1)",
            "java%0ascript:alert(1)",
            "java script:alert(1)",
            ":alert(1)",
            "1javascript:alert(1)",
            // decoded once more: a tool that decodes twice finds no scheme either
            "&#106;avascript:alert(1)",
            "&#x6A;avascript&colon;alert(1)",
            "&#x26;#x6A;avascript:alert(1)",
            "javascript&colon;alert(1)",
            "javascript&#58;alert(1)",
            "javascript%3Aalert(1)",
            "java&Tab;script&colon;alert(1)",
            "&NewLine;javascript&colon;alert(1)",
            "%E2%80%A8javascript:alert(1)",
        ] {
            assert!(removed(v), "{v:?} is kept");
            assert_eq!(contributor("a", "href", v), None, "{v:?}");
            assert_eq!(maintainer("a", "href", v), None, "{v:?} (maintainer)");
        }
    }

    #[test]
    fn safe_urls_survive() {
        for v in ["https://e.org/", "http://e.org/a?b=c#d", "mailto:a@e.org", "https://e.org/javascript:x"] {
            assert_eq!(contributor("a", "href", v).as_deref(), Some(v));
        }
        for v in ["#section", "../other/", "../other/index.html#usage"] {
            assert_eq!(contributor("a", "href", v).as_deref(), Some(v), "{v}");
        }
        // relative, towards no module page, or not on a link: contributors lose them
        for (element, attribute, v) in [
            ("a", "href", "../missing/"),
            ("a", "href", "page.html"),
            ("a", "href", "//evil.example/"),
            ("a", "href", "/\\evil.example/"),
            ("img", "src", "../other/"),
            ("img", "src", "x"),
            ("blockquote", "cite", "x"),
        ] {
            assert_eq!(contributor(element, attribute, v), None, "{element} {attribute}={v:?}");
        }
        // maintainers keep relative links
        assert_eq!(maintainer("a", "href", "../categories/index.html").as_deref(), Some("../categories/index.html"));
        assert_eq!(maintainer("img", "src", "../static/logo.svg").as_deref(), Some("../static/logo.svg"));
        // a colon after a slash, `?` or `#` is no scheme
        assert_eq!(judge_url("a/b:c"), Verdict::Relative("a/b:c".into()));
        assert_eq!(judge_url("#x:y"), Verdict::Relative("#x:y".into()));
    }

    #[test]
    fn srcset_is_judged_candidate_by_candidate() {
        assert_eq!(
            contributor("img", "srcset", "https://e.org/a.png 1x, https://e.org/b.png 2x").as_deref(),
            Some("https://e.org/a.png 1x, https://e.org/b.png 2x")
        );
        assert_eq!(contributor("img", "srcset", "https://e.org/a.png 1x, \u{2028}javascript:alert(1) 2x"), None);
        assert_eq!(contributor("img", "srcset", "data:image/png;base64,x 1x"), None);
        assert_eq!(contributor("a", "ping", "https://e.org/"), None);
        for attribute in ["formaction", "action", "poster", "data", "background", "longdesc", "xlink:href"] {
            assert_eq!(contributor("x", attribute, "\u{a0}javascript:alert(1)"), None, "{attribute}");
        }
    }

    #[test]
    fn language_tags_are_language_tags() {
        assert_eq!(contributor("a", "hreflang", "en-GB").as_deref(), Some("en-GB"));
        assert_eq!(contributor("p", "lang", "de").as_deref(), Some("de"));
        assert_eq!(contributor("a", "hreflang", "javascript:alert(1)"), None);
        assert_eq!(contributor("p", "lang", "x\" onmouseover=\"y"), None);
    }

    #[test]
    fn ids_never_take_the_theme_s() {
        assert_eq!(contributor("h3", "id", "usage").as_deref(), Some("usage"));
        assert_eq!(contributor("div", "id", "fn-2").as_deref(), Some("fn-2"));
        for (element, v) in
            [("h3", "run-docker"), ("h2", "copy-status"), ("h4", "main"), ("div", "fn-x"), ("div", "x"), ("h1", "a")]
        {
            assert_eq!(contributor(element, "id", v), None, "<{element} id={v}>");
            assert_eq!(maintainer(element, "id", v), None, "<{element} id={v}> (maintainer)");
        }
    }

    /// Every id the theme's templates or scripts name is in `THEME_IDS`.
    #[test]
    fn theme_ids_are_all_reserved() {
        let theme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("theme");
        let mut seen = 0;
        for dir in ["templates", "static"] {
            for entry in std::fs::read_dir(theme.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if !matches!(path.extension().and_then(|e| e.to_str()), Some("html" | "js")) {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for pattern in ["id=\"", ".id = '", "getElementById('"] {
                    for (i, _) in text.match_indices(pattern) {
                        let rest = &text[i + pattern.len()..];
                        let id: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
                        if id.is_empty() || rest[id.len()..].starts_with(['{', ' ']) {
                            continue; // made by the template
                        }
                        seen += 1;
                        assert!(THEME_IDS.contains(&id.as_str()), "{}: id {id:?} is not in THEME_IDS", path.display());
                    }
                }
            }
        }
        assert!(seen > 20, "{seen} ids found");
    }

    fn warnings(html: &str) -> Vec<(Range<usize>, String)> {
        let mut out = Vec::new();
        raw_html_warnings(html, 100, Trust::Contributor, &mut out);
        out
    }

    #[test]
    fn raw_html_warnings_name_the_attribute() {
        let html = "<p>x</p><a title=\"t\" href=\"&#x2028;javascript:alert(1)\">x</a>";
        let w = warnings(html);
        assert_eq!(w.len(), 1, "{w:?}");
        let at = html.find("href").unwrap();
        assert_eq!(w[0].0, 100 + at..100 + html.find(">x</a>").unwrap());
        assert_eq!(w[0].1, "`javascript:` links are removed from the page");
        for html in [
            "<a href=JAVASCRIPT:alert(1)>",
            "<a href='&nbsp;javascript:alert(1)'>",
            "<img\tsrc=\"&#x3000;vbscript:x\">",
            "<blockquote cite=\"javascript:alert(1)\">",
            "<q cite=&#x1680;javascript:alert(1)>",
            "<img srcset=\"https://e.org/a.png 1x, javascript:alert(1) 2x\">",
            "<button formaction=\"&#x0A;javascript:alert(1)\">",
            "<A HREF=\"java&Tab;script&colon;alert(1)\">",
            "<a href=\"java&#x0;script:alert(1)\">",
            "<a href=\"&#x2028;javascript:alert(1)",
            "href=\"javascript:alert(1)\">the rest of a tag from an earlier line",
            "<svg><a xlink:href=\"javascript:alert(1)\">",
        ] {
            assert_eq!(warnings(html).len(), 1, "{html}: {:?}", warnings(html));
        }
        for html in [
            "<a href=\"https://e.org/\">",
            "<a href=\"../other/\">",
            "<a title=\"javascript:alert(1)\">",
            "<!-- <a href=\"javascript:alert(1)\"> -->",
            "<textarea><a href=\"javascript:alert(1)\"></textarea>",
            "a > b",
            "<img src=x onerror=alert(1)>",
        ] {
            assert_eq!(warnings(html), vec![], "{html}");
        }
    }

    #[test]
    fn attribute_values_are_decoded_as_html_decodes_them() {
        assert_eq!(decode_attribute("\"&#x2028;j&#97;v&#x61;script&colon;\""), "\u{2028}javascript:");
        assert_eq!(decode_attribute("'&nbsp;&amp;&lt;&gt;&quot;'"), "\u{a0}&<>\"");
        assert_eq!(decode_attribute("&NewLine;x"), "\nx");
        assert_eq!(decode_attribute("\"plain\""), "plain");
    }
}
