//! `serve`'s HTTP side: hyper's HTTP/1.1 server (keep-alive, request parsing, limits) on a
//! two-thread tokio runtime. It answers GET and HEAD with the files of the site, the
//! live-reload script and its Server-Sent Events, or the diagnostics page of a broken
//! build; file reads run on tokio's blocking threads.

use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Bytes, Frame, Incoming, SizeHint};
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio::sync::mpsc;

use super::Shared;
use crate::markdown::escape;

/// Paths the server answers itself; nothing of the site can live there.
const RELOAD_SCRIPT: &str = "/__marketplace/livereload.js";
const EVENTS_PATH: &str = "/__marketplace/events";
const VERSION_PATH: &str = "/__marketplace/version";
/// A client that has not sent a whole request head this long after the connection
/// opened (or after the last response, on a kept-alive connection) is disconnected.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// A request head (request line and headers) larger than this is answered 431.
const MAX_HEAD: usize = 16 * 1024;
/// hyper's read buffer: a head that does not end within it is answered 431 too.
const MAX_BUF: usize = 64 * 1024;
/// An event stream sends a comment this often, so a closed tab's stream ends.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// Security headers of `netlify.toml`, so that pages behave here as they will when deployed.
const SECURITY_HEADERS: [(HeaderName, &str); 4] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https:; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    ),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
    (header::X_FRAME_OPTIONS, "DENY"),
];
/// Files under `static/` carry a hash of their content in their name (as `netlify.toml`
/// says, they never change): a reload after an edit fetches only the page.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_STORE: &str = "no-store";

/// Starts the runtime and the accept loop on `listener`; requests are answered until the
/// runtime is shut down.
pub(super) fn start(listener: std::net::TcpListener, shared: Arc<Shared>) -> std::io::Result<Runtime> {
    // Two threads are plenty on loopback and leave the other cores to rebuilds.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(32)
        .thread_name("serve-http")
        .enable_io()
        .enable_time()
        .build()?;
    listener.set_nonblocking(true)?;
    let listener = {
        let _context = runtime.enter();
        TcpListener::from_std(listener)?
    };
    runtime.spawn(accept(listener, shared));
    Ok(runtime)
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    let mut http = http1::Builder::new();
    // Keep-alive is hyper's default. A malformed request line or header gets 400, a head
    // over the limits 431, and either closes that connection only.
    http.timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT).max_header_size(MAX_HEAD).max_buf_size(MAX_BUF);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, or a connection gone before it was accepted.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let (http, shared) = (http.clone(), Arc::clone(&shared));
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(req, Arc::clone(&shared)));
            // Errors (a client gone, a malformed or stalled request) end this connection.
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn handle(req: Request<Incoming>, shared: Arc<Shared>) -> Result<Response<Body>, Infallible> {
    let head = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head {
        let mut reply = Reply::text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        reply.allow = true;
        return Ok(reply.into_response(false));
    }
    let path = req.uri().path().to_owned();
    if path == EVENTS_PATH {
        return Ok(events(&shared, head));
    }
    let reply = tokio::task::spawn_blocking(move || answer(&path, &shared))
        .await
        .unwrap_or_else(|_| Reply::text(StatusCode::INTERNAL_SERVER_ERROR, "the request failed\n"));
    Ok(reply.into_response(head))
}

/// A response body: a whole file or text, or an event stream.
pub(super) enum Body {
    Full(Option<Bytes>),
    Events(mpsc::Receiver<Bytes>),
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Body::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Body::Events(rx) => rx.poll_recv(cx).map(|b| b.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Body::Events(_) => SizeHint::default(),
        }
    }
}

/// `/__marketplace/events`: a Server-Sent Event with the current version at once, then one
/// after every rebuild. A tab that connects after a rebuild still learns of it, since its
/// page carries the version it was served with.
fn events(shared: &Shared, head: bool) -> Response<Body> {
    let body = if head {
        Body::Full(None)
    } else {
        let mut version = shared.version.subscribe();
        let (tx, rx) = mpsc::channel(4);
        tokio::spawn(async move {
            // Reconnect after a second when the stream breaks (EventSource waits 3 s).
            let mut event = String::from("retry: 1000\n");
            loop {
                event.push_str(&format!("data: {}\n\n", *version.borrow_and_update()));
                if tx.send(Bytes::from(std::mem::take(&mut event))).await.is_err() {
                    return; // the tab is gone
                }
                loop {
                    match tokio::time::timeout(HEARTBEAT, version.changed()).await {
                        Ok(Ok(())) => break,
                        Ok(Err(_)) => return, // the server stops
                        Err(_) => {
                            if tx.send(Bytes::from_static(b": waiting for a rebuild\n\n")).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            }
        });
        Body::Events(rx)
    };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_STORE));
    for (name, value) in SECURITY_HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// A response of known length.
struct Reply {
    status: StatusCode,
    content_type: &'static str,
    body: Vec<u8>,
    /// `Allow: GET, HEAD` (with 405).
    allow: bool,
    immutable: bool,
}

impl Reply {
    fn text(status: StatusCode, body: impl Into<String>) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.into().into_bytes(),
            allow: false,
            immutable: false,
        }
    }

    /// The response; to HEAD, its headers with the length of the body it would have.
    fn into_response(self, head: bool) -> Response<Body> {
        let length = self.body.len();
        let body = if head || self.body.is_empty() { None } else { Some(Bytes::from(self.body)) };
        let mut response = Response::new(Body::Full(body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        for (name, value) in SECURITY_HEADERS {
            headers.insert(name, HeaderValue::from_static(value));
        }
        let cache = if self.immutable { IMMUTABLE } else { NO_STORE };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        if self.allow {
            headers.insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        }
        response
    }
}

/// The answer to a GET of `path` (the request target without its query).
fn answer(path: &str, shared: &Shared) -> Reply {
    // Read first: the files and state read next are at least as new as this version, so
    // a page never carries a version newer than its content.
    let version = *shared.version.borrow();
    if path == VERSION_PATH {
        return Reply::text(StatusCode::OK, version.to_string());
    }
    if path == RELOAD_SCRIPT {
        return Reply { content_type: "text/javascript; charset=utf-8", ..Reply::text(StatusCode::OK, LIVE_RELOAD_JS) };
    }
    let (site, error) = match shared.state.lock() {
        Ok(s) => (s.site.clone(), s.error.clone()),
        Err(_) => return Reply::text(StatusCode::INTERNAL_SERVER_ERROR, "server state lost\n"),
    };
    let Some(file) = resolve(&site, path) else {
        return Reply::text(StatusCode::BAD_REQUEST, "400 bad request: the path leaves the site\n");
    };
    let is_html = file.as_ref().is_none_or(|f| f.extension().is_some_and(|e| e == "html"));
    if let (Some(error), true) = (&error, is_html) {
        return Reply {
            content_type: "text/html; charset=utf-8",
            ..Reply::text(StatusCode::INTERNAL_SERVER_ERROR, error_page(error, version))
        };
    }
    let (status, file) = match file {
        Some(f) => (StatusCode::OK, f),
        None => (StatusCode::NOT_FOUND, site.join("404.html")),
    };
    let read = {
        let _reading = shared.files.read();
        std::fs::read(&file)
    };
    let Ok(mut body) = read else {
        return Reply::text(StatusCode::NOT_FOUND, "404 not found\n");
    };
    let content_type = content_type(&file);
    if content_type.starts_with("text/html") {
        body = inject_reload(body, version);
    }
    let immutable = status == StatusCode::OK && path.starts_with("/static/");
    Reply { status, content_type, body, allow: false, immutable }
}

/// Maps a URL path to a file of the site, or `None` when there is no such file. A path
/// that could leave the site gives the outer `None` (the caller's 400): `..` (plain or
/// percent-encoded), a backslash, NUL, a `%` left after decoding (double encoding), or
/// bytes that do not decode to UTF-8 (over-long forms such as `%c0%ae`).
fn resolve(site: &Path, url_path: &str) -> Option<Option<PathBuf>> {
    let decoded = percent_encoding::percent_decode_str(url_path).decode_utf8().ok()?;
    if decoded.contains(['\0', '\\', '%']) || !decoded.starts_with('/') {
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

/// The live-reload script tag, with the version the page is served at.
fn reload_tag(version: u64) -> String {
    format!("<script src=\"{RELOAD_SCRIPT}\" data-marketplace-version=\"{version}\" defer></script>")
}

/// The live-reload script goes before `</body>`: a file, not inline, so the page's
/// Content-Security-Policy holds.
fn inject_reload(mut html: Vec<u8>, version: u64) -> Vec<u8> {
    let tag = reload_tag(version) + "\n";
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    html.splice(at..at, tag.into_bytes());
    html
}

fn error_page(diagnostics: &str, version: u64) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body>\
         <main><h1>The site does not build</h1><p>Fix these problems and save: this page reloads by itself.</p>\
         <pre>{}</pre></main>{}</body></html>\n",
        escape(diagnostics),
        reload_tag(version)
    )
}

const LIVE_RELOAD_JS: &str = r#"// marketplace serve: reload this tab when the site is rebuilt. The page carries the
// version it was served at; the server sends the current version as a Server-Sent Event
// when the tab connects and after every rebuild, so a rebuild that happened while the
// page loaded is not missed.
(function () {
  var tag = document.querySelector("script[data-marketplace-version]");
  var served = tag ? tag.getAttribute("data-marketplace-version") : null;
  var events = new EventSource("/__marketplace/events");
  events.onmessage = function (e) {
    if (served === null) served = e.data;
    else if (e.data !== served) { events.close(); location.reload(); }
  };
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        let site = Path::new("/nonexistent-site");
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2e%2e/x",
            "/..%2fx",
            "/a\\..\\b",
            "/%5c..%5cx",
            "/%00",
            "/index.html%00.css",
            "/%252e%252e/%252e%252e/etc/passwd",
            "/%c0%ae%c0%ae/etc/passwd",
            "/%e0%80%ae%e0%80%ae/etc/passwd",
            "x",
        ] {
            assert!(resolve(site, bad).is_none(), "{bad}");
        }
        assert_eq!(resolve(site, "/modules/x/"), Some(None));
        assert_eq!(resolve(site, "/./modules/x/"), Some(None));
    }

    #[test]
    fn reload_script_goes_before_body_end() {
        let out = String::from_utf8(inject_reload(b"<html><body>x</body></html>".to_vec(), 7)).unwrap();
        assert!(out.contains("data-marketplace-version=\"7\" defer></script>\n</body>"), "{out}");
    }
}
