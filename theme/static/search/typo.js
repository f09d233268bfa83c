/* typo.js: the client's half of typo tolerance and suffix matching (docs/search-index.md,
   "Typo tolerance" and "Words inside words"). Pure functions, no DOM, no fetch: the
   loader (sharded.js) asks which fuzzy shards a word needs, fetches them, and asks which
   of the words they list are near enough.

   A query word q of 4-7 UTF-16 units may be one edit away from a word of the catalogue,
   from 8 units on two (insertion, deletion, substitution, transposition of neighbours:
   the optimal string alignment distance). The build lists every word under deletion
   keys that any near word shares with it (family A: q's first 7 units with at most one
   deleted; family B: its first and last 4 units, each with at most one deleted), so a
   query reads a handful of small shards, never the vocabulary. */

export const TYPO_MIN = 4; /* a word this long may carry one typo */
export const TYPO_TWO = 8; /* ... and from this length on two */
export const SUFFIX_MIN = 5; /* a word this long also matches the terms ending with it */
export const SUFFIX_MAX_TERMS = 16; /* the shortest this many terms ending with it */
const PREFIX = 7;
const WINDOW = 4;

/* FNV-1a, 32 bits, over UTF-16 code units: the build hashes keys the same way. */
export function fnv1a(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/* s and every string made by deleting one unit of it, without repeats. */
function deletions(s, into) {
  into.add(s);
  for (let i = 0; i < s.length; i++) into.add(s.slice(0, i) + s.slice(i + 1));
  return into;
}

/* Family A: for one typo. */
export function familyA(word) {
  return Array.from(deletions(word.slice(0, PREFIX), new Set()));
}

/* Family B: for two typos, words of at least 6 units (a query of 8 less two). */
export function familyB(word) {
  if (word.length < TYPO_TWO - 2) return [];
  const keys = new Set();
  deletions(word.slice(0, WINDOW), new Set()).forEach((k) => keys.add('<' + k));
  deletions(word.slice(word.length - WINDOW), new Set()).forEach((k) => keys.add('>' + k));
  return Array.from(keys);
}

/* How many typos a query word may carry: 0 (too short), 1 or 2. */
export function allowedTypos(word) {
  if (word.length >= TYPO_TWO) return 2;
  return word.length >= TYPO_MIN ? 1 : 0;
}

/* The keys to look a query word up by, and the distance its candidates must keep. */
export function lookupKeys(word) {
  const max = allowedTypos(word);
  if (max === 0) return { keys: [], max: 0 };
  return { keys: max === 1 ? familyA(word) : familyB(word), max: max };
}

/* The fuzzy shard of a key, among `shards` (a power of two). */
export function shardOfKey(key, shards) {
  return fnv1a(key) % shards;
}

/* Optimal string alignment distance of a and b, or max + 1 as soon as it must exceed
   max (the rows' minimum only grows). */
export function osa(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  let prev2 = null;
  let prev = new Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    const row = new Array(m + 1);
    row[0] = i;
    let best = row[0];
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (prev2 && i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
          a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        d = Math.min(d, prev2[j - 2] + 1);
      }
      row[j] = d;
      if (d < best) best = d;
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[m] > max ? max + 1 : prev[m];
}

/* The words of `candidates` (from the shards of lookupKeys(word)) within its distance,
   nearest first, then in code unit order: [{word, distance}]. */
export function nearWords(word, candidates) {
  const max = allowedTypos(word);
  const out = [];
  const seen = new Set();
  candidates.forEach((w) => {
    if (seen.has(w) || w === word) return;
    seen.add(w);
    const d = osa(word, w, max);
    if (d <= max) out.push({ word: w, distance: d });
  });
  out.sort((a, b) => a.distance - b.distance || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
  return out;
}

export function reverse(s) {
  let r = '';
  for (let i = s.length - 1; i >= 0; i--) r += s[i];
  return r;
}

/* Of `terms` (from the suffix shards), those that end with `term` and are longer, the
   SUFFIX_MAX_TERMS shortest (then in code unit order). */
export function suffixTerms(term, terms) {
  const out = [];
  const seen = new Set();
  terms.forEach((t) => {
    if (t.length > term.length && t.endsWith(term) && !seen.has(t)) {
      seen.add(t);
      out.push(t);
    }
  });
  out.sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  return out.slice(0, SUFFIX_MAX_TERMS);
}

/* The suffix shards that may hold terms ending with `term`: `firsts` are the shards'
   first terms (as they are); shard k holds the reversals from reverse(firsts[k]) up to,
   not including, reverse(firsts[k + 1]), in code unit order. */
export function suffixShards(term, firsts) {
  if (!firsts || !firsts.length) return [];
  const p = reverse(term);
  const starts = firsts.map(reverse);
  let lo = 0;
  /* the last shard starting at or before p */
  for (let k = 0; k < starts.length; k++) if (starts[k] <= p) lo = k;
  const out = [lo];
  /* ... and the following shards that start with p */
  for (let k = lo + 1; k < starts.length && starts[k].startsWith(p); k++) out.push(k);
  return out;
}
