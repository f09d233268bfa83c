'use strict';
/* Browser tests of the header's instant results (theme/static/search/header.js): the
   search box in the header of every page, a WAI-ARIA combobox with a listbox popup over
   the sharded index. The site is the real catalogue plus the fixtures of
   tests/fixtures/browser/, built once per run, served by tests/js/lib/env.server.js and
   opened in Debian's Chromium (tests/js/lib/browser.js).

   Without /usr/bin/chromium the tests are skipped, or fail when CI is set. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { buildSite } = require('./lib/site');
const { openPage, withChromium, servedSite } = require('./lib/browser');
const quality = require('./lib/quality');

const TIMEOUT = 90000;
const MODULE_PAGE = 'modules/satsr/index.html';
const BOX = '#site-search';
const LIST = '#site-search-listbox';
const OPTIONS = '#site-search-listbox [role="option"]';
const MODULE_OPTIONS = '#site-search-listbox [role="option"]:not(.hs-all)';
const POPUP = '#site-search-popup';
const NONSENSE = 'qxzvwjk';

withChromium('header search tests', headerTests);

function headerTests() {
  const env = servedSite(() => buildSite());

  /* A fresh page; after the test's body: no dialog, no uncaught error, no console error,
     no failed request. */
  function headerTest(name, fn, options = {}) {
    test(name, { timeout: TIMEOUT }, async () => {
      const opened = await openPage(env.browser, env.server.url, options);
      const consoleErrors = [];
      opened.page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(`${message.text()} (on ${opened.page.url()})`);
      });
      try {
        await fn(opened.page, opened);
        assert.deepEqual(opened.watch.dialogs, [], 'no dialog may open');
        assert.deepEqual(opened.watch.errors, [], 'no uncaught error in the page');
        assert.deepEqual(consoleErrors, [], 'no error in the console');
        assert.deepEqual(opened.watch.failed, [], 'every file the pages ask the site for exists');
      } finally {
        await opened.context.close();
      }
    });
  }

  /* The search-index/ requests the server has seen since `from` (an index into its log). */
  function indexRequests(from) {
    return env.server.requests.slice(from).map((r) => r.path).filter((p) => p.includes('/search-index/'));
  }

  /* Waits until the popup shows the results for `q` (the status region reports them, and
     its last option leads to the search page for `q`, or it says that nothing matches
     `q`: while keys come, the popup may show an earlier prefix's results); returns the
     status text. */
  async function shown(page, q) {
    try {
      await page.waitForFunction((q) => {
        const box = document.getElementById('site-search');
        const status = document.getElementById('site-search-status');
        const popup = document.getElementById('site-search-popup');
        const last = document.querySelector('#site-search-listbox > :last-child');
        const note = document.getElementById('site-search-note');
        const forQ = last ? new URL(last.getAttribute('data-href'), location.href).searchParams.get('q') === q
          : !!note && note.textContent.includes('“' + q + '”');
        return box.value.trim() === q && status && /match/.test(status.textContent) && popup && !popup.hidden && forQ;
      }, q, { timeout: 10000 });
    } catch (error) {
      const now = await page.evaluate(() => {
        const status = document.getElementById('site-search-status');
        return status ? status.textContent : '(no status region)';
      });
      assert.fail(`waited for the header's results of "${q}" on ${page.url()}; the status says: ${now}`);
    }
    return page.textContent('#site-search-status');
  }

  async function typeInBox(page, q) {
    await page.click(BOX);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(q, { delay: 20 });
  }

  /* The options as {id, title, href, selected}. */
  async function optionsOf(page) {
    return page.$$eval(OPTIONS, (items) => items.map((li) => ({
      id: li.id,
      title: (li.querySelector('.hs-title') || li).textContent,
      category: li.querySelector('.hs-category') ? li.querySelector('.hs-category').textContent : null,
      href: li.getAttribute('data-href'),
      selected: li.getAttribute('aria-selected'),
      marks: Array.from(li.querySelectorAll('mark')).map((m) => m.textContent),
    })));
  }

  async function comboState(page) {
    return page.$eval(BOX, (box) => ({
      role: box.getAttribute('role'),
      expanded: box.getAttribute('aria-expanded'),
      controls: box.getAttribute('aria-controls'),
      autocomplete: box.getAttribute('aria-autocomplete'),
      activedescendant: box.getAttribute('aria-activedescendant'),
    }));
  }

  headerTest('nothing is fetched from search-index/ before the box gets focus', async (page) => {
    const from = env.server.requests.length;
    await page.goto(MODULE_PAGE);
    await page.waitForLoadState('networkidle');
    await page.mouse.move(10, 10);
    await page.mouse.wheel(0, 400);
    await page.waitForTimeout(300);
    assert.deepEqual(indexRequests(from), [], 'no request to search-index/ on load');
    assert.ok(env.server.requests.slice(from).some((r) => /\/static\/search\/header\.[^/]*js$/.test(r.path.split('?')[0])), 'header.js was loaded');
    assert.equal((await comboState(page)).role, 'combobox', 'the script ran');

    const focused = env.server.requests.length;
    await page.focus(BOX);
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /search-index\/meta\.json$/.test(e.name)));
    await page.waitForLoadState('networkidle');
    assert.deepEqual(indexRequests(focused), ['/search-index/meta.json'], 'focus fetches meta.json, and only it');
  });

  headerTest('typed key by key, the suffix matches join once the typing pauses', async (page) => {
    /* the search page's count for the whole query, suffix matches (zooplankton) included */
    await page.goto('search/index.html?q=plankton');
    await page.waitForFunction(() => /“plankton”/.test((document.getElementById('search-status') || {}).textContent || ''));
    const whole = Number(/^(\d+)/.exec(await page.textContent('#search-status'))[1]);
    await page.goto(MODULE_PAGE);
    await typeInBox(page, 'plankton');
    await page.waitForFunction((n) => {
      const status = document.getElementById('site-search-status');
      return status && status.textContent.startsWith(n + ' modules match');
    }, whole, { timeout: 10000 });
  });

  headerTest('typing on a module page shows up to 8 results with marks, as a combobox', async (page) => {
    await page.goto(MODULE_PAGE);
    assert.deepEqual(await comboState(page), {
      role: 'combobox', expanded: 'false', controls: 'site-search-listbox', autocomplete: 'list', activedescendant: null,
    });
    await typeInBox(page, 'satellite');
    const status = await shown(page, 'satellite');
    assert.match(status, /^\d+ modules? match/);
    const options = await optionsOf(page);
    const modules = options.filter((o) => o.category !== null);
    assert.ok(modules.length >= 1 && modules.length <= 8, `1 to 8 module options: ${JSON.stringify(options)}`);
    assert.equal(modules[0].title, 'Upscale multispectral satellites images', 'the best match first');
    assert.ok(modules[0].marks.some((m) => /^satellite/i.test(m)), `the matched word is marked: ${JSON.stringify(modules[0].marks)}`);
    assert.ok(modules.every((o) => /^(\.\.\/)*modules\/[^/]+\/index\.html$/.test(o.href)), 'options lead to module pages');
    assert.ok(modules.every((o) => o.category.length > 0), 'each option names its category');
    assert.deepEqual(await comboState(page), {
      role: 'combobox', expanded: 'true', controls: 'site-search-listbox', autocomplete: 'list', activedescendant: null,
    });
    assert.equal(await page.$eval(LIST, (l) => l.getAttribute('role')), 'listbox');
    assert.ok(options.every((o) => o.id && o.selected === 'false'), 'options have ids and aria-selected');
    const titleMarks = await page.$$eval(`${MODULE_OPTIONS} .hs-title mark`, (ms) => ms.length);
    assert.ok(titleMarks >= 1, 'titles carry marks');
    /* the description's excerpt replaces the summary once its text arrives */
    await page.waitForFunction(() => {
      const first = document.querySelector('#site-search-listbox .hs-passage');
      return first && first.querySelector('mark') && /…/.test(first.textContent);
    });
    const passage = await page.$eval(`${MODULE_OPTIONS} .hs-passage`, (p) => p.textContent);
    assert.ok(passage.length <= 110, `a short excerpt (${passage.length} characters): ${passage}`);
    assert.doesNotMatch(await page.$eval(POPUP, (p) => p.innerHTML), /<(script|img|style)\b/, 'only text and marks');
    const liveRegion = await page.$eval('#site-search-status', (s) => ({ role: s.getAttribute('role'), cls: s.className }));
    assert.deepEqual(liveRegion, { role: 'status', cls: 'visually-hidden' });
  });

  headerTest('keyboard alone: "/" focuses, ArrowDown twice and Enter open the second result', async (page) => {
    await page.goto(MODULE_PAGE);
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'site-search');
    await page.keyboard.type('image', { delay: 20 });
    await shown(page, 'image');
    const options = await optionsOf(page);
    assert.ok(options.length >= 3, 'several results for "image"');
    await page.keyboard.press('ArrowDown');
    let state = await comboState(page);
    assert.equal(state.activedescendant, options[0].id, 'ArrowDown: the first option');
    await page.keyboard.press('ArrowDown');
    state = await comboState(page);
    assert.equal(state.activedescendant, options[1].id, 'ArrowDown again: the second');
    assert.equal(await page.$eval(`#${options[1].id}`, (li) => li.getAttribute('aria-selected')), 'true');
    assert.equal(await page.$eval(`#${options[0].id}`, (li) => li.getAttribute('aria-selected')), 'false');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowDown');
    assert.equal((await comboState(page)).activedescendant, options[1].id, 'ArrowUp, ArrowDown: back on the second');
    const target = new URL(options[1].href, page.url()).href;
    await Promise.all([page.waitForURL(target), page.keyboard.press('Enter')]);
    assert.equal((await page.textContent('h1')).trim(), options[1].title, 'the second result\'s module page');
  });

  headerTest('ArrowUp from the box wraps to the last option; Escape closes, a second clears', async (page) => {
    await page.goto(MODULE_PAGE);
    await typeInBox(page, 'audio');
    await shown(page, 'audio');
    const options = await optionsOf(page);
    await page.keyboard.press('ArrowUp');
    assert.equal((await comboState(page)).activedescendant, options[options.length - 1].id, 'the last option');
    await page.keyboard.press('ArrowDown');
    assert.equal((await comboState(page)).activedescendant, options[0].id, 'wraps to the first');

    await page.keyboard.press('Escape');
    assert.equal(await page.isVisible(POPUP), false, 'Escape closes the list');
    const state = await comboState(page);
    assert.equal(state.expanded, 'false');
    assert.equal(state.activedescendant, null);
    assert.equal(await page.inputValue(BOX), 'audio', 'the first Escape keeps the query');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'site-search', 'the box keeps focus');

    await page.keyboard.press('ArrowDown');
    assert.equal(await page.isVisible(POPUP), true, 'ArrowDown opens it again');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    assert.equal(await page.inputValue(BOX), '', 'a second Escape clears the box');
    assert.equal(await page.isVisible(POPUP), false);
  });

  headerTest('Enter with nothing highlighted opens the search page for the query', async (page) => {
    await page.goto(MODULE_PAGE);
    await typeInBox(page, 'plankton');
    await shown(page, 'plankton');
    assert.equal((await comboState(page)).activedescendant, null);
    await Promise.all([page.waitForURL(/\/search\/index\.html\?q=/), page.keyboard.press('Enter')]);
    const url = new URL(page.url());
    assert.equal(url.pathname, '/search/index.html');
    assert.equal(url.searchParams.get('q'), 'plankton');
  });

  headerTest('the last option, "See all N results", leads to the search page', async (page) => {
    await page.goto(MODULE_PAGE);
    await typeInBox(page, 'image');
    const status = await shown(page, 'image');
    const total = Number(/^(\d+)/.exec(status)[1]);
    assert.ok(total > 8, `"image" matches more than 8 modules (${total})`);
    assert.equal((await optionsOf(page)).filter((o) => o.category !== null).length, 8, 'at most 8 results are shown');
    const all = await page.$eval(`${LIST} > :last-child`, (li) => ({ text: li.textContent, href: li.getAttribute('data-href'), role: li.getAttribute('role') }));
    assert.equal(all.text, `See all ${total} results`);
    assert.equal(all.role, 'option');
    assert.equal(new URL(all.href, page.url()).href, env.server.url + 'search/index.html?q=image');
    /* a click on it (as on any option) opens it, although the box loses focus */
    await Promise.all([page.waitForURL(/\/search\/index\.html\?q=image$/), page.click(`${LIST} > :last-child`)]);
    const input = await page.inputValue('#search-input');
    assert.equal(input, 'image', 'the search page has the query');
  });

  headerTest('a click on an option opens its module; leaving the box closes the list', async (page) => {
    await page.goto(MODULE_PAGE);
    await typeInBox(page, 'audio');
    await shown(page, 'audio');
    await page.click('main h1');
    assert.equal(await page.isVisible(POPUP), false, 'blur closes the list');
    await page.click(BOX);
    assert.equal(await page.isVisible(POPUP), true, 'focus opens it again');
    const options = await optionsOf(page);
    await Promise.all([page.waitForURL(new URL(options[0].href, page.url()).href), page.click(`#${options[0].id}`)]);
    assert.equal((await page.textContent('h1')).trim(), options[0].title);
  });

  headerTest('nonsense shows "No modules match", without an error', async (page) => {
    await page.goto(MODULE_PAGE);
    await typeInBox(page, NONSENSE);
    await page.waitForFunction(() => /No modules match/.test(document.getElementById('site-search-status').textContent));
    assert.equal(await page.isVisible('#site-search-note'), true);
    assert.match(await page.textContent('#site-search-note'), /No modules match/);
    assert.equal(await page.$$eval(OPTIONS, (os) => os.length), 0, 'no option');
    assert.equal((await comboState(page)).expanded, 'false', 'no listbox to expand');
    await page.keyboard.press('ArrowDown');
    await Promise.all([page.waitForURL(/\/search\/index\.html\?q=/), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).searchParams.get('q'), NONSENSE);
  });

  headerTest('stale answers never replace the results of the last query', async (page, { context }) => {
    await page.goto(MODULE_PAGE);
    await page.focus(BOX);
    await page.waitForFunction(() => document.getElementById('site-search').getAttribute('role') === 'combobox');
    await page.waitForLoadState('networkidle');
    /* the files of the first query answer late: its answer comes after the second's */
    let slow = true;
    await context.route('**/search-index/**', async (route) => {
      if (slow) await new Promise((resolve) => setTimeout(resolve, 1000));
      await route.continue();
    });
    await page.keyboard.type('satellite', { delay: 5 });
    await page.waitForTimeout(250);
    slow = false;
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('audio', { delay: 5 });
    await shown(page, 'audio');
    await page.waitForTimeout(1500);
    const options = await optionsOf(page);
    assert.equal(options[0].title, 'Train an audio classifier', 'the results of "audio"');
    assert.ok(options.every((o) => !/satellite/i.test(o.title)), 'none of "satellite"');
    assert.match(options[options.length - 1].href, /\?q=audio$/);
    assert.match(await page.textContent('#site-search-status'), /match/);
  });

  for (const viewport of [{ width: 390, height: 844 }, { width: 320, height: 700 }]) {
    headerTest(`at ${viewport.width} px the list fits the viewport, without sideways scroll`, async (page) => {
      await page.setViewportSize(viewport);
      await page.goto(MODULE_PAGE);
      await typeInBox(page, 'image');
      await shown(page, 'image');
      const box = await page.$eval(POPUP, (p) => { const r = p.getBoundingClientRect(); return { left: r.left, right: r.right }; });
      assert.ok(box.left >= 0 && box.right <= viewport.width, `the list (${box.left}..${box.right}) is inside 0..${viewport.width}`);
      const options = await page.$$eval(OPTIONS, (os) => os.map((o) => o.getBoundingClientRect().right));
      assert.ok(options.every((r) => r <= viewport.width), 'every option fits');
      assert.equal(await quality.overflow(page), null, 'the page does not scroll sideways');
    });
  }

  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    for (const scheme of ['light', 'dark']) {
      headerTest(`axe finds no violation with the list open at ${viewport.width} px (${scheme})`, async (page) => {
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize(viewport);
        await page.goto(MODULE_PAGE);
        await typeInBox(page, 'satellite image');
        await shown(page, 'satellite image');
        await page.keyboard.press('ArrowDown');
        await page.waitForFunction(() => {
          const first = document.querySelector('#site-search-listbox .hs-passage');
          return first && /…/.test(first.textContent);
        });
        const violations = await quality.axe(page);
        assert.deepEqual(violations, [], violations.join('\n'));
        assert.equal(await page.isVisible(POPUP), true, 'the list is still open');
      });
    }
  }

  headerTest('opening the list shifts no layout', async (page) => {
    await page.goto(MODULE_PAGE);
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => {
      window.__shifts = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          window.__shifts.push({ value: entry.value, sources: (entry.sources || []).map((s) => s.node ? (s.node.id || s.node.className || s.node.nodeName) : '?') });
        }
      }).observe({ type: 'layout-shift', buffered: false });
    });
    const positions = () => page.evaluate(() => Array.from(document.querySelectorAll('main, main h1, main p, .site-nav, .header-search button'))
      .slice(0, 20).map((e) => { const r = e.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)]; }));
    const before = await positions();
    await typeInBox(page, 'satellite');
    await shown(page, 'satellite');
    /* the excerpts arrive after the typing: they must not move anything either */
    await page.waitForFunction(() => {
      const first = document.querySelector('#site-search-listbox .hs-passage');
      return first && /…/.test(first.textContent);
    });
    await page.waitForTimeout(600);
    assert.deepEqual(await positions(), before, 'the main content and the header stay where they were');
    const shifts = await page.evaluate(() => window.__shifts);
    assert.deepEqual(shifts, [], 'no layout-shift entry');
    await page.keyboard.press('Escape');
    assert.deepEqual(await positions(), before, 'closing it moves nothing either');
  });

  headerTest('without JavaScript the form still submits to search/index.html?q=', async (page) => {
    await page.goto(MODULE_PAGE);
    assert.equal(await page.getAttribute(BOX, 'role'), null, 'no script ran');
    await page.fill(BOX, 'satellite');
    await Promise.all([page.waitForURL(/\/search\/index\.html\?q=satellite$/), page.press(BOX, 'Enter')]);
    assert.equal(new URL(page.url()).pathname, '/search/index.html');
    await page.goto('index.html');
    await page.fill(BOX, 'audio classification');
    await Promise.all([page.waitForURL(/\/search\/index\.html\?q=/), page.click('.header-search button[type="submit"]')]);
    assert.equal(new URL(page.url()).searchParams.get('q'), 'audio classification');
  }, { javaScriptEnabled: false });
}
