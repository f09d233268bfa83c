#!/usr/bin/env node
'use strict';
/* The serve target of "Speed at scale" (issue #6): how soon an edited module file shows
   in the browser. Starts `marketplace serve` on SITE (127.0.0.1, a free port), waits for
   its first build, opens the page of module-000123 in headless Chromium (with the live
   reload script serve injects), then EDITS times: writes the module file with a new
   title and measures, in Node, from just before the write to the moment the reloaded
   page's <h1> shows the new title. One second between edits. The file is restored at the
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
  serve.stderr.on('data', (chunk) => log.push(...String(chunk).split('\n').filter(Boolean)));
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
      const ms = performance.now() - t0;
      times.push(ms);
      console.log(`edit ${k}: shown after ${ms.toFixed(0)} ms`);
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
  console.log(JSON.stringify({ edits, ms: median, all_ms: times, server_rebuild_ms: rebuilds.slice(1), incremental, first_build_s: firstBuild }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
