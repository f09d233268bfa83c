'use strict';
/* tolerant.js anchored to elasticlunr: with typo tolerance and suffix matching off
   (`typos: false`) it returns the engine's results bit for bit (the engine itself is
   held to elasticlunr.js by search.test.js and sharded.test.js); with them on, corrected
   and suffix-matched modules never outrank one that holds every query word itself, and
   the alternatives are read from fuzzy/ and suffix/ only when they can help. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { buildSite } = require('./lib/site');
const { readSearchIndex } = require('./lib/searchindex');
const { loadClient, moduleUrl } = require('./lib/client');

const QUERIES = ['satellite', 'image classification', 'plankton', 'plankton images', 'classifying', 'segm', 'yolo',
  'pytroch', 'sentinal images', 'wheather radar', 'intrusoin detection', 'zzzqqq', 'the of', 'docker api', 'coral reef',
  'mobilenet', 'thunder', 'a', 'c++', 'satelite imagery', 'deep learning model', 'tumour', 'segmentation'];

let site = null;
let search = null;
let client = null;
let tolerant = null;

test.before(async () => {
  client = await loadClient();
  tolerant = await import(moduleUrl('tolerant.js'));
  site = buildSite({ fixtures: [] });
  search = readSearchIndex(site.dir);
});
test.after(() => site && site.cleanup());

const optionSets = () => {
  const base = client.searchOptions(search.meta);
  return [base, Object.assign({}, base, { prefixLast: false }), Object.assign({}, base, { bool: 'AND' })];
};

test('with typos off, the results are the engine\'s, bit for bit, and no alternative is read', async () => {
  for (const options of optionSets()) {
    for (const q of QUERIES) {
      const index = search.sharded();
      const off = Object.assign({}, options, { typos: false });
      const { hits } = await tolerant.search(index, q, off);
      const reads = index.reads.slice();
      const engine = await search.sharded().hits(q, options);
      assert.deepEqual(hits.map((h) => [h.doc, h.score]), engine.map((h) => [h.doc, h.score]), `"${q}" ${JSON.stringify(options)}`);
      assert.ok(!reads.some((p) => /^(fuzzy|suffix|text)\//.test(p)), `"${q}" read ${reads}`);
    }
  }
});

test('the warm-up ranks its made-up queries and changes no result', async () => {
  const { warmUp } = await import(moduleUrl('warm.js'));
  const warmed = await warmUp(search.meta, (fn) => fn());
  assert.ok(Array.isArray(warmed) && warmed.length === 3 && warmed.every((n) => n > 0), `warm-up hits: ${JSON.stringify(warmed)}`);
  const options = client.searchOptions(search.meta);
  for (const q of QUERIES) {
    const off = Object.assign({}, options, { typos: false });
    const { hits } = await tolerant.search(search.sharded(), q, off);
    const engine = await search.sharded().hits(q, options);
    assert.deepEqual(hits.map((h) => [h.doc, h.score]), engine.map((h) => [h.doc, h.score]), `"${q}" after the warm-up`);
  }
});

test('with typos on, a module holding every word itself is never outranked by one that does not', async () => {
  let reordered = 0;
  for (const options of optionSets()) {
    for (const q of QUERIES) {
      const index = search.sharded();
      const { plan, hits } = await tolerant.search(index, q, options);
      const firstIndirect = hits.findIndex((h) => !h.direct);
      const alternatives = plan.units.some((u) => u.corrections.length || u.suffixes.length);
      if (alternatives && firstIndirect >= 0) {
        assert.ok(hits.slice(firstIndirect).every((h) => !h.direct), `"${q}": a direct match after an indirect one`);
      }
      if (alternatives) reordered++;
      /* a word that matched as typed is never corrected */
      for (const u of plan.units) if (u.direct) assert.deepEqual(u.corrections, [], `"${q}": ${u.word} matched, yet corrected`);
      /* the fuzzy shards are read only for words that matched nothing */
      if (plan.units.every((u) => u.direct)) assert.ok(!index.reads.some((p) => p.startsWith('fuzzy/')), `"${q}" read fuzzy shards`);
    }
  }
  assert.ok(reordered > 5, 'the queries exercise corrections and suffixes');
});

test('corrections: the nearest words, the best first, said as words', async () => {
  const index = search.sharded();
  const options = client.searchOptions(search.meta);
  const { plan } = await tolerant.search(index, 'satelite imagery', options);
  assert.deepEqual(tolerant.correctedQuery(plan), [{ text: 'satellite', corrected: true }, { text: 'imagery', corrected: false }]);
  const none = await tolerant.search(index, 'satellite imagery', options);
  assert.equal(tolerant.correctedQuery(none.plan), null);
  /* text of the excerpts: the description, whitespace collapsed */
  const text = await tolerant.loadText(index, search.modules.satsr.doc);
  assert.match(text, /super-resolution on satellite imagery/);
  assert.doesNotMatch(text, /\s\s|\n/);
});

/* rankInSteps is what the pages call (a step a task): it must give rank's results bit
   for bit, also when two rankings of the same index run interleaved (the header box and
   the search page share one index and its score tables), and stop when it is stale. */
test('rankInSteps: rank\'s results in steps, interleaved rankings apart, a stale one stopped', async () => {
  const options = client.searchOptions(search.meta);
  const index = search.sharded();
  const plans = [];
  for (const q of ['satellite', 'image classification', 'pytroch', 'plankton images', 'coral reef']) {
    plans.push({ q, plan: await tolerant.prepare(index, q, options) });
  }
  const expected = plans.map(({ plan }) => tolerant.rank(index, plan, options).map((h) => [h.doc, h.score, h.direct]));
  assert.ok(expected.every((hits) => hits.length > 0), 'every query finds modules');

  /* all five at once, their steps alternating through one queue */
  const queue = [];
  const next = (fn) => queue.push(fn);
  let steps = 0;
  const pending = plans.map(({ plan }) => tolerant.rankInSteps(index, plan, options, next, () => false, 0));
  while (queue.length) {
    queue.shift()();
    steps++;
    await Promise.resolve();
  }
  const got = await Promise.all(pending);
  got.forEach((hits, i) => {
    assert.deepEqual(hits.map((h) => [h.doc, h.score, h.direct]), expected[i], `"${plans[i].q}" interleaved`);
  });
  assert.ok(steps >= plans.length * 2, `the rankings ran in steps (${steps} steps for ${plans.length})`);

  /* a ranking that goes stale stops (null), and the next ones are right */
  let stale = false;
  const stopped = tolerant.rankInSteps(index, plans[1].plan, options, (fn) => { stale = true; fn(); }, () => stale);
  assert.equal(await stopped, null);
  const after = await tolerant.rankInSteps(index, plans[1].plan, options, (fn) => fn(), () => false);
  assert.deepEqual(after.map((h) => [h.doc, h.score, h.direct]), expected[1]);
  /* with time to spare, a ranking takes one task */
  let tasks = 0;
  const whole = await tolerant.rankInSteps(index, plans[2].plan, options, (fn) => { tasks++; fn(); }, () => false, 1e9);
  assert.deepEqual(whole.map((h) => [h.doc, h.score, h.direct]), expected[2]);
  assert.equal(tasks, 1);
  assert.deepEqual(tolerant.rank(index, plans[0].plan, options).map((h) => [h.doc, h.score, h.direct]), expected[0]);
});

/* A word typed as a prefix whose stem is no prefix of the stems it is typed towards
   ("classifica" is "classifica"; "classification" is indexed as "classif") is matched as
   its shortest-but-one prefix that matches, not corrected as a typo and not dropped; in
   exact mode (typos off) it stays as typed. */
test('the word being typed matches through a shorter prefix, a misspelt one is corrected', async () => {
  const options = client.searchOptions(search.meta);
  const index = search.sharded();
  const { plan, hits } = await tolerant.search(index, 'image classifica', options);
  assert.equal(plan.units[1].term, 'classif');
  assert.equal(plan.corrected, false, 'no "Showing results for"');
  /* one fuzzy shard, that of "classif" (the words starting with it), not a typo lookup */
  assert.equal(index.reads.filter((p) => p.startsWith('fuzzy/')).length, 1, `one fuzzy shard: ${index.reads}`);
  /* a misspelt last word that starts no word is corrected, not cut */
  const typo = await tolerant.search(search.sharded(), 'intrusoin', options);
  assert.equal(typo.plan.corrected, true, '"intrusoin" is corrected');
  assert.equal(typo.plan.units[0].corrections[0].word, 'intrusion');
  const shorter = await tolerant.search(search.sharded(), 'image classific', options);
  /* the same modules ("classific" also finds words ending with it, so scores may differ) */
  const docs = (list) => list.filter((h) => h.direct).map((h) => h.doc).sort((x, y) => x - y);
  assert.deepEqual(docs(hits), docs(shorter.hits));
  assert.ok(hits.length > (await tolerant.search(search.sharded(), 'image', options)).hits.length, 'more than "image" alone');
  /* a word one unit shorter than the fuzzy prefix ("medica", towards "medical", indexed
     as "medic") reads one fuzzy shard too, where a typo lookup reads seven */
  const six = search.sharded();
  const medica = await tolerant.search(six, 'medica', options);
  assert.equal(medica.plan.units[0].term, 'medic');
  assert.equal(medica.plan.corrected, false, 'no "Showing results for"');
  assert.equal(six.reads.filter((p) => p.startsWith('fuzzy/')).length, 1, `one fuzzy shard: ${six.reads}`);
  assert.ok(medica.hits.length > 0);
  const exact = await tolerant.search(search.sharded(), 'image classifica', Object.assign({}, options, { typos: false }));
  assert.equal(exact.plan.units[1].term, 'classifica', 'exact mode keeps the word as typed');
});
