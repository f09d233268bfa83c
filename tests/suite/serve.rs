//! `marketplace serve`: answers on a free port, shows an edit, survives a broken edit and
//! recovers, refuses traversal and other methods, and stops cleanly on Ctrl-C (SIGINT).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{module_text, TestSite};

struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(site: &TestSite) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_marketplace"))
            .args(["serve", "--port", "0"])
            .current_dir(site.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let addr = line.split("http://").nth(1).and_then(|r| r.split('/').next()).expect(&line).to_string();
        assert!(addr.starts_with("127.0.0.1:"), "binds loopback by default: {line}");
        Server { child, addr }
    }

    /// (status, body) of a raw HTTP/1.0 request, so paths reach the server unnormalised.
    fn request(&self, method: &str, path: &str) -> (u16, String) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(s, "{method} {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.addr).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
        (status, body)
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
