'use strict';
/* The Node suite finds the marketplace binary where cargo put it, also with
   CARGO_TARGET_DIR pointing outside the clone (a common global setting and what CI caches
   use), and a failing build helper says why instead of an empty message. Each case runs
   the lookup in a child process with its own environment, as a test run would see it. */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ROOT } = require('./lib/site');

const SITE_JS = path.join(__dirname, 'lib', 'site.js');

/* Runs `code` in a fresh node with `env` (MARKETPLACE_BIN and CARGO_TARGET_DIR cleared
   first); returns what it printed. */
function inChild(code, env, cwd = ROOT) {
  const base = { ...process.env };
  delete base.MARKETPLACE_BIN;
  delete base.CARGO_TARGET_DIR;
  return execFileSync(process.execPath, ['-e', code], { cwd, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    .toString()
    .trim();
}

/* A target directory outside the clone with a stand-in binary: a shell script that
   prints `stderr` to stderr and exits with `status`. */
function fakeTarget(profile, { status = 0, stderr = '' } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marketplace-target-'));
  fs.mkdirSync(path.join(dir, profile));
  const bin = path.join(dir, profile, 'marketplace');
  fs.writeFileSync(bin, `#!/bin/sh\n${stderr ? `echo '${stderr}' >&2\n` : ''}exit ${status}\n`, { mode: 0o755 });
  return { dir, bin, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/* Where the stand-in binary is put, and how the child is told of its target directory. */
const LOOKUPS = [
  { name: 'the binary is found under an absolute CARGO_TARGET_DIR outside the clone', profile: 'release',
    env: (dir) => ({ CARGO_TARGET_DIR: dir }) },
  { name: 'a debug build under CARGO_TARGET_DIR is found when there is no release build', profile: 'debug',
    env: (dir) => ({ CARGO_TARGET_DIR: dir }) },
  // Run from another directory: the lookup must not depend on the working directory.
  { name: 'a relative CARGO_TARGET_DIR is taken from the repository root, as cargo takes it', profile: 'release',
    env: (dir) => ({ CARGO_TARGET_DIR: path.relative(ROOT, dir) }), cwd: os.tmpdir() },
  // CARGO_BUILD_TARGET_DIR is `build.target-dir` of a cargo config, given as an
  // environment variable: only cargo knows it, so only `cargo metadata` can find it.
  { name: 'a target directory set in cargo configuration (not CARGO_TARGET_DIR) is found through cargo metadata',
    profile: 'release', env: (dir) => ({ CARGO_BUILD_TARGET_DIR: dir }) },
];

for (const lookup of LOOKUPS) {
  test(lookup.name, () => {
    const target = fakeTarget(lookup.profile);
    try {
      const found = inChild(`console.log(require(${JSON.stringify(SITE_JS)}).binary())`, lookup.env(target.dir), lookup.cwd);
      assert.equal(found, target.bin);
    } finally {
      target.cleanup();
    }
  });
}

test('a missing binary fails buildSite with the paths it tried', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'marketplace-target-'));
  try {
    const code = `try { require(${JSON.stringify(SITE_JS)}).buildSite({ fixtures: [] }); console.log('built'); }
                  catch (e) { console.log(e.message); }`;
    const message = inChild(code, { CARGO_TARGET_DIR: empty });
    assert.match(message, /^building the browser test site failed: no marketplace binary/);
    assert.ok(message.includes(path.join(empty, 'release', 'marketplace')), message);
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('a failing build says why: its stderr, or its exit status when it printed nothing', () => {
  const code = `try { require(${JSON.stringify(SITE_JS)}).buildSite({ fixtures: [] }); console.log('built'); }
                catch (e) { console.log(e.message); }`;
  const loud = fakeTarget('release', { status: 3, stderr: 'error: the theme is broken' });
  const quiet = fakeTarget('release', { status: 4 });
  try {
    assert.match(inChild(code, { CARGO_TARGET_DIR: loud.dir }), /failed: error: the theme is broken$/);
    assert.match(inChild(code, { CARGO_TARGET_DIR: quiet.dir }), /failed: exit status 4: /);
  } finally {
    loud.cleanup();
    quiet.cleanup();
  }
});
