//! Related modules: for each module, the few others it shares the most with, computed at
//! build time. What counts (theme/README.md says it in a paragraph):
//!
//! - the features two modules share: tasks, data types, libraries, tags, the category,
//!   and the description's rarest words that some other description also uses;
//! - each shared feature weighs its kind's weight ([`Kind::weight`]) times its rarity,
//!   `ln(1 + N / df)` (a tag of three modules says more than one of three thousand);
//! - the best [`Related::MAX`] by score, ties by slug; a module shares nothing with those
//!   it does not list.
//!
//! It must not compare every pair (10,000 modules would be 50 million pairs): a module's
//! features are taken rarest first, the list of modules holding each read whole while a
//! budget of [`BUDGET`] entries lasts, and past it only a window of [`WINDOW`] entries
//! around the module itself; the shortlist found that way is then scored exactly, on
//! every feature the two share.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::render::RenderedContent;
use crate::site::Site;

/// The kinds of feature, each with its weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Task,
    DataType,
    Library,
    Tag,
    Category,
    Word,
}

impl Kind {
    /// What sharing one feature of this kind is worth before rarity: what a visitor who
    /// came for one module would look for in another (the task and the data first).
    fn weight(self) -> f64 {
        match self {
            Kind::Task => 3.0,
            Kind::DataType => 2.0,
            Kind::Tag => 2.0,
            Kind::Library => 1.5,
            Kind::Category => 1.0,
            Kind::Word => 1.0,
        }
    }
}

/// One module as the computation sees it: its features (kind, value) and the plain text
/// of its description.
pub struct Profile<'a> {
    pub features: Vec<(Kind, &'a str)>,
    pub text: &'a str,
}

/// The related modules of every module of `site` (in its slug order), from their
/// metadata and their rendered descriptions' plain text.
pub fn of_site(site: &Site, content: &RenderedContent) -> Vec<Vec<usize>> {
    let profiles: Vec<Profile<'_>> = site
        .modules
        .iter()
        .map(|m| {
            let mut features: Vec<(Kind, &str)> = Vec::new();
            features.extend(m.tasks.iter().map(|t| (Kind::Task, t.as_str())));
            features.extend(m.data_types.iter().map(|t| (Kind::DataType, t.as_str())));
            features.extend(m.libraries.iter().map(|t| (Kind::Library, t.as_str())));
            features.extend(m.tags.iter().map(|t| (Kind::Tag, t.slug.as_str())));
            features.push((Kind::Category, m.category.as_str()));
            let text = content.modules.get(&m.slug).map_or("", |r| r.plain.as_str());
            Profile { features, text }
        })
        .collect();
    Related::compute(&profiles)
}

/// Module lists read per module: those of its rarest features whole, while this lasts.
const BUDGET: usize = 2048;
/// Past the budget, entries of a feature's module list looked at around the module.
const WINDOW: usize = 32;
/// Description words kept per module: its rarest words also in another description.
const WORDS: usize = 12;
/// Shortlisted candidates per related module shown, scored exactly at the end.
const SHORTLIST: usize = 4;

pub struct Related;

impl Related {
    /// Related modules shown on a module page, at most.
    pub const MAX: usize = 6;

    /// For each profile (in the order given, which must be the modules' slug order), the
    /// indexes of its related modules, best first.
    pub fn compute(profiles: &[Profile<'_>]) -> Vec<Vec<usize>> {
        let n = profiles.len();
        if n < 2 {
            return vec![Vec::new(); n];
        }
        let words = rare_words(profiles);
        // Features interned: per module its sorted feature ids, per feature its modules.
        // A feature is known by its kind and a 64-bit hash of its value.
        let mut ids: HashMap<(Kind, u64), u32> = HashMap::new();
        let mut keys: Vec<(Kind, u64)> = Vec::new();
        let mut of_module: Vec<Vec<u32>> = Vec::with_capacity(n);
        for (p, w) in profiles.iter().zip(&words) {
            let mut mine: Vec<u32> = p
                .features
                .iter()
                .map(|(kind, value)| (*kind, fnv1a(value.as_bytes())))
                .chain(w.iter().map(|&w| (Kind::Word, w)))
                .map(|key| {
                    *ids.entry(key).or_insert_with(|| {
                        keys.push(key);
                        (keys.len() - 1) as u32
                    })
                })
                .collect();
            mine.sort_unstable();
            mine.dedup();
            of_module.push(mine);
        }
        let mut holders: Vec<Vec<u32>> = vec![Vec::new(); keys.len()];
        for (m, mine) in of_module.iter().enumerate() {
            for &f in mine {
                holders[f as usize].push(m as u32);
            }
        }
        let weights: Vec<f64> = keys
            .iter()
            .zip(&holders)
            .map(|((kind, _), h)| kind.weight() * (1.0 + n as f64 / h.len() as f64).ln())
            .collect();
        let exact = |a: &[u32], b: &[u32]| -> f64 {
            let (mut i, mut j, mut s) = (0, 0, 0.0);
            while i < a.len() && j < b.len() {
                match a[i].cmp(&b[j]) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        s += weights[a[i] as usize];
                        i += 1;
                        j += 1;
                    }
                }
            }
            s
        };
        (0..n)
            .into_par_iter()
            .map_init(
                // Scratch reused from module to module: a table per module, allocated and
                // freed while small results are kept, fragmented the heap by hundreds of MB.
                || Scratch { scores: vec![0.0f32; n], touched: Vec::new(), mine: Vec::new(), found: Vec::new() },
                |Scratch { scores, touched, mine, found }, m| {
                    // The rarest features first, each module list read whole while the
                    // budget lasts; past it, a window of the list around the module.
                    mine.clear();
                    mine.extend_from_slice(&of_module[m]);
                    mine.sort_by_key(|&f| (holders[f as usize].len(), f));
                    let mut budget = BUDGET;
                    for &f in mine.iter() {
                        let h = &holders[f as usize];
                        let w = weights[f as usize] as f32;
                        let take = if h.len() <= budget { h.len() } else { h.len().min(WINDOW.max(budget)) };
                        budget = budget.saturating_sub(take);
                        let range = if take == h.len() {
                            0..h.len()
                        } else {
                            let at = h.binary_search(&(m as u32)).unwrap_or_else(|i| i);
                            let start = at.saturating_sub(take / 2).min(h.len() - take);
                            start..start + take
                        };
                        for &o in &h[range] {
                            if o as usize == m {
                                continue;
                            }
                            if scores[o as usize] == 0.0 {
                                touched.push(o);
                            }
                            scores[o as usize] += w;
                        }
                    }
                    found.clear();
                    found.extend(touched.iter().map(|&o| (o, f64::from(scores[o as usize]))));
                    for &o in touched.iter() {
                        scores[o as usize] = 0.0;
                    }
                    touched.clear();
                    let keep = Self::MAX * SHORTLIST;
                    if found.len() > keep {
                        found.select_nth_unstable_by(keep - 1, by_score);
                        found.truncate(keep);
                    }
                    for c in found.iter_mut() {
                        c.1 = exact(&of_module[m], &of_module[c.0 as usize]);
                    }
                    found.sort_unstable_by(by_score);
                    found.iter().filter(|c| c.1 > 0.0).take(Self::MAX).map(|c| c.0 as usize).collect()
                },
            )
            .collect()
    }
}

/// What scoring one module needs, kept per thread.
struct Scratch {
    /// Per module, its score against the one being scored (zero when untouched).
    scores: Vec<f32>,
    touched: Vec<u32>,
    mine: Vec<u32>,
    found: Vec<(u32, f64)>,
}

/// Best score first, then the module first in slug order.
fn by_score(a: &(u32, f64), b: &(u32, f64)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
}

/// FNV-1a, 64 bits: a word or a value is known by its hash (no string kept per word;
/// two of them colliding is too unlikely to matter for a list of suggestions).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// How much of a description is read for its words: its beginning says what it is about,
/// and the work per module stays bounded whatever its length.
const TEXT_BYTES: usize = 4096;

/// The hashes of the words of at least 4 bytes, with a letter, that say something (not
/// one of [`COMMON`]), ASCII letters lowercased, once each, sorted. Bytes, not characters:
/// this runs over every description, and a byte of a non-ASCII character is taken as a
/// letter (such words are rare here, and only have to be told apart, not shown).
fn words_of(text: &str, common: &[u64]) -> Vec<u64> {
    const SEED: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = &text.as_bytes()[..text.len().min(TEXT_BYTES)];
    let mut out = Vec::new();
    let (mut h, mut len, mut letter) = (SEED, 0usize, false);
    for &b in bytes.iter().chain(std::iter::once(&b' ')) {
        if b.is_ascii_alphanumeric() || b >= 0x80 {
            h = (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3);
            len += 1;
            letter |= !b.is_ascii_digit();
            continue;
        }
        if len >= 4 && letter && common.binary_search(&h).is_err() {
            out.push(h);
        }
        (h, len, letter) = (SEED, 0, false);
    }
    out.sort_unstable();
    out.dedup();
    // Kept for every module until the frequencies are known: without its slack.
    out.shrink_to_fit();
    out
}

/// Per module, its [`WORDS`] rarest description words that at least one other
/// description has (rarest first, ties by hash), as hashes.
fn rare_words(profiles: &[Profile<'_>]) -> Vec<Vec<u64>> {
    let mut common: Vec<u64> = COMMON.iter().map(|w| fnv1a(w.as_bytes())).collect();
    common.sort_unstable();
    let words: Vec<Vec<u64>> = profiles.par_iter().map(|p| words_of(p.text, &common)).collect();
    // Document frequencies counted per thread and merged (a table of the distinct words,
    // not a copy of every module's words).
    let df: HashMap<u64, u32> = words
        .par_iter()
        .fold(HashMap::new, |mut df, mine| {
            for &h in mine {
                *df.entry(h).or_insert(0) += 1;
            }
            df
        })
        .reduce(HashMap::new, |a, b| {
            let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (h, n) in small {
                *big.entry(h).or_insert(0) += n;
            }
            big
        });
    words
        .par_iter()
        .map(|mine| {
            let mut shared: Vec<(u32, u64)> =
                mine.iter().filter_map(|h| df.get(h).map(|&d| (d, *h))).filter(|(d, _)| *d >= 2).collect();
            shared.sort_unstable();
            shared.truncate(WORDS);
            shared.into_iter().map(|(_, h)| h).collect()
        })
        .collect()
}

/// The commonest English words of four letters or more, and words every module
/// description here uses: sharing them says nothing.
const COMMON: &[&str] = &[
    "about", "also", "been", "before", "being", "both", "but", "can", "could", "data", "does", "each", "from", "have",
    "here", "into", "just", "like", "made", "make", "many", "model", "models", "module", "more", "most", "much",
    "must", "only", "other", "over", "same", "should", "some", "such", "than", "that", "their", "them", "then",
    "there", "these", "they", "this", "those", "through", "used", "uses", "using", "very", "well", "were", "what",
    "when", "where", "which", "while", "will", "with", "within", "would", "your",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn profile<'a>(features: &[(Kind, &'a str)], text: &'a str) -> Profile<'a> {
        Profile { features: features.to_vec(), text }
    }

    #[test]
    fn shared_rare_features_come_first_ties_by_order() {
        let p = vec![
            profile(&[(Kind::Task, "Classification"), (Kind::DataType, "Audio"), (Kind::Category, "a")], ""),
            profile(&[(Kind::Task, "Classification"), (Kind::DataType, "Audio"), (Kind::Category, "b")], ""),
            profile(&[(Kind::Task, "Classification"), (Kind::Category, "a")], ""),
            profile(&[(Kind::Category, "a")], ""),
            profile(&[(Kind::Category, "c")], ""),
        ];
        let r = Related::compute(&p);
        assert_eq!(r[0], vec![1, 2, 3]);
        assert_eq!(r[4], Vec::<usize>::new(), "shares nothing with anyone");
        assert_eq!(r[3], vec![0, 2]);
    }

    #[test]
    fn rare_description_words_count() {
        let p = vec![
            profile(&[], "Counts zooplankton in plankton images"),
            profile(&[], "Segments zooplankton"),
            profile(&[], "Segments roads"),
        ];
        let r = Related::compute(&p);
        assert_eq!(r[0], vec![1]);
        assert_eq!(r[1], vec![0, 2], "zooplankton and segments, as rare as each other: by order");
    }
}
