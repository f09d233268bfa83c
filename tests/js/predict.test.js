'use strict';
/* predict.js on the real catalogue: between keys, the word being typed is completed to
   its most frequent term in the shards loaded, and the cards of that query's first
   results are fetched (only cards, never a shard), so that the keys that follow find
   theirs loaded; a guess that goes stale fetches nothing. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { buildSite } = require('./lib/site');
const { readSearchIndex } = require('./lib/searchindex');
const { loadClient, moduleUrl } = require('./lib/client');

let site = null;
let search = null;
let client = null;
let tolerant = null;
let predict = null;

test.before(async () => {
  client = await loadClient();
  tolerant = await import(moduleUrl('tolerant.js'));
  predict = await import(moduleUrl('predict.js'));
  site = buildSite({ fixtures: [] });
  search = readSearchIndex(site.dir);
});
test.after(() => site && site.cleanup());

const run = (fn) => fn();
const docsOf = (hits, n) => hits.slice(0, n).map((h) => h.doc);

/* How many documents list a term in any field, from the decoded postings. */
function frequency(index, term) {
  return index.fields.reduce((n, f) => n + index.df(f, term), 0);
}

test('the word being typed is completed to its most frequent term in the loaded shards', async () => {
  const options = client.searchOptions(search.meta);
  const index = search.sharded();
  await tolerant.search(index, 'image sate', options);
  const completed = predict.completedQuery(index, 'image sate', options);
  assert.ok(completed && completed.startsWith('image sate'), `completed: ${completed}`);
  const term = completed.slice('image '.length);
  /* no other term starting with "sate" is listed by more documents */
  const others = new Set();
  index.fields.forEach((f) => index.expand(f, 'sate').forEach((t) => others.add(t)));
  assert.ok(others.size > 1, `"sate" has several completions: ${[...others]}`);
  for (const t of others) assert.ok(frequency(index, t) <= frequency(index, term), `${t} is rarer than ${term}`);

  /* no guess: a space after the word, a word too short to be a prefix, its own term
     the most frequent, shards not loaded */
  assert.equal(predict.completedQuery(index, 'image sate ', options), null);
  assert.equal(predict.completedQuery(index, 'image sa', options), null);
  assert.equal(predict.completedQuery(index, completed, options), null, 'a completed word is not completed again');
  assert.equal(predict.completedQuery(search.sharded(), 'image sate', options), null, 'shards not loaded');
});

test('the cards of the guess are fetched, and the next keys find theirs loaded', async () => {
  const options = Object.assign({}, client.searchOptions(search.meta), { suffixLast: false });
  const index = search.sharded();
  const typed = 'plankton ima';
  const { plan, hits } = await tolerant.search(index, typed, options);
  await index.loadDocs(docsOf(hits, 6));
  const before = index.reads.length;
  const fetched = await predict.prefetchNext(index, typed, options, plan, (r) => docsOf(r.first(6), 6), run, () => false);
  const read = index.reads.slice(before);
  assert.ok(fetched > 0, 'the guess brings in cards the current results do not show');
  assert.equal(read.length, fetched);
  assert.ok(read.every((p) => p.startsWith('docs/')), `only cards: ${read}`);

  /* the keys that follow ("plankton imag", "plankton image") draw their first six cards
     without a fetch */
  for (const next of ['plankton imag', 'plankton image']) {
    const at = index.reads.length;
    const later = await tolerant.search(index, next, options);
    await index.loadDocs(docsOf(later.hits, 6));
    assert.deepEqual(index.reads.slice(at).filter((p) => p.startsWith('docs/')), [], `"${next}" fetched cards`);
  }

  /* a guess gone stale (a key came) fetches nothing */
  const fresh = search.sharded();
  const again = await tolerant.search(fresh, typed, options);
  const at = fresh.reads.length;
  assert.equal(await predict.prefetchNext(fresh, typed, options, again.plan, (r) => docsOf(r.first(6), 6), run, () => true), 0);
  assert.deepEqual(fresh.reads.slice(at), []);
});

/* "fis" stems to "fi", too short to be matched as a prefix: the guess completes the word
   as typed, fetching the one shard of the terms starting with "fis" beside the cards
   when it is not loaded, so that "fish" fetches nothing. (In the real catalogue's five
   shards, "fi"'s own shard holds them: the first index has it loaded, the second is
   left with only "plankton"'s.) */
test('a word whose stem is too short to be a prefix is guessed from the word as typed', async () => {
  const options = Object.assign({}, client.searchOptions(search.meta), { suffixLast: false });
  const typed = 'plankton fis';
  const index = search.sharded();
  const { plan, hits } = await tolerant.search(index, typed, options);
  assert.equal(plan.units[1].term, 'fi');
  assert.equal(predict.completedQuery(index, typed, options, plan), 'plankton fish');
  await index.loadDocs(docsOf(hits, 6));
  assert.ok(await predict.prefetchNext(index, typed, options, plan, (r) => docsOf(r.first(6), 6), run, () => false) > 0);
  let at = index.reads.length;
  const next = await tolerant.search(index, 'plankton fish', options);
  await index.loadDocs(docsOf(next.hits, 6));
  assert.deepEqual(index.reads.slice(at), [], '"plankton fish" fetched nothing');

  const bare = search.sharded();
  /* "plankton" with its suffix terms, as the query "plankton fis" had it */
  await tolerant.search(bare, 'plankton', client.searchOptions(search.meta));
  const shards = predict.shardsToGuess(bare, typed, plan);
  assert.equal(shards.length, 1, `one shard to guess from: ${shards}`);
  at = bare.reads.length;
  assert.ok(await predict.prefetchNext(bare, typed, options, plan, (r) => docsOf(r.first(6), 6), run, () => false) > 0);
  const read = bare.reads.slice(at);
  assert.deepEqual(read.filter((p) => p.startsWith('terms/')), [`terms/${shards[0]}.json`], `one term shard: ${read}`);
  assert.ok(read.every((p) => /^(terms|lengths|suffix|docs)\//.test(p)), `${read}`);
  at = bare.reads.length;
  const after = await tolerant.search(bare, 'plankton fish', options);
  await bare.loadDocs(docsOf(after.hits, 6));
  assert.deepEqual(bare.reads.slice(at).filter((p) => /^(terms|docs)\//.test(p)), [], '"plankton fish" fetched no shard, no card');
});
