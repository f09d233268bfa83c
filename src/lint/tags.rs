//! Near-duplicate tags across modules: `deep learning`, `deeplearning` and
//! `deep-learning-models` are one tag page split in three.
//!
//! Two spellings are near when their normal forms ([`normalise`]) are equal, or close by
//! edit distance under rules strict enough for short and compound tags ([`near`]). Each
//! spelling less used than a near one gets a warning at each of its places, naming the
//! most used near spelling. Candidate pairs come from deletion neighbourhoods (a key and
//! its one-letter deletions in one index; a key of 8 letters or more without two
//! neighbouring letters looked up as a key), so the cost grows with the number of distinct
//! tags and their length, not with the square of their number.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{modules as n_modules, Finding, Place};
use crate::module::Module;

/// Trailing words that say nothing a tag's page would not: `deep learning models` is
/// `deep learning`. Compared after [`singular`].
const SUFFIX_WORDS: &[&str] = &["model"];

/// The words of a tag's normal form: lowercase runs of letters and digits, each
/// singular, a trailing "model(s)" dropped. `Deep-Learning Models` -> `[deep, learning]`.
pub fn words(tag: &str) -> Vec<String> {
    let lower = tag.to_lowercase();
    let mut words: Vec<String> =
        lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(singular).collect();
    while words.len() > 1 && words.last().is_some_and(|w| SUFFIX_WORDS.contains(&w.as_str())) {
        words.pop();
    }
    words
}

/// The form all spellings of one tag share: its [`words`] without separators.
/// `Deep-Learning Models`, `deeplearning` -> `deeplearning`.
pub fn normalise(tag: &str) -> String {
    words(tag).concat()
}

/// English plurals, on a lowercase word: `libraries` -> `library`, `patches` -> `patch`,
/// `gans` -> `gan`. Words of three letters or fewer (`gas`, `aws`) and the endings `ss`,
/// `us`, `is` (`class`, `corpus`, `analysis`) stay.
pub fn singular(word: &str) -> String {
    let n = word.chars().count();
    if n <= 3 || !word.ends_with('s') || ["ss", "us", "is"].iter().any(|e| word.ends_with(e)) {
        return word.to_string();
    }
    if let Some(stem) = word.strip_suffix("ies").filter(|_| n > 4) {
        return format!("{stem}y");
    }
    for ending in ["sses", "shes", "ches", "xes", "zes"] {
        if word.ends_with(ending) {
            return word[..word.len() - 2].to_string();
        }
    }
    word[..word.len() - 1].to_string()
}

/// How two normal forms are related, when they are near.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Near {
    /// The same normal form: case, separators, a plural or a suffix word apart.
    Same,
    /// This many letters apart (optimal string alignment: a swap of two neighbours is one).
    Letters(usize),
}

/// Whether two tags (as their [`words`]) are spellings of one tag. Beyond equal normal
/// forms:
/// - tags whose numbers differ never are (`api-v1` / `api-v2`, `yolo` / `yolov8`);
/// - of two tags of as many words, all but one equal, the two differing words are near
///   - one letter apart, when the shorter has at least 8 letters (`tensorflow` /
///     `tensorfow`), or at least 5 and the two differ by a swap of neighbours (`pytroch`):
///     shorter words are often different names (`cnn` / `rnn`, `resnet` / `regnet`,
///     `cpu inference` / `gpu inference`, `tensor` / `sensor`);
///   - two letters apart, in a tag of two words or more, when the shorter has at least 5
///     letters and is the longer without two neighbouring letters (`image classification`
///     / `imagine classification`, `keypoint train` / `keypoint trained`; alone, `imagine`
///     may be the iMagine project); two letters left out apart (`water` / `weather`) or
///     changed (`image segmentation` / `image augmentation`) make another word;
/// - tags of different numbers of words (`deep learnig` / `deeplearning`) compare as
///   normal forms: one letter apart from 8 letters (or a swap from 5), two neighbouring
///   letters left out from 12.
pub fn near(a: &[String], b: &[String]) -> Option<Near> {
    let (ka, kb) = (a.concat(), b.concat());
    if ka == kb {
        return Some(Near::Same);
    }
    if numbers(&ka) != numbers(&kb) {
        return None;
    }
    let (x, y, two_from) = if a.len() == b.len() {
        let mut differing = a.iter().zip(b).filter(|(x, y)| x != y);
        let (Some((x, y)), None) = (differing.next(), differing.next()) else { return None };
        (x.as_str(), y.as_str(), if a.len() >= 2 { 5 } else { usize::MAX })
    } else {
        (ka.as_str(), kb.as_str(), 12)
    };
    let (lx, ly) = (x.chars().count(), y.chars().count());
    let shorter = lx.min(ly);
    if lx.abs_diff(ly) > 2 || shorter < 5 {
        return None;
    }
    match strsim::osa_distance(x, y) {
        1 if shorter >= 8 || is_swap(x, y) => Some(Near::Letters(1)),
        2 if shorter >= two_from && is_chunk(x, y) => Some(Near::Letters(2)),
        _ => None,
    }
}

/// The runs of digits of a normal form: `yolov8` -> `["8"]`.
fn numbers(s: &str) -> Vec<&str> {
    s.split(|c: char| !c.is_ascii_digit()).filter(|w| !w.is_empty()).collect()
}

/// Whether `a` and `b` are one swap of two neighbouring characters apart.
fn is_swap(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    matches!(diff.as_slice(), [i, j] if *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i])
}

/// Whether the longer of `a` and `b` is the shorter with two neighbouring characters more.
fn is_chunk(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    long.len() == short.len() + 2 && (0..=short.len()).any(|p| long[..p] == short[..p] && long[p + 2..] == short[p..])
}

/// `s` with the character at each of `positions` left out.
fn without(chars: &[char], positions: &[usize]) -> String {
    chars.iter().enumerate().filter(|(i, _)| !positions.contains(i)).map(|(_, c)| *c).collect()
}

/// The pairs of distinct normal forms (as indices into `keys`, smaller first) that may be
/// near: every pair `near` can accept is among them.
pub fn candidate_pairs(keys: &[String]) -> Vec<(usize, usize)> {
    let chars: Vec<Vec<char>> = keys.iter().map(|k| k.chars().collect()).collect();
    let exact: HashMap<&str, usize> = keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    // One letter apart (a substitution, a swap, an insertion): the two share the key
    // itself or one of its one-letter deletions. Keys under 5 letters are never near
    // another by distance.
    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
    let mut variants: Vec<Vec<String>> = Vec::with_capacity(keys.len());
    for (i, c) in chars.iter().enumerate() {
        let mut v = vec![keys[i].clone()];
        if c.len() >= 5 {
            let mut seen = HashSet::new();
            for p in 0..c.len() {
                let d = without(c, &[p]);
                if seen.insert(d.clone()) {
                    v.push(d);
                }
            }
        }
        for d in &v {
            index.entry(d.clone()).or_default().push(i);
        }
        variants.push(v);
    }
    let mut pairs = HashSet::new();
    for (i, v) in variants.iter().enumerate() {
        for d in v {
            for &j in &index[d] {
                if i < j {
                    pairs.insert((i, j));
                }
            }
        }
    }
    // Two neighbouring letters left out of a key (of a word of 5 and another word, and the
    // two letters): looked up as a key of its own.
    for (i, c) in chars.iter().enumerate().filter(|(_, c)| c.len() >= 8) {
        for p in 0..c.len() - 1 {
            if let Some(&j) = exact.get(without(c, &[p, p + 1]).as_str()) {
                pairs.insert((i.min(j), i.max(j)));
            }
        }
    }
    let mut pairs: Vec<(usize, usize)> = pairs.into_iter().collect();
    pairs.sort_unstable();
    pairs
}

/// A warning at each place of each spelling that a more used near spelling should replace.
pub(crate) fn near_duplicates(modules: &[Module]) -> Vec<Finding> {
    // Spelling -> the modules that use it (a module lists a tag once: `check_tags`).
    let mut users: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, m) in modules.iter().enumerate() {
        for t in &m.tags {
            users.entry(t.name.as_str()).or_default().push(i);
        }
    }
    let spellings: Vec<&str> = users.keys().copied().collect();
    let split: Vec<Vec<String>> = spellings.iter().map(|s| words(s)).collect();
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (s, w) in split.iter().enumerate() {
        by_key.entry(w.concat()).or_default().push(s);
    }
    let keys: Vec<String> = by_key.keys().cloned().collect();
    let members: Vec<&Vec<usize>> = by_key.values().collect();
    // Spelling -> the near spellings of other keys, and how near (spellings of one key
    // may split into words differently: each pair is asked).
    let mut across: Vec<Vec<(usize, Near)>> = vec![Vec::new(); spellings.len()];
    for (a, b) in candidate_pairs(&keys) {
        for &s in members[a] {
            for &t in members[b] {
                if let Some(how) = near(&split[s], &split[t]) {
                    across[s].push((t, how));
                    across[t].push((s, how));
                }
            }
        }
    }
    let count = |s: usize| users[spellings[s]].len();
    // More modules first, then the spelling in byte order: a strict order, so of two
    // equally used spellings exactly one gives way.
    let rank = |s: usize| (std::cmp::Reverse(count(s)), spellings[s]);
    let mut out = Vec::new();
    for group in &members {
        for &s in group.iter() {
            let same = group.iter().filter(|&&t| t != s).map(|&t| (t, Near::Same));
            let Some((best, how)) = same.chain(across[s].iter().copied()).min_by_key(|&(t, _)| rank(t)) else {
                continue;
            };
            if rank(best) >= rank(s) {
                continue;
            }
            let (name, other) = (spellings[s], spellings[best]);
            let relation = match how {
                Near::Same => format!("`{other}` but for spaces, hyphens, a plural or a trailing \"models\""),
                Near::Letters(1) => format!("one letter away from `{other}`"),
                Near::Letters(n) => format!("{n} letters away from `{other}`"),
            };
            for &i in &users[name] {
                out.push(Finding {
                    module: i,
                    place: Place::Tag(name.to_string()),
                    code: "near-duplicate-tag",
                    message: format!("tag `{name}` is a near-duplicate of `{other}`"),
                    label: format!("{relation}; {} spelt this way", n_modules(count(s))),
                    help: format!(
                        "did you mean `{other}`, used by {}? One spelling keeps the modules on one tag page",
                        n_modules(count(best))
                    ),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_forms_ignore_case_separators_plurals_and_model() {
        for t in ["deep learning", "deeplearning", "Deep-Learning", "deep_learning", "deep-learning-models"] {
            assert_eq!(normalise(t), "deeplearning", "{t}");
        }
        assert_eq!(normalise("GANs"), "gan");
        assert_eq!(normalise("libraries"), "library");
        assert_eq!(normalise("image patches"), "imagepatch");
        assert_eq!(normalise("boxes"), "box");
        // `model` alone, or inside a word, is kept.
        assert_eq!(normalise("models"), "model");
        assert_eq!(normalise("language model"), "language");
        assert_eq!(normalise("remodel"), "remodel");
        // Words that only look plural.
        for w in ["class", "corpus", "analysis", "gas", "aws"] {
            assert_eq!(singular(w), w);
        }
        assert_eq!(normalise("vo.ai4os.eu"), "voai4oeu");
    }

    #[test]
    fn near_forms_by_length() {
        let n = |a: &str, b: &str| near(&words(a), &words(b));
        assert_eq!(n("gan", "gans"), Some(Near::Same));
        assert_eq!(n("u-net", "unet"), Some(Near::Same));
        assert_eq!(n("tensorflow", "tensorfow"), Some(Near::Letters(1)));
        assert_eq!(n("segmentation", "segmantation"), Some(Near::Letters(1)));
        assert_eq!(n("pytorch", "pytroch"), Some(Near::Letters(1)));
        assert_eq!(n("image classification", "imagine classification"), Some(Near::Letters(2)));
        assert_eq!(n("keypoint train", "keypoint trained"), Some(Near::Letters(2)));
        assert_eq!(n("deep learnig", "deeplearning"), Some(Near::Letters(1)));
        assert_eq!(n("object detection", "object detcetion"), Some(Near::Letters(1)));
        assert_eq!(n("classification", "classifiction"), Some(Near::Letters(1)));
        // Different names, numbers or words.
        for (a, b) in [
            ("cnn", "rnn"),
            ("gan", "can"),
            ("rcnn", "cnn"),
            ("resnet", "regnet"),
            ("convnet", "convnext"),
            ("pytorch", "pytorh"),
            ("image", "imagine"),
            ("api-v1", "api-v2"),
            ("yolo", "yolov8"),
            ("sentinel-1", "sentinel-2"),
            ("vo.ai4os.eu", "vo.ai4eosc.eu"),
            ("image segmentation", "image augmentation"),
            ("classification", "clarification"),
            ("deep learning", "machine learning"),
            ("cpu inference", "gpu inference"),
            ("memory tensor", "memory sensor"),
            ("speech text", "speech test"),
            ("image classification", "imagine clasification"),
            ("plant weather", "plant water"),
        ] {
            assert_eq!(n(a, b), None, "{a} / {b}");
        }
    }

    /// Every pair `near` may accept (one letter apart from 5 letters, or two neighbouring
    /// ones left out of a key of 8 or more) is a candidate, on a set of keys with many such neighbours.
    #[test]
    fn candidates_hold_every_near_pair() {
        let mut keys: Vec<String> = Vec::new();
        for base in ["imageclassification", "tensorflow", "pytorch", "segment", "cnn", "deeplearning", "unet"] {
            let c: Vec<char> = base.chars().collect();
            keys.push(base.to_string());
            for p in 0..c.len() {
                keys.push(without(&c, &[p]));
                keys.push(without(&c, &[p, (p + 1) % c.len()]));
                keys.push(without(&c, &[p, (p + 3) % c.len()]));
                let mut swapped = c.clone();
                swapped.swap(p, (p + 1) % c.len());
                keys.push(swapped.iter().collect());
                let mut changed = c.clone();
                changed[p] = 'x';
                keys.push(changed.iter().collect());
            }
        }
        keys.sort();
        keys.dedup();
        let pairs: HashSet<(usize, usize)> = candidate_pairs(&keys).into_iter().collect();

        let mut required = 0;
        for a in 0..keys.len() {
            for b in a + 1..keys.len() {
                let (x, y) = (&keys[a], &keys[b]);
                let (lx, ly) = (x.chars().count(), y.chars().count());
                let one = lx.min(ly) >= 5 && strsim::osa_distance(x, y) <= 1;
                let two = lx.max(ly) >= 8 && is_chunk(x, y);
                if one || two {
                    required += 1;
                    assert!(pairs.contains(&(a, b)), "{x} / {y} is not a candidate");
                }
            }
        }
        assert!(required > 500, "{required}");
    }
}
