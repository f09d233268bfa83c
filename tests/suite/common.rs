//! Shared helpers: a throw-away site (`TestSite`) that runs the real binary, and small
//! readers for what a visitor gets (files, pages, links).

#![allow(dead_code)] // each feature module uses a different part of this file

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The binary under test, built by cargo for this test run.
pub const BIN: &str = env!("CARGO_BIN_EXE_marketplace");
/// The repository: the real theme, content and catalogue are copied from here.
pub const REPO: &str = env!("CARGO_MANIFEST_DIR");
/// A run that takes longer than this is a hang: the test fails instead of blocking.
const TIMEOUT: Duration = Duration::from_secs(300);

/// What one run of the binary gave.
#[derive(Debug, Clone)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the exit status, showing the output when it differs.
    #[track_caller]
    pub fn expect(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit status\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(self.stderr.contains(needle), "stderr lacks {needle:?}\n--- stderr\n{}", self.stderr);
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(self.stdout.contains(needle), "stdout lacks {needle:?}\n--- stdout\n{}", self.stdout);
        self
    }
}

/// Runs the binary in `dir` with `args` and extra environment variables. Colours are off
/// (NO_COLOR) so that stderr can be matched as text.
pub fn run_in(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the marketplace binary starts");
    // Read both pipes on threads so that a chatty child never blocks on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        out.read_to_end(&mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        err.read_to_end(&mut s).ok();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the binary") {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            child.kill().ok();
            panic!("`marketplace {}` did not finish within {TIMEOUT:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        // A signal (a panic's abort, a kill) has no code: report it as -1.
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    }
}

/// A site in a temporary directory: the repository's real `theme/` and `content/`, and
/// the module files a test gives it.
pub struct TestSite {
    dir: Dir,
}

enum Dir {
    /// Removed when the site is dropped.
    Temp(TempDir),
    /// For sites kept in a `static` (never dropped): under cargo's scratch directory for
    /// integration tests, emptied when the site is made.
    Scratch(PathBuf),
}

impl TestSite {
    /// Theme and content of the repository, and an empty `modules/`.
    pub fn new() -> Self {
        let dir = tempfile::Builder::new().prefix("marketplace-test-").tempdir().expect("a temporary directory");
        Self::fill(TestSite { dir: Dir::Temp(dir) })
    }

    /// Like `new`, in `target/tmp/<name>`: for a site shared by the tests of a file.
    pub fn scratch(name: &str) -> Self {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        if path.exists() {
            fs::remove_dir_all(&path).unwrap();
        }
        fs::create_dir_all(&path).unwrap();
        Self::fill(TestSite { dir: Dir::Scratch(path) })
    }

    fn fill(site: Self) -> Self {
        copy_dir(&Path::new(REPO).join("theme"), &site.path("theme"));
        copy_dir(&Path::new(REPO).join("content"), &site.path("content"));
        fs::create_dir_all(site.path("modules")).unwrap();
        site
    }

    /// The real catalogue: the repository's `modules/` too.
    pub fn real() -> Self {
        let site = Self::new();
        copy_dir(&Path::new(REPO).join("modules"), &site.root().join("modules"));
        site
    }

    pub fn root(&self) -> &Path {
        match &self.dir {
            Dir::Temp(t) => t.path(),
            Dir::Scratch(p) => p,
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes `modules/<name>` with `text`.
    pub fn module(&self, name: &str, text: impl AsRef<[u8]>) -> &Self {
        fs::write(self.path("modules").join(name), text).unwrap();
        self
    }

    /// Copies `tests/fixtures/<rel>` to `modules/<its file name>`.
    pub fn fixture(&self, rel: &str) -> &Self {
        let from = fixture_path(rel);
        let name = from.file_name().unwrap();
        fs::copy(&from, self.path("modules").join(name)).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
        self
    }

    /// `marketplace ARGS` run in the site's root (so `--root` defaults to it).
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.root(), args, &[])
    }

    pub fn run_env(&self, args: &[&str], envs: &[(&str, &str)]) -> Run {
        run_in(self.root(), args, envs)
    }

    /// `marketplace build`, into `public/`.
    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    /// `marketplace check --format FORMAT`.
    pub fn check(&self, format: &str) -> Run {
        self.run(&["check", "--format", format])
    }

    pub fn public(&self) -> PathBuf {
        self.path("public")
    }

    /// A built file of `public/`, as text.
    pub fn page(&self, rel: &str) -> String {
        read(&self.public().join(rel))
    }
}

pub fn fixture_path(rel: &str) -> PathBuf {
    Path::new(REPO).join("tests/fixtures").join(rel)
}

/// The real catalogue, built once per test run (several tests read it) into cargo's
/// scratch directory for integration tests.
pub struct RealBuild {
    pub site: TestSite,
    pub public: PathBuf,
    pub run: Run,
}

pub fn real_build() -> &'static RealBuild {
    static BUILD: OnceLock<RealBuild> = OnceLock::new();
    BUILD.get_or_init(|| {
        let site = TestSite::scratch("real-catalogue");
        copy_dir(&Path::new(REPO).join("modules"), &site.path("modules"));
        let run = site.build();
        RealBuild { public: site.public(), site, run }
    })
}

/// Copies a directory tree (files and directories; symbolic links are followed).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[track_caller]
pub fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Asserts that the file at `path` contains `needle`.
#[track_caller]
pub fn file_contains(path: &Path, needle: &str) {
    let text = read(path);
    assert!(text.contains(needle), "{} lacks {needle:?}", path.display());
}

/// Every file under `dir`, by `/`-separated relative path, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts two trees hold the same files with the same bytes, naming the first difference.
#[track_caller]
pub fn assert_same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let names_a: Vec<&String> = a.keys().collect();
    let names_b: Vec<&String> = b.keys().collect();
    assert_eq!(names_a, names_b, "the trees hold different files");
    for (name, bytes) in a {
        assert!(bytes == &b[name], "{name} differs");
    }
}

/// The `.html` files of a tree, by relative path.
pub fn html_files(dir: &Path) -> Vec<String> {
    tree(dir).into_keys().filter(|p| p.ends_with(".html")).collect()
}

/// The front matter of a module file as TOML.
pub fn front_matter(text: &str) -> toml::Table {
    let text = text.trim_start_matches('\u{feff}');
    let rest = text.strip_prefix("+++").expect("front matter opens with +++");
    let end = rest.find("\n+++").expect("front matter closes with +++");
    rest[..end].parse().expect("front matter is TOML")
}

/// DESIGN.md's tag slug: runs of ASCII letters and digits, lowercased, joined by `-`.
pub fn slugify(s: &str) -> String {
    s.to_lowercase().split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-")
}

/// A valid module file with the given title and description. Its source and image are its
/// own (named after the title), as `check`'s catalogue-wide lint wants of every module.
pub fn module_text(title: &str, body: &str) -> String {
    let own = slugify(title);
    format!(
        "+++\ntitle = \"{title}\"\nsummary = \"A module written by the test suite.\"\ncategory = \"general-purpose\"\n\
         tags = [\"test\"]\nlicense = \"MIT\"\ncreated = 2024-01-01\n\n[links]\nsource = \"https://example.org/{own}\"\n\n\
         [docker]\nimage = \"example/{own}\"\n+++\n{body}\n"
    )
}

// ---------------------------------------------------------------------------------------
// A small HTML scanner: enough to list the tags of our own output and their attributes.

/// One start tag and its attributes (names lowercased, values with entities decoded).
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Every start tag of `html`, in order. Comments are skipped, and so is the raw text of
/// `<script>` and `<style>` (which is not markup).
pub fn start_tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off;
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map_or(b.len(), |e| i + e + 3);
            continue;
        }
        let Some(&next) = b.get(i + 1) else { break };
        if !next.is_ascii_alphabetic() {
            // `</x>`, `<!DOCTYPE>`: no attributes we care about.
            i = html[i..].find('>').map_or(b.len(), |e| i + e + 1);
            continue;
        }
        let mut j = i + 1;
        while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' && b[j] != b'/' {
            j += 1;
        }
        let name = html[i + 1..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                j += 1;
                break;
            }
            let start = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/') {
                j += 1;
            }
            let attr = html[start..j].to_ascii_lowercase();
            let mut value = String::new();
            if b.get(j) == Some(&b'=') {
                j += 1;
                match b.get(j) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = html[j + 1..].find(q as char).map_or(b.len(), |e| j + 1 + e);
                        value = decode_entities(&html[j + 1..end]);
                        j = end + 1;
                    }
                    _ => {
                        let s = j;
                        while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                            j += 1;
                        }
                        value = decode_entities(&html[s..j]);
                    }
                }
            }
            attrs.push((attr, value));
        }
        i = j.min(b.len());
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            i = html[i..].to_ascii_lowercase().find(&close).map_or(b.len(), |e| i + e);
        }
        tags.push(Tag { name, attrs });
    }
    tags
}

/// Decodes the character references an attribute value may hold.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "colon" => Some(':'),
            "Tab" => Some('\t'),
            "NewLine" => Some('\n'),
            _ if entity.starts_with("#x") || entity.starts_with("#X") => {
                u32::from_str_radix(&entity[2..], 16).ok().and_then(char::from_u32)
            }
            _ if entity.starts_with('#') => entity[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The URL attributes of a tag: where a visitor's browser goes or what it loads.
pub const URL_ATTRS: &[&str] = &["href", "src", "action"];

/// Every URL of a page, with the tag it sits on.
pub fn urls(html: &str) -> Vec<(String, String)> {
    start_tags(html)
        .into_iter()
        .flat_map(|t| {
            let name = t.name.clone();
            t.attrs.into_iter().filter(|(a, _)| URL_ATTRS.contains(&a.as_str())).map(move |(_, v)| (name.clone(), v))
        })
        .collect()
}

/// Resolves a relative URL of the page `page` (relative path in the output) to a file of
/// the output: `?query` and `#fragment` dropped, `%XX` decoded, a directory meaning its
/// `index.html`. `None` when it climbs above the output root.
pub fn resolve(public: &Path, page: &str, url: &str) -> Option<PathBuf> {
    let path = url.split(['#', '?']).next().unwrap_or("");
    let path = percent_decode(path);
    let mut parts: Vec<String> = Path::new(page)
        .parent()
        .map_or(Vec::new(), |p| p.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect());
    for c in Path::new(&path).components() {
        match c {
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    let mut file = public.to_path_buf();
    file.extend(parts);
    if path.is_empty() {
        file = public.join(page);
    } else if path.ends_with('/') || file.is_dir() {
        file.push("index.html");
    }
    Some(file)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Some(n) = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(n);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `http:`, `https:`, `mailto:`: links that leave the site.
pub fn is_external(url: &str) -> bool {
    let l = url.trim().to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || l.starts_with("mailto:")
}

/// The helpers must be able to see what they look for, or the tests using them prove nothing.
mod helper_tests {
    use super::*;

    #[test]
    fn scanner_sees_tags_attributes_and_entities() {
        let html = r#"<p title="a &lt;b&gt;">x &lt;script&gt; y</p><!-- <a href="c"> -->
<A HREF="&#106;ava&#x73;cript&colon;x" OnClick=go()>t</a><script src="s.js">if (a<b) {}</script><img src=x alt>"#;
        let tags = start_tags(html);
        let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["p", "a", "script", "img"], "no tag from text, comments or script bodies");
        assert_eq!(tags[0].attr("title"), Some("a <b>"));
        assert_eq!(tags[1].attr("href"), Some("javascript:x"));
        assert_eq!(tags[1].attr("onclick"), Some("go()"));
        assert_eq!(tags[3].attr("alt"), Some(""));
        assert_eq!(urls(html).len(), 3);
    }

    #[test]
    fn resolution_follows_the_page_directory() {
        let public = Path::new("/site");
        assert_eq!(
            resolve(public, "modules/a/index.html", "../../static/x.css?v=1#top"),
            Some("/site/static/x.css".into())
        );
        assert_eq!(resolve(public, "modules/a/index.html", "../b/"), Some("/site/modules/b/index.html".into()));
        assert_eq!(resolve(public, "index.html", "search/index.html"), Some("/site/search/index.html".into()));
        assert_eq!(resolve(public, "index.html", "a%20b.html"), Some("/site/a b.html".into()));
        assert_eq!(resolve(public, "index.html", "../outside.html"), None);
        assert!(is_external("HTTPS://example.org") && is_external("mailto:a@b.c") && !is_external("//cdn.example"));
    }

    #[test]
    fn slugify_follows_design() {
        assert_eq!(slugify("Image classification"), "image-classification");
        assert_eq!(slugify("<img src=x onerror=alert(1)>"), "img-src-x-onerror-alert-1");
        assert_eq!(slugify("API v2"), "api-v2");
    }
}
