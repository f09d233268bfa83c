'use strict';
/* Shared by the tests in tests/js: the repository root, the site's own search client
   (loadClient(): a promise of it, see lib/client.js),
   the real catalogue's text, and one build of the real catalogue into a temp dir. */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const { loadClient } = require('./lib/client');

/* The build binary, found as lib/site.js finds it. */
const { buildSite: buildSiteIn } = require('./lib/site');
const { readSearchIndex } = require('./lib/searchindex');

let built = null;
/* Builds the real catalogue once per test process; returns {dir, index (search-index.json's
   text), search (lib/searchindex.js's reading of search-index/), modules (its modules by
   slug)}. */
function buildSite() {
  if (built) return built;
  /* the real catalogue as it is, with `[search] elasticlunr_json` on */
  const site = buildSiteIn({ fixtures: [], elasticlunr: true });
  const out = site.dir;
  const search = readSearchIndex(out);
  built = {
    dir: out,
    index: fs.readFileSync(path.join(out, 'search-index.json'), 'utf8'),
    search,
    modules: search.modules,
  };
  process.on('exit', site.cleanup);
  return built;
}

/* The text of every modules/*.md, front matter included. */
function catalogueTexts() {
  const dir = path.join(ROOT, 'modules');
  return fs.readdirSync(dir)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => fs.readFileSync(path.join(dir, name), 'utf8'));
}

/* meta.json's boosts as elasticlunr's `fields` option, in meta.json's order (the page's). */
function fieldsOption(meta) {
  const fields = {};
  for (const [field, boost] of Object.entries(meta.boosts)) fields[field] = { boost };
  return fields;
}

/* elasticlunr option sets the equivalence tests try, besides the site's own. */
function optionVariants(fields) {
  return [
    { fields, bool: 'OR', expand: true },
    { fields, bool: 'OR', expand: false },
    { fields, bool: 'AND', expand: true },
    { fields, bool: 'AND' },
    { fields: { title: { boost: 2, expand: true }, body: { boost: 1, bool: 'AND' } }, expand: false },
    { fields: { summary: { boost: 0 }, tags: { boost: 5 } }, bool: 'OR', expand: true },
    { fields: { title: { boost: 1 }, nosuchfield: { boost: 9 } } },
    { bool: 'OR', expand: true },
    {},
    undefined,
  ];
}

module.exports = { ROOT, loadClient, buildSite, catalogueTexts, fieldsOption, optionVariants };
