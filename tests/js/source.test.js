'use strict';
/* Static checks on the search client's source: it builds the page with DOM text APIs
   only and stays CSP-friendly (no HTML strings, no eval, no inline styles). */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./helpers');

const source = fs.readFileSync(path.join(ROOT, 'theme', 'static', 'search.js'), 'utf8');
/* comments may name what the code avoids; check the code only */
const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');

test('the search client never writes HTML strings or evaluates code', () => {
  for (const banned of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'setAttribute(\'style\'', '.style.', 'javascript:']) {
    assert.ok(!code.includes(banned), `search.js uses ${banned}`);
  }
  assert.ok(code.includes('textContent'), 'text goes in through textContent');
});

test('the search page loads the client deferred, from a file', () => {
  const template = fs.readFileSync(path.join(ROOT, 'theme', 'templates', 'search.html'), 'utf8');
  assert.match(template, /<script src="\{\{ root \}\}\{\{ assets\["search\.js"\] \}\}" defer><\/script>/);
  assert.doesNotMatch(template, /<script>(?!<\/script>)/, 'no inline script');
  assert.doesNotMatch(template, /\sstyle=/, 'no style attribute');
  assert.doesNotMatch(template, /\son[a-z]+=/, 'no event handler attribute');
  for (const id of ['search-input', 'search-form', 'search-facets', 'search-results']) {
    assert.ok(template.includes(`id="${id}"`), `search.html has #${id}`);
  }
  assert.match(template, /<noscript>/);
});
