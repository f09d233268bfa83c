#!/usr/bin/env python3
"""Dates from git at scale: a catalogue with a long history, built with and without git.

    benches/gitdates.py [--modules N] [--commits M] [--runs R] [--work DIR]

Generates N modules (benches/generate.py), then a history of M commits through
`git fast-import`, shaped like a catalogue that grew: the first commit imports a fifth of
the modules, every later one adds its share of the rest and edits one to three modules
added before it (a paragraph more), a commit every six hours. Then runs `marketplace
check` (a build's every stage before it writes: load, git dates, Markdown, lint) R times
inside the repository and R times in a copy without `.git`, alternating, and prints the
median of `git log` alone, of the `git dates` stage (MARKETPLACE_TIMINGS; it runs beside
the Markdown) and of both wall times, with the difference: what dates from git add to a
build. A build's writing is left out on purpose: this disk's write speed varies by more
than the difference. Each cold run starts without `.marketplace-cache/` (a fresh
clone); a warm run follows it at the same commit (the next build). Last, one build checks that every module page got its date. Target (issue #15): 10,000 modules cost well
under a second.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
START = 1_735_689_600  # 2025-01-01T00:00:00Z: after every generated `created`


def binary():
    return subprocess.run([str(ROOT / "scripts/release-binary")], capture_output=True, text=True, check=True).stdout.strip()


def history(site: Path, commits: int, rng: random.Random):
    """Writes the history of site/modules/ into a new repository at site/."""
    files = sorted(p.name for p in (site / "modules").glob("*.md"))
    first = max(1, len(files) // 5)
    rest = files[first:]
    per = len(rest) / max(1, commits - 1)
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    fi = subprocess.Popen(["git", "-C", str(site), "fast-import", "--quiet"], stdin=subprocess.PIPE)
    out = fi.stdin
    added = []
    revision = {}

    def blob(name):
        text = (site / "modules" / name).read_bytes()
        if name in revision:
            text += f"\nRevision {revision[name]}.\n".encode()
        out.write(b"data %d\n" % len(text) + text + b"\n")

    def commit(n, names):
        when = START + n * 6 * 3600
        msg = f"commit {n}".encode()
        out.write(b"commit refs/heads/main\n")
        out.write(b"committer Bench <bench@example.org> %d +0000\n" % when)
        out.write(b"data %d\n%s\n" % (len(msg), msg))
        for name in names:
            out.write(f"M 100644 inline modules/{name}\n".encode())
            blob(name)

    def content():
        # The site's other files arrive with the first commit.
        for p in sorted(site.rglob("*")):
            rel = p.relative_to(site)
            if p.is_file() and rel.parts[0] not in (".git", "modules", "public"):
                data = p.read_bytes()
                out.write(f"M 100644 inline {rel.as_posix()}\n".encode())
                out.write(b"data %d\n" % len(data) + data + b"\n")

    for n in range(commits):
        if n == 0:
            new = files[:first]
        else:
            lo, hi = int((n - 1) * per), int(n * per)
            new = rest[lo:hi]
        edits = []
        if added and n > 0:
            for name in rng.sample(added, min(len(added), rng.randint(1, 3))):
                revision[name] = revision.get(name, 0) + 1
                edits.append(name)
        commit(n, new + edits)
        if n == 0:
            content()
        added.extend(new)
    out.close()
    if fi.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", str(site), "symbolic-ref", "HEAD", "refs/heads/main"], check=True)
    subprocess.run(["git", "-C", str(site), "reset", "-q", "--hard"], check=True)
    # A fresh clone's pack, as a CI checkout receives it.
    subprocess.run(["git", "-C", str(site), "gc", "-q", "--aggressive"], check=True)


def check(exe, site: Path):
    """`marketplace check`: everything a build does before it writes (git dates included),
    so that the disk's moods do not drown a fraction of a second."""
    env = dict(os.environ, MARKETPLACE_TIMINGS="1")
    t = time.perf_counter()
    r = subprocess.run([exe, "check", "--root", str(site)], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"check failed:\n{r.stderr}")
    stage = None
    for line in r.stderr.splitlines():
        if line.startswith("timing: git dates"):
            stage = int(line.split(" ms")[0].split()[-1]) / 1000
    return wall, stage


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--modules", type=int, default=10_000)
    ap.add_argument("--commits", type=int, default=2_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=HERE / ".work" / "gitdates")
    a = ap.parse_args()
    exe = binary()
    work = a.work / f"{a.modules}-{a.commits}"
    repo, bare = work / "repo", work / "no-git"
    if not (repo / ".git").is_dir():
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(a.modules), str(repo)], check=True)
        history(repo, a.commits, random.Random(15))
    shutil.rmtree(bare, ignore_errors=True)
    shutil.copytree(repo, bare, ignore=shutil.ignore_patterns(".git", "public"))

    log = []
    for _ in range(a.runs):
        t = time.perf_counter()
        subprocess.run(["git", "-C", str(repo), "log", "--no-merges", "--no-renames", "-z", "--name-status",
                        "--format=%x01%ct"], stdout=subprocess.DEVNULL, check=True)
        log.append(time.perf_counter() - t)
    with_git, stage, without, warm = [], [], [], []
    for _ in range(a.runs):
        # Cold: no cache of an earlier pass (a fresh clone); warm: the cache of the run
        # before, at the same commit (the next build of a checkout).
        shutil.rmtree(repo / ".marketplace-cache", ignore_errors=True)
        w, s = check(exe, repo)
        with_git.append(w)
        stage.append(s)
        w, _ = check(exe, bare)
        without.append(w)
        w, _ = check(exe, repo)
        warm.append(w)
    out = work / "public"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([exe, "build", "--root", str(repo), "--output", str(out)], check=True, capture_output=True)
    dated = (out / "sitemap.xml").read_text().count("<lastmod>")
    med = statistics.median
    print(f"{a.modules} modules, {a.commits} commits; medians of {a.runs} runs")
    print(f"  git log alone              {med(log):6.3f} s")
    print(f"  `git dates` stage          {med(stage):6.3f} s")
    print(f"  check in the repository    {med(with_git):6.3f} s  (no cache: a fresh clone)")
    print(f"  check without .git         {med(without):6.3f} s")
    print(f"  check again, same commit   {med(warm):6.3f} s  (the pass's cache)")
    for what, t in (("a fresh clone", med(with_git)), ("the next build", med(warm))):
        extra = t - med(without)
        verdict = "PASS" if extra < 0.5 else "FAIL"
        print(f"  dates from git add, {what:<15} {extra:6.3f} s  {verdict} (target: well under 1 s: < 0.5 s)")
    print(f"  sitemap entries with lastmod: {dated}")


if __name__ == "__main__":
    main()
