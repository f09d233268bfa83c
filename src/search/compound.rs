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

/// The kind of a character for [`level2`]: digit, capital, or small letter (which
/// includes characters without case).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Digit,
    Capital,
    Small,
}

fn kind(c: char) -> Kind {
    if c.is_ascii_digit() {
        Kind::Digit
    } else if c.is_uppercase() {
        Kind::Capital
    } else {
        Kind::Small
    }
}

/// Cuts `piece` into runs of capitals, small letters and digits, joined back where they
/// make a word: a capital before small letters (`Net`), the last of several capitals
/// before two or more small letters (`HTTP|Server`), a lone letter before digits (`V3`,
/// `x86`, `YOLO|v8`). theme/static/search/excerpt.js marks by the same rule.
fn level2<'a>(piece: &'a str, out: &mut Vec<&'a str>) {
    // (kind, byte start, byte end, characters)
    let mut runs: Vec<(Kind, usize, usize, usize)> = Vec::new();
    for (at, c) in piece.char_indices() {
        let k = kind(c);
        let end = at + c.len_utf8();
        match runs.last_mut() {
            Some(run) if run.0 == k => {
                run.2 = end;
                run.3 += 1;
            }
            _ => runs.push((k, at, end, 1)),
        }
    }
    // A lone letter (run `at`) from byte `start`, with the digits that follow it, if any.
    let with_digits = |start: usize, at: usize, out: &mut Vec<&'a str>| -> usize {
        match runs.get(at + 1) {
            Some(next) if next.0 == Kind::Digit => {
                out.push(&piece[start..next.2]);
                at + 2
            }
            _ => {
                out.push(&piece[start..runs[at].2]);
                at + 1
            }
        }
    };
    let mut i = 0;
    while i < runs.len() {
        let run = runs[i];
        match runs.get(i + 1) {
            Some(next) if run.0 == Kind::Capital && next.0 == Kind::Small => {
                if run.3 == 1 {
                    out.push(&piece[run.1..next.2]); // Net
                    i += 2;
                } else if next.3 >= 2 {
                    // HTTP|Server: the last capital starts the word
                    let last = piece[run.1..run.2].char_indices().last().map_or(run.1, |(o, _)| run.1 + o);
                    out.push(&piece[run.1..last]);
                    out.push(&piece[last..next.2]);
                    i += 2;
                } else {
                    out.push(&piece[run.1..run.2]); // YOLO|v8, GPU|s
                    i = with_digits(next.1, i + 1, out);
                }
            }
            _ if run.0 != Kind::Digit && run.3 == 1 => i = with_digits(run.1, i, out), // V3, x86
            _ => {
                out.push(&piece[run.1..run.2]);
                i += 1;
            }
        }
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
        assert_eq!(appended("YOLOv8"), "YOLO v8");
        assert_eq!(appended("GPUs"), "GPU");
        assert_eq!(appended("iPhone"), "Phone");
        assert_eq!(appended("3DUNet"), "DU Net");
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
