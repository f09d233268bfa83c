'use strict';
/* A build's sharded search index (search-index/, docs/search-index.md) read from disk, for
   the tests: the search client's ShardedIndex with a loader reading the shard files, and
   every module's search data (result data + meta.json's columns) by slug. */
const fs = require('node:fs');
const path = require('node:path');

const { loadedClient } = require('./client');

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/* `dir` is a build's output; returns {dir, meta, load(path), sharded(), modules, fields}:
   - load('terms/3.json'): a file of search-index/, parsed;
   - sharded(): a fresh ShardedIndex reading the files from disk (`reads` lists what it read;
     the client must be loaded: lib/client.js's loadClient());
   - modules: {slug: {doc, title, summary, created, category, categoryTitle, tags, license,
     predict, train}} for every document, from meta.json and docs/<k>.json;
   - fields: meta.json's boosts as elasticlunr's `fields` option (in meta.json's order, as
     the page builds it). */
function readSearchIndex(dir) {
  const base = path.join(dir, 'search-index');
  const meta = readJson(path.join(base, 'meta.json'));
  const load = (p) => readJson(path.join(base, ...p.split('/')));
  const modules = {};
  const chunks = Math.ceil(meta.docCount / meta.docChunk);
  for (let k = 0; k < chunks; k++) {
    load(`docs/${k}.json`).forEach((row, i) => {
      const doc = k * meta.docChunk + i;
      const [slug, title, summary, created] = row;
      const category = meta.categories[meta.category[doc]];
      modules[slug] = {
        doc,
        title,
        summary,
        created,
        category: category[0],
        categoryTitle: category[1],
        tags: meta.docTags[doc].map((t) => meta.tags[t]),
        license: meta.license[doc] >= 0 ? meta.licenses[meta.license[doc]] : null,
        predict: (meta.use[doc] & 1) !== 0,
        train: (meta.use[doc] & 2) !== 0,
      };
    });
  }
  const fields = {};
  for (const [field, boost] of Object.entries(meta.boosts)) fields[field] = { boost };
  const sharded = () => {
    const reads = [];
    const index = new (loadedClient().ShardedIndex)(meta, (p) => {
      reads.push(p);
      return load(p);
    });
    index.reads = reads;
    return index;
  };
  return { dir, meta, load, sharded, modules, fields };
}

module.exports = { readSearchIndex };
