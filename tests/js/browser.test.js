'use strict';
/* Browser tests: the built site in headless Chromium (Debian's /usr/bin/chromium, driven
   by playwright-core), served by tests/js/lib/server.js. The site is the real catalogue
   plus the hostile module of tests/fixtures/browser/, built once per run.

   Without /usr/bin/chromium the tests are skipped, or fail when CI is set. */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { buildSite, ROOT, FIXTURES } = require('./lib/site');
const { serve } = require('./lib/server');
const { readSearchIndex } = require('./lib/searchindex');
const { CHROMIUM, haveChromium, inCi, launch, openPage } = require('./lib/browser');
const { loadClient, moduleUrl } = require('./lib/client');

const HOSTILE_TITLE = '<img src=x onerror="window.__xss=1">Hostile title';
const HOSTILE_SLUG = 'xss-title';
const TIMEOUT = 90000;
/* The search page shows this many results, then "Show 20 more modules". */
const PAGE_SIZE = 20;

/* The test server itself (no browser needed): content types, index.html, and no way out
   of its root. */
test('the test server serves files and refuses paths leaving its root', async () => {
  const http = require('node:http');
  const os = require('node:os');
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'marketplace-server-'));
  const root = path.join(base, 'site');
  fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<p>home</p>');
  fs.writeFileSync(path.join(root, 'sub', 'index.html'), '<p>sub</p>');
  fs.writeFileSync(path.join(root, 'app.js'), 'x');
  fs.writeFileSync(path.join(root, 'data.json'), '{}');
  fs.writeFileSync(path.join(root, 'icon.svg'), '<svg/>');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'secret');
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'link.txt'));
  const srv = await serve(root);
  /* Raw request paths: a URL object would normalise the `..` away. */
  const get = (rawPath, method = 'GET') => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: srv.port, path: rawPath, method }, (res) => {
      let body = '';
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
  try {
    assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.deepEqual(await get('/'), { status: 200, type: 'text/html; charset=utf-8', body: '<p>home</p>' });
    assert.equal((await get('/sub/')).body, '<p>sub</p>');
    assert.equal((await get('/sub/?q=a#b')).body, '<p>sub</p>');
    assert.equal((await get('/app.js')).type, 'text/javascript; charset=utf-8');
    assert.equal((await get('/data.json')).type, 'application/json; charset=utf-8');
    assert.equal((await get('/icon.svg')).type, 'image/svg+xml');
    assert.equal((await get('/missing.html')).status, 404);
    assert.equal((await get('/app.js', 'POST')).status, 405);
    for (const out of ['/../secret.txt', '/sub/../../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt',
      '/..%5csecret.txt', '/link.txt', '/app.js%00']) {
      const res = await get(out);
      assert.equal(res.status, 403, `${out} is refused`);
      assert.ok(!res.body.includes('secret'), `${out} shows nothing of outside`);
    }
  } finally {
    await srv.close();
    fs.rmSync(base, { recursive: true, force: true });
  }
});

if (!haveChromium()) {
  const why = `${CHROMIUM} not found: install Debian's Chromium (apt-get install chromium) to run the browser tests`;
  if (inCi()) {
    test('browser tests need Chromium', () => {
      assert.fail(`${why}; CI is set, so a missing browser is a failure, not a skip`);
    });
  } else {
    console.log(`browser tests skipped: ${why}`);
    test('browser tests', { skip: why }, () => {});
  }
} else {
  browserTests();
}

function browserTests() {
  let site = null;
  let server = null;
  let browser = null;
  let data = null;
  let search = null;
  let index = null;
  let options = null;
  let tolerant = null;
  const open = [];

  test.before(async () => {
    site = buildSite({ elasticlunr: true });
    search = readSearchIndex(site.dir);
    data = { modules: search.modules };
    const client = await loadClient();
    tolerant = await import(moduleUrl('tolerant.js'));
    index = client.Index.load(fs.readFileSync(path.join(site.dir, 'search-index.json'), 'utf8'));
    options = { fields: search.fields, bool: 'OR', expand: false };
    server = await serve(site.dir);
    browser = await launch();
  });

  test.after(async () => {
    for (const c of open) await c.close().catch(() => {});
    if (browser) await browser.close();
    if (server) await server.close();
    if (site) site.cleanup();
  });

  /* A fresh context per test; its problems are checked when the test's body is done. */
  async function newPage(opts) {
    const opened = await openPage(browser, server.url, opts);
    open.push(opened.context);
    return opened;
  }

  function assertClean(watch) {
    assert.deepEqual(watch.dialogs, [], 'no dialog may open');
    assert.deepEqual(watch.errors, [], 'no uncaught error in the page');
    assert.deepEqual(watch.failed, [], 'every file the pages ask the site for exists');
  }

  function browserTest(name, fn) {
    test(name, { timeout: TIMEOUT }, async () => {
      const opened = await newPage();
      try {
        await fn(opened.page, opened);
        assertClean(opened.watch);
      } finally {
        await opened.context.close();
      }
    });
  }

  /* ---- the search page */

  const STATUS = '#search-status';
  const RESULT_LINKS = '#search-results a.search-result-link';

  /* Waits until the status line reports the query `q` (the results for it are rendered
     with it), and returns the number of results it announces. */
  async function settled(page, q, filtered = false) {
    try {
      await page.waitForFunction(
        ({ q, filtered }) => {
          const status = document.getElementById('search-status');
          if (!status) return false;
          const text = status.textContent;
          const hasQuery = q ? text.includes('“' + q + '”') : !text.includes('“');
          /* aria-busy: the first cards drawn while typing, the others still to come */
          const busy = document.querySelector('#search-results .search-list[aria-busy="true"]');
          return hasQuery && /^\d+ modules? (match|matches|ha)/.test(text) &&
            text.includes('selected filters') === filtered && !busy;
        },
        { q, filtered },
        { timeout: 10000 },
      );
    } catch (error) {
      const now = await page.$eval(STATUS, (s) => s.textContent).catch(() => '(no status line)');
      assert.fail(`waited for the results of "${q}"${filtered ? ' with filters' : ''}; the page is at ${page.url()} and says: ${now}`);
    }
    const status = await page.textContent(STATUS);
    return Number(/^(\d+)/.exec(status)[1]);
  }

  async function resultTitles(page) {
    return page.$$eval(RESULT_LINKS, (links) => links.map((a) => a.textContent));
  }

  /* The refs of the results, in order, from their links (modules/<slug>/index.html). */
  async function resultRefs(page) {
    return page.$$eval(RESULT_LINKS, (links) =>
      links.map((a) => /modules\/([^/]+)\/index\.html$/.exec(a.getAttribute('href'))[1]));
  }

  /* Types `q` into the search page's box as a visitor would (key by key), replacing
     what is there. */
  async function typeQuery(page, q, delay = 20) {
    await page.click('#search-input');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(q, { delay });
  }

  /* Opens the filter panel (closed until the visitor opens it, or the URL filters), and
     waits for its counts. */
  async function openFilters(page) {
    await page.waitForSelector('#search-facets details.facet-panel');
    if (!(await page.$eval('#search-facets details.facet-panel', (d) => d.open))) {
      await page.click('#search-facets details.facet-panel > summary');
    }
    await page.waitForSelector('#search-facets input[data-facet="category"]');
  }

  /* The category filter's boxes, the panel opened first. */
  async function categoryFacets(page) {
    await openFilters(page);
    return page.$$eval('#search-facets input[data-facet="category"]', (boxes) => boxes.map((box) => ({
      value: box.value,
      checked: box.checked,
      label: box.parentElement.querySelector('.facet-name').textContent,
      count: Number(box.parentElement.querySelector('.facet-count').textContent),
    })));
  }

  /* The refs the page's engine gives for `q` with the page's options (tolerant.js over
     the sharded index: typos and suffixes on); prefix: the page's own matching of the
     last word as a prefix. */
  async function engineRefs(q, prefix) {
    const opts = Object.assign({}, options, { prefixLast: prefix });
    const { hits } = await tolerant.search(search.sharded(), q, opts);
    const refs = hits.map((h) => Object.keys(data.modules).find((slug) => data.modules[slug].doc === h.doc));
    return refs.filter((ref) => ref !== undefined);
  }

  /* The refs elasticlunr's search gives for `q` (words as typed, no typo tolerance). */
  function exactRefs(q, prefix) {
    return index.search(q, Object.assign({}, options, { prefixLast: prefix })).map((r) => r.ref)
      .filter((ref) => Object.prototype.hasOwnProperty.call(data.modules, ref));
  }

  browserTest('typing a query shows the right module first', async (page) => {
    await page.goto('search/index.html');
    await typeQuery(page, 'satellite imagery');
    const count = await settled(page, 'satellite imagery');
    const titles = await resultTitles(page);
    assert.ok(count >= 2, `several results, got ${JSON.stringify(titles)}`);
    assert.equal(titles.length, Math.min(count, PAGE_SIZE), 'the status line counts the results');
    assert.equal(titles[0], 'Upscale multispectral satellites images');
    assert.deepEqual(await resultRefs(page), (await engineRefs('satellite imagery', true)).slice(0, PAGE_SIZE), 'the results are the engine\'s, in its order');
    assert.equal(new URL(page.url()).searchParams.get('q'), 'satellite imagery', 'the query is in the URL');
  });

  browserTest('a prefix of a word finds the module', async (page) => {
    await page.goto('search/index.html');
    // "yol" is no indexed word: only matching it as a prefix finds anything
    assert.deepEqual(exactRefs('yol', false), [], 'precondition: "yol" finds nothing as a whole word');
    await typeQuery(page, 'yol');
    await settled(page, 'yol');
    let titles = await resultTitles(page);
    assert.ok(titles.some((t) => /yolo/i.test(t)), `a YOLO module among ${JSON.stringify(titles)}`);

    await typeQuery(page, 'yolo');
    const count = await settled(page, 'yolo');
    titles = await resultTitles(page);
    assert.ok(titles.some((t) => /yolo/i.test(t)), `a YOLO module among ${JSON.stringify(titles)}`);
    const whole = exactRefs('yolo', false);
    assert.ok(count > whole.length, `"yolo" as a prefix finds more than the ${whole.length} modules with the word (yolov8 ...)`);
    const refs = await resultRefs(page);
    assert.ok(refs.includes('yolov8-api'), 'the YoloV8 module is found');
    assert.deepEqual(refs, (await engineRefs('yolo', true)).slice(0, PAGE_SIZE));
  });

  browserTest('a category facet narrows the results to its count', async (page) => {
    await page.goto('search/index.html');
    await typeQuery(page, 'image');
    const total = await settled(page, 'image');
    const facets = await categoryFacets(page);
    assert.ok(facets.length >= 2, `"image" matches several categories: ${JSON.stringify(facets)}`);
    assert.equal(facets.reduce((n, f) => n + f.count, 0), total, 'the category counts add up to the results');
    const facet = facets.find((f) => f.count > 0 && f.count < total);
    assert.ok(facet, 'a category that narrows the results');

    await page.check(`#search-facets input[data-facet="category"][value="${facet.value}"]`);
    const narrowed = await settled(page, 'image', true);
    assert.equal(narrowed, facet.count, `the facet "${facet.label}" said ${facet.count}`);
    const cards = await page.$$eval('#search-results .search-list > li > article', (articles) => articles.map((a) => ({
      className: a.className,
      badge: a.querySelector('.cat-badge').textContent.replace(/^Category: /, ''),
    })));
    assert.equal(cards.length, Math.min(facet.count, PAGE_SIZE), 'as many results shown as the facet said');
    for (const card of cards) {
      assert.ok(card.className.split(' ').includes('cat-' + facet.value), `${card.className} is in ${facet.value}`);
      assert.equal(card.badge, facet.label);
    }
    assert.deepEqual(new URL(page.url()).searchParams.getAll('category'), [facet.value], 'the facet is in the URL');
    const after = await categoryFacets(page);
    assert.ok(after.find((f) => f.value === facet.value).checked, 'the facet stays ticked');
  });

  test('?q= pre-fills the box and shows the results without typing', { timeout: TIMEOUT }, async () => {
    const { context, page, watch } = await newPage();
    try {
      /* When the first result link appears, measured from the navigation's start. */
      await page.addInitScript(() => {
        const observer = new MutationObserver(() => {
          if (document.querySelector('#search-results a.search-result-link')) {
            window.__firstResultMs = performance.now();
            observer.disconnect();
          }
        });
        observer.observe(document, { childList: true, subtree: true });
      });
      await page.goto('search/index.html?q=audio');
      const count = await settled(page, 'audio');
      assert.equal(await page.inputValue('#search-input'), 'audio');
      const titles = await resultTitles(page);
      assert.equal(titles.length, Math.min(count, PAGE_SIZE));
      assert.ok(count >= 3, `several audio modules, got ${JSON.stringify(titles)}`);
      assert.deepEqual(await resultRefs(page), (await engineRefs('audio', true)).slice(0, PAGE_SIZE));
      assert.equal(await page.evaluate(() => document.activeElement === document.getElementById('search-input')), false,
        'nothing was typed or focused');
      assert.equal(await page.locator('main .notice', { hasText: 'Search needs JavaScript' }).count(), 0,
        'the noscript message is not shown with JavaScript');
      const timing = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        return { first: window.__firstResultMs, dom: nav ? nav.domContentLoadedEventEnd : null };
      });
      console.log(`?q=audio: first result ${timing.first.toFixed(0)} ms after navigation start (DOMContentLoaded at ${timing.dom.toFixed(0)} ms)`);
      assertClean(watch);
    } finally {
      await context.close();
    }
  });

  /* ---- what the page fetches: search-index/, a few files per query */

  /* The site's search files the page requests, in order, as paths under the root. */
  function searchRequests(page) {
    const seen = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin === new URL(server.url).origin && /\.json$/.test(url.pathname)) seen.push(url.pathname.slice(1));
    });
    return seen;
  }

  const pageOptions = () => Object.assign({}, options, { prefixLast: true });

  /* The boxes of one filter group: {value, label, count, checked}. */
  async function facetBoxes(page, key) {
    return page.$$eval(`#search-facets input[data-facet="${key}"]`, (boxes) => boxes.map((box) => ({
      value: box.value,
      checked: box.checked,
      label: box.parentElement.querySelector('.facet-name').textContent,
      count: Number(box.parentElement.querySelector('.facet-count').textContent),
    })));
  }

  /* The AI4OS filters, counted from catalogue.json: per group key, value -> modules. */
  function vocabularyCounts() {
    const catalogue = JSON.parse(fs.readFileSync(path.join(site.dir, 'catalogue.json'), 'utf8'));
    const counts = { task: new Map(), library: new Map(), data: new Map(), gpu: new Map() };
    const add = (key, value, slug) => counts[key].set(value, (counts[key].get(value) || new Set()).add(slug));
    for (const m of catalogue.modules) {
      m.tasks.forEach((v) => add('task', v, m.slug));
      m.libraries.forEach((v) => add('library', v, m.slug));
      m.data_types.forEach((v) => add('data', v, m.slug));
      const inference = m.resources.inference;
      if (inference && !inference.gpu) add('gpu', 'no', m.slug);
    }
    return counts;
  }

  browserTest('the task, library, data type and GPU filters count what the modules say, and combine', async (page) => {
    const expected = vocabularyCounts();
    await page.goto('search/index.html');
    await page.click('#search-input');
    await openFilters(page);
    await page.waitForSelector('#search-facets input[data-facet="task"]');
    for (const key of ['task', 'library', 'data', 'gpu']) {
      const boxes = await facetBoxes(page, key);
      const shown = Object.fromEntries(boxes.map((b) => [b.value, b.count]));
      const want = Object.fromEntries([...expected[key]].map(([v, slugs]) => [v, slugs.size]));
      assert.deepEqual(shown, want, `the ${key} filter counts every module of the catalogue`);
    }
    assert.ok(expected.gpu.get('no').has('cpu-only-scorer'), 'the fixture runs without a GPU');
    assert.equal((await facetBoxes(page, 'gpu'))[0].label, 'Runs without a GPU');

    /* A task, then a data type with it: the results are the modules having both. */
    const [task, withTask] = [...expected.task].find(([, slugs]) => slugs.size > 1 && slugs.size < 40);
    await page.check(`#search-facets input[data-facet="task"][value="${task}"]`);
    assert.equal(await settled(page, '', true), withTask.size, `"${task}" has ${withTask.size} modules`);
    const [data, withData] = [...expected.data].find(([, slugs]) => [...slugs].some((s) => withTask.has(s)));
    const both = [...withData].filter((s) => withTask.has(s));
    const dataBox = (await facetBoxes(page, 'data')).find((b) => b.value === data);
    assert.equal(dataBox.count, both.length, 'with a task ticked, a data type counts the modules having both');
    await page.check(`#search-facets input[data-facet="data"][value="${data}"]`);
    assert.equal(await settled(page, '', true), both.length);
    const refs = await resultRefs(page);
    assert.deepEqual(refs.slice().sort(), both.slice().sort().slice(0, PAGE_SIZE).sort(), 'the modules having both');
    const params = new URL(page.url()).searchParams;
    assert.deepEqual([params.getAll('task'), params.getAll('data')], [[task], [data]], 'both are in the URL');

    /* With a query too, and "runs without a GPU". */
    await page.goto('search/index.html?q=anomalies&gpu=no');
    assert.equal(await settled(page, 'anomalies', true), 1);
    assert.deepEqual(await resultRefs(page), ['cpu-only-scorer']);
  });

  browserTest('a module page links its task, library and data type to the filtered search page', async (page) => {
    const expected = vocabularyCounts();
    await page.goto('modules/sentinel-data-fusion/index.html');
    const links = await page.$$eval('.module-meta .facet-values a', (as) => as.map((a) => a.getAttribute('href')));
    assert.ok(links.some((h) => h.includes('?task=')) && links.some((h) => h.includes('?library=')) &&
      links.some((h) => h.includes('?data=')), `task, library and data type links: ${links}`);
    await page.click('.module-meta .facet-values a[href*="?library="]');
    const library = new URL(page.url()).searchParams.get('library');
    assert.equal(await settled(page, '', true), expected.library.get(library).size, `the modules using ${library}`);
    const box = (await facetBoxes(page, 'library')).find((b) => b.value === library);
    assert.ok(box && box.checked, 'the filter is ticked');
  });

  browserTest('the page reads search-index/: meta.json on focus, a few shards and the cards shown per query, the filters\' data when opened', async (page) => {
    const seen = searchRequests(page);
    await page.goto('search/index.html');
    await page.waitForLoadState('networkidle');
    assert.deepEqual(seen, [], 'nothing is fetched before the box gets focus');

    await page.click('#search-input');
    await page.waitForFunction(() => /in the catalogue/.test((document.getElementById('search-status') || {}).textContent || ''));
    const total = Object.keys(data.modules).length;
    assert.equal(await page.textContent(STATUS), `${total} modules in the catalogue: type to search, or pick a filter.`);
    assert.equal(await page.$$eval(RESULT_LINKS, (as) => as.length), 0, 'the bare page lists nothing');
    assert.deepEqual(seen, ['search-index/meta.json'], 'focus fetches meta.json, nothing else');
    assert.equal(await page.$eval('#search-facets details.facet-panel', (d) => d.open), false, 'the filter panel starts closed');

    await page.fill('#search-input', 'satellite'); /* one input event, as when pasted */
    const count = await settled(page, 'satellite');
    const expected = (await engineRefs('satellite', true)).slice(0, PAGE_SIZE);
    assert.deepEqual(await resultRefs(page), expected);
    const shards = seen.filter((p) => p.startsWith('search-index/terms/'));
    const cards = seen.filter((p) => p.startsWith('search-index/docs/'));
    const sharded = search.sharded();
    const needed = sharded.shardsFor('satellite', pageOptions()).map((k) => `search-index/terms/${k}.json`);
    assert.deepEqual(shards, needed, 'exactly the shards of the query\'s terms');
    assert.ok(shards.length <= 2, `a shard or two: ${shards.join(' ')}`);
    assert.deepEqual(cards.slice().sort(), expected.map((slug) => `search-index/docs/${data.modules[slug].doc}.json`).sort(),
      `the data of the ${Math.min(count, PAGE_SIZE)} results shown, one file each, no more`);
    assert.ok(!seen.some((p) => /facets\.json$|tags\.json$/.test(p)), 'no filter data while the panel is closed');

    /* the panel opened: facets.json, then exact counts over the results; the tags only
       when their own disclosure is opened */
    const facets = await categoryFacets(page);
    assert.equal(facets.reduce((n, f) => n + f.count, 0), count, 'the category counts add up to the results');
    assert.ok(seen.includes('search-index/facets.json') && !seen.includes('search-index/tags.json'), 'facets.json, not yet tags.json');
    assert.equal(await page.$$eval('#search-facets input[data-facet="tag"]', (b) => b.length), 0, 'no tag boxes yet');
    await page.click('#search-facets details.facet-tags > summary');
    await page.waitForSelector('#search-facets input[data-facet="tag"]');
    assert.ok(seen.includes('search-index/tags.json'), 'the tag filter opened: tags.json');
    const tagCounts = await facetBoxes(page, 'tag');
    const tagged = new Map();
    for (const slug of await engineRefs('satellite', true)) {
      for (const t of data.modules[slug].tags) tagged.set(t, (tagged.get(t) || 0) + 1);
    }
    for (const box of tagCounts) assert.equal(box.count, tagged.get(box.value), `tag ${box.value}: its modules among the results`);
    const top = [...tagged.values()].sort((a, b) => b - a)[0];
    assert.equal(Math.max(...tagCounts.map((b) => b.count)), top, 'the most frequent tag is listed');
    for (const p of seen) {
      assert.ok(p.startsWith('search-index/'), `${p}: the page reads search-index/ only`);
    }
    assert.ok(!seen.includes('search-index/sort.json'), 'relevance needs no sort keys');
    assert.ok(!seen.some((p) => /search-index\.json$|search-data\.json$/.test(p)), 'never the monolithic index');

    // more keys: a query whose shards are loaded runs on the key, without fetching shards
    const before = seen.filter((p) => p.startsWith('search-index/terms/')).length;
    await page.focus('#search-input');
    await page.keyboard.press('End');
    await page.keyboard.type('s');
    await settled(page, 'satellites');
    assert.equal(seen.filter((p) => p.startsWith('search-index/terms/')).length, before, '"satellites" has the stem of "satellite"');
    assert.deepEqual(await resultRefs(page), (await engineRefs('satellites', true)).slice(0, PAGE_SIZE));

    // sorting by date fetches sort.json once
    await page.selectOption('#search-sort', 'newest');
    await settled(page, 'satellites');
    const dates = await page.$$eval('#search-results .search-list time', (ts) => ts.map((t) => t.getAttribute('datetime')));
    assert.deepEqual(dates, dates.slice().sort().reverse(), 'newest first');
    assert.equal(seen.filter((p) => p === 'search-index/sort.json').length, 1);
  });

  browserTest('twenty results, then "Show N more modules" fetches the next ones\' data', async (page) => {
    const seen = searchRequests(page);
    const expected = (await engineRefs('image', true));
    assert.ok(expected.length > PAGE_SIZE && expected.length <= 2 * PAGE_SIZE, `"image" finds ${expected.length} modules`);
    await page.goto('search/index.html?q=image');
    assert.equal(await settled(page, 'image'), expected.length);
    assert.deepEqual(await resultRefs(page), expected.slice(0, PAGE_SIZE));
    const more = page.locator('#search-results button.search-more');
    assert.equal((await more.textContent()).trim(), `Show ${expected.length - PAGE_SIZE} more modules`);
    const chunksBefore = seen.filter((p) => p.startsWith('search-index/docs/')).length;
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('#search-results a.search-result-link').length === n, expected.length);
    assert.deepEqual(await resultRefs(page), expected);
    assert.equal(await more.isHidden(), true);
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('href'));
    assert.equal(focused, `../modules/${expected[PAGE_SIZE]}/index.html`, 'focus moves to the first new result');
    assert.ok(seen.filter((p) => p.startsWith('search-index/docs/')).length >= chunksBefore, 'more result data when needed');
  });

  browserTest('excerpt texts are fetched for the first cards, the others as they come near the view', async (page) => {
    const seen = searchRequests(page);
    await page.goto('search/index.html?q=image');
    assert.ok(await settled(page, 'image') > PAGE_SIZE);
    const refs = await resultRefs(page);
    assert.equal(refs.length, PAGE_SIZE);
    const textOf = (slug) => `search-index/text/${data.modules[slug].doc}.json`;
    const texts = () => seen.filter((p) => p.startsWith('search-index/text/'));
    /* the first six before they were drawn, with their excerpts */
    for (const slug of refs.slice(0, 6)) assert.ok(seen.includes(textOf(slug)), `${slug}: its text, before it was drawn`);
    const last = refs[refs.length - 1];
    assert.ok(!seen.includes(textOf(last)), `the last card's text waits for the card to come near the view: ${texts().join(' ')}`);
    assert.ok(texts().length < PAGE_SIZE, `${texts().length} texts for ${PAGE_SIZE} cards`);
    assert.ok(/image/i.test(data.modules[last].text), 'precondition: the last card\'s description says "image"');
    const lastCard = `#search-results .search-list > li:nth-child(${PAGE_SIZE}) article`;
    assert.equal(await page.$$eval(`${lastCard} .card-excerpt`, (ps) => ps.length), 0, 'no excerpt yet');

    /* scrolled to: its text is fetched, once, and its excerpt drawn, marked */
    await page.$eval(lastCard, (a) => a.scrollIntoView());
    await page.waitForSelector(`${lastCard} .card-excerpt mark`, { timeout: 10000 });
    assert.equal(seen.filter((p) => p === textOf(last)).length, 1);
  });

  browserTest('a slow answer to an earlier query never replaces a later query\'s results', async (page) => {
    const sharded = search.sharded();
    const slow = new Set(sharded.shardsFor('satellite', pageOptions()).map((k) => `/search-index/terms/${k}.json`));
    const fast = sharded.shardsFor('audio', pageOptions()).map((k) => `/search-index/terms/${k}.json`);
    assert.ok(fast.every((p) => !slow.has(p)), 'the two queries need different shards');
    let delayed = 0;
    await page.route('**/search-index/terms/*.json', async (route) => {
      if (slow.has(new URL(route.request().url()).pathname)) {
        delayed += 1;
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
      await route.continue();
    });
    await page.goto('search/index.html');
    await page.click('#search-input');
    await page.waitForFunction(() => /in the catalogue/.test((document.getElementById('search-status') || {}).textContent || ''));
    await page.fill('#search-input', 'satellite');
    await page.waitForTimeout(20);
    await page.fill('#search-input', 'audio');
    await settled(page, 'audio');
    const shownFirst = await resultRefs(page);
    assert.deepEqual(shownFirst, (await engineRefs('audio', true)).slice(0, PAGE_SIZE));
    assert.ok(delayed > 0, 'the first query\'s shards were asked for (and held back)');
    await page.waitForTimeout(2000); /* the held-back answers arrive */
    assert.match(await page.textContent(STATUS), /“audio”/);
    assert.deepEqual(await resultRefs(page), shownFirst, 'still the results of "audio"');
    assert.equal(new URL(page.url()).searchParams.get('q'), 'audio');
  });

  browserTest('filters without a query list the modules newest first', async (page) => {
    const seen = searchRequests(page);
    const hostile = data.modules[HOSTILE_SLUG];
    const category = hostile.category;
    const expected = Object.entries(data.modules).filter(([, m]) => m.category === category)
      .sort(([, a], [, b]) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0)).map(([slug]) => slug);
    await page.goto(`search/index.html?category=${category}`);
    assert.equal(await settled(page, '', true), expected.length);
    const dates = await page.$$eval('#search-results .search-list time', (ts) => ts.map((t) => t.getAttribute('datetime')));
    assert.deepEqual(dates, expected.slice(0, PAGE_SIZE).map((slug) => data.modules[slug].created));
    /* one filter, no query, the first page: one file of lists/, not the columns */
    const lists = seen.filter((p) => p.startsWith('search-index/lists/'));
    assert.equal(lists.length, 1, `one listing: ${seen.join(' ')}`);
    assert.ok(!seen.some((p) => /(sort|facets|tags)\.json$|\/docs\//.test(p)), `no columns, no card files: ${seen.join(' ')}`);
    assert.ok(!seen.some((p) => p.startsWith('search-index/terms/')), 'no query, no shard');
    const counted = await categoryFacets(page);
    assert.equal(counted.find((f) => f.value === category).count, expected.length, 'its count in the open panel');
    /* every module, newest first: the listing of no filter; its next page: the columns
       answer (sort.json), still newest first */
    const every = Object.entries(data.modules)
      .sort(([, a], [, b]) => (a.created < b.created ? 1 : a.created > b.created ? -1 : a.doc - b.doc)).map(([slug]) => slug);
    seen.length = 0;
    await page.goto('search/index.html?sort=newest');
    await page.waitForFunction((n) => /All (\d+) modules/.test(document.getElementById('search-status').textContent) &&
      document.querySelectorAll('#search-results .search-list time').length === n, PAGE_SIZE);
    assert.deepEqual(seen.filter((p) => !p.endsWith('meta.json')).map((p) => p.replace(/[0-9a-f]{8}/, 'k')), ['search-index/lists/k.json'], 'one listing');
    assert.ok(every.length > PAGE_SIZE, 'more than a page of modules');
    await page.click('.search-more');
    await page.waitForFunction((n) => document.querySelectorAll('#search-results .search-list time').length === n,
      Math.min(every.length, 2 * PAGE_SIZE));
    const more = await page.$$eval('#search-results .search-list time', (ts) => ts.map((t) => t.getAttribute('datetime')));
    assert.deepEqual(more, every.slice(0, 2 * PAGE_SIZE).map((slug) => data.modules[slug].created));
    assert.ok(seen.includes('search-index/sort.json'), 'the second page sorts over the columns');
  });

  browserTest('the back button restores the query and the facets', async (page) => {
    await page.goto('search/index.html?q=image');
    const total = await settled(page, 'image');
    const facet = (await categoryFacets(page)).find((f) => f.count > 0 && f.count < total);
    assert.ok(facet, 'a category that narrows the results');
    const box = `#search-facets input[data-facet="category"][value="${facet.value}"]`;

    await page.check(box);
    assert.equal(await settled(page, 'image', true), facet.count);

    // back: the query without the facet
    await page.goBack();
    assert.equal(await settled(page, 'image', false), total);
    assert.equal(await page.inputValue('#search-input'), 'image');
    assert.equal(await page.isChecked(box), false, 'the facet is no longer ticked');
    assert.deepEqual(new URL(page.url()).searchParams.getAll('category'), []);

    // forward: the facet again
    await page.goForward();
    assert.equal(await settled(page, 'image', true), facet.count);
    assert.equal(await page.isChecked(box), true);

    // a new query, typed slowly enough for each key to update the results, then back
    // once: the previous query with its facet
    await typeQuery(page, 'detection', 150);
    await settled(page, 'detection', true);
    assert.equal(new URL(page.url()).searchParams.get('q'), 'detection');
    await page.goBack();
    assert.equal(await settled(page, 'image', true), facet.count, 'back to "image" with the facet');
    assert.equal(await page.inputValue('#search-input'), 'image');
    assert.equal(await page.isChecked(box), true);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('q'), 'image');
    assert.deepEqual(url.searchParams.getAll('category'), [facet.value]);
  });

  /* ---- hostile text */

  /* What a page must show of the hostile module, and that nothing of it ran. */
  async function assertInert(page, label) {
    await page.waitForLoadState('networkidle');
    const found = await page.evaluate(() => ({
      xss: typeof window.__xss,
      handlers: document.querySelectorAll('[onerror], [onload]').length,
      /* schema.org JSON-LD is data, never run; it may quote the title, but never with a raw `<`. */
      scripts: Array.from(document.scripts).filter((s) => s.textContent.includes('__xss')
        && (s.type !== 'application/ld+json' || s.textContent.includes('<'))).length,
      svgs: Array.from(document.querySelectorAll('svg')).filter((s) => !s.closest('.brand')).length,
      imgX: document.querySelectorAll('img[src="x"]').length,
    }));
    assert.deepEqual(found, { xss: 'undefined', handlers: 0, scripts: 0, svgs: 0, imgX: 0 }, `${label}: nothing hostile in the DOM`);
  }

  async function assertTitleShownAsText(page, selector, label) {
    const texts = await page.$$eval(selector, (els) => els.map((e) => e.textContent.trim()));
    assert.ok(texts.includes(HOSTILE_TITLE), `${label}: the hostile title shown as text in ${selector}, got ${JSON.stringify(texts.filter((t) => /Hostile/.test(t)))}`);
  }

  browserTest('a hostile module\'s texts are shown as text and never run', async (page, { watch }) => {
    const hostile = data.modules[HOSTILE_SLUG];
    assert.ok(hostile, 'the fixture module is in the site');
    assert.equal(hostile.title, HOSTILE_TITLE);

    // the search page, typed and from ?q=
    await page.goto('search/index.html');
    await typeQuery(page, 'hostile');
    assert.equal(await settled(page, 'hostile'), 1);
    await assertTitleShownAsText(page, RESULT_LINKS, 'search results');
    const card = await page.$eval('#search-results .search-list article', (a) => ({
      summary: a.querySelector('.card-summary').textContent,
      tags: Array.from(a.querySelectorAll('.tag')).map((t) => t.textContent),
    }));
    assert.equal(card.summary, hostile.summary);
    assert.deepEqual(card.tags, hostile.tags);
    await assertInert(page, 'search (typed)');
    await page.goto('search/index.html?q=hostile');
    await settled(page, 'hostile');
    await assertTitleShownAsText(page, RESULT_LINKS, 'search results (?q=)');
    await assertInert(page, 'search (?q=)');
    // every module, the hostile tags among the tag facets
    await page.goto(`search/index.html?tag=${encodeURIComponent(hostile.tags[0])}`);
    await page.waitForSelector(RESULT_LINKS);
    await assertTitleShownAsText(page, RESULT_LINKS, 'search by hostile tag');
    const facetNames = await page.$$eval('#search-facets .facet-name', (els) => els.map((e) => e.textContent));
    assert.ok(facetNames.includes(hostile.tags[0]), 'the hostile tag is a facet, as text');
    await assertInert(page, 'search (tag facet)');

    // the module page
    await page.goto(`modules/${HOSTILE_SLUG}/index.html`);
    await assertTitleShownAsText(page, 'h1', 'module page');
    await assertTitleShownAsText(page, '.breadcrumb [aria-current="page"]', 'module page breadcrumb');
    assert.ok((await page.title()).startsWith(HOSTILE_TITLE), 'the document title');
    assert.equal(await page.textContent('.module-header .lead'), hostile.summary);
    await assertInert(page, 'module page');
    /* the module's own tags, in its panel (the related modules' cards have theirs) */
    const tagPages = await page.$$eval('.module-meta a[href*="tags/"]', (links) =>
      Array.from(new Set(links.map((a) => a.href).filter((h) => !/tags\/index\.html$/.test(h)))));
    assert.equal(tagPages.length, hostile.tags.length, `a page per tag: ${JSON.stringify(tagPages)}`);

    // the home page, the tag pages and the category page
    const lists = [['home page', 'index.html'], ['category page', 'categories/general-purpose/index.html']]
      .concat(tagPages.map((url) => ['tag page ' + url, url]));
    for (const [label, url] of lists) {
      await page.goto(url);
      await assertTitleShownAsText(page, 'main .card-title a', label);
      await assertInert(page, label);
    }
    for (const url of tagPages) {
      await page.goto(url);
      const heading = await page.textContent('h1');
      assert.ok(hostile.tags.some((t) => heading.includes(t)), `the tag page's heading shows the tag as text: ${heading}`);
    }
    assert.deepEqual(watch.dialogs, []);
  });

  /* ---- offline: external images come from the stub */

  browserTest('a module page\'s images all load, external ones from the stub', async (page, { watch }) => {
    // a module whose description embeds images from raw.githubusercontent.com
    await page.goto('modules/witoil-for-imagine/index.html');
    await page.$$eval('img', (imgs) => imgs.forEach((img) => { img.loading = 'eager'; }));
    await page.waitForLoadState('networkidle');
    await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
    const images = await page.$$eval('img', (imgs) => imgs.map((img) => ({ src: img.src, width: img.naturalWidth })));
    const external = images.filter((img) => !img.src.startsWith(server.url));
    assert.ok(external.length > 0, 'the page embeds external images');
    for (const img of images) assert.ok(img.width > 0, `${img.src} loaded`);
    for (const img of external) assert.ok(watch.external.includes(img.src), `${img.src} was answered by the stub`);
  });

  /* ---- keyboard */

  browserTest('"/" focuses the header search box; Enter searches', async (page) => {
    for (const [start, q, first] of [
      ['index.html', 'satellite', 'Upscale multispectral satellites images'],
      ['modules/satsr/index.html', 'audio', 'Train an audio classifier'],
    ]) {
      await page.goto(start);
      assert.equal(await page.evaluate(() => document.activeElement === document.body), true, `${start}: nothing focused yet`);
      await page.keyboard.press('/');
      assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'site-search', `${start}: "/" focuses the header search`);
      await page.keyboard.type(q);
      assert.equal(await page.inputValue('#site-search'), q, `${start}: the "/" was not typed into the box`);
      await Promise.all([page.waitForURL(/\/search\/index\.html\?q=/), page.keyboard.press('Enter')]);
      const url = new URL(page.url());
      assert.equal(url.pathname, '/search/index.html');
      assert.equal(url.searchParams.get('q'), q);
      await settled(page, q);
      assert.equal((await resultTitles(page))[0], first, `${start}: results for "${q}"`);
    }
  });

  browserTest('arrow keys move through the results and Enter opens one', async (page) => {
    await page.goto('search/index.html?q=image');
    await settled(page, 'image');
    const links = await page.$$eval(RESULT_LINKS, (as) => as.map((a) => ({ href: a.href, title: a.textContent })));
    assert.ok(links.length >= 3);
    const focused = () => page.evaluate(() => {
      const a = document.activeElement;
      return a && a.matches('a.search-result-link') ? a.href : a && a.id;
    });

    await page.click('#search-input');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), links[0].href, 'ArrowDown from the box: the first result');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), links[1].href);
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), links[2].href);
    await page.keyboard.press('ArrowUp');
    assert.equal(await focused(), links[1].href, 'ArrowUp: back one');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    assert.equal(await focused(), 'search-input', 'ArrowUp from the first result: the box');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), links[1].href);

    await Promise.all([page.waitForURL(links[1].href), page.keyboard.press('Enter')]);
    assert.equal((await page.textContent('h1')).trim(), links[1].title, 'the focused result\'s module page');
  });

  /* ---- without JavaScript */

  test('without JavaScript: the noscript message on search, modules listed on home', { timeout: TIMEOUT }, async () => {
    const { context, page, watch } = await newPage({ javaScriptEnabled: false });
    try {
      await page.goto('search/index.html');
      const notice = page.locator('main .notice', { hasText: 'Search needs JavaScript' });
      assert.equal(await notice.count(), 1);
      assert.equal(await notice.isVisible(), true);
      const hrefs = await notice.locator('a').evaluateAll((as) => as.map((a) => a.href));
      assert.deepEqual(hrefs, [server.url + 'categories/index.html', server.url + 'tags/index.html']);
      assert.equal(await page.$$eval('#search-results > *', (els) => els.length), 0, 'no script ran');
      for (const href of hrefs) {
        const response = await page.goto(href);
        assert.equal(response.status(), 200, href);
        assert.ok((await page.$$eval('main a', (as) => as.length)) > 5, `${href} lists links`);
      }

      // the home page and the list pages after it ("Next")
      const seen = new Set();
      let next = 'index.html';
      for (let pages = 0; next; pages++) {
        assert.ok(pages < 10, 'the home page\'s list ends');
        await page.goto(next);
        const found = await page.$$eval('main .card-title a', (as) => as.map((a) => new URL(a.href).pathname));
        assert.ok(found.length > 0, `${next} lists modules`);
        for (const p of found) {
          const m = /^\/modules\/([^/]+)\/index\.html$/.exec(p);
          assert.ok(m, `a module link: ${p}`);
          seen.add(m[1]);
        }
        next = await page.$eval('main a[rel="next"]', (a) => a.href).catch(() => null);
      }
      const slugs = Array.from(seen).sort();
      const expected = fs.readdirSync(path.join(ROOT, 'modules')).concat(fs.readdirSync(FIXTURES))
        .filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)).sort();
      assert.deepEqual(slugs, expected, 'the home page (and its next pages) links every module');
      assertClean(watch);
    } finally {
      await context.close();
    }
  });
}
