//! `marketplace serve`: answers on a free port, shows an edit, survives a broken edit and
//! recovers, refuses traversal and other methods, and stops cleanly on Ctrl-C (SIGINT).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use std::sync::{Arc, Mutex};

use crate::common::{module_text, read, tree, TestSite};

struct Server {
    child: Child,
    addr: String,
    /// What serve printed to stderr so far.
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(site: &TestSite) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_marketplace"))
            .args(["serve", "--port", "0"])
            .current_dir(site.root())
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
    fn raw(&self, method: &str, path: &str) -> String {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(s, "{method} {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.addr).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        String::from_utf8_lossy(&raw).into_owned()
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
        "/%2e%2e/%2e%2e/etc/passwd",
        "/modules/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/static/..%5c..%5cmodules",
        "/%00",
    ] {
        let (status, body) = server.request("GET", path);
        assert_eq!(status, 400, "{path}: {body}");
    }
    for method in ["POST", "PUT", "DELETE"] {
        assert_eq!(server.request(method, "/index.html").0, 405, "{method}");
    }
}

/// The files of `search-index/` whose cut into shards may differ (serve keeps the full
/// build's shard boundaries), as what they mean: every term entry in order, and meta
/// without the boundaries.
fn search_content(
    files: &mut std::collections::BTreeMap<String, Vec<u8>>,
) -> (Vec<serde_json::Value>, serde_json::Value) {
    let mut meta: serde_json::Value = serde_json::from_slice(&files.remove("search-index/meta.json").unwrap()).unwrap();
    let shards = meta.as_object_mut().unwrap().remove("shards").unwrap();
    let mut terms = Vec::new();
    for k in 0..shards.as_array().unwrap().len() {
        let bytes = files.remove(&format!("search-index/terms/{k}.json")).unwrap();
        terms.extend(serde_json::from_slice::<Vec<serde_json::Value>>(&bytes).unwrap());
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
    let version = server.request("GET", "/__marketplace/version").1;

    let path = site.path("modules/yolov8-api.md");
    let text = read(&path)
        .replace("title = \"YoloV8 model\"", "title = \"YoloV8 zebra model\"")
        .replace("created = 2023-08-09", "created = 2026-11-01")
        + "\nIt also finds zebras crossing streets, quaggas and okapis.\n";
    std::fs::write(&path, &text).unwrap();
    // Long polling: answers as soon as a rebuild is done. An editor's save may show up as
    // two events (truncate, then write): the first update can see an empty file and show
    // its diagnostics, the next one shows the page; wait for that.
    let (_, now) = server.request("GET", &format!("/__marketplace/version?since={version}"));
    assert_ne!(now, version);
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
