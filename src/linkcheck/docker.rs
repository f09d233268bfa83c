//! Does a module's Docker image exist? Images on Docker Hub (`org/name`, `name`) are
//! asked of Hub's API: the tag (`/v2/namespaces/<ns>/repositories/<repo>/tags/<tag>`),
//! then, when the tag is missing, the repository, to tell which of the two is wrong.
//! Images of other registries (`host/path`) are asked with the OCI distribution API, as
//! `docker pull` would: the manifest, with an anonymous bearer token where the registry
//! asks for one, then `tags/list` when the manifest is missing. An image no anonymous user
//! may pull is an error too: visitors could not run it.

use std::ops::Range;

use url::Url;

use super::http::{Method, Reply, Request};
use super::report::Outcome;
use super::schedule::{Next, Task};
use super::urls::inside_quotes;
use crate::frontmatter::{Fields, SourceFile};
use crate::module::Module;

/// The manifest types `docker pull` asks for.
const MANIFEST_TYPES: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, \
     application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

/// A module's image and tag, and where each is written: in `[docker]`, or in
/// `links.docker` (both spans on it) when the image comes from there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerRef {
    pub image: String,
    pub tag: String,
    pub image_span: Range<usize>,
    pub tag_span: Range<usize>,
}

impl DockerRef {
    /// The cache's key: the registry asked is part of it.
    pub fn key(&self, hub: &str) -> String {
        match registry(&self.image) {
            Some((host, path)) => format!("docker {host}/{path}:{}", self.tag),
            None => format!("docker {hub} {}:{}", self.image, self.tag),
        }
    }
}

/// Reads where `m.docker` is written. `links_docker`: the span of `links.docker`'s text.
pub fn reference(
    m: &Module,
    file: &SourceFile,
    f: &mut Fields,
    links_docker: Option<Range<usize>>,
) -> Option<DockerRef> {
    let d = m.docker.as_ref()?;
    match f.table("docker") {
        Some(t) => {
            let image_span = inside_quotes(&file.text, t.value_span("image")?);
            // No `tag`: `latest`, which the image line stands for.
            let tag_span = t.value_span("tag").map_or(image_span.clone(), |s| inside_quotes(&file.text, s));
            Some(DockerRef { image: d.image.clone(), tag: d.tag.clone(), image_span, tag_span })
        }
        None => {
            let span = links_docker?;
            Some(DockerRef { image: d.image.clone(), tag: d.tag.clone(), image_span: span.clone(), tag_span: span })
        }
    }
}

/// `Some((host, path))` for an image of another registry than Docker Hub.
pub fn registry(image: &str) -> Option<(&str, &str)> {
    let (first, rest) = image.split_once('/')?;
    (first.contains('.') || first.contains(':') || first == "localhost").then_some((first, rest))
}

/// The task that looks `r` up; `hub`: the base address of Docker Hub's API.
pub fn task(r: &DockerRef, hub: &str) -> Option<Box<dyn Task>> {
    match registry(&r.image) {
        None => {
            let (ns, repo) = r.image.split_once('/').unwrap_or(("library", &r.image));
            let repo_url = Url::parse(&format!("{}/v2/namespaces/{ns}/repositories/{repo}", hub.trim_end_matches('/')));
            let repo_url = repo_url.ok()?;
            let tag_url = Url::parse(&format!("{repo_url}/tags/{}", r.tag)).ok()?;
            Some(Box::new(HubTask { tag_url, repo_url, asked_repo: false }))
        }
        Some((host, path)) => {
            // Docker talks to registries on the loopback address over plain HTTP.
            let local = host == "localhost" || host.starts_with("localhost:") || host.starts_with("127.");
            let scheme = if local { "http" } else { "https" };
            let base = Url::parse(&format!("{scheme}://{host}/v2/{path}/")).ok()?;
            Some(Box::new(OciTask {
                base,
                path: path.to_string(),
                tag: r.tag.clone(),
                step: Oci::Manifest,
                token: None,
            }))
        }
    }
}

struct HubTask {
    tag_url: Url,
    repo_url: Url,
    asked_repo: bool,
}

impl Task for HubTask {
    fn start(&mut self) -> Request {
        Request::new(Method::Get, self.tag_url.clone())
    }

    fn answer(&mut self, reply: Reply, at: &Url) -> Next {
        let status = match reply {
            Reply::Failed(failure) => return Next::Done(Outcome::Failed { failure, at: Some(at.clone()) }),
            Reply::Status(a) => a.status,
        };
        Next::Done(match (self.asked_repo, status) {
            (false, 200..=299) => Outcome::Good,
            (false, 404) => {
                self.asked_repo = true;
                return Next::Ask(Request::new(Method::Get, self.repo_url.clone()));
            }
            (true, 200..=299) => Outcome::MissingTag,
            (true, 404) => Outcome::MissingRepo,
            (_, status) => Outcome::Status { status, at: at.clone() },
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Oci {
    Manifest,
    Token,
    Tags,
}

struct OciTask {
    /// `<scheme>://<host>/v2/<path>/`
    base: Url,
    path: String,
    tag: String,
    step: Oci,
    token: Option<String>,
}

impl OciTask {
    fn request(&self, method: Method, rel: &str) -> Request {
        let url = self.base.join(rel).unwrap_or_else(|_| self.base.clone());
        let mut req = Request::new(method, url);
        if let Some(t) = &self.token {
            req.headers.push(("Authorization", format!("Bearer {t}")));
        }
        req
    }

    fn manifest(&self) -> Request {
        let mut req = self.request(Method::Head, &format!("manifests/{}", self.tag));
        req.headers.push(("Accept", MANIFEST_TYPES.to_string()));
        req
    }
}

impl Task for OciTask {
    fn start(&mut self) -> Request {
        self.manifest()
    }

    fn answer(&mut self, reply: Reply, at: &Url) -> Next {
        let a = match reply {
            Reply::Failed(failure) => return Next::Done(Outcome::Failed { failure, at: Some(at.clone()) }),
            Reply::Status(a) => a,
        };
        let denied = matches!(a.status, 401 | 403);
        Next::Done(match self.step {
            Oci::Manifest | Oci::Tags if a.status == 401 && self.token.is_none() => {
                // The anonymous token flow: `WWW-Authenticate: Bearer realm=...,service=...`.
                let Some(url) = a.www_authenticate.as_deref().and_then(|h| token_url(h, &self.path)) else {
                    return Next::Done(Outcome::Private);
                };
                self.step = Oci::Token;
                let mut req = Request::new(Method::Get, url);
                req.body = true;
                return Next::Ask(req);
            }
            Oci::Token => match a.status {
                200..=299 => match a.body.as_deref().and_then(token_of) {
                    Some(t) => {
                        self.token = Some(t);
                        self.step = Oci::Manifest;
                        return Next::Ask(self.manifest());
                    }
                    None => Outcome::Private,
                },
                _ if denied => Outcome::Private,
                status => Outcome::Status { status, at: at.clone() },
            },
            Oci::Manifest => match a.status {
                200..=299 => Outcome::Good,
                404 => {
                    self.step = Oci::Tags;
                    return Next::Ask(self.request(Method::Get, "tags/list"));
                }
                _ if denied => Outcome::Private,
                status => Outcome::Status { status, at: at.clone() },
            },
            Oci::Tags => match a.status {
                200..=299 => Outcome::MissingTag,
                404 => Outcome::MissingRepo,
                _ if denied => Outcome::Private,
                status => Outcome::Status { status, at: at.clone() },
            },
        })
    }
}

/// The token endpoint of a `WWW-Authenticate: Bearer realm="...",service="..."` header,
/// for pulling `path`.
fn token_url(header: &str, path: &str) -> Option<Url> {
    let params = header.trim().strip_prefix("Bearer ").or_else(|| header.trim().strip_prefix("bearer "))?;
    let mut realm = None;
    let mut service = None;
    for part in split_params(params) {
        let (k, v) = part.split_once('=')?;
        let v = v.trim().trim_matches('"').to_string();
        match k.trim().to_ascii_lowercase().as_str() {
            "realm" => realm = Some(v),
            "service" => service = Some(v),
            _ => {}
        }
    }
    let mut url = Url::parse(&realm?).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    {
        let mut q = url.query_pairs_mut();
        if let Some(s) = service {
            q.append_pair("service", &s);
        }
        q.append_pair("scope", &format!("repository:{path}:pull"));
    }
    Some(url)
}

/// `a="x,y",b=z` -> `a="x,y"`, `b=z`: commas inside quotes stay.
fn split_params(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(s[start..].trim());
    out.retain(|p| !p.is_empty());
    out
}

/// `{"token": "..."}` or `{"access_token": "..."}`.
fn token_of(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    v.get("token").or_else(|| v.get("access_token")).and_then(|t| t.as_str()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries_and_hub_images() {
        assert_eq!(registry("deephdc/deep-oc-satsr"), None);
        assert_eq!(registry("python"), None);
        assert_eq!(registry("ghcr.io/org/name"), Some(("ghcr.io", "org/name")));
        assert_eq!(registry("localhost:5000/x"), Some(("localhost:5000", "x")));
    }

    #[test]
    fn the_anonymous_token_endpoint() {
        let h = r#"Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:org/x:pull""#;
        assert_eq!(
            token_url(h, "org/x").unwrap().as_str(),
            "https://ghcr.io/token?service=ghcr.io&scope=repository%3Aorg%2Fx%3Apull"
        );
        assert_eq!(token_url("Basic realm=\"x\"", "org/x"), None);
        assert_eq!(token_of(r#"{"token":"abc"}"#).as_deref(), Some("abc"));
        assert_eq!(token_of(r#"{"access_token":"def"}"#).as_deref(), Some("def"));
        assert_eq!(token_of("nope"), None);
    }
}
