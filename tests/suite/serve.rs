//! `marketplace serve`: answers on a free port, shows an edit, survives a broken edit and
//! recovers, refuses traversal and other methods, keeps connections alive, answers
//! malformed requests without stopping, tells open tabs of rebuilds by Server-Sent Events,
//! and stops cleanly on Ctrl-C (SIGINT).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use std::sync::{Arc, Mutex};

use crate::common::{module_text, read, tree, TestSite};

/// `marketplace serve` on a free port, with its stderr collected (also `gitdates.rs`'s).
pub(crate) struct Server {
    child: Child,
    pub(crate) addr: String,
    /// What serve printed to stderr so far.
    pub(crate) log: Arc<Mutex<String>>,
}

impl Server {
    fn start(site: &TestSite) -> Server {
        Server::start_in(site.root())
    }

    /// Serves the site at `root`.
    pub(crate) fn start_in(root: &std::path::Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_marketplace"))
            .args(["serve", "--port", "0"])
            .current_dir(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts");
        let log = Arc::new(Mutex::new(String::new()));
        let (stderr, sink) = (child.stderr.take().unwrap(), Arc::clone(&log));
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(|l| l.ok()) {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr = line.split("http://").nth(1).and_then(|r| r.split('/').next()).expect(&line).to_string();
        assert!(addr.starts_with("127.0.0.1:"), "binds loopback by default: {line}");
        Server { child, addr, log }
    }

    /// The directory serve writes the site to.
    fn site_dir(&self) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("marketplace-serve-{}", self.child.id())).join("public")
    }

    /// The whole response to a raw HTTP/1.0 request, so paths reach the server unnormalised.
    pub(crate) fn raw(&self, method: &str, path: &str) -> String {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(s, "{method} {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.addr).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        String::from_utf8_lossy(&raw).into_owned()
    }

    /// The whole answer to `bytes` sent as they are; what was read before an error (a
    /// reset) if the server closed the connection without reading everything.
    fn send(&self, bytes: &[u8]) -> String {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let _ = s.write_all(bytes);
        let mut raw = Vec::new();
        let mut buf = [0; 4096];
        while let Ok(n @ 1..) = s.read(&mut buf) {
            raw.extend_from_slice(&buf[..n]);
        }
        String::from_utf8_lossy(&raw).into_owned()
    }

    /// The status of the answer to `bytes` (0 when the connection was closed without one).
    fn send_status(&self, bytes: &[u8]) -> u16 {
        status_of(&self.send(bytes))
    }

    /// A kept-alive HTTP/1.1 connection.
    fn connect(&self) -> Connection {
        let stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        Connection { reader: BufReader::new(stream.try_clone().unwrap()), stream, host: self.addr.clone() }
    }

    /// A reader of `/__marketplace/events`.
    fn events(&self) -> Events {
        let mut c = self.connect();
        write!(c.stream, "GET /__marketplace/events HTTP/1.1\r\nHost: {}\r\n\r\n", c.host).unwrap();
        let (status, head) = c.read_head();
        assert_eq!(status, 200, "{head}");
        assert!(head.contains("content-type: text/event-stream"), "{head}");
        Events { reader: c.reader }
    }

    /// (status, body) of a request.
    fn request(&self, method: &str, path: &str) -> (u16, String) {
        let text = self.raw(method, path);
        let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
        (status, body)
    }

    /// The response head of a GET, lowercased.
    fn head(&self, path: &str) -> String {
        let text = self.raw("GET", path).to_lowercase();
        text.split_once("\r\n\r\n").map(|(h, _)| h.to_string()).unwrap_or(text)
    }

    /// Polls `path` until `pred` holds on (status, body), for at most 10 s.
    fn wait_for(&self, path: &str, what: &str, pred: impl Fn(u16, &str) -> bool) -> (u16, String) {
        let start = Instant::now();
        loop {
            let (status, body) = self.request("GET", path);
            if pred(status, &body) {
                return (status, body);
            }
            assert!(start.elapsed() < Duration::from_secs(10), "waited 10 s for {what}; last: {status} {body:.300}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn status_of(text: &str) -> u16 {
    text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

struct Connection {
    stream: TcpStream,
    reader: BufReader<TcpStream>,
    host: String,
}

impl Connection {
    /// The status line's code and the lowercased head of the next response.
    fn read_head(&mut self) -> (u16, String) {
        let mut head = String::new();
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).unwrap();
            assert!(n > 0, "the server closed the connection; head so far: {head}");
            if line == "\r\n" {
                break;
            }
            head.push_str(&line.to_lowercase());
        }
        (status_of(&head), head)
    }

    /// (status, lowercased head, body) of one request on this connection.
    fn request(&mut self, method: &str, path: &str) -> (u16, String, String) {
        write!(self.stream, "{method} {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.host).unwrap();
        let (status, head) = self.read_head();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .map(|v| v.trim().parse().unwrap())
            .unwrap_or_else(|| panic!("no content-length: {head}"));
        let mut body = vec![0; if method == "HEAD" { 0 } else { length }];
        self.reader.read_exact(&mut body).unwrap();
        (status, head, String::from_utf8_lossy(&body).into_owned())
    }
}

/// The versions `/__marketplace/events` sends.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// The version of the next event (chunk sizes and comments are skipped).
    fn next(&mut self) -> String {
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).expect("an event within 30 s");
            assert!(n > 0, "the event stream ended");
            if let Some(v) = line.strip_prefix("data: ") {
                return v.trim().to_string();
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serves_rebuilds_recovers_and_stops() {
    let site = TestSite::new();
    site.module("alpha.md", module_text("Alpha module", "First words."));
    let server = Server::start(&site);

    let (status, body) = server.request("GET", "/modules/alpha/");
    assert_eq!(status, 200);
    assert!(body.contains("Alpha module"));
    assert!(body.contains("/__marketplace/livereload.js"), "pages carry the live-reload script");
    // The stylesheet's (fingerprinted) address, relative to the module page.
    let href = body.split("rel=\"stylesheet\" href=\"").nth(1).and_then(|r| r.split('"').next()).unwrap();
    let stylesheet = format!("/{}", href.trim_start_matches("../"));
    assert_eq!(server.request("GET", "/no/such/page/").0, 404);
    // Fingerprinted assets may be cached (a reload after an edit fetches only the page);
    // pages may not.
    assert!(server.head(&stylesheet).contains("cache-control: public, max-age=31536000, immutable"));
    assert!(server.head("/modules/alpha/").contains("cache-control: no-store"));
    assert!(server.head("/no/such/page/").contains("cache-control: no-store"));
    assert_eq!(server.request("HEAD", "/index.html").0, 200);

    // An edit shows within seconds.
    site.module("alpha.md", module_text("Alpha renamed", "First words."));
    server.wait_for("/modules/alpha/", "the edit", |s, b| s == 200 && b.contains("Alpha renamed"));

    // A broken edit shows the diagnostics instead of the page...
    site.module("alpha.md", module_text("Alpha renamed", "x").replace("general-purpose", "no-such-category"));
    let (_, body) = server.wait_for("/modules/alpha/", "the diagnostics", |s, _| s == 500);
    assert!(body.contains("unknown category") && body.contains("modules/alpha.md:"), "{body}");
    // ...and static files of the last good site are still served.
    assert_eq!(server.request("GET", &stylesheet).0, 200, "{stylesheet}");

    // Fixing the file recovers.
    site.module("alpha.md", module_text("Alpha fixed", "First words."));
    server.wait_for("/modules/alpha/", "recovery", |s, b| s == 200 && b.contains("Alpha fixed"));

    // Ctrl-C stops it cleanly.
    let Server { child, .. } = &server;
    // SAFETY: sending a signal to our own child process.
    unsafe { libc_kill(child.id() as i32, 2) };
    let mut server = server;
    let start = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "exit status after Ctrl-C: {status}");
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "serve did not stop within 5 s of Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn refuses_traversal_and_other_methods() {
    let site = TestSite::new();
    site.module("alpha.md", module_text("Alpha module", "Words."));
    let server = Server::start(&site);
    for path in [
        "/../Cargo.toml",
        "/./../../../../etc/passwd",
        // Percent-encoded dots and slashes.
        "/%2e%2e/%2e%2e/etc/passwd",
        "/modules/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        // Double-encoded.
        "/%252e%252e/%252e%252e/%252e%252e/etc/passwd",
        "/..%252f..%252f..%252fetc%252fpasswd",
        // Backslashes, raw and encoded.
        "/static/..%5c..%5cmodules",
        "/..\\..\\..\\etc\\passwd",
        // NUL.
        "/%00",
        "/index.html%00.css",
        // Over-long UTF-8 forms of `.` and `/`.
        "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
        "/%e0%80%ae%e0%80%ae%c0%af%e0%80%ae%e0%80%ae%c0%afetc%c0%afpasswd",
        // Absolute form.
        "http://127.0.0.1/../../../../etc/passwd",
    ] {
        let (status, body) = server.request("GET", path);
        assert_eq!(status, 400, "{path}: {body}");
        assert!(!body.contains("root:") && !body.contains("[package]"), "{path}: {body}");
    }
    // A path the server answers itself cannot be reached by a detour either.
    assert_eq!(server.request("GET", "/modules/../__marketplace/version").0, 400);
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW", "PROPFIND"] {
        let text = server.raw(method, "/index.html").to_lowercase();
        assert_eq!(status_of(&text), 405, "{method}: {text}");
        assert!(text.contains("allow: get, head"), "{method}: {text}");
    }
}

/// A page and its assets come over one connection: several requests, one TCP stream.
#[test]
fn keeps_connections_alive() {
    let site = TestSite::new();
    site.module("alpha.md", module_text("Alpha module", "Words."));
    let server = Server::start(&site);
    let mut c = server.connect();
    let (status, head, page) = c.request("GET", "/modules/alpha/");
    assert_eq!(status, 200, "{head}");
    assert!(!head.contains("connection: close"), "{head}");
    let href = page.split("rel=\"stylesheet\" href=\"").nth(1).and_then(|r| r.split('"').next()).unwrap();
    let stylesheet = format!("/{}", href.trim_start_matches("../"));
    let (status, head, css) = c.request("GET", &stylesheet);
    assert_eq!(status, 200, "{stylesheet}: {head}");
    assert!(head.contains("content-type: text/css") && !css.is_empty(), "{head}");
    assert_eq!(c.request("GET", "/__marketplace/livereload.js").0, 200);
    let (status, head, body) = c.request("HEAD", "/modules/alpha/");
    assert_eq!((status, body.as_str()), (200, ""), "{head}");
    assert!(head.contains(&format!("content-length: {}", page.len())), "HEAD says the GET's length: {head}");
    assert_eq!(c.request("GET", "/no/such/page/").0, 404);
    // An error answer does not close the connection either.
    assert_eq!(c.request("GET", "/%2e%2e/x").0, 400);
    assert_eq!(c.request("DELETE", "/index.html").0, 405);
    for _ in 0..20 {
        assert_eq!(c.request("GET", "/index.html").0, 200);
    }
}

/// The headers of `netlify.toml` on every answer, immutable caching for the fingerprinted
/// files of `static/` only.
#[test]
fn sends_security_and_cache_headers() {
    let site = TestSite::new();
    site.module("alpha.md", module_text("Alpha module", "Words."));
    let server = Server::start(&site);
    let (_, page) = server.request("GET", "/modules/alpha/");
    let href = page.split("rel=\"stylesheet\" href=\"").nth(1).and_then(|r| r.split('"').next()).unwrap();
    let stylesheet = format!("/{}", href.trim_start_matches("../"));
    let netlify = read(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("netlify.toml"));
    let netlify: toml::Value = toml::from_str(&netlify).unwrap();
    let all = &netlify["headers"].as_array().unwrap()[0]["values"];
    for path in
        ["/modules/alpha/", "/index.html", &stylesheet, "/no/such/page/", "/%2e%2e/x", "/__marketplace/livereload.js"]
    {
        let head = server.head(path);
        for (name, value) in all.as_table().unwrap() {
            let line = format!("{}: {}", name.to_lowercase(), value.as_str().unwrap().to_lowercase());
            assert!(head.contains(&line), "{path}: no {line}: {head}");
        }
        let cache = if path == stylesheet { "public, max-age=31536000, immutable" } else { "no-store" };
        assert!(head.contains(&format!("cache-control: {cache}\r\n")), "{path}: {head}");
    }
    let text = server.raw("DELETE", "/index.html").to_lowercase();
    assert!(text.contains("x-content-type-options: nosniff"), "{text}");
}

/// Malformed requests get their 4xx answer, or a closed connection, and the server goes on.
#[test]
fn answers_malformed_requests_and_goes_on() {
    let site = TestSite::new();
    site.module("alpha.md", module_text("Alpha module", "Words."));
    let server = Server::start(&site);
    for bad in [
        &b"hello\r\n\r\n"[..],
        b"GET /index.html HTTX/1.1\r\nHost: x\r\n\r\n",
        b"GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n",
        b"\x01\x02 / HTTP/1.1\r\n\r\n",
        b"GET /index.html HTTP/1.1\r\nA header without a colon\r\n\r\n",
        b"GET\r\n\r\n",
    ] {
        assert_eq!(server.send_status(bad), 400, "{}", String::from_utf8_lossy(bad));
    }
    // A request head over 16 KiB.
    let big = format!("GET /index.html HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(20_000));
    assert_eq!(server.send_status(big.as_bytes()), 431);
    let many: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    assert_eq!(server.send_status(format!("GET / HTTP/1.1\r\nHost: x\r\n{many}\r\n").as_bytes()), 431);
    // Far over the read buffer: 431, or a connection reset before the answer is read.
    let huge = format!("GET /index.html HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(1 << 20));
    assert!(matches!(server.send_status(huge.as_bytes()), 431 | 0));
    let long_path = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(100_000));
    assert!(matches!(server.send_status(long_path.as_bytes()), 414 | 431 | 0));
    assert_eq!(server.request("GET", "/modules/alpha/").0, 200, "still serving");
}

/// A client that sends half a request head and stalls is disconnected (hyper's header
/// read timeout, 10 s), while others are served.
#[test]
fn a_stalled_half_request_is_closed() {
    let site = TestSite::new();
    site.module("alpha.md", module_text("Alpha module", "Words."));
    let server = Server::start(&site);
    let mut stalled = TcpStream::connect(&server.addr).unwrap();
    write!(stalled, "GET /index.html HTTP/1.1\r\nHost: x\r\n").unwrap();
    for _ in 0..5 {
        assert_eq!(server.request("GET", "/modules/alpha/").0, 200);
    }
    // A bound well above the server's timeout: what is checked is that it closes at all.
    stalled.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut buf = [0; 256];
    match stalled.read(&mut buf) {
        Ok(0) => {}
        Ok(n) => {
            let text = String::from_utf8_lossy(&buf[..n]);
            assert!(text.starts_with("HTTP/1.1 408"), "an answer to half a request: {text}");
        }
        Err(e) => assert!(
            !matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
            "the stalled connection is still open after 60 s"
        ),
    }
    assert_eq!(server.request("GET", "/modules/alpha/").0, 200, "still serving");
}

/// The version a page was served at, from its live-reload script tag.
fn version_of(page: &str) -> u64 {
    let v = page.split("data-marketplace-version=\"").nth(1).and_then(|r| r.split('"').next());
    v.and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("the page carries no version: {page:.300}"))
}

/// Live reload: a page carries the version it was served at; the event stream sends the
/// current version on connect (so a tab that connects after a rebuild learns of it) and a
/// new one after an edit.
#[test]
fn events_tell_of_every_rebuild() {
    let site = TestSite::new();
    site.module("alpha.md", module_text("Alpha module", "Words."));
    let server = Server::start(&site);
    let (_, page) = server.request("GET", "/modules/alpha/");
    let served = version_of(&page).to_string();
    let mut events = server.events();
    assert_eq!(events.next(), served, "the current version on connect");
    let script = server.request("GET", "/__marketplace/livereload.js").1;
    assert!(script.contains("EventSource(\"/__marketplace/events\")"), "{script}");

    let mut seen = served.clone();
    for k in 0..3 {
        site.module("alpha.md", module_text(&format!("Alpha edit {k}"), "Words."));
        // One save may make two rebuilds; every one gives a new version, in order.
        let start = Instant::now();
        loop {
            let v = events.next();
            assert!(v.parse::<u64>().unwrap() > seen.parse::<u64>().unwrap(), "{v} after {seen}");
            seen = v;
            let (status, body) = server.request("GET", "/modules/alpha/");
            if status == 200 && body.contains(&format!("Alpha edit {k}")) {
                // Served at this version or a later one (a save's second rebuild).
                assert!(version_of(&body) >= seen.parse::<u64>().unwrap(), "{body:.300}");
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "edit {k} never showed");
        }
    }
    // A tab that connects now, with the first page, learns it is behind at once.
    let mut late = server.events();
    assert!(late.next().parse::<u64>().unwrap() >= seen.parse::<u64>().unwrap());
    assert_ne!(seen, served);
    // A broken edit is a rebuild too: the diagnostics page carries the script and version.
    site.module("alpha.md", module_text("Alpha", "x").replace("general-purpose", "no-such-category"));
    let (_, body) = server.wait_for("/modules/alpha/", "the diagnostics", |s, _| s == 500);
    assert!(body.contains("/__marketplace/livereload.js\" data-marketplace-version=\""), "{body}");
    assert_ne!(events.next(), seen);
}

/// The files of `search-index/` whose cut into shards may differ (serve keeps the full
/// build's shard boundaries), as what they mean: every term entry in order, and meta
/// without the boundaries.
fn search_content(
    files: &mut std::collections::BTreeMap<String, Vec<u8>>,
) -> (Vec<serde_json::Value>, serde_json::Value) {
    let mut meta: serde_json::Value = serde_json::from_slice(&files.remove("search-index/meta.json").unwrap()).unwrap();
    let rests = meta.as_object_mut().unwrap().remove("shards").unwrap();
    let shared = meta.as_object_mut().unwrap().remove("shared").unwrap();
    // Shard numbers, which depend on the cut: checked against the shards, then left out.
    // meta.json lists them as gaps, and the first terms front-coded.
    let ungapped = |v: serde_json::Value| -> Vec<u64> {
        v.as_array()
            .unwrap()
            .iter()
            .scan(0, |n, g| {
                *n += g.as_u64().unwrap();
                Some(*n)
            })
            .collect()
    };
    let single = serde_json::json!(ungapped(meta["single"].take()));
    let dense: serde_json::Map<String, serde_json::Value> = meta["dense"]
        .take()
        .as_object()
        .unwrap()
        .iter()
        .map(|(f, v)| (f.clone(), serde_json::json!(ungapped(v.clone()))))
        .collect();
    let mut before: Vec<u16> = Vec::new();
    let shards: Vec<String> = rests
        .as_array()
        .unwrap()
        .iter()
        .zip(shared.as_array().unwrap())
        .map(|(rest, n)| {
            before.truncate(n.as_u64().unwrap() as usize);
            before.extend(rest.as_str().unwrap().encode_utf16());
            String::from_utf16(&before).unwrap()
        })
        .collect();
    let mut terms = Vec::new();
    for (k, first) in shards.iter().enumerate() {
        let bytes = files.remove(&format!("search-index/terms/{k}.json")).unwrap();
        let shard = serde_json::from_slice::<Vec<serde_json::Value>>(&bytes).unwrap();
        assert_eq!(shard[0][0], first.as_str(), "shard {k}: its first term, front-coded in meta.json");
        let listed = |v: &serde_json::Value| v.as_array().unwrap().iter().any(|x| x == k);
        assert_eq!(listed(&single), shard.len() == 1, "shard {k}: `single`");
        for field in ["title", "tags", "summary", "category", "body"] {
            let has_dense = shard.iter().any(|e| e[1][field].get("pairs").is_some());
            assert_eq!(dense.get(field).is_some_and(listed), has_dense, "shard {k}: `dense` of {field}");
        }
        terms.extend(shard);
    }
    assert!(files.keys().all(|k| !k.starts_with("search-index/terms/")), "a shard beyond meta's list");
    (terms, meta)
}

/// An edit of a module's title, date and description is applied by updating only what
/// depends on it, and the result is the site a full build of the edited sources writes.
#[test]
fn an_edit_updates_the_site_as_a_full_build_would() {
    let site = TestSite::real();
    // Short lists, so the edited module's card sits on a later page of each list.
    let settings = read(&site.path("content/site.toml"));
    std::fs::write(site.path("content/site.toml"), format!("{settings}\npage_size = 4\n")).unwrap();
    let server = Server::start(&site);
    let mut events = server.events();
    let version = events.next();
    assert_eq!(version, server.request("GET", "/__marketplace/version").1, "the current version on connect");

    let before = tree(&server.site_dir());
    let path = site.path("modules/yolov8-api.md");
    let text = read(&path)
        .replace("title = \"YoloV8 model\"", "title = \"YoloV8 zebra model\"")
        .replace("created = 2023-08-09", "created = 2026-11-01")
        // New AI4OS values: the search filters' masks and other modules' related lists change.
        .replace(
            "tasks = [\"Computer Vision\", \"Classification\"]",
            "tasks = [\"Computer Vision\", \"Anomaly Detection\"]",
        )
        .replace("data_types = [\"Image\", \"Video\"]", "data_types = [\"Video\"]")
        + "\nIt also finds zebras crossing streets, quaggas and okapis.\n";
    assert!(text.contains("\"Anomaly Detection\"") && text.contains("data_types = [\"Video\"]"), "the edit applies");
    std::fs::write(&path, &text).unwrap();
    // The event stream says so as soon as a rebuild is done. An editor's save may show up
    // as two events (truncate, then write): the first update can see an empty file and
    // show its diagnostics, the next one shows the page; wait for that.
    assert_ne!(events.next(), version);
    server.wait_for("/modules/yolov8-api/", "the edit", |s, b| {
        s == 200 && b.contains("YoloV8 zebra model") && b.contains("okapis")
    });
    let start = Instant::now();
    while !server.log.lock().unwrap().contains("(updated modules/yolov8-api.md)") {
        let log = server.log.lock().unwrap().clone();
        assert!(start.elapsed() < Duration::from_secs(10), "the edit was not an update in place: {log}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = server.log.lock().unwrap().clone();
    let full_builds = log.lines().filter(|l| l.starts_with("rebuilt ") && !l.contains("(updated ")).count();
    assert_eq!(full_builds, 1, "only the first build is a full one: {log}");

    let out = site.path("full");
    let base = format!("http://{}/", server.addr);
    site.run(&["build", "--output", out.to_str().unwrap(), "--base-url", &base]).expect(0);
    let mut full = tree(&out);
    let full_search = search_content(&mut full);
    // The files no page shows are rewritten right after the tabs are told: wait for them.
    let start = Instant::now();
    loop {
        let mut served = tree(&server.site_dir());
        if search_content(&mut served) == full_search && served == full {
            break;
        }
        if start.elapsed() > Duration::from_secs(15) {
            let differ: Vec<&String> = full
                .keys()
                .filter(|k| served.get(*k) != full.get(*k))
                .chain(served.keys().filter(|k| !full.contains_key(*k)))
                .collect();
            panic!("the served site differs from a full build: {differ:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // New words (zebra, quaggas, okapis...) reached the fuzzy and suffix shards and the
    // result's excerpt text, so the comparison above covered their update.
    let changed: Vec<&String> = full.keys().filter(|k| before.get(*k) != full.get(*k)).collect();
    for dir in ["search-index/fuzzy/", "search-index/suffix/", "search-index/text/"] {
        assert!(changed.iter().any(|k| k.starts_with(dir)), "no file of {dir} changed: {changed:?}");
    }
    let text = changed.iter().find(|k| k.starts_with("search-index/text/")).unwrap();
    assert!(String::from_utf8_lossy(&full[*text]).contains("okapis"), "{text}");
}

extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

/// A client that connects and never finishes its request must not hold up anyone else.
#[test]
fn a_slow_client_does_not_block_others() {
    let site = TestSite::new();
    site.module("alpha.md", module_text("Alpha module", "Words."));
    let server = Server::start(&site);
    let mut idle: Vec<TcpStream> = (0..20).map(|_| TcpStream::connect(&server.addr).unwrap()).collect();
    for s in &mut idle {
        // Half a request head, then silence.
        write!(s, "GET /index.html HTTP/1.1\r\nHost: x\r\n").unwrap();
    }
    // Were the server waiting on the idle clients, these would time out (status 0).
    for _ in 0..20 {
        assert_eq!(server.request("GET", "/modules/alpha/").0, 200);
    }
    drop(idle);
}
