//! Arbitrary bytes as a module file: front-matter splitting, TOML reading, every
//! validation rule of `module::parse`, all renderings of every diagnostic, and the
//! Markdown rendering of the body when the file is a valid module.
//! The property is "never panics" (and never hangs: `-timeout`).

#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use marketplace::frontmatter::SourceFile;
use marketplace::markdown::{Markdown, Trust};
use marketplace::Diagnostic;

const CATEGORIES: &[&str] = &["general-purpose", "biomedical"];

/// Loads the syntaxes and compiles the highlighters of the seeds' languages once, before
/// fuzzing: the first use takes seconds (more under ASan on a busy machine) and would
/// otherwise count against `-timeout` as the first input's time.
const WARM_UP: &str =
    "# a\n\n```bash\nls -l\n```\n\n```python\nx = 1\n```\n\n```js\nlet x = 1;\n```\n\n```toml\na = 1\n```\n";

fn markdown() -> &'static Markdown {
    static MD: OnceLock<Markdown> = OnceLock::new();
    // Two known module slugs, so `../<slug>/index.html` links take both branches.
    MD.get_or_init(|| Markdown::new(HashSet::from(["fuzz".to_string(), "blossom".to_string()])))
}

fn render_all(diags: &[Diagnostic]) {
    for d in diags {
        let _ = d.render_human(false);
        let _ = d.render_human(true);
        let _ = d.render_github();
        let _ = d.to_json().to_string();
    }
}

fn check(text: String) {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let file = SourceFile::new("modules/fuzz.md", text);
    let (module, diags) = marketplace::module::parse(&file, "fuzz", CATEGORIES, today);
    render_all(&diags);
    let Some(m) = module else { return };
    assert!(!diags.iter().any(Diagnostic::is_error), "a module came back with errors");
    let r = markdown().render(&m.body, Trust::Contributor, 3);
    let _ = (r.html.len(), r.plain.len());
    // As build.rs does: link problems become diagnostics placed in the file.
    let mut link_diags = Vec::new();
    for (range, msg) in &r.bad_links {
        let span = m.body_offset + range.start..m.body_offset + range.end;
        link_diags.push(file.error("bad-link", span, msg.clone()).with_label("broken"));
    }
    for (range, msg) in &r.removed_links {
        let span = m.body_offset + range.start..m.body_offset + range.end;
        link_diags.push(file.warning("removed-link", span, msg.clone()).with_label("removed"));
    }
    render_all(&link_diags);
}

fuzz_target!(
    init: {
        markdown().render(WARM_UP, Trust::Contributor, 3);
    },
    |data: &[u8]| {
        if let Ok(s) = std::str::from_utf8(data) {
            check(s.to_string());
        }
        // Invalid UTF-8 is refused by `load` before parsing; the lossy text is still text.
        if std::str::from_utf8(data).is_err() {
            check(String::from_utf8_lossy(data).into_owned());
        }
    }
);
