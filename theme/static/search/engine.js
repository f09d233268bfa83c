/* engine.js: the scorer and the monolithic index. It answers queries the way
   elasticlunr.js 0.9.5's `elasticlunr.Index.load(json).search(query, options)` does over
   the monolithic `search-index.json`: the same scoring (tf x idf x field length norm, the
   penalty for expanded tokens, coordNorm, per-field boosts, bool OR/AND), the same order
   of results, ties included, and bit-for-bit the same scores. One scorer (`score`) reads
   either form of the index: `Index` here, or `ShardedIndex` (sharded.js). */
import { hasOwn, NOTHING, PREFIX_MIN, dict, makePipeline, queryTerms } from './text.js';

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

/* elasticlunr's Configuration: per searched field {boost, bool, expand}. Without
   options, or when they cannot be read, every field with boost 1, OR, no expansion. */
export function configure(fields, options) {
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
export function expands(fc, t, prefixLast) {
  return fc.expand == true || (prefixLast && t.last && t.term.length >= PREFIX_MIN); // eslint-disable-line eqeqeq
}

/* One field's scores for the terms: an accumulator key -> score, or null when the
   field is off (boost 0) or there is no term. */
export function fieldScores(source, terms, field, fc, prefixLast) {
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

export function combine(source, total, add, and) {
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
export function score(source, query, options) {
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
export function MapScores() {
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

/* For keys 0..n-1: the values in a typed array, the keys in insertion order in
   another. A key is held when its stamp is the table's generation, so that emptying the
   table is one increment, not a pass over the keys it held. The scorers' hot loops
   (tolerant.js) read and write these arrays directly: a method call per posting is most
   of a first query's time while the code is still cold. */
export function DenseScores(n) {
  this.values = new Float64Array(n);
  this.stamp = new Uint32Array(n);
  this.gen = 1;
  this.keys = new Int32Array(n);
  this.size = 0;
}
DenseScores.prototype.get = function (key) {
  return this.stamp[key] === this.gen ? this.values[key] : undefined;
};
DenseScores.prototype.set = function (key, value) {
  if (this.stamp[key] !== this.gen) {
    this.stamp[key] = this.gen;
    this.keys[this.size++] = key;
  }
  this.values[key] = value;
};
/* Empties the table in constant time (reused, no new arrays). */
DenseScores.prototype.clear = function () {
  if (this.gen === 0xffffffff) {
    this.stamp.fill(0);
    this.gen = 0;
  }
  this.gen += 1;
  this.size = 0;
  return this;
};
DenseScores.prototype.forEach = function (fn) {
  var keys = this.keys;
  var values = this.values;
  var size = this.size;
  for (var i = 0; i < size; i++) fn(keys[i], values[keys[i]]);
};

/* The number JavaScript reads a property key as when it is an array index (a
   canonical decimal integer below 2^32 - 1), else -1. */
export function arrayIndex(key) {
  if (!/^(0|[1-9][0-9]{0,9})$/.test(key)) return -1;
  var n = Number(key);
  return n < 4294967295 ? n : -1;
}

/* ---------------------------------------------------------------- the monolithic index

   search-index.json, used as it is: per field, a trie of single characters whose nodes
   hold {docs: {ref: {tf}}, df}. Keys are refs. The search page no longer reads it (at
   10,000 modules it is ~55 MB); the tests hold the scorer to elasticlunr.js with it. */

export function Index(json) {
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
