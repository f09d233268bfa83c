'use strict';
/* The client's text pipeline against elasticlunr.js 0.9.5's: tokenizer, trimmer, stop
   words and, above all, the Porter stemmer, on every word of the real catalogue. */
const test = require('node:test');
const assert = require('node:assert/strict');
const elasticlunr = require('elasticlunr');
const { loadClient, catalogueTexts } = require('./helpers');

let client = null;
test.before(async () => {
  client = await loadClient();
});

/* Every distinct token of the catalogue, raw (as split) and trimmed. */
function catalogueWords() {
  const words = new Set();
  for (const text of catalogueTexts()) {
    for (const token of elasticlunr.tokenizer(text)) {
      words.add(token);
      words.add(elasticlunr.trimmer(token));
    }
  }
  words.delete('');
  return [...words].sort();
}

function mismatches(words, ours, theirs) {
  const out = [];
  for (const w of words) {
    const a = ours(w);
    const b = theirs(w);
    if (a !== b) out.push(`${JSON.stringify(w)}: ours ${JSON.stringify(a)}, elasticlunr ${JSON.stringify(b)}`);
  }
  return out;
}

test('the stemmer equals elasticlunr.js on every word of the catalogue', () => {
  const words = catalogueWords();
  assert.ok(words.length > 2000, `expected a real vocabulary, got ${words.length} words`);
  const bad = mismatches(words, client.stem, elasticlunr.stemmer);
  assert.deepEqual(bad.slice(0, 20), [], `${bad.length} of ${words.length} words stem differently`);
});

test('the stemmer equals elasticlunr.js on classic Porter cases', () => {
  const words = ('caresses ponies ties caress cats feed agreed plastered bled motoring sing ' +
    'conflated troubled sized hopping tanned falling hissing fizzed failing filing happy sky ' +
    'relational conditional rational valenci hesitanci digitizer conformabli radicalli ' +
    'differentli vileli analogousli vietnamization predication operator feudalism ' +
    'decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate ' +
    'formative formalize electriciti electrical hopeful goodness revival allowance inference ' +
    'airliner gyroscopic adjustable defensible irritant replacement adjustment dependent ' +
    'adoption homologou communism activate angulariti homologous effective bowdlerize ' +
    'probate rate cease controll roll yes yelling yyyy syzygy by say cry yield eyed ' +
    'generalizations oscillators agreed owed aimed trying tried classifying images').split(' ');
  assert.deepEqual(mismatches(words, client.stem, elasticlunr.stemmer), []);
});

test('the stemmer equals elasticlunr.js on random strings', () => {
  /* A fixed-seed generator over letters that exercise the rules (y, doubled consonants,
     l/s/z, w/x), digits and punctuation. */
  let seed = 0x2545f491;
  const next = () => {
    seed ^= seed << 13; seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5; seed >>>= 0;
    return seed / 4294967296;
  };
  const alphabet = 'aeiouyyyybcdglmnprsssttwxzYA09.\'_é';
  const words = [];
  for (let i = 0; i < 50000; i++) {
    const length = 1 + Math.floor(next() * 12);
    let w = '';
    for (let j = 0; j < length; j++) w += alphabet[Math.floor(next() * alphabet.length)];
    words.push(w);
  }
  const suffixes = ['ational', 'ization', 'iveness', 'ement', 'ing', 'ed', 'ies', 'sses', 'eed', 'ion', 'll', 'e', 'y', 'ate', 'iti'];
  for (let i = 0; i < 20000; i++) {
    words.push(words[i].slice(0, 6) + suffixes[i % suffixes.length]);
  }
  const bad = mismatches(words, client.stem, elasticlunr.stemmer);
  assert.deepEqual(bad.slice(0, 20), [], `${bad.length} of ${words.length} strings stem differently`);
});

test('the stop words are elasticlunr.js\'s English list', () => {
  /* elasticlunr's list also holds "", which both filters drop as an empty token anyway */
  const theirs = Object.keys(elasticlunr.defaultStopWords).filter((w) => w !== '').sort();
  assert.equal(theirs.length, 119);
  assert.deepEqual([...client.STOP_WORDS].sort(), theirs);
  for (const w of ['the', 'and', 'wants', '', 'image', 'constructor', 'toString']) {
    assert.equal(client.stopWordFilter(w), elasticlunr.stopWordFilter(w), JSON.stringify(w));
  }
});

test('the tokenizer and trimmer equal elasticlunr.js', () => {
  const inputs = [
    '', '  ', 'Super-Resolution of SATELLITE images', 'pre-trained\tmodels\n--x', ' a - b ',
    '(YOLOv8), "quoted"; end.', 'über café naïve', 'C++ & .NET_core', 'a\u00a0b\u2003c',
    ['Deep', null, 'Learning-Model', undefined, 42],
  ];
  for (const input of inputs) {
    assert.deepEqual(client.tokenize(input), elasticlunr.tokenizer(input), JSON.stringify(input));
  }
  assert.deepEqual(client.tokenize(null), []);
  assert.deepEqual(client.tokenize(undefined), []);
  for (const token of ['(yolov8),', '"quoted"', '...', 'über', '_x_', '--a--', 'end.']) {
    assert.equal(client.trimmer(token), elasticlunr.trimmer(token), JSON.stringify(token));
  }
});
