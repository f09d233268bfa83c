'use strict';
/* The site the browser tests run against: the repository's modules/, content/ and theme/
   copied into a temp dir, plus the fixtures of tests/fixtures/browser/ as extra modules,
   built once with the marketplace binary. */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'browser');

/* The build binary: $MARKETPLACE_BIN, else target/release, else target/debug. */
function binary() {
  const candidates = [
    process.env.MARKETPLACE_BIN,
    path.join(ROOT, 'target', 'release', 'marketplace'),
    path.join(ROOT, 'target', 'debug', 'marketplace'),
  ].filter(Boolean);
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error('no marketplace binary (tried ' + candidates.join(', ') + '): run `cargo build --release` first');
  }
  return found;
}

/* Builds the site into a fresh temp dir; returns {root, dir (the output), cleanup()}. */
function buildSite() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'marketplace-browser-'));
  for (const name of ['modules', 'content', 'theme']) {
    fs.cpSync(path.join(ROOT, name), path.join(root, name), { recursive: true });
  }
  for (const name of fs.readdirSync(FIXTURES)) {
    if (!name.endsWith('.md')) continue;
    const target = path.join(root, 'modules', name);
    if (fs.existsSync(target)) throw new Error(`fixture ${name} would replace a real module`);
    fs.copyFileSync(path.join(FIXTURES, name), target);
  }
  const dir = path.join(root, 'public');
  try {
    execFileSync(binary(), ['build', '--root', root, '--output', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = error.stderr ? error.stderr.toString() : '';
    fs.rmSync(root, { recursive: true, force: true });
    throw new Error('building the browser test site failed:\n' + stderr.slice(-4000));
  }
  return { root, dir, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

module.exports = { ROOT, FIXTURES, binary, buildSite };
