//! Compound parts: `ai4eosc_thunder_nowcast_ml`, `MobileNetV3` or `resnet50` are single
//! elasticlunr tokens, so a query for `thunder`, `mobilenet`'s `net` or `resnet` would
//! miss them. [`augment`] appends their parts to the field text, so both index forms
//! (built from the same text) hold them as ordinary terms.

/// `text` with the parts of each of its tokens appended (after it, space-separated, in
/// token order); `text` itself when no token has parts.
pub fn augment(text: &str) -> String {
    let mut out = String::new();
    for token in tokens(text) {
        for part in parts(token) {
            if out.is_empty() {
                out.reserve(text.len() * 2);
                out.push_str(text);
            }
            out.push(' ');
            out.push_str(part);
        }
    }
    if out.is_empty() {
        text.to_string()
    } else {
        out
    }
}

/// The tokens of elasticlunr-rs's tokenizer (`lang::tokenize_whitespace`), before it
/// lowercases them: case changes are where compounds split.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || c == '-').filter(|s| !s.is_empty())
}

/// ASCII that is not a word character (`[A-Za-z0-9_]`), trimmed at both ends of the
/// token and of each part, as the pipeline's trimmer would.
fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '_'))
}

/// The parts of one token to append: its level-1 pieces (split at `_`, `.`, `/`), then the
/// level-2 pieces of each (case changes, letter/digit boundaries), each trimmed; parts
/// under 2 UTF-16 units dropped, duplicates (ignoring case) dropped, and so are parts
/// equal to the whole token (lowercased and trimmed).
pub(super) fn parts(token: &str) -> Vec<&str> {
    if plain_word(token) {
        return Vec::new();
    }
    split(token)
}

/// [`parts`] without the shortcut.
fn split(token: &str) -> Vec<&str> {
    let whole = trim(token).to_lowercase();
    let level1: Vec<&str> = token.split(['_', '.', '/']).map(trim).collect();
    let mut candidates: Vec<&str> = level1.clone();
    for piece in &level1 {
        level2(piece, &mut candidates);
    }
    let mut seen: Vec<String> = vec![whole];
    let mut out = Vec::new();
    for part in candidates {
        let part = trim(part);
        if part.encode_utf16().count() < 2 {
            continue;
        }
        let lower = part.to_lowercase();
        if !seen.contains(&lower) {
            seen.push(lower);
            out.push(part);
        }
    }
    out
}

/// Whether `token` certainly has no parts (most words): no `_`, `.`, `/`, no digit, no
/// capital after the first character. Spares the allocations of [`parts`].
fn plain_word(token: &str) -> bool {
    let mut chars = token.chars();
    chars.next();
    !token.contains(['_', '.', '/']) && !token.bytes().any(|b| b.is_ascii_digit()) && !chars.any(char::is_uppercase)
}

/// Splits `piece` at lower->upper case changes (`Mobile|Net`), before the last capital
/// of a run of capitals followed by a lowercase letter (`HTTP|Server`), and at
/// letter<->digit boundaries, except after a part of a single letter (`V3`, `x86`).
fn level2<'a>(piece: &'a str, out: &mut Vec<&'a str>) {
    let chars: Vec<(usize, char)> = piece.char_indices().collect();
    let mut start = 0; // index into `chars` of the current part's first character
    for i in 1..chars.len() {
        let (p, c) = (chars[i - 1].1, chars[i].1);
        let next_lower = chars.get(i + 1).is_some_and(|&(_, n)| n.is_lowercase());
        let single_letter = i - start == 1 && p.is_alphabetic();
        let cut = (p.is_lowercase() && c.is_uppercase())
            || (p.is_uppercase() && c.is_uppercase() && next_lower)
            || (p.is_alphabetic() && c.is_ascii_digit() && !single_letter)
            || (p.is_ascii_digit() && c.is_alphabetic());
        if cut {
            out.push(&piece[chars[start].0..chars[i].0]);
            start = i;
        }
    }
    if let Some(&(at, _)) = chars.get(start) {
        out.push(&piece[at..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn appended(token: &str) -> String {
        parts(token).join(" ")
    }

    #[test]
    fn the_examples_of_the_format() {
        assert_eq!(appended("ai4eosc_thunder_nowcast_ml"), "ai4eosc thunder nowcast ml ai eosc");
        assert_eq!(appended("MobileNetV3"), "Mobile Net V3");
        assert_eq!(appended("HTTPServer"), "HTTP Server");
        assert_eq!(appended("resnet50"), "resnet 50");
        assert_eq!(appended("yolov8"), "yolov");
        assert_eq!(appended("x86"), "");
        assert_eq!(appended("V3"), "");
        assert_eq!(appended("b0"), "");
        assert_eq!(appended("satellite"), "");
    }

    #[test]
    fn slugs_with_dots_and_slashes() {
        assert_eq!(appended("github.com/ai4os/yolov8_api"), "github com ai4os yolov8 api ai os yolov");
        assert_eq!(appended("deephdc/efficientnet_b0.v2"), "deephdc efficientnet b0 v2");
        assert_eq!(appended("x86_64"), "x86 64");
    }

    #[test]
    fn punctuation_is_trimmed_and_does_not_make_parts() {
        // One part equal to the token once trimmed: nothing to add.
        assert_eq!(appended("(satellite),"), "");
        assert_eq!(appended("resnet."), "");
        assert_eq!(appended("\"MobileNetV3\""), "Mobile Net V3");
        assert_eq!(appended("(yolov8)"), "yolov");
        assert_eq!(appended("v2.0"), "v2");
        assert_eq!(appended("1.5"), "");
        assert_eq!(appended("c++"), "");
        assert_eq!(appended("a_b"), "");
        assert_eq!(appended("..."), "");
    }

    #[test]
    fn parts_are_unique_ignoring_case() {
        assert_eq!(appended("Net_net_NET"), "Net");
        assert_eq!(appended("data_Data_model"), "data model");
        assert_eq!(appended("ÉcoleNormale"), "École Normale");
    }

    #[test]
    fn augment_appends_after_the_text_in_token_order() {
        assert_eq!(augment("YoloV8 for HTTPServer"), "YoloV8 for HTTPServer Yolo V8 HTTP Server");
        assert_eq!(augment("plain words only"), "plain words only");
        assert_eq!(augment(""), "");
        assert_eq!(augment("object-detection resnet50"), "object-detection resnet50 resnet 50");
    }

    /// The shortcut only skips tokens without parts.
    #[test]
    fn plain_words_have_no_parts() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("modules");
        let mut plain = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for token in tokens(&text) {
                if plain_word(token) {
                    plain += 1;
                    assert!(split(token).is_empty(), "{token}: {:?}", split(token));
                }
            }
        }
        assert!(plain > 5000, "{plain}");
    }

    /// Our split is elasticlunr-rs's tokenizer before lowercasing.
    #[test]
    fn tokens_are_elasticlunrs() {
        use elasticlunr::lang::{English, Language};
        let text = "A  MobileNetV3-large\tand\u{a0}x86--b0 \n ÜBER_Net";
        let ours: Vec<String> = tokens(text).map(str::to_lowercase).collect();
        assert_eq!(ours, English::new().tokenize(text));
    }
}
