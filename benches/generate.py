#!/usr/bin/env python3
"""Writes a deterministic synthetic catalogue of N modules in the project's module format.

    benches/generate.py N OUT_DIR

OUT_DIR gets content/ and theme/ copied from the repository and modules/ with N files of
about 400 words each (headings, lists, a fenced code block, links), 3-6 tags from a pool
of about 200, spread over the five seed categories, AI4OS tasks, libraries and data types,
and resources for one module in ten. The same N always gives the same bytes.
"""
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


def sentence(rng, n=None):
    n = n or rng.randint(8, 18)
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


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


def module(i, rng):
    slug = f"module-{i:06d}"
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5))).capitalize() + f" {i}"
    tags = rng.sample(TAG_POOL, rng.randint(3, 6))
    year = 2017 + i % 9
    body = []
    body.append("## What it does\n\n" + " ".join(sentence(rng) for _ in range(6)))
    body.append("## Data\n\n" + "\n".join(f"- {sentence(rng, 8)}" for _ in range(5)))
    body.append(
        "## Predict\n\n" + " ".join(sentence(rng) for _ in range(4))
        + "\n\n```python\nimport requests\n\nr = requests.post(\"http://127.0.0.1:5000/v2/models/"
        + slug + "/predict/\", files={\"data\": open(\"input.png\", \"rb\")})\nprint(r.json()[\"labels\"][:5])\n```"
    )
    body.append(
        "## Retrain\n\n" + " ".join(sentence(rng) for _ in range(5))
        + f" See [the documentation](https://docs.example.org/{slug}) and [the paper](https://doi.org/10.5281/zenodo.{1000000 + i})."
    )
    body.append("## References\n\n" + "\n".join(f"{k + 1}. {sentence(rng, 10)}" for k in range(3)))
    fields, tables = ai4os_fields(i)
    return f"""+++
title = "{title}"
summary = "{sentence(rng, 12)}"
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


def main():
    n, out = int(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for part in ("content", "theme"):
        if not (out / part).exists():
            shutil.copytree(REPO / part, out / part)
    mods = out / "modules"
    mods.mkdir(exist_ok=True)
    for i in range(n):
        rng = random.Random(i)
        (mods / f"module-{i:06d}.md").write_text(module(i, rng))


if __name__ == "__main__":
    main()
