//! Two modules that are probably one: the same Docker image (`image:tag`), the same source
//! repository (unless they are two models trained with one code: see [`variants`]), or the
//! same title. The warning is at the later file (by path) and names the earlier one.

use std::collections::HashMap;

use super::{Finding, Place};
use crate::module::Module;

/// A source repository's address in one spelling: the scheme, a `www.`, the host's case, a
/// trailing `/` or `.git`, a query and a fragment do not make another repository.
/// `HTTPS://GitHub.com/Org/Repo.git/` -> `github.com/Org/Repo`.
pub fn repository(url: &str) -> String {
    let Ok(u) = url::Url::parse(url.trim()) else { return url.trim().to_string() };
    let host = u.host_str().unwrap_or("").to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
    let mut path = u.path().trim_end_matches('/');
    while let Some(p) = path.strip_suffix(".git") {
        path = p.trim_end_matches('/');
    }
    format!("{host}{port}{path}")
}

/// Whether two modules of one source repository are two models trained with that code
/// (DEEP's `image-classification-tf` is the code of the plant, seed and conus classifiers):
/// their dataset, weights or training files are set and differ.
fn variants(a: &Module, b: &Module) -> bool {
    let (la, lb) = (&a.links, &b.links);
    [(&la.dataset, &lb.dataset), (&la.weights, &lb.weights), (&la.training, &lb.training)]
        .iter()
        .any(|(x, y)| matches!((x, y), (Some(x), Some(y)) if x != y))
}

/// A title in one spelling: case and runs of white space do not make another title.
pub fn title(t: &str) -> String {
    t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

pub(crate) fn shared(modules: &[Module]) -> Vec<Finding> {
    let mut order: Vec<usize> = (0..modules.len()).collect();
    order.sort_by(|&a, &b| modules[a].path.cmp(&modules[b].path));
    let mut out = Vec::new();
    let mut images: HashMap<String, usize> = HashMap::new();
    // Source repository -> the modules linking it, in path order.
    let mut sources: HashMap<String, Vec<usize>> = HashMap::new();
    let mut titles: HashMap<String, usize> = HashMap::new();
    for &i in &order {
        let m = &modules[i];
        if let Some(d) = &m.docker {
            let reference = d.reference();
            if let Some(&first) = images.get(&reference) {
                let other = &modules[first].path;
                out.push(Finding {
                    module: i,
                    place: Place::Image,
                    code: "same-image",
                    message: format!("same Docker image as {other}"),
                    label: format!("{other} also runs `{reference}`"),
                    help: "each module runs its own image: correct `image` or `tag`, or merge the two module files"
                        .into(),
                });
            } else {
                images.insert(reference, i);
            }
        }
        if let Some(src) = &m.links.source {
            let repo = repository(src);
            let firsts = sources.entry(repo).or_default();
            if let Some(&first) = firsts.iter().find(|&&f| !variants(&modules[f], m)) {
                let other = &modules[first];
                out.push(Finding {
                    module: i,
                    place: Place::Link("source"),
                    code: "same-source",
                    message: format!("same source repository as {}", other.path),
                    label: format!("{} links `{}`", other.path, other.links.source.as_deref().unwrap_or_default()),
                    help: "correct `links.source`; merge the two files if they are one module; if they are two \
                           models trained with one code, give each its `links.dataset` or `links.weights`"
                        .into(),
                });
            }
            firsts.push(i);
        }
        let t = title(&m.title);
        if let Some(&first) = titles.get(&t) {
            let other = &modules[first];
            out.push(Finding {
                module: i,
                place: Place::Title,
                code: "same-title",
                message: format!("same title as {}", other.path),
                label: format!("{} is also called \"{}\" (ignoring case and spaces)", other.path, other.title),
                help: "give each module a title that tells it apart in lists and search results".into(),
            });
        } else {
            titles.insert(t, i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_repository_in_several_spellings() {
        let r = repository("https://github.com/org/repo");
        for u in [
            "https://github.com/org/repo/",
            "https://GitHub.com/org/repo.git",
            "http://www.github.com/org/repo.git/",
            "https://github.com/org/repo#readme",
        ] {
            assert_eq!(repository(u), r, "{u}");
        }
        // The path keeps its case (not every host ignores it), and a subdirectory or a
        // port is another place.
        assert_ne!(repository("https://github.com/Org/Repo"), r);
        assert_ne!(repository("https://github.com/org/repo/tree/main/sub"), r);
        assert_ne!(repository("https://github.com:8443/org/repo"), r);
    }

    #[test]
    fn titles_ignore_case_and_spaces() {
        assert_eq!(title("  Image   Classifier "), title("image classifier"));
        assert_ne!(title("Image classifier"), title("Image-classifier"));
    }
}
