//! `modules/<slug>/badge.svg`: a badge a module's README can show, linking to its page in
//! the catalogue. Served by the site itself (nothing is fetched from a badge server): flat,
//! two parts (the catalogue's name, then the module's category), valid SVG with a
//! `<title>`, under 1 KB, with no external reference (no fonts, images or links).

/// Average advance of a character at 11 px in the badge's sans-serif font: there is no
/// font to measure at build time, so widths are estimated, with room to spare.
const CHAR_PX: f64 = 6.6;
const PAD_PX: f64 = 6.0;
/// Characters kept of each part, and of the title: a badge stays small (under 1 KB, even
/// with every character escaped) whatever the names.
const MAX_CHARS: usize = 40;
const MAX_TITLE_CHARS: usize = 100;

/// Under this many bytes, always: names full of characters to escape are cut shorter.
pub const MAX_BYTES: usize = 1024;

/// The SVG of a badge reading `label | message`, with `title` as its accessible name.
pub fn svg(label: &str, message: &str, title: &str) -> String {
    let (mut parts, mut titled) = (MAX_CHARS, MAX_TITLE_CHARS);
    loop {
        let out = draw(label, message, title, parts, titled);
        if out.len() < MAX_BYTES || parts <= 4 {
            return out;
        }
        (parts, titled) = (parts * 3 / 4, titled / 2);
    }
}

fn draw(label: &str, message: &str, title: &str, parts: usize, titled: usize) -> String {
    let label = clip(label, parts);
    let message = clip(message, parts);
    let lw = width(&label);
    let mw = width(&message);
    let total = lw + mw;
    let title = escape(&clip(title, titled));
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img">"#,
            "<title>{title}</title>",
            r##"<rect width="{lw}" height="20" fill="#434d58"/>"##,
            r##"<rect x="{lw}" width="{mw}" height="20" fill="#0b6e4f"/>"##,
            r##"<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">"##,
            r#"<text x="{lx}" y="14">{label}</text><text x="{mx}" y="14">{message}</text></g></svg>"#,
            "\n"
        ),
        total = total,
        title = title,
        lw = lw,
        mw = mw,
        lx = lw / 2,
        mx = lw + mw / 2,
        label = escape(&label),
        message = escape(&message),
    )
}

fn clip(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

fn width(s: &str) -> u32 {
    (s.chars().count() as f64 * CHAR_PX + 2.0 * PAD_PX).ceil() as u32
}

/// XML text and attribute escaping (the pages' escaping; control characters, which XML
/// does not allow, become spaces).
fn escape(s: &str) -> String {
    crate::markdown::escape(&s.replace(|c: char| (c as u32) < 0x20, " "))
}

/// The Markdown a module's README can carry: the badge, linking to the module's page.
pub fn markdown(badge_url: &str, page_url: &str, title: &str) -> String {
    let alt: String = title.chars().filter(|c| !matches!(c, '[' | ']' | '\\')).collect();
    format!("[![{alt}]({badge_url})]({page_url})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_self_contained_and_escaped() {
        let s = svg("DEEP Open Catalogue", "Computer vision", "DEEP Open Catalogue: <Plants> & \"seeds\"");
        assert!(s.len() < MAX_BYTES, "{} bytes", s.len());
        assert!(s.contains("<title>DEEP Open Catalogue: &lt;Plants&gt; &amp; &quot;seeds&quot;</title>"));
        assert!(!s.contains("href") && !s.contains("url(") && !s.contains("<image"));
        let long = svg(&"x".repeat(300), &"y".repeat(300), &"z".repeat(300));
        assert!(long.len() < MAX_BYTES, "{} bytes", long.len());
        let escaped = svg(&"&".repeat(300), &"<".repeat(300), &"\"".repeat(300));
        assert!(escaped.len() < MAX_BYTES, "{} bytes", escaped.len());
    }

    #[test]
    fn markdown_links_the_badge_to_the_page() {
        assert_eq!(
            markdown("https://e.org/modules/a/badge.svg", "https://e.org/modules/a/index.html", "A [b]"),
            "[![A b](https://e.org/modules/a/badge.svg)](https://e.org/modules/a/index.html)"
        );
    }
}
