/* predict.js: the result cards the next key will likely want, fetched between keys.

   Once what a query needs is loaded, a key's results take a few milliseconds; a key
   that brings in results whose cards (docs/<doc>.json) are not loaded waits for their
   round trips too (in Chromium one small fetch takes 3-4 ms, four side by side 11-29).
   So, once a key's results are drawn while a word is being typed, the word is completed
   to the most frequent term it is a prefix of in the shards loaded ("satel" ->
   "satellit"), that query is ranked over what is loaded, and the cards of its first
   results are fetched while the visitor reaches for the next key: the keys that follow
   then mostly find their cards loaded.

   Only cards are fetched, never a shard; a guess that fails costs those cards (about
   200 bytes each, gzipped), and the ranking runs in short slices that stop when a key
   comes (`stale`). */
import { queryTerms, compareTerms, hasOwn } from './text.js';
import { configure, expands } from './engine.js';
import { prepare, rankingInSteps } from './tolerant.js';

/* Short slices: a key that comes while a guess is being ranked waits at most this long. */
var PREDICT_SLICE_MS = 4;

/* How many documents list a term, over the fields searched (its shard loaded). */
function listings(index, term, config) {
  var entry = index.entry(term);
  if (!entry) return 0;
  var n = 0;
  for (var field in config) {
    if (config[field].boost === 0 || !hasOwn.call(entry, field)) continue;
    var postings = entry[field];
    if (Array.isArray(postings)) n += postings.length / 3;
    else if (postings && Array.isArray(postings.pairs)) n += postings.pairs.length / 2;
  }
  return n;
}

/* `query` with its last word, the one being typed, replaced by the most frequent term
   its term is a prefix of (ties: the first in index order), or null: no word being typed
   (the query ends with a space), a term too short to be matched as a prefix, shards of
   it not loaded, or a completion that would change nothing (the word's own term is the
   most frequent). `plan` (tolerant.js's, optional) gives the word's term as the query ran
   ("classifica" ran as "classif"). */
export function completedQuery(index, query, options, plan) {
  if (!/[^\s-]$/.test(query)) return null;
  var units = plan ? plan.units : queryTerms(index.pipeline, query);
  var last = units.length ? units[units.length - 1] : null;
  if (!last || !last.last) return null;
  var config = configure(index.fields, options);
  var prefixLast = !!(options && options.prefixLast);
  var range = index.shardRange(last.term);
  for (var r = 0; r < range.length; r++) if (!index.shards[range[r]]) return null;
  var best = null;
  var most = 0;
  var seen = new Set();
  for (var field in config) {
    if (config[field].boost === 0 || !expands(config[field], last, prefixLast)) continue;
    index.expand(field, last.term).forEach(function (term) {
      if (seen.has(term)) return;
      seen.add(term);
      var n = listings(index, term, config);
      if (n > most || (n === most && best !== null && compareTerms(term, best) < 0)) {
        best = term;
        most = n;
      }
    });
  }
  if (best === null || best === last.term) return null;
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
  var completed;
  try {
    completed = completedQuery(index, query, options, plan);
  } catch (error) {
    return Promise.resolve(0);
  }
  if (!completed || index.missing(completed, options).length) return Promise.resolve(0);
  return prepare(index, completed, options).then(function (guess) {
    return stale() ? null : rankingInSteps(index, guess, options, next, stale, PREDICT_SLICE_MS);
  }).then(function (ranking) {
    if (!ranking || stale()) return 0;
    var docs = pick(ranking).filter(function (doc) { return !index.row(doc); });
    return index.loadDocs(docs).then(function () { return docs.length; });
  }).then(null, function () {
    return 0; /* a guess that fails is no error: the key that wants the cards asks again */
  });
}
