'use strict';
/* How well typos are forgiven, measured: misspellings of the words of titles and tags
   (one edit of every kind: insertion, deletion, substitution, transposition of
   neighbours; and two edits for words of 8 letters or more), each searched as the search
   page does (typo tolerance on). recall@3 is the share of misspellings whose top 3
   results include a module the correctly spelt word ranks in its top 3. The figures are
   printed; each set must reach 90 %. On the real catalogue and on a generated one.

   A misspelling that is itself a word of the index is not a typo the engine can see
   (it matches as typed): those are skipped and regenerated. */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ROOT, binary, buildSite } = require('./lib/site');
const { readSearchIndex } = require('./lib/searchindex');
const { loadClient, moduleUrl } = require('./lib/client');

const ONE_EDIT = 300;
const TWO_EDITS = 100;
const TARGET = 0.9;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const KINDS = ['insertion', 'deletion', 'substitution', 'transposition'];

function edit(word, kind, random) {
  const at = (n) => Math.floor(random() * n);
  const letter = () => LETTERS[at(LETTERS.length)];
  if (kind === 'insertion') {
    const i = at(word.length + 1);
    return word.slice(0, i) + letter() + word.slice(i);
  }
  if (kind === 'deletion') {
    const i = at(word.length);
    return word.slice(0, i) + word.slice(i + 1);
  }
  if (kind === 'substitution') {
    const i = at(word.length);
    let c = letter();
    while (c === word[i]) c = letter();
    return word.slice(0, i) + c + word.slice(i + 1);
  }
  const i = at(word.length - 1);
  if (word[i] === word[i + 1]) return null;
  return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
}

/* The distinct words of the titles and tags, letters only, at least `min` long. */
function sourceWords(search, min) {
  const words = new Set();
  for (const m of Object.values(search.modules)) {
    for (const text of [m.title, ...m.tags]) {
      for (const w of text.toLowerCase().split(/[^a-z]+/)) if (w.length >= min) words.add(w);
    }
  }
  return Array.from(words).sort();
}

async function measure(search, label) {
  await loadClient();
  const tolerant = await import(moduleUrl('tolerant.js'));
  const { osa } = await import(moduleUrl('typo.js'));
  const { searchOptions } = await import(moduleUrl('sharded.js'));
  const index = search.sharded();
  const options = searchOptions(search.meta);
  const exactOptions = Object.assign({}, options, { typos: false });
  const top = async (q, opts = options) => (await tolerant.search(index, q, opts)).hits.slice(0, 3).map((h) => h.doc);
  /* whether a string matches as typed (then it is no typo to the engine) */
  const direct = async (q) => (await tolerant.prepare(index, q, options)).units.every((u) => u.direct);

  const run = async (min, count, edits, seed) => {
    const random = rng(seed);
    const words = sourceWords(search, min);
    assert.ok(words.length > 5, `${label}: words of ${min}+ letters in titles and tags`);
    const misses = [];
    let found = 0;
    let foundExact = 0; /* the control: the same misspellings without typo tolerance */
    let made = 0;
    const perKind = {};
    for (let attempt = 0; made < count && attempt < count * 50; attempt++) {
      const word = words[Math.floor(random() * words.length)];
      const kinds = [];
      let typo = word;
      for (let e = 0; e < edits && typo; e++) {
        const kind = KINDS[(made + e * 3 + Math.floor(random() * 2)) % 4];
        kinds.push(kind);
        typo = edit(typo, kind, random);
      }
      if (!typo || typo === word || osa(typo, word, edits) !== edits) continue;
      if (typo.length < (edits === 1 ? 4 : 8)) continue;
      if (await direct(typo)) continue;
      const want = await top(word);
      if (!want.length) continue;
      made++;
      const key = kinds.join('+');
      perKind[key] = (perKind[key] || 0) + 1;
      const got = await top(typo);
      if (got.some((d) => want.includes(d))) found++;
      else misses.push(`${typo} (${word})`);
      if ((await top(typo, exactOptions)).some((d) => want.includes(d))) foundExact++;
    }
    assert.equal(made, count, `${label}: made ${made} misspellings of ${count}`);
    const recall = found / made;
    const control = foundExact / made;
    console.log(`# ${label}: ${edits === 1 ? 'one edit' : 'two edits'}: recall@3 ${(100 * recall).toFixed(1)} % of ${made} ` +
      `(without typo tolerance ${(100 * control).toFixed(1)} %) ` +
      `(${Object.entries(perKind).map(([k, n]) => `${k} ${n}`).join(', ')})` +
      (misses.length ? `; missed: ${misses.slice(0, 12).join(', ')}` : ''));
    assert.ok(control < 0.5, `${label}: the control finds ${control} without typo tolerance: the misspellings are too easy`);
    return { recall, misses };
  };

  const one = await run(4, ONE_EDIT, 1, 7);
  const two = await run(8, TWO_EDITS, 2, 11);
  assert.ok(one.recall >= TARGET, `${label}: one-edit recall@3 ${one.recall} < ${TARGET}; missed ${one.misses.join(', ')}`);
  assert.ok(two.recall >= TARGET, `${label}: two-edit recall@3 ${two.recall} < ${TARGET}; missed ${two.misses.join(', ')}`);
}

test('typos in the words of the real catalogue are forgiven (recall@3)', async (t) => {
  const site = buildSite({ fixtures: [] });
  t.after(site.cleanup);
  await measure(readSearchIndex(site.dir), 'real catalogue');
});

test('typos in the words of a generated catalogue are forgiven (recall@3)', async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marketplace-recall-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const root = path.join(tmp, 'site');
  execFileSync('python3', [path.join(ROOT, 'benches', 'generate.py'), '600', root], { stdio: ['ignore', 'ignore', 'pipe'] });
  const out = path.join(tmp, 'public');
  execFileSync(binary(), ['build', '--root', root, '--output', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  await measure(readSearchIndex(out), 'generated catalogue (600 modules)');
});
