'use strict';
/* `marketplace serve` in a real browser: an open page reloads by itself after a module
   file changes (told by Server-Sent Events), a page whose live-reload script connects only
   after a rebuild still reloads, the page and its assets come over kept-alive connections,
   and the page runs under the server's Content-Security-Policy without a violation.
   Skipped without /usr/bin/chromium, failing instead when CI is set. */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { ROOT, binary } = require('./lib/site');
const { CHROMIUM, haveChromium, inCi, launch, openPage } = require('./lib/browser');

const skip = !haveChromium() && !inCi() ? `no ${CHROMIUM}: browser tests skipped` : false;

function module(title) {
  return `+++
title = "${title}"
summary = "A module edited while the page is open."
category = "general-purpose"
license = "MIT"
created = 2024-01-01

[links]
source = "https://example.org/code"

[docker]
image = "example/live"
+++
Body.
`;
}

/* Starts `serve --port 0` on a copy of the site; resolves with {url, stop()}. */
function startServer(root) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary(), ['serve', '--root', root, '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) resolve({ url: m[0], stop: () => new Promise((r) => { child.on('exit', r); child.kill('SIGINT'); }) });
    });
    child.on('exit', (code) => reject(new Error(`serve exited early (${code}): ${out}`)));
  });
}

test('an open page reloads by itself after a module file changes', { skip, timeout: 90000 }, async () => {
  assert.ok(haveChromium(), `${CHROMIUM} is missing and CI is set: install Debian's chromium`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'marketplace-live-'));
  for (const name of ['content', 'theme']) fs.cpSync(path.join(ROOT, name), path.join(root, name), { recursive: true });
  fs.mkdirSync(path.join(root, 'modules'));
  const file = path.join(root, 'modules', 'live.md');
  fs.writeFileSync(file, module('Before the edit'));
  const server = await startServer(root);
  const browser = await launch();
  try {
    const { page, watch } = await openPage(browser, server.url);
    const violations = [];
    page.on('console', (msg) => { if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text()); });
    /* Every response of the test server and its TCP connection (Chromium's connectionId). */
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const responses = [];
    cdp.on('Network.responseReceived', (e) => {
      const r = e.response;
      if (r.url.startsWith(server.url)) responses.push({ url: r.url.slice(server.url.length), id: r.connectionId });
    });
    const streams = [];
    page.on('request', (r) => { if (r.url().endsWith('/__marketplace/events')) streams.push(r.resourceType()); });
    const listening = page.waitForRequest((r) => r.url().endsWith('/__marketplace/events'));
    await page.goto('modules/live/index.html');
    assert.equal(await page.locator('h1').innerText(), 'Before the edit');
    await listening;
    assert.deepEqual(streams, ['eventsource'], 'live reload listens with an EventSource');
    /* Kept alive: the page and its assets share connections (Chromium opens up to six to a
       host for requests made at once); the event stream holds one of its own. */
    const firstLoad = responses.splice(0);
    const ids = new Set(firstLoad.map((r) => r.id));
    const shown = JSON.stringify(firstLoad);
    assert.ok(firstLoad.length >= 5 && ids.size < firstLoad.length && ids.size <= 7, `${firstLoad.length} responses over ${ids.size} connections: ${shown}`);
    /* A marker in the page's JavaScript state: a reload wipes it. */
    await page.evaluate(() => { window.__notReloaded = true; });
    fs.writeFileSync(file, module('After the edit'));
    await page.waitForFunction(() => !window.__notReloaded && document.querySelector('h1')
      && document.querySelector('h1').textContent.includes('After the edit'), null, { timeout: 15000 });
    /* The reload fetched the page over a connection already open. (Whether the assets
       come from the cache cannot be seen here: Playwright's routing, which openPage uses
       to stub external requests, turns Chromium's HTTP cache off. tests/suite/serve.rs
       checks the Cache-Control headers.) */
    const reload = responses.splice(0);
    const pageResponse = reload.find((r) => r.url === 'modules/live/index.html');
    assert.ok(pageResponse && ids.has(pageResponse.id), `the reloaded page came over a new connection: ${JSON.stringify(reload)} after ${shown}`);
    /* A broken edit shows the diagnostics, and fixing it brings the page back. */
    fs.writeFileSync(file, module('Broken').replace('general-purpose', 'no-such-category'));
    await page.waitForFunction(() => document.body && document.body.textContent.includes('unknown category'), null, { timeout: 15000 });
    fs.writeFileSync(file, module('Fixed again'));
    await page.waitForFunction(() => document.querySelector('h1') && document.querySelector('h1').textContent.includes('Fixed again'), null, { timeout: 15000 });

    /* No lost reload: the page is served, then the site is rebuilt before its live-reload
       script connects (the script is held back until the new version is out). */
    const before = await (await fetch(server.url + '__marketplace/version')).text();
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route('**/__marketplace/livereload.js', async (route) => { await held; await route.continue(); });
    /* The deferred script holds the load event: wait for the page's first bytes only. */
    await page.goto('modules/live/index.html', { waitUntil: 'commit' });
    await page.waitForFunction(() => document.querySelector('h1') && document.querySelector('h1').textContent.includes('Fixed again'));
    await page.evaluate(() => { window.__notReloaded = true; });
    fs.writeFileSync(file, module('Edited before the script ran'));
    while ((await (await fetch(server.url + '__marketplace/version')).text()) === before) await new Promise((r) => setTimeout(r, 50));
    release();
    await page.waitForFunction(() => !window.__notReloaded && document.querySelector('h1')
      && document.querySelector('h1').textContent.includes('Edited before the script ran'), null, { timeout: 15000 });
    await page.unroute('**/__marketplace/livereload.js');

    assert.deepEqual(violations, [], 'no Content-Security-Policy violation');
    assert.deepEqual(watch.errors, []);
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
