#!/usr/bin/env node
'use strict';
/* Pagefind side by side (issue #14, item 5): its default UI over an index of the same
   module pages, measured as benches/search-typing.js measures the marketplace's first
   queries.

     node benches/pagefind.js PUBLIC_DIR PAGEFIND_DIR [RUNS]

   PAGEFIND_DIR is Pagefind's bundle for PUBLIC_DIR's module pages, written outside
   PUBLIC_DIR (benches/bench.py runs `pagefind --site PUBLIC_DIR --output-path PAGEFIND_DIR` with
   the glob of the module pages, modules/<slug>/index.html). The server (benches/lib/measure.js:
   gzip level 6 for html, css, js and json; Pagefind's own .pf_* and .pagefind files, which
   it writes gzipped, as they are) serves PUBLIC_DIR, the bundle under /pagefind/, and a
   page /__pagefind/index.html with Pagefind's UI as its documentation shows it:

     <link href="/pagefind/pagefind-ui.css" rel="stylesheet">
     <script src="/pagefind/pagefind-ui.js"></script>
     <div id="search"></div>
     <script>new PagefindUI({ element: "#search", showSubResults: true });</script>

   For each first query (the same four as search-typing.js), RUNS times, each in a fresh
   context on the page loaded and idle, after a click into its box:
   - typed key by key at 100 ms a key: the bytes of every script and fetch from the page
     load until its first 5 results are shown (five result links, each with its title),
     and the time from the last key to them;
   - pasted (one input event): the time from the input to its first 5 results (its UI
     waits 300 ms after the last input before it searches: its default), and the bytes;
   - for reference, its JavaScript API without the UI, on an empty page of the same
     server: `await import("/pagefind/pagefind.js")`, `search(q)`, the data of the first
     5 results; the time from just before the import, and the bytes from the page load.
   Prints a report and, on its last line, the measurements as JSON (benches/bench.py reads
   it). */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launch } = require('../tests/js/lib/browser');
const { GZIP_LEVEL, gzipServer, Traffic, median, kb, ms } = require('./lib/measure');

const FIRST_QUERIES = ['image classification', 'plankton coral', 'tumour scan', 'intrusion traffic'];
const SLOW_KEY_MS = 100;
const RESULTS = 5;

const UI_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Pagefind</title>
<link href="/pagefind/pagefind-ui.css" rel="stylesheet">
<script src="/pagefind/pagefind-ui.js"></script>
</head>
<body>
<div id="search"></div>
<script>
window.addEventListener('DOMContentLoaded', () => {
  new PagefindUI({ element: "#search", showSubResults: true });
});
</script>
</body>
</html>
`;
const API_PAGE = '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Pagefind API</title></head><body></body></html>\n';

/* In the page: window.__bench becomes {ms, fromLastMs, message} (or {error}) once
   Pagefind's UI shows `want` result links with their titles for `q`, with the times from
   the first and the last input or key (read by benchResult(page)). */
function armPagefind({ q, want }) {
  const input = document.querySelector('.pagefind-ui__search-input');
  window.__bench = null;
  const done = (r) => { window.__bench = r; };
  const fail = (e) => { window.__bench = { error: e.message }; };
  {
    let t0 = null;
    let tLast = null;
    const start = () => {
      tLast = performance.now();
      if (t0 === null) t0 = tLast;
    };
    input.addEventListener('keydown', start, true);
    input.addEventListener('input', start, true);
    const check = () => {
      if (t0 === null) return false;
      const now = performance.now();
      const links = Array.from(document.querySelectorAll('a.pagefind-ui__result-link')).filter((a) => a.textContent.trim() !== '');
      const message = (document.querySelector('.pagefind-ui__message') || {}).textContent || '';
      if (input.value === q && links.length >= want && /result/i.test(message)) {
        done({ ms: now - t0, fromLastMs: now - tLast, message });
        return true;
      }
      if (now - t0 > 60000) {
        fail(new Error(`Pagefind showed no ${want} results for ${JSON.stringify(q)} after 60 s: ${message}`));
        return true;
      }
      return false;
    };
    const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    const poll = () => { if (!check()) setTimeout(poll, 5); else observer.disconnect(); };
    setTimeout(poll, 5);
  }
}

async function benchResult(page) {
  const handle = await page.waitForFunction(() => window.__bench, null, { timeout: 70000, polling: 20 });
  const result = await handle.jsonValue();
  if (result.error) throw new Error(result.error);
  return result;
}

async function main() {
  const [dir, bundle, runsArg = '5'] = process.argv.slice(2);
  if (!dir || !bundle) throw new Error('usage: pagefind.js PUBLIC_DIR PAGEFIND_DIR [RUNS]');
  if (!fs.existsSync(path.join(bundle, 'pagefind-ui.js'))) throw new Error(`${bundle}: no pagefind-ui.js (not a Pagefind bundle)`);
  const runs = Number(runsArg);
  const loadBefore = os.loadavg()[0];
  const server = await gzipServer(dir, {
    mounts: { '/pagefind/': bundle },
    pages: { '/__pagefind/index.html': UI_PAGE, '/__pagefind/api.html': API_PAGE },
  });
  const browser = await launch();
  const rec = Object.fromEntries(FIRST_QUERIES.map((q) => [q, {
    slow_bytes: [], slow_from_last_ms: [], pasted_bytes: [], pasted_ms: [], api_bytes: [], api_ms: [], message: null,
  }]));

  async function loadedPage(url) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(60000);
    const traffic = new Traffic(page, server);
    await page.goto(server.url + url, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    return { context, page, traffic };
  }

  try {
    for (let r = 0; r < runs; r++) {
      for (const q of FIRST_QUERIES) {
        for (const pasted of [false, true]) {
          const { context, page, traffic } = await loadedPage('__pagefind/index.html');
          await page.click('.pagefind-ui__search-input');
          await page.evaluate(armPagefind, { q, want: RESULTS });
          if (pasted) await page.fill('.pagefind-ui__search-input', q);
          else await page.keyboard.type(q, { delay: SLOW_KEY_MS });
          const got = await benchResult(page);
          const bytes = traffic.costs().counted;
          if (pasted) {
            rec[q].pasted_ms.push(got.ms);
            rec[q].pasted_bytes.push(bytes);
          } else {
            rec[q].slow_from_last_ms.push(got.fromLastMs);
            rec[q].slow_bytes.push(bytes);
          }
          rec[q].message = got.message.trim();
          await context.close();
        }
        {
          const { context, page, traffic } = await loadedPage('__pagefind/api.html');
          const t = await page.evaluate(async ({ q, want }) => {
            const t0 = performance.now();
            const pagefind = await import('/pagefind/pagefind.js');
            const found = await pagefind.search(q);
            await Promise.all(found.results.slice(0, want).map((x) => x.data()));
            return performance.now() - t0;
          }, { q, want: RESULTS });
          rec[q].api_ms.push(t);
          rec[q].api_bytes.push(traffic.costs().counted);
          await context.close();
        }
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }

  const queries = FIRST_QUERIES.map((q) => {
    const m = { query: q, message: rec[q].message };
    for (const [k, xs] of Object.entries(rec[q])) if (Array.isArray(xs)) m[k] = median(xs);
    m.first_ms = Math.max(m.pasted_ms, m.slow_from_last_ms);
    return m;
  });
  const worst = (key) => queries.reduce((a, b) => (b[key] > a[key] ? b : a));
  const out = {
    gzip_level: GZIP_LEVEL,
    load: [loadBefore, os.loadavg()[0]],
    runs,
    results: RESULTS,
    queries,
    worst_bytes_gzip: worst('slow_bytes').slow_bytes,
    worst_bytes_query: worst('slow_bytes').query,
    worst_pasted_bytes_gzip: worst('pasted_bytes').pasted_bytes,
    worst_first_ms: worst('first_ms').first_ms,
    worst_first_query: worst('first_ms').query,
    worst_pasted_ms: worst('pasted_ms').pasted_ms,
    worst_slow_from_last_ms: worst('slow_from_last_ms').slow_from_last_ms,
    worst_api_ms: worst('api_ms').api_ms,
    worst_api_bytes_gzip: worst('api_bytes').api_bytes,
    all: rec,
  };
  const lines = [];
  lines.push(`Pagefind's UI over ${path.resolve(bundle)} (the module pages of ${path.resolve(dir)}), served gzipped (zlib level ${GZIP_LEVEL}; its .pf_* files as written), medians of ${runs} rounds, fresh contexts; load average ${out.load.map((x) => x.toFixed(1)).join(' ')} (before, after):`);
  lines.push(`  query                      bytes typed at ${SLOW_KEY_MS} ms/key | pasted;  ${RESULTS} results after the last key | after the paste;  API (import + search + ${RESULTS} results' data): time, bytes;  what its UI said`);
  for (const m of queries) {
    lines.push(`  ${JSON.stringify(m.query).padEnd(24)} ${kb(m.slow_bytes).padStart(10)} | ${kb(m.pasted_bytes).padStart(9)};  ${ms(m.slow_from_last_ms).padStart(7)} | ${ms(m.pasted_ms).padStart(7)};  ` +
      `API ${ms(m.api_ms)}, ${kb(m.api_bytes)};  "${m.message}"`);
  }
  lines.push(`  worst: ${kb(out.worst_bytes_gzip)} typed, first ${RESULTS} results after ${ms(out.worst_first_ms)} (worse of pasted and from the last key); API ${ms(out.worst_api_ms)}`);
  process.stdout.write(lines.join('\n') + '\n' + JSON.stringify(out) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
