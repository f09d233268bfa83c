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

/* Where cargo puts its builds: $CARGO_TARGET_DIR (relative to the repository when it is
   relative, as cargo takes it), else what `cargo metadata` says (it also knows
   `build.target-dir` of a cargo config), else target/. */
function targetDir() {
  const env = process.env.CARGO_TARGET_DIR;
  if (env) return path.resolve(ROOT, env);
  try {
    const out = execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps', '--offline'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const dir = JSON.parse(out.toString()).target_directory;
    if (dir) return dir;
  } catch (error) {
    /* No cargo on the PATH: the default layout is the best guess. */
  }
  return path.join(ROOT, 'target');
}

/* The build binary: $MARKETPLACE_BIN, else the release build, else the debug build, in
   cargo's target directory. */
function binary() {
  if (process.env.MARKETPLACE_BIN) {
    if (!fs.existsSync(process.env.MARKETPLACE_BIN)) {
      throw new Error(`MARKETPLACE_BIN is ${process.env.MARKETPLACE_BIN}, which does not exist`);
    }
    return process.env.MARKETPLACE_BIN;
  }
  const dir = targetDir();
  const candidates = [path.join(dir, 'release', 'marketplace'), path.join(dir, 'debug', 'marketplace')];
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

/* Why a child process (or the lookup before it) failed: its stderr when it wrote any,
   else its exit status or signal, else the error's own message; never empty. */
function failure(error) {
  const stderr = error.stderr ? error.stderr.toString().trim() : '';
  if (stderr) return stderr.slice(-4000);
  if (error.status != null) return `exit status ${error.status}: ${error.message}`;
  if (error.signal) return `killed by ${error.signal}: ${error.message}`;
  return error.message || String(error);
}

/* Turns on `[search] elasticlunr_json` in a site root's content/site.toml: the build then
   also writes search-index.json, which the equivalence tests load in elasticlunr.js. */
function enableElasticlunrJson(root) {
  fs.appendFileSync(path.join(root, 'content', 'site.toml'), '\n[search]\nelasticlunr_json = true\n');
}

/* Builds the site into a fresh temp dir; returns {root, dir (the output), cleanup()}.
   `options.fixtures`: the directories whose module files are added (default
   [FIXTURES]); `options.elasticlunr`: also write search-index.json. */
function buildSite(options = {}) {
  const fixtures = options.fixtures || [FIXTURES];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'marketplace-browser-'));
  for (const name of ['modules', 'content', 'theme']) {
    fs.cpSync(path.join(ROOT, name), path.join(root, name), { recursive: true });
  }
  if (options.elasticlunr) enableElasticlunrJson(root);
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
    fs.rmSync(root, { recursive: true, force: true });
    throw new Error('building the browser test site failed: ' + failure(error), { cause: error });
  }
  return { root, dir, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

module.exports = { ROOT, FIXTURES, binary, buildSite, enableElasticlunrJson, failure, fixtureFiles, targetDir };
