#!/usr/bin/env bash
# Regenerates modules/ from the real DEEP and AI4OS metadata kept in ../shared/catalogue:
# the 32 modules of the final DEEP MODULES.yml, then the AI4OS hub modules that are not
# one of those 32 (the others are the same modules, migrated). A maintainer's tool: the
# build never reads ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
S=${CATALOGUE:-../shared/catalogue}
bin=${MARKETPLACE:-$(scripts/release-binary)}
[ -x "$bin" ] || cargo build --release --quiet

deep=()
for url in $(grep -o 'https://[^ ]*' "$S/deep-oc/MODULES.yml"); do
  name=${url%/}; name=${name##*/}
  deep+=("$S/deep-oc/$name.json")
done
"$bin" import --force "${deep[@]}"

# AI4OS modules that are new (not a migrated DEEP module). Taken as migrations of the 32,
# so not imported again: DEEP-OC-mods, UC-adnaneds-DEEP-OC-unet, UC-hereariim-DEEP-OC-blossom,
# ai4os-audio-classification-tf, ai4os-fasterrcnn-torch, ai4os-image-classification-tf,
# ai4os-speech-to-text-tf, ai4os-yolo-torch (yolov8_api), ai4os-demo-app (demo_app),
# birds-audio-classification, conus-classification, dogs-breed-detector, fast-neural-transfer,
# image-classification-tf-dicom, integrated-plant-protection, litter-assessment,
# obj-detection-torch, obsea-fish-detection, plants-classification, posenet-tf,
# retinopathy-test, satsr, seeds-classification, semseg-vaihingen, tf-cnn-benchmarks-api,
# thermal-bridges-rooftops-detector, thunderstorm-nowcast-microstep,
# zooprocess-multiple-separator (multi_plankton_separation). smartbay-marine-types and
# phyto-plankton-classification are invalid YAML upstream and cannot be imported.
new=(WITOIL-for-iMagine audio-vessel-classification cold-coral-segmentation deep-species-detection
  diamorph-classification diamorph-detection eyeonwater-yolo sentinel-data-fusion
  smartbay-prawn-burrow-detection smartbay-species-detection socib-beach-wracks-identification
  socib-rip-currents-detection socib-shoreline-extraction thermal-anomaly-segmenter
  thermal-urban-feature-segmenter zooprocess-multiple-classifier)
files=()
for n in "${new[@]}"; do files+=("$S/ai4os-hub/$n.ai4-metadata.yml"); done
"$bin" import --force "${files[@]}"

# The 28 migrated modules keep their DEEP text, and take what only AI4OS says of them:
# tasks, libraries, data types and resources (imported alone, into a scratch root).
migrated=(mods:DEEP-OC-mods unet:UC-adnaneds-DEEP-OC-unet blossom:UC-hereariim-DEEP-OC-blossom
  audio-classification-tf:ai4os-audio-classification-tf fasterrcnn-pytorch-api:ai4os-fasterrcnn-torch
  image-classification-tf:ai4os-image-classification-tf speech-to-text-tf:ai4os-speech-to-text-tf
  yolov8-api:ai4os-yolo-torch demo-app:ai4os-demo-app birds-audio-classification-tf:birds-audio-classification
  conus-classification-tf:conus-classification dogs-breed-det:dogs-breed-detector
  neural-transfer:fast-neural-transfer image-classification-tf-dicom:image-classification-tf-dicom
  integrated-plant-protection:integrated-plant-protection litter-assessment-service:litter-assessment
  obj-detect-pytorch:obj-detection-torch obsea-fish-detection:obsea-fish-detection
  plants-classification-tf:plants-classification posenet-tf:posenet-tf retinopathy-test:retinopathy-test
  satsr:satsr seeds-classification-tf:seeds-classification semseg-vaihingen:semseg-vaihingen
  benchmarks-cnn:tf-cnn-benchmarks-api tbbrdet-api:thermal-bridges-rooftops-detector
  ai4eosc-thunder-nowcast-ml:thunderstorm-nowcast-microstep
  multi-plankton-separation:zooprocess-multiple-separator)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for pair in "${migrated[@]}"; do
  slug=${pair%%:*}; name=${pair#*:}
  rm -rf "$scratch/modules"
  "$bin" import --root "$scratch" "$S/ai4os-hub/$name.ai4-metadata.yml" >/dev/null 2>&1
  python3 - "modules/$slug.md" "$scratch"/modules/*.md <<'PY'
import re, sys
target, source = sys.argv[1], sys.argv[2]
def split(text):
    _, front, body = text.split("+++\n", 2)
    return front, body
keys = ("tasks", "libraries", "data_types")
front, body = split(open(target).read())
theirs, _ = split(open(source).read())
lines = {m.group(1): m.group(0) for m in re.finditer(r"^(tasks|libraries|data_types) = .*$", theirs, re.M)}
resources = "".join(re.findall(r"\n\[resources\.[a-z]+\]\n(?:[a-z_]+ = \d+\n)*", theirs))
if "libraries" not in lines:  # AI4OS says nothing: the DEEP keywords' libraries stay
    lines["libraries"] = next(iter(re.findall(r"^libraries = .*$", front, re.M)), None)
front = re.sub(r"^(tasks|libraries|data_types) = .*\n", "", front, flags=re.M)
ours = "".join(lines[k] + "\n" for k in keys if lines.get(k))
front = re.sub(r"^(train = .*\n)", lambda m: m.group(1) + ours, front, count=1, flags=re.M)
open(target, "w").write("+++\n" + front + resources + "+++\n" + body)
PY
done

# Where the keyword heuristic guesses wrong, a person decides.
recategorise() { sed -i "s/^category = .*/category = \"$2\"/" "modules/$1.md"; }
recategorise unet citizen-science                      # Cercospora leaf spot on sugar beet leaves
recategorise eyeonwater-yolo citizen-science           # EyeOnWater: water colour photos by citizens
recategorise litter-assessment-service earth-observation  # litter mapped from aerial images
