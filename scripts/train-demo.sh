#!/usr/bin/env bash
# The training demo: a synthetic 5-class dataset (2,000 training and 300 validation images), then
# alpha 0.25 at 192 with the zoo's augmentation for 60 epochs (at most 13 minutes of training),
# then the model zoo's AP of the best checkpoint on the validation images. Extra arguments go to
# `tinyssd train`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
swift build -c release --product tinyssd >/dev/null
tinyssd=$(swift build -c release --show-bin-path)/tinyssd
out=${TINYSSD_DEMO_DIR:-$(mktemp -d)}
"$tinyssd" dataset synth --out "$out/shapes" --train 2000 --val 300 --overwrite
time "$tinyssd" train --config "$out/shapes/user_config.yaml" --epochs 60 --batch 16 --time-limit 13 --out "$out/run" "$@"
"$tinyssd" evaluate --model "$out/run/checkpoints/best.safetensors" --data "$out/shapes/val" --plots "$out/run/plots"
echo "run folder: $out/run"
