//! The typo index, `search-index/fuzzy/<s>.json`: deletion-neighbourhood keys of every
//! surface word, so that a client finds the words within one edit (query words of 4-7
//! UTF-16 units, family A) or two edits (8 or more, family B) of a query word by fetching
//! the shards of the query's own keys. `docs/search-index.md` is the format.

use rayon::prelude::*;

use super::{push_json, Delta, Sum};

/// Family A keys are built from the first `PREFIX` units of a word.
pub const PREFIX: usize = 7;
/// Family B keys are built from the first and the last `WINDOW` units.
pub const WINDOW: usize = 4;
/// Shards are as many as needed (a power of two) for this many raw bytes each at most.
const SHARD_BYTES: usize = 4096;

/// FNV-1a (32 bits) over UTF-16 code units, as the client hashes a JavaScript string.
pub fn fnv1a32(units: impl IntoIterator<Item = u16>) -> u32 {
    units.into_iter().fold(0x811c_9dc5, |h: u32, u| (h ^ u32::from(u)).wrapping_mul(0x0100_0193))
}

/// A key: at most `PREFIX` UTF-16 units (family B keys are a mark and `WINDOW` units).
/// Ordered by its units, as the files list keys.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Key {
    len: u8,
    units: [u16; PREFIX],
}

impl Key {
    fn new(mark: Option<u16>, s: &[u16], skip: Option<usize>) -> Key {
        let mut k = Key { len: 0, units: [0; PREFIX] };
        let kept = s.iter().enumerate().filter(|&(i, _)| Some(i) != skip).map(|(_, &u)| u);
        for u in mark.into_iter().chain(kept) {
            k.units[k.len as usize] = u;
            k.len += 1;
        }
        k
    }

    fn units(&self) -> &[u16] {
        &self.units[..self.len as usize]
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.units().cmp(other.units())
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// `s` and `s` with each one unit deleted, each after `mark` if there is one.
fn with_deletions(mark: Option<u16>, s: &[u16], out: &mut Vec<Key>) {
    out.push(Key::new(mark, s, None));
    out.extend((0..s.len()).map(|i| Key::new(mark, s, Some(i))));
}

/// Family A (one edit): the first `PREFIX` units, and those with one unit deleted.
fn family_a(word: &[u16], out: &mut Vec<Key>) {
    with_deletions(None, &word[..word.len().min(PREFIX)], out);
}

/// Family B (two edits), for words of 6 units or more: `<` and the first `WINDOW` units,
/// `>` and the last `WINDOW`, each also with one unit deleted.
fn family_b(word: &[u16], out: &mut Vec<Key>) {
    let n = word.len();
    if n >= 6 {
        with_deletions(Some(u16::from(b'<')), &word[..WINDOW], out);
        with_deletions(Some(u16::from(b'>')), &word[n - WINDOW..], out);
    }
}

/// The keys of a word (UTF-16 units), without duplicates, sorted.
fn keys(word: &[u16]) -> Vec<Key> {
    let mut out = Vec::with_capacity(2 * (PREFIX + 1) + 2 * (WINDOW + 1));
    family_a(word, &mut out);
    family_b(word, &mut out);
    out.sort_unstable();
    out.dedup();
    out
}

/// The entries `[key,[word,...]]` of every key whose hash passes `keep`, in key order,
/// with the key's hash. `words` is the vocabulary, sorted (so each key's words are).
fn entries(words: &[&str], keep: &(dyn Fn(u32) -> bool + Sync)) -> Vec<(u32, Vec<u8>)> {
    let mut pairs: Vec<(Key, u32, u32)> = words
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, w)| {
            let units: Vec<u16> = w.encode_utf16().collect();
            keys(&units).into_iter().filter_map(move |k| {
                let h = fnv1a32(k.units().iter().copied());
                keep(h).then_some((k, h, i as u32))
            })
        })
        .collect();
    // (key, word) pairs are unique: an unstable sort is deterministic.
    pairs.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)));
    let groups: Vec<&[(Key, u32, u32)]> = pairs.chunk_by(|a, b| a.0 == b.0).collect();
    groups
        .par_iter()
        .map(|g| {
            let mut e = Vec::with_capacity(16 + 12 * g.len());
            e.push(b'[');
            push_json(&mut e, &String::from_utf16_lossy(g[0].0.units()));
            e.extend_from_slice(b",[");
            for (j, &(_, _, w)) in g.iter().enumerate() {
                if j > 0 {
                    e.push(b',');
                }
                push_json(&mut e, words[w as usize]);
            }
            e.extend_from_slice(b"]]");
            (g[0].1, e)
        })
        .collect()
}

/// The smallest power of two `S` with `total / S <= SHARD_BYTES`.
fn shard_count(total: usize) -> usize {
    total.div_ceil(SHARD_BYTES).max(1).next_power_of_two()
}

/// `s` files, each the entries of the keys hashing to it, in key order.
fn distribute(entries: &[(u32, Vec<u8>)], s: usize) -> Vec<Vec<u8>> {
    let mask = s as u32 - 1;
    let mut files = vec![vec![b'['; 1]; s];
    for (h, e) in entries {
        let f = &mut files[(h & mask) as usize];
        if f.len() > 1 {
            f.push(b',');
        }
        f.extend_from_slice(e);
    }
    for f in &mut files {
        f.push(b']');
    }
    files
}

/// The length of all entries as one JSON array: what decides `S`, whatever `S` is.
/// `None` when there is no entry.
fn total_of(sums: &[Sum]) -> Option<usize> {
    let nonempty = sums.iter().filter(|s| s.len > 2).count();
    (nonempty > 0).then(|| 2 + sums.iter().map(|s| s.len - 2).sum::<usize>() + nonempty - 1)
}

/// The shard files of a vocabulary (sorted BMP words): none when it is empty.
pub fn shards(words: &[&str]) -> Vec<Vec<u8>> {
    let entries = entries(words, &|_| true);
    if entries.is_empty() {
        return Vec::new();
    }
    let total = 2 + entries.iter().map(|(_, e)| e.len()).sum::<usize>() + entries.len() - 1;
    distribute(&entries, shard_count(total))
}

/// What the last build or update wrote: a sum per shard (their number is `S`).
pub struct Layout {
    sums: Vec<Sum>,
}

impl Layout {
    pub fn new(files: &[Vec<u8>]) -> Layout {
        Layout { sums: files.iter().map(|f| Sum::of(f)).collect() }
    }

    /// `S`, 0 for no vocabulary.
    pub fn shards(&self) -> usize {
        self.sums.len()
    }

    /// The vocabulary is now `words` (sorted) after `changed` words came or went. Only the
    /// shards holding their keys can change; all of them are rewritten when `S` changes.
    pub fn update(&mut self, words: &[&str], changed: &[&str]) -> Delta {
        let s = self.sums.len();
        if changed.is_empty() {
            return Delta { write: Vec::new(), remove: s..s };
        }
        if s > 0 {
            let mask = s as u32 - 1;
            let mut affected = vec![false; s];
            for w in changed {
                let units: Vec<u16> = w.encode_utf16().collect();
                for k in keys(&units) {
                    affected[(fnv1a32(k.units().iter().copied()) & mask) as usize] = true;
                }
            }
            let files = distribute(&entries(words, &|h| affected[(h & mask) as usize]), s);
            let mut sums = self.sums.clone();
            for (k, f) in files.iter().enumerate().filter(|&(k, _)| affected[k]) {
                sums[k] = Sum::of(f);
            }
            if total_of(&sums).is_some_and(|t| shard_count(t) == s) {
                let write =
                    files.into_iter().enumerate().filter(|(k, _)| affected[*k] && sums[*k] != self.sums[*k]).collect();
                self.sums = sums;
                return Delta { write, remove: s..s };
            }
        }
        let files = shards(words);
        let sums: Vec<Sum> = files.iter().map(|f| Sum::of(f)).collect();
        let write = files.into_iter().enumerate().filter(|(k, _)| self.sums.get(*k) != Some(&sums[*k])).collect();
        let remove = sums.len()..s.max(sums.len());
        self.sums = sums;
        Delta { write, remove }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    fn strings(keys: &[Key]) -> Vec<String> {
        keys.iter().map(|k| String::from_utf16_lossy(k.units())).collect()
    }

    /// The values docs/search-index.md gives, for the client's tests.
    #[test]
    fn fnv1a32_of_utf16_units() {
        let h = |s: &str| fnv1a32(s.encode_utf16());
        assert_eq!(h(""), 0x811c_9dc5);
        assert_eq!(h("a"), 0xe40c_292c);
        assert_eq!(h("foobar"), 0xbf9c_f968);
        assert_eq!(h("<sate"), 0x8f89_e968);
        // Units above 0xff: not the hash of the UTF-8 bytes.
        assert_eq!(h("naïve"), 0x36e9_9b4c);
        assert_eq!(h("日本"), 0x5ffc_bea4);
        // Outside the BMP: its two surrogates.
        assert_eq!(h("😀"), 0xcb31_c4b8);
    }

    #[test]
    fn keys_of_known_words() {
        assert_eq!(
            strings(&keys(&units("satellite"))),
            [
                "<ate", "<sae", "<sat", "<sate", "<ste", ">ite", ">lie", ">lit", ">lite", ">lte", "atelli", "saelli",
                "sateli", "satell", "satelli", "satlli", "stelli"
            ]
        );
        assert_eq!(strings(&keys(&units("yolo"))), ["olo", "ylo", "yol", "yolo", "yoo"]);
        // Six units: both families; the windows overlap.
        assert_eq!(
            strings(&keys(&units("resnet"))),
            [
                "<esn", "<ren", "<res", "<resn", "<rsn", ">net", ">set", ">sne", ">snet", ">snt", "esnet", "renet",
                "reset", "resne", "resnet", "resnt", "rsnet"
            ]
        );
    }

    /// Optimal string alignment distance (no substring edited twice).
    fn osa(a: &[u16], b: &[u16]) -> usize {
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        d[a.len()][b.len()]
    }

    /// Every word one edit away: insertions and substitutions of a-z, deletions, swaps of
    /// neighbours.
    fn one_edit(w: &[u16]) -> Vec<Vec<u16>> {
        let mut out = Vec::new();
        for i in 0..=w.len() {
            for c in b'a'..=b'z' {
                let mut v = w.to_vec();
                v.insert(i, u16::from(c));
                out.push(v);
                if i < w.len() {
                    let mut v = w.to_vec();
                    v[i] = u16::from(c);
                    out.push(v);
                }
            }
            if i < w.len() {
                let mut v = w.to_vec();
                v.remove(i);
                out.push(v);
            }
            if i + 1 < w.len() {
                let mut v = w.to_vec();
                v.swap(i, i + 1);
                out.push(v);
            }
        }
        out
    }

    /// xorshift64*: a seeded, dependency-free sequence.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
        }

        /// One random edit of `w` (insertion, deletion, substitution or swap).
        fn edit(&mut self, w: &mut Vec<u16>) {
            let c = u16::from(b'a') + self.below(26) as u16;
            match self.below(4) {
                0 => {
                    let i = self.below(w.len() + 1);
                    w.insert(i, c)
                }
                1 => {
                    let i = self.below(w.len());
                    w.remove(i);
                }
                2 => {
                    let i = self.below(w.len());
                    w[i] = c
                }
                _ => {
                    let i = self.below(w.len() - 1);
                    w.swap(i, i + 1)
                }
            }
        }
    }

    fn shares(family: fn(&[u16], &mut Vec<Key>), a: &[u16], b: &[u16]) -> bool {
        let (mut x, mut y) = (Vec::new(), Vec::new());
        family(a, &mut x);
        family(b, &mut y);
        x.iter().any(|k| y.contains(k))
    }

    /// Words of the real catalogue's titles, summaries and descriptions.
    fn real_words() -> Vec<Vec<u16>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("modules");
        let mut words = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for w in text.split(|c: char| !c.is_ascii_alphabetic()) {
                words.insert(w.to_lowercase());
            }
        }
        assert!(words.len() > 1000, "{} words", words.len());
        words.into_iter().map(|w| units(&w)).collect()
    }

    #[test]
    fn every_word_one_edit_away_shares_a_family_a_key() {
        let words: Vec<Vec<u16>> = real_words().into_iter().filter(|w| (4..=7).contains(&w.len())).collect();
        let mut checked = 0;
        for w in words.iter().step_by(words.len() / 150) {
            for v in one_edit(w) {
                assert!(
                    shares(family_a, w, &v),
                    "{} and {}",
                    String::from_utf16_lossy(w),
                    String::from_utf16_lossy(&v)
                );
                checked += 1;
            }
        }
        assert!(checked > 20_000, "{checked}");
    }

    #[test]
    fn every_word_two_edits_away_shares_a_family_b_key() {
        let words: Vec<Vec<u16>> = real_words().into_iter().filter(|w| w.len() >= 8).collect();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut checked = 0;
        while checked < 5000 {
            let w = &words[rng.below(words.len())];
            let mut v = w.clone();
            rng.edit(&mut v);
            if rng.below(4) > 0 {
                rng.edit(&mut v);
            }
            // Two edits in a row may touch one unit twice: OSA distance 3, not promised.
            if osa(w, &v) > 2 {
                continue;
            }
            assert!(shares(family_b, w, &v), "{} and {}", String::from_utf16_lossy(w), String::from_utf16_lossy(&v));
            checked += 1;
        }
    }

    #[test]
    fn shards_are_a_power_of_two_sized_by_the_bytes() {
        assert_eq!(shard_count(0), 1);
        assert_eq!(shard_count(4096), 1);
        assert_eq!(shard_count(4097), 2);
        assert_eq!(shard_count(3 * 4096), 4);
        let owned: Vec<String> = (0..3000).map(|i| format!("word{}x{}", i % 97, i)).collect();
        let mut words: Vec<&str> = owned.iter().map(String::as_str).collect();
        words.sort_unstable();
        let files = shards(&words);
        let total = files.iter().map(|f| f.len() - 2).sum::<usize>() + files.len() + 1;
        assert_eq!(Some(total), total_of(&Layout::new(&files).sums));
        assert_eq!(files.len(), shard_count(total));
        assert!(files.len() > 8);
        // Each file: keys sorted, each in the shard its hash says, words sorted.
        for (s, f) in files.iter().enumerate() {
            let entries: Vec<(String, Vec<String>)> = serde_json::from_slice(f).unwrap();
            assert!(entries.windows(2).all(|p| p[0].0 < p[1].0));
            for (k, ws) in &entries {
                assert_eq!(fnv1a32(k.encode_utf16()) as usize % files.len(), s);
                assert!(ws.windows(2).all(|p| p[0] < p[1]));
            }
        }
        assert!(shards(&[]).is_empty());
    }
}
