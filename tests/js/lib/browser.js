'use strict';
/* Headless Chromium for the browser tests, driven by playwright-core: Debian's
   /usr/bin/chromium (playwright never downloads a browser here). Pages see only the test
   server: every other request (module descriptions embed images from
   raw.githubusercontent.com and the like) is answered by a local stub, since the test
   machine is offline, and recorded. */
const fs = require('node:fs');

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/* A 1x1 transparent PNG: the stub for external images. */
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

function haveChromium() {
  return fs.existsSync(CHROMIUM);
}

/* Whether a missing browser must fail the run rather than skip it: CI set (not to "false" or "0"). */
function inCi() {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

async function launch() {
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 30000 });
}

/* A new context and page for `siteUrl` (ending in /). Returns {context, page, watch}:
   `watch` collects dialogs (dismissed at once), uncaught page errors, responses of the
   test server with status >= 400, the external URLs that were stubbed, and (`csp`) the
   console messages about a Content-Security-Policy. With `options.cspViolations`, every
   document also records its `securitypolicyviolation` events in `window.__violations`
   (read them with `violations(page)`). */
async function openPage(browser, siteUrl, options = {}) {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled !== false,
    baseURL: siteUrl,
    viewport: { width: 1280, height: 900 },
  });
  const origin = new URL(siteUrl).origin;
  const watch = { dialogs: [], errors: [], failed: [], external: [], csp: [] };
  await context.route('**/*', (route) => {
    const request = route.request();
    const url = request.url();
    if (url.startsWith(origin + '/')) return route.continue();
    watch.external.push(url);
    if (request.resourceType() === 'image') {
      return route.fulfill({ status: 200, contentType: 'image/png', body: PIXEL });
    }
    return route.fulfill({ status: 200, contentType: 'text/plain', body: '' });
  });
  if (options.cspViolations) await context.addInitScript(recordViolations);
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) watch.csp.push(`${message.text()} (on ${page.url()})`);
  });
  page.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()} (on ${page.url()})`);
    dialog.dismiss().catch(() => {});
  });
  page.on('pageerror', (error) => watch.errors.push(`${error.message} (on ${page.url()})`));
  page.on('response', (response) => {
    if (response.url().startsWith(origin + '/') && response.status() >= 400) {
      watch.failed.push(`${response.status()} ${response.url()}`);
    }
  });
  return { context, page, watch };
}

/* Runs in every document before its own scripts (an init script): records each
   Content-Security-Policy violation in window.__violations. */
function recordViolations() {
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__violations.push({
      directive: event.effectiveDirective || event.violatedDirective,
      blocked: event.blockedURI,
      sample: event.sample,
      source: event.sourceFile ? `${event.sourceFile}:${event.lineNumber}` : '',
    });
  }, true);
}

/* The violations the current document of `page` recorded (see openPage's cspViolations). */
async function violations(page) {
  return page.evaluate(() => window.__violations || null);
}

/* Defines a file's browser tests: `body()` registers them when Chromium is there;
   without it, one skipped test, or with CI set one failing test (a missing browser is a
   failure in CI, never a skip). `label` names the tests ("header search tests"). */
function withChromium(label, body) {
  const test = require('node:test');
  if (haveChromium()) {
    body();
    return;
  }
  const why = `${CHROMIUM} not found: install Debian's Chromium (apt-get install chromium) to run the browser tests`;
  if (inCi()) {
    test(`${label} need Chromium`, () => {
      throw new Error(`${why}; CI is set, so a missing browser is a failure, not a skip`);
    });
  } else {
    console.log(`${label} skipped: ${why}`);
    test(label, { skip: why }, () => {});
  }
}

/* A built site served on 127.0.0.1 and a browser, made before the file's tests and
   closed after them: `build()` returns {dir, cleanup} (lib/site.js's buildSite). The
   returned object's `server` and `browser` are set once the tests start. */
function servedSite(build) {
  const test = require('node:test');
  const { serve } = require('./server');
  const env = { site: null, server: null, browser: null };
  test.before(async () => {
    env.site = build();
    env.server = await serve(env.site.dir);
    env.browser = await launch();
  });
  test.after(async () => {
    if (env.browser) await env.browser.close();
    if (env.server) await env.server.close();
    if (env.site) env.site.cleanup();
  });
  return env;
}

module.exports = { CHROMIUM, ARGS, haveChromium, inCi, launch, openPage, violations, withChromium, servedSite };
