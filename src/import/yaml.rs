//! Duplicate top-level keys in YAML, read as AI4OS's own Python tooling reads them.
//!
//! PyYAML keeps the last value of a key given twice; serde_norway refuses the whole
//! document. Real files do it (`seeds-classification` lists `libraries` twice), so the
//! earlier blocks are blanked out before parsing: what is parsed is what PyYAML sees.

/// A key given more than once at the top level: its name and every line (1-based) it
/// starts on, in order; the last one is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub lines: Vec<usize>,
}

impl DuplicateKey {
    /// What the importer says about it.
    pub fn warning(&self) -> String {
        let (last, earlier) = self.lines.split_last().expect("a duplicate has two lines or more");
        let earlier: Vec<String> = earlier.iter().map(usize::to_string).collect();
        format!(
            "duplicate key `{}` at lines {} and {last}: the last one is used, as PyYAML reads it",
            self.key,
            earlier.join(", ")
        )
    }
}

/// `text` with every block of a duplicated top-level key blanked out but the last one
/// (lines stay where they were, so parse errors keep their line numbers).
pub fn last_key_wins(text: &str) -> (String, Vec<DuplicateKey>) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    // (key, first line index) of each top-level block, in order.
    let starts: Vec<(String, usize)> =
        lines.iter().enumerate().filter_map(|(i, l)| top_level_key(l).map(|k| (k, i))).collect();
    let mut duplicates: Vec<DuplicateKey> = Vec::new();
    for (key, at) in &starts {
        match duplicates.iter_mut().find(|d| d.key == *key) {
            Some(d) => d.lines.push(at + 1),
            None => duplicates.push(DuplicateKey { key: key.clone(), lines: vec![at + 1] }),
        }
    }
    duplicates.retain(|d| d.lines.len() > 1);
    if duplicates.is_empty() {
        return (text.to_string(), duplicates);
    }
    let mut blank = vec![false; lines.len()];
    for (n, (key, at)) in starts.iter().enumerate() {
        let is_last = !starts[n + 1..].iter().any(|(k, _)| k == key);
        if is_last {
            continue;
        }
        let end = starts.get(n + 1).map_or(lines.len(), |(_, next)| *next);
        blank[*at..end].iter_mut().for_each(|b| *b = true);
    }
    let out = lines
        .iter()
        .zip(blank)
        .map(|(&line, blank)| match (blank, line.ends_with('\n')) {
            (false, _) => line,
            (true, true) => "\n",
            (true, false) => "",
        })
        .collect();
    (out, duplicates)
}

/// The key a line opens at the top level (`key:` or `key: value` at column 0), if any.
/// Values of top-level keys sit on indented lines, or on `- item` lines of a sequence,
/// so a line at column 0 that is not a comment, an item or a document marker is a key.
fn top_level_key(line: &str) -> Option<String> {
    let line = line.trim_end_matches(['\n', '\r']);
    let first = line.chars().next()?;
    if first.is_whitespace() || matches!(first, '#' | '-' | '?' | '%' | '[' | '{' | '.' | '|' | '>') {
        return None;
    }
    let (key, rest) = if first == '"' || first == '\'' {
        let close = line[1..].find(first)? + 1;
        (&line[1..close], &line[close + 1..])
    } else {
        let colon = line.find(": ").or_else(|| line.strip_suffix(':').map(str::len))?;
        (&line[..colon], &line[colon..])
    };
    rest.starts_with(':').then(|| key.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_block_of_a_duplicate_key_wins() {
        let text = "title: x\nlibraries:\n  - TensorFlow\n  - Keras\ndata-type:\n- Image\nlibraries:\n- TensorFlow\n";
        let (out, dups) = last_key_wins(text);
        assert_eq!(out, "title: x\n\n\n\ndata-type:\n- Image\nlibraries:\n- TensorFlow\n");
        assert_eq!(dups, [DuplicateKey { key: "libraries".into(), lines: vec![2, 7] }]);
        assert_eq!(
            dups[0].warning(),
            "duplicate key `libraries` at lines 2 and 7: the last one is used, as PyYAML reads it"
        );
    }

    #[test]
    fn nested_keys_and_block_text_are_not_top_level() {
        let text = "description: |-\n  title: inside the text\nlinks:\n  title: nested\ntitle: real\n";
        let (out, dups) = last_key_wins(text);
        assert_eq!(out, text);
        assert!(dups.is_empty());
    }

    #[test]
    fn three_times_names_every_line() {
        let (out, dups) = last_key_wins("a: 1\n# note\na: 2\n\"a\": 3\n");
        assert_eq!(out, "\n\n\n\"a\": 3\n");
        assert_eq!(dups[0].lines, [1, 3, 4]);
        assert!(dups[0].warning().contains("at lines 1, 3 and 4"));
    }

    #[test]
    fn urls_in_values_are_not_keys() {
        assert_eq!(top_level_key("source_code: https://github.com/x"), Some("source_code".into()));
        assert_eq!(top_level_key("  nested: x"), None);
        assert_eq!(top_level_key("- item: x"), None);
        assert_eq!(top_level_key("plain text without colon"), None);
        assert_eq!(top_level_key("https://example.org"), None);
    }
}
