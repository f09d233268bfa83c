/* text.js: the search client's text pipeline and the helpers every module shares (no
   dependencies, no DOM). The tokenizer, trimmer, English stop words and Porter stemmer
   are elasticlunr.js 0.9.5's, rule for rule (tests/js/text.test.js holds them to it);
   makePipeline/runPipeline/queryTerms turn a query into the terms the index is searched
   for; compareTerms is the index order of search-index/ (docs/search-index.md). */

/* ---------------------------------------------------------------- text pipeline */

/* elasticlunr splits on runs of whitespace and hyphens, after trimming and lowercasing
   a string; the items of an array are lowercased and split, not trimmed. */
export var SEPARATOR = /[\s\-]+/;

export function tokenize(input) {
  if (input === null || input === undefined) return [];
  if (Array.isArray(input)) {
    var out = [];
    for (var i = 0; i < input.length; i++) {
      var item = input[i];
      if (item === null || item === undefined) continue;
      var parts = String(item).toLowerCase().split(SEPARATOR);
      for (var j = 0; j < parts.length; j++) out.push(parts[j]);
    }
    return out;
  }
  return String(input).trim().toLowerCase().split(SEPARATOR);
}

/* Strips non-word characters (ASCII \W, as elasticlunr does) from both ends. */
export function trimmer(token) {
  return token.replace(/^\W+/, '').replace(/\W+$/, '');
}

export var STOP_WORDS = new Set((
  'a able about across after all almost also am among an and any are as at be because ' +
  'been but by can cannot could dear did do does either else ever every for from get got ' +
  'had has have he her hers him his how however i if in into is it its just least let ' +
  'like likely may me might most must my neither no nor not of off often on only or ' +
  'other our own rather said say says she should since so some than that the their them ' +
  'then there these they this tis to too twas us wants was we were what when where which ' +
  'while who whom why will with would yet you your'
).split(' '));

/* Drops stop words and empty tokens (returns undefined, which ends the pipeline). */
export function stopWordFilter(token) {
  if (token && !STOP_WORDS.has(token)) return token;
  return undefined;
}

/* ---------------------------------------------------------------- Porter stemmer

   Martin Porter's algorithm (1980) in the variant elasticlunr.js and lunr.js use,
   written here from the rules rather than as regular expressions:
   - a letter is a vowel if it is a, e, i, o or u, or a y that follows a consonant
     (a y at the start of the word is a consonant); anything else, digits and
     punctuation included, is a consonant;
   - m, the measure of a stem, counts its vowel-run/consonant-run pairs;
   - each step strips the longest listed suffix that leaves at least one letter in
     front of it and replaces it when the stem meets the step's condition; a suffix
     whose condition fails is not retried shorter;
   - the "short syllable" test (*o) means exactly: consonants, one vowel (or y), one
     final letter other than a vowel, w, x or y, and nothing else. */

var VOWELS = 'aeiou';

function isVowelAt(word, i) {
  var ch = word.charAt(i);
  if (VOWELS.indexOf(ch) >= 0) return true;
  if (ch !== 'y' || i === 0) return false;
  return !isVowelAt(word, i - 1);
}

/* The measure m of word[0..end). */
function measure(word, end) {
  var m = 0;
  var inVowels = false;
  for (var i = 0; i < end; i++) {
    var vowel = isVowelAt(word, i);
    if (inVowels && !vowel) m += 1;
    inVowels = vowel;
  }
  return m;
}

function hasVowel(word, end) {
  for (var i = 0; i < end; i++) if (isVowelAt(word, i)) return true;
  return false;
}

/* *o over the whole of s: [consonants][vowel or y][one letter not in aeiouwxy]. */
function isShortSyllableWord(s) {
  var n = s.length;
  if (n < 3) return false;
  if ('aeiouwxy'.indexOf(s.charAt(n - 1)) >= 0) return false;
  if ('aeiouy'.indexOf(s.charAt(n - 2)) < 0) return false;
  if (VOWELS.indexOf(s.charAt(0)) >= 0) return false;
  for (var i = 1; i < n - 2; i++) {
    if ('aeiouy'.indexOf(s.charAt(i)) >= 0) return false;
  }
  return true;
}

function endsWith(s, suffix) {
  return s.length >= suffix.length && s.slice(s.length - suffix.length) === suffix;
}

/* The longest suffix of `suffixes` that `word` ends with, leaving >= 1 letter before it. */
function longestSuffix(word, suffixes) {
  var best = null;
  for (var i = 0; i < suffixes.length; i++) {
    var s = suffixes[i];
    if (word.length > s.length && endsWith(word, s) && (best === null || s.length > best.length)) best = s;
  }
  return best;
}

var STEP2 = {
  ational: 'ate', tional: 'tion', enci: 'ence', anci: 'ance', izer: 'ize', bli: 'ble',
  alli: 'al', entli: 'ent', eli: 'e', ousli: 'ous', ization: 'ize', ation: 'ate',
  ator: 'ate', alism: 'al', iveness: 'ive', fulness: 'ful', ousness: 'ous', aliti: 'al',
  iviti: 'ive', biliti: 'ble', logi: 'log'
};
var STEP2_SUFFIXES = Object.keys(STEP2);
var STEP3 = { icate: 'ic', ative: '', alize: 'al', iciti: 'ic', ical: 'ic', ful: '', ness: '' };
var STEP3_SUFFIXES = Object.keys(STEP3);
var STEP4_SUFFIXES = ['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment',
  'ent', 'ou', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize'];

export function stem(word) {
  var w = word;
  if (w.length < 3) return w;
  var n;

  // Step 1a: sses -> ss, ies -> i, s -> '' (not after another s).
  if (w.length > 4 && endsWith(w, 'sses')) w = w.slice(0, -2);
  else if (w.length > 3 && endsWith(w, 'ies')) w = w.slice(0, -2);
  else if (w.length > 2 && w.charAt(w.length - 1) === 's' && w.charAt(w.length - 2) !== 's') w = w.slice(0, -1);

  // Step 1b: (m>0) eed -> ee; (*v*) ed, ing -> '' and then tidy the stem.
  if (w.length > 3 && endsWith(w, 'eed')) {
    if (measure(w, w.length - 3) > 0) w = w.slice(0, -1);
  } else {
    var cut = w.length > 2 && endsWith(w, 'ed') ? 2 : w.length > 3 && endsWith(w, 'ing') ? 3 : 0;
    if (cut && hasVowel(w, w.length - cut)) {
      w = w.slice(0, -cut);
      n = w.length;
      var last = w.charAt(n - 1);
      if (endsWith(w, 'at') || endsWith(w, 'bl') || endsWith(w, 'iz')) w += 'e';
      else if (n >= 2 && last === w.charAt(n - 2) && 'aeiouylsz'.indexOf(last) < 0) w = w.slice(0, -1);
      else if (isShortSyllableWord(w)) w += 'e';
    }
  }

  // Step 1c: y -> i after a consonant that is not the first letter.
  n = w.length;
  if (n > 2 && w.charAt(n - 1) === 'y' && VOWELS.indexOf(w.charAt(n - 2)) < 0) w = w.slice(0, -1) + 'i';

  // Steps 2 and 3: (m>0) suffix -> replacement.
  var s2 = longestSuffix(w, STEP2_SUFFIXES);
  if (s2 !== null && measure(w, w.length - s2.length) > 0) w = w.slice(0, w.length - s2.length) + STEP2[s2];
  var s3 = longestSuffix(w, STEP3_SUFFIXES);
  if (s3 !== null && measure(w, w.length - s3.length) > 0) w = w.slice(0, w.length - s3.length) + STEP3[s3];

  // Step 4: (m>1) suffix -> ''; (m>1 and stem ends in s or t) ion -> ''.
  var s4 = longestSuffix(w, STEP4_SUFFIXES);
  if (s4 !== null) {
    if (measure(w, w.length - s4.length) > 1) w = w.slice(0, w.length - s4.length);
  } else if (w.length > 4 && endsWith(w, 'ion') && 'st'.indexOf(w.charAt(w.length - 4)) >= 0) {
    if (measure(w, w.length - 3) > 1) w = w.slice(0, -3);
  }

  // Step 5a: (m>1) e -> ''; (m=1 and not *o) e -> ''.
  if (w.length > 1 && w.charAt(w.length - 1) === 'e') {
    var stemPart = w.slice(0, -1);
    var m = measure(stemPart, stemPart.length);
    if (m > 1 || (m === 1 && !isShortSyllableWord(stemPart))) w = stemPart;
  }

  // Step 5b: (m>1) ll -> l.
  if (endsWith(w, 'll') && measure(w, w.length) > 1) w = w.slice(0, -1);

  return w;
}

export var PIPELINE_FUNCTIONS = { trimmer: trimmer, stopWordFilter: stopWordFilter, stemmer: stem };

/* Runs one token through the pipeline; undefined when a function drops it. */
export function runPipeline(functions, token, i, tokens) {
  var t = token;
  for (var j = 0; j < functions.length; j++) {
    t = functions[j](t, i, tokens);
    if (t === undefined || t === null) return undefined;
  }
  return t;
}

export var hasOwn = Object.prototype.hasOwnProperty;
export var NOTHING = Object.freeze([]);

/* The page's prefix matching (`prefixLast`) expands the last term only when it has at
   least this many characters: a single "c" typed would otherwise match (and fetch)
   every term starting with "c". */
export var PREFIX_MIN = 3;

export function dict() {
  return Object.create(null);
}

export function makePipeline(names) {
  return (names || []).map(function (name) {
    if (!hasOwn.call(PIPELINE_FUNCTIONS, name)) {
      throw new Error('search index: unknown pipeline function "' + name + '"');
    }
    return PIPELINE_FUNCTIONS[name];
  });
}

/* The query's terms: each word through the pipeline, {term, last, word}. `last` marks
   the term made from the last word of the query (when that word survives the
   pipeline); `word` is the word as typed, lowercased and trimmed (typo.js compares it). */
export function queryTerms(pipeline, query) {
  var words = tokenize(query);
  var lastWord = words.length - 1; /* "yolo -" ends in an empty word: skip it */
  while (lastWord >= 0 && trimmer(words[lastWord]) === '') lastWord -= 1;
  var terms = [];
  for (var i = 0; i < words.length; i++) {
    var term = runPipeline(pipeline, words[i], i, words);
    if (term !== undefined) terms.push({ term: term, last: i === lastWord, word: trimmer(words[i]).toLowerCase() });
  }
  return terms;
}

/* Index order (docs/search-index.md): code point by code point, ASCII digits before
   every other character, a prefix before its extensions; elasticlunr.js's trie walk.
   Shard terms are in the BMP, where a UTF-16 code unit is a code point. */
function rank(unit) {
  return unit >= 48 && unit <= 57 ? unit - 48 : unit + 16;
}

export function compareTerms(a, b) {
  var n = Math.min(a.length, b.length);
  for (var i = 0; i < n; i++) {
    var x = rank(a.charCodeAt(i));
    var y = rank(b.charCodeAt(i));
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

/* elasticlunr.js walks its trie by UTF-16 code unit: a token holding a surrogate
   (a character outside the BMP) never reaches a term. */
export function unreachable(token) {
  return /[\uD800-\uDFFF]/.test(token);
}
