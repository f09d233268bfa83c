//! Slugs: the URL-safe names of modules, categories, pages and tags.

/// `^[a-z0-9]+(-[a-z0-9]+)*$`, the rule for file names.
pub fn is_valid(s: &str) -> bool {
    !s.is_empty()
        && s.split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// Lowercases and joins runs of ASCII letters and digits with single hyphens:
/// `"Image classification"` -> `image-classification`. `None` when nothing is left.
pub fn slugify(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_valid("deep-oc-satsr"));
        assert!(!is_valid("Deep"));
        assert!(!is_valid("a--b"));
        assert!(!is_valid("-a"));
        assert_eq!(slugify("Image classification").as_deref(), Some("image-classification"));
        assert_eq!(slugify("library/theano").as_deref(), Some("library-theano"));
        assert_eq!(slugify("C++").as_deref(), Some("c"));
        assert_eq!(slugify("日本"), None);
    }
}
