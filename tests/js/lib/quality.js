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
   network idle, every image complete, `ready` (a selector) present, fonts loaded. */
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
}

/* Runs axe-core (WCAG 2.x A and AA and best practices) on the current document; returns
   its violations as short strings: rule, impact, help and up to five offending nodes. */
async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: AXE });
  }
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    resultTypes: ['violations'],
  }));
  return result.violations.map((v) => {
    const nodes = v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${(n.failureSummary || '').replace(/\s+/g, ' ').trim()}`);
    const more = v.nodes.length > 5 ? [`    ... and ${v.nodes.length - 5} more`] : [];
    return [`${v.id} (${v.impact}): ${v.help} [${v.nodes.length} node(s)]`, ...nodes, ...more].join('\n');
  });
}

/* Whether the current document scrolls sideways; returns null when it does not, else a
   description naming the outermost elements that stick out of the viewport (not those
   inside a box that scrolls or clips them). */
async function sidewaysScroll(page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return null;
    const width = root.clientWidth;
    const sticksOut = (el) => {
      if (el.getBoundingClientRect().right <= width + 0.5) return false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= width + 0.5) return false;
      }
      return true;
    };
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (!sticksOut(el) || (el.parentElement !== document.body && sticksOut(el.parentElement))) continue;
      const classes = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '';
      culprits.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes} (right edge ${Math.round(el.getBoundingClientRect().right)})`);
    }
    return `scrollWidth ${root.scrollWidth} > clientWidth ${width}; sticking out: ${culprits.slice(0, 8).join(', ') || '?'}`;
  });
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
function vnu(dir) {
  const r = spawnSync('java', ['-Xss4m', '-jar', VNU, '--errors-only', '--skip-non-html', '--format', 'gnu', dir], {
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
  AXE, VNU, PAGES, WIDTHS, SCHEMES, CATEGORIES,
  openRendered, axe, sidewaysScroll, haveJava, htmlFiles, vnu, serveLikeHost, lighthouse,
};
