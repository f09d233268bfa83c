//! `marketplace serve`: builds the site into a private directory, serves it on loopback,
//! watches `modules/`, `content/` and `theme/`, rebuilds on change and reloads open tabs.
//! A broken edit shows its diagnostics in the browser; the last good site stays on disk
//! until a build succeeds again.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::build::BuildOptions;
use crate::diagnostics::{self, Format};
use crate::error::{Error, Result};
use crate::markdown::escape;
use crate::session::Session;

/// Paths the server answers itself; nothing of the site can live there.
const RELOAD_SCRIPT: &str = "/__marketplace/livereload.js";
const VERSION_PATH: &str = "/__marketplace/version";
/// Watcher events closer together than this make one rebuild.
const DEBOUNCE: Duration = Duration::from_millis(30);
/// How long a `version?since=N` request waits for a rebuild before answering anyway.
const LONG_POLL: Duration = Duration::from_secs(25);

pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
}

/// What the server shows: the last good site, and the errors of the last build if it
/// failed. `version` changes on every rebuild, so tabs know when to reload; tabs wait for
/// that change on the condition variable (long polling), so they reload at once.
struct State {
    site: PathBuf,
    version: u64,
    error: Option<String>,
}

/// The state, its change signal, and the lock that keeps requests from reading files
/// while an update rewrites them in place.
type Shared = (Mutex<State>, Condvar, std::sync::RwLock<()>);

/// Runs until Ctrl-C (or `stop` is set). Calls `ready` with the address once listening.
pub fn serve(opts: &ServeOptions, stop: Arc<AtomicBool>, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let root = opts.root.canonicalize().map_err(Error::io("read", &opts.root))?;
    let listener = TcpListener::bind((opts.bind.as_str(), opts.port))
        .map_err(|e| Error::Usage(format!("cannot listen on {}:{}: {e}", opts.bind, opts.port)))?;
    let addr = listener.local_addr().map_err(Error::io("read the address of", &opts.root))?;
    let work = std::env::temp_dir().join(format!("marketplace-serve-{}", std::process::id()));
    let site = work.join("public");
    let base_url = format!("http://{addr}/");

    let state: Arc<Shared> = Arc::new((
        Mutex::new(State { site: site.clone(), version: 1, error: None }),
        Condvar::new(),
        Default::default(),
    ));
    let mut session =
        Session::new(BuildOptions { root: root.clone(), output: Some(site.clone()), base_url: Some(base_url.clone()) });
    rebuild(&mut session, &[], &state);

    // One thread accepts, one thread per connection answers: a slow client holds only its
    // own thread. Each connection carries one request (`Connection: close`).
    listener.set_nonblocking(true).map_err(Error::io("configure", &opts.root))?;
    let acceptor = {
        let (state, stop) = (Arc::clone(&state), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let state = Arc::clone(&state);
                        std::thread::spawn(move || handle(stream, &state));
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(10))
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        })
    };

    // The changed paths; an empty list when the watcher could not say (build everything).
    let (tx, rx) = mpsc::channel::<Vec<PathBuf>>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
        Ok(e) if matches!(e.kind, notify::EventKind::Access(_)) => {}
        Ok(e) => {
            let _ = tx.send(e.paths);
        }
        Err(_) => {
            let _ = tx.send(Vec::new());
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
            Ok(first) => {
                // Editors write a file in several steps: wait for quiet before building.
                let mut unknown = first.is_empty();
                let mut changed = first;
                let mut last = Instant::now();
                while last.elapsed() < DEBOUNCE {
                    if let Ok(more) = rx.recv_timeout(DEBOUNCE) {
                        unknown |= more.is_empty();
                        changed.extend(more);
                        last = Instant::now();
                    }
                }
                changed.sort();
                changed.dedup();
                if unknown {
                    changed.clear();
                }
                rebuild(&mut session, &changed, &state);
            }
            // Quiet: the tabs have reloaded; now the files no page shows.
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if session.behind() {
                    let _writing = state.2.write();
                    if let Err(e) = session.finish() {
                        eprintln!("error: {e}");
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    drop(watcher);
    stop.store(true, Ordering::SeqCst);
    let _ = acceptor.join();
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

fn rebuild(session: &mut Session, changed: &[PathBuf], state: &Shared) {
    // A full build swaps a new tree in at once; an update writes files in place.
    let writing = session.updates(changed).then(|| state.2.write());
    let result = session.rebuild(changed);
    drop(writing);
    let error = match result {
        Ok(r) => {
            match &r.incremental {
                Some(files) => {
                    eprintln!("rebuilt {} modules in {} ms (updated {})", r.modules, r.millis, files.join(", "))
                }
                None => eprintln!("rebuilt {} modules in {} ms", r.modules, r.millis),
            }
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
    if let Ok(mut s) = state.0.lock() {
        s.version += 1;
        s.error = error;
    }
    state.1.notify_all();
}

/// Security headers of `netlify.toml`, so that pages behave here as they will when deployed.
const SECURITY_HEADERS: &str = "Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' https:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'\r\n\
X-Content-Type-Options: nosniff\r\nReferrer-Policy: strict-origin-when-cross-origin\r\n";
/// Files under `static/` carry a hash of their content in their name (as `netlify.toml`
/// says, they never change): a reload after an edit fetches only the page.
const IMMUTABLE: &str = "Cache-Control: public, max-age=31536000, immutable\r\n";
const NO_STORE: &str = "Cache-Control: no-store\r\n";

/// A response, written whole with `Connection: close`.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    extra: &'static str,
    immutable: bool,
}

impl Reply {
    fn text(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.into().into_bytes(),
            extra: "",
            immutable: false,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        _ => "",
    }
}

/// Reads one request head, answers it, closes the connection. Slow or silent clients time
/// out without holding anyone else.
fn handle(stream: TcpStream, state: &Shared) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() || request_line.is_empty() {
        return;
    }
    // Skip the headers: nothing in them changes the answer. Bounded, so a client cannot
    // make us read forever.
    let mut size = request_line.len();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) => break,
            Ok(n) => size += n,
            Err(_) => return,
        }
        if line == "\r\n" || line == "\n" {
            break;
        }
        if size > 16 * 1024 {
            return write_reply(stream, &Reply::text(431, "request head too large\n"), false);
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head = method == "HEAD";
    let reply = if method == "GET" || head {
        answer(target, state)
    } else {
        Reply { extra: "Allow: GET, HEAD\r\n", ..Reply::text(405, "only GET and HEAD\n") }
    };
    write_reply(stream, &reply, head);
}

fn write_reply(mut stream: TcpStream, reply: &Reply, head: bool) {
    let head_text = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{SECURITY_HEADERS}{}{}Connection: close\r\n\r\n",
        reply.status,
        reason(reply.status),
        reply.content_type,
        reply.body.len(),
        if reply.immutable { IMMUTABLE } else { NO_STORE },
        reply.extra
    );
    let _ = stream.write_all(head_text.as_bytes());
    if !head {
        let _ = stream.write_all(&reply.body);
    }
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

fn answer(target: &str, state: &Shared) -> Reply {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    if path == VERSION_PATH {
        // `?since=N`: wait until the version is no longer N (or LONG_POLL has passed).
        let since = target.split_once("?since=").and_then(|(_, v)| v.parse::<u64>().ok());
        let Ok(guard) = state.0.lock() else { return Reply::text(500, "server state lost\n") };
        let guard = match since {
            Some(n) => match state.1.wait_timeout_while(guard, LONG_POLL, |s| s.version == n) {
                Ok((g, _)) => g,
                Err(_) => return Reply::text(500, "server state lost\n"),
            },
            None => guard,
        };
        return Reply::text(200, guard.version.to_string());
    }
    let (site, error) = match state.0.lock() {
        Ok(s) => (s.site.clone(), s.error.clone()),
        Err(_) => return Reply::text(500, "server state lost\n"),
    };
    if path == RELOAD_SCRIPT {
        return Reply { content_type: "text/javascript; charset=utf-8", ..Reply::text(200, LIVE_RELOAD_JS) };
    }
    let Some(file) = resolve(&site, path) else {
        return Reply::text(400, "400 bad request: the path leaves the site\n");
    };
    let is_html = file.as_ref().is_none_or(|f| f.extension().is_some_and(|e| e == "html"));
    if let (Some(error), true) = (&error, is_html) {
        return Reply { content_type: "text/html; charset=utf-8", ..Reply::text(500, error_page(error)) };
    }
    let (status, file) = match file {
        Some(f) => (200, f),
        None => (404, site.join("404.html")),
    };
    let read = {
        let _reading = state.2.read();
        std::fs::read(&file)
    };
    let Ok(mut body) = read else {
        return Reply::text(404, "404 not found\n");
    };
    let content_type = content_type(&file);
    if content_type.starts_with("text/html") {
        body = inject_reload(body);
    }
    let immutable = status == 200 && path.starts_with("/static/");
    Reply { status, content_type, body, extra: "", immutable }
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

const LIVE_RELOAD_JS: &str = r#"// marketplace serve: reload this tab when the site is rebuilt. The server holds each
// `?since=` request until the version changes (long polling), so the reload is at once.
(function () {
  var seen = null;
  function poll() {
    fetch("/__marketplace/version" + (seen === null ? "" : "?since=" + encodeURIComponent(seen)), { cache: "no-store" })
      .then(function (r) { return r.text(); })
      .then(function (v) {
        if (seen === null) seen = v;
        else if (v !== seen) { location.reload(); return; }
        poll();
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
