#!/usr/bin/env node
'use strict';
/* Measures the search of a built site in headless Chromium, the simple way: the sizes of
   the search files (raw and gzipped at zlib level 9), then, for
   `search/index.html?q=QUERY` opened RUNS times in fresh contexts, the time from
   navigation start to the first result card and the search files the page fetched for it
   (the gzipped bytes of the modules of static/search/ and of the files of search-index/ it asked for). The
   full measurement of the targets is benches/search-typing.js. search-index.json (the
   whole index in elasticlunr.js's format, opt-in) is listed when the build wrote it; every
   file and directory of search-index/ is listed, whatever the format's version.

     node benches/search-in-browser.js PUBLIC_DIR [QUERY] [RUNS]
*/
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { serve } = require('../tests/js/lib/server');
const { launch, openPage } = require('../tests/js/lib/browser');

const gzip = (bytes) => zlib.gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;

/* Sizes of the files of `dir` (relative paths), raw and gzipped: total, median, largest. */
function sizes(dir, names) {
  const rows = names.map((name) => {
    const bytes = fs.readFileSync(path.join(dir, name));
    return { name, raw: bytes.length, gzip: gzip(bytes) };
  });
  const by = (k) => rows.map((r) => r[k]).sort((a, b) => a - b);
  const total = (k) => rows.reduce((n, r) => n + r[k], 0);
  return { count: rows.length, raw: total('raw'), gzip: total('gzip'), medianGzip: by('gzip')[rows.length >> 1], maxGzip: by('gzip')[rows.length - 1] };
}

async function main() {
  const [dir, query = 'image classification', runs = '5'] = process.argv.slice(2);
  if (!dir) throw new Error('usage: search-in-browser.js PUBLIC_DIR [QUERY] [RUNS]');
  const index = path.join(dir, 'search-index');
  const scripts = fs.readdirSync(path.join(dir, 'static', 'search')).filter((n) => /\.[0-9a-f]{8}\.js$/.test(n)).map((n) => `static/search/${n}`);
  const entries = fs.readdirSync(index, { withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => `search-index/${e.name}`).sort();
  for (const name of [...scripts, ...files, 'search-index.json']) {
    if (!fs.existsSync(path.join(dir, name))) {
      console.log(`${name.padEnd(28)} (not written by this build)`);
      continue;
    }
    const bytes = fs.readFileSync(path.join(dir, name));
    console.log(`${name.padEnd(28)} ${kb(bytes.length).padStart(12)} raw ${kb(gzip(bytes)).padStart(10)} gzip`);
  }
  for (const sub of entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const names = fs.readdirSync(path.join(index, sub)).map((n) => `${sub}/${n}`);
    const s = sizes(index, names);
    console.log(`search-index/${sub}/: ${s.count} files, ${kb(s.raw)} raw, ${kb(s.gzip)} gzip; a file: median ${kb(s.medianGzip)}, largest ${kb(s.maxGzip)} gzip`);
  }
  const server = await serve(dir);
  const browser = await launch();
  const times = [];
  let fetched = null;
  try {
    for (let i = 0; i < Number(runs); i++) {
      const { context, page } = await openPage(browser, `http://127.0.0.1:${server.port}/`);
      const paths = [];
      page.on('request', (r) => {
        const p = new URL(r.url()).pathname.slice(1);
        if (p.startsWith('search-index') || /^static\/search\//.test(p)) paths.push(p);
      });
      await page.goto(`search/index.html?q=${encodeURIComponent(query)}`, { waitUntil: 'commit' });
      await page.waitForSelector('#search-results a.search-result-link', { timeout: 60000 });
      times.push(await page.evaluate(() => performance.now()));
      fetched = paths;
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  times.sort((a, b) => a - b);
  const bytes = fetched.reduce((n, p) => n + gzip(fs.readFileSync(path.join(dir, p))), 0);
  const bySub = new Map();
  for (const p of fetched) {
    const m = /^search-index\/([^/]+)\//.exec(p);
    const key = m ? `search-index/${m[1]}/` : p.startsWith('search-index/') ? 'search-index/*.json' : 'static/search/';
    bySub.set(key, (bySub.get(key) || 0) + 1);
  }
  console.log(`?q=${query}: fetched ${fetched.length} search files, ${kb(bytes)} gzip (` +
    Array.from(bySub).map(([k, c]) => `${c} in ${k}`).join(', ') + ')');
  console.log(`first result for "${query}": median ${times[times.length >> 1].toFixed(0)} ms after navigation start over ${times.length} loads (${times.map((t) => t.toFixed(0)).join(', ')})`);
}

main().catch((e) => { console.error(e); process.exit(1); });
