//! The full-text search index, in two forms built from one inverted index:
//!
//! - `search-index.json`: the whole index in elasticlunr.js 0.9.5's format, byte for byte
//!   what elasticlunr-rs writes for the same documents (a test holds us to that), written
//!   here because elasticlunr-rs builds it on one thread through a trie of owned strings;
//! - `search-index/`: the same postings cut into small files by term, plus compact
//!   per-module data, so the search page fetches only what a query needs
//!   (`docs/search-index.md` is the format).
//!
//! Text goes through elasticlunr-rs's own English tokenizer and pipeline, so the terms
//! are elasticlunr's. Documents are analysed in parallel; so are both writers.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use elasticlunr::lang::{English, Language};
use elasticlunr::pipeline::Pipeline;
use rayon::prelude::*;

use crate::markdown::Rendered;
use crate::module::Module;
use crate::render::OutputFile;
use crate::site::Site;

/// Index fields, in the order documents are added.
pub const FIELDS: [&str; 5] = ["title", "tags", "summary", "category", "body"];
/// Query-time boosts (elasticlunr keeps boosts out of the index): the search client and
/// the tests use these.
pub const BOOSTS: [(&str, u32); 5] = [("title", 3), ("tags", 2), ("summary", 1), ("category", 1), ("body", 1)];
/// How many documents' result data share one `search-index/docs/<k>.json`.
pub const DOC_CHUNK: usize = 8;
/// A term shard is closed once it holds this many bytes (a term is never split).
const SHARD_BYTES: usize = 16 * 1024;

/// One document's text, field by field, in [`FIELDS`] order.
pub struct Document {
    pub slug: String,
    pub fields: [String; 5],
}

/// A field's terms with their postings `(document, occurrences)`, documents ascending;
/// terms in byte order, which is elasticlunr-rs's trie order.
type FieldTerms = Vec<(String, Vec<(u32, u32)>)>;

/// The inverted index over every document.
pub struct SearchIndex {
    /// Refs (slugs), in byte order: a document's number is its position here.
    refs: Vec<String>,
    /// `lengths[doc][field]`: tokens after the pipeline (elasticlunr's docInfo).
    lengths: Vec<[u32; 5]>,
    fields: [FieldTerms; 5],
}

/// The search documents of a site: title, tags, summary, the category's title and the
/// description's plain text.
pub fn documents(site: &Site, rendered: &BTreeMap<String, Rendered>) -> Vec<Document> {
    site.modules.iter().map(|m| document(site, m, rendered.get(&m.slug))).collect()
}

pub fn document(site: &Site, m: &Module, rendered: Option<&Rendered>) -> Document {
    Document {
        slug: m.slug.clone(),
        fields: [
            m.title.clone(),
            m.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(" "),
            m.summary.clone(),
            site.category(&m.category).map_or_else(|| m.category.clone(), |c| c.title.clone()),
            rendered.map_or_else(String::new, |r| r.plain.clone()),
        ],
    }
}

/// A document after tokenising: per field, its length and its terms with their counts.
struct Analysed {
    lengths: [u32; 5],
    terms: [Vec<(String, u32)>; 5],
}

fn analyse(lang: &English, pipeline: &Pipeline, doc: &Document) -> Analysed {
    let mut lengths = [0u32; 5];
    let mut terms: [Vec<(String, u32)>; 5] = Default::default();
    for (f, text) in doc.fields.iter().enumerate() {
        let tokens = pipeline.run(lang.tokenize(text));
        lengths[f] = tokens.len() as u32;
        let mut counts: HashMap<String, u32> = HashMap::with_capacity(tokens.len());
        for t in tokens {
            *counts.entry(t).or_insert(0) += 1;
        }
        terms[f] = counts.into_iter().collect();
    }
    Analysed { lengths, terms }
}

impl SearchIndex {
    pub fn build(mut docs: Vec<Document>) -> SearchIndex {
        docs.sort_by(|a, b| a.slug.cmp(&b.slug));
        let lang = English::new();
        let analysed: Vec<Analysed> =
            docs.par_iter().map_init(|| lang.make_pipeline(), |pipeline, d| analyse(&lang, pipeline, d)).collect();
        let lengths = analysed.iter().map(|a| a.lengths).collect();
        let fields: Vec<FieldTerms> = (0..FIELDS.len())
            .into_par_iter()
            .map(|f| {
                let mut postings: HashMap<&str, Vec<(u32, u32)>> = HashMap::new();
                for (doc, a) in analysed.iter().enumerate() {
                    for (term, count) in &a.terms[f] {
                        postings.entry(term.as_str()).or_default().push((doc as u32, *count));
                    }
                }
                let mut terms: FieldTerms = postings.into_iter().map(|(t, p)| (t.to_string(), p)).collect();
                terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
                terms
            })
            .collect();
        let fields: [FieldTerms; 5] = fields.try_into().unwrap_or_else(|_| unreachable!("five fields"));
        SearchIndex { refs: docs.into_iter().map(|d| d.slug).collect(), lengths, fields }
    }

    /// `search-index.json`: elasticlunr-rs's serialisation of the same index
    /// (`save_docs(false)`, ref `slug`, the English pipeline), written as it is produced.
    pub fn write_elasticlunr_json(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut head = String::from("{\"fields\":");
        head.push_str(&json(&FIELDS));
        head.push_str(",\"pipeline\":[\"trimmer\",\"stopWordFilter\",\"stemmer\"],\"ref\":\"slug\",\"version\":\"0.9.5\",\"index\":{");
        w.write_all(head.as_bytes())?;
        // The postings' `"<ref>":{"tf":` prefixes, written once.
        let doc_keys: Vec<Vec<u8>> = self.refs.iter().map(|r| format!("{}:{{\"tf\":", json(r)).into_bytes()).collect();
        let mut order: Vec<usize> = (0..FIELDS.len()).collect();
        order.sort_by_key(|&f| FIELDS[f]);
        for (i, &f) in order.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            w.write_all(format!("{sep}{}:{{\"root\":", json(FIELDS[f])).as_bytes())?;
            write_trie(w, &self.fields[f], &doc_keys)?;
            w.write_all(b"}")?;
        }
        let mut tail = String::from("},\"documentStore\":{\"save\":false,\"docs\":{");
        for (i, r) in self.refs.iter().enumerate() {
            let _ = write!(tail, "{}{}:{{}}", if i == 0 { "" } else { "," }, json(r));
        }
        tail.push_str("},\"docInfo\":{");
        for (i, (r, lengths)) in self.refs.iter().zip(&self.lengths).enumerate() {
            let _ = write!(tail, "{}{}:{{", if i == 0 { "" } else { "," }, json(r));
            for (j, &f) in order.iter().enumerate() {
                let _ = write!(tail, "{}{}:{}", if j == 0 { "" } else { "," }, json(FIELDS[f]), lengths[f]);
            }
            tail.push('}');
        }
        let _ = write!(tail, "}},\"length\":{}}},\"lang\":\"English\"}}", self.refs.len());
        w.write_all(tail.as_bytes())
    }

    /// [`Self::write_elasticlunr_json`] into memory.
    #[cfg(test)]
    fn elasticlunr_json(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let _ = self.write_elasticlunr_json(&mut out);
        out
    }

    /// The files of `search-index/`: meta, term shards, per-module result data, sort
    /// keys; and the shards' layout, for [`Self::updated_files`].
    pub fn shard_files(&self, site: &Site) -> (Vec<OutputFile>, ShardLayout) {
        // Terms outside the BMP are unreachable in elasticlunr.js (it walks by UTF-16 unit).
        let mut terms: Vec<String> = self
            .fields
            .iter()
            .flat_map(|f| f.iter().map(|(t, _)| t))
            .filter(|t| t.chars().all(|c| (c as u32) < 0x10000))
            .cloned()
            .collect();
        terms.par_sort_unstable_by(|a, b| index_order(a, b));
        terms.dedup();
        let entries: Vec<String> = terms.par_iter().map(|t| self.entry(t)).collect();
        let mut firsts = Vec::new();
        let mut out = Vec::new();
        let mut current: Vec<u8> = Vec::new();
        for (term, entry) in terms.iter().zip(entries) {
            if current.is_empty() {
                firsts.push(term.clone());
                current.push(b'[');
            } else {
                current.push(b',');
            }
            current.extend_from_slice(entry.as_bytes());
            if current.len() >= SHARD_BYTES {
                current.push(b']');
                out.push(OutputFile {
                    path: format!("search-index/terms/{}.json", out.len()),
                    bytes: std::mem::take(&mut current),
                });
            }
        }
        if !current.is_empty() {
            current.push(b']');
            out.push(OutputFile { path: format!("search-index/terms/{}.json", out.len()), bytes: current });
        }
        let layout = ShardLayout { terms, firsts };
        let modules = self.modules(site);
        out.push(OutputFile {
            path: "search-index/meta.json".into(),
            bytes: self.meta_json(site, &modules, &layout.firsts),
        });
        for k in 0..modules.len().div_ceil(DOC_CHUNK) {
            out.push(docs_chunk(&modules, k));
        }
        out.push(OutputFile { path: "search-index/sort.json".into(), bytes: sort_json(&modules).into_bytes() });
        (out, layout)
    }

    /// The modules in document order.
    fn modules<'s>(&self, site: &'s Site) -> Vec<&'s Module> {
        let by_slug: HashMap<&str, &Module> = site.modules.iter().map(|m| (m.slug.as_str(), m)).collect();
        self.refs.iter().filter_map(|r| by_slug.get(r.as_str()).copied()).collect()
    }

    fn postings(&self, field: usize, term: &str) -> Option<&[(u32, u32)]> {
        let terms = &self.fields[field];
        terms.binary_search_by(|(t, _)| t.as_str().cmp(term)).ok().map(|i| terms[i].1.as_slice())
    }

    /// One term of a shard: `["term",{"field":[gap,count,...],...}]`.
    fn entry(&self, term: &str) -> String {
        let mut s = format!("[{},{{", json(term));
        let mut first = true;
        for (f, name) in FIELDS.iter().enumerate() {
            let Some(postings) = self.postings(f, term) else { continue };
            let _ = write!(s, "{}\"{name}\":[", if first { "" } else { "," });
            first = false;
            let mut prev = 0;
            for (i, (doc, count)) in postings.iter().enumerate() {
                let _ = write!(s, "{}{},{count}", if i == 0 { "" } else { "," }, doc - prev);
                prev = *doc;
            }
            s.push(']');
        }
        s.push_str("}]");
        s
    }

    /// Replaces document `old` (same slug) by `new`; returns every term whose postings
    /// changed. For `serve`: one edited module costs one document's terms.
    pub fn replace(&mut self, old: &Document, new: &Document) -> Vec<String> {
        let Ok(doc) = self.refs.binary_search(&new.slug) else { return Vec::new() };
        let doc = doc as u32;
        let lang = English::new();
        let pipeline = lang.make_pipeline();
        let (before, after) = (analyse(&lang, &pipeline, old), analyse(&lang, &pipeline, new));
        let mut changed = std::collections::BTreeSet::new();
        for f in 0..FIELDS.len() {
            // Only terms whose count changed: an edited title rewrites a few shards, not
            // every shard the description's words are in.
            let was: HashMap<&str, u32> = before.terms[f].iter().map(|(t, c)| (t.as_str(), *c)).collect();
            let is: HashMap<&str, u32> = after.terms[f].iter().map(|(t, c)| (t.as_str(), *c)).collect();
            let terms = &mut self.fields[f];
            for (t, c) in &was {
                if is.get(t) == Some(c) {
                    continue;
                }
                if let Ok(i) = terms.binary_search_by(|(x, _)| x.as_str().cmp(t)) {
                    terms[i].1.retain(|(d, _)| *d != doc);
                    if terms[i].1.is_empty() {
                        terms.remove(i);
                    }
                }
                changed.insert(t.to_string());
            }
            for (t, count) in &is {
                if was.get(t) == Some(count) {
                    continue;
                }
                match terms.binary_search_by(|(x, _)| x.as_str().cmp(t)) {
                    Ok(i) => {
                        let postings = &mut terms[i].1;
                        let at = postings.partition_point(|(d, _)| *d < doc);
                        postings.insert(at, (doc, *count));
                    }
                    Err(i) => terms.insert(i, (t.to_string(), vec![(doc, *count)])),
                }
                changed.insert(t.to_string());
            }
        }
        self.lengths[doc as usize] = after.lengths;
        changed.into_iter().collect()
    }

    /// The files of `search-index/` that an edit of module `slug` changed (`changed`:
    /// from [`Self::replace`]): the shards of those terms, meta, the module's result
    /// data, sort keys. Shard boundaries stay where the full build put them.
    pub fn updated_files(
        &self,
        site: &Site,
        layout: &mut ShardLayout,
        slug: &str,
        changed: &[String],
    ) -> Vec<OutputFile> {
        let mut shards = std::collections::BTreeSet::new();
        for t in changed.iter().filter(|t| t.chars().all(|c| (c as u32) < 0x10000)) {
            let present = self.fields.iter().enumerate().any(|(f, _)| self.postings(f, t).is_some());
            match (layout.terms.binary_search_by(|x| index_order(x, t)), present) {
                (Ok(i), false) => {
                    layout.terms.remove(i);
                }
                (Err(i), true) => layout.terms.insert(i, t.clone()),
                _ => {}
            }
            if layout.firsts.first().is_none_or(|f| index_order(t, f) == Ordering::Less) {
                // Below every shard: the first shard starts lower now.
                if layout.firsts.is_empty() {
                    layout.firsts.push(t.clone());
                } else {
                    layout.firsts[0] = t.clone();
                }
            }
            shards.insert(layout.firsts.partition_point(|f| index_order(f, t) != Ordering::Greater) - 1);
        }
        let mut out = Vec::new();
        for k in shards {
            let lo = layout.terms.partition_point(|u| index_order(u, &layout.firsts[k]) == Ordering::Less);
            let hi = layout.firsts.get(k + 1).map_or(layout.terms.len(), |next| {
                layout.terms.partition_point(|u| index_order(u, next) == Ordering::Less)
            });
            let entries: Vec<String> = layout.terms[lo..hi].iter().map(|t| self.entry(t)).collect();
            out.push(OutputFile {
                path: format!("search-index/terms/{k}.json"),
                bytes: format!("[{}]", entries.join(",")).into_bytes(),
            });
        }
        let modules = self.modules(site);
        out.push(OutputFile {
            path: "search-index/meta.json".into(),
            bytes: self.meta_json(site, &modules, &layout.firsts),
        });
        if let Ok(doc) = self.refs.binary_search_by(|r| r.as_str().cmp(slug)) {
            out.push(docs_chunk(&modules, doc / DOC_CHUNK));
        }
        out.push(OutputFile { path: "search-index/sort.json".into(), bytes: sort_json(&modules).into_bytes() });
        out
    }

    fn meta_json(&self, site: &Site, modules: &[&Module], first_terms: &[String]) -> Vec<u8> {
        let categories: Vec<(&str, &str)> =
            site.categories.iter().map(|c| (c.slug.as_str(), c.title.as_str())).collect();
        let category_index: HashMap<&str, usize> =
            site.categories.iter().enumerate().map(|(i, c)| (c.slug.as_str(), i)).collect();
        let mut tags: Vec<&str> = modules.iter().flat_map(|m| m.tags.iter().map(|t| t.name.as_str())).collect();
        tags.sort_unstable();
        tags.dedup();
        let tag_index: HashMap<&str, usize> = tags.iter().enumerate().map(|(i, t)| (*t, i)).collect();
        let mut licenses: Vec<&str> = modules.iter().filter_map(|m| m.license.as_deref()).collect();
        licenses.sort_unstable();
        licenses.dedup();
        let license_index: HashMap<&str, i64> = licenses.iter().enumerate().map(|(i, l)| (*l, i as i64)).collect();

        let int_refs: Vec<(usize, &str)> =
            self.refs.iter().enumerate().filter(|(_, r)| is_array_index(r)).map(|(i, r)| (i, r.as_str())).collect();
        let lengths: serde_json::Map<String, serde_json::Value> = FIELDS
            .iter()
            .enumerate()
            .map(|(f, name)| (name.to_string(), self.lengths.iter().map(|l| l[f]).collect::<Vec<_>>().into()))
            .collect();
        let boosts: BTreeMap<&str, u32> = BOOSTS.iter().copied().collect();
        let meta = serde_json::json!({
            "version": 1,
            "ref": "slug",
            "fields": FIELDS,
            "boosts": boosts,
            "pipeline": ["trimmer", "stopWordFilter", "stemmer"],
            "docCount": self.refs.len(),
            "intRefs": int_refs,
            "shards": first_terms,
            "docChunk": DOC_CHUNK,
            "categories": categories,
            "tags": tags,
            "licenses": licenses,
            "lengths": lengths,
            "category": modules.iter().map(|m| category_index.get(m.category.as_str()).copied().unwrap_or(0)).collect::<Vec<_>>(),
            "license": modules.iter().map(|m| m.license.as_deref().map_or(-1, |l| license_index[l])).collect::<Vec<_>>(),
            "use": modules.iter().map(|m| u8::from(m.predict) | (u8::from(m.train) << 1)).collect::<Vec<_>>(),
            "docTags": modules.iter().map(|m| m.tags.iter().map(|t| tag_index[t.name.as_str()]).collect::<Vec<_>>()).collect::<Vec<_>>(),
        });
        meta.to_string().into_bytes()
    }
}

/// Where the term shards start, kept between a full build and `serve`'s updates.
pub struct ShardLayout {
    /// Every term of every field (BMP only), in index order.
    terms: Vec<String>,
    /// The first term of each shard.
    firsts: Vec<String>,
}

/// `search-index/docs/<k>.json`: `[slug, title, summary, created]` of documents
/// `k * DOC_CHUNK ..`.
fn docs_chunk(modules: &[&Module], k: usize) -> OutputFile {
    let rows: Vec<(&str, &str, &str, String)> = modules
        .iter()
        .skip(k * DOC_CHUNK)
        .take(DOC_CHUNK)
        .map(|m| (m.slug.as_str(), m.title.as_str(), m.summary.as_str(), m.created.to_string()))
        .collect();
    OutputFile { path: format!("search-index/docs/{k}.json"), bytes: json(&rows).into_bytes() }
}

/// The order of elasticlunr.js's trie walk: code point by code point, ASCII digits
/// first (JavaScript objects list integer-like keys first), a prefix before its extensions.
pub fn index_order(a: &str, b: &str) -> Ordering {
    let rank = |c: char| (!c.is_ascii_digit(), c);
    a.chars().map(rank).cmp(b.chars().map(rank))
}

/// Whether JavaScript treats `s` as an array index (a canonical integer below 2^32 - 1):
/// such keys come first in an object, whatever the insertion order.
fn is_array_index(s: &str) -> bool {
    (s == "0" || (!s.starts_with('0') && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())))
        && s.parse::<u64>().is_ok_and(|n| n < u32::MAX as u64)
}

/// `{"created": [days since 1970-01-01], "title": [rank]}` per document.
fn sort_json(modules: &[&Module]) -> String {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let created: Vec<i64> = modules.iter().map(|m| (m.created - epoch).num_days()).collect();
    let keys: Vec<String> = modules.iter().map(|m| m.title.to_lowercase()).collect();
    let mut order: Vec<usize> = (0..modules.len()).collect();
    order.par_sort_by(|&a, &b| natural_cmp(&keys[a], &keys[b]).then_with(|| modules[a].slug.cmp(&modules[b].slug)));
    let mut rank = vec![0usize; modules.len()];
    for (r, &doc) in order.iter().enumerate() {
        rank[doc] = r;
    }
    serde_json::json!({ "created": created, "title": rank }).to_string()
}

/// Comparison where runs of digits compare by value ("v2" < "v10"); callers lowercase
/// both sides first (sorting is case-insensitive).
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let take = |it: &mut std::iter::Peekable<std::str::Chars>| {
                    let mut n = String::new();
                    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
                        n.push(c);
                        it.next();
                    }
                    n.trim_start_matches('0').to_string()
                };
                let (m, n) = (take(&mut x), take(&mut y));
                match m.len().cmp(&n.len()).then_with(|| m.cmp(&n)) {
                    Ordering::Equal => {}
                    o => return o,
                }
            }
            (Some(c), Some(d)) => {
                match c.cmp(&d) {
                    Ordering::Equal => {}
                    o => return o,
                }
                x.next();
                y.next();
            }
        }
    }
}

/// Writes one field's trie in elasticlunr-rs's layout: `{"docs":{..},"df":n,"<char>":{..},..}`.
/// The root's subtrees are written in parallel; each is written with an explicit stack,
/// since a single long token makes a trie as deep as it is long.
fn write_trie(w: &mut dyn std::io::Write, terms: &FieldTerms, doc_keys: &[Vec<u8>]) -> std::io::Result<()> {
    let mut head = Vec::new();
    let rest = write_node_head(&mut head, terms, 0, doc_keys);
    w.write_all(&head)?;
    let groups = child_groups(terms, rest, 0);
    // A few subtrees at a time: parallel, without holding the whole field in memory.
    for batch in groups.chunks(2 * rayon::current_num_threads().max(1)) {
        let bodies: Vec<Vec<u8>> = batch
            .par_iter()
            .map(|&(c, start, end)| {
                let mut out = Vec::new();
                write_subtree(&mut out, terms, c, start, end, 0, doc_keys);
                out
            })
            .collect();
        for b in bodies {
            w.write_all(&b)?;
        }
    }
    w.write_all(b"}")
}

/// Writes `"docs":{..},"df":n` of the node whose prefix is `plen` bytes of `terms[start]`
/// (the opening brace included); returns where its children start.
fn write_node_head(out: &mut Vec<u8>, terms: &[(String, Vec<(u32, u32)>)], plen: usize, doc_keys: &[Vec<u8>]) -> usize {
    out.extend_from_slice(b"{\"docs\":{");
    let own = terms.first().filter(|(t, _)| t.len() == plen);
    let df = own.map_or(0, |(_, p)| p.len());
    if let Some((_, postings)) = own {
        for (i, (doc, count)) in postings.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&doc_keys[*doc as usize]);
            out.extend_from_slice(tf(*count).as_bytes());
            out.push(b'}');
        }
    }
    out.extend_from_slice(b"},\"df\":");
    out.extend_from_slice(df.to_string().as_bytes());
    usize::from(own.is_some())
}

/// The children of a node: `(next char, start, end)` ranges of `terms[from..]`.
fn child_groups(terms: &[(String, Vec<(u32, u32)>)], from: usize, plen: usize) -> Vec<(char, usize, usize)> {
    let mut groups: Vec<(char, usize, usize)> = Vec::new();
    for (i, (t, _)) in terms.iter().enumerate().skip(from) {
        let c = t[plen..].chars().next().unwrap_or('\0');
        match groups.last_mut() {
            Some((last, _, end)) if *last == c => *end = i + 1,
            _ => groups.push((c, i, i + 1)),
        }
    }
    groups
}

fn write_subtree(
    out: &mut Vec<u8>,
    terms: &[(String, Vec<(u32, u32)>)],
    c: char,
    start: usize,
    end: usize,
    plen: usize,
    doc_keys: &[Vec<u8>],
) {
    enum Step {
        Open(char, usize, usize, usize),
        Close,
    }
    let mut stack = vec![Step::Open(c, start, end, plen)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Close => out.push(b'}'),
            Step::Open(c, start, end, plen) => {
                out.push(b',');
                out.extend_from_slice(json(&c.to_string()).as_bytes());
                out.push(b':');
                let plen = plen + c.len_utf8();
                let slice = &terms[start..end];
                let rest = write_node_head(out, slice, plen, doc_keys);
                stack.push(Step::Close);
                for (c, s, e) in child_groups(slice, rest, plen).into_iter().rev() {
                    stack.push(Step::Open(c, start + s, start + e, plen));
                }
            }
        }
    }
}

/// elasticlunr's tf, `sqrt(occurrences)`, as serde_json writes an f64.
fn tf(count: u32) -> String {
    serde_json::to_string(&(count as f64).sqrt()).unwrap_or_else(|_| "1.0".into())
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(slug: &str, fields: [&str; 5]) -> Document {
        Document { slug: slug.into(), fields: fields.map(String::from) }
    }

    fn reference(docs: &[Document]) -> String {
        let mut index = elasticlunr::IndexBuilder::new().save_docs(false).add_fields(&FIELDS).set_ref("slug").build();
        for d in docs {
            index.add_doc(&d.slug, &d.fields);
        }
        index.to_json()
    }

    fn assert_same(docs: Vec<Document>) {
        let theirs = reference(&docs);
        let ours = String::from_utf8(SearchIndex::build(docs).elasticlunr_json()).unwrap();
        if ours != theirs {
            let at = ours.bytes().zip(theirs.bytes()).position(|(a, b)| a != b).unwrap_or(ours.len().min(theirs.len()));
            panic!(
                "differs at byte {at}:\n ours:   {}\n theirs: {}",
                &ours[at.saturating_sub(80)..(at + 80).min(ours.len())],
                &theirs[at.saturating_sub(80)..(at + 80).min(theirs.len())]
            );
        }
    }

    #[test]
    fn same_bytes_as_elasticlunr_rs_on_awkward_text() {
        assert_same(vec![
            doc(
                "b-doc",
                [
                    "Hello world",
                    "tag-one two",
                    "The cat sat-on 12 1.5 hello",
                    "Biomedical",
                    "cats cats cats 2019 v2.0 c++",
                ],
            ),
            doc("2048", ["World", "", "cats", "General purpose", "ünïcödé café naïve 😀 emoji😀 a\u{1F600}b x"]),
            doc("a", ["", "", "", "", ""]),
            doc("0", ["the of and", "!!!", "-- --", "\"quoted\" (paren) [x]", "tab\tseparated\nlines and  spaces"]),
            doc("10", ["Yolo yolov8 yolov5", "yolo", "YOLO", "Object detection", &"long".repeat(500)]),
        ]);
    }

    /// elasticlunr-rs serialises its trie recursively and overflows the stack on a long
    /// word (about 20,000 letters on a 2 MiB thread); this writer must not.
    #[test]
    fn a_very_long_word_does_not_overflow_the_stack() {
        let word = "a".repeat(1 << 20);
        let json = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || SearchIndex::build(vec![doc("x", ["", "", "", "", &word])]).elasticlunr_json().len())
            .unwrap()
            .join()
            .unwrap();
        assert!(json > 20 << 20);
    }

    #[test]
    fn same_bytes_as_elasticlunr_rs_on_the_real_catalogue_text() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("modules");
        let mut docs = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let slug = path.file_stem().unwrap().to_string_lossy().to_string();
            let (head, body) = text.split_at(text.len() / 3);
            docs.push(Document {
                slug,
                fields: [head.into(), "a b".into(), body[..body.len() / 2].into(), "x".into(), body.into()],
            });
        }
        assert!(docs.len() >= 40);
        assert_same(docs);
    }

    #[test]
    fn index_order_puts_digits_first_and_prefixes_before_extensions() {
        let mut v = vec!["b", "a1", "a.", "a", "ab", "9", "a0", "_x", "é"];
        v.sort_by(|a, b| index_order(a, b));
        assert_eq!(v, ["9", "_x", "a", "a0", "a1", "a.", "ab", "b", "é"]);
    }

    #[test]
    fn array_index_refs() {
        for s in ["0", "7", "2048", "4294967294"] {
            assert!(is_array_index(s), "{s}");
        }
        for s in ["", "01", "-1", "1a", "4294967295", "99999999999"] {
            assert!(!is_array_index(s), "{s}");
        }
    }

    #[test]
    fn natural_order_of_titles() {
        let mut v = vec!["v10 model", "V2 model", "alpha", "Beta", "v2 model"];
        v.sort_by(|a, b| natural_cmp(&a.to_lowercase(), &b.to_lowercase()).then_with(|| a.cmp(b)));
        assert_eq!(v, ["alpha", "Beta", "V2 model", "v2 model", "v10 model"]);
    }

    #[test]
    fn shards_hold_every_term_in_index_order_with_gap_coded_postings() {
        let idx = SearchIndex::build(vec![
            doc("b", ["alpha beta", "", "", "", "alpha alpha 2019"]),
            doc("a", ["beta", "", "", "", "gamma"]),
        ]);
        let site = Site {
            settings: crate::site::Settings {
                title: String::new(),
                description: String::new(),
                base_url: String::new(),
                language: "en".into(),
                repository: None,
                page_size: 48,
            },
            categories: Vec::new(),
            pages: Vec::new(),
            modules: Vec::new(),
        };
        let (files, layout) = idx.shard_files(&site);
        assert_eq!(files.iter().filter(|f| f.path.starts_with("search-index/terms/")).count(), 1);
        let text = String::from_utf8(files[0].bytes.clone()).unwrap();
        assert_eq!(layout.firsts, ["2019"]);
        assert_eq!(
            text,
            r#"[["2019",{"body":[1,1]}],["alpha",{"title":[1,1],"body":[1,2]}],["beta",{"title":[0,1,1,1]}],["gamma",{"body":[0,1]}]]"#
        );
    }
}
