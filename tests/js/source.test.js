'use strict';
/* Static checks on the search client's source (theme/static/search/*.js, ES modules): it
   builds the page with DOM text APIs only and stays CSP-friendly (no HTML strings, no
   eval, no inline styles); its modules import each other by the one form the build
   rewrites to fingerprinted names (src/assets.rs), and each only what it needs. */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./helpers');

const DIR = path.join(ROOT, 'theme', 'static', 'search');
const FILES = fs.readdirSync(DIR).filter((name) => name.endsWith('.js')).sort();
const sources = new Map(FILES.map((name) => [name, fs.readFileSync(path.join(DIR, name), 'utf8')]));
/* comments may name what the code avoids; check the code only */
const codeOf = (source) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
const code = new Map(FILES.map((name) => [name, codeOf(sources.get(name))]));

/* The import statements of a module: [{names, from}] (`import { a, b } from './x.js';`). */
function importsOf(name) {
  const out = [];
  for (const line of code.get(name).split('\n')) {
    if (!/^\s*(import|export)\b/.test(line) || !/\bfrom\s*['"`]|^\s*import\s*['"`]|^\s*import\s*\{/.test(line)) continue;
    const m = /^\s*(?:import|export)\s*(?:\{([^}]*)\}\s*from\s*)?'\.\/([a-z][a-z0-9-]*\.js)';\s*$/.exec(line);
    assert.ok(m, `${name}: \`${line.trim()}\` is not of the form import { ... } from './<name>.js';`);
    const names = (m[1] || '').split(',').map((s) => s.trim().split(/\s+as\s+/).pop()).filter(Boolean);
    out.push({ names, from: m[2], line });
  }
  return out;
}

test('the search client is ES modules in theme/static/search/, search.js is gone', () => {
  for (const name of ['text.js', 'engine.js', 'sharded.js', 'page.js']) assert.ok(FILES.includes(name), name);
  assert.ok(!fs.existsSync(path.join(ROOT, 'theme', 'static', 'search.js')), 'theme/static/search.js is removed');
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(DIR, 'package.json'), 'utf8')), { type: 'module' });
});

test('the search client never writes HTML strings or evaluates code', () => {
  for (const name of FILES) {
    for (const banned of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'setAttribute(\'style\'', '.style.', 'javascript:']) {
      assert.ok(!code.get(name).includes(banned), `${name} uses ${banned}`);
    }
    assert.ok(!code.get(name).includes('require('), `${name} is an ES module, without require`);
    assert.doesNotMatch(code.get(name), /\bimport\s*\(/, `${name}: no dynamic import`);
  }
  assert.ok(code.get('page.js').includes('textContent'), 'text goes in through textContent');
});

test('the modules import siblings as ./<name>.js, on one line, and nothing else', () => {
  for (const name of FILES) {
    /* a multi-line import would leave `} from '...'` on a line of its own */
    assert.doesNotMatch(code.get(name), /^\s*\}\s*from\b/m, `${name}: one import a line`);
    for (const { from, line } of importsOf(name)) {
      assert.ok(FILES.includes(from), `${name}: ${line.trim()}: no such module`);
      assert.notEqual(from, 'page.js', `${name} imports the page's entry point`);
    }
  }
});

test('each module imports only what it needs', () => {
  const graph = Object.fromEntries(FILES.map((name) => [name, importsOf(name).map((i) => i.from).sort()]));
  assert.deepEqual(graph['text.js'], [], 'text.js imports nothing');
  assert.deepEqual(graph['engine.js'], ['text.js'], 'engine.js imports text.js only');
  assert.deepEqual(graph['sharded.js'], ['engine.js', 'text.js', 'typo.js'], 'sharded.js: text.js, engine.js and typo.js (the hash of lists/)');
  assert.ok(!graph['page.js'].includes('engine.js'), 'page.js scores through sharded.js');
  assert.doesNotMatch(code.get('text.js') + code.get('engine.js'), /\b(document|window)\./, 'no DOM below the page');
  assert.ok(!/\bfetch\(/.test(code.get('text.js') + code.get('engine.js')), 'no fetch below sharded.js');
  for (const name of FILES) {
    const body = code.get(name).split('\n').filter((l) => !/^\s*import\b/.test(l)).join('\n');
    for (const { names, from } of importsOf(name)) {
      for (const imported of names) {
        assert.ok(new RegExp(`\\b${imported.replace(/\$/g, '\\$')}\\b`).test(body), `${name} imports ${imported} from ${from} and never uses it`);
      }
    }
  }
});

test('the search page loads the client as a module, from a file', () => {
  const template = fs.readFileSync(path.join(ROOT, 'theme', 'templates', 'search.html'), 'utf8');
  assert.match(template, /<script type="module" src="\{\{ root \}\}\{\{ assets\["search\/page\.js"\] \}\}"><\/script>/);
  assert.doesNotMatch(template, /<script>(?!<\/script>)/, 'no inline script');
  assert.doesNotMatch(template, /\sstyle=/, 'no style attribute');
  assert.doesNotMatch(template, /\son[a-z]+=/, 'no event handler attribute');
  for (const id of ['search-input', 'search-form', 'search-facets', 'search-results']) {
    assert.ok(template.includes(`id="${id}"`), `search.html has #${id}`);
  }
  assert.match(template, /<noscript>/);
});
