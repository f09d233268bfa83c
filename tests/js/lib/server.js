'use strict';
/* A small static file server for the browser tests: serves one directory on 127.0.0.1
   (a free port), GET and HEAD only, with the content types a static host sends. A
   directory serves its index.html; a path that leaves the root (`..`, encoded or not, a
   NUL, a symbolic link pointing out) is refused with 403; anything else missing is 404.
   By default no other headers than the host's basics: in particular no
   Content-Security-Policy, so the XSS tests see what the markup does, not what a CSP would
   hide. `serve(dir, {headers})` adds headers to every response: `netlifyHeaders()` reads
   the ones netlify.toml sets for "/*", to serve the site as it is deployed. */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

function contentType(file) {
  return TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

/* The file a URL path names inside `root` (a real path), or {status} when there is none. */
function resolve(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch (e) {
    return { status: 400 };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { status: 403 };
  const segments = decoded.split('/');
  if (segments.includes('..')) return { status: 403 };
  let file = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  if (file !== root && !file.startsWith(root + path.sep)) return { status: 403 };
  let stat;
  try {
    file = fs.realpathSync(file);
    if (file !== root && !file.startsWith(root + path.sep)) return { status: 403 };
    stat = fs.statSync(file);
    if (stat.isDirectory()) {
      file = path.join(file, 'index.html');
      stat = fs.statSync(file);
    }
  } catch (e) {
    return { status: 404 };
  }
  if (!stat.isFile()) return { status: 404 };
  return { file, size: stat.size };
}

/* Starts serving `dir`; resolves to {url (ending in /), port, close(), requests}. `requests`
   lists every request served as {method, path, status}. `options.headers`: headers added to
   every response (the content type and length stay the server's own). */
function serve(dir, options = {}) {
  const root = fs.realpathSync(dir);
  const extra = options.headers || {};
  const requests = [];
  const server = http.createServer((req, res) => {
    const urlPath = (req.url || '/').split(/[?#]/)[0];
    const reply = (status, body, headers) => {
      requests.push({ method: req.method, path: req.url, status });
      res.writeHead(status, Object.assign({ 'Cache-Control': 'no-store' }, extra, headers));
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply(405, 'method not allowed\n', { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' });
      return;
    }
    if (!urlPath.startsWith('/')) {
      reply(400, 'bad request\n', { 'Content-Type': 'text/plain; charset=utf-8' });
      return;
    }
    const found = resolve(root, urlPath);
    if (!found.file) {
      const text = { 400: 'bad request', 403: 'forbidden', 404: 'not found' }[found.status];
      reply(found.status, text + '\n', { 'Content-Type': 'text/plain; charset=utf-8' });
      return;
    }
    let body;
    try {
      body = fs.readFileSync(found.file);
    } catch (e) {
      reply(404, 'not found\n', { 'Content-Type': 'text/plain; charset=utf-8' });
      return;
    }
    reply(200, body, { 'Content-Type': contentType(found.file), 'Content-Length': String(body.length) });
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolvePromise({
        url: `http://127.0.0.1:${port}/`,
        port,
        requests,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

/* The headers netlify.toml (`file`, default the repository's) sets for the path pattern
   `pattern` (default "/*"), as {name: value}. A tiny reader for just that: the
   [[headers]] tables, their `for` and their [headers.values] keys, with basic strings
   ("...", backslash escapes) and literal strings ('...') on one line each; comments and
   every other table are skipped. Throws when no [[headers]] block is for `pattern`. */
function netlifyHeaders(file = path.join(__dirname, '..', '..', '..', 'netlify.toml'), pattern = '/*') {
  const blocks = [];
  let block = null;
  let inValues = false;
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  lines.forEach((raw, n) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const table = /^(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (table) {
      const name = table[2];
      if (table[1] === '[[' && name === 'headers') {
        block = { for: null, values: {} };
        blocks.push(block);
        inValues = false;
      } else if (table[1] === '[' && name === 'headers.values' && block) {
        inValues = true;
      } else {
        block = null;
        inValues = false;
      }
      return;
    }
    if (!block) return;
    const pair = /^("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*')\s*(#.*)?$/.exec(line);
    if (!pair) throw new Error(`${file}:${n + 1}: cannot read ${JSON.stringify(line)} (a key = "string" line expected in [[headers]])`);
    const key = tomlString(pair[1]);
    const value = tomlString(pair[2]);
    if (inValues) block.values[key] = value;
    else if (key === 'for') block.for = value;
  });
  const matching = blocks.filter((b) => b.for === pattern);
  if (matching.length === 0) throw new Error(`${file}: no [[headers]] block for "${pattern}"`);
  return Object.assign({}, ...matching.map((b) => b.values));
}

/* A TOML key or string: bare, '...' (literal) or "..." (with escapes). */
function tomlString(token) {
  if (token.startsWith("'")) return token.slice(1, -1);
  if (!token.startsWith('"')) return token;
  return token.slice(1, -1).replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, (all, e) => {
    const simple = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };
    if (e in simple) return simple[e];
    if (e[0] === 'u' || e[0] === 'U') return String.fromCodePoint(parseInt(e.slice(1), 16));
    throw new Error(`unknown escape \\${e} in ${token}`);
  });
}

module.exports = { serve, resolve, contentType, netlifyHeaders };
