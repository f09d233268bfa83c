/* sharded.js: `ShardedIndex`, the loader and reader of the sharded search-index/
   (docs/search-index.md), scored by engine.js exactly as the monolithic index; and
   `openIndex(metaUrl)`, which opens it in a page with fetch (once per URL). */
import { hasOwn, NOTHING, makePipeline, queryTerms, compareTerms, unreachable } from './text.js';
import { configure, expands, score, DenseScores } from './engine.js';
import { fnv1a } from './typo.js';

/* ---------------------------------------------------------------- the sharded index

   search-index/ (docs/search-index.md): meta.json (fields, pipeline, document count,
   the first term of each shard: nothing per document), terms/<k>.json (the postings of
   a run of terms, in index order, each with the field length of its document),
   docs/<doc>.json (a result card's data), text/<doc>.json (its excerpt text) and sort.json. Documents are
   numbered in the byte order of their refs, the order of the postings, and keys are
   these numbers. A field length is known once a posting of the document in that field
   is decoded, which is all the scorer asks for: the postings carry it, but for dense
   ones ({pairs: [gap, count, ...]}, a common term's), whose documents' lengths come
   from lengths/<field>/<k>.json, loaded with the shard.

   `load(path)` reads a file of search-index/ ("terms/3.json") and returns its parsed
   JSON or a promise of it: fetch in the page, the disk in Node. A query is answered in
   two steps: the shards its terms need are loaded (`hits`, or `loadShards(missing(q))`),
   then it is scored synchronously (`hitsLoaded`), exactly as elasticlunr.js would
   score the monolithic index. */

/* Whether a field's postings in a shard entry list a document: triples, or dense pairs. */
export function listed(value) {
  if (!value) return false;
  return Array.isArray(value) ? value.length > 0 : Array.isArray(value.pairs) && value.pairs.length > 0;
}

/* meta.json's lists of shards as they are meant: {firsts: the first term of each shard,
   single: the shards holding one term, dense: {field: shards}}. meta.json has them
   compact (docs/search-index.md): the first terms front-coded (`shards`, each without the
   `shared[k]` units it shares with the one before), the shard numbers as gaps. */
export function shardLists(meta) {
  var firsts = [];
  var before = '';
  (meta.shards || NOTHING).forEach(function (rest, k) {
    before = before.slice(0, (meta.shared && meta.shared[k]) || 0) + rest;
    firsts.push(before);
  });
  var ungapped = function (gaps) {
    var n = 0;
    return (gaps || NOTHING).map(function (gap) { return (n += gap); });
  };
  var dense = {};
  Object.keys(meta.dense || {}).forEach(function (field) { dense[field] = ungapped(meta.dense[field]); });
  return { firsts: firsts, single: ungapped(meta.single), dense: dense };
}

export function ShardedIndex(meta, load) {
  if (!meta || meta.version !== 3) {
    throw new Error('search index: search-index/meta.json version ' + (meta && meta.version) + ' is not 3');
  }
  var lists = shardLists(meta);
  this.meta = meta;
  this.fields = meta.fields.slice();
  this.ref = meta.ref;
  this.pipeline = makePipeline(meta.pipeline);
  this.docCount = meta.docCount;
  this.lengths = new Map(); /* field -> Uint32Array over documents, filled from postings */
  this.lengthChunk = meta.lengthChunk || 1024;
  this.lengthLoads = new Map(); /* field + "/" + k -> promise of lengths/<field>/<k>.json */
  this.firsts = lists.firsts;
  this.singles = new Set(lists.single); /* shards holding one term: their first */
  var dense = this.denseIn = new Map(); /* shard -> the fields of its dense postings */
  Object.keys(lists.dense).forEach(function (field) {
    lists.dense[field].forEach(function (k) { dense.set(k, (dense.get(k) || []).concat([field])); });
  });
  this.load = load;
  this.ints = new Map();
  var ints = this.ints;
  (meta.intRefs || []).forEach(function (pair) { ints.set(pair[0], Number(pair[1])); });
  this.shards = [];     /* k -> {terms, entries, at: Map term -> position} */
  this.shardLoads = []; /* k -> promise */
  this.rows = new Map();     /* doc -> its docs/<doc>.json */
  this.rowLoads = new Map(); /* doc -> promise */
  this.texts = new Map();     /* doc -> its text/<doc>.json */
  this.textLoads = new Map(); /* doc -> promise */
  this.sortKeys = null; /* sort.json */
  this.sortLoad = null;
  this.listLoads = new Map(); /* lists/<hash>.json -> its promise */
  this.decoded = new Map(); /* field + "\n" + term -> postings */
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

/* The shard that holds `term` if it is a term and that shard could hold it: -1 too when
   the shard holds one term, another (a common term's shard: nothing to fetch to know). */
ShardedIndex.prototype.holderOf = function (term) {
  var k = this.shardOf(term);
  return k >= 0 && this.singles.has(k) && this.firsts[k] !== term ? -1 : k;
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
  /* a shard holding one term that does not start with the prefix holds none that do */
  var out = this.singles.has(lo) && firsts[lo].indexOf(prefix) !== 0 ? [] : [lo];
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
      var k = self.holderOf(t.term);
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
    /* the lengths of the fields where its postings are dense, fetched beside it (they
       list a quarter of the documents or more: every file of those fields) */
    var early = (this.denseIn.get(k) || NOTHING).map(function (field) { return self.loadAllLengths(field); });
    this.shardLoads[k] = Promise.all([this.fetch('terms/' + k + '.json')].concat(early)).then(function (both) {
      var json = both[0];
      if (!Array.isArray(json)) throw new Error('search-index/terms/' + k + '.json is not a list');
      var at = new Map();
      var terms = [];
      var entries = [];
      json.forEach(function (pair, i) {
        terms.push(pair[0]);
        entries.push(pair[1]);
        at.set(pair[0], i);
      });
      /* the shard counts as loaded once the lengths its dense postings need are in */
      return self.loadLengthsOf(entries).then(function () {
        self.shards[k] = { terms: terms, entries: entries, at: at };
      });
    }).then(null, function (error) {
      self.shardLoads[k] = null; /* the next query tries again */
      throw error;
    });
  }
  return this.shardLoads[k];
};

/* Loads the field lengths of the documents of the dense postings of `entries`: the
   lengths/<field>/<k>.json covering them (each file once). */
ShardedIndex.prototype.loadLengthsOf = function (entries) {
  var self = this;
  var size = this.lengthChunk;
  var need = new Set();
  entries.forEach(function (entry) {
    for (var field in entry) {
      if (!hasOwn.call(entry, field)) continue;
      var list = entry[field];
      if (!list || Array.isArray(list) || !Array.isArray(list.pairs)) continue;
      var pairs = list.pairs;
      var doc = 0;
      for (var i = 0; i < pairs.length; i += 2) {
        doc += pairs[i];
        need.add(field + '/' + Math.floor(doc / size));
      }
    }
  });
  return Promise.all(Array.from(need).map(function (key) { return self.loadLengths(key); }));
};

ShardedIndex.prototype.loadAllLengths = function (field) {
  var files = [];
  for (var k = 0; k * this.lengthChunk < this.docCount; k++) files.push(this.loadLengths(field + '/' + k));
  return Promise.all(files);
};

ShardedIndex.prototype.loadLengths = function (key) {
  var self = this;
  var pending = this.lengthLoads.get(key);
  if (!pending) {
    var slash = key.lastIndexOf('/');
    var field = key.slice(0, slash);
    var k = Number(key.slice(slash + 1));
    pending = this.fetch('lengths/' + key + '.json').then(function (lengths) {
      if (!Array.isArray(lengths)) throw new Error('search-index/lengths/' + key + '.json is not a list');
      var column = self.lengthsOf(field);
      var from = k * self.lengthChunk;
      for (var i = 0; i < lengths.length && from + i < column.length; i++) column[from + i] = lengths[i];
    }, function (error) {
      self.lengthLoads.delete(key);
      throw error;
    });
    this.lengthLoads.set(key, pending);
  }
  return pending;
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

/* The postings of `term` in every field ({field: [gap, count, length, ...] or
   {pairs: [gap, count, ...]}}), or null. */
ShardedIndex.prototype.entry = function (term) {
  if (!term || unreachable(term)) return null;
  var k = this.holderOf(term);
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
  /* dense postings are pairs, their lengths loaded with the shard (lengths/) */
  var dense = !!flat && !Array.isArray(flat);
  if (dense) flat = Array.isArray(flat.pairs) ? flat.pairs : null;
  var step = dense ? 2 : 3;
  var postings = null;
  if (flat && flat.length) {
    var n = (flat.length / step) | 0;
    var keys = new Int32Array(n);
    var tfs = new Float64Array(n);
    decodePostings(flat, n, dense, keys, tfs, this.lengthsOf(field));
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

/* The gaps, counts and (unless dense) lengths of a posting list into `keys`, `tfs`
   (elasticlunr's tf: the count's square root) and the field's `lengths`. A function of
   its own, so that V8 optimizes the loop whole (see tolerant.js's loops). */
function decodePostings(flat, n, dense, keys, tfs, lengths) {
  var doc = 0;
  if (dense) {
    for (var i = 0; i < n; i++) {
      doc += flat[2 * i];
      keys[i] = doc;
      tfs[i] = Math.sqrt(flat[2 * i + 1]);
    }
    return;
  }
  for (var j = 0; j < n; j++) {
    doc += flat[3 * j];
    keys[j] = doc;
    tfs[j] = Math.sqrt(flat[3 * j + 1]);
    lengths[doc] = flat[3 * j + 2];
  }
}

ShardedIndex.prototype.df = function (field, term) {
  var postings = this.postings(field, term);
  return postings ? postings.keys.length : 0;
};

/* df(field, term) read off the shard entry without decoding its postings (predict.js
   weighs every completion of a prefix, most of which are never scored). */
ShardedIndex.prototype.listedIn = function (field, term) {
  var entry = this.entry(term);
  var flat = entry && hasOwn.call(entry, field) ? entry[field] : null;
  if (!flat) return 0;
  if (Array.isArray(flat)) return (flat.length / 3) | 0;
  return Array.isArray(flat.pairs) ? (flat.pairs.length / 2) | 0 : 0;
};

/* The field's lengths by document, as the decoded postings told them (0: not known yet,
   or no token in that field). */
ShardedIndex.prototype.lengthsOf = function (field) {
  var column = this.lengths.get(field);
  if (!column) {
    column = new Uint32Array(this.docCount);
    this.lengths.set(field, column);
  }
  return column;
};

/* elasticlunr's docInfo length of a document whose postings in `field` are decoded. */
ShardedIndex.prototype.fieldLength = function (doc, field) {
  var column = this.lengths.get(field);
  return column ? column[doc] : 0;
};

/* The field length norm of a document, for the documents of decoded postings (the only
   ones the scorer asks about): 1 / sqrt(length), 1 for a length of 0. */
ShardedIndex.prototype.norms = function (field) {
  var lengths = this.lengthsOf(field);
  return function (doc) {
    var length = lengths[doc];
    return length != 0 ? 1 / Math.sqrt(length) : 1; // eslint-disable-line eqeqeq
  };
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
      if (listed(hasOwn.call(shard.entries[i], field) ? shard.entries[i][field] : null)) out.push(terms[i]);
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

/* ---- result data: docs/<doc>.json, one file per document:
   [slug, title, summary, created, [category slug, category title], licence or null,
   use bits, [tags]]; and text/<doc>.json, its excerpt text (a string), fetched apart:
   it weighs ten times the card, and a page wants it for the cards in view only */

/* The result data of a document if it is loaded, else null. */
ShardedIndex.prototype.row = function (doc) {
  return this.rows.get(doc) || null;
};

/* One file per document into `done` (doc -> value), each fetched once at a time
   (`pending`: doc -> promise); `check` says whether what came is what was asked for. */
function loadOnce(index, doc, path, done, pending, check) {
  if (done.has(doc)) return Promise.resolve(done.get(doc));
  var load = pending.get(doc);
  if (!load) {
    load = index.fetch(path).then(function (value) {
      if (!check(value)) throw new Error('search-index/' + path + ' is not what it should be');
      done.set(doc, value);
      pending.delete(doc);
      return value;
    }, function (error) {
      pending.delete(doc);
      throw error;
    });
    pending.set(doc, load);
  }
  return load;
}

ShardedIndex.prototype.loadRow = function (doc) {
  return loadOnce(this, doc, 'docs/' + doc + '.json', this.rows, this.rowLoads, function (row) {
    return Array.isArray(row) && row.length >= 8;
  });
};

/* The excerpt text of a document if it is loaded, else undefined. */
ShardedIndex.prototype.text = function (doc) {
  return this.texts.get(doc);
};

/* A promise of it; a text that cannot be read is none ('', kept): an excerpt is no
   reason to ask again, nor to fail the results. */
ShardedIndex.prototype.loadText = function (doc) {
  var self = this;
  return loadOnce(this, doc, 'text/' + doc + '.json', this.texts, this.textLoads, function (text) {
    return typeof text === 'string';
  }).then(null, function () {
    self.texts.set(doc, '');
    return '';
  });
};

/* Loads the result data of `docs` (document numbers). */
ShardedIndex.prototype.loadDocs = function (docs) {
  var self = this;
  return Promise.all(docs.map(function (doc) { return self.loadRow(doc); }));
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

/* The file of lists/ that holds the listing of `key` = `value` (with any other listing
   whose key and value hash the same): lists/<fnv1a(key + "\0" + value), 8 hex digits>.json. */
export function listingPath(key, value) {
  return 'lists/' + ('0000000' + fnv1a(key + '\u0000' + value).toString(16)).slice(-8) + '.json';
}

/* The listing without a query of one filter value (`key` a URL parameter of the
   search page, `value` one of its values; both '' for no filter), from
   listingPath(key, value): a promise of {key, value, count, docs (the first page,
   newest first), cards (their docs/<doc>.json), groups (the filter counts)}, or of null
   when the index has no listings (meta.lists). A value no module has has no file: the
   promise rejects. The cards join the result data (`row`). */
ShardedIndex.prototype.loadListing = function (key, value) {
  var self = this;
  if (!(this.meta.lists > 0)) return Promise.resolve(null);
  var file = listingPath(key, value);
  var load = this.listLoads.get(file);
  if (!load) {
    load = this.fetch(file).then(function (entries) {
      if (!Array.isArray(entries)) throw new Error('search-index/' + file + ' is not a list');
      return entries;
    });
    load.catch(function () { self.listLoads.delete(file); });
    this.listLoads.set(file, load);
  }
  return load.then(function (entries) {
    var entry = entries.find(function (e) { return e && e.key === key && e.value === value; }) || null;
    if (!entry) return null;
    if (!Array.isArray(entry.docs) || !Array.isArray(entry.cards) || entry.cards.length !== entry.docs.length || !entry.groups) {
      throw new Error('search-index/' + file + ': the listing of ' + key + '=' + value + ' is not what it should be');
    }
    entry.docs.forEach(function (doc, i) {
      if (!self.rows.has(doc) && Array.isArray(entry.cards[i]) && entry.cards[i].length >= 8) self.rows.set(doc, entry.cards[i]);
    });
    return entry;
  });
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

/* ---------------------------------------------------------------- opening it in a page */

/* GETs `url` as JSON (same-origin credentials); an HTTP error rejects. */
export function fetchJson(url) {
  return fetch(url, { credentials: 'same-origin' }).then(function (response) {
    if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
    return response.json();
  });
}

/* The page's query options over meta.json's boosts: elasticlunr's {fields, bool: 'OR',
   expand: false}, plus `prefixLast`. Earlier words match whole (their stems); the last
   word also matches as a prefix once its term has PREFIX_MIN characters: its stem is
   expanded over the index's terms, with elasticlunr's penalty, so "yolo" finds "yolov8"
   and "sate" finds "satellite". A last word that is a stop word is dropped, not expanded. */
export function searchOptions(meta) {
  var fields = {};
  Object.keys(meta.boosts || {}).forEach(function (f) { fields[f] = { boost: meta.boosts[f] }; });
  return { fields: fields, bool: 'OR', expand: false, prefixLast: true };
}

var opened = new Map(); /* meta.json's URL -> the promise of openIndex */
var early = new Map(); /* a file's URL -> the promise of its JSON, fetched before meta.json */

/* The absolute URL of meta.json (relative URLs are the page's). */
function metaHref(metaUrl) {
  return typeof document !== 'undefined' && document.baseURI ? new URL(metaUrl, document.baseURI).href : metaUrl;
}

/* Fetches the lists/ file of `key` = `value` beside meta.json rather than after it (a
   page opened with one filter needs both); the index opened from `metaUrl` reads that
   fetch when it asks for the file. */
export function prefetchListing(metaUrl, key, value) {
  var url = metaHref(metaUrl).replace(/[^\/]*$/, '') + listingPath(key, value);
  if (!early.has(url)) {
    var load = fetchJson(url);
    load.catch(function () {}); /* the index sees the failure when it asks */
    early.set(url, load);
  }
}

/* Opens search-index/ from its meta.json URL (relative URLs are the page's):
   a promise of {index: a ShardedIndex fetching the other files beside meta.json,
   meta: meta.json, options: searchOptions(meta), url: meta.json's URL as fetched}.
   Every caller with the same URL shares one promise and one index (and its loaded
   shards); a failure (network, HTTP, a meta.json of another version) is not kept, so
   the next call tries again. */
export function openIndex(metaUrl) {
  var url = metaHref(metaUrl);
  var pending = opened.get(url);
  if (pending) return pending;
  var base = url.replace(/[^\/]*$/, '');
  pending = fetchJson(url).then(function (meta) {
    var index = new ShardedIndex(meta, function (path) {
      var fetched = early.get(base + path);
      if (!fetched) return fetchJson(base + path);
      early.delete(base + path);
      return fetched;
    });
    return { index: index, meta: meta, options: searchOptions(meta), url: url };
  });
  opened.set(url, pending);
  pending.catch(function () {
    if (opened.get(url) === pending) opened.delete(url);
  });
  return pending;
}
