'use strict';
/* The search page forgives, in Chromium: a misspelt query shows the corrected results
   and says so ("Showing results for ..."), with a link to the words as typed; "plankton"
   finds the module about zooplankton; matched words are marked in titles, summaries and
   excerpts, whether they matched through stemming, as a prefix, through a typo or as a
   suffix; nonsense shows "no modules match" and no error. The site is the real
   catalogue. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { buildSite } = require('./lib/site');
const { openPage, withChromium, servedSite } = require('./lib/browser');

const TIMEOUT = 90000;
const LINKS = '#search-results a.search-result-link';

withChromium('tolerant search tests', () => {
  const env = servedSite(() => buildSite({ fixtures: [] }));

  const pageTest = (name, fn) => test(name, { timeout: TIMEOUT }, async () => {
    const opened = await openPage(env.browser, env.server.url);
    try {
      await fn(opened.page);
      assert.deepEqual(opened.watch.errors, [], 'no uncaught error in the page');
      assert.deepEqual(opened.watch.failed, [], 'every file the page asks for exists');
    } finally {
      await opened.context.close();
    }
  });

  /* Opens the search page for q and waits for its status line to name it. */
  async function searchFor(page, q, extra = '') {
    await page.goto(`search/index.html?q=${encodeURIComponent(q)}${extra}`);
    await page.waitForFunction((q) => {
      const s = document.getElementById('search-status');
      return s && s.textContent.includes('“' + q + '”');
    }, q, { timeout: 20000 });
    return page.$$eval(LINKS, (links) => links.map((a) => /modules\/([^/]+)\//.exec(a.getAttribute('href'))[1]));
  }

  /* The marked words of the results: [{slug, title: [...], summary: [...], excerpt: [...]}]. */
  async function marks(page) {
    return page.$$eval('#search-results article.card', (cards) => cards.map((card) => {
      const of = (sel) => Array.from(card.querySelectorAll(`${sel} mark`)).map((m) => m.textContent);
      return {
        slug: /modules\/([^/]+)\//.exec(card.querySelector('a.search-result-link').getAttribute('href'))[1],
        title: of('.card-title'), summary: of('.card-summary'), excerpt: of('.card-excerpt'),
      };
    }));
  }

  pageTest('a misspelt query shows the corrected results and says so', async (page) => {
    const refs = await searchFor(page, 'pytroch');
    assert.ok(refs.includes('obj-detect-pytorch'), `pytorch modules for "pytroch": ${refs}`);
    const notice = await page.textContent('.search-correction');
    assert.match(notice, /Showing results for pytorch\. Search instead for “pytroch”/);
    assert.equal(await page.textContent('.search-correction strong'), 'pytorch');
    const marked = (await marks(page)).find((m) => m.slug === 'obj-detect-pytorch');
    assert.ok(marked.title.concat(marked.summary, marked.excerpt).some((w) => /^pytorch$/i.test(w)), `the corrected word is marked: ${JSON.stringify(marked)}`);

    /* the words as typed: typo tolerance off, nothing matches */
    await page.click('.search-as-typed');
    await page.waitForFunction(() => /No modules match/.test(document.getElementById('search-results').textContent));
    assert.equal(new URL(page.url()).searchParams.get('exact'), '1');
    assert.ok(await page.isHidden('.search-correction'));
    await page.goBack();
    await page.waitForSelector(LINKS);
  });

  pageTest('each of the issue\'s misspellings finds its module', async (page) => {
    for (const [typo, slug, word] of [['sentinal', 'sentinel-data-fusion', null], ['diatmos', 'diamorph-detection', 'diatoms'],
      ['intrusoin', 'mods', 'intrusion'], ['wheather', 'zooprocess-multiple-classifier', null]]) {
      const refs = await searchFor(page, typo);
      assert.ok(refs.slice(0, 3).includes(slug), `"${typo}" finds ${slug} in its top 3: ${refs}`);
      if (word) assert.equal(await page.textContent('.search-correction strong'), word);
    }
  });

  pageTest('plankton finds zooplankton, below the modules with the word itself', async (page) => {
    const refs = await searchFor(page, 'plankton');
    const at = refs.indexOf('zooprocess-multiple-classifier');
    assert.ok(at >= 0, `the zooplankton module is found: ${refs}`);
    for (const slug of ['multi-plankton-separation', 'phyto-plankton-classification']) {
      assert.ok(refs.indexOf(slug) >= 0 && refs.indexOf(slug) < at, `${slug} (the word itself) ranks above: ${refs}`);
    }
    const zoo = (await marks(page)).find((m) => m.slug === 'zooprocess-multiple-classifier');
    assert.ok(zoo.summary.concat(zoo.excerpt).some((w) => /zooplankton/i.test(w)), `the suffix match is marked: ${JSON.stringify(zoo)}`);
  });

  pageTest('typed key by key, the suffix matches join once the typing pauses', async (page) => {
    /* between keys the word being typed is matched without the terms it ends: the
       results must still end up those of the whole query, zooplankton included */
    const expected = await searchFor(page, 'plankton');
    await page.goto('search/index.html');
    await page.click('#search-input');
    await page.keyboard.type('plankton', { delay: 20 });
    await page.waitForFunction(() => {
      const s = document.getElementById('search-status');
      const busy = document.querySelector('#search-results .search-list[aria-busy="true"]');
      return s && s.textContent.includes('“plankton”') && !busy;
    }, null, { timeout: 20000 });
    const refs = await page.$$eval(LINKS, (links) => links.map((a) => /modules\/([^/]+)\//.exec(a.getAttribute('href'))[1]));
    assert.deepEqual(refs, expected);
    assert.ok(refs.includes('zooprocess-multiple-classifier'), `the suffix match is there: ${refs}`);
  });

  pageTest('marks sit on words matched through stemming, prefix and typo, and excerpts show the description', async (page) => {
    await searchFor(page, 'classifying');
    let all = await marks(page);
    assert.ok(all.some((m) => m.title.concat(m.summary, m.excerpt).some((w) => /^classif/i.test(w))), `stemmed: ${JSON.stringify(all.slice(0, 3))}`);

    await searchFor(page, 'segm');
    all = await marks(page);
    assert.ok(all.some((m) => m.title.concat(m.summary).some((w) => /^segment/i.test(w))), `prefix: ${JSON.stringify(all.slice(0, 3))}`);

    await searchFor(page, 'satelite');
    all = await marks(page);
    const satsr = all.find((m) => m.slug === 'satsr');
    assert.ok(satsr && satsr.summary.some((w) => /^satellite$/i.test(w)), `typo: ${JSON.stringify(satsr)}`);

    /* a word only the description holds: the excerpt shows it, marked, cut with ellipses */
    await searchFor(page, 'intensive');
    const excerpts = await page.$$eval('#search-results .card-excerpt', (ps) => ps.map((p) => ({
      text: p.textContent, marks: Array.from(p.querySelectorAll('mark')).map((m) => m.textContent),
    })));
    assert.ok(excerpts.length > 0, 'an excerpt is shown');
    for (const e of excerpts) {
      assert.ok(e.marks.length > 0, `marked: ${e.text}`);
      assert.ok(e.text.replace('From the description: ', '').length <= 180 + 4, `about 180 characters: ${e.text.length}`);
    }
    /* the excerpt is text, never markup from the data */
    assert.equal(await page.$$eval('#search-results .card-excerpt *', (els) => els.filter((e) => !['MARK', 'SPAN'].includes(e.tagName)).length), 0);
  });

  pageTest('nonsense finds nothing, without an error', async (page) => {
    const refs = await searchFor(page, 'qzxwvkj blorptang');
    assert.deepEqual(refs, []);
    assert.match(await page.textContent('#search-results'), /No modules match “qzxwvkj blorptang”/);
    assert.ok(await page.isHidden('.search-correction'));
  });
});
