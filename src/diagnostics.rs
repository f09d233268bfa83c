//! `Diagnostic`: one problem in one file, with its place, and its three renderings
//! (rustc-like for people, `::error` lines for GitHub, JSON for tools).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use annotate_snippets::{Level, Renderer, Snippet};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found in a file of the repository. Positions are 1-based; the column counts
/// characters, as editors do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable short name (`unknown-key`, `bad-url`, ...) for tools and tests.
    pub code: &'static str,
    pub message: String,
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The offending line's text (without its line ending), when there is one.
    pub source_line: Option<String>,
    /// Length of the underlined part, in characters, on `source_line`.
    pub width: usize,
    /// What was expected, shown under the caret.
    pub label: Option<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic about a whole file (no line to show).
    pub fn file(severity: Severity, code: &'static str, file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            file: file.to_string(),
            line: 1,
            column: 1,
            source_line: None,
            width: 0,
            label: None,
            help: None,
        }
    }

    /// A diagnostic pointing at `span` (byte offsets) of `text`, the file's whole text.
    pub fn at(
        severity: Severity,
        code: &'static str,
        file: &str,
        text: &str,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[..start].matches('\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        let end = floor_char_boundary(text, span.end.clamp(start, line_end));
        let width = text[start..end].chars().count().max(1);
        let source_line = text[line_start..line_end].trim_end_matches('\r').to_string();
        Diagnostic {
            severity,
            code,
            message: message.into(),
            file: file.to_string(),
            line,
            column,
            source_line: Some(source_line),
            width,
            label: None,
            help: None,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The rustc-like rendering of DESIGN.md, coloured when `color` is set.
    pub fn render_human(&self, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        let mut message = level.title(&self.message);
        let origin = format!("{}:{}:{}", self.file, self.line, self.column);
        let file_origin = self.file.as_str();
        let source;
        if let Some(line) = &self.source_line {
            let (text, span) = display_line(line, self.column.saturating_sub(1), self.width);
            source = text;
            let mut annotation = level.span(span);
            if let Some(label) = &self.label {
                annotation = annotation.label(label);
            }
            let snippet = Snippet::source(&source).line_start(self.line).origin(file_origin).annotation(annotation);
            message = message.snippet(snippet);
            let help;
            if let Some(h) = &self.help {
                help = h.clone();
                message = message.footer(Level::Help.title(&help));
                return format!("{}\n", renderer.render(message));
            }
            return format!("{}\n", renderer.render(message));
        }
        let mut out = format!("{}\n --> {}\n", renderer.render(message), origin);
        if let Some(label) = &self.label {
            let _ = writeln!(out, "  = note: {label}");
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = help: {help}");
        }
        out
    }

    /// One GitHub Actions workflow command, so pull requests show the problem inline.
    pub fn render_github(&self) -> String {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut text = self.message.clone();
        if let Some(label) = &self.label {
            text.push_str(": ");
            text.push_str(label);
        }
        if let Some(help) = &self.help {
            text.push_str(". help: ");
            text.push_str(help);
        }
        format!(
            "::{kind} file={},line={},col={},title={}::{}",
            escape_property(&self.file),
            self.line,
            self.column,
            escape_property(self.code),
            escape_data(&text)
        )
    }

    pub fn to_json(&self) -> serde_json::Value {
        let mut message = self.message.clone();
        if let Some(label) = &self.label {
            message.push_str(": ");
            message.push_str(label);
        }
        serde_json::json!({
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": message,
            "help": self.help,
        })
    }
}

/// Every diagnostic of a run, sorted so that output does not depend on thread timing.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }
    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
        });
        self.0.dedup();
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

/// Output formats of `check` (and of `build`'s errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Human,
    Github,
    Json,
}

/// Renders all diagnostics in one format, with a summary line for people.
pub fn render(diags: &Diagnostics, format: Format, color: bool) -> String {
    match format {
        Format::Human => {
            let mut out = String::new();
            for d in diags.iter() {
                out.push_str(&d.render_human(color));
                out.push('\n');
            }
            let (e, w) = (diags.error_count(), diags.warning_count());
            if e > 0 || w > 0 {
                let _ = writeln!(out, "{} error{}, {} warning{}", e, plural(e), w, plural(w));
            }
            out
        }
        Format::Github => diags.iter().map(|d| d.render_github() + "\n").collect(),
        Format::Json => {
            let list: Vec<_> = diags.iter().map(Diagnostic::to_json).collect();
            serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into()) + "\n"
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `path` relative to `root`, with `/` separators, for messages.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf());
    rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The source line as annotate-snippets gets it, and the byte range of the characters
/// `first..first + width`. annotate-snippets 0.11 measures indentation with a tab as 4
/// columns but annotations with Unicode widths (tab and control characters: 0), and its
/// margin arithmetic overflows (a panic under overflow checks) on a long line whose
/// indentation ends after the annotation's label. So each character is replaced by one
/// character one column wide where the two measures differ: a tab or other whitespace by
/// a space (the caret then lines up), a control character by U+FFFD, and the indentation
/// an annotation covers, when it lies inside the indentation, by `·`. Character columns,
/// which annotate-snippets shows after the file name, do not change.
fn display_line(line: &str, first: usize, width: usize) -> (String, std::ops::Range<usize>) {
    let last = first.saturating_add(width.max(1));
    let blank = |c: char| c == '\t' || (c.is_whitespace() && !c.is_control());
    let indent = line.chars().take_while(|&c| blank(c)).count();
    let in_indent = last <= indent && line.chars().any(|c| !blank(c));
    let mut out = String::with_capacity(line.len());
    let (mut start, mut end) = (None, None);
    for (i, c) in line.chars().enumerate() {
        if i == first {
            start = Some(out.len());
        }
        if i == last {
            end = Some(out.len());
        }
        out.push(match c {
            _ if in_indent && (first..last).contains(&i) => '·',
            c if blank(c) => ' ',
            c if c.is_control() => '\u{fffd}',
            c => c,
        });
    }
    let start = start.unwrap_or(out.len());
    let end = end.unwrap_or(out.len()).max(start);
    (out, start..end)
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "+++\ntitle = \"é\"\ncategory = \"space\"\n";
        let start = text.find("\"space\"").unwrap();
        let d = Diagnostic::at(Severity::Error, "x", "m.md", text, start..start + 7, "bad");
        assert_eq!((d.line, d.column, d.width), (3, 12, 7));
        let out = d.with_label("expected one of: a, b").render_human(false);
        assert!(out.contains("--> m.md:3:12"), "{out}");
        assert!(out.contains("^^^^^^^ expected one of: a, b"), "{out}");
    }

    #[test]
    fn github_format_escapes() {
        let d = Diagnostic::file(Severity::Warning, "w", "modules/a,b.md", "50% done\nnext");
        assert_eq!(d.render_github(), "::warning file=modules/a%2Cb.md,line=1,col=1,title=w::50%25 done%0Anext");
    }
}
