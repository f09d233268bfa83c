'use strict';
/* What the search benchmarks share (benches/search-typing.js, benches/pagefind.js):

   - gzipServer(dir, {mounts, pages, prime}): a static server on 127.0.0.1 that sends every
     compressible file (html, css, js, json, xml, txt, svg) gzipped at zlib level 6, as
     static hosts do, compressed once and then cached, `Cache-Control: no-store`; other
     files (images, Pagefind's .pf_* and .pagefind files, which Pagefind writes already
     compressed) as they are. `mounts` serves other directories under a URL prefix
     ({'/pagefind/': dir}), `pages` in-memory files ({'/__pagefind/index.html': html}).
     `prime` lists directories of `dir` compressed before it starts ({prime: ['static']}).
     `log` lists every response: {path, bytes (on the wire), raw}.
   - Traffic(page, server): which requests a page made, by resource type, so that the
     bytes of its scripts and fetches are counted whatever their names or number.
   - median, percentile, kb. */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const zlib = require('node:zlib');
const { resolve, contentType } = require('../../tests/js/lib/server');

const GZIP_LEVEL = 6;
const COMPRESSIBLE = /\.(html|css|js|mjs|json|xml|txt|svg)$/i;
/* The request kinds counted as "scripts and fetches" (Chromium's resource types). A
   <link rel="modulepreload"> is a "script" request in Chromium; "other" is counted too
   when it names a script or a JSON file (a preload Chromium does not type). */
const COUNTED = new Set(['script', 'fetch', 'xhr']);

function gzipServer(dir, options = {}) {
  const roots = [['/', fs.realpathSync(dir)]];
  for (const [prefix, mounted] of Object.entries(options.mounts || {})) roots.unshift([prefix, fs.realpathSync(mounted)]);
  const pages = options.pages || {};
  const cache = new Map();
  const log = [];
  const send = (req, res, key, raw, type) => {
    let entry = cache.get(key);
    if (!entry) {
      const bytes = raw();
      entry = { raw: bytes, gz: COMPRESSIBLE.test(key) ? zlib.gzipSync(bytes, { level: GZIP_LEVEL }) : null };
      cache.set(key, entry);
    }
    const accepts = /\bgzip\b/.test(req.headers['accept-encoding'] || '');
    const body = entry.gz && accepts ? entry.gz : entry.raw;
    const headers = { 'Content-Type': type, 'Content-Length': String(body.length), 'Cache-Control': 'no-store' };
    if (body === entry.gz) headers['Content-Encoding'] = 'gzip';
    log.push({ path: (req.url || '/').split(/[?#]/)[0], bytes: body.length, raw: entry.raw.length });
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  /* `prime`: directories (relative to `dir`) whose files are compressed before the
     server starts, so that the first page of a benchmark does not wait for its files'
     first compression (a host serves them compressed from the start) */
  const entryOf = (file) => {
    const bytes = fs.readFileSync(file);
    return { raw: bytes, gz: COMPRESSIBLE.test(file) ? zlib.gzipSync(bytes, { level: GZIP_LEVEL }) : null };
  };
  const walk = (rel) => {
    const at = path.join(roots[roots.length - 1][1], rel);
    if (!fs.existsSync(at)) return;
    if (fs.statSync(at).isDirectory()) {
      fs.readdirSync(at).sort().forEach((name) => walk(path.posix.join(rel, name)));
      return;
    }
    const found = resolve(roots[roots.length - 1][1], '/' + rel);
    if (found.file && !cache.has(found.file)) cache.set(found.file, entryOf(found.file));
  };
  (options.prime || []).forEach(walk);
  const server = http.createServer((req, res) => {
    const urlPath = (req.url || '/').split(/[?#]/)[0];
    if (Object.prototype.hasOwnProperty.call(pages, urlPath)) {
      send(req, res, `page:${urlPath}`, () => Buffer.from(pages[urlPath]), contentType(urlPath));
      return;
    }
    const [prefix, root] = roots.find(([p]) => urlPath.startsWith(p));
    const found = resolve(root, '/' + urlPath.slice(prefix.length));
    if (!found.file) {
      log.push({ path: urlPath, bytes: 0, raw: 0, status: found.status });
      res.writeHead(found.status, { 'Content-Type': 'text/plain' });
      res.end('error\n');
      return;
    }
    send(req, res, found.file, () => fs.readFileSync(found.file), contentType(found.file));
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => done({
      port: server.address().port,
      url: `http://127.0.0.1:${server.address().port}/`,
      log,
      close: () => new Promise((closed) => { server.closeAllConnections(); server.close(() => closed()); }),
    }));
  });
}

/* The requests of one page, by resource type, against the server's log from now on. */
class Traffic {
  constructor(page, server) {
    this.server = server;
    this.from = server.log.length;
    this.kinds = new Map();
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin === new URL(server.url).origin) this.kinds.set(url.pathname, request.resourceType());
    });
  }

  /* Since the page was opened (or `from`, an index into the server's log): the bytes of
     the scripts and fetches (`counted`), of everything (`all`), the files counted, the
     requests the server could not answer (`missing`: a broken build). */
  costs(from = this.from) {
    let counted = 0;
    let all = 0;
    const files = [];
    const missing = [];
    for (const e of this.server.log.slice(from)) {
      all += e.bytes;
      const kind = this.kinds.get(e.path) || 'other';
      if (COUNTED.has(kind) || (kind === 'other' && /\.(m?js|json)$/.test(e.path))) {
        if (e.status) missing.push(`${e.status} ${e.path}`);
        counted += e.bytes;
        files.push({ path: e.path, kind, gzip: e.bytes, raw: e.raw });
      }
    }
    return { counted, all, files, missing };
  }

  mark() {
    return this.server.log.length;
  }
}

const median = (xs) => {
  if (!xs.length) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs, p) => {
  if (!xs.length) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
};
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : 'n/a');

/* The slug of a module link (`../modules/<slug>/index.html`, `/modules/<slug>/`). */
const slugOf = (href) => {
  const m = /modules\/([^/]+)\/(index\.html)?$/.exec(href || '');
  return m ? m[1] : href;
};

module.exports = { GZIP_LEVEL, gzipServer, Traffic, median, percentile, kb, ms, slugOf, path };
