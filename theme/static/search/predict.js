/* predict.js: the result cards the next key will likely want, fetched between keys.

   Once what a query needs is loaded, a key's results take a few milliseconds; a key
   that brings in results whose cards (docs/<doc>.json) are not loaded waits for their
   round trips too (in Chromium one small fetch takes 3-4 ms, four side by side 11-29).
   So, once a key's results are drawn while a word is being typed, the word is completed
   to the most frequent term it is a prefix of in the shards loaded ("satel" ->
   "satellit"), that query is ranked over what is loaded, and the cards of its first
   results are fetched while the visitor reaches for the next key: the keys that follow
   then mostly find their cards loaded.

   Only cards are fetched, and one term shard where the word's stem is too short to be
   matched as a prefix though the word is not ("fis" stems to "fi": the next key, "fish",
   needs the shard of the terms starting with "fis"); a guess that fails costs those
   cards (about 200 bytes each, gzipped). The ranking runs in short slices that stop
   when a key comes (`stale`). */
import { queryTerms, compareTerms, PREFIX_MIN } from './text.js';
import { configure, expands } from './engine.js';
import { prepare, rankingInSteps } from './tolerant.js';

/* Short slices: a key that comes while a guess is being ranked waits at most this long. */
var PREDICT_SLICE_MS = 4;

/* How many documents list a term, over the fields searched (its shard loaded). */
function listings(index, term, config) {
  var n = 0;
  for (var field in config) {
    if (config[field].boost !== 0) n += index.listedIn(field, term);
  }
  return n;
}

/* The last word of `query` while it is being typed, as the prefix its next keys extend:
   {term (tolerant.js's `plan`, optional, gives it as the query ran: "classifica" ran as
   "classif"), prefix (the term, or the word as typed when the term is too short to be
   matched as a prefix: "fis", whose term is "fi")}, or null: the query ends with a space,
   or the word is too short. */
function typing(index, query, plan) {
  if (!/[^\s-]$/.test(query)) return null;
  var units = plan ? plan.units : queryTerms(index.pipeline, query);
  var last = units.length ? units[units.length - 1] : null;
  if (!last || !last.last) return null;
  var prefix = last.term.length >= PREFIX_MIN ? last.term : last.word.length >= PREFIX_MIN ? last.word : null;
  return prefix && { term: last.term, prefix: prefix };
}

/* The shards of the terms the word being typed will likely complete to that are not
   loaded, when its own term is too short to have loaded them ("fis"). */
export function shardsToGuess(index, query, plan) {
  var t = typing(index, query, plan);
  if (!t || t.prefix === t.term) return [];
  return index.shardRange(t.prefix).filter(function (k) { return !index.shards[k]; });
}

/* `query` with its last word, the one being typed, replaced by the most frequent term
   its prefix (see `typing`) starts (ties: the first in index order), or null: no word
   being typed, shards of the prefix not loaded, or a completion that would change
   nothing (the word's own term is the most frequent). */
export function completedQuery(index, query, options, plan) {
  var t = typing(index, query, plan);
  if (!t) return null;
  var config = configure(index.fields, options);
  var prefixLast = !!(options && options.prefixLast);
  var range = index.shardRange(t.prefix);
  for (var r = 0; r < range.length; r++) if (!index.shards[range[r]]) return null;
  var unit = { term: t.prefix, last: true };
  var best = null;
  var most = 0;
  var seen = new Set();
  for (var field in config) {
    if (config[field].boost === 0 || !expands(config[field], unit, prefixLast)) continue;
    index.expand(field, t.prefix).forEach(function (term) {
      if (seen.has(term)) return;
      seen.add(term);
      var n = listings(index, term, config);
      if (n > most || (n === most && best !== null && compareTerms(term, best) < 0)) {
        best = term;
        most = n;
      }
    });
  }
  if (best === null || best === t.term) return null;
  var completed = query.replace(/[^\s-]+$/, best);
  /* the term must survive the pipeline as itself (a stem stemmed again may not) */
  var again = queryTerms(index.pipeline, completed);
  var now = again.length ? again[again.length - 1] : null;
  return now && now.last && now.term === best ? completed : null;
}

/* Fetches the cards of the first results of completedQuery(index, query, options, plan)
   that are not loaded: `pick(ranking)` (ranking.js's Ranking) gives the documents a page
   would draw first. `next(fn)` runs fn in a later task; `stale()` says when the guess is
   no longer wanted (a key came). A promise of the number of cards fetched (0: no guess),
   which never rejects. */
export function prefetchNext(index, query, options, plan, pick, next, stale) {
  var shards;
  try {
    shards = shardsToGuess(index, query, plan);
  } catch (error) {
    return Promise.resolve(0);
  }
  /* one shard at most: a short word spread over several waits for the next key */
  var loading = shards.length === 1 ? index.loadShards(shards) : Promise.resolve();
  return loading.then(function () {
    var completed = stale() ? null : completedQuery(index, query, options, plan);
    if (!completed || index.missing(completed, options).length) return null;
    return prepare(index, completed, options);
  }).then(function (guess) {
    if (!guess) return null;
    return stale() ? null : rankingInSteps(index, guess, options, next, stale, PREDICT_SLICE_MS);
  }).then(function (ranking) {
    if (!ranking || stale()) return 0;
    var docs = pick(ranking).filter(function (doc) { return !index.row(doc); });
    return index.loadDocs(docs).then(function () { return docs.length; });
  }).then(null, function () {
    return 0; /* a guess that fails is no error: the key that wants the cards asks again */
  });
}
