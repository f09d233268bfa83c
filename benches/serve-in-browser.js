#!/usr/bin/env node
'use strict';
/* The serve target of "Speed at scale" (issue #6): how soon an edited module file shows
   in the browser. Starts `marketplace serve` on SITE (127.0.0.1, a free port), waits for
   its first build, opens the page of module-000123 in headless Chromium (with the live
   reload script serve injects), then EDITS times: writes the module file with a new
   title and measures from just before the write to the first paint of the reloaded page
   showing the new title in its <h1> (the page's own paint timing; both clocks are the
   machine's). One second between edits. The file is restored at the
   end. Prints one line per edit, then every measurement as one JSON object on the last
   line (benches/bench.py reads it).

     node benches/serve-in-browser.js SITE [EDITS] */
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { launch } = require('../tests/js/lib/browser');
const { binary } = require('../tests/js/lib/site');

async function main() {
  const site = path.resolve(process.argv[2] || '');
  const edits = Number(process.argv[3] || 5);
  const slug = 'module-000123';
  const file = path.join(site, 'modules', `${slug}.md`);
  const original = fs.readFileSync(file, 'utf8');
  const title = /^title = "(.*)"$/m.exec(original)[1];

  const started = Date.now();
  const serve = spawn(binary(), ['serve', '--root', site, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  let updatedAt = 0; /* when serve last printed that an update was done */
  serve.stderr.on('data', (chunk) => {
    const lines = String(chunk).split('\n').filter(Boolean);
    if (lines.some((l) => l.includes('(updated '))) updatedAt = performance.now();
    log.push(...lines);
  });
  const base = await new Promise((resolve, reject) => {
    serve.stdout.once('data', (chunk) => {
      const m = /(http:\/\/\S+\/)/.exec(String(chunk));
      if (m) resolve(m[1]);
      else reject(new Error(`serve did not start: ${chunk}`));
    });
    serve.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  const firstBuild = (Date.now() - started) / 1000;

  const browser = await launch();
  const times = [];
  const updated = [];
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}modules/${slug}/index.html`, { waitUntil: 'load' });
    await page.waitForTimeout(1000);
    for (let k = 1; k <= edits; k++) {
      const marker = `${title} (edit ${k})`;
      const edited = original.replace(`title = "${title}"`, `title = "${marker}"`);
      const t0 = performance.now();
      fs.writeFileSync(file, edited);
      await page.waitForFunction((m) => {
        const h1 = document.querySelector('h1');
        return h1 !== null && h1.textContent.includes(m);
      }, marker, { polling: 'raf', timeout: 600000 });
      /* The time the reloaded page first painted, by its own clock (epoch milliseconds,
         as Node's), rather than when this script's polling noticed. */
      const painted = await page.evaluate(() => {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        return performance.timeOrigin + (fcp ? fcp.startTime : performance.now());
      });
      const ms = Math.min(performance.now() - t0, painted - (performance.timeOrigin + t0));
      times.push(ms);
      updated.push(updatedAt - t0);
      console.log(`edit ${k}: shown after ${ms.toFixed(0)} ms (serve done after ${(updatedAt - t0).toFixed(0)} ms)`);
      await page.waitForTimeout(1000);
    }
  } finally {
    fs.writeFileSync(file, original);
    await browser.close();
    serve.kill('SIGINT');
    await new Promise((resolve) => serve.once('exit', resolve));
  }
  const rebuilds = log.map((l) => /rebuilt \d+ modules in (\d+) ms/.exec(l)).filter(Boolean).map((m) => Number(m[1]));
  const sorted = times.slice().sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const incremental = log.filter((l) => l.includes('(updated ')).length;
  console.log(`median ${median.toFixed(0)} ms over ${times.length} edits (${incremental} incremental updates); ` +
    `serve's own update: ${rebuilds.slice(1).join(', ')} ms; first build ${firstBuild.toFixed(1)} s`);
  console.log(JSON.stringify({ edits, ms: median, all_ms: times, updated_after_ms: updated, server_rebuild_ms: rebuilds.slice(1), incremental, first_build_s: firstBuild }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
