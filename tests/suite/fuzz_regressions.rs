//! Inputs that made the `module_file` fuzz target (fuzz/) panic, kept as fixtures in
//! `tests/fixtures/fuzz/`: each must now give diagnostics, in every format, and no panic.
//!
//! - `module_file-crash-42a2d109.bin`: the minimised libFuzzer input (not UTF-8: read
//!   lossily, as the fuzz target does). A first line of tabs and control characters, longer
//!   than the terminal width: annotate-snippets 0.11 counts a tab as 4 columns of
//!   indentation but 0 columns of annotation, and its margin arithmetic overflowed
//!   (`attempt to subtract with overflow` in `margin.rs`).
//! - `control-characters-first-line.md`, `tab-indented-unknown-key.md`: the same bug
//!   reached through the real `check`: a long first line of tabs and NUL characters, and a
//!   long tab-indented line whose key is unknown.

use std::collections::HashSet;
use std::fs;
use std::path::PathBuf;

use marketplace::frontmatter::SourceFile;
use marketplace::markdown::{Markdown, Trust};
use marketplace::{Diagnostic, Severity};

use crate::common::{fixture_path, TestSite};

fn fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        fs::read_dir(fixture_path("fuzz")).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    files.sort();
    assert!(!files.is_empty(), "tests/fixtures/fuzz/ holds the crashing inputs");
    files
}

/// What the fuzz target does with one input (fuzz/fuzz_targets/module_file.rs).
fn parse_and_render(bytes: &[u8]) -> Vec<Diagnostic> {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let file = SourceFile::new("modules/fuzz.md", String::from_utf8_lossy(bytes).into_owned());
    let (module, diags) = marketplace::module::parse(&file, "fuzz", &["general-purpose", "biomedical"], today);
    for d in &diags {
        d.render_human(false);
        d.render_human(true);
        d.render_github();
        d.to_json();
    }
    if let Some(m) = module {
        Markdown::new(HashSet::new()).render(&m.body, Trust::Contributor, 3);
    }
    diags
}

#[test]
fn crashing_inputs_give_diagnostics() {
    for path in fixtures() {
        let diags = parse_and_render(&fs::read(&path).unwrap());
        assert!(diags.iter().any(Diagnostic::is_error), "{} is not a valid module", path.display());
    }
}

#[test]
fn crashing_inputs_are_reported_by_check_in_every_format() {
    for path in fixtures() {
        let bytes = fs::read(&path).unwrap();
        if std::str::from_utf8(&bytes).is_err() {
            continue; // `load` refuses such a file before parsing it
        }
        let name = path.file_name().unwrap().to_str().unwrap();
        let site = TestSite::new();
        site.module(name, &bytes);
        for format in ["human", "github", "json"] {
            let run = site.check(format);
            assert!(!run.stderr.contains("panicked"), "{name}, {format}:\n{}", run.stderr);
            run.expect(1);
        }
        site.build().expect(1).stderr_has(&format!("--> modules/{name}:"));
    }
}

/// A long line whose problem lies inside its indentation (tabs, other whitespace) also
/// renders: the case the fix guards without a known input reaching it.
#[test]
fn an_annotation_inside_long_indentation_renders() {
    for indent in ["\t".repeat(60), " ".repeat(200), "\u{a0}".repeat(200), "\u{1f}".repeat(200)] {
        let line = format!("{indent}{}", "x".repeat(300));
        let text = format!("+++\n{line}\n+++\n");
        for span in [4..5, 10..11, 4..4 + line.len(), 4 + indent.len()..4 + indent.len() + 1] {
            let d = Diagnostic::at(Severity::Error, "x", "m.md", &text, span.clone(), "bad").with_label("here");
            let out = d.render_human(false);
            assert!(out.contains("--> m.md:2:"), "{span:?}: {out}");
            d.render_human(true);
        }
    }
}

/// A tab is shown as one space: the caret sits under the character it points at, and the
/// column after the file name is still the column in the file.
#[test]
fn the_caret_lines_up_after_tabs() {
    let text = "+++\n\t\tnmae = \"x\"\n+++\n";
    let start = text.find("nmae").unwrap();
    let out = Diagnostic::at(Severity::Error, "x", "m.md", text, start..start + 4, "bad").render_human(false);
    assert!(out.contains("--> m.md:2:3"), "{out}");
    let source = out.lines().find(|l| l.contains("nmae")).unwrap();
    let carets = out.lines().find(|l| l.contains("^^^^")).unwrap();
    assert_eq!(source.find("nmae"), carets.find("^^^^"), "{out}");
}
