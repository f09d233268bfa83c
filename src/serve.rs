//! `marketplace serve`: builds the site into a private directory, serves it on loopback,
//! watches `modules/`, `content/` and `theme/`, rebuilds on change and reloads open tabs.
//! A broken edit shows its diagnostics in the browser; the last good site stays on disk
//! until a build succeeds again.

use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};
use tiny_http::{Header, Method, Request, Response, Server};

use crate::build::{build, BuildOptions};
use crate::diagnostics::{self, Format};
use crate::error::{Error, Result};
use crate::markdown::escape;

/// Paths the server answers itself; nothing of the site can live there.
const RELOAD_SCRIPT: &str = "/__marketplace/livereload.js";
const VERSION_PATH: &str = "/__marketplace/version";
/// Watcher events closer together than this make one rebuild.
const DEBOUNCE: Duration = Duration::from_millis(80);
const WORKERS: usize = 16;

pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
}

/// What the server shows: the last good site, and the errors of the last build if it
/// failed. `version` changes on every rebuild, so tabs know when to reload.
struct State {
    site: PathBuf,
    version: u64,
    error: Option<String>,
}

/// Runs until Ctrl-C (or `stop` is set). Calls `ready` with the address once listening.
pub fn serve(opts: &ServeOptions, stop: Arc<AtomicBool>, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let root = opts.root.canonicalize().map_err(Error::io("read", &opts.root))?;
    let server = Server::http(format!("{}:{}", opts.bind, opts.port))
        .map_err(|e| Error::Usage(format!("cannot listen on {}:{}: {e}", opts.bind, opts.port)))?;
    let addr = server.server_addr().to_ip().ok_or_else(|| Error::Usage("the server has no IP address".into()))?;
    let work = std::env::temp_dir().join(format!("marketplace-serve-{}", std::process::id()));
    let site = work.join("public");
    let base_url = format!("http://{addr}/");

    let state = Arc::new(RwLock::new(State { site: site.clone(), version: 1, error: None }));
    rebuild(&root, &site, &base_url, &state);

    let server = Arc::new(server);
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let (server, state) = (Arc::clone(&server), Arc::clone(&state));
        workers.push(std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                handle(request, &state);
            }
        }));
    }

    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(e) = event {
            if !matches!(e.kind, notify::EventKind::Access(_)) {
                let _ = tx.send(());
            }
        }
    })
    .map_err(|e| Error::Usage(format!("cannot watch files: {e}")))?;
    for dir in ["modules", "content", "theme"] {
        let path = root.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", path.display())))?;
        }
    }
    ready(addr);

    while !stop.load(Ordering::SeqCst) {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(()) => {
                // Editors write a file in several steps: wait for quiet before building.
                let mut last = Instant::now();
                while last.elapsed() < DEBOUNCE {
                    if rx.recv_timeout(DEBOUNCE).is_ok() {
                        last = Instant::now();
                    }
                }
                rebuild(&root, &site, &base_url, &state);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    drop(watcher);
    server.unblock();
    for _ in 0..WORKERS {
        server.unblock();
    }
    for w in workers {
        let _ = w.join();
    }
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

fn rebuild(root: &Path, site: &Path, base_url: &str, state: &RwLock<State>) {
    let started = Instant::now();
    let result = build(&BuildOptions {
        root: root.to_path_buf(),
        output: Some(site.to_path_buf()),
        base_url: Some(base_url.to_string()),
    });
    let error = match result {
        Ok(report) => {
            eprintln!("rebuilt {} modules in {} ms", report.modules, started.elapsed().as_millis());
            None
        }
        Err(Error::Content(d)) => {
            eprint!("{}", diagnostics::render(&d, Format::Human, false));
            Some(diagnostics::render(&d, Format::Human, false))
        }
        Err(e) => {
            eprintln!("error: {e}");
            Some(e.to_string())
        }
    };
    if let Ok(mut s) = state.write() {
        s.version += 1;
        s.error = error;
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("static header names and ASCII values")
}

/// Security headers of `netlify.toml`, so that pages behave here as they will when deployed.
fn secure<R: std::io::Read>(r: Response<R>) -> Response<R> {
    r.with_header(header(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    ))
    .with_header(header("X-Content-Type-Options", "nosniff"))
    .with_header(header("Referrer-Policy", "strict-origin-when-cross-origin"))
    .with_header(header("Cache-Control", "no-store"))
}

fn handle(request: Request, state: &RwLock<State>) {
    let head = *request.method() == Method::Head;
    if !matches!(request.method(), Method::Get | Method::Head) {
        let r = Response::from_string("only GET and HEAD\n")
            .with_status_code(405)
            .with_header(header("Allow", "GET, HEAD"));
        let _ = request.respond(secure(r));
        return;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/").to_string();
    let (site, version, error) = match state.read() {
        Ok(s) => (s.site.clone(), s.version, s.error.clone()),
        Err(_) => return,
    };
    if path == VERSION_PATH {
        let _ = request.respond(secure(Response::from_string(version.to_string())));
        return;
    }
    if path == RELOAD_SCRIPT {
        let r =
            Response::from_string(LIVE_RELOAD_JS).with_header(header("Content-Type", "text/javascript; charset=utf-8"));
        let _ = request.respond(secure(r));
        return;
    }
    let Some(file) = resolve(&site, &path) else {
        let r = Response::from_string("400 bad request: the path leaves the site\n").with_status_code(400);
        let _ = request.respond(secure(r));
        return;
    };
    let is_html = file.as_ref().map_or(true, |f| f.extension().is_some_and(|e| e == "html"));
    if let (Some(error), true) = (&error, is_html) {
        let r = Response::from_string(error_page(error))
            .with_status_code(500)
            .with_header(header("Content-Type", "text/html; charset=utf-8"));
        let _ = request.respond(secure(r));
        return;
    }
    let (status, file) = match file {
        Some(f) => (200, f),
        None => (404, site.join("404.html")),
    };
    let Ok(mut bytes) = std::fs::read(&file) else {
        let _ = request.respond(secure(Response::from_string("404 not found\n").with_status_code(404)));
        return;
    };
    let kind = content_type(&file);
    if kind.starts_with("text/html") {
        bytes = inject_reload(bytes);
    }
    let len = bytes.len();
    let mut r = Response::from_data(if head { Vec::new() } else { bytes })
        .with_status_code(status)
        .with_header(header("Content-Type", kind));
    if head {
        r = r.with_header(header("Content-Length", &len.to_string()));
    }
    let _ = request.respond(secure(r));
}

/// Maps a URL path to a file of the site, or `None` when there is no such file. A path
/// that would leave the site (`..`, encoded or not, backslashes, NUL) is `Err`-like:
/// the outer `None` of `Option<Option<_>>` is folded into the caller's 400.
fn resolve(site: &Path, url_path: &str) -> Option<Option<PathBuf>> {
    let decoded = percent_encoding::percent_decode_str(url_path).decode_utf8().ok()?;
    if decoded.contains('\0') || decoded.contains('\\') || !decoded.starts_with('/') {
        return None;
    }
    let mut rel = PathBuf::new();
    for part in decoded.split('/').filter(|p| !p.is_empty()) {
        let p = Path::new(part);
        match p.components().next() {
            Some(Component::Normal(_)) if p.components().count() == 1 => rel.push(part),
            Some(Component::CurDir) => {}
            _ => return None,
        }
    }
    let mut file = site.join(&rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    Some(file.is_file().then_some(file))
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// The live-reload script goes before `</body>`: a file, not inline, so the page's
/// Content-Security-Policy holds.
fn inject_reload(mut html: Vec<u8>) -> Vec<u8> {
    let tag = format!("<script src=\"{RELOAD_SCRIPT}\" defer></script>\n");
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    html.splice(at..at, tag.into_bytes());
    html
}

fn error_page(diagnostics: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body>\
         <main><h1>The site does not build</h1><p>Fix these problems and save: this page reloads by itself.</p>\
         <pre>{}</pre></main><script src=\"{RELOAD_SCRIPT}\" defer></script></body></html>\n",
        escape(diagnostics)
    )
}

const LIVE_RELOAD_JS: &str = r#"// marketplace serve: reload this tab when the site is rebuilt.
(function () {
  var seen = null;
  function poll() {
    fetch("/__marketplace/version", { cache: "no-store" })
      .then(function (r) { return r.text(); })
      .then(function (v) {
        if (seen === null) seen = v;
        else if (v !== seen) { location.reload(); return; }
        setTimeout(poll, 300);
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        let site = Path::new("/nonexistent-site");
        for bad in ["/../etc/passwd", "/%2e%2e/etc/passwd", "/a/%2E%2E/%2e%2e/x", "/..%2fx", "/a\\..\\b", "/%00", "x"] {
            assert!(resolve(site, bad).is_none(), "{bad}");
        }
        assert_eq!(resolve(site, "/modules/x/"), Some(None));
    }

    #[test]
    fn reload_script_goes_before_body_end() {
        let out = String::from_utf8(inject_reload(b"<html><body>x</body></html>".to_vec())).unwrap();
        assert!(out.contains("defer></script>\n</body>"), "{out}");
    }
}
