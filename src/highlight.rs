//! A fast lexer-style highlighter for the languages module descriptions use most (Python,
//! shell, JSON, YAML, TOML, Dockerfile); every other language goes to syntect.
//!
//! Why: syntect runs Sublime grammars through a backtracking regex engine, about 0.6 ms
//! for a four-line Python block (profiled: 40 % in fancy_regex's VM). With one block per
//! module that was two thirds of a 10,000-module build. A catalogue's snippets are short
//! calls and commands, where keywords, strings, comments, numbers and names are what a
//! reader needs coloured; this lexer gives those in microseconds, with the class names
//! syntect uses (`hl-` + scope atoms), so the same theme stylesheets apply.
//!
//! Invariant (tested): the output is the input, HTML-escaped, with `<span>` tags around
//! tokens; nothing is dropped, reordered or left unescaped.

use crate::markdown::escape;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    Python,
    Bash,
    Json,
    Yaml,
    Toml,
    Dockerfile,
}

const PYTHON_KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except",
    "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
    "return", "try", "while", "with", "yield", "match", "case",
];
const PYTHON_CONSTANTS: &[&str] = &["True", "False", "None", "self", "cls"];
const PYTHON_BUILTINS: &[&str] = &[
    "abs",
    "all",
    "any",
    "bool",
    "dict",
    "dir",
    "enumerate",
    "filter",
    "float",
    "format",
    "getattr",
    "hasattr",
    "int",
    "isinstance",
    "iter",
    "len",
    "list",
    "map",
    "max",
    "min",
    "next",
    "open",
    "print",
    "range",
    "repr",
    "round",
    "set",
    "setattr",
    "sorted",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "zip",
];
const BASH_KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "for", "in", "do", "done", "while", "until", "case", "esac", "function",
    "select", "return", "export", "local", "readonly", "declare", "unset",
];
const BASH_BUILTINS: &[&str] = &[
    "cd",
    "echo",
    "printf",
    "source",
    "exit",
    "set",
    "alias",
    "eval",
    "exec",
    "read",
    "shift",
    "test",
    "trap",
    "sudo",
    "docker",
    "udocker",
    "git",
    "pip",
    "pip3",
    "python",
    "python3",
    "curl",
    "wget",
    "deepaas-run",
];
const DOCKERFILE_INSTRUCTIONS: &[&str] = &[
    "from",
    "run",
    "cmd",
    "label",
    "maintainer",
    "expose",
    "env",
    "add",
    "copy",
    "entrypoint",
    "volume",
    "user",
    "workdir",
    "arg",
    "onbuild",
    "stopsignal",
    "healthcheck",
    "shell",
];
const DATA_CONSTANTS: &[&str] = &["true", "false", "null", "yes", "no", "on", "off", "~"];

/// Highlights `code` when `lang` is one of the lexer's languages (after aliasing).
pub fn highlight(code: &str, lang: &str) -> Option<String> {
    let lang = match lang {
        "python" | "python3" => Lang::Python,
        "bash" | "zsh" => Lang::Bash,
        "json" => Lang::Json,
        "yaml" => Lang::Yaml,
        "toml" => Lang::Toml,
        "dockerfile" | "docker" => Lang::Dockerfile,
        _ => return None,
    };
    let scope = match lang {
        Lang::Python => "python",
        Lang::Bash => "shell hl-bash",
        Lang::Json => "json",
        Lang::Yaml => "yaml",
        Lang::Toml => "toml",
        Lang::Dockerfile => "dockerfile",
    };
    let mut out = String::with_capacity(code.len() * 2 + 64);
    out.push_str("<span class=\"hl-source hl-");
    out.push_str(scope);
    out.push_str("\">");
    Lexer { code, bytes: code.as_bytes(), pos: 0, line_start: 0, out: &mut out, lang }.run();
    out.push_str("</span>");
    Some(out)
}

struct Lexer<'a> {
    code: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Where the line holding `pos` starts.
    line_start: usize,
    out: &'a mut String,
    lang: Lang,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    /// Whether `pos` starts a word: at the start of the text or after a space.
    fn at_word_start(&self) -> bool {
        self.pos == 0 || matches!(self.bytes[self.pos - 1], b' ' | b'\t' | b'\n' | b'\r' | b';' | b'(' | b'|' | b'&')
    }

    /// Whether only spaces precede `pos` on its line (and, for YAML, list dashes).
    fn at_line_start(&self, allow_dash: bool) -> bool {
        // Short-circuits at the first other byte: cheap even on a long line.
        self.bytes[self.line_start..self.pos].iter().all(|&b| b == b' ' || b == b'\t' || (allow_dash && b == b'-'))
    }

    fn emit(&mut self, class: Option<&str>, end: usize) {
        let text = &self.code[self.pos..end];
        match class {
            Some(class) => {
                self.out.push_str("<span class=\"");
                self.out.push_str(class);
                self.out.push_str("\">");
                self.out.push_str(&escape(text));
                self.out.push_str("</span>");
            }
            None => self.out.push_str(&escape(text)),
        }
        if let Some(i) = text.rfind('\n') {
            self.line_start = self.pos + i + 1;
        }
        self.pos = end;
    }

    fn line_end(&self) -> usize {
        self.bytes[self.pos..].iter().position(|&b| b == b'\n').map_or(self.bytes.len(), |i| self.pos + i)
    }

    /// The end of a string opened at `pos` by `quote` (tripled when `triple`).
    fn string_end(&self, quote: u8, triple: bool, escapes: bool, multiline: bool) -> usize {
        let open = if triple { 3 } else { 1 };
        let mut i = self.pos + open;
        while i < self.bytes.len() {
            let b = self.bytes[i];
            if escapes && b == b'\\' {
                i += 2;
                continue;
            }
            if b == b'\n' && !multiline && !triple {
                return i;
            }
            if b == quote && (!triple || self.bytes[i..].starts_with(&[quote; 3])) {
                return i + open;
            }
            i += 1;
        }
        self.bytes.len()
    }

    fn run(&mut self) {
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            let lang = self.lang;
            // Comments.
            let comment = b == b'#'
                && match lang {
                    Lang::Python => true,
                    Lang::Json => false,
                    _ => self.at_word_start(),
                };
            if comment {
                let end = self.line_end();
                self.emit(Some("hl-comment"), end);
                continue;
            }
            // Strings.
            if b == b'"' || (b == b'\'' && lang != Lang::Json) {
                let triple = lang == Lang::Python && self.bytes[self.pos..].starts_with(&[b; 3]);
                // Single quotes take no escapes in shell and YAML.
                let escapes = !(b == b'\'' && matches!(lang, Lang::Bash | Lang::Yaml));
                let end = self.string_end(b, triple, escapes, lang == Lang::Bash);
                let class = if lang == Lang::Json && self.followed_by_colon(end) {
                    "hl-support hl-type hl-property-name hl-json"
                } else {
                    "hl-string hl-quoted"
                };
                self.emit(Some(class), end);
                continue;
            }
            // Shell variables: $NAME, ${...}, $1, $?.
            if b == b'$' && matches!(lang, Lang::Bash | Lang::Dockerfile) {
                let end = match self.peek(1) {
                    Some(b'{') => self.bytes[self.pos..]
                        .iter()
                        .position(|&c| c == b'}' || c == b'\n')
                        .map_or(self.bytes.len(), |i| self.pos + i + 1),
                    Some(c) if is_ident_start(c) => {
                        self.pos + 1 + self.bytes[self.pos + 1..].iter().take_while(|&&c| is_ident(c)).count()
                    }
                    Some(c) if c.is_ascii_digit() || matches!(c, b'?' | b'@' | b'*' | b'#' | b'$' | b'!') => {
                        self.pos + 2
                    }
                    _ => self.pos + 1,
                };
                let end = end.min(self.bytes.len());
                let class = if end > self.pos + 1 { Some("hl-variable hl-other") } else { None };
                self.emit(class, end);
                continue;
            }
            // Python decorators.
            if b == b'@' && lang == Lang::Python && self.at_line_start(false) {
                let end =
                    self.pos + 1 + self.bytes[self.pos + 1..].iter().take_while(|&&c| is_ident(c) || c == b'.').count();
                self.emit(Some("hl-entity hl-name hl-function hl-decorator"), end);
                continue;
            }
            // TOML tables.
            if b == b'[' && lang == Lang::Toml && self.at_line_start(false) {
                let end = self.line_end();
                let close = self.code[self.pos..end].rfind(']').map_or(end, |i| self.pos + i + 1);
                self.emit(Some("hl-entity hl-name hl-section"), close);
                continue;
            }
            // Numbers, when not inside a word.
            let after_word = self.pos > 0 && (is_ident(self.bytes[self.pos - 1]) || self.bytes[self.pos - 1] == b'.');
            if b.is_ascii_digit() && !after_word && lang != Lang::Bash {
                let end = self.pos + self.bytes[self.pos..].iter().take_while(|&&c| is_ident(c) || c == b'.').count();
                self.emit(Some("hl-constant hl-numeric"), end);
                continue;
            }
            // Words.
            if is_ident_start(b) && !after_word {
                let mut end = self.pos + self.bytes[self.pos..].iter().take_while(|&&c| is_ident(c)).count();
                if matches!(lang, Lang::Bash | Lang::Yaml | Lang::Toml | Lang::Dockerfile) {
                    // Shell commands and data keys may hold dashes and dots: `deepaas-run`, `a.b`.
                    end += self.bytes[end..].iter().take_while(|&&c| is_ident(c) || c == b'-' || c == b'.').count();
                }
                let word = &self.code[self.pos..end];
                let class = self.classify(word, end);
                self.emit(class, end);
                continue;
            }
            // Anything else, up to the next byte that may start a token.
            let end = self.pos
                + 1
                + self.bytes[self.pos + 1..]
                    .iter()
                    .take_while(|&&c| {
                        !(is_ident(c) || matches!(c, b'#' | b'"' | b'\'' | b'$' | b'@' | b'[') || c >= 0x80)
                    })
                    .count();
            // Never split a multi-byte character.
            let end = (end..=self.bytes.len()).find(|&i| self.code.is_char_boundary(i)).unwrap_or(self.bytes.len());
            self.emit(None, end);
        }
    }

    fn followed_by_colon(&self, end: usize) -> bool {
        self.bytes[end..].iter().find(|b| !b.is_ascii_whitespace()) == Some(&b':')
    }

    fn classify(&self, word: &str, end: usize) -> Option<&'static str> {
        let previous_word = || {
            let before = self.code[..self.pos].trim_end();
            before.rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap_or("")
        };
        match self.lang {
            Lang::Python => {
                if PYTHON_KEYWORDS.contains(&word) {
                    Some("hl-keyword")
                } else if PYTHON_CONSTANTS.contains(&word) {
                    Some("hl-constant hl-language")
                } else if matches!(previous_word(), "def" | "class") && self.code[..self.pos].ends_with(' ') {
                    Some("hl-entity hl-name hl-function")
                } else if PYTHON_BUILTINS.contains(&word) && self.bytes.get(end) == Some(&b'(') {
                    Some("hl-support hl-function")
                } else {
                    None
                }
            }
            Lang::Bash => {
                if BASH_KEYWORDS.contains(&word) && self.at_word_start() {
                    Some("hl-keyword")
                } else if BASH_BUILTINS.contains(&word) && self.at_word_start() {
                    Some("hl-support hl-function")
                } else {
                    None
                }
            }
            Lang::Dockerfile => {
                if self.at_line_start(false) && DOCKERFILE_INSTRUCTIONS.contains(&word.to_ascii_lowercase().as_str()) {
                    Some("hl-keyword")
                } else {
                    None
                }
            }
            Lang::Json => DATA_CONSTANTS[..3].contains(&word).then_some("hl-constant hl-language"),
            Lang::Yaml | Lang::Toml => {
                let rest = self.code[end..].trim_start_matches([' ', '\t']);
                let key = if self.lang == Lang::Yaml {
                    self.at_line_start(true) && rest.starts_with(':')
                } else {
                    self.at_line_start(false) && rest.starts_with('=')
                };
                if key {
                    Some("hl-entity hl-name hl-tag")
                } else if DATA_CONSTANTS.contains(&word) {
                    Some("hl-constant hl-language")
                } else {
                    None
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of the output: tags removed, entities decoded.
    fn text_of(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    const SAMPLES: &[(&str, &str)] = &[
        ("python", "import requests\n\n@app.route('/x')\ndef predict(x=1.5e-3):\n    \"\"\"Doc \"string\".\"\"\"\n    r = requests.post(\"http://127.0.0.1:5000/v2/\", files={\"data\": open(\"in.png\", \"rb\")})  # call\n    return None if not r else print(r.json()[\"labels\"][:5])\n"),
        ("bash", "# run it\ndocker run -ti -p 5000:5000 deephdc/deep-oc-x:latest\nexport A=\"$HOME/x\" B='${not}' && echo ${A} $1 $? \\\n  --flag=1 # done\nif [ -f x ]; then deepaas-run --listen-ip 0.0.0.0; fi\n"),
        ("json", "{\"key\": \"value\", \"n\": -1.5e3, \"ok\": true, \"none\": null, \"esc\": \"a\\\"b\", \"list\": [1, 2]}\n"),
        ("yaml", "# config\nname: \"model\"\nitems:\n  - key: value # note\n  - other: 'it''s'\nflag: true\nnumber: 12\nurl: http://x.org/a#b\n"),
        ("toml", "[model]\nname = \"x\" # c\nsize = 12\nok = false\n[[weights]]\nurl = 'https://e.org'\n"),
        ("dockerfile", "FROM python:3.11\nRUN pip install deepaas && echo $PATH\nENV A=1\nCMD [\"deepaas-run\", \"--listen-ip\", \"0.0.0.0\"]\n"),
    ];

    #[test]
    fn output_is_the_input_escaped_with_spans_only() {
        let hostile = "<script>alert(1)</script> & \"' ünïcödé 😀 \u{0} \\";
        for (lang, code) in SAMPLES {
            for code in [
                code.to_string(),
                format!("{code}{hostile}"),
                hostile.to_string(),
                String::new(),
                "\"unterminated".into(),
                "'\\".into(),
                "${".into(),
                "$".into(),
                "@".into(),
                "[".into(),
            ] {
                let html = highlight(&code, lang).unwrap();
                assert_eq!(text_of(&html), code, "{lang}: {html}");
                assert!(!html.contains("<script"), "{lang}: {html}");
                let tags = html.matches('<').count();
                assert_eq!(
                    tags,
                    html.matches("<span class=\"").count() + html.matches("</span>").count(),
                    "{lang}: {html}"
                );
            }
        }
    }

    #[test]
    fn tokens_get_syntect_scope_classes() {
        let py = highlight(SAMPLES[0].1, "python").unwrap();
        assert!(py.contains(r#"<span class="hl-keyword">import</span>"#), "{py}");
        assert!(py.contains(r#"<span class="hl-entity hl-name hl-function">predict</span>"#), "{py}");
        assert!(
            py.contains(r#"<span class="hl-string hl-quoted">&quot;http://127.0.0.1:5000/v2/&quot;</span>"#),
            "{py}"
        );
        assert!(py.contains(r#"<span class="hl-comment"># call</span>"#), "{py}");
        assert!(py.contains(r#"<span class="hl-constant hl-numeric">1.5e</span>"#), "{py}");
        assert!(py.contains(r#"<span class="hl-support hl-function">open</span>"#), "{py}");
        assert!(py.contains(r#"<span class="hl-constant hl-language">None</span>"#), "{py}");
        assert!(py.contains("hl-decorator\">@app.route</span>"), "{py}");
        assert!(py.contains("&quot;&quot;&quot;Doc &quot;string&quot;.&quot;&quot;&quot;</span>"), "{py}");

        let sh = highlight(SAMPLES[1].1, "bash").unwrap();
        assert!(sh.contains(r#"<span class="hl-support hl-function">docker</span>"#), "{sh}");
        assert!(sh.contains(r#"<span class="hl-variable hl-other">${A}</span>"#), "{sh}");
        assert!(sh.contains(r#"<span class="hl-string hl-quoted">&#39;${not}&#39;</span>"#), "{sh}");
        assert!(sh.contains(r#"<span class="hl-keyword">then</span>"#), "{sh}");
        assert!(sh.contains(r#"5000:5000 deephdc"#), "a port is no comment: {sh}");
        assert!(sh.contains(r#"<span class="hl-comment"># done</span>"#), "{sh}");

        let json = highlight(SAMPLES[2].1, "json").unwrap();
        assert!(
            json.contains(r#"<span class="hl-support hl-type hl-property-name hl-json">&quot;key&quot;</span>"#),
            "{json}"
        );
        assert!(json.contains(r#"<span class="hl-string hl-quoted">&quot;value&quot;</span>"#), "{json}");
        assert!(json.contains(r#"<span class="hl-constant hl-language">null</span>"#), "{json}");

        let yaml = highlight(SAMPLES[3].1, "yaml").unwrap();
        assert!(yaml.contains(r#"<span class="hl-entity hl-name hl-tag">key</span>"#), "{yaml}");
        assert!(yaml.contains("http://x.org/a#b"), "a # inside a word is no comment: {yaml}");
        let toml = highlight(SAMPLES[4].1, "toml").unwrap();
        assert!(toml.contains(r#"<span class="hl-entity hl-name hl-section">[[weights]]</span>"#), "{toml}");
        assert!(toml.contains(r#"<span class="hl-entity hl-name hl-tag">size</span>"#), "{toml}");
        let docker = highlight(SAMPLES[5].1, "dockerfile").unwrap();
        assert!(docker.contains(r#"<span class="hl-keyword">RUN</span>"#), "{docker}");
        assert!(highlight("x", "rust").is_none());
    }
}
