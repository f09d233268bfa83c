//! Splitting a content file into TOML front matter and Markdown body, and reading the
//! front matter key by key so that every problem gets its own diagnostic with a place.

use std::ops::Range;

use chrono::NaiveDate;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diagnostics::{Diagnostic, Severity};

/// A file of the repository, read whole. `text` has any UTF-8 BOM removed.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, `/`-separated: what diagnostics show.
    pub rel: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(rel: impl Into<String>, text: impl Into<String>) -> Self {
        let text: String = text.into();
        let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
        SourceFile { rel: rel.into(), text }
    }

    pub fn error(&self, code: &'static str, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at(Severity::Error, code, &self.rel, &self.text, span, message)
    }

    pub fn warning(&self, code: &'static str, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at(Severity::Warning, code, &self.rel, &self.text, span, message)
    }
}

/// Where the parts of a content file are, as byte offsets into `SourceFile::text`.
#[derive(Debug, Clone)]
pub struct Parts {
    pub front: Range<usize>,
    pub body: Range<usize>,
}

/// Finds the `+++` fences. The front matter must open on the first line.
pub fn split(file: &SourceFile) -> Result<Parts, Diagnostic> {
    let text = &file.text;
    let mut lines = line_spans(text);
    let first = lines.next();
    let first_is_fence = first.as_ref().is_some_and(|r| text[r.clone()].trim_end() == "+++");
    if !first_is_fence {
        let span = first.unwrap_or(0..0);
        return Err(file
            .error("front-matter", span, "the file does not start with TOML front matter")
            .with_label("expected `+++` on the first line")
            .with_help(
                "a module file starts with `+++`, then `key = value` lines, then `+++`, then the Markdown description",
            ));
    }
    let front_start = first.map_or(0, |r| next_line_start(text, r.end));
    for r in lines {
        if text[r.clone()].trim_end() == "+++" {
            let body_start = next_line_start(text, r.end);
            return Ok(Parts { front: front_start..r.start, body: body_start..text.len() });
        }
    }
    Err(file
        .error("front-matter", 0..3, "the front matter is never closed")
        .with_label("this `+++` has no closing `+++`")
        .with_help("add a line `+++` after the last front-matter key, before the description"))
}

/// Byte ranges of each line's content (without `\n`).
fn line_spans(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let r = start..end;
        start = end + 1;
        Some(r)
    })
}

fn next_line_start(text: &str, line_end: usize) -> usize {
    (line_end + 1).min(text.len())
}

/// A scalar as written in TOML, for readers that word their own errors.
#[derive(Debug, Clone, PartialEq)]
pub enum Written {
    Integer(i64),
    /// An integer beyond the 64-bit range.
    HugeInteger,
    /// `nan` and `inf` included.
    Float(f64),
    String(String),
    /// Any other kind, by its TOML name (`boolean`, `array`, ...).
    Other(&'static str),
}

/// Reads the keys of one TOML table, recording a diagnostic for each problem.
pub struct Fields<'f, 'i> {
    file: &'f SourceFile,
    /// Offset of the TOML text inside the file.
    base: usize,
    table: DeTable<'i>,
    /// Where to point when a required key is missing.
    anchor: Range<usize>,
    /// `""` for the top level, `"links."` for `[links]`: prefixes key names in messages.
    prefix: String,
    pub diags: Vec<Diagnostic>,
}

impl<'f, 'i> Fields<'f, 'i> {
    /// Parses `toml` (found at `base` in `file`). A syntax error yields one diagnostic.
    pub fn parse(file: &'f SourceFile, toml: &'i str, base: usize, anchor: Range<usize>) -> Result<Self, Diagnostic> {
        match DeTable::parse(toml) {
            Ok(table) => {
                Ok(Fields { file, base, table: table.into_inner(), anchor, prefix: String::new(), diags: Vec::new() })
            }
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                let message = e.message().trim().to_string();
                let first_line = message.lines().next().unwrap_or("invalid TOML").to_string();
                Err(file
                    .error("toml", base + span.start..base + span.end, format!("invalid TOML: {first_line}"))
                    .with_help("front matter is TOML: `key = \"text\"`, `flag = true`, `created = 2024-05-01`, `tags = [\"a\", \"b\"]`"))
            }
        }
    }

    fn span(&self, s: Range<usize>) -> Range<usize> {
        self.base + s.start..self.base + s.end
    }

    fn name(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    /// Reports every key not in `allowed`, suggesting the nearest allowed name.
    pub fn deny_unknown(&mut self, allowed: &[&str], what: &str) {
        let mut found = Vec::new();
        for (k, _) in self.table.iter() {
            if !allowed.contains(&k.get_ref().as_ref()) {
                found.push((k.get_ref().to_string(), k.span()));
            }
        }
        for (key, span) in found {
            let mut d = self
                .file
                .error("unknown-key", self.span(span), format!("unknown key `{}` in {what}", self.name(&key)))
                .with_label(format!("expected one of: {}", allowed.join(", ")));
            if let Some(near) = did_you_mean(&key, allowed.iter().copied()) {
                d = d.with_help(format!("did you mean `{near}`?"));
            }
            self.diags.push(d);
        }
    }

    fn get(&self, key: &str) -> Option<&Spanned<DeValue<'i>>> {
        self.table.get(key)
    }

    /// The span of a key's value, for later diagnostics about its meaning.
    pub fn value_span(&self, key: &str) -> Option<Range<usize>> {
        self.get(key).map(|v| self.span(v.span()))
    }

    fn missing(&mut self, key: &str, example: &str) {
        let d = self
            .file
            .error("missing-key", self.anchor.clone(), format!("missing required key `{}`", self.name(key)))
            .with_label(format!("add `{key} = {example}` to this table"));
        self.diags.push(d);
    }

    fn wrong_type(&mut self, key: &str, span: Range<usize>, expected: &str, found: &str) {
        let d = self
            .file
            .error("wrong-type", self.span(span), format!("`{}` must be {expected}", self.name(key)))
            .with_label(format!("expected {expected}, found {found}"));
        self.diags.push(d);
    }

    pub fn string(&mut self, key: &str) -> Option<(String, Range<usize>)> {
        let v = self.get(key)?;
        let span = v.span();
        match v.get_ref() {
            DeValue::String(s) => Some((s.to_string(), self.span(span))),
            other => {
                let found = other.type_str();
                self.wrong_type(key, span, "a string", found);
                None
            }
        }
    }

    pub fn required_string(&mut self, key: &str, example: &str) -> Option<(String, Range<usize>)> {
        if self.get(key).is_none() {
            self.missing(key, example);
            return None;
        }
        self.string(key)
    }

    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        let v = self.get(key)?;
        let span = v.span();
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                let found = other.type_str();
                self.wrong_type(key, span, "`true` or `false`", found);
                None
            }
        }
    }

    pub fn integer(&mut self, key: &str) -> Option<(i64, Range<usize>)> {
        let v = self.get(key)?;
        let span = v.span();
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok(),
            _ => None,
        };
        match parsed {
            Some(n) => Some((n, self.span(span))),
            None => {
                let found = v.get_ref().type_str();
                self.wrong_type(key, span, "an integer", found);
                None
            }
        }
    }

    /// A value as it was written, without judging it: for fields whose messages explain
    /// each wrong kind of value themselves (a float, a quoted number).
    pub fn written(&self, key: &str) -> Option<(Written, Range<usize>)> {
        let v = self.get(key)?;
        let written = match v.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                Ok(n) => Written::Integer(n),
                Err(_) => Written::HugeInteger,
            },
            DeValue::Float(x) => Written::Float(x.as_str().replace('_', "").parse().unwrap_or(f64::NAN)),
            DeValue::String(s) => Written::String(s.to_string()),
            other => Written::Other(other.type_str()),
        };
        Some((written, self.span(v.span())))
    }

    /// The full name of `key` in messages: `resources.inference.cpu`.
    pub fn full_name(&self, key: &str) -> String {
        self.name(key)
    }

    /// A TOML date without time (`2024-05-01`). Quoted dates are accepted with a hint-free
    /// conversion only when they parse; anything else is an error with the expected form.
    pub fn date(&mut self, key: &str, required: bool) -> Option<(NaiveDate, Range<usize>)> {
        let Some(v) = self.get(key) else {
            if required {
                self.missing(key, "2024-05-01");
            }
            return None;
        };
        let span = v.span();
        let date = match v.get_ref() {
            DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
                dt.date.and_then(|d| NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)))
            }
            _ => None,
        };
        if date.is_none() {
            let found = match v.get_ref() {
                DeValue::String(_) => "a quoted string",
                DeValue::Datetime(_) => "a date with a time",
                other => other.type_str(),
            };
            let d = self
                .file
                .error("wrong-type", self.span(span.clone()), format!("`{}` must be a TOML date", self.name(key)))
                .with_label(format!("expected a date like 2024-05-01 (no quotes), found {found}"));
            self.diags.push(d);
        }
        date.map(|d| (d, self.span(span)))
    }

    /// An array of strings, each with its span.
    pub fn string_array(&mut self, key: &str) -> Option<Vec<(String, Range<usize>)>> {
        let v = self.get(key)?;
        let span = v.span();
        let DeValue::Array(items) = v.get_ref() else {
            let found = v.get_ref().type_str();
            self.wrong_type(key, span, "an array of strings", found);
            return None;
        };
        let mut out = Vec::new();
        let mut bad = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push((s.to_string(), self.span(item.span()))),
                other => bad.push((item.span(), other.type_str())),
            }
        }
        for (s, found) in bad {
            self.wrong_type(key, s, "an array of strings", found);
        }
        Some(out)
    }

    /// A sub-table such as `[links]`; its diagnostics flow into this reader's.
    pub fn table(&mut self, key: &str) -> Option<Fields<'f, 'i>> {
        let v = self.get(key)?;
        let span = v.span();
        match v.get_ref() {
            DeValue::Table(t) => Some(Fields {
                file: self.file,
                base: self.base,
                table: t.clone(),
                anchor: self.span(span),
                prefix: format!("{}{}.", self.prefix, key),
                diags: Vec::new(),
            }),
            other => {
                let found = other.type_str();
                self.wrong_type(key, span, "a table", found);
                None
            }
        }
    }

    /// Keys in file order, for tables whose keys are open (none yet) or for iteration.
    pub fn keys(&self) -> Vec<String> {
        self.table.iter().map(|(k, _)| k.get_ref().to_string()).collect()
    }

    pub fn file(&self) -> &'f SourceFile {
        self.file
    }
}

/// The allowed name closest to `wrong`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_l = wrong.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wrong_l, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_crlf_and_bom() {
        let f = SourceFile::new("m.md", "\u{feff}+++\r\ntitle = \"x\"\r\n+++\r\nbody\r\n");
        let p = split(&f).unwrap();
        assert_eq!(&f.text[p.front.clone()], "title = \"x\"\r\n");
        assert_eq!(&f.text[p.body], "body\r\n");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let f = SourceFile::new("m.md", "+++\ntitle = \"x\"\n");
        assert_eq!(split(&f).unwrap_err().code, "front-matter");
        let f = SourceFile::new("m.md", "");
        assert_eq!(split(&f).unwrap_err().code, "front-matter");
    }

    #[test]
    fn suggests_near_names() {
        assert_eq!(did_you_mean("catgory", ["category", "created"]), Some("category"));
        assert_eq!(did_you_mean("zzz", ["category", "created"]), None);
    }
}
