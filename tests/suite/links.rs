//! `check --links` against local HTTP servers on 127.0.0.1 (each test its own, counting
//! the requests it gets), never the internet: every URL of these sites is on a local
//! server, a closed local port, a `.invalid` host (which never resolves), or skipped.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{Run, TestSite};

// ---------------------------------------------------------------------------------------
// A small HTTP server: each connection on a thread, one request per connection, answered
// by a route function that is told how many times the path was asked before.

/// One request the server got.
#[derive(Debug, Clone)]
struct Hit {
    method: String,
    path: String,
    authorization: Option<String>,
    at: Instant,
}

/// What a route answers.
enum Resp {
    Status(u16, Vec<(&'static str, String)>, String),
    /// Accept the request and never answer (until the server stops, or 60 s).
    Hang,
}

fn status(code: u16) -> Resp {
    Resp::Status(code, Vec::new(), String::new())
}

fn redirect(code: u16, to: &str) -> Resp {
    Resp::Status(code, vec![("Location", to.to_string())], String::new())
}

/// What a route is told of a request.
struct Req<'a> {
    method: &'a str,
    path: &'a str,
    /// How many requests for this path came so far, this one included (1 for the first).
    n: usize,
    authorization: Option<&'a str>,
}

type Route = dyn Fn(&Req) -> Resp + Send + Sync;

struct Server {
    port: u16,
    hits: Arc<Mutex<Vec<Hit>>>,
    stop: Arc<AtomicBool>,
    /// The most requests being answered at once.
    max_in_flight: Arc<AtomicUsize>,
}

impl Server {
    fn start(route: impl Fn(&Req) -> Resp + Send + Sync + 'static) -> Server {
        Self::start_with_delay(Duration::ZERO, route)
    }

    /// Each answer comes after `delay`.
    fn start_with_delay(delay: Duration, route: impl Fn(&Req) -> Resp + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let max_in_flight = Arc::new(AtomicUsize::new(0));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let route: Arc<Route> = Arc::new(route);
        let (h, s, m) = (Arc::clone(&hits), Arc::clone(&stop), Arc::clone(&max_in_flight));
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (h, s, m, f, route) =
                    (Arc::clone(&h), Arc::clone(&s), Arc::clone(&m), Arc::clone(&in_flight), Arc::clone(&route));
                std::thread::spawn(move || serve(conn, &h, &s, &*route, delay, (&f, &m)));
            }
        });
        Server { port, hits, stop, max_in_flight }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// The requests for `path`, as `METHOD` strings in order.
    fn methods(&self, path: &str) -> Vec<String> {
        self.hits().into_iter().filter(|h| h.path == path).map(|h| h.method).collect()
    }

    fn count(&self, path: &str) -> usize {
        self.methods(path).len()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// `in_flight` (now, most): a request counts from the moment its head is read until its
/// answer starts, a window inside the client's own (sent until answered), so that a
/// thread finishing its write late never counts beside the client's next request.
fn serve(
    conn: TcpStream,
    hits: &Mutex<Vec<Hit>>,
    stop: &AtomicBool,
    route: &Route,
    delay: Duration,
    in_flight: (&AtomicUsize, &AtomicUsize),
) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    let mut authorization = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("authorization") {
                authorization = Some(value.trim().to_string());
            }
        }
    }
    let n = {
        let mut hits = hits.lock().unwrap();
        hits.push(Hit {
            method: method.clone(),
            path: path.clone(),
            authorization: authorization.clone(),
            at: Instant::now(),
        });
        hits.iter().filter(|h| h.path == path).count()
    };
    let (now, most) = in_flight;
    most.fetch_max(now.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
    match route(&Req { method: &method, path: &path, n, authorization: authorization.as_deref() }) {
        Resp::Hang => {
            let start = Instant::now();
            while !stop.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(60) {
                std::thread::sleep(Duration::from_millis(50));
            }
            now.fetch_sub(1, Ordering::SeqCst);
        }
        Resp::Status(code, headers, body) => {
            std::thread::sleep(delay);
            now.fetch_sub(1, Ordering::SeqCst);
            let mut out =
                format!("HTTP/1.1 {code} Whatever\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
            for (name, value) in headers {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
            out.push_str("\r\n");
            if method != "HEAD" {
                out.push_str(&body);
            }
            let mut conn = conn;
            let _ = conn.write_all(out.as_bytes());
            let _ = conn.flush();
        }
    }
}

/// A local port nothing listens on.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    port
}

// ---------------------------------------------------------------------------------------
// Sites and what `check` says.

/// A site whose `[check]` table is `check` (the registry of Docker images is `registry`).
fn site_with(check: &str) -> TestSite {
    let site = TestSite::new();
    let path = site.path("content/site.toml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{text}\n[check]\n{check}\n")).unwrap();
    site
}

/// A complete module file (nothing to warn about) with these `[links]`, `[docker]` and
/// description.
fn module(links: &str, docker: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"Checked links\"\nsummary = \"A module whose links the test suite checks.\"\n\
         category = \"general-purpose\"\ntags = [\"test\"]\nlicense = \"MIT\"\ncreated = 2024-01-01\n\n\
         [links]\n{links}\n\n[docker]\n{docker}\n+++\n{body}\n"
    )
}

/// The routes of a registry with the images `org/app:1.0`, `org/app:2.0` and
/// `library/python:3.12` (`python:3.12`), in Docker Hub's API.
fn hub(path: &str) -> Option<Resp> {
    let found = [
        "/v2/namespaces/org/repositories/app/tags/1.0",
        "/v2/namespaces/org/repositories/app/tags/2.0",
        "/v2/namespaces/org/repositories/app",
        "/v2/namespaces/library/repositories/python/tags/3.12",
        "/v2/namespaces/library/repositories/python",
    ];
    path.starts_with("/v2/").then(|| if found.contains(&path) { status(200) } else { status(404) })
}

/// `(line, column)` of the first `needle` in `text` at or after `from`, 1-based, columns
/// in characters: where a diagnostic about it must point.
fn place(text: &str, needle: &str, from: usize) -> (u64, u64) {
    let at = from + text[from..].find(needle).unwrap_or_else(|| panic!("{needle:?} is in the text"));
    let line = text[..at].matches('\n').count() + 1;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line as u64, text[line_start..at].chars().count() as u64 + 1)
}

/// `(file, line, column, severity, code, message)` of each diagnostic of `check --format json`.
type Diag = (String, u64, u64, String, String, String);

/// The catalogue-wide lint's codes: its warnings (an `http://` cite to the local servers,
/// say) are right here too, but they are `lint.rs`'s subject, not this file's.
const LINT_CODES: &[&str] = &["cite", "near-duplicate-tag", "placeholder", "same-image", "same-source", "same-title"];

fn diagnostics(run: &Run) -> Vec<Diag> {
    let list: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("check --format json prints JSON ({e})\n{}\n{}", run.stdout, run.stderr));
    list.as_array()
        .unwrap()
        .iter()
        .filter(|d| !LINT_CODES.contains(&d["code"].as_str().unwrap_or_default()))
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["severity"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Asserts one diagnostic at `file:line:column` with this severity and code, whose message
/// holds `message`.
#[track_caller]
fn assert_diag(diags: &[Diag], file: &str, (line, column): (u64, u64), severity: &str, code: &str, message: &str) {
    let found = diags.iter().filter(|d| d.0 == file && d.1 == line && d.2 == column).collect::<Vec<_>>();
    assert!(
        found.iter().any(|d| d.3 == severity && d.4 == code && d.5.contains(message)),
        "no {severity} `{code}` with {message:?} at {file}:{line}:{column}; there: {found:#?}\nall: {diags:#?}"
    );
}

fn check_links(site: &TestSite, extra: &[&str]) -> Run {
    let mut args = vec!["check", "--links", "--format", "json"];
    args.extend_from_slice(extra);
    site.run(&args)
}

// ---------------------------------------------------------------------------------------

/// Every answer a link can get, each at its place: the `[links]` values, Markdown links and
/// images, and bare URLs of the description.
#[test]
fn each_answer_gives_its_diagnostic_at_the_link() {
    let server = Server::start(|r| match r.path {
        "/ok" | "/final" => status(200),
        "/moved" => redirect(301, "/final"),
        "/missing" => status(404),
        "/gone" => status(410),
        "/no-head" if r.method == "HEAD" => status(405),
        "/no-head" => status(200),
        "/busy-once" if r.n == 1 => Resp::Status(429, vec![("Retry-After", "1".into())], String::new()),
        "/busy-once" => status(200),
        "/always-busy" => Resp::Status(429, vec![("Retry-After", "1".into())], String::new()),
        "/broken-server" => status(500),
        "/loop" => redirect(302, "/loop"),
        path => hub(path).unwrap_or(status(404)),
    });
    let refused = format!("http://127.0.0.1:{}/nothing-listens", closed_port());
    let site = site_with(&format!("docker_registry = \"{}\"\nretries = 2\nmax_retry_wait_seconds = 5", server.url("")));
    let a = module(
        &format!(
            "source = \"{}\"\ndocumentation = \"{}\"\ncite = \"{}\"\ndataset = \"{refused}\"\nweights = \"http://no-such-host.invalid/w\"",
            server.url("/ok"),
            server.url("/missing"),
            server.url("/gone"),
        ),
        "image = \"org/app\"\ntag = \"1.0\"",
        &format!(
            "# Links\n\nMoved: [moved]({moved}). Without HEAD: ![img]({nohead}).\n\n\
             Bare: {busy_once} and {busy}, {broken}.\n\nAgain: [the missing page]({missing}#section) and <{looping}>.\n",
            moved = server.url("/moved"),
            nohead = server.url("/no-head"),
            busy_once = server.url("/busy-once"),
            busy = server.url("/always-busy"),
            broken = server.url("/broken-server"),
            missing = server.url("/missing"),
            looping = server.url("/loop"),
        ),
    );
    site.module("a.md", &a);
    // The same broken URL in another module: asked once, reported at both.
    let b =
        module(&format!("source = \"{}\"", server.url("/missing")), "image = \"python\"\ntag = \"3.12\"", "Nothing.");
    site.module("b.md", &b);

    let run = check_links(&site, &[]);
    run.expect(1);
    let d = diagnostics(&run);
    let body = a.find("+++\n# Links").unwrap();
    let fa = "modules/a.md";
    assert_diag(&d, fa, place(&a, &server.url("/missing"), 0), "error", "broken-link", "answers 404 Not Found");
    assert_diag(&d, fa, place(&a, &server.url("/missing"), body), "error", "broken-link", "404");
    assert_diag(&d, "modules/b.md", place(&b, &server.url("/missing"), 0), "error", "broken-link", "404");
    assert_diag(&d, fa, place(&a, &server.url("/gone"), 0), "error", "broken-link", "answers 410 Gone");
    assert_diag(&d, fa, place(&a, &refused, 0), "error", "link-unreachable", "refused the connection");
    assert_diag(&d, fa, place(&a, "http://no-such-host.invalid/w", 0), "error", "link-unreachable", "unknown host");
    assert_diag(&d, fa, place(&a, &server.url("/loop"), 0), "error", "link-redirects", "more than 10 redirects");
    assert_diag(&d, fa, place(&a, &server.url("/always-busy"), body), "warning", "link-rate-limited", "429");
    assert_diag(&d, fa, place(&a, &server.url("/broken-server"), 0), "warning", "link-server-error", "500");
    assert_eq!(d.len(), 9, "nothing else: {d:#?}");

    // Each distinct URL asked once (the 404 is asked with HEAD, then GET to be sure).
    assert_eq!(server.methods("/missing"), ["HEAD", "GET"]);
    assert_eq!(server.methods("/ok"), ["HEAD"]);
    assert_eq!(server.methods("/moved"), ["HEAD"]);
    assert_eq!(server.methods("/final"), ["HEAD"]);
    assert_eq!(server.methods("/no-head"), ["HEAD", "GET"]);
    // A 429 is asked again after its Retry-After: once for the one that then answers, and
    // `retries` times for the one that does not.
    assert_eq!(server.methods("/busy-once"), ["HEAD", "HEAD"]);
    assert_eq!(server.methods("/always-busy"), ["HEAD", "HEAD", "HEAD"]);
    let busy: Vec<Instant> = server.hits().into_iter().filter(|h| h.path == "/busy-once").map(|h| h.at).collect();
    assert!(busy[1] - busy[0] >= Duration::from_millis(900), "Retry-After: 1 waited {:?}", busy[1] - busy[0]);
    // 500 is not retried; 11 hops of the redirect loop are asked, then it is given up.
    assert_eq!(server.methods("/broken-server"), ["HEAD", "GET"]);
    assert_eq!(server.count("/loop"), 11);
    // The images, on the registry.
    assert_eq!(server.count("/v2/namespaces/org/repositories/app/tags/1.0"), 1);
    assert_eq!(server.count("/v2/namespaces/library/repositories/python/tags/3.12"), 1);
    // No progress bar when stderr is no terminal.
    assert!(!run.stderr.contains("checking links"), "{}", run.stderr);

    // The same on the pull request's lines.
    let gh = site.run(&["check", "--links", "--format", "github"]);
    gh.expect(1);
    let (line, col) = place(&a, &server.url("/gone"), 0);
    gh.stdout_has(&format!(
        "::error file=modules/a.md,line={line},col={col},title=broken-link::broken link: {} answers 410 Gone: this page does not exist. help: fix the address",
        server.url("/gone")
    ));
    let (line, col) = place(&a, &server.url("/broken-server"), 0);
    gh.stdout_has(&format!("::warning file=modules/a.md,line={line},col={col},title=link-server-error::"));
}

/// Warnings alone pass; `--deny warnings` fails on them.
#[test]
fn warnings_alone_exit_0_and_deny_warnings_exits_1() {
    let server = Server::start(|r| match r.path {
        "/flaky" => status(502),
        path => hub(path).unwrap_or(status(404)),
    });
    let site = site_with(&format!("docker_registry = \"{}\"", server.url("")));
    let text = module(&format!("source = \"{}\"", server.url("/flaky")), "image = \"org/app\"\ntag = \"2.0\"", "Text.");
    site.module("m.md", &text);
    let run = check_links(&site, &[]);
    run.expect(0);
    let d = diagnostics(&run);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_diag(&d, "modules/m.md", place(&text, &server.url("/flaky"), 0), "warning", "link-server-error", "502");
    let denied = check_links(&site, &["--deny", "warnings"]);
    denied.expect(1);
    assert_diag(
        &diagnostics(&denied),
        "modules/m.md",
        place(&text, &server.url("/flaky"), 0),
        "error",
        "link-server-error",
        "502",
    );
    // Human output shows the place too.
    let (line, col) = place(&text, &server.url("/flaky"), 0);
    site.run(&["check", "--links"]).expect(0).stderr_has(&format!("--> modules/m.md:{line}:{col}"));
}

/// A server that takes the connection and never answers costs the timeout, once: the
/// other links to that host are not asked again in the run.
#[test]
fn a_server_that_never_answers_costs_the_timeout() {
    let hanging = Server::start(|_| Resp::Hang);
    let registry = Server::start(|r| hub(r.path).unwrap_or(status(404)));
    let site = site_with(&format!("docker_registry = \"{}\"\ntimeout_seconds = 2", registry.url("")));
    let text = module(
        &format!(
            "source = \"{}\"\ndocumentation = \"{}\"\ndataset = \"{}\"",
            hanging.url("/a"),
            hanging.url("/b"),
            hanging.url("/c")
        ),
        "image = \"org/app\"\ntag = \"1.0\"",
        "Text.",
    );
    site.module("m.md", &text);
    let start = Instant::now();
    let run = check_links(&site, &[]);
    let elapsed = start.elapsed();
    run.expect(0);
    // Generous slack for a loaded machine; without the timeout the run would take 60 s.
    assert!(elapsed < Duration::from_secs(2 + 15), "the run took {elapsed:?}");
    let d = diagnostics(&run);
    for path in ["/a", "/b", "/c"] {
        assert_diag(
            &d,
            "modules/m.md",
            place(&text, &hanging.url(path), 0),
            "warning",
            "link-timeout",
            "did not answer in time",
        );
    }
    // Two at once (`per_host`), then the host counts as dead.
    assert!(hanging.hits().len() <= 2, "{:?}", hanging.hits());
}

/// Docker images on Docker Hub's API: an existing image and tag, a missing tag (at the
/// `tag` line), a missing repository (at the `image` line), an official image, and an
/// image taken from `links.docker` (both at its value).
#[test]
fn docker_images_are_looked_up_on_the_registry() {
    let registry = Server::start(|r| match r.path {
        "/ok" => status(200),
        path => hub(path).unwrap_or(status(404)),
    });
    let site = site_with(&format!("docker_registry = \"{}\"\nskip = [\"https://hub.docker.com/\"]", registry.url("")));
    let source = format!("source = \"{}\"", registry.url("/ok"));
    let ok = module(&source, "image = \"org/app\"\ntag = \"1.0\"", "Text.");
    let official = module(&source, "image = \"python\"\ntag = \"3.12\"", "Text.");
    let no_tag = module(&source, "image = \"org/app\"\ntag = \"9.9\"\nport = 5000", "Text.");
    let no_repo = module(&source, "image = \"org/nope\"\ntag = \"1.0\"", "Text.");
    let latest = module(&source, "image = \"org/app\"", "Text.");
    // No `[docker]`: the image is `org/gone:latest`, from the Docker Hub page.
    let from_links = format!(
        "+++\ntitle = \"From links\"\nsummary = \"Image from links.docker.\"\ncategory = \"general-purpose\"\n\
         tags = [\"test\"]\nlicense = \"MIT\"\ncreated = 2024-01-01\n\n[links]\n{source}\ndocker = \"https://hub.docker.com/r/org/gone\"\n+++\nText.\n"
    );
    for (name, text) in [
        ("ok.md", &ok),
        ("official.md", &official),
        ("no-tag.md", &no_tag),
        ("no-repo.md", &no_repo),
        ("latest.md", &latest),
        ("from-links.md", &from_links),
    ] {
        site.module(name, text);
    }
    let run = check_links(&site, &[]);
    run.expect(1);
    let d = diagnostics(&run);
    assert_diag(&d, "modules/no-tag.md", place(&no_tag, "9.9", 0), "error", "missing-docker-tag", "has no tag `9.9`");
    assert_diag(
        &d,
        "modules/no-repo.md",
        place(&no_repo, "org/nope", 0),
        "error",
        "missing-docker-image",
        "`org/nope` does not exist",
    );
    // No `tag`: `latest` is missing, and the image line says so.
    assert_diag(
        &d,
        "modules/latest.md",
        place(&latest, "org/app", 0),
        "error",
        "missing-docker-tag",
        "no tag `latest`",
    );
    assert_diag(
        &d,
        "modules/from-links.md",
        place(&from_links, "https://hub.docker.com/r/org/gone", 0),
        "error",
        "missing-docker-image",
        "`org/gone` does not exist",
    );
    assert_eq!(d.len(), 4, "{d:#?}");
    // The tag first; the repository only when the tag is missing.
    assert_eq!(registry.count("/v2/namespaces/org/repositories/app/tags/1.0"), 1);
    assert_eq!(registry.count("/v2/namespaces/org/repositories/app/tags/9.9"), 1);
    assert_eq!(registry.count("/v2/namespaces/org/repositories/app"), 2, "for 9.9 and latest");
    assert_eq!(registry.count("/v2/namespaces/org/repositories/nope"), 1);
    assert_eq!(registry.count("/v2/namespaces/library/repositories/python/tags/3.12"), 1);
    // The skipped prefix is never asked (it is not on this server, nor anywhere).
    assert!(registry.hits().iter().all(|h| !h.path.contains("/r/org/gone")));
}

/// An image on another registry (`host/path`): the manifest through the OCI distribution
/// API, with the anonymous bearer token the registry asks for; a missing tag or
/// repository told apart with `tags/list`.
#[test]
fn images_of_other_registries_use_the_oci_api_and_its_anonymous_token() {
    let tokens = Server::start(|r| {
        let scope = |repo: &str| r.path.contains(&format!("scope=repository%3Ateam%2F{repo}%3Apull"));
        if r.path.starts_with("/token?service=test&") && (scope("tool") || scope("none")) {
            Resp::Status(200, Vec::new(), "{\"token\":\"anon-token\"}".into())
        } else {
            status(404)
        }
    });
    let realm = tokens.url("/token");
    let registry = Server::start(move |r| {
        let challenge = || {
            let h = vec![("WWW-Authenticate", format!("Bearer realm=\"{realm}\",service=\"test\""))];
            Resp::Status(401, h, String::new())
        };
        match (r.path, r.authorization) {
            ("/page", _) => status(200),
            (p, None) if p.starts_with("/v2/") => challenge(),
            (_, Some(a)) if a != "Bearer anon-token" => status(403),
            ("/v2/team/tool/manifests/v1" | "/v2/team/tool/tags/list", _) => status(200),
            _ => status(404),
        }
    });
    let site = site_with("");
    let image = format!("127.0.0.1:{}/team/tool", registry.port);
    let source = format!("source = \"{}\"", registry.url("/page"));
    let good = module(&source, &format!("image = \"{image}\"\ntag = \"v1\""), "Text.");
    let no_tag = module(&source, &format!("image = \"{image}\"\ntag = \"v9\""), "Text.");
    let no_repo = module(&source, &format!("image = \"127.0.0.1:{}/team/none\"\ntag = \"v1\"", registry.port), "Text.");
    site.module("good.md", &good).module("no-tag.md", &no_tag).module("no-repo.md", &no_repo);
    let run = check_links(&site, &[]);
    run.expect(1);
    let d = diagnostics(&run);
    assert_diag(&d, "modules/no-tag.md", place(&no_tag, "v9", 0), "error", "missing-docker-tag", "has no tag `v9`");
    let (line, col) = place(&no_repo, &format!("127.0.0.1:{}/team/none", registry.port), 0);
    assert_diag(&d, "modules/no-repo.md", (line, col), "error", "missing-docker-image", "team/none` does not exist");
    assert_eq!(d.len(), 2, "{d:#?}");
    // The manifest asked without a token, then with the one the token endpoint gave.
    let manifest: Vec<Option<String>> = registry
        .hits()
        .into_iter()
        .filter(|h| h.path == "/v2/team/tool/manifests/v1")
        .map(|h| h.authorization)
        .collect();
    assert_eq!(manifest, [None, Some("Bearer anon-token".to_string())]);
    let tags: Vec<Option<String>> =
        registry.hits().into_iter().filter(|h| h.path == "/v2/team/tool/tags/list").map(|h| h.authorization).collect();
    assert_eq!(tags, [Some("Bearer anon-token".to_string())], "for v9, whose manifest is missing");
    assert!(registry.hits().iter().filter(|h| h.path == "/page").all(|h| h.authorization.is_none()));
    assert!(tokens.hits().iter().all(|h| h.authorization.is_none()), "no credential to the token endpoint");
}

/// A second run asks nothing about what the first found good, and asks again what it did
/// not (a 429 is never kept); a corrupt cache is ignored.
#[test]
fn a_second_run_asks_only_what_it_does_not_know() {
    let server = Server::start(|r| match r.path {
        "/good" | "/also-good" => status(200),
        "/limited" => Resp::Status(429, vec![("Retry-After", "0".into())], String::new()),
        "/down" => status(503),
        path => hub(path).unwrap_or(status(404)),
    });
    let site = site_with(&format!("docker_registry = \"{}\"\nretries = 0", server.url("")));
    let text = module(
        &format!(
            "source = \"{}\"\ndocumentation = \"{}\"\ndataset = \"{}\"",
            server.url("/good"),
            server.url("/limited"),
            server.url("/down")
        ),
        "image = \"org/app\"\ntag = \"1.0\"",
        &format!("See {}.", server.url("/also-good")),
    );
    site.module("m.md", &text);
    let tag = "/v2/namespaces/org/repositories/app/tags/1.0";

    let first = check_links(&site, &[]);
    first.expect(0);
    assert_eq!(diagnostics(&first).len(), 2, "the 429 and the 503: {}", first.stdout);
    let counts = |s: &Server| ["/good", "/also-good", "/limited", "/down", tag].map(|p| s.count(p));
    assert_eq!(counts(&server), [1, 1, 1, 1, 1]);
    let cache = site.path(".marketplace-cache/links.json");
    let cached = fs::read_to_string(&cache).expect("the cache is written");
    assert!(cached.contains(&server.url("/good")) && cached.contains(&server.url("/also-good")), "{cached}");
    assert!(cached.contains("docker ") && cached.contains("org/app:1.0"), "{cached}");
    assert!(!cached.contains("/limited") && !cached.contains("/down"), "never kept: {cached}");
    assert!(site.path(".marketplace-cache/.gitignore").exists());

    let second = check_links(&site, &[]);
    second.expect(0);
    assert_eq!(diagnostics(&second), diagnostics(&first), "the same diagnostics");
    assert_eq!(counts(&server), [1, 1, 2, 2, 1], "only the 429 and the 503 asked again");
    assert_eq!(fs::read_to_string(&cache).unwrap().len(), cached.len());

    // `cache_max_age_hours = 0`: no cache, everything asked.
    let no_cache =
        site_with(&format!("docker_registry = \"{}\"\nretries = 0\ncache_max_age_hours = 0", server.url("")));
    no_cache.module("m.md", &text);
    check_links(&no_cache, &[]).expect(0);
    check_links(&no_cache, &[]).expect(0);
    assert_eq!(counts(&server), [3, 3, 4, 4, 3]);
    assert!(!no_cache.path(".marketplace-cache").exists());

    // A corrupt cache: ignored, asked again, and replaced by a good one.
    fs::write(&cache, "{\"version\": 1, \"good\": [trunc").unwrap();
    check_links(&site, &[]).expect(0);
    assert_eq!(counts(&server), [4, 4, 5, 5, 4]);
    assert!(fs::read_to_string(&cache).unwrap().contains(&server.url("/good")));
}

/// `skip` prefixes are never asked; plain `check` (no `--links`) asks nothing at all.
#[test]
fn skipped_prefixes_and_plain_check_ask_nothing() {
    let server = Server::start(|r| match r.path {
        "/fine" => status(200),
        path => hub(path).unwrap_or(status(404)),
    });
    let site = site_with(&format!(
        "docker_registry = \"{}\"\nskip = [\"{}\", \"http://skipped.invalid/\"]",
        server.url(""),
        server.url("/private/")
    ));
    let text = module(
        &format!("source = \"{}\"\ndocumentation = \"{}\"", server.url("/fine"), server.url("/private/missing")),
        "image = \"org/app\"\ntag = \"1.0\"",
        "See http://skipped.invalid/page and [this](http://skipped.invalid/other).",
    );
    site.module("m.md", &text);
    site.check("json").expect(0);
    assert_eq!(server.hits().len(), 0, "plain check asks nothing");
    let run = check_links(&site, &[]);
    run.expect(0);
    assert_eq!(diagnostics(&run), Vec::<Diag>::new());
    assert_eq!(server.count("/private/missing"), 0);
    assert_eq!(server.count("/fine"), 1);
}

/// `GITHUB_TOKEN` is sent to github.com hosts only (the unit tests of `linkcheck::http`
/// say which): never to this server, nor on a redirect.
#[test]
fn the_github_token_is_never_sent_to_other_hosts() {
    let server = Server::start(|r| match r.path {
        "/ok" => status(200),
        "/hop" => redirect(307, "/ok"),
        path => hub(path).unwrap_or(status(404)),
    });
    let site = site_with(&format!("docker_registry = \"{}\"", server.url("")));
    let text = module(&format!("source = \"{}\"", server.url("/hop")), "image = \"org/app\"\ntag = \"1.0\"", "Text.");
    site.module("m.md", &text);
    let run = site.run_env(&["check", "--links", "--format", "json"], &[("GITHUB_TOKEN", "secret-token-123")]);
    run.expect(0);
    let hits = server.hits();
    assert_eq!(hits.len(), 3, "{hits:?}");
    assert!(hits.iter().all(|h| h.authorization.is_none()), "{hits:?}");
}

/// At most `per_host` requests at once to one host, and `host_interval_ms` between the
/// starts of two of them.
#[test]
fn requests_to_one_host_stay_within_its_limits() {
    let server = Server::start_with_delay(Duration::from_millis(300), |r| match r.path {
        p if p.starts_with("/page") => status(200),
        path => hub(path).unwrap_or(status(404)),
    });
    let site = site_with(&format!("docker_registry = \"{}\"\nper_host = 2\nhost_interval_ms = 150", server.url("")));
    let body: String = (0..8).map(|i| format!("- {}\n", server.url(&format!("/page{i}")))).collect();
    let text =
        module(&format!("source = \"{}\"", server.url("/page-source")), "image = \"org/app\"\ntag = \"1.0\"", &body);
    site.module("m.md", &text);
    let run = check_links(&site, &[]);
    run.expect(0);
    let mut starts: Vec<Instant> = server.hits().into_iter().map(|h| h.at).collect();
    assert_eq!(starts.len(), 10, "9 pages and the image");
    starts.sort();
    // The server notes a request once it has read it: a busy machine can delay one note
    // and so shorten the next gap, never lengthen the whole run. Without the interval,
    // two requests would start together (gaps of 0) every 300 ms.
    for pair in starts.windows(2) {
        assert!(pair[1] - pair[0] >= Duration::from_millis(75), "requests {:?} apart", pair[1] - pair[0]);
    }
    let span = starts[starts.len() - 1] - starts[0];
    assert!(span >= Duration::from_millis(9 * 150 - 100), "10 starts within {span:?}");
    let most = server.max_in_flight.load(Ordering::SeqCst);
    assert!((1..=2).contains(&most), "{most} requests at once");
}

/// `[check]` is read like the other tables: unknown keys and wrong values are errors at
/// their place, without `--links`.
#[test]
fn check_settings_are_validated() {
    let site = site_with("timeot_seconds = 3\naccept = [403, \"x\"]\nper_host = 0\ndocker_registry = \"hub\"");
    let text = fs::read_to_string(site.path("content/site.toml")).unwrap();
    let run = site.check("json");
    run.expect(1);
    let d = diagnostics(&run);
    let f = "content/site.toml";
    let table = text.find("[check]").unwrap();
    assert_diag(
        &d,
        f,
        place(&text, "timeot_seconds", table),
        "error",
        "unknown-key",
        "unknown key `check.timeot_seconds`",
    );
    assert_diag(&d, f, place(&text, "\"x\"", table), "error", "wrong-type", "`check.accept` must be an array");
    let (line, col) = place(&text, "per_host = 0", table);
    assert_diag(&d, f, (line, col + 11), "error", "out-of-range", "`check.per_host` is out of range");
    assert_diag(&d, f, place(&text, "\"hub\"", table), "error", "bad-url", "`check.docker_registry`");
    run_suggests(&site);
}

#[track_caller]
fn run_suggests(site: &TestSite) {
    site.check("human").expect(1).stderr_has("did you mean `timeout_seconds`?");
}

/// Codes in `accept` are good answers: a 403 (a site that refuses robots) passes.
#[test]
fn accepted_codes_are_configurable() {
    let server = Server::start(|r| match r.path {
        "/robots-refused" => status(403),
        path => hub(path).unwrap_or(status(404)),
    });
    let site = site_with(&format!("docker_registry = \"{}\"\naccept = [403]", server.url("")));
    let text = module(
        &format!("source = \"{}\"", server.url("/robots-refused")),
        "image = \"org/app\"\ntag = \"1.0\"",
        "Text.",
    );
    site.module("m.md", &text);
    let run = check_links(&site, &[]);
    run.expect(0);
    assert_eq!(diagnostics(&run), Vec::<Diag>::new());
    assert_eq!(server.methods("/robots-refused"), ["HEAD"]);
    // Without it, a warning that says how to accept it.
    let strict = site_with(&format!("docker_registry = \"{}\"", server.url("")));
    strict.module("m.md", &text);
    let run = check_links(&strict, &[]);
    run.expect(0);
    let d = diagnostics(&run);
    assert_diag(
        &d,
        "modules/m.md",
        place(&text, &server.url("/robots-refused"), 0),
        "warning",
        "link-status",
        "403 Forbidden",
    );
    strict.run(&["check", "--links"]).stderr_has("add 403 to `accept`");
}
