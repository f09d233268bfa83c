//! What a check found, and the diagnostic it makes at each place the URL or image is
//! written. Errors: what is broken for every visitor (404, 410, a refused connection, an
//! unknown host, a bad certificate, a redirect loop, a missing image). Warnings: what may
//! pass (429, 5xx, a timeout, another status), after the retries.

use url::Url;

use super::http::Failure;
use crate::diagnostics::Diagnostic;
use crate::frontmatter::SourceFile;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// An accepted status (or the image exists): the only outcome the cache keeps.
    Good,
    /// A status that is no accepted answer, from `at` (the last redirect hop).
    Status {
        status: u16,
        at: Url,
    },
    Failed {
        failure: Failure,
        at: Option<Url>,
    },
    /// The image's repository does not exist.
    MissingRepo,
    /// The repository exists, the tag does not.
    MissingTag,
    /// The registry refuses anonymous users: a private image, or none.
    Private,
}

impl Outcome {
    pub fn is_good(&self) -> bool {
        matches!(self, Outcome::Good)
    }
}

const ARCHIVE_HELP: &str =
    "fix the address, or link the page's new home; if it is gone for good, remove the link or link an archived copy (https://web.archive.org/)";

/// The diagnostic of a link's outcome at `span` of `file`, `None` when it is good.
pub fn link(file: &SourceFile, span: std::ops::Range<usize>, url: &str, outcome: &Outcome) -> Option<Diagnostic> {
    let via = |at: &Url| if at.as_str() == url { String::new() } else { format!(" (redirected to {at})") };
    Some(match outcome {
        Outcome::Good => return None,
        Outcome::Status { status, at } => match status {
            404 | 410 => file
                .error("broken-link", span, format!("broken link: {url} answers {}{}", status_text(*status), via(at)))
                .with_label("this page does not exist")
                .with_help(ARCHIVE_HELP),
            429 => file
                .warning("link-rate-limited", span, format!("{url} still answers 429 Too Many Requests after the retries"))
                .with_label("not checked: the host limits requests")
                .with_help("run the check again later; in CI, set GITHUB_TOKEN for github.com, or lower `per_host` in `[check]`"),
            500..=599 => file
                .warning("link-server-error", span, format!("{url} answers {}{}", status_text(*status), via(at)))
                .with_label("the server failed: perhaps for a moment")
                .with_help("run the check again later; if it lasts, fix or remove the link"),
            _ => file
                .warning("link-status", span, format!("{url} answers {}{}", status_text(*status), via(at)))
                .with_label("not an accepted answer")
                .with_help(format!(
                    "if the page works in a browser, add {status} to `accept` in content/site.toml's `[check]` table, or the URL's prefix to `skip`"
                )),
        },
        Outcome::Failed { failure, at } => {
            let host = at.as_ref().and_then(|u| u.host_str()).unwrap_or("the host").to_string();
            match failure {
                Failure::Refused => file
                    .error("link-unreachable", span, format!("{url}: {host} refused the connection"))
                    .with_label("nothing answers at this address")
                    .with_help(ARCHIVE_HELP),
                Failure::UnknownHost => file
                    .error("link-unreachable", span, format!("{url}: unknown host {host}"))
                    .with_label("this host name does not resolve")
                    .with_help("check the host name for typos; if the site is gone, remove the link or link an archived copy (https://web.archive.org/)"),
                Failure::Tls(e) => file
                    .error("link-tls", span, format!("{url}: TLS failed ({e})"))
                    .with_label("browsers will refuse this site's certificate")
                    .with_help("link a working https:// address, or tell the site's owner"),
                Failure::TooManyRedirects => file
                    .error("link-redirects", span, format!("{url}: more than {} redirects", super::schedule::MAX_REDIRECTS))
                    .with_label("the redirects never end")
                    .with_help("link the final address instead"),
                Failure::Timeout => file
                    .warning("link-timeout", span, format!("{url}: {host} did not answer in time"))
                    .with_label("not checked: no answer within `timeout_seconds`")
                    .with_help("run the check again later; raise `timeout_seconds` in `[check]` for slow hosts"),
                Failure::BadRedirect(to) => file
                    .warning("link-status", span, format!("{url} redirects to `{to}`, not an http(s) address"))
                    .with_label("a browser may not follow it")
                    .with_help("link the final address instead"),
                Failure::Other(e) => file
                    .warning("link-failed", span, format!("{url}: {e}"))
                    .with_label("the request failed")
                    .with_help("run the check again later; if it lasts, fix or remove the link"),
            }
        }
        // Links never have these outcomes; an image's are worded in `image`.
        Outcome::MissingRepo | Outcome::MissingTag | Outcome::Private => return None,
    })
}

/// The diagnostic of a Docker image's lookup: a missing repository at the image, a missing
/// tag at the tag; a registry that could not say, a warning at the image.
pub fn image(file: &SourceFile, r: &super::docker::DockerRef, outcome: &Outcome) -> Option<Diagnostic> {
    let reference = format!("{}:{}", r.image, r.tag);
    Some(match outcome {
        Outcome::Good => return None,
        Outcome::MissingRepo => file
            .error(
                "missing-docker-image",
                r.image_span.clone(),
                format!("the Docker image `{}` does not exist", r.image),
            )
            .with_label("no such repository on the registry")
            .with_help("check the image name for typos, or publish the image (`docker push`)"),
        Outcome::MissingTag => file
            .error(
                "missing-docker-tag",
                r.tag_span.clone(),
                format!("the Docker image `{}` has no tag `{}`", r.image, r.tag),
            )
            .with_label("no such tag in the repository")
            .with_help("use a tag the repository has, or push this one"),
        Outcome::Private => file
            .error(
                "missing-docker-image",
                r.image_span.clone(),
                format!("the registry lets no anonymous user pull `{reference}`"),
            )
            .with_label("private, or does not exist")
            .with_help("make the image public, or check its name for typos"),
        // The registry's own trouble: the image may well be there.
        other => file
            .warning(
                "docker-unchecked",
                r.image_span.clone(),
                format!("could not check the Docker image `{reference}`: {}", why(other)),
            )
            .with_label("the registry gave no answer about this image")
            .with_help(format!(
                "run the check again later; `docker manifest inspect {reference}` asks the registry by hand"
            )),
    })
}

/// An outcome that is neither good nor an image's verdict, in a few words.
fn why(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Status { status, at } => format!("{at} answers {}", status_text(*status)),
        Outcome::Failed { failure, at } => {
            let host = at.as_ref().and_then(|u| u.host_str()).unwrap_or("the registry");
            match failure {
                Failure::Refused => format!("{host} refused the connection"),
                Failure::UnknownHost => format!("unknown host {host}"),
                Failure::Timeout => format!("{host} did not answer in time"),
                Failure::Tls(e) => format!("TLS failed with {host} ({e})"),
                Failure::TooManyRedirects => "too many redirects".into(),
                Failure::BadRedirect(to) => format!("a redirect to `{to}`"),
                Failure::Other(e) => e.clone(),
            }
        }
        _ => String::new(),
    }
}

fn status_text(status: u16) -> String {
    let reason = match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    };
    if reason.is_empty() {
        status.to_string()
    } else {
        format!("{status} {reason}")
    }
}
