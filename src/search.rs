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
//!
//! Besides the postings, `search-index/` holds what elasticlunr has no notion of, for
//! the search page: compound parts of titles, tags and summaries (in the indexed text
//! itself, [`compound`]), typo keys of the words ([`fuzzy`]), the terms by suffix
//! ([`suffix`]) and each description's text for excerpts ([`text`]).

mod compound;
mod fuzzy;
mod listing;
mod suffix;
mod text;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::hash::Hasher as _;

use elasticlunr::lang::{English, Language};
use elasticlunr::pipeline::Pipeline;
use rayon::prelude::*;

use crate::layout::OutputFile;
use crate::markdown::Rendered;
use crate::module::Module;
use crate::site::Site;
use crate::vocabulary;

/// Index fields, in the order documents are added.
pub const FIELDS: [&str; 5] = ["title", "tags", "summary", "category", "body"];
/// Query-time boosts (elasticlunr keeps boosts out of the index): the search client and
/// the tests use these.
pub const BOOSTS: [(&str, u32); 5] = [("title", 3), ("tags", 2), ("summary", 1), ("category", 1), ("body", 1)];
/// A term shard is closed once it holds this many bytes (a term is never split).
const SHARD_BYTES: usize = 16 * 1024;
/// A field's postings of a term are *dense* when they list at least this share (1 / n)
/// of the documents, and at least [`DENSE_MIN`]: they leave the documents' field lengths
/// to `lengths/` (fetched once for every dense list), rather than repeat them term after
/// term.
const DENSE_SHARE: usize = 4;
const DENSE_MIN: usize = 256;
/// `lengths/<field>/<k>.json` hold this many documents, or more: at most this many
/// files a field. Few: a dense posting's documents are spread over every chunk, so a
/// common term fetches them all, and a browser asks a host over HTTP/1.1 for six files at
/// a time: two, beside a query's three or four term and suffix shards, keep a first query
/// of common words in one wave of requests.
const LENGTH_FILES: usize = 2;
const LENGTH_CHUNK_MIN: usize = 2048;

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
    /// The fuzzy vocabulary (surface words, [`is_surface`]), with how many fields of
    /// documents hold each: `serve` learns from the count which words an edit adds or
    /// removes.
    words: BTreeMap<String, u32>,
}

/// The search documents of a site: title, tags, summary, the category's title and the
/// description's plain text.
pub fn documents(site: &Site, rendered: &BTreeMap<String, Rendered>) -> Vec<Document> {
    site.modules.par_iter().map(|m| document(site, m, rendered.get(&m.slug))).collect()
}

/// A module's search document. Title, tags and summary carry their tokens' compound
/// parts after their own text ([`compound::augment`]).
pub fn document(site: &Site, m: &Module, rendered: Option<&Rendered>) -> Document {
    Document {
        slug: m.slug.clone(),
        fields: [
            compound::augment(&m.title),
            compound::augment(&m.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(" ")),
            compound::augment(&m.summary),
            site.category(&m.category).map_or_else(|| m.category.clone(), |c| c.title.clone()),
            plain(rendered).to_string(),
        ],
    }
}

/// A description's plain text: the body field of its document and its excerpt text.
fn plain(rendered: Option<&Rendered>) -> &str {
    rendered.map_or("", |r| r.plain.as_str())
}

/// A document after tokenising: per field, its length and its terms with their counts;
/// its surface words, once per field they are in.
struct Analysed {
    lengths: [u32; 5],
    terms: [Vec<(String, u32)>; 5],
    words: Vec<String>,
}

/// Whether a word (a token through the trimmer, not a stop word) belongs to the fuzzy
/// vocabulary: 3 UTF-16 units or more, letters only (a typo in `zenodo.1000123`, a URL or
/// a version number is no word to correct to, and such tokens were most of the keys),
/// nothing outside the BMP (which elasticlunr.js cannot reach).
fn is_surface(word: &str) -> bool {
    is_bmp(word) && word.chars().nth(2).is_some() && word.chars().all(char::is_alphabetic)
}

fn analyse(lang: &English, pipeline: &Pipeline, doc: &Document) -> Analysed {
    // `Pipeline::run`, one function at a time, to keep each token's word before stemming;
    // the stemmer runs once per distinct word of a field, not once per token.
    let [trimmer, stop_words, stemmer] = pipeline.queue.as_slice() else {
        unreachable!("English's pipeline is a trimmer, a stop-word filter and a stemmer")
    };
    let mut lengths = [0u32; 5];
    let mut terms: [Vec<(String, u32)>; 5] = Default::default();
    let mut words = Vec::new();
    for (f, text) in doc.fields.iter().enumerate() {
        let tokens = lang.tokenize(text);
        let mut by_word: HashMap<String, u32> = HashMap::with_capacity(tokens.len());
        for token in tokens {
            let Some(word) = trimmer.filter(token).and_then(|t| stop_words.filter(t)) else { continue };
            *by_word.entry(word).or_insert(0) += 1;
        }
        let mut counts: HashMap<String, u32> = HashMap::with_capacity(by_word.len());
        for (word, n) in by_word {
            let kept = is_surface(&word).then(|| word.clone());
            let Some(term) = stemmer.filter(word) else { continue };
            words.extend(kept);
            lengths[f] += n;
            *counts.entry(term).or_insert(0) += n;
        }
        terms[f] = counts.into_iter().collect();
    }
    Analysed { lengths, terms, words }
}

/// How many fields of documents hold each surface word.
fn vocabulary(analysed: &[Analysed]) -> BTreeMap<String, u32> {
    fn add<'a>(
        mut counts: HashMap<&'a str, u32>,
        words: impl Iterator<Item = (&'a str, u32)>,
    ) -> HashMap<&'a str, u32> {
        for (w, n) in words {
            *counts.entry(w).or_insert(0) += n;
        }
        counts
    }
    // A map per thread, merged smaller into larger.
    let counts = analysed
        .par_iter()
        .fold(HashMap::new, |counts, a| add(counts, a.words.iter().map(|w| (w.as_str(), 1))))
        .reduce(HashMap::new, |a, b| if a.len() >= b.len() { add(a, b.into_iter()) } else { add(b, a.into_iter()) });
    let mut words: Vec<(&str, u32)> = counts.into_iter().collect();
    words.par_sort_unstable();
    words.into_iter().map(|(w, n)| (w.to_string(), n)).collect()
}

/// What edits changed, for [`SearchIndex::updated_files`]: terms whose postings changed,
/// surface words that came or went, the edited documents' refs.
#[derive(Default)]
pub struct Changed {
    terms: BTreeSet<String>,
    words: BTreeSet<String>,
    docs: BTreeSet<String>,
}

/// Size and hash of a file as last written, to tell whether a recomputed one differs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Sum {
    len: usize,
    hash: u64,
}

impl Sum {
    fn of(bytes: &[u8]) -> Sum {
        // SipHash with fixed keys: 64 bits, the same in every run.
        let mut h = std::hash::DefaultHasher::new();
        h.write(bytes);
        Sum { len: bytes.len(), hash: h.finish() }
    }
}

/// The files of a sharded part an update changes: `(shard, bytes)` to write, and the
/// shards from `remove.start` on that no longer exist.
struct Delta {
    write: Vec<(usize, Vec<u8>)>,
    remove: std::ops::Range<usize>,
}

/// What an update of `search-index/` writes and deletes (paths under the output).
pub struct Updated {
    pub files: Vec<OutputFile>,
    pub removed: Vec<String>,
}

impl SearchIndex {
    pub fn build(mut docs: Vec<Document>) -> SearchIndex {
        docs.sort_by(|a, b| a.slug.cmp(&b.slug));
        let lang = English::new();
        let analysed: Vec<Analysed> =
            docs.par_iter().map_init(|| lang.make_pipeline(), |pipeline, d| analyse(&lang, pipeline, d)).collect();
        let lengths = analysed.iter().map(|a| a.lengths).collect();
        let (fields, words) = rayon::join(
            || -> Vec<FieldTerms> {
                (0..FIELDS.len())
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
                    .collect()
            },
            || vocabulary(&analysed),
        );
        let fields: [FieldTerms; 5] = fields.try_into().unwrap_or_else(|_| unreachable!("five fields"));
        SearchIndex { refs: docs.into_iter().map(|d| d.slug).collect(), lengths, fields, words }
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

    /// The files of `search-index/`: meta, term shards, fuzzy and suffix shards, the
    /// filters' and tags' columns, dense postings' lengths, sort keys; and the shards'
    /// layout, for [`Self::updated_files`]. The result cards and their excerpt texts are
    /// [`Self::doc_files`]'s.
    pub fn shard_files(&self, site: &Site) -> (Vec<OutputFile>, ShardLayout) {
        // Terms outside the BMP are unreachable in elasticlunr.js (it walks by UTF-16 unit).
        let mut terms: Vec<String> =
            self.fields.iter().flat_map(|f| f.iter().map(|(t, _)| t)).filter(|t| is_bmp(t)).cloned().collect();
        terms.par_sort_unstable_by(|a, b| index_order(a, b));
        terms.dedup();
        let words: Vec<&str> = self.words.keys().map(String::as_str).collect();
        let ((mut out, firsts), ((suffix, suffix_files), fuzzy_files)) = rayon::join(
            || self.term_shards(&terms),
            || rayon::join(|| suffix::Layout::build(terms.iter().cloned()), || fuzzy::shards(&words)),
        );
        let modules = self.modules(site);
        let keys = sort_keys(&modules);
        let lists = list_files(site, &modules, &keys);
        let lists_written = lists.iter().map(|f| f.path.clone()).collect();
        let layout =
            ShardLayout { terms, firsts, fuzzy: fuzzy::Layout::new(&fuzzy_files), suffix, lists: lists_written };
        for (k, bytes) in fuzzy_files.into_iter().enumerate() {
            out.push(OutputFile { path: fuzzy_path(k), bytes });
        }
        for (k, bytes) in suffix_files.into_iter().enumerate() {
            out.push(OutputFile { path: suffix_path(k), bytes });
        }
        out.extend(lists);
        out.push(OutputFile { path: "search-index/meta.json".into(), bytes: self.meta_json(&layout) });
        out.push(OutputFile { path: "search-index/facets.json".into(), bytes: facets_json(site, &modules) });
        out.push(OutputFile { path: "search-index/tags.json".into(), bytes: tags_json(&modules) });
        out.extend(self.length_files(0..self.refs.len().div_ceil(self.length_chunk())));
        out.push(OutputFile { path: "search-index/sort.json".into(), bytes: sort_json(&keys).into_bytes() });
        (out, layout)
    }

    /// `search-index/terms/<k>.json` of `terms` (index order) and each shard's first term.
    fn term_shards(&self, terms: &[String]) -> (Vec<OutputFile>, Vec<String>) {
        let entries: Vec<String> = terms.par_iter().map(|t| self.entry(t)).collect();
        let mut firsts = Vec::new();
        let mut out = Vec::new();
        let mut current: Vec<u8> = Vec::new();
        for (term, entry) in terms.iter().zip(entries) {
            // A big entry (a common term's) starts a shard of its own: a query for one of
            // its small neighbours then never fetches it.
            if !current.is_empty() && entry.len() >= SHARD_BYTES {
                current.push(b']');
                out.push(OutputFile {
                    path: format!("search-index/terms/{}.json", out.len()),
                    bytes: std::mem::take(&mut current),
                });
            }
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
        (out, firsts)
    }

    /// `search-index/docs/<doc>.json` (its card) and `search-index/text/<doc>.json` (its
    /// excerpt text) of every document, handed to `emit` as they are made (in parallel).
    pub fn doc_files<E: Send>(
        &self,
        site: &Site,
        rendered: &BTreeMap<String, Rendered>,
        emit: impl Fn(OutputFile) -> Result<(), E> + Sync,
    ) -> Result<(), E> {
        let modules = self.modules(site);
        modules.par_iter().enumerate().try_for_each(|(doc, m)| {
            let [card, text] = doc_file(site, doc, m, rendered.get(&m.slug));
            emit(card)?;
            emit(text)
        })
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

    /// One term of a shard: `["term",{"field":[gap,count,length,...],...}]`, a dense
    /// field's postings as `{"pairs":[gap,count,...]}`.
    fn entry(&self, term: &str) -> String {
        let mut s = format!("[{},{{", json(term));
        let mut first = true;
        for (f, name) in FIELDS.iter().enumerate() {
            let Some(postings) = self.postings(f, term) else { continue };
            let dense = self.is_dense(postings.len());
            let _ =
                write!(s, "{}\"{name}\":{}", if first { "" } else { "," }, if dense { "{\"pairs\":[" } else { "[" });
            first = false;
            let mut prev = 0;
            for (i, (doc, count)) in postings.iter().enumerate() {
                let sep = if i == 0 { "" } else { "," };
                if dense {
                    let _ = write!(s, "{sep}{},{count}", doc - prev);
                } else {
                    let _ = write!(s, "{sep}{},{count},{}", doc - prev, self.lengths[*doc as usize][f]);
                }
                prev = *doc;
            }
            s.push_str(if dense { "]}" } else { "]" });
        }
        s.push_str("}]");
        s
    }

    /// Per field, the shards holding dense postings in it: a client fetches the field's
    /// `lengths/` beside such a shard, not after it.
    fn dense_shards(&self, layout: &ShardLayout) -> BTreeMap<&'static str, Vec<usize>> {
        let mut out = BTreeMap::new();
        for (f, name) in FIELDS.iter().enumerate() {
            let mut shards: Vec<usize> = Vec::new();
            for t in &layout.terms {
                if self.postings(f, t).is_some_and(|p| self.is_dense(p.len())) {
                    let k = layout.firsts.partition_point(|x| index_order(x, t) != Ordering::Greater).saturating_sub(1);
                    if shards.last() != Some(&k) {
                        shards.push(k);
                    }
                }
            }
            if !shards.is_empty() {
                out.insert(*name, shards);
            }
        }
        out
    }

    /// Whether postings of `n` documents are dense ([`DENSE_SHARE`]).
    fn is_dense(&self, n: usize) -> bool {
        n >= DENSE_MIN && n * DENSE_SHARE >= self.refs.len()
    }

    /// How many documents one `lengths/<field>/<k>.json` holds.
    fn length_chunk(&self) -> usize {
        self.refs.len().div_ceil(LENGTH_FILES).max(LENGTH_CHUNK_MIN)
    }

    /// `search-index/lengths/<field>/<k>.json` of every field, for the documents of
    /// chunk `k`: their lengths of the field, in document order.
    fn length_files(&self, chunks: impl Iterator<Item = usize> + Clone) -> Vec<OutputFile> {
        let size = self.length_chunk();
        let mut out = Vec::new();
        for (f, name) in FIELDS.iter().enumerate() {
            for k in chunks.clone() {
                let lengths: Vec<u32> = self.lengths.iter().skip(k * size).take(size).map(|l| l[f]).collect();
                out.push(OutputFile {
                    path: format!("search-index/lengths/{name}/{k}.json"),
                    bytes: json(&lengths).into_bytes(),
                });
            }
        }
        out
    }

    /// Replaces document `old` (same slug) by `new`, recording in `changed` every term
    /// whose postings changed and every surface word that came or went. For `serve`: one
    /// edited module costs one document's terms.
    pub fn replace(&mut self, old: &Document, new: &Document, changed: &mut Changed) {
        let Ok(doc) = self.refs.binary_search(&new.slug) else { return };
        changed.docs.insert(new.slug.clone());
        let doc = doc as u32;
        let lang = English::new();
        let pipeline = lang.make_pipeline();
        let (before, after) = (analyse(&lang, &pipeline, old), analyse(&lang, &pipeline, new));
        for f in 0..FIELDS.len() {
            // Only terms whose count changed: an edited title rewrites a few shards, not
            // every shard the description's words are in. But the postings carry the
            // field's length, so when it changes every term of the field changes.
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
                changed.terms.insert(t.to_string());
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
                changed.terms.insert(t.to_string());
            }
        }
        // The postings that carry a field's length (all but the dense ones) change with it.
        for f in (0..FIELDS.len()).filter(|&f| before.lengths[f] != after.lengths[f]) {
            for (t, _) in &after.terms[f] {
                if self.postings(f, t).is_some_and(|p| !self.is_dense(p.len())) {
                    changed.terms.insert(t.to_string());
                }
            }
        }
        let mut delta: HashMap<&str, i64> = HashMap::new();
        for w in &before.words {
            *delta.entry(w).or_insert(0) -= 1;
        }
        for w in &after.words {
            *delta.entry(w).or_insert(0) += 1;
        }
        for (w, d) in delta.into_iter().filter(|&(_, d)| d != 0) {
            let n = self.words.get(w).map_or(0, |&n| i64::from(n)) + d;
            if n <= 0 {
                self.words.remove(w);
                changed.words.insert(w.to_string());
            } else if self.words.insert(w.to_string(), n as u32).is_none() {
                changed.words.insert(w.to_string());
            }
        }
        self.lengths[doc as usize] = after.lengths;
    }

    /// Whether `term` is in the index (in any field).
    fn has_term(&self, term: &str) -> bool {
        (0..FIELDS.len()).any(|f| self.postings(f, term).is_some())
    }

    /// The files of `search-index/` that edits changed (`changed`: from
    /// [`Self::replace`]): the term shards of changed terms, the fuzzy and suffix shards
    /// whose bytes differ from what was written last, meta, the edited modules' result
    /// data and excerpt texts, sort keys; and the fuzzy and suffix shards that no longer
    /// exist. Term shard boundaries stay where the full build put them; fuzzy and suffix
    /// shards are what a full build would write.
    pub fn updated_files(
        &self,
        site: &Site,
        layout: &mut ShardLayout,
        changed: &Changed,
        rendered: &BTreeMap<String, Rendered>,
    ) -> Updated {
        let mut shards = BTreeSet::new();
        for t in changed.terms.iter().filter(|t| is_bmp(t)) {
            let present = self.has_term(t);
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
        let mut files = Vec::new();
        for k in shards {
            let lo = layout.terms.partition_point(|u| index_order(u, &layout.firsts[k]) == Ordering::Less);
            let hi = layout.firsts.get(k + 1).map_or(layout.terms.len(), |next| {
                layout.terms.partition_point(|u| index_order(u, next) == Ordering::Less)
            });
            let entries: Vec<String> = layout.terms[lo..hi].iter().map(|t| self.entry(t)).collect();
            files.push(OutputFile {
                path: format!("search-index/terms/{k}.json"),
                bytes: format!("[{}]", entries.join(",")).into_bytes(),
            });
        }
        let mut removed = Vec::new();
        let words: Vec<&str> = self.words.keys().map(String::as_str).collect();
        let changed_words: Vec<&str> = changed.words.iter().map(String::as_str).collect();
        let (fuzzy, suffix) = rayon::join(
            || layout.fuzzy.update(&words, &changed_words),
            || layout.suffix.update(changed.terms.iter().filter(|t| is_bmp(t)), |t| self.has_term(t)),
        );
        for (delta, path) in [(fuzzy, fuzzy_path as fn(usize) -> String), (suffix, suffix_path)] {
            files.extend(delta.write.into_iter().map(|(k, bytes)| OutputFile { path: path(k), bytes }));
            removed.extend(delta.remove.map(path));
        }
        let modules = self.modules(site);
        let keys = sort_keys(&modules);
        let lists = list_files(site, &modules, &keys);
        let written: std::collections::HashSet<&str> = lists.iter().map(|f| f.path.as_str()).collect();
        removed.extend(layout.lists.iter().filter(|p| !written.contains(p.as_str())).cloned());
        layout.lists = lists.iter().map(|f| f.path.clone()).collect();
        files.extend(lists);
        files.push(OutputFile { path: "search-index/meta.json".into(), bytes: self.meta_json(layout) });
        files.push(OutputFile { path: "search-index/facets.json".into(), bytes: facets_json(site, &modules) });
        files.push(OutputFile { path: "search-index/tags.json".into(), bytes: tags_json(&modules) });
        let docs = changed.docs.iter().filter_map(|slug| self.refs.binary_search_by(|r| r.as_str().cmp(slug)).ok());
        let chunks: BTreeSet<usize> = docs.clone().map(|doc| doc / self.length_chunk()).collect();
        files.extend(self.length_files(chunks.iter().copied()));
        // Only documents a full build writes (all of them when every document is a module).
        files.extend(
            docs.filter_map(|doc| modules.get(doc).map(|m| doc_file(site, doc, m, rendered.get(&self.refs[doc]))))
                .flatten(),
        );
        files.push(OutputFile { path: "search-index/sort.json".into(), bytes: sort_json(&keys).into_bytes() });
        Updated { files, removed }
    }

    /// `search-index/meta.json`: what every query needs, and nothing per document (its
    /// size does not grow with the catalogue but through the shard lists).
    fn meta_json(&self, layout: &ShardLayout) -> Vec<u8> {
        let int_refs: Vec<(usize, &str)> =
            self.refs.iter().enumerate().filter(|(_, r)| is_array_index(r)).map(|(i, r)| (i, r.as_str())).collect();
        let boosts: BTreeMap<&str, u32> = BOOSTS.iter().copied().collect();
        let (rests, shared) = front_coded(&layout.firsts);
        let dense: BTreeMap<&str, Vec<usize>> =
            self.dense_shards(layout).into_iter().map(|(f, shards)| (f, gaps(&shards))).collect();
        let mut meta = serde_json::json!({
            "version": 3,
            "ref": "slug",
            "fields": FIELDS,
            "boosts": boosts,
            "pipeline": ["trimmer", "stopWordFilter", "stemmer"],
            "docCount": self.refs.len(),
            "intRefs": int_refs,
            "shards": rests,
            "shared": shared,
            "single": gaps(&layout.singles()),
            "dense": dense,
            "lengthChunk": self.length_chunk(),
            "facets": "facets.json",
            "tags": "tags.json",
            "sort": "sort.json",
            "lists": layout.lists.len(),
            "text": text::CAP,
        });
        // Absent for an empty vocabulary or term list: the client's "feature off".
        if let Some(meta) = meta.as_object_mut() {
            if layout.fuzzy.shards() > 0 {
                let fuzzy = serde_json::json!({"shards": layout.fuzzy.shards(), "prefix": fuzzy::PREFIX, "window": fuzzy::WINDOW});
                meta.insert("fuzzy".into(), fuzzy);
            }
            if !layout.suffix.firsts().is_empty() {
                meta.insert("suffix".into(), layout.suffix.firsts().into());
            }
        }
        meta.to_string().into_bytes()
    }
}

/// `search-index/facets.json`: per document, its category, licence, use bits and AI4OS
/// values (bit masks over the vocabularies), with the names they index. Off the first
/// query's path: the search page fetches it when the filter panel is opened (at once when
/// the URL filters by one of them).
fn facets_json(site: &Site, modules: &[&Module]) -> Vec<u8> {
    let categories: Vec<(&str, &str)> = site.categories.iter().map(|c| (c.slug.as_str(), c.title.as_str())).collect();
    let category_index: HashMap<&str, usize> =
        site.categories.iter().enumerate().map(|(i, c)| (c.slug.as_str(), i)).collect();
    let mut licenses: Vec<&str> = modules.iter().filter_map(|m| m.license.as_deref()).collect();
    licenses.sort_unstable();
    licenses.dedup();
    let license_index: HashMap<&str, i64> = licenses.iter().enumerate().map(|(i, l)| (*l, i as i64)).collect();
    serde_json::json!({
        "categories": categories,
        "licenses": licenses,
        "category": modules.iter().map(|m| category_index.get(m.category.as_str()).copied().unwrap_or(0)).collect::<Vec<_>>(),
        "license": modules.iter().map(|m| m.license.as_deref().map_or(-1, |l| license_index[l])).collect::<Vec<_>>(),
        "use": modules.iter().map(|m| use_bits(m)).collect::<Vec<_>>(),
        "vocab": {
            "task": vocabulary::TASKS.values,
            "library": vocabulary::LIBRARIES.values,
            "dataType": vocabulary::DATA_TYPES.values,
        },
        "task": modules.iter().map(|m| mask(&vocabulary::TASKS, &m.tasks)).collect::<Vec<_>>(),
        "library": modules.iter().map(|m| mask(&vocabulary::LIBRARIES, &m.libraries)).collect::<Vec<_>>(),
        "dataType": modules.iter().map(|m| mask(&vocabulary::DATA_TYPES, &m.data_types)).collect::<Vec<_>>(),
    })
    .to_string()
    .into_bytes()
}

/// `search-index/tags.json`: the tag names in byte order and, per document, its tags as
/// indexes into them (in the module's order). Fetched only when the tag filter is opened
/// (or the URL filters by a tag).
fn tags_json(modules: &[&Module]) -> Vec<u8> {
    let mut tags: Vec<&str> = modules.iter().flat_map(|m| m.tags.iter().map(|t| t.name.as_str())).collect();
    tags.sort_unstable();
    tags.dedup();
    let tag_index: HashMap<&str, usize> = tags.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    let doc_tags: Vec<Vec<usize>> =
        modules.iter().map(|m| m.tags.iter().map(|t| tag_index[t.name.as_str()]).collect()).collect();
    serde_json::json!({ "tags": tags, "docTags": doc_tags }).to_string().into_bytes()
}

/// meta.json's `use`: bit 1 predict, bit 2 train, bit 4 runs without a GPU (its inference
/// resources are stated and need none).
fn use_bits(m: &Module) -> u8 {
    u8::from(m.predict) | (u8::from(m.train) << 1) | (u8::from(m.resources.runs_without_gpu() == Some(true)) << 2)
}

/// A module's values of a vocabulary as a bit mask over the vocabulary's order (each
/// vocabulary has at most 16 values): a few bytes a document in meta.json.
fn mask(vocabulary: &vocabulary::Vocabulary, values: &[String]) -> u32 {
    values.iter().filter_map(|v| vocabulary.values.iter().position(|x| x == v)).fold(0, |mask, i| mask | (1 << i))
}

/// Where the term shards start and what the fuzzy and suffix shards hold, kept between a
/// full build and `serve`'s updates.
pub struct ShardLayout {
    /// Every term of every field (BMP only), in index order.
    terms: Vec<String>,
    /// The first term of each shard.
    firsts: Vec<String>,
    fuzzy: fuzzy::Layout,
    suffix: suffix::Layout,
    /// The `lists/` files written (their number is meta.json's `lists`).
    lists: Vec<String>,
}

impl ShardLayout {
    /// The shards that hold one term (a common term's, [`SearchIndex::term_shards`]): a
    /// client knows without fetching them that they hold no other.
    fn singles(&self) -> Vec<usize> {
        let starts: Vec<usize> = self
            .firsts
            .iter()
            .map(|f| self.terms.partition_point(|t| index_order(t, f) == Ordering::Less))
            .chain(std::iter::once(self.terms.len()))
            .collect();
        starts.windows(2).enumerate().filter(|(_, w)| w[1] - w[0] == 1).map(|(k, _)| k).collect()
    }
}

/// meta.json's `shards` and `shared`: each shard's first term without the UTF-16 units it
/// shares with the one before, and how many those are. Front coding: the list is most of
/// meta.json with a large vocabulary (15 of its 19 KB gzipped at 10,000 modules of 2,000
/// words from 50,000, 10 KB so).
fn front_coded(firsts: &[String]) -> (Vec<String>, Vec<usize>) {
    let mut rests = Vec::with_capacity(firsts.len());
    let mut shared = Vec::with_capacity(firsts.len());
    let mut before = "";
    for first in firsts {
        let common =
            before.chars().zip(first.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a.len_utf8()).sum::<usize>();
        shared.push(first[..common].encode_utf16().count());
        rests.push(first[common..].to_string());
        before = first;
    }
    (rests, shared)
}

/// An ascending list as gaps: each number less the one before (the first as it is).
fn gaps(ascending: &[usize]) -> Vec<usize> {
    let mut before = 0;
    ascending
        .iter()
        .map(|&n| {
            let gap = n - before;
            before = n;
            gap
        })
        .collect()
}

fn fuzzy_path(k: usize) -> String {
    format!("search-index/fuzzy/{k}.json")
}

fn suffix_path(k: usize) -> String {
    format!("search-index/suffix/{k}.json")
}

/// Whether every character of `s` is in the BMP (elasticlunr.js walks by UTF-16 unit).
fn is_bmp(s: &str) -> bool {
    s.chars().all(|c| (c as u32) < 0x10000)
}

/// `search-index/docs/<doc>.json`: what a result card shows, `[slug, title, summary,
/// created, [category slug, category title], licence or null, use bits, [tags]]`: one
/// small request per card shown, nothing for the others; and `search-index/text/<doc>.json`,
/// the description's plain text its excerpt is cut from (a JSON string), apart because
/// it weighs ten times the card: a page fetches it for the cards in view only.
fn doc_file(site: &Site, doc: usize, m: &Module, rendered: Option<&Rendered>) -> [OutputFile; 2] {
    let row = card_row(site, m);
    let text = serde_json::Value::String(text::excerpt(plain(rendered)));
    [
        OutputFile { path: format!("search-index/docs/{doc}.json"), bytes: row.to_string().into_bytes() },
        OutputFile { path: format!("search-index/text/{doc}.json"), bytes: text.to_string().into_bytes() },
    ]
}

/// What a result card shows (`docs/<doc>.json`).
fn card_row(site: &Site, m: &Module) -> serde_json::Value {
    let category = site.category(&m.category).map_or(m.category.as_str(), |c| c.title.as_str());
    serde_json::json!([
        m.slug,
        m.title,
        m.summary,
        m.created.to_string(),
        [m.category.as_str(), category],
        m.license,
        use_bits(m),
        m.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
    ])
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
fn sort_json((created, rank): &(Vec<i64>, Vec<usize>)) -> String {
    serde_json::json!({ "created": created, "title": rank }).to_string()
}

/// Per document, its creation day (since 1970-01-01) and its rank by title.
fn sort_keys(modules: &[&Module]) -> (Vec<i64>, Vec<usize>) {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let created: Vec<i64> = modules.iter().map(|m| (m.created - epoch).num_days()).collect();
    let keys: Vec<String> = modules.iter().map(|m| m.title.to_lowercase()).collect();
    let mut order: Vec<usize> = (0..modules.len()).collect();
    order.par_sort_by(|&a, &b| natural_cmp(&keys[a], &keys[b]).then_with(|| modules[a].slug.cmp(&modules[b].slug)));
    let mut rank = vec![0usize; modules.len()];
    for (r, &doc) in order.iter().enumerate() {
        rank[doc] = r;
    }
    (created, rank)
}

/// `search-index/lists/`: the listing without a query, per filter value ([`listing`]).
fn list_files(site: &Site, modules: &[&Module], (created, rank): &(Vec<i64>, Vec<usize>)) -> Vec<OutputFile> {
    let order = listing::newest_first(created, rank);
    listing::files(site, modules, &order, |doc| card_row(site, modules[doc]))
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

/// `s` as a JSON string, appended to `out` (the same bytes as [`json`]).
fn push_json(out: &mut Vec<u8>, s: &str) {
    // Writing to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
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

    /// `(slug, file text)` of every module file of the real catalogue (`modules/`).
    fn real_catalogue() -> Vec<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("modules");
        let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| {
                let path = entry.unwrap().path();
                (path.file_stem().unwrap().to_string_lossy().to_string(), std::fs::read_to_string(&path).unwrap())
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn same_bytes_as_elasticlunr_rs_on_the_real_catalogue_text() {
        let mut docs = Vec::new();
        for (slug, text) in real_catalogue() {
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
    fn shards_hold_every_term_in_index_order_with_gap_coded_postings_and_lengths() {
        let idx = SearchIndex::build(vec![
            doc("b", ["alpha beta", "", "", "", "alpha alpha 2019"]),
            doc("a", ["beta", "", "", "", "gamma"]),
        ]);
        let (files, layout) = idx.shard_files(&empty_site());
        assert_eq!(files.iter().filter(|f| f.path.starts_with("search-index/terms/")).count(), 1);
        let text = String::from_utf8(files[0].bytes.clone()).unwrap();
        assert_eq!(layout.firsts, ["2019"]);
        assert_eq!(
            text,
            r#"[["2019",{"body":[1,1,3]}],["alpha",{"title":[1,1,2],"body":[1,2,3]}],["beta",{"title":[0,1,1,1,1,2]}],["gamma",{"body":[0,1,1]}]]"#
        );
    }
    fn empty_site() -> Site {
        Site {
            settings: crate::site::Settings {
                title: String::new(),
                description: String::new(),
                base_url: String::new(),
                language: "en".into(),
                repository: None,
                page_size: 48,
                elasticlunr_json: false,
                check: Default::default(),
            },
            categories: Vec::new(),
            pages: Vec::new(),
            modules: Vec::new(),
        }
    }

    #[test]
    fn the_pipeline_is_trimmer_stop_words_stemmer() {
        let names: Vec<String> = English::new().make_pipeline().queue.iter().map(|f| f.name()).collect();
        assert_eq!(names, ["trimmer", "stopWordFilter", "stemmer"]);
    }

    #[test]
    fn compound_parts_are_indexed_as_elasticlunr_rs_would_index_them() {
        let title = compound::augment("MobileNetV3 on an HTTPServer");
        let summary = compound::augment("Nowcasting with ai4eosc_thunder_nowcast_ml and resnet50.");
        assert_same(vec![doc("a", [&title, "", &summary, "", "body words"])]);
        let idx = SearchIndex::build(vec![doc("a", [&title, "", &summary, "", ""])]);
        for term in ["mobilenetv3", "mobil", "net", "v3", "http", "server", "thunder", "nowcast", "eosc", "resnet"] {
            assert!(idx.has_term(term), "{term}");
        }
    }

    #[test]
    fn the_vocabulary_is_the_surface_words_whose_term_is_indexed() {
        let idx = SearchIndex::build(vec![
            doc(
                "a",
                ["Satellites, images!", "", "", "", "the of an ab abc 123 a1b 2019 😀x naïve (quoted) x\u{1F600}yz"],
            ),
            doc("b", ["Images", "", "", "", "café"]),
        ]);
        let words: Vec<(&str, u32)> = idx.words.iter().map(|(w, n)| (w.as_str(), *n)).collect();
        // Stop words, words under 3 units, words with anything but letters and words
        // outside the BMP are out; the trimmer's ASCII-only trimming keeps `naïve` and
        // cuts `café`.
        assert_eq!(words, [("abc", 1), ("caf", 1), ("images", 2), ("naïve", 1), ("quoted", 1), ("satellites", 1)]);
        assert_every_word_has_its_term(&idx);
    }

    /// The client stems a word it finds in the fuzzy shards: that term must be indexed.
    fn assert_every_word_has_its_term(idx: &SearchIndex) {
        let pipeline = English::new().make_pipeline();
        for w in idx.words.keys() {
            let terms = pipeline.run(vec![w.clone()]);
            assert!(terms.len() == 1 && idx.has_term(&terms[0]), "{w}: {terms:?}");
        }
    }

    #[test]
    fn every_vocabulary_word_of_the_real_catalogue_has_its_term_in_the_index() {
        let mut docs = Vec::new();
        for (slug, text) in real_catalogue() {
            docs.push(Document { slug, fields: [compound::augment(&text), "".into(), "".into(), "".into(), text] });
        }
        let idx = SearchIndex::build(docs);
        assert!(idx.words.len() > 1000);
        assert_every_word_has_its_term(&idx);
    }

    #[test]
    fn suffix_shards_list_long_terms_by_their_reversal() {
        let body: Vec<String> = (0..4000).map(|i| format!("w{}{}", i, "abcdefghij".repeat(1 + i % 3))).collect();
        let idx = SearchIndex::build(vec![doc("a", ["mobilenet net", "", "", "", &body.join(" ")])]);
        let (files, layout) = idx.shard_files(&empty_site());
        let suffix_files: Vec<&OutputFile> =
            files.iter().filter(|f| f.path.starts_with("search-index/suffix/")).collect();
        let shards: Vec<Vec<String>> = suffix_files.iter().map(|f| serde_json::from_slice(&f.bytes).unwrap()).collect();
        assert!(shards.len() > 3, "{} shards", shards.len());
        assert_eq!(layout.suffix.firsts(), shards.iter().map(|s| s[0].clone()).collect::<Vec<_>>());
        let all: Vec<String> = shards.concat();
        let reversed: Vec<String> = all.iter().map(|t| t.chars().rev().collect()).collect();
        assert!(reversed.windows(2).all(|p| p[0] < p[1]));
        assert!(all.contains(&"mobilenet".to_string()) && !all.contains(&"net".to_string()));
        for f in &suffix_files {
            assert!(f.bytes.len() <= 16 * 1024 + 64, "{}: {} bytes", f.path, f.bytes.len());
        }
        let meta_of = |files: &[OutputFile]| -> serde_json::Value {
            serde_json::from_slice(&files.iter().find(|f| f.path == "search-index/meta.json").unwrap().bytes).unwrap()
        };
        let meta = meta_of(&files);
        assert_eq!(meta["suffix"], serde_json::json!(layout.suffix.firsts()));
        assert_eq!(meta["fuzzy"], serde_json::json!({"shards": layout.fuzzy.shards(), "prefix": 7, "window": 4}));
        assert_eq!(meta["text"], 8000);
        // No vocabulary, no long terms: the keys are absent.
        let (files, _) = SearchIndex::build(vec![doc("a", ["ab 12", "", "", "", ""])]).shard_files(&empty_site());
        let meta = meta_of(&files);
        assert!(meta.get("fuzzy").is_none() && meta.get("suffix").is_none(), "{meta}");
    }

    /// Every file of `search-index/` a full build writes, by path.
    fn full_files(
        idx: &SearchIndex,
        rendered: &BTreeMap<String, Rendered>,
    ) -> (BTreeMap<String, Vec<u8>>, ShardLayout) {
        let (files, layout) = idx.shard_files(&empty_site());
        let texts = std::sync::Mutex::new(Vec::new());
        idx.doc_files(&empty_site(), rendered, |f| -> Result<(), ()> {
            texts.lock().unwrap().push(f);
            Ok(())
        })
        .unwrap();
        let all = files.into_iter().chain(texts.into_inner().unwrap()).map(|f| (f.path, f.bytes)).collect();
        (all, layout)
    }

    /// The files with the term shards (`serve` keeps the full build's cut) and meta's list
    /// of their first terms replaced by the entries they hold, in order.
    fn normalised(mut files: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
        let mut meta: serde_json::Value = serde_json::from_slice(&files["search-index/meta.json"]).unwrap();
        let rests = meta.as_object_mut().unwrap().remove("shards").unwrap();
        let shared = meta.as_object_mut().unwrap().remove("shared").unwrap();
        // Shard numbers, which depend on the cut: checked against the shards, then left out.
        // meta.json lists them as gaps, and the first terms front-coded.
        let ungapped = |v: serde_json::Value| -> Vec<u64> {
            v.as_array()
                .unwrap()
                .iter()
                .scan(0, |n, g| {
                    *n += g.as_u64().unwrap();
                    Some(*n)
                })
                .collect()
        };
        let single = serde_json::json!(ungapped(meta["single"].take()));
        let dense: serde_json::Map<String, serde_json::Value> = meta["dense"]
            .take()
            .as_object()
            .unwrap()
            .iter()
            .map(|(f, v)| (f.clone(), serde_json::json!(ungapped(v.clone()))))
            .collect();
        let mut before: Vec<u16> = Vec::new();
        let shards: Vec<String> = rests
            .as_array()
            .unwrap()
            .iter()
            .zip(shared.as_array().unwrap())
            .map(|(rest, n)| {
                before.truncate(n.as_u64().unwrap() as usize);
                before.extend(rest.as_str().unwrap().encode_utf16());
                String::from_utf16(&before).unwrap()
            })
            .collect();
        let mut entries: Vec<serde_json::Value> = Vec::new();
        for (k, first) in shards.iter().enumerate() {
            let bytes = files.remove(&format!("search-index/terms/{k}.json")).unwrap();
            let shard = serde_json::from_slice::<Vec<serde_json::Value>>(&bytes).unwrap();
            assert_eq!(shard[0][0], first.as_str(), "shard {k}: its first term, front-coded in meta.json");
            let listed = |v: &serde_json::Value| v.as_array().unwrap().iter().any(|x| x == k);
            assert_eq!(listed(&single), shard.len() == 1, "shard {k}: `single`");
            for field in FIELDS {
                let has_dense = shard.iter().any(|e| e[1][field].get("pairs").is_some());
                assert_eq!(dense.get(field).is_some_and(listed), has_dense, "shard {k}: `dense` of {field}");
            }
            entries.extend(shard);
        }
        assert!(files.keys().all(|k| !k.starts_with("search-index/terms/")), "a shard beyond meta's list");
        files.insert("search-index/meta.json".into(), meta.to_string().into_bytes());
        files.insert("terms".into(), serde_json::Value::from(entries).to_string().into_bytes());
        files
    }

    /// `replace` and `updated_files`, file by file, give what a full build of the edited
    /// documents writes, through changes of the number of fuzzy and suffix shards.
    #[test]
    fn updates_write_what_a_full_build_writes() {
        let plain = |s: &str| Rendered { plain: s.to_string(), ..Default::default() };
        let mut rendered: BTreeMap<String, Rendered> = (0..30)
            .map(|i| (format!("m{i:02}"), plain(&format!("Module {i} finds  objects\nin images {} of birds.", i * 7))))
            .collect();
        let mut titles: BTreeMap<String, String> = rendered.keys().map(|s| (s.clone(), format!("Model {s}"))).collect();
        let docs = |rendered: &BTreeMap<String, Rendered>, titles: &BTreeMap<String, String>| -> Vec<Document> {
            rendered
                .iter()
                .map(|(slug, r)| Document {
                    slug: slug.clone(),
                    fields: [compound::augment(&titles[slug]), "tag".into(), "".into(), "Cat".into(), r.plain.clone()],
                })
                .collect()
        };
        let mut idx = SearchIndex::build(docs(&rendered, &titles));
        let (mut served, mut layout) = full_files(&idx, &rendered);
        let count = |files: &BTreeMap<String, Vec<u8>>, dir: &str| files.keys().filter(|k| k.contains(dir)).count();
        // Letters only (the fuzzy vocabulary's words): i written in base 26.
        let letters = |mut i: usize| -> String {
            let mut s = String::new();
            loop {
                s.push((b'a' + (i % 26) as u8) as char);
                i /= 26;
                if i == 0 {
                    break s;
                }
            }
        };
        let big = (0..3000).map(|i| format!("zebra{}quagga", letters(i))).collect::<Vec<_>>().join(" ");
        let edits: [(&str, Option<&str>, Option<&str>); 4] = [
            // Thousands of new words: more fuzzy shards, more suffix shards.
            ("m07", None, Some(&big)),
            // One new word in a title: a few fuzzy shards, one or two suffix shards.
            ("m03", Some("Model m03 okapiNet"), None),
            // Back to a small vocabulary: fewer fuzzy and suffix shards, stale ones deleted.
            ("m07", None, Some("Back to short words.")),
            // No word comes or goes: no fuzzy or suffix file.
            ("m05", Some("Model m05 birds"), None),
        ];
        for (step, (slug, title, body)) in edits.into_iter().enumerate() {
            let before = docs(&rendered, &titles).into_iter().find(|d| d.slug == slug).unwrap();
            if let Some(t) = title {
                titles.insert(slug.into(), t.into());
            }
            if let Some(b) = body {
                rendered.insert(slug.into(), plain(b));
            }
            let after = docs(&rendered, &titles).into_iter().find(|d| d.slug == slug).unwrap();
            let mut changed = Changed::default();
            idx.replace(&before, &after, &mut changed);
            let updated = idx.updated_files(&empty_site(), &mut layout, &changed, &rendered);
            let was = served.clone();
            for path in &updated.removed {
                assert!(served.remove(path).is_some(), "step {step}: {path} did not exist");
            }
            let written: Vec<String> = updated.files.iter().map(|f| f.path.clone()).collect();
            served.extend(updated.files.into_iter().map(|f| (f.path, f.bytes)));
            let (full, _) = full_files(&SearchIndex::build(docs(&rendered, &titles)), &rendered);
            let (served_n, full_n) = (normalised(served.clone()), normalised(full));
            let only = |a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>| -> Vec<String> {
                a.keys().filter(|k| !b.contains_key(*k)).cloned().collect()
            };
            assert!(
                served_n.len() == full_n.len(),
                "step {step}: {:?} {:?}",
                only(&served_n, &full_n),
                only(&full_n, &served_n)
            );
            for (path, bytes) in &full_n {
                assert!(&served_n[path] == bytes, "step {step}: {path} differs");
            }
            let fuzzy_written = written.iter().filter(|p| p.contains("/fuzzy/")).count();
            let suffix_written = written.iter().filter(|p| p.contains("/suffix/")).count();
            let removed = |dir: &str| updated.removed.iter().any(|p| p.contains(dir));
            match step {
                0 => {
                    assert!(count(&served, "/fuzzy/") >= 4 * count(&was, "/fuzzy/"), "{written:?}");
                    assert!(count(&served, "/suffix/") > 4, "{written:?}");
                }
                1 => {
                    // New words `okapinet`, `okapi`, `net`: at most 17 keys each.
                    assert!((1..=3 * 17).contains(&fuzzy_written), "{written:?}");
                    assert!((1..=2).contains(&suffix_written), "{written:?}");
                }
                2 => assert!(removed("/fuzzy/") && removed("/suffix/"), "{:?}", updated.removed),
                _ => assert_eq!(fuzzy_written + suffix_written, 0, "{written:?}"),
            }
            // (The result cards and texts, docs/ and text/<doc>.json, are a module's: tests/suite/serve.rs.)
            for file in ["meta", "facets", "tags", "sort"] {
                assert!(written.contains(&format!("search-index/{file}.json")), "{written:?}");
            }
        }
    }
}
