/* excerpt.js: the passage of a description that best matches a query, and the marks on
   matched words in it and in titles and summaries. Pure functions over strings; the one
   DOM helper, appendMarked, builds text nodes and <mark> elements, never HTML.

   `matches(word)` is the caller's: whether a word as written (e.g. "Satellites,") matches
   the query (through its pipeline term: exact, prefix, typo or suffix). */

export const EXCERPT_LENGTH = 180;
const LEAD = 40; /* characters of context before the first match of a passage */

/* The words of a text as elasticlunr splits it (runs of whitespace and hyphens), each
   {start, end} with the non-word characters at both ends left out, as the trimmer does. */
export function words(text) {
  const out = [];
  const re = /[^\s-]+/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    let start = m.index;
    let end = start + m[0].length;
    while (start < end && !/\w/.test(text[start])) start++;
    while (end > start && !/\w/.test(text[end - 1])) end--;
    if (end > start) out.push({ start: start, end: end });
  }
  return out;
}

/* The parts of an identifier or compound, as the build indexes them (docs/search-index.md,
   "Compound parts"): the pieces between `_`, `.` and `/`, each cut into runs of capitals,
   small letters (and caseless characters) and digits, joined back where they make a
   word: a capital before small letters (Net), the last of several capitals before two or
   more small letters (HTTP|Server), a lone letter before digits (V3, x86; YOLO|v8).
   [{start, end}] relative to the token, only when it has more than one part. */
export function compoundParts(token) {
  const parts = [];
  const re = /[^_./]+/g;
  let m;
  while ((m = re.exec(token)) !== null) {
    pieceParts(m[0]).forEach((p) => parts.push({ start: m.index + p.start, end: m.index + p.end }));
  }
  return parts.length > 1 ? parts : [];
}

function kind(c) {
  if (c >= '0' && c <= '9') return 'd';
  if (c.toLowerCase() !== c) return 'u';
  return 'l'; /* small letters, and characters without case */
}

/* The runs of one kind of a piece: [{kind, start, end}]. */
function runs(piece) {
  const out = [];
  for (let i = 0; i < piece.length; i++) {
    const k = kind(piece[i]);
    const last = out[out.length - 1];
    if (last && last.kind === k) last.end = i + 1;
    else out.push({ kind: k, start: i, end: i + 1 });
  }
  return out;
}

function pieceParts(piece) {
  const r = runs(piece);
  const out = [];
  let i = 0;
  /* a lone letter at `at` glued to the digit run that follows it, if any */
  const withDigits = (start, at) => {
    const next = r[at + 1];
    if (next && next.kind === 'd') {
      out.push({ start: start, end: next.end });
      return at + 2;
    }
    out.push({ start: start, end: r[at].end });
    return at + 1;
  };
  while (i < r.length) {
    const run = r[i];
    const next = r[i + 1];
    const size = run.end - run.start;
    if (run.kind === 'u' && next && next.kind === 'l') {
      const small = next.end - next.start;
      if (size === 1) { /* Net */
        out.push({ start: run.start, end: next.end });
        i += 2;
      } else if (small >= 2) { /* HTTP|Server */
        out.push({ start: run.start, end: run.end - 1 });
        out.push({ start: run.end - 1, end: next.end });
        i += 2;
      } else { /* YOLO|v8, GPU|s */
        out.push({ start: run.start, end: run.end });
        i = withDigits(next.start, i + 1);
      }
    } else if (run.kind !== 'd' && size === 1) { /* V3, x86 */
      i = withDigits(run.start, i);
    } else {
      out.push({ start: run.start, end: run.end });
      i += 1;
    }
  }
  return out;
}

/* [{start, end}] of the matched words of text: whole words, or the parts of a compound
   that match when the whole does not. */
export function matchedRanges(text, matches) {
  const out = [];
  words(text).forEach((w) => {
    const token = text.slice(w.start, w.end);
    if (matches(token)) {
      out.push(w);
      return;
    }
    if (!MAY_SPLIT.test(token)) return; /* most words: no parts to try */
    compoundParts(token).forEach((p) => {
      const part = token.slice(p.start, p.end);
      if (part.length >= 2 && matches(part)) out.push({ start: w.start + p.start, end: w.start + p.end });
    });
  });
  return out;
}

/* Whether a token may have compound parts: a separator, a digit, or a capital after its
   first character. */
const MAY_SPLIT = /[_./0-9]|.[A-Z\u00c0-\u024f]/;

/* The first index of `sorted` (ascending numbers, by `key`) whose key is >= x. */
function firstAtLeast(items, key, x) {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(items[mid]) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* A text cut into [{text, mark}] segments by the ranges (sorted, not overlapping). */
export function segments(text, ranges, from, to) {
  const lo = from === undefined ? 0 : from;
  const hi = to === undefined ? text.length : to;
  const out = [];
  let at = lo;
  ranges.forEach((r) => {
    if (r.end <= lo || r.start >= hi) return;
    const s = Math.max(r.start, lo);
    const e = Math.min(r.end, hi);
    if (s > at) out.push({ text: text.slice(at, s), mark: false });
    out.push({ text: text.slice(s, e), mark: true });
    at = e;
  });
  if (at < hi) out.push({ text: text.slice(at, hi), mark: false });
  return out;
}

/* The marked segments of a whole short text (title, summary). */
export function marked(text, matches) {
  return segments(text, matchedRanges(text, matches));
}

/* The passage of `text` of about `length` characters (cut at word boundaries, "…" where
   cut) that holds the most distinct matched words, then the most matches, then comes
   first; null when nothing in text matches. {segments, before, after}: before/after say
   whether text was cut there. `cut`: the text itself was cut by the build (more follows). */
export function excerpt(text, matches, length, cut) {
  const size = length || EXCERPT_LENGTH;
  const all = words(text);
  const hits = matchedRanges(text, matches);
  if (!hits.length) return null;
  let best = null;
  const starts = (w) => w.start;
  const ends = (w) => w.end;
  /* each of the first hits as the passage's anchor (later ones rarely do better) */
  for (let h = 0; h < hits.length && h < 400; h++) {
    /* a passage starting a little before hit h, at a word's start */
    let start = Math.max(0, hits[h].start - LEAD);
    if (start > 0) {
      const first = all[firstAtLeast(all, starts, start)];
      start = first ? Math.min(first.start, hits[h].start) : hits[h].start;
    }
    let end = Math.min(text.length, start + size);
    if (end < text.length) {
      /* back to the end of the last whole word */
      const after = firstAtLeast(all, ends, end + 1); /* the first word ending past end */
      const last = after > 0 ? all[after - 1].end : -1;
      end = last > hits[h].start ? last : hits[h].end;
    }
    const distinct = new Set();
    let count = 0;
    for (let i = h; i < hits.length && hits[i].end <= end; i++) {
      distinct.add(text.slice(hits[i].start, hits[i].end).toLowerCase());
      count++;
    }
    const score = distinct.size * 1000 + count;
    if (!best || score > best.score) best = { score: score, start: start, end: end };
  }
  return {
    segments: segments(text, hits, best.start, best.end),
    before: best.start > 0,
    after: best.end < text.length || !!cut
  };
}

/* Appends segments to a DOM element: text nodes, and <mark> for matched words. */
export function appendMarked(parent, segs) {
  const doc = parent.ownerDocument;
  segs.forEach((s) => {
    if (s.mark) {
      const m = doc.createElement('mark');
      m.textContent = s.text;
      parent.appendChild(m);
    } else {
      parent.appendChild(doc.createTextNode(s.text));
    }
  });
}
