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

# Where the keyword heuristic guesses wrong, a person decides.
recategorise() { sed -i "s/^category = .*/category = \"$2\"/" "modules/$1.md"; }
recategorise unet citizen-science                      # Cercospora leaf spot on sugar beet leaves
recategorise eyeonwater-yolo citizen-science           # EyeOnWater: water colour photos by citizens
recategorise litter-assessment-service earth-observation  # litter mapped from aerial images
