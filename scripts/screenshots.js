#!/usr/bin/env node
'use strict';
/* Screenshots of the built real catalogue for the README and reviews, in headless
   Chromium (Debian's /usr/bin/chromium, driven by playwright-core): the home page, a
   module page and search results, at desktop (1280x900) and phone (390x844) sizes, into
   docs/screenshots/. Builds the site first with the marketplace binary
   (the release build where cargo puts it, CARGO_TARGET_DIR included: `cargo build
   --release`; tests/js/lib/site.js finds it).
   External images of module descriptions are not fetched: they are drawn as a neutral
   placeholder, so the pictures do not depend on the network.

   Usage: node scripts/screenshots.js [--dark] [OUTPUT_DIR] */
const fs = require('node:fs');
const path = require('node:path');
const { buildSite, ROOT } = require('../tests/js/lib/site');
const { serve } = require('../tests/js/lib/server');
const { CHROMIUM, haveChromium, launch } = require('../tests/js/lib/browser');
const { openRendered } = require('../tests/js/lib/quality');

const SHOTS = [
  { name: 'home', path: 'index.html' },
  { name: 'module', path: 'modules/satsr/index.html', fullPage: 'desktop' },
  { name: 'search', path: 'search/index.html?q=satellite', ready: '#search-results a.search-result-link' },
];
const SIZES = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

/* A 640x360 grey placeholder (SVG) for external images, which stay offline. */
const PLACEHOLDER = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">' +
  '<rect width="640" height="360" fill="#c9d1da"/>' +
  '<path d="M250 240l60-80 45 55 30-35 55 60z" fill="#8a96a3"/><circle cx="270" cy="135" r="22" fill="#8a96a3"/></svg>',
);

async function main() {
  const args = process.argv.slice(2);
  const dark = args.includes('--dark');
  const out = path.resolve(args.find((a) => !a.startsWith('--')) || path.join(ROOT, 'docs', 'screenshots'));
  if (!haveChromium()) throw new Error(`${CHROMIUM} not found: apt-get install chromium`);
  fs.mkdirSync(out, { recursive: true });
  const site = buildSite({ fixtures: [] });
  const srv = await serve(site.dir);
  const browser = await launch();
  try {
    for (const size of SIZES) {
      const context = await browser.newContext({
        baseURL: srv.url,
        viewport: { width: size.width, height: size.height },
        deviceScaleFactor: 1,
        colorScheme: dark ? 'dark' : 'light',
        reducedMotion: 'reduce',
      });
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith(srv.url)) return route.continue();
        if (route.request().resourceType() === 'image') {
          return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: PLACEHOLDER });
        }
        return route.fulfill({ status: 200, contentType: 'text/plain', body: '' });
      });
      const page = await context.newPage();
      for (const shot of SHOTS) {
        await openRendered(page, shot.path, shot.ready);
        const file = path.join(out, `${shot.name}-${size.name}${dark ? '-dark' : ''}.png`);
        await page.screenshot({ path: file, fullPage: shot.fullPage === size.name });
        console.log(path.relative(process.cwd(), file));
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await srv.close();
    site.cleanup();
  }
}

main().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(1);
});
