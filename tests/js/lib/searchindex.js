'use strict';
/* A build's sharded search index (search-index/, docs/search-index.md) read from disk, for
   the tests: the search client's ShardedIndex with a loader reading the shard files, and
   every module's search data (docs/<doc>.json) by slug. */
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
     predict, train, text}} for every document, from docs/<doc>.json (checked against
     facets.json's and tags.json's columns);
   - fields: meta.json's boosts as elasticlunr's `fields` option (in meta.json's order, as
     the page builds it). */
function readSearchIndex(dir) {
  const base = path.join(dir, 'search-index');
  const meta = readJson(path.join(base, 'meta.json'));
  const load = (p) => readJson(path.join(base, ...p.split('/')));
  const modules = {};
  const facets = readJson(path.join(base, meta.facets));
  const tags = readJson(path.join(base, meta.tags));
  for (let doc = 0; doc < meta.docCount; doc++) {
    const [slug, title, summary, created, category, license, use, docTags] = load(`docs/${doc}.json`);
    const text = load(`text/${doc}.json`);
    modules[slug] = {
      doc,
      title,
      summary,
      created,
      category: category[0],
      categoryTitle: category[1],
      tags: docTags,
      license,
      predict: (use & 1) !== 0,
      train: (use & 2) !== 0,
      text,
    };
    /* the filters' columns say the same as the card */
    const columnTags = tags.docTags[doc].map((t) => tags.tags[t]);
    const columnCategory = facets.categories[facets.category[doc]][0];
    const columnLicense = facets.license[doc] >= 0 ? facets.licenses[facets.license[doc]] : null;
    if (JSON.stringify(columnTags) !== JSON.stringify(docTags) || columnCategory !== category[0] ||
        columnLicense !== license || facets.use[doc] !== use) {
      throw new Error(`search-index/docs/${doc}.json and the filter columns disagree about ${slug}`);
    }
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
