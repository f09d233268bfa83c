#!/usr/bin/env python3
"""The "Speed at scale" benchmark: marketplace against Hugo on the same generated catalogue,
the real catalogue, search in the browser and the dev server's rebuilds. Run it through
benches/run.sh, which installs Hugo and GNU time first (see benches/README.md).

    benches/bench.py [--large] [--sizes 1000,10000] [--runs R] [--keep] [--json FILE]

For each size N: generates the catalogue once (benches/generate.py, cached under
benches/.work/nN/site while the generator, content/ and theme/ are unchanged), writes the same
catalogue as a Hugo site (benches/.work/nN/hugo, from benches/hugo-site/), then runs
`marketplace build` and `hugo --quiet` alternately, R times each, each into a fresh output
directory, under /usr/bin/time for peak memory. At 10,000 modules it also measures search in
Chromium (benches/search-typing.js) and how soon `marketplace serve` shows an edit. Prints the
results and every target of the issue with PASS or FAIL. Standard library only.
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
    """Runs a Chromium measurement `benches/<script>`; its last line of output is JSON."""
    p = subprocess.run(["node", str(BENCHES / script), *map(str, args)], capture_output=True, text=True, cwd=REPO)
    if p.returncode != 0:
        log(f"{script} failed:\n{p.stderr}")
        return None
    return json.loads(p.stdout.strip().splitlines()[-1])


def run_search(public, runs):
    """`benches/search-typing.js`: the search targets in Chromium."""
    return run_node("search-typing.js", public, runs)


def run_serve(site, edits=5):
    """`benches/serve-in-browser.js`: starts `marketplace serve` on the site, opens a module
    page in headless Chromium, edits the module's title `edits` times; each time, the
    milliseconds from the write to the first paint of the reloaded page showing it."""
    return run_node("serve-in-browser.js", site, edits)


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
        p(f"Search at {results['search_n']:,} modules (Chromium, served with gzip level {se['gzip_level']}, "
          f"median of {se['runs']} page loads; benches/search-typing.js):")
        p(f"  first query \"{se['first_query']}\" on the loaded page: {len(se['files'])} requests, "
          f"{fmt_kb(se['search_bytes_gzip'])} gzip (scripts + fetches):")
        for f in se["files"]:
            if "/search-index/docs/" not in f["path"]:
                p(f"    {f['path']:<34} {f['kind']:<6} {fmt_kb(f['gzip']):>12} gzip {fmt_kb(f['raw']):>13} raw")
        docs = [f for f in se["files"] if "/search-index/docs/" in f["path"]]
        if docs:
            p(f"    search-index/docs/*.json ({len(docs)} result chunks) {fmt_kb(sum(f['gzip'] for f in docs)):>12} gzip "
              f"{fmt_kb(sum(f['raw'] for f in docs)):>13} raw")
        p(f"  first query put in the box on the loaded page -> first results: {se['first_ms']:.0f} ms")
        p(f"  later keystrokes (\"{se['later_typed']}\" typed key by key): median {se['later_ms']:.1f} ms, "
          f"90th percentile {se['later_p90_ms']:.1f} ms, max {se['later_max_ms']:.1f} ms "
          f"(keys fetching shards {se['later_fetch_ms']:.1f} ms, the others {se['later_cached_ms']:.1f} ms)")
        p(f"  for reference: new queries pasted {se['pasted_ms']:.0f} ms; the first query typed as fast as the browser "
          f"takes keys: results {se['typed_first_key_ms']:.0f} ms after the first key, {se['typed_last_key_ms']:.0f} ms "
          f"after the last; typed at {se['slow_key_ms']} ms a key: first results {se['slow_first_ms']:.0f} ms after the "
          f"first key, {fmt_kb(se['slow_bytes_gzip'])} fetched")
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
        rows.append((f"search at {results['search_n']:,}: first query's bytes (scripts + fetches, gzip) <= 150 KB",
                     fmt_kb(se["search_bytes_gzip"]), se["search_bytes_gzip"] <= 150_000))
        rows.append((f"search at {results['search_n']:,}: first results <= 300 ms after typing on a loaded page",
                     f"{se['first_ms']:.0f} ms", se["first_ms"] <= 300))
        rows.append((f"search at {results['search_n']:,}: later queries (more keystrokes) < 50 ms (median)",
                     f"{se['later_ms']:.1f} ms (90th percentile {se['later_p90_ms']:.0f} ms)", se["later_ms"] < 50))
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
    args = ap.parse_args()
    sizes = sorted({int(x) for x in args.sizes.split(",") if x})
    if args.large and 100000 not in sizes:
        sizes.append(100000)
    if not MARKETPLACE.exists():
        sys.exit(f"bench.py: {MARKETPLACE} is missing: build it with `cargo build --release`")
    hugo = hugo_binary()
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
            "hugo": "Hugo " + version([str(hugo), "version"]).split()[1].split("-")[0].lstrip("v"),
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
        log(f"real catalogue: {args.real_runs} runs ...")
        results["real"] = run_real(args.real_runs, outs)
        for n in sizes:
            runs = args.runs or (5 if n <= 10000 else 3)
            results["sizes"].append(run_size(n, runs, hugo, outs, short_of_disk))
            if n == 10000:
                results["search_n"] = n
                log("search in Chromium ...")
                results["search"] = run_search(Path(results["sizes"][-1]["output"]), 5)
                results["serve_n"] = n
                log("serve: edit and wait ...")
                results["serve"] = run_serve(Path(results["sizes"][-1]["site"]))
    finally:
        if not args.keep:
            log("removing the outputs ...")
            shutil.rmtree(outs, ignore_errors=True)
    text = report(results)
    print(text)
    if args.json:
        for s in results["sizes"]:
            s.pop("site", None)
            s.pop("output", None)
        args.json.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
