'use strict';
/* Quality gates on the built real catalogue (modules/, no fixtures):
   - the W3C Nu HTML checker (vnu-jar, with the machine's Java) finds no error in any
     .html file of the site;
   - axe-core finds no violation (WCAG 2.2 A/AA and best practices) on the home page, two
     module pages, a category page, the tag index and a search-results page, at 1280 px
     and 390 px wide, in the light and the dark colour scheme; none of them scrolls
     sideways at 390 px;
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

const site = buildSite({ fixtures: [] });
test.after(() => site.cleanup());

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
      const what = width.width <= 400 ? 'no axe violation and no sideways scrolling' : 'no axe violation';
      test(`${what}: ${quality.PAGES.map((p) => p.name).join(', ')} (${label})`, { timeout: 180000 }, async () => {
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
            if (width.width <= 400) {
              const sideways = await quality.sidewaysScroll(page);
              if (sideways) problems.push(`${p.path} (${label}) scrolls sideways: ${sideways}`);
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
    }
  }

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
      assert.match(await quality.sidewaysScroll(page) || '', /^scrollWidth \d+ > clientWidth 390; sticking out: div\.too-wide \(right edge \d+\)$/);
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
  for (const p of [...quality.PAGES, ...LIGHTHOUSE_PAGES]) {
    const file = path.join(site.dir, p.path.split('?')[0]);
    assert.ok(fs.existsSync(file), `${p.path} was built`);
  }
  const modulePage = fs.readFileSync(path.join(site.dir, 'modules', 'yolov8-api', 'index.html'), 'utf8');
  const description = modulePage.slice(modulePage.indexOf('<main'));
  assert.ok(!/<img[^>]+src="https?:/.test(description), 'the Lighthouse module page embeds no external image');
});
