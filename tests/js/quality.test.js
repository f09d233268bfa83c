'use strict';
/* Quality gates on the built real catalogue (modules/) plus the worst-case modules of
   tests/fixtures/worst-case/ (the longest unbroken texts the module format allows):
   - the W3C Nu HTML checker (vnu-jar, with the machine's Java) finds no error in any
     .html file of the site;
   - no page scrolls sideways on a phone: every .html file of the built site (listed from
     the output directory) and two search-results pages, at 320 and 390 px, in the light
     and the dark colour scheme (one browser, one page object, one load a page);
   - axe-core finds no violation (WCAG 2.2 A/AA and best practices) on the home page, two
     module pages, a category page, the tag index and a search-results page, at 1280 px
     and 390 px wide, in the light and the dark colour scheme, nor on the worst-case
     pages (the modules, a tag page, the category page and a search listing their cards)
     at 320 and 390 px in both schemes;
   - Lighthouse scores at least 95 in performance, accessibility, best practices and SEO
     on the home page, a module page and the search page (its default: a mobile device
     with simulated slow 4G), the site served as the host serves it (netlify.toml's
     headers, gzip). The scores are printed.

   Without /usr/bin/chromium (or Java, for the checker) these tests are skipped, or fail
   when CI is set. */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { buildSite } = require('./lib/site');
const { serve } = require('./lib/server');
const { CHROMIUM, haveChromium, inCi, launch, openPage } = require('./lib/browser');
const quality = require('./lib/quality');

const THRESHOLD = 95;
/* The Lighthouse pages. The module page is one whose description embeds no external
   image: offline, such an image fails to load and Lighthouse counts the console error
   against best practices, which would measure this machine's network, not the site. */
const LIGHTHOUSE_PAGES = [
  { name: 'home', path: 'index.html' },
  { name: 'module yolov8-api', path: 'modules/yolov8-api/index.html' },
  { name: 'search', path: 'search/index.html?q=image' },
];

/* The worst-case modules and the pages that show them. */
const WORST_CASE = path.join(__dirname, '..', 'fixtures', 'worst-case');
const SEARCH_READY = '#search-results a.search-result-link';
const WORST_CASE_PAGES = [
  { path: 'modules/worst-case/index.html' },
  { path: 'modules/worst-case-no-docker/index.html' },
  { path: 'tags/worstcasetagxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/index.html' },
  { path: 'categories/citizen-science/index.html' },
  { path: 'search/index.html?q=worstcase', ready: SEARCH_READY },
];

const site = buildSite({ fixtures: [WORST_CASE] });
test.after(() => site.cleanup());

/* Every page of the built site, as URL paths, plus search pages with results (their
   cards are drawn by search.js). */
function everyPage() {
  const files = quality.htmlFiles(site.dir).map((f) => f.split(path.sep).join('/'));
  return [
    ...files.map((f) => ({ path: f })),
    { path: 'search/index.html?q=image', ready: SEARCH_READY },
    { path: 'search/index.html?q=worstcase', ready: SEARCH_READY },
  ];
}

/* A missing tool: a failing test with CI set, a skipped one otherwise. */
function missing(name, why) {
  if (inCi()) {
    test(name, () => assert.fail(`${why}; CI is set, so this is a failure, not a skip`));
  } else {
    console.log(`${name} skipped: ${why}`);
    test(name, { skip: why }, () => {});
  }
}

if (quality.haveJava()) {
  test('the Nu HTML checker finds no error in any page of the site', { timeout: 300000 }, () => {
    const files = quality.htmlFiles(site.dir);
    assert.ok(files.length >= 100, `only ${files.length} HTML files were built`);
    const result = quality.vnu(site.dir);
    assert.ok(result.errors.length === 0, `vnu (exit ${result.status}) over ${files.length} files:\n${result.errors.join('\n')}`);
    assert.equal(result.status, 0, result.output);
    console.log(`vnu: ${files.length} HTML files, no error`);
  });

  /* The README badges (modules/<slug>/badge.svg) are valid SVG, small and self-contained. */
  test('the Nu HTML checker finds no error in any module badge', { timeout: 300000 }, () => {
    const badges = fs.readdirSync(path.join(site.dir, 'modules')).map((slug) => path.join(site.dir, 'modules', slug, 'badge.svg'));
    assert.ok(badges.length >= 48 && badges.every((f) => fs.existsSync(f)), 'every module has a badge');
    for (const f of badges) {
      const svg = fs.readFileSync(f, 'utf8');
      assert.ok(Buffer.byteLength(svg) < 1024, `${f}: ${Buffer.byteLength(svg)} bytes`);
      assert.match(svg, /<title>[^<]+<\/title>/, `${f}: a title`);
      assert.doesNotMatch(svg.replace('http://www.w3.org/2000/svg', ''), /href|url\(|https?:|<image|<script/i, `${f}: nothing external`);
    }
    const result = quality.vnu(site.dir, { svg: true });
    assert.ok(result.errors.length === 0, `vnu over ${badges.length} badges:\n${result.errors.join('\n')}`);
    assert.equal(result.status, 0, result.output);
    /* not vacuous: a broken SVG is reported */
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marketplace-vnu-svg-'));
    try {
      fs.writeFileSync(path.join(dir, 'bad.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><title>t</title><rect widht="1"/></svg>');
      const broken = quality.vnu(dir, { svg: true });
      assert.ok(broken.errors.some((e) => e.startsWith('bad.svg:')), broken.output);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /* The gate is not vacuous: a page with an error makes it fail. */
  test('the Nu HTML checker reports a broken page', { timeout: 120000 }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marketplace-vnu-'));
    try {
      fs.mkdirSync(path.join(dir, 'a'));
      fs.writeFileSync(path.join(dir, 'a', 'index.html'),
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>' +
        '<body><p><div>block in a paragraph</div><img src="x.png" alt="" width="30%"></body></html>');
      fs.writeFileSync(path.join(dir, 'ok.html'), '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body><p>fine</p></body></html>');
      fs.writeFileSync(path.join(dir, 'not-html.txt'), '<p>');
      const result = quality.vnu(dir);
      assert.notEqual(result.status, 0);
      assert.ok(result.errors.some((e) => e.startsWith('a/index.html:') && /“width”/.test(e)), result.output);
      assert.ok(!result.errors.some((e) => e.includes('ok.html') || e.includes('not-html.txt')), result.output);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
} else {
  missing('the Nu HTML checker', 'java not found: install a Java runtime (apt-get install default-jre-headless) to run vnu-jar');
}

if (!haveChromium()) {
  missing('browser quality gates', `${CHROMIUM} not found: install Debian's Chromium (apt-get install chromium)`);
} else {
  browserGates();
}

function browserGates() {
  for (const width of quality.WIDTHS) {
    for (const scheme of quality.SCHEMES) {
      const label = `${width.width} px, ${scheme}`;
      test(`no axe violation: ${quality.PAGES.map((p) => p.name).join(', ')} (${label})`, { timeout: 180000 }, async () => {
        const srv = await serve(site.dir);
        const browser = await launch();
        const problems = [];
        try {
          const { context, page, watch } = await openPage(browser, srv.url);
          await page.setViewportSize({ width: width.width, height: width.height });
          await page.emulateMedia({ colorScheme: scheme });
          for (const p of quality.PAGES) {
            await quality.openRendered(page, p.path, p.ready);
            const dark = await page.evaluate(() => window.matchMedia('(prefers-color-scheme: dark)').matches);
            assert.equal(dark, scheme === 'dark', `${p.path} sees the ${scheme} scheme`);
            for (const v of await quality.axe(page)) problems.push(`${p.path} (${label}): ${v}`);
          }
          assert.deepEqual(watch.errors, [], 'no page error');
          assert.deepEqual(watch.failed, [], 'every file of the site loads');
          await context.close();
        } finally {
          await browser.close();
          await srv.close();
        }
        assert.deepEqual(problems, [], problems.join('\n\n'));
      });
    }
  }

  /* Every page at 320 and 390 px, light and dark: one browser, one page object, each page
     loaded once ('load', not 'networkidle'), then resized and switched in place. */
  test('no page of the site scrolls sideways at 320 or 390 px (light and dark)', { timeout: 300000 }, async () => {
    const pages = everyPage();
    assert.ok(pages.length >= 110, `only ${pages.length} pages to check`);
    const srv = await serve(site.dir);
    const browser = await launch();
    const started = Date.now();
    let result;
    let watch;
    try {
      const opened = await openPage(browser, srv.url);
      watch = opened.watch;
      result = await quality.sidewaysEverywhere(opened.page, pages);
      await opened.context.close();
    } finally {
      await browser.close();
      await srv.close();
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`sideways: ${result.loaded} pages x ${quality.PHONE_WIDTHS.map((w) => w.width).join(' and ')} px x ${quality.SCHEMES.join(' and ')}: ${result.checked} checks, ${result.problems.length} problems, ${seconds} s`);
    const lines = quality.describeSideways(result.problems);
    assert.deepEqual(lines, [], `${lines.length} page(s) scroll sideways:\n${lines.join('\n')}`);
    assert.equal(result.checked, pages.length * quality.PHONE_WIDTHS.length * quality.SCHEMES.length);
    assert.deepEqual(watch.errors, [], 'no page error');
    assert.deepEqual(watch.failed, [], 'every file of the site loads');
  });

  test(`no axe violation on the worst-case pages at ${quality.PHONE_WIDTHS.map((w) => w.width).join(' and ')} px (light and dark)`, { timeout: 240000 }, async () => {
    const srv = await serve(site.dir);
    const browser = await launch();
    const problems = [];
    try {
      const { context, page, watch } = await openPage(browser, srv.url);
      for (const p of WORST_CASE_PAGES) {
        await page.setViewportSize({ width: quality.PHONE_WIDTHS[0].width, height: quality.PHONE_WIDTHS[0].height });
        await page.goto(p.path, { waitUntil: 'load' });
        if (p.ready) await page.waitForSelector(p.ready);
        for (const w of quality.PHONE_WIDTHS) {
          await page.setViewportSize({ width: w.width, height: w.height });
          /* site.js marks scrolling boxes focusable on resize (debounced 200 ms) */
          await page.waitForTimeout(250);
          for (const scheme of quality.SCHEMES) {
            await page.emulateMedia({ colorScheme: scheme });
            for (const v of await quality.axe(page)) problems.push(`${p.path} (${w.width} px, ${scheme}): ${v}`);
          }
        }
      }
      assert.deepEqual(watch.errors, [], 'no page error');
      assert.deepEqual(watch.failed, [], 'every file of the site loads');
      await context.close();
    } finally {
      await browser.close();
      await srv.close();
    }
    assert.deepEqual(problems, [], problems.join('\n\n'));
  });

  /* The sweep is not vacuous: a page with a wide element fails it, at both widths and in
     both schemes, and the message names the page, its width and the widest element. */
  test('the sideways sweep reports a page that scrolls sideways, with its widest element', { timeout: 60000 }, async () => {
    const home = fs.readFileSync(path.join(site.dir, 'index.html'), 'utf8');
    const word = 'Unbreakable'.repeat(12);
    const wide = home.replace('<main id="main" tabindex="-1">',
      `<main id="main" tabindex="-1"><p class="too-wide"><span class="nowrap-word" style="white-space: nowrap; overflow-wrap: normal">${word}</span></p>`);
    assert.notEqual(wide, home, 'the home page has the <main> the test injects into');
    const srv = await serve(site.dir);
    const browser = await launch();
    try {
      const { page } = await openPage(browser, srv.url);
      await page.route('**/wide-test.html', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: wide }));
      const result = await quality.sidewaysEverywhere(page, ['index.html', 'wide-test.html']);
      assert.equal(result.checked, 8);
      assert.deepEqual(result.problems.map((p) => `${p.path} ${p.width} ${p.scheme}`),
        ['wide-test.html 320 light', 'wide-test.html 320 dark', 'wide-test.html 390 light', 'wide-test.html 390 dark']);
      const lines = quality.describeSideways(result.problems);
      assert.equal(lines.length, 2, lines.join('\n'));
      assert.match(lines[0], /^wide-test\.html at 320 px \(light, dark\): scrollWidth \d+ \(body \d+\) > clientWidth 320; sticking out: span\.nowrap-word in p\.too-wide \(right edge \d+, \d+ px wide\) "Unbreakable\w*\.\.\."/);
      assert.match(lines[1], /^wide-test\.html at 390 px \(light, dark\): .*> clientWidth 390; sticking out: span\.nowrap-word /);
    } finally {
      await browser.close();
      await srv.close();
    }
  });

  /* The gates are not vacuous: axe and the sideways check catch a broken page. */
  test('axe and the sideways check report a broken page', { timeout: 60000 }, async () => {
    const srv = await serve(site.dir);
    const browser = await launch();
    try {
      const { page } = await openPage(browser, srv.url);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto('index.html');
      assert.equal(await quality.sidewaysScroll(page), null, 'the home page fits');
      assert.deepEqual(await quality.axe(page), [], 'the home page has no violation');
      await page.evaluate(() => {
        const main = document.getElementById('main');
        const img = document.createElement('img');
        img.src = 'nowhere.png';
        main.prepend(img);
        const wide = document.createElement('div');
        wide.className = 'too-wide';
        wide.textContent = 'x';
        wide.setAttribute('aria-hidden', 'true');
        wide.appendChild(document.createElement('button'));
        main.append(wide);
        wide.style.width = '2000px';
      });
      const violations = await quality.axe(page);
      assert.ok(violations.some((v) => v.startsWith('image-alt ')), violations.join('\n'));
      assert.ok(violations.some((v) => v.startsWith('aria-hidden-focus ')), violations.join('\n'));
      assert.match(await quality.sidewaysScroll(page) || '', /^scrollWidth \d+ \(body \d+\) > clientWidth 390; sticking out: div\.too-wide in main#main \(right edge \d+, 2000 px wide\) "x"$/);
    } finally {
      await browser.close();
      await srv.close();
    }
  });

  test(`Lighthouse scores at least ${THRESHOLD} in every category (${LIGHTHOUSE_PAGES.map((p) => p.name).join(', ')})`, { timeout: 300000 }, async () => {
    const srv = await quality.serveLikeHost(site.dir);
    let results;
    try {
      results = await quality.lighthouse(LIGHTHOUSE_PAGES.map((p) => srv.url + p.path));
    } finally {
      await srv.close();
    }
    const low = [];
    results.forEach((r, i) => {
      const scores = quality.CATEGORIES.map((c) => `${c} ${r.scores[c]}`).join(', ');
      console.log(`Lighthouse ${LIGHTHOUSE_PAGES[i].name} (${LIGHTHOUSE_PAGES[i].path}): ${scores}`);
      for (const c of quality.CATEGORIES) {
        if (!(r.scores[c] >= THRESHOLD)) {
          low.push(`${LIGHTHOUSE_PAGES[i].path}: ${c} ${r.scores[c]} < ${THRESHOLD}; audits below 100:\n  ${r.failing.filter((f) => f.startsWith(c + ':')).join('\n  ')}`);
        }
      }
    });
    assert.deepEqual(low, [], low.join('\n'));
  });
}

/* The helper's own checks, without a browser: the page list covers what the gates must
   see, and every listed page exists in the build. */
test('the gated pages exist in the built site', () => {
  for (const p of [...quality.PAGES, ...LIGHTHOUSE_PAGES, ...WORST_CASE_PAGES]) {
    const file = path.join(site.dir, p.path.split('?')[0]);
    assert.ok(fs.existsSync(file), `${p.path} was built`);
  }
  const modulePage = fs.readFileSync(path.join(site.dir, 'modules', 'yolov8-api', 'index.html'), 'utf8');
  const description = modulePage.slice(modulePage.indexOf('<main'));
  assert.ok(!/<img[^>]+src="https?:/.test(description), 'the Lighthouse module page embeds no external image');
});
