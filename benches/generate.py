#!/usr/bin/env python3
"""Writes a deterministic synthetic catalogue of N modules in the project's module format.

    benches/generate.py N OUT_DIR [--tag-pool N] [--tags MIN-MAX] [--words N] [--vocab N] [--zipf S]
                                  [--code-langs LIST] [--code-blocks N] [--tables] [--images]

OUT_DIR gets content/ and theme/ copied from the repository (only when they are not there
yet) and modules/ with N files: headings, lists, a fenced code block, links, spread over
the five seed categories, AI4OS tasks, libraries and data types, and resources for one
module in ten. The same arguments always give the same bytes.

Without options (today's shape, which the tests rely on: keep it byte for byte): about 300
words of description each (whitespace-separated tokens of the Markdown body, code and
links included) drawn uniformly from a vocabulary of 153 English words, 3-6 tags from a
pool of 155.

    --tag-pool N   the number of distinct tags (default 155). Fewer: a fixed sample of
                   today's pool; more: today's pool plus word pairs ("audio-river").
    --tags MIN-MAX how many tags a module has, drawn uniformly (default 3-6).
    --words N      description length, about N words (default about 300): the number of
                   sentences, list items and references scales with N (long sections
                   are cut into paragraphs of six sentences).
    --vocab N      vocabulary size, at least 153: today's words first, then deterministic
                   pseudo-words ("kalomi", "bedutova"; longer as they get rarer). Words
                   are then drawn with a Zipf-like distribution over their rank (weight
                   1 / rank^S): the English words are the common ones, most pseudo-words
                   rare. Every English word of today's vocabulary stays in it, so queries
                   such as "image classification" or "plankton coral" find modules at
                   every --vocab.
    --zipf S       the exponent of that distribution (default 1.0; 0 draws uniformly).
                   Only with --vocab.
    --code-langs LIST
                   the languages of the fenced code blocks, comma-separated (default
                   python, today's block): module i's blocks take the list in turn from
                   its i-th entry, so that the catalogue has each language in equal
                   shares. Each is a short, plausible snippet of that language naming
                   the module (python is today's block). Known: see CODE below.
    --code-blocks N
                   fenced code blocks a module (default 1), one after the other in its
                   "Predict" section.
    --tables       a Markdown table a module (a "Results" section: three to five rows of
                   datasets and scores).
    --images       an image a module, at the end of "What it does", as an absolute https
                   URL (no file is needed).
The code, the table and the image are drawn from random generators of their own, so the
rest of a module stays the same bytes whatever these four options say.
"""
import argparse
import bisect
import itertools
import random
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CATEGORIES = ["earth-observation", "biomedical", "cyber-security", "citizen-science", "general-purpose"]
WORDS = (
    "model data image images training train trained predict prediction network neural deep learning "
    "classification classifier segmentation detection object objects satellite sentinel landsat plant plants "
    "species seed seeds audio sound speech text language medical retina scan tumour cell cells intrusion traffic "
    "stream anomaly time series forecast weather radar ocean coast beach fish plankton coral bird birds insect "
    "leaf disease crop yield soil water river flood fire smoke cloud wind solar energy power grid sensor sensors "
    "camera video frame frames pose keypoint style transfer generative adversarial diffusion transformer attention "
    "convolution residual recurrent graph embedding cluster clustering regression accuracy precision recall metric "
    "benchmark dataset datasets label labels annotation augmentation pipeline container docker api endpoint inference "
    "gpu cpu memory batch epoch optimizer learning rate loss validation test split fold cross tune tuning transfer "
    "pretrained weights checkpoint export format tensor tensorflow pytorch keras onnx scikit numpy pandas python "
    "research researchers scientists citizens observatory station mission archive catalogue repository open source"
).split()
# The AI4OS vocabularies (src/vocabulary.rs), for tasks, libraries and data types.
TASKS = ["Computer Vision", "Natural Language Processing", "Time Series", "Anomaly Detection", "Regression",
         "Classification", "Clustering", "Generative Models", "Transfer Learning", "Other"]
LIBRARIES = ["TensorFlow", "PyTorch", "Keras", "Scikit-learn", "XGBoost", "Other"]
DATA_TYPES = ["Image", "Text", "Time Series", "Tabular", "Audio", "Video", "Other"]
TAG_POOL = sorted({f"{a}-{b}" if i % 3 else a for i, (a, b) in enumerate(zip(WORDS, WORDS[7:] + WORDS[:7]))})[:200]


# Plausible code for --code-langs: (fence info string, code); {slug} is the module's slug,
# {n} a number drawn per module. python is today's block, byte for byte. The first six
# are the languages src/highlight.rs covers; the others go to syntect (julia is not among
# syntect's bundled grammars: plain text there).
CODE = {
    "python": ("python", 'import requests\n\nr = requests.post("http://127.0.0.1:5000/v2/models/{slug}/predict/", files={{"data": open("input.png", "rb")}})\nprint(r.json()["labels"][:5])'),
    "bash": ("bash", '# run the module and ask for a prediction\ndocker run -d -p 5000:5000 --name {slug} example/{slug}:latest\nfor f in data/*.png; do\n  curl -s -F "data=@$f" http://127.0.0.1:5000/v2/models/{slug}/predict/ | jq ".labels[:{n}]"\ndone'),
    "json": ("json", '{{\n  "model": "{slug}",\n  "input": {{"data": "input.png", "top_k": {n}}},\n  "labels": ["coral", "plankton", "fish"],\n  "probabilities": [0.81, 0.12, 0.04]\n}}'),
    "yaml": ("yaml", '# training configuration\nmodel: {slug}\nepochs: {n}0\nbatch_size: 32\noptimizer:\n  name: adam\n  learning_rate: 0.001\naugmentation: [flip, rotate, crop]'),
    "toml": ("toml", '[model]\nname = "{slug}"\nepochs = {n}0\nbatch_size = 32\n\n[optimizer]\nname = "adam"\nlearning_rate = 1e-3'),
    "dockerfile": ("dockerfile", 'FROM python:3.11-slim\nWORKDIR /srv\nCOPY . /srv/{slug}\nRUN pip install --no-cache-dir deepaas /srv/{slug}\nEXPOSE 5000\nCMD ["deepaas-run", "--listen-ip", "0.0.0.0"]'),
    "rust": ("rust", 'use std::collections::HashMap;\n\n/// Ask the module\'s DEEPaaS API for the top {n} labels.\nfn top_labels(scores: &HashMap<String, f32>, k: usize) -> Vec<(&str, f32)> {{\n    let mut v: Vec<_> = scores.iter().map(|(l, s)| (l.as_str(), *s)).collect();\n    v.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap());\n    v.truncate(k);\n    v\n}}\n\nfn main() {{\n    let url = "http://127.0.0.1:5000/v2/models/{slug}/predict/";\n    println!("POST {{url}} -> {{:?}}", top_labels(&HashMap::new(), {n}));\n}}'),
    "cpp": ("cpp", '#include <iostream>\n#include <string>\n#include <vector>\n\n// Top {n} labels returned by {slug}.\nstd::vector<std::string> top_labels(const std::vector<std::pair<std::string, float>>& scores, std::size_t k) {{\n    std::vector<std::string> out;\n    for (std::size_t i = 0; i < scores.size() && i < k; ++i) out.push_back(scores[i].first);\n    return out;\n}}\n\nint main() {{\n    const std::string url = "http://127.0.0.1:5000/v2/models/{slug}/predict/";\n    std::cout << url << " " << top_labels({{}}, {n}).size() << std::endl;\n    return 0;\n}}'),
    "c": ("c", '#include <stdio.h>\n\n/* {slug}: the port of its API */\nint main(void) {{\n    const char *url = "http://127.0.0.1:5000/v2/models/{slug}/predict/";\n    for (int i = 0; i < {n}; i++) printf("%d %s\\n", i, url);\n    return 0;\n}}'),
    "r": ("r", 'library(httr)\nlibrary(jsonlite)\n\n# Predict with {slug} and keep the top {n} labels\nurl <- "http://127.0.0.1:5000/v2/models/{slug}/predict/"\nres <- POST(url, body = list(data = upload_file("input.png")))\nlabels <- fromJSON(content(res, "text"))$labels\nprint(head(labels, {n}))\nsummary(as.numeric(labels$probability))'),
    "julia": ("julia", 'using HTTP, JSON3\n\n# Predict with {slug} and keep the top {n} labels\nfunction predict(path::String; k::Int = {n})\n    url = "http://127.0.0.1:5000/v2/models/{slug}/predict/"\n    body = HTTP.Form(Dict("data" => open(path)))\n    r = HTTP.post(url, [], body)\n    labels = JSON3.read(String(r.body)).labels\n    return first(labels, k)\nend\n\nprintln(predict("input.png"))'),
    "javascript": ("javascript", '// Predict with {slug} from the browser\nconst form = new FormData();\nform.append("data", document.querySelector("input[type=file]").files[0]);\nconst r = await fetch("http://127.0.0.1:5000/v2/models/{slug}/predict/", {{ method: "POST", body: form }});\nconst {{ labels }} = await r.json();\nconsole.log(labels.slice(0, {n}));'),
    "go": ("go", 'package main\n\nimport (\n\t"fmt"\n\t"net/http"\n)\n\n// {slug}: check that the API answers\nfunc main() {{\n\tr, err := http.Get("http://127.0.0.1:5000/v2/models/{slug}/")\n\tif err != nil {{\n\t\tpanic(err)\n\t}}\n\tdefer r.Body.Close()\n\tfmt.Println(r.Status, {n})\n}}'),
}
DATASETS = ["ImageNet", "COCO", "Sentinel-2", "PlanktonSet", "ISIC 2019", "CIC-IDS2017", "ESC-50", "LibriSpeech",
            "EuroSAT", "PlantVillage", "Kvasir", "UNSW-NB15"]
METRICS = [("Accuracy", "%"), ("F1", ""), ("mAP", ""), ("Top-5", "%")]


ENGLISH = list(dict.fromkeys(WORDS))  # the distinct words, in their order (153)
# Pseudo-words: consonant-vowel syllables, numbered so that rarer ranks get longer words.
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
random.Random(1_009).shuffle(SYLLABLES)
STOP = {"some", "more", "made", "make", "tide"}  # a few that elasticlunr would drop or stem oddly
# Today's section sizes (sentences, items), which --words scales.
SECTIONS = {"what": 6, "data": 5, "predict": 4, "retrain": 5, "references": 3}
DEFAULT_WORDS = 300  # about what today's sections come to
FIXED_WORDS = 40  # the headings, the code block and the links, which do not scale


def pseudo_words():
    """Deterministic pseudo-words, two syllables and up, none an English word of WORDS.
    Within a length the numbering is scrambled (a multiplication modulo the count), so
    that the common ones do not all start with the same syllable."""
    taken = set(ENGLISH) | STOP
    base = len(SYLLABLES)
    for length in itertools.count(2):
        size = base ** length
        for r in range(size):
            x = r * 1_000_003 % size  # 1,000,003 is prime: a permutation of 0..size-1
            parts = []
            for _ in range(length):
                x, d = divmod(x, base)
                parts.append(SYLLABLES[d])
            w = "".join(parts)
            if w not in taken:
                yield w


class Shape:
    """What a catalogue is drawn from: the vocabulary and how words are drawn, the tag
    pool, the number of tags a module has and the sections' sizes. Shape() is today's."""

    def __init__(self, tag_pool=None, tags=(3, 6), words=None, vocab=None, zipf=1.0, code_langs=("python",),
                 code_blocks=1, tables=False, images=False):
        self.tags = tags
        unknown = [x for x in code_langs if x not in CODE]
        if unknown or not code_langs:
            raise SystemExit(f"generate.py: --code-langs: unknown {', '.join(unknown) or 'empty list'} (known: {', '.join(CODE)})")
        if code_blocks < 0:
            raise SystemExit("generate.py: --code-blocks must be at least 0")
        self.code_langs, self.code_blocks, self.tables, self.images = list(code_langs), code_blocks, tables, images
        self.pool = make_tag_pool(tag_pool)
        if tags[0] < 0 or tags[0] > tags[1] or tags[1] > len(self.pool) or tags[1] > 50:
            raise SystemExit(f"generate.py: --tags {tags[0]}-{tags[1]} does not fit a pool of {len(self.pool)} (at most 50 a module)")
        if words is None:
            self.sections = dict(SECTIONS)
        else:
            f = max(0.0, (words - FIXED_WORDS)) / (DEFAULT_WORDS - FIXED_WORDS)
            self.sections = {k: max(1, round(v * f)) for k, v in SECTIONS.items()}
        if vocab is None:
            self.draw = lambda rng, n: [rng.choice(WORDS) for _ in range(n)]
        else:
            if vocab < len(ENGLISH):
                raise SystemExit(f"generate.py: --vocab must be at least {len(ENGLISH)} (today's English words)")
            self.vocab = ENGLISH + list(itertools.islice(pseudo_words(), vocab - len(ENGLISH)))
            cum = list(itertools.accumulate(1.0 / (r + 1) ** zipf for r in range(vocab)))
            total = cum[-1]
            vocab_words = self.vocab
            self.draw = lambda rng, n: [vocab_words[bisect.bisect(cum, rng.random() * total)] for _ in range(n)]


def make_tag_pool(n):
    """Today's pool (None), a fixed sample of it (fewer), or it plus word pairs (more)."""
    if n is None:
        return TAG_POOL
    if n <= len(TAG_POOL):
        return sorted(random.Random(n).sample(TAG_POOL, n))
    taken = set(TAG_POOL)
    pairs = [f"{a}-{b}" for a in ENGLISH for b in ENGLISH if a != b and f"{a}-{b}" not in taken]
    if n - len(TAG_POOL) > len(pairs):
        raise SystemExit(f"generate.py: --tag-pool is at most {len(TAG_POOL) + len(pairs)}")
    random.Random(2_003).shuffle(pairs)
    return sorted(TAG_POOL + pairs[: n - len(TAG_POOL)])


TODAY = Shape()


def sentence(rng, n=None, shape=TODAY):
    n = n or rng.randint(8, 18)
    words = shape.draw(rng, n)
    return " ".join(words).capitalize() + "."


def paragraphs(rng, count, shape):
    """`count` sentences, six to a paragraph (today's sections are one paragraph)."""
    out = [sentence(rng, shape=shape) for _ in range(count)]
    return "\n\n".join(" ".join(out[k:k + 6]) for k in range(0, len(out), 6))


def ai4os_fields(i):
    """tasks, libraries, data_types and, for one module in ten, resources. From a random
    generator of their own, so the rest of the module is the same bytes as before."""
    rng = random.Random(1_000_000_007 + i)
    quoted = lambda xs: ", ".join(f'"{x}"' for x in xs)
    lines = [
        f"tasks = [{quoted(rng.sample(TASKS, rng.randint(1, 2)))}]",
        f"libraries = [{quoted(rng.sample(LIBRARIES, rng.randint(0, 2)))}]",
        f"data_types = [{quoted(rng.sample(DATA_TYPES, 1))}]",
    ]
    tables = ""
    if i % 10 == 0:
        gpu = rng.randint(0, 2)
        tables = f"\n[resources.inference]\ncpu = {rng.choice([1, 2, 4, 8])}\ngpu = {gpu}\nmemory_mb = {rng.choice([2000, 8000, 16000, 40000])}\n"
        if gpu:
            tables += f"gpu_memory_mb = {rng.choice([8000, 16000, 24000])}\n"
    return "\n".join(lines), tables


def code_blocks(i, slug, shape):
    """The module's fenced code blocks: today's Python block without options; else
    shape.code_blocks blocks, module i's j-th in the language code_langs[(i + j) % k]."""
    if shape.code_langs == ["python"] and shape.code_blocks == 1:
        info, code = CODE["python"]
        return "\n\n```" + info + "\n" + code.format(slug=slug, n=5) + "\n```"
    rng = random.Random(3_000_000_019 + i)
    out = ""
    for j in range(shape.code_blocks):
        info, code = CODE[shape.code_langs[(i + j) % len(shape.code_langs)]]
        out += "\n\n```" + info + "\n" + code.format(slug=slug, n=rng.randint(3, 9)) + "\n```"
    return out


def results_table(i, slug):
    """--tables: a "Results" section, a sentence and a table of three to five rows."""
    rng = random.Random(4_000_000_007 + i)
    metric, unit = METRICS[i % len(METRICS)]
    rows = []
    for d in rng.sample(DATASETS, rng.randint(3, 5)):
        score = rng.uniform(70, 99) if unit else rng.uniform(0.5, 0.98)
        value = f"{score:.1f} {unit}".strip() if unit else f"{score:.3f}"
        rows.append(f"| {d} | {rng.choice(['train', 'validation', 'test'])} | {rng.randint(1, 500) * 100:,} | {value} |")
    return ("## Results\n\nScores of " + slug + " on public datasets (higher is better):\n\n"
            f"| Dataset | Split | Samples | {metric} |\n|---|---|---:|---:|\n" + "\n".join(rows))


def image_ref(i, slug):
    """--images: an image of the module's output, as an absolute https URL."""
    rng = random.Random(5_000_000_029 + i)
    kind = rng.choice(["output", "architecture", "confusion-matrix", "sample-predictions"])
    return f"\n\n![The {kind.replace('-', ' ')} of {slug}](https://images.example.org/{slug}/{kind}.png)"


def module(i, rng, shape=TODAY):
    slug = f"module-{i:06d}"
    sec = shape.sections
    title = " ".join(shape.draw(rng, rng.randint(2, 5))).capitalize() + f" {i}"
    tags = rng.sample(shape.pool, rng.randint(*shape.tags))
    year = 2017 + i % 9
    body = []
    body.append("## What it does\n\n" + paragraphs(rng, sec["what"], shape) + (image_ref(i, slug) if shape.images else ""))
    body.append("## Data\n\n" + "\n".join(f"- {sentence(rng, 8, shape)}" for _ in range(sec["data"])))
    body.append("## Predict\n\n" + paragraphs(rng, sec["predict"], shape) + code_blocks(i, slug, shape))
    body.append(
        "## Retrain\n\n" + paragraphs(rng, sec["retrain"], shape)
        + f" See [the documentation](https://docs.example.org/{slug}) and [the paper](https://doi.org/10.5281/zenodo.{1000000 + i})."
    )
    if shape.tables:
        body.append(results_table(i, slug))
    body.append("## References\n\n" + "\n".join(f"{k + 1}. {sentence(rng, 10, shape)}" for k in range(sec["references"])))
    fields, tables = ai4os_fields(i)
    return f"""+++
title = "{title}"
summary = "{sentence(rng, 12, shape)}"
category = "{CATEGORIES[i % len(CATEGORIES)]}"
tags = [{", ".join(f'"{t}"' for t in tags)}]
license = "{rng.choice(["MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0-or-later"])}"
created = {year}-{1 + i % 12:02d}-{1 + i % 28:02d}
predict = true
train = {"true" if i % 2 else "false"}
{fields}

[links]
source = "https://github.com/example/{slug}"
docker = "https://hub.docker.com/r/example/{slug}"
{tables}+++
""" + "\n\n".join(body) + "\n"


def tag_range(text):
    lo, _, hi = text.partition("-")
    try:
        return int(lo), int(hi or lo)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected MIN-MAX, e.g. 3-12: {text!r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="the number of modules")
    ap.add_argument("out", type=Path, help="the catalogue's directory")
    ap.add_argument("--tag-pool", type=int, help="distinct tags (default 155, today's pool)")
    ap.add_argument("--tags", type=tag_range, default=(3, 6), help="tags a module, MIN-MAX (default 3-6)")
    ap.add_argument("--words", type=int, help="description length, about N words (default about 300)")
    ap.add_argument("--vocab", type=int, help="vocabulary size, >= 153 (default: today's 153 English words, drawn uniformly)")
    ap.add_argument("--zipf", type=float, default=1.0, help="with --vocab: the Zipf exponent (default 1.0)")
    ap.add_argument("--code-langs", default="python",
                    help=f"languages of the code blocks, comma-separated, taken in turn (default python; known: {','.join(CODE)})")
    ap.add_argument("--code-blocks", type=int, default=1, help="fenced code blocks a module (default 1)")
    ap.add_argument("--tables", action="store_true", help="a Markdown table a module (a Results section)")
    ap.add_argument("--images", action="store_true", help="an image a module (an absolute https URL)")
    args = ap.parse_args()
    shape = Shape(tag_pool=args.tag_pool, tags=args.tags, words=args.words, vocab=args.vocab, zipf=args.zipf,
                  code_langs=[x.strip() for x in args.code_langs.split(",") if x.strip()], code_blocks=args.code_blocks,
                  tables=args.tables, images=args.images)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    for part in ("content", "theme"):
        if not (out / part).exists():
            shutil.copytree(REPO / part, out / part)
    mods = out / "modules"
    mods.mkdir(exist_ok=True)
    for i in range(args.n):
        rng = random.Random(i)
        (mods / f"module-{i:06d}.md").write_text(module(i, rng, shape))


if __name__ == "__main__":
    main()
