//! Markdown -> sanitised HTML, with highlighted code, heading anchors and GitHub's
//! autolinks (`autolink.rs`), and the plain text that the search index takes. Module
//! descriptions are untrusted: whatever HTML they hold goes through ammonia, and only links
//! we can vouch for survive.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use pulldown_cmark::{html, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::autolink::Autolinks;
use crate::sanitize::{base_sanitiser, filter, module_link_slug, THEME_IDS};
use crate::slug;

pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
/// Past these sizes a code block is shown without colours: a pathological block must not
/// stall the build.
const MAX_HIGHLIGHT_BYTES: usize = 64 * 1024;
const MAX_HIGHLIGHT_LINE: usize = 2_000;
/// About how many bytes of HTML the sanitiser takes at a time (see `render_in_chunks`).
const SANITISE_CHUNK: usize = 64 * 1024;
/// How deep a text may nest blocks, inline markup and raw HTML elements together. Real
/// descriptions stay under 15; browsers stop nesting at 512 (Chromium's HTML parser), and
/// the page's own markup takes about 12 levels around the description. Deeper texts are
/// refused with a diagnostic.
pub const MAX_NESTING: usize = 100;

/// The result of rendering one Markdown text.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// Text without markup, for the search index and descriptions.
    pub plain: String,
    /// Links that cannot work on the site, with their byte range in the source.
    pub bad_links: Vec<(Range<usize>, String)>,
    /// Links that the sanitiser will remove (`javascript:` and friends).
    pub removed_links: Vec<(Range<usize>, String)>,
    /// Where the text nests deeper than [`MAX_NESTING`], and how deep it is there: such a
    /// text is refused (`html` stays empty), since the HTML parser behind the sanitiser
    /// costs time quadratic in the depth.
    pub too_deep: Option<(Range<usize>, usize)>,
}

/// Who wrote the text decides how much we trust its links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// A module description from a pull request: relative links must lead to a module page.
    Contributor,
    /// Categories and pages, written by the maintainers: relative links pass through.
    Maintainer,
}

/// Renders Markdown for one site. Holds the sanitisers, built once.
pub struct Markdown {
    contributor: ammonia::Builder<'static>,
    maintainer: ammonia::Builder<'static>,
    modules: Arc<HashSet<String>>,
}

impl Markdown {
    /// `modules`: the slugs of every module, so `../<slug>/index.html` links can be checked.
    pub fn new(modules: HashSet<String>) -> Self {
        let modules = Arc::new(modules);
        let known = Arc::clone(&modules);
        let mut contributor = base_sanitiser();
        contributor.attribute_filter(move |element, attribute, value| filter(element, attribute, value, Some(&known)));
        let mut maintainer = base_sanitiser();
        maintainer.attribute_filter(|element, attribute, value| filter(element, attribute, value, None));
        Markdown { contributor, maintainer, modules }
    }

    /// Renders `source`; its highest heading becomes `<h{first_heading}>` so that pages keep
    /// a heading order without gaps under the page's own headings.
    pub fn render(&self, source: &str, trust: Trust, first_heading: usize) -> Rendered {
        self.render_in_chunks(source, trust, first_heading, SANITISE_CHUNK)
    }

    /// `render`, sanitising the HTML in pieces of about `chunk` bytes cut between
    /// top-level blocks (nothing open there, Markdown or raw HTML), so the sanitiser's DOM
    /// stays small however long the text: one DOM for a whole 1 MiB description grew
    /// slower than linearly (past the caches). Each piece comes out of ammonia whole and
    /// balanced, so the pieces joined are as safe as each.
    fn render_in_chunks(&self, source: &str, trust: Trust, first_heading: usize, chunk: usize) -> Rendered {
        let mut out = Rendered::default();
        let mut options = Options::empty();
        options.insert(Options::ENABLE_TABLES);
        options.insert(Options::ENABLE_FOOTNOTES);
        options.insert(Options::ENABLE_STRIKETHROUGH);
        let top =
            if source.contains('#') || source.contains("<h") || source.contains("\n---") || source.contains("\n===") {
                Parser::new_ext(source, options)
                    .filter_map(|e| match e {
                        Event::Start(Tag::Heading { level, .. }) => Some(level as usize),
                        _ => None,
                    })
                    .min()
                    .unwrap_or(1)
            } else {
                1
            };
        // Bare URLs become links here, before every check: the sanitiser and the link rules
        // see them as any other link.
        let parser = Autolinks::new(Parser::new_ext(source, options).into_offset_iter());

        let mut events: Vec<Event> = Vec::new();
        let mut ids = HeadingIds::new();
        let mut heading: Option<(HeadingLevel, Vec<Event>, String)> = None;
        let mut code: Option<(String, String)> = None;
        let mut footnotes: HashMap<String, usize> = HashMap::new();

        // Inside an autolink, and whether the next text continues the previous one (the
        // URL and the punctuation around it are one word of the plain text, not three).
        let (mut in_autolink, mut glue) = (false, false);

        let mut nesting = Nesting::default();
        // Indexes into `events` between top-level blocks: where the HTML may be cut.
        let mut cuts: Vec<usize> = Vec::new();

        for (event, range) in parser {
            // Maintainers' pages are trusted and have no diagnostics to carry a refusal.
            if let Some(offset) = nesting.enter(&event).filter(|_| trust == Trust::Contributor) {
                let at = (range.start + offset).min(range.end.saturating_sub(1).max(range.start));
                out.too_deep = Some((at..at + 1, nesting.depth()));
                return out;
            }
            if let Some((lang, text)) = code.as_mut() {
                match event {
                    Event::Text(t) => text.push_str(&t),
                    Event::End(TagEnd::CodeBlock) => {
                        push_plain(&mut out.plain, text);
                        events.push(Event::Html(CowStr::from(highlight(text, lang))));
                        code = None;
                    }
                    _ => {}
                }
                continue;
            }
            match &event {
                // `<a@b.org>`: the page links `mailto:a@b.org`.
                Event::Start(Tag::Link { link_type: LinkType::Email, dest_url, .. }) => {
                    self.check_link(&format!("mailto:{dest_url}"), range.clone(), trust, &mut out);
                }
                Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => {
                    self.check_link(dest_url, range.clone(), trust, &mut out);
                }
                Event::Text(t) | Event::Code(t) if glue => out.plain.push_str(t),
                Event::Text(t) | Event::Code(t) => push_plain(&mut out.plain, t),
                Event::Html(t) | Event::InlineHtml(t) => {
                    crate::sanitize::raw_html_warnings(t, range.start, trust, &mut out.removed_links)
                }
                _ => {}
            }
            let autolink =
                matches!(event, Event::Start(Tag::Link { link_type: LinkType::Autolink | LinkType::Email, .. }));
            glue = autolink || (in_autolink && matches!(event, Event::End(TagEnd::Link)));
            in_autolink = autolink || (in_autolink && !matches!(event, Event::End(TagEnd::Link)));
            // Footnotes get ids of our own, `fn-<number>`: a label could take an id of the theme,
            // and the sanitiser keeps no other ids.
            let event = match event {
                Event::FootnoteReference(label) => {
                    let n = footnote_number(&mut footnotes, &label);
                    Event::InlineHtml(CowStr::from(format!("<sup><a href=\"#fn-{n}\">{n}</a></sup>")))
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    let n = footnote_number(&mut footnotes, &label);
                    Event::Html(CowStr::from(format!(
                        "<div class=\"footnote-definition\" id=\"fn-{n}\"><sup class=\"footnote-definition-label\">{n}</sup>\n"
                    )))
                }
                Event::End(TagEnd::FootnoteDefinition) => Event::Html(CowStr::from("</div>\n")),
                other => other,
            };
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => info.split([' ', ',', '{']).next().unwrap_or("").to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((lang, String::new()));
                }
                Event::Start(Tag::Heading { level, .. }) => heading = Some((level, Vec::new(), String::new())),
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((level, inner, text)) = heading.take() {
                        let n = (level as usize + first_heading).saturating_sub(top).clamp(2, 6);
                        let id = ids.unique(&text);
                        events.push(Event::Html(CowStr::from(format!("<h{n} id=\"{id}\">"))));
                        events.extend(inner);
                        events.push(Event::Html(CowStr::from(format!("</h{n}>\n"))));
                    }
                }
                other => match heading.as_mut() {
                    Some((_, inner, text)) => {
                        if let Event::Text(t) | Event::Code(t) = &other {
                            text.push_str(t);
                        }
                        inner.push(other);
                    }
                    None => events.push(other),
                },
            }
            if nesting.depth() == 0 && heading.is_none() && code.is_none() && cuts.last() != Some(&events.len()) {
                cuts.push(events.len());
            }
        }
        let sanitiser = match trust {
            Trust::Contributor => &self.contributor,
            Trust::Maintainer => &self.maintainer,
        };
        let total = events.len();
        let mut events = events.into_iter();
        let mut taken = 0;
        let mut raw = String::with_capacity(chunk.min(source.len() * 3 / 2));
        let mut clean = String::with_capacity(source.len() * 3 / 2);
        for cut in cuts.into_iter().chain(std::iter::once(total)) {
            if cut <= taken {
                continue;
            }
            html::push_html(&mut raw, events.by_ref().take(cut - taken));
            taken = cut;
            if raw.len() >= chunk || cut == total {
                clean.push_str(&sanitiser.clean(&raw).to_string());
                raw.clear();
            }
        }
        out.html = finish_images(&clean);
        out.plain = out.plain.trim().to_string();
        out
    }

    fn check_link(&self, url: &str, range: Range<usize>, trust: Trust, out: &mut Rendered) {
        // Decided as the sanitiser decides (Unicode spaces and controls stripped, disguised
        // schemes removed), so that the warning names what the page will lose.
        let url = match crate::sanitize::judge_url(url) {
            crate::sanitize::Verdict::Absolute(_) => return,
            crate::sanitize::Verdict::Removed(why) => {
                out.removed_links.push((range, why));
                return;
            }
            crate::sanitize::Verdict::Relative(url) => url,
        };
        let url = url.as_ref();
        if trust == Trust::Maintainer || url.starts_with('#') || url.is_empty() {
            return;
        }
        if url.starts_with("//") {
            out.bad_links.push((range, format!("protocol-relative URL `{url}`: write it with https:")));
            return;
        }
        if module_link_slug(url).is_some_and(|s| self.modules.contains(s)) {
            return;
        }
        out.bad_links.push((range, format!("relative link `{url}` does not lead to a page of the site")));
    }
}

/// Footnotes are numbered in the order they first appear, as pulldown-cmark does. A map,
/// not a list: a description may hold thousands of them.
fn footnote_number(footnotes: &mut HashMap<String, usize>, label: &str) -> usize {
    if let Some(&n) = footnotes.get(label) {
        return n;
    }
    let n = footnotes.len() + 1;
    footnotes.insert(label.to_string(), n);
    n
}

fn push_plain(plain: &mut String, text: &str) {
    if !plain.is_empty() && !plain.ends_with(char::is_whitespace) {
        plain.push(' ');
    }
    plain.push_str(text);
}

/// The nesting depth along the event stream: Markdown's own containers (each `Start` to
/// its `End`) plus the raw HTML elements open at that point.
#[derive(Default)]
struct Nesting {
    markdown: usize,
    /// The raw HTML elements open, as a browser's parser would keep them at most: every
    /// start tag of a non-void element stays open until its end tag (which also closes
    /// what it holds), except where the parser surely closes it first (a `<p>` before
    /// another block, an `<li>` before the next one, ...). The parser nests no deeper than
    /// this, so the limit cannot be passed under it.
    html: Vec<String>,
}

impl Nesting {
    fn depth(&self) -> usize {
        self.markdown + self.html.len()
    }

    /// Takes one event; past [`MAX_NESTING`], the byte offset inside the event where the
    /// limit was passed.
    fn enter(&mut self, event: &Event) -> Option<usize> {
        match event {
            Event::Start(_) => {
                self.markdown += 1;
                (self.depth() > MAX_NESTING).then_some(0)
            }
            Event::End(_) => {
                self.markdown = self.markdown.saturating_sub(1);
                None
            }
            Event::Html(t) | Event::InlineHtml(t) => self.html_tags(t),
            _ => None,
        }
    }

    fn html_tags(&mut self, html: &str) -> Option<usize> {
        let bytes = html.as_bytes();
        let mut i = 0;
        while let Some(j) = bytes[i..].iter().position(|&b| b == b'<') {
            let start = i + j;
            i = start + 1;
            if html[i..].starts_with("!--") {
                match html[i..].find("-->") {
                    Some(end) => i += end + 3,
                    None => return None,
                }
                continue;
            }
            let closing = bytes.get(i) == Some(&b'/');
            let name_start = if closing { i + 1 } else { i };
            let name_len = bytes[name_start..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
            if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
                continue;
            }
            let name = html[name_start..name_start + name_len].to_ascii_lowercase();
            let self_closed = html[name_start..].find('>').is_some_and(|k| bytes[name_start + k - 1] == b'/');
            i = name_start + name_len;
            if closing {
                if let Some(at) = self.html.iter().rposition(|open| *open == name) {
                    self.html.truncate(at);
                }
            } else if !self_closed && !is_void(&name) {
                if self.html.last().is_some_and(|top| closed_by(top, &name)) {
                    self.html.pop();
                }
                self.html.push(name);
                if self.depth() > MAX_NESTING {
                    return Some(start);
                }
            }
        }
        None
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "param"
            | "keygen"
    )
}

/// Whether a start tag `next` makes the HTML parser close the element `open` that is the
/// current node (the optional end tags of the HTML standard, the common cases).
fn closed_by(open: &str, next: &str) -> bool {
    match open {
        "p" => matches!(
            next,
            "p" | "div"
                | "ul"
                | "ol"
                | "dl"
                | "li"
                | "dd"
                | "dt"
                | "table"
                | "blockquote"
                | "pre"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "section"
                | "article"
                | "aside"
                | "header"
                | "footer"
                | "nav"
                | "figure"
                | "figcaption"
                | "details"
                | "summary"
                | "address"
                | "fieldset"
                | "main"
                | "menu"
        ),
        "li" => next == "li",
        "dt" | "dd" => matches!(next, "dt" | "dd"),
        "option" => matches!(next, "option" | "optgroup"),
        "optgroup" => next == "optgroup",
        "tr" => next == "tr",
        "td" | "th" => matches!(next, "td" | "th" | "tr"),
        "rb" | "rt" | "rtc" | "rp" => matches!(next, "rb" | "rt" | "rtc" | "rp"),
        _ => false,
    }
}

/// Heading ids, unique in the page: `same`, `same-1`, `same-2`, ... Each base remembers its
/// next suffix, so a run of identical headings costs constant time per heading (counting
/// from 1 every time made 10,000 of them quadratic).
struct HeadingIds {
    taken: HashSet<String>,
    next: HashMap<String, usize>,
}

impl HeadingIds {
    fn new() -> Self {
        // Headings never take the theme's ids (the sanitiser would drop them).
        HeadingIds { taken: THEME_IDS.iter().map(|s| s.to_string()).collect(), next: HashMap::new() }
    }

    fn unique(&mut self, text: &str) -> String {
        let base = slug::slugify(text).unwrap_or_else(|| "section".into());
        let mut id = base.clone();
        if self.taken.contains(&id) {
            let n = self.next.entry(base.clone()).or_insert(1);
            // Another heading may have taken `base-n` as its own text: skip past it.
            loop {
                id = format!("{base}-{n}");
                *n += 1;
                if !self.taken.contains(&id) {
                    break;
                }
            }
        }
        self.taken.insert(id.clone());
        id
    }
}

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

const LANGUAGE_ALIASES: &[(&str, &str)] =
    &[("sh", "bash"), ("shell", "bash"), ("console", "bash"), ("py", "python"), ("yml", "yaml"), ("js", "javascript")];

/// Highlights a code block with CSS classes; unknown languages and oversized blocks are
/// escaped as plain text. From the first line longer than `MAX_HIGHLIGHT_LINE` on (a
/// minified script), the block goes on as plain text.
pub fn highlight(code: &str, lang: &str) -> String {
    let lang = lang.trim().to_ascii_lowercase();
    let lang = LANGUAGE_ALIASES.iter().find(|(a, _)| *a == lang).map_or(lang.as_str(), |(_, l)| l);
    let set = syntaxes();
    let class = if slug::is_valid(lang) { format!(" class=\"language-{lang}\"") } else { String::new() };
    let syntax = (!lang.is_empty()).then(|| set.find_syntax_by_token(lang)).flatten();
    let too_big = code.len() > MAX_HIGHLIGHT_BYTES;
    let fast = if too_big { None } else { crate::highlight::highlight(code, lang) };
    let body = match syntax {
        _ if fast.is_some() => fast.unwrap_or_default(),
        Some(syntax) if !too_big => {
            let mut gen = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
            let (mut done, mut ok) = (0, true);
            for line in LinesWithEndings::from(code) {
                if line.len() > MAX_HIGHLIGHT_LINE {
                    break;
                }
                if gen.parse_html_for_line_which_includes_newline(line).is_err() {
                    ok = false;
                    break;
                }
                done += line.len();
            }
            if ok {
                gen.finalize() + &escape(&code[done..])
            } else {
                escape(code)
            }
        }
        _ => escape(code),
    };
    format!("<pre class=\"code\"><code{class}>{body}</code></pre>\n")
}

/// The stylesheet for highlighted code, for one of syntect's bundled themes, with every
/// text colour adjusted to a contrast of at least 4.5:1 against `background` (the code
/// background of the theme's CSS), as WCAG AA asks.
pub fn highlight_css(theme: &str, background: [u8; 3]) -> String {
    static THEMES: OnceLock<syntect::highlighting::ThemeSet> = OnceLock::new();
    let themes = THEMES.get_or_init(syntect::highlighting::ThemeSet::load_defaults);
    let css = themes
        .themes
        .get(theme)
        .and_then(|t| syntect::html::css_for_theme_with_class_style(t, CLASS_STYLE).ok())
        .unwrap_or_default();
    let mut out = String::with_capacity(css.len());
    for line in css.lines() {
        let trimmed = line.trim_start();
        if let Some(hex) = trimmed.strip_prefix("color: #").and_then(|r| r.get(..6)) {
            if let Some(rgb) = parse_hex(hex) {
                let fixed = with_contrast(rgb, background, 4.6);
                out.push_str(&line.replace(hex, &format!("{:02x}{:02x}{:02x}", fixed[0], fixed[1], fixed[2])));
                out.push('\n');
                continue;
            }
        }
        if trimmed.starts_with("background-color:") {
            // The theme's own CSS sets the code background.
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn parse_hex(h: &str) -> Option<[u8; 3]> {
    let v = u32::from_str_radix(h, 16).ok()?;
    Some([(v >> 16) as u8, (v >> 8) as u8, v as u8])
}

fn luminance(c: [u8; 3]) -> f64 {
    let ch = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2])
}

fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Moves `fg` towards black (on light backgrounds) or white (on dark) until it reads.
fn with_contrast(fg: [u8; 3], bg: [u8; 3], min: f64) -> [u8; 3] {
    let target = if luminance(bg) > 0.5 { [0u8, 0, 0] } else { [255u8, 255, 255] };
    let mut c = fg;
    for step in 1..=20 {
        if contrast(c, bg) >= min {
            break;
        }
        let t = f64::from(step) / 20.0;
        for i in 0..3 {
            c[i] = (f64::from(fg[i]) + (f64::from(target[i]) - f64::from(fg[i])) * t).round() as u8;
        }
    }
    c
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Every image gets an `alt` (empty when the author gave none: decorative) so pages stay
/// accessible. ammonia quotes attributes and escapes `>` inside them, so `>` ends a tag.
fn finish_images(html: &str) -> String {
    if !html.contains("<img") {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + 32);
    let mut rest = html;
    while let Some(i) = rest.find("<img") {
        out.push_str(&rest[..i]);
        let tag_end = rest[i..].find('>').map_or(rest.len(), |j| i + j);
        let tag = &rest[i..tag_end];
        out.push_str(tag);
        if !tag.contains(" alt=\"") {
            out.push_str(" alt=\"\"");
        }
        // Off-screen images wait; none blocks rendering.
        out.push_str(" loading=\"lazy\" decoding=\"async\"");
        rest = &rest[tag_end..];
    }
    out.push_str(rest);
    out
}

/// A short plain-text excerpt, cut at a word boundary.
pub fn excerpt(plain: &str, max_chars: usize) -> String {
    if plain.chars().count() <= max_chars {
        return plain.to_string();
    }
    let cut: String = plain.chars().take(max_chars).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md() -> Markdown {
        Markdown::new(["other".to_string()].into_iter().collect())
    }

    #[test]
    fn scripts_and_handlers_never_survive() {
        let r = md().render(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) <a href=\"JaVaScRiPt:alert(1)\">y</a> <a href=\"data:text/html,<script>\">z</a>",
            Trust::Contributor,
            3,
        );
        let h = r.html.to_lowercase();
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("onerror"), "{h}");
        assert!(!h.contains("javascript:"), "{h}");
        assert!(!h.contains("data:"), "{h}");
        // The Markdown link and both raw-HTML links: each is warned about.
        assert_eq!(r.removed_links.len(), 3, "{:?}", r.removed_links);
    }

    #[test]
    fn external_links_and_images() {
        let r = md().render(
            "[a](https://e.org) ![pic](https://e.org/p.png)\n\n<img src='https://e.org/q.png' width=10 height=20>",
            Trust::Contributor,
            2,
        );
        assert!(r.html.contains("rel=\"noopener nofollow\""), "{}", r.html);
        assert!(r.html.contains("alt=\"pic\""));
        assert!(r.html.contains("width=\"10\"") && r.html.contains("alt=\"\""), "{}", r.html);
    }

    #[test]
    fn bare_urls_are_links_like_any_other() {
        let r = md().render(
            "See https://e.org/a, www.e.org/b and team@e.org (or <help@e.org>).\n\n`https://e.org/code`",
            Trust::Contributor,
            2,
        );
        for (href, text) in [
            ("https://e.org/a", "https://e.org/a"),
            ("https://www.e.org/b", "www.e.org/b"),
            ("mailto:team@e.org", "team@e.org"),
            ("mailto:help@e.org", "help@e.org"),
        ] {
            assert!(r.html.contains(&format!("<a href=\"{href}\" rel=\"noopener nofollow\">{text}</a>")), "{}", r.html);
        }
        assert!(r.html.contains("<code>https://e.org/code</code>"), "{}", r.html);
        // `<help@e.org>` is a link to `mailto:`, not a relative link that leads nowhere
        assert_eq!((r.bad_links.len(), r.removed_links.len()), (0, 0), "{:?} {:?}", r.bad_links, r.removed_links);
        // the plain text reads as the text: no space between a URL and its punctuation
        assert_eq!(r.plain, "See https://e.org/a, www.e.org/b and team@e.org (or help@e.org). https://e.org/code");
        // hostile schemes are not linked, whatever their spelling
        let r = md().render(
            "javascript://e.org/%0aalert(1) JaVaScRiPt://e.org/%0aalert(1) jav&#x61;script://e.org/%0aalert(1) \
             vbscript://e.org/%0amsgbox(1) data://text/html,x javascript:alert(1)",
            Trust::Contributor,
            2,
        );
        assert!(!r.html.contains("<a"), "{}", r.html);
    }

    #[test]
    fn relative_links_are_checked() {
        let r = md().render("[ok](../other/index.html) [bad](./deep-oc-x.html) [frag](#top)", Trust::Contributor, 2);
        assert_eq!(r.bad_links.len(), 1, "{:?}", r.bad_links);
        assert!(r.html.contains("href=\"../other/index.html\""));
        assert!(!r.html.contains("deep-oc-x"));
    }

    #[test]
    fn headings_get_ids_and_move_down() {
        let r = md().render("# Usage\n\n## Usage\n\n# Main", Trust::Contributor, 2);
        assert!(r.html.contains("<h2 id=\"usage\">Usage</h2>"), "{}", r.html);
        assert!(r.html.contains("<h3 id=\"usage-1\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"main-1\">"), "{}", r.html);
        let r = md().render("## Only level two\n\n### Three", Trust::Maintainer, 2);
        assert!(r.html.contains("<h2 id=\"only-level-two\">") && r.html.contains("<h3 id=\"three\">"), "{}", r.html);
    }

    #[test]
    fn repeated_headings_get_numbered_ids_that_skip_taken_ones() {
        let r = md().render("## Same 1\n\n## Same\n\n## Same\n\n## Same\n\n## Main", Trust::Contributor, 2);
        let ids: Vec<&str> = r.html.split("id=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
        assert_eq!(ids, ["same-1", "same", "same-2", "same-3", "main-1"], "{}", r.html);
        // Every id of the theme is taken, also those only its scripts make.
        let r = md().render("## Search status\n\n## Run docker", Trust::Contributor, 2);
        assert!(r.html.contains("id=\"search-status-1\"") && r.html.contains("id=\"run-docker-1\""), "{}", r.html);
        let many = "## Same\n\n".repeat(3000);
        let r = md().render(&many, Trust::Contributor, 2);
        assert!(r.html.contains("id=\"same-2999\""), "the last of 3000 identical headings");
    }

    #[test]
    fn nesting_past_the_limit_is_refused_where_it_goes_too_deep() {
        // 99 quotes and their paragraph make 100 levels: allowed.
        let ok = format!("Text.\n\n{}x\n", "> ".repeat(MAX_NESTING - 1));
        let r = md().render(&ok, Trust::Contributor, 2);
        assert_eq!(r.too_deep, None);
        assert!(r.html.contains("<blockquote>"));
        // One more: refused at the paragraph that is level 101.
        let deep = format!("Text.\n\n{}x\n", "> ".repeat(MAX_NESTING));
        let r = md().render(&deep, Trust::Contributor, 2);
        let (range, depth) = r.too_deep.expect("refused");
        assert_eq!((range.start, depth), (7 + 2 * MAX_NESTING, MAX_NESTING + 1));
        assert!(r.html.is_empty());
        // Raw HTML elements count; void elements and optional end tags do not.
        let html = format!("<div>{}</div>\n", "<span>".repeat(MAX_NESTING));
        let r = md().render(&html, Trust::Contributor, 2);
        assert_eq!(r.too_deep.map(|(r, _)| r.start), Some(5 + 6 * (MAX_NESTING - 2)), "the span at level 101");
        let siblings =
            format!("<ul>\n{}\n</ul><div>{}</div>\n", "<li>a<br><img src=x>".repeat(500), "<p>b".repeat(500));
        assert_eq!(md().render(&siblings, Trust::Contributor, 2).too_deep, None);
        // Optional end tags that the parser does not close nest: `<li>` inside `<dd>` ...
        let nested = format!("<div>\n{}\n</div>\n", "<p>a<li>b<dd>c<option>d".repeat(100));
        assert!(md().render(&nested, Trust::Contributor, 2).too_deep.is_some());
        // ... and an end tag closes what its element holds.
        let closed_list = "<ul><li>a<li>b<li><b>c</ul>\n".repeat(1000);
        assert_eq!(md().render(&closed_list, Trust::Contributor, 2).too_deep, None);
        let closed = "<div><span>a</span></div>\n".repeat(1000);
        assert_eq!(md().render(&closed, Trust::Contributor, 2).too_deep, None);
        // Maintainers' pages are trusted: rendered whatever their depth.
        assert!(md().render(&deep, Trust::Maintainer, 2).html.contains("<blockquote>"));
    }

    #[test]
    fn html_sanitised_in_chunks_equals_html_sanitised_whole() {
        let block = "## Usage\n\nSome *text* with [a link](https://example.org/) and a note[^n].\n\n\
                     - a\n  - b\n\n> quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```\n\n\
                     <div><span>raw</span> <a href=\"javascript:x\">bad</a></div>\n\n<details><summary>s</summary>\n\n\
                     hidden\n\n</details>\n\n[^n]: The note.\n\n";
        let text = block.repeat(400);
        for trust in [Trust::Contributor, Trust::Maintainer] {
            let whole = md().render_in_chunks(&text, trust, 2, usize::MAX);
            let chunked = md().render_in_chunks(&text, trust, 2, 4 * 1024);
            assert!(whole.html.len() > 40 * 4 * 1024, "many chunks");
            assert!(whole.html == chunked.html, "chunked output differs");
            assert!(!chunked.html.contains("javascript:"));
        }
    }

    #[test]
    fn highlight_colours_reach_aa_contrast() {
        for (theme, bg) in [("InspiredGitHub", [0xee, 0xf1, 0xf5]), ("base16-ocean.dark", [0x1d, 0x26, 0x30])] {
            let css = highlight_css(theme, bg);
            assert!(css.contains(".hl-"), "{css}");
            for hex in css.lines().filter_map(|l| l.trim().strip_prefix("color: #")).filter_map(|h| parse_hex(&h[..6]))
            {
                assert!(contrast(hex, bg) >= 4.5, "{theme}: {hex:?}");
            }
        }
    }

    #[test]
    fn code_is_highlighted_with_classes() {
        let r = md().render(
            "```python\nimport os\n```\n\n```js\nconst a = /x+/g; function f(){ return `t${a}` }\n```",
            Trust::Contributor,
            2,
        );
        assert!(r.html.contains("hl-source"), "{}", r.html);
        assert!(r.html.contains("language-javascript"), "{}", r.html);
        assert!(r.plain.contains("import os"));
    }
}
