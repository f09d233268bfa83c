#!/usr/bin/env python3
"""The "Speed at scale" benchmark: the real catalogue, marketplace against Hugo (a minimal
and a mirrored site) and against cp -r of its own output on several catalogue shapes, the
dev server's rebuilds, and the search budgets of issue #14 on several catalogue shapes,
side by side with Pagefind. Run it through benches/run.sh, which installs Hugo, Pagefind and
GNU time first (see benches/README.md).

    benches/bench.py [--large] [--build-only | --search-only] [--build-shapes pool50,mixed,pool2000,today]
                     [--sizes 10000] [--large-shape today] [--hugo-sites minimal,mirror] [--runs R]
                     [--real-runs R] [--keep] [--json FILE] [--shapes short,today,long]
                     [--search-sizes 10000] [--search-runs R] [--no-pagefind]

The build section: for each build shape (BUILD_SHAPES, generate.py's options) and size
(10,000; --large adds 100,000 for --large-shape), generates the catalogue once (cached
under benches/.work/<shape>-n<N>/site while generate.py and content/ are unchanged), writes
it as two Hugo sites (benches/hugo-minimal/ and benches/hugo-site/, beside it), then runs
`marketplace build`, Hugo on each site and `cp -r` of that marketplace output, R rounds in
turn, each into a fresh directory, under /usr/bin/time for peak memory; prints the medians,
the ratios with PASS or FAIL (issue #16) and the outputs by kind of file. The binary is
$MARKETPLACE_BIN if set, else the release build. At 10,000 modules it also measures how
soon `marketplace serve` shows an edit (not with --build-only).

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
    """The binary measured: $MARKETPLACE_BIN when set (e.g. a fixed copy, so that builds
    in the tree during a long run do not change what is measured), else the release
    binary where cargo puts it (CARGO_TARGET_DIR, a cargo config's build.target-dir, or
    target/): scripts/release-binary asks cargo metadata."""
    if os.environ.get("MARKETPLACE_BIN"):
        return Path(os.environ["MARKETPLACE_BIN"]).resolve()
    out = subprocess.run([str(REPO / "scripts" / "release-binary")], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


MARKETPLACE = release_binary()
GNU_TIME = "/usr/bin/time"
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


# The build section's catalogue shapes (generate.py's options; "today" is generate.py
# without options). Not the search section's shapes (SHAPES below): no --vocab.
BUILD_SHAPES = {
    "pool50": {"tag_pool": 50, "tags": "3-12", "words": 100},
    "mixed": {"tag_pool": 200, "tags": "3-12", "words": 400, "code_langs": "python,rust,cpp,r,julia",
              "tables": True, "images": True},
    "pool2000": {"tag_pool": 2000, "tags": "3-12", "words": 2000},
    "today": {},
}


def options_args(options):
    """generate.py's command-line options for a dict of them (True: a flag)."""
    out = []
    for key, value in options.items():
        out += ["--" + key.replace("_", "-")] + ([] if value is True else [str(value)])
    return out


def build_label(shape):
    o = BUILD_SHAPES[shape]
    words = f"about {o['words']} words" if "words" in o else "about 300 words"
    extra = "".join([f", code in {o['code_langs'].replace(',', '/')}" if "code_langs" in o else ", a Python block",
                     ", a table" if o.get("tables") else "", ", an image" if o.get("images") else ""])
    return (f"{shape}: {o.get('tags', '3-6')} tags from {o.get('tag_pool', 155):,}, {words}{extra}"
            f" (generate.py {' '.join(options_args(o)) or 'without options'})")


def build_site(shape, n):
    """benches/.work/<shape>-n<N>/site: the generated catalogue, regenerated only when
    generate.py or content/ change; the repository's theme/ is copied in again each time
    (the generator copies it only once, and the theme is what changes)."""
    base = WORK / f"{shape}-n{n}"
    site = base / "site"
    stamp = base / "site.stamp"
    args = options_args(BUILD_SHAPES[shape])
    digest = tree_digest(BENCHES / "generate.py", REPO / "content") + f" {n} {' '.join(args)}"
    if not (stamp.exists() and stamp.read_text() == digest):
        if site.exists():
            shutil.rmtree(site)
        base.mkdir(parents=True, exist_ok=True)
        log(f"{shape}: generating {n:,} modules ({' '.join(args) or 'today'}) ...")
        subprocess.run([sys.executable, str(BENCHES / "generate.py"), str(n), str(site), *args], check=True)
        stamp.write_text(digest)
    if (site / "theme").exists():
        shutil.rmtree(site / "theme")
    shutil.copytree(REPO / "theme", site / "theme")
    return base, site


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


HUGO_SITES = {"mirror": BENCHES / "hugo-site", "minimal": BENCHES / "hugo-minimal"}


def write_hugo_site(site, dest, flavour, hugo):
    """The catalogue of `site` as a Hugo site in `dest`: config and layouts from
    benches/hugo-site/ ("mirror") or benches/hugo-minimal/ ("minimal"), the module files
    with their front matter converted (hugo_front_matter), the categories as the
    taxonomy's term pages; for the mirror also the content pages (those marketplace lists
    in its navigation in Hugo's "main" menu), the search page, the theme's CSS and JS as
    assets, icons and favicon as static files and Chroma's CSS for the code classes; for
    the minimal site Chroma's light CSS as its one stylesheet."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(HUGO_SITES[flavour], dest)
    theme = site / "theme" / "static"
    styles = (("highlight-light.css", "github"), ("highlight-dark.css", "github-dark")) if flavour == "mirror" \
        else (("highlight.css", "github"),)
    (dest / "assets").mkdir(exist_ok=True)
    for name, style in styles:
        css = subprocess.run([str(hugo), "gen", "chromastyles", f"--style={style}"], check=True,
                             capture_output=True, text=True).stdout
        (dest / "assets" / name).write_text(css)
    content = dest / "content"
    (content / "modules").mkdir(parents=True)
    if flavour == "mirror":
        for name in ("style.css", "site.js"):
            shutil.copy(theme / name, dest / "assets" / name)
        (dest / "static").mkdir()
        shutil.copy(theme / "favicon.svg", dest / "static" / "favicon.svg")
        shutil.copytree(theme / "icons", dest / "static" / "icons")
        # The section's own list page is not built (marketplace has no /modules/ page); its
        # pages are, each with its badge.svg and index.json.
        (content / "modules" / "_index.md").write_text(
            '+++\ntitle = "Modules"\n[build]\nrender = "never"\n'
            '[[cascade]]\noutputs = ["html", "json", "badge"]\n[cascade.target]\nkind = "page"\n+++\n')
        for f in sorted((site / "content" / "pages").glob("*.md")):
            text = f.read_text()
            nav = ['menus = ["main"]'] if re.search(r"^in_nav\s*=\s*true\s*$", text.split("\n+++\n", 1)[0], re.M) else []
            (content / f.name).write_text(hugo_front_matter(text, nav))
        (content / "search.md").write_text('+++\ntitle = "Search"\nlayout = "search"\n+++\n')
    else:
        (content / "modules" / "_index.md").write_text('+++\ntitle = "Modules"\n[build]\nrender = "never"\n+++\n')
    for f in sorted((site / "modules").glob("*.md")):
        (content / "modules" / f.name).write_text(hugo_front_matter(f.read_text()))
    for f in sorted((site / "content" / "categories").glob("*.md")):
        d = content / "categories" / f.stem
        d.mkdir(parents=True)
        # marketplace writes an Atom feed per category: so does the mirror (RSS), not per tag.
        extra = ['outputs = ["html", "rss"]'] if flavour == "mirror" else []
        (d / "_index.md").write_text(hugo_front_matter(f.read_text(), extra))


def hugo_site(base, site, flavour, hugo):
    """base/hugo-<flavour>: write_hugo_site's site for `site`, rewritten only when the
    catalogue (its stamp), the layouts, this file or the Hugo binary changed."""
    dest = base / f"hugo-{flavour}"
    stamp = base / f"hugo-{flavour}.stamp"
    digest = ((base / "site.stamp").read_text() + tree_digest(HUGO_SITES[flavour], Path(__file__), REPO / "theme" / "static")
              + str(hugo))
    if stamp.exists() and stamp.read_text() == digest:
        return dest
    log(f"writing the Hugo site ({flavour}) of {site} ...")
    write_hugo_site(site, dest, flavour, hugo)
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
    return {m.group(1).strip(): int(m.group(2)) for m in re.finditer(r"^timing: (.+?)\s+(\d+) ms\b", stderr, re.M)}


def count_files(d):
    return sum(len(files) for _, _, files in os.walk(d))


def median(xs):
    return statistics.median(xs)


def output_sizes(d):
    """Bytes (the files' sizes, as `du --apparent-size` counts them), bytes on disk (their
    blocks) and files of an output directory, in total and per kind of file (output_kind)."""
    total = {"bytes": 0, "disk": 0, "files": 0, "kinds": {}}
    for root, _, files in os.walk(d):
        for name in files:
            path = os.path.join(root, name)
            st = os.lstat(path)
            kind = output_kind(os.path.relpath(path, d).replace(os.sep, "/"))
            k = total["kinds"].setdefault(kind, [0, 0])
            k[0] += st.st_size
            k[1] += 1
            total["bytes"] += st.st_size
            total["disk"] += st.st_blocks * 512
            total["files"] += 1
    return total


OUTPUT_KINDS = ["module pages", "module JSON + badge", "home pages", "category pages", "tag pages",
                "tag and category lists", "other pages", "search index", "catalogue JSON + schemas",
                "feeds + sitemap", "assets"]


def output_kind(rel):
    """What a file of a build's output is, by its path: the same paths in marketplace's and
    Hugo's outputs (pagers under page/N/; Hugo's feeds are index.xml, marketplace's atom.xml)."""
    parts = rel.split("/")
    name = parts[-1]
    if parts[0] == "search-index" or rel == "search-index.json":
        return "search index"
    if name.endswith(".xml") or rel == "robots.txt":
        return "feeds + sitemap"
    if rel == "index.html" or (parts[0] == "page" and name == "index.html"):
        return "home pages"
    if parts[0] == "modules" and len(parts) == 3:
        return "module pages" if name == "index.html" else "module JSON + badge"
    if parts[0] in ("tags", "categories") and name == "index.html":
        if len(parts) == 2:
            return "tag and category lists"
        return "tag pages" if parts[0] == "tags" else "category pages"
    if name.endswith(".html"):
        return "other pages"
    if name.endswith(".json"):
        return "catalogue JSON + schemas"
    return "assets"


TOOLS = {"marketplace": "marketplace", "minimal": "Hugo, minimal site", "mirror": "Hugo, mirrored site",
         "cp": "cp -r of marketplace's output"}


def summarize(runs):
    return {"wall": median([x["wall"] for x in runs]), "rss": median([x["rss"] for x in runs]),
            "walls": [x["wall"] for x in runs], "rsss": [x["rss"] for x in runs], "loads": [x["load"] for x in runs]}


def run_build(shape, n, runs, hugo, flavours, outs, keep):
    """One shape at one size: marketplace, then Hugo with each site of `flavours`, then
    `cp -r` of this round's marketplace output into a fresh directory beside it, R rounds,
    each run into a fresh directory under GNU time. Output sizes are taken from the first
    round. Unless `keep`, the shape's outputs are removed at the end (then, when that was
    over 1 GB, a 30 s pause, as this disk writes slowly right after a large removal); when the disk would not hold
    another round, a round's outputs are removed before the next, with the same pause."""
    base, site = build_site(shape, n)
    hsites = {fl: hugo_site(base, site, fl, hugo) for fl in flavours}
    env = dict(os.environ, MARKETPLACE_TIMINGS="1")
    measured = {t: [] for t in ["marketplace", *flavours, "cp"]}
    sizes = {}
    made = []
    for r in range(runs):
        round_dirs = {}
        round_dirs["marketplace"] = outs / f"{shape}-n{n}-marketplace-{r}"
        log(f"{shape} N={n:,} round {r + 1}/{runs}: marketplace ...")
        measured["marketplace"].append(timed(marketplace_cmd(site, round_dirs["marketplace"]), env))
        for fl in flavours:
            round_dirs[fl] = outs / f"{shape}-n{n}-hugo-{fl}-{r}"
            log(f"  {measured['marketplace'][-1]['wall']:.2f} s; Hugo ({fl}) ...")
            measured[fl].append(timed([hugo, "--quiet", "--source", hsites[fl], "--destination", round_dirs[fl],
                                       "--cacheDir", WORK / "hugo-cache"]))
        round_dirs["cp"] = outs / f"{shape}-n{n}-cp-{r}"
        done = ", ".join(f"{fl} {measured[fl][-1]['wall']:.2f} s" for fl in flavours)
        log(f"  {done}; cp -r ...")
        measured["cp"].append(timed(["cp", "-r", round_dirs["marketplace"], round_dirs["cp"]]))
        log(f"  cp -r {measured['cp'][-1]['wall']:.2f} s")
        if r == 0:
            sizes = {t: output_sizes(d) for t, d in round_dirs.items() if t != "cp"}
        made += round_dirs.values()
        round_bytes = sum(sizes[t]["disk"] for t in sizes) + sizes["marketplace"]["disk"]
        if r < runs - 1 and shutil.disk_usage(outs).free < round_bytes + 2 * GB:
            log("  short of disk: removing this round's outputs, then a 30 s pause")
            for d in round_dirs.values():
                shutil.rmtree(d, ignore_errors=True)
            os.sync()
            time.sleep(30)
    mp = measured["marketplace"]
    stages = {name: median([stage_timings(x["stderr"]).get(name, 0) for x in mp]) for name in stage_timings(mp[0]["stderr"])}
    out = {"shape": shape, "n": n, "runs": runs, "label": build_label(shape), "options": BUILD_SHAPES[shape],
           "tools": {t: summarize(v) for t, v in measured.items()}, "sizes": sizes, "stages_ms": stages,
           "site": str(site)}
    if not keep:
        for d in made:
            shutil.rmtree(d, ignore_errors=True)
        os.sync()
        # a large removal slows the next writes down: a pause after one (over 1 GB)
        time.sleep(30 if sum(x["disk"] for x in sizes.values()) * runs > GB else 1)
    return out


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


def fmt_bytes(b):
    return f"{b / 1e6:,.1f} MB"


def report_build(b):
    """One shape at one size: every tool's medians, the verdicts, the output by kind."""
    lines = []
    p = lines.append
    t = b["tools"]
    m = t["marketplace"]
    p("")
    p(f"=== build, shape {b['label']}, {b['n']:,} modules, {b['runs']} round{'s' if b['runs'] != 1 else ''} "
      f"(median; every run in a fresh directory)")
    p(f"  {'':<31} {'wall':>9} {'peak RSS':>10} {'output':>11} {'on disk':>11} {'files':>8}   every run (s)")
    for tool in t:
        sz = b["sizes"].get(tool if tool != "cp" else "marketplace")
        size = f"{fmt_bytes(sz['bytes']):>11} {fmt_bytes(sz['disk']):>11} {sz['files']:>8,}" if sz and tool != "cp" else f"{'':>11} {'':>11} {'':>8}"
        p(f"  {TOOLS[tool]:<31} {fmt_s(t[tool]['wall']):>9} {fmt_mb(t[tool]['rss']):>10} {size}   "
          + " ".join(f"{w:.2f}" for w in t[tool]["walls"]))
    for rows in build_verdicts(b):
        text, value, ok = rows
        p(f"  {'----' if ok is None else verdict(ok)}  {text}: {value}")
    tools = [x for x in ("marketplace", "minimal", "mirror") if x in b["sizes"]]
    p(f"  output by kind (the first round's):")
    p(f"    {'':<26}" + "".join(f"{TOOLS[x].replace(', ', ' ').replace(' site', ''):>30}" for x in tools))
    p(f"    {'':<26}" + "".join(f"{'MB':>11}{'files':>9}{'KB a file':>10}" for x in tools))
    for kind in OUTPUT_KINDS:
        cells = []
        for x in tools:
            k = b["sizes"][x]["kinds"].get(kind)
            cells.append(f"{k[0] / 1e6:>11,.1f}{k[1]:>9,}{k[0] / k[1] / 1000:>10.1f}" if k else f"{'-':>11}{'':>9}{'':>10}")
        if any(b["sizes"][x]["kinds"].get(kind) for x in tools):
            p(f"    {kind:<26}" + "".join(f"{c:>30}" for c in cells))
    p("  marketplace stages (median ms): " + ", ".join(f"{k} {v}" for k, v in b["stages_ms"].items()))
    p("  load average after each run: " + "; ".join(f"{x} " + " ".join(f"{l:.1f}" for l in t[x]["loads"]) for x in t))
    return lines


def build_verdicts(b):
    """The targets of issue #16 for one shape and size, as (what, value, PASS/FAIL/None)."""
    t = b["tools"]
    m = t["marketplace"]
    rows = []
    if "minimal" in t:
        h = t["minimal"]
        rows.append(("wall <= 1/3 of Hugo's with the minimal site",
                     f"{fmt_s(m['wall'])} / {fmt_s(h['wall'])} = {m['wall'] / h['wall']:.2f}x", m["wall"] <= h["wall"] / 3))
        rows.append(("peak memory <= 1/3 of Hugo's with the minimal site",
                     f"{fmt_mb(m['rss'])} / {fmt_mb(h['rss'])} = {m['rss'] / h['rss']:.2f}x", m["rss"] <= h["rss"] / 3))
    if "mirror" in t:
        h = t["mirror"]
        rows.append(("against Hugo with the mirrored site (for reference)",
                     f"wall {m['wall'] / h['wall']:.2f}x, memory {m['rss'] / h['rss']:.2f}x", None))
    c = t["cp"]
    rows.append(("wall within 1.5x of cp -r of its own output (the floor for writing those bytes)",
                 f"{fmt_s(m['wall'])} / {fmt_s(c['wall'])} = {m['wall'] / c['wall']:.2f}x", m["wall"] <= 1.5 * c["wall"]))
    return rows


def report(results):
    lines = []
    p = lines.append
    meta = results["meta"]
    p(f"marketplace benchmark, {meta['date']}: {meta['cpus']} cores, {meta['memory_gb']:.0f} GB RAM, "
      f"{meta['hugo']}, {meta['marketplace']} ({MARKETPLACE}, built {meta['marketplace_built']}), commit {meta['commit']}")
    r = results.get("real")
    if r:
        p("")
        p(f"Real catalogue ({r['modules']} modules, modules/ of the repository): median {fmt_s(r['wall'])} of {r['runs']} runs, "
          f"peak {fmt_mb(r['rss'])}; every run " + " ".join(f"{w * 1000:.0f}" for w in r["walls"]) + " ms; load "
          + " ".join(f"{x:.1f}" for x in r["load"]))
        p("  stages (median ms): " + ", ".join(f"{k} {v}" for k, v in r["stages_ms"].items()))
    builds = results.get("builds", [])
    if builds:
        p("")
        p("Full builds: marketplace, Hugo with the minimal site (benches/hugo-minimal/), Hugo with the mirrored site")
        p("(benches/hugo-site/) and cp -r of marketplace's output, alternately, each into a fresh directory under GNU time:")
    for b in builds:
        lines.extend(report_build(b))
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
    p("Targets (issue #16):")
    rows = []
    for b in builds:
        for text, value, ok in build_verdicts(b):
            if ok is not None:
                rows.append((f"{b['shape']} {b['n']:,}: {text}", value, ok))
    by = {(b["shape"], b["n"]): b for b in builds}
    large = [b for b in builds if b["n"] == 100000]
    for b in large:
        ten = by.get((b["shape"], 10000))
        m = b["tools"]["marketplace"]
        if ten:
            t10 = ten["tools"]["marketplace"]["wall"]
            rows.append((f"{b['shape']} 100,000: wall <= 10x the 10,000 time", f"{fmt_s(m['wall'])} = {m['wall'] / t10:.1f}x",
                         m["wall"] <= 10 * t10))
        rows.append((f"{b['shape']} 100,000: peak memory under 3 GB", fmt_mb(m["rss"]), m["rss"] < 3 * GB))
    if not large and builds:
        rows.append(("100,000 modules (wall <= 10x the 10,000 time, memory < 3 GB)", "not run (use --large)", None))
    if r:
        rows.append((f"real catalogue ({r['modules']} modules): full build under 50 ms (median of {r['runs']})",
                     fmt_s(r["wall"]), r["wall"] < 0.05))
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
    width = max([len(t) for t, _, _ in rows] + [10])
    for text, value, ok in rows:
        p(f"  {'----' if ok is None else verdict(ok)}  {text:<{width}}  {value}")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--large", action="store_true",
                    help="also 100,000 modules: the build section for --large-shape, the search section for every shape")
    ap.add_argument("--build-only", action="store_true",
                    help="only the real catalogue and the build section (no serve, no search)")
    ap.add_argument("--build-shapes", default=",".join(BUILD_SHAPES),
                    help=f"the build section's shapes (default {','.join(BUILD_SHAPES)}; empty: none)")
    ap.add_argument("--sizes", default="10000", help="the build section's catalogue sizes, for every build shape (default 10000)")
    ap.add_argument("--large-shape", default="today", help="with --large, the build shape run at 100,000 modules (default today)")
    ap.add_argument("--hugo-sites", help="the Hugo sites built beside marketplace: minimal,mirror (default both up to "
                                         "10,000 modules, minimal alone above)")
    ap.add_argument("--runs", type=int, default=3, help="rounds per shape and size in the build section (default 3)")
    ap.add_argument("--real-runs", type=int, default=10, help="runs on the real catalogue (default 10; 0: none)")
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
    if args.search_only and args.build_only:
        sys.exit("bench.py: --search-only and --build-only exclude each other")
    shapes = [x for x in args.shapes.split(",") if x]
    for x in shapes:
        if x not in SHAPES:
            sys.exit(f"bench.py: unknown shape {x!r} (known: {', '.join(SHAPES)})")
    build_shapes = [x for x in args.build_shapes.split(",") if x]
    for x in build_shapes + [args.large_shape]:
        if x not in BUILD_SHAPES:
            sys.exit(f"bench.py: unknown build shape {x!r} (known: {', '.join(BUILD_SHAPES)})")
    flavours_for = lambda n: ([x for x in args.hugo_sites.split(",") if x] if args.hugo_sites is not None
                              else (["minimal", "mirror"] if n <= 10000 else ["minimal"]))
    for x in flavours_for(0):
        if x not in HUGO_SITES:
            sys.exit(f"bench.py: unknown Hugo site {x!r} (known: {', '.join(HUGO_SITES)})")
    search_sizes = sorted({int(x) for x in args.search_sizes.split(",") if x})
    if args.large and 100000 not in search_sizes:
        search_sizes.append(100000)
    sizes = sorted({int(x) for x in args.sizes.split(",") if x})
    # (shape, size) of the build section: every shape at every size, and with --large the
    # large shape at 100,000 after them.
    builds = [] if args.search_only else [(shape, n) for n in sizes for shape in build_shapes]
    if args.large and not args.search_only and (args.large_shape, 100000) not in builds:
        builds.append((args.large_shape, 100000))
    if not MARKETPLACE.exists():
        sys.exit(f"bench.py: {MARKETPLACE} is missing: build it with `cargo build --release` (or set MARKETPLACE_BIN)")
    hugo = None if args.search_only else hugo_binary()
    run_search = not args.build_only
    pagefind = None if args.no_pagefind or not run_search else pagefind_binary()
    if run_search and not args.no_pagefind and pagefind is None:
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
        "builds": [],
        "shapes": [],
    }
    try:
        if not args.search_only and args.real_runs > 0:
            log(f"real catalogue: {args.real_runs} runs ...")
            results["real"] = run_real(args.real_runs, outs)
        for shape, n in builds:
            results["builds"].append(run_build(shape, n, args.runs, hugo, flavours_for(n), outs, args.keep))
        if not args.search_only and not args.build_only:
            results["serve_n"] = 10000
            log("serve: edit and wait ...")
            results["serve"] = run_serve(build_site("today", 10000)[1])
            # the build outputs are not needed any more: free the disk before the shapes
            if not args.keep:
                shutil.rmtree(outs, ignore_errors=True)
                outs.mkdir()
        for n in (search_sizes if run_search else []):
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
    if run_search:
        text += "\n" + report_shapes(results["shapes"], results["meta"])
    print(text)
    if args.json:
        for b in results["builds"]:
            b.pop("site", None)
        args.json.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
