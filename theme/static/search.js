/* search.js: the marketplace's own search client (no dependencies, ES2017).

   Part 1, the engine, answers queries the way elasticlunr.js 0.9.5's
   `elasticlunr.Index.load(json).search(query, options)` does over the monolithic
   `search-index.json`: the same tokenizer, trimmer, English stop words and Porter
   stemmer, the same scoring (tf x idf x field length norm, the penalty for expanded
   tokens, coordNorm, per-field boosts, bool OR/AND), the same order of results, ties
   included, and bit-for-bit the same scores. One scorer reads either form of the index:
   `Index`, the monolithic search-index.json, or `ShardedIndex`, the sharded
   `search-index/` (docs/search-index.md), which loads only the shards a query needs.
   tests/js/ holds both to elasticlunr.js itself, over the real catalogue and a generated
   one.

   Part 2, the search page (search/index.html, found by #search-results), reads
   search-index/ and adds what elasticlunr lacks on top of it: the last word typed matched
   as a prefix, facets, sorting, the state in the URL. Every text from the data reaches
   the page through textContent or attributes, never as HTML.

   In Node (`require`), the file exports {tokenize, trimmer, stopWordFilter, stem,
   STOP_WORDS, PREFIX_MIN, compareTerms, Index, ShardedIndex} and touches no DOM. */
(function () {
  'use strict';

  /* ---------------------------------------------------------------- text pipeline */

  /* elasticlunr splits on runs of whitespace and hyphens, after trimming and lowercasing
     a string; the items of an array are lowercased and split, not trimmed. */
  var SEPARATOR = /[\s\-]+/;

  function tokenize(input) {
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
  function trimmer(token) {
    return token.replace(/^\W+/, '').replace(/\W+$/, '');
  }

  var STOP_WORDS = new Set((
    'a able about across after all almost also am among an and any are as at be because ' +
    'been but by can cannot could dear did do does either else ever every for from get got ' +
    'had has have he her hers him his how however i if in into is it its just least let ' +
    'like likely may me might most must my neither no nor not of off often on only or ' +
    'other our own rather said say says she should since so some than that the their them ' +
    'then there these they this tis to too twas us wants was we were what when where which ' +
    'while who whom why will with would yet you your'
  ).split(' '));

  /* Drops stop words and empty tokens (returns undefined, which ends the pipeline). */
  function stopWordFilter(token) {
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

  function stem(word) {
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

  var PIPELINE_FUNCTIONS = { trimmer: trimmer, stopWordFilter: stopWordFilter, stemmer: stem };

  /* Runs one token through the pipeline; undefined when a function drops it. */
  function runPipeline(functions, token, i, tokens) {
    var t = token;
    for (var j = 0; j < functions.length; j++) {
      t = functions[j](t, i, tokens);
      if (t === undefined || t === null) return undefined;
    }
    return t;
  }

  /* ---------------------------------------------------------------- scoring

     One scorer serves both forms of the index: `Index` (the monolithic
     search-index.json) and `ShardedIndex` (search-index/, docs/search-index.md). It sees
     an index through a source:

       source.fields                the indexed fields
       source.pipeline              the pipeline functions
       source.docCount              elasticlunr's documentStore.length (the N of idf)
       source.postings(field, term) the documents holding `term` in `field`, in
                                    elasticlunr's order: {keys, tfs, tfOf(key)
                                    (undefined when absent)}; null for none
       source.df(field, term)       elasticlunr's df (0 when `term` is no term of `field`)
       source.expand(field, token)  the terms of `field` starting with `token` (the token
                                    itself first when it is one), in elasticlunr's
                                    expandToken order
       source.norms(field)          key -> elasticlunr's field length norm (1 / sqrt of
                                    the field's length, 1 for an empty field)
       source.scores()              an empty accumulator: get(key) (undefined when
                                    absent), set(key, value), size, forEach(fn(key,
                                    value)) in insertion order
       source.intKey(key)           the number a document's ref reads as when it is an
                                    array index in JavaScript ("2048"), else -1

     A key names a document: its ref (Index) or its number (ShardedIndex). The arithmetic
     is elasticlunr's, in its order of operations, so scores are bit-for-bit the same.
     elasticlunr keeps scores in plain objects, whose keys iterate array indexes first
     (ascending), then the others in insertion order. The accumulators here keep
     insertion order only; array indexes never change the relative order of the other
     keys, so the results take elasticlunr's order at the end: array-index refs first
     (ascending), the others in insertion order, then a stable sort by score. */

  var hasOwn = Object.prototype.hasOwnProperty;
  var NOTHING = Object.freeze([]);

  /* The page's prefix matching (`prefixLast`) expands the last term only when it has at
     least this many characters: a single "c" typed would otherwise match (and fetch)
     every term starting with "c". */
  var PREFIX_MIN = 3;

  function dict() {
    return Object.create(null);
  }

  function makePipeline(names) {
    return (names || []).map(function (name) {
      if (!hasOwn.call(PIPELINE_FUNCTIONS, name)) {
        throw new Error('search index: unknown pipeline function "' + name + '"');
      }
      return PIPELINE_FUNCTIONS[name];
    });
  }

  /* The query's terms: each word through the pipeline. `last` marks the term made from
     the last word of the query (when that word survives the pipeline). */
  function queryTerms(pipeline, query) {
    var words = tokenize(query);
    var lastWord = words.length - 1; /* "yolo -" ends in an empty word: skip it */
    while (lastWord >= 0 && trimmer(words[lastWord]) === '') lastWord -= 1;
    var terms = [];
    for (var i = 0; i < words.length; i++) {
      var term = runPipeline(pipeline, words[i], i, words);
      if (term !== undefined) terms.push({ term: term, last: i === lastWord });
    }
    return terms;
  }

  /* elasticlunr's Configuration: per searched field {boost, bool, expand}. Without
     options, or when they cannot be read, every field with boost 1, OR, no expansion. */
  function configure(fields, options) {
    var defaults = function () {
      var config = dict();
      fields.forEach(function (f) { config[f] = { boost: 1, bool: 'OR', expand: false }; });
      return config;
    };
    if (options === null || options === undefined) return defaults();
    try {
      var user = JSON.parse(JSON.stringify(options));
      var bool = 'bool' in user ? user.bool || 'OR' : 'OR';
      var expand = 'expand' in user ? user.expand || false : false;
      var config = dict();
      if ('fields' in user) {
        var wanted = user.fields;
        for (var name in wanted) {
          if (fields.indexOf(name) < 0) continue;
          var fc = wanted[name];
          config[name] = {
            boost: fc.boost || fc.boost === 0 ? fc.boost : 1,
            bool: fc.bool || bool,
            expand: fc.expand != undefined ? fc.expand : expand // eslint-disable-line eqeqeq
          };
        }
      } else {
        fields.forEach(function (f) { config[f] = { boost: 1, bool: bool, expand: expand }; });
      }
      return config;
    } catch (e) {
      return defaults();
    }
  }

  /* Whether query term `t` is expanded to the terms it prefixes in a field configured as
     `fc`: elasticlunr's `expand`, or the page's prefix matching of the last word. */
  function expands(fc, t, prefixLast) {
    return fc.expand == true || (prefixLast && t.last && t.term.length >= PREFIX_MIN); // eslint-disable-line eqeqeq
  }

  /* One field's scores for the terms: an accumulator key -> score, or null when the
     field is off (boost 0) or there is no term. */
  function fieldScores(source, terms, field, fc, prefixLast) {
    if (fc.boost === 0) return null;
    var and = fc.bool == 'AND'; // eslint-disable-line eqeqeq
    var norms = source.norms(field);
    var scores = null;
    var found = source.scores(); /* key -> how many query terms it holds as they are */

    for (var t = 0; t < terms.length; t++) {
      var term = terms[t].term;
      var words = expands(fc, terms[t], prefixLast) ? source.expand(field, term) : [term];
      var termScores = source.scores();
      for (var w = 0; w < words.length; w++) {
        var word = words[w];
        var postings = source.postings(field, word);
        var idf = 1 + Math.log(source.docCount / (source.df(field, word) + 1));
        var keys = NOTHING;
        var tfs = NOTHING;
        if (scores && and) {
          keys = [];
          tfs = [];
          if (postings) {
            scores.forEach(function (key) {
              var tf = postings.tfOf(key);
              if (tf !== undefined) {
                keys.push(key);
                tfs.push(tf);
              }
            });
          }
        } else if (postings) {
          keys = postings.keys;
          tfs = postings.tfs;
        }
        var i;
        var key;
        var before;
        /* coordNorm counts the query terms a document holds, not their expansions */
        if (word === term) {
          for (i = 0; i < keys.length; i++) {
            key = keys[i];
            before = found.get(key);
            found.set(key, before === undefined ? 1 : before + 1);
          }
        }
        var penalty = 1;
        if (word !== term) penalty = (1 - (word.length - term.length) / word.length) * 0.15;
        for (i = 0; i < keys.length; i++) {
          key = keys[i];
          var score = tfs[i] * idf * norms(key) * penalty;
          before = termScores.get(key);
          termScores.set(key, before === undefined ? score : before + score);
        }
      }
      scores = combine(source, scores, termScores, and);
    }

    if (scores) {
      var n = terms.length;
      scores.forEach(function (key, score) {
        var held = found.get(key);
        if (held !== undefined) scores.set(key, score * held / n);
      });
    }
    return scores;
  }

  function combine(source, total, add, and) {
    if (!total) return add;
    if (and) {
      var both = source.scores();
      add.forEach(function (key, score) {
        var before = total.get(key);
        if (before !== undefined) both.set(key, before + score);
      });
      return both;
    }
    add.forEach(function (key, score) {
      var before = total.get(key);
      total.set(key, before === undefined ? score : before + score);
    });
    return total;
  }

  /* [{key, score}], best first, in elasticlunr's order. options are elasticlunr's:
     {fields: {name: {boost, bool, expand}}, bool, expand}. One addition, ignored by
     elasticlunr: `prefixLast: true` also expands the term of the query's last word (as
     `expand` would) in every field, whatever `expand` says, when that term has at least
     PREFIX_MIN characters. */
  function score(source, query, options) {
    if (!query) return [];
    var config = configure(source.fields, options);
    var prefixLast = !!(options && options.prefixLast);
    var terms = queryTerms(source.pipeline, query);
    var total = source.scores();
    var boost = 1;
    var add = function (key, s) {
      var boosted = s * boost;
      var before = total.get(key);
      total.set(key, before === undefined ? boosted : before + boosted);
    };
    for (var field in config) {
      var scores = fieldScores(source, terms, field, config[field], prefixLast);
      if (!scores) continue;
      boost = config[field].boost;
      scores.forEach(add);
    }
    var ints = [];
    var results = [];
    total.forEach(function (key, s) {
      var n = source.intKey(key);
      if (n >= 0) ints.push({ key: key, score: s, n: n });
      else results.push({ key: key, score: s });
    });
    if (ints.length) {
      ints.sort(function (a, b) { return a.n - b.n; });
      results = ints.map(function (r) { return { key: r.key, score: r.score }; }).concat(results);
    }
    results.sort(function (a, b) { return b.score - a.score; }); /* stable: ties keep key order */
    return results;
  }

  /* Accumulators (see source.scores()). */
  function MapScores() {
    this.map = new Map();
    this.size = 0;
  }
  MapScores.prototype.get = function (key) {
    return this.map.get(key);
  };
  MapScores.prototype.set = function (key, value) {
    this.map.set(key, value);
    this.size = this.map.size;
  };
  MapScores.prototype.forEach = function (fn) {
    this.map.forEach(function (value, key) { fn(key, value); });
  };

  /* For keys 0..n-1: values in a typed array, the keys in insertion order in a list. */
  function DenseScores(n) {
    this.values = new Float64Array(n);
    this.held = new Uint8Array(n);
    this.keys = [];
    this.size = 0;
  }
  DenseScores.prototype.get = function (key) {
    return this.held[key] ? this.values[key] : undefined;
  };
  DenseScores.prototype.set = function (key, value) {
    if (!this.held[key]) {
      this.held[key] = 1;
      this.keys.push(key);
      this.size += 1;
    }
    this.values[key] = value;
  };
  DenseScores.prototype.forEach = function (fn) {
    var keys = this.keys;
    var values = this.values;
    for (var i = 0; i < keys.length; i++) fn(keys[i], values[keys[i]]);
  };

  /* The number JavaScript reads a property key as when it is an array index (a
     canonical decimal integer below 2^32 - 1), else -1. */
  function arrayIndex(key) {
    if (!/^(0|[1-9][0-9]{0,9})$/.test(key)) return -1;
    var n = Number(key);
    return n < 4294967295 ? n : -1;
  }

  /* ---------------------------------------------------------------- the monolithic index

     search-index.json, used as it is: per field, a trie of single characters whose nodes
     hold {docs: {ref: {tf}}, df}. Keys are refs. The search page no longer reads it (at
     10,000 modules it is ~55 MB); the tests hold the scorer to elasticlunr.js with it. */

  function Index(json) {
    this.fields = (json.fields || []).slice();
    this.ref = json.ref;
    this.pipeline = makePipeline(json.pipeline);
    var store = json.documentStore || {};
    this.docs = store.docs || {};
    this.docInfo = store.docInfo || {};
    this.docCount = store.length || 0;
    this.tries = dict();
    for (var field in json.index) {
      if (hasOwn.call(json.index, field)) this.tries[field] = json.index[field].root;
    }
  }

  /* Accepts the parsed JSON or its text. */
  Index.load = function (json) {
    return new Index(typeof json === 'string' ? JSON.parse(json) : json);
  };

  /* The trie node of `token` (walked by UTF-16 code unit, as elasticlunr.js does). */
  Index.prototype.node = function (field, token) {
    if (!token) return null;
    var node = this.tries[field];
    if (!node) return null;
    for (var i = 0; i < token.length; i++) {
      var ch = token[i];
      if (!hasOwn.call(node, ch) || !node[ch]) return null;
      node = node[ch];
    }
    return node;
  };

  Index.prototype.postings = function (field, token) {
    var node = this.node(field, token);
    if (!node || !node.docs) return null;
    var docs = node.docs;
    var keys = Object.keys(docs);
    return {
      keys: keys,
      tfs: keys.map(function (ref) { return docs[ref].tf; }),
      tfOf: function (ref) { return hasOwn.call(docs, ref) ? docs[ref].tf : undefined; }
    };
  };

  Index.prototype.df = function (field, term) {
    var node = this.node(field, term);
    return node ? node.df : 0;
  };

  Index.prototype.fieldLength = function (ref, field) {
    if (!hasOwn.call(this.docs, ref)) return 0;
    var info = this.docInfo[ref];
    if (!info || !hasOwn.call(info, field)) return 0;
    return info[field];
  };

  Index.prototype.norms = function (field) {
    var self = this;
    return function (ref) {
      var length = self.fieldLength(ref, field);
      return length != 0 ? 1 / Math.sqrt(length) : 1; // eslint-disable-line eqeqeq
    };
  };

  Index.prototype.scores = function () {
    return new MapScores();
  };

  Index.prototype.intKey = arrayIndex;

  /* Every indexed term that starts with `token` (the token itself first when it is one),
     depth first in the trie's key order. */
  Index.prototype.expand = function (field, token) {
    var start = this.node(field, token);
    var out = [];
    if (!start) return out;
    (function walk(prefix, node) {
      if (node.df > 0) out.push(prefix);
      var keys = Object.keys(node);
      for (var i = 0; i < keys.length; i++) {
        if (keys[i] === 'docs' || keys[i] === 'df') continue;
        walk(prefix + keys[i], node[keys[i]]);
      }
    })(token, start);
    return out;
  };

  Index.prototype.terms = function (query) {
    return queryTerms(this.pipeline, query);
  };

  /* search(query, options) -> [{ref, score}], best first (see `score`). */
  Index.prototype.search = function (query, options) {
    return score(this, query, options).map(function (r) { return { ref: r.key, score: r.score }; });
  };

  /* ---------------------------------------------------------------- the sharded index

     search-index/ (docs/search-index.md): meta.json (fields, pipeline, document count,
     field lengths, facet columns, the first term of each shard), terms/<k>.json (the
     postings of a run of terms, in index order), docs/<k>.json (the result data of
     docChunk documents) and sort.json. Documents are numbered in the byte order of their
     refs, the order of the postings, and keys are these numbers.

     `load(path)` reads a file of search-index/ ("terms/3.json") and returns its parsed
     JSON or a promise of it: fetch in the page, the disk in Node. A query is answered in
     two steps: the shards its terms need are loaded (`hits`, or `loadShards(missing(q))`),
     then it is scored synchronously (`hitsLoaded`), exactly as elasticlunr.js would
     score the monolithic index. */

  /* Index order (docs/search-index.md): code point by code point, ASCII digits before
     every other character, a prefix before its extensions; elasticlunr.js's trie walk.
     Shard terms are in the BMP, where a UTF-16 code unit is a code point. */
  function rank(unit) {
    return unit >= 48 && unit <= 57 ? unit - 48 : unit + 16;
  }

  function compareTerms(a, b) {
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
  function unreachable(token) {
    return /[\uD800-\uDFFF]/.test(token);
  }

  function ShardedIndex(meta, load) {
    if (!meta || meta.version !== 1) {
      throw new Error('search index: search-index/meta.json version ' + (meta && meta.version) + ' is not 1');
    }
    this.meta = meta;
    this.fields = meta.fields.slice();
    this.ref = meta.ref;
    this.pipeline = makePipeline(meta.pipeline);
    this.docCount = meta.docCount;
    this.lengths = meta.lengths || {};
    this.firsts = meta.shards || [];
    this.docChunk = meta.docChunk || 1;
    this.load = load;
    this.ints = new Map();
    var ints = this.ints;
    (meta.intRefs || []).forEach(function (pair) { ints.set(pair[0], Number(pair[1])); });
    this.shards = [];     /* k -> {terms, entries, at: Map term -> position} */
    this.shardLoads = []; /* k -> promise */
    this.chunks = [];     /* k -> rows */
    this.chunkLoads = [];
    this.sortKeys = null; /* sort.json */
    this.sortLoad = null;
    this.decoded = new Map(); /* field + "\n" + term -> postings */
    this.normCache = new Map();
  }

  /* `load(path)` as a promise, which also catches a loader that throws. */
  ShardedIndex.prototype.fetch = function (path) {
    var load = this.load;
    return Promise.resolve().then(function () { return load(path); });
  };

  /* The shard that holds `term` if it is a term: the last one whose first term is <=
     it; -1 when it comes before every shard. */
  ShardedIndex.prototype.shardOf = function (term) {
    var lo = 0;
    var hi = this.firsts.length - 1;
    var found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (compareTerms(this.firsts[mid], term) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  };

  /* The shards that hold the terms starting with `prefix`: the one where `prefix` would
     be, and the following ones whose first term starts with it. */
  ShardedIndex.prototype.shardRange = function (prefix) {
    var firsts = this.firsts;
    var lo = this.shardOf(prefix);
    if (lo < 0) {
      if (!firsts.length || firsts[0].indexOf(prefix) !== 0) return [];
      lo = 0;
    }
    var out = [lo];
    for (var k = lo + 1; k < firsts.length && firsts[k].indexOf(prefix) === 0; k++) out.push(k);
    return out;
  };

  /* The shards a query needs (ascending), loaded or not. */
  ShardedIndex.prototype.shardsFor = function (query, options) {
    if (!query) return [];
    var self = this;
    var config = configure(this.fields, options);
    var prefixLast = !!(options && options.prefixLast);
    var need = new Set();
    queryTerms(this.pipeline, query).forEach(function (t) {
      if (unreachable(t.term)) return;
      var exact = false;
      var expanded = false;
      for (var field in config) {
        if (config[field].boost === 0) continue;
        if (expands(config[field], t, prefixLast)) expanded = true;
        else exact = true;
      }
      if (expanded) {
        self.shardRange(t.term).forEach(function (k) { need.add(k); });
      } else if (exact) {
        var k = self.shardOf(t.term);
        if (k >= 0) need.add(k);
      }
    });
    return Array.from(need).sort(function (a, b) { return a - b; });
  };

  /* The shards a query needs that are not loaded yet. */
  ShardedIndex.prototype.missing = function (query, options) {
    var shards = this.shards;
    return this.shardsFor(query, options).filter(function (k) { return !shards[k]; });
  };

  ShardedIndex.prototype.loadShard = function (k) {
    var self = this;
    if (this.shards[k]) return Promise.resolve();
    if (!this.shardLoads[k]) {
      this.shardLoads[k] = this.fetch('terms/' + k + '.json').then(function (json) {
        if (!Array.isArray(json)) throw new Error('search-index/terms/' + k + '.json is not a list');
        var at = new Map();
        var terms = [];
        var entries = [];
        json.forEach(function (pair, i) {
          terms.push(pair[0]);
          entries.push(pair[1]);
          at.set(pair[0], i);
        });
        self.shards[k] = { terms: terms, entries: entries, at: at };
      }, function (error) {
        self.shardLoads[k] = null; /* the next query tries again */
        throw error;
      });
    }
    return this.shardLoads[k];
  };

  ShardedIndex.prototype.loadShards = function (list) {
    var self = this;
    return Promise.all(list.map(function (k) { return self.loadShard(k); }));
  };

  ShardedIndex.prototype.loadedShard = function (k) {
    var shard = this.shards[k];
    if (!shard) throw new Error('search index: shard ' + k + ' is needed but not loaded');
    return shard;
  };

  /* The postings of `term` in every field ({field: [gap, count, ...]}), or null. */
  ShardedIndex.prototype.entry = function (term) {
    if (!term || unreachable(term)) return null;
    var k = this.shardOf(term);
    if (k < 0) return null;
    var shard = this.loadedShard(k);
    var i = shard.at.get(term);
    return i === undefined ? null : shard.entries[i];
  };

  ShardedIndex.prototype.postings = function (field, term) {
    var id = field + '\n' + term;
    var cached = this.decoded.get(id);
    if (cached !== undefined) return cached;
    var entry = this.entry(term);
    var flat = entry && hasOwn.call(entry, field) ? entry[field] : null;
    var postings = null;
    if (flat && flat.length) {
      var n = flat.length >> 1;
      var keys = new Int32Array(n);
      var tfs = new Float64Array(n);
      var doc = 0;
      for (var i = 0; i < n; i++) {
        doc += flat[2 * i];
        keys[i] = doc;
        tfs[i] = Math.sqrt(flat[2 * i + 1]);
      }
      postings = {
        keys: keys,
        tfs: tfs,
        tfOf: function (key) {
          var lo = 0;
          var hi = n - 1;
          while (lo <= hi) {
            var mid = (lo + hi) >> 1;
            if (keys[mid] === key) return tfs[mid];
            if (keys[mid] < key) lo = mid + 1;
            else hi = mid - 1;
          }
          return undefined;
        }
      };
    }
    this.decoded.set(id, postings);
    return postings;
  };

  ShardedIndex.prototype.df = function (field, term) {
    var postings = this.postings(field, term);
    return postings ? postings.keys.length : 0;
  };

  ShardedIndex.prototype.fieldLength = function (doc, field) {
    var column = hasOwn.call(this.lengths, field) ? this.lengths[field] : null;
    return column && column[doc] ? column[doc] : 0;
  };

  /* The field length norms of every document, computed once per field. */
  ShardedIndex.prototype.norms = function (field) {
    var norms = this.normCache.get(field);
    if (!norms) {
      norms = new Float64Array(this.docCount);
      for (var doc = 0; doc < this.docCount; doc++) {
        var length = this.fieldLength(doc, field);
        norms[doc] = length != 0 ? 1 / Math.sqrt(length) : 1; // eslint-disable-line eqeqeq
      }
      this.normCache.set(field, norms);
    }
    return function (doc) { return norms[doc]; };
  };

  ShardedIndex.prototype.scores = function () {
    return new DenseScores(this.docCount);
  };

  ShardedIndex.prototype.intKey = function (doc) {
    var n = this.ints.get(doc);
    return n === undefined ? -1 : n;
  };

  ShardedIndex.prototype.expand = function (field, token) {
    var out = [];
    if (!token || unreachable(token)) return out;
    var range = this.shardRange(token);
    for (var r = 0; r < range.length; r++) {
      var shard = this.loadedShard(range[r]);
      var terms = shard.terms;
      var lo = 0;
      var hi = terms.length;
      while (lo < hi) { /* the first term >= token */
        var mid = (lo + hi) >> 1;
        if (compareTerms(terms[mid], token) < 0) lo = mid + 1;
        else hi = mid;
      }
      for (var i = lo; i < terms.length && terms[i].indexOf(token) === 0; i++) {
        var flat = hasOwn.call(shard.entries[i], field) ? shard.entries[i][field] : null;
        if (flat && flat.length) out.push(terms[i]);
      }
    }
    return out;
  };

  ShardedIndex.prototype.terms = function (query) {
    return queryTerms(this.pipeline, query);
  };

  /* [{doc, score}] for a query whose shards are loaded (see `missing`), best first. */
  ShardedIndex.prototype.hitsLoaded = function (query, options) {
    return score(this, query, options).map(function (r) { return { doc: r.key, score: r.score }; });
  };

  /* A promise of hitsLoaded(query, options), once the shards it needs are loaded. */
  ShardedIndex.prototype.hits = function (query, options) {
    var self = this;
    return this.loadShards(this.missing(query, options)).then(function () {
      return self.hitsLoaded(query, options);
    });
  };

  /* ---- result data: docs/<k>.json holds documents k*docChunk .. (k+1)*docChunk - 1 */

  ShardedIndex.prototype.chunkOf = function (doc) {
    return Math.floor(doc / this.docChunk);
  };

  /* [slug, title, summary, created] of a document whose chunk is loaded, else null. */
  ShardedIndex.prototype.row = function (doc) {
    var chunk = this.chunks[this.chunkOf(doc)];
    return chunk ? chunk[doc - this.chunkOf(doc) * this.docChunk] || null : null;
  };

  /* The chunks the documents need that are not loaded yet (ascending). */
  ShardedIndex.prototype.missingChunks = function (docs) {
    var need = new Set();
    for (var i = 0; i < docs.length; i++) {
      var k = this.chunkOf(docs[i]);
      if (!this.chunks[k]) need.add(k);
    }
    return Array.from(need).sort(function (a, b) { return a - b; });
  };

  ShardedIndex.prototype.loadChunk = function (k) {
    var self = this;
    if (this.chunks[k]) return Promise.resolve();
    if (!this.chunkLoads[k]) {
      this.chunkLoads[k] = this.fetch('docs/' + k + '.json').then(function (rows) {
        if (!Array.isArray(rows)) throw new Error('search-index/docs/' + k + '.json is not a list');
        self.chunks[k] = rows;
      }, function (error) {
        self.chunkLoads[k] = null;
        throw error;
      });
    }
    return this.chunkLoads[k];
  };

  /* Loads the result data of `docs` (document numbers). */
  ShardedIndex.prototype.loadDocs = function (docs) {
    var self = this;
    return Promise.all(this.missingChunks(docs).map(function (k) { return self.loadChunk(k); }));
  };

  /* sort.json: {created: [days since 1970-01-01], title: [rank]} per document. */
  ShardedIndex.prototype.loadSort = function () {
    var self = this;
    if (this.sortKeys) return Promise.resolve(this.sortKeys);
    if (!this.sortLoad) {
      this.sortLoad = this.fetch('sort.json').then(function (json) {
        if (!json || !Array.isArray(json.created) || !Array.isArray(json.title)) {
          throw new Error('search-index/sort.json has no created and title lists');
        }
        self.sortKeys = json;
        return json;
      }, function (error) {
        self.sortLoad = null;
        throw error;
      });
    }
    return this.sortLoad;
  };

  /* elasticlunr's answer: a promise of [{ref, score}], best first. Loads the shards the
     query needs and the result data of every hit (for the refs): for tests and tools;
     the page loads only the result data it shows. */
  ShardedIndex.prototype.search = function (query, options) {
    var self = this;
    return this.hits(query, options).then(function (hits) {
      var docs = hits.map(function (h) { return h.doc; });
      return self.loadDocs(docs).then(function () {
        return hits.map(function (h) { return { ref: self.row(h.doc)[0], score: h.score }; });
      });
    });
  };

  var engine = {
    tokenize: tokenize,
    trimmer: trimmer,
    stopWordFilter: stopWordFilter,
    stem: stem,
    STOP_WORDS: STOP_WORDS,
    PREFIX_MIN: PREFIX_MIN,
    compareTerms: compareTerms,
    Index: Index,
    ShardedIndex: ShardedIndex
  };

  if (typeof module === 'object' && module.exports) {
    module.exports = engine;
    return;
  }
  if (typeof document === 'undefined') return;

  /* ================================================================ the search page

     The page reads search-index/ (docs/search-index.md), never the monolithic index:
     - meta.json when the search box first gets focus (at once when the URL carries a
       query, filters or a sort): the fields, the shards' first terms, and per document
       its field lengths and facet columns (category, tags, licence, use);
     - per query, only the term shards its terms need (cached): one per exact term, the
       run of shards that can hold the terms starting with the last term when it is
       matched as a prefix;
     - the result data (docs/<k>.json, docChunk documents each) of the results shown;
     - sort.json when results are sorted by date or title, and for the listing without a
       query (newest first).
     The last word typed also matches as a prefix (`prefixLast`), but only once its term
     has at least PREFIX_MIN (3) characters: "c" alone would match, and fetch, every term
     starting with "c". Facets count over all the hits, from meta.json's columns.

     Typing: when everything a query needs is loaded it runs at once, on the key. When it
     needs shards, they are fetched at once after a pause in typing, but keys that follow
     each other within DEBOUNCE_MS wait until the typing pauses for that long. Every
     update has a number; an older one that finishes late never overwrites a newer one. */

  var DEBOUNCE_MS = 80;
  var PAGE_SIZE = 20;
  var TOP_TAGS = 15;
  var SORTS = { relevance: 'Relevance', newest: 'Newest first', title: 'Title (A–Z)' };
  var NO_LICENCE = 'not-stated';
  var FACET_KEYS = ['category', 'tag', 'license', 'use'];

  /* Facet groups over meta.json's per-document columns: URL parameter, legend, the
     values (strings, as in the URL), each document's values (`byDoc[doc]`: indexes into
     `values`), how a value reads. */
  function facetGroups(meta) {
    var n = meta.docCount;
    var column = function (of) {
      var out = new Array(n);
      for (var doc = 0; doc < n; doc++) out[doc] = of(doc);
      return out;
    };
    var singles = function (count) {
      var out = [];
      for (var i = 0; i < count; i++) out.push([i]);
      return out;
    };
    var titles = meta.categories.map(function (c) { return c[1] || c[0]; });
    var categories = singles(meta.categories.length);
    var licences = singles(meta.licenses.length + 1);
    var uses = [[], [0], [1], [0, 1]];
    var group = function (fields) {
      fields.index = new Map(fields.values.map(function (v, i) { return [v, i]; }));
      return fields;
    };
    return [
      group({ key: 'category', legend: 'Category',
        values: meta.categories.map(function (c) { return c[0]; }),
        byDoc: column(function (doc) { return categories[meta.category[doc]] || NOTHING; }),
        label: function (i) { return titles[i]; } }),
      group({ key: 'tag', legend: 'Tag', limit: TOP_TAGS,
        values: meta.tags.slice(),
        byDoc: column(function (doc) { return meta.docTags[doc] || NOTHING; }),
        label: function (i) { return meta.tags[i]; } }),
      group({ key: 'license', legend: 'Licence',
        values: meta.licenses.concat([NO_LICENCE]),
        byDoc: column(function (doc) {
          var l = meta.license[doc];
          return licences[l >= 0 && l < meta.licenses.length ? l : meta.licenses.length];
        }),
        label: function (i) { return i < meta.licenses.length ? meta.licenses[i] : 'Not stated'; } }),
      group({ key: 'use', legend: 'Use', fixedOrder: true,
        values: ['predict', 'train'],
        byDoc: column(function (doc) { return uses[meta.use[doc] & 3]; }),
        label: function (i) { return i === 0 ? 'Predict' : 'Train'; } })
    ];
  }

  function slugify(s) {
    var out = '';
    for (var i = 0; i < s.length; i++) {
      var ch = s.charAt(i);
      if (/[A-Za-z0-9]/.test(ch)) out += ch.toLowerCase();
      else if (out && out.charAt(out.length - 1) !== '-') out += '-';
    }
    return out.replace(/-+$/, '');
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many);
  }

  /* ---- state <-> URL: ?q=...&category=...&tag=...&license=...&use=...&sort=... */

  function emptyState() {
    return { q: '', category: [], tag: [], license: [], use: [], sort: 'relevance' };
  }

  function readState(search) {
    var params = new URLSearchParams(search);
    var state = emptyState();
    state.q = params.get('q') || '';
    FACET_KEYS.forEach(function (key) {
      params.getAll(key).forEach(function (v) {
        if (v && state[key].indexOf(v) < 0) state[key].push(v);
      });
    });
    var sort = params.get('sort');
    if (sort && hasOwn.call(SORTS, sort)) state.sort = sort;
    return state;
  }

  function stateQuery(state) {
    var params = new URLSearchParams();
    if (state.q) params.set('q', state.q);
    FACET_KEYS.forEach(function (key) {
      state[key].forEach(function (v) { params.append(key, v); });
    });
    if (state.sort !== 'relevance') params.set('sort', state.sort);
    var qs = params.toString();
    return qs ? '?' + qs : '';
  }

  function hasFilters(state) {
    return FACET_KEYS.some(function (key) { return state[key].length > 0; });
  }

  /* Whether the state asks for a list: a query, a filter or a sort. The bare page shows
     the filters and a prompt, and fetches nothing but meta.json. */
  function asksForList(state) {
    return state.q.trim() !== '' || hasFilters(state) || state.sort !== 'relevance';
  }

  function startSearchPage() {
    var results = document.getElementById('search-results');
    var input = document.getElementById('search-input');
    var form = document.getElementById('search-form');
    var facetsBox = document.getElementById('search-facets');
    if (!results || !input) return;

    var root = results.getAttribute('data-root') || '../';
    var metaUrl = results.getAttribute('data-index') || root + 'search-index/meta.json';
    var indexBase = metaUrl.replace(/[^\/]*$/, '');
    var baseTitle = document.title;

    var state = readState(window.location.search);
    var meta = null;
    var engine = null;
    var groups = null;
    var everyDoc = null;
    var options = null;
    var loading = null;   /* the promise of meta.json */
    var updates = 0;      /* the number of the latest update */
    var lastKeyAt = -Infinity;
    var quietUntil = 0;   /* shards are fetched no sooner (keys typed in quick succession) */
    var typing = false;   /* the current history entry holds the query being typed */
    var urlWrite = null;  /* how the next render writes the state into the URL: 'push', 'replace' */
    var shown = PAGE_SIZE;
    var ui = null;

    input.value = state.q;

    /* The toolbar, status line, list and "more" button are built once; only their
       contents change, so focus stays where the visitor left it. */
    function buildUi() {
      if (ui) return ui;
      ui = {};
      var bar = el('div', 'search-toolbar');
      bar.appendChild(el('h2', 'visually-hidden', 'Results'));
      ui.status = el('p', 'search-status');
      ui.status.id = 'search-status';
      ui.status.setAttribute('role', 'status');
      bar.appendChild(ui.status);
      var sortLabel = el('label', 'search-sort');
      sortLabel.appendChild(el('span', null, 'Sort by '));
      ui.sort = el('select');
      ui.sort.id = 'search-sort';
      Object.keys(SORTS).forEach(function (key) {
        var option = el('option', null, SORTS[key]);
        option.value = key;
        ui.sort.appendChild(option);
      });
      ui.sort.addEventListener('change', function () {
        state.sort = ui.sort.value;
        commit(true);
      });
      sortLabel.appendChild(ui.sort);
      ui.sortLabel = sortLabel;
      bar.appendChild(sortLabel);
      results.appendChild(bar);

      ui.empty = el('div', 'search-empty notice');
      ui.empty.hidden = true;
      results.appendChild(ui.empty);

      ui.list = el('ul', 'card-grid search-list');
      ui.list.setAttribute('aria-labelledby', 'search-status');
      ui.list.addEventListener('keydown', onListKey);
      results.appendChild(ui.list);

      ui.more = el('button', 'button search-more');
      ui.more.type = 'button';
      ui.more.hidden = true;
      ui.more.addEventListener('click', function () {
        var first = ui.list.children.length;
        shown += PAGE_SIZE;
        update(function () {
          var link = resultLinks()[first];
          if (link) link.focus();
        });
      });
      results.appendChild(ui.more);
      return ui;
    }

    function fetchJson(url) {
      return fetch(url, { credentials: 'same-origin' }).then(function (response) {
        if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
        return response.json();
      });
    }

    /* meta.json, once; a failure lets the next focus or query try again. */
    function loadMeta() {
      if (loading) return loading;
      buildUi();
      /* The (still empty) filter panel appears with the status line, not later with the
         results: the results then never move down or aside when they arrive. */
      if (facetsBox) facetPanel();
      ui.status.textContent = 'Loading the search index…';
      ui.sortLabel.hidden = true;
      loading = fetchJson(metaUrl).then(function (json) {
        var sharded = new ShardedIndex(json, function (path) { return fetchJson(indexBase + path); });
        meta = json;
        groups = facetGroups(meta);
        everyDoc = [];
        for (var doc = 0; doc < meta.docCount; doc++) everyDoc.push(doc);
        var fields = {};
        Object.keys(meta.boosts || {}).forEach(function (f) { fields[f] = { boost: meta.boosts[f] }; });
        /* Earlier words match whole (their stems); the last word also matches as a
           prefix once its term has PREFIX_MIN characters: its stem is expanded over the
           index's terms, with elasticlunr's penalty, so "yolo" finds "yolov8" and "sate"
           finds "satellite". A last word that is a stop word is dropped, not expanded. */
        options = { fields: fields, bool: 'OR', expand: false, prefixLast: true };
        engine = sharded;
        ui.sortLabel.hidden = false;
      }, function (error) {
        loading = null;
        throw error;
      });
      return loading;
    }

    /* Brings the page up to date with `state`: loads what it needs (meta.json, shards,
       sort.json, the result data of the results shown), then renders, unless a newer
       update started meanwhile. `after` runs once this update has rendered. */
    function update(after) {
      var number = ++updates;
      var view = null;
      var failed = function (error) {
        if (number !== updates) return;
        writeUrl();
        showLoadError(error);
      };
      var step = function () {
        try {
          advance();
        } catch (error) { /* a malformed file: say so, as for one that did not load */
          failed(error);
        }
      };
      var advance = function () {
        if (number !== updates) return;
        if (!engine) {
          loadMeta().then(step, failed);
          return;
        }
        var waits = [];
        var list = asksForList(state);
        if (list && state.q.trim()) {
          var missing = engine.missing(state.q, options);
          if (missing.length) {
            var wait = quietUntil - Date.now();
            if (wait > 0) {
              setTimeout(step, wait);
              return;
            }
            waits.push(engine.loadShards(missing));
          }
        }
        if (list && (state.sort !== 'relevance' || !state.q.trim()) && !engine.sortKeys) waits.push(engine.loadSort());
        if (waits.length) {
          Promise.all(waits).then(step, failed);
          return;
        }
        if (!view) view = compute();
        var docs = view.sorted.slice(0, shown);
        if (engine.missingChunks(docs).length) {
          engine.loadDocs(docs).then(step, failed);
          return;
        }
        writeUrl();
        render(view);
        if (after) after();
      };
      step();
    }

    function showLoadError(error) {
      if (facetsBox) {
        facetsBox.textContent = '';
        facetPanelParts = null;
      }
      buildUi();
      ui.status.textContent = '';
      ui.list.textContent = '';
      ui.more.hidden = true;
      ui.empty.hidden = false;
      ui.empty.textContent = '';
      ui.empty.appendChild(el('p', null, 'The search index could not be loaded (' + (error && error.message ? error.message : 'unknown error') + ').'));
      var p = el('p', null, 'Search needs the site to be served over HTTP. You can still browse the ');
      var cats = el('a', null, 'categories');
      cats.href = root + 'categories/index.html';
      var tags = el('a', null, 'tags');
      tags.href = root + 'tags/index.html';
      p.appendChild(cats);
      p.appendChild(document.createTextNode(' or the '));
      p.appendChild(tags);
      p.appendChild(document.createTextNode('.'));
      ui.empty.appendChild(p);
    }

    /* ---- matching, facets, sorting (on document numbers) */

    /* {list, hits (every match, for the facets), sorted (those passing the filters, in
       the order shown)}. */
    function compute() {
      var q = state.q.trim();
      if (!asksForList(state)) return { list: false, hits: everyDoc, sorted: [] };
      var hits = q ? engine.hitsLoaded(state.q, options).map(function (hit) { return hit.doc; }) : everyDoc;
      var masks = filterMasks();
      var narrowed = hasFilters(state) ? hits.filter(function (doc) { return passes(doc, masks, -1); }) : hits;
      return { list: true, hits: hits, sorted: sortDocs(narrowed, q !== '') };
    }

    /* Per group, the values the state asks for as a mask over its values (null: no
       filter); a value the group does not have matches nothing. */
    function filterMasks() {
      return groups.map(function (group) {
        var wanted = state[group.key];
        if (!wanted.length) return null;
        var mask = new Uint8Array(group.values.length);
        wanted.forEach(function (v) {
          var i = group.index.get(v);
          if (i !== undefined) mask[i] = 1;
        });
        return mask;
      });
    }

    /* Whether a document has, in every group but `skip`, one of the values asked for. */
    function passes(doc, masks, skip) {
      for (var g = 0; g < groups.length; g++) {
        var mask = masks[g];
        if (!mask || g === skip) continue;
        var values = groups[g].byDoc[doc];
        var any = false;
        for (var v = 0; v < values.length && !any; v++) any = mask[values[v]] === 1;
        if (!any) return false;
      }
      return true;
    }

    function sortDocs(docs, byRelevance) {
      var keys = engine.sortKeys;
      var title = function (a, b) { return keys.title[a] - keys.title[b]; };
      if (state.sort === 'title') return docs.slice().sort(title);
      /* relevance keeps the engine's order; with no query there is none, so newest first */
      if (state.sort === 'newest' || !byRelevance) {
        return docs.slice().sort(function (a, b) { return keys.created[b] - keys.created[a] || title(a, b); });
      }
      return docs;
    }

    /* Counts for group `g` over the hits that pass every other group's filter (ticking a
       value shows how many modules it would add within its group): [{value, count}],
       most frequent first; the values asked for are always listed. */
    function facetCounts(hits, g, masks) {
      var group = groups[g];
      var counts = new Int32Array(group.values.length);
      var filtered = masks.some(function (mask, i) { return mask && i !== g; });
      for (var h = 0; h < hits.length; h++) {
        var doc = hits[h];
        if (filtered && !passes(doc, masks, g)) continue;
        var values = group.byDoc[doc];
        for (var v = 0; v < values.length; v++) counts[values[v]] += 1;
      }
      var ids = [];
      for (var i = 0; i < counts.length; i++) if (counts[i] > 0) ids.push(i);
      if (!group.fixedOrder) {
        ids.sort(function (a, b) {
          var x = group.label(a);
          var y = group.label(b);
          return counts[b] - counts[a] || (x < y ? -1 : x > y ? 1 : 0);
        });
      }
      if (group.limit) ids = ids.slice(0, group.limit);
      var out = ids.map(function (id) { return { value: group.values[id], label: group.label(id), count: counts[id] }; });
      state[group.key].forEach(function (v) {
        if (out.some(function (item) { return item.value === v; })) return;
        var id = group.index.get(v);
        out.push({ value: v, label: id === undefined ? v : group.label(id), count: 0 });
      });
      return out;
    }

    function renderFacets(hits) {
      if (!facetsBox) return;
      var active = document.activeElement;
      var focusKey = active && active.getAttribute && active.getAttribute('data-facet') !== null
        ? active.getAttribute('data-facet') + '\u0000' + active.value : null;
      var panel = facetPanel();
      var selected = FACET_KEYS.reduce(function (n, key) { return n + state[key].length; }, 0);
      panel.title.textContent = selected ? 'Filter (' + selected + ' selected)' : 'Filter';
      var body = panel.body;
      body.textContent = '';
      var refocus = null;
      var masks = filterMasks();
      groups.forEach(function (group, g) {
        var values = facetCounts(hits, g, masks);
        if (values.length === 0) return;
        var fieldset = el('fieldset');
        fieldset.appendChild(el('legend', null, group.legend));
        values.forEach(function (item) {
          var label = el('label');
          var box = el('input');
          box.type = 'checkbox';
          box.value = item.value;
          box.setAttribute('data-facet', group.key);
          box.checked = state[group.key].indexOf(item.value) >= 0;
          box.addEventListener('change', onFacetChange);
          label.appendChild(box);
          label.appendChild(el('span', 'facet-name', item.label));
          /* The number is seen; screen readers hear "11 modules" (aria-label is not
             allowed on a plain span). */
          var count = el('span', 'facet-count', String(item.count));
          count.setAttribute('aria-hidden', 'true');
          label.appendChild(count);
          label.appendChild(el('span', 'visually-hidden', ', ' + plural(item.count, 'module', 'modules')));
          fieldset.appendChild(label);
          if (focusKey === group.key + '\u0000' + item.value) refocus = box;
        });
        body.appendChild(fieldset);
      });
      if (hasFilters(state)) {
        var clear = el('button', 'button facet-clear', 'Clear filters');
        clear.type = 'button';
        clear.addEventListener('click', function () {
          FACET_KEYS.forEach(function (key) { state[key] = []; });
          commit(true);
          input.focus();
        });
        body.appendChild(clear);
      }
      if (refocus) refocus.focus();
    }

    /* The facets sit in a <details>: open beside the results on wide screens, closed
       above them on narrow ones (where they would push the results off the screen). */
    var facetPanelParts = null;
    function facetPanel() {
      if (facetPanelParts) return facetPanelParts;
      var details = el('details', 'facet-panel');
      details.open = !window.matchMedia || window.matchMedia('(min-width: 56rem)').matches;
      var summary = el('summary');
      var title = el('h2', 'search-facets-title', 'Filter');
      summary.appendChild(title);
      details.appendChild(summary);
      var body = el('div', 'facet-groups');
      details.appendChild(body);
      facetsBox.textContent = '';
      facetsBox.appendChild(details);
      facetPanelParts = { details: details, title: title, body: body };
      return facetPanelParts;
    }

    function onFacetChange(event) {
      var box = event.target;
      var key = box.getAttribute('data-facet');
      var list = state[key].filter(function (v) { return v !== box.value; });
      if (box.checked) list.push(box.value);
      state[key] = list;
      commit(true);
    }

    /* A result card from the document's result data (docs/<k>.json) and meta.json's
       columns; every text goes in as text. */
    function card(doc) {
      var row = engine.row(doc);
      var slug = row[0];
      var category = meta.categories[meta.category[doc]] || ['', ''];
      var article = el('article', 'card cat-' + category[0]);
      var h3 = el('h3', 'card-title');
      var link = el('a', 'search-result-link', row[1]);
      link.href = root + 'modules/' + slug + '/index.html';
      h3.appendChild(link);
      article.appendChild(h3);
      article.appendChild(el('p', 'card-summary', row[2]));

      var badges = el('p', 'card-badges');
      var cat = el('a', 'badge cat-badge');
      cat.href = root + 'categories/' + category[0] + '/index.html';
      cat.appendChild(el('span', 'visually-hidden', 'Category: '));
      cat.appendChild(document.createTextNode(category[1] || category[0]));
      badges.appendChild(cat);
      if (meta.use[doc] & 1) {
        badges.appendChild(document.createTextNode(' '));
        badges.appendChild(el('span', 'label label-predict', 'Predict'));
      }
      if (meta.use[doc] & 2) {
        badges.appendChild(document.createTextNode(' '));
        badges.appendChild(el('span', 'label label-train', 'Train'));
      }
      article.appendChild(badges);

      var tagIds = meta.docTags[doc] || NOTHING;
      if (tagIds.length) {
        var tags = el('ul', 'tag-list');
        tags.setAttribute('aria-label', 'Tags');
        tagIds.forEach(function (id) {
          var name = meta.tags[id];
          var li = el('li');
          var tagSlug = slugify(name);
          var tag = el(tagSlug ? 'a' : 'span', 'tag', name);
          if (tagSlug) tag.href = root + 'tags/' + tagSlug + '/index.html';
          li.appendChild(tag);
          tags.appendChild(li);
        });
        article.appendChild(tags);
      }

      var foot = el('p', 'card-foot');
      var added = el('span', null, 'Added ');
      var time = el('time', null, row[3]);
      time.setAttribute('datetime', row[3]);
      added.appendChild(time);
      foot.appendChild(added);
      var licence = meta.license[doc];
      if (licence >= 0 && licence < meta.licenses.length) foot.appendChild(el('span', null, meta.licenses[licence]));
      article.appendChild(foot);
      return article;
    }

    function render(view) {
      buildUi();
      ui.sort.value = state.sort;
      var q = state.q.trim();
      var sorted = view.sorted;

      renderFacets(view.hits);

      var filtered = hasFilters(state);
      var status;
      if (!view.list) {
        status = plural(meta.docCount, 'module', 'modules') + ' in the catalogue: type to search, or pick a filter';
      } else if (q) {
        status = plural(sorted.length, 'module matches', 'modules match') + ' “' + q + '”' + (filtered ? ' with the selected filters' : '');
      } else if (filtered) {
        status = plural(sorted.length, 'module has', 'modules have') + ' the selected filters';
      } else {
        status = 'All ' + plural(sorted.length, 'module', 'modules');
      }
      ui.status.textContent = status + '.';
      document.title = q ? '“' + q + '” · ' + baseTitle : baseTitle;

      ui.list.textContent = '';
      sorted.slice(0, shown).forEach(function (doc) {
        var li = el('li');
        li.appendChild(card(doc));
        ui.list.appendChild(li);
      });
      var rest = sorted.length - Math.min(shown, sorted.length);
      ui.more.hidden = rest <= 0;
      ui.more.textContent = rest > 0 ? 'Show ' + plural(Math.min(rest, PAGE_SIZE), 'more module', 'more modules') : '';

      ui.empty.hidden = !view.list || sorted.length > 0;
      ui.empty.textContent = '';
      if (view.list && sorted.length === 0) {
        ui.empty.appendChild(el('p', 'search-empty-title', q ? 'No modules match “' + q + '”' + (filtered ? ' with the selected filters.' : '.') : 'No modules match the selected filters.'));
        ui.empty.appendChild(el('p', null, 'Try fewer or shorter words, or remove a filter.'));
        var reset = el('button', 'button', 'Reset the search');
        reset.type = 'button';
        reset.addEventListener('click', function () {
          state = emptyState();
          input.value = '';
          commit(true);
          input.focus();
        });
        ui.empty.appendChild(reset);
      }
    }

    /* Updates the page for the new state, and the URL with it (push: a step the back
       button returns to). */
    function commit(push) {
      shown = PAGE_SIZE;
      typing = false;
      urlWrite = push || urlWrite === 'push' ? 'push' : 'replace';
      update();
    }

    /* The state goes into the URL when its results are shown (a query still loading, or
       overtaken by the next key, leaves the URL alone). */
    function writeUrl() {
      if (!urlWrite) return;
      var url = window.location.pathname + stateQuery(state) + window.location.hash;
      var current = window.location.pathname + window.location.search + window.location.hash;
      if (url !== current) {
        if (urlWrite === 'push') window.history.pushState(null, '', url);
        else window.history.replaceState(null, '', url);
      }
      urlWrite = null;
    }

    /* ---- keyboard: arrows move between the result links; Enter follows the link */

    function resultLinks() {
      return ui ? Array.prototype.slice.call(ui.list.querySelectorAll('a.search-result-link')) : [];
    }

    function onListKey(event) {
      if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      var links = resultLinks();
      var at = links.indexOf(document.activeElement);
      if (at < 0) return;
      event.preventDefault();
      if (event.key === 'ArrowDown' && at + 1 < links.length) links[at + 1].focus();
      else if (event.key === 'ArrowUp') (at > 0 ? links[at - 1] : input).focus();
    }

    input.addEventListener('keydown', function (event) {
      if (event.key !== 'ArrowDown' || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      var links = resultLinks();
      if (!links.length) return;
      event.preventDefault();
      links[0].focus();
    });

    input.addEventListener('focus', function () {
      if (!engine && !loading) update();
    });

    input.addEventListener('input', function () {
      var now = Date.now();
      /* a key right after another: the visitor is still typing, so a query that needs
         shards waits for a pause (one that needs nothing runs at once) */
      quietUntil = now - lastKeyAt < DEBOUNCE_MS ? now + DEBOUNCE_MS : 0;
      lastKeyAt = now;
      state.q = input.value;
      /* the query's first change is a step the back button returns to; the keys
         typed after it refine that step */
      commit(!typing);
      typing = true;
    });

    if (form) {
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        quietUntil = 0;
        state.q = input.value;
        commit(!typing);
      });
    }

    window.addEventListener('popstate', function () {
      typing = false;
      urlWrite = null;
      quietUntil = 0;
      state = readState(window.location.search);
      input.value = state.q;
      shown = PAGE_SIZE;
      update();
    });

    if (asksForList(state)) update();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', startSearchPage);
  } else {
    startSearchPage();
  }
})();
