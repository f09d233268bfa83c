#!/usr/bin/env node
'use strict';
/* The search targets of "Speed at scale", measured in headless Chromium on a built site
   served with gzip (every compressible file is sent gzipped, level 6, as static hosts do):

   - bytes of the first query: the gzipped bytes of every script and every fetch/XHR the
     search page requests from its load until the first result is shown (the search
     script, the index and the result data, whatever their number or names), plus the
     whole page's total (HTML, CSS, icons) for reference;
   - first query: on a fully loaded search/index.html (load event and network idle), the
     box is focused and the query arrives at once (one `input` event, as if pasted);
     the time from there to the first result in #search-results;
   - later queries: on the same page, each next query typed the same way, the time until
     the list of results changes; and the same query submitted with Enter (no debounce).

   Each of RUNS fresh browser contexts (no cache) measures one first query and the later
   ones. Prints one JSON object on stdout.

     node benches/search-typing.js PUBLIC_DIR [RUNS] */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const zlib = require('node:zlib');
const { resolve, contentType } = require('../tests/js/lib/server');
const { launch } = require('../tests/js/lib/browser');

const FIRST_QUERY = 'image classification';
const LATER_QUERIES = ['satellite', 'plankton coral', 'tumour scan', 'intrusion traffic', 'audio speech'];
const COMPRESSIBLE = /\.(html|css|js|json|xml|txt|svg)$/i;

/* A static server that sends compressible files gzipped (compressed once, then cached) and
   records what each request cost on the wire. */
function gzipServer(dir) {
  const root = fs.realpathSync(dir);
  const cache = new Map();
  const log = [];
  const server = http.createServer((req, res) => {
    const urlPath = (req.url || '/').split(/[?#]/)[0];
    const found = resolve(root, urlPath);
    if (!found.file) {
      res.writeHead(found.status, { 'Content-Type': 'text/plain' });
      res.end('error\n');
      return;
    }
    let entry = cache.get(found.file);
    if (!entry) {
      const raw = fs.readFileSync(found.file);
      const gz = COMPRESSIBLE.test(found.file) ? zlib.gzipSync(raw, { level: 6 }) : null;
      entry = { raw, gz };
      cache.set(found.file, entry);
    }
    const accepts = /\bgzip\b/.test(req.headers['accept-encoding'] || '');
    const body = entry.gz && accepts ? entry.gz : entry.raw;
    const headers = { 'Content-Type': contentType(found.file), 'Content-Length': String(body.length), 'Cache-Control': 'no-store' };
    if (body === entry.gz) headers['Content-Encoding'] = 'gzip';
    log.push({ path: urlPath, bytes: body.length, raw: entry.raw.length });
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => done({
      port: server.address().port,
      log,
      close: () => new Promise((closed) => { server.closeAllConnections(); server.close(() => closed()); }),
    }));
  });
}

/* In the page: focus the box, put `q` in it and fire `input` (or submit with Enter when
   `submit`), then resolve with the milliseconds until the first five result links are
   `expected`. Without `expected` (the reference pass), wait until the results are the same
   for `quietMs` and resolve with them. */
function typeAndWait({ q, expected, submit, quietMs }) {
  const input = document.getElementById('search-input');
  const hrefs = () => Array.from(document.querySelectorAll('#search-results a[href]'))
    .map((a) => a.getAttribute('href')).filter((h) => /modules\//.test(h)).slice(0, 5).join(' ');
  return new Promise((resolveWait, rejectWait) => {
    const t0 = performance.now();
    input.focus();
    input.value = q;
    if (submit) {
      input.form.requestSubmit();
    } else {
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    const deadline = t0 + 120000;
    let last = null;
    let since = t0;
    let observer = null;
    const check = () => {
      const now = hrefs();
      const t = performance.now();
      if (expected ? now === expected : (now !== '' && now === last && t - since >= quietMs)) {
        observer.disconnect();
        resolveWait({ ms: t - t0, hrefs: now });
        return true;
      }
      if (now !== last) { last = now; since = t; }
      if (t > deadline) {
        observer.disconnect();
        rejectWait(new Error(`no results for ${q}: ${(document.getElementById('search-results') || document.body).textContent.slice(0, 300)}`));
        return true;
      }
      return false;
    };
    observer = new MutationObserver(() => { check(); });
    observer.observe(document.getElementById('search-results') || document.body, { childList: true, subtree: true, characterData: true, attributes: true });
    const poll = () => { if (!check()) setTimeout(poll, 5); };
    poll();
  });
}

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const [dir, runsArg = '5'] = process.argv.slice(2);
  if (!dir) throw new Error('usage: search-typing.js PUBLIC_DIR [RUNS]');
  const runs = Number(runsArg);
  const server = await gzipServer(dir);
  const browser = await launch();
  const result = { first_ms: [], typed_ms: [], submitted_ms: [], search_bytes: [], page_bytes: [], files: null };
  try {
    /* Reference pass: the first five results of each query, once the page has settled. */
    const expected = {};
    {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${server.port}/search/index.html`, { waitUntil: 'load' });
      for (const q of [FIRST_QUERY, ...LATER_QUERIES]) {
        expected[q] = (await page.evaluate(typeAndWait, { q, submit: true, quietMs: 1500 })).hrefs;
      }
      await context.close();
      server.log.length = 0;
    }
    const distinct = new Set(Object.values(expected));
    if (distinct.size !== LATER_QUERIES.length + 1) throw new Error(`two queries give the same first results: ${JSON.stringify(expected)}`);
    for (let r = 0; r < runs; r++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const kinds = new Map();
      page.on('request', (request) => kinds.set(new URL(request.url()).pathname, request.resourceType()));
      await page.goto(`http://127.0.0.1:${server.port}/search/index.html`, { waitUntil: 'load' });
      await page.waitForLoadState('networkidle');
      const start = server.log.length;
      const first = await page.evaluate(typeAndWait, { q: FIRST_QUERY, expected: expected[FIRST_QUERY], submit: false });
      const fetched = server.log.slice();
      let search = 0;
      const files = [];
      fetched.forEach((e, i) => {
        const kind = kinds.get(e.path) || 'other';
        if (kind === 'script' || kind === 'fetch' || kind === 'xhr') {
          search += e.bytes;
          files.push({ path: e.path, kind, gzip: e.bytes, raw: e.raw, after_typing: i >= start });
        }
      });
      result.first_ms.push(first.ms);
      result.search_bytes.push(search);
      result.page_bytes.push(fetched.reduce((sum, e) => sum + e.bytes, 0));
      result.files = files;
      let previous = FIRST_QUERY;
      for (const q of LATER_QUERIES) {
        const typed = await page.evaluate(typeAndWait, { q, expected: expected[q], submit: false });
        result.typed_ms.push(typed.ms);
        /* back to the previous query, then the same query submitted with Enter */
        await page.evaluate(typeAndWait, { q: previous, expected: expected[previous], submit: true });
        const submitted = await page.evaluate(typeAndWait, { q, expected: expected[q], submit: true });
        result.submitted_ms.push(submitted.ms);
        previous = q;
      }
      server.log.length = 0;
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const out = {
    first_query: FIRST_QUERY,
    later_queries: LATER_QUERIES,
    runs,
    first_ms: median(result.first_ms),
    typed_ms: median(result.typed_ms),
    submitted_ms: median(result.submitted_ms),
    search_bytes_gzip: median(result.search_bytes),
    page_bytes_gzip: median(result.page_bytes),
    files: result.files,
    all: { first_ms: result.first_ms, typed_ms: result.typed_ms, submitted_ms: result.submitted_ms },
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
