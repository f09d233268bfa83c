#!/usr/bin/env node
'use strict';
/* Load on the dev server, bounded (a number of requests, not a duration):
     node benches/serve-load.js [--site DIR] [--connections 200] [--requests 20000] [--edits 10]
   Starts `target/release/marketplace serve --port 0` on a copy of the repository's catalogue
   (modules/, content/, theme/ in a temp dir) or on DIR (e.g. made by benches/generate.py;
   one of its module files is edited and restored). Then, at once:
   - N keep-alive connections (Node's http.Agent) make R GET requests, each picked at random
     (fixed seed) among the site's pages and assets (the files of serve's private output);
   - a module file is edited E times (its title); after each edit the script waits for a new
     version on the live-reload event stream (/__marketplace/events) and for the page to show
     the new title, then pauses 100 ms.
   It prints the latency of the requests (p50, p90, p99, max), the TCP connections used, the
   errors (any failure or status other than 200) and the reloads seen, and exits 1 unless
   there was no error, every edit's reload was seen during the load, and no more
   connections were opened than N. No download: Node's standard library only.
   The binary: $MARKETPLACE_BIN, else $CARGO_TARGET_DIR/release/marketplace, else the target
   directory `cargo metadata` names; build it first with `cargo build --release`. */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { spawn, execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
const CONNECTIONS = Number(option('connections', 200));
const REQUESTS = Number(option('requests', 20000));
const EDITS = Number(option('edits', 10));
const SITE = option('site', null);

function binary() {
  if (process.env.MARKETPLACE_BIN) return process.env.MARKETPLACE_BIN;
  let target = process.env.CARGO_TARGET_DIR;
  if (!target) {
    const meta = execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: ROOT, encoding: 'utf8' });
    target = JSON.parse(meta).target_directory;
  }
  const bin = path.resolve(ROOT, target, 'release', 'marketplace');
  if (!fs.existsSync(bin)) throw new Error(`no ${bin}: run \`cargo build --release\` first`);
  return bin;
}

/* A deterministic random number generator (mulberry32). */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function walk(dir, rel = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...walk(dir, r));
    else out.push(r);
  }
  return out;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/* Starts serve; resolves with {child, url, publicDir}. */
function startServer(bin, root) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['serve', '--root', root, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr.on('data', (chunk) => { child.log = (child.log || '') + chunk; });
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/http:\/\/(127\.0\.0\.1:\d+)\//);
      if (m) {
        const publicDir = path.join(os.tmpdir(), `marketplace-serve-${child.pid}`, 'public');
        resolve({ child, url: m[0], host: m[1], publicDir });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited early (${code}): ${out}${child.log || ''}`)));
  });
}

/* GET with its own short-lived connection (the editor's checks; not counted). */
function fetchText(url) {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
}

/* Listens to the event stream; `versions` grows with each event, `wait(after)` resolves with
   the first version greater than `after`. */
function listen(url) {
  const versions = [];
  let waiters = [];
  const req = http.get(url + '__marketplace/events', { agent: false }, (res) => {
    res.setEncoding('utf8');
    let buf = '';
    res.on('data', (chunk) => {
      buf += chunk;
      let at;
      while ((at = buf.indexOf('\n\n')) >= 0) {
        const event = buf.slice(0, at);
        buf = buf.slice(at + 2);
        const data = event.split('\n').find((l) => l.startsWith('data: '));
        if (!data) continue;
        const v = BigInt(data.slice(6));
        versions.push(v);
        waiters = waiters.filter((w) => (v > w.after ? (w.resolve(v), false) : true));
      }
    });
  });
  req.on('error', () => {});
  return {
    versions,
    close: () => req.destroy(),
    wait: (after, ms) => new Promise((resolve, reject) => {
      const last = versions[versions.length - 1];
      if (last !== undefined && last > after) return resolve(last);
      const w = { after, resolve: (v) => { clearTimeout(w.timer); resolve(v); } };
      w.timer = setTimeout(() => { waiters = waiters.filter((x) => x !== w); reject(new Error(`no event after ${after} within ${ms} ms`)); }, ms);
      waiters.push(w);
    }),
  };
}

async function main() {
  const bin = binary();
  let root = SITE;
  let tmp = null;
  if (!root) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marketplace-load-'));
    for (const name of ['modules', 'content', 'theme']) fs.cpSync(path.join(ROOT, name), path.join(tmp, name), { recursive: true });
    root = tmp;
  }
  const moduleFile = path.join(root, 'modules', fs.readdirSync(path.join(root, 'modules')).filter((n) => n.endsWith('.md')).sort()[0]);
  const original = fs.readFileSync(moduleFile, 'utf8');
  const slug = path.basename(moduleFile, '.md');

  const server = await startServer(bin, root);
  const cleanup = async () => {
    fs.writeFileSync(moduleFile, original);
    await new Promise((r) => { server.child.removeAllListeners('exit'); server.child.on('exit', r); server.child.kill('SIGINT'); });
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const files = walk(server.publicDir);
    const pages = files.filter((f) => f.endsWith('.html')).map((f) => '/' + f.replace(/(^|\/)index\.html$/, '$1'));
    const assets = files.filter((f) => f.startsWith('static/') || f === 'search-index/meta.json' || f === 'feed.xml').map((f) => '/' + f);
    console.log(`serve-load: ${bin}`);
    console.log(`  site: ${root} (${pages.length} pages, ${assets.length} assets); editing modules/${slug}.md ${EDITS} times`);
    console.log(`  ${REQUESTS} requests over ${CONNECTIONS} keep-alive connections`);

    const events = listen(server.url);
    const first = await events.wait(-1n, 10000);

    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS, maxFreeSockets: CONNECTIONS });
    const sockets = new WeakSet();
    let connections = 0;
    const latencies = [];
    const errors = [];
    let issued = 0;
    let loadDone = false;
    const rand = random(42);
    /* Half pages, half assets. */
    const next = () => {
      const list = rand() < 0.5 ? pages : assets;
      return list[Math.floor(rand() * list.length)];
    };

    function one(p) {
      return new Promise((resolve) => {
        const start = process.hrtime.bigint();
        const req = http.get({ host: '127.0.0.1', port: Number(server.host.split(':')[1]), path: p, agent }, (res) => {
          res.on('data', () => {});
          res.on('end', () => {
            latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
            if (res.statusCode !== 200) errors.push(`${p}: ${res.statusCode}`);
            resolve();
          });
          res.on('error', (e) => { errors.push(`${p}: ${e.message}`); resolve(); });
        });
        req.on('socket', (s) => { if (!sockets.has(s)) { sockets.add(s); connections += 1; } });
        req.on('error', (e) => { errors.push(`${p}: ${e.message}`); resolve(); });
      });
    }

    async function worker() {
      while (issued < REQUESTS) {
        issued += 1;
        await one(next());
      }
    }

    async function editor() {
      const reloads = [];
      let seen = first;
      for (let k = 1; k <= EDITS; k++) {
        const title = `Load edit ${k}`;
        const t0 = process.hrtime.bigint();
        fs.writeFileSync(moduleFile, original.replace(/^title = ".*"$/m, `title = "${title}"`));
        for (;;) {
          seen = await events.wait(seen, 15000);
          const page = await fetchText(`${server.url}modules/${slug}/`);
          if (page.status === 200 && page.body.includes(title)) break;
        }
        reloads.push({ ms: Number(process.hrtime.bigint() - t0) / 1e6, duringLoad: !loadDone });
        await new Promise((r) => setTimeout(r, 100));
      }
      return reloads;
    }

    const t0 = process.hrtime.bigint();
    const editing = editor();
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    loadDone = true;
    let reloads = [];
    let editError = null;
    try { reloads = await editing; } catch (e) { editError = e; }
    events.close();
    agent.destroy();

    latencies.sort((a, b) => a - b);
    const during = reloads.filter((r) => r.duringLoad).length;
    const f = (x) => x.toFixed(1);
    console.log(`  ${latencies.length} responses in ${seconds.toFixed(2)} s (${Math.round(latencies.length / seconds)} requests/s)`);
    console.log(`  latency ms: p50 ${f(percentile(latencies, 50))}  p90 ${f(percentile(latencies, 90))}  p99 ${f(percentile(latencies, 99))}  max ${f(latencies[latencies.length - 1])}`);
    console.log(`  TCP connections opened: ${connections} (of at most ${CONNECTIONS})`);
    console.log(`  errors: ${errors.length}${errors.length ? ' (first: ' + errors.slice(0, 5).join('; ') + ')' : ''}`);
    const rms = reloads.map((r) => r.ms).sort((a, b) => a - b);
    console.log(`  reloads seen: ${reloads.length} of ${EDITS} edits, ${during} during the load` +
      (rms.length ? `; edit to event and new page, ms: median ${f(percentile(rms, 50))}, max ${f(rms[rms.length - 1])}` : '') +
      `; ${events.versions.length} events received`);
    if (editError) console.log(`  edit failed: ${editError.message}`);
    const updates = (server.child.log || '').split('\n').filter((l) => l.includes('(updated ')).length;
    console.log(`  serve's rebuilds: ${(server.child.log || '').split('\n').filter((l) => l.startsWith('rebuilt ')).length} (${updates} updates in place)`);
    const ok = errors.length === 0 && !editError && reloads.length === EDITS && during === EDITS && connections <= CONNECTIONS
      && latencies.length === REQUESTS;
    if (during < EDITS && !editError) console.log('  the load ended before the edits: raise --requests');
    console.log(ok ? 'PASS' : 'FAIL');
    return ok;
  } finally {
    await cleanup();
  }
}

main().then((ok) => process.exit(ok ? 0 : 1), (e) => { console.error(e); process.exit(2); });
