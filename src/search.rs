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
    site.modules
        .iter()
        .map(|m| Document {
            slug: m.slug.clone(),
            fields: [
                m.title.clone(),
                m.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(" "),
                m.summary.clone(),
                site.category(&m.category).map_or_else(|| m.category.clone(), |c| c.title.clone()),
                rendered.get(&m.slug).map_or_else(String::new, |r| r.plain.clone()),
            ],
        })
        .collect()
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
        let analysed: Vec<Analysed> = docs
            .par_iter()
            .map_init(|| lang.make_pipeline(), |pipeline, d| analyse(&lang, pipeline, d))
            .collect();
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
    pub fn elasticlunr_json(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let _ = self.write_elasticlunr_json(&mut out);
        out
    }

    /// The files of `search-index/`: meta, term shards, per-module result data, sort keys.
    pub fn shard_files(&self, site: &Site) -> Vec<OutputFile> {
        let mut files = self.term_shards();
        let first_terms: Vec<String> = files.iter().map(|(first, _)| first.clone()).collect();
        let mut out: Vec<OutputFile> = files
            .drain(..)
            .enumerate()
            .map(|(k, (_, bytes))| OutputFile { path: format!("search-index/terms/{k}.json"), bytes })
            .collect();

        let by_slug: HashMap<&str, &crate::module::Module> = site.modules.iter().map(|m| (m.slug.as_str(), m)).collect();
        let modules: Vec<&crate::module::Module> = self.refs.iter().map(|r| by_slug[r.as_str()]).collect();
        out.push(OutputFile { path: "search-index/meta.json".into(), bytes: self.meta_json(site, &modules, &first_terms) });
        for (k, chunk) in modules.chunks(DOC_CHUNK).enumerate() {
            let rows: Vec<(&str, &str, &str, String)> = chunk
                .iter()
                .map(|m| (m.slug.as_str(), m.title.as_str(), m.summary.as_str(), m.created.to_string()))
                .collect();
            out.push(OutputFile { path: format!("search-index/docs/{k}.json"), bytes: json(&rows).into_bytes() });
        }
        out.push(OutputFile { path: "search-index/sort.json".into(), bytes: sort_json(&modules).into_bytes() });
        out
    }

    fn meta_json(&self, site: &Site, modules: &[&crate::module::Module], first_terms: &[String]) -> Vec<u8> {
        let categories: Vec<(&str, &str)> = site.categories.iter().map(|c| (c.slug.as_str(), c.title.as_str())).collect();
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

    /// Every term of every field in index order, cut into shards of about
    /// [`SHARD_BYTES`]: `(first term, file bytes)`.
    fn term_shards(&self) -> Vec<(String, Vec<u8>)> {
        // Terms outside the BMP are unreachable in elasticlunr.js (it walks by UTF-16 unit).
        let mut terms: Vec<&str> = self
            .fields
            .iter()
            .flat_map(|f| f.iter().map(|(t, _)| t.as_str()))
            .filter(|t| t.chars().all(|c| (c as u32) < 0x10000))
            .collect();
        terms.par_sort_unstable_by(|a, b| index_order(a, b));
        terms.dedup();
        let lookup: Vec<HashMap<&str, &[(u32, u32)]>> =
            self.fields.iter().map(|f| f.iter().map(|(t, p)| (t.as_str(), p.as_slice())).collect()).collect();
        let entries: Vec<String> = terms
            .par_iter()
            .map(|term| {
                let mut s = format!("[{},{{", json(term));
                let mut first = true;
                for (f, name) in FIELDS.iter().enumerate() {
                    let Some(postings) = lookup[f].get(term) else { continue };
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
            })
            .collect();
        let mut shards = Vec::new();
        let mut current: Option<(String, Vec<u8>)> = None;
        for (term, entry) in terms.iter().zip(entries) {
            let (_, bytes) = current.get_or_insert_with(|| (term.to_string(), b"[".to_vec()));
            if bytes.len() > 1 {
                bytes.push(b',');
            }
            bytes.extend_from_slice(entry.as_bytes());
            if bytes.len() >= SHARD_BYTES {
                let (first, mut bytes) = current.take().unwrap_or_default();
                bytes.push(b']');
                shards.push((first, bytes));
            }
        }
        if let Some((first, mut bytes)) = current {
            bytes.push(b']');
            shards.push((first, bytes));
        }
        shards
    }
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
fn sort_json(modules: &[&crate::module::Module]) -> String {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let created: Vec<i64> = modules.iter().map(|m| (m.created - epoch).num_days()).collect();
    let mut order: Vec<usize> = (0..modules.len()).collect();
    order.sort_by(|&a, &b| natural_cmp(&modules[a].title, &modules[b].title).then_with(|| modules[a].slug.cmp(&modules[b].slug)));
    let mut rank = vec![0usize; modules.len()];
    for (r, &doc) in order.iter().enumerate() {
        rank[doc] = r;
    }
    serde_json::json!({ "created": created, "title": rank }).to_string()
}

/// Case-insensitive comparison where runs of digits compare by value ("v2" < "v10").
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
                match c.to_lowercase().cmp(d.to_lowercase()) {
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
            doc("b-doc", ["Hello world", "tag-one two", "The cat sat-on 12 1.5 hello", "Biomedical", "cats cats cats 2019 v2.0 c++"]),
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
            docs.push(Document { slug, fields: [head.into(), "a b".into(), body[..body.len() / 2].into(), "x".into(), body.into()] });
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
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["alpha", "Beta", "V2 model", "v2 model", "v10 model"]);
    }

    #[test]
    fn shards_hold_every_term_in_index_order_with_gap_coded_postings() {
        let idx = SearchIndex::build(vec![
            doc("b", ["alpha beta", "", "", "", "alpha alpha 2019"]),
            doc("a", ["beta", "", "", "", "gamma"]),
        ]);
        let shards = idx.term_shards();
        assert_eq!(shards.len(), 1);
        let text = String::from_utf8(shards[0].1.clone()).unwrap();
        assert_eq!(shards[0].0, "2019");
        assert_eq!(
            text,
            r#"[["2019",{"body":[1,1]}],["alpha",{"title":[1,1],"body":[1,2]}],["beta",{"title":[0,1,1,1]}],["gamma",{"body":[0,1]}]]"#
        );
    }
}
