'use strict';
/* The sharded search index (search-index/, docs/search-index.md) against elasticlunr.js
   0.9.5 over the monolithic search-index.json of the same build: the client's
   ShardedIndex, reading the shard files from disk, must return the same refs in the same
   order with the same scores (bit for bit), for every query and option variant below.

   The catalogue is generated (benches/generate.py, deterministic) plus a few modules made
   for the edges of the format: refs that are array indexes in JavaScript ("0", "9", "10",
   "2048", "4294967294": elasticlunr lists them first among equal scores) and refs that
   are not ("01", "4294967295"), all copies of one module so that they tie; characters
   outside the BMP (elasticlunr.js can never reach those terms); digits, which come first
   in elasticlunr's trie order. */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const elasticlunr = require('elasticlunr');
const { binary, enableElasticlunrJson, ROOT } = require('./lib/site');
const { readSearchIndex } = require('./lib/searchindex');
const { loadClient, optionVariants } = require('./helpers');

let client = null;
test.before(async () => {
  client = await loadClient();
});
/* at least 2,000 modules (issue #14): the postings' field lengths are checked against
   elasticlunr's docInfo over a catalogue of some size */
const MODULES = 2000;
const TIES = ['0', '9', '10', '2048', '4294967294', '4294967295', '01'];

const QUERIES = [
  // words of the generated vocabulary, mixed case
  'satellite', 'Satellite', 'PLANKTON', 'coral', 'docker', 'tensorflow', 'pytorch', 'keras', 'onnx',
  'intrusion', 'retina', 'tumour', 'weather', 'radar', 'scikit', 'numpy', 'python', 'model',
  // stems
  'classifying', 'classification', 'classifier', 'images', 'imaging', 'trained', 'training',
  'segmented', 'detections', 'clusters', 'researcher', 'forecasting', 'generatively',
  // several words
  'image classification', 'object detection', 'satellite image segmentation', 'time series forecast',
  'coral reef fish', 'speech to text', 'deep neural network', 'image image', 'train trained training',
  // prefixes of terms (elasticlunr's expand finds their extensions)
  'sat', 'seg', 'cla', 'im', 'i', 'y', 'tens', 'pre', 'con', 'modul', 'module-0001',
  // stop words, unknown words, empty
  'the of and', 'a', 'the satellite', 'satellite the', 'zzzqqq', 'zzzqqq satellite', 'xylophone quasar',
  // punctuation and spacing
  '"satellite"', 'satellite, images!', '(coral)', 'audio; speech...', '  plant   seeds  ', 'c++',
  'x-ray', '--', 'u-net', 'v2', 'v2.0', 'flood — river', 'bird\'s', '100%', 'requests.post',
  'http://127.0.0.1:5000/v2/models', 'r.json()["labels"][:5]',
  // digits and numbers
  '2019', '000123', '000007', '0', '1', '10', '2048', '4294967294', '5000', '127.0.0.1', 'zenodo.1000123',
  // accents and characters outside the BMP
  'café', 'cafe', 'émoji', 'emoji', 'emoji😀', '😀', 'a😀b', 'naïve',
];

/* The modules made for the format's edges, added to the generated catalogue. */
function addEdgeModules(modules) {
  const original = fs.readFileSync(path.join(modules, 'module-000007.md'), 'utf8');
  for (const slug of TIES) {
    fs.writeFileSync(path.join(modules, `${slug}.md`), original.split('module-000007').join(slug));
  }
  const edges = fs.readFileSync(path.join(modules, 'module-000011.md'), 'utf8').replace(/\n$/, '') +
    '\n\n## Edges\n\nEmoji 😀 emoji😀 a😀b 𝒳 naïve café CAFÉ 2019 000123 0 00 007 1e5 ' +
    '٣ (Arabic-Indic three) ½ Ⅻ ß straße.\n';
  fs.writeFileSync(path.join(modules, 'edges-and-digits.md'), edges);
}

let site = null;
function theSite() {
  if (site) return site;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marketplace-sharded-'));
  process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
  const root = path.join(tmp, 'site');
  try {
    execFileSync('python3', [path.join(ROOT, 'benches', 'generate.py'), String(MODULES), root], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new Error(`generating the catalogue needs python3 (benches/generate.py): ${error.message}`);
  }
  addEdgeModules(path.join(root, 'modules'));
  enableElasticlunrJson(root);
  const out = path.join(tmp, 'public');
  execFileSync(binary(), ['build', '--root', root, '--output', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  const json = JSON.parse(fs.readFileSync(path.join(out, 'search-index.json'), 'utf8'));
  site = { out, json, elasticlunr: elasticlunr.Index.load(json), search: readSearchIndex(out) };
  return site;
}

/* elasticlunr prints a warning for options naming unknown fields; keep the output quiet */
function quiet(fn) {
  const warn = console.warn;
  console.warn = () => {};
  try { return fn(); } finally { console.warn = warn; }
}

function assertIdentical(ours, theirs, label) {
  assert.deepEqual(ours.map((r) => r.ref), theirs.map((r) => r.ref), `${label}: refs or their order differ`);
  for (let i = 0; i < ours.length; i++) {
    assert.ok(Object.is(ours[i].score, theirs[i].score), `${label}: ${ours[i].ref} scores ${ours[i].score}, elasticlunr ${theirs[i].score}`);
  }
}

test('the generated catalogue has what the checks need', () => {
  const { search, json } = theSite();
  const { meta } = search;
  assert.equal(meta.version, 3);
  assert.equal(meta.docCount, MODULES + TIES.length + 1);
  assert.equal(meta.docCount, json.documentStore.length);
  assert.deepEqual(meta.fields, json.fields);
  assert.deepEqual(meta.intRefs.map((p) => p[1]).sort(), ['0', '10', '2048', '4294967294', '9']);
  assert.ok(meta.shards.length >= 5, `several term shards: ${meta.shards.length}`);
  assert.ok(QUERIES.length >= 50, `${QUERIES.length} queries`);
});

test('search-index/ holds the same index as search-index.json', () => {
  const { search, json } = theSite();
  const { meta, load } = search;
  const refs = Object.keys(search.modules).sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1));
  /* documents numbered in the byte order of their refs */
  for (const [slug, m] of Object.entries(search.modules)) assert.equal(refs[m.doc], slug);
  /* nothing per document in meta.json */
  for (const [key, value] of Object.entries(meta)) {
    assert.ok(!Array.isArray(value) || value.length < meta.docCount / 4 || key === 'shards' || key === 'shared', `meta.json's ${key} has ${value.length} items`);
  }
  const lengthFiles = new Map();
  const lengthOf = (field, doc) => {
    const k = Math.floor(doc / meta.lengthChunk);
    const key = `${field}/${k}`;
    if (!lengthFiles.has(key)) lengthFiles.set(key, load(`lengths/${key}.json`));
    return lengthFiles.get(key)[doc - k * meta.lengthChunk];
  };
  let denseLists = 0;
  const denseShards = new Map(); /* field -> shards with dense postings in it */
  /* every shard's terms, in index order, each after the previous shard's */
  const fromShards = new Map(); /* field -> Map term -> [[ref, tf]] */
  for (const field of meta.fields) fromShards.set(field, new Map());
  let previous = null;
  const lists = client.shardLists(meta);
  /* front-coded in meta.json: each first term without what it shares with the one before */
  assert.ok(meta.shared.some((n) => n > 0), 'some first terms share a prefix');
  assert.ok(JSON.stringify(meta.shards).length < JSON.stringify(lists.firsts).length * 0.9, 'front coding saves bytes');
  lists.firsts.forEach((first, k) => {
    const entries = load(`terms/${k}.json`);
    assert.ok(entries.length > 0, `shard ${k} is not empty`);
    assert.equal(entries[0][0], first, `shard ${k} starts with its first term`);
    for (const [term, postings] of entries) {
      if (previous !== null) assert.ok(client.compareTerms(previous, term) < 0, `${previous} before ${term}`);
      previous = term;
      for (const [field, value] of Object.entries(postings)) {
        const list = [];
        let doc = 0;
        /* dense postings: pairs, the lengths in lengths/; the others: triples */
        const dense = !Array.isArray(value);
        const flat = dense ? value.pairs : value;
        const step = dense ? 2 : 3;
        assert.equal(flat.length % step, 0, `${field}:${term}: ${dense ? 'pairs' : 'triples'}`);
        if (dense) {
          denseLists += 1;
          if (!denseShards.has(field)) denseShards.set(field, new Set());
          denseShards.get(field).add(k);
          assert.ok(flat.length / 2 >= meta.docCount / 4, `${field}:${term}: dense postings list a quarter of the documents or more`);
        }
        for (let i = 0; i < flat.length; i += step) {
          doc += flat[i];
          list.push([refs[doc], Math.sqrt(flat[i + 1])]);
          /* each posting carries its document's field length (elasticlunr's docInfo), or
             lengths/ does */
          const length = dense ? lengthOf(field, doc) : flat[i + 2];
          assert.equal(length, json.documentStore.docInfo[refs[doc]][field], `length of ${field} in ${refs[doc]} (${term})`);
        }
        fromShards.get(field).set(term, list);
      }
    }
  });
  assert.ok(denseLists >= 20, `common words have dense postings: ${denseLists}`);
  /* meta.json names them, so that their lengths are fetched beside the shard */
  assert.deepEqual(Object.keys(lists.dense).sort(), [...denseShards.keys()].sort());
  for (const [field, shards] of denseShards) assert.deepEqual(lists.dense[field], [...shards].sort((a, b) => a - b), `dense shards of ${field}`);
  /* every term elasticlunr.js can reach in the tries (walked by UTF-16 code unit) */
  for (const field of meta.fields) {
    const reachable = new Map();
    const walk = (prefix, node) => {
      if (node.df > 0) {
        const docs = node.docs;
        const list = Object.keys(docs).sort((a, b) => search.modules[a].doc - search.modules[b].doc).map((r) => [r, docs[r].tf]);
        assert.equal(list.length, node.df, `df of ${field}:${prefix}`);
        reachable.set(prefix, list);
      }
      for (const key of Object.keys(node)) {
        if (key !== 'docs' && key !== 'df' && key.length === 1) walk(prefix + key, node[key]);
      }
    };
    walk('', json.index[field].root);
    const shardTerms = fromShards.get(field);
    assert.deepEqual([...shardTerms.keys()].sort(), [...reachable.keys()].sort(), `${field}: the same terms`);
    for (const [term, list] of reachable) assert.deepEqual(shardTerms.get(term), list, `${field}:${term}`);
  }
});

test('same results as elasticlunr.js, option by option (sharded, from the shard files)', async () => {
  const { search, elasticlunr: theirs } = theSite();
  let checked = 0;
  let withResults = 0;
  for (const options of optionVariants(search.fields)) {
    for (const q of QUERIES) {
      const expected = quiet(() => theirs.search(q, options));
      const got = await quiet(() => search.sharded().search(q, options));
      assertIdentical(got, expected, `${JSON.stringify(q)} with ${JSON.stringify(options)}`);
      checked += 1;
      if (expected.length) withResults += 1;
    }
  }
  assert.ok(checked >= 500, `${checked} checks`);
  assert.ok(withResults >= checked * 0.6, `only ${withResults} of ${checked} found anything`);
});

test('one ShardedIndex answers query after query with shards loaded by earlier ones', async () => {
  const { search, elasticlunr: theirs } = theSite();
  const options = { fields: search.fields, bool: 'OR', expand: true };
  const index = search.sharded();
  for (const q of QUERIES.concat(QUERIES.slice().reverse())) {
    assertIdentical(await index.search(q, options), theirs.search(q, options), JSON.stringify(q));
  }
  /* each shard was read once */
  const terms = index.reads.filter((p) => p.startsWith('terms/'));
  assert.equal(new Set(terms).size, terms.length);
});

test('ties: array-index refs first (ascending), then the others in byte order', async () => {
  const { search, elasticlunr: theirs } = theSite();
  const options = { fields: search.fields, bool: 'OR', expand: false };
  /* the first word of the title of module-000007 and its copies */
  const title = search.modules['2048'].title.split(' ')[0];
  const expected = theirs.search(title, options);
  const got = await search.sharded().search(title, options);
  assertIdentical(got, expected, title);
  const tied = got.filter((r) => TIES.includes(r.ref));
  assert.equal(tied.length, TIES.length);
  const score = got.find((r) => r.ref === '2048').score;
  const same = tied.filter((r) => r.score === score).map((r) => r.ref);
  /* array indexes first, ascending; then "01" and "4294967295" (no array indexes) in
     byte order, the order of the postings */
  assert.deepEqual(same, ['0', '9', '10', '2048', '4294967294', '01', '4294967295']);
});

/* The search page's options: whole words, plus the last word as a prefix once its term
   has PREFIX_MIN characters. elasticlunr has no such option: the sharded index is held to
   the monolithic client (itself held to elasticlunr.js by search.test.js), and to
   elasticlunr's `expand` where the two mean the same. */
test('the page\'s prefixLast: sharded equals monolithic, and elasticlunr where they agree', async () => {
  const { search, json, elasticlunr: theirs } = theSite();
  const mono = client.Index.load(json);
  const page = { fields: search.fields, bool: 'OR', expand: false, prefixLast: true };
  const andPage = { fields: search.fields, bool: 'AND', expand: false, prefixLast: true };
  const extra = ['sate', 'satellite ima', 'coral pla', 'image cl', 'image c', 'yolov -', 'sat,', 'segm the', 'tens flo'];
  for (const options of [page, andPage]) {
    for (const q of QUERIES.concat(extra)) {
      assertIdentical(await search.sharded().search(q, options), mono.search(q, options), `${JSON.stringify(q)} with ${JSON.stringify(options)}`);
    }
  }
  const expandAll = { fields: search.fields, bool: 'OR', expand: true };
  const exact = { fields: search.fields, bool: 'OR', expand: false };
  for (const q of ['sat', 'sate', 'classif', 'seg', 'Plant', 'images', 'tens', 'modul']) {
    assertIdentical(await search.sharded().search(q, page), theirs.search(q, expandAll), `${q}: one word of 3+ characters is expanded`);
  }
  for (const q of ['i', 'im', 'y', 'c++', '0', '00', 'cl']) {
    assertIdentical(await search.sharded().search(q, page), theirs.search(q, exact), `${q}: a term shorter than ${client.PREFIX_MIN} is not expanded`);
  }
  assert.ok((await search.sharded().search('sate', page)).length > 0, '"sate" finds "satellite"');
});

test('a query reads only the shards its terms need', async () => {
  const { search } = theSite();
  const page = { fields: search.fields, bool: 'OR', expand: false, prefixLast: true };
  const shardReads = async (q) => {
    const index = search.sharded();
    await index.hits(q, page);
    return index.reads.filter((p) => p.startsWith('terms/')).length;
  };
  assert.ok(await shardReads('satellite') <= 2, 'one word: the shards of the terms starting with its stem');
  assert.equal(await shardReads('satellite the'), 1, 'one word matched whole: one shard');
  assert.ok(await shardReads('image classification') <= 3);
  assert.ok(await shardReads('c') <= 1, 'a single letter is matched whole');
  assert.equal(await shardReads('the of and'), 0, 'stop words need nothing');
  assert.equal(await shardReads('😀'), 0, 'a term outside the BMP needs nothing');
  /* a common term's shard holds it alone (meta.json's `single`): a word after it, before
     the next shard, is known to be no term without fetching it */
  const { firsts, single } = client.shardLists(search.meta);
  assert.ok(single.length >= 1, `common terms have shards of their own: ${single.length}`);
  const k = single[0];
  const word = firsts[k] + 'zzq';
  assert.ok(k + 1 === firsts.length || client.compareTerms(word, firsts[k + 1]) < 0, `${word} sorts into shard ${k}`);
  assert.equal(await shardReads(word + ' the'), 0, `"${word}" is in no shard: nothing fetched`);
  assert.deepEqual(await search.sharded().search(word, page), []);
  const index = search.sharded();
  assert.equal(index.shardsFor('satellite image', page).length, index.missing('satellite image', page).length);
  /* no result data is read to score: the shards, and the field lengths of their dense
     postings */
  await index.hits('satellite image', page);
  assert.deepEqual(index.reads.filter((p) => !p.startsWith('terms/') && !p.startsWith('lengths/')), []);
  const lengths = index.reads.filter((p) => p.startsWith('lengths/'));
  assert.equal(new Set(lengths).size, lengths.length, 'each lengths file once');
});

/* sharded.js's openIndex(metaUrl), with fetch answered from the build's files: one
   promise and one index per URL, the page's options, and a failure not kept. */
test('openIndex opens search-index/ once per URL and tries again after a failure', async () => {
  const { search } = theSite();
  const base = 'http://marketplace.test/sub/search-index/';
  const fetched = [];
  let down = true;
  const fetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    fetched.push(url);
    assert.deepEqual(init, { credentials: 'same-origin' });
    if (down || !url.startsWith(base)) return { ok: false, status: 503, json: async () => null };
    const body = url === base + 'meta.json' ? search.meta : search.load(url.slice(base.length));
    return { ok: true, status: 200, json: async () => body };
  };
  try {
    await assert.rejects(client.openIndex(base + 'meta.json'), /meta\.json: HTTP 503/);
    down = false;
    const first = client.openIndex(base + 'meta.json');
    assert.equal(client.openIndex(base + 'meta.json'), first, 'one promise per URL');
    const opened = await first;
    assert.deepEqual(Object.keys(opened).sort(), ['index', 'meta', 'options', 'url']);
    assert.ok(opened.index instanceof client.ShardedIndex);
    assert.equal(opened.meta, search.meta);
    assert.equal(opened.url, base + 'meta.json');
    assert.deepEqual(opened.options, { fields: search.fields, bool: 'OR', expand: false, prefixLast: true });
    assert.deepEqual(opened.options, client.searchOptions(search.meta));
    const hits = await opened.index.search('satellite', opened.options);
    assertIdentical(hits, await search.sharded().search('satellite', opened.options), 'satellite');
    assert.equal(fetched.filter((u) => u.endsWith('meta.json')).length, 2, 'meta.json: the failed try and one more');
    assert.ok(fetched.some((u) => u.startsWith(base + 'terms/')), 'shards are fetched beside meta.json');
  } finally {
    globalThis.fetch = fetch;
  }
});

/* The pages take a Ranking (ranking.js): only the hits shown are sorted (a heap picks
   them when there are many), and they must be rank's first ones, bit for bit, however
   many are asked for and whatever a filter keeps. */
test('rankingInSteps: rank\'s first hits however many are asked for, through a filter too', async () => {
  const { search } = theSite();
  const { moduleUrl } = require('./lib/client');
  const tolerant = await import(moduleUrl('tolerant.js'));
  const options = client.searchOptions(search.meta);
  const index = search.sharded();
  let picked = 0;
  for (const q of ['image classification', 'plankton coral', 'model data image', 'satellite', 'tumour scan', 'intrusoin', 'zzzqqq']) {
    const plan = await tolerant.prepare(index, q, options);
    const whole = tolerant.rank(index, plan, options).map((h) => [h.doc, h.score, h.direct]);
    const docs = whole.map((h) => h[0]);
    const keep = (doc) => doc % 3 === 0; /* a filter keeping one document in three */
    const kept = docs.filter(keep);
    for (const k of [1, 5, 8, 20, 64, 65, 200, whole.length]) {
      const ranking = await tolerant.rankingInSteps(index, plan, options, (fn) => fn(), () => false);
      assert.equal(ranking.length, whole.length, `"${q}": every hit counted`);
      assert.deepEqual(ranking.first(k).map((h) => [h.doc, h.score, h.direct]), whole.slice(0, k), `"${q}": the first ${k}`);
      if (ranking.exact < ranking.length) picked++;
      assert.deepEqual([...ranking.docs()].sort((a, b) => a - b), [...docs].sort((a, b) => a - b), `"${q}": every hit`);
      const ordered = ranking.ordered(k, keep);
      assert.deepEqual(ordered.slice(0, k), kept.slice(0, k), `"${q}": the first ${k} a filter keeps`);
      assert.deepEqual([...ordered].sort((a, b) => a - b), [...kept].sort((a, b) => a - b), `"${q}": every hit the filter keeps`);
    }
    assert.deepEqual((await tolerant.rankingInSteps(index, plan, options, (fn) => fn(), () => false)).all().map((h) => [h.doc, h.score, h.direct]), whole);
  }
  assert.ok(picked >= 10, `the heap picked the first hits (${picked} times), rather than one sort of all`);
});

/* lists/ (docs/search-index.md): the listing without a query of every filter value, as
   the search page reads it through loadListing, against what the page computes from the
   columns (facets.json, tags.json, sort.json) with facets.js's own groups and order. */
test('lists/: every filter value\'s count, first page and panel counts are the columns\'', async () => {
  const { search } = theSite();
  const { meta, load } = search;
  const { facetGroups, listingGroups, countedValues } = await import(require('./lib/client').moduleUrl('facets.js'));
  const groups = facetGroups(load(meta.facets), load(meta.tags));
  const keys = load(meta.sort);
  assert.deepEqual(groups.map((g) => g.key), ['category', 'tag', 'license', 'use', 'task', 'library', 'data', 'gpu']);
  const newest = (a, b) => keys.created[b] - keys.created[a] || keys.title[a] - keys.title[b];
  const all = Array.from({ length: meta.docCount }, (_, doc) => doc);
  const countsOver = (g, docs) => {
    const counts = new Int32Array(groups[g].values.length);
    for (const doc of docs) for (const v of groups[g].byDoc[doc]) counts[v] += 1;
    return counts;
  };
  const index = search.sharded();
  const targets = [{ key: '', value: '', g: -1, docs: all }];
  groups.forEach((group, g) => group.values.forEach((value, v) => {
    const docs = all.filter((doc) => group.byDoc[doc].includes(v));
    targets.push({ key: group.key, value, g, docs });
  }));
  let listed = 0;
  for (const t of targets) {
    const label = `${t.key}=${t.value}`;
    if (t.docs.length === 0) {
      await assert.rejects(index.loadListing(t.key, t.value), `${label}: no module, no listing file`);
      continue;
    }
    const listing = await index.loadListing(t.key, t.value);
    listed += 1;
    assert.ok(listing, `${label}: a listing`);
    assert.equal(listing.count, t.docs.length, `${label}: its count`);
    const first = t.docs.slice().sort(newest).slice(0, 20);
    assert.deepEqual(listing.docs, first, `${label}: the first page, newest first`);
    first.forEach((doc, i) => assert.deepEqual(listing.cards[i], load(`docs/${doc}.json`), `${label}: card ${doc}`));
    first.forEach((doc) => assert.deepEqual(index.row(doc), load(`docs/${doc}.json`), `${label}: row ${doc} joins the result data`));
    const fromListing = listingGroups(listing);
    groups.forEach((group, g) => {
      const counts = countsOver(g, g === t.g ? all : t.docs);
      const selected = g === t.g ? [t.value] : [];
      assert.deepEqual(countedValues(fromListing[g], fromListing[g].counts, selected), countedValues(group, counts, selected),
        `${label}: the ${group.key} counts`);
    });
  }
  await assert.rejects(index.loadListing('tag', 'no-such-tag'), 'a value no module has: no file');
  assert.ok(listed > 150, `${listed} listings`);
  const { listingPath } = await import(require('./lib/client').moduleUrl('sharded.js'));
  assert.equal(listingPath('task', 'Computer Vision'), 'lists/bb9caa23.json', 'named by fnv1a32 in 8 hex digits');
  const files = fs.readdirSync(path.join(search.dir, 'search-index', 'lists'));
  assert.equal(files.length, meta.lists, 'meta.json\'s lists: the number of files');
  let entries = 0;
  for (const f of files) {
    for (const e of load(`lists/${f}`)) {
      assert.equal(listingPath(e.key, e.value), `lists/${f}`, `${e.key}=${e.value} is in its file`);
      entries += 1;
    }
  }
  assert.equal(entries, listed, 'no listing but those');
});
