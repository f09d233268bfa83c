//! Excerpt text, `search-index/text/<doc>.json`: a document's description as plain text,
//! so the search page can show the passage a query matched.

/// The cap, in UTF-16 code units (JavaScript string length).
pub const CAP: usize = 8000;

/// `plain` with runs of whitespace made one space, trimmed, and cut at the last word
/// boundary at or before `CAP` units (within a single longer word: at the last character
/// that fits).
pub fn excerpt(plain: &str) -> String {
    let mut out = String::with_capacity(plain.len().min(4 * CAP));
    let mut units = 0;
    for word in plain.split_whitespace() {
        let sep = usize::from(!out.is_empty());
        let len: usize = word.encode_utf16().count();
        if units + sep + len > CAP {
            if out.is_empty() {
                // One word longer than the cap: as much of it as fits.
                for c in word.chars() {
                    if units + c.len_utf16() > CAP {
                        break;
                    }
                    units += c.len_utf16();
                    out.push(c);
                }
            }
            break;
        }
        if sep == 1 {
            out.push(' ');
        }
        out.push_str(word);
        units += sep + len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_collapsed_and_trimmed() {
        assert_eq!(excerpt("  a\n\n b\t\u{a0}c  "), "a b c");
        assert_eq!(excerpt(""), "");
    }

    #[test]
    fn cut_at_the_last_word_boundary_within_the_cap() {
        let word = "abcd"; // 4 units, 5 with its space
        let text = vec![word; 3000].join(" ");
        let cut = excerpt(&text);
        // 1600 words take 7999 units; the 1601st would pass 8000.
        assert_eq!(cut.encode_utf16().count(), 7999);
        assert!(text.starts_with(&cut) && cut.ends_with("abcd"));
        // A word ending exactly at the cap stays.
        let text = format!("{} abcdefgh", "x".repeat(CAP - 9));
        assert_eq!(excerpt(&text), text);
        assert_eq!(excerpt(&format!("{text} more")), text);
    }

    #[test]
    fn units_are_utf16() {
        // 😀 is two units: 4000 of them fill the cap.
        let text = vec!["😀"; 5000].join(" ");
        assert_eq!(excerpt(&text).encode_utf16().count(), 2 * 2667 + 2666);
        let long = "😀".repeat(5000);
        assert_eq!(excerpt(&long), "😀".repeat(4000));
        assert_eq!(excerpt(&format!("a{long}")).encode_utf16().count(), 7999);
    }
}
