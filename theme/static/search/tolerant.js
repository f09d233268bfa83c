/* tolerant.js: search that forgives, over a ShardedIndex (sharded.js): a query word that
   matches nothing as typed is matched through the catalogue's words within one typo (two
   from 8 characters), and a word of 5 or more characters also matches the terms that end
   with it ("plankton" finds "zooplankton"). docs/search-index.md describes the files
   (fuzzy/, suffix/, text/) and the rules.

   The scorer is elasticlunr's (engine.js, bit for bit when nothing is corrected or
   extended and no tier reorders), with two kinds of alternative terms per query word:
   corrections, which stand for a word that matched nothing (they count in coordNorm as
   the word would, weighted down by their distance and their rarity among the
   corrections), and suffix terms, which add to a word like prefix expansions do. Then
   one rule over elasticlunr's order: a module that holds every query word itself (as
   typed, or the last word as a prefix) comes before every module that does not.

   Loading is in rounds, each fetching in parallel: the term shards of the words as typed
   and the suffix shards; then the fuzzy shards of the words that matched nothing; then
   the term shards of every correction and suffix term. `prepare` does the rounds and
   returns a plan; `rank` scores a plan synchronously. */
import { queryTerms, runPipeline, NOTHING, PREFIX_MIN } from './text.js';
import { configure, expands, combine } from './engine.js';
import { Ranking, rankOrder } from './ranking.js';
import { lookupKeys, shardOfKey, nearWords, suffixShards, suffixTerms, SUFFIX_MIN } from './typo.js';
import { SLICE_MS } from './tasks.js';
import { listed } from './sharded.js';

export const TYPO_WEIGHT = [1, 0.5, 0.3]; /* by distance */
export const SUFFIX_WEIGHT = 0.5; /* times the share of the longer term the word covers */

var states = new WeakMap(); /* index -> {fuzzy: [], suffix: [], scratchPool} */

function stateOf(index) {
  var s = states.get(index);
  if (!s) {
    s = { fuzzy: [], fuzzyLoads: [], suffix: [], suffixLoads: [], scratchPool: [] };
    states.set(index, s);
  }
  return s;
}

/* The score tables a ranking works in, made once and reused: a keystroke then allocates
   no arrays over every document (at 10,000 modules a query used to make some thirty,
   and the collections they caused blocked the page). A ranking takes a set from the
   index's pool and gives it back when done; one abandoned half-way (a newer query) keeps
   its set, so no two rankings ever share one. */
function takeScratch(index) {
  var s = stateOf(index);
  if (!s.scratchPool) s.scratchPool = [];
  var pool = s.scratchPool;
  while (pool.length) {
    var kept = pool.pop();
    if (kept.n === index.docCount) return kept;
  }
  return {
    n: index.docCount,
    found: index.scores(),
    term: index.scores(),
    total: index.scores(),
    fields: new Map(),
    direct: new Int32Array(index.docCount)
  };
}

function giveScratch(index, scratch) {
  var pool = stateOf(index).scratchPool;
  if (pool.length < 2) pool.push(scratch);
}

function loadInto(index, list, loads, path, k, read) {
  if (list[k]) return Promise.resolve(list[k]);
  if (!loads[k]) {
    loads[k] = index.fetch(path).then(function (json) {
      list[k] = read(json);
      return list[k];
    }, function (error) {
      loads[k] = null;
      throw error;
    });
  }
  return loads[k];
}

function fuzzyShard(index, k) {
  var s = stateOf(index);
  return loadInto(index, s.fuzzy, s.fuzzyLoads, 'fuzzy/' + k + '.json', k, function (json) {
    var map = new Map();
    (json || []).forEach(function (pair) { map.set(pair[0], pair[1]); });
    return map;
  });
}

function suffixShard(index, k) {
  var s = stateOf(index);
  return loadInto(index, s.suffix, s.suffixLoads, 'suffix/' + k + '.json', k, function (json) { return json || []; });
}

/* Whether the index holds a term in any field (its shard loaded). */
function holds(index, term) {
  var entry = index.entry(term);
  if (!entry) return false;
  for (var f = 0; f < index.fields.length; f++) {
    if (listed(entry[index.fields[f]])) return true;
  }
  return false;
}

/* Whether a query word matches itself: its term, or as the last word its extensions. */
function matchesItself(index, unit, config, prefixLast) {
  if (holds(index, unit.term)) return true;
  for (var field in config) {
    if (config[field].boost === 0) continue;
    if (expands(config[field], unit, prefixLast) && index.expand(field, unit.term).length) return true;
  }
  return false;
}

/* For the last word, typed as a prefix, that matches nothing: when it starts a word of
   the index (the fuzzy shard of its first `fuzzy.prefix` units lists the words starting
   with them, and that of a word one unit shorter the words starting with it, under the
   key that deletes the unit after it; a shorter word is left to the typo lookup), the word cut
   by one to TYPED_CUT characters (never under PREFIX_MIN + 1), the first whose term
   matches as a prefix becomes the word's term ("classifica" -> "classific" ->
   "classif", what "classification" is indexed as). A misspelt word ("intrusoin")
   starts no word: it is corrected. A promise of whether one did. */
var TYPED_CUT = 4;
function typedPrefix(index, u, config, fuzzy) {
  /* "medica" (towards "medical", indexed as "medic"): one shard, where the typo lookup
     would read seven */
  if (!fuzzy || u.word.length < fuzzy.prefix - 1) return Promise.resolve(false);
  var key = u.word.slice(0, fuzzy.prefix);
  return fuzzyShard(index, shardOfKey(key, fuzzy.shards)).then(function (map) {
    var words = map.get(key) || NOTHING;
    var starts = words.some(function (w) { return w.length > u.word.length && w.indexOf(u.word) === 0; });
    return starts ? cutToPrefix(index, u, config) : false;
  });
}

function cutToPrefix(index, u, config) {
  var tried = new Set([u.term]);
  var cut = 0;
  var next = function () {
    cut += 1;
    var word = u.word.slice(0, u.word.length - cut);
    if (cut > TYPED_CUT || word.length <= PREFIX_MIN) return Promise.resolve(false);
    var term = runPipeline(index.pipeline, word, 0, [word]);
    if (term === undefined || tried.has(term) || term.length < PREFIX_MIN) return next();
    tried.add(term);
    var shards = index.shardRange(term).filter(function (k) { return !index.shards[k]; });
    return index.loadShards(shards).then(function () {
      var unit = { term: term, last: true, word: word };
      if (!matchesItself(index, unit, config, true)) return next();
      u.term = term;
      u.direct = true;
      return true;
    });
  };
  return next();
}

/* Total document frequency of a term over the fields. */
function frequency(index, term) {
  var n = 0;
  index.fields.forEach(function (f) { n += index.df(f, term); });
  return n;
}

/* A promise of the plan for `query`: {units: [{word, term, last, direct, corrections:
   [{word, term, distance, weight}], suffixes: [{term, weight}]}], corrected}. With
   options.typos false, no file beyond elasticlunr's is read and the plan has no
   alternatives; with options.suffixLast false, the last word (being typed) gets no
   suffix terms (the search page's plan between keys). */
export function prepare(index, query, options) {
  var opts = options || {};
  var tolerant = opts.typos !== false;
  var meta = index.meta;
  var units = queryTerms(index.pipeline, query);
  var config = configure(index.fields, opts);
  var prefixLast = !!opts.prefixLast;
  var suffixFirsts = tolerant && meta.suffix ? meta.suffix : null;
  var fuzzy = tolerant && meta.fuzzy ? meta.fuzzy : null;

  var round1 = [index.loadShards(index.missing(query, opts))];
  var suffixLists = units.map(function (u) {
    if (!suffixFirsts || u.word.length < SUFFIX_MIN || (u.last && opts.suffixLast === false)) return Promise.resolve(NOTHING);
    return Promise.all(suffixShards(u.term, suffixFirsts).map(function (k) { return suffixShard(index, k); }))
      .then(function (lists) { return suffixTerms(u.term, [].concat.apply([], lists)); });
  });

  /* the typo lookup of a word that matches nothing: the words within its distance */
  var fuzzyLookup = function (u) {
    var look = lookupKeys(u.word);
    if (!look.keys.length) return Promise.resolve(NOTHING);
    var shards = Array.from(new Set(look.keys.map(function (k) { return shardOfKey(k, fuzzy.shards); })));
    return Promise.all(shards.map(function (k) { return fuzzyShard(index, k); })).then(function (maps) {
      var candidates = [];
      look.keys.forEach(function (key) {
        var map = maps[shards.indexOf(shardOfKey(key, fuzzy.shards))];
        var words = map.get(key);
        if (words) candidates.push.apply(candidates, words);
      });
      return nearWords(u.word, candidates);
    });
  };

  return Promise.all(round1.concat(suffixLists)).then(function (done) {
    var suffixes = done.slice(1);
    var lookups = units.map(function (u, i) {
      u.suffixes = suffixes[i].map(function (t) {
        return { term: t, weight: SUFFIX_WEIGHT * u.term.length / t.length };
      });
      u.direct = matchesItself(index, u, config, prefixLast);
      u.corrections = [];
      if (u.direct) return Promise.resolve(NOTHING);
      /* the word being typed: "classifica" stems to no prefix of "classif", but a
         shorter prefix of it does; take that before a typo lookup */
      var completing = tolerant && prefixLast && u.last ? typedPrefix(index, u, config, fuzzy) : Promise.resolve(false);
      return completing.then(function (done) {
        if (done || !fuzzy) return NOTHING;
        return fuzzyLookup(u);
      });
    });
    return Promise.all(lookups);
  }).then(function (near) {
    var needed = [];
    units.forEach(function (u, i) {
      var best = near[i].length ? near[i][0].distance : 0;
      var seen = new Set();
      near[i].forEach(function (n) {
        if (n.distance !== best) return; /* the nearest words only */
        var term = runPipeline(index.pipeline, n.word, 0, [n.word]);
        if (term === undefined || term === u.term || seen.has(term)) return;
        seen.add(term);
        u.corrections.push({ word: n.word, term: term, distance: n.distance, weight: TYPO_WEIGHT[n.distance] });
        needed.push(term);
      });
      u.suffixes.forEach(function (s) { needed.push(s.term); });
    });
    var shards = new Set();
    needed.forEach(function (t) {
      var k = index.holderOf(t);
      if (k >= 0 && !index.shards[k]) shards.add(k);
    });
    return index.loadShards(Array.from(shards)).then(function () {
      units.forEach(function (u) {
        /* among the corrections of one word, the rarer weigh less: "wheather" is
           "weather" far more often than "whether" */
        var df = u.corrections.map(function (c) { return frequency(index, c.term); });
        var most = Math.max.apply(null, [0].concat(df));
        u.corrections.forEach(function (c, i) { c.weight *= (1 + df[i]) / (1 + most); });
        u.corrections.sort(function (a, b) { return b.weight - a.weight; });
        u.suffixes = u.suffixes.filter(function (s) { return holds(index, s.term); });
      });
      return { units: units, corrected: units.some(function (u) { return u.corrections.length > 0; }) };
    });
  });
}

function copyScores(index, from) {
  return copyInto(index.scores(), from);
}

/* The hot loops of a ranking, on DenseScores's arrays (engine.js) rather than through
   its methods, each a function of its own that takes every array it touches: at 10,000
   modules a first query runs them some hundred thousand times while the code is cold.
   A call per posting was most of that time; and a loop inside a larger function gets
   optimized in the middle of its run, then thrown away at the first line after it that
   had not run yet (V8's "insufficient type feedback"), to be compiled again, on a
   machine whose other core is busy with the page. Each does what the method calls did,
   in the same order of operations (the scores stay bit for bit); each returns the
   table's new size. */

/* table[key] += 1 (a new key: 1), for the keys of a posting list. */
function countLoop(keys, count, values, stamp, gen, order, size) {
  for (var i = 0; i < count; i++) {
    var key = keys[i];
    if (stamp[key] === gen) {
      values[key] = values[key] + 1;
    } else {
      stamp[key] = gen;
      order[size++] = key;
      values[key] = 1;
    }
  }
  return size;
}

function bitLoop(keys, count, direct, bit) {
  for (var i = 0; i < count; i++) direct[keys[i]] |= bit;
}

/* table[key] += tf x idf x norm x penalty, the norm 1 / sqrt(length) (1 for 0). */
function scoreLoop(keys, tfs, count, lengths, idf, penalty, values, stamp, gen, order, size) {
  for (var i = 0; i < count; i++) {
    var key = keys[i];
    var length = lengths[key];
    var s = tfs[i] * idf * (length !== 0 ? 1 / Math.sqrt(length) : 1) * penalty;
    if (stamp[key] === gen) {
      values[key] = values[key] + s;
    } else {
      stamp[key] = gen;
      order[size++] = key;
      values[key] = s;
    }
  }
  return size;
}

/* table[key] = from[key] (times `boost`, added to what it holds when `add`), for every
   key of `from` in its order: set, engine.js's combine (OR), the fields' total. */
function mergeLoop(fromKeys, fromValues, fromSize, boost, add, values, stamp, gen, order, size) {
  for (var i = 0; i < fromSize; i++) {
    var key = fromKeys[i];
    if (stamp[key] === gen) {
      values[key] = add ? values[key] + fromValues[key] * boost : fromValues[key] * boost;
    } else {
      stamp[key] = gen;
      order[size++] = key;
      values[key] = fromValues[key] * boost;
    }
  }
  return size;
}

/* coordNorm: score x (query words held) / (query words). */
function coordLoop(keys, size, values, held, heldStamp, heldGen, n) {
  for (var i = 0; i < size; i++) {
    var key = keys[i];
    if (heldStamp[key] === heldGen) values[key] = values[key] * held[key] / n;
  }
}

/* The first `size` of `keys` as an Array. */
function listOf(keys, size) {
  var out = new Array(size);
  for (var i = 0; i < size; i++) out[i] = keys[i];
  return out;
}

/* Per hit (position i of `keys`): its score, whether it holds every word itself (its
   bits of `direct` are `all`), and i (the permutation to sort). */
function hitsLoop(keys, n, totals, direct, all, score, held, perm) {
  for (var i = 0; i < n; i++) {
    var key = keys[i];
    score[i] = totals[key];
    held[i] = all >= 0 && direct[key] === all ? 1 : 0;
    perm[i] = i;
  }
}

/* to = from (set, key by key, in from's order). */
function copyInto(to, from) {
  to.size = mergeLoop(from.keys, from.values, from.size, 1, false, to.values, to.stamp, to.gen, to.keys, to.size);
  return to;
}

/* total[key] += add[key], every key of `add` in its order: engine.js's combine, OR. */
function addInto(total, add) {
  total.size = mergeLoop(add.keys, add.values, add.size, 1, true, total.values, total.stamp, total.gen, total.keys, total.size);
  return total;
}

/* One field's scores (elasticlunr's fieldScores, engine.js) with the plan's
   alternatives; `direct` collects, per document, the bit of each word it holds itself.
   A generator: it pauses after each word (rankSteps). */
function* fieldScores(index, units, field, fc, prefixLast, direct, scratch) {
  if (fc.boost === 0) return null;
  var and = fc.bool == 'AND'; // eslint-disable-line eqeqeq
  /* the field's lengths, as the postings decoded so far give them (the norms' input) */
  var lengths = index.lengthsOf(field);
  var scores = null;
  var found = scratch.found.clear();
  var n = units.length;

  var add = function (termScores, word, penalty, counts, bit) {
    var postings = index.postings(field, word);
    if (!postings) return;
    var idf = 1 + Math.log(index.docCount / (index.df(field, word) + 1));
    var keys = postings.keys;
    var tfs = postings.tfs;
    if (scores && and) {
      var k2 = [];
      var t2 = [];
      scores.forEach(function (key) {
        var tf = postings.tfOf(key);
        if (tf !== undefined) { k2.push(key); t2.push(tf); }
      });
      keys = k2;
      tfs = t2;
    }
    var count = keys.length;
    if (counts) {
      /* the query words a document holds as they are (coordNorm) */
      found.size = countLoop(keys, count, found.values, found.stamp, found.gen, found.keys, found.size);
    }
    if (bit) bitLoop(keys, count, direct, bit);
    termScores.size = scoreLoop(keys, tfs, count, lengths, idf, penalty,
      termScores.values, termScores.stamp, termScores.gen, termScores.keys, termScores.size);
  };

  for (var t = 0; t < n; t++) {
    var u = units[t];
    var bit = t < 30 ? 1 << t : 0;
    var words = expands(fc, u, prefixLast) ? index.expand(field, u.term) : [u.term];
    var termScores = scratch.term.clear();
    for (var w = 0; w < words.length; w++) {
      var word = words[w];
      var penalty = word === u.term ? 1 : (1 - (word.length - u.term.length) / word.length) * 0.15;
      add(termScores, word, penalty, word === u.term, bit);
    }
    (u.corrections || NOTHING).forEach(function (c) { add(termScores, c.term, c.weight, true, 0); });
    (u.suffixes || NOTHING).forEach(function (s) { add(termScores, s.term, s.weight, false, 0); });
    if (!scores && !and) {
      /* the first word's scores, copied in their order (what combine would return) into
         this field's own table, since the word's table is used again */
      scores = scratch.fields.get(field);
      if (!scores) {
        scores = index.scores();
        scratch.fields.set(field, scores);
      }
      copyInto(scores.clear(), termScores);
    } else if (and) {
      scores = combine(index, scores, !scores ? copyScores(index, termScores) : termScores, and);
    } else {
      addInto(scores, termScores);
    }
    if (t + 1 < n) yield;
  }

  if (scores) coordLoop(scores.keys, scores.size, scores.values, found.values, found.stamp, found.gen, n);
  return scores;
}

/* [{doc, score, direct}] for a prepared plan, best first, in elasticlunr's order; when
   corrections or suffix terms took part, the modules that hold every word themselves
   (direct) come first, then the others, each group in that order. */
function* rankSteps(index, plan, options, lazy) {
  var units = plan.units;
  if (!units.length) return lazy ? new Ranking([], new Float64Array(0), new Uint8Array(0), false) : [];
  var config = configure(index.fields, options);
  var prefixLast = !!(options && options.prefixLast);
  var scratch = takeScratch(index);
  /* per document, the bits of the words it holds itself (documents are 0..docCount-1) */
  var direct = scratch.direct.fill(0);
  var total = scratch.total.clear();
  for (var field in config) {
    var scores = yield* fieldScores(index, units, field, config[field], prefixLast, direct, scratch);
    if (!scores) continue;
    /* total[key] += score x boost */
    total.size = mergeLoop(scores.keys, scores.values, scores.size, config[field].boost, true,
      total.values, total.stamp, total.gen, total.keys, total.size);
    yield;
  }
  var all = units.length >= 30 ? -1 : (1 << units.length) - 1;
  /* elasticlunr's order before its sort: the keys that read as array indexes first, by
     their number, then the others in the order they were first scored (no such key:
     the order they were scored in) */
  var keys = listOf(total.keys, total.size);
  if (!index.ints || index.ints.size > 0) {
    var ints = [];
    var others = [];
    keys.forEach(function (key) {
      if (index.intKey(key) >= 0) ints.push(key);
      else others.push(key);
    });
    if (ints.length) {
      ints.sort(function (a, b) { return index.intKey(a) - index.intKey(b); });
      keys = ints.concat(others);
    }
  }
  /* elasticlunr's (stable) sort, then, only when alternatives took part, the modules
     holding every word themselves first; on typed arrays and a permutation, which is
     about twice as fast as sorting objects at 10,000 hits */
  var n = keys.length;
  var score = new Float64Array(n);
  var held = new Uint8Array(n);
  var perm = new Uint32Array(n);
  hitsLoop(keys, n, total.values, direct, all, score, held, perm);
  giveScratch(index, scratch);
  var tiers = units.some(function (u) { return (u.corrections || NOTHING).length || (u.suffixes || NOTHING).length; });
  if (lazy) return new Ranking(keys, score, held, tiers);
  yield;
  perm.sort(rankOrder(held, score, tiers));
  var results = new Array(n);
  for (var r = 0; r < n; r++) {
    var at = perm[r];
    results[r] = { doc: keys[at], score: score[at], direct: held[at] === 1 };
  }
  return results;
}

/* rank's steps run one after the other. */
export function rank(index, plan, options) {
  var steps = rankSteps(index, plan, options);
  var step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/* A promise of rank(index, plan, options), computed in steps (a word of a field each,
   then the sort), as many a task as fit in `sliceMs` (SLICE_MS by default; 0: one), with
   `next(fn)` between tasks: a page passes a function that runs fn in a later task, so
   that no task of a keystroke holds the whole ranking (at 10,000 modules, up to 70 ms on
   the first query, when the code is cold and the postings new). `stale()` is asked
   before each task: when it says true, the ranking stops and the promise resolves to
   null. The results are rank's, bit for bit. */
export function rankInSteps(index, plan, options, next, stale, sliceMs) {
  return inSteps(rankSteps(index, plan, options, false), next, stale, sliceMs);
}

function inSteps(steps, next, stale, sliceMs) {
  var budget = sliceMs === undefined ? SLICE_MS : sliceMs;
  var now = typeof performance !== 'undefined' ? function () { return performance.now(); } : Date.now;
  return new Promise(function (done, fail) {
    var run = function () {
      if (stale && stale()) {
        done(null);
        return;
      }
      var from = now();
      var step;
      try {
        do step = steps.next(); while (!step.done && now() - from < budget);
      } catch (error) {
        fail(error);
        return;
      }
      if (step.done) done(step.value);
      else next(run);
    };
    next(run); /* the caller's task (a key, a fetch's reply) ends before the first step */
  });
}

/* A promise of the plan's `Ranking` (ranking.js), computed in steps as rankInSteps's
   (the same arguments): its hits sorted only as far as asked for, in rank's order. */
export function rankingInSteps(index, plan, options, next, stale, sliceMs) {
  return inSteps(rankSteps(index, plan, options, true), next, stale, sliceMs);
}

/* Whether the last word of `query`, as typed, is a prefix of PREFIX_MIN letters whose
   terms are spread over more than one shard not yet loaded ("tra": train, traffic,
   transfer, ...): the pages let such a key wait for the next one, which usually narrows
   it, rather than fetch them all; one shard ("sat") is fetched at once. */
export function widePrefix(index, query) {
  var units = queryTerms(index.pipeline, query);
  var last = units.length ? units[units.length - 1] : null;
  if (!last || !last.last || last.term.length !== PREFIX_MIN || !/[^\s-]$/.test(query)) return false;
  return index.shardRange(last.term).filter(function (k) { return !index.shards[k]; }).length > 1;
}

/* A promise of rank(prepare(...)). */
export function search(index, query, options) {
  return prepare(index, query, options).then(function (plan) {
    return { plan: plan, hits: rank(index, plan, options) };
  });
}

/* The terms a plan matched, for marks: the words' terms, the last word's extensions,
   corrections and suffix terms. */
export function matchedTerms(index, plan, options) {
  var config = configure(index.fields, options);
  var prefixLast = !!(options && options.prefixLast);
  var out = new Set();
  plan.units.forEach(function (u) {
    out.add(u.term);
    for (var field in config) {
      if (expands(config[field], u, prefixLast)) index.expand(field, u.term).forEach(function (t) { out.add(t); });
    }
    (u.corrections || NOTHING).forEach(function (c) { out.add(c.term); });
    (u.suffixes || NOTHING).forEach(function (s) { out.add(s.term); });
  });
  return out;
}

/* `matches(word)` for excerpt.js: whether a word as written has one of `terms` as its
   pipeline term. */
export function matcher(index, terms) {
  var known = new Map(); /* word -> whether it matches: texts repeat their words */
  return function (word) {
    var seen = known.get(word);
    if (seen !== undefined) return seen;
    var term = runPipeline(index.pipeline, word, 0, [word]);
    var matches = term !== undefined && terms.has(term);
    known.set(word, matches);
    return matches;
  };
}

/* The query with each corrected word replaced by its best correction, or null when
   nothing was corrected: [{text, corrected}] in order, for "Showing results for ...". */
export function correctedQuery(plan) {
  if (!plan.corrected) return null;
  return plan.units.map(function (u) {
    return u.corrections.length ? { text: u.corrections[0].word, corrected: true } : { text: u.word, corrected: false };
  });
}

/* A promise of the excerpt text of a document (its text/<doc>.json), '' when the index
   has none or it cannot be read. */
export function loadText(index, doc) {
  if (!index.meta.text || !index.loadText) return Promise.resolve('');
  return index.loadText(doc).then(null, function () {
    return '';
  });
}

/* The excerpt text of a document if it is loaded, else undefined ('' when the index has
   none). */
export function loadedText(index, doc) {
  if (!index.meta.text || !index.text) return '';
  return index.text(doc);
}
