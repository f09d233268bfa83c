//! GitHub's extended autolinks: bare `http(s)://` and `www.` URLs and e-mail addresses in
//! the text of a description become links, as their authors saw them on GitHub. linkify
//! finds the candidates; this file keeps those GitHub would link (the rules of the GFM spec,
//! "Autolinks (extension)") and splices them into pulldown-cmark's event stream as ordinary
//! links, so the link checks and the sanitiser decide on them as on any other link.
//!
//! Left alone: code spans and blocks, the text of links and images, raw HTML, and text
//! inside raw `<a>`, `<code>`, `<pre>` (and the like) elements. Known difference from GitHub:
//! linkify ends a URL at its first unbalanced `)`, GitHub only drops unbalanced `)` at its
//! end (`www.x.org/q=(a))+b` links `www.x.org/q=(a)` here, all of it there).

use std::collections::VecDeque;
use std::iter::Peekable;
use std::ops::Range;

use linkify::{LinkFinder, LinkKind};
use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

type Item<'a> = (Event<'a>, Range<usize>);

/// Raw HTML elements whose text is not linked: links of their own, code, and elements whose
/// content is no running text.
const VERBATIM: &[&str] = &[
    "a", "code", "pre", "kbd", "samp", "tt", "script", "style", "textarea", "title", "xmp", "noscript", "template",
    "svg", "math",
];

/// An iterator adapter over pulldown-cmark's events with their source ranges.
pub struct Autolinks<'a, I: Iterator<Item = Item<'a>>> {
    events: Peekable<I>,
    queue: VecDeque<Item<'a>>,
    finder: LinkFinder,
    emails: LinkFinder,
    /// Links and images of the source open (their text is theirs), and whether a code block is.
    links: usize,
    code: bool,
    /// Raw HTML elements of `VERBATIM` open in the current block.
    raw: usize,
    /// Whether the next text starts where GitHub lets an autolink start: after white space,
    /// `*`, `_`, `~`, `(`, or at the start of a block or line.
    boundary: bool,
}

impl<'a, I: Iterator<Item = Item<'a>>> Autolinks<'a, I> {
    pub fn new(events: I) -> Self {
        let mut finder = LinkFinder::new();
        // For `www.` URLs; schemeless finds without it are dropped (GitHub links none).
        finder.url_must_have_scheme(false);
        let mut emails = LinkFinder::new();
        emails.kinds(&[LinkKind::Email]);
        Autolinks {
            events: events.peekable(),
            queue: VecDeque::new(),
            finder,
            emails,
            links: 0,
            code: false,
            raw: 0,
            boundary: true,
        }
    }

    /// Keeps track of where text may be linked.
    fn observe(&mut self, event: &Event) {
        match event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => self.links += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => self.links = self.links.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => self.code = true,
            Event::End(TagEnd::CodeBlock) => self.code = false,
            Event::Html(html) | Event::InlineHtml(html) => self.raw_tags(html),
            // An element left open in one block does not hold the next one's text.
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::TableCell
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition
                | TagEnd::HtmlBlock
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition,
            ) => self.raw = 0,
            _ => {}
        }
        self.boundary = match event {
            Event::Text(t) => t.chars().next_back().is_none_or(opens),
            // What comes before the next text is a backtick, `>`, `]` or `)`.
            Event::Code(_)
            | Event::InlineHtml(_)
            | Event::FootnoteReference(_)
            | Event::InlineMath(_)
            | Event::End(TagEnd::Link | TagEnd::Image) => false,
            _ => true,
        };
    }

    /// Counts the start and end tags of `VERBATIM` elements in a piece of raw HTML.
    fn raw_tags(&mut self, html: &str) {
        let mut rest = html;
        while let Some(i) = rest.find('<') {
            rest = &rest[i + 1..];
            if let Some(comment) = rest.strip_prefix("!--") {
                rest = comment.find("-->").map_or("", |j| &comment[j + 3..]);
                continue;
            }
            let (closing, tag) = match rest.strip_prefix('/') {
                Some(tag) => (true, tag),
                None => (false, rest),
            };
            let len = tag.bytes().take_while(u8::is_ascii_alphanumeric).count();
            if !VERBATIM.iter().any(|v| v.eq_ignore_ascii_case(&tag[..len])) {
                continue;
            }
            let self_closed = tag.find('>').is_some_and(|j| tag[..j].ends_with('/'));
            if closing {
                self.raw = self.raw.saturating_sub(1);
            } else if !self_closed {
                self.raw += 1;
            }
        }
    }

    /// One run of consecutive text events, with its autolinks spliced in; the events as
    /// they came when it has none.
    fn splice(&mut self, run: Vec<Item<'a>>) {
        let pieces: Vec<(&str, Range<usize>)> = run
            .iter()
            .map(|(e, r)| match e {
                Event::Text(t) => (t.as_ref(), r.clone()),
                _ => ("", r.clone()),
            })
            .collect();
        let text: CowStr = match pieces.as_slice() {
            [(one, _)] => CowStr::Borrowed(one),
            many => CowStr::from(many.iter().map(|(t, _)| *t).collect::<String>()),
        };
        let boundary = self.boundary;
        self.boundary = text.chars().next_back().map_or(boundary, opens);
        let found = self.links_in(&text, boundary);
        if found.is_empty() {
            self.queue.extend(run);
            return;
        }
        let map = Offsets::new(&pieces);
        let mut at = 0;
        let mut out = Vec::with_capacity(found.len() * 4 + 1);
        for link in found {
            if link.range.start > at {
                out.push(text_event(&text, at..link.range.start, &map));
            }
            let source = map.source(link.range.start, false)..map.source(link.range.end, true);
            out.push((
                Event::Start(Tag::Link {
                    link_type: LinkType::Autolink,
                    dest_url: link.dest.into(),
                    title: CowStr::Borrowed(""),
                    id: CowStr::Borrowed(""),
                }),
                source.clone(),
            ));
            out.push((Event::Text(text[link.range.clone()].to_string().into()), source.clone()));
            out.push((Event::End(TagEnd::Link), source));
            at = link.range.end;
        }
        if at < text.len() {
            out.push(text_event(&text, at..text.len(), &map));
        }
        self.queue.extend(out);
    }

    /// The autolinks of one run of text, in order. `boundary`: whether a link may start at
    /// its first character.
    fn links_in(&self, text: &str, boundary: bool) -> Vec<Found> {
        let mut out = Vec::new();
        // Most text holds nothing linkify could find that GitHub would link.
        if !(text.contains("://") || text.contains("www.") || text.contains('@')) {
            return out;
        }
        for link in self.finder.links(text) {
            let range = link.start()..link.end();
            match link.kind() {
                LinkKind::Email => out.extend(email(text, range)),
                LinkKind::Url => match url(text, range.clone(), boundary) {
                    Some(found) => out.push(found),
                    // A schemeless find such as `example.org/a@b.org` may hold an address.
                    None => out.extend(
                        self.emails
                            .links(&text[range.clone()])
                            .filter_map(|e| email(text, range.start + e.start()..range.start + e.end())),
                    ),
                },
                _ => {}
            }
        }
        out
    }
}

impl<'a, I: Iterator<Item = Item<'a>>> Iterator for Autolinks<'a, I> {
    type Item = Item<'a>;

    fn next(&mut self) -> Option<Item<'a>> {
        if let Some(item) = self.queue.pop_front() {
            return Some(item);
        }
        let (event, range) = self.events.next()?;
        if matches!(event, Event::Text(_)) && self.links == 0 && !self.code && self.raw == 0 {
            // pulldown-cmark cuts text at entities, escapes and unused delimiters: a URL may
            // span several events.
            let mut run = vec![(event, range)];
            while let Some(item) = self.events.next_if(|(e, _)| matches!(e, Event::Text(_))) {
                run.push(item);
            }
            self.splice(run);
            return self.queue.pop_front();
        }
        self.observe(&event);
        Some((event, range))
    }
}

/// A link to make: where its text is in the run, and where it leads.
#[derive(Debug, PartialEq, Eq)]
struct Found {
    range: Range<usize>,
    dest: String,
}

/// Characters after which GitHub starts a `www.` or `http(s)://` autolink.
fn opens(c: char) -> bool {
    c.is_whitespace() || matches!(c, '*' | '_' | '~' | '(')
}

/// A URL linkify found, as GitHub links it: `http://` or `https://` (any case) or `www.`,
/// at a boundary, without trailing punctuation or a trailing entity-like `&name;`.
fn url(text: &str, range: Range<usize>, boundary: bool) -> Option<Found> {
    let before = text[..range.start].chars().next_back();
    if !before.map_or(boundary, opens) {
        return None;
    }
    let found = &text[range.clone()];
    let has_scheme =
        ["http://", "https://"].iter().any(|s| found.get(..s.len()).is_some_and(|p| p.eq_ignore_ascii_case(s)));
    if !has_scheme && !found.starts_with("www.") {
        return None;
    }
    let mut end = range.end;
    loop {
        let link = &text[range.start..end];
        let trimmed = link.trim_end_matches(['?', '!', '.', ',', ':', '*', '_', '~']);
        // `&hl;`: what looks like an entity reference is not part of the link.
        let entity = text[range.start + trimmed.len()..].starts_with(';')
            && trimmed.rfind('&').is_some_and(|amp| {
                let name = &trimmed[amp + 1..];
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        let new_end = match entity {
            true => range.start + trimmed.rfind('&').unwrap_or(trimmed.len()),
            false => range.start + trimmed.len(),
        };
        if new_end == end {
            break;
        }
        end = new_end;
    }
    let link = &text[range.start..end];
    let rest = link.split_once("://").map_or(&link[4..], |(_, rest)| rest);
    if rest.is_empty() {
        return None;
    }
    let dest = if has_scheme { link.to_string() } else { format!("https://{link}") };
    // A URL that does not parse (`www.x:y`, a port past 65535) would lose its `href` in the
    // sanitiser: it stays text.
    url::Url::parse(&dest).ok()?;
    Some(Found { range: range.start..end, dest })
}

/// An address linkify found, as GitHub links it: a local part of letters, digits and
/// `.+-_` (what precedes it is left as text), a domain of letters, digits and `.-_` with a
/// dot in it, not ending with `-` or `_`; `mailto:` just before it is part of the link.
fn email(text: &str, range: Range<usize>) -> Option<Found> {
    let found = &text[range.clone()];
    let at = found.rfind('@')?;
    let local = &found[..at];
    let kept =
        local.len() - local.bytes().rev().take_while(|&b| b.is_ascii_alphanumeric() || b".+-_".contains(&b)).count();
    if kept == local.len() {
        return None;
    }
    // GitHub's domain runs on over the characters it allows: it must be linkify's.
    let after = &text[range.start + at + 1..];
    let run = after.bytes().take_while(|&b| b.is_ascii_alphanumeric() || b".-_".contains(&b)).count();
    let domain = after[..run].trim_end_matches('.');
    if Some(domain) != found.get(at + 1..) || !domain.contains('.') || domain.ends_with(['-', '_']) {
        return None;
    }
    let mut start = range.start + kept;
    let address = &text[start..range.end];
    if start >= 7 && text.get(start - 7..start).is_some_and(|p| p.eq_ignore_ascii_case("mailto:")) {
        start -= 7;
    }
    Some(Found { range: start..range.end, dest: format!("mailto:{address}") })
}

/// Maps byte offsets of a run's joined text to offsets in the source: exact inside text
/// taken verbatim from the source, the bounds of an event otherwise (an entity, an escape).
struct Offsets {
    /// Where each piece starts in the joined text, its source range, and whether it is
    /// the source's bytes.
    pieces: Vec<(usize, Range<usize>, bool)>,
}

impl Offsets {
    fn new(pieces: &[(&str, Range<usize>)]) -> Self {
        let mut at = 0;
        let pieces = pieces
            .iter()
            .map(|(t, r)| {
                let piece = (at, r.clone(), t.len() == r.len());
                at += t.len();
                piece
            })
            .collect();
        Offsets { pieces }
    }

    fn source(&self, offset: usize, end: bool) -> usize {
        // The piece holding `offset` (an end offset belongs to the piece it ends).
        let k = self.pieces.partition_point(|(start, ..)| if end { *start < offset } else { *start <= offset });
        let Some((start, range, verbatim)) = self.pieces.get(k.saturating_sub(1)) else {
            return 0;
        };
        match (verbatim, end) {
            (true, _) => (range.start + (offset - start)).min(range.end),
            (false, false) => range.start,
            (false, true) => range.end,
        }
    }
}

fn text_event<'a>(text: &str, range: Range<usize>, map: &Offsets) -> Item<'a> {
    let source = map.source(range.start, false)..map.source(range.end, true);
    (Event::Text(text[range].to_string().into()), source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Options, Parser};

    /// The HTML of `source` with autolinks, before any sanitising (markdown.rs's options).
    fn render(source: &str) -> String {
        let mut out = String::new();
        let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
        let parser = Parser::new_ext(source, options);
        html::push_html(&mut out, Autolinks::new(parser.into_offset_iter()).map(|(e, _)| e));
        out.trim_end().to_string()
    }

    fn p(inner: &str) -> String {
        format!("<p>{inner}</p>")
    }

    fn a(href: &str, text: &str) -> String {
        format!("<a href=\"{href}\">{text}</a>")
    }

    /// The examples of the GFM spec's "Autolinks (extension)", with `www.` made https.
    #[test]
    fn gfm_spec_examples() {
        let cases = [
            ("www.commonmark.org", p(&a("https://www.commonmark.org", "www.commonmark.org"))),
            (
                "Visit www.commonmark.org/help for more information.",
                p(&format!(
                    "Visit {} for more information.",
                    a("https://www.commonmark.org/help", "www.commonmark.org/help")
                )),
            ),
            (
                "Visit www.commonmark.org.",
                p(&format!("Visit {}.", a("https://www.commonmark.org", "www.commonmark.org"))),
            ),
            (
                "Visit www.commonmark.org/a.b.",
                p(&format!("Visit {}.", a("https://www.commonmark.org/a.b", "www.commonmark.org/a.b"))),
            ),
            (
                "www.google.com/search?q=Markup+(business)",
                p(&a("https://www.google.com/search?q=Markup+(business)", "www.google.com/search?q=Markup+(business)")),
            ),
            (
                "www.google.com/search?q=Markup+(business)))",
                p(&format!(
                    "{}))",
                    a("https://www.google.com/search?q=Markup+(business)", "www.google.com/search?q=Markup+(business)")
                )),
            ),
            (
                "(www.google.com/search?q=Markup+(business))",
                p(&format!(
                    "({})",
                    a("https://www.google.com/search?q=Markup+(business)", "www.google.com/search?q=Markup+(business)")
                )),
            ),
            (
                "www.google.com/search?q=commonmark&hl=en",
                p(&a(
                    "https://www.google.com/search?q=commonmark&amp;hl=en",
                    "www.google.com/search?q=commonmark&amp;hl=en",
                )),
            ),
            (
                "www.google.com/search?q=commonmark&hl;",
                p(&format!(
                    "{}&amp;hl;",
                    a("https://www.google.com/search?q=commonmark", "www.google.com/search?q=commonmark")
                )),
            ),
            (
                "www.commonmark.org/he&lt;lp",
                p(&format!("{}&lt;lp", a("https://www.commonmark.org/he", "www.commonmark.org/he"))),
            ),
            (
                "http://commonmark.org\n\n(Visit https://encrypted.google.com/search?q=Markup+(business))",
                format!(
                    "{}\n{}",
                    p(&a("http://commonmark.org", "http://commonmark.org")),
                    p(&format!(
                        "(Visit {})",
                        a(
                            "https://encrypted.google.com/search?q=Markup+(business)",
                            "https://encrypted.google.com/search?q=Markup+(business)"
                        )
                    ))
                ),
            ),
            ("foo@bar.baz", p(&a("mailto:foo@bar.baz", "foo@bar.baz"))),
            (
                "hello@mail+xyz.example isn't valid, but hello+xyz@mail.example is.",
                p(&format!(
                    "hello@mail+xyz.example isn't valid, but {} is.",
                    a("mailto:hello+xyz@mail.example", "hello+xyz@mail.example")
                )),
            ),
            // The spec's `a.b` domain made `a.bc`: linkify wants two letters in a top-level domain.
            ("a.b-c_d@a.bc", p(&a("mailto:a.b-c_d@a.bc", "a.b-c_d@a.bc"))),
            ("a.b-c_d@a.bc.", p(&format!("{}.", a("mailto:a.b-c_d@a.bc", "a.b-c_d@a.bc")))),
            ("a.b-c_d@a.bc-", p("a.b-c_d@a.bc-")),
            ("a.b-c_d@a.bc_", p("a.b-c_d@a.bc_")),
            ("mailto:foo@bar.baz", p(&a("mailto:foo@bar.baz", "mailto:foo@bar.baz"))),
        ];
        for (source, expected) in cases {
            assert_eq!(render(source), expected, "{source:?}");
        }
    }

    #[test]
    fn trailing_punctuation_stays_text() {
        for (source, link, after) in [
            ("see https://x.org/a.", "https://x.org/a", "."),
            ("see https://x.org/a,", "https://x.org/a", ","),
            ("see https://x.org/a:", "https://x.org/a", ":"),
            ("see https://x.org/a?!", "https://x.org/a", "?!"),
            ("see https://x.org/a_", "https://x.org/a", "_"),
            ("see https://x.org/a~", "https://x.org/a", "~"),
            ("see https://x.org/a;", "https://x.org/a", ";"),
            ("see https://x.org/a).", "https://x.org/a", ")."),
            ("see https://en.wikipedia.org/wiki/Foo_(bar).", "https://en.wikipedia.org/wiki/Foo_(bar)", "."),
            ("see https://x.org/a/./b/.", "https://x.org/a/./b/", "."),
        ] {
            assert_eq!(render(source), p(&format!("see {}{after}", a(link, link))), "{source:?}");
        }
        assert_eq!(render("(see https://x.org/a)."), p(&format!("(see {}).", a("https://x.org/a", "https://x.org/a"))));
    }

    #[test]
    fn only_http_https_and_www_are_linked() {
        for source in [
            "javascript://x.org/%0aalert(1)",
            "JavaScript://x.org/%0aalert(1)",
            "vbscript://x.org/%0amsgbox(1)",
            "data://text/html,x",
            "ftp://x.org/a",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "example.org/a and x.example.com",
            "WWW.x.org",
            "xhttps://x.org/",
            "1https://x.org/",
            "httpѕ://x.org/",
        ] {
            assert!(!render(source).contains("<a"), "{source:?}: {}", render(source));
        }
        // GitHub's left boundary: not inside a word or after `/`, `.`, `]`, a backtick ...
        for source in ["a.https://x.org", "x/www.x.org", "[x](https://y.org)https://x.org", "`c`https://x.org"] {
            assert_eq!(render(source).matches("<a").count(), source.matches("](").count(), "{source:?}");
        }
        // ... but after emphasis, a parenthesis, or at the start of a line
        let html = render("*https://x.org*\n_www.x.org_ (https://y.org) ~~https://z.org~~");
        assert_eq!(html.matches("<a href=\"https://").count(), 4, "{html}");
        assert!(render("HTTPS://X.ORG/A").contains("<a href=\"HTTPS://X.ORG/A\">"));
        // what would not parse as a URL stays text
        for source in ["www.javascript:alert(1)", "http://x.org:99999/", "https://x.org:1:2/"] {
            assert!(!render(source).contains("<a"), "{source:?}: {}", render(source));
        }
    }

    #[test]
    fn code_links_and_raw_html_are_left_alone() {
        for source in [
            "`https://x.org`",
            "```\nhttps://x.org\n```",
            "    https://x.org",
            "<div>\nhttps://x.org\n</div>",
            "<a href=\"https://y.org\">https://x.org</a>",
            "<code>https://x.org</code> and <pre>www.x.org</pre>",
            "<A HREF=\"https://y.org\">see https://x.org</A>",
        ] {
            let html = render(source);
            assert!(
                !html.contains("href=\"https://x.org") && !html.contains("href=\"https://www"),
                "{source:?}: {html}"
            );
        }
        // existing links and autolinks are not doubled
        assert_eq!(render("[https://x.org](https://y.org)"), p(&a("https://y.org", "https://x.org")));
        assert_eq!(render("<https://x.org>"), p(&a("https://x.org", "https://x.org")));
        assert_eq!(
            render("![https://x.org](https://y.org/p.png)"),
            p("<img src=\"https://y.org/p.png\" alt=\"https://x.org\" />")
        );
        // after a raw element closes, or in the next paragraph, text is linked again
        let html = render("<code>x</code> https://x.org\n\n<a href=\"https://y.org\">open\n\nhttps://z.org");
        assert!(html.contains(&a("https://x.org", "https://x.org")), "{html}");
        assert!(html.contains(&a("https://z.org", "https://z.org")), "{html}");
        // a comment's tags are no tags
        assert!(render("x <!-- <a> --> https://x.org").contains(&a("https://x.org", "https://x.org")));
    }

    #[test]
    fn urls_split_across_events_are_found_whole() {
        // an entity, an escape and an unused delimiter cut the text into several events
        assert_eq!(
            render("https://x.org/?a=1&amp;b=2 https://x.org/a\\_b https://x.org/a_b_c"),
            p(&format!(
                "{} {} {}",
                a("https://x.org/?a=1&amp;b=2", "https://x.org/?a=1&amp;b=2"),
                a("https://x.org/a_b", "https://x.org/a_b"),
                a("https://x.org/a_b_c", "https://x.org/a_b_c")
            ))
        );
        // and the encoded forms of hostile schemes are still not linked
        assert!(!render("jav&#x61;script://x.org/%0aalert(1)").contains("<a"));
    }

    #[test]
    fn links_in_headings_lists_tables_and_footnotes() {
        let html = render(
            "## See https://x.org\n\n- www.x.org/a\n\n| a |\n|---|\n| https://y.org |\n\nNote[^1].\n\n[^1]: https://z.org",
        );
        for href in ["https://x.org", "https://www.x.org/a", "https://y.org", "https://z.org"] {
            assert!(html.contains(&format!("<a href=\"{href}\">")), "{href}: {html}");
        }
    }

    #[test]
    fn ranges_point_into_the_source() {
        let source = "A &amp; https://x.org/a.\n";
        let events: Vec<Item> = Autolinks::new(Parser::new(source).into_offset_iter()).collect();
        let link = events.iter().find(|(e, _)| matches!(e, Event::Start(Tag::Link { .. }))).unwrap();
        assert_eq!(&source[link.1.clone()], "https://x.org/a");
        let texts: Vec<&str> =
            events.iter().filter(|(e, _)| matches!(e, Event::Text(_))).map(|(_, r)| &source[r.clone()]).collect();
        assert_eq!(texts, ["A &amp; ", "https://x.org/a", "."]);
        // text without links comes out as it came
        let plain: Vec<Item> = Parser::new("A &amp; b").into_offset_iter().collect();
        assert_eq!(Autolinks::new(Parser::new("A &amp; b").into_offset_iter()).collect::<Vec<_>>(), plain);
    }
}
