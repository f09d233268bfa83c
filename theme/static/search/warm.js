/* warm.js: `warmUp()`, the search code run once on a small made-up index while the page
   is idle, so that a visitor's first query does not run it cold.

   A first query at 10,000 modules scores some 30,000 postings. Run cold, that takes
   three to five times as long as the same code run once before: the engine interprets it
   and learns the types it sees, optimizes its loops in the middle of their run, then
   throws that away at the first branch that had not run yet, to compile it again (on a
   machine whose other core is busy drawing the page). Here every step a query takes
   (decoding triples and dense pairs, prefix expansion, two words, the fields' sums,
   coordNorm, picking the first results, the filters' list) runs over the same kinds of
   arrays as a real query, with every branch of the hot loops taken, so the real one
   finds its code compiled and its type feedback complete. The results are thrown away;
   nothing is fetched; nothing the page shows depends on it. */
import { ShardedIndex, searchOptions } from './sharded.js';
import { prepare, rankingInSteps } from './tolerant.js';

var DOCS = 1024;
var done = null;

/* The made-up index: the real one's fields, boosts and pipeline, DOCS documents, and
   three terms with postings in every field: two as triples, one dense (pairs, its body
   lengths in lengths/). */
function madeUp(real) {
  var fields = real.fields.slice();
  var meta = {
    version: 3,
    ref: real.ref,
    fields: fields,
    boosts: real.boosts,
    pipeline: real.pipeline,
    docCount: DOCS,
    intRefs: [],
    shards: ['warm'],
    single: [],
    dense: {},
    lengthChunk: DOCS,
    lists: 0
  };
  var lengths = [];
  for (var d = 0; d < DOCS; d++) lengths.push(1 + (d * 7) % 40);
  var triples = function (step, from) {
    var out = [];
    var last = 0;
    for (var doc = from; doc < DOCS; doc += step) {
      out.push(doc - last, 1 + doc % 3, lengths[doc]);
      last = doc;
    }
    return out;
  };
  var pairs = function (step, from) {
    var out = [];
    var last = 0;
    for (var doc = from; doc < DOCS; doc += step) {
      out.push(doc - last, 1 + doc % 4);
      last = doc;
    }
    return { pairs: out };
  };
  var entry = function (step, from, dense) {
    var postings = {};
    fields.forEach(function (field, i) {
      postings[field] = dense && i === fields.length - 1 ? pairs(step, from) : triples(step + i, from);
    });
    return postings;
  };
  var last = fields[fields.length - 1];
  meta.dense[last] = [0];
  var files = {
    /* in index order: "warm" before its extensions */
    'terms/0.json': [['warm', entry(1, 0, true)], ['warmer', entry(3, 1, false)], ['warmest', entry(2, 0, false)]]
  };
  files['lengths/' + last + '/0.json'] = lengths;
  return new ShardedIndex(meta, function (path) {
    if (!Object.prototype.hasOwnProperty.call(files, path)) throw new Error('warm.js: no ' + path);
    return JSON.parse(JSON.stringify(files[path]));
  });
}

/* One made-up query, ranked and its first results picked as the pages do. */
function one(index, query) {
  var options = Object.assign({}, searchOptions(index.meta), { typos: false });
  return prepare(index, query, options).then(function (plan) {
    return rankingInSteps(index, plan, options, function (fn) { fn(); }, null, Infinity);
  }).then(function (ranking) {
    ranking.first(8);
    ranking.ordered(20, null);
    ranking.ordered(20, function (doc) { return doc % 2 === 0; });
    return ranking.length;
  });
}

/* A promise, once per page, of the warm-up done (of the number of hits of each made-up
   query: the tests check it ran), each query in a task of its own while the page is idle
   (`idle(fn)`: requestIdleCallback where there is one). `meta`: the real index's
   meta.json. A failure resolves to null: the warm-up is only ever a head start. */
export function warmUp(meta, idle) {
  if (done) return done;
  var later = idle || function (fn) {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(function () { fn(); }, { timeout: 500 });
    else setTimeout(fn, 0);
  };
  var step = function (work) {
    return new Promise(function (resolve) { later(function () { resolve(work()); }); });
  };
  var index = null;
  var hits = [];
  var keep = function (n) { hits.push(n); };
  done = step(function () {
    index = madeUp(meta);
    return one(index, 'warm');
  }).then(keep).then(function () {
    return step(function () { return one(index, 'warmest warme'); });
  }).then(keep).then(function () {
    return step(function () { return one(index, 'warmer wa warm'); });
  }).then(keep).then(function () { return hits; }, function () { return null; });
  return done;
}
