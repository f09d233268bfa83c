#!/usr/bin/env python3
"""Hostile module files against build time: each shape at 1x, 2x and 4x size, the largest
at the module file limit (1 MiB), built alone in a copy of the site (content/ and theme/ of
this repository, one module). Prints each shape's `check` time at every size (every stage
but writing, so the disk's noise stays out) and its growth per doubling, and the `build`
time at the limit; PASS when every doubling costs at most 2.5x and no file takes more than
1 s to build.

A shape the build refuses (nesting deeper than the documented limit) still counts: the
refusal is what is timed, and the exit status is printed beside it.

Usage: python3 benches/adversarial.py [--runs N] [--max-bytes B] [--shape NAME ...] [--keep]
       python3 benches/adversarial.py --write-seeds DIR [--module-files]
"""
import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LIMIT = 1024 * 1024
GROWTH_BOUND = 2.5
TIME_BOUND = 1.0
NOISE_FLOOR = 0.05

FRONT = """+++
title = "Adversarial input"
summary = "A hostile description, for timing."
category = "general-purpose"
tags = ["benchmark"]
license = "MIT"
created = 2024-01-01
+++
"""


def repeat(unit, size):
    """`unit` repeated to about `size` bytes."""
    return unit * max(1, size // len(unit))


def nested(open_, close, size):
    n = max(1, size // (len(open_) + len(close)))
    return open_ * n + "x" + close * n


# Each shape: a function of the description's size in bytes -> the description.
SHAPES = {
    "blockquotes nested": lambda s: repeat("> ", s) + "x\n",
    "blockquotes nested by line": lambda s: "".join("> " * i + "x\n" for i in range(1, 10**6) if (i * i) < s)[:s],
    "lists nested": lambda s: repeat("- ", s) + "x\n",
    "ordered lists nested": lambda s: repeat("1. ", s) + "x\n",
    "lists indented": lambda s: "".join("  " * i + "- x\n" for i in range(0, 10**6) if (i * i) < s)[:s],
    "html elements nested": lambda s: nested("<div>", "</div>", s) + "\n",
    "inline html nested": lambda s: "a " + nested("<span>", "</span>", s) + "\n",
    "emphasis runs": lambda s: repeat("*a **b ***c _d __e ", s) + "\n",
    "emphasis unclosed": lambda s: repeat("*a ", s) + "\n",
    "brackets open": lambda s: repeat("[", s) + "\n",
    "brackets nested links": lambda s: nested("[", "](https://example.org/)", s) + "\n",
    "backticks": lambda s: repeat("`a ``b ```c ", s) + "\n",
    "headings identical": lambda s: repeat("## Same\n\n", s),
    "headings distinct": lambda s: "".join(f"## Heading {i}\n\n" for i in range(s // 16)),
    "headings numbered like dedup": lambda s: "".join(
        f"## Same\n\n## Same {i}\n\n" for i in range(s // 24)
    ),
    "footnotes": lambda s: "".join(f"Text[^n{i}].\n\n[^n{i}]: Note {i}.\n\n" for i in range(s // 30)),
    "footnote references repeated": lambda s: repeat("a[^x] ", s) + "\n\n[^x]: The note.\n",
    "reference definitions": lambda s: "".join(f"[r{i}]: https://example.org/{i}\n" for i in range(s // 32)),
    "reference uses": lambda s: "[r]: https://example.org/\n\n" + repeat("[a][r] ", s) + "\n",
    "links": lambda s: repeat("[x](https://example.org/a) ", s) + "\n",
    "autolinks": lambda s: repeat("<https://example.org/a> ", s) + "\n",
    "tables long": lambda s: "| a | b | c |\n|---|---|---|\n" + repeat("| 1 | 2 | 3 |\n", s),
    "tables wide": lambda s: "|" + repeat(" a |", s // 2) + "\n|" + repeat("---|", s // 2) + "\n",
    "long line": lambda s: repeat("word ", s) + "\n",
    "long word": lambda s: "x" * s + "\n",
    "code fences many": lambda s: repeat("```python\nimport os\nprint(os.getcwd())\n```\n\n", s),
    "code fence huge": lambda s: "```python\n" + repeat("x = [1, 2, 3]  # comment\n", s) + "```\n",
    "code fence unknown language": lambda s: "```rust\n" + repeat("fn main() { let x = 1; }\n", s) + "```\n",
    "html formatting misnested": lambda s: "a " + repeat("<b><i>x</b></i>", s) + "\n",
    "html formatting unclosed": lambda s: "a " + repeat("<b>x", s) + "\n",
    "html optional end tags": lambda s: "<div>\n" + repeat("<p>a<li>b<dd>c<option>d<td>e", s) + "\n</div>\n",
    "html comments": lambda s: repeat("<!-- a --> ", s) + "\n",
    "html attributes": lambda s: "<p " + repeat('a="b" ', s) + ">x</p>\n",
    "entities": lambda s: repeat("&amp;&#x41;&lt; ", s) + "\n",
}


def generate(name, size):
    """The shape at no more than `size` bytes (a generator's unit may overshoot)."""
    target = size
    text = SHAPES[name](target)
    while len(text.encode()) > size:
        target = target * size // len(text.encode()) - 1
        text = SHAPES[name](target)
    return text


def site(tmp, description):
    root = Path(tmp) / "site"
    if not root.exists():
        for name in ("content", "theme"):
            shutil.copytree(REPO / name, root / name)
        (root / "modules").mkdir()
    (root / "modules" / "adversarial.md").write_text(FRONT + description)
    return root


def release_binary():
    out = subprocess.run([str(REPO / "scripts" / "release-binary")], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def run_time(binary, root, runs, command="check"):
    """The fastest of `runs` runs of `marketplace check` (every stage but writing: what
    the input costs) or `build`."""
    args = [binary, command, "--root", str(root)] + (["--output", str(root / "public")] if command == "build" else [])
    times, status = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=600,
        )
        times.append(time.perf_counter() - start)
        status = proc.returncode
        if status not in (0, 1):
            sys.exit(f"build exited {status}: {proc.stderr.decode(errors='replace')[-2000:]}")
    # The fastest run: the others measured the machine's other work as well.
    return min(times), status


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="builds per size, the fastest taken (default 5)")
    ap.add_argument("--max-bytes", type=int, default=LIMIT - len(FRONT) - 64, help="the 4x size (default: the limit)")
    ap.add_argument("--shape", action="append", help="only these shapes (repeatable)")
    ap.add_argument("--keep", action="store_true", help="keep the generated site")
    ap.add_argument("--write-seeds", metavar="DIR", help="write every shape at the 4x size into DIR and stop "
                    "(fuzz/run.sh seeds its runs at the file limit with them)")
    ap.add_argument("--module-files", action="store_true", help="with --write-seeds: whole module files "
                    "(front matter and description), not descriptions alone")
    args = ap.parse_args()
    if args.write_seeds:
        out = Path(args.write_seeds)
        out.mkdir(parents=True, exist_ok=True)
        for name in args.shape or SHAPES:
            text = generate(name, args.max_bytes)
            slug = "-".join(name.split())
            (out / f"adversarial-{slug}.md").write_text((FRONT if args.module_files else "") + text)
        print(f"wrote {len(args.shape or SHAPES)} seeds into {out}")
        return
    binary = release_binary()
    if not Path(binary).exists():
        sys.exit(f"adversarial.py: {binary} is missing: build it with `cargo build --release`")
    shapes = args.shape or list(SHAPES)
    unknown = [s for s in shapes if s not in SHAPES]
    if unknown:
        sys.exit(f"unknown shapes: {', '.join(unknown)}; known: {', '.join(SHAPES)}")
    sizes = [args.max_bytes // 4, args.max_bytes // 2, args.max_bytes]
    tmp = tempfile.mkdtemp(prefix="marketplace-adversarial-")
    # The empty site's time, subtracted before growth is computed: a doubling of a 30 ms
    # build of which 28 ms is start-up says nothing about the input.
    base, _ = run_time(binary, site(tmp, "A description.\n"), args.runs)
    print(f"binary {binary}; sizes {sizes[0]:,} / {sizes[1]:,} / {sizes[2]:,} bytes; {args.runs} runs each, the fastest")
    print(f"`check` of the empty site: {base * 1000:.0f} ms (subtracted before growth is computed)")
    print("growth is measured on `check` (every stage but writing); the bound on `build` at 4x\n")
    print(f"| {'shape':<30} | {'check 1x':>9} | {'2x':>9} | {'4x':>9} | growth 2x/1x, 4x/2x | build 4x | exit | verdict |")
    print(f"|{'-' * 32}|{'-' * 11}|{'-' * 11}|{'-' * 11}|---------------------|----------|------|---------|")
    failures = []
    for name in shapes:
        times, status = [], 0
        for size in sizes:
            text = generate(name, size)
            t, status = run_time(binary, site(tmp, text), args.runs)
            times.append(t)
        build, _ = run_time(binary, site(tmp, text), args.runs, "build")
        # Below NOISE_FLOOR above the empty site, a doubling measures the machine, not the input.
        work = [max(t - base, NOISE_FLOOR) for t in times]
        growth = [work[1] / work[0], work[2] / work[1]]
        ok = all(g <= GROWTH_BOUND for g in growth) and build <= TIME_BOUND
        if not ok:
            failures.append(name)
        cells = " | ".join(f"{t * 1000:>6.0f} ms" for t in times)
        print(f"| {name:<30} | {cells} | {growth[0]:>8.2f}x {growth[1]:>8.2f}x | {build * 1000:>5.0f} ms | {status:>4} | {'PASS' if ok else 'FAIL':<7} |",
              flush=True)
    if args.keep:
        print(f"\nsite kept in {tmp}")
    else:
        shutil.rmtree(tmp)
    print()
    print(f"bounds: at most {GROWTH_BOUND}x per doubling (`check` time above the empty site's), "
          f"at most {TIME_BOUND:.0f} s a build at the file limit")
    if failures:
        print(f"FAIL: {', '.join(failures)}")
        sys.exit(1)
    print(f"PASS: all {len(shapes)} shapes")


if __name__ == "__main__":
    main()
