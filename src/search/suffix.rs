//! The suffix index, `search-index/suffix/<k>.json`: the index terms of 5 units or more,
//! sorted by their reversal, so that a client finds the terms ending with a query word
//! (`net` in `mobilenet`) with a range of one or two small files.
//!
//! Shards are cut where the content says (a term's hash), not every so many bytes: a term
//! added or removed by an edit changes its own shard only (rarely its neighbour), so
//! `serve` rewrites a file or two and its output stays the full build's.

use std::cmp::Ordering;

use rayon::prelude::*;

use super::fuzzy::fnv1a32;
use super::{push_json, Delta, Sum};

/// Terms shorter than this (UTF-16 units) are not listed.
pub const MIN_UNITS: usize = 5;
/// A shard may end once it holds this many bytes...
const MIN_BYTES: usize = 4096;
/// ...after a term with `fnv1a32(term) % CUT_EVERY <` its bytes (so about every
/// `CUT_EVERY` bytes past `MIN_BYTES`: about 8 KB a shard)...
const CUT_EVERY: u32 = 4096;
/// ...and must end here.
const MAX_BYTES: usize = 16 * 1024;

/// Whether a (BMP) term is listed.
pub fn listed(term: &str) -> bool {
    term.encode_utf16().count() >= MIN_UNITS
}

/// Code-unit order of the reversed strings (for BMP strings, code point order).
fn by_reversal(a: &str, b: &str) -> Ordering {
    a.chars().rev().cmp(b.chars().rev())
}

/// The files and their first terms.
fn cut(terms: &[String]) -> (Vec<Vec<u8>>, Vec<String>) {
    let mut files = Vec::new();
    let mut firsts = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    for t in terms {
        let before = current.len();
        if current.is_empty() {
            firsts.push(t.clone());
            current.push(b'[');
        } else {
            current.push(b',');
        }
        push_json(&mut current, t);
        let added = (current.len() - before) as u32;
        let len = current.len();
        if len >= MAX_BYTES || (len >= MIN_BYTES && fnv1a32(t.encode_utf16()) % CUT_EVERY < added) {
            current.push(b']');
            files.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        current.push(b']');
        files.push(current);
    }
    (files, firsts)
}

/// The listed terms in reversal order, the first term of each shard and what was written.
pub struct Layout {
    terms: Vec<String>,
    firsts: Vec<String>,
    sums: Vec<Sum>,
}

impl Layout {
    /// The layout and files of `terms` (BMP, any order, unique).
    pub fn build(terms: impl Iterator<Item = String>) -> (Layout, Vec<Vec<u8>>) {
        let mut terms: Vec<String> = terms.filter(|t| listed(t)).collect();
        terms.par_sort_unstable_by(|a, b| by_reversal(a, b));
        let (files, firsts) = cut(&terms);
        let sums = files.iter().map(|f| Sum::of(f)).collect();
        (Layout { terms, firsts, sums }, files)
    }

    /// The first term of each shard, for meta.json.
    pub fn firsts(&self) -> &[String] {
        &self.firsts
    }

    /// After an edit: `changed` terms (BMP) may have come or gone, `present` says which
    /// are in the index now. The cut is made again over every term (a linear pass); the
    /// files whose bytes differ are written, shards past the new last one deleted.
    pub fn update<'a>(&mut self, changed: impl Iterator<Item = &'a String>, present: impl Fn(&str) -> bool) -> Delta {
        let mut moved = false;
        for t in changed.filter(|t| listed(t)) {
            match (self.terms.binary_search_by(|x| by_reversal(x, t)), present(t)) {
                (Ok(i), false) => {
                    self.terms.remove(i);
                    moved = true;
                }
                (Err(i), true) => {
                    self.terms.insert(i, t.clone());
                    moved = true;
                }
                _ => {}
            }
        }
        let old = self.sums.len();
        if !moved {
            return Delta { write: Vec::new(), remove: old..old };
        }
        let (files, firsts) = cut(&self.terms);
        let sums: Vec<Sum> = files.iter().map(|f| Sum::of(f)).collect();
        let write = files.into_iter().enumerate().filter(|(k, _)| self.sums.get(*k) != Some(&sums[*k])).collect();
        let remove = sums.len()..old.max(sums.len());
        self.sums = sums;
        self.firsts = firsts;
        Delta { write, remove }
    }
}
