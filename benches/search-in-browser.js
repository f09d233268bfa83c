#!/usr/bin/env node
'use strict';
/* Measures the search of a built site in headless Chromium: sizes of the index and result
   data (raw and gzipped), and the time from navigation start to the first result card for
   `search/index.html?q=QUERY`, as the median of RUNS fresh page loads.

     node benches/search-in-browser.js PUBLIC_DIR [QUERY] [RUNS]
*/
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { serve } = require('../tests/js/lib/server');
const { launch, openPage } = require('../tests/js/lib/browser');

async function main() {
  const [dir, query = 'image classification', runs = '5'] = process.argv.slice(2);
  if (!dir) throw new Error('usage: search-in-browser.js PUBLIC_DIR [QUERY] [RUNS]');
  for (const name of ['search-index.json', 'search-data.json', 'static/search.js']) {
    const bytes = fs.readFileSync(path.join(dir, name));
    console.log(`${name.padEnd(20)} ${String(bytes.length).padStart(10)} B raw ${String(zlib.gzipSync(bytes).length).padStart(9)} B gzip`);
  }
  const server = await serve(dir);
  const browser = await launch();
  const times = [];
  try {
    for (let i = 0; i < Number(runs); i++) {
      const { context, page } = await openPage(browser, `http://127.0.0.1:${server.port}/`);
      await page.goto(`search/index.html?q=${encodeURIComponent(query)}`, { waitUntil: 'commit' });
      await page.waitForSelector('#search-results li, #search-results article', { timeout: 60000 });
      const ms = await page.evaluate(() => performance.now());
      times.push(ms);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  times.sort((a, b) => a - b);
  console.log(`first result for "${query}": median ${times[times.length >> 1].toFixed(0)} ms over ${times.length} loads (${times.map((t) => t.toFixed(0)).join(', ')})`);
}

main().catch((e) => { console.error(e); process.exit(1); });
