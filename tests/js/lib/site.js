'use strict';
/* The site the browser tests run against: the repository's modules/, content/ and theme/
   copied into a temp dir, plus the fixtures of tests/fixtures/browser/ (or of the
   directories given as `fixtures`) as extra modules, built once with the marketplace
   binary. */
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

/* The module files of a fixture directory: its .md files but a README.md. */
function fixtureFiles(dir) {
  return fs.readdirSync(dir).filter((name) => name.endsWith('.md') && name !== 'README.md').sort();
}

/* Builds the site into a fresh temp dir; returns {root, dir (the output), cleanup()}.
   `options.fixtures`: the directories whose module files are added (default
   [FIXTURES]). */
function buildSite(options = {}) {
  const fixtures = options.fixtures || [FIXTURES];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'marketplace-browser-'));
  for (const name of ['modules', 'content', 'theme']) {
    fs.cpSync(path.join(ROOT, name), path.join(root, name), { recursive: true });
  }
  for (const dir of fixtures) {
    for (const name of fixtureFiles(dir)) {
      const target = path.join(root, 'modules', name);
      if (fs.existsSync(target)) {
        fs.rmSync(root, { recursive: true, force: true });
        throw new Error(`fixture ${path.join(dir, name)} would replace a module`);
      }
      fs.copyFileSync(path.join(dir, name), target);
    }
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

module.exports = { ROOT, FIXTURES, binary, buildSite, fixtureFiles };
