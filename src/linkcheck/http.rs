//! One HTTP request and its answer, over ureq (rustls, no OpenSSL). Knows nothing of
//! hosts' limits, retries or redirects (`schedule.rs` follows those, one hop at a time):
//! ureq is told to follow none and to return every status as an answer.

use std::io;
use std::time::Duration;

use url::Url;

/// The most of a body read, for the few answers whose body matters (a registry token).
const BODY_LIMIT: u64 = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Head,
    Get,
}

/// A request to make. `headers` are the asker's own (a registry's bearer token); the
/// `GITHUB_TOKEN` is added here, by host, for each hop.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(&'static str, String)>,
    /// Whether the body is wanted (read up to 64 KiB); it is dropped unread otherwise.
    pub body: bool,
}

impl Request {
    pub fn new(method: Method, url: Url) -> Self {
        Request { method, url, headers: Vec::new(), body: false }
    }

    /// `host[:port]`: what the per-host limits count.
    pub fn host_key(&self) -> String {
        host_key(&self.url)
    }
}

pub fn host_key(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        (None, _) => String::new(),
    }
}

/// Why no status came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Nothing listens there (or a firewall said no).
    Refused,
    /// The name does not resolve.
    UnknownHost,
    /// No whole answer within the timeout.
    Timeout,
    /// The TLS handshake failed (a bad or expired certificate, usually).
    Tls(String),
    /// More redirects than allowed, or one in a loop.
    TooManyRedirects,
    /// A redirect to an address that is not http(s), or that does not parse.
    BadRedirect(String),
    /// Anything else (a reset connection, broken HTTP).
    Other(String),
}

/// What a request gave.
#[derive(Debug, Clone)]
pub enum Reply {
    Status(Answer),
    Failed(Failure),
}

#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub retry_after: Option<String>,
    pub www_authenticate: Option<String>,
    /// Only when the request asked for it.
    pub body: Option<String>,
}

/// The hosts that get `GITHUB_TOKEN`: github.com and its subdomains (api.github.com),
/// nothing else (`github.com.example.org` and `notgithub.com` are other hosts).
pub fn is_github_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "github.com" || host.ends_with(".github.com")
}

/// The `Authorization` header the token adds to a request to `url`, if any. Decided for
/// each request on its own host, so a redirect away from GitHub never carries it.
pub fn token_header(url: &Url, token: Option<&str>) -> Option<String> {
    let token = token.filter(|t| !t.trim().is_empty())?;
    if url.scheme() != "https" || !url.host_str().is_some_and(is_github_host) {
        return None;
    }
    Some(format!("Bearer {}", token.trim()))
}

pub struct Client {
    agent: ureq::Agent,
    github_token: Option<String>,
}

impl Client {
    /// `timeout` bounds each request as a whole: resolving, connecting, TLS, sending and
    /// receiving the answer's head (and its body, where read).
    pub fn new(timeout: Duration, github_token: Option<String>) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(timeout))
            .timeout_connect(Some(timeout))
            .timeout_resolve(Some(timeout))
            .user_agent(concat!("marketplace-check/", env!("CARGO_PKG_VERSION"), " (link checker)"))
            .accept("*/*")
            .max_idle_connections_per_host(4)
            .build()
            .new_agent();
        Client { agent, github_token }
    }

    pub fn send(&self, req: &Request) -> Reply {
        let uri = req.url.as_str();
        let mut builder = match req.method {
            Method::Head => self.agent.head(uri),
            Method::Get => self.agent.get(uri),
        };
        for (name, value) in &req.headers {
            builder = builder.header(*name, value);
        }
        if !req.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("authorization")) {
            if let Some(auth) = token_header(&req.url, self.github_token.as_deref()) {
                builder = builder.header("Authorization", auth);
            }
        }
        match builder.call() {
            Ok(mut response) => {
                let header = |name: &str| {
                    response.headers().get(name).and_then(|v| v.to_str().ok()).map(|s| s.trim().to_string())
                };
                let mut answer = Answer {
                    status: response.status().as_u16(),
                    location: header("location"),
                    retry_after: header("retry-after"),
                    www_authenticate: header("www-authenticate"),
                    body: None,
                };
                if req.body {
                    match response.body_mut().with_config().limit(BODY_LIMIT).read_to_string() {
                        Ok(text) => answer.body = Some(text),
                        Err(e) => return Reply::Failed(failure(e)),
                    }
                }
                Reply::Status(answer)
            }
            Err(e) => Reply::Failed(failure(e)),
        }
    }
}

fn failure(e: ureq::Error) -> Failure {
    match e {
        ureq::Error::Timeout(_) => Failure::Timeout,
        ureq::Error::HostNotFound => Failure::UnknownHost,
        ureq::Error::TooManyRedirects => Failure::TooManyRedirects,
        ureq::Error::Io(e) => io_failure(&e),
        ureq::Error::Tls(m) => Failure::Tls(m.to_string()),
        ureq::Error::Rustls(e) => Failure::Tls(e.to_string()),
        other => Failure::Other(other.to_string()),
    }
}

fn io_failure(e: &io::Error) -> Failure {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => Failure::Refused,
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Failure::Timeout,
        _ => {
            // The standard library's resolver reports an unknown name as an uncategorised
            // error: its text is all there is to go by.
            let text = e.to_string();
            let lookup = ["failed to lookup address", "Name or service not known", "nodename nor servname"];
            if lookup.iter().any(|l| text.contains(l)) {
                Failure::UnknownHost
            } else {
                Failure::Other(text)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_goes_to_github_hosts_only() {
        for host in ["github.com", "api.github.com", "raw.github.com", "GitHub.com", "github.com."] {
            assert!(is_github_host(host), "{host}");
        }
        for host in [
            "githubusercontent.com",
            "notgithub.com",
            "github.com.example.org",
            "github.co",
            "127.0.0.1",
            "gist.github.io",
        ] {
            assert!(!is_github_host(host), "{host}");
        }
        let url = |u: &str| Url::parse(u).unwrap();
        let token = Some("t0k3n");
        assert_eq!(token_header(&url("https://github.com/org/repo"), token).as_deref(), Some("Bearer t0k3n"));
        assert_eq!(token_header(&url("https://api.github.com/repos/o/r"), token).as_deref(), Some("Bearer t0k3n"));
        assert_eq!(token_header(&url("https://github.com.evil.example/x"), token), None);
        assert_eq!(token_header(&url("https://127.0.0.1:8080/"), token), None);
        // Never in clear text, and never an empty token.
        assert_eq!(token_header(&url("http://github.com/org/repo"), token), None);
        assert_eq!(token_header(&url("https://github.com/org/repo"), Some("  ")), None);
        assert_eq!(token_header(&url("https://github.com/org/repo"), None), None);
    }

    #[test]
    fn resolver_errors_are_unknown_hosts() {
        let e = io::Error::other("failed to lookup address information: Name or service not known");
        assert_eq!(io_failure(&e), Failure::UnknownHost);
        assert_eq!(io_failure(&io::Error::from(io::ErrorKind::ConnectionRefused)), Failure::Refused);
        assert_eq!(failure(ureq::Error::HostNotFound), Failure::UnknownHost);
    }
}
