#!/usr/bin/env node
'use strict';
/* The search targets of "Speed at scale" (issue #6), measured in headless Chromium on a
   built site served on 127.0.0.1 with gzip: every compressible file is sent gzipped at
   zlib level 6 (compressed once, then cached), as static hosts do; the bytes counted are
   those gzipped bodies.

   In each of RUNS fresh browser contexts (no cache), on search/index.html loaded and
   idle (load event, then network idle):

   - first query: the visitor clicks the search box (which fetches search-index/meta.json)
     and the query "image classification" arrives at once (one input event, as when
     pasted, or typed faster than the page's 80 ms debounce). The time runs from that
     input to the first results shown, checked to be the right ones (the first five are
     the engine's, computed here in Node from the same files);
   - bytes of the first query: the gzipped bytes of every script and every fetch the page
     requested from its load until those results (the search modules, site.js, meta.json, term
     shards, result chunks, whatever their number), plus the whole page (HTML, CSS,
     icons) for reference;
   - later queries, more keystrokes: on the same page the visitor goes on typing
     " satellite coral" key by key, waiting for each key's results; each key's time runs
     from its keydown until the page shows the results for the box's new value. Some keys
     need new term shards (the first letters of a word), most need nothing new;
   - for reference: five new queries pasted after a pause on the same page; the first
     query typed with real key events as fast as the browser takes them (about 15 ms a
     key), timed from the first and from the last key; and typed at 100 ms per key (each
     key a pause, so the page fetches as the words grow), with the bytes fetched.

   - the longest main-thread task (Long Tasks API) from the click into the box through
     the first query, the keys and the pasted queries; the excerpts' data per result.

   Prints a report with PASS/FAIL against the targets (first query <= 150 KB gzipped,
   first results <= 300 ms, later keystrokes < 50 ms; on medians over the runs; no task
   over 50 ms in any run; excerpt data <= 1.5 KB a result), then, on
   its last line, every measurement as one JSON object (benches/bench.py reads it).

     node benches/search-typing.js PUBLIC_DIR [RUNS] */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const zlib = require('node:zlib');
const { resolve, contentType } = require('../tests/js/lib/server');
const { launch } = require('../tests/js/lib/browser');
const { readSearchIndex } = require('../tests/js/lib/searchindex');
const { loadClient, moduleUrl } = require('../tests/js/lib/client');

const FIRST_QUERY = 'image classification';
const LATER_TYPED = ' satellite coral';
const PASTED_QUERIES = ['satellite', 'plankton coral', 'tumour scan', 'intrusion traffic', 'audio speech'];
const SLOW_KEY_MS = 100;
const GZIP_LEVEL = 6;
const TARGETS = { bytes: 150 * 1000, firstMs: 300, laterMs: 50, longTaskMs: 50, excerptBytes: 1500 };
const COMPRESSIBLE = /\.(html|css|js|json|xml|txt|svg)$/i;

/* A static server that sends compressible files gzipped and logs what each request cost
   on the wire. */
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
      const gz = COMPRESSIBLE.test(found.file) ? zlib.gzipSync(raw, { level: GZIP_LEVEL }) : null;
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

/* In the page, before a key is pressed (or a value pasted): resolves window.__bench with
   {ms, firstMs, topMs, fromLastMs} once the page shows the results of `q`: the status
   line names the query and the first five result links are `expected` (after at least
   one change of the results, when `changed`). Times run from the next keydown or input
   event on the box (`fromLastMs`: from the last one) until those results; `firstMs`
   until any result link is shown; `topMs` until the first five are the expected ones
   (the page draws the cards in view first and announces the count once all are
   drawn). */
function arm({ q, expected, changed }) {
  const input = document.getElementById('search-input');
  const hrefs = () => Array.from(document.querySelectorAll('#search-results a.search-result-link'))
    .slice(0, 5).map((a) => a.getAttribute('href')).join(' ');
  const status = () => (document.getElementById('search-status') || {}).textContent || '';
  window.__bench = new Promise((done, fail) => {
    let t0 = null;
    let tLast = null;
    let firstMs = null;
    let topMs = null;
    let mutated = false;
    const start = () => {
      tLast = performance.now();
      if (t0 === null) t0 = tLast;
    };
    input.addEventListener('keydown', start, true);
    input.addEventListener('input', start, true);
    let observer = null;
    const check = () => {
      if (t0 === null) return false;
      const now = performance.now();
      const shown = hrefs();
      if (firstMs === null && shown !== '') firstMs = now - t0;
      if (topMs === null && (!changed || mutated) && shown === expected) topMs = now - t0;
      if ((!changed || mutated) && status().includes('“' + q.trim() + '”') && shown === expected) {
        observer.disconnect();
        input.removeEventListener('keydown', start, true);
        input.removeEventListener('input', start, true);
        done({ ms: now - t0, firstMs: firstMs === null ? now - t0 : firstMs, topMs: topMs === null ? now - t0 : topMs, fromLastMs: now - tLast });
        return true;
      }
      if (now - t0 > 60000) {
        observer.disconnect();
        fail(new Error(`no results for ${JSON.stringify(q)} after 60 s; the page says: ${status()} ${shown}`));
        return true;
      }
      return false;
    };
    observer = new MutationObserver(() => {
      if (t0 !== null) mutated = true;
      check();
    });
    observer.observe(document.getElementById('search-results') || document.body, { childList: true, subtree: true, characterData: true });
    const poll = () => { if (!check()) setTimeout(poll, 5); };
    setTimeout(poll, 5);
  });
}

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs, p) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
};
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;

async function main() {
  const [dir, runsArg = '5'] = process.argv.slice(2);
  if (!dir) throw new Error('usage: search-typing.js PUBLIC_DIR [RUNS]');
  const runs = Number(runsArg);

  /* The results the page must show, from the same files, by the same engine (which
     tests/js holds to elasticlunr.js). */
  await loadClient();
  const tolerant = await import(moduleUrl('tolerant.js'));
  const search = readSearchIndex(dir);
  const options = { fields: search.fields, bool: 'OR', expand: false, prefixLast: true };
  const engine = search.sharded();
  const slugOf = new Map(Object.entries(search.modules).map(([slug, m]) => [m.doc, slug]));
  const expectedCache = new Map();
  const expected = async (q) => {
    if (!expectedCache.has(q)) {
      /* the page's engine: typo tolerance and suffix matching on (tolerant.js) */
      const { hits } = await tolerant.search(engine, q, options);
      expectedCache.set(q, hits.slice(0, 5).map((h) => `../modules/${slugOf.get(h.doc)}/index.html`).join(' '));
    }
    return expectedCache.get(q);
  };
  for (const q of [FIRST_QUERY, ...PASTED_QUERIES]) {
    if (!(await expected(q))) throw new Error(`"${q}" finds nothing in ${dir}`);
  }

  const server = await gzipServer(dir);
  const browser = await launch();
  const result = {
    first_ms: [], search_bytes: [], page_bytes: [], files: null,
    keys: [], pasted_ms: [], long_task_ms: [], excerpt_bytes: [],
    typed_first_key_ms: [], typed_last_key_ms: [], typed_bytes: [],
    slow_first_ms: [], slow_last_key_ms: [], slow_bytes: [],
  };
  const siteUrl = `http://127.0.0.1:${server.port}/`;

  /* A fresh context with search/index.html loaded and idle; `kinds` maps each requested
     path to its resource type. */
  async function loadedPage() {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    /* Long Tasks (main thread blocked > 50 ms), from the page's start */
    await page.addInitScript(() => {
      window.__longTasks = [];
      try {
        new PerformanceObserver((list) => {
          list.getEntries().forEach((e) => window.__longTasks.push({ start: e.startTime, ms: e.duration }));
        }).observe({ type: 'longtask', buffered: true });
      } catch (e) { /* no Long Tasks API: nothing recorded */ }
    });
    const kinds = new Map();
    page.on('request', (request) => kinds.set(new URL(request.url()).pathname, request.resourceType()));
    server.log.length = 0;
    await page.goto(`${siteUrl}search/index.html`, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    return { context, page, kinds };
  }

  /* The search bytes (scripts and fetches) and the page's total of what the server sent. */
  function costs(kinds) {
    let search = 0;
    const files = [];
    for (const e of server.log) {
      const kind = kinds.get(e.path) || 'other';
      if (kind === 'script' || kind === 'fetch' || kind === 'xhr') {
        search += e.bytes;
        files.push({ path: e.path, kind, gzip: e.bytes, raw: e.raw });
      }
    }
    return { search, page: server.log.reduce((sum, e) => sum + e.bytes, 0), files };
  }

  try {
    for (let r = 0; r < runs; r++) {
      /* the first query, arriving at once on the loaded page */
      const { context, page, kinds } = await loadedPage();
      /* long tasks count from here: the box's focus (meta.json arrives and is read), the
         first query, the keys typed and the queries pasted after it */
      const typingFrom = await page.evaluate(() => performance.now());
      await page.click('#search-input');
      await page.evaluate(arm, { q: FIRST_QUERY, expected: await expected(FIRST_QUERY), changed: false });
      await page.fill('#search-input', FIRST_QUERY);
      const first = await page.evaluate(() => window.__bench);
      const cost = costs(kinds);
      result.first_ms.push(first.ms);
      result.search_bytes.push(cost.search);
      result.page_bytes.push(cost.page);
      result.files = cost.files;
      /* the excerpts' data: text/<doc>.json of the results shown, per result shown */
      const shownCount = await page.$$eval('#search-results a.search-result-link', (a) => a.length);
      const textBytes = cost.files.filter((f) => f.path.includes('/search-index/text/')).reduce((n, f) => n + f.gzip, 0);
      result.excerpt_bytes.push(shownCount ? textBytes / shownCount : 0);

      /* more keystrokes, one at a time, each waited for */
      let value = FIRST_QUERY;
      for (const key of LATER_TYPED) {
        value += key;
        const before = server.log.length;
        await page.waitForTimeout(150); /* a visitor's pace: the next key comes after a pause */
        await page.evaluate(arm, { q: value, expected: await expected(value), changed: true });
        await page.keyboard.press(key === ' ' ? 'Space' : key);
        const typed = await page.evaluate(() => window.__bench);
        const fetched = server.log.slice(before).filter((e) => e.path.includes('/search-index/terms/')).length;
        result.keys.push({ value, ms: typed.ms, topMs: typed.topMs, shards: fetched });
      }

      /* new queries, each pasted after a pause */
      for (const q of PASTED_QUERIES) {
        await page.waitForTimeout(200);
        await page.evaluate(arm, { q, expected: await expected(q), changed: true });
        await page.fill('#search-input', q);
        result.pasted_ms.push((await page.evaluate(() => window.__bench)).ms);
      }
      /* the longest task from the focus to the last query pasted, on the loaded page */
      const tasks = await page.evaluate((from) => window.__longTasks.filter((t) => t.start >= from), typingFrom);
      result.long_task_ms.push(tasks.reduce((m, t) => Math.max(m, t.ms), 0));
      await context.close();

      /* the first query typed key by key, as fast as the browser takes keys, then at 100
         ms per key; each in a fresh context */
      for (const delay of [0, SLOW_KEY_MS]) {
        const fresh = await loadedPage();
        await fresh.page.click('#search-input');
        await fresh.page.evaluate(arm, { q: FIRST_QUERY, expected: await expected(FIRST_QUERY), changed: false });
        await fresh.page.keyboard.type(FIRST_QUERY, { delay });
        const typed = await fresh.page.evaluate(() => window.__bench);
        if (delay) {
          result.slow_first_ms.push(typed.firstMs);
          result.slow_last_key_ms.push(typed.fromLastMs);
          result.slow_bytes.push(costs(fresh.kinds).search);
        } else {
          result.typed_first_key_ms.push(typed.ms);
          result.typed_last_key_ms.push(typed.fromLastMs);
          result.typed_bytes.push(costs(fresh.kinds).search);
        }
        await fresh.context.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }

  const keyMs = result.keys.map((k) => k.ms);
  const out = {
    gzip_level: GZIP_LEVEL,
    first_query: FIRST_QUERY,
    later_typed: LATER_TYPED,
    pasted_queries: PASTED_QUERIES,
    runs,
    first_ms: median(result.first_ms),
    search_bytes_gzip: median(result.search_bytes),
    page_bytes_gzip: median(result.page_bytes),
    later_ms: median(keyMs),
    later_p90_ms: percentile(keyMs, 0.9),
    later_max_ms: Math.max(...keyMs),
    later_fetch_ms: median(result.keys.filter((k) => k.shards > 0).map((k) => k.ms)),
    later_cached_ms: median(result.keys.filter((k) => k.shards === 0).map((k) => k.ms)),
    later_top_ms: median(result.keys.map((k) => k.topMs)),
    pasted_ms: median(result.pasted_ms),
    long_task_max_ms: Math.max(...result.long_task_ms),
    excerpt_bytes_per_result_gzip: median(result.excerpt_bytes),
    typed_first_key_ms: median(result.typed_first_key_ms),
    typed_last_key_ms: median(result.typed_last_key_ms),
    typed_bytes_gzip: median(result.typed_bytes),
    slow_key_ms: SLOW_KEY_MS,
    slow_first_ms: median(result.slow_first_ms),
    slow_last_key_ms: median(result.slow_last_key_ms),
    slow_bytes_gzip: median(result.slow_bytes),
    files: result.files,
    all: result,
  };

  const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
  const lines = [];
  lines.push(`Search in Chromium: ${path.resolve(dir)} (${search.meta.docCount} modules), served gzipped (zlib level ${GZIP_LEVEL}), medians of ${runs} fresh page loads`);
  lines.push(`First query "${FIRST_QUERY}" put in the box at once on the loaded search page; requests from the page load to its results:`);
  for (const f of out.files) lines.push(`  ${f.path.padEnd(44)} ${f.kind.padEnd(6)} ${kb(f.gzip).padStart(10)} gzip ${kb(f.raw).padStart(11)} raw`);
  lines.push(`  scripts + fetches: ${kb(out.search_bytes_gzip)} gzip (${out.files.length} requests); the whole page: ${kb(out.page_bytes_gzip)}`);
  lines.push(`  from the input to the first results (the right ones): ${out.first_ms.toFixed(0)} ms`);
  lines.push(`Later keystrokes ("${LATER_TYPED}" typed key by key after it, ${result.keys.length} keys): median ${out.later_ms.toFixed(1)} ms, ` +
    `90th percentile ${out.later_p90_ms.toFixed(1)} ms, max ${out.later_max_ms.toFixed(1)} ms`);
  lines.push(`  keys needing new shards: median ${out.later_fetch_ms.toFixed(1)} ms; keys needing nothing new: median ${out.later_cached_ms.toFixed(1)} ms`);
  lines.push(`  until the first five results are the right ones (before the rest and the count are drawn): median ${out.later_top_ms.toFixed(1)} ms`);
  lines.push(`  per key (last run): ${result.keys.slice(-LATER_TYPED.length).map((k) => `${JSON.stringify(k.value.slice(FIRST_QUERY.length))} ${k.ms.toFixed(0)}${k.shards ? '*' : ''}`).join(', ')} (ms; * fetched shards)`);
  lines.push(`  longest task on the main thread from the box's focus through the first query, the keys and the pasted queries (Long Tasks API; 0: none over 50 ms): ${out.long_task_max_ms.toFixed(0)} ms`);
  lines.push(`  excerpt data (search-index/text/) of the first query: ${kb(out.excerpt_bytes_per_result_gzip)} gzip per result shown`);
  lines.push('For reference:');
  lines.push(`  new queries pasted after a pause: median ${out.pasted_ms.toFixed(1)} ms`);
  lines.push(`  "${FIRST_QUERY}" typed with key events as fast as the browser takes them: results ${out.typed_first_key_ms.toFixed(0)} ms after the first key, ` +
    `${out.typed_last_key_ms.toFixed(0)} ms after the last; ${kb(out.typed_bytes_gzip)} gzip fetched`);
  lines.push(`  typed at ${SLOW_KEY_MS} ms per key: first results ${out.slow_first_ms.toFixed(0)} ms after the first key; ` +
    `the right results ${out.slow_last_key_ms.toFixed(0)} ms after the last key; ${kb(out.slow_bytes_gzip)} gzip fetched (the intermediate words' shards too)`);
  lines.push('Targets:');
  lines.push(`  ${verdict(out.search_bytes_gzip <= TARGETS.bytes)}  first query's bytes (scripts + fetches, gzip) <= 150 KB: ${kb(out.search_bytes_gzip)}`);
  lines.push(`  ${verdict(out.first_ms <= TARGETS.firstMs)}  first results <= 300 ms after the query is typed on a loaded page: ${out.first_ms.toFixed(0)} ms`);
  lines.push(`  ${verdict(out.later_ms < TARGETS.laterMs)}  later keystrokes < 50 ms (median; 90th percentile ${out.later_p90_ms.toFixed(0)} ms): ${out.later_ms.toFixed(1)} ms`);
  lines.push(`  ${verdict(out.long_task_max_ms <= TARGETS.longTaskMs)}  no keystroke blocks the main thread for more than 50 ms (longest task): ${out.long_task_max_ms.toFixed(0)} ms`);
  lines.push(`  ${verdict(out.excerpt_bytes_per_result_gzip <= TARGETS.excerptBytes)}  excerpt data <= 1.5 KB gzip per result shown: ${kb(out.excerpt_bytes_per_result_gzip)}`);
  process.stdout.write(lines.join('\n') + '\n' + JSON.stringify(out) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
