//! `search-index/lists/<hash>.json`: the listing without a query, precomputed. For every
//! value of every filter (and for no filter), the modules that have it, newest first: how
//! many, the first page's result cards, and the filter panel's exact counts over them. A
//! page opened with one filter (`search/?task=Computer%20Vision`, the links of a module
//! page's badges) shows its first page from one small file, whatever the size of the
//! catalogue, rather than from the columns of every module (facets.json, tags.json,
//! sort.json), which it fetches only when the visitor goes further.
//!
//! The panel's groups, values and order are the search page's (theme/static/search/
//! facets.js); a Node test holds every file to what the page counts from the columns.

use std::cmp::Reverse;
use std::collections::HashMap;

use rayon::prelude::*;

use super::fuzzy::fnv1a32;
use crate::layout::OutputFile;
use crate::module::Module;
use crate::site::Site;
use crate::vocabulary;

/// Result cards a listing carries: the search page's first page.
pub const PAGE: usize = 20;
/// Tags a listing counts: the panel shows the most frequent this many (facets.js's
/// TOP_TAGS), and the selected ones.
const TOP_TAGS: usize = 15;
/// The licence group's value for a module without one (facets.js's NO_LICENCE).
const NO_LICENCE: &str = "not-stated";

/// The panel's groups (their URL parameters), in its order.
const GROUPS: [&str; 8] = ["category", "tag", "license", "use", "task", "library", "data", "gpu"];
const TAG: usize = 1;

/// Every module's filter values, as indexes into each group's values.
struct Columns {
    /// `values[g]`: group `g`'s values as the URL names them.
    values: [Vec<String>; 8],
    /// The category titles (labels), by category index.
    titles: Vec<String>,
    /// `of[doc]`: (group, value) pairs.
    of: Vec<Vec<(u8, u32)>>,
}

impl Columns {
    fn new(site: &Site, modules: &[&Module]) -> Columns {
        let categories: HashMap<&str, u32> =
            site.categories.iter().enumerate().map(|(i, c)| (c.slug.as_str(), i as u32)).collect();
        let mut tags: Vec<&str> = modules.iter().flat_map(|m| m.tags.iter().map(|t| t.name.as_str())).collect();
        tags.sort_unstable();
        tags.dedup();
        let tag_index: HashMap<&str, u32> = tags.iter().enumerate().map(|(i, t)| (*t, i as u32)).collect();
        let mut licences: Vec<&str> = modules.iter().filter_map(|m| m.license.as_deref()).collect();
        licences.sort_unstable();
        licences.dedup();
        let licence_index: HashMap<&str, u32> = licences.iter().enumerate().map(|(i, l)| (*l, i as u32)).collect();
        let vocab = |v: &vocabulary::Vocabulary, of: &[String]| -> Vec<u32> {
            let mut at: Vec<u32> =
                of.iter().filter_map(|x| v.values.iter().position(|y| y == x)).map(|i| i as u32).collect();
            at.sort_unstable();
            at.dedup();
            at
        };
        let of = modules
            .iter()
            .map(|m| {
                let mut out = vec![(0, categories.get(m.category.as_str()).copied().unwrap_or(0))];
                let mut seen = Vec::new();
                for t in &m.tags {
                    let i = tag_index[t.name.as_str()];
                    if !seen.contains(&i) {
                        seen.push(i);
                        out.push((1, i));
                    }
                }
                out.push((2, m.license.as_deref().map_or(licences.len() as u32, |l| licence_index[l])));
                let bits = super::use_bits(m);
                out.extend(
                    [(bits & 1 != 0).then_some((3, 0)), (bits & 2 != 0).then_some((3, 1))].into_iter().flatten(),
                );
                for (g, v, values) in [
                    (4, &vocabulary::TASKS, &m.tasks),
                    (5, &vocabulary::LIBRARIES, &m.libraries),
                    (6, &vocabulary::DATA_TYPES, &m.data_types),
                ] {
                    out.extend(vocab(v, values).into_iter().map(|i| (g, i)));
                }
                if bits & 4 != 0 {
                    out.push((7, 0));
                }
                out
            })
            .collect();
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut licence_values = strings(&licences);
        licence_values.push(NO_LICENCE.into());
        Columns {
            values: [
                site.categories.iter().map(|c| c.slug.clone()).collect(),
                strings(&tags),
                licence_values,
                strings(&["predict", "train"]),
                strings(vocabulary::TASKS.values),
                strings(vocabulary::LIBRARIES.values),
                strings(vocabulary::DATA_TYPES.values),
                strings(&["no"]),
            ],
            titles: site.categories.iter().map(|c| c.title.clone()).collect(),
            of,
        }
    }

    /// Counts of each group's values over `docs`.
    fn counts(&self, docs: &[u32]) -> [Vec<u32>; 8] {
        let mut counts: [Vec<u32>; 8] = std::array::from_fn(|g| vec![0; self.values[g].len()]);
        for &doc in docs {
            for &(g, v) in &self.of[doc as usize] {
                counts[g as usize][v as usize] += 1;
            }
        }
        counts
    }

    /// One group's counts as the file lists them: `[value, count]` for every value
    /// counted (`[slug, count, title]` for a category), in the group's order; the tags,
    /// only the most frequent (ties by name, in UTF-16 order as the page compares).
    fn group_json(&self, g: usize, counts: &[u32]) -> serde_json::Value {
        let mut ids: Vec<usize> = (0..counts.len()).filter(|&i| counts[i] > 0).collect();
        if g == TAG {
            let name = |i: usize| self.values[TAG][i].encode_utf16();
            ids.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then_with(|| name(a).cmp(name(b))));
            ids.truncate(TOP_TAGS);
        }
        ids.into_iter()
            .map(|i| match g {
                0 => serde_json::json!([self.values[g][i], counts[i], self.titles[i]]),
                _ => serde_json::json!([self.values[g][i], counts[i]]),
            })
            .collect()
    }
}

/// A listing to write: its filter (group, value), none for the listing of every module,
/// and its documents newest first.
type Wanted<'a> = (Option<(usize, usize)>, &'a [u32]);

/// The files of `search-index/lists/`: listing `key=value` lives in the file named by
/// `fnv1a32(key + "\0" + value)` in 8 hex digits, with any other listing of that hash. `order` is the documents newest first (ties by
/// title); `card(doc)` a document's result card, as `docs/<doc>.json` holds it.
pub fn files(
    site: &Site,
    modules: &[&Module],
    order: &[u32],
    card: impl Fn(usize) -> serde_json::Value + Sync,
) -> Vec<OutputFile> {
    let columns = Columns::new(site, modules);
    // The documents of each value, newest first.
    let mut sets: [Vec<Vec<u32>>; 8] = std::array::from_fn(|g| vec![Vec::new(); columns.values[g].len()]);
    for &doc in order {
        for &(g, v) in &columns.of[doc as usize] {
            sets[g as usize][v as usize].push(doc);
        }
    }
    let everything = columns.counts(order);
    let mut wanted: Vec<Wanted> = vec![(None, order)];
    for (g, group) in sets.iter().enumerate() {
        wanted.extend(group.iter().enumerate().filter(|(_, s)| !s.is_empty()).map(|(v, s)| (Some((g, v)), &s[..])));
    }
    let listings: Vec<(String, serde_json::Value)> = wanted
        .par_iter()
        .map(|&(filter, docs)| {
            let within = columns.counts(docs);
            let groups: serde_json::Map<String, serde_json::Value> = GROUPS
                .iter()
                .enumerate()
                .map(|(g, key)| {
                    // A group counts over the modules passing every other group's filter:
                    // for the filter's own group, every module.
                    let counts = if filter.is_some_and(|(f, _)| f == g) { &everything[g] } else { &within[g] };
                    (key.to_string(), columns.group_json(g, counts))
                })
                .collect();
            let (key, value) = filter.map_or(("", ""), |(g, v)| (GROUPS[g], columns.values[g][v].as_str()));
            let first = &docs[..docs.len().min(PAGE)];
            let json = serde_json::json!({
                "key": key,
                "value": value,
                "count": docs.len(),
                "docs": first,
                "cards": first.iter().map(|&d| card(d as usize)).collect::<Vec<_>>(),
                "groups": groups,
            });
            (format!("{key}\u{0}{value}"), json)
        })
        .collect();
    // One file per listing, named by the hash of its key and value (so that a page can
    // ask for it before it has read meta.json); listings whose hashes collide share it.
    let mut files: std::collections::BTreeMap<u32, Vec<&serde_json::Value>> = Default::default();
    for (name, json) in &listings {
        files.entry(fnv1a32(name.encode_utf16())).or_default().push(json);
    }
    files
        .into_iter()
        .map(|(hash, entries)| OutputFile { path: path(hash), bytes: serde_json::to_vec(&entries).unwrap_or_default() })
        .collect()
}

/// The file of the listings whose `key + "\0" + value` hashes to `hash`.
pub fn path(hash: u32) -> String {
    format!("search-index/lists/{hash:08x}.json")
}

/// The documents newest first, ties by title rank (`title[doc]`): the listing's order.
pub fn newest_first(created: &[i64], title: &[usize]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..created.len() as u32).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        Reverse(created[a]).cmp(&Reverse(created[b])).then_with(|| title[a].cmp(&title[b]))
    });
    order
}
