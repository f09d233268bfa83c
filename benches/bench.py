#!/usr/bin/env python3
"""The "Speed at scale" benchmark: marketplace against Hugo on the same generated catalogue,
the real catalogue, the dev server's rebuilds, and the search budgets of issue #14 on
several catalogue shapes, side by side with Pagefind. Run it through benches/run.sh, which
installs Hugo, Pagefind and GNU time first (see benches/README.md).

    benches/bench.py [--large] [--sizes 1000,10000] [--runs R] [--keep] [--json FILE]
                     [--search-only] [--shapes short,today,long] [--search-sizes 10000]
                     [--search-runs R] [--no-pagefind]

For each size N: generates the catalogue once (benches/generate.py, cached under
benches/.work/nN/site while the generator, content/ and theme/ are unchanged), writes the same
catalogue as a Hugo site (benches/.work/nN/hugo, from benches/hugo-site/), then runs
`marketplace build` and `hugo --quiet` alternately, R times each, each into a fresh output
directory, under /usr/bin/time for peak memory. At 10,000 modules it also measures how soon
`marketplace serve` shows an edit.

The search section (alone with --search-only): for each shape of SHAPES (generate.py's
options) and each size (10,000; --large adds 100,000), generates the catalogue under
/tmp/bench-shapes/, copies the repository's theme/ into it again, builds it with the release
binary, runs benches/search-typing.js on the output (every budget of issue #14, PASS or FAIL),
indexes the same module pages with Pagefind into a directory of its own and runs
benches/pagefind.js, then prints both projects' first-query bytes, first-result times and
index build times with the ratios. Prints the results and every target with PASS or FAIL.
Standard library only.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCHES = REPO / "benches"
WORK = BENCHES / ".work"


def release_binary():
    """The release binary where cargo puts it (CARGO_TARGET_DIR, a cargo config's
    build.target-dir, or target/): scripts/release-binary asks cargo metadata."""
    out = subprocess.run([str(REPO / "scripts" / "release-binary")], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


MARKETPLACE = release_binary()
GNU_TIME = "/usr/bin/time"
HUGO_SITE = BENCHES / "hugo-site"
GB = 1024 ** 3


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def hugo_binary():
    """The Hugo executable the `hugo` package ships (its `hugo` script is a Python wrapper,
    which would add a Python start-up to every timing)."""
    found = sorted((BENCHES / ".venv").glob("lib/python*/site-packages/hugo/binaries/hugo"))
    if not found:
        sys.exit("bench.py: Hugo is not installed in benches/.venv; run benches/run.sh")
    return found[0]


def tree_digest(*paths):
    """A digest of the files under `paths` (names and bytes), to know when a cache is stale."""
    h = hashlib.sha256()
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for f in files:
            h.update(str(f.relative_to(REPO)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


# ---------------------------------------------------------------- the two sites


def generate(n):
    """benches/.work/nN/site: the generated catalogue, regenerated only when stale."""
    site = WORK / f"n{n}" / "site"
    stamp = WORK / f"n{n}" / "site.stamp"
    digest = tree_digest(BENCHES / "generate.py", REPO / "content", REPO / "theme") + f" {n}"
    if stamp.exists() and stamp.read_text() == digest:
        return site
    if site.exists():
        shutil.rmtree(site)
    log(f"generating {n} modules ...")
    subprocess.run([sys.executable, str(BENCHES / "generate.py"), str(n), str(site)], check=True)
    stamp.write_text(digest)
    return site


FRONT_MATTER_RENAMES = {"created": "date", "updated": "lastmod", "order": "weight"}


def hugo_front_matter(text, extra=()):
    """The module format's TOML front matter as Hugo reads it: `category = "x"` becomes the
    taxonomy `categories = ["x"]`, `created`/`updated` become `date`/`lastmod`, `order`
    becomes `weight`; everything else (tags, links, ...) is kept as it is."""
    if not text.startswith("+++\n"):
        raise ValueError("no +++ front matter")
    end = text.index("\n+++\n", 3)
    lines = text[4:end].split("\n")
    out = []
    top = True
    for line in lines:
        if line.startswith("["):
            if top:
                out.extend(extra)
            top = False
        m = re.match(r"^([A-Za-z_]+)(\s*=\s*)(.*)$", line) if top else None
        if m and m.group(1) == "category":
            line = f"categories = [{m.group(3)}]"
        elif m and m.group(1) in FRONT_MATTER_RENAMES:
            line = FRONT_MATTER_RENAMES[m.group(1)] + m.group(2) + m.group(3)
        out.append(line)
    if top:
        out.extend(extra)
    return "+++\n" + "\n".join(out) + "\n+++\n" + text[end + 5:]


def hugo_site(n, site, hugo):
    """benches/.work/nN/hugo: the same catalogue as a Hugo site (config and layouts from
    benches/hugo-site/, the theme's CSS and JS as assets, icons and favicon as static files,
    Chroma's CSS for the code classes), rewritten only when stale."""
    dest = WORK / f"n{n}" / "hugo"
    stamp = WORK / f"n{n}" / "hugo.stamp"
    digest = (WORK / f"n{n}" / "site.stamp").read_text() + tree_digest(HUGO_SITE, Path(__file__)) + str(hugo)
    if stamp.exists() and stamp.read_text() == digest:
        return dest
    if dest.exists():
        shutil.rmtree(dest)
    log(f"writing the Hugo site of {n} modules ...")
    shutil.copytree(HUGO_SITE, dest)
    theme = site / "theme" / "static"
    (dest / "assets").mkdir()
    for name in ("style.css", "site.js"):
        shutil.copy(theme / name, dest / "assets" / name)
    for name, style in (("highlight-light.css", "github"), ("highlight-dark.css", "github-dark")):
        css = subprocess.run([str(hugo), "gen", "chromastyles", f"--style={style}"], check=True,
                             capture_output=True, text=True).stdout
        (dest / "assets" / name).write_text(css)
    (dest / "static").mkdir()
    shutil.copy(theme / "favicon.svg", dest / "static" / "favicon.svg")
    shutil.copytree(theme / "icons", dest / "static" / "icons")
    content = dest / "content"
    (content / "modules").mkdir(parents=True)
    # The section's own list page is not built (marketplace has no /modules/ page); its
    # pages are.
    (content / "modules" / "_index.md").write_text('+++\ntitle = "Modules"\n[build]\nrender = "never"\n+++\n')
    for f in sorted((site / "modules").glob("*.md")):
        (content / "modules" / f.name).write_text(hugo_front_matter(f.read_text()))
    for f in sorted((site / "content" / "categories").glob("*.md")):
        d = content / "categories" / f.stem
        d.mkdir(parents=True)
        # marketplace writes an Atom feed per category: so does Hugo (RSS), not per tag.
        (d / "_index.md").write_text(hugo_front_matter(f.read_text(), ['outputs = ["html", "rss"]']))
    for f in sorted((site / "content" / "pages").glob("*.md")):
        (content / f.name).write_text(hugo_front_matter(f.read_text()))
    stamp.write_text(digest)
    return dest


# ---------------------------------------------------------------- timing


def settle():
    """Flush the previous run's writes before the next run starts."""
    os.sync()
    time.sleep(0.5)


def timed(cmd, env=None):
    """Runs `cmd` under GNU time; returns wall seconds (measured here, around it), peak RSS
    in bytes and the command's stderr. Fails loudly on a non-zero exit."""
    settle()
    tfile = WORK / f"time-{os.getpid()}.txt"
    t0 = time.perf_counter()
    p = subprocess.run([GNU_TIME, "-o", str(tfile), "-f", "%e %M", *map(str, cmd)],
                       capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"bench.py: {' '.join(map(str, cmd))} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    elapsed, rss_kb = tfile.read_text().split()[-2:]
    tfile.unlink()
    return {"wall": wall, "time_e": float(elapsed), "rss": int(rss_kb) * 1024, "stderr": p.stderr,
            "load": os.getloadavg()[0]}


def marketplace_cmd(root, out):
    return [MARKETPLACE, "build", "--root", root, "--output", out]


def stage_timings(stderr):
    return {m.group(1).strip(): int(m.group(2)) for m in re.finditer(r"^timing: (.+?)\s+(\d+) ms$", stderr, re.M)}


def count_files(d):
    return sum(len(files) for _, _, files in os.walk(d))


def median(xs):
    return statistics.median(xs)


def run_size(n, runs, hugo, outs, free_space_check):
    site = generate(n)
    hsite = hugo_site(n, site, hugo)
    env = dict(os.environ, MARKETPLACE_TIMINGS="1")
    mp, hg = [], []
    for r in range(runs):
        out_m = outs / f"n{n}-marketplace-{r}"
        out_h = outs / f"n{n}-hugo-{r}"
        log(f"N={n} run {r + 1}/{runs}: marketplace ...")
        mp.append(timed(marketplace_cmd(site, out_m), env))
        log(f"  {mp[-1]['wall']:.2f} s, {mp[-1]['rss'] / 2**20:.0f} MiB; hugo ...")
        hg.append(timed([hugo, "--quiet", "--source", hsite, "--destination", out_h,
                         "--cacheDir", WORK / "hugo-cache"]))
        log(f"  {hg[-1]['wall']:.2f} s, {hg[-1]['rss'] / 2**20:.0f} MiB")
        if r == 0:
            files = (count_files(out_m), count_files(out_h))
        if free_space_check(n, runs) and r < runs - 1:
            # Short of disk: drop this pair, then let the disk recover before the next.
            shutil.rmtree(out_m)
            shutil.rmtree(out_h)
            os.sync()
            time.sleep(30)
    stages = {}
    for name in stage_timings(mp[0]["stderr"]):
        stages[name] = median([stage_timings(x["stderr"]).get(name, 0) for x in mp])
    return {
        "n": n,
        "runs": runs,
        "marketplace": {"wall": median([x["wall"] for x in mp]), "rss": median([x["rss"] for x in mp]),
                        "walls": [x["wall"] for x in mp], "rsss": [x["rss"] for x in mp], "files": files[0],
                        "stages_ms": stages},
        "hugo": {"wall": median([x["wall"] for x in hg]), "rss": median([x["rss"] for x in hg]),
                 "walls": [x["wall"] for x in hg], "rsss": [x["rss"] for x in hg], "files": files[1]},
        "load": [x["load"] for pair in zip(mp, hg) for x in pair],
        "site": str(site),
        "output": str(outs / f"n{n}-marketplace-0"),
    }


def run_real(runs, outs):
    """The repository's own catalogue (modules/, content/, theme/), marketplace only."""
    env = dict(os.environ, MARKETPLACE_TIMINGS="1")
    res = []
    for r in range(runs):
        res.append(timed(marketplace_cmd(REPO, outs / f"real-{r}"), env))
    stages = {name: median([stage_timings(x["stderr"]).get(name, 0) for x in res])
              for name in stage_timings(res[0]["stderr"])}
    modules = len(list((REPO / "modules").glob("*.md")))
    return {"modules": modules, "runs": runs, "wall": median([x["wall"] for x in res]),
            "load": [x["load"] for x in res],
            "rss": median([x["rss"] for x in res]), "walls": [x["wall"] for x in res], "stages_ms": stages}


# ---------------------------------------------------------------- search and serve


def run_node(script, *args):
    """Runs a Chromium measurement `benches/<script>`; its last line of output is JSON, the
    lines before it its report (kept as "text")."""
    p = subprocess.run(["node", str(BENCHES / script), *map(str, args)], capture_output=True, text=True, cwd=REPO)
    if p.returncode != 0:
        log(f"{script} failed:\n{p.stderr}")
        return None
    lines = p.stdout.strip().splitlines()
    out = json.loads(lines[-1])
    out["text"] = "\n".join(lines[:-1])
    return out


def run_serve(site, edits=5):
    """`benches/serve-in-browser.js`: starts `marketplace serve` on the site, opens a module
    page in headless Chromium, edits the module's title `edits` times; each time, the
    milliseconds from the write to the first paint of the reloaded page showing it."""
    return run_node("serve-in-browser.js", site, edits)


# ---------------------------------------------------------------- search shapes (issue #14)

# generate.py's options for each shape; "today" is generate.py without options.
SHAPES = {
    "short": {"tag_pool": 50, "tags": "3-12", "words": 100, "vocab": 2000},
    "today": {},
    "long": {"tag_pool": 2000, "tags": "3-12", "words": 2000, "vocab": 50000},
}
SHAPES_DIR = Path("/tmp/bench-shapes")


def shape_args(shape):
    """generate.py's command-line options for a shape."""
    out = []
    for key, value in SHAPES[shape].items():
        out += ["--" + key.replace("_", "-"), str(value)]
    return out


def shape_label(shape):
    """The shape's parameters, as generate.py states them."""
    o = SHAPES[shape]
    words = f"about {o['words']} words" if "words" in o else "about 300 words (today's)"
    vocab = f"a vocabulary of {o['vocab']:,} (Zipf)" if "vocab" in o else "today's 153 words (uniform)"
    pool = o.get("tag_pool", 155)
    return (f"{shape}: {o.get('tags', '3-6')} tags from {pool:,}, {words}, {vocab}"
            f" (generate.py {' '.join(shape_args(shape)) or 'without options'})")


def pagefind_binary():
    """The Pagefind executable of the `pagefind-bin` package in benches/.venv."""
    found = sorted((BENCHES / ".venv").glob("lib/python*/site-packages/pagefind_bin/pagefind"))
    return found[0] if found else None


def git_state():
    """The commit measured, and whether the binary's sources or the theme differ from it."""
    run = lambda *a: subprocess.run(["git", *a], capture_output=True, text=True, cwd=REPO).stdout.strip()
    head = run("rev-parse", "--short", "HEAD")
    dirty = [d for d in ("src", "theme", "tests/js/lib") if run("status", "--porcelain", "--", d)]
    return head + (f" (uncommitted changes in {', '.join(dirty)})" if dirty else "")


def shape_site(shape, n):
    """/tmp/bench-shapes/<shape>-n<N>/site: generated once per generator, shape and size;
    the repository's theme/ is copied in again before every build."""
    base = SHAPES_DIR / f"{shape}-n{n}"
    site = base / "site"
    stamp = base / "site.stamp"
    digest = tree_digest(BENCHES / "generate.py", REPO / "content") + f" {n} {' '.join(shape_args(shape))}"
    if not (stamp.exists() and stamp.read_text() == digest):
        if site.exists():
            shutil.rmtree(site)
        base.mkdir(parents=True, exist_ok=True)
        log(f"{shape}: generating {n:,} modules ({' '.join(shape_args(shape)) or 'today'}) ...")
        subprocess.run([sys.executable, str(BENCHES / "generate.py"), str(n), str(site), *shape_args(shape)], check=True)
        stamp.write_text(digest)
    if (site / "theme").exists():
        shutil.rmtree(site / "theme")
    shutil.copytree(REPO / "theme", site / "theme")
    return base, site


def mem_available():
    """MemAvailable of /proc/meminfo, in bytes (None when unknown)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def run_shape(shape, n, runs, pagefind, keep, earlier=()):
    """Builds a shape at size n, measures the budgets and Pagefind beside it. Pagefind is
    skipped when its peak memory at a smaller size of the same shape (`earlier`), scaled
    linearly, would not fit in the memory available (its indexing holds the whole site)."""
    base, site = shape_site(shape, n)
    public = base / "public"
    bundle = base / "pagefind"
    for d in (public, bundle):
        if d.exists():
            shutil.rmtree(d)
    env = dict(os.environ, MARKETPLACE_TIMINGS="1")
    log(f"{shape} at {n:,}: marketplace build ...")
    build = timed(marketplace_cmd(site, public), env)
    out = {"shape": shape, "n": n, "options": SHAPES[shape], "label": shape_label(shape),
           "build": {"wall": build["wall"], "rss": build["rss"], "stages_ms": stage_timings(build["stderr"]),
                     "files": count_files(public), "load": build["load"]}}
    log(f"{shape} at {n:,}: search-typing.js ({runs} rounds) ...")
    out["search"] = run_node("search-typing.js", public, runs)
    smaller = [e for e in earlier if e["shape"] == shape and e["n"] < n and (e.get("pagefind") or {}).get("index_rss")]
    if pagefind and smaller:
        e = max(smaller, key=lambda e: e["n"])
        need, avail = e["pagefind"]["index_rss"] * n / e["n"], mem_available()
        if avail and need > 0.8 * avail:
            out["pagefind"] = {"skipped": f"not run: {fmt_mb(e['pagefind']['index_rss'])} peak at {e['n']:,} modules scales to "
                                          f"{fmt_mb(need)}, more than this machine has available ({fmt_mb(avail)})"}
            pagefind = None
    if pagefind:
        log(f"{shape} at {n:,}: Pagefind index ...")
        settle()
        tfile = WORK / f"time-{os.getpid()}.txt"
        t0 = time.perf_counter()
        p = subprocess.run([GNU_TIME, "-o", str(tfile), "-f", "%e %M", str(pagefind), "--site", str(public),
                            "--glob", "modules/*/index.html", "--output-path", str(bundle)],
                           capture_output=True, text=True)
        wall = time.perf_counter() - t0
        rss = int(tfile.read_text().split()[-1]) * 1024 if tfile.exists() else 0
        tfile.unlink(missing_ok=True)
        version = subprocess.run([str(pagefind), "--version"], capture_output=True, text=True).stdout.strip()
        pf = {"version": version, "index_wall": wall, "index_rss": rss, "returncode": p.returncode,
              "log": (p.stdout + p.stderr)[-2000:]}
        m = re.search(r"Indexed (\d+) pages", p.stdout)
        pf["pages"] = int(m.group(1)) if m else None
        if p.returncode == 0:
            log(f"{shape} at {n:,}: pagefind.js ({runs} rounds) ...")
            pf["ui"] = run_node("pagefind.js", public, bundle, runs)
        out["pagefind"] = pf
    if not keep:
        for d in (public, bundle):
            shutil.rmtree(d, ignore_errors=True)
        if n > 10000:
            shutil.rmtree(site, ignore_errors=True)  # several GB: regenerated next time
            (base / "site.stamp").unlink(missing_ok=True)
    return out


def ratio(a, b):
    return f"{a / b:.1f}x" if a and b else "n/a"


def report_shapes(shapes, meta):
    lines = []
    p = lines.append
    p("")
    p(f"Search budgets of issue #14 on {len({s['shape'] for s in shapes})} catalogue shapes "
      f"(benches/search-typing.js, benches/pagefind.js; {meta['marketplace']} at {meta['commit']}):")
    for s in shapes:
        b = s["build"]
        p("")
        p(f"=== shape {s['label']}, {s['n']:,} modules")
        p(f"  marketplace build: {fmt_s(b['wall'])} ({b['files']:,} files; search index stage "
          f"{b['stages_ms'].get('search index', 0) / 1000:.2f} s), peak {fmt_mb(b['rss'])}, load {b['load']:.1f}")
        se = s.get("search")
        if not se:
            p("  FAIL  search-typing.js failed (its error is above, on stderr)")
            continue
        for line in se["text"].splitlines():
            p("  " + line)
        pf = s.get("pagefind")
        if pf is None:
            continue
        if pf.get("skipped"):
            p("")
            p(f"  Pagefind: {pf['skipped']}")
            continue
        p("")
        ui = pf.get("ui")
        if pf["returncode"] != 0 or not ui:
            p(f"  Pagefind ({pf['version']}): index {'failed, exit ' + str(pf['returncode']) if pf['returncode'] else 'built'} "
              f"after {fmt_s(pf['index_wall'])}, peak {fmt_mb(pf['index_rss'])}" + ("" if ui else "; no UI measurement"))
            p("    " + pf["log"].strip().replace("\n", "\n    ")[-600:])
            continue
        for line in ui["text"].splitlines():
            p("  " + line)
        stage = b["stages_ms"].get("search index", 0) / 1000
        p("")
        p(f"  Side by side at {s['n']:,} modules (worst of the {len(se['first_queries'])} first queries; Pagefind: its default UI, "
          f"its first 5 results):")
        rows = [
            ("first query's bytes, typed at 100 ms a key", fmt_kb(se["worst_bytes_gzip"]), fmt_kb(ui["worst_bytes_gzip"]),
             ratio(ui["worst_bytes_gzip"], se["worst_bytes_gzip"])),
            ("first query's bytes, pasted", fmt_kb(max(q["pasted_bytes"] for q in se["queries"])), fmt_kb(ui["worst_pasted_bytes_gzip"]),
             ratio(ui["worst_pasted_bytes_gzip"], max(q["pasted_bytes"] for q in se["queries"]))),
            ("first results after the paste", f"{max(q['pasted_top_ms'] for q in se['queries']):.0f} ms",
             f"{ui['worst_pasted_ms']:.0f} ms", ratio(ui["worst_pasted_ms"], max(q["pasted_top_ms"] for q in se["queries"]))),
            ("first results after the last key (100 ms a key)", f"{max(q['slow_top_from_last_ms'] for q in se['queries']):.0f} ms",
             f"{ui['worst_slow_from_last_ms']:.0f} ms",
             ratio(ui["worst_slow_from_last_ms"], max(q["slow_top_from_last_ms"] for q in se["queries"]))),
            ("index build", f"{fmt_s(stage)} (search index stage; whole build {fmt_s(b['wall'])})",
             f"{fmt_s(pf['index_wall'])} ({pf['pages']:,} pages, peak {fmt_mb(pf['index_rss'])})", ratio(pf["index_wall"], stage)),
        ]
        p(f"    {'':<50} {'marketplace':>14}  {'Pagefind':>14}  Pagefind / marketplace")
        for what, a, c, r in rows:
            p(f"    {what:<50} {a:>14}  {c:>14}  {r}")
        p(f"    (Pagefind's UI waits 300 ms after the last input before it searches; its API without the UI: "
          f"{ui['worst_api_ms']:.0f} ms, {fmt_kb(ui['worst_api_bytes_gzip'])} from an empty page)")
    p("")
    p("Every budget, per shape and size:")
    cols = [f"{s['shape']} {s['n'] // 1000}k" for s in shapes]
    names = []
    for s in shapes:
        for v in (s.get("search") or {}).get("verdicts", []):
            name = v["what"].split(" (")[0]
            if name not in names:
                names.append(name)
    width = max([len(n) for n in names] + [10])
    p(f"  {'':<{width}}  " + "  ".join(f"{c:>22}" for c in cols))
    for name in names:
        cells = []
        for s in shapes:
            v = next((v for v in (s.get("search") or {}).get("verdicts", []) if v["what"].split(" (")[0] == name), None)
            cells.append(f"{verdict(v['pass'])} {v['value']}" if v else "failed")
        p(f"  {name:<{width}}  " + "  ".join(f"{c:>22}" for c in cells))
    return "\n".join(lines)


# ---------------------------------------------------------------- report


def fmt_s(s):
    return f"{s:.2f} s" if s >= 1 else f"{s * 1000:.0f} ms"


def fmt_mb(b):
    return f"{b / 2**20:,.0f} MiB"


def fmt_kb(b):
    return f"{b / 1000:,.1f} KB"


def verdict(ok):
    return "PASS" if ok else "FAIL"


def report(results):
    lines = []
    p = lines.append
    meta = results["meta"]
    p(f"marketplace benchmark, {meta['date']}: {meta['cpus']} cores, {meta['memory_gb']:.0f} GB RAM, "
      f"{meta['hugo']}, {meta['marketplace']} ({MARKETPLACE}, built {meta['marketplace_built']})")
    p("")
    p("Full build into a fresh directory (median of R runs, alternating marketplace/Hugo):")
    p("")
    p("| modules | runs | marketplace wall | marketplace peak RSS | Hugo wall | Hugo peak RSS | wall ratio | memory ratio | files (mp / Hugo) |")
    p("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in results["sizes"]:
        m, h = s["marketplace"], s["hugo"]
        p(f"| {s['n']:,} | {s['runs']} | {fmt_s(m['wall'])} | {fmt_mb(m['rss'])} | {fmt_s(h['wall'])} | {fmt_mb(h['rss'])} "
          f"| {m['wall'] / h['wall']:.2f}x | {m['rss'] / h['rss']:.2f}x | {m['files']:,} / {h['files']:,} |")
    r = results.get("real")
    if r:
        p(f"| real catalogue ({r['modules']}) | {r['runs']} | {fmt_s(r['wall'])} | {fmt_mb(r['rss'])} | | | | | |")
    p("")
    p("Every run (wall s / peak MiB), and the machine's 1-minute load average after each run:")
    for s in results["sizes"]:
        for tool in ("marketplace", "hugo"):
            t = s[tool]
            p(f"  N={s['n']:,} {tool:<11} " + "  ".join(f"{w:.2f}/{m / 2**20:.0f}" for w, m in zip(t["walls"], t["rsss"])))
        p(f"  N={s['n']:,} load        " + " ".join(f"{x:.1f}" for x in s["load"]))
    if r:
        p(f"  real marketplace    " + " ".join(f"{w * 1000:.0f}" for w in r["walls"]) + " ms; load " +
          " ".join(f"{x:.1f}" for x in r["load"]))
    p("")
    p("marketplace stages (median ms, MARKETPLACE_TIMINGS=1):")
    for s in results["sizes"]:
        p(f"  N={s['n']:,}: " + ", ".join(f"{k} {v}" for k, v in s["marketplace"]["stages_ms"].items()))
    if r:
        p(f"  real: " + ", ".join(f"{k} {v}" for k, v in r["stages_ms"].items()))
    se = results.get("search")
    if se:
        p("")
        p(f"Search at {results['search_n']:,} modules: the shape \"today\" of the search section below.")
    sv = results.get("serve")
    if sv:
        p("")
        p(f"marketplace serve at {results['serve_n']:,} modules: edit painted in Chromium after {sv['ms']:.0f} ms "
          f"(median of {sv['edits']} edits: {', '.join(f'{t:.0f}' for t in sv['all_ms'])}); "
          f"serve's own update {', '.join(str(t) for t in sv['server_rebuild_ms'])} ms "
          f"({sv['incremental']} incremental); first build {fmt_s(sv['first_build_s'])}")
    p("")
    p("Targets:")
    by_n = {s["n"]: s for s in results["sizes"]}
    rows = []
    if 10000 in by_n:
        s = by_n[10000]
        ratio = s["marketplace"]["wall"] / s["hugo"]["wall"]
        rows.append(("10,000 modules, full build incl. search index: wall <= 1/3 of Hugo's",
                     f"{fmt_s(s['marketplace']['wall'])} vs {fmt_s(s['hugo']['wall'])} = {ratio:.2f}x", ratio <= 1 / 3))
        ratio = s["marketplace"]["rss"] / s["hugo"]["rss"]
        rows.append(("10,000 modules: peak memory <= 1/2 of Hugo's",
                     f"{fmt_mb(s['marketplace']['rss'])} vs {fmt_mb(s['hugo']['rss'])} = {ratio:.2f}x", ratio <= 1 / 2))
    else:
        rows.append(("10,000 modules vs Hugo (wall <= 1/3, memory <= 1/2)", "not run", None))
    if 100000 in by_n and 10000 in by_n:
        big, ten = by_n[100000]["marketplace"], by_n[10000]["marketplace"]
        rows.append(("100,000 modules: wall <= 11x the 10,000 time",
                     f"{fmt_s(big['wall'])} = {big['wall'] / ten['wall']:.1f}x", big["wall"] <= 11 * ten["wall"]))
        rows.append(("100,000 modules: peak memory within 4 GB", fmt_mb(big["rss"]), big["rss"] <= 4 * GB))
    else:
        rows.append(("100,000 modules (wall <= 11x the 10,000 time, memory <= 4 GB)", "not run (use --large)", None))
    if r:
        rows.append((f"real catalogue ({r['modules']} modules): full build < 0.2 s (median of {r['runs']})",
                     fmt_s(r["wall"]), r["wall"] < 0.2))
    if se:
        rows.append((f"search at {results['search_n']:,}: first query's bytes (pasted; scripts + fetches, gzip) <= 150 KB",
                     fmt_kb(se["search_bytes_gzip"]), se["search_bytes_gzip"] <= 150_000))
        rows.append((f"search at {results['search_n']:,}: first results <= 300 ms after typing on a loaded page",
                     f"{se['first_ms']:.0f} ms", se["first_ms"] <= 300))
        rows.append((f"search at {results['search_n']:,}: later queries (more keystrokes) < 50 ms (median)",
                     f"{se['later_ms']:.1f} ms (90th percentile {se['later_p90_ms']:.0f} ms)", se["later_ms"] < 50))
        rows.append(("search: the budgets of issue #14, per shape", "below", None))
    elif results.get("search_n"):
        rows.append(("search targets", "measurement failed", False))
    if sv:
        rows.append((f"serve at {results['serve_n']:,}: edited module shown in the browser within 300 ms",
                     f"{sv['ms']:.0f} ms", sv["ms"] <= 300))
    width = max(len(t) for t, _, _ in rows)
    for text, value, ok in rows:
        p(f"  {'----' if ok is None else verdict(ok)}  {text:<{width}}  {value}")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--large", action="store_true", help="also 100,000 modules (long: about 35 minutes more)")
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated catalogue sizes (default 1000,10000)")
    ap.add_argument("--runs", type=int, help="runs per tool and size (default 5 up to 10,000 modules, 3 above)")
    ap.add_argument("--real-runs", type=int, default=10, help="runs on the real catalogue (default 10)")
    ap.add_argument("--keep", action="store_true", help="keep the output directories (benches/.work/out-*)")
    ap.add_argument("--json", type=Path, help="also write the raw results to this file")
    ap.add_argument("--search-only", action="store_true",
                    help="only the search section: the shapes, their budgets and Pagefind (no Hugo, real catalogue or serve)")
    ap.add_argument("--shapes", default=",".join(SHAPES), help=f"the search section's shapes (default {','.join(SHAPES)})")
    ap.add_argument("--search-sizes", default="10000",
                    help="the search section's catalogue sizes (default 10000; --large adds 100000)")
    ap.add_argument("--search-runs", type=int, default=3, help="rounds of search-typing.js and pagefind.js (default 3)")
    ap.add_argument("--no-pagefind", action="store_true", help="the search section without Pagefind")
    args = ap.parse_args()
    shapes = [x for x in args.shapes.split(",") if x]
    for x in shapes:
        if x not in SHAPES:
            sys.exit(f"bench.py: unknown shape {x!r} (known: {', '.join(SHAPES)})")
    search_sizes = sorted({int(x) for x in args.search_sizes.split(",") if x})
    if args.large and 100000 not in search_sizes:
        search_sizes.append(100000)
    sizes = sorted({int(x) for x in args.sizes.split(",") if x})
    if args.large and 100000 not in sizes:
        sizes.append(100000)
    if not MARKETPLACE.exists():
        sys.exit(f"bench.py: {MARKETPLACE} is missing: build it with `cargo build --release`")
    hugo = None if args.search_only else hugo_binary()
    pagefind = None if args.no_pagefind else pagefind_binary()
    if not args.no_pagefind and pagefind is None:
        sys.exit("bench.py: Pagefind is not installed in benches/.venv; run benches/run.sh (or pass --no-pagefind)")
    WORK.mkdir(parents=True, exist_ok=True)
    # Outputs of an interrupted earlier run: remove them, then give the disk time to recover.
    stale = sorted(WORK.glob("out-*"))
    if stale:
        log("removing the outputs of an earlier run ...")
        for d in stale:
            shutil.rmtree(d)
        os.sync()
        time.sleep(30)
    outs = WORK / f"out-{os.getpid()}"
    outs.mkdir()
    version = lambda cmd: subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
    results = {
        "meta": {
            "date": datetime.date.today().isoformat(),
            "cpus": os.cpu_count(),
            "memory_gb": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GB,
            "hugo": "Hugo " + version([str(hugo), "version"]).split()[1].split("-")[0].lstrip("v") if hugo else "Hugo not run",
            "commit": git_state(),
            "marketplace": version([str(MARKETPLACE), "--version"]) or "marketplace ?",
            "platform": platform.platform(),
            "marketplace_built": datetime.datetime.fromtimestamp(MARKETPLACE.stat().st_mtime).strftime("%Y-%m-%d %H:%M"),
        },
        "sizes": [],
    }

    def short_of_disk(n, runs):
        # Each output takes about 50 KB per module for marketplace and 40 KB for Hugo.
        need = n * 100_000 * runs + 2 * GB
        return shutil.disk_usage(WORK).free < need

    try:
        if not args.search_only:
            log(f"real catalogue: {args.real_runs} runs ...")
            results["real"] = run_real(args.real_runs, outs)
        for n in ([] if args.search_only else sizes):
            runs = args.runs or (5 if n <= 10000 else 3)
            results["sizes"].append(run_size(n, runs, hugo, outs, short_of_disk))
            if n == 10000:
                results["serve_n"] = n
                log("serve: edit and wait ...")
                results["serve"] = run_serve(Path(results["sizes"][-1]["site"]))
        if not args.search_only:
            # the build outputs are not needed any more: free the disk before the shapes
            if not args.keep:
                shutil.rmtree(outs, ignore_errors=True)
                outs.mkdir()
        results["shapes"] = []
        for n in search_sizes:
            for shape in shapes:
                results["shapes"].append(run_shape(shape, n, args.search_runs, pagefind, args.keep, results["shapes"]))
                if shape == "today" and n == 10000:
                    results["search_n"] = n
                    results["search"] = results["shapes"][-1].get("search")
    finally:
        if not args.keep:
            log("removing the outputs ...")
            shutil.rmtree(outs, ignore_errors=True)
    if args.search_only:
        m = results["meta"]
        text = (f"marketplace search benchmark, {m['date']}: {m['cpus']} cores, {m['memory_gb']:.0f} GB RAM, "
                f"{m['marketplace']} ({MARKETPLACE}, built {m['marketplace_built']}), commit {m['commit']}")
    else:
        text = report(results)
    text += "\n" + report_shapes(results["shapes"], results["meta"])
    print(text)
    if args.json:
        for s in results["sizes"]:
            s.pop("site", None)
            s.pop("output", None)
        args.json.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
