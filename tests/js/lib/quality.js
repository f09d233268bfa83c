'use strict';
/* Quality gates for the built site, shared by tests/js/quality.test.js and
   scripts/screenshots.js: axe-core in a playwright page, the sideways-scroll check, the
   W3C Nu HTML checker (vnu-jar, run with the machine's Java) over a directory, and
   Lighthouse (run programmatically against Debian's Chromium). */
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const zlib = require('node:zlib');
const { spawnSync } = require('node:child_process');
const { CHROMIUM, ARGS } = require('./browser');
const { resolve, contentType, netlifyHeaders } = require('./server');

const AXE = require.resolve('axe-core/axe.min.js');
const VNU = String(require('vnu-jar'));

/* The pages every gate looks at, relative to the site root. `ready` (optional) is a
   selector that must be present before the page is checked. */
const PAGES = [
  { name: 'home', path: 'index.html' },
  { name: 'module satsr', path: 'modules/satsr/index.html' },
  { name: 'module audio-classification-tf', path: 'modules/audio-classification-tf/index.html' },
  { name: 'category', path: 'categories/earth-observation/index.html' },
  { name: 'tag index', path: 'tags/index.html' },
  { name: 'search results', path: 'search/index.html?q=image', ready: '#search-results a.search-result-link' },
];

const WIDTHS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

const SCHEMES = ['light', 'dark'];

/* Opens `path` (relative to the page's baseURL) and waits until it is fully rendered: the
   network idle, every image complete, `ready` (a selector) present, fonts loaded, and
   quiet again after a scroll through it. */
async function openRendered(page, pagePath, ready) {
  await page.goto(pagePath, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');
  if (ready) await page.waitForSelector(ready);
  /* Lazy images load only near the viewport: scroll through the page once. */
  await page.evaluate(async () => {
    const step = Math.max(200, window.innerHeight - 100);
    for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
      window.scrollTo(0, y);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    window.scrollTo(0, 0);
  });
  await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
  await page.evaluate(() => document.fonts.ready);
  /* What the scroll brought near the view (the search page's excerpt texts) has arrived
     and been drawn: no new file for 300 ms, then a frame. */
  await page.waitForFunction(() => new Promise((resolve) => {
    const n = performance.getEntriesByType('resource').length;
    setTimeout(() => requestAnimationFrame(() => resolve(performance.getEntriesByType('resource').length === n)), 300);
  }), null, { timeout: 15000 });
}

/* Runs axe-core (WCAG 2.x A and AA and best practices) on the current document; returns
   its violations as short strings: rule, impact, help and up to five offending nodes. */
async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: AXE });
  }
  /* The search results' cards are `content-visibility: auto` (style.css): the browser
     skips drawing those far from the view, and axe's hit tests then find a skipped card's
     links "partially obscured", or not, depending on which cards were drawn when it
     looked. Every card is drawn while axe runs, so that it judges each one as a visitor
     scrolling to it sees it. */
  const result = await page.evaluate(async () => {
    /* a constructed sheet: no <style> element, which a page's CSP may refuse */
    const drawAll = new CSSStyleSheet();
    drawAll.replaceSync('* { content-visibility: visible !important; }');
    const before = document.adoptedStyleSheets;
    document.adoptedStyleSheets = [...before, drawAll];
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    try {
      return await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
        resultTypes: ['violations'],
      });
    } finally {
      document.adoptedStyleSheets = before;
    }
  });
  return result.violations.map((v) => {
    const nodes = v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${(n.failureSummary || '').replace(/\s+/g, ' ').trim()}`);
    const more = v.nodes.length > 5 ? [`    ... and ${v.nodes.length - 5} more`] : [];
    return [`${v.id} (${v.impact}): ${v.help} [${v.nodes.length} node(s)]`, ...nodes, ...more].join('\n');
  });
}

/* Whether the current document scrolls sideways: null when it does not, else
   {scrollWidth, clientWidth, bodyScrollWidth, culprits}. The document scrolls sideways when
   the root's or the body's scrollWidth exceeds the root's clientWidth. `culprits` are the
   outermost elements that stick out of the viewport (not those inside a box that scrolls or
   clips them), the widest first, each {tag, id, classes, inside (its nearest ancestor with an
   id or a class), right, width, text (its start)}. */
async function overflow(page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const bodyWidth = document.body ? document.body.scrollWidth : 0;
    if (root.scrollWidth <= width && bodyWidth <= width) return null;
    const clips = (a) => getComputedStyle(a).overflowX !== 'visible';
    const sticksOut = (el) => {
      if (el.getBoundingClientRect().right <= width + 0.5) return false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (clips(a) && a.getBoundingClientRect().right <= width + 0.5) return false;
      }
      return true;
    };
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (!sticksOut(el) || (el.parentElement !== document.body && sticksOut(el.parentElement))) continue;
      const box = el.getBoundingClientRect();
      let named = el.parentElement;
      while (named && named !== document.body && !named.id && !(typeof named.className === 'string' && named.className.trim())) named = named.parentElement;
      const inside = named && named !== document.body
        ? named.tagName.toLowerCase() + (named.id ? '#' + named.id : '') + (typeof named.className === 'string' ? named.className.trim().split(/\s+/).filter(Boolean).map((k) => '.' + k).join('') : '')
        : '';
      culprits.push({
        inside,
        tag: el.tagName.toLowerCase(),
        id: el.id || '',
        classes: typeof el.className === 'string' ? el.className.trim().split(/\s+/).filter(Boolean) : [],
        right: Math.round(box.right),
        width: Math.round(box.width),
        text: (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 60),
      });
    }
    culprits.sort((a, b) => b.right - a.right);
    return { scrollWidth: root.scrollWidth, clientWidth: width, bodyScrollWidth: bodyWidth, culprits };
  });
}

/* One culprit of `overflow` as text: tag#id.classes [in ancestor] (right edge R, W px wide)
   "text...". */
function describeCulprit(c) {
  const name = c.tag + (c.id ? '#' + c.id : '') + c.classes.map((k) => '.' + k).join('') + (c.inside ? ` in ${c.inside}` : '');
  const text = c.text ? ` "${c.text}${c.text.length >= 60 ? '...' : ''}"` : '';
  return `${name} (right edge ${c.right}, ${c.width} px wide)${text}`;
}

/* `overflow` as one line (null when the page fits): the widths and the elements that stick
   out, the widest first (at most `max`). */
function describeOverflow(o, max = 3) {
  if (!o) return null;
  const list = o.culprits.slice(0, max).map(describeCulprit).join('; ') || '?';
  const more = o.culprits.length > max ? `; and ${o.culprits.length - max} more` : '';
  return `scrollWidth ${o.scrollWidth} (body ${o.bodyScrollWidth}) > clientWidth ${o.clientWidth}; sticking out: ${list}${more}`;
}

/* Whether the current document scrolls sideways; null when it does not, else the
   description of `describeOverflow`. */
async function sidewaysScroll(page) {
  return describeOverflow(await overflow(page));
}

/* The phone widths every page must fit without scrolling sideways. */
const PHONE_WIDTHS = [
  { name: 'small phone', width: 320, height: 640 },
  { name: 'phone', width: 390, height: 844 },
];

/* Loads each page of `pages` ({path, ready?} or a path, relative to the page's baseURL)
   once (waitUntil 'load'; `ready`, a selector, awaited when given), then checks it at each
   width of `widths` in each colour scheme of `schemes`, resizing the viewport and switching
   the scheme without reloading (the media queries apply at once; no layout of the theme
   depends on a script). Widths and schemes go back and forth (320 light, 320 dark, 390
   dark, 390 light, then the next page at 390 light...) so that no switch is wasted. One page object does it all, one load a
   page: cheap enough to run over every page of a site. Resolves to {loaded, checked,
   problems: [{path, width, scheme, overflow}]}. */
async function sidewaysEverywhere(page, pages, widths = PHONE_WIDTHS, schemes = SCHEMES) {
  const problems = [];
  let checked = 0;
  let width = null;
  let scheme = null;
  for (const entry of pages) {
    const p = typeof entry === 'string' ? { path: entry } : entry;
    await page.goto(p.path, { waitUntil: 'load' });
    if (p.ready) await page.waitForSelector(p.ready);
    const widthOrder = widths[widths.length - 1].width === width ? [...widths].reverse() : widths;
    for (const w of widthOrder) {
      if (width !== w.width) {
        await page.setViewportSize({ width: w.width, height: w.height });
        width = w.width;
      }
      const order = schemes[0] === scheme || !schemes.includes(scheme) ? schemes : [...schemes].reverse();
      for (const s of order) {
        if (scheme !== s) {
          await page.emulateMedia({ colorScheme: s });
          scheme = s;
        }
        const o = await overflow(page);
        checked += 1;
        if (o) problems.push({ path: p.path, width: w.width, scheme: s, overflow: o });
      }
    }
  }
  /* in the order of `pages`, `widths` and `schemes`, whatever order they were checked in */
  const rank = (x) => [pages.findIndex((e) => (typeof e === 'string' ? e : e.path) === x.path),
    widths.findIndex((w) => w.width === x.width), schemes.indexOf(x.scheme)];
  problems.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2];
  });
  return { loaded: pages.length, checked, problems };
}

/* The problems of `sidewaysEverywhere` as text: one line per page and width (the schemes
   that scroll named together), with its widths and widest elements. */
function describeSideways(problems) {
  const byPage = new Map();
  for (const p of problems) {
    const key = `${p.path} at ${p.width} px`;
    const seen = byPage.get(key);
    if (seen) seen.schemes.push(p.scheme);
    else byPage.set(key, { schemes: [p.scheme], overflow: p.overflow });
  }
  return Array.from(byPage, ([key, v]) => `${key} (${v.schemes.join(', ')}): ${describeOverflow(v.overflow)}`);
}

/* Whether `java -version` runs. */
function haveJava() {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return r.status === 0;
}

/* Every .html file under `dir`, as paths relative to it. */
function htmlFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.html')) out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/* The Nu HTML checker over every HTML file of `dir`: {status, errors (strings, with file,
   line and column), output}. --errors-only: warnings and info messages are not reported. */
function vnu(dir, { svg = false } = {}) {
  /* svg: the SVG files instead of the HTML ones (the README badges) */
  const only = svg ? ['--also-check-svg', '--skip-non-svg'] : ['--skip-non-html'];
  const r = spawnSync('java', ['-Xss4m', '-jar', VNU, '--errors-only', ...only, '--format', 'gnu', dir], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300000,
  });
  if (r.error) throw r.error;
  const output = (r.stdout || '') + (r.stderr || '');
  /* gnu format: "file:/dir/a/index.html":104.1-104.163: error: ... -> a/index.html:104.1-104.163: error: ... */
  const prefix = 'file:' + fs.realpathSync(dir) + path.sep;
  const errors = output.split('\n').filter((l) => l.trim() !== '')
    .map((l) => l.replace(/^"([^"]*)":/, (all, file) => (file.startsWith(prefix) ? file.slice(prefix.length) : file) + ':'));
  return { status: r.status, errors, output };
}

/* Serves `dir` on 127.0.0.1 the way the static host does (for Lighthouse, which measures
   delivery too): netlify.toml's headers for "/*" (the CSP among them) and for "/static/*"
   (cached for a year), and text compressed with gzip when the browser accepts it. The
   files are found by lib/server.js's `resolve` (confined to `dir`). Resolves to {url,
   port, close()}. */
function serveLikeHost(dir) {
  const root = fs.realpathSync(dir);
  const headers = netlifyHeaders();
  const staticHeaders = netlifyHeaders(undefined, '/static/*');
  const server = http.createServer((req, res) => {
    const urlPath = (req.url || '/').split(/[?#]/)[0];
    const found = req.method === 'GET' || req.method === 'HEAD' ? resolve(root, urlPath) : { status: 405 };
    if (!found.file) {
      res.writeHead(found.status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(String(found.status) + '\n');
      return;
    }
    let body = fs.readFileSync(found.file);
    const type = contentType(found.file);
    const head = Object.assign({ 'Cache-Control': 'no-cache' }, headers,
      urlPath.startsWith('/static/') ? staticHeaders : {}, { 'Content-Type': type, Vary: 'Accept-Encoding' });
    if (/^(text\/|application\/(json|xml)|image\/svg)/.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
      body = zlib.gzipSync(body, { level: 9 });
      head['Content-Encoding'] = 'gzip';
    }
    head['Content-Length'] = String(body.length);
    res.writeHead(200, head);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((done, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      done({
        url: `http://127.0.0.1:${port}/`,
        port,
        close: () => new Promise((closed) => {
          server.closeAllConnections();
          server.close(() => closed());
        }),
      });
    });
  });
}

/* The Chromium flags Lighthouse launches Debian's Chromium with. */
const LIGHTHOUSE_FLAGS = ARGS;
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

/* Lighthouse (default config: a mobile device, simulated throttling) on each URL of
   `urls`, one Chromium for all; resolves to [{url, scores {category: 0-100}, failing
   (audits scoring below 1 that count, as strings)}]. */
async function lighthouse(urls) {
  process.env.CHROME_PATH = CHROMIUM;
  const { default: run } = await import('lighthouse');
  const chromeLauncher = await import('chrome-launcher');
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: LIGHTHOUSE_FLAGS, logLevel: 'silent' });
  const results = [];
  try {
    for (const url of urls) {
      const runnerResult = await run(url, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: CATEGORIES,
      });
      const lhr = runnerResult.lhr;
      if (lhr.runtimeError) throw new Error(`Lighthouse on ${url}: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
      const scores = {};
      const failing = [];
      for (const id of CATEGORIES) {
        const category = lhr.categories[id];
        scores[id] = category.score === null ? null : Math.round(category.score * 100);
        for (const ref of category.auditRefs) {
          const audit = lhr.audits[ref.id];
          if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
            const value = audit.displayValue ? ` (${audit.displayValue})` : '';
            failing.push(`${id}: ${ref.id} ${Math.round(audit.score * 100)}${value}`);
          }
        }
      }
      results.push({ url, scores, failing, lhr });
    }
  } finally {
    await chrome.kill();
  }
  return results;
}

module.exports = {
  AXE, VNU, PAGES, WIDTHS, PHONE_WIDTHS, SCHEMES, CATEGORIES,
  openRendered, axe, overflow, describeOverflow, sidewaysScroll, sidewaysEverywhere, describeSideways, haveJava, htmlFiles, vnu, serveLikeHost, lighthouse,
};
