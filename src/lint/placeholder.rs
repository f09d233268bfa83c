//! A template's placeholder text left in a module: the AI4OS template's "Write additional
//! information for your users ...", the texts `marketplace new` writes (`scaffold.rs`),
//! and the placeholder addresses of the DEEP template (`http://add-some-DOI-url.com`) and
//! of `marketplace new`. Texts match whatever their case, spacing, line breaks and
//! punctuation; `import` drops them when it migrates a module (`import/mod.rs`).

use std::ops::Range;

use rayon::prelude::*;

use super::{Finding, Place};
use crate::module::Module;
use crate::scaffold;

/// The description the AI4OS (and DEEP) module template generates, after the line naming
/// the module.
pub const AI4OS_DESCRIPTION: &str =
    "Write additional information for your users (how to predict, how to retrain, dataset description, \
     training description, etc).";

/// Every placeholder text a description may still hold: (which template, the text).
pub fn description_placeholders() -> impl Iterator<Item = (&'static str, &'static str)> {
    std::iter::once(("the AI4OS template", AI4OS_DESCRIPTION))
        .chain(scaffold::SECTIONS.iter().map(|(_, text)| ("`marketplace new`", *text)))
}

/// The template an address is a placeholder of, if it is one: the DEEP template's
/// `http://add-some-...` hosts, or an address `marketplace new` writes.
pub fn placeholder_url(url: &str) -> Option<&'static str> {
    let url = url.trim();
    // Parsed only when it may be one: `check` asks this of every link of every module.
    if url.to_ascii_lowercase().contains("add-some-") {
        if let Ok(u) = url::Url::parse(url) {
            if u.host_str().is_some_and(|h| h.to_lowercase().starts_with("add-some-")) {
                return Some("the DEEP template");
            }
        }
    }
    let bare = url.trim_end_matches('/');
    scaffold::LINK_PLACEHOLDERS.iter().any(|(_, p, _)| *p == bare).then_some("`marketplace new`")
}

/// Text folded for matching: lowercase letters and digits, every other run of characters
/// one space. With, for each byte of the folded text, the byte range of the original
/// character it comes from.
struct Folded {
    text: String,
    origin: Vec<Range<usize>>,
}

/// Only the folded text of [`fold`], to test whether a placeholder is in a text before its
/// place is worked out.
fn fold_text(s: &str) -> String {
    let mut text = String::with_capacity(s.len());
    let mut gap = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if gap && !text.is_empty() {
                text.push(' ');
            }
            gap = false;
            text.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    text
}

fn fold(s: &str) -> Folded {
    let mut text = String::with_capacity(s.len());
    let mut origin = Vec::with_capacity(s.len());
    let mut gap = false;
    for (i, c) in s.char_indices() {
        let r = i..i + c.len_utf8();
        if c.is_alphanumeric() {
            if gap && !text.is_empty() {
                text.push(' ');
                origin.push(r.start..r.start);
            }
            gap = false;
            for l in c.to_lowercase() {
                let before = text.len();
                text.push(l);
                origin.extend(std::iter::repeat_n(r.clone(), text.len() - before));
            }
        } else {
            gap = true;
        }
    }
    Folded { text, origin }
}

/// Where `needle` appears in `haystack` as whole words, whatever the case, spacing and
/// punctuation: the byte ranges in `haystack`, each widened over the punctuation that
/// opens and closes it (`**Write ... etc).**`).
pub fn find_all(haystack: &str, needle: &str) -> Vec<Range<usize>> {
    let hay = fold(haystack);
    let needle = fold(needle).text;
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    let bytes = hay.text.as_bytes();
    let punct = |c: char| !c.is_alphanumeric() && !c.is_whitespace();
    let mut from = 0;
    while let Some(i) = hay.text[from..].find(&needle).map(|i| from + i) {
        let j = i + needle.len();
        if (i == 0 || bytes[i - 1] == b' ') && (j == bytes.len() || bytes[j] == b' ') {
            let (mut start, mut end) = (hay.origin[i].start, hay.origin[j - 1].end);
            while let Some(c) = haystack[..start].chars().next_back().filter(|&c| punct(c)) {
                start -= c.len_utf8();
            }
            while let Some(c) = haystack[end..].chars().next().filter(|&c| punct(c)) {
                end += c.len_utf8();
            }
            out.push(start..end);
        }
        from = i + hay.text[i..].chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// Placeholders of fewer words than this count only on lines of their own: "Papers to
/// read and cite." is also a phrase of real descriptions.
const STANDALONE_BELOW_WORDS: usize = 8;

/// Where a template's placeholder text stands in `text`: anywhere for a long one, alone on
/// its line(s) for a short one.
pub fn find(text: &str, placeholder: &str) -> Option<Range<usize>> {
    let short = placeholder.split_whitespace().count() < STANDALONE_BELOW_WORDS;
    find_all(text, placeholder).into_iter().find(|r| {
        !short || {
            let before = &text[..r.start];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let after = &text[r.end..];
            let line_end = after.find('\n').unwrap_or(after.len());
            before[line_start..].trim().is_empty() && after[..line_end].trim().is_empty()
        }
    })
}

/// The description without the template placeholders it holds, and what was taken out:
/// a placeholder that is a paragraph of its own goes with the blank lines around it.
pub fn strip(description: &str) -> (String, Vec<&'static str>) {
    let mut text = description.to_string();
    let mut removed = Vec::new();
    for (_, placeholder) in description_placeholders() {
        while let Some(r) = find(&text, placeholder) {
            let before = text[..r.start].trim_end_matches([' ', '\t']);
            let after = text[r.end..].trim_start_matches([' ', '\t']);
            let own_paragraph =
                (before.is_empty() || before.ends_with('\n')) && (after.is_empty() || after.starts_with('\n'));
            text = if own_paragraph {
                let before = before.trim_end();
                let after = after.trim_start();
                match (before.is_empty(), after.is_empty()) {
                    (true, _) => after.to_string(),
                    (_, true) => format!("{before}\n"),
                    _ => format!("{before}\n\n{after}"),
                }
            } else {
                format!("{before} {after}")
            };
            removed.push(placeholder);
        }
    }
    (text, removed)
}

/// The first words of a placeholder, for a label.
fn opening(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= 8 {
        words.join(" ")
    } else {
        format!("{} ...", words[..7].join(" "))
    }
}

pub(crate) fn placeholders(modules: &[Module]) -> Vec<Finding> {
    let texts: Vec<Needle> = description_placeholders().map(Needle::new).collect();
    let summary = [Needle::new(("`marketplace new`", scaffold::SUMMARY_PLACEHOLDER))];
    modules.par_iter().enumerate().flat_map_iter(|(i, m)| module_placeholders(i, m, &texts, &summary)).collect()
}

/// A description placeholder, ready to look for in many descriptions.
struct Needle {
    template: &'static str,
    text: &'static str,
    /// Folded: ASCII lowercase letters and digits, single spaces (every placeholder is
    /// ASCII).
    folded: Vec<u8>,
}

impl Needle {
    fn new((template, text): (&'static str, &'static str)) -> Needle {
        Needle { template, text, folded: fold_text(text).into_bytes() }
    }

    /// Whether the placeholder starts at byte `i` of `text`, folding `text` as it goes: the
    /// test of [`find`] without building a folded copy of each description (most hold no
    /// placeholder). Its letters must match in any case; each space of the folded needle
    /// takes a run of characters that are neither letters nor digits.
    fn starts_at(&self, text: &str, mut i: usize) -> bool {
        let bytes = text.as_bytes();
        for &n in &self.folded {
            if n != b' ' {
                if bytes.get(i).map(u8::to_ascii_lowercase) != Some(n) {
                    return false;
                }
                i += 1;
                continue;
            }
            let start = i;
            while let Some(&b) = bytes.get(i) {
                if b.is_ascii() {
                    if b.is_ascii_alphanumeric() {
                        break;
                    }
                    i += 1;
                } else {
                    match text[i..].chars().next() {
                        Some(c) if !c.is_alphanumeric() => i += c.len_utf8(),
                        _ => break,
                    }
                }
            }
            if i == start {
                return false;
            }
        }
        true
    }
}

/// Which `needles` a text may hold: each is tried at the start of each word (an ASCII
/// letter or digit after a character that is neither a letter nor a digit) that begins
/// with its first letter. It agrees with [`find_all`] but for letters that lowercase to
/// ASCII from elsewhere (the Kelvin sign), which no template writes.
fn present(text: &str, needles: &[Needle]) -> Vec<bool> {
    let mut held = vec![false; needles.len()];
    // First letter -> the needles starting with it, as bits.
    let mut starting = [0u64; 128];
    for (k, n) in needles.iter().enumerate().take(64) {
        if let Some(&f) = n.folded.first() {
            starting[usize::from(f & 0x7f)] |= 1 << k;
            starting[usize::from(f.to_ascii_uppercase() & 0x7f)] |= 1 << k;
        }
    }
    let bytes = text.as_bytes();
    let mut after_word = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if !b.is_ascii() {
            // No needle starts with a non-ASCII character; it is a word's or a separator.
            let c = text[i..].chars().next().unwrap_or(' ');
            after_word = c.is_alphanumeric();
            i += c.len_utf8();
            continue;
        }
        let word = b.is_ascii_alphanumeric();
        if word && !after_word {
            let mut bits = starting[usize::from(b)];
            while bits != 0 {
                let k = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if !held[k] && needles[k].starts_at(text, i) {
                    held[k] = true;
                }
            }
        }
        after_word = word;
        i += 1;
    }
    held
}

/// The placeholders of one module.
fn module_placeholders(i: usize, m: &Module, needles: &[Needle], summary: &[Needle]) -> Vec<Finding> {
    let mut out = Vec::new();
    if present(&m.summary, summary)[0] && find(&m.summary, scaffold::SUMMARY_PLACEHOLDER).is_some() {
        out.push(Finding {
            module: i,
            place: Place::Summary,
            code: "placeholder",
            message: "the summary is still `marketplace new`'s placeholder".into(),
            label: "written by `marketplace new`, for the author to replace".into(),
            help: "say in one sentence what the module does and for whom".into(),
        });
    }
    for (&Needle { template, text, .. }, held) in needles.iter().zip(present(&m.body, needles)) {
        if !held {
            continue;
        }
        if let Some(r) = find(&m.body, text) {
            out.push(Finding {
                module: i,
                place: Place::Body(r),
                code: "placeholder",
                message: format!("the description still holds {template}'s placeholder text"),
                label: format!("written by {template}, for the author to replace"),
                help: if text == AI4OS_DESCRIPTION {
                    "write what it asks for (how to predict, how to retrain, the dataset, the training), \
                         or delete it"
                        .into()
                } else {
                    format!("write what \"{}\" asks for, or delete it", opening(text))
                },
            });
        }
    }
    // `links.docker` derived from a placeholder image is the placeholder's page: one
    // warning, at the image.
    let image = m.docker.as_ref().filter(|d| d.image == scaffold::IMAGE_PLACEHOLDER);
    if let Some(d) = image {
        out.push(Finding {
            module: i,
            place: Place::Image,
            code: "placeholder",
            message: "the Docker image is `marketplace new`'s placeholder".into(),
            label: format!("`{}` is not the module's image", d.image),
            help: "put the image `docker pull` fetches, e.g. `deephdc/deep-oc-your-module`".into(),
        });
    }
    let links = &m.links;
    for (key, value) in [
        ("source", &links.source),
        ("container", &links.container),
        ("docker", &links.docker),
        ("cite", &links.cite),
        ("weights", &links.weights),
        ("training", &links.training),
        ("dataset", &links.dataset),
        ("documentation", &links.documentation),
    ] {
        let Some(url) = value.as_ref().filter(|_| !(key == "docker" && image.is_some())) else { continue };
        if let Some(template) = placeholder_url(url) {
            out.push(Finding {
                module: i,
                place: Place::Link(key),
                code: "placeholder",
                message: format!("`links.{key}` is {template}'s placeholder address"),
                label: format!("`{url}` is not the module's"),
                help: format!("put the real address, or remove the `{key}` line"),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_match_across_case_spacing_and_punctuation() {
        let text = "x is an application.\n\n**WRITE additional information for your users -- how to predict,\n\
                    how to retrain, dataset description, training description, etc.**\n";
        let r = find(text, AI4OS_DESCRIPTION).expect("found");
        assert!(text[r.clone()].starts_with("**WRITE"), "{:?}", &text[r.clone()]);
        assert!(text[r].ends_with("etc.**"));
        // Whole words only, and the whole text.
        assert_eq!(find("Papers to read and cited.", "Papers to read and cite."), None);
        // A short placeholder stands on its own line; a long one anywhere.
        assert_eq!(find("Here are the papers to read and cite.", "Papers to read and cite."), None);
        assert_eq!(find("x\n  Papers to read and CITE\ny", "Papers to read and cite."), Some(4..27));
        assert!(find(
            "We said: write additional information for your users (how to predict, how to retrain, \
                      dataset description, training description, etc). Then more.",
            AI4OS_DESCRIPTION
        )
        .is_some());
        assert_eq!(find("Write additional information for your users.", AI4OS_DESCRIPTION), None);
        assert_eq!(find("Ünïcode ÉTÉ", "ünïcode été"), Some(0.."Ünïcode ÉTÉ".len()));
    }

    /// The quick test finds what `find` finds, and where it does not, neither does `find`.
    #[test]
    fn the_quick_test_agrees_with_find() {
        let needles: Vec<Needle> = description_placeholders().map(Needle::new).collect();
        for text in [
            "x.\n\n**WRITE additional information for your users -- how to predict,\nhow to retrain, dataset \
             description, training description, etc.**\n",
            "Papers\u{a0}to read — and CITE.\n",
            "A\u{2014}papers to read and cite.",
            "Éwrite additional information for your users (how to predict, how to retrain, dataset description, \
             training description, etc).",
            "rewrite additional information for your users (how to predict, how to retrain, dataset description, \
             training description, etc).",
            "Ünïcode papers to read and cite",
            "Nothing here: papers, reading, citing.",
            "",
        ] {
            let held = present(text, &needles);
            for (n, held) in needles.iter().zip(held) {
                let found = !find_all(text, n.text).is_empty();
                assert_eq!(held, found, "{:?} in {text:?}", n.text);
            }
        }
    }

    #[test]
    fn stripping_keeps_the_rest() {
        let text = "litter is an application using the DEEPaaS API.\n\nWrite additional information for your users \
                    (how to predict, how to retrain,\ndataset description, training description, etc).\n";
        let (out, removed) = strip(text);
        assert_eq!(out, "litter is an application using the DEEPaaS API.\n");
        assert_eq!(removed, [AI4OS_DESCRIPTION]);
        let (out, _) = strip(
            "A. Write additional information for your users (how to predict, how to retrain, \
                              dataset description, training description, etc). B.\n\n## Next\n",
        );
        assert_eq!(out, "A. B.\n\n## Next\n");
        let (out, _) = strip("## Data\n\nPapers to read and cite.\n\n## Next\n");
        assert_eq!(out, "## Data\n\n## Next\n");
        let (out, removed) = strip("Nothing to take out.\n");
        assert_eq!((out.as_str(), removed.len()), ("Nothing to take out.\n", 0));
    }

    #[test]
    fn placeholder_addresses() {
        assert_eq!(placeholder_url("http://add-some-DOI-url.com"), Some("the DEEP template"));
        assert_eq!(placeholder_url("http://add-some-url-pointing-to-your-dataset.com/"), Some("the DEEP template"));
        assert_eq!(placeholder_url("https://github.com/your-org/your-module/"), Some("`marketplace new`"));
        assert_eq!(placeholder_url("https://doi.org/10.1000/xyz"), None);
        assert_eq!(placeholder_url("https://example.org/code"), None);
    }
}
