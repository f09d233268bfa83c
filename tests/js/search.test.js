'use strict';
/* The client's search against elasticlunr.js 0.9.5 on the real catalogue's index: the
   same refs, in the same order, with the same scores, both from the monolithic
   search-index.json (Index) and from the sharded search-index/ the page reads
   (ShardedIndex); then the search page's prefix matching of the last word.
   tests/js/sharded.test.js does the same on a generated catalogue. */
const test = require('node:test');
const assert = require('node:assert/strict');
const elasticlunr = require('elasticlunr');
const { loadClient, buildSite, fieldsOption, optionVariants } = require('./helpers');

const QUERIES = [
  // single words, mixed case
  'satellite', 'Satellite', 'SATELLITE', 'yolo', 'YoloV8', 'plant', 'plants', 'audio',
  'docker', 'tensorflow', 'pytorch', 'segmentation', 'detection', 'species', 'model',
  // stems
  'classifying', 'classification', 'images', 'imaging', 'trained', 'training', 'detecting',
  'segmented', 'generalization',
  // hyphenated words
  'super-resolution', 'pre-trained', 'state-of-the-art', 'api-v2', 'deep-oc',
  // two and three words
  'image classification', 'object detection', 'audio classifier', 'speech to text',
  'satellite image segmentation', 'retrain your model', 'fish detection yolov8',
  'pose detection', 'phytoplankton species', 'image image',
  // stop words only, unknown words, empty
  'the of and', 'a', 'zzzqqq', 'zzzqqq satellite', 'xylophone quasar',
  // punctuation and spacing
  '"satellite"', 'satellite, images!', '(yolo)', 'audio; speech...', '  plant   seeds  ',
  'c++', 'x-ray', '--', 'u-net', 'flood — river', 'bird\'s', '100%', 'v2.0', 'üñíçødé café',
  // prefixes of indexed terms (elasticlunr's expand finds them, with a penalty)
  'sat', 'seg', 'cla', 'im', 'y',
];

function elasticlunrSearch(indexText, query, options) {
  const index = elasticlunr.Index.load(JSON.parse(indexText));
  return index.search(query, options);
}

function assertSame(ours, theirs, label) {
  assert.deepEqual(ours.map((r) => r.ref), theirs.map((r) => r.ref), `${label}: refs or their order differ`);
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i].score;
    const b = theirs[i].score;
    assert.ok(Number.isFinite(a) && Math.abs(a - b) <= 1e-9, `${label}: ${ours[i].ref} scores ${a}, elasticlunr ${b}`);
  }
}

const site = buildSite();
const fields = fieldsOption(site.search.meta);
let client = null;
let ours = null;
test.before(async () => {
  client = await loadClient();
  ours = client.Index.load(site.index);
});
/* elasticlunr prints a warning for options naming unknown fields; keep the output quiet */
const quiet = (fn) => {
  const warn = console.warn;
  console.warn = () => {};
  try { return fn(); } finally { console.warn = warn; }
};

test('the site has the fields and boosts the tests assume', () => {
  assert.deepEqual(Object.keys(fields).sort(), ['body', 'category', 'summary', 'tags', 'title']);
  assert.equal(fields.title.boost, 3);
  assert.ok(Object.keys(site.modules).length >= 40);
  assert.ok(QUERIES.length >= 30);
});

test('same results as elasticlunr.js (boosts, bool OR, expand)', () => {
  const options = { fields, bool: 'OR', expand: true };
  let withResults = 0;
  for (const q of QUERIES) {
    const theirs = elasticlunrSearch(site.index, q, options);
    assertSame(ours.search(q, options), theirs, JSON.stringify(q));
    if (theirs.length) withResults += 1;
  }
  /* a check that compares empty lists proves nothing: most queries must find modules */
  assert.ok(withResults >= 40, `only ${withResults} queries found anything`);
});

test('same results as elasticlunr.js with other options', () => {
  /* the first variant is the test above */
  const variants = optionVariants(fields).slice(1);
  for (const options of variants) {
    for (const q of QUERIES) {
      const theirs = quiet(() => elasticlunrSearch(site.index, q, options));
      assertSame(quiet(() => ours.search(q, options)), theirs, `${JSON.stringify(q)} with ${JSON.stringify(options)}`);
    }
  }
});

test('the sharded index gives elasticlunr.js\'s results, option by option', async () => {
  const theirs = elasticlunr.Index.load(JSON.parse(site.index));
  const variants = optionVariants(fields);
  const sharded = site.search.sharded();
  for (const options of variants) {
    for (const q of QUERIES) {
      const expected = quiet(() => theirs.search(q, options));
      const got = await quiet(() => sharded.search(q, options));
      const label = `${JSON.stringify(q)} with ${JSON.stringify(options)}`;
      assert.deepEqual(got.map((r) => r.ref), expected.map((r) => r.ref), label);
      got.forEach((r, i) => assert.ok(Object.is(r.score, expected[i].score), `${label}: ${r.ref}`));
    }
  }
});

test('the sharded index gives the monolithic client\'s results with the page\'s options', async () => {
  const page = { fields, bool: 'OR', expand: false, prefixLast: true };
  const sharded = site.search.sharded();
  for (const q of QUERIES.concat(['yolov', 'Yolov', 'yolov satellite', 'yolov the', 'yolov,', 'yolov -', 'sate', 'satellite ima'])) {
    assert.deepEqual(await sharded.search(q, page), ours.search(q, page), JSON.stringify(q));
  }
});

test('an empty query finds nothing, as in elasticlunr.js', () => {
  for (const q of ['', null, undefined]) {
    assert.deepEqual(ours.search(q, { fields, expand: true }), []);
  }
});

test('scores are bit-for-bit elasticlunr\'s, so ties keep its order', () => {
  const options = { fields, bool: 'OR', expand: true };
  for (const q of ['docker', 'api-v2', 'deep learning', 'image']) {
    const theirs = elasticlunrSearch(site.index, q, options);
    const mine = ours.search(q, options);
    assert.deepEqual(mine, theirs.map((r) => ({ ref: r.ref, score: r.score })), q);
  }
});

/* The search page's options: whole words, plus the last word as a prefix. */
const pageOptions = { fields, bool: 'OR', expand: false, prefixLast: true };
const refs = (q, options) => ours.search(q, options).map((r) => r.ref);

test('prefix: the last word "yolo" finds the YOLO modules, a YOLO title first', () => {
  const hits = refs('yolo', pageOptions);
  assert.ok(hits.length >= 3, hits.join(' '));
  assert.match(site.modules[hits[0]].title, /yolo/i);
  assert.ok(hits.includes('yolov8-api'), 'yolo finds YoloV8');
  // "yolov" is a compound part of "yolov8" in tags and summaries (words inside words)
  assert.ok(refs('yolov', { fields, bool: 'OR', expand: false }).length > 0);
  // "yolo1" is no indexed term: found only as a prefix of "yolo11m"
  assert.deepEqual(refs('yolo1', { fields, bool: 'OR', expand: false }), []);
  assert.equal(refs('yolo1', pageOptions)[0], 'socib-beach-wracks-identification');
  assert.ok(refs('yolov', pageOptions).includes('yolov8-api'));
  assert.deepEqual(refs('Yolov', pageOptions), refs('yolov', pageOptions));
});

test('prefix: "sate" finds the satellite modules', () => {
  const hits = refs('sate', pageOptions);
  assert.ok(hits.length > 0);
  /* every module whose title or summary says "satellite" is found */
  const satellite = Object.entries(site.modules)
    .filter(([, m]) => /satellite/i.test(m.title + ' ' + m.summary))
    .map(([slug]) => slug);
  assert.ok(satellite.length > 0);
  for (const slug of satellite) assert.ok(hits.includes(slug), `${slug} missing from ${hits.join(' ')}`);
  assert.ok(satellite.includes(hits[0]), `${hits[0]} ranks first`);
  // without the prefix, "sate" is no word of the catalogue
  assert.deepEqual(refs('sate', { fields, bool: 'OR', expand: false }), []);
});

test('prefix: only the last word is expanded', () => {
  // "yolo1" as an earlier word is matched whole (nothing), "satellite" is last
  assert.deepEqual(refs('yolo1 satellite', pageOptions), refs('satellite', pageOptions));
  // a stop word typed last is dropped, not expanded: "yolo1" is not the last word
  assert.deepEqual(refs('yolo1 the', pageOptions), []);
  // trailing punctuation or a trailing hyphen does not hide the last word
  assert.equal(refs('yolo1,', pageOptions)[0], 'socib-beach-wracks-identification');
  assert.equal(refs('yolo1 -', pageOptions)[0], 'socib-beach-wracks-identification');
  // with prefixLast off the page options are plain elasticlunr options
  const plain = { fields, bool: 'OR', expand: false };
  assertSame(ours.search('satellite image', plain), elasticlunrSearch(site.index, 'satellite image', plain), 'plain');
});

test('prefix matches equal elasticlunr expand when the query is one word', () => {
  const expandAll = { fields, bool: 'OR', expand: true };
  for (const q of ['sat', 'yolo', 'classif', 'seg', 'Plant', 'images']) {
    assertSame(ours.search(q, pageOptions), elasticlunrSearch(site.index, q, expandAll), q);
  }
});

test('prefix: a last term shorter than three characters is matched whole', () => {
  assert.equal(client.PREFIX_MIN, 3);
  const plain = { fields, bool: 'OR', expand: false };
  for (const q of ['y', 'im', 'c', 'satellite im', 'tf', '3d']) {
    assertSame(ours.search(q, pageOptions), elasticlunrSearch(site.index, q, plain), q);
  }
  /* "im" would otherwise find "image", "imag"... */
  const expandAll = { fields, bool: 'OR', expand: true };
  assert.ok(elasticlunrSearch(site.index, 'im', expandAll).length > ours.search('im', pageOptions).length);
});
