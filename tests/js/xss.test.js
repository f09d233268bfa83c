'use strict';
/* Hardening: the script-injection corpus of tests/fixtures/xss/ (its README.md lists the
   vectors) added to a copy of the real catalogue, built once.

   - Every built page's raw HTML: no inline <script>, no event handler attribute, no style
     attribute or element, no javascript:/vbscript:/data: URL, no frame, object, embed, base
     or meta refresh (the theme's pages must be clean under netlify.toml's CSP, and nothing
     of a module may become markup). The one inline <script> allowed is a JSON data block
     (the module page's schema.org JSON-LD), which must parse as JSON and hold no
     "</script", "<!--" or "<script". Needs no browser.
   - In headless Chromium, for every corpus module, served twice (once with the headers
     netlify.toml sets for "/*", once without any CSP so that a vector that survived as
     markup would really run): its module page, the home page and the pages after it, its
     category page, its tag pages and a search for a word of its title. Nothing may run
     (window.__xss stays undefined, no dialog), and the DOM may hold no event handler, no
     inline script, no hostile URL, no frame or object, and no CSP violation may happen.
   - The theme's pages under netlify.toml's policy: no violation, external images load.
   - The checks themselves: vectors injected into a built page (raw and in the browser)
     must be caught, so a check that stops seeing anything fails.

   Without /usr/bin/chromium the browser tests are skipped, or fail when CI is set. */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { buildSite, ROOT, fixtureFiles } = require('./lib/site');
const { serve, netlifyHeaders } = require('./lib/server');
const { readSearchIndex } = require('./lib/searchindex');
const { CHROMIUM, haveChromium, inCi, launch, openPage, violations } = require('./lib/browser');

const XSS_FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'xss');
const SLUGS = fixtureFiles(XSS_FIXTURES).map((name) => name.slice(0, -'.md'.length));
/* Each corpus module's title names one of these animals: the word its search looks for. */
const WORDS = ['aardvark', 'badger', 'coyote', 'dingo', 'emu', 'ferret', 'gecko', 'heron', 'ibis', 'jackal',
  'koala', 'lemur', 'marmot', 'narwhal', 'ocelot', 'puffin', 'quokka'];
/* Text a module's page must show literally (template syntax is never evaluated, entities
   stay entities). */
const LITERAL = {
  'xss-title-template': ['{{ site.title }}', '{{ __tera_context }}', '{% raw %}{{ "<script>window.__xss=1</script>" | safe }}'],
  'xss-summary': ['&lt;script&gt;window.__xss=1&lt;/script&gt;', '{{ "<script>window.__xss=1</script>" | safe }}'],
  'xss-desc-scripts': ['must stay text: <script>window.__xss=1</script> and <script>window.__xss=1</script>'],
  'xss-desc-template': ['{{ site.title }}', '{{ __tera_context }}', '{% include "base.html" %}', '{{ module.content | safe }}'],
  'xss-desc-parser': ['<script>window.__xss=1</script> in inline code.'],
};
const HEADERS = netlifyHeaders();
const TIMEOUT = 300000;
const RESULT_LINKS = '#search-results a.search-result-link';

/* ---- the raw HTML of a page */

/* Elements whose content is text up to their end tag. <noscript> is one only when
   scripting is on: pages are read both ways. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);
const URL_ATTRIBUTES = new Set(['href', 'xlink:href', 'src', 'action', 'formaction', 'data', 'poster', 'background',
  'srcset', 'ping', 'codebase', 'cite', 'longdesc', 'manifest', 'icon', 'dynsrc', 'lowsrc', 'to', 'from', 'values', 'by']);
const FORBIDDEN_ELEMENTS = new Set(['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'portal', 'style']);
/* The one kind of <script> without src a page may hold: a data block the browser never
   runs (the module page's schema.org JSON-LD). Its text must be JSON that cannot end the
   block early nor make it swallow the page. */
const DATA_BLOCK_TYPES = ['application/ld+json', 'application/json'];
function dataBlockProblem(text) {
  if (/<\/script|<!--|<script/i.test(text)) return 'holds </script, <!-- or <script';
  try {
    JSON.parse(text);
  } catch (error) {
    return `is not JSON (${error.message})`;
  }
  return null;
}

const NAMED_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", colon: ':', tab: '\t', newline: '\n',
  sol: '/', lpar: '(', rpar: ')', nbsp: '\u00a0' };

function decodeEntities(text) {
  return text.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);?/g, (all, entity) => {
    if (entity[0] === '#') {
      const code = /^#[xX]/.test(entity) ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
    }
    const named = NAMED_ENTITIES[entity.toLowerCase()];
    return named === undefined ? all : named;
  });
}

/* Whether a URL attribute's value would be a javascript:, vbscript: or data: URL: browsers
   drop control characters and spaces around it and tabs and newlines inside it. */
function hostileUrl(value) {
  return /^(javascript|vbscript|data):/i.test(decodeEntities(value).replace(/[\u0000-\u0020\u007f]/g, ''));
}

/* The start tags of `html`, as {name, attrs: [{name, value}], text (raw text elements),
   at}, the way an HTML tokenizer sees them: comments, doctypes and end tags skipped, the
   content of raw text elements not parsed as markup. */
function startTags(html, scripting) {
  const tags = [];
  const lower = html.toLowerCase();
  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (html[lt + 1] === '!' || html[lt + 1] === '?' || html[lt + 1] === '/') {
      const end = html.indexOf('>', lt);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(html[lt + 1] || '')) {
      i = lt + 1;
      continue;
    }
    let j = lt + 1;
    while (j < n && !/[\s/>]/.test(html[j])) j++;
    const tag = { name: lower.slice(lt + 1, j), attrs: [], text: null, at: lt };
    for (;;) {
      while (j < n && /[\s/]/.test(html[j])) j++;
      if (j >= n) break;
      if (html[j] === '>') {
        j++;
        break;
      }
      const start = j;
      j++; /* a name may start with "=" */
      while (j < n && !/[\s/>=]/.test(html[j])) j++;
      const name = lower.slice(start, j);
      let value = '';
      let k = j;
      while (k < n && /\s/.test(html[k])) k++;
      if (html[k] === '=') {
        k++;
        while (k < n && /\s/.test(html[k])) k++;
        if (html[k] === '"' || html[k] === "'") {
          const end = html.indexOf(html[k], k + 1);
          value = html.slice(k + 1, end < 0 ? n : end);
          j = end < 0 ? n : end + 1;
        } else {
          const begin = k;
          while (k < n && !/[\s>]/.test(html[k])) k++;
          value = html.slice(begin, k);
          j = k;
        }
      }
      tag.attrs.push({ name, value });
    }
    tags.push(tag);
    i = j;
    if (RAW_TEXT.has(tag.name) || (scripting && tag.name === 'noscript')) {
      const end = lower.indexOf('</' + tag.name, i);
      tag.text = html.slice(i, end < 0 ? n : end);
      i = end < 0 ? n : end;
    }
  }
  return tags;
}

function lineOf(html, at) {
  return html.slice(0, at).split('\n').length;
}

/* What a page's raw HTML must not contain, as a list of findings (read with scripting on
   and off, so that <noscript> tricks are seen either way). */
function scanHtml(html) {
  const findings = new Set();
  for (const scripting of [true, false]) {
    for (const tag of startTags(html, scripting)) {
      const where = `line ${lineOf(html, tag.at)} <${tag.name}>`;
      const attrs = new Map(tag.attrs.map((a) => [a.name, a.value]));
      if (tag.name === 'script' && !attrs.has('src')) {
        const type = (attrs.get('type') || '').trim().toLowerCase();
        const text = tag.text || '';
        if (!DATA_BLOCK_TYPES.includes(type)) findings.add(`${where}: inline script ${JSON.stringify(text.slice(0, 60))}`);
        else if (dataBlockProblem(text)) findings.add(`${where}: a ${type} block that ${dataBlockProblem(text)}: ${JSON.stringify(text.slice(0, 60))}`);
      }
      if (FORBIDDEN_ELEMENTS.has(tag.name)) findings.add(`${where}: a <${tag.name}> element`);
      if (tag.name === 'meta' && attrs.has('http-equiv')) findings.add(`${where}: http-equiv=${JSON.stringify(attrs.get('http-equiv'))}`);
      for (const { name, value } of tag.attrs) {
        const shown = `${name}=${JSON.stringify(value.slice(0, 60))}`;
        if (name.startsWith('on')) findings.add(`${where}: event handler ${shown}`);
        if (name === 'style') findings.add(`${where}: style attribute ${shown}`);
        if (name === 'srcdoc') findings.add(`${where}: ${shown}`);
        if ((URL_ATTRIBUTES.has(name) || name.endsWith(':href')) && hostileUrl(value)) findings.add(`${where}: hostile URL ${shown}`);
      }
    }
  }
  return Array.from(findings);
}

function htmlFiles(dir) {
  const files = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...htmlFiles(file));
    else if (entry.name.endsWith('.html')) files.push(file);
  }
  return files.sort();
}

/* Puts `vector` at the start of a built page's <main>. */
function inject(html, vector) {
  const main = '<main id="main" tabindex="-1">';
  assert.ok(html.includes(main), 'the page has the theme\'s <main>');
  return html.replace(main, main + '\n' + vector + '\n');
}

/* Vectors that must be caught; `runs`: what happens without a CSP when nothing stops it. */
const CANARIES = [
  { vector: '<script>window.__xss=1</script>', runs: 'xss' },
  { vector: '<img src=x onerror="window.__xss=1">', runs: 'xss' },
  { vector: '<p><img src="x" onerror=alert(1)></p>', runs: 'dialog' },
  { vector: '<a href="java&#x73;cript:window.__xss=1">link</a>' },
  { vector: '<svg><a xlink:href="javascript:window.__xss=1"><text y="20">svg</text></a></svg>' },
  { vector: '<iframe srcdoc="&lt;b&gt;frame&lt;/b&gt;"></iframe>' },
  { vector: '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>"></noscript>', runs: 'xss' },
  { vector: '<div style="background:url(javascript:window.__xss=1)">styled</div>' },
  { vector: '<script type="application/ld+json">{"name":"</script><script>window.__xss=1</script>"}</script>', runs: 'xss' },
];

/* ---- no browser needed */

test('the raw HTML scanner finds vectors and only them', () => {
  const clean = [
    '<p>&lt;script&gt;window.__xss=1&lt;/script&gt;</p>',
    '<meta name="description" content="&lt;img src=x onerror=alert(1)&gt; x onclick=y">',
    '<a title="x onclick=y" href="https://example.org/?q=&quot;&gt;&lt;script&gt;">a</a>',
    '<script src="static/site.js" defer></script>',
    '<!-- <script>x</script> <img onerror=x> -->',
    '<title><script>x</script> <img src=x onerror=y></title>',
    '<textarea><img src=x onerror=y></textarea>',
    '<pre><code>&lt;img src=x onerror=y&gt;</code></pre>',
    '<a href="https://example.org/javascript:x">path</a> <a href="../tags/javascript-window-xss-1/index.html">tag</a>',
    '<button data-copy-target="x" hidden>copy</button>',
    '<script type="application/ld+json">{"name":"\\u003c/script\\u003e"}</script>',
  ];
  for (const html of clean) assert.deepEqual(scanHtml(html), [], html);
  const dirty = [
    ['<script>window.__xss=1</script>', /inline script/],
    ['<SCRIPT >x</SCRIPT>', /inline script/],
    ['<div\nonclick=x>', /event handler onclick/],
    ['<img src=x OnError = "y">', /event handler onerror/],
    ['<a href="java&#x73;cript:x">', /hostile URL/],
    ['<a href=" JaVa\tScRiPt:x">', /hostile URL/],
    ['<a href="&#106;avascript&colon;x">', /hostile URL/],
    ['<form><button formaction="vbscript:x">', /hostile URL formaction/],
    ['<img src="data:image/svg+xml,<svg onload=x>">', /hostile URL src/],
    ['<svg><a xlink:href="javascript:x">', /hostile URL xlink:href/],
    ['<noscript><p title="</noscript><img src=x onerror=y>"></noscript>', /event handler onerror/],
    ['<iframe srcdoc="x"></iframe>', /<iframe> element/],
    ['<object data="x"></object><embed src="y">', /<object> element/],
    ['<base href="https://evil.example/">', /<base> element/],
    ['<meta http-equiv="refresh" content="0;url=javascript:x">', /http-equiv/],
    ['<style>body{}</style>', /<style> element/],
    ['<p style="color:red">', /style attribute/],
    ['<script type="text/plain">x</script>', /inline script/],
    ['<script type="application/ld+json">{"a":"</script><script>x</script>', /inline script "x"/],
    ['<script type="application/ld+json">{"a":"<!--<script>"}</script>', /application\/ld\+json block that holds/],
    ['<script type="application/ld+json">{a:1}</script>', /is not JSON/],
  ];
  for (const [html, expected] of dirty) {
    const found = scanHtml(html);
    assert.ok(found.some((f) => expected.test(f)), `${html} gives ${expected}: ${JSON.stringify(found)}`);
  }
});

test('netlify.toml\'s headers for "/*" are read', () => {
  assert.deepEqual(Object.keys(HEADERS).sort(),
    ['Content-Security-Policy', 'Referrer-Policy', 'X-Content-Type-Options', 'X-Frame-Options']);
  assert.match(HEADERS['Content-Security-Policy'], /(^|; )script-src 'self'(;|$)/);
  assert.match(HEADERS['Content-Security-Policy'], /(^|; )style-src 'self'(;|$)/);
});

test('the corpus: at least 30 numbered vectors in the README, every fixture file listed', () => {
  const readme = fs.readFileSync(path.join(XSS_FIXTURES, 'README.md'), 'utf8');
  const numbers = Array.from(readme.matchAll(/^\| *(\d+) *\|/gm), (m) => Number(m[1]));
  assert.ok(numbers.length >= 30, `${numbers.length} vectors listed`);
  assert.deepEqual(numbers, numbers.map((_, i) => i + 1), 'numbered 1, 2, 3, ... without gaps');
  for (const slug of SLUGS) assert.ok(readme.includes(`${slug}.md`), `the README lists ${slug}.md`);
  assert.ok(SLUGS.length >= 10, `${SLUGS.length} corpus modules`);
});

let site = null;
function theSite() {
  if (!site) site = buildSite({ fixtures: [XSS_FIXTURES] });
  return site;
}
test.after(() => {
  if (site) site.cleanup();
});

test('every built page is free of inline scripts, event handlers, styles and hostile URLs', () => {
  const { dir } = theSite();
  const files = htmlFiles(dir);
  for (const slug of SLUGS) assert.ok(files.includes(path.join(dir, 'modules', slug, 'index.html')), `${slug} was built`);
  const problems = [];
  for (const file of files) {
    for (const finding of scanHtml(fs.readFileSync(file, 'utf8'))) problems.push(`${path.relative(dir, file)} ${finding}`);
  }
  assert.deepEqual(problems, [], `${files.length} pages scanned`);
  /* and the scanner sees a vector put into one of these pages */
  const page = fs.readFileSync(path.join(dir, 'modules', SLUGS[0], 'index.html'), 'utf8');
  for (const { vector } of CANARIES) {
    assert.ok(scanHtml(inject(page, vector)).length > 0, `the raw scan catches ${vector}`);
  }
});

/* ---- in the browser */

if (!haveChromium()) {
  const why = `${CHROMIUM} not found: install Debian's Chromium (apt-get install chromium) to run the browser tests`;
  if (inCi()) {
    test('XSS browser tests need Chromium', () => {
      assert.fail(`${why}; CI is set, so a missing browser is a failure, not a skip`);
    });
  } else {
    console.log(`XSS browser tests skipped: ${why}`);
    test('XSS browser tests', { skip: why }, () => {});
  }
} else {
  browserTests();
}

/* Runs in the page: what of a vector is in the DOM, and whether one ran. */
function domFindings() {
  const URLS = ['href', 'xlink:href', 'src', 'action', 'formaction', 'data', 'poster', 'background', 'srcset',
    'ping', 'codebase', 'cite', 'longdesc', 'manifest', 'icon', 'dynsrc', 'lowsrc', 'to', 'from', 'values', 'by'];
  const ELEMENTS = ['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'portal', 'style'];
  const DATA_BLOCK_TYPES = ['application/ld+json', 'application/json'];
  const hostile = (v) => /^(javascript|vbscript|data):/i.test(v.replace(/[\u0000-\u0020\u007f]/g, ''));
  const snippet = (el) => el.outerHTML.slice(0, 120);
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.localName;
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(`event handler ${name}: ${snippet(el)}`);
      if (name === 'srcdoc') found.push(`srcdoc: ${snippet(el)}`);
      if (name === 'style' && /url\s*\(|expression\s*\(|javascript:|behavior/i.test(attr.value)) found.push(`style: ${snippet(el)}`);
      if ((URLS.includes(name) || name.endsWith(':href')) && hostile(attr.value)) found.push(`hostile URL ${name}: ${snippet(el)}`);
    }
    if (tag === 'script') {
      if (!el.hasAttribute('src')) {
        if (!DATA_BLOCK_TYPES.includes((el.getAttribute('type') || '').trim().toLowerCase())) {
          found.push(`inline script: ${snippet(el)}`);
        } else {
          try {
            JSON.parse(el.textContent);
            if (/<\/script|<!--|<script/i.test(el.textContent)) found.push(`a data block holding </script, <!-- or <script: ${snippet(el)}`);
          } catch (error) {
            found.push(`a data block that is not JSON: ${snippet(el)}`);
          }
        }
      }
      else if (new URL(el.src, document.baseURI).origin !== location.origin) found.push(`external script: ${snippet(el)}`);
    }
    if (ELEMENTS.includes(tag)) found.push(`<${tag}> element: ${snippet(el)}`);
    if (tag === 'meta' && el.hasAttribute('http-equiv')) found.push(`meta http-equiv: ${snippet(el)}`);
    if (tag === 'form' && new URL(el.getAttribute('action') || '', document.baseURI).origin !== location.origin) {
      found.push(`form posting elsewhere: ${snippet(el)}`);
    }
  }
  if (document.baseURI !== location.href) found.push(`the base URL is ${document.baseURI}`);
  if (!document.querySelector('body > footer.site-footer')) found.push('the page ends early: no site footer');
  if (document.querySelector('meta[http-equiv], base')) found.push('a <meta http-equiv> or <base> in the document');
  return { xss: typeof window.__xss, found };
}

function browserTests() {
  let server = null;
  let cspServer = null;
  let browser = null;
  let data = null;
  const open = [];
  /* Each corpus module served two ways: as deployed (the CSP hides what a vector would do,
     but reports it as a violation) and without a CSP (a surviving vector runs). */
  const MODES = [
    { label: 'under netlify.toml\'s headers', csp: true },
    { label: 'without a CSP', csp: false },
  ];

  test.before(async () => {
    const built = theSite();
    data = { modules: readSearchIndex(built.dir).modules };
    server = await serve(built.dir);
    cspServer = await serve(built.dir, { headers: HEADERS });
    browser = await launch();
  });

  test.after(async () => {
    for (const c of open) await c.close().catch(() => {});
    if (browser) await browser.close();
    if (server) await server.close();
    if (cspServer) await cspServer.close();
  });

  async function newPage(csp) {
    const opened = await openPage(browser, (csp ? cspServer : server).url, { cspViolations: true });
    open.push(opened.context);
    return opened;
  }

  /* Waits until the search page's status line reports the query `q`. */
  async function settled(page, q) {
    try {
      await page.waitForFunction((q) => {
        const status = document.getElementById('search-status');
        return status && status.textContent.includes('“' + q + '”') && /^\d+ modules? (match|matches|ha)/.test(status.textContent);
      }, q, { timeout: 10000 });
    } catch (error) {
      const now = await page.$eval('#search-status', (s) => s.textContent).catch(() => '(no status line)');
      assert.fail(`waited for the results of "${q}" on ${page.url()}; the page says: ${now}`);
    }
  }

  /* Loads `url`, lets the page settle and adds what of a vector it holds to `problems`
     (strings naming the page). `ready`: waits for the page's own rendering. Returns the
     response. */
  async function visit(page, url, problems, ready) {
    const response = await page.goto(url);
    assert.equal(response.status(), 200, `${url} exists`);
    if (ready) await ready();
    /* images have failed or loaded by "load"; autofocus and animations start within a few
       frames */
    await page.waitForLoadState('load');
    await page.evaluate(() => new Promise((r) => {
      let frames = 3;
      const next = () => (--frames ? requestAnimationFrame(next) : setTimeout(r, 50));
      requestAnimationFrame(next);
    }));
    const { xss, found } = await page.evaluate(domFindings);
    const where = decodeURI(new URL(page.url()).pathname + new URL(page.url()).search);
    if (xss !== 'undefined') problems.push(`${where}: window.__xss was set: a vector ran`);
    for (const f of found) problems.push(`${where}: ${f}`);
    for (const v of (await violations(page)) || []) problems.push(`${where}: CSP violation ${JSON.stringify(v)}`);
    return response;
  }

  /* Visits a list page and the pages after it (rel="next"); returns how many cards titled
     `title` they show. */
  async function visitList(page, first, problems, title) {
    let cards = 0;
    let next = first;
    for (let pages = 0; next; pages++) {
      assert.ok(pages < 10, `the list from ${first} ends`);
      await visit(page, next, problems);
      const titles = await page.$$eval('main .card-title a', (as) => as.map((a) => a.textContent));
      cards += titles.filter((t) => t === title).length;
      next = await page.$eval('main a[rel="next"]', (a) => a.href).catch(() => null);
    }
    return cards;
  }

  /* Every page of one corpus module, one way of serving. */
  async function corpusModule(slug, mode) {
    const module = data.modules[slug];
    assert.ok(module, `${slug} is in the site`);
    const word = WORDS.find((w) => new RegExp(`\\b${w}\\b`, 'i').test(module.title));
    assert.ok(word, `the title of ${slug} names one of ${WORDS.join(', ')}`);
    const { context, page, watch } = await newPage(mode.csp);
    const problems = [];
    try {
      /* the module page: the texts as text */
      const response = await visit(page, `modules/${slug}/index.html`, problems);
      if (mode.csp) {
        assert.equal(response.headers()['content-security-policy'], HEADERS['Content-Security-Policy'], 'the server sends netlify.toml\'s CSP');
      }
      assert.equal((await page.textContent('h1')).trim(), module.title, 'the title is the heading, as text');
      assert.ok((await page.title()).startsWith(module.title), 'the document title shows the title as text');
      assert.equal(await page.textContent('.module-header .lead'), module.summary, 'the summary, as text');
      assert.equal(await page.getAttribute('meta[name="description"]', 'content'), module.summary, 'the description meta, as text');
      const tagNames = await page.$$eval('.module-meta a.tag', (as) => as.map((a) => a.textContent));
      assert.deepEqual(tagNames, module.tags, 'the tags, as text');
      const mainText = await page.textContent('main');
      for (const literal of LITERAL[slug] || []) assert.ok(mainText.includes(literal), `the module page shows ${literal} as it is`);
      const jsonld = await page.$$eval('script[type="application/ld+json"]', (ss) => ss.map((s) => JSON.parse(s.textContent)));
      for (const ld of jsonld) {
        if (ld.name !== undefined) assert.equal(ld.name, module.title, 'the JSON-LD name is the title');
        if (ld.keywords !== undefined) assert.deepEqual(ld.keywords, module.tags, 'the JSON-LD keywords are the tags');
      }
      const category = await page.$eval('.module-header a.cat-badge', (a) => a.href);
      const tagUrls = await page.$$eval('.module-meta a.tag', (as) => as.map((a) => a.href));
      assert.equal(tagUrls.length, module.tags.length);

      /* the home page and the pages after it, its category's and its tags' pages: its card
         is on one of each, its title as text */
      assert.equal(await visitList(page, 'index.html', problems, module.title), 1, 'the home pages show the module\'s card once');
      for (const list of [category, ...tagUrls]) {
        assert.equal(await visitList(page, list, problems, module.title), 1, `${decodeURI(list)} lists the module`);
      }

      /* a search for a word of its title */
      await visit(page, `search/index.html?q=${word}`, problems, () => settled(page, word));
      const results = await page.$$eval(RESULT_LINKS, (as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent })));
      const hit = results.find((r) => r.href.endsWith(`modules/${slug}/index.html`));
      assert.ok(hit, `searching "${word}" finds ${slug}: ${JSON.stringify(results)}`);
      assert.equal(hit.text, module.title, 'the result shows the title as text');

      /* hostile tags: the tags index and the search page's tag facets */
      if (module.tags.some((t) => /[<>"'&{]/.test(t))) {
        await visit(page, 'tags/index.html', problems);
        const listed = await page.$$eval('main a', (as) => as.map((a) => a.textContent.trim()));
        for (const t of module.tags) assert.ok(listed.some((l) => l.startsWith(t)), `the tags index shows ${t} as text`);
        for (const t of module.tags) {
          await visit(page, `search/index.html?tag=${encodeURIComponent(t)}`, problems, () => page.waitForSelector(RESULT_LINKS));
          const facets = await page.$$eval('#search-facets .facet-name', (els) => els.map((e) => e.textContent));
          assert.ok(facets.includes(t), `the tag facet ${t} is shown as text`);
        }
      }

      assert.deepEqual(problems, [], 'nothing of a vector in any page');
      assert.deepEqual(watch.dialogs, [], 'no dialog opened');
      assert.deepEqual(watch.csp, [], 'no CSP message in the console');
      assert.deepEqual(watch.errors, [], 'no uncaught error');
      assert.deepEqual(watch.failed, [], 'every file the pages ask the site for exists');
      const evil = watch.external.filter((u) => /evil\.example/.test(u));
      assert.deepEqual(evil, [], 'no request to a host a vector names');
    } finally {
      await context.close();
    }
  }

  for (const mode of MODES) {
    test(`the corpus ${mode.label}: no vector runs or survives as markup on any page`, { timeout: TIMEOUT, concurrency: 6 }, async (t) => {
      await Promise.all(SLUGS.map((slug) => t.test(slug, () => corpusModule(slug, mode))));
    });
  }

  test('the theme runs under netlify.toml\'s policy without a violation; external images load', { timeout: TIMEOUT }, async () => {
    const { context, page, watch } = await newPage(true);
    try {
      const pages = [
        ['index.html'],
        ['modules/audio-classification-tf/index.html'],
        ['categories/earth-observation/index.html'],
        ['categories/index.html'],
        ['tags/index.html'],
        ['search/index.html?q=audio', () => settled(page, 'audio')],
      ];
      for (const [url, ready] of pages) {
        const response = await page.goto(url);
        assert.equal(response.status(), 200, url);
        for (const [name, value] of Object.entries(HEADERS)) {
          assert.equal(response.headers()[name.toLowerCase()], value, `${url} is served with ${name}`);
        }
        if (ready) await ready();
        await page.$$eval('img', (imgs) => imgs.forEach((img) => { img.loading = 'eager'; }));
        await page.waitForLoadState('networkidle');
        await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
        assert.deepEqual(await violations(page), [], `${url}: no securitypolicyviolation event`);
        assert.deepEqual(watch.csp, [], `${url}: no CSP message in the console`);
        const images = await page.$$eval('img', (imgs) => imgs.map((img) => ({ src: img.src, width: img.naturalWidth })));
        for (const img of images) assert.ok(img.width > 0, `${url}: ${img.src} loaded`);
        if (url.startsWith('modules/')) {
          const external = images.filter((img) => /^https:/.test(img.src));
          assert.ok(external.length > 0, `${url} embeds external https images`);
          for (const img of external) assert.ok(watch.external.includes(img.src), `${img.src} came from the stub`);
          /* site.js ran under the policy: the copy buttons show */
          assert.ok(await page.$$eval('button.copy', (bs) => bs.length > 0 && bs.every((b) => !b.hidden)), 'the copy buttons are shown');
        }
        if (url.startsWith('search/')) {
          assert.ok((await page.$$eval(RESULT_LINKS, (as) => as.length)) > 0, 'search.js ran under the policy');
        }
      }
      assert.deepEqual(watch.errors, []);
      assert.deepEqual(watch.failed, []);
      assert.deepEqual(watch.dialogs, []);
    } finally {
      await context.close();
    }
  });

  /* The browser checks catch a vector that gets through: each canary injected into a built
     page (answered by a route instead of the server) must be found, run without a CSP
     when it would, and be reported as a violation under the CSP when it is a script. */
  for (const mode of MODES) {
    test(`the browser checks catch vectors injected into a built page ${mode.label}`, { timeout: TIMEOUT }, async () => {
      const built = theSite();
      const slug = SLUGS[0];
      const original = fs.readFileSync(path.join(built.dir, 'modules', slug, 'index.html'), 'utf8');
      for (const canary of CANARIES) {
        const { context, page, watch } = await newPage(mode.csp);
        try {
          const headers = Object.assign({ 'Content-Type': 'text/html; charset=utf-8' }, mode.csp ? HEADERS : {});
          await page.route(`**/modules/${slug}/index.html`, (route) => route.fulfill({ status: 200, headers, body: inject(original, canary.vector) }));
          const problems = [];
          await visit(page, `modules/${slug}/index.html`, problems);
          const label = `${canary.vector} ${mode.label}`;
          assert.ok(problems.some((p) => !/window\.__xss was set|CSP violation/.test(p)), `${label}: found in the DOM: ${JSON.stringify(problems)}`);
          if (!mode.csp && canary.runs === 'xss') {
            assert.ok(problems.some((p) => /window\.__xss was set/.test(p)), `${label}: ran and was seen`);
          }
          if (!mode.csp && canary.runs === 'dialog') assert.equal(watch.dialogs.length, 1, `${label}: the dialog was seen`);
          if (mode.csp && canary.runs) {
            assert.ok(problems.some((p) => /CSP violation/.test(p)), `${label}: the policy blocked it and said so`);
            assert.ok(watch.csp.length > 0, `${label}: the console said so`);
            assert.ok(!problems.some((p) => /window\.__xss was set/.test(p)), `${label}: the policy stopped it`);
          }
        } finally {
          await context.close();
        }
      }
    });
  }
}
