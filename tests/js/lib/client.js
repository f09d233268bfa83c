'use strict';
/* The search client for the CommonJS tests. Its files are ES modules
   (theme/static/search/*.js, marked so by the package.json beside them), which CommonJS
   reaches only through import(): a test file awaits `loadClient()` in a `before` hook,
   after which `loadedClient()` returns the same object synchronously (lib/searchindex.js
   builds its ShardedIndex with it).

   The client object holds the exports of text.js, engine.js and sharded.js together
   (tokenize, trimmer, stopWordFilter, stem, STOP_WORDS, PREFIX_MIN, compareTerms, Index,
   ShardedIndex, openIndex, ...); page.js needs a DOM and is not loaded. */
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const DIR = path.resolve(__dirname, '..', '..', '..', 'theme', 'static', 'search');
const MODULES = ['text.js', 'engine.js', 'sharded.js'];

/* file: URL of theme/static/search/<name>, for import(). */
function moduleUrl(name) {
  return pathToFileURL(path.join(DIR, name)).href;
}

let loading = null;
let loaded = null;

/* A promise of the client object (loaded once per process). */
function loadClient() {
  if (!loading) {
    loading = Promise.all(MODULES.map((name) => import(moduleUrl(name)))).then((spaces) => {
      loaded = Object.freeze(Object.assign({}, ...spaces));
      return loaded;
    });
  }
  return loading;
}

/* The client object, once loadClient() has resolved. */
function loadedClient() {
  if (!loaded) throw new Error('the search client is not loaded yet: await loadClient() first (in a before hook)');
  return loaded;
}

module.exports = { DIR, MODULES, moduleUrl, loadClient, loadedClient };
