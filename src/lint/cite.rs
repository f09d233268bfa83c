//! `links.cite`: a DOI, an arXiv identifier or another HTTPS address. `module.rs` already
//! rejects anything but an absolute http(s) URL (so `doi:10.1000/x` and a bare
//! `10.1000/x` are errors there); what passes it and still warns here is an address on
//! doi.org without a DOI, on arxiv.org without an arXiv identifier, or any `http://`
//! address, each with the HTTPS address to write instead.

use percent_encoding::percent_decode_str;

use super::{placeholder, Finding, Place};
use crate::module::Module;

const DOI_HOSTS: &[&str] = &["doi.org", "dx.doi.org", "www.doi.org"];
const ARXIV_HOSTS: &[&str] = &["arxiv.org", "www.arxiv.org", "export.arxiv.org"];

/// A DOI: `10.` and a registrant code of digits (with `.`-separated subdivisions), `/`, and
/// a suffix of printable characters.
pub fn is_doi(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("10.") else { return false };
    let Some((registrant, suffix)) = rest.split_once('/') else { return false };
    let mut parts = registrant.split('.');
    let first_ok = parts.next().is_some_and(|p| (4..=9).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    first_ok
        && parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && !suffix.is_empty()
        && !suffix.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A DOI inside a text (`http://link.example/10.1000/xyz`): from its `10.` to the end.
fn doi_in(s: &str) -> Option<&str> {
    s.match_indices("10.").map(|(i, _)| &s[i..]).find(|d| is_doi(d) && !d.ends_with('/'))
}

/// An arXiv identifier: `2101.00001`, `2101.00001v2`, or the old `hep-th/9901001`,
/// `math.GT/0309136`.
pub fn is_arxiv_id(s: &str) -> bool {
    let s = match s.rsplit_once('v') {
        Some((id, version)) if !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()) => id,
        _ => s,
    };
    let digits =
        |p: &str, n: std::ops::RangeInclusive<usize>| n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if let Some((yymm, number)) = s.split_once('.') {
        if digits(yymm, 4..=4) && digits(number, 4..=5) {
            return true;
        }
    }
    match s.split_once('/') {
        Some((archive, number)) => {
            let (name, class) = archive.split_once('.').unwrap_or((archive, ""));
            !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                && (class.is_empty() || (class.len() == 2 && class.bytes().all(|b| b.is_ascii_uppercase())))
                && digits(number, 7..=7)
        }
        None => false,
    }
}

/// The arXiv identifier of an arxiv.org path: `/abs/ID`, `/pdf/ID`, `/pdf/ID.pdf`.
fn arxiv_id(path: &str) -> Option<&str> {
    let path = path.trim_matches('/');
    let id = path.strip_prefix("abs/").or_else(|| path.strip_prefix("pdf/")).or_else(|| path.strip_prefix("html/"))?;
    let id = id.strip_suffix(".pdf").unwrap_or(id);
    is_arxiv_id(id).then_some(id)
}

/// What is wrong with a citation address, and the fix: `(message, label, help)`.
pub fn problem(cite: &str) -> Option<(String, String, String)> {
    let u = url::Url::parse(cite.trim()).ok()?;
    let host = u.host_str().unwrap_or("").to_lowercase();
    let path = percent_decode_str(u.path()).decode_utf8_lossy().into_owned();
    let http = u.scheme() == "http";
    let insecure = "an `http://` address: readers' browsers warn, and it can be changed on the way";
    if DOI_HOSTS.contains(&host.as_str()) {
        let doi = path.trim_start_matches('/');
        if !is_doi(doi) {
            return Some((
                "`links.cite` points to doi.org but holds no DOI".into(),
                format!("`{doi}` is not a DOI (`10.<registrant>/<suffix>`)"),
                "copy the DOI from the publication's page: `https://doi.org/10.xxxx/...`".into(),
            ));
        }
        return http.then(|| {
            ("`links.cite` is not an HTTPS address".into(), insecure.into(), format!("write `https://doi.org/{doi}`"))
        });
    }
    if ARXIV_HOSTS.contains(&host.as_str()) {
        let Some(id) = arxiv_id(&path) else {
            return Some((
                "`links.cite` points to arxiv.org but holds no arXiv identifier".into(),
                format!("`{path}` is not `/abs/<id>` or `/pdf/<id>` with an id such as `2101.00001`"),
                "link the paper's abstract page, e.g. `https://arxiv.org/abs/2101.00001`".into(),
            ));
        };
        return http.then(|| {
            (
                "`links.cite` is not an HTTPS address".into(),
                insecure.into(),
                format!("write `https://arxiv.org/abs/{id}`"),
            )
        });
    }
    if !http {
        return None;
    }
    let help = match doi_in(&path) {
        Some(doi) => format!("cite the DOI: `https://doi.org/{doi}`"),
        None => format!(
            "write `https://{}` if the site serves it, or cite a DOI (`https://doi.org/10.xxxx/...`)",
            &cite.trim()["http://".len()..]
        ),
    };
    Some(("`links.cite` is not a DOI, arXiv or HTTPS address".into(), insecure.into(), help))
}

pub(crate) fn citations(modules: &[Module]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, m) in modules.iter().enumerate() {
        let Some(cite) = &m.links.cite else { continue };
        // A template's placeholder is reported as such (`placeholder.rs`), once.
        if placeholder::placeholder_url(cite).is_some() {
            continue;
        }
        if let Some((message, label, help)) = problem(cite) {
            out.push(Finding { module: i, place: Place::Link("cite"), code: "cite", message, label, help });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dois() {
        for d in ["10.1000/xyz", "10.1016/j.isprsjprs.2018.09.018", "10.5281/zenodo.18241878", "10.1000.10/abc(1)"] {
            assert!(is_doi(d), "{d}");
        }
        for d in ["10.1/x", "10.1000/", "10.1000", "11.1000/x", "10.12a4/x", "doi:10.1000/x", "10.1000/a b"] {
            assert!(!is_doi(d), "{d}");
        }
    }

    #[test]
    fn arxiv_ids() {
        for id in ["2101.00001", "1803.02353", "1803.02353v3", "hep-th/9901001", "math.GT/0309136"] {
            assert!(is_arxiv_id(id), "{id}");
        }
        for id in ["180.02353", "18030.02353", "hep-th/990100", "HEP/9901001", "abc"] {
            assert!(!is_arxiv_id(id), "{id}");
        }
        assert_eq!(arxiv_id("/pdf/1803.02353.pdf"), Some("1803.02353"));
        assert_eq!(arxiv_id("/abs/1803.02353v2/"), Some("1803.02353v2"));
        assert_eq!(arxiv_id("/list/cs.CV/recent"), None);
    }

    #[test]
    fn accepted_citations() {
        for c in [
            "https://doi.org/10.1109/ICASSP.2017.7952261",
            "https://dx.doi.org/10.1000/xyz",
            "https://arxiv.org/abs/2101.00001",
            "https://arxiv.org/pdf/1803.02353.pdf",
            "https://digital.csic.es/handle/10261/194498",
            "https://example.org/paper.pdf",
        ] {
            assert_eq!(problem(c), None, "{c}");
        }
    }

    #[test]
    fn each_problem_has_its_fix() {
        let help = |c: &str| problem(c).expect(c).2;
        assert_eq!(help("http://dx.doi.org/10.1000/xyz"), "write `https://doi.org/10.1000/xyz`");
        assert_eq!(help("http://arxiv.org/pdf/1803.02353.pdf"), "write `https://arxiv.org/abs/1803.02353`");
        assert_eq!(
            help("http://link.example.com/article/10.1007/s00521-020-1"),
            "cite the DOI: `https://doi.org/10.1007/s00521-020-1`"
        );
        assert!(help("http://digital.csic.es/handle/10261/194498")
            .starts_with("write `https://digital.csic.es/handle/10261/194498` if the site serves it"));
        assert!(problem("https://doi.org/ICASSP.2017").unwrap().0.contains("holds no DOI"));
        assert!(problem("https://arxiv.org/list/cs.CV").unwrap().0.contains("no arXiv identifier"));
    }
}
