'use strict';
/* The pure halves of typo tolerance, suffix matching and excerpts
   (theme/static/search/typo.js, excerpt.js), against hand-made cases and, for the
   deletion keys, against every variant of real words: a near word the keys miss is a
   typo the search page cannot correct. */
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const ROOT = path.resolve(__dirname, '..', '..');
const load = (name) => import(pathToFileURL(path.join(ROOT, 'theme', 'static', 'search', name)).href);

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function oneEdits(w) {
  const out = new Set();
  for (let i = 0; i <= w.length; i++) {
    for (const c of ALPHABET) out.add(w.slice(0, i) + c + w.slice(i)); /* insertion */
    if (i < w.length) {
      out.add(w.slice(0, i) + w.slice(i + 1)); /* deletion */
      for (const c of ALPHABET) out.add(w.slice(0, i) + c + w.slice(i + 1)); /* substitution */
    }
    if (i + 1 < w.length) out.add(w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2)); /* transposition */
  }
  out.delete(w);
  return Array.from(out);
}

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = ['pytorch', 'sentinel', 'weather', 'diatoms', 'intrusion', 'satellite', 'plankton', 'segmentation',
  'zooplankton', 'mobilenet', 'yolo', 'thunder', 'nowcast', 'classification', 'phytoplankton', 'audio', 'lidar'];

test('FNV-1a over UTF-16 code units gives the values docs/search-index.md fixes', async () => {
  const { fnv1a } = await load('typo.js');
  assert.equal(fnv1a(''), 0x811c9dc5);
  assert.equal(fnv1a('a'), 0xe40c292c);
  assert.equal(fnv1a('foobar'), 0xbf9cf968);
});

test('optimal string alignment distance', async () => {
  const { osa } = await load('typo.js');
  assert.equal(osa('pytroch', 'pytorch', 1), 1);
  assert.equal(osa('sentinal', 'sentinel', 2), 1);
  assert.equal(osa('wheather', 'weather', 1), 1);
  assert.equal(osa('intrusoin', 'intrusion', 2), 1);
  assert.equal(osa('ca', 'abc', 3), 3, 'OSA, not Damerau: no edit of a transposed pair');
  assert.equal(osa('kitten', 'sitting', 3), 3);
  assert.equal(osa('kitten', 'sitting', 1), 2, 'past max: max + 1');
  assert.equal(osa('same', 'same', 0), 0);
});

test('every one-edit variant of a 4-7 unit word shares a family A key with it', async () => {
  const { familyA, lookupKeys, osa } = await load('typo.js');
  let checked = 0;
  for (const w of WORDS) {
    const keys = new Set(familyA(w));
    for (const v of oneEdits(w)) {
      if (v.length < 4 || v.length > 7) continue;
      const q = lookupKeys(v);
      assert.equal(q.max, 1);
      assert.ok(q.keys.some((k) => keys.has(k)), `${v} (one edit from ${w}) shares no key with it`);
      assert.ok(osa(v, w, 1) <= 1);
      checked++;
    }
  }
  assert.ok(checked > 2000, `${checked} variants`);
});

test('every two-edit variant of a word of 8 or more units shares a family B key with it', async () => {
  const { familyB, lookupKeys, osa } = await load('typo.js');
  const random = rng(12);
  let checked = 0;
  for (const w of WORDS) {
    const keys = new Set(familyB(w));
    const firsts = oneEdits(w);
    for (let n = 0; n < 600; n++) {
      const a = firsts[Math.floor(random() * firsts.length)];
      const seconds = oneEdits(a);
      const v = seconds[Math.floor(random() * seconds.length)];
      if (v.length < 8 || v === w || osa(v, w, 2) > 2) continue; /* two edits may also make a third */
      const q = lookupKeys(v);
      assert.equal(q.max, 2);
      assert.ok(q.keys.some((k) => keys.has(k)), `${v} (two edits from ${w}) shares no key with it`);
      checked++;
    }
    for (const v of firsts) {
      if (v.length < 8) continue;
      assert.ok(lookupKeys(v).keys.some((k) => keys.has(k)), `${v} (one edit from ${w}) shares no key`);
    }
  }
  assert.ok(checked > 3000, `${checked} variants`);
});

test('near words: nearest first, within the allowed distance only', async () => {
  const { nearWords, allowedTypos } = await load('typo.js');
  assert.equal(allowedTypos('abc'), 0);
  assert.equal(allowedTypos('abcd'), 1);
  assert.equal(allowedTypos('abcdefgh'), 2);
  assert.deepEqual(nearWords('pytroch', ['pytorch', 'python', 'pytorch', 'torch']), [{ word: 'pytorch', distance: 1 }]);
  assert.deepEqual(nearWords('sentinal', ['sentinel', 'sentiment', 'sentinels']).map((w) => w.word), ['sentinel', 'sentinels']);
});

test('suffix terms and the shards that hold them', async () => {
  const { suffixTerms, suffixShards, reverse } = await load('typo.js');
  assert.deepEqual(suffixTerms('plankton', ['plankton', 'zooplankton', 'phytoplankton', 'planktonic']), ['zooplankton', 'phytoplankton']);
  const terms = ['plankton', 'zooplankton', 'phytoplankton', 'image', 'satellit', 'classif', 'network', 'subnetwork'];
  const sorted = terms.slice().sort((a, b) => (reverse(a) < reverse(b) ? -1 : 1));
  for (let size = 1; size <= 4; size++) {
    const shards = [];
    for (let i = 0; i < sorted.length; i += size) shards.push(sorted.slice(i, i + size));
    const firsts = shards.map((s) => s[0]);
    for (const t of ['plankton', 'network', 'imag', 'zzz', 'a']) {
      const got = suffixShards(t, firsts).flatMap((k) => shards[k]);
      for (const u of terms) if (u.endsWith(t)) assert.ok(got.includes(u), `${u} for ${t} at size ${size}`);
    }
  }
});

test('compound parts as the build splits them', async () => {
  const { compoundParts } = await load('excerpt.js');
  const parts = (t) => compoundParts(t).map((p) => t.slice(p.start, p.end));
  assert.deepEqual(parts('ai4eosc_thunder_nowcast_ml'), ['ai', '4', 'eosc', 'thunder', 'nowcast', 'ml']);
  assert.deepEqual(parts('MobileNetV3'), ['Mobile', 'Net', 'V3']);
  assert.deepEqual(parts('HTTPServer'), ['HTTP', 'Server']);
  assert.deepEqual(parts('resnet50'), ['resnet', '50']);
  assert.deepEqual(parts('EfficientNetB0'), ['Efficient', 'Net', 'B0']);
  assert.deepEqual(parts('x86'), []);
  assert.deepEqual(parts('satellite'), []);
});

test('marks sit on whole matched words and on matched parts of compounds', async () => {
  const { marked } = await load('excerpt.js');
  const set = new Set(['thunder', 'satellites', 'net']);
  const matches = (w) => set.has(w.toLowerCase());
  const show = (segs) => segs.map((s) => (s.mark ? `[${s.text}]` : s.text)).join('');
  assert.equal(show(marked('Satellites, thunder-storms and ai4eosc_thunder_nowcast', matches)),
    '[Satellites], [thunder]-storms and ai4eosc_[thunder]_nowcast');
  assert.equal(show(marked('MobileNetV3 on a <b>', matches)), 'Mobile[Net]V3 on a <b>');
});

test('the excerpt is the passage with the most distinct matches, cut at word boundaries', async () => {
  const { excerpt } = await load('excerpt.js');
  const filler = (n) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');
  const text = `${filler(40)} plankton once. ${filler(30)} zooplankton and plankton samples together. ${filler(40)}`;
  const set = new Set(['plankton', 'zooplankton']);
  const ex = excerpt(text, (w) => set.has(w.toLowerCase()), 180);
  const joined = ex.segments.map((s) => s.text).join('');
  assert.ok(joined.length <= 180, `${joined.length} characters`);
  assert.ok(joined.includes('zooplankton and plankton samples'), joined);
  assert.ok(ex.before && ex.after);
  assert.match(joined, /^word\d+ /, 'starts at a whole word');
  assert.match(joined, / word\d+$/, 'ends at a whole word');
  assert.deepEqual(ex.segments.filter((s) => s.mark).map((s) => s.text), ['zooplankton', 'plankton']);
  assert.equal(excerpt('nothing here', () => false, 180), null);
  const short = excerpt('Plankton.', (w) => w === 'Plankton', 180);
  assert.deepEqual(short, { segments: [{ text: 'Plankton', mark: true }, { text: '.', mark: false }], before: false, after: false });
});

test('compound parts: runs of capitals, small letters and digits', async () => {
  const { compoundParts } = await load('excerpt.js');
  const parts = (t) => compoundParts(t).map((p) => t.slice(p.start, p.end));
  assert.deepEqual(parts('YOLOv8'), ['YOLO', 'v8']);
  assert.deepEqual(parts('GPUs'), ['GPU', 's']);
  assert.deepEqual(parts('iPhone'), ['i', 'Phone']);
  assert.deepEqual(parts('yolov8'), ['yolov', '8']);
  assert.deepEqual(parts('bird\'s'), []);
  assert.deepEqual(parts('tf_cnn_benchmarks'), ['tf', 'cnn', 'benchmarks']);
  assert.deepEqual(parts('3DUNet'), ['3', 'DU', 'Net']);
});
